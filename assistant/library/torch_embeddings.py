"""Embeddings through sentence-transformers and torch: the reference implementation.

Kept as a setting (``LISA_EMBEDDING_BACKEND=torch``), for models the ONNX backend cannot
export, and as the reference the ONNX export is checked against. Importing this module
does nothing; ``sentence_transformers`` (about 3.5 s) is imported by ``load_torch``.
"""

from __future__ import annotations

from typing import Any

from assistant.library.embeddings import (
    BUNDLED_SHA256,
    EmbeddingModelError,
    LisaEmbeddings,
    QueryCache,
    apply_offline_mode,
    bundled_model_path,
    model_name,
    verify_sha256,
)
from assistant.settings import Settings


class SentenceTransformerEmbeddings(LisaEmbeddings):
    backend = "torch"

    def __init__(self, model: Any, name: str) -> None:
        self._model = model
        self.name = name
        self._queries = QueryCache()

    @property
    def dimension(self) -> int:
        return int(self._model.get_embedding_dimension())

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model.encode(
            texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False
        )
        return [[float(x) for x in row] for row in vectors]

    def embed_query(self, text: str) -> list[float]:
        return self._queries.get(text, lambda t: self.embed_documents([t])[0])

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(text, add_special_tokens=True)["input_ids"])


def load_torch(settings: Settings) -> SentenceTransformerEmbeddings:
    """Load the configured model with sentence-transformers (bundled MiniLM by default,
    hash-checked; another folder or, with the network allowed, a hub name)."""
    apply_offline_mode(settings)
    name = model_name(settings)
    if settings.embedding_model:
        target: str = settings.embedding_model
    else:
        folder = bundled_model_path()
        verify_sha256(folder / "model.safetensors", BUNDLED_SHA256)
        target = str(folder)
    from sentence_transformers import SentenceTransformer

    try:
        model = SentenceTransformer(target, device="cpu")
    except (OSError, ValueError) as exc:
        hint = (
            ""
            if settings.allow_network
            else " (the network is off: set LISA_ALLOW_NETWORK=true to download hub models)"
        )
        raise EmbeddingModelError(f"cannot load embedding model '{name}': {exc}{hint}") from exc
    return SentenceTransformerEmbeddings(model, name)
