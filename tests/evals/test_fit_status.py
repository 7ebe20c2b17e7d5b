"""Fitting the status layer: raw-space weights, author folds, the simplest good choice."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from assistant.critique.judgement import STATUS_FEATURES
from evals.fit_status import GRID_C, StatusData, choose_c, fit_layer, leave_one_author_out, predict


def _data(rng: np.random.Generator, n: int = 240) -> StatusData:
    x = rng.normal(size=(n, len(STATUS_FEATURES))) * rng.uniform(0.1, 5.0, len(STATUS_FEATURES))
    signal = x[:, 0] / x[:, 0].std() + 0.3 * rng.normal(size=n)
    y = np.digitize(signal, [-0.5, 0.5])  # 0 missing, 1 partial, 2 met
    groups = np.asarray([f"author{i % 4}" for i in range(n)])
    return StatusData(x, y, groups)


def test_the_stored_layer_reads_raw_statistics_as_the_pipeline_reads_scaled_ones() -> None:
    data = _data(np.random.default_rng(0))
    layer = fit_layer(data.x, data.y, 0.3)
    reference = make_pipeline(StandardScaler(), LogisticRegression(C=0.3, max_iter=5000))
    reference.fit(data.x, data.y)
    assert (predict(layer, data.x) == reference.predict(data.x)).mean() > 0.99
    assert layer.classes == ("missing", "partial", "met")


def test_each_author_is_scored_by_a_layer_fitted_without_them() -> None:
    data = _data(np.random.default_rng(1))
    result = leave_one_author_out(data, 1.0)
    assert set(result) == {"author0", "author1", "author2", "author3", "all"}
    assert result["all"] > 0.75  # the signal is learnable
    noise = StatusData(data.x, np.random.default_rng(2).permutation(data.y), data.groups)
    assert leave_one_author_out(noise, 1.0)["all"] < result["all"] - 0.2


def test_the_strongest_regularisation_within_the_slack_is_chosen() -> None:
    c, figures = choose_c(_data(np.random.default_rng(3)))
    assert c in GRID_C and figures["all"] > 0.75
