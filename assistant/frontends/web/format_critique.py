"""Pure formatting for the Critique tab: the report's summary, warnings, engagement level,
principles table and per-principle evidence, and replies in the draft chat.

Data in, Markdown or HTML strings out; every piece of draft, guidance or model text
that goes into HTML is escaped (with ``format.esc``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from assistant.ask.answer import Answer, short_section
from assistant.frontends.web.format import (
    answer_markdown,
    blockquote,
    details_html,
    esc,
    place,
    section_path,
    shorten,
)
from assistant.reports.html import chart_html
from assistant.reports.labels import (
    CRITERION_STATE,
    RAG,
    STATUS_LABEL,
    criteria_found,
    warning_title,
)
from assistant.vocabulary import IAP2_EXPLAINED
from assistant.vocabulary import IAP2_LEVELS as VOCABULARY_IAP2

STATUS_LABELS = STATUS_LABEL  # as in reports
STATUS_SYMBOLS = {"met": "✓", "partial": "◐", "missing": "✗"}
STATUS_RAG = {status: colour.lower() for status, colour in RAG.items()}
IAP2_LEVELS = VOCABULARY_IAP2[1:]  # the spectrum, without "none"


def status_cell(status: str) -> str:
    key = status if status in STATUS_LABELS else "missing"
    return (
        f'<span class="lisa-rag lisa-rag-{STATUS_RAG[key]}">'
        f'<span aria-hidden="true">{STATUS_SYMBOLS[key]}</span> {STATUS_LABELS[key]}</span>'
    )


def status_chart_html(report: Mapping[str, Any]) -> str:
    """The principles at a glance, drawn as in the HTML report."""
    return chart_html(_status_counts(report))


def _status_counts(report: Mapping[str, Any]) -> dict[str, int]:
    principles = report.get("principles") or []
    return {k: sum(1 for p in principles if p.get("status") == k) for k in STATUS_LABELS}


def principles_table_html(report: Mapping[str, Any]) -> str:
    """The principles as a red/amber/green table with the status spelt out."""
    principles = report.get("principles") or []
    counts = _status_counts(report)
    caption = (
        f"How the draft meets the {len(principles)} principles: {counts['met']} met, "
        f"{counts['partial']} partial, {counts['missing']} missing"
    )
    rows = []
    for number, p in enumerate(principles, start=1):
        rows.append(
            "<tr>"
            f"<td>{number}</td>"
            f'<th scope="row">{esc(p.get("title", p.get("id", "")))}</th>'
            f"<td>{status_cell(str(p.get('status', '')))}</td>"
            f"<td>{esc(criteria_found(p.get('criteria') or []))}</td>"
            f"<td>{esc(shorten(str(p.get('recommendation') or ''), 300))}</td>"
            "</tr>"
        )
    return status_chart_html(report) + (
        '<table class="lisa-principles">'
        f"<caption>{esc(caption)}</caption>"
        '<thead><tr><th scope="col">#</th><th scope="col">Principle</th>'
        '<th scope="col">Status</th><th scope="col">Criteria</th>'
        '<th scope="col">Recommendation</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def principle_choices(report: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Dropdown choices (label, principle id)."""
    choices = []
    for number, p in enumerate(report.get("principles") or [], start=1):
        status = STATUS_LABELS.get(str(p.get("status")), str(p.get("status")))
        choices.append((f"{number}. {p.get('title', p.get('id'))} ({status})", str(p.get("id"))))
    return choices


