"""Build chen's DOCX drafts from their Markdown sources, deterministically.

Run with:  /work/main/.venv/bin/python evals/critique_sets/chen/src/build.py

Markdown subset understood:
  "# "   document title (Title style)     "## "  Heading 1     "### " Heading 2
  "- "   List Bullet item                 "|...|" table block (first row = header)
  other non-blank lines are joined into Normal paragraphs (blank line ends a paragraph).

Rebuilds are byte-stable: core properties use fixed dates, and the zip container is
rewritten with fixed member timestamps and a fixed member order.
"""
import datetime
import io
import pathlib
import zipfile

from docx import Document
from docx.shared import Pt

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"

DRAFTS = {
    "cadder_valley_anchor_strategy": {
        "title": "Cadder Valley Local Industrial Strategy: Building from Our Anchors",
        "author": "Ainsworth Lyle Consulting",
        "date": datetime.datetime(2025, 7, 14, 9, 0, 0),
    },
    "marrowby_harbour_participatory_lis": {
        "title": "Marrowby Harbour Local Industrial Strategy",
        "author": "Marrowby Harbour Partnership",
        "date": datetime.datetime(2025, 5, 20, 9, 0, 0),
    },
}

FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)


def add_table(doc, rows):
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    # drop the Markdown separator row (|---|---|)
    cells = [r for r in cells if not all(set(c) <= set("-: ") and c for c in r)]
    header, body = cells[0], cells[1:]
    table = doc.add_table(rows=1 + len(body), cols=len(header))
    table.style = "Table Grid"
    for j, text in enumerate(header):
        cell = table.rows[0].cells[j]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    for i, row in enumerate(body, start=1):
        for j, text in enumerate(row):
            table.rows[i].cells[j].text = text
    doc.add_paragraph("")


def build_document(md_text):
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    para, table_rows = [], []

    def flush_para():
        if para:
            doc.add_paragraph(" ".join(para), style="Normal")
            para.clear()

    def flush_table():
        if table_rows:
            add_table(doc, table_rows)
            table_rows.clear()

    for raw in md_text.splitlines():
        line = raw.rstrip()
        if line.startswith("|"):
            flush_para()
            table_rows.append(line)
            continue
        flush_table()
        if not line.strip():
            flush_para()
        elif line.startswith("### "):
            flush_para()
            doc.add_heading(line[4:].strip(), level=2)
        elif line.startswith("## "):
            flush_para()
            doc.add_heading(line[3:].strip(), level=1)
        elif line.startswith("# "):
            flush_para()
            doc.add_heading(line[2:].strip(), level=0)
        elif line.startswith("- "):
            flush_para()
            doc.add_paragraph(line[2:].strip(), style="List Bullet")
        else:
            para.append(line.strip())
    flush_para()
    flush_table()
    return doc


def stable_zip(data):
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 0
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def main():
    OUT.mkdir(exist_ok=True)
    for name, meta in DRAFTS.items():
        doc = build_document((HERE / f"{name}.md").read_text(encoding="utf-8"))
        cp = doc.core_properties
        cp.title = meta["title"]
        cp.author = meta["author"]
        cp.last_modified_by = meta["author"]
        cp.subject = "Local Industrial Strategy draft (fictional evaluation data)"
        cp.keywords = ""
        cp.comments = ""
        cp.category = ""
        cp.revision = 1
        cp.created = meta["date"]
        cp.modified = meta["date"]
        cp.last_printed = meta["date"]
        buf = io.BytesIO()
        doc.save(buf)
        target = OUT / f"{name}.docx"
        target.write_bytes(stable_zip(buf.getvalue()))
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
