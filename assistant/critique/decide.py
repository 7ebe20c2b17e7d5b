"""From unit scores to findings: which criteria a draft shows, and each principle's status.

One rule for every principle, stated in the rubric: a criterion is *found* when its
best unit's evidence score reaches the model's ``found`` threshold and *weak* when
its best weak-evidence score reaches ``weak``; the principle's status follows from
its criteria (``Principle.status_from``). The IAP2 level is the highest level
described by a unit that is evidence for a public-engagement criterion.
"""

from __future__ import annotations

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


def findings(scores: UnitScores, thresholds: Thresholds) -> dict[str, Finding]:
    out: dict[str, Finding] = {}
    evidence, weak = scores.evidence(), scores.weak()
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


def engagement_level(scores: UnitScores, thresholds: Thresholds) -> tuple[str, int | None]:
    """The highest IAP2 level evidenced, and the unit that shows it (or "none")."""
    columns = [j for j, c in enumerate(scores.criteria) if c.startswith(ENGAGEMENT_PREFIX)]
    if not columns or scores.topic.shape[0] == 0:
        return "none", None
    about = scores.evidence()[:, columns].max(axis=1)
    best_rank, best_unit = -1, None
    for i in np.flatnonzero(about >= thresholds.iap2):
        rank = int(np.argmax(scores.iap2[i]))
        better = best_unit is not None and about[i] > about[best_unit]
        if rank > best_rank or (rank == best_rank and better):
            best_rank, best_unit = rank, int(i)
    if best_unit is None:
        return "none", None
    return scores.levels[best_rank], best_unit
