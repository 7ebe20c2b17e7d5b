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


# A question about where something comes from: "whose is it?", "who came up with it?",
# "where does the table come from?", "source?". A caption names its table's source.
_SOURCE = re.compile(
    r"\bwhose\b|\bwho\s+(?:came\s+up\s+with|made|created|devised|developed|produced|"
    r"published|wrote|designed)\b|\bwhere\b.{0,40}\bcomes?\s+from\b|\b(?:source|sources|"
    r"provenance|origin|origins)\b",
    re.IGNORECASE,
)
# A question about a table's contents: its levels, tools, rows, or what it shows.
_CONTENTS = re.compile(
    r"\b(?:levels?|tools?|goals?|promises?|rows?|columns?|stages?|categories|steps|options|"
    r"examples?)\b|\bwhat\s+(?:is|are|does|do)\b|\b(?:explain|describe|summarise|summarize|"
    r"list|show|shows)\b",
    re.IGNORECASE,
)


def asks_for_source(question: str) -> bool:
    """The question asks where something comes from (answered by a caption's source)."""
    return bool(_SOURCE.search(question))


def asks_for_contents(question: str) -> bool:
    """The question asks what a table holds (answered by its rows), not how to use it."""
    return bool(_CONTENTS.search(question))
