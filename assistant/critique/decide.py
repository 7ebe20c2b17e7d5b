"""From unit scores to findings: which criteria a draft shows, and each principle's status.

One rule for every principle, stated in the rubric: a criterion is *found* when its
best unit's evidence score reaches the model's ``found`` threshold and *weak* when
its best weak-evidence score reaches ``weak``; the principle's status follows from
its criteria (``Principle.status_from``). The IAP2 level is voted for by the units that
are evidence for a public-engagement criterion, and is "none" when the findings show no
engagement at all (no engagement criterion found, nor even weakly shown).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from assistant.critique.judgement import Thresholds, UnitScores
from assistant.critique.rubric import Principle

ENGAGEMENT_PREFIX = "lp_"
MAX_QUOTES = 2


@dataclass(frozen=True)
class Finding:
    """One criterion in one draft."""

    criterion: str
    found: bool
    weak: bool
    score: float  # best evidence score
    units: tuple[int, ...]  # the units that show it, best first (evidence, or weak evidence)


def unit_evidence(
    scores: UnitScores, minimum_levels: Mapping[str, str] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(evidence, weak evidence) per unit and criterion.

    A criterion with a minimum IAP2 level (``Criterion.min_iap2``) takes as evidence only
    units whose engagement is at that level or above; a lower-level account of the
    same engagement stays weak evidence for it.
    """
    evidence, weak = scores.evidence(), scores.weak()
    if minimum_levels and evidence.shape[0]:
        rank = scores.iap2.argmax(axis=1)
        evidence = evidence.copy()
        for j, cid in enumerate(scores.criteria):
            if cid in minimum_levels:
                low = rank < scores.levels.index(minimum_levels[cid])
                evidence[low, j] = 0.0
    return evidence, weak


def findings(
    scores: UnitScores, thresholds: Thresholds, minimum_levels: Mapping[str, str] | None = None
) -> dict[str, Finding]:
    out: dict[str, Finding] = {}
    evidence, weak = unit_evidence(scores, minimum_levels)
    for j, cid in enumerate(scores.criteria):
        if evidence.shape[0] == 0:
            out[cid] = Finding(cid, False, False, 0.0, ())
            continue
        best_e = float(evidence[:, j].max())
        best_w = float(weak[:, j].max())
        found = best_e >= thresholds.found
        is_weak = not found and best_w >= thresholds.weak
        column = evidence[:, j] if found else weak[:, j]
        floor = thresholds.found if found else thresholds.weak
        order = [int(i) for i in np.argsort(-column) if column[i] >= floor][:MAX_QUOTES]
        out[cid] = Finding(cid, found, is_weak, best_e, tuple(order))
    return out


def principle_status(principle: Principle, found: dict[str, Finding]) -> str:
    return principle.status_from(
        {c for c, f in found.items() if f.found}, {c for c, f in found.items() if f.weak}
    )


def engagement_level(
    scores: UnitScores, thresholds: Thresholds, found: Mapping[str, Finding]
) -> tuple[str, int | None]:
    """The IAP2 level the draft's engagement evidence describes, and the unit that shows it.

    Units that are evidence for a public-engagement criterion (score at or over the
    ``iap2`` threshold) vote for a level with their level probabilities, weighted by
    that score; the level with most weight wins, so one stray sentence cannot
    outvote the draft's account of what it did. "none" when no unit votes, or when
    ``found`` (the draft's findings) has no public-engagement criterion found or weak:
    the level then never claims engagement the report's own findings do not show.
    """
    columns = [j for j, c in enumerate(scores.criteria) if c.startswith(ENGAGEMENT_PREFIX)]
    if not columns or scores.topic.shape[0] == 0:
        return "none", None
    if not any(f.found or f.weak for c, f in found.items() if c.startswith(ENGAGEMENT_PREFIX)):
        return "none", None
    about = scores.evidence()[:, columns].max(axis=1)
    voters = np.flatnonzero(about >= thresholds.iap2)
    if voters.size == 0:
        return "none", None
    weighted = about[voters, None] * scores.iap2[voters]
    level = int(np.argmax(weighted.sum(axis=0)))
    unit = int(voters[int(np.argmax(weighted[:, level]))])
    return scores.levels[level], unit
