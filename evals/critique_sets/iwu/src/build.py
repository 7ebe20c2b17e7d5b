"""Build the binary drafts (DOCX and PDF) of the iwu critique set from src/*.md.

Run with:  /work/main/.venv/bin/python src/build.py
The output is deterministic: fixed metadata dates, fixed zip timestamps, no random ids.

Source markup (one paragraph per line):
  front matter  key: value lines up to a line '---' (title, author, date, header, footer, columns)
  ! text        document title
  # text        heading 1          ## text   heading 2
  - text        bullet             1. text   numbered item
  | a | b |     table row (first row is the header, |---| rows are skipped)
  [^n]: text    footnote (PDF: printed at the foot of the page that holds it)
  ===PAGE===    page break (PDF)
  **x**         bold; [^n] in text is a footnote reference
"""
import io
import re
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"

DOCX_SOURCES = ["wellminster_cabinet_report", "hobbridge_forward_consultation_draft"]
PDF_SOURCES = ["hallowmouth_port_technical_draft", "averhythe_corridor_themes"]

FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------- parsing
def parse(name):
    text = (HERE / f"{name}.md").read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    meta = {}
    for line in head.splitlines():
        if line.strip():
            key, value = line.split(":", 1)
            meta[key.strip()] = value.strip()
    pages = [[]]
    table = None
    for raw in body.splitlines():
        line = raw.rstrip()
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                continue
            if table is None:
                table = ["table", []]
                pages[-1].append(table)
            table[1].append(cells)
            continue
        table = None
        if not line.strip():
            continue
        if line == "===PAGE===":
            pages.append([])
        elif line.startswith("! "):
            pages[-1].append(["title", line[2:]])
        elif line.startswith("## "):
            pages[-1].append(["h2", line[3:]])
        elif line.startswith("# "):
            pages[-1].append(["h1", line[2:]])
        elif line.startswith("- "):
            pages[-1].append(["bullet", line[2:]])
        elif re.match(r"\d+\. ", line):
            pages[-1].append(["number", line])
        elif re.match(r"\[\^\d+\]: ", line):
            num, note = re.match(r"\[\^(\d+)\]: (.*)", line).groups()
            pages[-1].append(["footnote", num, note])
        else:
            pages[-1].append(["para", line])
    return meta, pages


def fixed_date(meta):
    y, m, d = (int(x) for x in meta["date"].split("-"))
    return datetime(y, m, d, 9, 0, 0, tzinfo=timezone.utc)


def bold_segments(text):
    """Split 'a **b** c' into [(a, False), (b, True), (c, False)]."""
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


def footnote_refs(text):
    return re.sub(r"\[\^(\d+)\]", r"[\1]", text)


def plain(text):
    return footnote_refs(text).replace("**", "")


# ---------------------------------------------------------------- DOCX
def build_docx(name):
    import docx
    from docx.shared import Pt

    meta, pages = parse(name)
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)

    def add_runs(paragraph, text):
        for seg, is_bold in bold_segments(footnote_refs(text)):
            run = paragraph.add_run(seg)
            run.bold = is_bold

    for page_no, blocks in enumerate(pages):
        if page_no:
            document.add_page_break()
        for block in blocks:
            kind = block[0]
            if kind == "title":
                document.add_heading(block[1], level=0)
            elif kind == "h1":
                document.add_heading(block[1], level=1)
            elif kind == "h2":
                document.add_heading(block[1], level=2)
            elif kind == "bullet":
                add_runs(document.add_paragraph(style="List Bullet"), block[1])
            elif kind == "number":
                add_runs(document.add_paragraph(style="List Number"),
                         re.sub(r"^\d+\. ", "", block[1]))
            elif kind == "para":
                add_runs(document.add_paragraph(), block[1])
            elif kind == "table":
                rows = block[1]
                table = document.add_table(rows=len(rows), cols=len(rows[0]))
                table.style = "Table Grid"
                for r, row in enumerate(rows):
                    for c, cell_text in enumerate(row):
                        cell = table.cell(r, c)
                        cell.text = ""
                        run = cell.paragraphs[0].add_run(plain(cell_text))
                        run.bold = r == 0
                document.add_paragraph()
            elif kind == "footnote":
                raise ValueError("DOCX sources do not use footnotes")

    section = document.sections[0]
    if meta.get("header"):
        section.header.paragraphs[0].text = meta["header"]
    if meta.get("footer"):
        section.footer.paragraphs[0].text = meta["footer"]

    when = fixed_date(meta)
    props = document.core_properties
    props.title = meta["title"]
    props.author = meta["author"]
    props.last_modified_by = meta["author"]
    props.created = when
    props.modified = when
    props.last_printed = when
    props.revision = 1
    props.subject = "Draft Local Industrial Strategy"
    props.keywords = ""
    props.comments = ""
    props.category = ""

    buffer = io.BytesIO()
    document.save(buffer)
    write_fixed_zip(buffer.getvalue(), OUT / f"{name}.docx")


