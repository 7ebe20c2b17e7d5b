"""Fit the relevance model behind LISA's "no relevant guidance" refusals.

The refusal decision is a logistic model over the retrieval signals in
``assistant.retrieval.FEATURES`` (dense_top, keyword_coverage, bm25_top,
dense_margin): relevance = sigmoid(bias + w·x); questions below the floor
(``Settings.min_relevance``, 0.5) are refused. This script fits w and bias on
the project's question set with plain numpy L2-regularised logistic regression:

- data: every question in evals/questions.jsonl that the request guard lets
  through (``check_request(q).allowed``); label 1 = answerable, 0 = must be
  refused. Follow-ups use the condensed question the chain would retrieve with.
- features: ``retriever.features(q, retriever.dense(q, 30), retriever.keyword(q, 30))``.
- honest figures: stratified K-fold cross-validation (repeated with several
  shuffles), refusal precision/recall of the out-of-fold predictions at the floor.
- then fit on all the data and write prompts/relevance.json (weights, bias, notes).

Usage: .venv/bin/python benchmarks/calibrate_floor.py [--folds 5] [--l2 1.0] [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TypedDict

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from assistant.offline import apply_offline_environment  # noqa: E402

apply_offline_environment()

from assistant.ask.retrieval import FEATURES  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"


class CrossValidation(TypedDict):
    """``cross_validate``'s figures: pooled out-of-fold precision/recall and their range."""

    folds: int
    repeats: int
    l2: float
    balanced: bool
    precision: float
    recall: float
    precision_range: list[float]
    recall_range: list[float]


# --- logistic regression ---------------------------------------------------------
def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 1.0, balanced: bool = False, iterations: int = 100
) -> tuple[np.ndarray, float]:
    """Newton's method on standardised features; L2 on the weights (not the bias).

    Returns (weights, bias) for the RAW features, so they can be used as they are.
    ``balanced`` weights each class by n / (2 * n_class).
    """
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std[std < 1e-9] = 1.0
    z = (x - mean) / std
    design = np.hstack([z, np.ones((len(z), 1))])
    if balanced:
        counts = {c: max(1, int((y == c).sum())) for c in (0, 1)}
        sample = np.where(y == 1, len(y) / (2 * counts[1]), len(y) / (2 * counts[0]))
    else:
        sample = np.ones(len(y))
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    theta = np.zeros(design.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-design @ theta))
        gradient = design.T @ (sample * (p - y)) + penalty * theta
        hessian = (design * (sample * p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        hessian += np.eye(len(theta)) * 1e-9
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-10:
            break
    weights = theta[:-1] / std
    bias = float(theta[-1] - (theta[:-1] * mean / std).sum())
    return weights, bias


def predict(x: np.ndarray, weights: np.ndarray, bias: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x @ weights + bias)))


