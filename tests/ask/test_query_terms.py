"""Query terms: officers' phrases searched with the guidance's own words (data in prompts/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS, REPO, make_settings
from fakes import HashEmbedder

from assistant.ask.answerability import FEATURES, AnswerabilityModel
from assistant.ask.query_terms import (
    QUERY_TERMS_FILE,
    QueryTerm,
    QueryTerms,
    QueryTermsError,
    load_query_terms,
)
from assistant.ask.retrieval import HybridRetriever
from assistant.library.ingest import ingest_paths
from assistant.library.lexicon import words
from assistant.library.store import open_store

HARBOUR = QueryTerms(
    terms=(
        QueryTerm(phrases=("berth", "tie up"), adds=("moored",), why="the harbour guide"),
        QueryTerm(phrases=("skipper",), adds=("master", "vessel"), why="the harbour guide"),
    )
)


def test_a_phrase_adds_the_guidance_words_once() -> None:
    assert HARBOUR.expand("Where do we berth?") == "Where do we berth? (moored)"
    assert HARBOUR.expand("Can the skipper tie-up here?") == (
        "Can the skipper tie-up here? (moored master vessel)"
    )
    assert HARBOUR.expand("TIE  UP rules") == "TIE  UP rules (moored)"


def test_no_phrase_or_only_part_of_a_word_leaves_the_question_alone() -> None:
    assert HARBOUR.expand("What are the berthing fees?") == "What are the berthing fees?"
    assert HARBOUR.expand("Is a tie-upper allowed?") == "Is a tie-upper allowed?"
    assert HARBOUR.expand("") == ""


def test_words_already_in_the_question_are_not_added_again() -> None:
    assert HARBOUR.expand("Is the vessel's skipper its master?") == (
        "Is the vessel's skipper its master?"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("terms:\n  - {phrases: [Berth], adds: [moored], why: x}\n", "lower case"),
        ("terms:\n  - {phrases: [berth], adds: [], why: x}\n", "at least 1"),
        ("terms:\n  - {phrases: [berth], adds: [moored]}\n", "why"),
        (
            "terms:\n  - {phrases: [berth], adds: [a], why: x}\n"
            "  - {phrases: [berth], adds: [b], why: y}\n",
            "listed twice",
        ),
        ("terms: [\n", "not valid YAML"),
    ],
)
def test_a_bad_file_is_refused_with_its_reason(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / QUERY_TERMS_FILE
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QueryTermsError, match=message):
        load_query_terms(path)


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(QueryTermsError, match="missing"):
        load_query_terms(tmp_path / QUERY_TERMS_FILE)


def test_the_shipped_terms_bridge_to_words_the_guidance_uses() -> None:
    """Each entry adds the guidance's own words for phrases the guidance never uses."""
    shipped = load_query_terms(REPO / "prompts" / QUERY_TERMS_FILE)
    guidance = "\n".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.md"))
    used = set(words(guidance))
    assert shipped.terms
    for term in shipped.terms:
        assert set(term.adds) <= used, term.adds
        assert term.pattern.search(guidance) is None, term.phrases


class RecordingEmbedder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return super().embed_query(text)


def test_retrieval_searches_with_the_added_words_and_reports_the_question(
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path)
    embedder = RecordingEmbedder()
    ingest_paths([settings.corpus_dir], settings, lambda: open_store(settings, embedder), embedder)
    model = AnswerabilityModel(weights=dict.fromkeys(FEATURES, 0.0), bias=5.0)
    terms = QueryTerms(terms=(QueryTerm(phrases=("sign off",), adds=("agreed",), why="test"),))
    retriever = HybridRetriever(open_store(settings, embedder), embedder, model, query_terms=terms)
    embedder.queries.clear()
    found = retriever.retrieve("Who has to sign off the plan?")
    assert embedder.queries[0] == "Who has to sign off the plan? (agreed)"
    assert found.query == "Who has to sign off the plan?"
    assert retriever.keyword("agreed", 1)[0][0].id in {h.id for h in found.hits}
