"""Fit the critique's evidence model: ``python -m evals.fit_evidence``.

1. The four layers of ``assistant.critique.judgement`` are fitted with scikit-learn
   on the sentence bank (``evals/bank/bank_*.jsonl``) and the injection bank
   (``evals/bank/injections_*.jsonl``), over the bundled embedding model.
2. The decision thresholds (found, weak, IAP2) and the two regularisation strengths
   are chosen by exact agreement on the **tuning** drafts only (``evals/splits.json``).
   Validation drafts are never read here.
3. The result is written to ``prompts/evidence_model.json`` with its provenance.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.critique.decide import (
    engagement_level,
    findings,
    principle_status,
    unit_evidence,
)
from assistant.critique.engine import embed_units, screen, subset_scores
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
from assistant.documents.loading import load_document
from assistant.library.embeddings import LisaEmbeddings, build_embeddings, model_name
from assistant.settings import Settings
from assistant.vectors import unit_rows
from assistant.vocabulary import IAP2_LEVELS
from evals.catalog import LabelledDraft, drafts

REPO = Path(__file__).resolve().parent.parent
BANK = REPO / "evals" / "bank"
NOT_TOPIC = {"offtopic", "other_sense"}
FILLER = "none"  # bank items about no criterion at all: negatives for every topic
NONE_STRENGTH = {"negation", "admission", "keyword_list", "heading", "compliance_claim"}
LEVELS = IAP2_LEVELS[1:]
GRID = tuple(round(x, 3) for x in np.arange(0.05, 0.951, 0.025))
INJECTION_THRESHOLD = 0.5  # a probability: not tuned


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


def draft_data(
    items: list[LabelledDraft], embeddings: LisaEmbeddings, max_bytes: int
) -> list[DraftData]:
    out = []
    for item in items:
        units = draft_units(load_document(item.path, max_bytes))
        out.append(DraftData(item, units, embed_units(units, embeddings, lambda _f, _s: None)))
    return out


def agreement(
    rubric: Rubric, data: list[DraftData], scored: list[UnitScores], thresholds: Thresholds
) -> tuple[float, float]:
    """(exact status agreement, IAP2 accuracy) at ``thresholds``."""
    right = total = iap2_right = 0
    for d, pool in zip(data, scored, strict=True):
        found = findings(pool, thresholds, rubric.minimum_levels())
        for principle in rubric.principles:
            total += 1
            right += principle_status(principle, found) == d.draft.labels["status"][principle.id]
        iap2_right += engagement_level(pool, thresholds)[0] == d.draft.labels["iap2"]
    return right / max(total, 1), iap2_right / max(len(data), 1)


def _exact_only(
    rubric: Rubric, data: list[DraftData], scored: list[UnitScores], thresholds: Thresholds
) -> tuple[float, float]:
    """Exact agreement only (the grid search's inner loop), from per-draft maxima."""
    right = total = 0
    for d, pool in zip(data, scored, strict=True):
        if pool.topic.shape[0] == 0:
            e = w = np.zeros(len(pool.criteria))
        else:
            ev, wk = unit_evidence(pool, rubric.minimum_levels())
            e, w = ev.max(axis=0), wk.max(axis=0)
        found = {c for c, v in zip(pool.criteria, e, strict=True) if v >= thresholds.found}
        weak = {c for c, v in zip(pool.criteria, w, strict=True) if v >= thresholds.weak} - found
        for principle in rubric.principles:
            total += 1
            right += principle.status_from(found, weak) == d.draft.labels["status"][principle.id]
    return right / max(total, 1), 0.0


def injection_f1(data: list[DraftData], scored: list[UnitScores], threshold: float) -> float:
    """Draft-level F1 of injection flags on ``data`` at ``threshold`` (tuning drafts)."""
    tp = fp = fn = 0
    for d, scores in zip(data, scored, strict=True):
        _, flagged = screen(d.units, scores, threshold)
        said, truth = bool(flagged), bool(d.draft.labels.get("injection"))
        tp += said and truth
        fp += said and not truth
        fn += truth and not said
    return 2 * tp / max(2 * tp + fp + fn, 1)


INJECTION_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995)


@dataclass(frozen=True)
class Fit:
    thresholds: Thresholds
    exact: float
    iap2: float
    injection_f1: float


