"""Hybrid retrieval: dense (Chroma) + BM25 fused by reciprocal rank.

Adjacent hits from one section are merged into one passage. The answerability
model (``assistant.ask.answerability``, fitted data in
``prompts/answerability.json``) turns the question and the best sentences of the
passages into one probability that the library answers it (``relevance``);
below the floor the result says so and offers the closest sections instead of
pretending they answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.ask.answerability import (
    AnswerabilityModel,
    Unit,
    answerability_features,
    candidate_units,
    explain,
)
from assistant.ask.query_terms import QueryTerms
from assistant.ask.sentences import is_caption
from assistant.documents.chunking import Chunk
from assistant.library.embeddings import LisaEmbeddings
from assistant.library.keyword_index import KeywordIndex, chunk_texts
from assistant.library.passages import MERGED_CHUNKS
from assistant.library.sentence_vectors import SentenceVectors
from assistant.library.snapshot import LibraryRead, read_store
from assistant.library.store import GuidanceStore

RRF_K = 60
KeywordSource = Callable[[Sequence[Chunk]], KeywordIndex]


def _build_keywords(chunks: Sequence[Chunk]) -> KeywordIndex:
    return KeywordIndex(chunk_texts(chunks))


@dataclass(frozen=True)
class Hit:
    """One retrieved passage: a chunk, or adjacent chunks of one section merged."""

    chunks: tuple[Chunk, ...]
    score: float  # fused reciprocal-rank score
    dense: float  # best cosine similarity among the chunks
    keyword: float  # best BM25 score among the chunks

    @property
    def chunk(self) -> Chunk:
        return self.chunks[0]

    @property
    def id(self) -> str:
        return self.chunks[0].id

    @property
    def text(self) -> str:
        return "\n".join(c.text for c in self.chunks)

    @property
    def pages(self) -> tuple[int, ...]:
        return tuple(sorted({p for c in self.chunks for p in c.pages}))


@dataclass
class Retrieval:
    query: str
    hits: list[Hit]
    relevant: bool
    relevance: float
    features: dict[str, float] = field(default_factory=dict)
    reason: str | None = None
    timing_ms: float = 0.0
    failed: bool = False  # the search itself failed (reason says why), not "no match"
    closest: Unit | None = None  # the sentence that comes nearest to answering


class HybridRetriever:
    """Dense + keyword retrieval over a loaded guidance store."""

    def __init__(
        self,
        store: GuidanceStore,
        embeddings: LisaEmbeddings,
        relevance: AnswerabilityModel,
        floor: float = 0.5,
        candidates: int = 30,
        sentences: SentenceVectors | None = None,
        exact_max: int = 50_000,
        keyword_index: KeywordSource | None = None,
        library: LibraryRead | None = None,
        query_terms: QueryTerms | None = None,
    ) -> None:
        """``keyword_index`` gives the keyword index of the library's chunks (in library
        order): the service loads the one ingest saved; by default it is built here.
        ``library`` is the library as read at start-up (the service reads the snapshot
        ingest saved); by default it is read from ``store``, which is then used only to
        search libraries over ``exact_max`` chunks. ``query_terms`` adds the guidance's
        words for officers' phrases to the text searched (``prompts/query_terms.yaml``);
        the answerability features still read the question as asked."""
        self.store = store
        self.embeddings = embeddings
        self.relevance = relevance.for_embeddings(embeddings.name)
        self.sentences = sentences or SentenceVectors(embeddings.embed_documents)
        self.floor = floor
        self.candidates = candidates
        self.query_terms = query_terms or QueryTerms()
        if library is None:
            library = read_store(store, exact_max)[1]
        self.chunks: list[Chunk] = library.chunks
        self.library_digest = library.digest  # what saved indexes are checked against
        self._by_id = {c.id: i for i, c in enumerate(self.chunks)}
        self.keywords = (keyword_index or _build_keywords)(self.chunks)
        self.headings = sorted({h for c in self.chunks for h in c.section_path})
        self.lexicon = library.lexicon
        # Exact search over the stored vectors while the library is small enough for it to
        # be as fast: an approximate (HNSW) index can silently lose passages after deletes,
        # rebuilds and near-duplicates; a matrix product cannot.
        self.matrix: np.ndarray | None = library.vectors

    def __len__(self) -> int:
        return len(self.chunks)

    def dense(
        self, query: str, k: int, vector: Sequence[float] | None = None
    ) -> list[tuple[Chunk, float]]:
        if vector is None:
            vector = self.embeddings.embed_query(query)
        k = min(k, len(self.chunks))
        if k <= 0:
            return []
        if self.matrix is not None:
            cosines = self.matrix @ np.asarray(vector, dtype=np.float32)
            top = np.argpartition(-cosines, k - 1)[:k] if k < len(cosines) else np.arange(k)
            order = top[np.argsort(-cosines[top], kind="stable")]
            return [(self.chunks[int(i)], float(cosines[i])) for i in order]
        found = self.store.dense_search(vector, k)
        return [(self.chunks[self._by_id[i]], s) for i, s in found if i in self._by_id]

    def keyword(self, query: str, k: int) -> list[tuple[Chunk, float]]:
        return [(self.chunks[i], s) for i, s in self.keywords.search(query, k)]

    def retrieve(self, query: str, k: int = 5) -> Retrieval:
        started = time.perf_counter()
        if not self.chunks:
            return Retrieval(query, [], False, 0.0, reason="the guidance library is empty")
        searched = self.query_terms.expand(query)
        try:
            vector = self.embeddings.embed_query(searched)
            dense = self.dense(searched, self.candidates, vector)
        except Exception as exc:  # the store or the model failed: say so, never return []
            failure = f"retrieval failed ({type(exc).__name__}: {exc}); check the guidance store"
            return Retrieval(query, [], False, 0.0, reason=failure, failed=True)
        keyword = self.keyword(searched, self.candidates)
        fused = fuse([dense, keyword])
        dense_of = {c.id: s for c, s in dense}
        kw_of = {c.id: s for c, s in keyword}
        hits = [self._with_table(h) for h in self._merge_neighbours(fused, dense_of, kw_of)[:k]]
        units = self.units(vector, hits)
        features = self.features(query, dense, keyword, units)
        relevance = self.relevance.probability(features, vector)
        relevant = relevance >= self.floor
        reason = None if relevant else explain(query, features, self.lexicon)
        answers = [u for u in units if not u.is_pointer]
        closest = max(answers, key=lambda u: u.cosine) if answers else None
        elapsed = (time.perf_counter() - started) * 1000
        return Retrieval(
            query, hits, relevant, relevance, features, reason, elapsed, closest=closest
        )

    def units(self, vector: Sequence[float], hits: Sequence[Hit]) -> list[Unit]:
        """Candidate answer sentences of the top passages, with their cosine to the query."""
        found = candidate_units([(h.chunk, h.text) for h in hits])
        cosines = self.sentences.cosines(vector, [unit for _, _, unit, _ in found])
        return [
            Unit(shown, cosine, index, chunk)
            for (index, chunk, _, shown), cosine in zip(found, cosines, strict=True)
        ]

    def features(
        self,
        query: str,
        dense: Sequence[tuple[Chunk, float]],
        keyword: Sequence[tuple[Chunk, float]],
        units: Sequence[Unit],
    ) -> dict[str, float]:
        """The signals the answerability model weighs (see answerability.FEATURES)."""
        candidates = [c for c, _ in dense[:10]] + [c for c, _ in keyword[:10]]
        return answerability_features(
            query,
            dense[0][1] if dense else 0.0,
            units,
            candidates,
            self.keywords,
            self.headings,
            self.lexicon,
        )

    def _with_table(self, hit: Hit) -> Hit:
        """A caption found on its own brings the table it captions (same section, adjacent)."""
        if any(c.kind == "table" for c in hit.chunks) or not all(
            is_caption(line) for line in hit.text.splitlines() if line.strip()
        ):
            return hit
        at = self._by_id[hit.chunk.id]
        near = [self.chunks[i] for i in range(max(0, at - 2), min(len(self.chunks), at + 3))]
        table = [
            c
            for c in near
            if c.kind == "table"
            and c.source == hit.chunk.source
            and c.section_path == hit.chunk.section_path
        ]
        if not table:
            return hit
        chunks = tuple(sorted({*hit.chunks, *table}, key=lambda c: c.position))
        return Hit(chunks, hit.score, hit.dense, hit.keyword)

    def _merge_neighbours(
        self,
        fused: list[tuple[Chunk, float]],
        dense_of: dict[str, float],
        kw_of: dict[str, float],
    ) -> list[Hit]:
        """Fold a hit into an earlier, better hit when they are adjacent in one section."""
        hits: list[list[Chunk]] = []
        scores: list[float] = []
        placed: dict[tuple[str, int], int] = {}
        for chunk, score in fused:
            home = None
            for delta in (-1, 1):
                slot = placed.get((chunk.source, chunk.position + delta))
                if slot is not None and hits[slot][0].section_path == chunk.section_path:
                    home = slot
                    break
            if home is not None and len(hits[home]) < MERGED_CHUNKS:
                hits[home].append(chunk)
                hits[home].sort(key=lambda c: c.position)
                placed[(chunk.source, chunk.position)] = home
                continue
            placed[(chunk.source, chunk.position)] = len(hits)
            hits.append([chunk])
            scores.append(score)
        return [
            Hit(
                chunks=tuple(group),
                score=score,
                dense=max(dense_of.get(c.id, 0.0) for c in group),
                keyword=max(kw_of.get(c.id, 0.0) for c in group),
            )
            for group, score in zip(hits, scores, strict=True)
        ]


def fuse(rankings: Sequence[Sequence[tuple[Chunk, float]]]) -> list[tuple[Chunk, float]]:
    """Reciprocal rank fusion of several rankings."""
    scores: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    for ranking in rankings:
        for rank, (chunk, _) in enumerate(ranking):
            scores[chunk.id] = scores.get(chunk.id, 0.0) + 1.0 / (RRF_K + rank + 1)
            chunks[chunk.id] = chunk
    return sorted(((chunks[i], s) for i, s in scores.items()), key=lambda x: -x[1])
