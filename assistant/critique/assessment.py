"""From a draft's sentences to one status per principle: met, partial or missing.

Two steps, kept apart so calibration can replay the second cheaply:

1. ``principle_signals`` measures, for every candidate sentence, how much it is
   *about* the principle (dense similarity to the principle's descriptions,
   for the sentence and for its section heading, plus keyword hits of the
   principle's vocabulary) and how much *substance* it carries for it
   (figures, dates, named bodies, concrete actions and the principle's own
   concrete terms; vague promises and buzzword lists discounted).
2. ``decide`` turns those signals into a status with calibrated thresholds:
   *coverage* (the best topicality of any sentence) below ``missing_below`` is
   missing; *strength* (the sum over the best ``top_k`` sentences of
   topicality weight times substance) at or above ``met_at`` is met; anything
   between is partial. Because a buzzword sentence has almost no substance, no
   number of them adds up to met.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from assistant.critique.evidence import DraftUnit
from assistant.critique.rubric import Principle, Thresholds
from assistant.critique.substance import Substance, TermSet, compile_terms

Status = Literal["met", "partial", "missing"]
STATUS_ORDER: dict[str, int] = {"missing": 0, "partial": 1, "met": 2}
_RAMP = 0.2  # topicality above the floor at which a sentence counts in full


@dataclass(frozen=True)
class PrincipleSignals:
    """Per-sentence evidence signals for one principle (arrays share one order)."""

    principle_id: str
    units: tuple[DraftUnit, ...]
    dense: np.ndarray  # best cosine similarity of the sentence to the principle's queries
    heading: np.ndarray  # how well the sentence's section heading fits the principle (0 if none)
    keyword: np.ndarray  # vocabulary terms found in the sentence
    heading_keyword: np.ndarray  # vocabulary terms found in its heading
    substance: np.ndarray  # concreteness for this principle, 0-1


@dataclass(frozen=True)
class Decision:
    status: Status
    confidence: float
    coverage: float
    strength: float
    ranked: tuple[int, ...]  # positions in PrincipleSignals.units, best evidence first


class VocabularyMatcher:
    """A principle's vocabulary and concrete terms, compiled once."""

    def __init__(self, principle: Principle) -> None:
        self.vocabulary = TermSet(principle.vocabulary)
        self.concrete = TermSet(principle.concrete)

    def keyword_hits(self, text: str) -> int:
        """Vocabulary terms in ``text`` (pass it through ``without_names`` first)."""
        return self.vocabulary.count(text)

    def concrete_hits(self, text: str) -> int:
        return self.concrete.count(text)


class NameFilter:
    """Removes names that contain vocabulary words but are not about them
    ("Local Enterprise Partnership"), before keyword matching."""

    def __init__(self, phrases: Sequence[str]) -> None:
        self._patterns = [re.compile(t.pattern, re.IGNORECASE) for t in compile_terms(phrases)]

    def __call__(self, text: str) -> str:
        for pattern in self._patterns:
            text = pattern.sub(" ", text)
        return text


def principle_signals(
    principle: Principle,
    units: Sequence[DraftUnit],
    dense: np.ndarray,
    heading: np.ndarray,
    substance: Sequence[Substance],
    matcher: VocabularyMatcher,
    headings: Sequence[str],
    keyword_texts: Sequence[str],
) -> PrincipleSignals:
    """Assemble the signals; ``dense``/``heading`` are similarities already computed.

    ``keyword_texts`` are the sentences with misleading names removed (``NameFilter``);
    ``headings`` the section heading of each sentence ('' for none).
    """
    keyword = np.array([matcher.keyword_hits(t) for t in keyword_texts], dtype=np.float32)
    heading_hits = {h: matcher.keyword_hits(h) for h in set(headings) if h}
    head_kw = np.array([heading_hits.get(h, 0) for h in headings], dtype=np.float32)
    subst = np.array(
        [
            s.score(min(matcher.concrete_hits(u.text), 3))
            for u, s in zip(units, substance, strict=True)
        ],
        dtype=np.float32,
    )
    return PrincipleSignals(
        principle.id,
        tuple(units),
        dense.astype(np.float32),
        heading.astype(np.float32),
        keyword,
        head_kw,
        subst,
    )


def topicality(signals: PrincipleSignals, params: Thresholds) -> np.ndarray:
    """How much each sentence is about the principle, from meaning and keywords."""
    mixed = (1 - params.heading_weight) * signals.dense + params.heading_weight * signals.heading
    base = np.maximum(signals.dense, mixed)
    words = params.keyword_weight * (
        np.minimum(signals.keyword, 2) + (signals.heading_keyword > 0).astype(np.float32)
    )
    return np.asarray(base + words, dtype=np.float32)


def decide(signals: PrincipleSignals, params: Thresholds) -> Decision:
    """Status and confidence for one principle from its signals."""
    if not signals.units:
        return Decision("missing", 1.0, 0.0, 0.0, ())
    topical = topicality(signals, params)
    weight = np.clip((topical - params.topical_floor) / _RAMP, 0.0, 1.0)
    value = weight * signals.substance
    # Shown first: on-topic sentences, the concrete ones ahead of the vague.
    order = np.lexsort((-topical, -(weight * (0.25 + signals.substance))))
    strength = float(np.sort(value)[::-1][: params.top_k].sum())
    coverage = float(topical.max())
    ranked = tuple(int(i) for i in order if weight[i] > 0)
    if coverage < params.missing_below:
        margin = (params.missing_below - coverage) / 0.1
        return Decision("missing", _confidence(margin), coverage, strength, ranked)
    if strength >= params.met_at:
        margin = (strength - params.met_at) / (0.25 * params.met_at)
        return Decision("met", _confidence(margin), coverage, strength, ranked)
    margin = min(
        (coverage - params.missing_below) / 0.1, (params.met_at - strength) / (0.25 * params.met_at)
    )
    return Decision("partial", _confidence(margin), coverage, strength, ranked)


def _confidence(margin: float) -> float:
    """0.5 on a threshold, rising towards 1 as the margin grows."""
    return round(0.5 + 0.5 * math.tanh(max(margin, 0.0)), 3)


def engagement_status(status: Status, level: int, met_from: int, inform: int = 1) -> Status:
    """local_people follows the IAP2 level the draft evidences (ranks, none = 0).

    At or above ``met_from`` it is met; informing or consulting only is partial;
    with no engagement evidenced, talk of engagement is at most partial.
    """
    if level >= met_from:
        return "met"
    if level >= inform:
        return "partial"
    return "partial" if status != "missing" else "missing"


def title_heading(units: Sequence[DraftUnit]) -> str | None:
    """The document title, which says nothing about any one section's topic."""
    for unit in units:
        if unit.section_path:
            return unit.section_path[0]
    return None


def section_heading(unit: DraftUnit, title: str | None) -> str:
    """The heading that gives a sentence its topic (never the document title)."""
    path = [h for h in unit.section_path if h != title]
    return re.sub(r"\s+", " ", path[-1]).strip() if path else ""
