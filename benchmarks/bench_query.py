"""Query latency at 1k, 10k and 100k chunks: dense only, BM25 only and hybrid ``retrieve``.

Synthetic chunks are made by recombining the corpus's sentences (with varied
place names and figures, so the vocabulary grows with the library) and are
inserted with precomputed vectors (``GuidanceStore.add(..., vectors=...)``):

- 1k and 10k: real embeddings of the synthetic chunk texts (bundled MiniLM);
- 100k: the 10k real vectors, each reused 10 times with Gaussian noise and
  renormalised (cosine to its source about 0.9). Embedding 100k chunks would
  take about 13 minutes on 2 cores; the noisy copies keep the clustered shape
  of real embeddings, which random unit vectors would not.

Also measured: insert throughput; what ingest adds at its end (building the keyword
index and saving it, saving the library snapshot); start-up, i.e. the retriever's load
(reading the snapshot and loading the saved keyword index, which must not be built:
builds are counted; Chroma must not be opened), with its parts; and, for comparison, the
same load reading every chunk back from Chroma as every start did before the snapshot.
Queries are the 112 eval questions; hybrid includes embedding the query (reported
separately too).

Usage: .venv/bin/python benchmarks/bench_query.py [--sizes 1000 10000 100000]
Writes benchmarks/results/bench_query.json and .md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from assistant.offline import apply_offline_environment  # noqa: E402

apply_offline_environment()

from assistant.documents.chunking import Chunk, content_hash, source_key  # noqa: E402
from assistant.library.embeddings import LisaEmbeddings  # noqa: E402
from assistant.settings import Settings  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
CACHE = Path(tempfile.gettempdir()) / "lisa-bench-cache"
PLACES = (
    "Ashcombe Barrow Calderbridge Downsmere Eastholm Fenwick Greyhaven Harrowgate Ilsworth "
    "Kestrel Lowmoor Meridian Northfield Oakley Penhallow Queensbury Redmarsh Saltmarsh "
    "Thornbury Upton Valeside Westmarch Wyndle Yarrow"
).split()
CHUNKS_PER_FILE = 25


def corpus_sentences() -> tuple[list[str], list[tuple[str, ...]]]:
    """Sentences of the real corpus and its section paths."""
    from assistant.documents.chunking import chunk_document, split_sentences
    from assistant.documents.loading import is_document_file, load_document

    sentences: list[str] = []
    sections: list[tuple[str, ...]] = []
    for path in sorted(p for p in (REPO / "corpus").rglob("*") if is_document_file(p)):
        for chunk in chunk_document(load_document(path, 50 * 1024 * 1024)):
            if chunk.kind == "notes":
                continue
            sections.append(chunk.section_path)
            for line in chunk.text.splitlines():
                sentences += [s for s in split_sentences(line) if len(s.split()) >= 6]
    return sentences, sorted(set(sections))


def vary(sentence: str, rng: random.Random) -> str:
    """Swap in a place name and shift figures, so chunks differ in words, not only order."""
    out = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 97)), sentence)
    if rng.random() < 0.6:
        out = f"In {rng.choice(PLACES)}{rng.randint(1, 400)}, {out[0].lower()}{out[1:]}"
    return out


def synth_chunks(n: int, seed: int = 7) -> list[Chunk]:
    """n synthetic chunks, CHUNKS_PER_FILE to a source, 3-6 varied corpus sentences each."""
    sentences, sections = corpus_sentences()
    rng = random.Random(seed)
    chunks = []
    for i in range(n):
        file_no, position = divmod(i, CHUNKS_PER_FILE)
        source = f"synthetic-{file_no:05d}.md"
        text = " ".join(vary(rng.choice(sentences), rng) for _ in range(rng.randint(3, 6)))
        digest = content_hash(text)
        section = sections[(file_no + position // 4) % len(sections)]
        chunks.append(
            Chunk(
                id=f"{source_key(source)}-{position:05d}-{digest[:12]}",
                text=text,
                source=source,
                title=f"Synthetic guidance {file_no}",
                section_path=section,
                pages=(),
                position=position,
                content_hash=digest,
            )
        )
    return chunks


def embed_cached(texts: Sequence[str], embeddings: LisaEmbeddings, block: int = 1000) -> np.ndarray:
    """Embed texts once; cached on disk (temp folder) in blocks keyed by their texts and model."""
    parts = []
    for start in range(0, len(texts), block):
        chunk = list(texts[start : start + block])
        key = hashlib.sha256("\x00".join([embeddings.name, *chunk]).encode()).hexdigest()[:20]
        path = CACHE / f"vectors-{key}.npy"
        if path.exists():
            parts.append(np.load(path))
            continue
        vectors = np.asarray(embeddings.embed_documents(chunk), dtype=np.float32)
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
        parts.append(vectors)
        print(f"embedded {start + len(chunk)}/{len(texts)}", file=sys.stderr)
    return np.concatenate(parts) if parts else np.zeros((0, 384), dtype=np.float32)


def noisy_copies(vectors: np.ndarray, n: int, sigma: float = 0.025, seed: int = 3) -> np.ndarray:
    """n unit vectors: the given vectors cycled, plus Gaussian noise, renormalised."""
    rng = np.random.default_rng(seed)
    base = vectors[np.arange(n) % len(vectors)]
    out = base + rng.normal(0.0, sigma, size=base.shape).astype(np.float32)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def bench_settings(folder: Path, **overrides: Any) -> Settings:
    """Settings in a temporary folder; the embedding model's ONNX export is the
    repository's own (data/models), so no run pays for exporting it."""
    values: dict[str, Any] = {
        "data_dir": folder / "data",
        "corpus_dir": folder / "corpus",
        "prompts_dir": REPO / "prompts",
        "feedback_path": folder / "feedback.jsonl",
        "model_dir": REPO / "data" / "models",
        **overrides,
    }
    return Settings(_env_file=None, **values)


