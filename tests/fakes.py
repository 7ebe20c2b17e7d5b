"""Test doubles that implement the real interfaces (imported by the tests, never shipped).

``HashEmbedder`` is a deterministic bag-of-words stand-in for ``LisaEmbeddings`` in fast
unit tests. Anything that depends on the meaning of text (the critique's evidence model)
uses the real bundled model instead.
"""

from __future__ import annotations

import hashlib
import math
import re

from assistant.library.embeddings import LisaEmbeddings

_WORD = re.compile(r"[a-z0-9]+")


class HashEmbedder(LisaEmbeddings):
    """Deterministic bag-of-words hashing embedder for fast unit tests."""

    def __init__(self, dimension: int = 64) -> None:
        self.dimension = dimension
        self.name = f"hash-{dimension}"

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dimension
        for word in _WORD.findall(text.lower()):
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "big")
            vec[h % self.dimension] += 1.0 if h & 1 else -1.0
        norm = math.sqrt(sum(x * x for x in vec)) or 1.0
        return [x / norm for x in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)
