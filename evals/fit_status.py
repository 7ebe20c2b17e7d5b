"""Fit the critique's status layer on the tuning drafts (called by ``evals.fit_evidence``).

Each (draft, principle) of the tuning split is one example: the principle's
``STATUS_FEATURES`` (``assistant.critique.status_model``) from the draft's unit scores,
labelled with its gold status. One multinomial logistic regression (scikit-learn) serves
every principle. Its regularisation is chosen by leave-one-author-out exact agreement: the
strongest regularisation within ``SLACK`` of the best. The standardisation is folded into
the stored weights, so the layer reads the raw statistics. Validation drafts never reach
this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.critique.decide import unit_evidence
from assistant.critique.judgement import LinearLayer, UnitScores
from assistant.critique.rubric import Rubric
from assistant.critique.status_model import stats_matrix
from assistant.vocabulary import STATUS_RANK, STATUSES

GRID_C = (0.03, 0.1, 0.3, 1.0, 3.0)
SLACK = 0.01


@dataclass(frozen=True)
class StatusData:
    """Every (draft, principle) example: statistics, gold status code and author."""

    x: np.ndarray
    y: np.ndarray
    groups: np.ndarray


def status_data(
    rubric: Rubric,
    pooled: Sequence[UnitScores],
    labels: Sequence[Mapping[str, str]],
    authors: Sequence[str],
) -> StatusData:
    """Examples from each draft's screened unit scores and its gold statuses."""
    rows, gold, groups = [], [], []
    minimum = rubric.minimum_levels()
    for scores, status, author in zip(pooled, labels, authors, strict=True):
        evidence, weak = unit_evidence(scores, minimum)
        rows.append(stats_matrix(rubric.principles, scores.criteria, evidence, weak))
        gold += [STATUS_RANK[status[p.id]] for p in rubric.principles]
        groups += [author] * len(rubric.principles)
    return StatusData(np.vstack(rows), np.asarray(gold), np.asarray(groups))


def fit_layer(x: np.ndarray, y: np.ndarray, c: float) -> LinearLayer:
    """The softmax layer over raw statistics (standardisation folded into its weights)."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, y)
    if list(clf.classes_) != list(range(len(STATUSES))):
        raise ValueError("the tuning drafts must hold every status")
    coef = clf.coef_ / scale
    intercept = clf.intercept_ - coef @ mean
    return LinearLayer(
        kind="softmax",
        classes=STATUSES,
        coef=tuple(tuple(float(v) for v in row) for row in coef),
        intercept=tuple(float(v) for v in intercept),
        inputs="principle_stats",
    )


def value_range(x: np.ndarray) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Each statistic's lowest and highest value among the examples (``status_range``)."""
    return tuple(float(v) for v in x.min(axis=0)), tuple(float(v) for v in x.max(axis=0))


def predict(
    layer: LinearLayer, x: np.ndarray, bounds: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    if bounds is not None:  # as the engine does: clipped to the range the layer learned
        x = np.clip(x, bounds[0], bounds[1])
    return np.asarray(layer.scores(x.astype(np.float32)).argmax(axis=1))


def leave_one_author_out(data: StatusData, c: float) -> dict[str, float]:
    """Exact agreement on each author with the layer fitted on the others, and overall."""
    predicted = np.zeros_like(data.y)
    out: dict[str, float] = {}
    for author in sorted(set(data.groups.tolist())):
        test = data.groups == author
        layer = fit_layer(data.x[~test], data.y[~test], c)
        train = data.x[~test]
        predicted[test] = predict(layer, data.x[test], (train.min(axis=0), train.max(axis=0)))
        out[author] = round(float((predicted[test] == data.y[test]).mean()), 4)
    out["all"] = round(float((predicted == data.y).mean()), 4)
    return out


def choose_c(data: StatusData) -> tuple[float, dict[str, float]]:
    """The strongest regularisation within ``SLACK`` of the best leave-one-author-out
    agreement, and its per-author figures."""
    results = {c: leave_one_author_out(data, c) for c in GRID_C}
    top = max(r["all"] for r in results.values())
    chosen = min(c for c, r in results.items() if r["all"] >= top - SLACK)
    return chosen, results[chosen]
