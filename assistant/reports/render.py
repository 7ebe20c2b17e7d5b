"""Critique reports for a board: JSON, Markdown, HTML and Word.

``render_report(report, fmt)`` gives the bytes of one report; ``write_report``
saves it as ``<draft>-critique.<fmt>``. Every format leads with the same
things: the summary, warnings (prominent), the IAP2 engagement level, and a
table of the twelve principles with red/amber/green status shown as text
labels as well as colour; then each principle in detail with its evidence
quotes (page and section), guidance quotes and recommendation.
``render_comparison(old, new, fmt)`` shows two versions of a draft side by
side: improved, unchanged or regressed per principle.

Draft text is untrusted: the HTML escapes all of it (and forbids scripts with a
Content-Security-Policy), Markdown escapes markup characters.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from assistant.critique.model import CritiqueReport, PrincipleChange, compare_reports
from assistant.errors import LisaError
from assistant.reports.labels import (
    CHANGE_LABEL,
    CRITERION_MARK,
    CRITERION_STATE,
    criteria_found,
    md_escape,
    page_section,
    status_text,
    warning_title,
)
from assistant.vocabulary import IAP2_EXPLAINED

FORMATS = ("json", "md", "html", "docx")


class ReportFormatError(LisaError, ValueError):
    """An unknown report format."""


# ----------------------------------------------------------------------- JSON
def _json(report: CritiqueReport) -> bytes:
    return (json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# ------------------------------------------------------------------- Markdown
def _markdown(report: CritiqueReport) -> bytes:
    lines = [
        f"# Critique: {md_escape(report.title)}",
        "",
        f"Draft file: {md_escape(report.draft)}",
        "",
        "## Summary",
        "",
        md_escape(report.summary),
        "",
    ]
    if report.warnings:
        lines += ["## ⚠ Warnings", ""]
        for w in report.warnings:
            lines.append(f"- **{warning_title(w.kind)}** — {md_escape(w.message)}")
            if w.quote:
                lines.append(f"  > {md_escape(w.quote)}")
        lines.append("")
    lines += ["## Public engagement", "", f"IAP2 level evidenced: **{report.iap2_level}**", ""]
    if report.iap2_quote:
        lines += [f"> {md_escape(report.iap2_quote)}", ""]
    lines += [f"_{IAP2_EXPLAINED}_", ""]
    lines += [
        "## The twelve principles",
        "",
        "| # | Principle | Status | Criteria |",
        "|---|---|---|---|",
    ]
    for n, p in enumerate(report.principles, start=1):
        found = criteria_found(p.criteria)
        lines.append(f"| {n} | {md_escape(p.title)} | {status_text(p.status)} | {found} |")
    lines.append("")
    for n, p in enumerate(report.principles, start=1):
        lines += [
            f"### {n}. {md_escape(p.title)} — {status_text(p.status)}",
            "",
            "**Criteria**",
            "",
        ]
        for c in p.criteria:
            said = f": “{md_escape(c.quotes[0].quote)}”" if c.quotes else ""
            lines.append(
                f"- {CRITERION_MARK[c.state]} {CRITERION_STATE[c.state]}"
                f"{' (core)' if c.core else ''} — {md_escape(c.evidence)}{said}"
            )
        lines += ["", "**Evidence in the draft**", ""]
        if p.evidence:
            for e in p.evidence:
                lines.append(
                    f"- “{md_escape(e.quote)}” ({md_escape(page_section(e.page, e.section))})"
                )
        else:
            lines.append("- None found.")
        lines += ["", "**What the guidance says**", ""]
        for g in p.guidance:
            lines.append(f"- “{md_escape(g.quote)}” ({md_escape(g.section)})")
        if not p.guidance:
            lines.append("- No guidance passage available.")
        lines += ["", f"**Recommendation:** {md_escape(p.recommendation)}", ""]
    if report.narrative:
        lines += [
            "## Narrative (generated; the statuses above are the record)",
            "",
            md_escape(report.narrative),
            "",
        ]
    if report.audit:
        lines += ["## About this report", ""]
        lines += [f"- **{label}:** {md_escape(value)}" for label, value in report.audit.lines()]
        lines.append("")
    return "\n".join(lines).encode("utf-8")


# ---------------------------------------------------------------- dispatching
def _renderer(fmt: str) -> Callable[[CritiqueReport], bytes]:
    if fmt == "json":
        return _json
    if fmt == "md":
        return _markdown
    if fmt == "html":
        from assistant.reports.html import render_html

        return render_html
    if fmt == "docx":
        from assistant.reports.docx import render_docx

        return render_docx
    raise ReportFormatError(f"unknown report format '{fmt}'; use one of {', '.join(FORMATS)}")


def render_report(report: CritiqueReport, fmt: str) -> bytes:
    """One report in ``fmt`` (json, md, html or docx)."""
    return _renderer(fmt)(report)


def report_filename(report: CritiqueReport, fmt: str) -> str:
    stem = Path(report.draft).stem or "draft"
    return f"{stem}-critique.{fmt}"


def write_report(report: CritiqueReport, fmt: str, out_dir: Path) -> Path:
    """Save one report as ``<draft>-critique.<fmt>`` in ``out_dir``; return its path."""
    data = render_report(report, fmt)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / report_filename(report, fmt)
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------ comparison
def comparison_dict(old: CritiqueReport, new: CritiqueReport) -> dict[str, object]:
    changes = compare_reports(old, new)
    return {
        "old": old.draft,
        "new": new.draft,
        "changes": [c.to_dict() for c in changes],
        "counts": {
            k: sum(1 for c in changes if c.change == k)
            for k in ("improved", "unchanged", "regressed")
        },
        "iap2": {"old": old.iap2_level, "new": new.iap2_level},
    }


def _comparison_md(old: CritiqueReport, new: CritiqueReport, changes: list[PrincipleChange]) -> str:
    lines = [
        f"# Comparison: {md_escape(old.draft)} → {md_escape(new.draft)}",
        "",
        "| Principle | Before | After | Change |",
        "|---|---|---|---|",
    ]
    for c in changes:
        before = status_text(c.old) if c.old else "—"
        after = status_text(c.new) if c.new else "—"
        lines.append(f"| {md_escape(c.title)} | {before} | {after} | {CHANGE_LABEL[c.change]} |")
    lines += [
        "",
        f"Engagement (IAP2): {old.iap2_level} → {new.iap2_level}",
        "",
        f"Before: {md_escape(old.summary)}",
        "",
        f"After: {md_escape(new.summary)}",
        "",
    ]
    return "\n".join(lines)


def render_comparison(old: CritiqueReport, new: CritiqueReport, fmt: str) -> bytes:
    """Two versions of a draft compared, principle by principle, in ``fmt``."""
    changes = compare_reports(old, new)
    if fmt == "json":
        data = comparison_dict(old, new)
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if fmt == "md":
        return _comparison_md(old, new, changes).encode("utf-8")
    if fmt == "html":
        from assistant.reports.html import render_comparison_html

        return render_comparison_html(old, new, changes)
    if fmt == "docx":
        from assistant.reports.docx import render_comparison_docx

        return render_comparison_docx(old, new, changes)
    raise ReportFormatError(f"unknown report format '{fmt}'; use one of {', '.join(FORMATS)}")


def write_comparison(old: CritiqueReport, new: CritiqueReport, fmt: str, out_dir: Path) -> Path:
    data = render_comparison(old, new, fmt)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{Path(old.draft).stem}-vs-{Path(new.draft).stem}-comparison.{fmt}"
    path.write_bytes(data)
    return path
