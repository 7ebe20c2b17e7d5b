"""The words every report format shares: status, change and warning labels.

Kept apart from the renderers so that Markdown, HTML, Word and the web page all
say "Met (green)" the same way, and so that no renderer imports another.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")

STATUS_LABEL = {"met": "Met", "partial": "Partial", "missing": "Missing"}
RAG = {"met": "Green", "partial": "Amber", "missing": "Red"}
CHANGE_LABEL = {
    "improved": "Improved",
    "unchanged": "Unchanged",
    "regressed": "Regressed",
    "added": "New principle",
    "removed": "Principle dropped",
}
WARNING_LABEL = {
    "injection": "Instructions aimed at the assessor were found and ignored",
    "scanned": "Pages without text",
    "short_draft": "Short draft",
    "guidance": "Guidance library incomplete",
    "narrative": "Narrative unavailable",
}


def status_text(status: str) -> str:
    """'Met (green)': the label and the colour name, never colour alone."""
    return f"{STATUS_LABEL.get(status, status)} ({RAG.get(status, '?').lower()})"


CHART_ORDER = ("met", "partial", "missing")


def chart_parts(counts: Mapping[str, int]) -> list[tuple[str, int, float]]:
    """The status chart's parts, met first: (status, count, share of the bar in %); a
    status no principle has is left out."""
    total = max(sum(counts.get(s, 0) for s in CHART_ORDER), 1)
    return [(s, n, 100 * n / total) for s in CHART_ORDER if (n := counts.get(s, 0))]


def chart_caption(counts: Mapping[str, int]) -> str:
    """'The twelve principles by status: 5 met (green), 4 partial (amber), 3 missing (red).'"""
    total = sum(counts.get(s, 0) for s in CHART_ORDER)
    principles = "twelve principles" if total == 12 else f"{total} principle" + "s" * (total != 1)
    words = ", ".join(f"{counts.get(s, 0)} {status_text(s).lower()}" for s in CHART_ORDER)
    return f"The {principles} by status: {words}."


def warning_title(kind: str) -> str:
    return WARNING_LABEL.get(kind, kind.replace("_", " ").capitalize())


def page_section(page: int | None, section: str) -> str:
    where = [f"p. {page}"] if page is not None else []
    if section:
        where.append(section)
    return ", ".join(where) or "location not recorded"


def md_escape(text: str) -> str:
    """Draft text made inert in Markdown: no HTML, links, emphasis or table breaks."""
    escaped = " ".join(text.split()).replace("<", "&lt;")  # no raw HTML tags
    return _MD_SPECIAL.sub(r"\\\1", escaped)


CRITERION_STATE = {"found": "Found", "weak": "Mentioned only", "not_found": "Not found"}
CRITERION_MARK = {"found": "✔", "weak": "~", "not_found": "✘"}


def criteria_found(criteria: Sequence[Any]) -> str:
    """'2 of 3 criteria found' (empty for a report without criteria)."""
    if not criteria:
        return ""
    found = sum(1 for c in criteria if _state(c) == "found")
    return f"{found} of {len(criteria)} criteria found"


def _state(criterion: Any) -> str:
    return str(criterion["state"] if isinstance(criterion, Mapping) else criterion.state)
