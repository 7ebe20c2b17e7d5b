"""Build the binary drafts (PDF and DOCX) of the osei critique set.

Run with:  /work/main/.venv/bin/python src/build.py   (from the set folder or anywhere)

Sources are plain-text files in src/ using a small markup:
  @title / @author / @subtitle   document metadata (first lines)
  ## Heading / ### Subheading    headings
  - item  /  1. item             bullet / numbered list items
  | a | b |                      table rows (first row = header; |---| rows skipped)
  [^n]: text                     a note, printed in small type where it stands
  [^n]: @small text              a note in extra-small type
  [^n]                           an inline note marker
Everything else is paragraph text (blank line = new paragraph).

The output is deterministic: fixed creation dates, fixed zip timestamps.
"""
from __future__ import annotations

import datetime as _dt
import io
import re
import sys
import zipfile
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace
import docx
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"

# name -> (format, fixed date)
TARGETS = {
    "thorrendale_statistical_annex": ("pdf", _dt.datetime(2020, 3, 9, 9, 0, 0, tzinfo=_dt.timezone.utc)),
    "sandrick_emerging_draft_annex": ("pdf", _dt.datetime(2020, 1, 27, 9, 0, 0, tzinfo=_dt.timezone.utc)),
    "orsbridge_science_city_discussion_paper": ("docx", _dt.datetime(2020, 2, 14, 9, 0, 0, tzinfo=_dt.timezone.utc)),
}

# Table column widths (mm, A4 text width 180) by number of columns / table title.
COL_WIDTHS = {
    "Table B8": (44, 21, 21, 21, 21, 52),
    "Table B2": (62, 24, 18, 76),
}

_UNI = {
    "\u2014": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2026": "...", "\u2192": "->", "\u00a0": " ",
}


def latin1(text: str) -> str:
    for k, v in _UNI.items():
        text = text.replace(k, v)
    text.encode("latin-1")  # fail loudly on anything the core fonts cannot show
    return text


# ---------------------------------------------------------------- parsing

def parse(path: Path):
    meta: dict[str, str] = {}
    blocks: list[tuple] = []
    para: list[str] = []
    table: list[list[str]] = []

    def flush_para():
        if para:
            blocks.append(("p", " ".join(s.strip() for s in para)))
            para.clear()

    def flush_table():
        if table:
            blocks.append(("table", [r[:] for r in table]))
            table.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip()
        if line.startswith("@") and not blocks and not para and " " in line:
            key, val = line[1:].split(" ", 1)
            meta[key] = val.strip()
            continue
        if line.startswith("|"):
            flush_para()
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                continue
            table.append(cells)
            continue
        flush_table()
        if not line.strip():
            flush_para()
            continue
        m = re.match(r"^\[\^(\w+)\]:\s*(.*)$", line)
        if m:
            flush_para()
            text = m.group(2)
            small = text.startswith("@small ")
            if small:
                text = text[len("@small "):]
            blocks.append(("note", m.group(1), text, small))
            continue
        if line.startswith("### "):
            flush_para(); blocks.append(("h2", line[4:].strip())); continue
        if line.startswith("## "):
            flush_para(); blocks.append(("h1", line[3:].strip())); continue
        if line.startswith("- "):
            flush_para(); blocks.append(("bullet", line[2:].strip())); continue
        m = re.match(r"^(\d+)\.\s+(.*)$", line)
        if m:
            flush_para(); blocks.append(("num", m.group(1), m.group(2).strip())); continue
        para.append(line)
    flush_para()
    flush_table()
    return meta, blocks


def inline_notes(text: str) -> str:
    return re.sub(r"\[\^(\w+)\]", r"[\1]", text)


# ---------------------------------------------------------------- PDF

