"""Run LISA over the evaluation datasets and score it.

``run(config)`` loads LISA once (ingesting ``corpus/`` first when the store is
empty), asks every question (replaying multi-turn conversations), scores
retrieval, answers and latency, compares the hybrid retriever with BM25-only,
dense-only and a tutorial pipeline, critiques every labelled draft when the
critique engine is available, and writes to the out folder:

- ``answers.jsonl``: the ask JSON of every question, plus its ``id``
- ``retrieval.jsonl``: per question, the section ranks every retriever produced
- ``critique/<draft>.json``: each draft's ``report.to_dict()``
- ``metrics.json`` and a readable ``report.md``

The parts live apart: ``evals.config`` (paths, ``EvalConfig``), ``evals.asking``
(questions, loading and asking LISA), ``evals.retrieval_comparison``,
``evals.answer_scoring``, ``evals.critique_scoring`` and ``evals.report`` (report.md).
This module ties them together, picks the headline figures and re-exports their names.
"""

from __future__ import annotations

import json
import os
import platform
import time
from typing import Any

from evals import metrics as M
from evals.answer_scoring import passage_texts, score_answers
from evals.asking import (
    ask_replaying,
    load_lisa,
    load_question_set,
    load_questions,
    run_questions,
    store_staleness,
)
from evals.config import (
    DEFAULT_DRAFTS,
    DEFAULT_LABELS,
    DEFAULT_OUT,
    DEFAULT_QA,
    REPO,
    EvalConfig,
    question_split,
)
from evals.critique_scoring import STATUS_VALUES, keyword_checklist, normalise_report, run_critique
from evals.report import critique_section, render_report
from evals.retrieval_comparison import (
    DEPTH,
    compare_systems,
    relevant_chunk_count,
    retrieval_ranks,
    score_retrieval,
    sections_of_chunks,
)

__all__ = [
    "DEFAULT_DRAFTS",
    "DEFAULT_LABELS",
    "DEFAULT_OUT",
    "DEFAULT_QA",
    "DEPTH",
    "HEADLINE_KEYS",
    "REPO",
    "STATUS_VALUES",
    "EvalConfig",
    "ask_replaying",
    "compare_systems",
    "critique_section",
    "headline",
    "keyword_checklist",
    "load_lisa",
    "load_questions",
    "normalise_report",
    "passage_texts",
    "relevant_chunk_count",
    "render_report",
    "retrieval_ranks",
    "run",
    "run_critique",
    "run_questions",
    "score_answers",
    "score_retrieval",
    "sections_of_chunks",
    "store_staleness",
]


HEADLINE_KEYS = {
    "retrieval.hit@1": ("retrieval", "systems", "hybrid", "hit@1"),
    "retrieval.hit@5": ("retrieval", "systems", "hybrid", "hit@5"),
    "retrieval.mrr@10": ("retrieval", "systems", "hybrid", "mrr@10"),
    "retrieval.ndcg@10": ("retrieval", "systems", "hybrid", "ndcg@10"),
    "answers.must_include_recall": ("answers", "must_include_group_recall"),
    "answers.must_include_question_recall": ("answers", "must_include_question_recall"),
    "answers.lead_has_fact": ("answers", "lead_has_fact"),
    "answers.citation_validity": ("answers", "citation_validity"),
    "answers.citation_validity_passage": ("answers", "citation_validity_passage"),
    "answers.refusal_precision": ("answers", "refusal_precision"),
    "answers.refusal_recall": ("answers", "refusal_recall"),
    "conversations.turn_accuracy": ("answers", "conversations", "turn_accuracy"),
    "conversations.topic_switch_accuracy": ("answers", "conversations", "topic_switch_accuracy"),
    "conversations.follow_up_accuracy": ("answers", "conversations", "follow_up_accuracy"),
    "critique.exact_accuracy": ("critique", "validation", "exact_accuracy"),
    "critique.within_one_accuracy": ("critique", "validation", "within_one_accuracy"),
    "critique.macro_f1": ("critique", "validation", "macro_f1"),
    "critique.engagement_accuracy": ("critique", "validation", "engagement_accuracy"),
    "critique.injection_precision": ("critique", "validation", "injection_precision"),
    "critique.injection_recall": ("critique", "validation", "injection_recall"),
    "critique.stuffed_met_violations": ("critique", "validation", "stuffed_met_violations"),
    "critique.kappa": ("critique", "validation", "kappa"),
    "critique.ratio_to_checklist": ("critique", "validation", "ratio_to_checklist"),
    "critique.tuning_exact_in_sample": ("critique", "tuning", "exact_accuracy"),
    "latency.total_p50_ms": ("latency", "total", "p50"),
    "latency.total_p95_ms": ("latency", "total", "p95"),
}


def headline(metrics: dict[str, Any]) -> dict[str, float]:
    """Flat {name: value} of the figures the gate and the baseline use."""
    out = {}
    for name, path in HEADLINE_KEYS.items():
        node: Any = metrics
        for key in path:
            if not isinstance(node, dict) or key not in node:
                node = None
                break
            node = node[key]
        if isinstance(node, int | float):
            out[name] = round(float(node), 4)
    return out


def run(config: EvalConfig, lisa: Any = None) -> dict[str, Any]:
    started = time.perf_counter()
    config.out.mkdir(parents=True, exist_ok=True)
    sources = [config.qa] if config.qa else question_split("validation")
    questions = [q for path in sources for q in load_question_set(path)]
    if lisa is None:
        config.log("loading LISA…")
        lisa = load_lisa(config.log)
    answers, retrievals = run_questions(lisa, questions, config)
    with (config.out / "answers.jsonl").open("w", encoding="utf-8") as fh:
        for a in answers:
            fh.write(json.dumps(a, ensure_ascii=False) + "\n")
    with (config.out / "retrieval.jsonl").open("w", encoding="utf-8") as fh:
        for r in retrievals:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    metrics: dict[str, Any] = {
        "run": {
            "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "qa": ", ".join(str(p) for p in sources),
            "drafts": str(config.drafts),
            "labels": str(config.labels),
            "backend": lisa.chain.generator.name,
            "embedding_model": lisa.embeddings.name,
            "chunks": len(lisa.retriever),
            "relevance_floor": lisa.retriever.floor,
            "relevance_model_notes": lisa.retriever.relevance.notes,
            "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "retrieval": score_retrieval(retrievals, lisa),
        "answers": score_answers(questions, answers, lisa),
        "latency": M.latency_summary([a["timing_ms"] for a in answers]),
    }
    metrics["critique"] = run_critique(lisa, config)
    metrics["headline"] = headline(metrics)
    metrics["run"]["seconds"] = round(time.perf_counter() - started, 1)
    (config.out / "metrics.json").write_text(
        json.dumps(metrics, indent=1, default=str), encoding="utf-8"
    )
    (config.out / "report.md").write_text(render_report(metrics), encoding="utf-8")
    return metrics
