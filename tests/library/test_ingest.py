"""Ingest against a real on-disk Chroma store, with the fast hash embedder."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, make_settings
from fakes import HashEmbedder

from assistant.library.ingest import ingest_paths
from assistant.library.manifest import Manifest
from assistant.library.passages import library_readings, merged_texts
from assistant.library.store import open_store
from assistant.library.writer import StoreBusyError, writer_lock
from assistant.settings import Settings


class CountingEmbedder(HashEmbedder):
    def __init__(self, fail_after: int | None = None) -> None:
        super().__init__()
        self.embedded = 0
        self.fail_after = fail_after

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.fail_after is not None and self.embedded + len(texts) > self.fail_after:
            raise RuntimeError("simulated crash in the middle of an ingest")
        self.embedded += len(texts)
        return super().embed_documents(texts)


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(REPO / "corpus" / "connected-growth-part1-process.md", folder)
    shutil.copy(REPO / "corpus" / "connected-growth-part1-process.meta.json", folder)
    (folder / "extra.md").write_text("# Extra\n\n## Ports\n\nCoastal ports matter.\n")
    return folder


def _run(settings: Settings, embedder: HashEmbedder, **kwargs: object):  # type: ignore[no-untyped-def]
    return ingest_paths(
        [settings.corpus_dir],
        settings,
        lambda: open_store(settings, embedder),
        embedder,
        **kwargs,  # type: ignore[arg-type]
    )


def _ids(settings: Settings, embedder: HashEmbedder) -> list[str]:
    return sorted(open_store(settings, embedder).vectorstore.get(include=[])["ids"])


def test_incremental_ingest_skips_replaces_and_removes(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=_corpus(tmp_path))
    embedder = CountingEmbedder()
    first = _run(settings, embedder)
    assert first.ok and first.count("added") == 2
    ids = _ids(settings, embedder)
    assert len(ids) == first.total_chunks == first.chunks_embedded

    embedder.embedded = 0
    again = _run(settings, embedder)
    assert again.count("unchanged") == 2 and embedder.embedded == 0
    assert _ids(settings, embedder) == ids

    (settings.corpus_dir / "extra.md").write_text("# Extra\n\n## Ports\n\nPorts and harbours.\n")
    changed = _run(settings, embedder)
    assert [f.status for f in changed.files if f.source == "extra.md"] == ["updated"]
    after = _ids(settings, embedder)
    assert len(after) == len(ids)  # replaced, never duplicated
    store = open_store(settings, embedder)
    assert any("harbours" in c.text for c in store.library_chunks())
    assert not any("Coastal ports matter" in c.text for c in store.library_chunks())

    (settings.corpus_dir / "extra.md").unlink()
    removed = _run(settings, embedder)
    assert removed.count("removed") == 1
    assert not open_store(settings, embedder).ids_for_source("extra.md")
    assert "extra.md" not in Manifest.load(settings.manifest_path).files


def test_another_embedding_backend_re_embeds_the_library(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=_corpus(tmp_path))
    embedder = CountingEmbedder()
    first = _run(settings, embedder)
    assert Manifest.load(settings.manifest_path).embedding_backend == ""
    embedder.embedded = 0
    assert _run(settings, embedder).count("unchanged") == 2 and embedder.embedded == 0
    other = CountingEmbedder()
    other.backend = "onnx"  # same model name, vectors from another backend
    again = _run(settings, other)
    chunks = open_store(settings, other).library_chunks()
    sentences = len(set(library_readings(merged_texts(chunks))))
    assert other.embedded == first.chunks_embedded + sentences  # every chunk and sentence again
    assert Manifest.load(settings.manifest_path).embedding_backend == "onnx"
    assert len(_ids(settings, other)) == first.total_chunks  # replaced, not duplicated
    assert again.ok


def _damaged_word_file(path: Path) -> None:
    """A real Word package whose main XML part is cut off."""
    import io
    import zipfile

    from docx import Document as make_docx

    buffer = io.BytesIO()
    make_docx().save(buffer)
    with zipfile.ZipFile(buffer) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = b"<w:document" if item.filename == "word/document.xml" else old.read(item)
            new.writestr(item, data)


def test_bad_files_fail_alone_and_the_rest_ingests(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (corpus / "latin1.txt").write_bytes("Caf\xe9".encode("latin-1"))
    _damaged_word_file(corpus / "damaged.docx")
    settings = make_settings(tmp_path, corpus_dir=corpus)
    report = _run(settings, HashEmbedder())
    assert not report.ok
    failed = {f.source: f.reason for f in report.files if f.status == "failed"}
    assert set(failed) == {"broken.pdf", "latin1.txt", "damaged.docx"}
    assert "damaged" in (failed["damaged.docx"] or "")
    assert "not UTF-8" in (failed["latin1.txt"] or "")
    assert report.count("added") == 2


def test_interrupted_ingest_leaves_the_previous_index_usable(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=_corpus(tmp_path))
    _run(settings, CountingEmbedder())
    before = _ids(settings, HashEmbedder())
    guide = settings.corpus_dir / "connected-growth-part1-process.md"
    guide.write_text(guide.read_text().replace("rural", "countryside"))
    with pytest.raises(RuntimeError, match="simulated crash"):
        _run(settings, CountingEmbedder(fail_after=10))
    survivors = set(_ids(settings, HashEmbedder()))
    assert set(before) <= survivors  # nothing of the old index was lost
    finished = _run(settings, CountingEmbedder())
    assert finished.ok and finished.count("updated") == 1
    chunks = open_store(settings, HashEmbedder()).library_chunks()
    assert len(chunks) == finished.total_chunks
    assert len({(c.source, c.position) for c in chunks}) == len(chunks)  # no duplicates
    assert not any(" rural " in c.text for c in chunks if c.source == guide.name)


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=_corpus(tmp_path))
    report = _run(settings, HashEmbedder(), dry_run=True)
    assert report.dry_run and report.count("added") == 2
    assert not settings.manifest_path.exists()


def _hold_lock(settings_json: str, ready: object, release: object) -> None:
    settings = Settings.model_validate_json(settings_json)
    with writer_lock(settings):
        ready.set()  # type: ignore[attr-defined]
        release.wait(30)  # type: ignore[attr-defined]


def test_second_writer_is_told_clearly(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=_corpus(tmp_path))
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(settings.model_dump_json(), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(StoreBusyError, match="being written by process"):
            _run(settings, HashEmbedder())
    finally:
        release.set()
        holder.join(30)
    assert _run(settings, HashEmbedder()).ok


def test_ingest_cli_json_summary_and_exit_status(tmp_path: Path) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "ok.md").write_text("# Guide\n\nSome guidance text for officers.\n")
    (corpus / "bad.xyz").write_text("nope")
    env = {
        "LISA_DATA_DIR": str(tmp_path / "data"),
        "LISA_CORPUS_DIR": str(corpus),
        "HF_HUB_OFFLINE": "1",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "ingest_docs.py", "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    summary = json.loads(done.stdout)
    assert summary["ok"] is False
    assert "error: bad.xyz: unsupported file type" in done.stderr
    assert {f["source"]: f["status"] for f in summary["files"]} == {
        "ok.md": "added",
        "bad.xyz": "failed",
    }


def test_store_reads_back_in_pages(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=_corpus(tmp_path))
    report = _run(settings, HashEmbedder())
    store = open_store(settings, HashEmbedder())
    records = store.records(vectors=True, page=7)
    paged = records.chunks()
    assert len(paged) == report.total_chunks == store.count()
    assert records.vectors is not None and records.vectors.shape[0] == len(paged)
    whole = store.vectors()
    for chunk, row in zip(paged, records.vectors, strict=True):  # each vector stays its own
        assert list(row) == pytest.approx(whole[chunk.id])
    assert paged == store.library_chunks()  # library order, whatever the page size
    assert len({c.id for c in paged}) == len(paged)
    source = "connected-growth-part1-process.md"
    assert sorted(store.ids_for_source(source, page=4)) == sorted(
        c.id for c in paged if c.source == source
    )
