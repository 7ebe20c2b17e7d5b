"""Structure-aware chunking: Documents in, Chunks out.

A chunk never crosses a heading, carries its section path and pages, fits the
embedding model's window (words as a guide, the tokenizer as the judge when
given), and has a deterministic id built from its source, position and text.
Footnotes are gathered into a "Notes" chunk of their own so they never sit
inside body sentences.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from assistant.documents.model import Block, Document

SECTION_SEP = " > "
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(£-])")


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    source: str
    title: str
    section_path: tuple[str, ...]
    pages: tuple[int, ...]
    position: int
    content_hash: str
    kind: str = "text"  # text | table | notes

    @property
    def section(self) -> str:
        return SECTION_SEP.join(self.section_path)

    @property
    def page(self) -> int | None:
        return self.pages[0] if self.pages else None

    def embedding_text(self) -> str:
        """What gets embedded: the innermost heading gives the passage its topic."""
        leaf = self.section_path[-1] if self.section_path else ""
        return f"{leaf}\n{self.text}" if leaf else self.text


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_key(source: str) -> str:
    """A short, stable, Chroma-safe key for a source file name."""
    slug = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")[:40] or "doc"
    return f"{slug}-{content_hash(source)[:8]}"


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def chunk_document(
    doc: Document,
    max_words: int = 170,
    count_tokens: Callable[[str], int] | None = None,
    max_tokens: int = 250,
) -> list[Chunk]:
    """Split a document into chunks that respect its headings."""
    pieces = list(_pieces(doc, max_words))
    chunks: list[Chunk] = []
    for path, kind, texts, pages in _pack(pieces, max_words):
        for text in _fit_tokens("\n".join(texts), path, count_tokens, max_tokens):
            position = len(chunks)
            digest = content_hash(text)
            chunks.append(
                Chunk(
                    id=f"{source_key(doc.source)}-{position:05d}-{digest[:12]}",
                    text=text,
                    source=doc.source,
                    title=doc.title,
                    section_path=path,
                    pages=pages,
                    position=position,
                    content_hash=digest,
                    kind=kind,
                )
            )
    return chunks


_NOT_WORDS = re.compile(r"[^a-z]+")


def near_duplicate_key(text: str) -> str:
    """The text's letters only, lower-cased: pages that differ only in numbers, dates,
    punctuation or spacing (repeated minutes, a form printed per page) share a key."""
    return _NOT_WORDS.sub(" ", text.lower()).strip()


def collapse_near_duplicates(chunks: list[Chunk]) -> tuple[list[Chunk], int]:
    """Keep the first of each run of near-duplicate chunks (same ``near_duplicate_key``):
    copies add nothing to an answer, crowd the real passage out of the top k and degrade
    the approximate index. Returns the chunks kept and how many were collapsed."""
    seen: set[str] = set()
    kept: list[Chunk] = []
    for chunk in chunks:
        key = near_duplicate_key(chunk.text)
        if key in seen:
            continue
        seen.add(key)
        kept.append(chunk)
    return kept, len(chunks) - len(kept)


_Piece = tuple[tuple[str, ...], str, str, int | None]  # section path, kind, text, page


def _pieces(doc: Document, max_words: int) -> Iterator[_Piece]:
    """Walk blocks, tracking the heading stack; long paragraphs split by sentence."""
    stack: list[tuple[int, str]] = []
    notes: list[Block] = []
    for block in doc.blocks:
        if block.hidden:  # text a reader cannot see is not guidance
            continue
        if block.kind == "heading":
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            stack.append((block.level, block.text))
            continue
        if block.kind == "footnote":
            notes.append(block)
            continue
        path = tuple(text for _, text in stack)
        if block.kind == "table":
            for line in block.text.splitlines():
                yield from ((path, "table", part, block.page) for part in _split(line, max_words))
        else:
            yield from ((path, "text", part, block.page) for part in _split(block.text, max_words))
    top = (stack[0][1],) if stack else ()
    for note in notes:
        yield (*top, "Notes"), "notes", note.text, note.page


def _split(text: str, max_words: int) -> list[str]:
    if len(text.split()) <= max_words:
        return [text]
    parts: list[str] = []
    current: list[str] = []
    for sentence in split_sentences(text):
        words = sentence.split()
        if len(words) > max_words:  # a run-on "sentence": cut by words
            parts.extend(
                " ".join(words[i : i + max_words]) for i in range(0, len(words), max_words)
            )
            continue
        if current and len(" ".join([*current, sentence]).split()) > max_words:
            parts.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        parts.append(" ".join(current))
    return parts


def _pack(
    pieces: list[_Piece], max_words: int
) -> Iterator[tuple[tuple[str, ...], str, list[str], tuple[int, ...]]]:
    """Greedily pack consecutive pieces of one section (and kind) into chunks."""
    buf: list[str] = []
    pages: list[int] = []
    key: tuple[tuple[str, ...], str] | None = None
    words = 0
    for path, kind, text, page in pieces:
        n = len(text.split())
        same_place = key is not None and key[0] == path and "notes" not in (kind, key[1])
        if buf and (not same_place or words + n > max_words):
            yield key[0], key[1], buf, tuple(sorted(set(pages)))  # type: ignore[index]
            buf, pages, words = [], [], 0
            key = None
        key = (path, "table" if kind == "table" or (key and key[1] == "table") else kind)
        buf.append(text)
        words += n
        if page is not None:
            pages.append(page)
    if buf and key is not None:
        yield key[0], key[1], buf, tuple(sorted(set(pages)))


def _fit_tokens(
    text: str,
    path: tuple[str, ...],
    count_tokens: Callable[[str], int] | None,
    max_tokens: int,
) -> list[str]:
    """Halve a chunk by sentences until the tokenizer says it fits."""
    leaf = path[-1] if path else ""
    if count_tokens is None or count_tokens(f"{leaf}\n{text}") <= max_tokens:
        return [text]
    sentences = split_sentences(text)
    if len(sentences) < 2:
        words = text.split()
        if len(words) < 2:
            return [text]
        sentences = [" ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2 :])]
    mid = len(sentences) // 2
    return _fit_tokens(" ".join(sentences[:mid]), path, count_tokens, max_tokens) + _fit_tokens(
        " ".join(sentences[mid:]), path, count_tokens, max_tokens
    )
