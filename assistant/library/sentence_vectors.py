"""Sentence vectors of the guidance, computed once and shared.

The retriever's answerability check and the extractive answerer both compare a
question with single sentences of the retrieved passages; this cache embeds
each sentence once (at start-up for a small library, on first use otherwise)
so both read the same vectors.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

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

    def cosines(self, query: Sequence[float], sentences: Sequence[str]) -> list[float]:
        """Cosine similarity of each sentence to the (unit-length) query vector."""
        if not sentences:
            return []
        self.add(sentences)
        vector = unit_rows(np.asarray(query, dtype=np.float32))[0]
        with self._lock:
            matrix = np.stack([self._vectors[s] for s in sentences])
        return [float(x) for x in matrix @ vector]
