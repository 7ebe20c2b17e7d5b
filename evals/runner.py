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
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals import metrics as M

REPO = Path(__file__).resolve().parent.parent
DEFAULT_QA = REPO / "evals" / "questions.jsonl"
DEFAULT_DRAFTS = REPO / "evals" / "drafts"
DEFAULT_LABELS = REPO / "evals" / "draft_labels.json"
DEFAULT_OUT = Path("eval-out")
DEPTH = 10  # retrieval depth for MRR/nDCG
STATUS_VALUES = frozenset(M.STATUS_ORDER)


@dataclass
class EvalConfig:
    qa: Path = DEFAULT_QA
    drafts: Path = DEFAULT_DRAFTS
    labels: Path = DEFAULT_LABELS
    out: Path = DEFAULT_OUT
    critique: bool = True
    baselines: bool = True
    log: Callable[[str], None] = field(default=lambda msg: print(msg, file=sys.stderr))


# --- loading -----------------------------------------------------------------
def load_questions(path: Path) -> list[dict[str, Any]]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not JSON ({exc})") from exc
        missing = {"id", "question", "answerable"} - set(item)
        if missing:
            raise ValueError(f"{path}:{n}: missing field(s) {sorted(missing)}")
        item.setdefault("section", None)
        item.setdefault("must", [])
        item.setdefault("history", [])
        items.append(item)
    ids = [i["id"] for i in items]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: duplicate question ids")
    return items


def load_lisa(log: Callable[[str], None] = lambda _m: None) -> Any:
    """``build_lisa(Settings())``, ingesting the corpus first when the store is empty."""
    from assistant.library.embeddings import build_embeddings
    from assistant.library.ingest import ingest_paths
    from assistant.library.store import open_store
    from assistant.service import build_lisa
    from assistant.settings import Settings

    settings = Settings()
    embeddings = build_embeddings(settings)
    store = open_store(settings, embeddings)
    if store.count() == 0:
        log(f"the store in {settings.data_dir} is empty: ingesting {settings.corpus_dir}")
        report = ingest_paths([settings.corpus_dir], settings, lambda: store, embeddings)
        if not report.ok:
            failed = [f"{f.source}: {f.reason}" for f in report.files if f.status == "failed"]
            raise RuntimeError(f"ingest failed: {failed}")
    else:
        stale = store_staleness(settings, embeddings)
        if stale:
            log(
                f"warning: the store in {settings.data_dir} is out of date with "
                f"{settings.corpus_dir} ({stale}); run `make index` for current figures"
            )
    return build_lisa(settings, embeddings)


def store_staleness(settings: Any, embeddings: Any) -> str | None:
    """What an ingest would change (a dry run), or None when the store is current."""
    from assistant.library.ingest import ingest_paths

    try:
        report = ingest_paths(
            [settings.corpus_dir], settings, lambda: None, embeddings, dry_run=True
        )  # type: ignore[arg-type, return-value]
    except Exception as exc:  # the check is advisory; never stop the eval for it
        return f"could not check: {type(exc).__name__}: {exc}"
    changes = {s: report.count(s) for s in ("added", "updated", "removed", "failed")}
    return ", ".join(f"{n} {s}" for s, n in changes.items() if n) or None


# --- asking ------------------------------------------------------------------
def ask_replaying(lisa: Any, item: dict[str, Any]) -> Any:
    """Ask the question after replaying its earlier turns through LISA itself."""
    history: list[dict[str, str]] = []
    for earlier in item.get("history") or []:
        reply = lisa.ask(earlier, history)
        history += [
            {"role": "user", "content": earlier},
            {"role": "assistant", "content": reply.answer},
        ]
    return lisa.ask(item["question"], history)


def _sections_of_chunks(chunks: Sequence[Any]) -> list[str]:
    return [c.section_path[-1] if c.section_path else "" for c in chunks]


def relevant_chunk_count(chunks: Sequence[Any], gold: str | None) -> int:
    return sum(M.section_matches(s, gold) for s in _sections_of_chunks(chunks))


