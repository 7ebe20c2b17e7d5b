"""One Document shape for every input format, guidance and drafts alike.

``load_document(path)`` reads PDF, DOCX, Markdown, plain text or HTML into a
``Document``: an ordered list of ``Block``s (headings, paragraphs, tables,
footnotes) with page numbers where the format has pages. Anything that cannot
be read raises ``DocumentError`` naming the file and the reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from assistant.documents.model import (
    DEFAULT_LIMITS,
    METADATA_FIELDS,
    SIDECAR_SUFFIX,
    SUPPORTED_SUFFIXES,
    Block,
    Document,
    DocumentError,
    Limits,
)


def is_document_file(path: Path) -> bool:
    """True for files ingest should read (not sidecars, not hidden files)."""
    name = path.name
    return not name.startswith(".") and not name.endswith(SIDECAR_SUFFIX) and path.is_file()


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> dict[str, str]:
    """Metadata from ``<stem>.meta.json`` beside the document, or {} when absent."""
    meta_file = sidecar_path(path)
    if not meta_file.exists():
        return {}
    try:
        raw = json.loads(meta_file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DocumentError(meta_file.name, f"metadata file is not valid JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise DocumentError(meta_file.name, "metadata file must hold a JSON object")
    unknown = set(raw) - set(METADATA_FIELDS)
    if unknown:
        raise DocumentError(
            meta_file.name,
            f"unknown metadata field(s) {sorted(unknown)}; allowed: {list(METADATA_FIELDS)}",
        )
    return {k: str(v) for k, v in raw.items()}


_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_PAGE_MARK = re.compile(r"^\s*page\s+\d+\s*$", re.IGNORECASE)


def split_comments(text: str) -> tuple[str, list[str]]:
    """The text without its HTML comments, and the comments (a reader never sees them).

    Page markers (``<!-- page 4 -->``) stay in place: the Markdown parser reads them."""
    comments: list[str] = []

    def take(match: re.Match[str]) -> str:
        body = match.group(1)
        if _PAGE_MARK.match(body):
            return match.group(0)
        if " ".join(body.split()):
            comments.append(" ".join(body.split()))
        return " " if "\n" not in body else "\n"

    return _COMMENT.sub(take, text), comments


def load_document(
    path: Path, max_bytes: int, source: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Document:
    """Read one file into a Document, or raise DocumentError with the reason.

    ``limits`` bound the work the file may cause (unpacked size, characters, pages); each is
    checked before that work is done."""
    from assistant.documents import parsers, pdf, word

    source = source or path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            source,
            f"unsupported file type '{suffix or '(none)'}'; use one of "
            + ", ".join(SUPPORTED_SUFFIXES),
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentError(source, f"cannot read the file ({exc.strerror})") from exc
    if size == 0:
        raise DocumentError(source, "the file is empty")
    if size > max_bytes:
        raise DocumentError(
            source,
            f"the file is {size / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.1f} MB limit",
        )
    data = path.read_bytes()
    if suffix in (".pdf", ".docx"):  # one pass reads the blocks and the embedded title
        parsed = (
            pdf.parse_pdf(data, source, limits)
            if suffix == ".pdf"
            else word.parse_docx(data, source, limits)
        )
        blocks, embedded, blank = parsed.blocks, parsed.title, parsed.pages_without_text
    else:
        embedded, blank = None, ()
        decoded = _decode_text(data, source)
        _check_chars(len(decoded), source, limits)
        text, comments = split_comments(decoded)
        if suffix in (".md", ".markdown"):
            blocks = parsers.parse_markdown(text)
        elif suffix in (".html", ".htm"):
            blocks = parsers.parse_html(text)
        else:
            blocks = parsers.parse_plain_text(text)
        blocks += [Block("text", c, hidden="HTML comment") for c in comments]
    if not any(b.text.strip() for b in blocks):
        raise DocumentError(source, "no readable text in the file")
    _check_chars(sum(len(b.text) for b in blocks), source, limits)
    metadata = read_sidecar(path)
    explicit = suffix in (".md", ".markdown", ".html", ".htm", ".docx")
    title = metadata.get("title") or embedded or _first_heading(blocks, explicit) or path.stem
    return Document(source, title, tuple(blocks), metadata, pages_without_text=blank)


def _check_chars(count: int, source: str, limits: Limits) -> None:
    if count > limits.max_chars:
        raise DocumentError(
            source,
            f"the document holds {count:,} characters, over the {limits.max_chars:,} limit "
            "(LISA_MAX_CHARS); split it into parts",
        )


def _decode_text(data: bytes, source: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            source, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8 and try again"
        ) from exc
    if not text.strip():
        raise DocumentError(source, "the file holds only white space")
    return text


def _first_heading(blocks: list[Block], explicit_levels: bool) -> str | None:
    """The document's title from its headings.

    Where the format marks heading levels (Markdown, HTML, Word) it is the first top-level
    heading. Plain text and PDF only have levels guessed from numbering ("1. Introduction"
    reads as level 1, a title line as level 2), so there a document that opens with a
    heading line is titled by that line; failing that, the first top-level heading."""
    body = [b for b in blocks if not b.hidden and b.text.strip()]
    if not explicit_levels and body and body[0].kind == "heading":
        return body[0].text
    headings = [b for b in body if b.kind == "heading"]
    top = min((b.level for b in headings), default=None)
    return next((b.text for b in headings if b.level == top), None)
