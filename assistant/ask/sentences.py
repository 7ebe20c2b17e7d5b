"""Captions told apart from text that answers.

A passage splits into units and each unit is read with what it needs to make sense
(``assistant.library.passages``); a caption or source line names a table or figure and
answers nothing.
"""

from __future__ import annotations

import re

# A caption or source line: "*Table: …*", "Figure 2. …", "Source: …".
_CAPTION = re.compile(r"^\W{0,3}(table|figure|chart|map|source)\b\s*\d*\s*[:.]", re.IGNORECASE)


def is_caption(line: str) -> bool:
    """A caption or source line: it names a table or figure, it does not answer anything."""
    return bool(_CAPTION.match(line.strip()))
