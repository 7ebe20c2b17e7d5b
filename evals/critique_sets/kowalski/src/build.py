"""Build the PDF drafts of the kowalski critique set from their Markdown-like sources.

Run with:  /work/main/.venv/bin/python evals/critique_sets/kowalski/src/build.py

Deterministic: fixed creation date, core (latin-1) fonts only, no random IDs, so two runs
produce byte-identical files.

Source format (a small subset of Markdown):
  '# '  document title (first line; also used for the running header and PDF metadata)
  '## ' section heading, '### ' sub-heading
  '- '  bullet, '1. ' numbered item
  '|'   table rows (first row is the header; a '|---|' separator row is skipped)
  other non-blank lines: paragraph text (consecutive lines are joined)
"""
from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"

DOCS = [
    # (source file, output file, author, subject, creation date)
    ("harbeck_options_appraisal.md", "harbeck_options_appraisal.pdf",
     "Pennant Lowe Associates", "Options appraisal for the Harbeck City Region LIS",
     _dt.datetime(2025, 5, 30, 9, 0, 0, tzinfo=_dt.timezone.utc)),
    ("harbeck_strategy_results_framework.md", "harbeck_strategy_results_framework.pdf",
     "Harbeck Combined Authority", "Harbeck City Region Local Industrial Strategy",
     _dt.datetime(2025, 11, 20, 9, 0, 0, tzinfo=_dt.timezone.utc)),
]

FONT = "Helvetica"
BODY = 10
LINE = 5.0


class DraftPDF(FPDF):
    def __init__(self, running_title: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_title = running_title
        self.set_margins(20, 22, 20)
        self.set_auto_page_break(auto=True, margin=20)

    def header(self):
        self.set_font(FONT, "I", 8)
        self.set_text_color(90, 90, 90)
        self.set_xy(20, 10)
        self.cell(0, 5, self.running_title, align="L")
        self.set_draw_color(160, 160, 160)
        self.line(20, 16, self.w - 20, 16)
        self.set_text_color(0, 0, 0)
        self.set_draw_color(0, 0, 0)
        self.set_y(22)

    def footer(self):
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def _check_latin1(text: str, where: str) -> str:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError as exc:  # pragma: no cover - guard for authors
        raise SystemExit(f"non latin-1 character in {where}: {exc}")
    return text


def parse(src: str):
    """Return (title, blocks); blocks are (kind, payload)."""
    lines = src.splitlines()
    title = None
    blocks = []
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

    for raw in lines:
        line = raw.rstrip()
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
        if line.startswith("# ") and title is None:
            flush_para()
            title = line[2:].strip()
            blocks.append(("title", title))
        elif line.startswith("## "):
            flush_para()
            blocks.append(("h2", line[3:].strip()))
        elif line.startswith("### "):
            flush_para()
            blocks.append(("h3", line[4:].strip()))
        elif line.startswith("- "):
            flush_para()
            blocks.append(("bullet", line[2:].strip()))
        elif re.match(r"^\d+\. ", line):
            flush_para()
            num, rest = line.split(" ", 1)
            blocks.append(("num", (num, rest.strip())))
        else:
            para.append(line)
    flush_para()
    flush_table()
    if title is None:
        raise SystemExit("source has no '# ' title line")
    return title, blocks


def _col_widths(pdf: DraftPDF, rows: list[list[str]], total: float) -> list[float]:
    ncol = max(len(r) for r in rows)
    pdf.set_font(FONT, "", 8.5)
    natural = []
    for c in range(ncol):
        longest = max((pdf.get_string_width(r[c]) if c < len(r) else 0) for r in rows)
        natural.append(min(max(longest + 4, 14), 90))
    scale = total / sum(natural)
    return [w * scale for w in natural]


def draw_table(pdf: DraftPDF, rows: list[list[str]]):
    """Draw a table cell by cell: each cell is a bordered rectangle with wrapped text."""
    total = pdf.w - pdf.l_margin - pdf.r_margin
    widths = _col_widths(pdf, rows, total)
    lh = 4.2
    pad = 1.2

    def row_height(row, bold):
        pdf.set_font(FONT, "B" if bold else "", 8.5)
        n = 1
        for i, w in enumerate(widths):
            text = row[i] if i < len(row) else ""
            lines = pdf.multi_cell(w - 2 * pad, lh, text, dry_run=True, output="LINES")
            n = max(n, len(lines))
        return n * lh + 2 * pad

    def draw_row(row, bold):
        h = row_height(row, bold)
        if pdf.get_y() + h > pdf.page_break_trigger:
            pdf.add_page()
            if not bold:
                draw_row(rows[0], True)
        y = pdf.get_y()
        x = pdf.l_margin
        pdf.set_font(FONT, "B" if bold else "", 8.5)
        for i, w in enumerate(widths):
            text = row[i] if i < len(row) else ""
            if bold:
                pdf.set_fill_color(225, 225, 225)
                pdf.rect(x, y, w, h, style="DF")
            else:
                pdf.rect(x, y, w, h)
            pdf.set_xy(x + pad, y + pad)
            pdf.multi_cell(w - 2 * pad, lh, text, border=0, align="L")
            x += w
        pdf.set_xy(pdf.l_margin, y + h)

    draw_row(rows[0], True)
    for row in rows[1:]:
        draw_row(row, False)
    pdf.ln(3)


def render(src_path: Path, out_path: Path, author: str, subject: str, when: _dt.datetime):
    text = _check_latin1(src_path.read_text(encoding="utf-8"), src_path.name)
    title, blocks = parse(text)
    pdf = DraftPDF(title)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_subject(subject)
    pdf.set_creator("kowalski critique set build.py")
    pdf.set_creation_date(when)
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for kind, payload in blocks:
        pdf.set_x(pdf.l_margin)
        if kind == "title":
            pdf.set_font(FONT, "B", 16)
            pdf.multi_cell(width, 7.5, payload)
            pdf.ln(3)
        elif kind == "h2":
            if pdf.get_y() > pdf.page_break_trigger - 25:
                pdf.add_page()
            pdf.ln(2)
            pdf.set_font(FONT, "B", 12.5)
            pdf.multi_cell(width, 6.5, payload)
            pdf.ln(1)
        elif kind == "h3":
            if pdf.get_y() > pdf.page_break_trigger - 18:
                pdf.add_page()
            pdf.set_font(FONT, "B", 10.5)
            pdf.multi_cell(width, 5.5, payload)
            pdf.ln(0.5)
        elif kind == "p":
            pdf.set_font(FONT, "", BODY)
            pdf.multi_cell(width, LINE, payload)
            pdf.ln(2)
        elif kind == "bullet":
            pdf.set_font(FONT, "", BODY)
            pdf.cell(6, LINE, "-")
            pdf.multi_cell(width - 6, LINE, payload)
            pdf.ln(1)
        elif kind == "num":
            num, rest = payload
            pdf.set_font(FONT, "", BODY)
            pdf.cell(7, LINE, num)
            pdf.multi_cell(width - 7, LINE, rest)
            pdf.ln(1)
        elif kind == "table":
            draw_table(pdf, payload)
    pdf.output(str(out_path))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for src, out, author, subject, when in DOCS:
        render(HERE / src, OUT / out, author, subject, when)
        print(f"wrote {OUT / out}")


if __name__ == "__main__":
    main()