def choose_thresholds(rubric: Rubric, data: list[DraftData], unscreened: list[UnitScores]) -> Fit:
    """The injection, found/weak and IAP2 thresholds that agree best with ``data``'s labels."""
    f1, inj = max((injection_f1(data, unscreened, t), t) for t in INJECTION_GRID)
    pooled = [
        subset_scores(s, screen(d.units, s, inj)[0]) for d, s in zip(data, unscreened, strict=True)
    ]
    thresholds = Thresholds(found=0.5, weak=0.5, iap2=0.5, injection=inj)
    best_exact = -1.0
    for found_at in GRID:
        for weak_at in (w for w in GRID if w <= found_at):
            candidate = thresholds.model_copy(update={"found": found_at, "weak": weak_at})
            exact, _ = _exact_only(rubric, data, pooled, candidate)
            if exact > best_exact:
                best_exact, chosen = exact, candidate
    best_iap2 = -1.0
    for level_at in GRID:
        candidate = chosen.model_copy(update={"iap2": level_at})
        _, accuracy = agreement(rubric, data, pooled, candidate)
        if accuracy > best_iap2:
            best_iap2, final = accuracy, candidate
    return Fit(final, best_exact, best_iap2, f1)


def leave_one_author_out(
    rubric: Rubric, data: list[DraftData], model: EvidenceModel
) -> dict[str, float]:
    """Exact agreement on each tuning author with thresholds chosen on the others."""
    unscreened = [score_units(model, d.vectors, [u.embed_text for u in d.units]) for d in data]
    out: dict[str, float] = {}
    right = total = 0
    for author in sorted({d.draft.author for d in data}):
        train = [i for i, d in enumerate(data) if d.draft.author != author]
        test = [i for i, d in enumerate(data) if d.draft.author == author]
        fit = choose_thresholds(rubric, [data[i] for i in train], [unscreened[i] for i in train])
        tested = [data[i] for i in test]
        pooled = [
            subset_scores(
                unscreened[i], screen(data[i].units, unscreened[i], fit.thresholds.injection)[0]
            )
            for i in test
        ]
        exact, _ = _exact_only(rubric, tested, pooled, fit.thresholds)
        out[author] = round(exact, 4)
        right += round(exact * len(test) * 12)
        total += len(test) * 12
    out["all"] = round(right / max(total, 1), 4)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "prompts" / "evidence_model.json")
    args = parser.parse_args(argv)
    settings = Settings()
    embeddings = build_embeddings(settings)
    rubric = load_rubric(REPO / "prompts" / "rubric.yaml", model_path=None)
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
    print(f"bank {len(bank)} items, {len(attacks)} injection items; {len(tuning)} tuning drafts")
    best: tuple[Fit, EvidenceModel] | None = None
    for c_topic, c_strength in itertools.product((0.5, 2.0, 8.0), (0.5, 2.0, 8.0)):
        base = EvidenceModel(
            version=1,
            embedding_model=model_name(settings),
            dimension=int(data.x_bank.shape[1]),
            features=FEATURES,
            thresholds=Thresholds(found=0.5, weak=0.5, iap2=0.5, injection=INJECTION_THRESHOLD),
            provenance={"c_topic": c_topic, "c_strength": c_strength},
            **fit_layers(data, criteria, c_topic, c_strength),
        )
        unscreened = [score_units(base, d.vectors, [u.embed_text for u in d.units]) for d in tuning]
        fit = choose_thresholds(rubric, tuning, unscreened)
        print(f"C topic {c_topic}, strength {c_strength}: tuning exact {fit.exact:.3f}", flush=True)
        if best is None or fit.exact > best[0].exact:
            best = (fit, base)
    assert best is not None
    fit, base = best
    held_out = leave_one_author_out(rubric, tuning, base)
    model = base.model_copy(
        update={
            "thresholds": fit.thresholds,
            "provenance": {
                **base.provenance,
                "bank_sha256": data.hashes,
                "tuning_authors": sorted({d.draft.author for d in tuning}),
                "tuning_drafts": len(tuning),
                "tuning_exact_in_sample": round(fit.exact, 4),
                "tuning_iap2_in_sample": round(fit.iap2, 4),
                "tuning_injection_f1_in_sample": round(fit.injection_f1, 4),
                "tuning_exact_leave_one_author_out": held_out,
                "fitted_by": "python -m evals.fit_evidence",
            },
        }
    )
    args.out.write_text(
        json.dumps(model.model_dump(mode="json"), indent=1) + "\n", encoding="utf-8"
    )
    print(
        f"wrote {args.out}: tuning exact {fit.exact:.3f} (in-sample), IAP2 {fit.iap2:.3f}, "
        f"leave-one-author-out exact {held_out}"
    )
    print(f"thresholds {model.thresholds.model_dump()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
