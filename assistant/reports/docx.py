"""Word (DOCX) critique reports with python-docx, for circulation to a board.

Before the status table, a chart of the twelve principles by status: a
one-row table whose shaded cells are as wide as their counts and say the count
and status in words (no image, so it reads the same in any viewer and to a
screen reader). The status table shades each status cell red, amber or green
and writes the status in words too. Draft text goes in as plain runs (Word does not interpret
it), with control characters that XML cannot hold removed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from assistant.critique.model import CritiqueReport, PrincipleChange
from assistant.reports.labels import (
    CHANGE_LABEL,
    CRITERION_STATE,
    chart_caption,
    chart_parts,
    criteria_found,
    page_section,
    status_text,
    warning_title,
)
from assistant.vocabulary import IAP2_EXPLAINED

_FILL = {"met": "C6E7CB", "partial": "FFE08A", "missing": "F4B6B6"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _t(text: object) -> str:
    """Text safe for XML (Word rejects control characters)."""
    return _CONTROL.sub("", str(text))


def _shade(cell: Any, status: str | None) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if status not in _FILL:
        return
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), _FILL[status])
    cell._tc.get_or_add_tcPr().append(shading)


def _chart(doc: Any, report: CritiqueReport) -> None:
    """The twelve principles at a glance: one bar split by status, each part as wide as its
    count and labelled with the count and status in words (never colour alone)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Emu

    counts = report.counts()
    parts = [(s, n) for s, n, _ in chart_parts(counts)]
    caption = chart_caption(counts)
    if parts:
        section = doc.sections[-1]
        usable = section.page_width - section.left_margin - section.right_margin
        total = sum(n for _, n in parts)
        widths = [usable * n // total for _, n in parts]
        widths[-1] = usable - sum(widths[:-1])  # the bar spans the text width exactly
        table = doc.add_table(rows=1, cols=len(parts))
        table.style = "Table Grid"
        table.autofit = False  # a fixed layout, so Word keeps the proportions
        for (status, n), column, cell, width in zip(
            parts, table.columns, table.rows[0].cells, widths, strict=True
        ):
            column.width = cell.width = Emu(width)
            cell.text = f"{n} {status_text(status)}"
            cell.paragraphs[0].runs[0].bold = True
            _shade(cell, status)
        # the table's alt text, which a screen reader announces
        for tag, value in (
            ("w:tblCaption", "The twelve principles by status"),
            ("w:tblDescription", caption),
        ):
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            table._tbl.tblPr.append(element)
    doc.add_paragraph(caption, style="Caption")


def _new_document(title: str) -> Any:
    from docx import Document

    doc = Document()
    doc.core_properties.title = _t(title)
    doc.core_properties.author = "LISA"  # not python-docx's default
    doc.core_properties.last_modified_by = "LISA"
    doc.core_properties.subject = "Local Industrial Strategy critique"
    doc.core_properties.created = dt.datetime.now(dt.UTC)
    doc.add_heading(_t(title), level=0)
    return doc


def _quote(doc: Any, text: str, where: str) -> None:
    para = doc.add_paragraph(style="List Bullet")
    para.add_run(f"“{_t(text)}”").italic = True
    para.add_run(f" ({_t(where)})")


def _bytes(doc: Any) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def render_docx(report: CritiqueReport) -> bytes:
    doc = _new_document(f"Critique: {report.title}")
    doc.add_paragraph(_t(f"Draft file: {report.draft}"))
    doc.add_heading("Summary", level=1)
    doc.add_paragraph(_t(report.summary))
    if report.warnings:
        doc.add_heading("⚠ Warnings", level=1)
        for w in report.warnings:
            para = doc.add_paragraph(style="List Bullet")
            para.add_run(_t(warning_title(w.kind)) + ". ").bold = True
            para.add_run(_t(w.message))
            if w.quote:
                para.add_run(f" “{_t(w.quote)}”").italic = True
    doc.add_heading("Public engagement", level=1)
    para = doc.add_paragraph("IAP2 level evidenced: ")
    para.add_run(_t(report.iap2_level)).bold = True
    if report.iap2_quote:
        doc.add_paragraph(f"“{_t(report.iap2_quote)}”").runs[0].italic = True
    doc.add_paragraph(IAP2_EXPLAINED)
    doc.add_heading("The twelve principles", level=1)
    _chart(doc, report)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ("#", "Principle", "Status", "Criteria"), strict=True
    ):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for n, p in enumerate(report.principles, start=1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(n), _t(p.title)
        cells[2].text, cells[3].text = status_text(p.status), criteria_found(p.criteria)
        _shade(cells[2], p.status)
    doc.add_heading("Principle by principle", level=1)
    for n, p in enumerate(report.principles, start=1):
        doc.add_heading(_t(f"{n}. {p.title} — {status_text(p.status)}"), level=2)
        doc.add_paragraph().add_run("Criteria").bold = True
        for c in p.criteria:
            core = " (core)" if c.core else ""
            line = f"{CRITERION_STATE[c.state]}{core} — {c.evidence}"
            if c.quotes:
                line += f": “{c.quotes[0].quote}”"
            doc.add_paragraph(_t(line), style="List Bullet")
        doc.add_paragraph().add_run("Evidence in the draft").bold = True
        for e in p.evidence:
            _quote(doc, e.quote, page_section(e.page, e.section))
        if not p.evidence:
            doc.add_paragraph("None found.", style="List Bullet")
        doc.add_paragraph().add_run("What the guidance says").bold = True
        for g in p.guidance:
            _quote(doc, g.quote, f"{g.title or g.source} — {g.section}")
        if not p.guidance:
            doc.add_paragraph("No guidance passage available.", style="List Bullet")
        para = doc.add_paragraph()
        para.add_run("Recommendation: ").bold = True
        para.add_run(_t(p.recommendation))
    if report.narrative:
        doc.add_heading("Narrative (generated; the statuses above are the record)", level=1)
        doc.add_paragraph(_t(report.narrative))
    if report.audit:
        doc.add_heading("About this report", level=1)
        for label, value in report.audit.lines():
            para = doc.add_paragraph(style="List Bullet")
            para.add_run(f"{label}: ").bold = True
            para.add_run(_t(value))
        doc.core_properties.comments = _t(
            f"Rubric version {report.audit.rubric_version}; {report.audit.evidence_model}"
        )
        doc.core_properties.version = report.audit.lisa_version
        doc.core_properties.created = dt.datetime.fromisoformat(report.audit.created)
    return _bytes(doc)


def render_comparison_docx(
    old: CritiqueReport, new: CritiqueReport, changes: list[PrincipleChange]
) -> bytes:
    doc = _new_document(f"Comparison: {old.draft} → {new.draft}")
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ("Principle", "Before", "After", "Change"), strict=True
    ):
        cell.text = text
    for c in changes:
        cells = table.add_row().cells
        cells[0].text = _t(c.title)
        cells[1].text = status_text(c.old) if c.old else "—"
        cells[2].text = status_text(c.new) if c.new else "—"
        cells[3].text = CHANGE_LABEL[c.change]
        _shade(cells[1], c.old)
        _shade(cells[2], c.new)
    doc.add_paragraph(_t(f"Engagement (IAP2): {old.iap2_level} → {new.iap2_level}"))
    doc.add_heading("Before", level=1)
    doc.add_paragraph(_t(old.summary))
    doc.add_heading("After", level=1)
    doc.add_paragraph(_t(new.summary))
    return _bytes(doc)
