"""The extractive answer around a table: its rows, its caption, or what is said about it.

The passage and questions are written for this test (not taken from any eval set).
"""

from __future__ import annotations

from assistant.ask.generation import ExtractiveGenerator
from assistant.ask.retrieval import Hit
from assistant.documents.chunking import Chunk
from assistant.library.keyword_index import KeywordIndex

PASSAGE = "\n".join(
    [
        "The table below shows berth use, with the smallest vessels on the left.",
        "*Table: Berth Use Spectrum, Harbour Masters Association.*",
        "Dinghy — Berths: 40; Fee: low",
        "Ferry — Berths: 6; Fee: high",
        "We encourage ports to aim for the ferry end of the berth use spectrum.",
    ]
)


def _answer(question: str) -> tuple[str, str]:
    chunk = Chunk("c1", PASSAGE, "port.md", "Port guide", ("Berths",), (), 0, "h", "text")
    generator = ExtractiveGenerator(KeywordIndex([PASSAGE, "Ferries sail daily."]))
    hits = [Hit((chunk,), 1.0, 0.9, 1.0)]
    ranked = generator.rank_sentences(question, hits)
    return ranked[0][2], "".join(generator.stream(question, hits))


def test_a_question_about_what_a_table_holds_is_answered_from_its_rows() -> None:
    best, answer = _answer("Berth Use Spectrum, Harbour Masters Association: what levels?")
    assert best.startswith("*Table:")
    assert answer.startswith("Dinghy — Berths: 40")
    assert "Ferry — Berths: 6" in answer


def test_a_question_about_where_a_table_comes_from_is_answered_by_its_caption() -> None:
    best, answer = _answer("Berth Use Spectrum, Harbour Masters Association: whose is it?")
    assert best.startswith("*Table:")
    assert answer.startswith("*Table: Berth Use Spectrum, Harbour Masters Association.*")


def test_any_other_question_about_a_table_is_answered_by_what_is_said_about_it() -> None:
    best, answer = _answer("Berth Use Spectrum, Harbour Masters Association: which end?")
    assert best.startswith("*Table:")
    assert answer.startswith("We encourage ports to aim for the ferry end")
