"""BM25 keyword index, built once from the chunks (at load or ingest, never per query)."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from assistant.library.lexicon import stem

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


def tokenize(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


class KeywordIndex:
    """Okapi BM25 over an inverted index held in numpy arrays."""

    def __init__(self, texts: Sequence[str], k1: float = 1.4, b: float = 0.75) -> None:
        self.size = len(texts)
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths = np.zeros(self.size, dtype=np.float32)
        for i, text in enumerate(texts):
            terms = tokenize(text)
            lengths[i] = len(terms)
            for term, tf in Counter(terms).items():
                postings[term].append((i, tf))
        avg = float(lengths.mean()) if self.size else 1.0
        norm = k1 * (1 - b + b * lengths / max(avg, 1e-9))
        self._index: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._idf: dict[str, float] = {}
        for term, plist in postings.items():
            docs = np.fromiter((d for d, _ in plist), dtype=np.int64, count=len(plist))
            tfs = np.fromiter((t for _, t in plist), dtype=np.float32, count=len(plist))
            idf = math.log(1 + (self.size - len(plist) + 0.5) / (len(plist) + 0.5))
            self._idf[term] = idf
            weights = idf * tfs * (k1 + 1) / (tfs + norm[docs])
            self._index[term] = (docs, weights.astype(np.float32))
        self.vocabulary = frozenset(self._index)

    def idf(self, term: str) -> float:
        """Inverse document frequency; unseen terms get the rarest weight."""
        return self._idf.get(term, math.log(1 + (self.size + 0.5) / 0.5))

    def scores(self, query: str) -> np.ndarray:
        total = np.zeros(self.size, dtype=np.float32)
        for term in set(tokenize(query)):
            if term in self._index:
                docs, weights = self._index[term]
                total[docs] += weights
        return total

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
