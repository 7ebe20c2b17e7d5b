"""Verbatim guidance sentences to show beside each principle's verdict.

The quotes come from the guidance store's own chunks (``HybridRetriever.chunks``
or anything with a ``chunks`` list): the chunks under the principle's guidance
sections (matched on heading text, exactly as the rubric names them), split
into sentences, ranked by similarity to what the principle asks. Sentence
vectors are computed once per guidance library and embedding model, and
cached, so a batch of critiques embeds the guidance only once.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.critique.model import GuidanceQuote
from assistant.critique.rubric import Principle
from assistant.documents.chunking import Chunk, split_sentences
from assistant.library.embeddings import LisaEmbeddings
from assistant.vectors import unit_rows

_BULLET = re.compile(r"^\s*(?:[-*•▪]|\d{1,2}[.)])\s+")
_MIN_WORDS = 5
_CACHE_SIZE = 4
_SPREAD = 0.12  # later quotes must be nearly as close to the principle as the first


class GuidanceSource(Protocol):
    """Anything holding the guidance library's chunks (``HybridRetriever`` does)."""

    @property
    def chunks(self) -> Sequence[Chunk]: ...


@dataclass(frozen=True)
class _Sentence:
    text: str
    chunk: Chunk


class _SentenceVectors:
    """Guidance sentences and their unit vectors."""

    def __init__(self, sentences: list[_Sentence], vectors: np.ndarray) -> None:
        self.sentences = sentences
        self.vectors = vectors


_CACHE: OrderedDict[str, _SentenceVectors] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def guidance_sentences(chunks: Sequence[Chunk]) -> list[_Sentence]:
    """Body sentences of the guidance (no footnotes or tables), bullets stripped."""
    out: list[_Sentence] = []
    for chunk in chunks:
        if chunk.kind != "text":
            continue
        for line in chunk.text.splitlines():
            for sentence in split_sentences(line.strip()):
                text = _BULLET.sub("", sentence).strip()
                if len(text.split()) >= _MIN_WORDS:
                    out.append(_Sentence(text, chunk))
    return out


def _key(chunks: Sequence[Chunk], embeddings: LisaEmbeddings) -> str:
    digest = hashlib.sha256(embeddings.name.encode())
    for chunk in chunks:
        digest.update(chunk.id.encode())
        digest.update(chunk.content_hash.encode())
    return digest.hexdigest()


def sentence_vectors(chunks: Sequence[Chunk], embeddings: LisaEmbeddings) -> _SentenceVectors:
    """The guidance sentences with vectors, from the cache when already computed."""
    key = _key(chunks, embeddings)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    sentences = guidance_sentences(chunks)
    raw = embeddings.embed_documents([s.text for s in sentences]) if sentences else []
    vectors = unit_rows(np.array(raw, dtype=np.float32).reshape(len(sentences), -1))
    entry = _SentenceVectors(sentences, vectors)
    with _CACHE_LOCK:
        _CACHE[key] = entry
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return entry


def _in_sections(chunk: Chunk, sections: Sequence[str]) -> bool:
    wanted = {s.casefold() for s in sections}
    return any(h.casefold() in wanted for h in chunk.section_path)


def quotes_for(
    principle: Principle,
    guidance: GuidanceSource,
    embeddings: LisaEmbeddings,
    k: int = 2,
) -> tuple[GuidanceQuote, ...]:
    """The ``k`` guidance sentences from the principle's sections closest to what it asks."""
    table = sentence_vectors(list(guidance.chunks), embeddings)
    picks = [
        i
        for i, s in enumerate(table.sentences)
        if _in_sections(s.chunk, principle.guidance_sections)
    ]
    if not picks:
        return ()
    query = unit_rows(np.array([embeddings.embed_query(principle.asks)], dtype=np.float32))[0]
    scores = table.vectors[picks] @ query
    floor = float(scores.max()) - _SPREAD
    chosen: list[GuidanceQuote] = []
    seen: set[str] = set()
    for position in np.argsort(-scores):
        sentence = table.sentences[picks[int(position)]]
        if sentence.text in seen or (chosen and scores[position] < floor):
            continue
        seen.add(sentence.text)
        chosen.append(
            GuidanceQuote(
                source=sentence.chunk.source,
                section=sentence.chunk.section,
                quote=sentence.text,
                title=sentence.chunk.title,
            )
        )
        if len(chosen) >= k:
            break
    return tuple(chosen)


def missing_sections(principles: Sequence[Principle], guidance: GuidanceSource) -> list[str]:
    """Rubric guidance sections with no chunk in the library (a stale rubric or library)."""
    headings = {h.casefold() for c in guidance.chunks for h in c.section_path}
    return sorted(
        {s for p in principles for s in p.guidance_sections if s.casefold() not in headings}
    )
