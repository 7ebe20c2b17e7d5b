"""PDF text and layout: page labels, running headers and footers, paragraphs.

pypdf gives each page's text as lines; this module removes page numbers and
lines repeated at the top or bottom of most pages, groups lines into
paragraphs, and hands them to the shared heuristics in ``parsers``.
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections import Counter
from typing import Any

from assistant.documents.model import DEFAULT_LIMITS, Block, DocumentError, Limits, Parsed
from assistant.documents.parsers import (
    LIST_ITEM,
    PAGE_NUMBER_LINE,
    TERMINAL,
    blocks_from_paragraphs,
    looks_like_heading,
)

log = logging.getLogger("lisa.documents")


def parse_pdf(data: bytes, source: str, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """The PDF's blocks, its title and the labels of every page with no text layer."""
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
        if len(reader.pages) > limits.max_pages:
            raise DocumentError(
                source,
                f"the PDF has {len(reader.pages)} pages, over the {limits.max_pages}-page limit "
                "(LISA_MAX_PAGES); split it into parts",
            )
        title = _title(reader)
        labels = _page_labels(reader)
        page_texts = []
        hidden: list[Block] = []
        for i, page in enumerate(reader.pages):
            text, unseen = _visible_text(page)
            page_texts.append((text, labels[i]))
            hidden.extend(Block("text", t, page=labels[i], hidden=why) for why, t in unseen)
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
    blank = tuple(label for text, label in page_texts if not text.strip())
    return Parsed(blocks_from_paragraphs(paragraphs) + hidden, title, blank)


TINY_POINTS = 3.0  # text drawn this small is not meant to be read
_WHITE = 0.95


def _visible_text(page: Any) -> tuple[str, list[tuple[str, str]]]:
    """The page's text without what a reader cannot see, and that text with the reason.

    pypdf reports the fill colour operators and each text run with its font size and
    matrices; a run drawn in white or under ``TINY_POINTS`` points is hidden."""
    fill = [0.0, 0.0, 0.0]
    saved: list[list[float]] = []  # the graphics state stack (q / Q) holds the fill colour
    pieces: list[tuple[str, str]] = []

    def operand(op: bytes, args: list[Any], cm: Any, tm: Any) -> None:
        if op == b"q":
            saved.append(list(fill))
            return
        if op == b"Q":
            fill[:] = saved.pop() if saved else [0.0, 0.0, 0.0]
            return
        try:
            values = [float(a) for a in args]
        except (TypeError, ValueError):
            return
        if op == b"rg" and len(values) == 3:
            fill[:] = values
        elif op == b"g" and len(values) == 1:
            fill[:] = values * 3
        elif op == b"k" and len(values) == 4:
            c, m, y, k = values
            fill[:] = [(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]

    def run(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if not text.strip():
            return
        scale = math.hypot(float(tm[2]), float(tm[3])) * math.hypot(float(cm[2]), float(cm[3]))
        points = float(size or 0) * (scale or 1.0)
        if all(v >= _WHITE for v in fill):
            pieces.append(("white text", text))
        elif 0 < points < TINY_POINTS:
            pieces.append((f"{points:.1g}-point text", text))

    text = page.extract_text(visitor_operand_before=operand, visitor_text=run) or ""
    for _, piece in pieces:
        text = text.replace(piece.strip(), "", 1) if len(piece.strip()) >= 3 else text
    grouped: list[tuple[str, str]] = []
    for why, piece in pieces:
        if grouped and grouped[-1][0] == why:
            grouped[-1] = (why, grouped[-1][1] + piece)
        else:
            grouped.append((why, piece))
    return text, [(why, " ".join(t.split())) for why, t in grouped if t.strip()]


def _title(reader: Any) -> str | None:
    """The title in the document information; damaged metadata only loses the title."""
    from pypdf.errors import PdfReadError

    try:
        meta = reader.metadata
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        log.warning("the PDF's document information is unreadable (%s): no embedded title", exc)
        return None
    return " ".join(str((meta.title if meta is not None else None) or "").split()) or None


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
