"""Officers' words for what the guidance says in its own words, as data.

An officer asks "Who signs off our LIS?"; the guidance says LISs are "agreed with
government" and never uses "sign off". Neither the embedding nor the keyword index
bridges the two, so the passage on agreement loses to a table that happens to share
"decision". ``prompts/query_terms.yaml`` lists such officer phrases with the
guidance's word for the same thing; retrieval searches with the question plus those
words. The answerability model still judges the question as asked.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import LisaError

QUERY_TERMS_FILE = "query_terms.yaml"


class QueryTermsError(LisaError, ValueError):
    """The query-terms file is missing, malformed or inconsistent."""


class QueryTerm(BaseModel):
    """Officer phrases and the guidance's own words for the same thing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phrases: tuple[str, ...] = Field(
        min_length=1,
        description="How officers say it, lower case; a space also matches a hyphen.",
    )
    adds: tuple[str, ...] = Field(
        min_length=1, description="The guidance's words, added to the search text."
    )
    why: str = Field(min_length=1, description="Where the guidance says it, in its words.")

    @field_validator("phrases", "adds")
    @classmethod
    def _clean(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if not value.strip() or value != value.strip().lower():
                raise ValueError(f"{value!r} must be non-blank, trimmed and lower case")
        return values

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        alternatives = sorted(self.phrases, key=len, reverse=True)
        body = "|".join(r"[\s-]+".join(map(re.escape, p.split())) for p in alternatives)
        return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


class QueryTerms(BaseModel):
    """All the entries; ``expand`` gives the text retrieval searches with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    terms: tuple[QueryTerm, ...] = ()

    @field_validator("terms")
    @classmethod
    def _phrases_once(cls, terms: tuple[QueryTerm, ...]) -> tuple[QueryTerm, ...]:
        seen: set[str] = set()
        for term in terms:
            for phrase in term.phrases:
                if phrase in seen:
                    raise ValueError(f"phrase {phrase!r} is listed twice")
                seen.add(phrase)
        return terms

    def additions(self, question: str) -> list[str]:
        """The guidance's words for the officer phrases in ``question``, each once."""
        found: list[str] = []
        lowered = question.lower()
        for term in self.terms:
            if term.pattern.search(question):
                found += [w for w in term.adds if w not in found and w not in lowered]
        return found

    def expand(self, question: str) -> str:
        """The question with the guidance's words appended, or unchanged."""
        extra = self.additions(question)
        return f"{question} ({' '.join(extra)})" if extra else question


def load_query_terms(path: Path) -> QueryTerms:
    """Read and validate ``prompts/query_terms.yaml``; a missing file is an error."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise QueryTermsError(f"query-terms file {path} is missing") from exc
    except yaml.YAMLError as exc:
        raise QueryTermsError(f"query-terms file {path} is not valid YAML: {exc}") from exc
    try:
        return QueryTerms.model_validate(raw or {})
    except ValidationError as exc:
        raise QueryTermsError(f"query-terms file {path}: {exc}") from exc
