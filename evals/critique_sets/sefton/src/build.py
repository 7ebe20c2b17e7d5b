"""Build the binary drafts of the sefton critique set from their Markdown sources.

Run with:  /work/main/.venv/bin/python src/build.py   (from the sefton folder or anywhere)

Sources (in this folder) use a small subset of Markdown:
  front matter between '---' lines (title, author, date, header; '||' splits header paragraphs),
  '#', '##', '###' headings, '- ' bullets, '1. ' numbered items, '|' tables,
  **bold** spans, '^N' note markers and '[^N]: text' notes (printed as a final note block).
Output is deterministic: fixed document dates, and for DOCX fixed zip timestamps.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from fpdf import FPDF
from fpdf.fonts import FontFace

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"

DOCX_SOURCES = ["cauldmoor_fells_parish_cluster", "stenholme_airfield_board_paper"]
PDF_SOURCES = ["aldhaven_coast_plan_for_residents"]

BOLD = re.compile(r"\*\*(.+?)\*\*")
NOTE_REF = re.compile(r"\^(\d+)")
NUMBERED = re.compile(r"^(\d+)\. (.*)$")


# ---------------------------------------------------------------- parsing
def parse(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    meta: dict[str, str] = {}
    assert lines[0] == "---"
    i = 1
    while lines[i] != "---":
        key, _, value = lines[i].partition(":")
        meta[key.strip()] = value.strip()
        i += 1
    body = lines[i + 1:]
    blocks: list[tuple] = []
    notes: list[tuple[str, str]] = []
    j = 0
    while j < len(body):
        line = body[j]
        if not line.strip():
            j += 1
            continue
        if line.startswith("|"):
            rows = []
            while j < len(body) and body[j].startswith("|"):
                cells = [c.strip() for c in body[j].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                    rows.append(cells)
                j += 1
            blocks.append(("table", rows))
            continue
        m = re.match(r"^\[\^(\d+)\]: (.*)$", line)
        if m:
            notes.append((m.group(1), m.group(2)))
        elif line.startswith("### "):
            blocks.append(("h3", line[4:]))
        elif line.startswith("## "):
            blocks.append(("h2", line[3:]))
        elif line.startswith("# "):
            blocks.append(("h1", line[2:]))
        elif line.startswith("- "):
            blocks.append(("bullet", line[2:]))
        elif NUMBERED.match(line):
            n, text = NUMBERED.match(line).groups()
            blocks.append(("number", text, n))
        else:
            blocks.append(("para", line))
        j += 1
    return meta, blocks, notes


def runs(text: str):
    """Split text into (chunk, bold, superscript) runs."""
    out = []
    pos = 0
    for m in BOLD.finditer(text):
        out.extend(_refs(text[pos:m.start()], False))
        out.extend(_refs(m.group(1), True))
        pos = m.end()
    out.extend(_refs(text[pos:], False))
    return [r for r in out if r[0]]


def _refs(text: str, bold: bool):
    out = []
    pos = 0
    for m in NOTE_REF.finditer(text):
        out.append((text[pos:m.start()], bold, False))
        out.append((m.group(1), bold, True))
        pos = m.end()
    out.append((text[pos:], bold, False))
    return out


def fixed_date(meta) -> dt.datetime:
    return dt.datetime.fromisoformat(meta["date"]).replace(tzinfo=dt.timezone.utc)


# ---------------------------------------------------------------- DOCX
def add_runs(paragraph, text: str):
    for chunk, bold, sup in runs(text):
        r = paragraph.add_run(chunk)
        r.bold = bold or None
        if sup:
            r.font.superscript = True


def build_docx(name: str) -> Path:
    meta, blocks, notes = parse(HERE / f"{name}.md")
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)

    header = doc.sections[0].header
    parts = [p.strip() for p in meta["header"].split("||")]
    header.paragraphs[0].text = parts[0]
    for extra in parts[1:]:
        header.add_paragraph(extra)
    for p in header.paragraphs:
        for r in p.runs:
            r.font.size = Pt(8)

    for block in blocks:
        kind = block[0]
        if kind == "h1":
            doc.add_heading(block[1], level=1)
        elif kind == "h2":
            doc.add_heading(block[1], level=2)
        elif kind == "h3":
            doc.add_heading(block[1], level=3)
        elif kind == "bullet":
            add_runs(doc.add_paragraph(style="List Bullet"), block[1])
        elif kind == "number":
            add_runs(doc.add_paragraph(style="List Number"), block[1])
        elif kind == "para":
            add_runs(doc.add_paragraph(), block[1])
        elif kind == "table":
            rows = block[1]
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for ri, row in enumerate(rows):
                for ci, cell_text in enumerate(row):
                    cell = table.cell(ri, ci)
                    cell.text = ""
                    para = cell.paragraphs[0]
                    if ri == 0:
                        r = para.add_run(BOLD.sub(r"\1", cell_text))
                        r.bold = True
                    else:
                        add_runs(para, cell_text)
            doc.add_paragraph()

    if notes:
        sep = doc.add_paragraph("_" * 30)
        sep.alignment = WD_ALIGN_PARAGRAPH.LEFT
        for num, text in notes:
            p = doc.add_paragraph()
            r = p.add_run(num)
            r.font.superscript = True
            r.font.size = Pt(8)
            r2 = p.add_run(" " + text)
            r2.font.size = Pt(8)

    cp = doc.core_properties
    when = fixed_date(meta).replace(tzinfo=None)
    cp.title = meta["title"]
    cp.author = meta["author"]
    cp.last_modified_by = meta["author"]
    cp.created = when
    cp.modified = when
    cp.last_printed = when
    cp.revision = 1
    cp.subject = "Local Industrial Strategy draft"
    cp.keywords = ""
    cp.comments = ""

    buf = io.BytesIO()
    doc.save(buf)
    out = OUT / f"{name}.docx"
    out.write_bytes(normalise_zip(buf.getvalue()))
    return out


def normalise_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 0
            dst.writestr(zi, src.read(info.filename))
    return buf.getvalue()


# ---------------------------------------------------------------- PDF
def latin1(text: str) -> str:
    table = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
             "\u201d": '"', "\u2022": "-", "\u2026": "..."}
    for a, b in table.items():
        text = text.replace(a, b)
    text.encode("latin-1")  # fail loudly if anything else slipped in
    return text


class PlanPDF(FPDF):
    running_header = ""

    def header(self):
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, self.running_header, new_x="LMARGIN", new_y="NEXT", align="L")
        y = self.get_y()
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.ln(4)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-13)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")


def build_pdf(name: str) -> Path:
    meta, blocks, notes = parse(HERE / f"{name}.md")
    pdf = PlanPDF(format="A4")
    pdf.running_header = latin1(meta["header"])
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(latin1(meta["title"]))
    pdf.set_author(latin1(meta["author"]))
    pdf.set_subject("Local Industrial Strategy draft")
    pdf.set_creator("sefton src/build.py")
    pdf.set_creation_date(fixed_date(meta))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def text_of(s: str) -> str:
        return latin1(NOTE_REF.sub(r"[\1]", s))

    for block in blocks:
        kind = block[0]
        if kind == "h1":
            pdf.set_font("Helvetica", "B", 17)
            pdf.multi_cell(width, 8, text_of(block[1]), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind in ("h2", "h3"):
            pdf.ln(3)
            pdf.set_font("Helvetica", "B", 13 if kind == "h2" else 11)
            pdf.multi_cell(width, 6.5, text_of(block[1]), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind in ("bullet", "number"):
            pdf.set_font("Helvetica", "", 10.5)
            mark = "-" if kind == "bullet" else f"{block[2]}."
            pdf.set_x(pdf.l_margin + 3)
            pdf.cell(6, 5.2, mark)
            pdf.multi_cell(width - 9, 5.2, text_of(block[1]), markdown=True,
                           new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.8)
        elif kind == "para":
            pdf.set_font("Helvetica", "", 10.5)
            pdf.multi_cell(width, 5.2, text_of(block[1]), markdown=True,
                           new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.2)
        elif kind == "table":
            rows = block[1]
            pdf.set_font("Helvetica", "", 9.5)
            with pdf.table(width=width, line_height=5, markdown=True,
                           headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
                           first_row_as_headings=True) as table:
                for row in rows:
                    r = table.row()
                    for cell_text in row:
                        r.cell(text_of(cell_text))
            pdf.ln(3)

    if notes:
        pdf.ln(2)
        pdf.set_font("Helvetica", "", 8.5)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 50, pdf.get_y())
        pdf.ln(2)
        for num, text in notes:
            pdf.multi_cell(width, 4.2, text_of(f"[{num}] {text}"), new_x="LMARGIN", new_y="NEXT")

    out = OUT / f"{name}.pdf"
    pdf.output(str(out))
    return out


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name in DOCX_SOURCES:
        print("built", build_docx(name).relative_to(HERE.parent))
    for name in PDF_SOURCES:
        print("built", build_pdf(name).relative_to(HERE.parent))


if __name__ == "__main__":
    main()
