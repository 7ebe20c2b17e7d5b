"""Sentences of a guidance passage, the units an answer is built from.

A passage splits into sentences; a short list item stays whole; a sentence that
leans on the one before ("These…", "However…") or introduces a list ("…the
following:") is shown with what it needs to make sense.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.documents.chunking import split_sentences

BULLET = re.compile(r"^\s*[-•*]\s+")
# A sentence that leans on the one before: "These…", "For example…", "Rural areas are therefore…"
_ANAPHOR = re.compile(
    r"^(these|this|they|it|its|such|however|therefore|thus|for example|for instance|"
    r"in addition|also)\b|^(\S+\s+){1,4}(therefore|thus)\b",
    re.IGNORECASE,
)


# A table record as the parsers render it: "Label — Header: cell; Header: cell".
_RECORD = re.compile(r"^[^:;]{1,80} — [^:]{1,60}: ")
# A caption or source line: "*Table: …*", "Figure 2. …", "Source: …".
_CAPTION = re.compile(r"^\W{0,3}(table|figure|chart|map|source)\b\s*\d*\s*[:.]", re.IGNORECASE)


def is_record(line: str) -> bool:
    """A table row, read with its column headers (kept whole: it is one statement)."""
    return bool(_RECORD.match(line.strip()))


def is_caption(line: str) -> bool:
    """A caption or source line: it names a table or figure, it does not answer anything."""
    return bool(_CAPTION.match(line.strip()))


def passage_sentences(text: str) -> list[str]:
    """Sentences of a passage, list items counted separately, table rows kept whole."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if is_record(line):
            out.append(line)
        elif line:
            out.extend(s.strip() for s in split_sentences(line) if s.strip())
    return out


_CONTINUES = re.compile(r"^(these|this|they|such)\s+(are|is|include|includes)\b", re.IGNORECASE)
CONTEXT_WORDS = 110


def passage_units(text: str) -> list[str]:
    """Sentences of a passage; a short list item stays whole (its sentences belong together)."""
    units: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if BULLET.match(line) and len(line.split()) <= 80:
            units.append(line)
        elif line:
            units.extend(passage_sentences(line))
    return units


def with_context(units: Sequence[str], order: int) -> str:
    """A unit with the sentence it leans on and the list or sentence it introduces."""
    parts = [units[order]]
    if order > 0 and _ANAPHOR.match(BULLET.sub("", units[order])):
        parts.insert(0, units[order - 1])
    introduces = parts[-1].rstrip().endswith(":")
    following = order + 1
    while following < len(units):
        unit = units[following]
        if sum(len(p.split()) for p in parts) + len(unit.split()) > CONTEXT_WORDS:
            break
        if introduces and (BULLET.match(unit) or len(parts) == 1):
            parts.append(unit)
        elif len(parts) == 1 and _CONTINUES.match(BULLET.sub("", unit)):
            parts.append(unit)
            introduces = unit.rstrip().endswith(":")
        else:
            break
        following += 1
    text = " ".join(BULLET.sub("", p) for p in parts)
    return text if not introduces or len(parts) > 1 else ""
