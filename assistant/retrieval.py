"""Hybrid retrieval: dense (Chroma) + BM25 fused by reciprocal rank.

Adjacent hits from one section are merged into one passage. A calibrated
relevance model (``prompts/relevance.json``) combines several signals (dense
similarity, keyword coverage, BM25 strength, score margin) into one relevance
between 0 and 1; below the floor the result says "no relevant guidance" and
offers the closest sections instead of pretending they answer.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.chunking import Chunk
from assistant.embeddings import LisaEmbeddings
from assistant.keyword_index import KeywordIndex, tokenize
from assistant.store import GuidanceStore

RRF_K = 60
FEATURES = ("dense_top", "keyword_coverage", "bm25_top", "dense_margin")


class RelevanceModel(BaseModel):
    """Logistic weights over the retrieval signals, fitted by benchmarks/calibrate_floor.py."""

    weights: dict[str, float] = Field(description="One weight per feature in FEATURES.")
    bias: float
    notes: str = ""

    def probability(self, features: dict[str, float]) -> float:
        missing = set(FEATURES) - set(self.weights)
        if missing:
            raise ValueError(f"relevance model lacks weights for {sorted(missing)}")
        z = self.bias + sum(self.weights[f] * features[f] for f in FEATURES)
        return 1.0 / (1.0 + math.exp(-z))


def load_relevance_model(path: Path) -> RelevanceModel:
    try:
        return RelevanceModel.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"relevance model {path} is missing") from exc


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


class HybridRetriever:
    """Dense + keyword retrieval over a loaded guidance store."""

    def __init__(
        self,
        store: GuidanceStore,
        embeddings: LisaEmbeddings,
        relevance: RelevanceModel,
        floor: float = 0.5,
        candidates: int = 30,
    ) -> None:
        self.store = store
        self.embeddings = embeddings
        self.relevance = relevance
        self.floor = floor
        self.candidates = candidates
        self.chunks: list[Chunk] = sorted(store.all_chunks(), key=lambda c: (c.source, c.position))
        self._by_id = {c.id: i for i, c in enumerate(self.chunks)}
        self._by_place = {(c.source, c.position): c for c in self.chunks}
        self.keywords = KeywordIndex([c.embedding_text() for c in self.chunks])

    def __len__(self) -> int:
        return len(self.chunks)

    def dense(self, query: str, k: int) -> list[tuple[Chunk, float]]:
        vector = self.embeddings.embed_query(query)
        found = self.store.dense_search(vector, min(k, len(self.chunks)))
        return [(self.chunks[self._by_id[i]], s) for i, s in found if i in self._by_id]

    def keyword(self, query: str, k: int) -> list[tuple[Chunk, float]]:
        return [(self.chunks[i], s) for i, s in self.keywords.search(query, k)]

    def retrieve(self, query: str, k: int = 5) -> Retrieval:
        started = time.perf_counter()
        if not self.chunks:
            return Retrieval(query, [], False, 0.0, reason="the guidance library is empty")
        try:
            dense = self.dense(query, self.candidates)
        except Exception as exc:  # the store or the model failed: say so, never return []
            reason = f"retrieval failed ({type(exc).__name__}: {exc}); check the guidance store"
            return Retrieval(query, [], False, 0.0, reason=reason, failed=True)
        keyword = self.keyword(query, self.candidates)
        fused = fuse([dense, keyword])
        dense_of = {c.id: s for c, s in dense}
        kw_of = {c.id: s for c, s in keyword}
        hits = self._merge_neighbours(fused, dense_of, kw_of)[:k]
        features = self.features(query, dense, keyword)
        relevance = self.relevance.probability(features)
        relevant = relevance >= self.floor
        reason = (
            None
            if relevant
            else f"no passage is relevant enough (relevance {relevance:.2f}, floor {self.floor:.2f})"
        )
        elapsed = (time.perf_counter() - started) * 1000
        return Retrieval(query, hits, relevant, relevance, features, reason, elapsed)

    def features(
        self,
        query: str,
        dense: Sequence[tuple[Chunk, float]],
        keyword: Sequence[tuple[Chunk, float]],
    ) -> dict[str, float]:
        terms = max(1, len(set(tokenize(query))))
        top = dense[0][1] if dense else 0.0
        fifth = dense[min(4, len(dense) - 1)][1] if dense else 0.0
        return {
            "dense_top": top,
            "keyword_coverage": self.keywords.coverage(query),
            "bm25_top": (keyword[0][1] / terms) if keyword else 0.0,
            "dense_margin": top - fifth,
        }

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
            if home is not None and len(hits[home]) < 3:
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
