"""A file is refused, with the limit named, before it can cause unbounded work (issue 13).

The hostile files are made here: a Word file whose zip inflates far beyond its size, a
one-line Markdown file of millions of characters, a PDF with too many pages.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from fpdf import FPDF

from assistant.documents.loading import load_document
from assistant.documents.model import Limits
from assistant.settings import Settings

MB = 1_048_576


def _docx_with_padding(path: Path, padding_bytes: int) -> Path:
    """An ordinary Word file plus one highly compressible part of ``padding_bytes``."""
    doc = DocxDocument()
    doc.add_heading("Harbourside Local Industrial Strategy", level=1)
    doc.add_paragraph("Output per hour worked is £31.20, 12% below England.")
    doc.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("customXml/padding.xml", b"<a>" + b"0" * padding_bytes + b"</a>")
    return path


def test_a_word_file_that_unpacks_past_the_limit_is_refused(tmp_path: Path) -> None:
    path = _docx_with_padding(tmp_path / "bomb.docx", 3 * MB)
    assert path.stat().st_size < MB / 10  # small on disk...
    limits = Limits(max_unpacked_bytes=2 * MB, max_compression_ratio=10_000)
    with pytest.raises(Exception, match=r"unpacks to \d MB, over the 2 MB limit") as info:
        load_document(path, 25 * MB, limits=limits)
    assert "LISA_MAX_UNPACKED_MB" in str(info.value)


def test_a_word_file_that_inflates_too_many_fold_is_refused(tmp_path: Path) -> None:
    path = _docx_with_padding(tmp_path / "ratio.docx", MB)
    with pytest.raises(Exception, match=r"inflates \d+-fold, over the 50-fold limit"):
        load_document(path, 25 * MB, limits=Limits(max_compression_ratio=50))


def test_an_ordinary_word_file_is_within_the_default_limits(tmp_path: Path) -> None:
    path = _docx_with_padding(tmp_path / "ok.docx", 10)
    assert "Harbourside" in load_document(path, 25 * MB).title


def test_a_one_line_markdown_file_of_millions_of_characters_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "one_line.md"
    path.write_text("growth " * 400_000, encoding="utf-8")  # 2.8 million characters
    with pytest.raises(Exception, match=r"2,800,000 characters, over the 2,000,000 limit"):
        load_document(path, 25 * MB)


def test_a_pdf_with_too_many_pages_is_refused_before_it_is_read(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for n in range(12):
        pdf.add_page()
        for line in range(3):
            pdf.multi_cell(
                0,
                8,
                f"Section {n}.{line}: {'harbour ' * (n + line + 3)}jobs grew.",
                new_x="LMARGIN",
                new_y="NEXT",
            )
    path = tmp_path / "long.pdf"
    pdf.output(str(path))
    with pytest.raises(Exception, match=r"12 pages, over the 10-page limit"):
        load_document(path, 25 * MB, limits=Limits(max_pages=10))
    assert load_document(path, 25 * MB, limits=Limits(max_pages=12)).page_count == 12


def test_settings_give_the_limits() -> None:
    settings = Settings(max_unpacked_mb=5, max_compression_ratio=20, max_chars=5000, max_pages=9)
    assert Limits.from_settings(settings) == Limits(5 * MB, 20.0, 5000, 9)
    assert Limits.from_settings(Settings()) == Limits()  # the defaults agree
