"""BM25 keyword index: LISA's own tokens, scored and stored by bm25s.

LISA tokenises (its stop words, Snowball stems from ``lexicon.stem``) and hands bm25s
the token ids and the vocabulary; bm25s precomputes every (term, chunk) weight into a
sparse matrix that it saves and memory-maps (``keyword_files`` keeps it beside the
store). Scores are Lucene's Okapi BM25 with k1 = 1.4, b = 0.75:

    idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))
    weight(t, d) = idf(t) · tf · (k1 + 1) / (tf + k1 · (1 − b + b · dl / avgdl))

bm25s's ``lucene`` method leaves out the constant (k1 + 1), as Lucene itself has since
version 8; it changes no ranking, and LISA multiplies it back in so that the scores it
shows and feeds its answerability model are the ones it always had.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.documents.chunking import Chunk
from assistant.errors import LisaError
from assistant.library.lexicon import stem

if TYPE_CHECKING:
    import bm25s

STOPWORDS = frozenset(
    (
        "a about above after again against all am an and any are as at be because been before "
        "being below between both but by can could did do does doing down during each few for "
        "from further had has have having he her here hers herself him himself his how i if "
        "in into is it its itself just me more most my myself no nor not now of off on once "
        "only or other our ours ourselves out over own same she should so some such than that "
        "the their theirs them themselves then there these they this those through to too "
        "under until up very was we were what when where which while who whom why will with "
        "would you your yours yourself yourselves us also may might must shall any lis liss "
        "lep leps what's whats does do tell say says said guidance please much many get got "
        "need needs want wants thing things way ways "
    ).split()
)
_WORD = re.compile(r"[a-z0-9£%]+(?:[.,][0-9]+)*")
K1 = 1.4
B = 0.75
_EMPTY = "empty.index.json"  # an index with no terms: bm25s cannot hold one, so LISA says so


class KeywordIndexError(LisaError, ValueError):
    """A saved keyword index cannot be read as one."""


def tokenize(text: str) -> list[str]:
    return list(_tokens(text))


@lru_cache(maxsize=16384)
def _tokens(text: str) -> tuple[str, ...]:
    """A question's answer is scored against the same library sentences again and again
    (about 145 times an ask): their tokens are remembered, not recomputed."""
    return tuple(stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS)


@lru_cache(maxsize=1)
def tokenizer_identity() -> str:
    """What the index's terms depend on: the word pattern, stop words and stemmer version.
    A saved index made with another is not this tokenizer's."""
    parts = [_WORD.pattern, " ".join(sorted(STOPWORDS)), version("snowballstemmer")]
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def chunk_texts(chunks: Sequence[Chunk]) -> list[str]:
    """What the index holds for each chunk: its innermost heading and its text."""
    return [c.embedding_text() for c in chunks]


def _bm25s() -> Any:
    """bm25s, imported on first use (it is only needed once a library is loaded). bm25s
    sets its own logger to DEBUG, which would print its build messages through LISA's
    log: it is set back to warnings."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


class KeywordIndex:
    """Okapi BM25 over LISA's tokens, held by ``bm25s.BM25`` (a sparse matrix of weights)."""

    def __init__(self, texts: Sequence[str], k1: float = K1, b: float = B) -> None:
        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(t, len(vocab)) for t in tokenize(text)] for text in texts]
        model = None
        if vocab:
            model = _bm25s().BM25(method="lucene", k1=k1, b=b, backend="numpy", csc_backend="numpy")
            model.index((ids, vocab), create_empty_token=False, show_progress=False)
        self._adopt(len(texts), model, k1, b)

    def _adopt(self, size: int, model: bm25s.BM25 | None, k1: float, b: float) -> None:
        self.size = size
        self.k1, self.b = k1, b
        self._model = model
        self._vocab: dict[str, int] = model.vocab_dict if model is not None else {}
        self.vocabulary = frozenset(self._vocab)
        # documents holding each term: the length of its column in the weight matrix
        indptr = model.scores["indptr"] if model is not None else np.zeros(1, dtype=np.int64)
        self._df = np.diff(np.asarray(indptr))
        self._scale = np.float32(k1 + 1)

    def save(self, folder: Path) -> None:
        """Write the index into ``folder`` (bm25s's files, or a note that it has no terms)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self._model is None:
            note = {"size": self.size, "k1": self.k1, "b": self.b}
            (folder / _EMPTY).write_text(json.dumps(note), encoding="utf-8")
        else:
            self._model.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> KeywordIndex:
        """Read an index ``save`` wrote; the weight arrays are memory-mapped (read on use)."""
        index = cls.__new__(cls)
        try:
            if (folder / _EMPTY).exists():
                note = json.loads((folder / _EMPTY).read_text(encoding="utf-8"))
                index._adopt(int(note["size"]), None, float(note["k1"]), float(note["b"]))
                return index
            model = _bm25s().BM25.load(str(folder), mmap=mmap, show_progress=False)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise KeywordIndexError(f"{type(exc).__name__}: {exc}") from exc
        scores = model.scores
        if model.method != "lucene" or scores["num_docs"] is None:
            raise KeywordIndexError(f"not a LISA keyword index (method {model.method!r})")
        vocab = model.vocab_dict
        if len(scores["indptr"]) != len(vocab) + 1 or len(scores["data"]) != len(scores["indices"]):
            raise KeywordIndexError("its arrays do not fit its vocabulary")
        if vocab and sorted(vocab.values()) != list(range(len(vocab))):
            raise KeywordIndexError("its vocabulary's term ids are not 0..n-1")
        index._adopt(int(scores["num_docs"]), model, float(model.k1), float(model.b))
        return index

    def idf(self, term: str) -> float:
        """Inverse document frequency; unseen terms get the rarest weight."""
        at = self._vocab.get(term)
        df = 0 if at is None else int(self._df[at])
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> np.ndarray:
        ids = sorted({self._vocab[t] for t in tokenize(query) if t in self._vocab})
        if self._model is None or not ids:
            return np.zeros(self.size, dtype=np.float32)
        total = self._model.get_scores_from_ids(ids)
        return np.asarray(total * self._scale, dtype=np.float32)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        scores = self.scores(query)
        if k <= 0 or not self.size:
            return []
        k = min(k, self.size)
        top = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted(((int(i), float(scores[i])) for i in top), key=lambda x: -x[1])
        return [(i, s) for i, s in ranked if s > 0]

    def coverage(self, query: str) -> float:
        """Share of the query's content words that occur anywhere in the corpus."""
        terms = set(tokenize(query))
        if not terms:
            return 0.0
        return sum(1 for t in terms if t in self.vocabulary) / len(terms)
