"""Build the binary drafts (PDF and DOCX) from their Markdown sources.

Run with:  /work/main/.venv/bin/python src/build.py
(from the whitlock folder or anywhere else; paths are resolved from this file).

The output is deterministic: fixed creation dates, fixed zip timestamps and a
fixed member order, so two runs produce byte-identical files.

Supported Markdown subset: '#', '##', '###', '####' headings; paragraphs;
'- ' bullets; '1. ' numbered items; pipe tables; '> ' blockquote boxes (the
first line, in **bold**, is the box title); '**bold**' inline; '---' rules
(ignored); '*...*' whole-line italics (rendered as plain text).
"""

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DRAFTS = HERE.parent / "drafts"

FIXED_DATE = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.timezone.utc)
ZIP_DATE = (2026, 3, 2, 9, 0, 0)

JOBS = [
    # (source markdown, output name, kind, author)
    ("holmscar_offshore_policy_brief.md", "holmscar_offshore_policy_brief.pdf", "pdf",
     "Tidewater Institute"),
    ("tannery_wards_case_studies.md", "tannery_wards_case_studies.docx", "docx",
     "Civic Economy Unit"),
    ("port_ellery_sme_growth_plan.md", "port_ellery_sme_growth_plan.docx", "docx",
     "Ellery Enterprise Agency"),
]


# ---------------------------------------------------------------- parsing

def parse(md_text):
    """Return (title, blocks). Blocks are tuples:
    ('h', level, text) | ('p', text) | ('ul', [items]) | ('ol', [items])
    | ('table', header, rows) | ('box', title, [paragraph lines])"""
    lines = md_text.splitlines()
    blocks = []
    title = None
    i = 0
    para = []

    def flush():
        if para:
            blocks.append(("p", " ".join(s.strip() for s in para)))
            para.clear()

    while i < len(lines):
        line = lines[i].rstrip()
        s = line.strip()
        if not s or s == "---":
            flush()
            i += 1
            continue
        m = re.match(r"^(#{1,4})\s+(.*)$", s)
        if m:
            flush()
            level = len(m.group(1))
            text = m.group(2).strip()
            if level == 1 and title is None:
                title = text
            else:
                blocks.append(("h", level - 1 if level > 1 else 1, text))
            i += 1
            continue
        if s.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                    rows.append(cells)
                i += 1
            blocks.append(("table", rows[0], rows[1:]))
            continue
        if s.startswith(">"):
            flush()
            box = []
            while i < len(lines) and lines[i].strip().startswith(">"):
                box.append(lines[i].strip()[1:].strip())
                i += 1
            box_title = box[0].strip("*") if box and box[0].startswith("**") else ""
            body = box[1:] if box_title else box
            blocks.append(("box", box_title, [b for b in body if b]))
            continue
        if re.match(r"^- ", s):
            flush()
            items = []
            while i < len(lines) and re.match(r"^- ", lines[i].strip()):
                items.append(lines[i].strip()[2:].strip())
                i += 1
            blocks.append(("ul", items))
            continue
        if re.match(r"^\d+\. ", s):
            flush()
            items = []
            while i < len(lines) and re.match(r"^\d+\. ", lines[i].strip()):
                items.append(re.sub(r"^\d+\.\s+", "", lines[i].strip()))
                i += 1
            blocks.append(("ol", items))
            continue
        para.append(s)
        i += 1
    flush()
    return title, blocks


def runs(text):
    """Split '**bold**' markup into (text, bold) runs."""
    out = []
    for k, part in enumerate(re.split(r"\*\*", text)):
        if part:
            out.append((part, k % 2 == 1))
    return out


def plain(text):
    return text.replace("**", "")


# -------------------------------------------------------------------- PDF

def latin1(text):
    table = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
             "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u00a0": " "}
    for k, v in table.items():
        text = text.replace(k, v)
    return text.encode("latin-1", "replace").decode("latin-1")


