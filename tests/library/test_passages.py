"""Passages split into units, read with their context, and joined as the retriever joins
neighbours; and the answerer scoring a sentence that leans on the one before by what it
means with that one."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.ask.generation import ExtractiveGenerator
from assistant.ask.retrieval import Hit
from assistant.documents.chunking import Chunk
from assistant.library.keyword_index import KeywordIndex
from assistant.library.passages import library_readings, merged_texts, with_context
from assistant.library.sentence_vectors import SentenceVectors


def _chunk(text: str, position: int, section: str = "Harbours", source: str = "a.md") -> Chunk:
    return Chunk(
        id=f"{source}-{position}",
        text=text,
        source=source,
        title="Harbour guide",
        section_path=(section,),
        pages=(),
        position=position,
        content_hash=f"{source}-{position}",
    )


def test_a_sentence_that_leans_on_the_one_before_is_read_with_it() -> None:
    units = ["Harbour plans run for ten years.", "They are agreed with the port authority."]
    assert with_context(units, 1) == " ".join(units)
    # the first is read with the one that continues it ("They are …"), the second with
    # the one it leans on: each unit and the one reading they share
    assert set(library_readings(["\n".join(units)])) == {*units, " ".join(units)}


def test_neighbours_of_one_section_are_joined_and_others_are_not() -> None:
    first = _chunk("The harbour board sets out these steps:", 0)
    second = _chunk("- Survey the seabed.\n- Consult the fleet.", 1)
    third = _chunk("Berths are let yearly.", 2)
    elsewhere = _chunk("Ferries run daily.", 3, section="Ferries")
    gap = _chunk("Tolls are reviewed.", 5)
    texts = merged_texts([first, second, third, elsewhere, gap])
    assert texts[:5] == [c.text for c in (first, second, third, elsewhere, gap)]
    joined = texts[5:]
    assert f"{first.text}\n{second.text}" in joined
    assert f"{first.text}\n{second.text}\n{third.text}" in joined
    assert not any(elsewhere.text in t or gap.text in t for t in joined)
    # the list's introduction, read with the items in the next chunk, is among the readings
    reading = "The harbour board sets out these steps: Survey the seabed. Consult the fleet."
    assert reading in library_readings(texts)
    assert reading not in library_readings([first.text, second.text])


def _embed(texts: Sequence[str]) -> list[list[float]]:
    """Vectors by meaning, for the test: 'agreed by whom' is a direction of its own."""
    return [[1.0, 0.0] if "authority" in t and "Harbour plans" in t else [0.0, 1.0] for t in texts]


def test_a_leaning_sentence_is_scored_by_its_reading() -> None:
    text = (
        "Harbour plans run for ten years.\n"
        "They are agreed with the port authority.\n"
        "Berths are let to fishing boats every spring."
    )
    chunk = _chunk(text, 0)
    hits = [Hit((chunk,), 1.0, 0.5, 0.0)]
    reading = "Harbour plans run for ten years. They are agreed with the port authority."
    unsaved = SentenceVectors(_embed)
    generator = ExtractiveGenerator(KeywordIndex([text]), unsaved, lambda q: [1.0, 0.0])
    # a reading ingest did not save is not embedded at answer time: units alone count
    assert generator.rank_sentences("Who signs off?", hits)[0][2] != reading
    assert not unsaved.knows(reading)
    saved = SentenceVectors(_embed)
    saved.add(library_readings(merged_texts([chunk])))  # what ingest saves
    generator = ExtractiveGenerator(KeywordIndex([text]), saved, lambda q: [1.0, 0.0])
    assert generator.rank_sentences("Who signs off?", hits)[0][2] == reading
