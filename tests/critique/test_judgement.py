"""The evidence judgement's topic reading: a heading helps, never decides."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from assistant.critique.features import FEATURES
from assistant.critique.judgement import (
    STRENGTHS,
    EvidenceModel,
    LinearLayer,
    Thresholds,
    score_units,
)

DIM = 8


def _layer(kind: str, classes: tuple[str, ...], rows: list[list[float]], inputs: str) -> dict:
    return {
        "kind": kind,
        "classes": classes,
        "coef": rows,
        "intercept": [0.0] * len(rows),
        "inputs": inputs,
    }


def _model(heading_weight: float, topic_inputs: str = "embedding") -> EvidenceModel:
    extra = [0.0] * len(FEATURES)
    topic_width = DIM + (len(FEATURES) if topic_inputs != "embedding" else 0)
    pad = [0.0] * (topic_width - 2)
    rest = [0.0] * (DIM - 3)
    return EvidenceModel(
        version=1,
        embedding_model="test",
        dimension=DIM,
        features=FEATURES,
        heading_weight=heading_weight,
        # dimension 0 says "rural", dimension 1 says "engagement"
        topic=LinearLayer(
            **_layer("ovr", ("rural", "engagement"), [[8, 0, *pad], [0, 8, *pad]], topic_inputs)
        ),
        # dimension 2 says "concrete"
        strength=LinearLayer(
            **_layer(
                "softmax",
                STRENGTHS,
                [[0, 0, -4, *rest, *extra], [0] * (DIM + len(FEATURES)), [0, 0, 4, *rest, *extra]],
                "embedding+features",
            )
        ),
        iap2=LinearLayer(
            **_layer("softmax", ("consult", "involve"), [[0.0] * DIM] * 2, "embedding")
        ),
        injection=LinearLayer(
            **_layer(
                "binary", ("injection",), [[0.0] * (DIM + len(FEATURES))], "embedding+features"
            )
        ),
        thresholds=Thresholds(found=0.5, weak=0.3, iap2=0.5, injection=0.9),
    )


UNITS = np.zeros((2, DIM), dtype=np.float32)
UNITS[:, 2] = 1.0
TEXTS = ["We sorted 41 villages by size.", "We sorted 41 villages by size."]
# the first unit sits under a heading about rural areas; the second has no heading
HEADINGS = np.zeros((2, DIM), dtype=np.float32)
HEADINGS[0, 0] = 1.0


def test_a_heading_raises_the_topic_of_the_sentences_under_it() -> None:
    scores = score_units(_model(0.4), UNITS, TEXTS, HEADINGS)
    rural = scores.criteria.index("rural")
    assert scores.topic[0, rural] > scores.topic[1, rural]
    # ...but only by the fitted share: the heading alone never makes a topic certain
    assert scores.topic[0, rural] < 0.4 * 1.0 + 0.6 * scores.topic[1, rural] + 1e-6


def test_a_heading_never_changes_strength_and_a_unit_without_one_is_untouched() -> None:
    plain = score_units(_model(0.4), UNITS, TEXTS)
    under = score_units(_model(0.4), UNITS, TEXTS, HEADINGS)
    np.testing.assert_allclose(plain.strength, under.strength)
    np.testing.assert_allclose(plain.topic[1], under.topic[1])


def test_a_zero_heading_weight_ignores_headings() -> None:
    plain = score_units(_model(0.0), UNITS, TEXTS)
    under = score_units(_model(0.0), UNITS, TEXTS, HEADINGS)
    np.testing.assert_allclose(plain.topic, under.topic)


def test_heading_vectors_must_match_the_units() -> None:
    with pytest.raises(ValueError, match="one heading vector per unit"):
        score_units(_model(0.4), UNITS, TEXTS, HEADINGS[:1])


def test_a_heading_weight_needs_a_topic_layer_that_reads_embeddings_only() -> None:
    with pytest.raises(ValidationError, match="heading"):
        _model(0.4, topic_inputs="embedding+features")
