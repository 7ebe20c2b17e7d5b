"""How long a start takes: the retriever's load from the library snapshot ingest saved, the
same load reading Chroma (as starts did before the snapshot), and the parts of a start.

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


def save_snapshot_timed(settings: Settings, embeddings: Any) -> float:
    """What ingest does last: read the library from Chroma and save its snapshot (seconds
    of the save alone)."""
    from assistant.library.sentence_vectors import embeddings_key
    from assistant.library.snapshot import read_store, save_snapshot
    from assistant.library.store import open_store
    from assistant.library.writer import writer_lock

    exact_max = settings.exact_search_max_chunks
    store = open_store(settings, embeddings)
    records, library = read_store(store, exact_max)
    key = embeddings_key(embeddings.name, embeddings.backend)
    started = time.perf_counter()
    with writer_lock(settings):
        save_snapshot(settings, records, library, key)
    return time.perf_counter() - started


def start_up(settings: Settings, embeddings: Any, relevance: Any) -> dict[str, float]:
    """Seconds of a start (the retriever's load) from the snapshot, and of the same load
    reading every chunk (and vector) back from Chroma as starts did before; each the faster
    of two, after a warm-up read (as on a second start: the OS's caches warm). Both load the
    saved keyword index. Then the parts of a start, one by one."""
    from functools import partial

    from assistant.ask.retrieval import HybridRetriever
    from assistant.library.keyword_files import keywords_for, load_keywords
    from assistant.library.lexicon import LibraryLexicon
    from assistant.library.sentence_vectors import embeddings_key
    from assistant.library.snapshot import library_for, load_snapshot
    from assistant.library.store import open_store

    exact_max = settings.exact_search_max_chunks
    key = embeddings_key(embeddings.name, embeddings.backend)
    open_store(settings, embeddings).library_chunks()  # warm-up
    load_snapshot(settings, key, exact_max)
    builder = CountingBuilder()
    saved = partial(keywords_for, settings, build=builder)

    def load(snapshot: bool) -> float:
        started = time.perf_counter()
        store = open_store(settings, embeddings, defer=snapshot)
        library = library_for(settings, store, key, exact_max) if snapshot else None
        HybridRetriever(
            store,
            embeddings,
            relevance,
            floor=settings.min_relevance,
            exact_max=exact_max,
            keyword_index=saved,
            library=library,
        )
        if snapshot:
            assert not store.connected, "a start from the snapshot opened Chroma"
        return time.perf_counter() - started

    from_snapshot, from_chroma = [], []
    for _ in range(2):
        from_snapshot.append(load(True))
        from_chroma.append(load(False))
    assert builder.builds == 0, "a start built the keyword index instead of loading it"
    store = open_store(settings, embeddings)
    parts: dict[str, float] = {}
    started = time.perf_counter()
    chunks = load_snapshot(settings, key, exact_max).chunks
    parts["snapshot_load_s"] = time.perf_counter() - started
    started = time.perf_counter()
    store.records(vectors=len(chunks) <= exact_max)
    parts["read_chroma_s"] = time.perf_counter() - started
    started = time.perf_counter()
    load_keywords(settings, chunks)
    parts["keyword_index_load_s"] = time.perf_counter() - started
    started = time.perf_counter()
    LibraryLexicon(c.embedding_text() for c in chunks)
    parts["lexicon_s"] = time.perf_counter() - started
    return {
        "retriever_load_s": round(min(from_snapshot), 2),
        "retriever_load_from_chroma_s": round(min(from_chroma), 2),
        **{name: round(value, 2) for name, value in parts.items()},
    }
