"""Build the binary drafts of the rowntree critique set, deterministically.

Run:  /work/main/.venv/bin/python src/build.py   (from the rowntree folder or anywhere)

Sources (a small Markdown subset) live next to this script:
  pellowdale_working_paper.md  -> drafts/pellowdale_working_paper.pdf  (running header, page numbers)
  haverport_policy_brief.md    -> drafts/haverport_policy_brief.pdf    (two-column layout)
  aldgrave_anchor_strategy.md  -> drafts/aldgrave_anchor_strategy.docx (Heading styles, table, endnotes)

Markup understood: "# " title, "## " heading, "### " sub-heading, "> " italic note,
"- " bullet, "1. " numbered item, "| a | b |" table rows (first row is the header, "|---" rows
are skipped), "[n] " endnote paragraphs, blank lines between paragraphs.
Output bytes are identical from run to run (fixed dates, fixed zip timestamps).
"""
import datetime
import io
import re
import zipfile
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
import docx
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"
UTC = datetime.timezone.utc


def parse(path):
    """Return a list of blocks: (kind, payload)."""
    blocks, para, table = [], [], []

    def flush_para():
        if para:
            blocks.append(("p", " ".join(para)))
            para.clear()

    def flush_table():
        if table:
            blocks.append(("table", [r[:] for r in table]))
            table.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip()
        if line.startswith("|"):
            flush_para()
            if re.match(r"^\|\s*-", line):
                continue
            table.append([c.strip() for c in line.strip("|").split("|")])
            continue
        flush_table()
        if not line.strip():
            flush_para()
        elif line.startswith("### "):
            flush_para(); blocks.append(("h3", line[4:]))
        elif line.startswith("## "):
            flush_para(); blocks.append(("h2", line[3:]))
        elif line.startswith("# "):
            flush_para(); blocks.append(("h1", line[2:]))
        elif line.startswith("> "):
            flush_para(); blocks.append(("note", line[2:]))
        elif line.startswith("- "):
            flush_para(); blocks.append(("bullet", line[2:]))
        elif re.match(r"^\d+\. ", line):
            flush_para(); blocks.append(("num", line))
        elif re.match(r"^\[\d+\] ", line):
            flush_para(); blocks.append(("endnote", line))
        else:
            para.append(line.strip())
    flush_para()
    flush_table()
    return blocks


def check_latin1(blocks, name):
    for kind, payload in blocks:
        text = payload if isinstance(payload, str) else " ".join(" ".join(r) for r in payload)
        text.encode("latin-1")  # raises if a character is outside the core fonts


