"""Build the binary drafts (DOCX and PDF) for the yoon critique set.

Run with:  /work/main/.venv/bin/python src/build.py
(from the yoon folder, or from anywhere: paths are resolved relative to this file).

Sources are simple Markdown files in src/:
  '# '  document title          '## '  heading level 1     '### ' heading level 2
  '- '  bullet item             '1. '  numbered item       '| a | b |' table row
  blank line ends a paragraph; **bold** inside text is honoured.

The output is deterministic: fixed creation dates in the document metadata, and for DOCX
the zip container is rewritten with fixed timestamps, so two runs give identical bytes.
"""

import datetime as _dt
import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.shared import Pt
from fpdf import FPDF
from fpdf.fonts import FontFace

HERE = Path(__file__).resolve().parent
DRAFTS = HERE.parent / "drafts"

FIXED_DT = _dt.datetime(2020, 10, 1, 9, 0, 0, tzinfo=_dt.timezone.utc)
ZIP_DT = (2020, 10, 1, 9, 0, 0)

DOCX_JOBS = [
    {
        "src": "corranby_evaluation_framework.md",
        "out": "corranby_evaluation_framework.docx",
        "title": "Corranby Combined Authority Local Industrial Strategy: Evaluation Framework",
        "author": "Corranby Combined Authority, Research and Evaluation Team",
        "date": _dt.datetime(2020, 9, 17, 10, 0, 0),
    },
    {
        "src": "sellingford_skills_strategy.md",
        "out": "sellingford_skills_strategy.docx",
        "title": "Skills for Sellingford: a Skills-Led Local Industrial Strategy",
        "author": "Sellingford Combined Authority, Employment and Skills Directorate",
        "date": _dt.datetime(2020, 10, 5, 10, 0, 0),
    },
]

PDF_JOBS = [
    {
        "src": "pendrath_peninsula_investment_plan.md",
        "out": "pendrath_peninsula_investment_plan.pdf",
        "title": "Pendrath Peninsula Investment Plan 2020-2025",
        "author": "Western Shores Combined Authority, Place and Investment Directorate",
        "date": _dt.datetime(2020, 4, 20, 10, 0, 0, tzinfo=_dt.timezone.utc),
        # relative column widths for the tables, in order of appearance
        "tables": [
            (9, 38, 20, 9, 8, 8, 20),
            (30, 25, 25, 20),
        ],
    },
]


# --------------------------------------------------------------------------- parsing

def parse(text):
    """Return a list of blocks: (kind, payload)."""
    blocks = []
    para = []

    def flush():
        if para:
            blocks.append(("p", " ".join(para)))
            para.clear()

    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if not line.strip():
            flush()
            i += 1
            continue
        if line.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
                    rows.append(cells)
                i += 1
            blocks.append(("table", rows))
            continue
        if line.startswith("### "):
            flush(); blocks.append(("h2", line[4:])); i += 1; continue
        if line.startswith("## "):
            flush(); blocks.append(("h1", line[3:])); i += 1; continue
        if line.startswith("# "):
            flush(); blocks.append(("title", line[2:])); i += 1; continue
        if line.startswith("- "):
            flush(); blocks.append(("bullet", line[2:])); i += 1; continue
        m = re.match(r"(\d+)\. (.*)", line)
        if m:
            flush(); blocks.append(("number", (m.group(1), m.group(2)))); i += 1; continue
        para.append(line.strip())
        i += 1
    flush()
    return blocks


def runs(text):
    """Split text on **bold** markers: list of (segment, is_bold)."""
    out = []
    for k, seg in enumerate(re.split(r"\*\*", text)):
        if seg:
            out.append((seg, k % 2 == 1))
    return out


def plain(text):
    return text.replace("**", "")


# --------------------------------------------------------------------------- DOCX

def add_runs(par, text):
    for seg, bold in runs(text):
        r = par.add_run(seg)
        r.bold = bold or None


