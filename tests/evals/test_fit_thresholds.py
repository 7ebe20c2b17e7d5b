"""The fit's fast grid search scores statuses exactly as the rubric's rule does."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.critique.judgement import Thresholds
from assistant.critique.rubric import load_rubric
from evals.fit_thresholds import STATUS_CODE, Maxima, _exact_only

RUBRIC = Path(__file__).resolve().parents[2] / "prompts" / "rubric.yaml"


def test_vectorised_agreement_matches_the_rubric_rule() -> None:
    rubric = load_rubric(RUBRIC, with_model=False)
    criteria = tuple(c.id for p in rubric.principles for c in p.criteria)
    rng = np.random.default_rng(7)
    evidence = rng.random((30, len(criteria)))
    weak = np.maximum(evidence, rng.random((30, len(criteria))))
    t = Thresholds(found=0.6, weak=0.4, iap2=0.5, injection=0.9)
    expected = []
    for e, w in zip(evidence, weak, strict=True):
        found = {c for c, v in zip(criteria, e, strict=True) if v >= t.found}
        weak_set = {c for c, v in zip(criteria, w, strict=True) if v >= t.weak} - found
        expected.append([STATUS_CODE[p.status_from(found, weak_set)] for p in rubric.principles])
    gold = np.asarray(expected)
    assert _exact_only(rubric, Maxima(evidence, weak, gold), criteria, t) == 1.0
    flipped = gold.copy()
    flipped[0, 0] = (flipped[0, 0] + 1) % 3
    assert _exact_only(rubric, Maxima(evidence, weak, flipped), criteria, t) == 1 - 1 / gold.size


def test_the_injection_threshold_is_the_most_sensitive_of_the_best() -> None:
    from evals.fit_thresholds import INJECTION_GRID, injection_threshold

    # every threshold flags the tuning drafts' injections equally well: the lowest wins
    assert injection_threshold(lambda t: 1.0) == (1.0, min(INJECTION_GRID))
    # the best F1 only at the strict end: that is chosen, and nothing less strict
    f1 = {t: (0.9 if t >= 0.95 else 0.6) for t in INJECTION_GRID}
    assert injection_threshold(f1.__getitem__) == (0.9, 0.95)
