"""Word (.docx) files: paragraphs with their heading styles, tables, headers, footers
and comments, and text a reader cannot see (white, tiny or hidden runs) kept apart.

A damaged package or a file that is not a Word document (a .docm or a workbook renamed
.docx) is a ``DocumentError`` that says what the file is and what to do.
"""

from __future__ import annotations

import io
import re
from typing import Any

from assistant.documents.model import DEFAULT_LIMITS, Block, DocumentError, Limits, Parsed
from assistant.documents.parsers import clean_inline, table_block


def check_unpacked_size(data: bytes, source: str, limits: Limits) -> None:
    """Refuse an Office zip that would inflate past the limits, before inflating it."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except zipfile.BadZipFile:
        return  # not a zip at all: the parser says what it is
    unpacked = sum(m.file_size for m in members)
    packed = max(sum(m.compress_size for m in members), 1)
    if unpacked > limits.max_unpacked_bytes:
        raise DocumentError(
            source,
            f"the Word file unpacks to {unpacked / 1_048_576:.0f} MB, over the "
            f"{limits.max_unpacked_bytes / 1_048_576:.0f} MB limit (LISA_MAX_UNPACKED_MB); "
            "split it or export it as PDF",
        )
    if unpacked / packed > limits.max_compression_ratio:
        raise DocumentError(
            source,
            f"the Word file inflates {unpacked / packed:.0f}-fold, over the "
            f"{limits.max_compression_ratio:.0f}-fold limit (LISA_MAX_COMPRESSION_RATIO): "
            "it is not an ordinary document",
        )


def parse_docx(data: bytes, source: str, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """The Word file's blocks and the title in its document properties."""
    import zipfile

    from docx import Document as load_docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    check_unpacked_size(data, source, limits)
    try:
        doc = load_docx(io.BytesIO(data))
    except ValueError as exc:  # python-docx: the package is not a Word document
        raise DocumentError(source, not_a_word_document(data)) from exc
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, XMLSyntaxError) as exc:
        raise DocumentError(
            source,
            f"the Word file is damaged ({type(exc).__name__}: {exc}); open it in Word and save "
            "it again, or export it as PDF",
        ) from exc
    try:
        title = clean_inline(doc.core_properties.title or "") or None
        return Parsed(_docx_blocks(doc), title)
    except XMLSyntaxError as exc:  # a header, footer or comments part is damaged
        raise DocumentError(
            source,
            f"part of the Word file is damaged ({exc}); open it in Word and save it again",
        ) from exc


def _docx_blocks(doc: Any) -> list[Block]:
    blocks: list[Block] = []
    body = doc.element.body
    tables = iter(doc.tables)
    paragraphs = iter(doc.paragraphs)
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = next(paragraphs)
            hidden = _hidden_runs(para)
            text = clean_inline(para.text)
            if hidden:  # keep what a reader sees; what they cannot see is a block of its own
                unseen = {run._r for run, _ in hidden}  # the run elements (proxies are new)
                text = clean_inline("".join(r.text for r in para.runs if r._r not in unseen))
                for why, group in _group_reasons(hidden):
                    blocks.append(Block("text", clean_inline(group), hidden=why))
            if not text:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            level = _docx_heading_level(style)
            blocks.append(Block("heading" if level else "text", text, level))
        elif tag == "tbl":
            table = next(tables)
            rows = [tuple(clean_inline(c.text) for c in row.cells) for row in table.rows]
            if rows:
                blocks.append(table_block(rows, None))
    blocks.extend(_docx_margins(doc))
    return blocks


# What an Office package really is, from the content type of its main part.
_OFFICE_KINDS = (
    ("macroEnabled", "a macro-enabled Word document (.docm)", "save it as a plain Word document"),
    ("spreadsheetml", "an Excel workbook", "copy the text into a Word document"),
    ("presentationml", "a PowerPoint presentation", "export it as PDF"),
    ("ms-excel", "an Excel workbook", "copy the text into a Word document"),
)


def not_a_word_document(data: bytes) -> str:
    """Say what a file named .docx really is, and what to do."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            types = package.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return "the file is named .docx but is not a Word document; save it as .docx or PDF"
    for marker, kind, advice in _OFFICE_KINDS:
        if marker in types:
            return f"the file is named .docx but is {kind}: {advice}, then upload that"
    return "the file is named .docx but is not a Word document; save it as .docx or PDF"


TINY_POINTS = 3.0  # text this small is not meant to be read


def _hidden_runs(para: Any) -> list[tuple[Any, str]]:
    """Runs of a Word paragraph a reader cannot see, with the reason."""
    out = []
    for run in para.runs:
        if not run.text.strip():
            continue
        font = run.font
        color = font.color.rgb if font.color is not None and font.color.type is not None else None
        if font.hidden:
            out.append((run, "text formatted as hidden"))
        elif color is not None and str(color).upper() == "FFFFFF":
            out.append((run, "white text"))
        elif font.size is not None and font.size.pt <= TINY_POINTS:
            out.append((run, f"{font.size.pt:g}-point text"))
    return out


def _group_reasons(hidden: list[tuple[Any, str]]) -> list[tuple[str, str]]:
    """Consecutive hidden runs with one reason, joined."""
    groups: list[tuple[str, str]] = []
    for run, why in hidden:
        if groups and groups[-1][0] == why:
            groups[-1] = (why, groups[-1][1] + run.text)
        else:
            groups.append((why, run.text))
    return [(why, text) for why, text in groups if text.strip()]


def _docx_margins(doc: Any) -> list[Block]:
    """Headers, footers and comments, as footnote blocks: read, so nothing in them hides.

    Their text is screened for instructions to an assessor like the body's."""
    seen: set[str] = set()
    out: list[Block] = []
    texts: list[str] = []
    for section in doc.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous or section is doc.sections[0]:
                texts.extend(p.text for p in part.paragraphs)
    comments = getattr(doc, "comments", None)
    if comments is not None:
        texts.extend(c.text for c in comments)
    for raw in texts:
        text = clean_inline(raw)
        if text and text not in seen:
            seen.add(text)
            out.append(Block("footnote", text))
    return out


def _docx_heading_level(style: str) -> int:
    if style == "Title":
        return 1
    if match := re.match(r"Heading (\d)", style):
        return int(match.group(1))
    return 0
