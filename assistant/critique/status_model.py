"""The learned status judgement: from a principle's unit scores to met / partial / missing.

The rubric's rule reads each criterion's single best unit against two thresholds, so one
stray sentence can lift a principle and one plain-worded sentence can fail to. The status
layer (``EvidenceModel.status``, fitted on the tuning drafts by ``python -m
evals.fit_evidence``) reads a few statistics of *all* the principle's unit scores instead:
how strong the weakest needed core criterion is, how many units show the principle, how
strong its best weak mention is, how long the draft is. The statistics and their weights
are the same for every principle: the layer knows no principle, criterion or draft.

The report must still explain its status by its criteria, so ``harmonise`` then adjusts
the criteria at the margin until the rubric's rule gives the judged status: for a judged
``met`` the strongest unfound core criteria count as found; for ``partial`` the weakest
found core criteria count as weak (or the best weak mention counts, if nothing did); for
``missing`` nothing counts. Each criterion keeps the units that score best for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from assistant.critique.decide import MAX_QUOTES, Finding, unit_evidence
from assistant.critique.judgement import STATUS_FEATURES, LinearLayer, UnitScores
from assistant.critique.rubric import Principle

EVEN_ODDS = 0.5  # a probability, not a tuned threshold


def principle_stats(
    principle: Principle, criteria: Sequence[str], evidence: np.ndarray, weak: np.ndarray
) -> np.ndarray:
    """``STATUS_FEATURES`` of one principle from the draft's (units × criteria) scores."""
    cols = [criteria.index(c.id) for c in principle.criteria]
    core = [criteria.index(c.id) for c in principle.criteria if c.core]
    if evidence.shape[0] == 0:
        return np.zeros(len(STATUS_FEATURES))
    e, w = evidence[:, cols], weak[:, cols]
    best_e, best_w = evidence.max(axis=0), weak.max(axis=0)
    needed = np.sort(best_e[core])[::-1][principle.met_needs - 1] if core else 0.0
    top2 = np.sort(e, axis=0)[-2:].mean(axis=0).max()
    return np.asarray(
        [
            needed,
            best_e[core].mean() if core else 0.0,
            best_e[cols].max(),
            top2,
            best_w[cols].max(),
            best_w[cols].mean(),
            np.log1p((e >= EVEN_ODDS).any(axis=1).sum()),
            np.log1p((w >= EVEN_ODDS).any(axis=1).sum()),
            np.log1p(evidence.shape[0]),
        ],
        dtype=np.float64,
    )


def stats_matrix(
    principles: Sequence[Principle],
    criteria: Sequence[str],
    evidence: np.ndarray,
    weak: np.ndarray,
) -> np.ndarray:
    """One row of ``STATUS_FEATURES`` per principle."""
    return np.vstack([principle_stats(p, criteria, evidence, weak) for p in principles])


Range = tuple[Sequence[float], Sequence[float]]


def judged_statuses(
    layer: LinearLayer, stats: np.ndarray, bounds: Range | None = None
) -> list[str]:
    """The layer's most likely status for each row of ``stats_matrix``, the statistics
    first clipped to ``bounds`` (the range the layer was fitted on) when given."""
    if bounds is not None:
        stats = np.clip(stats, np.asarray(bounds[0]), np.asarray(bounds[1]))
    probabilities = layer.scores(stats.astype(np.float32))
    return [layer.classes[int(i)] for i in probabilities.argmax(axis=1)]


def _finding(cid: str, column: np.ndarray, score: float, *, found: bool, weak: bool) -> Finding:
    units = tuple(int(i) for i in np.argsort(-column)[:MAX_QUOTES]) if found or weak else ()
    return Finding(cid, found, weak and not found, score, units)


def harmonise(
    principle: Principle,
    found: dict[str, Finding],
    status: str,
    criteria: Sequence[str],
    evidence: np.ndarray,
    weak: np.ndarray,
) -> dict[str, Finding]:
    """This principle's findings, changed at the margin so that its rule gives ``status``."""
    mine = {c.id: found[c.id] for c in principle.criteria}

    def rule() -> str:
        return principle.status_from(
            {c for c, f in mine.items() if f.found}, {c for c, f in mine.items() if f.weak}
        )

    def column(cid: str, of: np.ndarray) -> np.ndarray:
        return of[:, criteria.index(cid)]

    if status == rule() or evidence.shape[0] == 0:
        return mine
    core = [c.id for c in principle.criteria if c.core]
    if status == "missing":
        return {c: Finding(c, False, False, f.score, ()) for c, f in mine.items()}
    if status == "met":
        for cid in sorted((c for c in core if not mine[c].found), key=lambda c: -mine[c].score):
            if rule() == "met":
                break
            mine[cid] = _finding(
                cid, column(cid, evidence), mine[cid].score, found=True, weak=False
            )
        return mine
    # partial
    if rule() == "met":
        for cid in sorted((c for c in core if mine[c].found), key=lambda c: mine[c].score):
            mine[cid] = _finding(cid, column(cid, weak), mine[cid].score, found=False, weak=True)
            if rule() != "met":
                break
    else:  # nothing counted: the best weak mention does
        best = max(mine, key=lambda c: float(column(c, weak).max()))
        mine[best] = _finding(best, column(best, weak), mine[best].score, found=False, weak=True)
    return mine


def judged_findings(
    principles: Sequence[Principle],
    scores: UnitScores,
    found: dict[str, Finding],
    layer: LinearLayer,
    minimum_levels: Mapping[str, str] | None = None,
    bounds: Range | None = None,
) -> dict[str, Finding]:
    """Every criterion's finding, harmonised with the status the layer judges for its
    principle: afterwards the rubric's rule gives the judged status."""
    evidence, weak = unit_evidence(scores, minimum_levels)
    stats = stats_matrix(principles, scores.criteria, evidence, weak)
    out = dict(found)
    for principle, status in zip(principles, judged_statuses(layer, stats, bounds), strict=True):
        out.update(harmonise(principle, found, status, scores.criteria, evidence, weak))
    return out
