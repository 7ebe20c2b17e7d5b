"""Build the binary drafts (DOCX, PDF) for the bexley critique set.

Run with:  /work/main/.venv/bin/python src/build.py   (from the bexley folder or anywhere)

Deterministic: fixed creation dates, fixed zip timestamps, no random ids.
Sources are small Markdown-like files in this folder:
  '# ', '## ', '### '  headings          '- '  bullet
  '| a | b |'          table row (first row is the header)
  '1. '                numbered paragraph
  '[[FOOTNOTES]]'      following lines '[n] text' are footnotes (PDF: foot of the page
                       where '[n]' is referenced)
  **bold**             inline bold
"""
import io
import re
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import docx
from docx.shared import Pt
from fpdf import FPDF

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"

SUPERSCRIPT = {"1": "\u00b9", "2": "\u00b2", "3": "\u00b3"}


def parse(path):
    """Return (blocks, footnotes). blocks: list of (kind, payload)."""
    blocks, footnotes = [], {}
    lines = path.read_text(encoding="utf-8").splitlines()
    in_notes = False
    table = None
    for raw in lines:
        line = raw.rstrip()
        if line == "[[FOOTNOTES]]":
            in_notes = True
            continue
        if in_notes:
            m = re.match(r"\[(\d)\]\s+(.*)", line)
            if m:
                footnotes[m.group(1)] = m.group(2)
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if table is None:
                table = []
                blocks.append(("table", table))
            table.append(cells)
            continue
        table = None
        if not line:
            continue
        if line.startswith("### "):
            blocks.append(("h3", line[4:]))
        elif line.startswith("## "):
            blocks.append(("h2", line[3:]))
        elif line.startswith("# "):
            blocks.append(("h1", line[2:]))
        elif line.startswith("- "):
            blocks.append(("bullet", line[2:]))
        elif re.match(r"\d+\. ", line):
            blocks.append(("number", line))
        else:
            blocks.append(("para", line))
    return blocks, footnotes


def refs_in(text):
    return re.findall(r"\[(\d)\]", text)


def sup(text):
    return re.sub(r"\[(\d)\]", lambda m: SUPERSCRIPT[m.group(1)], text)


# ---------------------------------------------------------------- DOCX

def add_runs(par, text):
    for i, part in enumerate(re.split(r"\*\*", text)):
        if part:
            run = par.add_run(part)
            run.bold = i % 2 == 1


