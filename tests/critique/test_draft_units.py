"""A draft's evidence units: a list item is judged with the sentence that introduces it."""

from __future__ import annotations

from assistant.critique.evidence import draft_units
from assistant.documents.model import Document
from assistant.documents.parsers import parse_markdown

DRAFT = """# Harbour strategy

## Partners

The strategy is owned by the Harbour Board. Its members and their responsibilities:

- **Port Authority** — berths, dredging and pilotage.
- **Fishing Co-operative** — landings data and crew training.

The Board meets quarterly.

- A bullet with no introduction to lean on.

## Next

- Another list under a new heading.
"""


def _units() -> dict[str, str]:
    blocks = tuple(parse_markdown(DRAFT))
    return {u.text: u.embed_text for u in draft_units(Document("d.md", "Harbour", blocks))}


def test_a_list_item_is_embedded_with_the_sentence_that_introduces_it() -> None:
    units = _units()
    intro = "Its members and their responsibilities:"
    item = next(t for t in units if t.endswith("berths, dredging and pilotage."))
    assert units[item] == f"{intro} {item}"  # what is judged: the item with its introduction
    assert intro not in item  # what is quoted: the item, verbatim
    second = next(t for t in units if t.endswith("landings data and crew training."))
    assert units[second].startswith(intro)


def test_a_sentence_not_ending_in_a_colon_or_a_new_heading_introduces_nothing() -> None:
    units = _units()
    assert units["A bullet with no introduction to lean on."] == (
        "A bullet with no introduction to lean on."
    )
    assert units["Another list under a new heading."] == "Another list under a new heading."
    assert units["The Board meets quarterly."] == "The Board meets quarterly."
