"""Sentence vectors of the guidance, computed once and shared.

The retriever's answerability check and the extractive answerer both compare a
question with single units of the retrieved passages (``passages.passage_units``);
this cache embeds each unit once so both read the same vectors. Ingest embeds every
unit of the library and saves them (``keep_library_vectors``: ``save``/``load``,
keyed by the embedding model and backend and stamped with the library's digest), so a
start only reads them and the first use of a passage costs what the second does; a
start that finds them out of date embeds what is missing and saves again.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from assistant.library.passages import library_readings, readings_identity
from assistant.vectors import unit_rows

log = logging.getLogger("lisa.sentences")
Embed = Callable[[list[str]], list[list[float]]]
BATCH = 256


class SentenceVectors:
    """Unit-length sentence vectors keyed by the sentence text.

    Vectors read from disk stay one matrix with a row index (a large library's hundreds of
    thousands of sentences load as two arrays, not as one object per sentence); vectors
    embedded since are kept beside them."""

    def __init__(self, embed: Embed) -> None:
        self._embed = embed
        self._rows: dict[str, int] = {}  # saved sentence -> row of ``_matrix``
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._vectors: dict[str, np.ndarray] = {}  # embedded since the load
        self._lock = threading.Lock()
        self.saved_library = ""  # the library digest the last ``load`` read ("" for none)

    def __len__(self) -> int:
        return len(self._rows) + len(self._vectors)

    def _known(self, sentence: str) -> bool:
        return sentence in self._rows or sentence in self._vectors

    def knows(self, sentence: str) -> bool:
        """Its vector is at hand (saved, or embedded since): using it embeds nothing."""
        with self._lock:
            return self._known(sentence)

    def _stack(self, sentences: Sequence[str]) -> np.ndarray:
        """The vectors of known sentences, one row each (the caller holds the lock)."""
        if all(s in self._rows for s in sentences):
            return self._matrix[[self._rows[s] for s in sentences]]
        return np.stack(
            [
                self._matrix[self._rows[s]] if s in self._rows else self._vectors[s]
                for s in sentences
            ]
        )

    def add(self, sentences: Sequence[str]) -> None:
        """Embed the sentences not seen before, in batches of similar length (a batch is
        padded to its longest sentence; on the 10k-chunk benchmark library about a third
        more sentences a second than batches in document order)."""
        with self._lock:
            todo = sorted({s for s in sentences if not self._known(s)}, key=lambda s: (len(s), s))
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            vectors = unit_rows(self._embed(batch))
            with self._lock:
                self._vectors.update(zip(batch, vectors, strict=True))

    def missing(self, sentences: Sequence[str]) -> int:
        """How many of these sentences have no vector yet."""
        with self._lock:
            return sum(1 for s in set(sentences) if not self._known(s))

    def load(self, path: Path, key: str) -> int:
        """Add the vectors saved in ``path`` for embeddings ``key``; how many were read.
        A missing, unreadable or other-model file is not used (the vectors are computed
        again); an unreadable one is logged."""
        self.saved_library = ""
        try:
            with np.load(path, allow_pickle=False) as saved:
                if str(saved["key"]) != key:
                    log.info("sentence vectors in %s are another model's: not used", path)
                    return 0
                texts, vectors = _texts(saved["texts"]), np.asarray(saved["vectors"])
                library = str(saved["library"]) if "library" in saved.files else ""
        except FileNotFoundError:
            return 0
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            log.warning("sentence vectors in %s are unreadable (%s): computed again", path, exc)
            return 0
        if len(texts) != len(vectors):
            log.warning("sentence vectors in %s do not match their texts: computed again", path)
            return 0
        with self._lock:
            if self._rows or self._vectors:  # keep what is known; add the rest
                self._vectors.update(
                    (t, v) for t, v in zip(texts, vectors, strict=True) if not self._known(t)
                )
            else:
                self._matrix, self._rows = (
                    vectors.astype(np.float32, copy=False),
                    {t: i for i, t in enumerate(texts)},
                )
        self.saved_library = library
        return len(texts)

    def save(self, path: Path, key: str, sentences: Sequence[str], library: str = "") -> None:
        """Write the vectors of ``sentences`` (embedding any not seen yet), atomically,
        stamped with the digest of the library they are the sentences of."""
        self.add(sentences)
        wanted = list(dict.fromkeys(sentences))
        with self._lock:
            vectors = self._stack(wanted) if wanted else np.zeros((0, 0), dtype=np.float32)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
        np.savez(
            tmp,
            key=np.array(key),
            texts=np.frombuffer(json.dumps(wanted).encode("utf-8"), dtype=np.uint8),
            vectors=vectors,
            library=np.array(library),
        )
        os.replace(tmp, path)

    def cosines(self, query: Sequence[float], sentences: Sequence[str]) -> list[float]:
        """Cosine similarity of each sentence to the (unit-length) query vector."""
        if not sentences:
            return []
        self.add(sentences)
        vector = unit_rows(np.asarray(query, dtype=np.float32))[0]
        with self._lock:
            matrix = self._stack(sentences)
        return [float(x) for x in matrix @ vector]


def _texts(stored: np.ndarray) -> list[str]:
    """The saved sentences: UTF-8 JSON bytes (or, in files saved before, a string array,
    whose fixed width made a large library's file many times its text)."""
    if stored.dtype == np.uint8:
        texts = json.loads(stored.tobytes().decode("utf-8"))
        if not isinstance(texts, list):
            raise ValueError("its texts are not a list")
        return [str(t) for t in texts]
    return [str(t) for t in stored]


def saved_texts(path: Path) -> list[str]:
    """The sentences a saved file holds, in order."""
    with np.load(path, allow_pickle=False) as saved:
        return _texts(saved["texts"])


def embeddings_key(name: str, backend: str) -> str:
    """What saved vectors are keyed by: the embedding model and the backend computing it."""
    return f"{name} [{backend}]"


def keep_library_vectors(
    vectors: SentenceVectors,
    path: Path,
    key: str,
    texts: Callable[[], Iterable[str]],
    library: str,
) -> None:
    """Fill ``vectors`` with every unit of the library's passages and its reading with
    context (``library_readings``; ``texts`` gives every text a passage of the library can
    have, ``passages.merged_texts``, and is called only when the saved vectors will not do;
    ``library`` is the library's digest): read from ``path`` when saved for this library
    and this way of reading it; else embed what is missing, drop what is gone, and save."""
    stamp = f"{library} {readings_identity()}"  # saved for another way of reading: redone
    known = vectors.load(path, key)
    if known and vectors.saved_library == stamp:
        return
    units = library_readings(texts())
    if vectors.missing(units) or known != len(set(units)) or vectors.saved_library != stamp:
        vectors.save(path, key, units, stamp)
