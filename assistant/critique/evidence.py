"""A draft's evidence units: sentences, slide bullets and table rows.

``draft_units(document)`` walks the parsed draft and yields one ``DraftUnit``
per sentence, bullet or table row, with the verbatim text quoted back to the
officer, the text that is judged (a table row carries its column headers; a list item
the sentence that introduces it, "Its members and their responsibilities:"),
the section it sits under and its page. Headings are kept as the section path:
they help an officer find the quote but never decide a status.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from assistant.documents.chunking import SECTION_SEP, split_sentences
from assistant.documents.model import Document

_ENUMERATOR = re.compile(
    r"^\s*(?:[-*•▪·>]+\s*|\(?[a-zA-Z]{1,2}\)\s+|\(?\d{1,2}[.)]\s+|\d+(?:\.\d+)+\s+(?=[A-Z]))+"
)
_MIN_WORDS = 3
_NUMBERED_HEADING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[A-Z]\.)\s+[A-Z][^.!?:;]*$")


@dataclass(frozen=True)
class DraftUnit:
    """One sentence or table row of a draft."""

    index: int
    text: str  # verbatim draft text, quoted as evidence
    embed_text: str  # what is judged (a table row with its headers, a list item its intro)
    section_path: tuple[str, ...]
    page: int | None
    block: int  # index of the block it came from (sentences of one paragraph share it)
    kind: str = "text"  # text | table | footnote
    hidden: str = ""  # why a reader cannot see it (white or tiny text); never evidence

    @property
    def section(self) -> str:
        return SECTION_SEP.join(self.section_path)

    @property
    def heading(self) -> str:
        return self.section_path[-1] if self.section_path else ""


def draft_units(document: Document) -> list[DraftUnit]:
    """Sentences and table rows of a draft, in reading order, with section and page."""
    units: list[DraftUnit] = []
    stack: list[tuple[int, str]] = []
    intro = ""  # the sentence introducing the list being read ("Its members are:")
    for number, block in enumerate(document.blocks):
        level = block.level if block.kind == "heading" else _implied_heading_level(block.text)
        item = block.kind == "text" and bool(_ENUMERATOR.match(block.text))
        if block.kind == "heading" or (block.kind == "text" and level):
            intro = ""
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, strip_enumerator(block.text) or block.text))
            continue
        path = tuple(text for _, text in stack)
        if not item:
            intro = ""
        if block.kind == "table" and len(block.rows) >= 2:
            rendered = block.text.splitlines()
            for i, row in enumerate(block.rows[1:]):
                quote = " | ".join(cell for cell in row if cell)
                embed = rendered[i] if i < len(rendered) else quote
                if len(quote.split()) >= 2:
                    units.append(_unit(units, quote, embed, path, block.page, number, "table"))
            continue
        for sentence in split_sentences(strip_enumerator(block.text)):
            quote = strip_enumerator(sentence)
            if not re.search(r"[^\W\d_]", quote):
                continue  # a stray list number or symbol, not a sentence
            if len(quote.split()) >= _MIN_WORDS or re.search(r"\d", quote):
                kind = "footnote" if block.kind == "footnote" else "text"
                embed = f"{intro} {quote}" if intro else quote  # an item read with its intro
                unit = _unit(units, quote, embed, path, block.page, number, kind)
                units.append(
                    dataclasses.replace(unit, hidden=block.hidden) if block.hidden else unit
                )
        last = units[-1].text if units and units[-1].block == number else ""
        if not item and block.kind == "text" and last.rstrip().endswith(":"):
            intro = last
    return units


def _implied_heading_level(text: str) -> int:
    """A heading the parser left as text: "3. OUR ECONOMY", "7. Partners" (0 if not)."""
    words = text.split()
    if not 1 <= len(words) <= 10 or text.rstrip().endswith((".", "!", "?", ":", ";", ",")):
        return 0
    letters = [c for c in text if c.isalpha()]
    shouting = bool(letters) and all(c.isupper() for c in letters) and len(letters) >= 4
    if _NUMBERED_HEADING.match(text) and (shouting or len(words) <= 6):
        return 2
    return 3 if shouting else 0


def _unit(
    units: list[DraftUnit],
    text: str,
    embed: str,
    path: tuple[str, ...],
    page: int | None,
    block: int,
    kind: str,
) -> DraftUnit:
    return DraftUnit(len(units), text, embed, path, page, block, kind)


def strip_enumerator(text: str) -> str:
    """Drop list bullets and paragraph numbers ("- ", "(a) ", "2.1 ") from the front."""
    return _ENUMERATOR.sub("", text, count=1).strip()
