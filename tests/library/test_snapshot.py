"""The library snapshot: saved by ingest, read by a start instead of Chroma, never stale.

Real files and real Chroma on disk; the hash embedder stands in for the model (the
snapshot stores whatever vectors the store holds). "Read without Chroma" is proved by the
store never connecting, not by timing.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, copied_library, ingest_with
from fakes import HashEmbedder

from assistant.library.ingest import ingest_paths
from assistant.library.sentence_vectors import embeddings_key
from assistant.library.snapshot import (
    RECORDS,
    VECTORS,
    StaleSnapshot,
    from_records,
    library_for,
    load_snapshot,
    save_snapshot,
)
from assistant.library.store import open_store
from assistant.library.writer import writer_lock
from assistant.settings import Settings

EMBEDDER = HashEmbedder()
KEY = embeddings_key(EMBEDDER.name, EMBEDDER.backend)


def _library(tmp_path: Path, **overrides: object) -> Settings:
    return copied_library(tmp_path, EMBEDDER, **overrides)


def _ingest(settings: Settings) -> None:
    ingest_with(settings, EMBEDDER)


def _from_chroma(settings: Settings, exact_max: int = 50_000):  # type: ignore[no-untyped-def]
    store = open_store(settings, EMBEDDER)
    return from_records(store.records(vectors=True), exact_max)


def test_a_start_reads_the_snapshot_ingest_saved_without_touching_chroma(
    tmp_path: Path,
) -> None:
    settings = _library(tmp_path)
    store = open_store(settings, EMBEDDER, defer=True)
    library = library_for(settings, store, KEY, settings.exact_search_max_chunks)
    assert not store.connected  # Chroma was never opened
    truth = _from_chroma(settings)
    assert library.chunks == truth.chunks  # every field, in library order
    assert library.vectors is not None and truth.vectors is not None
    assert np.array_equal(library.vectors, truth.vectors)
    assert library.lexicon.stems == truth.lexicon.stems
    assert len(library.chunks) == store.count()  # and the store still opens on demand


def test_an_ingest_that_changes_the_library_replaces_the_snapshot(tmp_path: Path) -> None:
    settings = _library(tmp_path)
    (settings.corpus_dir / "harbours.md").write_text(
        "# Harbours\n\n## Ports\n\nHarbour dredging schedules for coastal towns.\n"
    )
    _ingest(settings)
    library = load_snapshot(settings, KEY, settings.exact_search_max_chunks)
    assert any("dredging" in c.text for c in library.chunks)
    assert "dredg" in library.lexicon
    assert library.chunks == _from_chroma(settings).chunks


def test_a_snapshot_from_before_another_ingest_is_not_used(tmp_path: Path) -> None:
    """Another process's ingest rewrites the manifest: the old snapshot is stale, the
    start reads Chroma (connecting) and saves a fresh snapshot."""
    settings = _library(tmp_path)
    manifest = json.loads(settings.manifest_path.read_text(encoding="utf-8"))
    manifest["files"]["elsewhere.md"] = {"sha256": "0" * 64, "chunks": 0}
    settings.manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(StaleSnapshot, match="manifest"):
        load_snapshot(settings, KEY, settings.exact_search_max_chunks)
    store = open_store(settings, EMBEDDER, defer=True)
    library = library_for(settings, store, KEY, settings.exact_search_max_chunks)
    assert store.connected and library.chunks == _from_chroma(settings).chunks
    assert load_snapshot(settings, KEY, settings.exact_search_max_chunks).chunks == library.chunks


def test_a_damaged_snapshot_is_never_read(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = _library(tmp_path)
    records = settings.snapshot_dir / RECORDS
    text = records.read_text(encoding="utf-8")
    records.write_text(text.replace("rural", "urban", 1), encoding="utf-8")  # still JSON
    with pytest.raises(StaleSnapshot, match="damaged"):
        load_snapshot(settings, KEY, settings.exact_search_max_chunks)
    with caplog.at_level(logging.INFO, logger="lisa.snapshot"):
        library = library_for(settings, open_store(settings, EMBEDDER, defer=True), KEY, 50_000)
    assert "damaged" in caplog.text
    assert library.chunks == _from_chroma(settings).chunks  # the true text, from Chroma
    load_snapshot(settings, KEY, 50_000)  # and saved afresh


def test_another_model_or_a_server_never_uses_it(tmp_path: Path) -> None:
    settings = _library(tmp_path)
    with pytest.raises(StaleSnapshot, match="embeddings"):
        load_snapshot(settings, embeddings_key("other-model", "onnx"), 50_000)
    server = settings.model_copy(update={"chroma_host": "127.0.0.1"})
    with pytest.raises(StaleSnapshot, match="server"):
        load_snapshot(server, KEY, 50_000)


def test_vectors_are_kept_only_for_libraries_searched_exactly(tmp_path: Path) -> None:
    settings = _library(tmp_path, exact_search_max_chunks=3)  # the corpus has more chunks
    assert not (settings.snapshot_dir / VECTORS).exists()
    library = load_snapshot(settings, KEY, 3)
    assert library.vectors is None and library.chunks  # approximate search: no matrix
    with pytest.raises(StaleSnapshot, match="no vectors"):  # the setting raised since
        load_snapshot(settings, KEY, 50_000)


def test_a_read_overtaken_by_an_ingest_is_not_saved(tmp_path: Path) -> None:
    """The manifest the records were read under is checked when saving: an ingest that
    finished in between (a new manifest) means the read may be old, so it is dropped."""
    settings = _library(tmp_path)
    shutil.rmtree(settings.snapshot_dir)
    store = open_store(settings, EMBEDDER)
    records = store.records(vectors=True)
    with writer_lock(settings):
        saved = save_snapshot(settings, records, from_records(records, 50_000), KEY, "0" * 64)
    assert saved is False and not settings.snapshot_dir.exists()


@pytest.mark.integration
def test_a_cold_ask_never_imports_chroma(ingested_settings: Settings) -> None:
    """With the snapshot saved, a one-question process answers without Chroma's client."""
    settings = ingested_settings
    code = (
        "import sys\n"
        "from assistant.settings import Settings\n"
        "from assistant.service import build_lisa\n"
        f"s = Settings(_env_file=None, data_dir={str(settings.data_dir)!r}, "
        f"corpus_dir={str(settings.corpus_dir)!r}, prompts_dir={str(settings.prompts_dir)!r})\n"
        "answer = build_lisa(s).ask('What counts as a rural area?')\n"
        "assert answer.citations, answer\n"
        "print([m for m in ('chromadb', 'langchain_chroma') if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout


def test_files_swapped_in_after_the_record_was_read_are_not_mixed_with_it(
    tmp_path: Path,
) -> None:
    """An ingest replacing the snapshot while a start reads it: a file that is not the one
    the record describes (here, other vectors of the same shape) is never used."""
    settings = _library(tmp_path)
    vectors = np.load(settings.snapshot_dir / VECTORS)
    np.save(settings.snapshot_dir / VECTORS, vectors[::-1].copy(), allow_pickle=False)
    with pytest.raises(StaleSnapshot, match="replaced"):
        load_snapshot(settings, KEY, 50_000)


class _Interrupted(HashEmbedder):
    """Embeds nothing: an ingest using it is cut off at its first write."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise KeyboardInterrupt


def test_an_ingest_cut_off_before_its_manifest_leaves_no_snapshot_to_trust(
    tmp_path: Path,
) -> None:
    settings = _library(tmp_path)
    (settings.corpus_dir / "harbours.md").write_text("# Harbours\n\nDredging for ports.\n")
    cut = _Interrupted()
    cut.name = EMBEDDER.name  # the same model, so nothing is re-embedded for that reason
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([settings.corpus_dir], settings, lambda: open_store(settings, cut), cut)
    with pytest.raises(StaleSnapshot):
        load_snapshot(settings, KEY, 50_000)
    store = open_store(settings, EMBEDDER, defer=True)
    library = library_for(settings, store, KEY, 50_000)
    assert library.chunks == _from_chroma(settings).chunks  # what Chroma holds, read there
