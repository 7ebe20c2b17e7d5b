"""Build evans' PDF drafts from the plain-text sources in this folder.

Run with:  /work/main/.venv/bin/python build.py   (from any directory)

Each source file src/<name>.txt starts with "@key: value" settings, then a line "---",
then the body. Body blocks are separated by blank lines:

    # Big title line              (larger bold font)
    ## Heading                    (bold)
    ### Sub-heading               (bold, smaller)
    - bullet item                 (one per line)
    | a | b | c |                 (table rows; first row is the header row)
    @widths: 50,30,30             (column widths in mm for the next table)
    @note: small italic line      (e.g. a table source note)
    @hidden: text                 (white 1-point text: the planted injection)
    @pagebreak
    @columns: on | off            (start/stop a two-column region)
    anything else                 (a paragraph; lines are joined)

Settings: title, author, subject, keywords, date (YYYY-MM-DD), header (running header text;
defaults to title), no_header_first_page (yes/no).

Output is deterministic: fixed creation date, core Helvetica font, latin-1 text only.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import re

from fpdf import FPDF
from fpdf.enums import XPos, YPos

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"

SOURCES = [
    "harrowdale_fells_lis",
    "hollinshire_border_lis",
    "sowerholme_works_plan",
    "carrowby_bay_resort_strategy",
    "arrowmere_hills_delivery_framework",
]

REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2022": "-",
    "\u2192": "->",
}

BODY_SIZE = 10
COL_BODY_SIZE = 9.5


def clean(text: str) -> str:
    for a, b in REPLACEMENTS.items():
        text = text.replace(a, b)
    text.encode("latin-1")  # fail loudly on anything the core fonts cannot show
    return text


def para_and_bullets(lines):
    """A chunk of paragraph lines and "- " bullet lines, in their order."""
    out, para = [], []
    for ln in lines:
        if ln.startswith(("- ", "### ", "## ")):
            if para:
                out.append(("para", " ".join(para)))
                para = []
            if ln.startswith("- "):
                out.append(("bullet", ln[2:].strip()))
            elif ln.startswith("### "):
                out.append(("h3", ln[4:].strip()))
            else:
                out.append(("h2", ln[3:].strip()))
        else:
            para.append(ln.strip())
    if para:
        out.append(("para", " ".join(para)))
    return out


def parse(path: pathlib.Path):
    raw = clean(path.read_text(encoding="utf-8"))
    head, body = raw.split("\n---\n", 1)
    meta = {}
    for line in head.splitlines():
        if line.strip():
            k, v = line.lstrip("@").split(":", 1)
            meta[k.strip()] = v.strip()
    blocks = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        lines = [ln.rstrip() for ln in chunk.splitlines() if ln.strip()]
        if not lines:
            continue
        first = lines[0]
        if first.startswith("|"):
            rows = [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in lines]
            blocks.append(("table", rows))
        elif first.startswith("### ") or first.startswith("## ") or first.startswith("- "):
            rest = lines
            if first.startswith("### "):
                blocks.append(("h3", first[4:].strip()))
                rest = lines[1:]
            elif first.startswith("## "):
                blocks.append(("h2", first[3:].strip()))
                rest = lines[1:]
            blocks.extend(para_and_bullets(rest))
        elif first.startswith("# "):
            blocks.append(("h1", first[2:].strip()))
            for ln in lines[1:]:
                blocks.append(("subtitle", ln.strip()))
        elif first.startswith("@"):
            table = []
            for ln in lines:
                if ln.startswith("|"):
                    table.append([c.strip() for c in ln.strip().strip("|").split("|")])
                    continue
                key, _, val = ln[1:].partition(":")
                blocks.append(("@" + key.strip(), val.strip()))
            if table:
                blocks.append(("table", table))
        else:
            blocks.extend(para_and_bullets(lines))
    return meta, blocks


class Draft(FPDF):
    def __init__(self, header_text: str, skip_first: bool):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.header_text = header_text
        self.skip_first = skip_first
        self.set_margins(18, 20, 18)
        self.set_auto_page_break(True, margin=20)

    def header(self):
        if self.skip_first and self.page_no() == 1:
            return
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.set_xy(self.l_margin, 9)
        self.cell(0, 5, self.header_text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(160, 160, 160)
        self.line(self.l_margin, 15, self.w - self.r_margin, 15)
        self.set_text_color(0, 0, 0)
        self.set_y(20)

    def footer(self):
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)

    # --- single-column blocks -------------------------------------------------------
    def h1(self, text):
        self.set_font("Helvetica", "B", 20)
        self.multi_cell(0, 9, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def subtitle(self, text):
        self.set_font("Helvetica", "", 11)
        self.multi_cell(0, 6, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def h2(self, text):
        if self.get_y() > self.h - 45:
            self.add_page()
        self.ln(3)
        self.set_font("Helvetica", "B", 13)
        self.multi_cell(0, 7, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def h3(self, text):
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(1)
        self.set_font("Helvetica", "B", 11)
        self.multi_cell(0, 6, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def para(self, text):
        self.set_font("Helvetica", "", BODY_SIZE)
        self.multi_cell(0, 5, text, align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def bullet(self, text):
        self.set_font("Helvetica", "", BODY_SIZE)
        x = self.l_margin
        self.set_x(x + 3)
        self.cell(4, 5, "-")
        self.multi_cell(
            self.w - self.r_margin - x - 7, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.ln(0.8)

    def note(self, text):
        self.set_font("Helvetica", "I", 8)
        self.multi_cell(0, 4, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def hidden(self, text):
        # The planted injection: white, 1-point text. Never evidence.
        self.set_text_color(255, 255, 255)
        self.set_font("Helvetica", "", 1)
        self.multi_cell(0, 0.6, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.set_font("Helvetica", "", BODY_SIZE)

    def table(self, rows, widths):
        """A simple table drawn cell by cell (manual cells, wrapped text)."""
        usable = self.w - self.l_margin - self.r_margin
        ncols = len(rows[0])
        if not widths:
            widths = [usable / ncols] * ncols
        lh = 4.6
        self.ln(1)

        def row_height(row, style):
            self.set_font("Helvetica", style, 8.5)
            nlines = 1
            for w, txt in zip(widths, row):
                lines = self.multi_cell(w, lh, txt, dry_run=True, output="LINES", padding=(0, 1))
                nlines = max(nlines, len(lines))
            return nlines * lh + 1.5

        head_h = row_height(rows[0], "B")
        # keep the header row with at least the first body row
        if len(rows) > 1 and self.get_y() + head_h + row_height(rows[1], "") > self.h - self.b_margin:
            self.add_page()
        todo = list(enumerate(rows))
        while todo:
            i, row = todo.pop(0)
            style = "B" if i == 0 else ""
            height = row_height(row, style)
            if self.get_y() + height > self.h - self.b_margin:
                self.add_page()
                todo.insert(0, (i, row))
                todo.insert(0, (0, rows[0]))  # repeat the header row on the new page
                continue
            self.set_font("Helvetica", style, 8.5)
            y0 = self.get_y()
            x = self.l_margin
            for w, txt in zip(widths, row):
                if i == 0:
                    self.set_fill_color(225, 225, 225)
                    self.rect(x, y0, w, height, style="DF")
                else:
                    self.rect(x, y0, w, height)
                self.set_xy(x, y0 + 0.75)
                self.multi_cell(w, lh, txt, align="L", padding=(0, 1))
                x += w
            self.set_xy(self.l_margin, y0 + height)
        self.ln(2)


def render_columns(pdf: Draft, blocks):
    """Render a run of blocks in two balanced text columns."""
    with pdf.text_columns(ncols=2, gutter=7, balance=True, text_align="J") as cols:
        for kind, val in blocks:
            if kind == "h2":
                pdf.set_font("Helvetica", "B", 11.5)
                with cols.paragraph(text_align="L", top_margin=2.5, bottom_margin=1.2) as p:
                    p.write(val)
            elif kind == "h3":
                pdf.set_font("Helvetica", "B", 10)
                with cols.paragraph(text_align="L", top_margin=1.5, bottom_margin=0.6) as p:
                    p.write(val)
            elif kind == "para":
                pdf.set_font("Helvetica", "", COL_BODY_SIZE)
                with cols.paragraph(text_align="J", bottom_margin=1.8) as p:
                    p.write(val)
            elif kind == "bullet":
                pdf.set_font("Helvetica", "", COL_BODY_SIZE)
                with cols.paragraph(text_align="L", bottom_margin=0.8) as p:
                    p.write("- " + val)
            elif kind == "@note":
                pdf.set_font("Helvetica", "I", 8)
                with cols.paragraph(text_align="L", bottom_margin=1.5) as p:
                    p.write(val)
            else:
                raise ValueError(f"block {kind} not allowed inside columns")
    pdf.set_font("Helvetica", "", BODY_SIZE)
    pdf.ln(2)


def build(name: str) -> pathlib.Path:
    meta, blocks = parse(HERE / f"{name}.txt")
    title = meta["title"]
    pdf = Draft(meta.get("header", title), meta.get("no_header_first_page", "no") == "yes")
    pdf.set_title(title)
    pdf.set_author(meta.get("author", ""))
    pdf.set_subject(meta.get("subject", ""))
    pdf.set_keywords(meta.get("keywords", ""))
    pdf.set_creator("evans/src/build.py")
    y, m, d = (int(x) for x in meta["date"].split("-"))
    pdf.set_creation_date(dt.datetime(y, m, d, 9, 0, 0, tzinfo=dt.UTC))
    pdf.add_page()

    widths = None
    in_cols = False
    pending = []

    def flush():
        nonlocal pending
        if pending:
            render_columns(pdf, pending)
            pending = []

    for kind, val in blocks:
        if kind == "@columns":
            if val == "on":
                in_cols = True
            else:
                flush()
                in_cols = False
            continue
        if in_cols and kind in ("h2", "h3", "para", "bullet", "@note"):
            pending.append((kind, val))
            continue
        flush()
        if kind == "h1":
            pdf.h1(val)
        elif kind == "subtitle":
            pdf.subtitle(val)
        elif kind == "h2":
            pdf.h2(val)
        elif kind == "h3":
            pdf.h3(val)
        elif kind == "para":
            pdf.para(val)
        elif kind == "bullet":
            pdf.bullet(val)
        elif kind == "table":
            pdf.table(val, widths)
            widths = None
        elif kind == "@widths":
            widths = [float(w) for w in val.split(",")]
        elif kind == "@note":
            pdf.note(val)
        elif kind == "@hidden":
            pdf.hidden(val)
        elif kind == "@pagebreak":
            pdf.add_page()
        elif kind == "@space":
            pdf.ln(float(val))
        elif kind == "@section":
            # a section name printed as the first line (e.g. "Foreword")
            pdf.set_font("Helvetica", "B", 12)
            pdf.cell(0, 7, val, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        else:
            raise ValueError(f"unknown block {kind}")
    flush()

    OUT.mkdir(exist_ok=True)
    out = OUT / f"{name}.pdf"
    pdf.output(str(out))
    return out


if __name__ == "__main__":
    for n in SOURCES:
        print(build(n))
