"""Fit the critique evidence model's four unit layers on the sentence bank (called by
``evals.fit_evidence``).

The topic (one-vs-rest per criterion), strength (none / weak / evidence), IAP2 level and
injection layers of ``assistant.critique.judgement`` are logistic regressions
(scikit-learn) over the bundled embedding model's vectors of the sentence bank
(``evals/bank/bank_*.jsonl``) and the injection bank (``evals/bank/injections_*.jsonl``),
the strength and injection layers with the text features too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.critique.features import feature_matrix
from assistant.critique.judgement import STRENGTHS, LinearLayer
from assistant.library.embeddings import LisaEmbeddings
from assistant.vectors import unit_rows
from assistant.vocabulary import IAP2_LEVELS

BANK = Path(__file__).resolve().parent / "bank"
NOT_TOPIC = {"offtopic", "other_sense"}
FILLER = "none"  # bank items about no criterion at all: negatives for every topic
NONE_STRENGTH = {"negation", "admission", "keyword_list", "heading", "compliance_claim"}
LEVELS = IAP2_LEVELS[1:]


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


def read_bank(criteria: tuple[str, ...], embeddings: LisaEmbeddings) -> BankData:
    """The sentence and injection banks with their embeddings, text features and file
    hashes; stops on a bank item for a criterion the rubric does not have."""
    bank, bank_hashes = _read_jsonl("bank_*.jsonl")
    attacks, attack_hashes = _read_jsonl("injections_*.jsonl")
    unknown = sorted({r["criterion"] for r in bank} - set(criteria) - {FILLER})
    if unknown:
        raise SystemExit(f"bank items for criteria the rubric does not have: {unknown}")
    return BankData(
        bank,
        attacks,
        _embed([r["text"] for r in bank], embeddings),
        _embed([r["text"] for r in attacks], embeddings),
        feature_matrix([r["text"] for r in bank]),
        feature_matrix([r["text"] for r in attacks]),
        {**bank_hashes, **attack_hashes},
    )


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
