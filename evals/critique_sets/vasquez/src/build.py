"""Build the binary drafts (PDF and DOCX) from the plain-text sources in this folder.

Run with:  /work/main/.venv/bin/python src/build.py
(from the vasquez folder or from anywhere: paths are resolved from this file).

The output is deterministic: fixed creation dates in the document metadata, and for DOCX a
re-packed zip with fixed timestamps, so two runs give byte-identical files.

Source format (a small subset of Markdown):
    front matter lines "key: value" up to a line "---"
      (title, author, subject, keywords, created = ISO date-time, output = pdf|docx)
    "# text"      document title line (printed as the title block)
    "## text"     heading level 1
    "### text"    heading level 2
    "- text"      bullet item
    "%widths a b c"  column widths (percent) for the next table
    "| a | b |"   table rows; the first row is the header, a "|---|" row is skipped
    blank line    ends a paragraph
    **bold**      bold text inside paragraphs, bullets and table cells
"""

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

from fpdf import FPDF
import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"

SOURCES = [
    "minster_chase_board_summary_q2.src.md",
    "brindlewood_chase_refresh_memo.src.md",
    "brindlewood_timber_fund_prospectus.src.md",
]

RAG_FILL = {"GREEN": (146, 208, 80), "AMBER": (255, 192, 0), "RED": (230, 90, 80)}
FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)


# --------------------------------------------------------------------------- parsing

def parse(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    meta = {}
    i = 0
    while lines[i].strip() != "---":
        key, _, value = lines[i].partition(":")
        meta[key.strip()] = value.strip()
        i += 1
    body = lines[i + 1:]

    blocks = []          # (kind, payload)
    para = []
    widths = None

    def flush():
        if para:
            blocks.append(("p", " ".join(s.strip() for s in para)))
            para.clear()

    j = 0
    while j < len(body):
        line = body[j]
        s = line.strip()
        if not s:
            flush()
        elif s.startswith("%widths"):
            flush()
            widths = [float(x) for x in s.split()[1:]]
        elif s.startswith("|"):
            flush()
            rows = []
            while j < len(body) and body[j].strip().startswith("|"):
                row = body[j].strip()
                if not re.fullmatch(r"\|[\s\-:|]+\|", row):
                    rows.append([c.strip() for c in row.strip("|").split("|")])
                j += 1
            blocks.append(("table", {"rows": rows, "widths": widths}))
            widths = None
            continue
        elif s.startswith("### "):
            flush()
            blocks.append(("h2", s[4:]))
        elif s.startswith("## "):
            flush()
            blocks.append(("h1", s[3:]))
        elif s.startswith("# "):
            flush()
            blocks.append(("title", s[2:]))
        elif s.startswith("- "):
            flush()
            item = [s[2:]]
            # continuation lines are indented
            while j + 1 < len(body) and body[j + 1].startswith("  ") and body[j + 1].strip() \
                    and not body[j + 1].strip().startswith("- "):
                j += 1
                item.append(body[j].strip())
            blocks.append(("bullet", " ".join(item)))
        else:
            para.append(line)
        j += 1
    flush()
    return meta, blocks


def created_date(meta):
    return dt.datetime.fromisoformat(meta["created"]).replace(tzinfo=dt.timezone.utc)


def plain(text):
    return text.replace("**", "")


# --------------------------------------------------------------------------- PDF

class DraftPDF(FPDF):
    def __init__(self, running_title):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_title = running_title
        self.set_margins(18, 20, 18)
        self.set_auto_page_break(True, margin=18)

    def header(self):
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.set_y(9)
        self.cell(0, 5, self.running_title, align="L")
        self.set_draw_color(150, 150, 150)
        self.line(self.l_margin, 15, self.w - self.r_margin, 15)
        self.set_text_color(0, 0, 0)
        self.set_y(20)

    def footer(self):
        self.set_y(-13)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def pdf_table(pdf, rows, widths):
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    ncol = len(rows[0])
    if not widths:
        widths = [100.0 / ncol] * ncol
    colw = [usable * w / sum(widths) for w in widths]
    line_h = 4.6
    for r, row in enumerate(rows):
        header = r == 0
        pdf.set_font("Helvetica", "B" if header else "", 8.5)
        # height of the row = tallest cell
        heights = []
        for c, text in enumerate(row):
            lines = pdf.multi_cell(colw[c] - 2, line_h, plain(text), dry_run=True,
                                   output="LINES")
            heights.append(max(1, len(lines)) * line_h + 2)
        row_h = max(heights)
        if pdf.get_y() + row_h > pdf.h - pdf.b_margin:
            pdf.add_page()
            pdf.set_font("Helvetica", "B" if header else "", 8.5)
        y0 = pdf.get_y()
        x = pdf.l_margin
        for c, text in enumerate(row):
            t = plain(text)
            if header:
                pdf.set_fill_color(220, 226, 236)
                style = "DF"
            elif t.upper() in RAG_FILL:
                pdf.set_fill_color(*RAG_FILL[t.upper()])
                style = "DF"
            else:
                style = "D"
            pdf.set_draw_color(80, 80, 80)
            pdf.rect(x, y0, colw[c], row_h, style=style)
            pdf.set_xy(x + 1, y0 + 1)
            pdf.multi_cell(colw[c] - 2, line_h, t, border=0, align="L")
            x += colw[c]
        pdf.set_xy(pdf.l_margin, y0 + row_h)
    pdf.ln(3)


def build_pdf(meta, blocks, out_path):
    pdf = DraftPDF(meta["title"])
    pdf.set_title(meta["title"])
    pdf.set_author(meta["author"])
    pdf.set_subject(meta.get("subject", ""))
    pdf.set_keywords(meta.get("keywords", ""))
    pdf.set_creator("vasquez src/build.py (fpdf2)")
    pdf.set_producer("fpdf2")
    pdf.set_creation_date(created_date(meta))
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for kind, payload in blocks:
        if kind == "title":
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(width, 7.5, payload)
            pdf.ln(2)
        elif kind == "h1":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 12.5)
            pdf.multi_cell(width, 6.5, payload)
            pdf.ln(1)
        elif kind == "h2":
            pdf.ln(1)
            pdf.set_font("Helvetica", "B", 10.5)
            pdf.multi_cell(width, 5.5, payload)
        elif kind == "p":
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(width, 5, payload, markdown=True)
            pdf.ln(2)
        elif kind == "bullet":
            pdf.set_font("Helvetica", "", 10)
            pdf.set_x(pdf.l_margin + 4)
            pdf.cell(4, 5, "-")
            pdf.multi_cell(width - 8, 5, payload, markdown=True)
            pdf.ln(0.8)
        elif kind == "table":
            pdf_table(pdf, payload["rows"], payload["widths"])
    pdf.output(str(out_path))


