"""Fit the critique's decision thresholds on the tuning drafts (called by
``evals.fit_evidence``).

The injection threshold by draft-level F1 of the injection flags, then the found and
weak thresholds by exact agreement of the rubric's rule with the drafts' gold statuses,
then the IAP2 threshold by accuracy of the engagement level; and the rule's
leave-one-author-out agreement, and the status layer's examples (``evals.fit_status``).
Only tuning drafts (``evals/splits.json``) are read here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.critique.decide import Finding, engagement_level, findings, unit_evidence
from assistant.critique.engine import embed_units, heading_rows
from assistant.critique.evidence import DraftUnit, draft_units
from assistant.critique.judgement import EvidenceModel, Thresholds, UnitScores, score_units
from assistant.critique.rubric import Rubric
from assistant.critique.screening import rule_hits, screen, subset_scores
from assistant.documents.injection import Injection
from assistant.documents.loading import load_document
from assistant.library.embeddings import LisaEmbeddings
from assistant.vocabulary import STATUS_RANK
from evals.catalog import LabelledDraft
from evals.fit_status import StatusData, status_data

GRID = tuple(round(x, 3) for x in np.arange(0.05, 0.951, 0.025))


@dataclass
class DraftData:
    draft: LabelledDraft
    units: list[DraftUnit]
    vectors: np.ndarray
    headings: np.ndarray  # per unit, its heading's embedding (zero row: no heading)
    rules: list[Injection | None]  # per unit, the injection rules' finding

    def scores(self, model: EvidenceModel) -> UnitScores:
        return score_units(model, self.vectors, [u.embed_text for u in self.units], self.headings)


def draft_data(
    items: list[LabelledDraft], embeddings: LisaEmbeddings, max_bytes: int
) -> list[DraftData]:
    out = []
    for item in items:
        units = draft_units(load_document(item.path, max_bytes))
        vectors = embed_units(units, embeddings, lambda _f, _s: None)
        headings = heading_rows(units, embeddings, vectors.shape[1])
        out.append(DraftData(item, units, vectors, headings, rule_hits(units)))
    return out


def iap2_accuracy(
    data: list[DraftData],
    scored: list[UnitScores],
    found: list[dict[str, Finding]],
    thresholds: Thresholds,
) -> float:
    """IAP2 accuracy at ``thresholds``, the level gated by the rule's findings ``found``
    (per draft, at the same found and weak thresholds; the status layer, which the
    engine's findings also pass through, is fitted after this)."""
    right = sum(
        engagement_level(pool, thresholds, draft_found)[0] == d.draft.labels["iap2"]
        for d, pool, draft_found in zip(data, scored, found, strict=True)
    )
    return right / max(len(data), 1)


@dataclass(frozen=True)
class Maxima:
    """Per draft and criterion, the best evidence and weak-evidence scores, with the labels:
    everything the found/weak grid search needs, computed once."""

    evidence: np.ndarray  # drafts × criteria
    weak: np.ndarray
    gold: np.ndarray  # drafts × principles, 0 missing / 1 partial / 2 met


STATUS_CODE = STATUS_RANK  # the codes of Principle.status_codes


def maxima(rubric: Rubric, data: list[DraftData], scored: list[UnitScores]) -> Maxima:
    e_rows, w_rows = [], []
    for pool in scored:
        if pool.topic.shape[0] == 0:
            e_rows.append(np.zeros(len(pool.criteria)))
            w_rows.append(np.zeros(len(pool.criteria)))
            continue
        ev, wk = unit_evidence(pool, rubric.minimum_levels())
        e_rows.append(ev.max(axis=0))
        w_rows.append(wk.max(axis=0))
    gold = [[STATUS_CODE[d.draft.labels["status"][p.id]] for p in rubric.principles] for d in data]
    return Maxima(np.asarray(e_rows), np.asarray(w_rows), np.asarray(gold))


def _exact_only(rubric: Rubric, m: Maxima, criteria: tuple[str, ...], t: Thresholds) -> float:
    """Exact agreement at ``t`` from per-draft maxima, by the rubric's rule
    (``Principle.status_codes``, over all drafts at once for the grid search)."""
    if m.gold.size == 0:
        return 0.0
    found = m.evidence >= t.found
    weak = (m.weak >= t.weak) & ~found
    right = 0
    for k, principle in enumerate(rubric.principles):
        idx = [criteria.index(c.id) for c in principle.criteria]
        status = principle.status_codes(found[:, idx], weak[:, idx])
        right += int((status == m.gold[:, k]).sum())
    return right / m.gold.size


def injection_f1(data: list[DraftData], scored: list[UnitScores], threshold: float) -> float:
    """Draft-level F1 of injection flags on ``data`` at ``threshold`` (tuning drafts)."""
    tp = fp = fn = 0
    for d, scores in zip(data, scored, strict=True):
        _, flagged = screen(d.units, scores, threshold, d.rules)
        said, truth = bool(flagged), bool(d.draft.labels.get("injection"))
        tp += said and truth
        fp += said and not truth
        fn += truth and not said
    return 2 * tp / max(2 * tp + fp + fn, 1)


INJECTION_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995)


