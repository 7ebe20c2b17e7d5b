"""Warm ``lisa.ask`` latency with the extractive backend: real corpus and a 10k-chunk library.

Each question is asked once after LISA is loaded and warmed up with a few
other questions; earlier turns of multi-turn questions are replayed untimed.
Every timed question is new to LISA, so its query embedding is not cached.
A second pass is reported separately (on the 10k library, the sentence
vectors the first pass embedded are then cached). Target: p95 under
100 ms on the real corpus, 2 cores.

The 10k library uses bench_query's synthetic chunks with real embeddings, inserted
into the store directly; then what ingest does at its end (``save_library_indexes``:
the keyword index and every sentence vector, timed) and a start that loads them, so a
passage's first use embeds nothing, as on a library made by ``ingest_docs.py``.

Usage: .venv/bin/python benchmarks/bench_ask.py [--synthetic 10000] [--real-limit 10000]
(``--synthetic 100000`` reuses the 10k real vectors with noise, as bench_query does.)
Writes benchmarks/results/bench_ask.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
from assistant.offline import apply_offline_environment  # noqa: E402

apply_offline_environment()

from bench_query import (  # noqa: E402
    bench_settings,
    embed_cached,
    fill_store,
    noisy_copies,
    pct,
    set_threads,
    synth_chunks,
)

RESULTS = REPO / "benchmarks" / "results"
WARM_UP = [
    "What does the guidance say about skills?",
    "How should a LEP work with universities?",
    "What is a Local Enterprise Partnership?",
]


def time_questions(lisa: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    stages: dict[str, list[float]] = {}
    totals, answered = [], []
    for item in items:
        history: list[dict[str, str]] = []
        for earlier in item.get("history") or []:
            reply = lisa.ask(earlier, history)
            history += [
                {"role": "user", "content": earlier},
                {"role": "assistant", "content": reply.answer},
            ]
        started = time.perf_counter()
        answer = lisa.ask(item["question"], history)
        total = (time.perf_counter() - started) * 1000
        totals.append(total)
        if not answer.refused:
            answered.append(total)
        for stage, ms in answer.timing_ms.items():
            stages.setdefault(stage, []).append(ms)
    return {
        "all_ms": pct(totals),
        "answered_ms": pct(answered),
        "stages_ms": {k: pct(v) for k, v in stages.items()},
    }


def side_by_side(lisa: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    """LISA's whole ask against the tutorial pipeline's bare retrieval (1,000-character
    chunks in Chroma, dense top-4, query embedding included), question by question in one
    loop so the machine's speed drifts alike for all three. Each tutorial has its own
    embedding model instance, so no query is cached by another: ``torch`` is
    sentence-transformers, as the tutorial builds it; ``onnx`` is LISA's own embedder.
    LISA's 64-entry query cache does not hold the 112 questions asked in order, so every
    question is embedded again."""
    from assistant.library.models import build_embeddings
    from assistant.settings import Settings
    from evals.baselines import TutorialRetriever, corpus_files

    files = corpus_files(Settings().corpus_dir)
    tutorials = {
        b: TutorialRetriever(files, build_embeddings(Settings(embedding_backend=b)))
        for b in ("torch", "onnx")
    }
    times: dict[str, list[float]] = {"lisa": [], **{b: [] for b in tutorials}}
    try:
        for q in WARM_UP:
            for tutorial in tutorials.values():
                tutorial.search(q)
        runs: dict[str, Callable[[str], object]] = {
            "lisa": lisa.ask,  # without the question's history: the tutorial has none
            **{name: tutorial.search for name, tutorial in tutorials.items()},
        }
        names = list(runs)
        for n, item in enumerate(items):
            # the order turns with each question, so none always follows torch's threads
            for name in names[n % len(names) :] + names[: n % len(names)]:
                started = time.perf_counter()
                runs[name](item["question"])
                times[name].append((time.perf_counter() - started) * 1000)
    finally:
        for tutorial in tutorials.values():
            tutorial.close()
    out: dict[str, Any] = {name: pct(values) for name, values in times.items()}
    out["chunks"] = len(tutorials["torch"].chunks)
    out["ratio_p50"] = {b: round(out["lisa"]["p50"] / out[b]["p50"], 2) for b in tutorials}
    return out


def run_passes(lisa: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    for q in WARM_UP:
        lisa.ask(q)
    first = time_questions(lisa, items)
    second = time_questions(lisa, items)
    return {"first_time_questions": first, "second_pass": second}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", type=int, default=10000, help="chunks (0 to skip)")
    parser.add_argument(
        "--real-limit",
        type=int,
        default=10000,
        help="embed up to this many synthetic chunks for real; a larger library reuses their "
        "vectors with noise, as bench_query does",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads (default: torch's own, one per core); results get a .threadsN suffix",
    )
    args = parser.parse_args(argv)
    threads, suffix = set_threads(args.threads)
    if args.synthetic not in (0, 10000):  # the default run's results are kept
        suffix += f".synthetic{args.synthetic}"
    from assistant.library.ingest import save_library_indexes
    from assistant.library.store import open_store
    from assistant.service import build_lisa
    from evals.asking import load_lisa, load_questions

    started = time.perf_counter()
    load_before = os.getloadavg()
    items = load_questions(REPO / "evals" / "questions.jsonl")
    t0 = time.perf_counter()
    lisa = load_lisa()
    real_load = time.perf_counter() - t0
    real = run_passes(lisa, items)
    real.update(chunks=len(lisa.retriever), load_s=round(real_load, 2))
    tutorial = side_by_side(lisa, items)
    print(json.dumps(real["first_time_questions"]["all_ms"]), file=sys.stderr)
    result: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} CPU cores",
        "torch_threads": threads,
        "backend": lisa.chain.generator.name,
        "questions": len(items),
        "load_average_before": [round(x, 2) for x in load_before],
        "real_corpus": real,
        "tutorial_side_by_side": tutorial,
        "target": "p95 < 100 ms warm on the real corpus",
    }
    if args.synthetic:
        embeddings = lisa.embeddings
        chunks = synth_chunks(args.synthetic)
        real_n = min(args.synthetic, args.real_limit)
        vectors = embed_cached([c.embedding_text() for c in chunks[:real_n]], embeddings)
        if args.synthetic > real_n:
            vectors = noisy_copies(vectors, args.synthetic)
        with tempfile.TemporaryDirectory(prefix="lisa-bench-ask-") as tmp:
            settings = bench_settings(Path(tmp))
            fill_store(settings, embeddings, chunks, vectors)
            t0 = time.perf_counter()
            save_library_indexes(settings, open_store(settings, embeddings), embeddings)
            indexes_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            big = build_lisa(settings, embeddings)
            big_load = time.perf_counter() - t0
            synth = run_passes(big, items)
            synth.update(
                chunks=len(big.retriever),
                load_s=round(big_load, 2),
                ingest_indexes_s=round(indexes_s, 1),
                vectors="real embeddings"
                if args.synthetic <= real_n
                else f"{real_n:,} real embeddings reused with Gaussian noise (sigma 0.025)",
            )
        result["synthetic"] = synth
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    result["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"bench_ask{suffix}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    md = [
        "# Warm ask latency (extractive backend, ms)",
        "",
        f"{result['machine']}, {threads} torch thread(s), load average before "
        f"{result['load_average_before'][0]}, after {result['load_average_after'][0]}; "
        f"{len(items)} eval questions, each asked once (new to LISA), then a second pass "
        "(the sentence vectors were all saved at ingest; the 64-entry query-embedding cache "
        "does not hold 112 questions, so queries are embedded again).",
        "",
        "| library | pass | p50 all | p95 all | p50 answered | p95 answered | "
        "p95 retrieve | p95 generate |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in ("real_corpus", "synthetic"):
        if name not in result:
            continue
        block = result[name]
        for label, key in (("first", "first_time_questions"), ("second", "second_pass")):
            r = block[key]
            md.append(
                f"| {block['chunks']:,} chunks ({'real' if name == 'real_corpus' else 'synthetic'})"
                f" | {label} | {r['all_ms']['p50']} | {r['all_ms']['p95']}"
                f" | {r['answered_ms']['p50']} | {r['answered_ms']['p95']}"
                f" | {r['stages_ms']['retrieve']['p95']} | {r['stages_ms']['generate']['p95']} |"
            )
    md += [
        "",
        "Side by side with the tutorial pipeline's bare retrieval (1,000-character chunks "
        f"of the same corpus, {tutorial['chunks']} of them, in Chroma, dense top-4, query "
        "embedding included), one question at a time in one loop (its own embedding model "
        "instance each, the order turning with each question; LISA's ask without the "
        "question's history):",
        "",
        "| | p50 | p95 | LISA ask / this, p50 |",
        "|---|---|---|---|",
        f"| LISA, whole ask | {tutorial['lisa']['p50']} | {tutorial['lisa']['p95']} | |",
        *(
            f"| tutorial, {b} embedder | {tutorial[b]['p50']} | {tutorial[b]['p95']} | {ratio}x |"
            for b, ratio in tutorial["ratio_p50"].items()
        ),
        "",
        f"Load: real corpus {real['load_s']} s"
        + (
            f", synthetic {result['synthetic']['load_s']} s (build_lisa on an open store; "
            f"the keyword index and sentence vectors made first, as ingest does, in "
            f"{result['synthetic']['ingest_indexes_s']} s)"
            if "synthetic" in result
            else ""
        )
        + ".",
        "",
    ]
    (RESULTS / f"bench_ask{suffix}.md").write_text("\n".join(md), encoding="utf-8")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
