"""A rebuild is written into a fresh collection and swapped in whole (issue 13): a reader
never sees half a library, a rebuild cut off leaves the old library as it was, and a crash
between the swap's two renames is repaired when the store is next opened."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from conftest import make_settings
from fakes import HashEmbedder

from assistant.library.ingest import ingest_paths
from assistant.library.store import make_client, open_store
from assistant.library.writer import (
    RETIRED_SUFFIX,
    StoreBusyError,
    collection_names,
    recover_swap,
    writer_lock,
)


class FailingEmbedder(HashEmbedder):
    """Embeds normally until its ``fail_after``-th batch, then raises (a crash mid-rebuild)."""

    def __init__(self, fail_after: int) -> None:
        super().__init__(dimension=32)
        self.calls, self.fail_after = 0, fail_after

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        if self.calls > self.fail_after:
            raise RuntimeError("power cut")
        return super().embed_documents(texts)


def _library(folder: Path, files: int) -> None:
    folder.mkdir(exist_ok=True)
    for n in range(files):
        words = "harbour skills broadband college ferry wages rural sites output firms".split()
        paras = [
            f"Paper {n} paragraph {p}: " + " ".join(words[(n + p + i) % 10] for i in range(45))
            for p in range(12)
        ]
        body = "\n\n".join(f"## Part {p}\n\n{text}" for p, text in enumerate(paras))
        (folder / f"paper_{n}.md").write_text(f"# Paper {n}\n\n{body}\n", encoding="utf-8")


def _names(settings) -> set[str]:  # type: ignore[no-untyped-def]
    """The collections on disk, read without opening (or repairing) the library."""
    return collection_names(make_client(settings))


def _ingested(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A two-file library ingested: (corpus, settings, embedder, report, client)."""
    corpus = tmp_path / "corpus"
    settings = make_settings(tmp_path, corpus_dir=corpus, chunk_words=40)
    embedder = HashEmbedder(dimension=32)
    _library(corpus, files=2)
    report = ingest_paths([corpus], settings, lambda: open_store(settings, embedder), embedder)
    return corpus, settings, embedder, report, open_store(settings, embedder).client


def _retire(client, settings) -> None:  # type: ignore[no-untyped-def]
    """The state a swap's first rename leaves: the library retired, nothing live yet."""
    client.get_collection(settings.collection).modify(name=settings.collection + RETIRED_SUFFIX)


def test_a_rebuild_is_swapped_in_whole_and_leaves_no_side_collections(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    settings = make_settings(tmp_path, corpus_dir=corpus, chunk_words=40)
    embedder = HashEmbedder(dimension=32)
    _library(corpus, files=4)
    first = ingest_paths([corpus], settings, lambda: open_store(settings, embedder), embedder)
    (corpus / "paper_3.md").unlink()  # a file gone before the rebuild is not in it
    rebuilt = ingest_paths(
        [corpus], settings, lambda: open_store(settings, embedder), embedder, rebuild=True
    )
    assert rebuilt.ok and {f.source for f in rebuilt.files if f.status == "removed"} == {
        "paper_3.md"
    }
    assert rebuilt.total_chunks == first.total_chunks * 3 // 4
    assert _names(settings) == {settings.collection}
    store = open_store(settings, embedder)
    assert store.count() == rebuilt.total_chunks
    manifest = json.loads(settings.manifest_path.read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == ["paper_0.md", "paper_1.md", "paper_2.md"]
    assert {c.source for c in store.library_chunks()} == set(manifest["files"])


def test_a_rebuild_cut_off_leaves_the_library_and_its_manifest_as_they_were(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    settings = make_settings(tmp_path, corpus_dir=corpus, chunk_words=40)
    embedder = HashEmbedder(dimension=32)
    _library(corpus, files=8)
    first = ingest_paths([corpus], settings, lambda: open_store(settings, embedder), embedder)
    assert first.total_chunks > 64  # more than one embedding batch: the crash comes mid-way
    before_ids = {c.id for c in open_store(settings, embedder).library_chunks()}
    before_manifest = settings.manifest_path.read_bytes()
    crashing = FailingEmbedder(fail_after=1)
    crashing.name = embedder.name
    with pytest.raises(RuntimeError, match="power cut"):
        ingest_paths(
            [corpus], settings, lambda: open_store(settings, crashing), crashing, rebuild=True
        )
    assert {c.id for c in open_store(settings, embedder).library_chunks()} == before_ids
    assert settings.manifest_path.read_bytes() == before_manifest
    # the next rebuild starts again from an empty side collection and completes
    again = ingest_paths(
        [corpus], settings, lambda: open_store(settings, embedder), embedder, rebuild=True
    )
    assert again.ok and again.total_chunks == len(before_ids)
    assert _names(settings) == {settings.collection}


def test_a_crash_between_the_swaps_renames_is_repaired_when_the_store_opens(
    tmp_path: Path,
) -> None:
    _, settings, embedder, report, client = _ingested(tmp_path)
    _retire(client, settings)
    assert settings.collection not in {c.name for c in client.list_collections()}
    assert open_store(settings, embedder).count() == report.total_chunks
    assert _names(settings) == {settings.collection}


def test_a_reader_waits_for_the_writer_that_holds_the_lock_to_finish_its_swap(
    tmp_path: Path,
) -> None:
    _, settings, embedder, report, client = _ingested(tmp_path)
    _retire(client, settings)
    retired_only = {settings.collection + RETIRED_SUFFIX}
    with writer_lock(settings):  # a writer between its two renames
        with pytest.raises(StoreBusyError, match="being swapped in"):
            recover_swap(client, settings.collection, settings.lock_path, wait=0.3)
        assert _names(settings) == retired_only  # no empty library was made meanwhile

        def finish_swap() -> None:  # the writer's second rename, a moment later
            time.sleep(0.5)
            client.get_collection(settings.collection + RETIRED_SUFFIX).modify(
                name=settings.collection
            )

        writer = threading.Thread(target=finish_swap)
        writer.start()
        # a reader connecting meanwhile waits for it, and then reads the whole library
        assert open_store(settings, embedder, defer=True).count() == report.total_chunks
        writer.join()
    assert _names(settings) == {settings.collection}


def test_an_ingest_repairs_a_broken_swap_before_it_writes(tmp_path: Path) -> None:
    corpus, settings, embedder, first, client = _ingested(tmp_path)
    _retire(client, settings)
    (corpus / "extra.md").write_text("# Extra\n\nA further note on harbour dredging.\n")
    deferred = open_store(settings, embedder, defer=True)  # as the web app holds it
    again = ingest_paths([corpus], settings, lambda: deferred, embedder)
    assert again.total_chunks > first.total_chunks
    assert open_store(settings, embedder).count() == again.total_chunks
    assert _names(settings) == {settings.collection}
    # a writer holding the lock repairs a swap broken after it connected
    connected = open_store(settings, embedder)
    _retire(client, settings)
    with writer_lock(settings):
        connected.repair_swap()
    assert _names(settings) == {settings.collection}
