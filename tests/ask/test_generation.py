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


INTRODUCED = PASSAGE.replace(
    "*Table: Berth Use Spectrum, Harbour Masters Association.*\n", ""
).replace("The table below shows berth use", "The table below shows the berth use levels")


def test_a_table_introduced_in_a_sentence_is_answered_with_its_rows() -> None:
    chunk = Chunk("c1", INTRODUCED, "port.md", "Port guide", ("Berths",), (), 0, "h", "text")
    generator = ExtractiveGenerator(KeywordIndex([INTRODUCED, "Ferries sail daily."]))
    answer = "".join(generator.stream("What are the berth use levels?", [Hit((chunk,), 1, 1, 1)]))
    assert answer.startswith("The table below shows the berth use levels")
    assert "- Dinghy — Berths: 40" in answer and "- Ferry — Berths: 6" in answer


LISTED = "\n".join(
    [
        "Harbour towns face particular pressures from the sea and from their size.",
        "They also have pressures.",
        "- Erosion: harbour towns face cliff pressures, losing a metre a year.",
        "- Flooding: harbour towns face tidal pressures twice a decade.",
        "- Ageing: harbour towns face the pressures of fewer young families.",
        "Harbour towns are home to a tenth of the county's people.",
    ]
)


def test_a_question_about_the_members_of_a_group_gets_the_whole_list() -> None:
    chunk = Chunk("c1", LISTED, "port.md", "Port guide", ("Towns",), (), 0, "h", "text")
    generator = ExtractiveGenerator(KeywordIndex([LISTED, "Ferries sail daily."]), max_points=1)
    question = "Which pressures do harbour towns face?"
    answer = "".join(generator.stream(question, [Hit((chunk,), 1, 1, 1)]))
    for item in ("Erosion:", "Flooding:", "Ageing:"):
        assert f"- {item}" in answer
    # a question that does not ask for a group's members keeps its usual points
    single = "".join(generator.stream("Why do harbour towns matter?", [Hit((chunk,), 1, 1, 1)]))
    assert sum(line.startswith("- ") for line in single.splitlines()) <= 1


def test_a_who_question_leads_with_the_sentence_that_names_who() -> None:
    text = (
        "You should consider the Harbour Academy, which runs courses for senior staff. "
        "The Harbour Academy is run under licence by the Tidewater Trust."
    )
    chunk = Chunk("c1", text, "port.md", "Port guide", ("Training",), (), 0, "h", "text")
    generator = ExtractiveGenerator(KeywordIndex([text, "Ferries sail daily."]))
    hits = [Hit((chunk,), 1, 1, 1)]
    assert "".join(generator.stream("Who runs the Harbour Academy?", hits)).startswith(
        "The Harbour Academy is run under licence by the Tidewater Trust."
    )
    # the same passage asked about something else leads as before
    what = "".join(generator.stream("What courses does the Harbour Academy run?", hits))
    assert what.startswith("You should consider the Harbour Academy")


def test_the_row_a_question_names_comes_first() -> None:
    best, answer = _answer("Berth Use Spectrum, Harbour Masters Association: the Ferry level?")
    assert best.startswith("*Table:")
    assert answer.startswith("Ferry — Berths: 6")
    assert "- Dinghy — Berths: 40" in answer


def test_a_row_named_without_the_marks_in_its_first_column_comes_first() -> None:
    marked = PASSAGE.replace("Dinghy —", "Dinghy (-) —").replace("Ferry —", "Ferry (0) —")
    chunk = Chunk("c1", marked, "port.md", "Port guide", ("Berths",), (), 0, "h", "text")
    generator = ExtractiveGenerator(KeywordIndex([marked, "Ferries sail daily."]))
    question = "Berth Use Spectrum, Harbour Masters Association: the Ferry level?"
    answer = "".join(generator.stream(question, [Hit((chunk,), 1.0, 0.9, 1.0)]))
    assert answer.startswith("Ferry (0) — Berths: 6")


def test_when_a_row_leads_the_row_the_question_names_leads_instead() -> None:
    rows = "Dinghy (-) — Berths: 40; Fee: low\nFerry (0) — Berths: 6; Fee: high"
    chunk = Chunk("c1", rows, "port.md", "Port guide", ("Berths",), (), 0, "h", "text")
    generator = ExtractiveGenerator(KeywordIndex([rows, "Ferries sail daily."]))
    question = "Ferry level: are its berths low fee?"  # the dinghy row has "low"
    answer = "".join(generator.stream(question, [Hit((chunk,), 1.0, 0.9, 1.0)]))
    assert answer.startswith("Ferry (0) — Berths: 6")


def test_sentences_are_ranked_with_the_guidance_words_for_the_officers_phrase() -> None:
    from assistant.ask.query_terms import QueryTerm, QueryTerms

    text = (
        "Harbour plans cover the moorings, the dredging, the quay and the slipways of a port.\n"
        "Each harbour plan is drawn up locally and agreed with the board."
    )
    chunk = Chunk("c1", text, "port.md", "Port guide", ("Plans",), (), 0, "h", "text")
    terms = QueryTerms(terms=(QueryTerm(phrases=("sign off",), adds=("agreed",), why="t"),))
    hits = [Hit((chunk,), 1.0, 0.9, 1.0)]
    question = "Who has to sign off harbour plans?"
    keywords = KeywordIndex([text, "Ferries sail daily."])
    plain = "".join(ExtractiveGenerator(keywords).stream(question, hits))
    bridged = ExtractiveGenerator(keywords, query_terms=terms)
    assert plain.startswith("Harbour plans cover the moorings")
    assert "".join(bridged.stream(question, hits)).startswith(
        "Each harbour plan is drawn up locally"
    )
