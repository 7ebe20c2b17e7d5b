"""Shared fixtures. Unit tests use HashEmbedder; integration tests the real bundled model."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from fakes import HashEmbedder

from assistant.library.embeddings import LisaEmbeddings
from assistant.settings import Settings

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


def pytest_configure(config: pytest.Config) -> None:
    """One ONNX export of the embedding model for the whole run (and the CLI subprocesses
    it starts), in a temporary folder, never the user's data folder."""
    if "LISA_MODEL_DIR" not in os.environ:
        import tempfile

        folder = tempfile.mkdtemp(prefix="lisa-test-models-")
        os.environ["LISA_MODEL_DIR"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def make_settings(tmp: Path, **overrides: object) -> Settings:
    """Settings isolated in a temporary folder (never the user's data/)."""
    values: dict[str, object] = {
        "data_dir": tmp / "data",
        "corpus_dir": CORPUS,
        "prompts_dir": REPO / "prompts",
        "feedback_path": tmp / "data" / "feedback.jsonl",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def ingest_with(settings: Settings, embeddings: LisaEmbeddings) -> None:
    """Ingest ``settings.corpus_dir`` into its store with ``embeddings``; every file must
    ingest."""
    from assistant.library.ingest import ingest_paths
    from assistant.library.store import open_store

    report = ingest_paths(
        [settings.corpus_dir], settings, lambda: open_store(settings, embeddings), embeddings
    )
    assert report.ok, report.files


def copied_library(tmp: Path, embeddings: LisaEmbeddings, **overrides: object) -> Settings:
    """Settings with a copy of the corpus (free to edit) in ``tmp``, ingested."""
    corpus = tmp / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = make_settings(tmp, corpus_dir=corpus, **overrides)
    ingest_with(settings, embeddings)
    return settings


@pytest.fixture
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture(scope="session")
def real_embeddings() -> LisaEmbeddings:
    from assistant.library.models import build_embeddings

    return build_embeddings(Settings(_env_file=None))  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def ingested_settings(
    tmp_path_factory: pytest.TempPathFactory, real_embeddings: LisaEmbeddings
) -> Settings:
    """The real corpus ingested once with the real model into a temporary store."""
    from assistant.library.ingest import ingest_paths
    from assistant.library.store import open_store

    settings = make_settings(tmp_path_factory.mktemp("lisa"))
    report = ingest_paths(
        [settings.corpus_dir],
        settings,
        lambda: open_store(settings, real_embeddings),
        real_embeddings,
    )
    assert report.ok, report.files
    return settings


@pytest.fixture(scope="session")
def lisa(ingested_settings: Settings, real_embeddings: LisaEmbeddings) -> Iterator[object]:
    from assistant.service import build_lisa

    yield build_lisa(ingested_settings, real_embeddings)


@pytest.fixture(scope="session")
def guidance_retriever(lisa: object) -> object:
    return lisa.retriever  # type: ignore[attr-defined]


# --- critique (draft scoring) -------------------------------------------------
@pytest.fixture(scope="session")
def critique_rubric() -> object:
    """The real rubric and its calibrated thresholds (prompts/)."""
    from assistant.critique.rubric import load_rubric

    return load_rubric(REPO / "prompts" / "rubric.yaml")


class ChunkList:
    """A guidance source without a store: the corpus chunked in memory."""

    def __init__(self, chunks: list[object]) -> None:
        self.chunks = chunks


@pytest.fixture(scope="session")
def guidance_chunks() -> ChunkList:
    """The guidance corpus as chunks (what HybridRetriever.chunks holds), for unit tests."""
    from assistant.documents.chunking import chunk_document
    from assistant.documents.loading import is_document_file, load_document

    chunks: list[object] = []
    for path in sorted(CORPUS.iterdir()):
        if is_document_file(path):
            chunks.extend(chunk_document(load_document(path, 25 * 1024 * 1024)))
    return ChunkList(chunks)
