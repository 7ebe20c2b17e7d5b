"""How long a start takes: the retriever's load with the saved keyword index, the same load
building BM25 from every chunk as starts did before it was saved, and the parts of a start.

Used by ``bench_query.py`` (which makes the libraries); not a benchmark on its own.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from assistant.settings import Settings


class CountingBuilder:
    """Builds the keyword index in memory and counts the builds (a start must make none)."""

    def __init__(self) -> None:
        self.builds = 0

    def __call__(self, texts: Sequence[str]) -> Any:
        from assistant.library.keyword_index import KeywordIndex

        self.builds += 1
        return KeywordIndex(texts)


def start_up(settings: Settings, embeddings: Any, relevance: Any) -> dict[str, float]:
    """Seconds of a start (the retriever's load) with the keyword index ingest saved, and of
    the same load building BM25 from every chunk as starts did before; each the faster of
    two, after a warm-up read (as on a second start: Chroma's and the OS's caches warm).
    Then the parts of a start, one by one."""
    from functools import partial

    from assistant.ask.retrieval import HybridRetriever
    from assistant.library.keyword_files import keywords_for, load_keywords
    from assistant.library.lexicon import LibraryLexicon
    from assistant.library.store import open_store

    open_store(settings, embeddings).library_chunks()  # warm-up
    builder = CountingBuilder()
    saved = partial(keywords_for, settings, build=builder)

    def load(source: Any) -> float:
        started = time.perf_counter()
        store = open_store(settings, embeddings)
        HybridRetriever(
            store, embeddings, relevance, floor=settings.min_relevance, keyword_index=source
        )
        return time.perf_counter() - started

    loaded, rebuilt = [], []
    for _ in range(2):
        loaded.append(load(saved))
        rebuilt.append(load(None))
    assert builder.builds == 0, "a start built the keyword index instead of loading it"
    store = open_store(settings, embeddings)
    parts: dict[str, float] = {}
    started = time.perf_counter()
    chunks = store.library_chunks()
    parts["read_chunks_s"] = time.perf_counter() - started
    started = time.perf_counter()
    if len(chunks) <= settings.exact_search_max_chunks:
        store.vectors()
    parts["read_vectors_s"] = time.perf_counter() - started
    started = time.perf_counter()
    load_keywords(settings, chunks)
    parts["keyword_index_load_s"] = time.perf_counter() - started
    started = time.perf_counter()
    LibraryLexicon(c.embedding_text() for c in chunks)
    parts["lexicon_s"] = time.perf_counter() - started
    return {
        "retriever_load_s": round(min(loaded), 2),
        "retriever_load_rebuilding_bm25_s": round(min(rebuilt), 2),
        **{name: round(value, 2) for name, value in parts.items()},
    }