class DraftPDF(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title = title
        self.set_margins(15, 18, 15)
        self.set_auto_page_break(auto=True, margin=18)

    def header(self):
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.set_y(8)
        self.cell(0, 5, latin1(self.doc_title), align="L")
        self.set_draw_color(160, 160, 160)
        self.line(15, 14, 195, 14)
        self.set_text_color(0, 0, 0)
        self.set_y(18)

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def build_pdf(name: str, meta: dict, blocks: list, when: _dt.datetime) -> bytes:
    title = meta["title"]
    pdf = DraftPDF(title)
    pdf.alias_nb_pages()
    pdf.set_title(latin1(title))
    pdf.set_author(latin1(meta.get("author", "")))
    pdf.set_subject("Draft Local Industrial Strategy")
    pdf.set_creator("osei src/build.py")
    pdf.set_creation_date(when)
    pdf.add_page()

    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 7, latin1(title), new_x="LMARGIN", new_y="NEXT")
    if meta.get("subtitle"):
        pdf.ln(1)
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(0, 4.5, latin1(meta["subtitle"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    last_heading = ""
    for b in blocks:
        kind = b[0]
        if kind == "h1":
            pdf.ln(3)
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(0, 6.5, latin1(b[1]), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
            last_heading = b[1]
        elif kind == "h2":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(0, 5.5, latin1(b[1]), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.5)
            last_heading = b[1]
        elif kind == "p":
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 5, latin1(inline_notes(b[1])), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind in ("bullet", "num"):
            pdf.set_font("Helvetica", "", 10)
            mark = "-" if kind == "bullet" else f"{b[1]}."
            text = b[1] if kind == "bullet" else b[2]
            pdf.set_x(19)
            pdf.cell(5, 5, mark)
            pdf.multi_cell(0, 5, latin1(inline_notes(text)), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.8)
        elif kind == "table":
            rows = b[1]
            ncol = len(rows[0])
            widths = None
            for key, w in COL_WIDTHS.items():
                if last_heading.startswith(key) and len(w) == ncol:
                    widths = w
            if widths is None:
                first = 180 * (0.42 if ncol > 2 else 0.6)
                rest = (180 - first) / (ncol - 1)
                widths = tuple([first] + [rest] * (ncol - 1))
            pdf.ln(1)
            pdf.set_font("Helvetica", "", 8)
            pdf.set_draw_color(110, 110, 110)
            heading_style = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))
            with pdf.table(col_widths=widths, width=sum(widths), align="LEFT",
                           text_align="LEFT", line_height=4.2,
                           headings_style=heading_style, borders_layout="ALL") as table:
                for r in rows:
                    row = table.row()
                    for i in range(ncol):
                        row.cell(latin1(r[i] if i < len(r) else ""))
            pdf.ln(1.5)
        elif kind == "note":
            _, label, text, small = b
            pdf.set_font("Helvetica", "", 4.5 if small else 7)
            pdf.set_text_color(70, 70, 70)
            pdf.multi_cell(0, 2.4 if small else 3.4, latin1(f"[{label}] {text}"),
                           new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(2)
    return bytes(pdf.output())


# ---------------------------------------------------------------- DOCX

def normalise_zip(data: bytes, when: _dt.datetime) -> bytes:
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 0
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def build_docx(name: str, meta: dict, blocks: list, when: _dt.datetime) -> bytes:
    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)

    d.add_heading(meta["title"], level=0)
    if meta.get("subtitle"):
        p = d.add_paragraph()
        run = p.add_run(meta["subtitle"])
        run.italic = True

    for b in blocks:
        kind = b[0]
        if kind == "h1":
            d.add_heading(b[1], level=1)
        elif kind == "h2":
            d.add_heading(b[1], level=2)
        elif kind == "p":
            d.add_paragraph(inline_notes(b[1]))
        elif kind == "bullet":
            d.add_paragraph(inline_notes(b[1]), style="List Bullet")
        elif kind == "num":
            d.add_paragraph(inline_notes(b[2]), style="List Number")
        elif kind == "table":
            rows = b[1]
            ncol = len(rows[0])
            t = d.add_table(rows=len(rows), cols=ncol)
            t.style = "Table Grid"
            for i, r in enumerate(rows):
                for j in range(ncol):
                    cell = t.cell(i, j)
                    cell.text = r[j] if j < len(r) else ""
                    if i == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
            d.add_paragraph("")
        elif kind == "note":
            _, label, text, small = b
            p = d.add_paragraph()
            run = p.add_run(f"[{label}] {text}")
            run.font.size = Pt(6 if small else 8)

    cp = d.core_properties
    cp.title = meta["title"]
    cp.author = meta.get("author", "")
    cp.subject = "Draft Local Industrial Strategy"
    cp.keywords = ""
    cp.comments = ""
    cp.category = "Discussion paper"
    cp.last_modified_by = meta.get("author", "")
    naive = when.replace(tzinfo=None)
    cp.created = naive
    cp.modified = naive
    cp.last_printed = naive
    cp.revision = 1

    buf = io.BytesIO()
    d.save(buf)
    return normalise_zip(buf.getvalue(), when)


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for name, (fmt, when) in TARGETS.items():
        meta, blocks = parse(HERE / f"{name}.txt")
        data = build_pdf(name, meta, blocks, when) if fmt == "pdf" else build_docx(name, meta, blocks, when)
        target = OUT / f"{name}.{fmt}"
        target.write_bytes(data)
        print(f"wrote {target.relative_to(HERE.parent)} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
