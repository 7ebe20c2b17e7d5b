"""Recommendations built from a draft's own findings, not a fixed sentence per status.

Each recommendation names the criteria that are missing or weak for this draft,
quotes what the draft already has, and points to the guidance passage; a ``met``
principle says what makes it strong.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.critique.model import CriterionResult, GuidanceQuote
from assistant.critique.rubric import Principle

_QUOTE_WORDS = 25


def _short(text: str) -> str:
    words = text.split()
    return " ".join(words[:_QUOTE_WORDS]) + (" …" if len(words) > _QUOTE_WORDS else "")


def _where(guidance: Sequence[GuidanceQuote]) -> str:
    if not guidance:
        return ""
    section = guidance[0].section.split(" > ")[-1] if guidance[0].section else ""
    return f" See the guidance, “{section}”." if section else ""


def recommendation(
    principle: Principle,
    status: str,
    criteria: Sequence[CriterionResult],
    guidance: Sequence[GuidanceQuote],
) -> str:
    found = [c for c in criteria if c.state == "found"]
    weak = [c for c in criteria if c.state == "weak"]
    absent = [c for c in criteria if c.state == "not_found"]
    if status == "met":
        strong = "; ".join(
            f"{c.evidence.split(':')[0]} (“{_short(c.quotes[0].quote)}”)" for c in found if c.quotes
        )
        extra = f" To strengthen it further: {absent[0].evidence}." if absent else ""
        return f"Strong: {strong}.{extra}"
    parts = []
    if found or weak:
        have = found + weak
        parts.append(
            "The draft already has: "
            + "; ".join(f"“{_short(c.quotes[0].quote)}”" for c in have if c.quotes)
            + "."
        )
    if weak:
        parts.append(
            "Make these concrete (figures, dates, named organisations, a described method): "
            + "; ".join(c.evidence for c in weak)
            + "."
        )
    if absent:
        parts.append("Add: " + "; ".join(c.evidence for c in absent) + ".")
    return " ".join(parts) + _where(guidance)