def injection_threshold(f1_at: Callable[[float], float]) -> tuple[float, float]:
    """(F1, threshold): the most sensitive threshold of ``INJECTION_GRID`` among those with
    the best draft-level F1 on the tuning drafts (``f1_at``). A missed injection costs more
    than a flagged sentence an officer can read, so ties go to the lower threshold."""
    scored = [(f1_at(t), t) for t in INJECTION_GRID]
    best = max(f1 for f1, _ in scored)
    return best, min(t for f1, t in scored if f1 == best)


@dataclass(frozen=True)
class Fit:
    thresholds: Thresholds
    exact: float
    iap2: float
    injection_f1: float


def choose_thresholds(rubric: Rubric, data: list[DraftData], unscreened: list[UnitScores]) -> Fit:
    """The injection, found/weak and IAP2 thresholds that agree best with ``data``'s labels."""
    f1, inj = injection_threshold(lambda t: injection_f1(data, unscreened, t))
    pooled = [
        subset_scores(s, screen(d.units, s, inj, d.rules)[0])
        for d, s in zip(data, unscreened, strict=True)
    ]
    thresholds = Thresholds(found=0.5, weak=0.5, iap2=0.5, injection=inj)
    best_exact = -1.0
    table = maxima(rubric, data, pooled)
    criteria = pooled[0].criteria if pooled else ()
    for found_at in GRID:
        for weak_at in (w for w in GRID if w <= found_at):
            candidate = thresholds.model_copy(update={"found": found_at, "weak": weak_at})
            exact = _exact_only(rubric, table, criteria, candidate)
            if exact > best_exact:
                best_exact, chosen = exact, candidate
    # the findings read only the found and weak thresholds: the same at every IAP2 one
    levels = rubric.minimum_levels()
    found = [findings(pool, chosen, levels) for pool in pooled]
    best_iap2 = -1.0
    for level_at in GRID:
        candidate = chosen.model_copy(update={"iap2": level_at})
        accuracy = iap2_accuracy(data, pooled, found, candidate)
        if accuracy > best_iap2:
            best_iap2, final = accuracy, candidate
    return Fit(final, best_exact, best_iap2, f1)


def leave_one_author_out(
    rubric: Rubric, data: list[DraftData], model: EvidenceModel
) -> dict[str, float]:
    """Exact agreement on each tuning author with thresholds chosen on the others."""
    unscreened = [d.scores(model) for d in data]
    out: dict[str, float] = {}
    right = total = 0
    for author in sorted({d.draft.author for d in data}):
        train = [i for i, d in enumerate(data) if d.draft.author != author]
        test = [i for i, d in enumerate(data) if d.draft.author == author]
        fit = choose_thresholds(rubric, [data[i] for i in train], [unscreened[i] for i in train])
        tested = [data[i] for i in test]
        pooled = [
            subset_scores(
                unscreened[i],
                screen(data[i].units, unscreened[i], fit.thresholds.injection, data[i].rules)[0],
            )
            for i in test
        ]
        exact = _exact_only(
            rubric, maxima(rubric, tested, pooled), pooled[0].criteria, fit.thresholds
        )
        out[author] = round(exact, 4)
        right += round(exact * len(test) * 12)
        total += len(test) * 12
    out["all"] = round(right / max(total, 1), 4)
    return out


def status_examples(rubric: Rubric, data: list[DraftData], model: EvidenceModel) -> StatusData:
    """The status layer's examples: each draft's scores once its injections are screened out
    (at the injection threshold that best flags the tuning drafts' injections)."""
    unscreened = [d.scores(model) for d in data]
    _, inj = injection_threshold(lambda t: injection_f1(data, unscreened, t))
    pooled = [
        subset_scores(s, screen(d.units, s, inj, d.rules)[0])
        for d, s in zip(data, unscreened, strict=True)
    ]
    labels = [d.draft.labels["status"] for d in data]
    return status_data(rubric, pooled, labels, [d.draft.author for d in data])
