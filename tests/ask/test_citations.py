"""The citation check's quotes: each point is quoted by what of the passage it uses."""

from __future__ import annotations

from assistant.ask.citations import check_answer
from assistant.ask.retrieval import Hit
from assistant.documents.chunking import Chunk

HARBOUR = (
    "Harbour plans should be agreed with the port authority before they are published.\n"
    "The harbour board sets out the following steps for a new berth:\n"
    "- Survey the seabed.\n"
    "- Consult the fishing fleet.\n"
    "- Publish the berth plan with clear plans to review progress.\n"
    "Each plan must set out clear plans to review progress every year and publish them."
)


def _chunk(text: str, position: int = 0) -> Chunk:
    return Chunk(
        id=f"c{position}",
        text=text,
        source="harbour.md",
        title="Harbour guide",
        section_path=("Berths",),
        pages=(3,),
        position=position,
        content_hash=f"h{position}",
    )


def _hit(*chunks: Chunk) -> Hit:
    return Hit(chunks=chunks, score=1.0, dense=0.8, keyword=2.0)


def test_a_point_that_introduces_a_list_is_quoted_with_its_list() -> None:
    # The list's last item shares more words with the passage's last sentence than with
    # the point's opening one: the quote is still what the point says, verbatim.
    point = (
        "- The harbour board sets out the following steps for a new berth: Survey the seabed. "
        "Consult the fishing fleet. Publish the berth plan with clear plans to review "
        "progress. [1]"
    )
    checked = check_answer(point, [_hit(_chunk(HARBOUR))])
    (citation,) = checked.citations
    assert citation.quote.startswith("The harbour board sets out the following steps")
    assert citation.quote.endswith("Publish the berth plan with clear plans to review progress.")
    assert "Each plan must" not in citation.quote
    assert citation.quote in HARBOUR


def test_a_one_sentence_point_is_quoted_by_that_sentence() -> None:
    point = "Harbour plans should be agreed with the port authority before they are published. [1]"
    (citation,) = check_answer(point, [_hit(_chunk(HARBOUR))]).citations
    assert citation.quote == (
        "Harbour plans should be agreed with the port authority before they are published."
    )


def test_a_quote_never_crosses_from_one_chunk_of_a_merged_passage_into_the_next() -> None:
    first = _chunk("Harbour plans should be agreed with the port authority.", 0)
    second = _chunk("The harbour board publishes them every spring.", 1)
    hit = Hit(chunks=(first, second), score=1.0, dense=0.8, keyword=2.0)
    point = (
        "Harbour plans should be agreed with the port authority. "
        "The harbour board publishes them every spring. [1]"
    )
    (citation,) = check_answer(point, [hit]).citations
    assert citation.quote in (first.text, second.text)
    assert citation.chunk_id == (first.id if citation.quote == first.text else second.id)


def test_a_paraphrase_is_quoted_by_the_sentence_sharing_most_of_its_words() -> None:
    point = "The port authority has to agree harbour plans before publication. [1]"
    (citation,) = check_answer(point, [_hit(_chunk(HARBOUR))]).citations
    assert citation.quote.startswith("Harbour plans should be agreed with the port authority")


def test_a_list_item_is_quoted_without_its_list_marker() -> None:
    point = "- Consult the fishing fleet. [1]"
    (citation,) = check_answer(point, [_hit(_chunk(HARBOUR))]).citations
    assert citation.quote == "Consult the fishing fleet." and citation.quote in HARBOUR


def test_a_paraphrase_is_not_quoted_by_a_short_item_or_a_word_inside_another() -> None:
    passage = (
        "Harbour boards should say how they will invest in berths, cranes and dredging.\n"
        "Priorities include:\n- Berths\n- Dredging plans\n"
        "See also:\n- Local plan"
    )
    point = "Boards should set out how they will invest in dredging plans, berths and cranes. [1]"
    (citation,) = check_answer(point, [_hit(_chunk(passage))]).citations
    assert citation.quote.startswith("Harbour boards should say how they will invest")
    planning = "Local planning should say how boards invest in berths and dredging. [1]"
    (citation,) = check_answer(planning, [_hit(_chunk(passage))]).citations
    assert citation.quote != "Local plan"
