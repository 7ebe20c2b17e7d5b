"""Deterministic build of the binary drafts in ../drafts from the Markdown sources in this folder.

Run with:  /work/main/.venv/bin/python src/build.py
Outputs:
  drafts/tenterholme_valley_prospectus.docx   (python-docx)
  drafts/carrowdale_border_pipeline.docx      (python-docx)
  drafts/pennock_new_town_summary.pdf         (fpdf2, core Helvetica, latin-1)

Source format (a small Markdown subset): '# ' title, '## ' heading 1, '### ' heading 2,
'- ' bullet, '|' table rows (second row is the separator), blank lines separate paragraphs.
The paragraph directly after the title is treated as a subtitle. '**x**' is not interpreted.
"""
import datetime
import io
import os
import zipfile

from docx import Document
from docx.shared import Pt
from fpdf import FPDF

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "drafts")
AUTHOR = "Lowmoor & Finch Regeneration"
FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)


def parse(path):
    """Return a list of blocks: (kind, payload)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    blocks, para, table = [], [], []

    def flush_para():
        if para:
            blocks.append(("p", " ".join(s.strip() for s in para)))
            para.clear()

    def flush_table():
        if table:
            rows = [[c.strip() for c in r.strip().strip("|").split("|")] for r in table]
            rows = [r for i, r in enumerate(rows) if i != 1]  # drop separator row
            blocks.append(("table", rows))
            table.clear()

    for line in lines:
        if line.startswith("|"):
            flush_para()
            table.append(line)
            continue
        flush_table()
        if not line.strip():
            flush_para()
        elif line.startswith("### "):
            flush_para()
            blocks.append(("h2", line[4:].strip()))
        elif line.startswith("## "):
            flush_para()
            blocks.append(("h1", line[3:].strip()))
        elif line.startswith("# "):
            flush_para()
            blocks.append(("title", line[2:].strip()))
        elif line.startswith("- "):
            flush_para()
            blocks.append(("li", line[2:].strip()))
        else:
            para.append(line)
    flush_para()
    flush_table()
    # mark the subtitle
    for i, (k, v) in enumerate(blocks):
        if k == "title" and i + 1 < len(blocks) and blocks[i + 1][0] == "p":
            blocks[i + 1] = ("subtitle", blocks[i + 1][1])
            break
    return blocks


def normalise_zip(data):
    """Rewrite a zip archive with fixed timestamps and attributes, entries in original order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zi.create_system = 0
            dst.writestr(zi, src.read(info.filename))
    return buf.getvalue()


def build_docx(src_name, out_name, title, date):
    blocks = parse(os.path.join(HERE, src_name))
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    for kind, val in blocks:
        if kind == "title":
            doc.add_heading(val, level=0)
        elif kind == "subtitle":
            p = doc.add_paragraph()
            r = p.add_run(val)
            r.italic = True
        elif kind == "h1":
            doc.add_heading(val, level=1)
        elif kind == "h2":
            doc.add_heading(val, level=2)
        elif kind == "li":
            doc.add_paragraph(val, style="List Bullet")
        elif kind == "p":
            doc.add_paragraph(val)
        elif kind == "table":
            rows = val
            t = doc.add_table(rows=len(rows), cols=len(rows[0]))
            t.style = "Table Grid"
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    c = t.cell(i, j)
                    c.text = ""
                    run = c.paragraphs[0].add_run(cell)
                    if i == 0:
                        run.bold = True
            doc.add_paragraph()
    cp = doc.core_properties
    cp.title = title
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.subject = "Local Industrial Strategy draft"
    cp.keywords = ""
    cp.comments = ""
    cp.revision = 1
    cp.created = date
    cp.modified = date
    cp.last_printed = date
    buf = io.BytesIO()
    doc.save(buf)
    with open(os.path.join(OUT, out_name), "wb") as f:
        f.write(normalise_zip(buf.getvalue()))


LATIN1_MAP = {
    "\u2014": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2026": "...", "\u2082": "2", "\u2192": "->", "\u00a0": " ",
}


def latin1(s):
    for k, v in LATIN1_MAP.items():
        s = s.replace(k, v)
    s.encode("latin-1")  # fail loudly if anything else slips through
    return s


class RunningPDF(FPDF):
    header_text = ""

    def header(self):
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, self.header_text, align="L")
        self.ln(4)
        self.set_draw_color(150, 150, 150)
        self.line(self.l_margin, self.get_y() + 2, self.w - self.r_margin, self.get_y() + 2)
        self.ln(6)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def build_pdf(src_name, out_name, title, header_text, date, page_break_before=()):
    blocks = parse(os.path.join(HERE, src_name))
    pdf = RunningPDF(format="A4")
    pdf.header_text = latin1(header_text)
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(latin1(title))
    pdf.set_author(AUTHOR)
    pdf.set_subject("Local Industrial Strategy draft")
    pdf.set_creator("src/build.py")
    pdf.set_producer("fpdf2")
    pdf.set_creation_date(date)
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for kind, val in blocks:
        val = latin1(val) if isinstance(val, str) else [[latin1(c) for c in r] for r in val]
        if kind == "title":
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(width, 8, val)
            pdf.ln(1)
        elif kind == "subtitle":
            pdf.set_font("Helvetica", "I", 9.5)
            pdf.multi_cell(width, 5, val)
            pdf.ln(3)
        elif kind == "h1":
            if val in page_break_before:
                pdf.add_page()
            else:
                pdf.ln(2)
            pdf.set_font("Helvetica", "B", 12.5)
            pdf.multi_cell(width, 7, val)
            pdf.ln(1)
        elif kind == "h2":
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(width, 6, val)
        elif kind == "li":
            pdf.set_font("Helvetica", "", 10)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(width - 4, 5, "- " + val)
        elif kind == "p":
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(width, 5, val)
            pdf.ln(2)
        elif kind == "table":
            pdf.set_font("Helvetica", "", 9)
            with pdf.table(width=width, line_height=5, first_row_as_headings=True) as t:
                for row in val:
                    r = t.row()
                    for cell in row:
                        r.cell(cell)
            pdf.ln(3)
    pdf.output(os.path.join(OUT, out_name))


def main():
    os.makedirs(OUT, exist_ok=True)
    utc = datetime.timezone.utc
    build_docx(
        "tenterholme_valley_prospectus.md",
        "tenterholme_valley_prospectus.docx",
        "Tenter Valley: Made to Last - Local Industrial Strategy Prospectus 2025-2035",
        datetime.datetime(2025, 9, 15, 9, 0, 0),
    )
    build_docx(
        "carrowdale_border_pipeline.md",
        "carrowdale_border_pipeline.docx",
        "Carrowdale Local Industrial Strategy: Project Pipeline (Stage 2)",
        datetime.datetime(2025, 11, 20, 9, 0, 0),
    )
    build_pdf(
        "pennock_new_town_summary.md",
        "pennock_new_town_summary.pdf",
        "Pennock Local Industrial Strategy: Executive Summary",
        "Pennock Local Industrial Strategy - Executive Summary and Appendices - October 2025",
        datetime.datetime(2025, 10, 6, 9, 0, 0, tzinfo=utc),
        page_break_before=("Appendix A. Pennock economy: key statistics",),
    )


if __name__ == "__main__":
    main()
