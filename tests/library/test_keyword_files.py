"""The keyword index is saved by ingest and loaded at start-up; a wrong one is never used.

Real files, real Chroma on disk; the hash embedder stands in for the model (keywords do
not depend on it). Builds are counted through an injected builder, so "loaded, not
built" is proved without timing anything.
"""

from __future__ import annotations

import functools
import json
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from conftest import copied_library, ingest_with, make_settings
from fakes import HashEmbedder

from assistant.ask.answerability import FEATURES, AnswerabilityModel
from assistant.ask.retrieval import HybridRetriever
from assistant.library.keyword_files import (
    RECORD,
    StaleKeywordIndex,
    keywords_for,
    load_keywords,
)
from assistant.library.keyword_index import KeywordIndex, chunk_texts
from assistant.library.store import library_digest, open_store
from assistant.library.writer import writer_lock
from assistant.settings import Settings

ALWAYS = AnswerabilityModel(weights=dict.fromkeys(FEATURES, 0.0), bias=5.0)
EMBEDDER = HashEmbedder()


class CountingBuilder:
    def __init__(self) -> None:
        self.builds = 0

    def __call__(self, texts: Sequence[str]) -> KeywordIndex:
        self.builds += 1
        return KeywordIndex(texts)


def _library(tmp_path: Path, **overrides: object) -> Settings:
    return copied_library(tmp_path, EMBEDDER, **overrides)


def _ingest(settings: Settings) -> None:
    ingest_with(settings, EMBEDDER)


def _start(settings: Settings) -> tuple[HybridRetriever, CountingBuilder]:
    """What ``service.build_retriever`` does at start-up, with the builds counted."""
    builder = CountingBuilder()
    source = functools.partial(keywords_for, settings, build=builder)
    store = open_store(settings, EMBEDDER)
    return HybridRetriever(store, EMBEDDER, ALWAYS, keyword_index=source), builder


def _fresh(retriever: HybridRetriever) -> KeywordIndex:
    return KeywordIndex(chunk_texts(retriever.chunks))


QUERIES = ["What counts as rural?", "harbour freight rail", "engage young people", "anchor"]


def _same(a: KeywordIndex, b: KeywordIndex) -> None:
    assert a.size == b.size and a.vocabulary == b.vocabulary
    for query in QUERIES:
        assert np.array_equal(a.scores(query), b.scores(query))


def test_ingest_saves_the_index_and_a_start_loads_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _library(tmp_path)
    folder = settings.keyword_index_dir
    record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    store = open_store(settings, EMBEDDER)
    assert record["chunk_ids"] == [c.id for c in store.library_chunks()]  # index order
    assert set(record["files"]) == {p.name for p in folder.iterdir()} - {RECORD}
    saved_at = (folder / RECORD).stat().st_mtime_ns
    with caplog.at_level(logging.WARNING, logger="lisa.keywords"):
        retriever, builder = _start(settings)
        _, second = _start(settings)
    assert builder.builds == 0 and second.builds == 0  # loaded, never built
    assert not [r for r in caplog.records if r.name == "lisa.keywords"]
    assert (folder / RECORD).stat().st_mtime_ns == saved_at  # and not saved again
    _same(retriever.keywords, _fresh(retriever))
    assert retriever.keyword("What counts as rural?", 3)


