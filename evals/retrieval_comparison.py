"""Retrieval comparison: LISA's hybrid retriever against BM25 only, dense only and the
tutorial pipeline (``evals.baselines``), by section hit, MRR and nDCG."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from evals import metrics as M

if TYPE_CHECKING:
    from evals.baselines import TutorialRetriever

DEPTH = 10  # retrieval depth for MRR/nDCG


def sections_of_chunks(chunks: Sequence[Any]) -> list[str]:
    return [c.section_path[-1] if c.section_path else "" for c in chunks]


def relevant_chunk_count(chunks: Sequence[Any], gold: str | None) -> int:
    return sum(M.section_matches(s, gold) for s in sections_of_chunks(chunks))


def retrieval_ranks(
    lisa: Any, query: str, tutorial: TutorialRetriever | None
) -> dict[str, list[str]]:
    """The sections every retriever ranks for ``query``, best first (a retrieval record's
    ``hybrid``, ``hybrid_chunks``, ``bm25``, ``dense`` and, with the baseline, ``tutorial``)."""
    retrieval = lisa.retriever.retrieve(query, DEPTH)
    ranks: dict[str, list[str]] = {
        "hybrid": [
            h.chunk.section_path[-1] if h.chunk.section_path else "" for h in retrieval.hits
        ],
        "hybrid_chunks": sections_of_chunks([c for h in retrieval.hits for c in h.chunks])[:DEPTH],
        "bm25": sections_of_chunks([c for c, _ in lisa.retriever.keyword(query, DEPTH)]),
        "dense": sections_of_chunks([c for c, _ in lisa.retriever.dense(query, DEPTH)]),
    }
    if tutorial is not None:
        ranks["tutorial"] = [c.section for c, _ in tutorial.search(query)]
    return ranks


def score_retrieval(retrievals: Sequence[dict[str, Any]], lisa: Any) -> dict[str, Any]:
    rows = [r for r in retrievals if "hybrid" in r]
    if not rows:
        return {"questions": 0}
    chunks = lisa.retriever.chunks
    per_system: dict[str, list[dict[str, float]]] = {"hybrid": [], "bm25": [], "dense": []}
    tutorial_rows: list[dict[str, float]] = []
    misses = []
    for r in rows:
        n_rel = relevant_chunk_count(chunks, r["gold"])
        hybrid = M.retrieval_scores(r["hybrid"], r["gold"], ks=(1, 4, 5), depth=DEPTH)
        hybrid[f"ndcg@{DEPTH}"] = M.ndcg_at(
            M.relevance_flags(r["hybrid_chunks"], r["gold"]), DEPTH, n_rel
        )
        per_system["hybrid"].append(hybrid)
        for name in ("bm25", "dense"):
            per_system[name].append(
                M.retrieval_scores(r[name], r["gold"], n_rel, ks=(1, 4, 5), depth=DEPTH)
            )
        if "tutorial" in r:
            flags = M.relevance_flags(r["tutorial"], r["gold"])
            tutorial_rows.append(
                {
                    "hit@1": M.hit_at(flags, 1),
                    "hit@4": M.hit_at(flags, 4),
                    "mrr@4": M.reciprocal_rank(flags, 4),
                }
            )
        if not hybrid["hit@5"]:
            misses.append(
                {"id": r["id"], "gold": r["gold"], "query": r["query"], "top5": r["hybrid"][:5]}
            )
    systems = {name: M.mean_scores(v) for name, v in per_system.items()}
    if tutorial_rows:
        systems["tutorial"] = M.mean_scores(tutorial_rows)
    return {
        "questions": len(rows),
        "systems": systems,
        "comparison": compare_systems(systems),
        "misses_at_5": misses,
        "notes": (
            "hit/MRR use the hybrid retriever's passages (adjacent chunks of one section are "
            "merged); nDCG@10 is over chunks (the passages' chunks in order), with the ideal "
            "ranking holding every chunk of the gold section, for hybrid, BM25 and dense alike. "
            "The tutorial pipeline returns 4 chunks: its hit@4 and MRR@4 are compared with "
            "hybrid hit@4 / hit@5 and MRR@10."
        ),
    }


def compare_systems(systems: dict[str, dict[str, float]]) -> list[dict[str, Any]]:
    """Each baseline's figures as a ratio: hybrid / baseline."""
    hybrid = systems["hybrid"]
    pairs = {
        "bm25": [
            ("hit@1", "hit@1"),
            ("hit@5", "hit@5"),
            (f"mrr@{DEPTH}", f"mrr@{DEPTH}"),
            (f"ndcg@{DEPTH}", f"ndcg@{DEPTH}"),
        ],
        "dense": [
            ("hit@1", "hit@1"),
            ("hit@5", "hit@5"),
            (f"mrr@{DEPTH}", f"mrr@{DEPTH}"),
            (f"ndcg@{DEPTH}", f"ndcg@{DEPTH}"),
        ],
        "tutorial": [
            ("hit@1", "hit@1"),
            ("hit@4", "hit@4"),
            ("hit@5", "hit@4"),
            (f"mrr@{DEPTH}", "mrr@4"),
        ],
    }
    out = []
    for name, metric_pairs in pairs.items():
        if name not in systems:
            continue
        for ours, theirs in metric_pairs:
            out.append(
                {
                    "baseline": name,
                    "hybrid_metric": ours,
                    "baseline_metric": theirs,
                    "hybrid": hybrid[ours],
                    "baseline_value": systems[name][theirs],
                    "ratio": M.ratio(hybrid[ours], systems[name][theirs]),
                }
            )
    return out
