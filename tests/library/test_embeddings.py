from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, REPO, make_settings
from fakes import HashEmbedder

from assistant.library.embeddings import (
    BUNDLED_SHA256,
    EmbeddingModelError,
    LazyEmbeddings,
    LisaEmbeddings,
    bundled_model_path,
    verify_sha256,
)
from assistant.library.models import build_embeddings, make_lazy_embeddings
from assistant.library.onnx_export import MODEL_FILE, RECORD_FILE, supports_onnx


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
    assert embeddings.backend == "onnx" and embeddings.dimension == 384
    near = embeddings.embed_documents(["rural areas", "villages and countryside"])
    far = embeddings.embed_query("quarterly VAT returns")
    cos = sum(a * b for a, b in zip(near[0], near[1], strict=True))
    cos_far = sum(a * b for a, b in zip(near[0], far, strict=True))
    assert cos > cos_far


def corpus_passages(limit: int = 120) -> list[str]:
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.md")))
    blocks = [b.strip() for b in text.split("\n\n") if len(b.strip()) > 30]
    return [*blocks[:limit], "rural", "word " * 400]  # a one-word text and a truncated one


@pytest.mark.integration
def test_the_onnx_vectors_match_the_reference_model(real_embeddings: LisaEmbeddings) -> None:
    """Parity: the ONNX export gives the torch model's vectors, so no answer or verdict
    moves; and it counts word pieces the same way (chunking depends on it)."""
    from assistant.library.torch_embeddings import load_torch

    reference = load_torch(make_settings(Path("/nonexistent")))
    texts = corpus_passages()
    onnx = np.asarray(real_embeddings.embed_documents(texts))
    torch = np.asarray(reference.embed_documents(texts))
    cosine = (onnx * torch).sum(axis=1)
    assert real_embeddings.backend == "onnx" and reference.backend == "torch"
    assert cosine.min() >= 0.999, cosine.min()
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    assert [real_embeddings.count_tokens(t) for t in texts[-3:]] == [
        reference.count_tokens(t) for t in texts[-3:]
    ]
    assert real_embeddings.embed_query(texts[0]) == pytest.approx(list(onnx[0]), abs=1e-6)


@pytest.mark.integration
def test_serving_never_imports_torch(real_embeddings: LisaEmbeddings) -> None:
    """Once exported, a new process embeds with onnxruntime alone."""
    code = (
        "import sys\n"
        "from assistant.settings import Settings\n"
        "from assistant.library.models import build_embeddings\n"
        "e = build_embeddings(Settings(_env_file=None))\n"
        "assert len(e.embed_query('rural areas')) == 384\n"
        "heavy = [m for m in ('torch', 'transformers', 'sentence_transformers') "
        "if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stderr


@pytest.mark.integration
def test_a_damaged_export_is_made_again_from_the_verified_weights(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, model_dir=tmp_path / "models")
    first = build_embeddings(settings).embed_query("rural areas")
    (export,) = (tmp_path / "models").iterdir()
    record = json.loads((export / RECORD_FILE).read_text(encoding="utf-8"))
    assert record["source_sha256"] == BUNDLED_SHA256 and len(record["onnx_sha256"]) == 64
    with (export / MODEL_FILE).open("r+b") as handle:  # flip bytes inside the weights
        handle.seek(1_000_000)
        handle.write(b"\x00" * 64)
    again = build_embeddings(settings).embed_query("rural areas")
    assert again == pytest.approx(first, abs=1e-6)
    fresh = json.loads((export / RECORD_FILE).read_text(encoding="utf-8"))
    assert fresh["source_sha256"] == BUNDLED_SHA256
    (export / RECORD_FILE).write_text("{not json", encoding="utf-8")  # a damaged record
    assert build_embeddings(settings).embed_query("rural areas") == pytest.approx(first, abs=1e-6)
    assert json.loads((export / RECORD_FILE).read_text(encoding="utf-8"))["onnx_sha256"]


@pytest.mark.integration
def test_another_model_folder_can_be_configured(tmp_path: Path) -> None:
    copy = tmp_path / "my-model"
    shutil.copytree(bundled_model_path(), copy)
    embeddings = build_embeddings(make_settings(tmp_path, embedding_model=str(copy)))
    assert embeddings.name == str(copy) and len(embeddings.embed_query("x")) == 384


def test_a_model_the_onnx_backend_cannot_run_is_refused_with_advice(tmp_path: Path) -> None:
    copy = tmp_path / "cls-model"
    shutil.copytree(bundled_model_path(), copy)
    pooling = copy / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text(encoding="utf-8"))
    pooling.write_text(
        json.dumps({**config, "pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True})
    )
    assert "mean pooling" in str(supports_onnx(copy))
    with pytest.raises(EmbeddingModelError, match="LISA_EMBEDDING_BACKEND=torch"):
        build_embeddings(make_settings(tmp_path, embedding_model=str(copy)))


def test_missing_model_fails_with_a_clear_message(tmp_path: Path) -> None:
    nowhere = str(tmp_path / "nowhere")
    with pytest.raises(EmbeddingModelError, match="needs a local sentence-transformers folder"):
        build_embeddings(make_settings(tmp_path, embedding_model=nowhere))
    torch = make_settings(tmp_path, embedding_model=nowhere, embedding_backend="torch")
    with pytest.raises(EmbeddingModelError, match="network is off"):
        build_embeddings(torch)


def test_lazy_embeddings_do_not_load_until_used(tmp_path: Path) -> None:
    calls: list[int] = []

    def factory() -> HashEmbedder:
        calls.append(1)
        return HashEmbedder()

    lazy_default = make_lazy_embeddings(make_settings(tmp_path))
    assert lazy_default.name.startswith("sentence-transformers/all-MiniLM-L6-v2")
    assert lazy_default.backend == "onnx"  # known before the model loads (the manifest needs it)
    lazy = LazyEmbeddings("test", factory)
    assert not calls
    lazy.embed_query("hello")
    lazy.embed_query("again")
    assert calls == [1]


@pytest.mark.integration
def test_a_question_runs_on_one_thread_and_batches_on_their_own_session(tmp_path: Path) -> None:
    embeddings = build_embeddings(make_settings(tmp_path, embedding_threads=2))
    one = embeddings.embed_query("How do we involve young people?")
    assert embeddings._batch_session is None  # type: ignore[attr-defined]  # not made yet
    batch = embeddings.embed_documents(["How do we involve young people?", "rural areas"])
    assert embeddings._batch_session is not None  # type: ignore[attr-defined]
    assert batch[0] == pytest.approx(one, abs=1e-5)  # the same vector whichever session
