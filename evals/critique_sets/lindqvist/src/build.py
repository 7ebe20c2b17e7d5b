"""Build the binary drafts of the lindqvist critique set from their text sources.

Run with:  /work/main/.venv/bin/python src/build.py   (from the lindqvist folder or anywhere)

Sources (src/*.md) use a small markup:
  a metadata block of "key: value" lines ended by a line "---"
  (title, author, subject, keywords, date YYYY-MM-DD, header);
  "# "  document title      "## " heading 1      "### " heading 2
  "- "  bullet item         "| a | b |" table rows (first row is the header; "|---|" rows skipped)
  other non-blank lines     paragraph text (consecutive lines are joined).

Outputs are byte-identical from one run to the next: dates are fixed from the metadata, and
the DOCX zip entries are rewritten with a fixed timestamp and order.
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from docx.shared import Pt
from fpdf import FPDF

HERE = Path(__file__).resolve().parent
DRAFTS = HERE.parent / "drafts"

# source file -> output format
TARGETS = {
    "hatherby_garden_town_strategy.md": "docx",
    "oakenshire_delivery_tables.md": "docx",
    "ree_estuary_industrial_strategy.md": "pdf",
}


def parse(path: Path):
    text = path.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    meta = {}
    for line in head.splitlines():
        if line.strip():
            key, value = line.split(":", 1)
            meta[key.strip()] = value.strip()
    blocks = []  # (kind, payload)
    para: list[str] = []
    table: list[list[str]] = []

    def flush_para():
        if para:
            blocks.append(("p", " ".join(para)))
            para.clear()

    def flush_table():
        if table:
            blocks.append(("table", [row[:] for row in table]))
            table.clear()

    for raw in body.splitlines():
        line = raw.rstrip()
        if line.startswith("|"):
            flush_para()
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            table.append(cells)
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
            blocks.append(("bullet", line[2:].strip()))
        else:
            para.append(line.strip())
    flush_para()
    flush_table()
    return meta, blocks


def fixed_date(meta) -> datetime:
    y, m, d = (int(x) for x in meta["date"].split("-"))
    return datetime(y, m, d, 9, 0, 0, tzinfo=timezone.utc)


# ---------------------------------------------------------------- DOCX

def build_docx(meta, blocks, out: Path):
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    section = doc.sections[0]
    section.header.paragraphs[0].text = meta.get("header", meta["title"])

    for kind, payload in blocks:
        if kind == "title":
            doc.add_heading(payload, level=0)
        elif kind == "h1":
            doc.add_heading(payload, level=1)
        elif kind == "h2":
            doc.add_heading(payload, level=2)
        elif kind == "bullet":
            doc.add_paragraph(payload, style="List Bullet")
        elif kind == "p":
            doc.add_paragraph(payload)
        elif kind == "table":
            ncols = max(len(r) for r in payload)
            tbl = doc.add_table(rows=0, cols=ncols)
            tbl.style = "Table Grid"
            for i, row in enumerate(payload):
                cells = tbl.add_row().cells
                for j in range(ncols):
                    value = row[j] if j < len(row) else ""
                    cells[j].text = value
                    if i == 0:
                        for run in cells[j].paragraphs[0].runs:
                            run.bold = True
            doc.add_paragraph("")

    when = fixed_date(meta).replace(tzinfo=None)
    cp = doc.core_properties
    cp.title = meta["title"]
    cp.author = meta["author"]
    cp.subject = meta.get("subject", "")
    cp.keywords = meta.get("keywords", "")
    cp.comments = "Built by src/build.py"
    cp.last_modified_by = meta["author"]
    cp.created = when
    cp.modified = when
    cp.last_printed = when
    cp.revision = 1

    raw = io.BytesIO()
    doc.save(raw)
    # Rewrite the zip with fixed timestamps so that the bytes never change.
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    dst_buf = io.BytesIO()
    stamp = (when.year, when.month, when.day, 9, 0, 0)
    with zipfile.ZipFile(dst_buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, src.read(name))
    out.write_bytes(dst_buf.getvalue())


# ---------------------------------------------------------------- PDF

class DraftPDF(FPDF):
    running_header = ""

    def header(self):
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, self.running_header, align="L")
        self.ln(4)
        self.set_draw_color(160, 160, 160)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(5)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-15)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def latin1(s: str) -> str:
    s.encode("latin-1")  # fail loudly on characters the core fonts cannot show
    return s


def build_pdf(meta, blocks, out: Path):
    pdf = DraftPDF(format="A4")
    pdf.running_header = latin1(meta.get("header", meta["title"]))
    pdf.alias_nb_pages()
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(meta["title"])
    pdf.set_author(meta["author"])
    pdf.set_subject(meta.get("subject", ""))
    pdf.set_keywords(meta.get("keywords", ""))
    pdf.set_creator("src/build.py (fpdf2)")
    pdf.set_creation_date(fixed_date(meta))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    for kind, payload in blocks:
        if kind != "table":
            payload = latin1(payload)
        if kind == "title":
            pdf.set_font("Helvetica", "B", 17)
            pdf.multi_cell(width, 8, payload)
            pdf.ln(3)
        elif kind == "h1":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 12.5)
            pdf.multi_cell(width, 6.5, payload)
            pdf.ln(1)
        elif kind == "h2":
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(width, 6, payload)
        elif kind == "bullet":
            pdf.set_font("Helvetica", "", 10)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(width - 4, 5, "-  " + payload)
            pdf.ln(0.8)
        elif kind == "p":
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(width, 5, payload)
            pdf.ln(2)
        elif kind == "table":
            pdf.set_font("Helvetica", "", 8.5)
            with pdf.table(line_height=4.5, text_align="LEFT", first_row_as_headings=True) as t:
                for row in payload:
                    r = t.row()
                    for cell in row:
                        r.cell(latin1(cell))
            pdf.ln(3)
    out.write_bytes(bytes(pdf.output()))


def main() -> int:
    DRAFTS.mkdir(exist_ok=True)
    for name, fmt in TARGETS.items():
        meta, blocks = parse(HERE / name)
        out = DRAFTS / (Path(name).stem + "." + fmt)
        if fmt == "docx":
            build_docx(meta, blocks, out)
        else:
            build_pdf(meta, blocks, out)
        print(f"built {out.relative_to(HERE.parent)} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
