"""The learned status judgement: its statistics, and findings that always explain it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from assistant.critique.decide import findings, principle_status
from assistant.critique.judgement import STATUS_FEATURES, LinearLayer, Thresholds, UnitScores
from assistant.critique.rubric import Rubric, load_rubric
from assistant.critique.status_model import harmonise, judged_findings, principle_stats
from assistant.vocabulary import STATUSES

REPO = Path(__file__).resolve().parents[2]
THRESHOLDS = Thresholds(found=0.55, weak=0.45, iap2=0.5, injection=0.9)


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_rubric(REPO / "prompts" / "rubric.yaml", with_model=False)


def _scores(rubric: Rubric, rng: np.random.Generator, units: int) -> UnitScores:
    criteria = tuple(c.id for p in rubric.principles for c in p.criteria)
    return UnitScores(
        criteria=criteria,
        topic=rng.beta(0.5, 2.0, size=(units, len(criteria))),
        strength=rng.dirichlet([1.0, 1.0, 1.0], size=units),
        levels=("inform", "consult", "involve", "collaborate", "empower"),
        iap2=rng.dirichlet([1.0] * 5, size=units),
        injection=np.zeros(units),
    )


def test_harmonised_findings_give_every_judged_status_by_the_rule(rubric: Rubric) -> None:
    rng = np.random.default_rng(7)
    for trial in range(40):
        scores = _scores(rubric, rng, units=int(rng.integers(3, 30)))
        found = findings(scores, THRESHOLDS)
        evidence, weak = scores.evidence(), scores.weak()
        for principle in rubric.principles:
            for status in STATUSES:
                mine = harmonise(principle, found, status, scores.criteria, evidence, weak)
                assert principle_status(principle, mine) == status, (trial, principle.id)
                for f in mine.values():  # what counts is shown with the draft's words
                    assert bool(f.units) == (f.found or f.weak)


def test_harmonising_leaves_an_agreeing_principle_alone(rubric: Rubric) -> None:
    scores = _scores(rubric, np.random.default_rng(3), units=12)
    found = findings(scores, THRESHOLDS)
    evidence, weak = scores.evidence(), scores.weak()
    for principle in rubric.principles:
        rule = principle_status(principle, found)
        mine = harmonise(principle, found, rule, scores.criteria, evidence, weak)
        assert mine == {c.id: found[c.id] for c in principle.criteria}


def test_more_evidence_raises_the_statistics_a_status_is_read_from(rubric: Rubric) -> None:
    scores = _scores(rubric, np.random.default_rng(5), units=10)
    principle = rubric.principles[0]
    evidence, weak = scores.evidence(), scores.weak()
    before = principle_stats(principle, scores.criteria, evidence, weak)
    cols = [scores.criteria.index(c.id) for c in principle.criteria]
    stronger = evidence.copy()
    stronger[:4, cols] = 0.99
    after = principle_stats(principle, scores.criteria, stronger, np.maximum(weak, stronger))
    assert after.shape == (len(STATUS_FEATURES),)
    named = dict(zip(STATUS_FEATURES, after - before, strict=True))
    assert named["core_needed"] > 0 and named["evidence_units"] > 0
    assert named["draft_units"] == 0
    empty = principle_stats(principle, scores.criteria, evidence[:0], weak[:0])
    assert not empty.any()


def _status_layer(bias: list[float], width: int = len(STATUS_FEATURES)) -> LinearLayer:
    return LinearLayer(
        kind="softmax",
        classes=STATUSES,
        coef=tuple(tuple([0.0] * width) for _ in STATUSES),
        intercept=tuple(bias),
        inputs="principle_stats",
    )


def test_the_layer_decides_and_the_criteria_follow(rubric: Rubric) -> None:
    scores = _scores(rubric, np.random.default_rng(11), units=15)
    found = findings(scores, THRESHOLDS)
    for k, status in enumerate(STATUSES):
        bias = [0.0, 0.0, 0.0]
        bias[k] = 5.0  # a layer that always says this status
        judged = judged_findings(rubric.principles, scores, found, _status_layer(bias))
        assert {principle_status(p, judged) for p in rubric.principles} == {status}


def test_a_malformed_status_layer_is_refused(critique_rubric: Rubric) -> None:
    model = critique_rubric.judgement
    assert model is not None
    with pytest.raises(ValidationError, match="statistics"):
        model.model_validate({**model.model_dump(), "status": _status_layer([0, 0, 0], 4)})
    wrong = _status_layer([0, 0, 0]).model_copy(update={"classes": ("met", "partial", "missing")})
    with pytest.raises(ValidationError, match="status classes"):
        model.model_validate({**model.model_dump(), "status": wrong.model_dump()})
    assert isinstance(
        model.model_validate({**model.model_dump(), "status": _status_layer([0, 0, 0])}),
        type(model),
    )


def test_statistics_outside_the_fitted_range_are_judged_as_its_nearest_edge() -> None:
    from assistant.critique.status_model import judged_statuses

    n = len(STATUS_FEATURES)
    # a layer whose "missing" grows as the draft's length statistic falls (the last one)
    coef = [[0.0] * (n - 1) + [-4.0], [0.0] * n, [0.0] * (n - 1) + [1.0]]
    layer = LinearLayer(
        kind="softmax",
        classes=STATUSES,
        coef=tuple(tuple(r) for r in coef),
        intercept=(10.0, 0.0, -4.0),
        inputs="principle_stats",
    )
    tiny = np.full((1, n), 0.5)
    tiny[0, -1] = 1.0  # a three-line note: far shorter than any draft the layer saw
    bounds = ([0.0] * (n - 1) + [3.4], [1.0] * (n - 1) + [5.6])
    assert judged_statuses(layer, tiny) == ["missing"]  # extrapolated
    edge = tiny.copy()
    edge[0, -1] = 3.4
    assert judged_statuses(layer, tiny, bounds) == judged_statuses(layer, edge) != ["missing"]


def test_a_status_range_that_does_not_fit_the_statistics_is_refused(
    critique_rubric: Rubric,
) -> None:
    model = critique_rubric.judgement
    assert model is not None and model.status_range is not None
    low, high = model.status_range
    with pytest.raises(ValidationError, match="status_range"):
        model.model_validate({**model.model_dump(), "status_range": (low[:-1], high)})
    with pytest.raises(ValidationError, match="low above its high"):
        model.model_validate({**model.model_dump(), "status_range": (high, low)})
