"""Parsing every supported format, and a clear reason for every bad input."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from fpdf import FPDF
from pypdf import PdfWriter

from assistant.documents.loading import load_document, read_sidecar
from assistant.documents.model import DocumentError
from assistant.documents.parsers import parse_plain_text

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_ef40bc45666fc735.txt"
MB = 1024 * 1024


def make_pdf(path: Path, pages: list[list[str]], footer: bool = True) -> Path:
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    for number, paragraphs in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        for para in paragraphs:
            pdf.multi_cell(0, 6, para)
            pdf.ln(4)
        if footer:
            pdf.set_y(-15)
            pdf.cell(0, 10, f"Page {number}", align="C")
    pdf.output(str(path))
    return path


def test_markdown_headings_tables_footnotes(tmp_path: Path) -> None:
    doc_file = tmp_path / "guide.md"
    doc_file.write_text(
        "# Guide\n\n## Engagement\n\nUse [co-design](#) with residents.[^1]\n\n"
        "| Level | Tools |\n|---|---|\n| Consult | Surveys |\n| Empower | Ballots |\n\n"
        "[^1]: Cabinet Office, 2018\n",
        encoding="utf-8",
    )
    doc = load_document(doc_file, MB)
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["heading", "heading", "text", "table", "footnote"]
    assert doc.blocks[2].text == "Use co-design with residents."
    assert doc.blocks[3].text.splitlines() == [
        "Consult — Tools: Surveys",
        "Empower — Tools: Ballots",
    ]
    assert doc.title == "Guide"


def test_plain_text_heuristics_on_the_seed_extract() -> None:
    if not SEED.exists():
        pytest.skip("shared seed not present")
    blocks = parse_plain_text(SEED.read_text(encoding="utf-8"))
    headings = [b.text for b in blocks if b.kind == "heading"]
    assert "Rural proofing your local industrial strategy" in headings
    assert "Designing the LIS around local anchor institutions" in headings
    body = " ".join(b.text for b in blocks if b.kind == "text")
    # sentences split by a page break or by footnotes are rejoined
    assert "But there are also some cross-cutting principles" in body
    assert "organisations addressing social needs with the explicit expectation" in body
    assert "15.8% of England's GVA, worth an estimated £246bn" in body
    # footnotes stay out of body sentences
    assert "Lloyds Bank" not in body
    notes = [b.text for b in blocks if b.kind == "footnote"]
    assert any("Lloyds Bank" in n for n in notes) and any("Census, ONS" in n for n in notes)
    table = next(b for b in blocks if b.kind == "table")
    assert "Example Tools: Public comment, Focus groups, Surveys, Public meetings" in table.text


def test_pdf_pages_are_one_based_and_page_breaks_rejoined(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "draft.pdf",
        [
            ["Our Evidence", "We commissioned a labour market study that covers the"],
            ["whole county and was published in 2019.", "Partnership", "The board meets monthly."],
        ],
    )
    doc = load_document(path, MB)
    texts = [(b.kind, b.text, b.page) for b in doc.blocks]
    assert ("heading", "Our Evidence", 1) in texts
    joined = next(t for t in texts if t[1].startswith("We commissioned"))
    assert joined[1].endswith("published in 2019.") and joined[2] == 1
    assert ("text", "The board meets monthly.", 2) in texts
    assert not any("Page 1" in t[1] for t in texts)


def test_docx_heading_styles_and_tables(tmp_path: Path) -> None:
    docx = DocxDocument()
    docx.add_heading("Draft strategy", level=1)
    docx.add_heading("Rural areas", level=2)
    docx.add_paragraph("We use the rural urban classification.")
    table = docx.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Indicator", "Target"
    table.cell(1, 0).text, table.cell(1, 1).text = "GVA", "+2% a year"
    path = tmp_path / "draft.docx"
    docx.save(str(path))
    doc = load_document(path, MB)
    assert [(b.kind, b.level) for b in doc.blocks[:2]] == [("heading", 1), ("heading", 2)]
    assert doc.blocks[-1].text == "GVA — Target: +2% a year"


def test_html(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><script>x()</script></head><body><h1>Title</h1><p>One &amp; two.</p>"
        "<ul><li>Item</li></ul></body></html>",
        encoding="utf-8",
    )
    doc = load_document(path, MB)
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("heading", "Title"),
        ("text", "One & two."),
        ("text", "Item"),
    ]


def test_sidecar_metadata(tmp_path: Path) -> None:
    path = tmp_path / "g.md"
    path.write_text("# Heading\n\nText.\n", encoding="utf-8")
    (tmp_path / "g.meta.json").write_text('{"title": "Guide", "status": "superseded"}')
    doc = load_document(path, MB)
    assert doc.title == "Guide" and doc.metadata["status"] == "superseded"
    (tmp_path / "g.meta.json").write_text('{"colour": "red"}')
    with pytest.raises(DocumentError, match="unknown metadata field"):
        read_sidecar(path)


def _encrypted_pdf(path: Path) -> Path:
    plain = make_pdf(path.with_name("plain.pdf"), [["Secret text here."]])
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="pw", owner_password="owner")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _scanned_pdf(path: Path) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("corrupt.pdf", lambda p: p.write_bytes(b"%PDF-1.4\nthis is not really a pdf"), "damaged"),
        ("locked.pdf", _encrypted_pdf, "password-protected"),
        ("scan.pdf", _scanned_pdf, "no text layer"),
        ("empty.md", lambda p: p.write_bytes(b""), "empty"),
        ("blank.txt", lambda p: p.write_text("   \n\n  "), "white space"),
        ("notes.rtf", lambda p: p.write_text("{\\rtf1 hi}"), "unsupported file type"),
        ("latin1.txt", lambda p: p.write_bytes("Caf\xe9 culture".encode("latin-1")), "not UTF-8"),
        ("huge.txt", lambda p: p.write_text("word " * 300_000), "over the"),
        ("broken.docx", lambda p: p.write_bytes(b"PK\x03\x04 not a zip"), "damaged"),
    ],
)
def test_bad_input_names_the_file_and_the_reason(
    tmp_path: Path, name: str, make: object, reason: str
) -> None:
    path = tmp_path / name
    make(path)  # type: ignore[operator]
    with pytest.raises(DocumentError) as err:
        load_document(path, MB)
    assert err.value.source == name
    assert reason in err.value.reason


def test_plain_text_numbered_and_capitalised_headings() -> None:
    text = (
        "1. INTRODUCTION\n\nThis strategy covers the county.\n\n"
        "2.1 Skills and training\n\nWe will fund 300 apprenticeships.\n\n"
        "1. Set out a robust evidence base.\n\nThe end."
    )
    blocks = parse_plain_text(text)
    headings = [(b.text, b.level) for b in blocks if b.kind == "heading"]
    assert headings == [("1. INTRODUCTION", 1), ("2.1 Skills and training", 2)]
    assert ("text", "1. Set out a robust evidence base.") in [(b.kind, b.text) for b in blocks]


def test_markdown_blockquotes_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "q.md"
    path.write_text("# T\n\n> Quoted officer view.\n> Second line.\n", encoding="utf-8")
    doc = load_document(path, MB)
    assert doc.blocks[1].text == "Quoted officer view. Second line."


def test_pdf_heading_ending_in_a_preposition_before_a_new_sentence(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "p.pdf",
        [
            [
                "Draft strategy, January 2020.",
                "Part 1: Where we start from",
                "When the steelworks closed the valley lost 17,000 jobs.",
            ]
        ],
    )
    blocks = load_document(path, MB).blocks
    assert ("heading", "Part 1: Where we start from") in [(b.kind, b.text) for b in blocks]


def _rezip(source: Path, target: Path, change: dict[str, bytes]) -> Path:
    """A copy of an Office package with some parts replaced."""
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            new.writestr(item, change.get(item.filename, old.read(item.filename)))
    return target


def _word(path: Path) -> Path:
    from docx import Document as make_docx

    doc = make_docx()
    doc.add_paragraph("Our strategy was written with residents.")
    doc.save(str(path))
    return path


def test_a_damaged_word_file_is_a_document_error_not_a_traceback(tmp_path: Path) -> None:
    broken = _rezip(
        _word(tmp_path / "ok.docx"), tmp_path / "broken.docx", {"word/document.xml": b"<w:doc"}
    )
    with pytest.raises(DocumentError, match=r"damaged.*save it again"):
        load_document(broken, 10**7)


def test_a_renamed_macro_or_excel_file_says_what_it_is(tmp_path: Path) -> None:
    import zipfile

    original = _word(tmp_path / "ok.docx")
    with zipfile.ZipFile(original) as package:
        types = package.read("[Content_Types].xml").decode()
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    macro = types.replace(main, "application/vnd.ms-word.document.macroEnabled.main+xml")
    docm = _rezip(original, tmp_path / "macro.docx", {"[Content_Types].xml": macro.encode()})
    with pytest.raises(DocumentError, match=r"macro-enabled Word document \(\.docm\)") as caught:
        load_document(docm, 10**7)
    assert "BytesIO" not in caught.value.reason
    sheet = types.replace(
        main, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    )
    xlsx = _rezip(original, tmp_path / "sheet.docx", {"[Content_Types].xml": sheet.encode()})
    with pytest.raises(DocumentError, match="an Excel workbook"):
        load_document(xlsx, 10**7)


def test_a_plain_text_or_pdf_draft_is_titled_by_its_opening_line_not_a_numbered_chapter(
    tmp_path: Path,
) -> None:
    opening = "Saltmarsh Coast Local Industrial Strategy"
    body = [
        opening,
        "Draft for the board.",
        "1. INTRODUCTION",
        "This strategy sets out how the coast will grow.",
        "2. EVIDENCE",
        "Employment rose by 3% between 2019 and 2023.",
    ]
    text_file = tmp_path / "draft.txt"
    text_file.write_text("\n\n".join(body), encoding="utf-8")
    assert load_document(text_file, MB).title == opening
    pdf_file = make_pdf(tmp_path / "draft.pdf", [body])
    assert load_document(pdf_file, MB).title == opening  # no metadata title: the first line
    starts_with_text = tmp_path / "notes.txt"
    starts_with_text.write_text("\n\n".join(body[1:]), encoding="utf-8")
    assert load_document(starts_with_text, MB).title == "1. INTRODUCTION"  # first top level


def test_a_plain_text_cover_block_is_read_line_by_line_not_as_one_sentence(
    tmp_path: Path,
) -> None:
    cover = "SALTMARSH COAST PARTNERSHIP\nLOCAL INDUSTRIAL STRATEGY - FIRST OUTLINE\nPaper 4"
    prose = "This paper sets out the\nshape of the strategy.\n\nIt is brief."
    draft = tmp_path / "outline.txt"
    draft.write_text(f"{cover}\n\n{prose}\n", encoding="utf-8")
    doc = load_document(draft, MB)
    assert [(b.kind, b.text) for b in doc.blocks[:3]] == [
        ("heading", "SALTMARSH COAST PARTNERSHIP"),
        ("heading", "LOCAL INDUSTRIAL STRATEGY - FIRST OUTLINE"),
        ("heading", "Paper 4"),
    ]
    assert doc.title == "SALTMARSH COAST PARTNERSHIP"
    # a wrapped paragraph of prose, even first, stays one block
    (tmp_path / "prose.txt").write_text(prose, encoding="utf-8")
    first = load_document(tmp_path / "prose.txt", MB).blocks[0]
    assert (first.kind, first.text) == ("text", "This paper sets out the shape of the strategy.")
