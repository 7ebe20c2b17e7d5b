"""Fit the critique's evidence model: ``python -m evals.fit_evidence``.

1. The four unit layers of ``assistant.critique.judgement`` are fitted with scikit-learn
   on the sentence bank (``evals/bank/bank_*.jsonl``) and the injection bank
   (``evals/bank/injections_*.jsonl``), over the bundled embedding model.
2. The decision thresholds (found, weak, IAP2, injection) are fitted on the tuning drafts
   (``evals/splits.json``), and the status layer (``evals.fit_status``: met / partial /
   missing from each principle's score statistics) on the same drafts' labels.
3. The two regularisation strengths and the heading weight are chosen by
   leave-one-author-out exact agreement of the whole judgement on the **tuning** drafts
   (the simplest within 0.01 of the best). Validation drafts are never read here.
4. The result is written to ``prompts/evidence_model.json`` with its provenance.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.critique.decide import (
    engagement_level,
    findings,
    unit_evidence,
)
from assistant.critique.engine import embed_units, heading_rows
from assistant.critique.evidence import DraftUnit, draft_units
from assistant.critique.features import FEATURES, feature_matrix
from assistant.critique.judgement import (
    STRENGTHS,
    EvidenceModel,
    LinearLayer,
    Thresholds,
    UnitScores,
    score_units,
)
from assistant.critique.rubric import Rubric, load_rubric
from assistant.critique.screening import rule_hits, screen, subset_scores
from assistant.documents.injection import Injection
from assistant.documents.loading import load_document
from assistant.library.embeddings import LisaEmbeddings, model_name
from assistant.library.models import build_embeddings
from assistant.settings import Settings
from assistant.vectors import unit_rows
from assistant.vocabulary import IAP2_LEVELS, STATUS_RANK
from evals.catalog import LabelledDraft, drafts
from evals.fit_status import StatusData, choose_c, fit_layer, status_data, value_range

REPO = Path(__file__).resolve().parent.parent
BANK = REPO / "evals" / "bank"
NOT_TOPIC = {"offtopic", "other_sense"}
FILLER = "none"  # bank items about no criterion at all: negatives for every topic
NONE_STRENGTH = {"negation", "admission", "keyword_list", "heading", "compliance_claim"}
LEVELS = IAP2_LEVELS[1:]
GRID = tuple(round(x, 3) for x in np.arange(0.05, 0.951, 0.025))
INJECTION_THRESHOLD = 0.5  # a probability: not tuned
HEADING_WEIGHTS = (0.0, 0.2, 0.3, 0.4, 0.5)
GRID_C_TOPIC = (0.125, 0.25, 0.5, 2.0)
GRID_C_STRENGTH = (0.25, 0.5, 2.0, 8.0)
LOAO_SLACK = 0.01


def _read_jsonl(pattern: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    rows: list[dict[str, Any]] = []
    hashes: dict[str, str] = {}
    for path in sorted(BANK.glob(pattern)):
        data = path.read_bytes()
        hashes[path.name] = hashlib.sha256(data).hexdigest()
        rows.extend(json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip())
    if not rows:
        raise SystemExit(f"no bank files match evals/bank/{pattern}")
    return rows, hashes


def _embed(texts: list[str], embeddings: LisaEmbeddings) -> np.ndarray:
    vectors = embeddings.embed_documents(texts)
    return unit_rows(np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1))


def _layer(clf: Any, kind: str, classes: tuple[str, ...], inputs: str) -> LinearLayer:
    return LinearLayer(
        kind=kind,
        classes=classes,
        coef=tuple(tuple(float(v) for v in row) for row in clf.coef_),
        intercept=tuple(float(v) for v in clf.intercept_),
        inputs=inputs,
    )


@dataclass
class BankData:
    bank: list[dict[str, Any]]
    attacks: list[dict[str, Any]]
    x_bank: np.ndarray
    x_attacks: np.ndarray
    f_bank: np.ndarray
    f_attacks: np.ndarray
    hashes: dict[str, str]


def fit_layers(
    data: BankData, criteria: tuple[str, ...], c_topic: float, c_strength: float
) -> dict[str, LinearLayer]:
    from sklearn.linear_model import LogisticRegression

    bank, x, f = data.bank, data.x_bank, data.f_bank
    benign = [i for i, r in enumerate(data.attacks) if r["label"] == "benign"]
    x_topic = np.vstack([x, data.x_attacks[benign]])
    coefs, intercepts = [], []
    for cid in criteria:
        y = [r["criterion"] == cid and r["kind"] not in NOT_TOPIC for r in bank] + [False] * len(
            benign
        )
        clf = LogisticRegression(C=c_topic, class_weight="balanced", max_iter=2000)
        clf.fit(x_topic, np.asarray(y))
        coefs.append(clf.coef_[0])
        intercepts.append(clf.intercept_[0])
    topic = LinearLayer(
        kind="ovr",
        classes=criteria,
        coef=tuple(tuple(float(v) for v in row) for row in coefs),
        intercept=tuple(float(v) for v in intercepts),
        inputs="embedding",
    )

    keep = [i for i, r in enumerate(bank) if r["kind"] not in NOT_TOPIC]
    attacks = [i for i, r in enumerate(data.attacks) if r["label"] == "injection"]
    xs = np.vstack(
        [np.hstack([x[keep], f[keep]]), np.hstack([data.x_attacks, data.f_attacks])[attacks]]
    )
    ys = [
        2 if bank[i]["label"] == "evidence" else 1 if bank[i]["label"] == "weak" else 0
        for i in keep
    ] + [0] * len(attacks)
    strength = LogisticRegression(C=c_strength, class_weight="balanced", max_iter=3000)
    strength.fit(xs, np.asarray(ys))

    engaged = [
        i
        for i, r in enumerate(bank)
        if r["criterion"].startswith("lp_") and r["label"] == "evidence" and r.get("iap2") in LEVELS
    ]
    iap2 = LogisticRegression(C=c_topic, class_weight="balanced", max_iter=2000)
    iap2.fit(x[engaged], np.asarray([LEVELS.index(bank[i]["iap2"]) for i in engaged]))

    xi = np.vstack([np.hstack([data.x_attacks, data.f_attacks]), np.hstack([x, f])])
    yi = [r["label"] == "injection" for r in data.attacks] + [False] * len(bank)
    injection = LogisticRegression(C=c_strength, class_weight="balanced", max_iter=3000)
    injection.fit(xi, np.asarray(yi))
    return {
        "topic": topic,
        "strength": _layer(strength, "softmax", STRENGTHS, "embedding+features"),
        "iap2": _layer(iap2, "softmax", LEVELS, "embedding"),
        "injection": _layer(injection, "binary", ("injection",), "embedding+features"),
    }


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
    rubric: Rubric, data: list[DraftData], scored: list[UnitScores], thresholds: Thresholds
) -> float:
    """IAP2 accuracy at ``thresholds``, the level gated by the rule's findings (the status
    layer, which the engine's findings also pass through, is fitted after this)."""
    levels = rubric.minimum_levels()
    right = sum(
        engagement_level(pool, thresholds, findings(pool, thresholds, levels))[0]
        == d.draft.labels["iap2"]
        for d, pool in zip(data, scored, strict=True)
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
    best_iap2 = -1.0
    for level_at in GRID:
        candidate = chosen.model_copy(update={"iap2": level_at})
        accuracy = iap2_accuracy(rubric, data, pooled, candidate)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "prompts" / "evidence_model.json")
    args = parser.parse_args(argv)
    settings = Settings()
    embeddings = build_embeddings(settings)
    rubric = load_rubric(REPO / "prompts" / "rubric.yaml", with_model=False)
    criteria = tuple(c.id for p in rubric.principles for c in p.criteria)
    bank, bank_hashes = _read_jsonl("bank_*.jsonl")
    attacks, attack_hashes = _read_jsonl("injections_*.jsonl")
    unknown = sorted({r["criterion"] for r in bank} - set(criteria) - {FILLER})
    if unknown:
        raise SystemExit(f"bank items for criteria the rubric does not have: {unknown}")
    data = BankData(
        bank,
        attacks,
        _embed([r["text"] for r in bank], embeddings),
        _embed([r["text"] for r in attacks], embeddings),
        feature_matrix([r["text"] for r in bank]),
        feature_matrix([r["text"] for r in attacks]),
        {**bank_hashes, **attack_hashes},
    )
    tuning = draft_data(drafts("tuning"), embeddings, settings.max_file_bytes)
    print(
        f"bank {len(bank)} items, {len(attacks)} injection items; {len(tuning)} tuning drafts",
        flush=True,
    )
    # Every design choice (regularisation, heading weight) by leave-one-author-out exact
    # agreement on the tuning drafts; the simplest within LOAO_SLACK of the best wins.
    candidates: list[tuple[float, float, float, float, EvidenceModel]] = []
    for c_topic, c_strength in itertools.product(GRID_C_TOPIC, GRID_C_STRENGTH):
        layers = fit_layers(data, criteria, c_topic, c_strength)
        for weight in HEADING_WEIGHTS:
            candidate = EvidenceModel(
                version=1,
                embedding_model=model_name(settings),
                dimension=int(data.x_bank.shape[1]),
                features=FEATURES,
                heading_weight=weight,
                thresholds=Thresholds(found=0.5, weak=0.5, iap2=0.5, injection=INJECTION_THRESHOLD),
                provenance={"c_topic": c_topic, "c_strength": c_strength},
                **layers,
            )
            _, judged = choose_c(status_examples(rubric, tuning, candidate))
            print(
                f"C topic {c_topic}, strength {c_strength}, heading weight {weight}: "
                f"leave-one-author-out exact {judged['all']:.3f}",
                flush=True,
            )
            candidates.append((judged["all"], weight, c_topic, c_strength, candidate))
    top = max(c[0] for c in candidates)
    # simplest: least heading weight, then strongest regularisation (smallest C)
    chosen = min((c for c in candidates if c[0] >= top - LOAO_SLACK), key=lambda c: c[1:4])
    base = chosen[4]
    fit = choose_thresholds(rubric, tuning, [d.scores(base) for d in tuning])
    held_out = leave_one_author_out(rubric, tuning, base)
    examples = status_examples(rubric, tuning, base)
    status_c, judged = choose_c(examples)
    model = base.model_copy(
        update={
            "thresholds": fit.thresholds,
            "status": fit_layer(examples.x, examples.y, status_c),
            "status_range": value_range(examples.x),
            "provenance": {
                **base.provenance,
                "status_c": status_c,
                "tuning_exact_leave_one_author_out": judged,
                "rule_exact_leave_one_author_out": held_out,
                "bank_sha256": data.hashes,
                "tuning_authors": sorted({d.draft.author for d in tuning}),
                "tuning_drafts": len(tuning),
                "tuning_exact_in_sample": round(fit.exact, 4),
                "tuning_iap2_in_sample": round(fit.iap2, 4),
                "tuning_injection_f1_in_sample": round(fit.injection_f1, 4),
                "design_leave_one_author_out": [
                    {"c_topic": c[2], "c_strength": c[3], "heading_weight": c[1], "exact": c[0]}
                    for c in candidates
                ],
                "fitted_by": "python -m evals.fit_evidence",
            },
        }
    )
    args.out.write_text(
        json.dumps(model.model_dump(mode="json"), indent=1) + "\n", encoding="utf-8"
    )
    print(
        f"wrote {args.out}: rule's tuning exact {fit.exact:.3f} (in-sample), IAP2 {fit.iap2:.3f}; "
        f"leave-one-author-out exact with the status layer (C={status_c}) {judged}, "
        f"rule alone {held_out}"
    )
    print(f"thresholds {model.thresholds.model_dump()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
