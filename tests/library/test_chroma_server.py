"""The scale-out path: a real `chroma run` server on 127.0.0.1, reached by HttpClient."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import make_settings
from fakes import HashEmbedder

from assistant.ask.answerability import load_answerability_model
from assistant.ask.retrieval import HybridRetriever
from assistant.library.ingest import ingest_paths
from assistant.library.store import open_store
from assistant.settings import Settings

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    port = _free_port()
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--path",
            str(tmp_path / "server-data"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).is_success:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("chroma server did not start within 60 s")
        yield port
    finally:
        proc.terminate()
        proc.wait(20)


def test_ingest_and_search_through_a_chroma_server(tmp_path: Path, chroma_server: int) -> None:
    settings: Settings = make_settings(tmp_path, chroma_host="127.0.0.1", chroma_port=chroma_server)
    embedder = HashEmbedder()
    report = ingest_paths(
        [settings.corpus_dir], settings, lambda: open_store(settings, embedder), embedder
    )
    assert report.ok and report.total_chunks > 10
    assert not settings.chroma_dir.exists()  # nothing went to the on-disk store
    store = open_store(settings, embedder)
    assert store.count() == report.total_chunks
    retriever = HybridRetriever(
        store, embedder, load_answerability_model(settings.prompts_dir / "answerability.json")
    )
    hits = retriever.retrieve("anchor institutions universities theatres sports clubs", 3).hits
    assert hits and hits[0].chunk.section_path[-1].startswith("Designing the LIS")
    again = ingest_paths(
        [settings.corpus_dir], settings, lambda: open_store(settings, embedder), embedder
    )
    assert again.chunks_embedded == 0 and store.count() == report.total_chunks
    rebuilt = ingest_paths(
        [settings.corpus_dir],
        settings,
        lambda: open_store(settings, embedder),
        embedder,
        rebuild=True,
    )  # written into a fresh collection on the server and swapped in by renaming
    assert rebuilt.ok and rebuilt.health is not None and rebuilt.health.missed == ()
    fresh = open_store(settings, embedder)
    assert fresh.count() == report.total_chunks
    assert {c.name for c in fresh.client.list_collections()} == {settings.collection}