def principle_detail_markdown(report: Mapping[str, Any], principle_id: str | None) -> str:
    """Evidence from the draft and the guidance behind one principle."""
    match = [p for p in report.get("principles") or [] if str(p.get("id")) == principle_id]
    if not match:
        return ""
    p = match[0]
    status = STATUS_LABELS.get(str(p.get("status")), str(p.get("status")))
    lines = [f"### {esc(p.get('title', p.get('id')))}", f"**Status:** {status}"]
    found = criteria_found(p.get("criteria") or [])
    if found:
        lines[-1] += f" ({found})"
        lines.append("#### Criteria")
        for c in p.get("criteria") or []:
            quotes = c.get("quotes") or []
            said = f" — “{esc(quotes[0]['quote'])}”" if quotes else ""
            core = " (core)" if c.get("core") else ""
            lines.append(
                f"- **{CRITERION_STATE.get(c.get('state'), c.get('state'))}**{core}: "
                f"{esc(c.get('evidence', ''))}{said}"
            )
    lines.append("#### What the draft says")
    evidence = p.get("evidence") or []
    if evidence:
        for item in evidence:
            where = place(item.get("section"), item.get("page"))
            lines.append((f"*{esc(where)}*\n\n" if where else "") + blockquote(item["quote"]))
    else:
        lines.append("_The draft has no passage on this principle._")
    lines.append("#### What the guidance says")
    for item in p.get("guidance") or []:
        name = str(item.get("title") or item.get("source") or "")
        section = section_path(short_section(name, str(item.get("section") or "")))
        where = " — ".join(x for x in (name, section) if x)
        lines.append((f"*{esc(where)}*\n\n" if where else "") + blockquote(item["quote"]))
    if p.get("recommendation"):
        lines += ["#### Recommendation", esc(p["recommendation"])]
    return "\n\n".join(lines)


def warnings_markdown(warnings: Iterable[Mapping[str, Any]]) -> str:
    """Warnings (injection, scanned pages) for the top of the report; '' when none."""
    items = []
    for w in warnings:
        kind = str(w.get("kind", "warning"))
        head = warning_title(kind)
        text = f"- **{esc(head)}:** {esc(w.get('message', ''))}"
        if w.get("quote"):
            text += f"\n\n  > “{esc(shorten(str(w['quote']), 300))}”"
        items.append(text)
    if not items:
        return ""
    return "## ⚠ Check these first\n\n" + "\n".join(items)


def engagement_markdown(report: Mapping[str, Any]) -> str:
    level = str(report.get("iap2_level") or "").strip()
    if level.lower() in ("", "none"):
        return (
            "**How far the draft involves the public (IAP2 level): none found.** The draft "
            f"does not say how local people were engaged.\n\n_{esc(IAP2_EXPLAINED)}_"
        )
    steps = " → ".join(
        f"**{s.capitalize()}**" if s == level.lower() else s.capitalize() for s in IAP2_LEVELS
    )
    text = (
        f"**How far the draft involves the public (IAP2 level): {esc(level.capitalize())}**"
        f"\n\n{steps}\n\n_{esc(IAP2_EXPLAINED)}_"
    )
    if report.get("iap2_quote"):
        text += "\n\n" + blockquote(str(report["iap2_quote"]))
    return text


def summary_markdown(report: Mapping[str, Any]) -> str:
    draft = str(report.get("draft") or "the draft")
    title = str(report.get("title") or "")
    heading = f"{title} ({draft})" if title and title != draft else draft
    parts = [f"## Critique of {esc(heading)}"]
    if report.get("summary"):
        parts.append(esc(report["summary"]))
    if report.get("narrative"):
        parts.append(esc(report["narrative"]))
    return "\n\n".join(parts)


def draft_answer_markdown(
    passages: Sequence[tuple[Any, float]],
    guidance: Answer | None,
    draft_name: str,
    floor: float | None = None,
) -> str:
    """Reply in the draft chat: the closest draft passages, then the guidance's answer."""
    parts = [f"**In your draft ({esc(draft_name)})**, closest first"]
    if passages:
        for chunk, _score in passages:
            where = place(getattr(chunk, "section", ""), getattr(chunk, "page", None))
            parts.append((f"*{esc(where)}*\n\n" if where else "") + blockquote(chunk.text))
        parts.append(
            details_html(
                [
                    (f"Match of draft extract {n}", f"{s:.0%}")
                    for n, (_, s) in enumerate(passages, 1)
                ]
            )
        )
    else:
        parts.append("_Nothing in the draft is close to this question._")
    if guidance is not None:
        parts.append("**What the guidance says**")
        parts.append(answer_markdown(guidance, floor))
    return "\n\n".join(parts)