def build_pdf(src, out, author):
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    title, blocks = parse(src.read_text(encoding="utf-8"))
    title = latin1(title)

    class PDF(FPDF):
        def header(self):
            self.set_font("Helvetica", "I", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 6, title, align="L")
            self.ln(4)
            self.set_draw_color(160, 160, 160)
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.ln(5)
            self.set_text_color(0, 0, 0)

        def footer(self):
            self.set_y(-14)
            self.set_font("Helvetica", "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")
            self.set_text_color(0, 0, 0)

    pdf = PDF(format="A4")
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_subject("Draft Local Industrial Strategy")
    pdf.set_creator("whitlock src/build.py")
    pdf.set_producer("fpdf2")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.alias_nb_pages()
    pdf.add_page()

    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 8, title)
    pdf.ln(3)

    width = pdf.w - pdf.l_margin - pdf.r_margin
    for b in blocks:
        kind = b[0]
        if kind == "h":
            size = {1: 14, 2: 12, 3: 11}.get(b[1], 11)
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", size)
            pdf.multi_cell(0, 6.5, latin1(plain(b[2])))
            pdf.ln(1)
        elif kind == "p":
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 5, latin1(b[1]), markdown=True)
            pdf.ln(2)
        elif kind in ("ul", "ol"):
            pdf.set_font("Helvetica", "", 10)
            for n, item in enumerate(b[1], 1):
                mark = "-" if kind == "ul" else f"{n}."
                pdf.set_x(pdf.l_margin + 4)
                pdf.cell(6, 5, mark)
                pdf.multi_cell(width - 10, 5, latin1(item), markdown=True)
                pdf.ln(1)
            pdf.ln(1)
        elif kind == "table":
            header, rows = b[1], b[2]
            pdf.set_font("Helvetica", "", 8.5)
            with pdf.table(width=width, line_height=4.6,
                           headings_style=FontFace(emphasis="BOLD", fill_color=(225, 230, 238)),
                           text_align="LEFT") as t:
                r = t.row()
                for c in header:
                    r.cell(latin1(plain(c)))
                for row in rows:
                    r = t.row()
                    for c in row:
                        r.cell(latin1(plain(c)))
            pdf.ln(3)
        elif kind == "box":
            pdf.set_font("Helvetica", "B", 10)
            pdf.set_fill_color(238, 242, 246)
            pdf.multi_cell(0, 6, latin1(b[1]), border="LTR", fill=True)
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 5, latin1(" ".join(b[2])), border="LBR", fill=True)
            pdf.ln(3)
    pdf.output(str(out))


# ------------------------------------------------------------------- DOCX

def shade(cell, hex_fill):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    tcPr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tcPr.append(shd)


def add_runs(par, text):
    for t, bold in runs(text):
        r = par.add_run(t)
        r.bold = bold


def build_docx(src, out, author):
    import docx
    from docx.shared import Pt

    title, blocks = parse(src.read_text(encoding="utf-8"))
    d = docx.Document()
    d.styles["Normal"].font.name = "Calibri"
    d.styles["Normal"].font.size = Pt(11)
    d.add_heading(title, level=0)
    for b in blocks:
        kind = b[0]
        if kind == "h":
            d.add_heading(plain(b[2]), level=min(b[1], 3))
        elif kind == "p":
            add_runs(d.add_paragraph(), b[1])
        elif kind in ("ul", "ol"):
            style = "List Bullet" if kind == "ul" else "List Number"
            for item in b[1]:
                add_runs(d.add_paragraph(style=style), item)
        elif kind == "table":
            header, rows = b[1], b[2]
            t = d.add_table(rows=1, cols=len(header))
            t.style = "Table Grid"
            for j, c in enumerate(header):
                cell = t.rows[0].cells[j]
                cell.text = ""
                cell.paragraphs[0].add_run(plain(c)).bold = True
                shade(cell, "DCE3EC")
            for row in rows:
                cells = t.add_row().cells
                for j, c in enumerate(row):
                    cells[j].text = plain(c)
            d.add_paragraph()
        elif kind == "box":
            t = d.add_table(rows=1, cols=1)
            t.style = "Table Grid"
            cell = t.rows[0].cells[0]
            shade(cell, "EEF2F6")
            p0 = cell.paragraphs[0]
            p0.add_run(b[1]).bold = True
            for line in b[2]:
                add_runs(cell.add_paragraph(), line)
            d.add_paragraph()

    cp = d.core_properties
    cp.title = title
    cp.author = author
    cp.last_modified_by = author
    cp.subject = "Draft Local Industrial Strategy"
    cp.comments = ""
    cp.keywords = ""
    cp.category = ""
    cp.revision = 1
    naive = FIXED_DATE.replace(tzinfo=None)
    cp.created = naive
    cp.modified = naive
    cp.last_printed = naive

    buf = io.BytesIO()
    d.save(buf)
    normalise_zip(buf.getvalue(), out)


def normalise_zip(data, out):
    """Rewrite a zip with fixed timestamps and attributes so output is byte-stable."""
    src = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 0
            z.writestr(zi, src.read(info.filename))


def main():
    DRAFTS.mkdir(exist_ok=True)
    for src_name, out_name, kind, author in JOBS:
        src = HERE / src_name
        out = DRAFTS / out_name
        if kind == "pdf":
            build_pdf(src, out, author)
        else:
            build_docx(src, out, author)
        print("built", out.relative_to(HERE.parent))


if __name__ == "__main__":
    main()
