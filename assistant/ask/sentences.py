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


# A question asking which things make up a group: "which challenges …", "what are the
# principles", "list the tools".
_MEMBERS = re.compile(
    r"\b(?:what|which)\s+(?:[\w-]+\s+){0,3}?[a-z]+[^s\W'’]s\b|\blist\b|\bname\s+the\b",
    re.IGNORECASE,
)


def asks_for_members(question: str) -> bool:
    """The question asks which things make up a group (answered by the list the guidance
    gives of them)."""
    return bool(_MEMBERS.search(question))


# A sentence that introduces a table: "The table below shows …", "the following table …".
_INTRODUCES_TABLE = re.compile(
    r"\b(?:table|figure|chart)\s+(?:below|above|overleaf|that\s+follows)\b|"
    r"\bthe\s+following\s+(?:table|figure|chart)\b",
    re.IGNORECASE,
)


def introduces_table(sentence: str) -> bool:
    """The sentence introduces a table or figure that follows it."""
    return bool(_INTRODUCES_TABLE.search(sentence))


# What a question's first sentence should hold: an agent for "who …?", a figure for "how many
# …?". A sentence that holds it is preferred as the lead.
_WHO = re.compile(
    r"^\W*(?:[\w'’ ]{0,40}[:,—–-]\s*)?who(?:['’]s)?\b|\bwho\s+(?:\w+\s+)?(?:runs?|leads?|led|"
    r"sets?|established|created|founded|chairs|signs|agrees|agreed|owns|funds|came|is\s+behind|"
    r"are\s+behind)\b",
    re.IGNORECASE,
)
_AGENT = re.compile(
    r"\bby\s+(?:the\s+)?(?:[a-z]+\s+){0,2}['‘\"]?[A-Z]|"
    r"\b[A-Z][\w&'’]*(?:\s+(?:and\s+|of\s+|for\s+)?(?:[Tt]he\s+)?[A-Z][\w&'’]*)*\s+"
    r"(?:established|set\s+up|leads?|led|runs?|created|founded|chairs?|defines?|agreed)\b"
)
_HOW_MANY = re.compile(
    r"\bhow\s+(?:many|much|big|large)\b|\bwhat\s+(?:share|proportion|percentage)\b",
    re.IGNORECASE,
)
_FIGURE = re.compile(r"\d")


def answers_kind(question: str, sentence: str) -> bool:
    """The sentence holds the kind of thing the question's first sentence should: an agent
    for a "who" question, a figure for a "how many" one (False when it asks for neither)."""
    if _WHO.search(question):
        return bool(_AGENT.search(sentence))
    if _HOW_MANY.search(question):
        return bool(_FIGURE.search(sentence))
    return False