def test_the_service_loads_the_saved_index(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from assistant.service import build_retriever

    settings = _library(tmp_path)
    with caplog.at_level(logging.WARNING, logger="lisa.keywords"):
        retriever = build_retriever(settings, open_store(settings, EMBEDDER), EMBEDDER)
    assert not [r for r in caplog.records if r.name == "lisa.keywords"]  # nothing rebuilt
    _same(retriever.keywords, _fresh(retriever))


def _add_ports(settings: Settings) -> None:
    (settings.corpus_dir / "ports.md").write_text(
        "# Ports\n\n## Harbours\n\nHarbour towns rely on freight and rail links.\n",
        encoding="utf-8",
    )


def test_a_later_ingest_saves_the_new_library_s_index(tmp_path: Path) -> None:
    settings = _library(tmp_path)
    _add_ports(settings)
    _ingest(settings)
    retriever, builder = _start(settings)
    assert builder.builds == 0
    _same(retriever.keywords, _fresh(retriever))
    assert retriever.keyword("harbour freight", 1)[0][0].source == "ports.md"


def test_an_index_of_an_earlier_library_is_rebuilt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _library(tmp_path)
    earlier = tmp_path / "earlier-index"
    shutil.copytree(settings.keyword_index_dir, earlier)
    _add_ports(settings)
    _ingest(settings)
    shutil.rmtree(settings.keyword_index_dir)
    shutil.copytree(earlier, settings.keyword_index_dir)  # as if that ingest stopped short
    with caplog.at_level(logging.WARNING, logger="lisa.keywords"):
        retriever, builder = _start(settings)
    assert builder.builds == 1
    assert "changed by an ingest" in caplog.text
    _same(retriever.keywords, _fresh(retriever))
    assert retriever.keyword("harbour freight", 1)[0][0].source == "ports.md"
    assert _start(settings)[1].builds == 0  # the rebuilt index was saved


def test_chunks_changed_outside_ingest_are_noticed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _library(tmp_path)
    store = open_store(settings, EMBEDDER)
    (extra,) = [c for c in store.library_chunks() if "rural" in c.text.lower()][:1]
    store.delete([extra.id])  # the manifest is untouched: only the ids tell
    with caplog.at_level(logging.WARNING, logger="lisa.keywords"):
        retriever, builder = _start(settings)
    assert builder.builds == 1 and "1 gone" in caplog.text
    _same(retriever.keywords, _fresh(retriever))


def test_the_digest_a_start_passes_is_the_one_checked(tmp_path: Path) -> None:
    """A start computes the library's digest once (``LibraryRead.digest``) and the saved
    index is checked against it: the right digest loads, any other is stale."""
    settings = _library(tmp_path)
    chunks = open_store(settings, EMBEDDER).library_chunks()
    retriever, _ = _start(settings)
    assert retriever.library_digest == library_digest(chunks)
    _same(load_keywords(settings, chunks, retriever.library_digest), _fresh(retriever))
    with pytest.raises(StaleKeywordIndex, match="texts differ"):
        load_keywords(settings, chunks, "0" * 64)


@pytest.mark.parametrize("damage", ["delete", "flip", "truncate", "record"])
def test_a_deleted_or_damaged_file_is_rebuilt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    settings = _library(tmp_path)
    folder = settings.keyword_index_dir
    data = folder / "data.csc.index.npy"
    if damage == "delete":
        data.unlink()
    elif damage == "flip":  # same size, still a valid .npy: only the checksum can tell
        raw = bytearray(data.read_bytes())
        raw[-3] ^= 0x5A
        data.write_bytes(bytes(raw))
    elif damage == "truncate":
        data.write_bytes(data.read_bytes()[:100])
    else:
        (folder / RECORD).write_text('{"format": 1, "chunk_ids": [', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="lisa.keywords"):
        retriever, builder = _start(settings)
    assert builder.builds == 1
    reason = {
        "delete": "unreadable",
        "flip": "damaged",
        "truncate": "damaged",
        "record": "record is unreadable",
    }
    assert reason[damage] in caplog.text
    _same(retriever.keywords, _fresh(retriever))
    assert _start(settings)[1].builds == 0  # saved again, whole


def test_a_start_during_an_ingest_builds_without_saving(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _library(tmp_path)
    shutil.rmtree(settings.keyword_index_dir)
    with writer_lock(settings), caplog.at_level(logging.WARNING, logger="lisa.keywords"):
        retriever, builder = _start(settings)
    assert builder.builds == 1 and "not saved" in caplog.text
    assert not settings.keyword_index_dir.exists()
    _same(retriever.keywords, _fresh(retriever))


def test_an_empty_library_has_an_empty_index(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=tmp_path / "none")
    index = keywords_for(settings, [])
    assert index.size == 0 and index.search("rural", 3) == []
    assert load_keywords(settings, []).size == 0  # saved, and read back
