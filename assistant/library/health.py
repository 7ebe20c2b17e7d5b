"""After every ingest: can each chunk still be found by its own vector?

An approximate (HNSW) index can lose passages after deletes, rebuilds and near-duplicates,
silently. Ingest samples chunks and searches for each with its own stored vector, the way
the retriever will, and reports any it could not find.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from assistant.library.store import GuidanceStore, Records
from assistant.vectors import unit_rows


@dataclass(frozen=True)
class SelfRetrieval:
    """How many sampled chunks were found by their own vector, and which were not."""

    checked: int
    library: int
    path: Literal["exact", "hnsw"]
    missed: tuple[str, ...]


def self_retrieval(
    store: GuidanceStore, sample: int, exact_max: int, records: Records | None = None, k: int = 3
) -> SelfRetrieval:
    """Search with up to ``sample`` chunks' own vectors (evenly spread over the library)
    the way the retriever will: exactly over the stored vectors while the library has
    ``exact_max`` chunks or fewer, else through Chroma's index. A chunk counts as found
    when it is among the ``k`` nearest or ties the k-th (identical vectors).

    ``records`` is the library as the ingest just read it (with its vectors when it is
    searched exactly); above ``exact_max`` only the sampled chunks' vectors are fetched."""
    if records is None or (records.vectors is None and len(records.ids) <= exact_max):
        records = store.records(vectors=store.count() <= exact_max)
    ids = records.ids
    if not ids:
        return SelfRetrieval(0, 0, "exact", ())
    step = max(1, len(ids) // max(sample, 1))
    rows = list(range(0, len(ids), step))[:sample]
    probe = [ids[r] for r in rows]
    exact = len(ids) <= exact_max
    missed: list[str] = []
    if exact:
        matrix = unit_rows(np.asarray(records.vectors, dtype=np.float32))  # read with them
        for start in range(0, len(rows), 256):
            block = matrix[rows[start : start + 256]] @ matrix.T
            for row, own in zip(block, rows[start : start + 256], strict=True):
                kth = np.partition(-row, min(k, len(row)) - 1)[min(k, len(row)) - 1]
                if -row[own] > kth + 1e-5:
                    missed.append(ids[own])
    else:
        queries = store.vectors_for(probe)
        for start in range(0, len(probe), 256):
            chunk = probe[start : start + 256]
            result = store.vectorstore._collection.query(
                query_embeddings=queries[start : start + 256],
                n_results=k,
                include=["distances"],
            )
            for chunk_id, found, distances in zip(
                chunk, result["ids"], result.get("distances") or [], strict=True
            ):
                if chunk_id not in found and max(distances) > 1e-5:
                    missed.append(chunk_id)
    return SelfRetrieval(len(probe), len(ids), "exact" if exact else "hnsw", tuple(missed))
