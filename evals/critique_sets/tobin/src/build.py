"""Build the binary drafts of the tobin critique set, deterministically.

Run with:  /work/main/.venv/bin/python src/build.py   (from the tobin folder, or anywhere)

Sources are small Markdown files in this folder. The subset understood is:
  # Title            document title (DOCX Title style; PDF title block)
  ## Heading         Heading 1
  ### Heading        Heading 2
  - item             bullet
  1. item            numbered item
  > text             quotation
  | a | b |          table rows (the second, |---| row is the separator)
  !!HIDDEN!! text    DOCX only: a paragraph in white 1-point text
  **bold**           inline bold
Blank lines separate paragraphs. Every output is byte-identical from run to run: the
DOCX core properties and zip timestamps and the PDF creation date are fixed.
"""
from __future__ import annotations

import datetime
import io
import pathlib
import re
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from fpdf import FPDF

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"
FIXED = datetime.datetime(2025, 1, 20, 9, 0, 0, tzinfo=datetime.timezone.utc)
ZIP_TIME = (2025, 1, 20, 9, 0, 0)

DOCX_DRAFTS = {
    "carrowby_bay_board_minutes": "Ellen Marsh, Carrowby and Hinder Coast LEP secretariat",
    "cawdale_hamlets_board_paper": "Hannah Oduya, Cawdale and Wolds LEP secretariat",
}
PDF_DRAFTS = {
    "ravensholt_steel_town_lis": "Callum Reid, Dene Valley LEP secretariat",
}


# --------------------------------------------------------------------------- parsing
def parse(text: str) -> list[tuple]:
    blocks: list[tuple] = []
    para: list[str] = []
    table: list[list[str]] = []

    def flush_para():
        if para:
            blocks.append(("p", " ".join(s.strip() for s in para)))
            para.clear()

    def flush_table():
        if table:
            blocks.append(("table", [row[:] for row in table]))
            table.clear()

    for raw in text.splitlines():
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
            continue
        if line.startswith("### "):
            flush_para(); blocks.append(("h2", line[4:].strip()))
        elif line.startswith("## "):
            flush_para(); blocks.append(("h1", line[3:].strip()))
        elif line.startswith("# "):
            flush_para(); blocks.append(("title", line[2:].strip()))
        elif line.startswith("- "):
            flush_para(); blocks.append(("bullet", line[2:].strip()))
        elif re.match(r"^\d+\. ", line):
            flush_para()
            num, rest = line.split(". ", 1)
            blocks.append(("num", rest.strip(), num))
        elif line.startswith("> "):
            flush_para(); blocks.append(("quote", line[2:].strip()))
        elif line.startswith("!!HIDDEN!! "):
            flush_para(); blocks.append(("hidden", line[len("!!HIDDEN!! "):].strip()))
        else:
            para.append(line)
    flush_para()
    flush_table()
    return blocks


def bold_segments(text: str) -> list[tuple[str, bool]]:
    parts = text.split("**")
    return [(part, i % 2 == 1) for i, part in enumerate(parts) if part]


# --------------------------------------------------------------------------- DOCX
def add_runs(paragraph, text: str, *, italic: bool = False):
    for seg, bold in bold_segments(text):
        run = paragraph.add_run(seg)
        run.bold = bold or None
        if italic:
            run.italic = True


