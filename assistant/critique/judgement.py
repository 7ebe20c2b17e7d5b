"""The learned evidence judgement: is this sentence evidence for that criterion?

A fitted model (``prompts/evidence_model.json``, made by ``python -m evals.fit_evidence``
from the sentence bank in ``evals/bank/``) holds four linear layers over the bundled
embedding of each draft unit (sentence, bullet or table row with its headers):

- ``topic``: one-vs-rest, P(the unit is about criterion c), for every criterion;
- ``strength``: none / weak / evidence from the embedding and the language
  ``features`` (figures, names, negation, future intent, bare lists, claims);
- ``iap2``: which IAP2 level a unit about public engagement describes;
- ``injection``: P(the unit is addressed to an assessor or tool to steer it).

A unit's topic is read from its own text and, with the fitted ``heading_weight``, from the
heading it sits under: P(topic=c) = (1 − w)·P(c | unit) + w·P(c | heading), so a plain
sentence under "How we involved residents" leans to engagement while its strength still
comes from the sentence alone (a heading helps, never decides: w < 1 and a heading is never
a unit). A unit is evidence for c with score P(topic=c) × P(evidence); weak evidence with
P(topic=c) × (P(evidence) + P(weak)). The two decision thresholds were fitted on
the tuning drafts only and are stored with the model. Nothing here knows any draft.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.critique.features import FEATURES, feature_matrix
from assistant.errors import LisaError
from assistant.vocabulary import STATUSES

STRENGTHS = ("none", "weak", "evidence")
# What the status layer reads of each principle (assistant.critique.status_model).
STATUS_FEATURES = (
    "core_needed",  # the met_needs-th best core criterion's best evidence score
    "core_mean",  # mean best evidence over the core criteria
    "evidence_best",  # best evidence score over all the principle's criteria
    "evidence_top2",  # best mean of a criterion's two best evidence scores
    "weak_best",  # best weak-evidence score
    "weak_mean",  # mean best weak-evidence score over the criteria
    "evidence_units",  # log(1 + units at even odds or better of being evidence for it)
    "weak_units",  # log(1 + units at even odds or better of being weak evidence for it)
    "draft_units",  # log(1 + units in the draft)
)
MODEL_FILE = "evidence_model.json"


class JudgementModelError(LisaError, ValueError):
    """The fitted evidence model is missing, malformed or does not fit the rubric."""


class LinearLayer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["ovr", "softmax", "binary"]
    classes: tuple[str, ...] = Field(min_length=1)
    coef: tuple[tuple[float, ...], ...]
    intercept: tuple[float, ...]
    inputs: Literal["embedding", "embedding+features", "principle_stats"]

    @model_validator(mode="after")
    def _shapes(self) -> LinearLayer:
        rows = 1 if self.kind == "binary" else len(self.classes)
        if len(self.coef) != rows or len(self.intercept) != rows:
            raise ValueError(f"{len(self.coef)} weight rows for {len(self.classes)} classes")
        if len({len(r) for r in self.coef}) != 1:
            raise ValueError("weight rows differ in length")
        return self

    def scores(self, x: np.ndarray) -> np.ndarray:
        w = np.asarray(self.coef, dtype=np.float32)
        z = x @ w.T + np.asarray(self.intercept, dtype=np.float32)
        if self.kind == "softmax":
            z = z - z.max(axis=1, keepdims=True)
            e = np.exp(z)
            return np.asarray(e / e.sum(axis=1, keepdims=True))
        return np.asarray(1.0 / (1.0 + np.exp(-z)))


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    found: float = Field(gt=0, lt=1, description="Evidence score at or over this: found.")
    weak: float = Field(gt=0, lt=1, description="Weak-evidence score at or over this: weak.")
    iap2: float = Field(gt=0, lt=1, description="Evidence score for an engagement level.")
    injection: float = Field(gt=0, lt=1, description="Injection probability to flag.")


class EvidenceModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = Field(ge=1)
    embedding_model: str
    dimension: int = Field(ge=8)
    features: tuple[str, ...]
    topic: LinearLayer
    strength: LinearLayer
    iap2: LinearLayer
    injection: LinearLayer
    heading_weight: float = Field(
        default=0.0,
        ge=0,
        lt=1,
        description="Share of a unit's topic read from its heading (chosen on tuning drafts).",
    )
    thresholds: Thresholds
    status: LinearLayer | None = Field(
        default=None,
        description="Met / partial / missing from each principle's score statistics "
        "(assistant.critique.status_model); without it the rubric's rule decides.",
    )
    status_range: tuple[tuple[float, ...], tuple[float, ...]] | None = Field(
        default=None,
        description="Lowest and highest value of each principle statistic among the tuning "
        "examples the status layer was fitted on: a draft's statistics are clipped to it, so "
        "a draft unlike any it learned from (a three-line note) is judged as the nearest "
        "it knows, not by extrapolation.",
    )
    provenance: dict[str, object] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> EvidenceModel:
        if self.features != FEATURES:
            raise ValueError("features differ from assistant.critique.features.FEATURES: refit")
        if self.heading_weight and self.topic.inputs != "embedding":
            raise ValueError("a heading is read by the topic layer only from its embedding")
        if self.strength.classes != STRENGTHS:
            raise ValueError(f"strength classes must be {STRENGTHS}")
        for name, layer in (
            ("topic", self.topic),
            ("strength", self.strength),
            ("iap2", self.iap2),
            ("injection", self.injection),
        ):
            width = self.dimension + (len(FEATURES) if layer.inputs != "embedding" else 0)
            if len(layer.coef[0]) != width:
                raise ValueError(f"{name} layer expects {len(layer.coef[0])} inputs, not {width}")
        if self.status is not None:
            if self.status.kind != "softmax" or self.status.inputs != "principle_stats":
                raise ValueError("the status layer is a softmax over principle statistics")
            if self.status.classes != STATUSES:
                raise ValueError(f"status classes must be {STATUSES}")
            if len(self.status.coef[0]) != len(STATUS_FEATURES):
                raise ValueError(f"the status layer expects {len(STATUS_FEATURES)} statistics")
        if self.status_range is not None:
            low, high = self.status_range
            if len(low) != len(STATUS_FEATURES) or len(high) != len(STATUS_FEATURES):
                raise ValueError(f"status_range needs {len(STATUS_FEATURES)} lows and highs")
            if any(a > b for a, b in zip(low, high, strict=True)):
                raise ValueError("status_range has a low above its high")
        return self


def load_evidence_model(path: Path) -> EvidenceModel:
    try:
        return EvidenceModel.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise JudgementModelError(
            f"{path}: no fitted evidence model; run `python -m evals.fit_evidence`"
        ) from exc
    except (json.JSONDecodeError, ValidationError) as exc:
        raise JudgementModelError(f"{path}: invalid evidence model: {exc}") from exc


@dataclass(frozen=True)
class UnitScores:
    """Per unit: topic (units × criteria), strength (units × 3), iap2, injection."""

    criteria: tuple[str, ...]
    topic: np.ndarray
    strength: np.ndarray
    levels: tuple[str, ...]
    iap2: np.ndarray
    injection: np.ndarray

    def evidence(self) -> np.ndarray:
        return np.asarray(self.topic * self.strength[:, 2:3])

    def weak(self) -> np.ndarray:
        return np.asarray(self.topic * (self.strength[:, 1:2] + self.strength[:, 2:3]))


def score_units(
    model: EvidenceModel,
    vectors: np.ndarray,
    texts: list[str],
    headings: np.ndarray | None = None,
) -> UnitScores:
    """Score every unit once; ``vectors`` are the unit embeddings, unit length.

    ``headings`` holds, per unit, the embedding of the heading it sits under (a zero row
    for a unit with no heading); without it the topic comes from the unit alone.
    """
    if vectors.shape[0] != len(texts):
        raise ValueError("one vector per text")
    if headings is not None and headings.shape != vectors.shape:
        raise ValueError("one heading vector per unit")
    if vectors.shape[0] and vectors.shape[1] != model.dimension:
        raise JudgementModelError(
            f"embeddings have {vectors.shape[1]} dimensions; the evidence model was fitted on "
            f"{model.dimension} ({model.embedding_model}): refit it"
        )
    both = np.hstack([vectors, feature_matrix(texts)]) if texts else vectors

    def inputs(layer: LinearLayer) -> np.ndarray:
        return vectors if layer.inputs == "embedding" else both

    topic = model.topic.scores(inputs(model.topic))
    if headings is not None and model.heading_weight and topic.shape[0]:
        under = (np.abs(headings).sum(axis=1) > 0)[:, None]
        topic = topic + under * model.heading_weight * (model.topic.scores(headings) - topic)
    return UnitScores(
        criteria=model.topic.classes,
        topic=np.asarray(topic),
        strength=model.strength.scores(inputs(model.strength)),
        levels=model.iap2.classes,
        iap2=model.iap2.scores(inputs(model.iap2)),
        injection=model.injection.scores(inputs(model.injection))[:, 0],
    )
