"""Self-contained HTML critique reports: inline CSS, no scripts, every text escaped.

The page carries a Content-Security-Policy that forbids scripts and outside
resources, so even a mistake in escaping could not run draft text; all draft
and guidance text goes through ``html.escape``. Status is shown as a coloured
badge whose text says the status ("Missing (red)"), never by colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from assistant.critique.model import CritiqueReport, PrincipleChange
from assistant.reports.labels import (
    CHANGE_LABEL,
    CRITERION_STATE,
    RAG,
    chart_caption,
    chart_parts,
    criteria_found,
    page_section,
    status_text,
    warning_title,
)
from assistant.vocabulary import IAP2_EXPLAINED

_CSS = """
body{font-family:Arial,Helvetica,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2rem;
border-bottom:2px solid #ddd;padding-bottom:.2rem}h3{font-size:1.05rem;margin-bottom:.3rem}
.meta{color:#555;margin-top:0}
.warnings{border:3px solid #b10e1e;background:#fdecea;padding:.6rem 1rem;margin:1rem 0}
.warnings h2{border:none;margin-top:.2rem;color:#b10e1e}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #bbb;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:.25rem;font-weight:bold;
border:1px solid #333}
.met{background:#cce8d0;color:#0b3d16}.partial{background:#ffe3a3;color:#4d3400}
.missing{background:#f6c6c6;color:#5c0a0a}
.lisa-bars{display:flex;border:1px solid #333;border-radius:.25rem;overflow:hidden}
.lisa-bar{padding:.4rem .3rem;font-weight:bold;white-space:nowrap;overflow:hidden;text-align:center}
.lisa-rag-green{background:#cce8d0;color:#0b3d16}.lisa-rag-amber{background:#ffe3a3;color:#4d3400}
.lisa-rag-red{background:#f6c6c6;color:#5c0a0a}
.lisa-chart{margin:.5rem 0 1rem}.lisa-chart figcaption{color:#333;font-size:.9rem}
.improved{background:#cce8d0}.regressed{background:#f6c6c6}
blockquote{margin:.3rem 0 .3rem 1rem;padding-left:.6rem;border-left:4px solid #999;color:#222}
.where{color:#555;font-size:.9rem}.principle{margin-bottom:1.6rem}
.narrative{background:#f4f4f4;padding:.6rem 1rem}
"""
_HEAD = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
    '<meta http-equiv="Content-Security-Policy" '
    "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>{title}</title><style>{css}</style></head><body>\n"
)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _badge(status: str | None) -> str:
    if status is None:
        return "—"
    return f'<span class="badge {_e(status)}">{_e(status_text(status))}</span>'


def _warnings(report: CritiqueReport) -> str:
    if not report.warnings:
        return ""
    items = []
    for w in report.warnings:
        quote = f"<blockquote>{_e(w.quote)}</blockquote>" if w.quote else ""
        items.append(
            f"<li><strong>{_e(warning_title(w.kind))}.</strong> {_e(w.message)}{quote}</li>"
        )
    return (
        '<section class="warnings" role="alert"><h2>⚠ Warnings</h2><ul>'
        + "".join(items)
        + "</ul></section>"
    )


def chart_html(counts: Mapping[str, int]) -> str:
    """The principles at a glance, in the HTML report and on the web page alike: one bar
    split by status, each part labelled with its count and status in words (never colour
    alone), and a caption that says it all for screen readers."""
    parts = "".join(
        f'<span class="lisa-bar lisa-rag-{RAG[status].lower()}" style="width:{share:.2f}%">'
        f"{n} {_e(status_text(status))}</span>"
        for status, n, share in chart_parts(counts)
    )
    return (
        f'<figure class="lisa-chart"><div class="lisa-bars" aria-hidden="true">{parts}</div>'
        f"<figcaption>{_e(chart_caption(counts))}</figcaption></figure>"
    )


def _table(report: CritiqueReport) -> str:
    rows = "".join(
        f'<tr><td>{n}</td><td><a href="#{_e(p.id)}">{_e(p.title)}</a></td>'
        f"<td>{_badge(p.status)}</td><td>{_e(criteria_found(p.criteria))}</td></tr>"
        for n, p in enumerate(report.principles, start=1)
    )
    return (
        "<table><caption>Status of each principle (red = missing, amber = partial, "
        "green = met)</caption><thead><tr><th>#</th><th>Principle</th><th>Status</th>"
        f"<th>Criteria</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _details(report: CritiqueReport) -> str:
    parts = []
    for n, p in enumerate(report.principles, start=1):
        evidence = (
            "".join(
                f"<li><blockquote>{_e(e.quote)}</blockquote>"
                f'<span class="where">{_e(page_section(e.page, e.section))}</span></li>'
                for e in p.evidence
            )
            or "<li>None found.</li>"
        )
        guidance = (
            "".join(
                f'<li><blockquote>{_e(g.quote)}</blockquote><span class="where">'
                f"{_e(g.title or g.source)} — {_e(g.section)}</span></li>"
                for g in p.guidance
            )
            or "<li>No guidance passage available.</li>"
        )
        criteria = "".join(
            f"<li><strong>{_e(CRITERION_STATE[c.state])}</strong>{' (core)' if c.core else ''}"
            f" — {_e(c.evidence)}"
            + (f"<blockquote>{_e(c.quotes[0].quote)}</blockquote>" if c.quotes else "")
            + "</li>"
            for c in p.criteria
        )
        parts.append(
            f'<section class="principle" id="{_e(p.id)}"><h3>{n}. {_e(p.title)} '
            f"{_badge(p.status)}</h3><h4>Criteria</h4><ul>{criteria}</ul>"
            f"<h4>Evidence in the draft</h4><ul>{evidence}</ul>"
            f"<h4>What the guidance says</h4><ul>{guidance}</ul>"
            f"<p><strong>Recommendation:</strong> {_e(p.recommendation)}</p></section>"
        )
    return "".join(parts)


def render_html(report: CritiqueReport) -> bytes:
    engagement = f"<p>IAP2 level evidenced: <strong>{_e(report.iap2_level)}</strong></p>"
    if report.iap2_quote:
        engagement += f"<blockquote>{_e(report.iap2_quote)}</blockquote>"
    engagement += f'<p class="where">{_e(IAP2_EXPLAINED)}</p>'
    narrative = (
        '<h2>Narrative</h2><p class="where">Generated text; the statuses above are the '
        f'record.</p><div class="narrative">{_e(report.narrative)}</div>'
        if report.narrative
        else ""
    )
    audit = (
        "<h2>About this report</h2><dl>"
        + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in report.audit.lines())
        + "</dl>"
        if report.audit
        else ""
    )
    body = (
        f"<main><h1>Critique: {_e(report.title)}</h1>"
        f'<p class="meta">Draft file: {_e(report.draft)}</p>'
        f"<h2>Summary</h2><p>{_e(report.summary)}</p>"
        f"{_warnings(report)}<h2>Public engagement</h2>{engagement}"
        f"<h2>The twelve principles</h2>{chart_html(report.counts())}{_table(report)}"
        f"<h2>Principle by principle</h2>{_details(report)}{narrative}{audit}</main>"
    )
    page = _HEAD.format(title=_e(f"Critique: {report.title}"), css=_CSS) + body + "</body></html>\n"
    return page.encode("utf-8")


def render_comparison_html(
    old: CritiqueReport, new: CritiqueReport, changes: list[PrincipleChange]
) -> bytes:
    rows = "".join(
        f'<tr class="{_e(c.change)}"><td>{_e(c.title)}</td><td>{_badge(c.old)}</td>'
        f"<td>{_badge(c.new)}</td><td>{_e(CHANGE_LABEL[c.change])}</td></tr>"
        for c in changes
    )
    body = (
        f"<h1>Comparison: {_e(old.draft)} → {_e(new.draft)}</h1>"
        "<table><thead><tr><th>Principle</th><th>Before</th><th>After</th><th>Change</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
        f"<p>Engagement (IAP2): {_e(old.iap2_level)} → {_e(new.iap2_level)}</p>"
        f"<h2>Before</h2><p>{_e(old.summary)}</p><h2>After</h2><p>{_e(new.summary)}</p>"
    )
    title = _e(f"Comparison: {old.draft} and {new.draft}")
    return (_HEAD.format(title=title, css=_CSS) + body + "</body></html>\n").encode("utf-8")
