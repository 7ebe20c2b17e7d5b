"""Sentence vectors of the guidance, computed once and shared.

The retriever's answerability check and the extractive answerer both compare a
question with single sentences of the retrieved passages; this cache embeds
each sentence once (at start-up for a small library, on first use otherwise)
so both read the same vectors. A small library's vectors are kept on disk
(``save``/``load``, keyed by the embedding model and backend), so a cold start
reads them instead of embedding every sentence again.
"""

from __future__ import annotations

import os
import threading
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from assistant.vectors import unit_rows

Embed = Callable[[list[str]], list[list[float]]]
BATCH = 256


class SentenceVectors:
    """Unit-length sentence vectors keyed by the sentence text."""

    def __init__(self, embed: Embed) -> None:
        self._embed = embed
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._vectors)

    def add(self, sentences: Sequence[str]) -> None:
        """Embed the sentences not seen before."""
        with self._lock:
            todo = list(dict.fromkeys(s for s in sentences if s not in self._vectors))
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            vectors = unit_rows(self._embed(batch))
            with self._lock:
                self._vectors.update(zip(batch, vectors, strict=True))

    def missing(self, sentences: Sequence[str]) -> int:
        """How many of these sentences have no vector yet."""
        with self._lock:
            return sum(1 for s in set(sentences) if s not in self._vectors)

    def load(self, path: Path, key: str) -> int:
        """Add the vectors saved in ``path`` for embeddings ``key``; how many were read.
        A missing, unreadable or other-model file is ignored (they are computed again)."""
        try:
            with np.load(path, allow_pickle=False) as saved:
                if str(saved["key"]) != key:
                    return 0
                texts, vectors = saved["texts"], saved["vectors"]
        except (OSError, KeyError, ValueError, zipfile.BadZipFile):
            return 0
        with self._lock:
            for text, vector in zip(texts, vectors, strict=True):
                self._vectors.setdefault(str(text), vector)
        return len(texts)

    def save(self, path: Path, key: str, sentences: Sequence[str]) -> None:
        """Write the vectors of ``sentences`` (embedding any not seen yet), atomically."""
        self.add(sentences)
        wanted = list(dict.fromkeys(sentences))
        with self._lock:
            vectors = np.stack([self._vectors[s] for s in wanted]) if wanted else np.zeros((0, 0))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
        np.savez(tmp, key=np.array(key), texts=np.array(wanted, dtype=str), vectors=vectors)
        os.replace(tmp, path)

    def cosines(self, query: Sequence[float], sentences: Sequence[str]) -> list[float]:
        """Cosine similarity of each sentence to the (unit-length) query vector."""
        if not sentences:
            return []
        self.add(sentences)
        vector = unit_rows(np.asarray(query, dtype=np.float32))[0]
        with self._lock:
            matrix = np.stack([self._vectors[s] for s in sentences])
        return [float(x) for x in matrix @ vector]