def build_docx(src, out, title, author, date):
    blocks, _ = parse(src)
    d = docx.Document()
    d.styles["Normal"].font.name = "Calibri"
    d.styles["Normal"].font.size = Pt(11)
    for kind, payload in blocks:
        if kind in ("h1", "h2", "h3"):
            d.add_heading(payload, level={"h1": 1, "h2": 2, "h3": 3}[kind])
        elif kind == "bullet":
            add_runs(d.add_paragraph(style="List Bullet"), payload)
        elif kind == "number":
            add_runs(d.add_paragraph(style="List Number"), re.sub(r"^\d+\. ", "", payload))
        elif kind == "para":
            add_runs(d.add_paragraph(), payload)
        elif kind == "table":
            t = d.add_table(rows=0, cols=len(payload[0]))
            t.style = "Table Grid"
            for r, row in enumerate(payload):
                cells = t.add_row().cells
                for c, val in enumerate(row):
                    cells[c].text = ""
                    run = cells[c].paragraphs[0].add_run(val)
                    run.bold = r == 0
    cp = d.core_properties
    cp.title = title
    cp.author = author
    cp.last_modified_by = author
    cp.created = date
    cp.modified = date
    cp.last_printed = date
    cp.revision = 1
    cp.subject = "Local Industrial Strategy"
    cp.keywords = ""
    cp.comments = ""
    buf = io.BytesIO()
    d.save(buf)
    # rewrite the zip with fixed timestamps so the bytes are identical each run
    zin = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    outbuf = io.BytesIO()
    with zipfile.ZipFile(outbuf, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zi = zipfile.ZipInfo(item.filename, date_time=(2019, 10, 28, 9, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, zin.read(item.filename))
    out.write_bytes(outbuf.getvalue())


# ---------------------------------------------------------------- PDF

class DraftPDF(FPDF):
    def __init__(self, running_header, footnotes, note_pages, reserve):
        super().__init__(format="A4")
        self.running_header = running_header
        self.footnotes = footnotes
        self.note_pages = note_pages  # footnote id -> page number
        self.reserve = reserve        # mm reserved at the foot of each page
        self.set_margins(20, 22, 20)
        self.set_auto_page_break(True, margin=reserve)

    def header(self):
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.set_y(10)
        self.cell(0, 5, self.running_header, align="L")
        self.line(20, 16, 190, 16)
        self.set_text_color(0, 0, 0)
        self.set_y(22)

    def footer(self):
        notes = [k for k, p in sorted(self.note_pages.items()) if p == self.page_no()]
        if notes:
            self.set_y(-self.reserve + 4)
            self.line(20, self.get_y(), 80, self.get_y())
            self.ln(2)
            self.set_font("Helvetica", "", 7.5)
            for k in notes:
                self.multi_cell(0, 3.6, SUPERSCRIPT[k] + " " + self.footnotes[k],
                                new_x="LMARGIN", new_y="NEXT")
                self.ln(0.8)
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")


def render_pdf(blocks, footnotes, running_header, note_pages, reserve, meta, date):
    pdf = DraftPDF(running_header, footnotes, note_pages, reserve)
    pdf.set_title(meta["title"])
    pdf.set_author(meta["author"])
    pdf.set_subject("Local Industrial Strategy")
    pdf.set_creator("bexley src/build.py")
    pdf.set_creation_date(date)
    pdf.alias_nb_pages()
    pdf.add_page()
    found = {}
    for kind, payload in blocks:
        if kind == "h1":
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(0, 8, payload, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "h2":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 12.5)
            pdf.multi_cell(0, 6.5, payload, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "h3":
            pdf.ln(1)
            pdf.set_font("Helvetica", "B", 10.5)
            pdf.multi_cell(0, 5.5, payload, new_x="LMARGIN", new_y="NEXT")
        elif kind in ("para", "bullet", "number"):
            pdf.set_font("Helvetica", "", 10)
            text = sup(payload)
            if kind == "bullet":
                pdf.set_x(24)
                pdf.cell(4, 5, "-")
                pdf.multi_cell(0, 5, text, markdown=True, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.multi_cell(0, 5, text, markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
            for r in refs_in(payload):
                found[r] = pdf.page_no()
        elif kind == "table":
            pdf.set_font("Helvetica", "", 8.5)
            ncol = len(payload[0])
            with pdf.table(line_height=4.4, text_align="LEFT", first_row_as_headings=True,
                           padding=1.2, width=170) as t:
                for row in payload:
                    r = t.row()
                    for val in row + [""] * (ncol - len(row)):
                        r.cell(val)
            pdf.ln(3)
    return pdf, found


def build_pdf(src, out, running_header, meta, date):
    blocks, footnotes = parse(src)
    reserve = 48 if footnotes else 18
    # pass 1: find the page on which each footnote is referenced
    _, found = render_pdf(blocks, footnotes, running_header, {}, reserve, meta, date)
    # pass 2: same layout, footnotes drawn at the foot of those pages
    pdf, found2 = render_pdf(blocks, footnotes, running_header, found, reserve, meta, date)
    assert found == found2
    out.write_bytes(bytes(pdf.output()))


def main():
    OUT.mkdir(exist_ok=True)
    utc = timezone.utc
    build_docx(HERE / "penvarra_strategy_on_a_page.md",
               OUT / "penvarra_strategy_on_a_page.docx",
               title="Penvarra Peninsula LIS: Strategy on a Page",
               author="Penvarra County Council Economy Team",
               date=datetime(2019, 10, 28, 9, 0, 0))
    build_pdf(HERE / "penvarra_county_lis_2020_2030.md",
              OUT / "penvarra_county_lis_2020_2030.pdf",
              "Penvarra Local Industrial Strategy 2020-2030 - consultation draft v3",
              {"title": "Penvarra Local Industrial Strategy 2020-2030",
               "author": "Penvarra County Council and district councils"},
              datetime(2019, 12, 2, 9, 0, 0, tzinfo=utc))
    build_pdf(HERE / "lep_board_note_lis_position.md",
              OUT / "lep_board_note_lis_position.pdf",
              "Penvarra Peninsula LEP Board - 12 November 2019 - Item 6",
              {"title": "Note to the LEP Board: LIS position statement",
               "author": "Head of Economy, Penvarra County Council"},
              datetime(2019, 11, 5, 9, 0, 0, tzinfo=utc))
    print("built:", ", ".join(sorted(p.name for p in OUT.iterdir()
                                     if p.suffix in (".pdf", ".docx"))))


if __name__ == "__main__":
    sys.exit(main())
