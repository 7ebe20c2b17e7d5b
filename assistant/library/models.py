"""Which embeddings LISA runs: the configured model on the configured backend.

``build_embeddings`` loads them now; ``make_lazy_embeddings`` on first use (an ingest with
nothing to do never loads a model). Both backends give the same vectors (to about 1e-6)
for the bundled model; the manifest records the backend, so changing it re-embeds the
library on the next ingest.
"""

from __future__ import annotations

from assistant.library.embeddings import LazyEmbeddings, LisaEmbeddings, model_name
from assistant.settings import Settings


def build_embeddings(settings: Settings) -> LisaEmbeddings:
    if settings.embedding_backend == "torch":
        from assistant.library.torch_embeddings import load_torch

        return load_torch(settings)
    from assistant.library.onnx_embeddings import load_onnx

    return load_onnx(settings)


def make_lazy_embeddings(settings: Settings) -> LazyEmbeddings:
    return LazyEmbeddings(
        model_name(settings), lambda: build_embeddings(settings), settings.embedding_backend
    )