def fill_store(
    settings: Settings, embeddings: LisaEmbeddings, chunks: Sequence[Chunk], vectors: np.ndarray
) -> float:
    """Insert chunks with precomputed vectors; returns seconds."""
    from assistant.library.store import open_store

    store = open_store(settings, embeddings)
    started = time.perf_counter()
    for start in range(0, len(chunks), 5000):
        store.add(
            chunks[start : start + 5000],
            {"title": "synthetic"},
            vectors=vectors[start : start + 5000].tolist(),
            batch_size=5000,
        )
    return time.perf_counter() - started


class NoCacheEmbeddings(LisaEmbeddings):
    """The same model without the query cache, so every timed query is embedded."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_documents([text])[0]

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


def set_threads(threads: int | None) -> tuple[int, str]:
    """Apply ``--threads``; returns (torch threads in use, results file suffix)."""
    import torch

    if threads:
        torch.set_num_threads(threads)
    return torch.get_num_threads(), f".threads{threads}" if threads else ""


def eval_questions() -> list[str]:
    lines = (REPO / "evals" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def pct(values: Sequence[float]) -> dict[str, float]:
    from evals.metrics import percentile

    return {
        "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2),
        "n": len(values),
    }


def timed(fn: Any, items: Sequence[Any]) -> list[float]:
    out = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - started) * 1000)
    return out


def measure(
    size: int,
    chunks: list[Chunk],
    vectors: np.ndarray,
    embeddings: Any,
    questions: list[str],
    folder: Path,
) -> dict[str, Any]:
    from functools import partial

    from assistant.ask.answerability import load_answerability_model
    from assistant.ask.retrieval import HybridRetriever
    from assistant.library.keyword_files import keywords_for, save_keywords
    from assistant.library.keyword_index import KeywordIndex, chunk_texts
    from assistant.library.store import open_store

    settings = bench_settings(folder)
    insert_s = fill_store(settings, embeddings, chunks, vectors)
    nocache = NoCacheEmbeddings(embeddings)
    relevance = load_answerability_model(REPO / "prompts" / "answerability.json")
    store = open_store(settings, nocache)
    # what ingest does last: build the keyword index of the library and save it
    library = store.library_chunks()
    started = time.perf_counter()
    index = KeywordIndex(chunk_texts(library))
    bm25_s = time.perf_counter() - started
    started = time.perf_counter()
    save_keywords(settings, index, library)
    save_s = time.perf_counter() - started
    del index, library
    from startup_timing import save_snapshot_timed, start_up

    snapshot_s = save_snapshot_timed(settings, nocache)
    start = start_up(settings, nocache, relevance)
    retriever = HybridRetriever(
        store,
        nocache,
        relevance,
        floor=settings.min_relevance,
        keyword_index=partial(keywords_for, settings),
    )
    assert len(retriever) == size, (len(retriever), size)
    query_vectors = [embeddings.embed_documents([q])[0] for q in questions]
    for q, v in zip(questions[:5], query_vectors[:5], strict=True):  # warm-up
        store.dense_search(v, 10)
        retriever.keyword(q, 10)
        retriever.retrieve(q, 5)
    embed_ms = timed(lambda q: nocache.embed_query(q), questions)
    dense_ms = timed(lambda v: store.dense_search(v, 10), query_vectors)
    bm25_ms = timed(lambda q: retriever.keyword(q, 10), questions)
    hybrid_ms = timed(lambda q: retriever.retrieve(q, 5), questions)
    return {
        "chunks": size,
        "insert_s": round(insert_s, 2),
        "insert_per_s": round(size / insert_s, 1),
        **start,
        "bm25_build_s": round(bm25_s, 2),
        "bm25_save_s": round(save_s, 2),
        "snapshot_save_s": round(snapshot_s, 2),
        "query_embedding_ms": pct(embed_ms),
        "dense_only_ms": pct(dense_ms),
        "bm25_only_ms": pct(bm25_ms),
        "hybrid_retrieve_ms": pct(hybrid_ms),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument(
        "--real-limit",
        type=int,
        default=10000,
        help="embed up to this many chunks for real; larger sizes reuse them",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads (default: torch's own, one per core); results get a .threadsN suffix",
    )
    args = parser.parse_args(argv)
    threads, suffix = set_threads(args.threads)
    from assistant.library.models import build_embeddings

    started = time.perf_counter()
    load_before = os.getloadavg()
    embeddings = build_embeddings(Settings(_env_file=None))
    questions = eval_questions()
    real_n = min(max(args.sizes), args.real_limit)
    chunks_all = synth_chunks(max(args.sizes))
    t0 = time.perf_counter()
    real = embed_cached([c.embedding_text() for c in chunks_all[:real_n]], embeddings)
    embed_s = time.perf_counter() - t0
    print(
        f"{real_n} synthetic chunks embedded (or loaded from cache) in {embed_s:.1f} s",
        file=sys.stderr,
    )
    rows = []
    for size in sorted(args.sizes):
        vectors = real[:size] if size <= real_n else noisy_copies(real, size)
        with tempfile.TemporaryDirectory(prefix=f"lisa-bench-{size}-") as tmp:
            row = measure(size, chunks_all[:size], vectors, embeddings, questions, Path(tmp))
        row["vectors"] = (
            "real embeddings"
            if size <= real_n
            else (
                f"{real_n} real embeddings reused with Gaussian noise (sigma 0.025), renormalised"
            )
        )
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    result: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} CPU cores",
        "torch_threads": threads,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "queries": f"{len(questions)} eval questions, each once after 5 warm-up queries",
        "k": {"dense_only": 10, "bm25_only": 10, "hybrid_retrieve": 5},
        "notes": (
            "Synthetic chunks recombine the corpus's sentences with varied place names and "
            "figures. 1k and 10k use real embeddings of their texts; "
            f"larger sizes reuse the {real_n:,} real vectors with Gaussian noise (sigma 0.025, "
            "cosine to the source about 0.9), renormalised: embedding 100k chunks would take "
            "about 13 minutes on 2 cores. Start-up = the retriever's load: reading the library "
            "snapshot ingest saved (every chunk, up to 50,000 chunks every vector for exact "
            "search, and the library's word stems, each file checked against its sha256) and "
            "loading the keyword index ingest saved (memory-mapped, checked against its "
            "record); 'reading Chroma' is the same load reading every chunk (and vector) back "
            "from Chroma and stemming the library, as every start did before the snapshot "
            "(each the faster of two, after a warm-up read). BM25 build and save and the "
            "snapshot save are what ingest adds at its end. "
            "Hybrid retrieve includes embedding the sentences of each passage met for the first "
            "time (the answerability check): these libraries are inserted without ingest, so no "
            "sentence vectors were saved; bench_ask.py measures asks with them."
        ),
        "sizes": rows,
        "seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"bench_query{suffix}.json").write_text(
        json.dumps(result, indent=1), encoding="utf-8"
    )
    md = [
        "# Query latency (ms, p50 / p95)",
        "",
        f"{result['machine']}, {threads} torch thread(s) (load average before "
        f"{result['load_average_before'][0]}, after "
        f"{result['load_average_after'][0]}); {result['queries']}. "
        "Hybrid = query embedding + dense top-30 + BM25 top-30 + fusion + relevance; "
        "dense-only excludes embedding the query.",
        "",
        "| chunks | vectors | dense only | BM25 only | hybrid retrieve | query embedding | "
        "insert (chunks/s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        md.append(
            f"| {r['chunks']:,} | {'real' if r['vectors'] == 'real embeddings' else 'noisy copies'}"
            f" | {r['dense_only_ms']['p50']} / {r['dense_only_ms']['p95']}"
            f" | {r['bm25_only_ms']['p50']} / {r['bm25_only_ms']['p95']}"
            f" | {r['hybrid_retrieve_ms']['p50']} / {r['hybrid_retrieve_ms']['p95']}"
            f" | {r['query_embedding_ms']['p50']} / {r['query_embedding_ms']['p95']}"
            f" | {r['insert_per_s']:,} |"
        )
    md += [
        "",
        "Start-up (s): the retriever's load from the library snapshot ingest saved, the same "
        "load reading Chroma as before, and the parts of a start; the last column is what "
        "ingest adds.",
        "",
        "| chunks | start-up, snapshot | start-up, reading Chroma | load snapshot | "
        "read Chroma | load keyword index | word stems | BM25 build / save / snapshot save |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        md.append(
            f"| {r['chunks']:,} | {r['retriever_load_s']} | {r['retriever_load_from_chroma_s']}"
            f" | {r['snapshot_load_s']} | {r['read_chroma_s']} | {r['keyword_index_load_s']}"
            f" | {r['lexicon_s']} | {r['bm25_build_s']} / {r['bm25_save_s']}"
            f" / {r['snapshot_save_s']} |"
        )
    md += ["", result["notes"], ""]
    (RESULTS / f"bench_query{suffix}.md").write_text("\n".join(md), encoding="utf-8")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