# ---------------------------------------------------------------- working paper PDF
class WorkingPaperPDF(FPDF):
    running_title = ""

    def header(self):
        if self.page_no() == 1:
            return
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        width = self.w - self.l_margin - self.r_margin
        self.cell(width, 6, self.running_title, align="L")
        self.set_x(self.l_margin)
        self.cell(width, 6, "Working Paper No. 14", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")


def pdf_meta(pdf, title, author, date):
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_subject("Draft Local Industrial Strategy")
    pdf.set_creator("rowntree src/build.py")
    pdf.set_producer("fpdf2")
    pdf.set_creation_date(date)


def build_working_paper():
    src = HERE / "pellowdale_working_paper.md"
    blocks = parse(src)
    check_latin1(blocks, src.name)
    pdf = WorkingPaperPDF(format="A4")
    pdf.running_title = "Tolland Institute for Regional Economies - Rebuilding the Pit Villages (draft LIS for Pellowdale)"
    pdf.alias_nb_pages()
    pdf_meta(pdf, "Rebuilding the Pit Villages: A Local Industrial Strategy for Pellowdale",
             "Tolland Institute for Regional Economies", datetime.datetime(2024, 11, 15, 9, 0, tzinfo=UTC))
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for kind, payload in blocks:
        if kind == "h1":
            pdf.set_font("Helvetica", "B", 17)
            pdf.multi_cell(width, 8, payload, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
        elif kind == "note":
            pdf.set_font("Helvetica", "I", 9.5)
            pdf.multi_cell(width, 5, payload, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(3)
        elif kind in ("h2", "h3"):
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 12.5 if kind == "h2" else 11)
            pdf.multi_cell(width, 6.5, payload, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        elif kind == "p":
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(width, 5, payload, align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
        elif kind in ("bullet", "num"):
            pdf.set_font("Helvetica", "", 10)
            mark = "-" if kind == "bullet" else ""
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(width - 4, 5, (mark + " " + payload).strip(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        elif kind == "table":
            pdf.set_font("Helvetica", "", 8.5)
            with pdf.table(text_align="LEFT", line_height=4.6, first_row_as_headings=True) as t:
                for row in payload:
                    r = t.row()
                    for cell in row:
                        r.cell(cell)
            pdf.ln(3)
    pdf.output(str(OUT / "pellowdale_working_paper.pdf"))


# ---------------------------------------------------------------- two-column policy brief PDF
def build_policy_brief():
    src = HERE / "haverport_policy_brief.md"
    blocks = parse(src)
    check_latin1(blocks, src.name)
    pdf = FPDF(format="A4")
    pdf_meta(pdf, "Making the Port Work Harder: Three Priorities for the Haverport Local Industrial Strategy",
             "Marlowe Institute for Regional Policy", datetime.datetime(2025, 3, 10, 9, 0, tzinfo=UTC))
    pdf.set_margins(16, 16, 16)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    body = []
    for kind, payload in blocks:
        if kind == "h1":
            pdf.set_fill_color(20, 60, 100)
            pdf.set_text_color(255, 255, 255)
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(width, 8, payload, fill=True, padding=3, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_text_color(0, 0, 0)
        elif kind == "note" and not body:
            pdf.set_font("Helvetica", "I", 9)
            pdf.ln(2)
            pdf.multi_cell(width, 4.5, payload, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(4)
            body.append(("start", ""))
        else:
            body.append((kind, payload))
    with pdf.text_columns(ncols=2, gutter=7, text_align="J") as cols:
        for kind, payload in body:
            if kind == "start":
                continue
            if kind == "h2":
                pdf.set_font("Helvetica", "B", 11)
                with cols.paragraph(text_align="L", top_margin=2, bottom_margin=1.5) as par:
                    par.write(payload)
            elif kind == "note":
                pdf.set_font("Helvetica", "I", 8)
                with cols.paragraph(text_align="L", top_margin=3) as par:
                    par.write(payload)
            else:
                pdf.set_font("Helvetica", "", 9.5)
                text = ("- " + payload) if kind == "bullet" else payload
                with cols.paragraph(bottom_margin=2) as par:
                    par.write(text)
    pdf.output(str(OUT / "haverport_policy_brief.pdf"))


# ---------------------------------------------------------------- DOCX with endnotes
FIXED_ZIP_TIME = (2025, 1, 20, 9, 0, 0)


def add_marked_runs(paragraph, text):
    """Body text with [n] endnote markers rendered as superscript numbers."""
    for part in re.split(r"(\[\d+\])", text):
        if not part:
            continue
        m = re.fullmatch(r"\[(\d+)\]", part)
        if m:
            run = paragraph.add_run(m.group(1))
            run.font.superscript = True
        else:
            paragraph.add_run(part)


def build_docx():
    src = HERE / "aldgrave_anchor_strategy.md"
    blocks = parse(src)
    d = docx.Document()
    d.styles["Normal"].font.name = "Calibri"
    d.styles["Normal"].font.size = Pt(11)
    for kind, payload in blocks:
        if kind == "h1":
            d.add_heading(payload, level=0)
        elif kind == "h2":
            d.add_heading(payload, level=1)
        elif kind == "h3":
            d.add_heading(payload, level=2)
        elif kind == "note":
            p = d.add_paragraph()
            p.add_run(payload).italic = True
        elif kind == "p":
            add_marked_runs(d.add_paragraph(), payload)
        elif kind == "bullet":
            add_marked_runs(d.add_paragraph(style="List Bullet"), payload)
        elif kind == "table":
            t = d.add_table(rows=len(payload), cols=len(payload[0]))
            t.style = "Table Grid"
            for i, row in enumerate(payload):
                for j, cell in enumerate(row):
                    t.cell(i, j).text = cell
                    if i == 0:
                        for r in t.cell(i, j).paragraphs[0].runs:
                            r.bold = True
        elif kind == "endnote":
            m = re.match(r"^\[(\d+)\] (.*)$", payload)
            p = d.add_paragraph()
            p.paragraph_format.left_indent = Pt(14)
            p.paragraph_format.first_line_indent = Pt(-14)
            num = p.add_run(m.group(1) + ". ")
            num.font.size = Pt(9)
            txt = p.add_run(m.group(2))
            txt.font.size = Pt(9)
    cp = d.core_properties
    cp.title = "Aldgrave: City of Knowledge and Care - Draft Local Industrial Strategy"
    cp.author = "Policy Unit, Aldgrave City Council"
    cp.last_modified_by = "Policy Unit, Aldgrave City Council"
    cp.subject = "Draft Local Industrial Strategy"
    cp.keywords = ""
    cp.comments = ""
    cp.revision = 3
    fixed = datetime.datetime(2025, 1, 20, 9, 0, 0)
    cp.created = fixed
    cp.modified = fixed
    cp.last_printed = fixed
    buf = io.BytesIO()
    d.save(buf)
    # Re-pack with fixed timestamps so the bytes do not depend on the clock.
    buf.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, zin.read(name))
    (OUT / "aldgrave_anchor_strategy.docx").write_bytes(out.getvalue())


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    build_working_paper()
    build_policy_brief()
    build_docx()
    print("built:", ", ".join(sorted(p.name for p in OUT.iterdir() if p.suffix in (".pdf", ".docx"))))
