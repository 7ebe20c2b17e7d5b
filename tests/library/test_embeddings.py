from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import make_settings
from fakes import HashEmbedder

from assistant.library.embeddings import (
    BUNDLED_SHA256,
    EmbeddingModelError,
    LazyEmbeddings,
    build_embeddings,
    bundled_model_path,
    make_lazy_embeddings,
    verify_sha256,
)


def test_hash_check_rejects_altered_weights(tmp_path: Path) -> None:
    fake = tmp_path / "model.safetensors"
    fake.write_bytes(b"not the real weights")
    with pytest.raises(EmbeddingModelError, match="do not match the expected sha256"):
        verify_sha256(fake, BUNDLED_SHA256)


@pytest.mark.integration
def test_bundled_model_is_verified_and_offline(tmp_path: Path) -> None:
    verify_sha256(bundled_model_path() / "model.safetensors", BUNDLED_SHA256)
    embeddings = build_embeddings(make_settings(tmp_path))
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert embeddings.dimension == 384
    near = embeddings.embed_documents(["rural areas", "villages and countryside"])
    far = embeddings.embed_query("quarterly VAT returns")
    cos = sum(a * b for a, b in zip(near[0], near[1], strict=True))
    cos_far = sum(a * b for a, b in zip(near[0], far, strict=True))
    assert cos > cos_far


@pytest.mark.integration
def test_another_model_folder_can_be_configured(tmp_path: Path) -> None:
    copy = tmp_path / "my-model"
    shutil.copytree(bundled_model_path(), copy)
    embeddings = build_embeddings(make_settings(tmp_path, embedding_model=str(copy)))
    assert embeddings.name == str(copy) and len(embeddings.embed_query("x")) == 384


def test_missing_model_fails_with_a_clear_message(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, embedding_model=str(tmp_path / "nowhere"))
    with pytest.raises(EmbeddingModelError, match="network is off"):
        build_embeddings(settings)


def test_lazy_embeddings_do_not_load_until_used(tmp_path: Path) -> None:
    calls: list[int] = []

    def factory() -> HashEmbedder:
        calls.append(1)
        return HashEmbedder()

    assert make_lazy_embeddings(make_settings(tmp_path)).name.startswith(
        "sentence-transformers/all-MiniLM-L6-v2"
    )
    lazy = LazyEmbeddings("test", factory)
    assert not calls
    lazy.embed_query("hello")
    lazy.embed_query("again")
    assert calls == [1]
