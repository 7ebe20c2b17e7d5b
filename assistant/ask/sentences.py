"""Sentences of a guidance passage as an answer shows them.

A passage splits into units (``assistant.library.passages``: sentences, short list
items, table rows); here a unit that leans on the one before ("These…", "However…")
or introduces a list ("…the following:") is shown with what it needs to make sense,
and captions are told apart from text that answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.library.passages import BULLET

# A sentence that leans on the one before: "These…", "For example…", "Rural areas are therefore…"
_ANAPHOR = re.compile(
    r"^(these|this|they|it|its|such|however|therefore|thus|for example|for instance|"
    r"in addition|also)\b|^(\S+\s+){1,4}(therefore|thus)\b",
    re.IGNORECASE,
)


# A caption or source line: "*Table: …*", "Figure 2. …", "Source: …".
_CAPTION = re.compile(r"^\W{0,3}(table|figure|chart|map|source)\b\s*\d*\s*[:.]", re.IGNORECASE)


def is_caption(line: str) -> bool:
    """A caption or source line: it names a table or figure, it does not answer anything."""
    return bool(_CAPTION.match(line.strip()))


_CONTINUES = re.compile(r"^(these|this|they|such)\s+(are|is|include|includes)\b", re.IGNORECASE)
CONTEXT_WORDS = 110


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
