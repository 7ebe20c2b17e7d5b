"""The Document model every input format is read into, guidance and drafts alike.

A ``Document`` is an ordered list of ``Block``s (headings, paragraphs, tables,
footnotes) with page numbers where the format has pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from assistant.errors import SourceError

if TYPE_CHECKING:
    from assistant.settings import Settings

BlockKind = Literal["heading", "text", "table", "footnote"]

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".md", ".markdown", ".txt", ".html", ".htm")
SIDECAR_SUFFIX = ".meta.json"
METADATA_FIELDS = ("title", "publisher", "date", "licence", "url", "status")


class DocumentError(SourceError):
    """A document that cannot be read or used."""


@dataclass(frozen=True)
class Limits:
    """The most work one file may cause, checked before the work is done (a small file can
    inflate: a zip bomb in a DOCX, a one-line Markdown file of millions of characters).
    The defaults are ``Settings``' defaults; ``Limits.from_settings`` gives the
    configured ones."""

    max_unpacked_bytes: int = 100 * 1_048_576  # a DOCX's parts, uncompressed
    max_compression_ratio: float = 100.0  # uncompressed ÷ compressed size of a DOCX
    max_chars: int = 2_000_000  # characters of text in one document
    max_pages: int = 1_000  # pages of one PDF

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_unpacked_bytes=int(settings.max_unpacked_mb * 1_048_576),
            max_compression_ratio=settings.max_compression_ratio,
            max_chars=settings.max_chars,
            max_pages=settings.max_pages,
        )


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str
    level: int = 0  # heading level, 1 = top
    page: int | None = None  # 1-based page as printed, when the format has pages
    rows: tuple[tuple[str, ...], ...] = ()  # tables: header row first
    hidden: str = ""  # why a reader cannot see it ("white text", "1-point text"); "" if visible


@dataclass(frozen=True)
class Parsed:
    """What a parser read from one file, in one pass: blocks, the embedded title (document
    properties or metadata) and the pages with no text layer."""

    blocks: list[Block]
    title: str | None = None
    pages_without_text: tuple[int, ...] = ()


@dataclass(frozen=True)
class Document:
    source: str  # file name as shown in citations
    title: str
    blocks: tuple[Block, ...]
    metadata: dict[str, str] = field(default_factory=dict)
    pages_without_text: tuple[int, ...] = ()  # page labels with no text layer (scanned?)

    @property
    def word_count(self) -> int:
        return sum(len(b.text.split()) for b in self.blocks)

    @property
    def page_count(self) -> int | None:
        pages = [b.page for b in self.blocks if b.page is not None]
        return max(pages) if pages else None
