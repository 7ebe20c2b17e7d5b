"""Build the DOCX drafts in ../drafts/ from the plain-text sources in this folder.

Deterministic: fixed core properties and fixed zip timestamps, so two runs give
byte-identical files. Run with /work/main/.venv/bin/python src/build.py

Source markup (one paragraph per line):
  TITLE: text          -> Title style
  SUBTITLE: text       -> Subtitle style
  # text / ## text     -> Heading 1 / Heading 2
  - text               -> List Bullet
  TABLECAPTION: text   -> italic caption paragraph before a table
  | a | b | c |        -> table row (first row of a block is the bold header row)
  anything else        -> Normal paragraph
"""
import datetime as dt
import io
import pathlib
import zipfile

from docx import Document

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"

DOCS = {
    "carrowfield_cressley_knowledge_quarter": {
        "title": "The Cressley Knowledge Quarter: A Local Industrial Strategy for the City of Carrowfield",
        "author": "City-Region Policy Unit, University of Carrowfield",
        "created": dt.datetime(2020, 6, 12, 9, 0, 0),
    },
    "ravensholm_five_towns_strategy": {
        "title": "Ravensholm Five Towns Local Industrial Strategy: report to the Combined Authority Board",
        "author": "Ravensholm Combined Authority, Economy and Skills Directorate",
        "created": dt.datetime(2020, 9, 4, 10, 30, 0),
    },
}

FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def add_table(doc, rows):
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    ncols = max(len(r) for r in cells)
    table = doc.add_table(rows=len(cells), cols=ncols)
    table.style = "Table Grid"
    for i, row in enumerate(cells):
        for j in range(ncols):
            text = row[j] if j < len(row) else ""
            cell = table.cell(i, j)
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            if i == 0:
                run.bold = True


def build_one(name, meta):
    lines = (HERE / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    doc = Document()
    table_rows = []

    def flush_table():
        if table_rows:
            add_table(doc, table_rows)
            table_rows.clear()

    for raw in lines:
        line = raw.rstrip()
        if line.startswith("|"):
            table_rows.append(line)
            continue
        flush_table()
        if not line.strip():
            continue
        if line.startswith("TITLE: "):
            doc.add_paragraph(line[7:], style="Title")
        elif line.startswith("SUBTITLE: "):
            doc.add_paragraph(line[10:], style="Subtitle")
        elif line.startswith("## "):
            doc.add_heading(line[3:], level=2)
        elif line.startswith("# "):
            doc.add_heading(line[2:], level=1)
        elif line.startswith("- "):
            doc.add_paragraph(line[2:], style="List Bullet")
        elif line.startswith("TABLECAPTION: "):
            p = doc.add_paragraph()
            p.add_run(line[14:]).italic = True
        else:
            doc.add_paragraph(line)
    flush_table()

    cp = doc.core_properties
    cp.title = meta["title"]
    cp.author = meta["author"]
    cp.last_modified_by = meta["author"]
    cp.created = meta["created"]
    cp.modified = meta["created"]
    cp.revision = 1
    cp.subject = "Draft Local Industrial Strategy"
    cp.keywords = ""
    cp.comments = ""

    buf = io.BytesIO()
    doc.save(buf)
    buf.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zout.writestr(info, zin.read(item.filename))
    (OUT / f"{name}.docx").write_bytes(out.getvalue())


def main():
    OUT.mkdir(exist_ok=True)
    for name, meta in DOCS.items():
        build_one(name, meta)
        print(f"built drafts/{name}.docx")


if __name__ == "__main__":
    main()
