"""Build the binary drafts of the petrova critique set, deterministically.

Run with:  /work/main/.venv/bin/python src/build.py

Sources are the small Markdown files beside this script. The Markdown subset used is:
  '# '  title            '## ' heading 1        '### ' heading 2
  '- '  bullet item      '| a | b |' table rows (second row '|---|' is the separator)
  any other non-blank line is a paragraph (paragraphs are separated by blank lines).

Outputs (in ../drafts/):
  aldminster_city_lis_draft.pdf       (fpdf2, core Helvetica, latin-1, running header, page numbers)
  solmouth_business_board_paper.docx  (python-docx, real headings, real table)
  dykemoor_growth_prospectus.docx     (python-docx, real headings, real table)

Determinism: fixed creation/modification dates in document metadata, and DOCX zip entries are
rewritten with a fixed timestamp and fixed attributes, so two runs give identical bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from docx.shared import Pt
from fpdf import FPDF

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"

FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


# --------------------------------------------------------------------------- parsing
def parse(md_text: str) -> list[tuple[str, object]]:
    """Return a list of blocks: (kind, payload). kinds: title, h1, h2, para, bullets, table."""
    blocks: list[tuple[str, object]] = []
    lines = md_text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if not line.strip():
            i += 1
            continue
        if line.startswith("# "):
            blocks.append(("title", line[2:].strip()))
            i += 1
        elif line.startswith("## "):
            blocks.append(("h1", line[3:].strip()))
            i += 1
        elif line.startswith("### "):
            blocks.append(("h2", line[4:].strip()))
            i += 1
        elif line.startswith("- "):
            items = []
            while i < len(lines) and lines[i].startswith("- "):
                items.append(lines[i][2:].strip())
                i += 1
            blocks.append(("bullets", items))
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(set(c) <= set("-: ") for c in cells):
                    rows.append(cells)
                i += 1
            blocks.append(("table", rows))
        else:
            para = [line.strip()]
            i += 1
            while (
                i < len(lines)
                and lines[i].strip()
                and not lines[i].startswith(("#", "- ", "|"))
            ):
                para.append(lines[i].strip())
                i += 1
            blocks.append(("para", " ".join(para)))
    return blocks


# --------------------------------------------------------------------------- DOCX
def build_docx(src: Path, out: Path, title: str, author: str, date: datetime,
               subject: str, keywords: str) -> None:
    blocks = parse(src.read_text(encoding="utf-8"))
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)

    for kind, payload in blocks:
        if kind == "title":
            doc.add_heading(payload, level=0)
        elif kind == "h1":
            doc.add_heading(payload, level=1)
        elif kind == "h2":
            doc.add_heading(payload, level=2)
        elif kind == "para":
            doc.add_paragraph(payload)
        elif kind == "bullets":
            for item in payload:
                doc.add_paragraph(item, style="List Bullet")
        elif kind == "table":
            rows = payload
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = ""
                    run = cell.paragraphs[0].add_run(text)
                    if r == 0:
                        run.bold = True
            doc.add_paragraph("")

    cp = doc.core_properties
    cp.title = title
    cp.author = author
    cp.last_modified_by = author
    cp.subject = subject
    cp.keywords = keywords
    cp.comments = ""
    cp.category = "Local Industrial Strategy draft"
    cp.created = date
    cp.modified = date
    cp.last_printed = date
    cp.revision = 1

    buf = io.BytesIO()
    doc.save(buf)
    out.write_bytes(normalise_zip(buf.getvalue()))


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and attributes, keeping entry order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o644 << 16
            new.create_system = 3
            dst.writestr(new, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- PDF
class DraftPDF(FPDF):
    running_header = ""

    def header(self):
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, self.running_header, align="L")
        self.ln(7)
        self.set_draw_color(160, 160, 160)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(3)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def latin1(text: str) -> str:
    text.encode("latin-1")  # fail loudly on anything core fonts cannot show
    return text


def build_pdf(src: Path, out: Path, title: str, author: str, date: datetime,
              subject: str, keywords: str, running_header: str) -> None:
    blocks = parse(src.read_text(encoding="utf-8"))
    pdf = DraftPDF(format="A4")
    pdf.running_header = latin1(running_header)
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.alias_nb_pages()
    pdf.set_title(latin1(title))
    pdf.set_author(latin1(author))
    pdf.set_subject(latin1(subject))
    pdf.set_keywords(latin1(keywords))
    pdf.set_creator("petrova src/build.py")
    pdf.set_creation_date(date)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    for kind, payload in blocks:
        if kind == "title":
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(width, 8, latin1(payload), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif kind in ("h1", "h2"):
            size = 13 if kind == "h1" else 11
            if pdf.get_y() > pdf.h - 45:
                pdf.add_page()
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", size)
            pdf.multi_cell(width, 7, latin1(payload), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "para":
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(width, 5, latin1(payload), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "bullets":
            pdf.set_font("Helvetica", "", 10)
            for item in payload:
                pdf.set_x(pdf.l_margin + 4)
                pdf.multi_cell(width - 4, 5, latin1("- " + item), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
            pdf.ln(1)
        elif kind == "table":
            pdf.set_font("Helvetica", "", 9)
            with pdf.table(line_height=5, text_align="LEFT", first_row_as_headings=True) as table:
                for row in payload:
                    r = table.row()
                    for text in row:
                        r.cell(latin1(text))
            pdf.ln(3)

    out.write_bytes(bytes(pdf.output()))


# --------------------------------------------------------------------------- main
def main() -> None:
    OUT.mkdir(exist_ok=True)
    build_pdf(
        HERE / "aldminster_city_lis_draft.md",
        OUT / "aldminster_city_lis_draft.pdf",
        title="Aldminster Local Industrial Strategy 2026-2036: Consultation Draft",
        author="Aldminster Economic Partnership",
        date=datetime(2026, 6, 9, 9, 0, 0, tzinfo=timezone.utc),
        subject="Local Industrial Strategy consultation draft, version 0.9",
        keywords="Aldminster; Local Industrial Strategy; consultation draft",
        running_header="Aldminster Local Industrial Strategy - Consultation Draft v0.9 - June 2026",
    )
    build_docx(
        HERE / "solmouth_business_board_paper.md",
        OUT / "solmouth_business_board_paper.docx",
        title="Solmouth Harbour Growth Board: Local Industrial Strategy Board Paper",
        author="Solmouth Harbour Growth Board Secretary",
        date=datetime(2026, 4, 16, 10, 0, 0),
        subject="Board paper SHGB/26/14",
        keywords="Solmouth; Local Industrial Strategy; board paper",
    )
    build_docx(
        HERE / "dykemoor_growth_prospectus.md",
        OUT / "dykemoor_growth_prospectus.docx",
        title="Dykemoor Levels: Connected Growth Prospectus",
        author="Dykemoor Levels Growth Board",
        date=datetime(2026, 3, 2, 12, 0, 0),
        subject="Local Industrial Strategy prospectus, draft for discussion",
        keywords="Dykemoor Levels; Local Industrial Strategy; prospectus",
    )
    for name in sorted(p.name for p in OUT.iterdir() if p.suffix in (".pdf", ".docx")):
        print("built", name)


if __name__ == "__main__":
    main()
