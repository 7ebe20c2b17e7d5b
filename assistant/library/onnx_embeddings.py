"""Embeddings on onnxruntime and ``tokenizers``: the default, with no torch at serving time.

The model is the bundled all-MiniLM-L6-v2 (or another local sentence-transformers folder
with mean pooling), exported once to ONNX by ``onnx_export`` into ``LISA_MODEL_DIR`` and
checked by sha256 every time it is loaded; a damaged export is made again from the
verified weights. Texts are tokenised with the model's own ``tokenizer.json``, truncated
at its 256 word pieces and padded to the longest text of each batch; batches are sorted
by length so little padding is computed. A single text (a question) runs on one thread,
fastest when the machine is busy; batches (ingest, a critique's sentences) on
``LISA_EMBEDDING_THREADS`` threads, in a second session made on the first batch, so a
one-question process never pays for it.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np

from assistant.library.embeddings import (
    BUNDLED_SHA256,
    MAX_WORD_PIECES,
    EmbeddingModelError,
    LisaEmbeddings,
    QueryCache,
    bundled_model_path,
    file_sha256,
    model_name,
    verify_sha256,
)
from assistant.library.onnx_export import (
    MODEL_FILE,
    RECORD_FILE,
    export_onnx,
    supports_onnx,
)
from assistant.settings import Settings

BATCH_SIZE = 32


class OnnxEmbeddings(LisaEmbeddings):
    backend = "onnx"

    def __init__(self, model_file: Path, tokenizer_file: Path, name: str, threads: int = 1) -> None:
        from tokenizers import Tokenizer

        self._model_file, self._threads = model_file, threads
        self._session = self._new_session(1)  # single texts: one thread
        self._batch_session: Any = None if threads > 1 else self._session
        self._batch_lock = threading.Lock()
        self._encoder = Tokenizer.from_file(str(tokenizer_file))
        pad_id = self._encoder.token_to_id("[PAD]")
        self._encoder.enable_truncation(max_length=MAX_WORD_PIECES)
        self._encoder.enable_padding(pad_id=pad_id or 0, pad_token="[PAD]")  # to the longest
        self._counter = Tokenizer.from_file(str(tokenizer_file))
        self._counter.no_truncation()
        self._counter.no_padding()
        self.name = name
        self._queries = QueryCache()
        width = self._session.get_outputs()[0].shape[-1]  # 384, or a name if left symbolic
        self._dimension = width if isinstance(width, int) else len(self._run(["probe"])[0])

    @property
    def dimension(self) -> int:
        return self._dimension

    def _new_session(self, threads: int) -> Any:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        return ort.InferenceSession(
            str(self._model_file), options, providers=["CPUExecutionProvider"]
        )

    def _batches(self) -> Any:
        with self._batch_lock:
            if self._batch_session is None:
                self._batch_session = self._new_session(self._threads)
            return self._batch_session

    def _run(self, texts: list[str]) -> np.ndarray:
        encoded = self._encoder.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        session = self._session if len(texts) == 1 else self._batches()
        return np.asarray(session.run(None, feed)[0], dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), BATCH_SIZE):
            rows = order[start : start + BATCH_SIZE]
            out[rows] = self._run([texts[i] for i in rows])
        return [[float(x) for x in row] for row in out]

    def embed_query(self, text: str) -> list[float]:
        return self._queries.get(text, lambda t: self.embed_documents([t])[0])

    def count_tokens(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=True).ids)


def _source(settings: Settings) -> tuple[Path, str]:
    """The model folder to export and its weights' sha256 (for the bundled model the
    published one: its weights are checked against it before any export reads them)."""
    if not settings.embedding_model:
        return bundled_model_path(), BUNDLED_SHA256
    folder = Path(settings.embedding_model).expanduser()
    if not folder.is_dir():
        raise EmbeddingModelError(
            f"cannot load embedding model '{settings.embedding_model}': the onnx backend needs "
            "a local sentence-transformers folder; for a hub model set "
            "LISA_EMBEDDING_BACKEND=torch (and LISA_ALLOW_NETWORK=true to download it)"
        )
    weights = folder / "model.safetensors"
    if not weights.exists():
        raise EmbeddingModelError(f"{folder} has no model.safetensors to export")
    return folder, file_sha256(weights)


def _valid(export_dir: Path, source_sha256: str) -> bool:
    record_file = export_dir / RECORD_FILE
    if not record_file.exists() or not (export_dir / MODEL_FILE).exists():
        return False
    try:
        record: dict[str, Any] = json.loads(record_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False  # a damaged record: the export is made again, as for damaged weights
    return isinstance(record, dict) and bool(
        record.get("source_sha256") == source_sha256
        and record.get("onnx_sha256") == file_sha256(export_dir / MODEL_FILE)
    )


def load_onnx(settings: Settings) -> OnnxEmbeddings:
    """The configured model on onnxruntime, exported first if this is the first use."""
    folder, source_sha256 = _source(settings)
    reason = supports_onnx(folder)
    if reason:
        raise EmbeddingModelError(
            f"the onnx backend cannot run this model ({reason}): set LISA_EMBEDDING_BACKEND=torch"
        )
    export_dir = settings.models_dir / f"onnx-{source_sha256[:16]}"
    if not _valid(export_dir, source_sha256):
        if export_dir.exists():  # damaged or from other weights: made again from verified ones
            shutil.rmtree(export_dir)
        print(
            "Preparing the embedding model for fast CPU use (once, about 10 seconds)…",
            file=sys.stderr,
        )
        verify_sha256(folder / "model.safetensors", source_sha256)  # before it is read
        try:
            export_onnx(folder, export_dir, source_sha256)
        except ImportError as exc:
            raise EmbeddingModelError(
                f"exporting the embedding model needs torch, transformers and onnx ({exc}): "
                "run `make install`"
            ) from exc
        if not _valid(export_dir, source_sha256):
            raise EmbeddingModelError(f"the ONNX export in {export_dir} does not verify")
    return OnnxEmbeddings(
        export_dir / MODEL_FILE,
        folder / "tokenizer.json",
        model_name(settings),
        threads=settings.embedding_threads or os.cpu_count() or 1,
    )