# --------------------------------------------------------------------------- DOCX

def add_runs(paragraph, text, size=None):
    parts = re.split(r"(\*\*[^*]+\*\*)", text)
    for part in parts:
        if not part:
            continue
        bold = part.startswith("**") and part.endswith("**")
        run = paragraph.add_run(part[2:-2] if bold else part)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)


def shade(cell, hex_fill):
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tc_pr.append(shd)


def build_docx(meta, blocks, out_path):
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10.5)

    when = created_date(meta).replace(tzinfo=None)
    cp = document.core_properties
    cp.title = meta["title"]
    cp.author = meta["author"]
    cp.subject = meta.get("subject", "")
    cp.keywords = meta.get("keywords", "")
    cp.last_modified_by = meta["author"]
    cp.comments = ""
    cp.category = "Draft"
    cp.revision = 1
    cp.created = when
    cp.modified = when
    cp.last_printed = when

    section = document.sections[0]
    header_par = section.header.paragraphs[0]
    header_par.text = meta["title"]
    header_par.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    for kind, payload in blocks:
        if kind == "title":
            document.add_heading(payload, level=0)
        elif kind == "h1":
            document.add_heading(payload, level=1)
        elif kind == "h2":
            document.add_heading(payload, level=2)
        elif kind == "p":
            add_runs(document.add_paragraph(style="Normal"), payload)
        elif kind == "bullet":
            add_runs(document.add_paragraph(style="List Bullet"), payload)
        elif kind == "table":
            rows = payload["rows"]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = ""
                    par = cell.paragraphs[0]
                    add_runs(par, f"**{plain(text)}**" if r == 0 else text, size=9.5)
                    if r == 0:
                        shade(cell, "DCE2EC")
            document.add_paragraph()

    buf = io.BytesIO()
    document.save(buf)
    out_path.write_bytes(normalise_zip(buf.getvalue()))


def normalise_zip(data):
    """Re-pack a zip with fixed timestamps and attributes so the bytes do not depend on the clock."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 0
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- main

def main():
    OUT.mkdir(exist_ok=True)
    for name in SOURCES:
        path = HERE / name
        meta, blocks = parse(path)
        stem = name.replace(".src.md", "")
        if meta["output"] == "pdf":
            # core fonts are latin-1 only: fail loudly rather than print '?'
            path.read_text(encoding="utf-8").encode("latin-1")
            out_path = OUT / f"{stem}.pdf"
            build_pdf(meta, blocks, out_path)
        else:
            out_path = OUT / f"{stem}.docx"
            build_docx(meta, blocks, out_path)
        print(f"built {out_path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    sys.exit(main())
