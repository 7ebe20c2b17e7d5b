"""Build dlamini's DOCX drafts from the plain-text sources in this folder.

Run with:  /work/main/.venv/bin/python build.py   (from any directory)

Source format (one file per draft, src/<name>.txt -> drafts/<name>.docx):

  Metadata lines at the top, each "%key value", ended by a line "%%%":
    %title     core_properties.title
    %author    core_properties.author
    %subject   core_properties.subject
    %keywords  core_properties.keywords
    %created   ISO date-time, used for created / modified / last_printed
    %header    text of the section header (optional)
    %footer    text of the section footer (optional)

  Body lines:
    # text       Heading 1          ## text   Heading 2        ### text  Heading 3
    - text       List Bullet
    | a | b |    table row; consecutive rows make one real Word table, first row = header
    %titlestyle text   paragraph in the "Title" style
    %big text          large bold first line in the Normal style (not a Title style)
    %comment author|initials|text   Word comment anchored on the whole next paragraph/heading
    other text   Normal paragraph; **bold** spans are supported
    blank lines are ignored

The output is deterministic: fixed core-property dates, fixed comment dates and fixed
zip timestamps, so rebuilding gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"
SOURCES = [
    "harrowfold_county_working_draft",
    "wrexford_city_and_commuter_belt_report",
    "sallowmere_county_delivery_tables",
    "amberlow_vale_market_towns_plan",
    "castlebury_commuter_belt_board_draft",
]
ZIP_TIME = (2020, 1, 1, 0, 0, 0)
BOLD = re.compile(r"(\*\*[^*]+\*\*)")


def add_runs(par, text: str) -> None:
    for part in BOLD.split(text):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**"):
            par.add_run(part[2:-2]).bold = True
        else:
            par.add_run(part)


def parse(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    meta: dict[str, str] = {}
    i = 0
    while i < len(lines) and lines[i].strip() != "%%%":
        line = lines[i].strip()
        if line:
            key, _, value = line[1:].partition(" ")
            meta[key] = value.strip()
        i += 1
    return meta, lines[i + 1 :]


def flush_table(doc, rows):
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    ncol = len(cells[0])
    table = doc.add_table(rows=0, cols=ncol)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r_index, row in enumerate(cells):
        if len(row) != ncol:
            raise ValueError(f"table row has {len(row)} cells, expected {ncol}: {row}")
        tr = table.add_row()
        for c_index, text in enumerate(row):
            par = tr.cells[c_index].paragraphs[0]
            if r_index == 0:
                par.add_run(text).bold = True
            else:
                add_runs(par, text)
    return table


def build(name: str) -> Path:
    meta, body = parse(HERE / f"{name}.txt")
    created = dt.datetime.fromisoformat(meta["created"]).replace(tzinfo=dt.UTC)
    doc = Document()
    cp = doc.core_properties
    cp.title = meta.get("title", "")
    cp.author = meta.get("author", "")
    cp.subject = meta.get("subject", "")
    cp.keywords = meta.get("keywords", "")
    cp.comments = ""
    cp.category = ""
    cp.last_modified_by = meta.get("author", "")
    cp.revision = 1
    cp.created = created
    cp.modified = created
    cp.last_printed = created

    section = doc.sections[0]
    if "header" in meta:
        section.header.paragraphs[0].text = meta["header"]
    if "footer" in meta:
        section.footer.paragraphs[0].text = meta["footer"]

    pending_comment = None
    table_rows: list[str] = []

    def attach(par):
        nonlocal pending_comment
        if pending_comment is not None:
            author, initials, text = pending_comment
            comment = doc.add_comment(par.runs, text=text, author=author, initials=initials)
            comment._comment_elm.date = created
            pending_comment = None

    for raw in body + [""]:
        line = raw.rstrip()
        if table_rows and not line.startswith("|"):
            flush_table(doc, table_rows)
            table_rows = []
        if not line.strip():
            continue
        if line.startswith("|"):
            table_rows.append(line)
            continue
        if line.startswith("%comment "):
            author, initials, text = line[len("%comment ") :].split("|", 2)
            pending_comment = (author.strip(), initials.strip(), text.strip())
            continue
        if line.startswith("%titlestyle "):
            par = doc.add_paragraph(line[len("%titlestyle ") :], style="Title")
        elif line.startswith("%big "):
            par = doc.add_paragraph()
            run = par.add_run(line[len("%big ") :])
            run.bold = True
            run.font.size = Pt(26)
        elif line.startswith("### "):
            par = doc.add_heading(line[4:], level=3)
        elif line.startswith("## "):
            par = doc.add_heading(line[3:], level=2)
        elif line.startswith("# "):
            par = doc.add_heading(line[2:], level=1)
        elif line.startswith("- "):
            par = doc.add_paragraph(style="List Bullet")
            add_runs(par, line[2:])
        else:
            par = doc.add_paragraph()
            add_runs(par, line)
        attach(par)

    if pending_comment is not None:
        raise ValueError(f"{name}: %comment with no paragraph after it")

    buf = io.BytesIO()
    doc.save(buf)
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"{name}.docx"
    # re-write the zip with fixed timestamps so the build is byte-identical between runs
    with (
        zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src,
        zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return target


def main() -> None:
    for name in SOURCES:
        print(build(name))


if __name__ == "__main__":
    main()