def run_questions(
    lisa: Any, questions: Sequence[dict[str, Any]], config: EvalConfig
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Ask everything; return (answer records, retrieval records)."""
    tutorial = None
    if config.baselines:
        from evals.baselines import TutorialRetriever, corpus_files

        started = time.perf_counter()
        tutorial = TutorialRetriever(corpus_files(lisa.settings.corpus_dir), lisa.embeddings)
        config.log(
            f"tutorial baseline: {len(tutorial.chunks)} chunks embedded in "
            f"{time.perf_counter() - started:.1f} s"
        )
    answers, retrievals = [], []
    try:
        for n, item in enumerate(questions, 1):
            answer = ask_replaying(lisa, item)
            record = {"id": item["id"], **answer.to_dict()}
            answers.append(record)
            query = answer.standalone_question or item["question"]
            row: dict[str, Any] = {
                "id": item["id"],
                "gold": item.get("section"),
                "query": query,
                "guard_refused": not answer.standalone_question,
            }
            if item.get("answerable") and item.get("section"):
                retrieval = lisa.retriever.retrieve(query, DEPTH)
                row["hybrid"] = [
                    h.chunk.section_path[-1] if h.chunk.section_path else "" for h in retrieval.hits
                ]
                row["hybrid_chunks"] = _sections_of_chunks(
                    [c for h in retrieval.hits for c in h.chunks]
                )[:DEPTH]
                row["bm25"] = _sections_of_chunks(
                    [c for c, _ in lisa.retriever.keyword(query, DEPTH)]
                )
                row["dense"] = _sections_of_chunks(
                    [c for c, _ in lisa.retriever.dense(query, DEPTH)]
                )
                if tutorial is not None:
                    row["tutorial"] = [c.section for c, _ in tutorial.search(query)]
            retrievals.append(row)
            if n % 20 == 0 or n == len(questions):
                config.log(f"asked {n}/{len(questions)}")
    finally:
        if tutorial is not None:
            tutorial.close()
    return answers, retrievals


# --- scoring -----------------------------------------------------------------
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


def passage_texts(chunks: Sequence[Any], span: int = 3) -> dict[str, str]:
    """chunk id -> the text of the passage a Hit starting at that chunk can hold: the chunk and
    the next ``span - 1`` chunks of the same section (the retriever merges up to 3)."""
    by_place = {(c.source, c.position): c for c in chunks}
    out = {}
    for c in chunks:
        texts = [c.text]
        for step in range(1, span):
            nxt = by_place.get((c.source, c.position + step))
            if nxt is None or nxt.section_path != c.section_path:
                break
            texts.append(nxt.text)
        out[c.id] = "\n".join(texts)
    return out


def score_answers(
    questions: Sequence[dict[str, Any]], answers: Sequence[dict[str, Any]], lisa: Any
) -> dict[str, Any]:
    by_id = {a["id"]: a for a in answers}
    must = M.must_include([(q["must"], by_id[q["id"]]) for q in questions if q["answerable"]])
    chunk_text = {c.id: c.text for c in lisa.retriever.chunks}
    citations = M.citation_validity(answers, chunk_text)
    passages = M.citation_validity(answers, passage_texts(lisa.retriever.chunks))
    refusal = M.refusal_scores(
        [bool(q["answerable"]) for q in questions],
        [bool(by_id[q["id"]]["refused"]) for q in questions],
    )
    must_misses = []
    for q in questions:
        if not q["answerable"]:
            continue
        texts = M.answer_texts(by_id[q["id"]])
        failed = [g for g in q["must"] if not M.group_passes(g, texts)]
        if failed:
            must_misses.append(
                {"id": q["id"], "missing": failed, "refused": by_id[q["id"]]["refused"]}
            )
    wrong_refusals = [
        {
            "id": q["id"],
            "answerable": q["answerable"],
            "refused": by_id[q["id"]]["refused"],
            "relevance": by_id[q["id"]].get("relevance"),
            "question": q["question"],
        }
        for q in questions
        if bool(q["answerable"]) == bool(by_id[q["id"]]["refused"])
    ]
    return {
        "questions": len(questions),
        "answerable": sum(1 for q in questions if q["answerable"]),
        "must_include_group_recall": must["group_recall"],
        "must_include_question_recall": must["question_recall"],
        "must_include_groups": must["groups"],
        "must_misses": must_misses,
        "citation_validity": citations["validity"],
        "citation_answers_checked": citations["answers_checked"],
        "uncited_answers": citations["uncited_answers"],
        "citation_failures": citations["failures"],
        "citation_validity_passage": passages["validity"],
        "refusal_precision": refusal["precision"],
        "refusal_recall": refusal["recall"],
        "refusal_counts": {k: refusal[k] for k in ("tp", "fp", "fn")},
        "refusal_errors": wrong_refusals,
    }


# --- critique ----------------------------------------------------------------
def normalise_report(report: dict[str, Any]) -> dict[str, Any]:
    """The labelled fields of a CritiqueReport dict: status per principle, iap2, injection."""
    status = {}
    for p in report.get("principles") or []:
        value = str(p.get("status", "")).lower()
        if value not in STATUS_VALUES:
            raise ValueError(f"principle {p.get('id')} has unknown status {value!r}")
        status[str(p["id"])] = value
    level = report.get("iap2_level")
    warnings = report.get("warnings") or []
    injection = any(
        "injection" in str(w.get("kind", "")).lower() for w in warnings if isinstance(w, dict)
    )
    return {
        "status": status,
        "iap2": str(level) if level is not None else None,
        "injection": injection,
    }


def keyword_checklist(text: str, rubric: Any) -> dict[str, str]:
    """The ctrl-F baseline: a principle's title and ask words found twice or more is
    ``met``, once ``partial``, never ``missing``."""
    lowered = text.lower()
    out = {}
    for principle in rubric.principles:
        words = {
            w.strip(".,:;()'\"").lower()
            for w in f"{principle.title} {principle.asks}".split()
            if len(w.strip(".,:;()'\"")) >= 6
        }
        hits = sum(1 for w in words if w in lowered)
        out[principle.id] = "met" if hits >= 4 else "partial" if hits >= 2 else "missing"
    return out


def run_critique(lisa: Any, config: EvalConfig) -> dict[str, Any]:
    """Critique every labelled draft through ``Lisa.critique``; score each split apart.

    The **validation** split (authors never used for fitting or design) is the
    headline; the tuning split's figures are in-sample and reported as such.
    """
    if not config.critique:
        return {"skipped": "disabled with --no-critique", "explicit": True}
    from assistant.documents.loading import load_document
    from evals.catalog import drafts

    out_dir = config.out / "critique"
    out_dir.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {}
    seconds: list[float] = []
    for split in ("validation", "tuning"):
        labels: dict[str, Any] = {}
        predicted: dict[str, dict[str, Any]] = {}
        checklist: dict[str, dict[str, Any]] = {}
        errors: dict[str, str] = {}
        for item in drafts(split):
            key = f"{item.author}/{item.name}"
            labels[key] = item.labels
            started = time.perf_counter()
            try:
                outcome = lisa.critique(item.path)
                if not hasattr(outcome, "report"):  # a CritiqueFailure
                    raise RuntimeError(f"critique failure: {outcome.reason}")
                report = outcome.report.to_dict()
                predicted[key] = normalise_report(report)
            except Exception as exc:  # a crash on one draft is recorded, the rest still run
                errors[key] = f"{type(exc).__name__}: {exc}"
                config.log(f"critique of {key} failed: {errors[key]}")
                continue
            seconds.append(time.perf_counter() - started)
            text = " ".join(b.text for b in load_document(item.path, 50_000_000).blocks)
            checklist[key] = {"status": keyword_checklist(text, lisa.rubric)}
            (out_dir / f"{item.author}__{item.name}.json").write_text(
                json.dumps(report, indent=1, default=str), encoding="utf-8"
            )
            config.log(f"critiqued {key} ({split}) in {seconds[-1]:.1f} s")
        scores = M.critique_scores(labels, predicted)
        baseline = M.critique_scores(labels, checklist)["exact_accuracy"]
        scores["kappa"] = M.cohen_kappa(labels, predicted)
        scores["keyword_checklist_exact"] = baseline
        scores["ratio_to_checklist"] = (
            round(scores["exact_accuracy"] / baseline, 3) if baseline else None
        )
        scores["errors"] = errors
        scores["predicted"] = predicted
        scores["in_sample"] = split == "tuning"
        result[split] = scores
    result["latency_s"] = {
        "p50": round(M.percentile(seconds, 50), 3) if seconds else None,
        "p95": round(M.percentile(seconds, 95), 3) if seconds else None,
        "n": len(seconds),
    }
    return result


# --- the whole run -------------------------------------------------------------
HEADLINE_KEYS = {
    "retrieval.hit@1": ("retrieval", "systems", "hybrid", "hit@1"),
    "retrieval.hit@5": ("retrieval", "systems", "hybrid", "hit@5"),
    "retrieval.mrr@10": ("retrieval", "systems", "hybrid", "mrr@10"),
    "retrieval.ndcg@10": ("retrieval", "systems", "hybrid", "ndcg@10"),
    "answers.must_include_recall": ("answers", "must_include_group_recall"),
    "answers.must_include_question_recall": ("answers", "must_include_question_recall"),
    "answers.citation_validity": ("answers", "citation_validity"),
    "answers.citation_validity_passage": ("answers", "citation_validity_passage"),
    "answers.refusal_precision": ("answers", "refusal_precision"),
    "answers.refusal_recall": ("answers", "refusal_recall"),
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
    questions = load_questions(config.qa) if config.qa else []
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
            "qa": str(config.qa),
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


# --- report.md -----------------------------------------------------------------
def _f(value: Any, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def render_report(metrics: dict[str, Any]) -> str:
    run_info = metrics["run"]
    lines = [
        "# LISA evaluation report",
        "",
        f"Run {run_info['date']} · backend `{run_info['backend']}` · {run_info['chunks']} chunks · "
        f"relevance floor {run_info['relevance_floor']} · {run_info.get('seconds', '?')} s",
        "",
        f"Relevance model: {run_info['relevance_model_notes'] or 'no notes'} (When it was fitted "
        "on this question set, the refusal figures below are in-sample; its cross-validated "
        "figures are the honest ones.)",
        "",
        "## Headline",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    lines += [f"| {k} | {_f(v)} |" for k, v in metrics["headline"].items()]
    retrieval = metrics["retrieval"]
    if retrieval.get("questions"):
        lines += [
            "",
            f"## Retrieval ({retrieval['questions']} answerable questions)",
            "",
            "| system | hit@1 | hit@4 | hit@5 | MRR | nDCG@10 |",
            "|---|---|---|---|---|---|",
        ]
        for name, s in retrieval["systems"].items():
            mrr = s.get("mrr@10", s.get("mrr@4"))
            lines.append(
                f"| {name} | {_f(s.get('hit@1'))} | {_f(s.get('hit@4'))} | "
                f"{_f(s.get('hit@5'))} | {_f(mrr)} | {_f(s.get('ndcg@10'))} |"
            )
        lines += ["", retrieval["notes"], ""]
        for c in retrieval["comparison"]:
            ratio = f"{c['ratio']:.2f}×" if c["ratio"] is not None else "n/a (baseline is 0)"
            lines.append(
                f"- hybrid {c['hybrid_metric']} ({_f(c['hybrid'])}) is {ratio} "
                f"{c['baseline']} {c['baseline_metric']} ({_f(c['baseline_value'])})"
            )
        if retrieval["misses_at_5"]:
            lines += ["", "Retrieval misses at 5:", ""]
            lines += [
                f"- {m['id']}: gold *{m['gold']}*; top 5 {m['top5']}; query “{m['query']}”"
                for m in retrieval["misses_at_5"]
            ]
    a = metrics["answers"]
    rc = a["refusal_counts"]
    lines += [
        "",
        f"## Answers ({a['questions']} questions, {a['answerable']} answerable)",
        "",
        f"- must-include recall: {_f(a['must_include_group_recall'])} of "
        f"{a['must_include_groups']} groups; {_f(a['must_include_question_recall'])} of "
        "answerable questions have every group",
        f"- citation validity: {_f(a['citation_validity'])} of "
        f"{a['citation_answers_checked']} non-refused answers ({a['uncited_answers']} uncited); "
        "quote verbatim in the cited chunk or the neighbours merged into its passage: "
        f"{_f(a['citation_validity_passage'])}",
        f"- refusal precision {_f(a['refusal_precision'])}, recall {_f(a['refusal_recall'])} "
        f"(tp {rc['tp']}, fp {rc['fp']}, fn {rc['fn']})",
    ]
    if a["must_misses"]:
        lines += ["", "Must-include misses:", ""]
        lines += [
            f"- {m['id']}{' (refused)' if m['refused'] else ''}: missing {m['missing']}"
            for m in a["must_misses"]
        ]
    if a["refusal_errors"]:
        lines += ["", "Refusal errors:", ""]
        for e in a["refusal_errors"]:
            kind = (
                "refused an answerable question"
                if e["answerable"]
                else "answered instead of refusing"
            )
            lines.append(f"- {e['id']}: {kind} (relevance {_f(e['relevance'])}): {e['question']}")
    if a["citation_failures"]:
        lines += ["", "Citation failures:", ""]
        shown = a["citation_failures"][:15]
        lines += [f"- {f['id']}: {'; '.join(f['problems'])}" for f in shown]
        if len(a["citation_failures"]) > len(shown):
            lines.append(f"- … and {len(a['citation_failures']) - len(shown)} more (metrics.json)")
    lines += ["", "## Latency (ms)", "", "| stage | p50 | p95 | n |", "|---|---|---|---|"]
    lines += [
        f"| {k} | {_f(v['p50'], 1)} | {_f(v['p95'], 1)} | {v['n']} |"
        for k, v in metrics["latency"].items()
    ]
    lines += critique_section(metrics["critique"])
    return "\n".join(lines) + "\n"


def critique_section(c: dict[str, Any]) -> list[str]:
    """The report's critique part: validation first (the headline), tuning in-sample."""
    lines = ["", "## Critique", ""]
    if "skipped" in c:
        return [*lines, f"Skipped: {c['skipped']}."]
    for split in ("validation", "tuning"):
        s = c[split]
        ic = s["injection_counts"]
        title = (
            "Validation (frozen, never tuned on)"
            if split == "validation"
            else ("Tuning (in-sample: the thresholds were fitted here)")
        )
        lines += [
            f"### {title}",
            "",
            f"{s['drafts']} drafts; errors {s['errors'] or 'none'}.",
            "",
            f"- exact {_f(s['exact_accuracy'])}, within one {_f(s['within_one_accuracy'])}, "
            f"macro-F1 {_f(s['macro_f1'])}, Cohen's kappa {_f(s['kappa'])}",
            f"- keyword checklist (ctrl-F) exact {_f(s['keyword_checklist_exact'])}; "
            f"ratio {_f(s['ratio_to_checklist'], 2)}×",
            f"- IAP2 accuracy {_f(s['engagement_accuracy'])}",
            f"- injection precision {_f(s['injection_precision'])}, recall "
            f"{_f(s['injection_recall'])} (tp {ic['tp']}, fp {ic['fp']}, fn {ic['fn']})",
            "",
            "| principle | exact | within one | macro-F1 |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {p} | {_f(v['exact'])} | {_f(v['within_one'])} | {_f(v['macro_f1'])} |"
            for p, v in s["per_principle"].items()
        ]
        lines += [
            "",
            "| gold \\ predicted | " + " | ".join(M.STATUS_ORDER) + " |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {g} | " + " | ".join(str(row[p]) for p in M.STATUS_ORDER) + " |"
            for g, row in s["confusion"].items()
        ]
        lines.append("")
    lat = c["latency_s"]
    lines.append(f"Time per draft: p50 {_f(lat['p50'], 2)} s, p95 {_f(lat['p95'], 2)} s.")
    return lines
