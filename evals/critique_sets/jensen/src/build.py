"""Build the DOCX drafts in ../drafts/ from the Markdown-like sources in this folder.

Run with:  /work/main/.venv/bin/python src/build.py

Source syntax (one block per paragraph, blocks separated by blank lines):
  front matter between '---' lines: title, author, date (YYYY-MM-DD)
  '# '   document title (Title style)
  '## '  Heading 1
  '### ' Heading 2
  '- '   List Bullet item (one per line)
  '|'    table rows; first row is the header, second row the |---| separator
  anything else: a Normal paragraph; **text** becomes bold.

The output is deterministic: core properties are fixed from the front matter and the
zip container is rewritten with fixed timestamps and a fixed member order.
"""

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"
SOURCES = [
    "pellingford_science_quarter_projects.md",
    "vale_voices_engagement_report.md",
]
FIXED_ZIP_TIME = (2019, 12, 1, 0, 0, 0)
BOLD = re.compile(r"\*\*(.+?)\*\*")


def parse(text):
    lines = text.splitlines()
    meta = {}
    if lines and lines[0].strip() == "---":
        end = lines.index("---", 1)
        for line in lines[1:end]:
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
        lines = lines[end + 1:]
    blocks, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return meta, blocks


def add_runs(paragraph, text):
    pos = 0
    for match in BOLD.finditer(text):
        if match.start() > pos:
            paragraph.add_run(text[pos:match.start()])
        paragraph.add_run(match.group(1)).bold = True
        pos = match.end()
    if pos < len(text):
        paragraph.add_run(text[pos:])


def split_row(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def add_table(doc, rows):
    header = split_row(rows[0])
    body = [split_row(r) for r in rows[2:]]
    table = doc.add_table(rows=1 + len(body), cols=len(header))
    table.style = "Table Grid"
    for i, cell_text in enumerate(header):
        cell = table.rows[0].cells[i]
        cell.text = ""
        add_runs(cell.paragraphs[0], cell_text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for r, row in enumerate(body, start=1):
        for i in range(len(header)):
            cell = table.rows[r].cells[i]
            cell.text = ""
            add_runs(cell.paragraphs[0], row[i] if i < len(row) else "")
    doc.add_paragraph()


def build(src_name):
    meta, blocks = parse((HERE / src_name).read_text(encoding="utf-8"))
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    for block in blocks:
        first = block[0]
        if first.startswith("# "):
            doc.add_heading(first[2:], level=0)
        elif first.startswith("## "):
            doc.add_heading(first[3:], level=1)
        elif first.startswith("### "):
            doc.add_heading(first[4:], level=2)
        elif first.startswith("|"):
            add_table(doc, block)
        elif first.startswith("- "):
            for line in block:
                add_runs(doc.add_paragraph(style="List Bullet"), line[2:])
        else:
            add_runs(doc.add_paragraph(), " ".join(block))

    stamp = dt.datetime.strptime(meta["date"], "%Y-%m-%d")
    cp = doc.core_properties
    cp.title = meta["title"]
    cp.author = meta["author"]
    cp.last_modified_by = meta["author"]
    cp.created = stamp
    cp.modified = stamp
    cp.last_printed = stamp
    cp.revision = 1
    cp.subject = "Vale & Isle Local Industrial Strategy"
    cp.keywords = ""
    cp.comments = ""

    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue())


def normalise_zip(data):
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        ordered = [n for n in names if n == "[Content_Types].xml"] + sorted(
            n for n in names if n != "[Content_Types].xml")
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, src.read(name))
    return out.getvalue()


def main():
    OUT.mkdir(exist_ok=True)
    for src_name in SOURCES:
        target = OUT / (Path(src_name).stem + ".docx")
        target.write_bytes(build(src_name))
        print(f"wrote {target.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