def normalise_zip(data: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps so the bytes do not depend on the clock."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def build_docx(name: str, author: str) -> pathlib.Path:
    blocks = parse((HERE / f"{name}.md").read_text(encoding="utf-8"))
    title = next(b[1] for b in blocks if b[0] == "title")
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)

    for block in blocks:
        kind = block[0]
        if kind == "title":
            doc.add_heading(block[1], level=0)
        elif kind == "h1":
            doc.add_heading(block[1], level=1)
        elif kind == "h2":
            doc.add_heading(block[1], level=2)
        elif kind == "p":
            add_runs(doc.add_paragraph(), block[1])
        elif kind == "bullet":
            add_runs(doc.add_paragraph(style="List Bullet"), block[1])
        elif kind == "num":
            add_runs(doc.add_paragraph(style="List Number"), block[1])
        elif kind == "quote":
            add_runs(doc.add_paragraph(style="Quote"), block[1], italic=True)
        elif kind == "hidden":
            p = doc.add_paragraph()
            run = p.add_run(block[1])
            run.font.size = Pt(1)
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        elif kind == "table":
            rows = block[1]
            ncols = max(len(r) for r in rows)
            table = doc.add_table(rows=len(rows), cols=ncols)
            table.style = "Table Grid"
            for i, row in enumerate(rows):
                for j in range(ncols):
                    cell = table.cell(i, j)
                    cell.text = ""
                    text = row[j] if j < len(row) else ""
                    par = cell.paragraphs[0]
                    for seg, bold in bold_segments(text):
                        run = par.add_run(seg)
                        if i == 0 or bold:
                            run.bold = True
            doc.add_paragraph()

    cp = doc.core_properties
    cp.title = title
    cp.author = author
    cp.last_modified_by = author
    cp.subject = "Draft Local Industrial Strategy"
    cp.keywords = ""
    cp.comments = ""
    cp.category = ""
    cp.revision = 1
    cp.created = FIXED.replace(tzinfo=None)
    cp.modified = FIXED.replace(tzinfo=None)
    cp.last_printed = FIXED.replace(tzinfo=None)

    buf = io.BytesIO()
    doc.save(buf)
    path = OUT / f"{name}.docx"
    path.write_bytes(normalise_zip(buf.getvalue()))
    return path


# --------------------------------------------------------------------------- PDF
class DraftPDF(FPDF):
    def __init__(self, running_title: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_title = running_title

    def header(self):
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, self.running_title, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(160, 160, 160)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-15)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def build_pdf(name: str, author: str) -> pathlib.Path:
    blocks = parse((HERE / f"{name}.md").read_text(encoding="utf-8"))
    title = next(b[1] for b in blocks if b[0] == "title")
    pdf = DraftPDF(title)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_subject("Draft Local Industrial Strategy")
    pdf.set_creator("tobin src/build.py")
    pdf.set_producer("fpdf2")
    pdf.set_creation_date(FIXED)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 15, 20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    for block in blocks:
        kind = block[0]
        if kind == "title":
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(width, 8, block[1], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif kind == "h1":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(width, 7, block[1], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "h2":
            pdf.ln(1)
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(width, 6, block[1], new_x="LMARGIN", new_y="NEXT")
        elif kind == "p":
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(width, 5, block[1], markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind in ("bullet", "num"):
            pdf.set_font("Helvetica", "", 10)
            marker = "-" if kind == "bullet" else f"{block[2]}."
            pdf.set_x(pdf.l_margin + 4)
            pdf.cell(6, 5, marker)
            pdf.multi_cell(width - 10, 5, block[1], markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "quote":
            pdf.set_font("Helvetica", "I", 10)
            pdf.set_x(pdf.l_margin + 8)
            pdf.multi_cell(width - 16, 5, block[1], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "table":
            rows = block[1]
            pdf.set_font("Helvetica", "", 9)
            with pdf.table(line_height=5, text_align="LEFT",
                           first_row_as_headings=True) as table:
                for row in rows:
                    r = table.row()
                    for cell in row:
                        r.cell(cell.replace("**", ""))
            pdf.ln(3)
        elif kind == "hidden":
            raise ValueError("hidden text is only supported in DOCX sources")

    path = OUT / f"{name}.pdf"
    path.write_bytes(bytes(pdf.output()))
    return path


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, author in DOCX_DRAFTS.items():
        print("built", build_docx(name, author).relative_to(HERE.parent))
    for name, author in PDF_DRAFTS.items():
        print("built", build_pdf(name, author).relative_to(HERE.parent))


if __name__ == "__main__":
    main()
