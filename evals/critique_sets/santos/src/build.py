"""Build the binary drafts (PDF and DOCX) from the Markdown-like sources in this folder.

Run with:  /work/main/.venv/bin/python src/build.py   (from the santos folder or anywhere)

The output is deterministic: fixed creation dates in the PDF and DOCX metadata, and the DOCX zip
is rewritten with fixed timestamps, so two runs give byte-identical files.

Source format (a small subset of Markdown):
  "# text"      document title (first line)
  "## text"     heading (Heading 1)
  "### text"    sub-heading (Heading 2)
  "| a | b |"   table rows; the first row is the header; "| --- |" rows are skipped
  "- text"      bullet item (indented continuation lines are joined)
  "1. text"     numbered item
  "Table N. x"  table caption (bold)
  other lines   paragraphs; consecutive lines are joined; blank lines separate blocks
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"

FIXED = dt.datetime(2020, 1, 15, 9, 0, 0, tzinfo=dt.timezone.utc)

DOCS = [
    {
        "src": "ebbwell_spa_festival_working_paper.md",
        "out": "ebbwell_spa_festival_working_paper.pdf",
        "kind": "pdf",
        "title": "Festivals, seasonality and low pay: towards a Local Industrial Strategy for Ebbwell Spa",
        "header": "Ebbwell Spa LIS - Working Paper 19/07",
        "author": "Centre for Local Economies, University of the Western Vale",
        "date": dt.datetime(2019, 12, 2, 9, 0, 0, tzinfo=dt.timezone.utc),
    },
    {
        "src": "hethermoor_uplands_working_paper.md",
        "out": "hethermoor_uplands_working_paper.pdf",
        "kind": "pdf",
        "title": "Timber, sheep and signal: evidence for a Local Industrial Strategy in the Hethermoor uplands",
        "header": "Hethermoor uplands LIS evidence - Working Paper UE-2020-02",
        "author": "Upland Economies Research Group, University of Daleford",
        "date": dt.datetime(2020, 2, 3, 9, 0, 0, tzinfo=dt.timezone.utc),
    },
    {
        "src": "carrow_fells_strategy_on_a_page.md",
        "out": "carrow_fells_strategy_on_a_page.docx",
        "kind": "docx",
        "title": "Carrow Fells Local Industrial Strategy: Strategy on a Page",
        "author": "Tarn and Beck Consulting",
        "date": dt.datetime(2019, 12, 9, 9, 0, 0),
    },
    {
        "src": "orringham_vale_commuter_towns_report.md",
        "out": "orringham_vale_commuter_towns_report.docx",
        "kind": "docx",
        "title": "Orringham Vale Local Industrial Strategy: Draft Consultancy Report",
        "author": "Pellow Stroud Economics",
        "date": dt.datetime(2020, 1, 6, 9, 0, 0),
    },
]


# ---------------------------------------------------------------- parsing

def parse(text: str) -> list[tuple]:
    """Return a list of blocks: (kind, payload)."""
    blocks: list[tuple] = []
    para: list[str] = []
    table: list[list[str]] = []
    item: tuple | None = None  # ("bullet"|"number", [lines])

    def flush():
        nonlocal para, table, item
        if para:
            blocks.append(("para", " ".join(para)))
            para = []
        if table:
            blocks.append(("table", table))
            table = []
        if item:
            blocks.append((item[0], " ".join(item[1])))
            item = None

    for raw in text.splitlines():
        line = raw.rstrip()
        s = line.strip()
        if not s:
            flush()
            continue
        if s.startswith("|"):
            if para or item:
                flush()
            cells = [c.strip() for c in s.strip("|").split("|")]
            if all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                continue
            table.append(cells)
            continue
        if table:
            flush()
        if s.startswith("### "):
            flush(); blocks.append(("h2", s[4:])); continue
        if s.startswith("## "):
            flush(); blocks.append(("h1", s[3:])); continue
        if s.startswith("# "):
            flush(); blocks.append(("title", s[2:])); continue
        m = re.match(r"^(\d+)\.\s+(.*)$", s)
        if s.startswith("- "):
            flush(); item = ("bullet", [s[2:]]); continue
        if m and not s.startswith("Table"):
            flush(); item = ("number", [s]); continue
        if item and line.startswith("  "):
            item[1].append(s); continue
        if s.startswith("Table ") and re.match(r"^Table \d+\.", s):
            flush(); blocks.append(("caption", s)); continue
        if item:
            flush()
        para.append(s)
    flush()
    return blocks


def split_bold(text: str) -> list[tuple[str, bool]]:
    parts = re.split(r"(\*\*[^*]+\*\*)", text)
    out = []
    for p in parts:
        if not p:
            continue
        if p.startswith("**") and p.endswith("**"):
            out.append((p[2:-2], True))
        else:
            out.append((p, False))
    return out


# ---------------------------------------------------------------- PDF

def build_pdf(doc: dict, blocks: list[tuple]) -> bytes:
    from fpdf import FPDF

    class Paper(FPDF):
        def header(self):
            self.set_font("Helvetica", "I", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 5, doc["header"], align="L")
            self.ln(6)
            self.set_draw_color(160, 160, 160)
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.ln(4)
            self.set_text_color(0, 0, 0)

        def footer(self):
            self.set_y(-14)
            self.set_font("Helvetica", "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")
            self.set_text_color(0, 0, 0)

    pdf = Paper(format="A4")
    pdf.set_title(doc["title"])
    pdf.set_author(doc["author"])
    pdf.set_subject("Draft Local Industrial Strategy evidence (fictional)")
    pdf.set_creator("santos src/build.py")
    pdf.set_creation_date(doc["date"])
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(20, 18, 20)
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    for kind, payload in blocks:
        if kind == "title":
            pdf.set_font("Helvetica", "B", 15)
            pdf.multi_cell(width, 7, payload, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif kind == "h1":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(width, 6, payload, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "h2":
            pdf.set_font("Helvetica", "B", 10.5)
            pdf.multi_cell(width, 5.5, payload, new_x="LMARGIN", new_y="NEXT")
        elif kind == "caption":
            pdf.set_font("Helvetica", "B", 9.5)
            pdf.multi_cell(width, 5, payload, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "para":
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(width, 5, payload, markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind in ("bullet", "number"):
            pdf.set_font("Helvetica", "", 10)
            if kind == "bullet":
                mark, body = "-", payload
            else:
                mark, body = payload.split(" ", 1)
            pdf.set_x(pdf.l_margin + 3)
            pdf.cell(5, 5, mark)
            pdf.multi_cell(width - 8, 5, body, markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "table":
            draw_pdf_table(pdf, payload, width)
            pdf.ln(3)
    return bytes(pdf.output())


def draw_pdf_table(pdf, rows: list[list[str]], width: float) -> None:
    ncols = max(len(r) for r in rows)
    rows = [r + [""] * (ncols - len(r)) for r in rows]
    # column widths proportional to the longest word-wrapped demand, with a floor
    weights = []
    for c in range(ncols):
        longest = max(len(r[c]) for r in rows)
        weights.append(min(max(longest, 8), 60))
    total = sum(weights)
    widths = [width * w / total for w in weights]
    line_h = 4.4
    for i, row in enumerate(rows):
        header = i == 0
        pdf.set_font("Helvetica", "B" if header else "", 8.5)
        nlines = [len(pdf.multi_cell(widths[c], line_h, row[c], dry_run=True, output="LINES"))
                  for c in range(ncols)]
        h = max(nlines) * line_h + 2
        if pdf.get_y() + h > pdf.page_break_trigger:
            pdf.add_page()
            pdf.set_font("Helvetica", "B" if header else "", 8.5)
        x0, y0 = pdf.l_margin, pdf.get_y()
        x = x0
        for c in range(ncols):
            if header:
                pdf.set_fill_color(225, 230, 236)
                pdf.rect(x, y0, widths[c], h, style="DF")
            else:
                pdf.rect(x, y0, widths[c], h)
            pdf.set_xy(x + 0.5, y0 + 1)
            pdf.multi_cell(widths[c] - 1, line_h, row[c], border=0)
            x += widths[c]
        pdf.set_xy(x0, y0 + h)


# ---------------------------------------------------------------- DOCX

def build_docx(doc: dict, blocks: list[tuple]) -> bytes:
    from docx import Document
    from docx.shared import Pt

    d = Document()
    cp = d.core_properties
    cp.title = doc["title"]
    cp.author = doc["author"]
    cp.last_modified_by = doc["author"]
    cp.subject = "Draft Local Industrial Strategy (fictional)"
    cp.keywords = ""
    cp.comments = ""
    cp.category = "Draft"
    cp.revision = 1
    cp.created = doc["date"]
    cp.modified = doc["date"]
    cp.last_printed = doc["date"]

    style = d.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10.5)

    def add_runs(p, text):
        for t, b in split_bold(text):
            r = p.add_run(t)
            r.bold = b

    for kind, payload in blocks:
        if kind == "title":
            d.add_heading(payload, level=0)
        elif kind == "h1":
            d.add_heading(payload, level=1)
        elif kind == "h2":
            d.add_heading(payload, level=2)
        elif kind == "caption":
            p = d.add_paragraph()
            r = p.add_run(payload)
            r.bold = True
        elif kind == "para":
            add_runs(d.add_paragraph(), payload)
        elif kind == "bullet":
            add_runs(d.add_paragraph(style="List Bullet"), payload)
        elif kind == "number":
            body = payload.split(" ", 1)[1]
            add_runs(d.add_paragraph(style="List Number"), body)
        elif kind == "table":
            ncols = max(len(r) for r in payload)
            t = d.add_table(rows=len(payload), cols=ncols)
            t.style = "Table Grid"
            for i, row in enumerate(payload):
                for j in range(ncols):
                    cell = t.cell(i, j)
                    text = row[j] if j < len(row) else ""
                    cell.text = ""
                    para = cell.paragraphs[0]
                    run = para.add_run(text)
                    if i == 0:
                        run.bold = True
            d.add_paragraph()

    buf = io.BytesIO()
    d.save(buf)
    return normalise_zip(buf.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and attributes so the bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 3
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------- main

def main() -> None:
    OUT.mkdir(exist_ok=True)
    for doc in DOCS:
        text = (HERE / doc["src"]).read_text(encoding="utf-8")
        blocks = parse(text)
        if doc["kind"] == "pdf":
            data = build_pdf(doc, blocks)
        else:
            data = build_docx(doc, blocks)
        (OUT / doc["out"]).write_bytes(data)
        print(f"wrote drafts/{doc['out']} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
