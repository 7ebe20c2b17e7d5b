"""Fit the answerability model behind LISA's refusals, on the tuning question sets only.

Data: every question of the tuning split in ``evals/splits.json`` (single
questions, plus the standalone form of each conversation turn) that the request
guard lets through; label 1 = answerable, 0 = to be refused. Features:
``retriever.retrieve(q).features`` (``assistant.ask.answerability.FEATURES``).

Model: scikit-learn logistic regression on standardised features, stored in raw
feature space in ``prompts/answerability.json``. The regularisation and the
weight given to the refusal class are chosen by leave-one-author-out
cross-validation: the most refusals caught while at most ``--max-false`` of the
answerable questions are refused (out of fold, at the settings' floor). The
validation split is never read here.

Usage: python -m evals.fit_answerability [--dry-run] [--max-false 0.02]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from assistant.offline import apply_offline_environment

REPO = Path(__file__).resolve().parent.parent
SPLITS = REPO / "evals" / "splits.json"
OUTPUT = REPO / "prompts" / "answerability.json"
GRID_C = (0.03, 0.1, 0.3, 1.0, 3.0)
GRID_REFUSAL_WEIGHT = (1.0, 1.5, 2.0, 3.0)


def tuning_files() -> list[Path]:
    return [REPO / p for p in json.loads(SPLITS.read_text())["questions"]["tuning"]]


def examples(path: Path) -> Iterator[dict[str, Any]]:
    """Single questions of a set, then its conversations' turns as standalone questions."""
    from evals.asking import load_questions

    yield from (q for q in load_questions(path) if not q.get("history"))
    conversations = path.with_name("conversations.jsonl")
    if conversations.exists():
        for line in conversations.read_text(encoding="utf-8").splitlines():
            if line.strip():
                for turn in json.loads(line)["turns"]:
                    yield {
                        "question": turn.get("standalone") or turn["question"],
                        "answerable": turn["answerable"],
                    }


def author(path: Path) -> str:
    return path.parent.name if path.parent.name != "evals" else "core"


def collect(lisa: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from assistant.ask.answerability import FEATURES
    from assistant.ask.guard import check_request

    rows, labels, groups = [], [], []
    for path in tuning_files():
        for item in examples(path):
            if not check_request(item["question"]).allowed:
                continue
            features = lisa.retriever.retrieve(item["question"]).features
            rows.append([features[f] for f in FEATURES])
            labels.append(1 if item["answerable"] else 0)
            groups.append(author(path))
    return np.array(rows), np.array(labels), np.array(groups)


def make_model(c: float, refusal_weight: float) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        StandardScaler(),
        LogisticRegression(C=c, class_weight={0: refusal_weight, 1: 1.0}, max_iter=1000),
    )


def leave_one_author_out(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, c: float, weight: float, floor: float
) -> dict[str, float]:
    from sklearn.model_selection import LeaveOneGroupOut

    predicted = np.zeros(len(y))
    for train, test in LeaveOneGroupOut().split(x, y, groups):
        model = make_model(c, weight).fit(x[train], y[train])
        predicted[test] = model.predict_proba(x[test])[:, 1]
    refused = predicted < floor
    return {
        "refusal_recall": float(refused[y == 0].mean()),
        "answerable_refused": float(refused[y == 1].mean()),
    }


def raw_weights(model: Any) -> tuple[dict[str, float], float]:
    """The pipeline's weights expressed on unscaled features."""
    from assistant.ask.answerability import FEATURES

    scaler, logistic = model.steps[0][1], model.steps[1][1]
    scale = np.where(scaler.scale_ == 0, 1.0, scaler.scale_)
    coef = logistic.coef_[0] / scale
    bias = float(logistic.intercept_[0] - np.sum(coef * scaler.mean_))
    return {f: round(float(w), 6) for f, w in zip(FEATURES, coef, strict=True)}, round(bias, 6)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="report, do not write the model")
    parser.add_argument(
        "--max-false",
        type=float,
        default=0.04,
        help="largest share of answerable questions refused (leave-one-author-out)",
    )
    args = parser.parse_args(argv)
    apply_offline_environment()
    from assistant.settings import Settings
    from evals.asking import load_lisa

    floor = Settings().min_relevance
    x, y, groups = collect(load_lisa(print))
    print(f"{len(y)} questions ({int((y == 0).sum())} to refuse) from {sorted(set(groups))}")
    results = []
    for c in GRID_C:
        for weight in GRID_REFUSAL_WEIGHT:
            figures = leave_one_author_out(x, y, groups, c, weight, floor)
            results.append((c, weight, figures))
            print(f"C={c:<5} refusal weight {weight}: {figures}")
    allowed = [r for r in results if r[2]["answerable_refused"] <= args.max_false]
    if allowed:
        best = max(allowed, key=lambda r: (r[2]["refusal_recall"], -r[2]["answerable_refused"]))
    else:  # nothing meets the limit: refuse as few answerable questions as possible
        best = min(results, key=lambda r: (r[2]["answerable_refused"], -r[2]["refusal_recall"]))
    c, weight, figures = best
    model = make_model(c, weight).fit(x, y)
    weights, bias = raw_weights(model)
    in_sample = model.predict_proba(x)[:, 1] < floor
    notes = (
        f"Fitted {dt.date.today().isoformat()} by `python -m evals.fit_answerability` "
        f"(scikit-learn logistic regression, C={c}, refusal class weight {weight}) on "
        f"{len(y)} tuning questions ({int((y == 0).sum())} to refuse) by "
        f"{len(set(groups))} authors. Leave-one-author-out at floor {floor}: refusal recall "
        f"{figures['refusal_recall']:.3f}, answerable refused {figures['answerable_refused']:.3f}. "
        f"In-sample: refusal recall {in_sample[y == 0].mean():.3f}, answerable refused "
        f"{in_sample[y == 1].mean():.3f}."
    )
    print(notes)
    print(json.dumps(weights, indent=1))
    if not args.dry_run:
        OUTPUT.write_text(
            json.dumps({"weights": weights, "bias": bias, "notes": notes}, indent=1) + "\n",
            encoding="utf-8",
        )
        print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
