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


def _first_quotes(criteria: Sequence[CriterionResult]) -> list[tuple[CriterionResult, str]]:
    """Each criterion with its best quote, a quote shown once (two criteria are often shown
    by the same sentence); criteria without a quote are left out."""
    seen: set[str] = set()
    out = []
    for c in criteria:
        if c.quotes and c.quotes[0].quote not in seen:
            seen.add(c.quotes[0].quote)
            out.append((c, c.quotes[0].quote))
    return out


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
        quoted = dict((c.id, q) for c, q in _first_quotes(found))
        strong = "; ".join(
            c.evidence.split(":")[0] + (f" (“{_short(quoted[c.id])}”)" if c.id in quoted else "")
            for c in found
        )
        extra = f" To strengthen it further: {absent[0].evidence}." if absent else ""
        return f"Strong: {strong}.{extra}"
    parts = []
    have = _first_quotes(found + weak)
    if have:
        parts.append("The draft already has: " + "; ".join(f"“{_short(q)}”" for _, q in have) + ".")
    if weak:
        parts.append(
            "Make these concrete (figures, dates, named organisations, a described method): "
            + "; ".join(c.evidence for c in weak)
            + "."
        )
    if absent:
        parts.append("Add: " + "; ".join(c.evidence for c in absent) + ".")
    return " ".join(parts) + _where(guidance)
