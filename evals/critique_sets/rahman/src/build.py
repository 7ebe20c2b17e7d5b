"""Build the binary drafts in ../drafts from the plain-text sources in this folder.

Run with:  /work/main/.venv/bin/python src/build.py   (from the rahman folder, or anywhere)

Outputs (byte-identical from one run to the next):
  drafts/wendlesford_ring_lis.pdf     single column, cover, contents, glossary (fpdf2)
  drafts/tarrow_estuary_lis.pdf       two columns (fpdf2)
  drafts/corrington_cabinet_report.docx   (python-docx)

Source mark-up (one block per line or paragraph):
  @title / @author / @subject / @date / @heading / @subheading   metadata lines
  @cover ... @endcover    cover page lines (PDF)
  @contents               generated contents list (PDF, two passes for page numbers)
  @glance ... @endglance  "principle|chapter number" lines, listed with page numbers
  @pagebreak
  # text / ## text        headings
  - text                  bullet
  | a | b |               table row (first row is the heading row)
  **Term**: definition    glossary entry
  anything else           paragraph text (consecutive lines are joined)
"""

import datetime
import io
import zipfile
from pathlib import Path

import docx
from docx.shared import Pt
from fpdf import FPDF

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"
FIXED = datetime.datetime(2026, 2, 2, 9, 0, 0, tzinfo=datetime.timezone.utc)


# ---------------------------------------------------------------- parsing

def parse(path):
    meta, blocks = {}, []
    para, table = [], []
    mode = None  # "cover" | "glance"
    collected = []

    def flush():
        nonlocal para, table
        if para:
            blocks.append(("p", " ".join(para)))
            para = []
        if table:
            blocks.append(("table", table))
            table = []

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip()
        if mode:
            if line == "@end" + mode:
                blocks.append((mode, collected))
                mode, collected = None, []
            elif line:
                collected.append(line)
            continue
        if line.startswith("@"):
            key, _, val = line[1:].partition(" ")
            if key in ("cover", "glance"):
                flush()
                mode, collected = key, []
            elif key in ("contents", "pagebreak"):
                flush()
                blocks.append((key, None))
            else:
                meta[key] = val
            continue
        if not line.strip():
            flush()
            continue
        if line.startswith("|"):
            if para:
                flush()
            table.append([c.strip() for c in line.strip().strip("|").split("|")])
            continue
        if table:
            flush()
        if line.startswith("## "):
            flush()
            blocks.append(("h2", line[3:]))
        elif line.startswith("# "):
            flush()
            blocks.append(("h1", line[2:]))
        elif line.startswith("- "):
            flush()
            blocks.append(("bullet", line[2:]))
        elif line.startswith("**") and "**:" in line:
            flush()
            term, _, definition = line[2:].partition("**:")
            blocks.append(("gloss", (term, definition.strip())))
        else:
            para.append(line.strip())
    flush()
    return meta, blocks


def fixed_date(meta):
    """The document's fixed creation date: @date YYYY-MM-DD in the source, else FIXED."""
    if "date" in meta:
        y, m, d = (int(x) for x in meta["date"].split("-"))
        return datetime.datetime(y, m, d, 9, 0, 0, tzinfo=datetime.timezone.utc)
    return FIXED


def check_latin1(text, where):
    try:
        text.encode("latin-1")
    except UnicodeEncodeError as exc:
        raise SystemExit(f"{where}: character outside latin-1: {exc}")


# ---------------------------------------------------------------- PDF, single column

MARGIN = 20
BODY = 10
LINE = 5


class RunningPDF(FPDF):
    """A4 portrait with running header (document title) and page numbers."""

    def __init__(self, title, header_from=2, date=FIXED):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title = title
        self.header_from = header_from
        self.set_margins(MARGIN, 22, MARGIN)
        self.set_auto_page_break(True, margin=20)
        self.set_title(title)
        self.set_creation_date(date)
        self.set_creator("src/build.py")

    def header(self):
        if self.page_no() < self.header_from:
            return
        keep_l, keep_r = self.l_margin, self.r_margin
        self.set_xy(MARGIN, 10)
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.cell(self.w - 2 * MARGIN, 5, self.doc_title, align="L")
        self.set_draw_color(150, 150, 150)
        self.line(MARGIN, 16, self.w - MARGIN, 16)
        self.set_text_color(0, 0, 0)
        self.l_margin, self.r_margin = keep_l, keep_r
        self.set_xy(self.l_margin, 22)

    def footer(self):
        if self.page_no() < self.header_from:
            return
        self.set_xy(MARGIN, -13)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(self.w - 2 * MARGIN, 5, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def pdf_table(pdf, rows):
    n = len(rows[0])
    lengths = [max(len(r[i]) if i < len(r) else 0 for r in rows) for i in range(n)]
    total = sum(max(x, 8) for x in lengths)
    widths = tuple(max(x, 8) / total for x in lengths)
    pdf.set_font("Helvetica", "", 9)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.6,
                   first_row_as_headings=True, padding=1.2) as table:
        for r in rows:
            row = table.row()
            for i in range(n):
                row.cell(r[i] if i < len(r) else "")
    pdf.ln(3)


