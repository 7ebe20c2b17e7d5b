"""Vector helpers shared by every wing: one normaliser."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def unit_rows(vectors: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    """Rows scaled to unit length (float32); zero rows stay zero; 1-D input is one row."""
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.size == 0:
        return matrix.reshape(0, matrix.shape[-1] if matrix.ndim > 1 else 0)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)
