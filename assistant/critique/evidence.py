"""A draft's sentences as evidence units, and the ephemeral store they are searched in.

``draft_units(document)`` walks the parsed draft and yields one ``DraftUnit``
per sentence (or table row), with the verbatim text quoted back to the
officer, the text that is embedded, the section it sits under and its page.

``EphemeralIndex`` holds one critique's unit vectors in an in-memory Chroma
collection of its own: a fresh ``EphemeralClient`` collection with a random
name, filled with vectors we computed (Chroma's default embedding function is
never used, so nothing is downloaded), searched only by this critique, and
deleted when the ``with`` block ends. The guidance store is never touched.
"""

from __future__ import annotations

import contextlib
import re
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.critique.substance import strip_enumerator
from assistant.documents.chunking import SECTION_SEP, split_sentences
from assistant.documents.model import Document

_CLIENT_LOCK = threading.Lock()
_CLIENT: Any = None
_MIN_WORDS = 3
_NUMBERED_HEADING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[A-Z]\.)\s+[A-Z][^.!?:;]*$")


@dataclass(frozen=True)
class DraftUnit:
    """One sentence or table row of a draft."""

    index: int
    text: str  # verbatim draft text, quoted as evidence
    embed_text: str  # what is embedded (a table row carries its column headers)
    section_path: tuple[str, ...]
    page: int | None
    block: int  # index of the block it came from (sentences of one paragraph share it)
    kind: str = "text"  # text | table | footnote

    @property
    def section(self) -> str:
        return SECTION_SEP.join(self.section_path)

    @property
    def heading(self) -> str:
        return self.section_path[-1] if self.section_path else ""


def draft_units(document: Document) -> list[DraftUnit]:
    """Sentences and table rows of a draft, in reading order, with section and page."""
    units: list[DraftUnit] = []
    stack: list[tuple[int, str]] = []
    for number, block in enumerate(document.blocks):
        level = block.level if block.kind == "heading" else _implied_heading_level(block.text)
        if block.kind == "heading" or (block.kind == "text" and level):
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, strip_enumerator(block.text) or block.text))
            continue
        path = tuple(text for _, text in stack)
        if block.kind == "table" and len(block.rows) >= 2:
            rendered = block.text.splitlines()
            for i, row in enumerate(block.rows[1:]):
                quote = " | ".join(cell for cell in row if cell)
                embed = rendered[i] if i < len(rendered) else quote
                if len(quote.split()) >= 2:
                    units.append(_unit(units, quote, embed, path, block.page, number, "table"))
            continue
        for sentence in split_sentences(strip_enumerator(block.text)):
            quote = strip_enumerator(sentence)
            if not re.search(r"[^\W\d_]", quote):
                continue  # a stray list number or symbol, not a sentence
            if len(quote.split()) >= _MIN_WORDS or re.search(r"\d", quote):
                kind = "footnote" if block.kind == "footnote" else "text"
                units.append(_unit(units, quote, quote, path, block.page, number, kind))
    return units


def embedding_windows(units: Sequence[DraftUnit], max_words: int) -> list[tuple[str, list[int]]]:
    """Consecutive sentences of one paragraph grouped up to ``max_words`` for embedding.

    Embedding a few sentences together costs far less than one at a time (the model's
    time goes per text as much as per word), and a paragraph's sentences share a topic.
    Returns (text to embed, indexes of the units it covers). ``max_words`` 0 keeps
    one sentence per window.
    """
    windows: list[tuple[str, list[int]]] = []
    texts: list[str] = []
    members: list[int] = []
    words = 0
    block = -1
    for position, unit in enumerate(units):
        size = len(unit.embed_text.split())
        if members and (unit.block != block or words + size > max_words):
            windows.append((" ".join(texts), members))
            texts, members, words = [], [], 0
        texts.append(unit.embed_text)
        members.append(position)
        words += size
        block = unit.block
    if members:
        windows.append((" ".join(texts), members))
    return windows


def _implied_heading_level(text: str) -> int:
    """A heading the parser left as text: "3. OUR ECONOMY", "7. Partners" (0 if not)."""
    words = text.split()
    if not 1 <= len(words) <= 10 or text.rstrip().endswith((".", "!", "?", ":", ";", ",")):
        return 0
    letters = [c for c in text if c.isalpha()]
    shouting = bool(letters) and all(c.isupper() for c in letters) and len(letters) >= 4
    if _NUMBERED_HEADING.match(text) and (shouting or len(words) <= 6):
        return 2
    return 3 if shouting else 0


def _unit(
    units: list[DraftUnit],
    text: str,
    embed: str,
    path: tuple[str, ...],
    page: int | None,
    block: int,
    kind: str,
) -> DraftUnit:
    return DraftUnit(len(units), text, embed, path, page, block, kind)


def _client() -> Any:
    """The process's in-memory Chroma client (telemetry off), created once."""
    global _CLIENT
    with _CLIENT_LOCK:
        if _CLIENT is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            _CLIENT = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        return _CLIENT


class EphemeralIndex:
    """One critique's private, in-memory vector collection; deleted on exit."""

    def __init__(self, vectors: Sequence[Sequence[float]], ids: Sequence[str] | None = None):
        self.name = f"draft-{uuid.uuid4().hex}"
        self._vectors = [list(v) for v in vectors]
        self._ids = list(ids) if ids is not None else [str(i) for i in range(len(vectors))]
        self._collection: Any = None

    def __enter__(self) -> EphemeralIndex:
        client = _client()
        self._collection = client.create_collection(
            name=self.name, metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
        size = max(1, int(client.get_max_batch_size()))
        for start in range(0, len(self._vectors), size):
            self._collection.add(
                ids=self._ids[start : start + size],
                embeddings=self._vectors[start : start + size],
            )
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._collection is not None:
            self._collection = None
            with contextlib.suppress(Exception):  # already gone: nothing to clean up
                _client().delete_collection(self.name)

    def __len__(self) -> int:
        return len(self._vectors)

    def query(self, vectors: Sequence[Sequence[float]], n: int) -> list[list[tuple[str, float]]]:
        """For each query vector, the ``n`` nearest units as (id, cosine similarity)."""
        if self._collection is None:
            raise RuntimeError("the ephemeral index is closed")
        n = min(n, len(self._vectors))
        if n <= 0 or not vectors:
            return [[] for _ in vectors]
        result = self._collection.query(
            query_embeddings=[list(v) for v in vectors], n_results=n, include=["distances"]
        )
        distances = result.get("distances") or [[] for _ in vectors]
        return [
            [(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]
            for ids, dists in zip(result["ids"], distances, strict=True)
        ]


def iter_sections(units: Sequence[DraftUnit]) -> Iterator[tuple[tuple[str, ...], list[DraftUnit]]]:
    """Units grouped by section, in order."""
    current: list[DraftUnit] = []
    path: tuple[str, ...] | None = None
    for unit in units:
        if path is not None and unit.section_path != path and current:
            yield path, current
            current = []
        path = unit.section_path
        current.append(unit)
    if current and path is not None:
        yield path, current