def render_single(meta, blocks, pages):
    """Render the single-column PDF; `pages` maps h1 text -> page number (from a previous pass)."""
    title = meta["title"]
    pdf = RunningPDF(title, header_from=2, date=fixed_date(meta))
    pdf.set_author(meta.get("author", ""))
    pdf.set_subject(meta.get("subject", ""))
    found = {}
    h1_list = [b[1] for b in blocks if b[0] == "h1"]
    for kind, val in blocks:
        if kind == "cover":
            pdf.add_page()
            pdf.set_y(70)
            pdf.set_font("Helvetica", "B", 28)
            pdf.multi_cell(0, 12, val[0], align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "B", 18)
            pdf.multi_cell(0, 9, val[1], align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(6)
            pdf.set_font("Helvetica", "I", 14)
            pdf.multi_cell(0, 8, val[2], align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.set_y(200)
            pdf.set_font("Helvetica", "", 11)
            for line in val[3:]:
                pdf.multi_cell(0, 6, line, align="C", new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
        elif kind == "contents":
            pdf.add_page()
            pdf.set_font("Helvetica", "B", 16)
            pdf.cell(0, 10, "Contents", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
            for h in h1_list:
                leader_line(pdf, h, pages.get(h, 0))
        elif kind == "glance":
            pdf.ln(6)
            pdf.set_font("Helvetica", "B", 13)
            pdf.cell(0, 8, "The twelve principles in this strategy", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
            for line in val:
                name, _, chap = line.partition("|")
                target = next(h for h in h1_list if h.startswith(chap.strip() + ". "))
                leader_line(pdf, name, pages.get(target, 0), prefix="page ")
        elif kind == "pagebreak":
            pdf.add_page()
        elif kind == "h1":
            if pdf.get_y() > pdf.h - 50:
                pdf.add_page()
            else:
                pdf.ln(3)
            found[val] = pdf.page_no()
            pdf.set_font("Helvetica", "B", 15)
            pdf.multi_cell(0, 8, val, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "h2":
            if pdf.get_y() > pdf.h - 40:
                pdf.add_page()
            pdf.ln(1)
            pdf.set_font("Helvetica", "B", 11.5)
            pdf.multi_cell(0, 6, val, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "p":
            pdf.set_font("Helvetica", "", BODY)
            pdf.multi_cell(0, LINE, val, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)
        elif kind == "bullet":
            pdf.set_font("Helvetica", "", BODY)
            pdf.set_x(MARGIN + 3)
            pdf.cell(4, LINE, "-")
            pdf.multi_cell(0, LINE, val, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.2)
        elif kind == "gloss":
            term, definition = val
            pdf.set_font("Helvetica", "", BODY)
            pdf.multi_cell(0, LINE, f"**{term}**: {definition}", markdown=True,
                           new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.8)
        elif kind == "table":
            pdf_table(pdf, val)
    return pdf, found


def leader_line(pdf, text, page, prefix=""):
    pdf.set_font("Helvetica", "", 10.5)
    num = f"{prefix}{page}"
    avail = pdf.w - 2 * MARGIN
    tw, nw = pdf.get_string_width(text + " "), pdf.get_string_width(" " + num)
    dots = "." * max(3, int((avail - tw - nw) / pdf.get_string_width(".")) - 1)
    pdf.cell(avail - nw, 6.5, f"{text} {dots}")
    pdf.cell(nw, 6.5, num, align="R", new_x="LMARGIN", new_y="NEXT")


def build_single(src, out):
    meta, blocks = parse(src)
    for kind, val in blocks:
        check_latin1(repr(val), src.name)
    _, pages = render_single(meta, blocks, {})
    pdf, pages2 = render_single(meta, blocks, pages)
    if pages != pages2:  # contents page numbers must be stable after the second pass
        pdf, pages3 = render_single(meta, blocks, pages2)
        assert pages3 == pages2, "contents page numbers did not settle"
    pdf.output(str(out))


# ---------------------------------------------------------------- PDF, two columns

GUTTER = 8


class TwoColumnPDF(RunningPDF):
    def __init__(self, title, date=FIXED):
        super().__init__(title, header_from=1, date=date)
        self.col = 0
        self.col_w = (self.w - 2 * MARGIN - GUTTER) / 2
        self.y0 = 22

    def set_col(self, col):
        self.col = col
        x = MARGIN + col * (self.col_w + GUTTER)
        self.set_left_margin(x)
        self.set_right_margin(self.w - x - self.col_w)
        self.set_x(x)

    def header(self):
        super().header()
        self.y0 = 22
        self.set_y(self.y0)

    def accept_page_break(self):
        if self.col == 0:
            self.set_col(1)
            self.set_y(self.y0)
            return False
        self.set_col(0)
        return True

    def column_break(self):
        if self.col == 0:
            self.set_col(1)
            self.set_y(self.y0)
        else:
            self.set_col(0)
            self.add_page()


def build_two_column(src, out):
    meta, blocks = parse(src)
    for kind, val in blocks:
        check_latin1(repr(val), src.name)
    check_latin1(repr(meta), src.name)
    pdf = TwoColumnPDF(meta["title"], date=fixed_date(meta))
    pdf.set_author(meta.get("author", ""))
    pdf.set_subject(meta.get("subject", ""))
    pdf.add_page()
    # full-width title block on page 1
    pdf.set_font("Helvetica", "B", 20)
    pdf.multi_cell(0, 9, meta["heading"], align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font("Helvetica", "I", 10)
    for part in meta["subheading"].split("|"):
        pdf.multi_cell(0, 5, part.strip(), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_draw_color(0, 0, 0)
    pdf.line(MARGIN, pdf.get_y(), pdf.w - MARGIN, pdf.get_y())
    pdf.ln(4)
    pdf.y0 = pdf.get_y()
    pdf.set_col(0)
    bottom = pdf.h - 20
    for kind, val in blocks:
        if kind == "h1":
            if pdf.get_y() > bottom - 22:
                pdf.column_break()
            elif pdf.get_y() > pdf.y0 + 1:
                pdf.ln(2.5)
            pdf.set_font("Helvetica", "B", 11.5)
            pdf.multi_cell(0, 5.5, val, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "h2":
            pdf.set_font("Helvetica", "B", 10)
            pdf.multi_cell(0, 5, val, new_x="LMARGIN", new_y="NEXT")
        elif kind == "p":
            pdf.set_font("Helvetica", "", 9)
            pdf.multi_cell(0, 4.4, val, align="J", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.8)
        elif kind == "bullet":
            pdf.set_font("Helvetica", "", 9)
            pdf.multi_cell(0, 4.4, "- " + val, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.2)
        else:
            raise SystemExit(f"{src.name}: block type {kind} not supported in two columns")
    pdf.output(str(out))


# ---------------------------------------------------------------- DOCX

def build_docx(src, out):
    meta, blocks = parse(src)
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    document.add_heading(meta["title"], level=0)
    for kind, val in blocks:
        if kind == "h1":
            document.add_heading(val, level=1)
        elif kind == "h2":
            document.add_heading(val, level=2)
        elif kind == "p":
            document.add_paragraph(val)
        elif kind == "bullet":
            document.add_paragraph(val, style="List Bullet")
        elif kind == "table":
            n = len(val[0])
            table = document.add_table(rows=0, cols=n)
            table.style = "Table Grid"
            for i, r in enumerate(val):
                cells = table.add_row().cells
                for j in range(n):
                    cells[j].text = r[j] if j < len(r) else ""
                    if i == 0:
                        for run in cells[j].paragraphs[0].runs:
                            run.bold = True
            document.add_paragraph("")
        else:
            raise SystemExit(f"{src.name}: block type {kind} not supported in DOCX")
    cp = document.core_properties
    cp.title = meta["title"]
    cp.author = meta.get("author", "")
    cp.last_modified_by = meta.get("author", "")
    cp.subject = meta.get("subject", "")
    cp.comments = ""
    cp.keywords = "Local Industrial Strategy; cabinet report"
    when = fixed_date(meta).replace(tzinfo=None)
    cp.created = when
    cp.modified = when
    cp.last_printed = when
    cp.revision = 1
    buf = io.BytesIO()
    document.save(buf)
    # rewrite the zip with fixed timestamps so the bytes do not depend on the clock
    buf.seek(0)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, zin.read(info.filename))


def main():
    OUT.mkdir(exist_ok=True)
    build_single(HERE / "wendlesford_ring_lis.md", OUT / "wendlesford_ring_lis.pdf")
    build_two_column(HERE / "tarrow_estuary_lis.md", OUT / "tarrow_estuary_lis.pdf")
    build_docx(HERE / "corrington_cabinet_report.md", OUT / "corrington_cabinet_report.docx")
    for name in ("wendlesford_ring_lis.pdf", "tarrow_estuary_lis.pdf", "corrington_cabinet_report.docx"):
        print("built", OUT / name)


if __name__ == "__main__":
    main()