def stratified_folds(y: np.ndarray, k: int, seed: int) -> list[np.ndarray]:
    """Index arrays for k folds, each holding about 1/k of every class."""
    rng = np.random.default_rng(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    for label in (0, 1):
        idx = np.flatnonzero(y == label)
        rng.shuffle(idx)
        for i, j in enumerate(idx):
            folds[i % k].append(int(j))
    return [np.array(sorted(f)) for f in folds]


def refusal_figures(y: np.ndarray, relevance: np.ndarray, floor: float) -> dict[str, float]:
    """Positive = refused (relevance below the floor); gold positives are y == 0."""
    refused = relevance < floor
    gold = y == 0
    tp = int((refused & gold).sum())
    fp = int((refused & ~gold).sum())
    fn = int((~refused & gold).sum())
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def cross_validate(
    x: np.ndarray,
    y: np.ndarray,
    floor: float,
    folds: int,
    repeats: int,
    l2: float,
    balanced: bool,
) -> CrossValidation:
    per_repeat = []
    pooled = {"tp": 0, "fp": 0, "fn": 0}
    for seed in range(repeats):
        out_of_fold = np.zeros(len(y))
        for test in stratified_folds(y, folds, seed):
            train = np.setdiff1d(np.arange(len(y)), test)
            w, b = fit_logistic(x[train], y[train], l2, balanced)
            out_of_fold[test] = predict(x[test], w, b)
        fig = refusal_figures(y, out_of_fold, floor)
        per_repeat.append(fig)
        for key in pooled:
            pooled[key] += int(fig[key])
    precision = pooled["tp"] / (pooled["tp"] + pooled["fp"]) if pooled["tp"] + pooled["fp"] else 1.0
    recall = pooled["tp"] / (pooled["tp"] + pooled["fn"]) if pooled["tp"] + pooled["fn"] else 1.0
    return {
        "folds": folds,
        "repeats": repeats,
        "l2": l2,
        "balanced": balanced,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "precision_range": [
            round(min(float(f["precision"]) for f in per_repeat), 4),
            round(max(float(f["precision"]) for f in per_repeat), 4),
        ],
        "recall_range": [
            round(min(float(f["recall"]) for f in per_repeat), 4),
            round(max(float(f["recall"]) for f in per_repeat), 4),
        ],
    }


# --- data --------------------------------------------------------------------
def collect(lisa: object, questions: list[dict]) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """Feature rows for the guard-allowed questions; label 1 = answerable."""
    from assistant.ask.guard import check_request

    retriever = lisa.retriever  # type: ignore[attr-defined]
    condenser = lisa.chain.condenser  # type: ignore[attr-defined]
    rows, labels, kept = [], [], []
    for item in questions:
        if not check_request(item["question"]).allowed:
            continue
        history: list[dict[str, str]] = []
        for earlier in item.get("history") or []:
            reply = lisa.ask(earlier, history)  # type: ignore[attr-defined]
            history += [
                {"role": "user", "content": earlier},
                {"role": "assistant", "content": reply.answer},
            ]
        query = condenser.condense(item["question"], history) if history else item["question"]
        dense = retriever.dense(query, 30)
        keyword = retriever.keyword(query, 30)
        features = retriever.features(query, dense, keyword)
        rows.append([features[f] for f in FEATURES])
        labels.append(1 if item["answerable"] else 0)
        kept.append(
            {"id": item["id"], "query": query, **{f: round(features[f], 4) for f in FEATURES}}
        )
    return np.array(rows, dtype=float), np.array(labels, dtype=float), kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--qa", type=Path, default=REPO / "evals" / "questions.jsonl")
    parser.add_argument("--out", type=Path, default=REPO / "prompts" / "relevance.json")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--l2", type=float, default=1.0, help="L2 strength (standardised scale)")
    parser.add_argument(
        "--balanced",
        action="store_true",
        help="weight classes by n / (2 n_class) (default: unweighted, so the "
        "0.5 floor minimises expected errors)",
    )
    parser.add_argument("--dry-run", action="store_true", help="report only; don't write")
    args = parser.parse_args(argv)

    from evals.asking import load_lisa, load_questions

    lisa = load_lisa(lambda m: print(m, file=sys.stderr))
    floor = float(lisa.retriever.floor)
    questions = load_questions(args.qa)
    x, y, rows = collect(lisa, questions)
    n_pos, n_neg = int(y.sum()), int((1 - y).sum())
    print(f"{len(y)} questions pass the guard: {n_pos} answerable, {n_neg} to be refused")

    current = lisa.retriever.relevance
    current_w = np.array([current.weights[f] for f in FEATURES])
    before = refusal_figures(y, predict(x, current_w, current.bias), floor)
    print(
        f"current model on this data (in-sample): refusal precision {before['precision']:.3f}, "
        f"recall {before['recall']:.3f}"
    )

    balanced = args.balanced
    grid = {}
    for l2 in (0.1, 1.0, 10.0):
        for bal in (True, False):
            cv = cross_validate(x, y, floor, args.folds, args.repeats, l2, bal)
            grid[f"l2={l2:g},{'balanced' if bal else 'unweighted'}"] = {
                "precision": cv["precision"],
                "recall": cv["recall"],
            }
    chosen = cross_validate(x, y, floor, args.folds, args.repeats, args.l2, balanced)
    print(
        f"{args.folds}-fold stratified CV x{args.repeats} (l2={args.l2:g}, "
        f"{'balanced' if balanced else 'unweighted'}): refusal precision "
        f"{chosen['precision']:.3f} {chosen['precision_range']}, recall "
        f"{chosen['recall']:.3f} {chosen['recall_range']}"
    )
    for name, fig in grid.items():
        print(
            f"  for reference, {name}: precision {fig['precision']:.3f}, recall {fig['recall']:.3f}"
        )

    weights, bias = fit_logistic(x, y, args.l2, balanced)
    fitted = refusal_figures(y, predict(x, weights, bias), floor)
    print(
        f"fitted on all {len(y)} (in-sample, optimistic): refusal precision "
        f"{fitted['precision']:.3f}, recall {fitted['recall']:.3f}"
    )
    notes = (
        f"Fitted {time.strftime('%Y-%m-%d')} by benchmarks/calibrate_floor.py: L2 logistic "
        f"regression (l2={args.l2:g} on standardised features, "
        f"{'balanced class weights' if balanced else 'unweighted'}) on {len(y)} questions from "
        f"{args.qa.name} that pass the request guard ({n_pos} answerable, {n_neg} to be "
        f"refused); floor {floor:g}. {args.folds}-fold stratified CV repeated {args.repeats}x, "
        f"out-of-fold refusal precision {chosen['precision']:.3f} (range "
        f"{chosen['precision_range'][0]:.2f}-{chosen['precision_range'][1]:.2f}), recall "
        f"{chosen['recall']:.3f} (range {chosen['recall_range'][0]:.2f}-"
        f"{chosen['recall_range'][1]:.2f}). In-sample on all: precision "
        f"{fitted['precision']:.3f}, recall {fitted['recall']:.3f}."
    )
    model = {
        "weights": {f: round(float(w), 6) for f, w in zip(FEATURES, weights, strict=True)},
        "bias": round(bias, 6),
        "notes": notes,
    }
    print(json.dumps(model, indent=1))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "calibrate_floor.json").write_text(
        json.dumps(
            {
                "model": model,
                "cv": chosen,
                "grid": grid,
                "in_sample": fitted,
                "previous_model_in_sample": before,
                "rows": rows,
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    if args.dry_run:
        print("dry run: prompts/relevance.json not written")
        return 0
    args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
