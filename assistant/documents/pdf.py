"""PDF text and layout: page labels, running headers and footers, paragraphs.

pypdf gives each page's text as lines; this module removes page numbers and
lines repeated at the top or bottom of most pages, groups lines into
paragraphs, and hands them to the shared heuristics in ``parsers``.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from assistant.documents.model import Block, DocumentError
from assistant.documents.parsers import (
    LIST_ITEM,
    PAGE_NUMBER_LINE,
    TERMINAL,
    blocks_from_paragraphs,
    looks_like_heading,
)


def parse_pdf(data: bytes, source: str) -> list[Block]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # pypdf raises several types for unknown ciphers
                raise DocumentError(source, f"the PDF is encrypted ({exc})") from exc
            if not opened:
                raise DocumentError(source, "the PDF is password-protected; save an unlocked copy")
        labels = _page_labels(reader)
        page_texts = [(page.extract_text() or "", labels[i]) for i, page in enumerate(reader.pages)]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(source, f"the PDF is damaged or not a PDF ({exc})") from exc
    if not any(t.strip() for t, _ in page_texts):
        raise DocumentError(
            source,
            f"no text layer in {len(page_texts)} page(s): it looks scanned; "
            "run OCR on it or upload the original document",
        )
    page_lines = _strip_running_lines([t.splitlines() for t, _ in page_texts])
    paragraphs: list[tuple[str, int | None]] = []
    for lines, (_, label) in zip(page_lines, page_texts, strict=True):
        paragraphs.extend((p, label) for p in _pdf_paragraphs(lines))
    return blocks_from_paragraphs(paragraphs)


def _page_labels(reader: object) -> list[int]:
    labels: list[int] = []
    raw = list(getattr(reader, "page_labels", []) or [])
    count = len(getattr(reader, "pages", []))
    for i in range(count):
        label = raw[i] if i < len(raw) else ""
        labels.append(int(label) if str(label).isdigit() else i + 1)
    return labels


def _strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers and headers/footers repeated on most pages."""
    edge: Counter[str] = Counter()
    for lines in pages:
        cleaned = [ln.strip() for ln in lines if ln.strip()]
        for ln in set(cleaned[:1] + cleaned[-1:]):
            edge[re.sub(r"\d+", "#", ln)] += 1
    repeated = {k for k, n in edge.items() if len(pages) >= 3 and n >= 0.6 * len(pages)}
    out = []
    for lines in pages:
        kept = [
            ln
            for ln in (x.rstrip() for x in lines)
            if ln.strip()
            and not PAGE_NUMBER_LINE.match(ln.strip())
            and re.sub(r"\d+", "#", ln.strip()) not in repeated
        ]
        out.append(kept)
    return out


def _pdf_paragraphs(lines: list[str]) -> list[str]:
    """Group a page's lines into paragraphs.

    A line that ends a sentence, or looks like a heading, closes a paragraph;
    a list item opens one. Over-splitting is harmless (chunks pack paragraphs
    back together); joining a heading to body text is not.
    """
    paras: list[list[str]] = [[]]
    for i, line in enumerate(lines):
        stripped = line.strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if LIST_ITEM.match(stripped) and paras[-1]:
            paras.append([])
        heading = not paras[-1] and (
            looks_like_heading(stripped, dangling_ok=True)
            if nxt[:1].isupper()
            else not nxt and looks_like_heading(stripped)
        )
        if looks_like_heading(nxt) and paras[-1] and stripped.endswith(TERMINAL):
            heading = False
        paras[-1].append(stripped)
        if stripped.endswith(TERMINAL) or heading:
            paras.append([])
    return ["\n".join(p) for p in paras if p]


def pdf_title(data: bytes) -> str | None:
    """The title in the PDF's document information, if any."""
    from pypdf import PdfReader

    try:
        meta = PdfReader(io.BytesIO(data)).metadata
    except Exception:  # the page parser reports a damaged file; a title is optional
        return None
    title = (meta.title if meta is not None else None) or ""
    return " ".join(str(title).split()) or None
