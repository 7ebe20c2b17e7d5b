"""Deterministic builder for corrigan's binary drafts.

Run with: /work/main/.venv/bin/python src/build.py
Reads src/<name>.md (front matter: title, author, header, date; then a small Markdown subset)
and writes drafts/<name>.docx or drafts/<name>.pdf. Output is byte-identical between runs:
core properties and the PDF creation date are fixed, and the DOCX zip is rewritten with fixed
timestamps.
"""
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.shared import Pt
from fpdf import FPDF

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"

TARGETS = {
    "claymere_six_towns_strategy": "docx",
    "tawelan_valley_strategy": "docx",
    "axleby_scrutiny_report": "pdf",
}

FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)


def parse(path):
    text = path.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    meta = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    blocks = []  # (kind, payload)
    para = []
    table = []

    def flush():
        if para:
            blocks.append(("p", " ".join(para)))
            para.clear()
        if table:
            blocks.append(("table", [r[:] for r in table]))
            table.clear()

    for raw in body.splitlines():
        line = raw.rstrip()
        if not line:
            flush()
            continue
        if line.startswith("|"):
            if para:
                blocks.append(("p", " ".join(para)))
                para.clear()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(re.fullmatch(r":?-+:?", c) for c in cells):
                continue
            table.append(cells)
            continue
        if table:
            blocks.append(("table", [r[:] for r in table]))
            table.clear()
        m = re.match(r"(#{1,3}) (.*)", line)
        if m:
            flush()
            blocks.append((f"h{len(m.group(1))}", m.group(2)))
        elif line.startswith("- "):
            flush()
            blocks.append(("bullet", line[2:]))
        elif re.match(r"\d+\. ", line):
            flush()
            blocks.append(("number", line.split(" ", 1)[1]))
        else:
            para.append(line)
    flush()
    return meta, blocks


def runs(text):
    """Split **bold** markup into (text, bold) pieces."""
    parts = re.split(r"(\*\*[^*]+\*\*)", text)
    for part in parts:
        if not part:
            continue
        if part.startswith("**") and part.endswith("**"):
            yield part[2:-2], True
        else:
            yield part, False


def add_runs(paragraph, text, bold_all=False):
    for chunk, bold in runs(text):
        r = paragraph.add_run(chunk)
        if bold or bold_all:
            r.bold = True


def fixed_date(meta):
    y, m, d = (int(x) for x in meta["date"].split("-"))
    return dt.datetime(y, m, d, 9, 0, 0)


def build_docx(name, meta, blocks):
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    section = doc.sections[0]
    hp = section.header.paragraphs[0]
    hp.text = meta["header"]
    hp.style = doc.styles["Header"]
    for kind, payload in blocks:
        if kind in ("h1", "h2", "h3"):
            doc.add_heading(payload.replace("**", ""), level=int(kind[1]))
        elif kind == "p":
            add_runs(doc.add_paragraph(style="Normal"), payload)
        elif kind == "bullet":
            add_runs(doc.add_paragraph(style="List Bullet"), payload)
        elif kind == "number":
            add_runs(doc.add_paragraph(style="List Number"), payload)
        elif kind == "table":
            ncols = len(payload[0])
            t = doc.add_table(rows=0, cols=ncols)
            t.style = doc.styles["Table Grid"]
            for i, row in enumerate(payload):
                cells = t.add_row().cells
                for j in range(ncols):
                    cells[j].text = ""
                    add_runs(cells[j].paragraphs[0], row[j] if j < len(row) else "", bold_all=(i == 0))
            doc.add_paragraph()
    cp = doc.core_properties
    when = fixed_date(meta)
    cp.title = meta["title"]
    cp.author = meta["author"]
    cp.last_modified_by = meta["author"]
    cp.created = when
    cp.modified = when
    cp.last_printed = when
    cp.revision = 1
    cp.subject = "Draft Local Industrial Strategy"
    buf = io.BytesIO()
    doc.save(buf)
    # Rewrite the zip with fixed timestamps so that the bytes do not depend on the clock.
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    (OUT / f"{name}.docx").write_bytes(out.getvalue())


class ReportPDF(FPDF):
    running_header = ""

    def header(self):
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, self.running_header, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(150, 150, 150)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-15)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")


def build_pdf(name, meta, blocks):
    for kind, payload in blocks:
        flat = payload if isinstance(payload, str) else " ".join(" ".join(r) for r in payload)
        flat.encode("latin-1")  # core fonts only: fail loudly on anything outside latin-1
    pdf = ReportPDF(format="A4")
    pdf.running_header = meta["header"]
    pdf.set_title(meta["title"])
    pdf.set_author(meta["author"])
    pdf.set_subject("Scrutiny review of a draft Local Industrial Strategy")
    pdf.set_creator("corrigan src/build.py")
    pdf.set_producer("fpdf2")
    pdf.set_creation_date(dt.datetime(*fixed_date(meta).timetuple()[:6], tzinfo=dt.timezone.utc))
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    w = pdf.w - pdf.l_margin - pdf.r_margin
    num = 0
    for kind, payload in blocks:
        if kind == "h1":
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(w, 8, payload, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "h2":
            num = 0
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(w, 7, payload, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "h3":
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(w, 6, payload, new_x="LMARGIN", new_y="NEXT")
        elif kind == "p":
            num = 0
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(w, 5, payload, markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind in ("bullet", "number"):
            pdf.set_font("Helvetica", "", 10)
            if kind == "number":
                num += 1
                mark = f"{num}."
            else:
                mark = "-"
            pdf.set_x(pdf.l_margin + 4)
            pdf.cell(6, 5, mark)
            pdf.multi_cell(w - 10, 5, payload, markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "table":
            pdf.set_font("Helvetica", "", 9)
            with pdf.table() as t:
                for row in payload:
                    r = t.row()
                    for c in row:
                        r.cell(c.replace("**", ""))
            pdf.ln(2)
    (OUT / f"{name}.pdf").write_bytes(bytes(pdf.output()))


def main():
    OUT.mkdir(exist_ok=True)
    for name, kind in TARGETS.items():
        meta, blocks = parse(HERE / f"{name}.md")
        if kind == "docx":
            build_docx(name, meta, blocks)
        else:
            build_pdf(name, meta, blocks)
        print(f"built drafts/{name}.{kind}")


if __name__ == "__main__":
    main()
