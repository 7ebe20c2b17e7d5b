"""Build the binary (PDF and DOCX) evaluation drafts from their Markdown sources.

Sources live in ``evals/drafts_src/<name>.md``; outputs go to ``evals/drafts/``:

* ``kestrel_valley_anchor_strategy.md`` -> ``kestrel_valley_anchor_strategy.pdf`` (fpdf2)
* ``wyndle_market_towns_plan.md`` -> ``wyndle_market_towns_plan.docx`` (python-docx)

The source Markdown uses a deliberately small subset: ``#`` (title / Heading 1),
``##`` (Heading 2), ``- `` bullet items, blank-line separated paragraphs and
``**bold**`` inline spans.

Run from anywhere:  ``.venv/bin/python evals/make_binary_drafts.py``
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.text.paragraph import Paragraph
from fpdf import FPDF
from fpdf.enums import XPos, YPos

HERE = Path(__file__).resolve().parent
SRC_DIR = HERE / "drafts_src"
OUT_DIR = HERE / "drafts"

PDF_DRAFTS = ["kestrel_valley_anchor_strategy"]
DOCX_DRAFTS = ["wyndle_market_towns_plan"]

# Fixed timestamp so that rebuilding does not churn the committed files more than needed.
FIXED_DATE = dt.datetime(2020, 1, 15, 9, 0, 0, tzinfo=dt.UTC)

Block = tuple[str, str]  # (kind, text) where kind is h1 | h2 | bullet | para


def parse_markdown(text: str) -> list[Block]:
    """Split the restricted Markdown into heading, bullet and paragraph blocks."""
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(("para", " ".join(para)))
            para.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            blocks.append(("h2", line[3:].strip()))
        elif line.startswith("# "):
            flush()
            blocks.append(("h1", line[2:].strip()))
        elif line.startswith("- "):
            flush()
            blocks.append(("bullet", line[2:].strip()))
        else:
            para.append(line)
    flush()
    return blocks


# --- PDF ---------------------------------------------------------------------------

_LATIN1_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",  # en dash (single hyphen: "--" would be read as fpdf2 markdown)
    "\u2014": " - ",  # em dash
    "\u2026": "...",
    "\u2022": "\u00b7",
    "\u2212": "-",
    "\u00a0": " ",
    "\u2082": "2",  # subscript two (CO2)
    "\u2192": "->",
}


def to_latin1(text: str) -> str:
    """Replace typographic characters that the core PDF fonts (latin-1) cannot encode."""
    for src, dst in _LATIN1_REPLACEMENTS.items():
        text = text.replace(src, dst)
    text = text.replace("--", "-")  # never emit fpdf2's underline markup by accident
    # Anything else outside latin-1 is replaced rather than crashing the build.
    return text.encode("latin-1", "replace").decode("latin-1")


class DraftPDF(FPDF):
    def __init__(self, doc_title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title = doc_title

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, self.doc_title, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "", 9)
        self.set_text_color(80, 80, 80)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def build_pdf(name: str) -> Path:
    blocks = parse_markdown((SRC_DIR / f"{name}.md").read_text(encoding="utf-8"))
    title = next((to_latin1(t) for k, t in blocks if k == "h1"), name)
    pdf = DraftPDF(title.split(":")[0])
    pdf.set_title(title)
    pdf.set_author("LISA evaluation set (fictional draft)")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(22, 20, 22)
    pdf.alias_nb_pages()
    pdf.add_page()

    for kind, raw in blocks:
        text = to_latin1(raw)
        if kind == "h1":
            pdf.set_font("Helvetica", "B", 17)
            pdf.multi_cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(4)
        elif kind == "h2":
            pdf.ln(3)
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1.5)
        elif kind == "bullet":
            pdf.set_font("Helvetica", "", 11)
            indent = 6
            pdf.set_x(pdf.l_margin + 1)
            pdf.cell(indent - 1, 6, "\u00b7")
            pdf.multi_cell(
                pdf.epw - indent,
                6,
                text,
                markdown=True,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            pdf.ln(1)
        else:
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 6, text, markdown=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2.5)

    out = OUT_DIR / f"{name}.pdf"
    pdf.output(str(out))
    return out


# --- DOCX --------------------------------------------------------------------------

_BOLD_RE = re.compile(r"(\*\*[^*]+\*\*)")


def add_runs(paragraph: Paragraph, text: str) -> None:
    """Add text to a python-docx paragraph, honouring **bold** spans."""
    for part in _BOLD_RE.split(text):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**"):
            paragraph.add_run(part[2:-2]).bold = True
        else:
            paragraph.add_run(part)


def build_docx(name: str) -> Path:
    blocks = parse_markdown((SRC_DIR / f"{name}.md").read_text(encoding="utf-8"))
    doc = Document()
    props = doc.core_properties
    props.author = "LISA evaluation set (fictional draft)"
    props.created = FIXED_DATE.replace(tzinfo=None)
    props.modified = FIXED_DATE.replace(tzinfo=None)
    props.last_modified_by = "LISA evaluation set"
    props.revision = 1

    for kind, text in blocks:
        if kind == "h1":
            props.title = text
            doc.add_heading(text, level=1)
        elif kind == "h2":
            doc.add_heading(text, level=2)
        elif kind == "bullet":
            add_runs(doc.add_paragraph(style="List Bullet"), text)
        else:
            add_runs(doc.add_paragraph(style="Normal"), text)

    buf = io.BytesIO()
    doc.save(buf)
    out = OUT_DIR / f"{name}.docx"
    out.write_bytes(_normalise_zip(buf.getvalue()))
    return out


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a .docx (zip) with fixed member timestamps so rebuilds are byte-identical."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    stamp = FIXED_DATE.timetuple()[:6]
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            dst.writestr(info, src.read(item.filename))
    return buf.getvalue()


def main() -> int:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name in PDF_DRAFTS:
        out = build_pdf(name)
        print(f"wrote {out.relative_to(HERE.parent)}")
    for name in DOCX_DRAFTS:
        out = build_docx(name)
        print(f"wrote {out.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
