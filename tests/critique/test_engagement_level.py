"""The IAP2 level: voted for by engagement evidence, never against the draft's findings."""

from __future__ import annotations

import numpy as np

from assistant.critique.decide import Finding, engagement_level
from assistant.critique.judgement import Thresholds, UnitScores

LEVELS = ("inform", "consult", "involve", "collaborate", "empower")
CRITERIA = ("lp_involve_or_higher", "lp_consult_inform", "eb_local_figures")
THRESHOLDS = Thresholds(found=0.5, weak=0.3, iap2=0.4, injection=0.9)


def scores() -> UnitScores:
    """Three units: two describe a citizens' panel (collaborate), one is a survey (consult);
    every one is strong evidence for an engagement criterion."""
    topic = np.array([[0.9, 0.1, 0.0], [0.8, 0.2, 0.0], [0.1, 0.7, 0.0]])
    strength = np.tile([0.0, 0.1, 0.9], (3, 1))
    iap2 = np.array(
        [
            [0.0, 0.1, 0.1, 0.8, 0.0],
            [0.0, 0.0, 0.2, 0.7, 0.1],
            [0.1, 0.8, 0.1, 0.0, 0.0],
        ]
    )
    return UnitScores(CRITERIA, topic, strength, LEVELS, iap2, np.zeros(3))


def finding(cid: str, found: bool, weak: bool = False) -> Finding:
    return Finding(cid, found, weak, 0.9 if found else 0.4, (0,) if found or weak else ())


def test_the_level_is_the_one_the_engagement_evidence_votes_for() -> None:
    found = {c: finding(c, c == "lp_involve_or_higher") for c in CRITERIA}
    assert engagement_level(scores(), THRESHOLDS, found) == ("collaborate", 0)
    weak_only = {c: finding(c, False, weak=c == "lp_consult_inform") for c in CRITERIA}
    assert engagement_level(scores(), THRESHOLDS, weak_only) == ("collaborate", 0)


def test_no_engagement_in_the_findings_means_no_level() -> None:
    """Units that look like engagement give no level when the findings the report shows
    hold no engagement criterion, found or weak."""
    other_found = {c: finding(c, c == "eb_local_figures") for c in CRITERIA}
    assert engagement_level(scores(), THRESHOLDS, other_found) == ("none", None)


def test_no_unit_over_the_threshold_means_no_level() -> None:
    found = {c: finding(c, True) for c in CRITERIA}
    high = THRESHOLDS.model_copy(update={"iap2": 0.99})
    assert engagement_level(scores(), high, found) == ("none", None)