def build_docx(job):
    blocks = parse((HERE / job["src"]).read_text(encoding="utf-8"))
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    for kind, payload in blocks:
        if kind == "title":
            doc.add_heading(payload, level=0)
        elif kind == "h1":
            doc.add_heading(payload, level=1)
        elif kind == "h2":
            doc.add_heading(payload, level=2)
        elif kind == "bullet":
            add_runs(doc.add_paragraph(style="List Bullet"), payload)
        elif kind == "number":
            add_runs(doc.add_paragraph(style="List Number"), payload[1])
        elif kind == "table":
            header, body = payload[0], payload[1:]
            table = doc.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, txt in zip(table.rows[0].cells, header):
                cell.text = ""
                r = cell.paragraphs[0].add_run(plain(txt))
                r.bold = True
            for row in body:
                cells = table.add_row().cells
                for cell, txt in zip(cells, row):
                    cell.text = ""
                    add_runs(cell.paragraphs[0], txt)
            doc.add_paragraph()
        else:
            add_runs(doc.add_paragraph(), payload)

    cp = doc.core_properties
    cp.title = job["title"]
    cp.author = job["author"]
    cp.last_modified_by = job["author"]
    cp.subject = "Local Industrial Strategy"
    cp.keywords = ""
    cp.comments = ""
    cp.category = ""
    cp.revision = 1
    cp.created = job["date"]
    cp.modified = job["date"]
    cp.last_printed = job["date"]

    buf = io.BytesIO()
    doc.save(buf)
    # Rewrite the zip with fixed timestamps so that the bytes are reproducible.
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DT)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    (DRAFTS / job["out"]).write_bytes(out.getvalue())


# --------------------------------------------------------------------------- PDF

LATIN1_FIX = {
    "\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
    "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u00b7": "-", "\u2212": "-",
}


def latin1(text):
    for a, b in LATIN1_FIX.items():
        text = text.replace(a, b)
    text.encode("latin-1")  # fail loudly if anything else slips through
    return text


class DraftPDF(FPDF):
    doc_title = ""

    def header(self):
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, latin1(self.doc_title), align="L")
        self.ln(4)
        self.set_draw_color(160, 160, 160)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(6)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-15)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def pdf_text(pdf, text, size=10, style=""):
    pdf.set_font("Helvetica", style, size)
    pdf.multi_cell(0, 5, latin1(text), markdown=True, new_x="LMARGIN", new_y="NEXT")


def build_pdf(job):
    blocks = parse((HERE / job["src"]).read_text(encoding="utf-8"))
    pdf = DraftPDF(format="A4")
    pdf.doc_title = job["title"]
    pdf.set_title(job["title"])
    pdf.set_author(job["author"])
    pdf.set_subject("Local Industrial Strategy")
    pdf.set_creator("src/build.py (fpdf2)")
    pdf.set_creation_date(job["date"])
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    widths = list(job.get("tables", []))
    for kind, payload in blocks:
        if kind == "title":
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(0, 8, latin1(payload), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "h1":
            pdf.ln(3)
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(0, 7, latin1(payload), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "h2":
            pdf.ln(1)
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(0, 6, latin1(payload), new_x="LMARGIN", new_y="NEXT")
        elif kind == "bullet":
            pdf.set_font("Helvetica", "", 10)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(0, 5, latin1("- " + payload), markdown=True,
                           new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "number":
            pdf.set_font("Helvetica", "", 10)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(0, 5, latin1(f"{payload[0]}. {payload[1]}"), markdown=True,
                           new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "table":
            pdf.ln(1)
            pdf.set_font("Helvetica", "", 8.5)
            cw = widths.pop(0) if widths else None
            with pdf.table(col_widths=cw, line_height=4.6, text_align="LEFT",
                           headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
                           first_row_as_headings=True) as table:
                for row in payload:
                    r = table.row()
                    for txt in row:
                        r.cell(latin1(plain(txt)))
            pdf.ln(3)
        else:
            pdf_text(pdf, payload)
            pdf.ln(2)
    (DRAFTS / job["out"]).write_bytes(bytes(pdf.output()))


def main():
    DRAFTS.mkdir(exist_ok=True)
    for job in DOCX_JOBS:
        build_docx(job)
        print("built", job["out"])
    for job in PDF_JOBS:
        build_pdf(job)
        print("built", job["out"])


if __name__ == "__main__":
    main()
