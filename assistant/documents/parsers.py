"""Format parsers: bytes or text in, a list of Blocks out.

Markdown and DOCX carry their headings explicitly; PDF and plain text go
through ``blocks_from_paragraphs``, which applies the layout heuristics:
heading detection, footnotes kept out of body sentences, sentences split by a
page break or a footnote rejoined, tab-separated tables kept as rows.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from assistant.documents.model import Block

_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]]+\]")
_FOOTNOTE_DEF = re.compile(r"^\[\^([^\]]+)\]:\s*(.*)")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_PAGE_COMMENT = re.compile(r"^<!--\s*page\s+(\d+)\s*-->$", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
LIST_ITEM = re.compile(r"^\s*(?:[-*•▪]|\d{1,2}[.)])\s+")
_FOOTNOTE_LINE = re.compile(r"^(\d{1,3})\.?\s+\S")
_CITATION_HINT = re.compile(r"(\b(1[89]|20)\d\d\b|\bibid\b|\]\(|https?://|\bop\. cit)", re.I)
PAGE_NUMBER_LINE = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.IGNORECASE)
_DANGLING = frozenset(
    "a an the and or but of to in on at for with by from as that which"
    " who our their its is are was were be will".split()
)
TERMINAL = (".", "!", "?", ":", ";", '"', "”", "’", ")")


def clean_inline(text: str) -> str:
    """Strip Markdown links/footnote references and HTML tags; collapse spaces."""
    text = _LINK.sub(r"\1", text)
    text = _FOOTNOTE_REF.sub("", text)
    text = _TAGS.sub(" ", text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"\\([\\`*_{}\[\]()#+.!|-])", r"\1", text)
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


# --------------------------------------------------------------------- markdown
def parse_markdown(text: str) -> list[Block]:
    blocks: list[Block] = []
    page: int | None = None
    para: list[str] = []
    table: list[tuple[str, ...]] = []

    def flush() -> None:
        nonlocal para, table
        if para:
            joined = clean_inline(" ".join(para))
            if joined:
                blocks.append(Block("text", joined, page=page))
            para = []
        if table:
            blocks.append(table_block(table, page))
            table = []

    for raw in text.splitlines():
        line = re.sub(r"^\s{0,3}>\s?", "", raw.rstrip())  # blockquotes read as plain text
        stripped = line.strip()
        if match := _PAGE_COMMENT.match(stripped):
            flush()
            page = int(match.group(1))
            continue
        if stripped.startswith("|") and stripped.endswith("|"):
            if para:
                flush()
            cells = tuple(clean_inline(c) for c in stripped.strip("|").split("|"))
            if not all(re.fullmatch(r":?-{2,}:?", c.replace(" ", "")) for c in cells if c):
                table.append(cells)
            continue
        if table:
            flush()
        if not stripped:
            flush()
        elif match := _MD_HEADING.match(stripped):
            flush()
            blocks.append(Block("heading", clean_inline(match.group(2)), len(match.group(1)), page))
        elif match := _FOOTNOTE_DEF.match(stripped):
            flush()
            note = clean_inline(match.group(2))
            blocks.append(Block("footnote", f"{match.group(1)}. {note}", page=page))
        elif LIST_ITEM.match(line):
            flush()
            para = [stripped]
        else:
            para.append(stripped)
    flush()
    return blocks


def table_block(rows: list[tuple[str, ...]], page: int | None) -> Block:
    width = max(len(r) for r in rows)
    padded = tuple(tuple(r) + ("",) * (width - len(r)) for r in rows)
    return Block("table", render_table(padded), page=page, rows=padded)


def render_table(rows: tuple[tuple[str, ...], ...]) -> str:
    """One line per record, each cell labelled with its header.

    A table wider than it is tall (records run across the columns, as in a
    spectrum or a comparison) is read column by column, so each line still
    describes one record.
    """
    if len(rows) < 2:
        return " | ".join(rows[0]) if rows else ""
    width = len(rows[0])
    if width - 1 > len(rows) - 1 and width >= 3:
        rows = tuple(tuple(row[i] for row in rows) for i in range(width))
    header, body = rows[0], rows[1:]
    lines = []
    for row in body:
        cells = [f"{h}: {c}" for h, c in zip(header[1:], row[1:], strict=False) if c]
        label = row[0].strip()
        lines.append(f"{label} — " + "; ".join(cells) if label else "; ".join(cells))
    return "\n".join(lines)


# ------------------------------------------------------------ plain text & PDF
def parse_plain_text(text: str) -> list[Block]:
    paragraphs: list[tuple[str, int | None]] = []
    for para in re.split(r"\n[ \t]*\n", text):
        items = split_list_items(para)
        if not any(p.strip() for p, _ in paragraphs):
            items = [line for item in items for line in split_title_block(item)]
        paragraphs.extend((item, None) for item in items)
    return blocks_from_paragraphs(paragraphs)


def split_title_block(para: str) -> list[str]:
    """A document's opening block of short lines with no sentence ending anywhere (a cover:
    organisation, title, "Paper for Board, Item 5", a status line) as one line each, so its
    title lines read as headings, not as one run-on sentence; any other block whole."""
    lines = [ln.strip() for ln in para.splitlines() if ln.strip()]
    if len(lines) < 2 or any(len(ln.split()) > 12 or ln.endswith(TERMINAL) for ln in lines):
        return [para]
    return lines


def split_list_items(para: str) -> list[str]:
    """Split a paragraph whose lines are list items into one paragraph per item."""
    if "\t" in para:
        return [para]
    items: list[list[str]] = [[]]
    for line in para.splitlines():
        if LIST_ITEM.match(line) and items[-1]:
            items.append([])
        items[-1].append(line)
    return ["\n".join(i) for i in items if i]


def looks_like_heading(para: str, dangling_ok: bool = False) -> bool:
    """A short line with no closing punctuation that reads like a title.

    A line ending in "the", "of", "from"… is usually a wrapped sentence; pass
    ``dangling_ok`` when the next line is known to start a new sentence.
    """
    if "\n" in para or len(para) > 100:
        return False
    words = para.split()
    if not 1 <= len(words) <= 12 or para.endswith(TERMINAL) or "," in para:
        return False
    if len(words) > 1 and words[-1].lower() in _DANGLING and not dangling_ok:
        return False
    if para[0].isdigit():  # "2.1 Skills", "3 EVIDENCE", "1. INTRODUCTION"; not "1. Set out…"
        match = re.match(r"^\d+(?:\.\d+)*\.?\s+(\D.*)$", para)
        if match is None:
            return False
        return bool(re.match(r"^\d+\.\d", para)) or match.group(1).isupper()
    if LIST_ITEM.match(para) or PAGE_NUMBER_LINE.match(para) or para.startswith("©"):
        return False
    return para[0].isupper()


def _heading_level(para: str) -> int:
    if re.match(r"^(part|chapter|section)\s+\w+", para, re.IGNORECASE):
        return 1
    if match := re.match(r"^(\d+(?:\.\d+)*)\.?\s", para):
        return min(match.group(1).count(".") + 1, 6)
    return 2


def _looks_like_footnote(para: str) -> bool:
    return (
        bool(_FOOTNOTE_LINE.match(para))
        and len(para.split()) <= 30
        and bool(_CITATION_HINT.search(para))
        and not para.rstrip().endswith(":")
    )


def _tab_table(para: str) -> tuple[tuple[str, ...], ...] | None:
    lines = [ln for ln in para.splitlines() if ln.strip()]
    if len(lines) < 2 or not all("\t" in ln for ln in lines):
        return None
    rows = [
        tuple(clean_inline(re.sub(r"\s+-\s+", ", ", c)).strip(" -,") for c in ln.split("\t"))
        for ln in lines
    ]
    return tuple(rows)


def blocks_from_paragraphs(paragraphs: list[tuple[str, int | None]]) -> list[Block]:
    """Classify paragraphs and rejoin sentences broken by page breaks or footnotes."""
    blocks: list[Block] = []
    pending_notes: list[Block] = []
    broken = False  # the last text block ends mid-sentence
    after_table = False
    for index, (raw, page) in enumerate(paragraphs):
        para = raw.strip("\n")
        if not para.strip():
            continue
        following = next((p.strip() for p, _ in paragraphs[index + 1 :] if p.strip()), "")
        rows = _tab_table(para)
        if rows is not None:
            blocks.extend(pending_notes)
            pending_notes = []
            width = max(len(r) for r in rows)
            blocks.append(table_block([r + ("",) * (width - len(r)) for r in rows], page))
            broken, after_table = False, True
            continue
        text = clean_inline(" ".join(ln.strip() for ln in para.splitlines()))
        if not text:
            continue
        if _looks_like_footnote(text) or (
            broken and bool(_FOOTNOTE_LINE.match(text)) and len(text.split()) <= 30
        ):
            pending_notes.append(Block("footnote", text, page=page))
            continue
        continues = (
            broken
            and not LIST_ITEM.match(text)
            and (text[0].islower() or bool(pending_notes) or _page_changed(blocks, page))
        )
        if continues:
            last = blocks[-1]
            pages = last.page if last.page is not None else page
            blocks[-1] = Block("text", f"{last.text} {text}", page=pages)
        elif looks_like_heading(text, dangling_ok=following[:1].isupper()) and not after_table:
            blocks.extend(pending_notes)
            pending_notes = []
            blocks.append(Block("heading", text, _heading_level(text), page))
            broken, after_table = False, False
            continue
        else:
            blocks.extend(pending_notes)
            pending_notes = []
            blocks.append(Block("text", text, page=page))
        broken = not text.endswith(TERMINAL) and not blocks[-1].text.endswith(TERMINAL)
        after_table = False
        if not broken:
            blocks.extend(pending_notes)
            pending_notes = []
    blocks.extend(pending_notes)
    return blocks


def _page_changed(blocks: list[Block], page: int | None) -> bool:
    return bool(blocks) and page is not None and blocks[-1].page not in (None, page)


# ------------------------------------------------------------------------ HTML
class _HTMLBlocks(HTMLParser):
    _SKIP = frozenset({"script", "style", "nav", "footer", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._buf: list[str] = []
        self._tag: str | None = None
        self._skip = 0
        self._rows: list[list[str]] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li"} and not self._in_cell:
            self._flush()
            self._tag = tag
        elif tag == "tr":
            self._rows.append([])
        elif tag in {"td", "th"}:
            self._in_cell = True
            if not self._rows:
                self._rows.append([])
            self._rows[-1].append("")
        elif tag == "br":
            self._buf.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in {"td", "th"}:
            self._in_cell = False
        elif tag == "table":
            rows = [tuple(clean_inline(c) for c in r) for r in self._rows if r]
            if rows:
                self.blocks.append(table_block(rows, None))
            self._rows = []
        elif tag == self._tag:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_cell and self._rows:
            self._rows[-1][-1] += data
        else:
            self._buf.append(data)

    def _flush(self) -> None:
        text = clean_inline(" ".join(self._buf))
        self._buf = []
        tag, self._tag = self._tag, None
        if not text:
            return
        if tag and tag[0] == "h" and tag[1:].isdigit():
            self.blocks.append(Block("heading", text, int(tag[1:])))
        else:
            self.blocks.append(Block("text", text))


def parse_html(text: str) -> list[Block]:
    parser = _HTMLBlocks()
    parser.feed(text)
    parser.close()
    parser._flush()
    return parser.blocks
