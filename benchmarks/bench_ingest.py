"""Ingest throughput against raw embedding throughput, and the cost of an unchanged re-run.

A corpus of N Markdown files is made by varying the real corpus (each copy
gets its own place names and figures and a shuffled paragraph order within
each section), about 2,000 chunks by default. Then, into a temporary data dir:

1. ``ingest_paths`` over the folder (parse, chunk with the tokenizer check,
   embed, write to Chroma, manifest): chunks/s;
2. ``embeddings.embed_documents`` on exactly the texts ingest embedded: chunks/s;
   the ratio says how much of ingest is embedding;
3. ``ingest_paths`` again on the unchanged folder (hash check only);
4. ``ingest_paths`` after editing one file (incremental update).

Usage: .venv/bin/python benchmarks/bench_ingest.py [--files 80]
Writes benchmarks/results/bench_ingest.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
from assistant.offline import apply_offline_environment  # noqa: E402

apply_offline_environment()

from bench_query import PLACES, bench_settings, set_threads  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"


def variant(text: str, n: int) -> str:
    """One copy of a Markdown guidance file: new place, shifted figures, paragraphs of each
    section shuffled (headings, tables and footnote definitions stay where they are)."""
    rng = random.Random(n)
    place = f"{PLACES[n % len(PLACES)]} {n}"
    out: list[str] = [f"<!-- variant {n} for {place} -->"]
    block: list[str] = []

    def flush() -> None:
        rng.shuffle(block)
        out.extend(block)
        block.clear()

    for para in text.split("\n\n"):
        para = re.sub(r"(?<![\^\d])\d{2,}(?!\])", lambda m: str(int(m.group()) + n), para)
        if para.startswith("#") or para.startswith("|") or para.startswith("[^"):
            flush()
            if para.startswith("# "):
                para = f"{para} ({place})"
            out.append(para)
        else:
            block.append(f"In {place}: {para}" if not para.startswith("-") else para)
    flush()
    return "\n\n".join(out) + "\n"


def make_corpus(folder: Path, files: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted((REPO / "corpus").glob("*.md"))
    for i in range(files):
        src = sources[i % len(sources)]
        (folder / f"{src.stem}-v{i:04d}.md").write_text(
            variant(src.read_text(encoding="utf-8"), i), encoding="utf-8"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--files", type=int, default=80, help="copies of the corpus (~25 chunks each)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads (default: torch's own, one per core); results get a .threadsN suffix",
    )
    args = parser.parse_args(argv)
    threads, suffix = set_threads(args.threads)
    from assistant.library.ingest import ingest_paths
    from assistant.library.models import build_embeddings
    from assistant.library.store import open_store

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="lisa-bench-ingest-") as tmp:
        folder = Path(tmp)
        settings = bench_settings(folder)
        make_corpus(settings.corpus_dir, args.files)
        t0 = time.perf_counter()
        embeddings = build_embeddings(settings)
        model_s = time.perf_counter() - t0
        embeddings.embed_documents(["warm-up sentence"] * 8)

        def ingest() -> object:
            return ingest_paths(
                [settings.corpus_dir],
                settings,
                lambda: open_store(settings, embeddings),
                embeddings,
            )

        first = ingest()
        assert first.ok, first.files  # type: ignore[attr-defined]
        chunks = first.chunks_embedded  # type: ignore[attr-defined]
        ingest_s = first.seconds  # type: ignore[attr-defined]
        texts = [c.embedding_text() for c in open_store(settings, embeddings).library_chunks()]
        assert len(texts) == chunks, (len(texts), chunks)
        t0 = time.perf_counter()
        embeddings.embed_documents(texts)
        embed_s = time.perf_counter() - t0
        side_by_side = {}  # the same texts through each backend, one after the other
        for label, overrides in (
            ("torch (sentence-transformers)", {"embedding_backend": "torch"}),
            ("onnx, 1 thread", {"embedding_backend": "onnx", "embedding_threads": 1}),
            ("onnx, 2 threads", {"embedding_backend": "onnx", "embedding_threads": 2}),
        ):
            backend = build_embeddings(bench_settings(folder, **overrides))
            backend.embed_documents(["warm-up sentence"] * 8)
            t0 = time.perf_counter()
            backend.embed_documents(texts)
            side_by_side[label] = round(chunks / (time.perf_counter() - t0), 1)
        rerun = ingest()
        edited = sorted(settings.corpus_dir.glob("*.md"))[0]
        edited.write_text(
            edited.read_text(encoding="utf-8").replace("In ", "Across ", 3), encoding="utf-8"
        )
        one = ingest()
        avg_chars = sum(len(t) for t in texts) / len(texts)
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} CPU cores",
        "torch_threads": threads,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "files": args.files,
        "chunks": chunks,
        "avg_chunk_chars": round(avg_chars),
        "model_load_s": round(model_s, 2),
        "ingest_s": round(ingest_s, 2),
        "ingest_chunks_per_s": round(chunks / ingest_s, 1),
        "raw_embedding_s": round(embed_s, 2),
        "raw_embedding_chunks_per_s": round(chunks / embed_s, 1),
        "ingest_vs_raw_embedding": round((chunks / ingest_s) / (chunks / embed_s), 3),
        "rerun_unchanged_s": round(rerun.seconds, 3),  # type: ignore[attr-defined]
        "rerun_one_file_edited_s": round(one.seconds, 2),  # type: ignore[attr-defined]
        "rerun_one_file_edited_chunks": one.chunks_embedded,  # type: ignore[attr-defined]
        "backend": settings.embedding_backend,
        "side_by_side_chunks_per_s": side_by_side,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"bench_ingest{suffix}.json").write_text(
        json.dumps(result, indent=1), encoding="utf-8"
    )
    md = "\n".join(
        [
            "# Ingest throughput",
            "",
            f"{result['machine']}, {threads} torch thread(s) (load average before "
            f"{result['load_average_before'][0]}, after {result['load_average_after'][0]}); "
            f"{args.files} Markdown files, {chunks} chunks of about {result['avg_chunk_chars']} "
            "characters.",
            "",
            "| measure | value |",
            "|---|---|",
            f"| ingest (parse, chunk, embed, store, manifest) | {result['ingest_s']} s, "
            f"{result['ingest_chunks_per_s']} chunks/s |",
            f"| raw embedding of the same texts | {result['raw_embedding_s']} s, "
            f"{result['raw_embedding_chunks_per_s']} chunks/s |",
            f"| ingest speed / raw embedding speed | {result['ingest_vs_raw_embedding']} |",
            f"| re-run, nothing changed | {result['rerun_unchanged_s']} s |",
            f"| re-run, one file edited ({result['rerun_one_file_edited_chunks']} chunks) | "
            f"{result['rerun_one_file_edited_s']} s |",
            f"| model load | {result['model_load_s']} s |",
            "",
            "Raw embedding of the same texts, backend by backend (chunks/s):",
            "",
            "| backend | chunks/s | × torch |",
            "|---|---|---|",
            *(
                f"| {label} | {rate} | {rate / side_by_side['torch (sentence-transformers)']:.2f} |"
                for label, rate in side_by_side.items()
            ),
            "",
        ]
    )
    (RESULTS / f"bench_ingest{suffix}.md").write_text(md, encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
