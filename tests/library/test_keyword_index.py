"""The bm25s keyword index gives Lucene's BM25, checked against the formula written out here.

The reference below is the formula itself, kept in the test so that the package's index
(bm25s over LISA's tokens) is checked against something it does not share code with:

    idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))
    score(q, d) = Σ over the distinct terms t of q found in d of
                  idf(t) · tf · (k1 + 1) / (tf + k1 · (1 − b + b · dl / avgdl))
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS

from assistant.library.keyword_index import KeywordIndex, KeywordIndexError, tokenize

K1, B = 1.4, 0.75


class ReferenceBM25:
    """Okapi BM25 (Lucene's idf) straight from the formula, in float64, one text at a time."""

    def __init__(self, texts: list[str]) -> None:
        self.docs = [Counter(tokenize(t)) for t in texts]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.n = len(texts)
        self.avg = sum(self.lengths) / self.n if self.n else 1.0
        self.df = Counter(term for d in self.docs for term in d)

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def score(self, query: str, i: int) -> float:
        doc, length = self.docs[i], self.lengths[i]
        total = 0.0
        for term in set(tokenize(query)):
            tf = doc.get(term, 0)
            if tf:
                norm = K1 * (1 - B + B * length / max(self.avg, 1e-9))
                total += self.idf(term) * tf * (K1 + 1) / (tf + norm)
        return total


def _texts() -> list[str]:
    """Forty-odd texts: the corpus's own paragraphs, and short, long, repetitive, numeric
    and stop-word-only ones."""
    guidance = (CORPUS / "connected-growth-part1-process.md").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in guidance.split("\n\n") if len(p.split()) >= 8][:30]
    return [
        *paragraphs,
        "Rural rural rural areas: rural broadband and rural buses.",
        "Coastal towns and ports.",
        "The £2.5 million fund rose by 12% in 2019, and by 3.5% in 2020.",
        "It is what it is, and that is that.",  # stop words only: no terms
        "Anchor institutions — universities, hospitals, councils — anchor local growth.",
        " ".join(["skills"] * 40 + ["apprenticeships"]),
        "Young people and youth councils were consulted on the draft strategy.",
        "",
        "Engagement with businesses, the voluntary sector and residents shaped the evidence.",
        "Productivity, innovation and the five foundations of productivity.",
    ]


QUERIES = [
    "What counts as rural?",
    "rural broadband",
    "how should we engage young people and youth councils",
    "anchor institutions universities",
    "£2.5 million fund 12%",
    "skills apprenticeships",
    "what is it",  # stop words only
    "quantum chromodynamics",  # no word in the texts
    "productivity innovation foundations evidence engagement strategy",
]


@pytest.fixture(scope="module")
def pair() -> tuple[ReferenceBM25, KeywordIndex]:
    texts = _texts()
    assert len(texts) >= 36
    return ReferenceBM25(texts), KeywordIndex(texts)


def test_scores_equal_the_formula(pair: tuple[ReferenceBM25, KeywordIndex]) -> None:
    reference, index = pair
    texts = _texts()
    for query in [*QUERIES, *texts[:10]]:
        expected = np.array([reference.score(query, i) for i in range(reference.n)])
        got = index.scores(query)
        assert got.dtype == np.float32 and got.shape == (len(texts),)
        np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-6, err_msg=query)


def test_search_ranks_by_the_formula(pair: tuple[ReferenceBM25, KeywordIndex]) -> None:
    reference, index = pair
    for query in QUERIES:
        found = index.search(query, 8)
        best = sorted((reference.score(query, i) for i in range(reference.n)), reverse=True)
        assert [s for _, s in found] == pytest.approx([s for s in best[:8] if s > 0], rel=2e-6)
        for i, score in found:  # each found text has the score the formula gives it
            assert score == pytest.approx(reference.score(query, i), rel=2e-6)
    assert index.search("quantum chromodynamics", 5) == []
    assert index.search("rural", 0) == []


def test_the_real_corpus_scores_equal_the_formula(guidance_chunks: object) -> None:
    import json

    from assistant.library.keyword_index import chunk_texts

    texts = chunk_texts(guidance_chunks.chunks)  # type: ignore[attr-defined]
    reference, index = ReferenceBM25(texts), KeywordIndex(texts)
    lines = (CORPUS.parent / "evals" / "questions.jsonl").read_text(encoding="utf-8")
    questions = [json.loads(line)["question"] for line in lines.splitlines() if line.strip()]
    for query in questions:
        expected = np.array([reference.score(query, i) for i in range(reference.n)])
        np.testing.assert_allclose(index.scores(query), expected, rtol=2e-6, atol=1e-6)


def test_idf_vocabulary_and_coverage(pair: tuple[ReferenceBM25, KeywordIndex]) -> None:
    reference, index = pair
    assert index.size == reference.n
    assert index.vocabulary == frozenset(reference.df)
    for term in [*reference.df, "unseen-term", "zzz"]:
        assert index.idf(term) == pytest.approx(reference.idf(term), rel=1e-12)
    assert index.idf("zzz") == pytest.approx(math.log(1 + (reference.n + 0.5) / 0.5))
    assert index.coverage("rural quantum") == 0.5
    assert index.coverage("what is it") == 0.0
    assert index.coverage("rural broadband") == 1.0


def test_saved_and_loaded_index_scores_the_same(
    pair: tuple[ReferenceBM25, KeywordIndex], tmp_path: Path
) -> None:
    _, index = pair
    index.save(tmp_path / "k")
    loaded = KeywordIndex.load(tmp_path / "k")
    assert isinstance(loaded._model.scores["data"], np.memmap)  # read on use, not at load
    assert loaded.size == index.size and loaded.vocabulary == index.vocabulary
    for query in QUERIES:
        assert np.array_equal(loaded.scores(query), index.scores(query))
        assert loaded.search(query, 5) == index.search(query, 5)


def test_libraries_with_no_terms(tmp_path: Path) -> None:
    for texts in ([], ["", "it is what it is"]):
        index = KeywordIndex(texts)
        assert index.size == len(texts) and index.vocabulary == frozenset()
        assert index.search("rural", 5) == [] and index.scores("rural").shape == (len(texts),)
        index.save(tmp_path / str(len(texts)))
        loaded = KeywordIndex.load(tmp_path / str(len(texts)))
        assert loaded.size == len(texts) and loaded.search("rural", 5) == []


def test_a_folder_that_is_not_an_index_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeywordIndexError):
        KeywordIndex.load(tmp_path / "absent")
    KeywordIndex(["rural areas", "coastal towns"]).save(tmp_path / "k")
    (tmp_path / "k" / "vocab.index.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(KeywordIndexError):
        KeywordIndex.load(tmp_path / "k")
