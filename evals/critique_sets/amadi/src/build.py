"""Build the binary drafts (DOCX, PDF) for the amadi critique set from the Markdown sources in src/.

Run with:  /work/main/.venv/bin/python src/build.py
Deterministic: fixed metadata dates, fixed ZIP timestamps, no randomness.
"""
import io
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from docx.shared import Pt
from fpdf import FPDF

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"
AUTHOR = "Corvington and Lindhaven Combined Authority - Strategy Unit"

DOCX_JOBS = [
    ("cabinet_report_wendle_corridor_options",
     "Cabinet Report: Local Industrial Strategy - Options for the Wendle Freight Corridor",
     datetime(2025, 4, 1, 9, 0, 0, tzinfo=timezone.utc)),
    ("lis_delivery_plan_2025_2027",
     "Local Industrial Strategy Delivery Plan 2025-2027",
     datetime(2025, 6, 3, 9, 0, 0, tzinfo=timezone.utc)),
]
PDF_JOBS = [
    ("clca_evidence_base_annex",
     "Corvington and Lindhaven Local Industrial Strategy: Evidence Base",
     datetime(2025, 3, 14, 9, 0, 0, tzinfo=timezone.utc)),
]


def parse(md_text):
    """Return a list of blocks: (kind, payload). kinds: h1, h2, para, bullet, table."""
    blocks, para, table = [], [], []

    def flush_para():
        if para:
            blocks.append(("para", " ".join(para)))
            para.clear()

    def flush_table():
        if table:
            blocks.append(("table", [r[:] for r in table]))
            table.clear()

    for raw in md_text.splitlines():
        line = raw.rstrip()
        if line.startswith("|"):
            flush_para()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                continue
            table.append(cells)
            continue
        flush_table()
        if not line.strip():
            flush_para()
        elif line.startswith("## "):
            flush_para()
            blocks.append(("h2", line[3:].strip()))
        elif line.startswith("# "):
            flush_para()
            blocks.append(("h1", line[2:].strip()))
        elif line.startswith("- "):
            flush_para()
            blocks.append(("bullet", line[2:].strip()))
        else:
            para.append(line.strip())
    flush_para()
    flush_table()
    return blocks


def add_runs(paragraph, text, bold_all=False):
    parts = re.split(r"(\*\*[^*]+\*\*)", text)
    for part in parts:
        if not part:
            continue
        if part.startswith("**") and part.endswith("**"):
            run = paragraph.add_run(part[2:-2])
            run.bold = True
        else:
            run = paragraph.add_run(part)
            if bold_all:
                run.bold = True


def normalise_zip(data):
    """Rewrite a ZIP with fixed timestamps and sorted-stable order, for byte-identical output."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def build_docx(name, title, when):
    blocks = parse((HERE / f"{name}.md").read_text(encoding="utf-8"))
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    for kind, payload in blocks:
        if kind == "h1":
            doc.add_heading(payload, level=1)
        elif kind == "h2":
            doc.add_heading(payload, level=2)
        elif kind == "bullet":
            add_runs(doc.add_paragraph(style="List Bullet"), payload)
        elif kind == "para":
            add_runs(doc.add_paragraph(style="Normal"), payload)
        elif kind == "table":
            ncols = max(len(r) for r in payload)
            t = doc.add_table(rows=len(payload), cols=ncols)
            t.style = "Table Grid"
            for i, row in enumerate(payload):
                for j in range(ncols):
                    cell = t.cell(i, j)
                    text = row[j] if j < len(row) else ""
                    p = cell.paragraphs[0]
                    add_runs(p, text, bold_all=(i == 0))
    cp = doc.core_properties
    cp.title = title
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.subject = "Local Industrial Strategy"
    cp.keywords = ""
    cp.comments = ""
    cp.category = ""
    cp.revision = 1
    cp.created = when.replace(tzinfo=None)
    cp.modified = when.replace(tzinfo=None)
    cp.last_printed = when.replace(tzinfo=None)
    buf = io.BytesIO()
    doc.save(buf)
    (OUT / f"{name}.docx").write_bytes(normalise_zip(buf.getvalue()))


def latin1(text):
    table = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
             "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u00a0": " "}
    for a, b in table.items():
        text = text.replace(a, b)
    text.encode("latin-1")  # fail loudly if anything else slips in
    return text


class DraftPDF(FPDF):
    running_title = ""

    def header(self):
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, self.running_title + " - Evidence draft v0.9, March 2025",
                  align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(150, 150, 150)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def build_pdf(name, title, when):
    blocks = parse((HERE / f"{name}.md").read_text(encoding="utf-8"))
    pdf = DraftPDF(format="A4")
    pdf.running_title = "CLCA Local Industrial Strategy: Evidence Base"
    pdf.set_title(latin1(title))
    pdf.set_author(AUTHOR)
    pdf.set_subject("Local Industrial Strategy evidence base")
    pdf.set_creator("amadi src/build.py")
    pdf.set_creation_date(when)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(18, 14, 18)
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for kind, payload in blocks:
        text = latin1(payload) if kind != "table" else None
        if kind == "h1":
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(width, 8, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "h2":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(width, 6.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "bullet":
            pdf.set_font("Helvetica", "", 10)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(width - 4, 5, "- " + text, markdown=True,
                           new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.5)
        elif kind == "para":
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(width, 5, text, markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "table":
            pdf.set_font("Helvetica", "", 8)
            rows = [[latin1(c) for c in r] for r in payload]
            with pdf.table(width=width, line_height=4.5, text_align="LEFT",
                           first_row_as_headings=True) as tbl:
                for r in rows:
                    row = tbl.row()
                    for c in r:
                        row.cell(c)
            pdf.ln(3)
    pdf.output(str(OUT / f"{name}.pdf"))


def main():
    OUT.mkdir(exist_ok=True)
    for job in DOCX_JOBS:
        build_docx(*job)
    for job in PDF_JOBS:
        build_pdf(*job)
    print("built", len(DOCX_JOBS), "docx and", len(PDF_JOBS), "pdf")


if __name__ == "__main__":
    main()