def write_fixed_zip(data, path):
    """Rewrite a zip with fixed timestamps and attributes so bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o644 << 16
            new.create_system = 3
            dst.writestr(new, src.read(info.filename))
    path.write_bytes(out.getvalue())


# ---------------------------------------------------------------- PDF
def build_pdf(name):
    from fpdf import FPDF
    from fpdf.enums import MethodReturnValue, XPos, YPos

    meta, pages = parse(name)
    columns = int(meta.get("columns", "1"))

    (HERE / f"{name}.md").read_text(encoding="utf-8").encode("latin-1")  # core fonts: latin-1 only

    class PDF(FPDF):
        def header(self):
            self.set_font("Helvetica", "I", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 5, meta["header"], new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="C")
            self.set_draw_color(150, 150, 150)
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.set_text_color(0, 0, 0)
            self.ln(4)

        def footer(self):
            self.set_y(-12)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = PDF(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(meta["title"])
    pdf.set_author(meta["author"])
    pdf.set_subject("Draft Local Industrial Strategy")
    pdf.set_creator("iwu src/build.py")
    pdf.set_creation_date(fixed_date(meta))
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def md(text):
        return footnote_refs(text)

    def heading(kind, text):
        if kind == "title":
            pdf.set_font("Helvetica", "B", 18)
            pdf.multi_cell(width, 9, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
        elif kind == "h1":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(width, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        else:
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(width, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def body_block(kind, text):
        pdf.set_font("Helvetica", "", 10)
        if kind == "bullet":
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(width - 4, 5, "- " + md(text), markdown=True,
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif kind == "number":
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(width - 4, 5, md(text), markdown=True,
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            pdf.multi_cell(width, 5, md(text), markdown=True,
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)

    def table(rows):
        pdf.set_font("Helvetica", "", 8.5)
        with pdf.table(line_height=4.6, text_align="LEFT", first_row_as_headings=True) as t:
            for row in rows:
                r = t.row()
                for cell in row:
                    r.cell(plain(cell))
        pdf.ln(3)

    def columns_group(items):
        with pdf.text_columns(ncols=columns, gutter=8, balance=True,
                              text_align="LEFT", line_height=1.15) as cols:
            for kind, text in items:
                with cols.paragraph(bottom_margin=1.8) as par:
                    if kind == "bullet":
                        pdf.set_font("Helvetica", "", 10)
                        par.write("- ")
                    for seg, is_bold in bold_segments(footnote_refs(text)):
                        pdf.set_font("Helvetica", "B" if is_bold else "", 10)
                        par.write(seg)
        pdf.set_font("Helvetica", "", 10)
        pdf.ln(2)

    for blocks in pages:
        pdf.add_page()
        notes = [b for b in blocks if b[0] == "footnote"]
        content = [b for b in blocks if b[0] != "footnote"]
        start_page = pdf.page
        group = []

        def flush():
            if group:
                columns_group(group)
                group.clear()

        for block in content:
            kind = block[0]
            if kind in ("title", "h1", "h2"):
                flush()
                heading(kind, block[1])
            elif kind == "table":
                flush()
                table(block[1])
            elif columns > 1 and kind in ("para", "bullet", "number"):
                group.append((kind, block[1]))
            else:
                body_block(kind, block[1])
        flush()

        if notes:
            if pdf.page != start_page:
                raise RuntimeError(f"{name}: footnoted page overflowed")
            pdf.set_font("Helvetica", "", 8)
            note_texts = [f"[{num}] {text}" for _, num, text in notes]
            heights = [
                len(pdf.multi_cell(width, 3.8, t, dry_run=True,
                                   output=MethodReturnValue.LINES)) * 3.8 + 1.2
                for t in note_texts
            ]
            top = pdf.h - pdf.b_margin - sum(heights) - 2
            if pdf.get_y() > top - 2:
                raise RuntimeError(f"{name}: body runs into the footnotes")
            pdf.set_draw_color(0, 0, 0)
            pdf.line(pdf.l_margin, top, pdf.l_margin + 50, top)
            pdf.set_y(top + 1.5)
            for t in note_texts:
                pdf.multi_cell(width, 3.8, t, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(1.2)

    pdf.output(str(OUT / f"{name}.pdf"))


def main():
    OUT.mkdir(exist_ok=True)
    for name in DOCX_SOURCES:
        build_docx(name)
    for name in PDF_SOURCES:
        build_pdf(name)
    print("built", len(DOCX_SOURCES) + len(PDF_SOURCES), "binary drafts in", OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
