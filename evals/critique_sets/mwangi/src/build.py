"""Build the binary drafts (DOCX and PDF) in ../drafts/ from the .txt sources in this folder.

Run with:  /work/main/.venv/bin/python src/build.py

The output is deterministic: fixed core-property dates, fixed PDF creation date and fixed
timestamps inside the DOCX zip container, so two runs give byte-identical files.

Source markup (one small dialect, shared by DOCX and PDF):
  @key: value          metadata at the top (output, title, author, subject, date, header)
  # / ## / ###         headings (Heading 1 / 2 / 3)
  - item               bullet (List Bullet)
  | a | b |            table rows; first row is the header; |---| rows are skipped
  ::: box ... :::      a boxed, shaded single-cell table; first line bold
  [^n]                 endnote marker (superscript in DOCX)
  [^n]: text           endnote text (rendered in the Notes section)
  **bold**             inline bold
  blank line           paragraph break
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"
SOURCES = [
    "hensey_island_working_draft.txt",
    "lowgate_borough_strategy_tables.txt",
    "brindhurst_growth_plan_outline.txt",
    "castlewold_border_county_lis.txt",
]
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------- parsing

def parse(path: Path):
    meta: dict[str, str] = {}
    blocks: list[tuple] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines) and lines[i].startswith("@"):
        key, _, value = lines[i][1:].partition(":")
        meta[key.strip()] = value.strip()
        i += 1
    para: list[str] = []

    def flush():
        if para:
            blocks.append(("p", " ".join(para)))
            para.clear()

    while i < len(lines):
        line = lines[i].rstrip()
        if not line.strip():
            flush()
        elif line.startswith("::: box"):
            flush()
            box = []
            i += 1
            while lines[i].strip() != ":::":
                box.append(lines[i].strip())
                i += 1
            blocks.append(("box", box))
        elif line.startswith("#"):
            flush()
            level = len(line) - len(line.lstrip("#"))
            blocks.append(("h", level, line[level:].strip()))
        elif line.startswith("- "):
            flush()
            blocks.append(("li", line[2:].strip()))
        elif line.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                    rows.append(cells)
                i += 1
            blocks.append(("table", rows))
            continue
        elif re.match(r"\[\^\d+\]:", line):
            flush()
            num, text = re.match(r"\[\^(\d+)\]:\s*(.*)", line).groups()
            blocks.append(("note", num, text))
        else:
            para.append(line.strip())
        i += 1
    flush()
    return meta, blocks


def fixed_date(meta) -> datetime:
    return datetime.fromisoformat(meta["date"]).replace(tzinfo=timezone.utc)


# ---------------------------------------------------------------- DOCX

def add_runs(paragraph, text: str):
    """Add text to a python-docx paragraph, honouring **bold** and [^n] markers."""
    for part in re.split(r"(\*\*[^*]+\*\*|\[\^\d+\])", text):
        if not part:
            continue
        if part.startswith("**"):
            paragraph.add_run(part[2:-2]).bold = True
        elif part.startswith("[^"):
            run = paragraph.add_run(part[2:-1])
            run.font.superscript = True
        else:
            paragraph.add_run(part)


def shade(cell, fill: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def build_docx(meta, blocks, out: Path):
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    when = fixed_date(meta).replace(tzinfo=None)
    cp = doc.core_properties
    cp.title = meta["title"]
    cp.author = meta["author"]
    cp.subject = meta.get("subject", "")
    cp.last_modified_by = meta["author"]
    cp.created = when
    cp.modified = when
    cp.last_printed = when
    cp.revision = 1
    cp.keywords = "Local Industrial Strategy; draft"
    cp.comments = ""
    cp.category = "Draft"

    if meta.get("header"):
        header = doc.sections[0].header
        header.is_linked_to_previous = False
        header.paragraphs[0].text = meta["header"]

    for block in blocks:
        kind = block[0]
        if kind == "h":
            doc.add_heading(block[2], level=block[1])
        elif kind == "p":
            add_runs(doc.add_paragraph(), block[1])
        elif kind == "li":
            add_runs(doc.add_paragraph(style="List Bullet"), block[1])
        elif kind == "table":
            rows = block[1]
            ncols = max(len(r) for r in rows)
            table = doc.add_table(rows=len(rows), cols=ncols)
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c in range(ncols):
                    text = row[c] if c < len(row) else ""
                    cell = table.cell(r, c)
                    para = cell.paragraphs[0]
                    if r == 0:
                        para.add_run(text).bold = True
                    else:
                        add_runs(para, text)
            doc.add_paragraph()
        elif kind == "box":
            table = doc.add_table(rows=1, cols=1)
            table.style = "Table Grid"
            cell = table.cell(0, 0)
            shade(cell, "DDE6F0")
            first = cell.paragraphs[0]
            first.add_run(block[1][0]).bold = True
            for line in block[1][1:]:
                run = cell.add_paragraph().add_run(line)
                run.font.size = Pt(14)
            doc.add_paragraph()
        elif kind == "note":
            para = doc.add_paragraph()
            sup = para.add_run(block[1])
            sup.font.superscript = True
            para.add_run(" " + block[2])

    buf = io.BytesIO()
    doc.save(buf)
    # Re-pack the zip with fixed timestamps so the bytes do not depend on the clock.
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))


# ---------------------------------------------------------------- PDF

def latin1(text: str) -> str:
    text.encode("latin-1")  # fail loudly on anything the core fonts cannot show
    return text


def build_pdf(meta, blocks, out: Path):
    from fpdf import FPDF

    running = latin1(meta.get("header", meta["title"]))

    class DraftPDF(FPDF):
        def header(self):
            self.set_font("Helvetica", "I", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 6, running, align="L")
            self.ln(4)
            self.set_draw_color(160, 160, 160)
            self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
            self.ln(6)
            self.set_text_color(0, 0, 0)

        def footer(self):
            self.set_y(-14)
            self.set_font("Helvetica", "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")
            self.set_text_color(0, 0, 0)

    pdf = DraftPDF(format="A4")
    pdf.set_creation_date(fixed_date(meta))
    pdf.set_title(latin1(meta["title"]))
    pdf.set_author(latin1(meta["author"]))
    pdf.set_subject(latin1(meta.get("subject", "")))
    pdf.set_creator("src/build.py (fpdf2)")
    pdf.set_keywords("Local Industrial Strategy; draft")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def clean(text: str) -> str:
        return latin1(re.sub(r"\[\^(\d+)\]", r"[\1]", text))

    for block in blocks:
        kind = block[0]
        if kind == "h":
            size = {1: 18, 2: 13, 3: 11}[block[1]]
            pdf.ln(3 if block[1] > 1 else 0)
            if pdf.get_y() > pdf.h - 45:
                pdf.add_page()
            pdf.set_font("Helvetica", "B", size)
            pdf.multi_cell(width, size * 0.5, clean(block[2]))
            pdf.ln(2)
        elif kind == "p":
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(width, 5, clean(block[1]), markdown=True)
            pdf.ln(2)
        elif kind == "li":
            pdf.set_font("Helvetica", "", 10)
            pdf.set_x(pdf.l_margin + 2)
            pdf.cell(4, 5, "-")
            pdf.multi_cell(width - 6, 5, clean(block[1]), markdown=True)
            pdf.ln(1)
        elif kind == "table":
            rows = [[clean(c) for c in r] for r in block[1]]
            ncols = max(len(r) for r in rows)
            rows = [r + [""] * (ncols - len(r)) for r in rows]
            lengths = [max(max(min(len(r[c]), 60) for r in rows), 10) + 6 for c in range(ncols)]
            pdf.set_font("Helvetica", "", 8.5)
            with pdf.table(col_widths=tuple(lengths), width=width, text_align="LEFT",
                           line_height=4.2, first_row_as_headings=True) as table:
                for r in rows:
                    row = table.row()
                    for c in r:
                        row.cell(c)
            pdf.ln(3)
        elif kind == "box":
            pdf.set_font("Helvetica", "B", 10)
            pdf.multi_cell(width, 6, clean("\n".join(block[1])), border=1)
            pdf.ln(2)
        elif kind == "note":
            pdf.set_font("Helvetica", "", 8.5)
            pdf.multi_cell(width, 4.5, clean(f"[{block[1]}] {block[2]}"))

    pdf.output(str(out))


# ---------------------------------------------------------------- main

def main() -> int:
    OUT.mkdir(exist_ok=True)
    for name in SOURCES:
        meta, blocks = parse(HERE / name)
        out = OUT / meta["output"]
        if out.suffix == ".docx":
            build_docx(meta, blocks, out)
        elif out.suffix == ".pdf":
            build_pdf(meta, blocks, out)
        else:
            raise SystemExit(f"unknown output type: {out}")
        print(f"built {out.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
