"""Hybrid retrieval: dense (Chroma) + BM25 fused by reciprocal rank.

Adjacent hits from one section are merged into one passage. A calibrated
relevance model (``prompts/relevance.json``) combines several signals (dense
similarity, keyword coverage, BM25 strength, names the library never
mentions, amounts asked for but absent) into one relevance
between 0 and 1; below the floor the result says "no relevant guidance" and
offers the closest sections instead of pretending they answer.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field, model_validator

from assistant.documents.chunking import Chunk
from assistant.library.embeddings import LisaEmbeddings
from assistant.library.keyword_index import KeywordIndex, tokenize
from assistant.library.store import GuidanceStore

RRF_K = 60
FEATURES = (
    "dense_top",
    "keyword_coverage",
    "bm25_top",
    "coverage_shortfall",
    "unmatched_name",
    "quantity_gap",
)
# Capitalised names in a question ("Shared Prosperity Fund", "Scotland"): the first word of
# the question and a few ubiquitous acronyms do not count.
_NAME = re.compile(
    r"(?<!^)(?<![.?!]\s)\b[A-Z][\w'’&-]*(?:\s+(?:of\s+|and\s+|for\s+)?[A-Z][\w'’&-]*)*"
)
_COMMON_NAMES = frozenset({"I", "LEP", "LEPS", "LIS", "LISS", "UK", "DCMS", "OK"})
_JOINERS = frozenset({"of", "and", "for"})
# Questions that ask for an amount; an answer needs a figure near the question's topic.
_QUANTITY = re.compile(
    r"\b(how\s+(much|many|long|often|fast|big)|cost|costs|price|rate|speed|percentage|"
    r"what\s+(year|date)|when\s+(is|was|will|must)|deadline|budget|salary)\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")


class RelevanceModel(BaseModel):
    """Logistic weights over the retrieval signals, fitted by benchmarks/calibrate_floor.py."""

    weights: dict[str, float] = Field(description="One weight per feature in FEATURES.")
    bias: float
    notes: str = ""

    @model_validator(mode="after")
    def _one_weight_per_feature(self) -> RelevanceModel:
        if set(self.weights) != set(FEATURES):
            raise ValueError(
                f"weights must be exactly {list(FEATURES)}; got {sorted(self.weights)}: "
                "re-run benchmarks/calibrate_floor.py"
            )
        return self

    def probability(self, features: dict[str, float]) -> float:
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
            failure = f"retrieval failed ({type(exc).__name__}: {exc}); check the guidance store"
            return Retrieval(query, [], False, 0.0, reason=failure, failed=True)
        keyword = self.keyword(query, self.candidates)
        fused = fuse([dense, keyword])
        dense_of = {c.id: s for c, s in dense}
        kw_of = {c.id: s for c, s in keyword}
        hits = self._merge_neighbours(fused, dense_of, kw_of)[:k]
        features = self.features(query, dense, keyword)
        relevance = self.relevance.probability(features)
        relevant = relevance >= self.floor
        reason: str | None = None
        if not relevant:
            reason = (
                f"no passage is relevant enough (relevance {relevance:.2f}, floor {self.floor:.2f})"
            )
        elapsed = (time.perf_counter() - started) * 1000
        return Retrieval(query, hits, relevant, relevance, features, reason, elapsed)

    def features(
        self,
        query: str,
        dense: Sequence[tuple[Chunk, float]],
        keyword: Sequence[tuple[Chunk, float]],
    ) -> dict[str, float]:
        """The signals the relevance model weighs (see FEATURES)."""
        terms = max(1, len(set(tokenize(query))))
        top = dense[0][1] if dense else 0.0
        candidates = [c for c, _ in dense[:10]] + [c for c, _ in keyword[:10]]
        coverage = self.keywords.coverage(query)
        return {
            "dense_top": top,
            "keyword_coverage": coverage,
            "bm25_top": (keyword[0][1] / terms) if keyword else 0.0,
            # most of the question's words never occur in the library: a cliff, not a slope
            "coverage_shortfall": max(0.0, 0.5 - coverage) * 2,
            "unmatched_name": unmatched_name(query, candidates),
            "quantity_gap": quantity_gap(query, candidates[:3] + [c for c, _ in keyword[:2]]),
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


def unmatched_name(query: str, candidates: Sequence[Chunk]) -> float:
    """1.0 when the question names something no candidate passage mentions.

    A one-word name must appear in a candidate passage; the words of a longer
    name must all appear in one sentence ("Social Value Act" matches "The
    Public Services (Social Value) Act 2012").
    """
    text = " ".join(c.embedding_text() for c in candidates).lower()
    sentences = [set(re.findall(r"[\w'’&-]+", s)) for s in re.split(r"(?<=[.!?;])\s+|\n", text)]
    for match in _NAME.finditer(query):
        words = [
            w.strip("'’-").lower().removesuffix("'s").removesuffix("’s")
            for w in match.group(0).split()
        ]
        words = [w for w in words if w and w.upper() not in _COMMON_NAMES and w not in _JOINERS]
        if not words:
            continue
        if len(words) == 1:
            found = re.search(rf"\b{re.escape(words[0])}", text) is not None
        else:
            found = any(all(w in sentence for w in words) for sentence in sentences)
        if not found:
            return 1.0
    return 0.0


def quantity_gap(query: str, candidates: Sequence[Chunk]) -> float:
    """1.0 when the question asks for an amount and its best-matching sentences hold no figure."""
    if not _QUANTITY.search(query):
        return 0.0
    terms = set(tokenize(_QUANTITY.sub(" ", query)))
    best: list[tuple[int, str]] = []
    for chunk in candidates:
        for sentence in re.split(r"(?<=[.!?;])\s+|\n", chunk.text):
            overlap = len(terms & set(tokenize(sentence)))
            if overlap:
                best.append((overlap, sentence))
    if not best:
        return 1.0
    top = max(o for o, _ in best)
    near_top = [s for o, s in best if o >= max(1, top - 1)]
    return 0.0 if any(_DIGIT.search(s) for s in near_top) else 1.0
