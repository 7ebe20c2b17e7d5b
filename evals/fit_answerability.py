"""Fit the answerability model behind LISA's refusals, on the tuning question sets only.

Data: every question of the tuning split in ``evals/splits.json`` (single
questions, plus each conversation turn condensed with its earlier turns as the
chain would) that the request guard lets through; label 1 = answerable, 0 = to be refused. Features:
``retriever.retrieve(q).features`` (``assistant.ask.answerability.FEATURES``).

Model: scikit-learn logistic regression on the standardised features and the
question's own embedding (which kinds of question the guidance tends not to
answer), stored in raw feature space in ``prompts/answerability.json``. The
regularisation, the weight given to the refusal class and the scale of the
question vector (a small scale penalises it more: the wording only nudges the
named signals) are chosen by leave-one-author-out cross-validation: the most
refusals caught while at most ``--max-false`` of the answerable questions are
refused (out of fold, at the settings' floor), preferring the smallest vector
scale within 0.02 of the best. ``--named-only`` leaves the embedding out (for comparison).
The validation split is never read here.

Usage: python -m evals.fit_answerability [--dry-run] [--max-false 0.04]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.offline import apply_offline_environment

REPO = Path(__file__).resolve().parent.parent
SPLITS = REPO / "evals" / "splits.json"
OUTPUT = REPO / "prompts" / "answerability.json"
GRID_C = (0.01, 0.03, 0.1, 0.3, 1.0)
GRID_VECTOR_SCALE = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)
GRID_REFUSAL_WEIGHT = (1.0, 1.5, 2.0, 3.0)
# The question vector's part of the log-odds is clipped to ±QUESTION_CAP (a design bound,
# not tuned: the wording nudges, the named signals decide). LOAO applies the same clip.
QUESTION_CAP = 1.0


def tuning_files() -> list[Path]:
    return [REPO / p for p in json.loads(SPLITS.read_text())["questions"]["tuning"]]


def examples(path: Path) -> Iterator[dict[str, Any]]:
    """Single questions of a set, then its conversations' turns (with their earlier turns)."""
    from evals.asking import load_question_set

    yield from load_question_set(path)


def author(path: Path) -> str:
    return path.parent.name if path.parent.name != "evals" else "core"


def collect(lisa: Any, with_vector: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from assistant.ask.answerability import FEATURES
    from assistant.ask.guard import check_request

    rows, labels, groups = [], [], []
    for path in tuning_files():
        for item in examples(path):
            if not check_request(item["question"]).allowed:
                continue
            # a follow-up is judged as the chain would ask it: condensed with its history
            history = [{"role": "user", "content": q} for q in item.get("history") or []]
            question = lisa.chain.condenser.condense(item["question"], history)
            features = lisa.retriever.retrieve(question).features
            row = [features[f] for f in FEATURES]
            if with_vector:
                row += lisa.embeddings.embed_query(question)
            rows.append(row)
            labels.append(1 if item["answerable"] else 0)
            groups.append(author(path))
    return np.array(rows), np.array(labels), np.array(groups)


@dataclass(frozen=True)
class Choice:
    """One point of the grid: regularisation, refusal class weight, question-vector scale."""

    c: float
    weight: float
    vector_scale: float


def column_scales(width: int, vector_scale: float) -> np.ndarray:
    """1 for each named feature, ``vector_scale`` for each dimension of the question vector
    (a smaller scale is a stronger penalty: the question's wording only nudges)."""
    from assistant.ask.answerability import FEATURES

    scales = np.full(width, vector_scale)
    scales[: len(FEATURES)] = 1.0
    return scales


def make_model(choice: Choice, width: int) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    scales = column_scales(width, choice.vector_scale)
    return make_pipeline(
        StandardScaler(),
        FunctionTransformer(lambda z: z * scales),
        LogisticRegression(C=choice.c, class_weight={0: choice.weight, 1: 1.0}, max_iter=3000),
    )


def leave_one_author_out(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, choice: Choice, floor: float
) -> dict[str, float]:
    from sklearn.model_selection import LeaveOneGroupOut

    predicted = np.zeros(len(y))
    for train, test in LeaveOneGroupOut().split(x, y, groups):
        model = make_model(choice, x.shape[1]).fit(x[train], y[train])
        predicted[test] = capped_probability(model, x[test], choice.vector_scale)
    refused = predicted < floor
    return {
        "refusal_recall": float(refused[y == 0].mean()),
        "answerable_refused": float(refused[y == 1].mean()),
    }


def choose(results: list[tuple[Choice, dict[str, float]]], max_false: float) -> int:
    """The index of the chosen grid point.

    Among points refusing at most ``max_false`` of the answerable questions, take the
    best refusal recall, then prefer the smallest question-vector scale (the simplest
    model) within 0.02 of it. When no point meets the limit, refuse the fewest.
    """
    allowed = [i for i, (_, f) in enumerate(results) if f["answerable_refused"] <= max_false]
    if not allowed:
        return min(
            range(len(results)),
            key=lambda i: (results[i][1]["answerable_refused"], -results[i][1]["refusal_recall"]),
        )
    best = max(results[i][1]["refusal_recall"] for i in allowed)
    near = [i for i in allowed if results[i][1]["refusal_recall"] >= best - 0.02]
    return min(
        near,
        key=lambda i: (
            results[i][0].vector_scale,
            -results[i][1]["refusal_recall"],
            results[i][1]["answerable_refused"],
        ),
    )


def capped_probability(model: Any, x: np.ndarray, vector_scale: float) -> np.ndarray:
    """P(answerable) exactly as the served model computes it: the pipeline's raw weights
    in an ``AnswerabilityModel`` (question vector clipped to ±QUESTION_CAP)."""
    from assistant.ask.answerability import AnswerabilityModel

    named, vector, bias = raw_weights(model, x.shape[1], vector_scale)
    served = AnswerabilityModel(
        weights=named,
        bias=bias,
        question_weights=vector if vector_scale else [],
        embedding_model="fitting" if vector_scale else "",
        question_cap=QUESTION_CAP,
    )
    rows = x if vector_scale else x[:, : len(named)]
    return np.asarray(served.probabilities(rows))


def raw_weights(
    model: Any, width: int, vector_scale: float
) -> tuple[dict[str, float], list[float], float]:
    """The pipeline's weights on unscaled features: named ones, the question vector's, bias."""
    from assistant.ask.answerability import FEATURES

    scaler, logistic = model.steps[0][1], model.steps[-1][1]
    scale = np.where(scaler.scale_ == 0, 1.0, scaler.scale_)
    coef = logistic.coef_[0] * column_scales(width, vector_scale) / scale
    bias = float(logistic.intercept_[0] - np.sum(coef * scaler.mean_))
    named = {f: round(float(w), 6) for f, w in zip(FEATURES, coef, strict=False)}
    vector = [round(float(w), 6) for w in coef[len(FEATURES) :]]
    return named, vector, round(bias, 6)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="report, do not write the model")
    parser.add_argument(
        "--named-only", action="store_true", help="leave the question's embedding out"
    )
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
    lisa = load_lisa(print)
    x, y, groups = collect(lisa, with_vector=not args.named_only)
    print(f"{len(y)} questions ({int((y == 0).sum())} to refuse) from {sorted(set(groups))}")
    scales = (0.0,) if args.named_only else GRID_VECTOR_SCALE
    results = []
    for scale in scales:
        for c in GRID_C:
            for weight in GRID_REFUSAL_WEIGHT:
                choice = Choice(c, weight, scale)
                figures = leave_one_author_out(x, y, groups, choice, floor)
                results.append((choice, figures))
                print(f"{choice}: {figures}")
    chosen, figures = results[choose(results, args.max_false)]
    c, weight = chosen.c, chosen.weight
    model = make_model(chosen, x.shape[1]).fit(x, y)
    weights, vector, bias = raw_weights(model, x.shape[1], chosen.vector_scale)
    if chosen.vector_scale == 0:
        vector = []
    in_sample = capped_probability(model, x, chosen.vector_scale) < floor
    vector_note = (
        f" and the question embedding scaled by {chosen.vector_scale}, its part of the "
        f"log-odds clipped to ±{QUESTION_CAP}"
    )
    notes = (
        f"Fitted {dt.date.today().isoformat()} by `python -m evals.fit_answerability` "
        f"(scikit-learn logistic regression over the named signals"
        f"{vector_note if vector else ''}"
        f", C={c}, refusal class weight {weight}) on "
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
            json.dumps(
                {
                    "weights": weights,
                    "bias": bias,
                    "question_weights": vector,
                    "embedding_model": lisa.embeddings.name if vector else "",
                    "question_cap": QUESTION_CAP,
                    "notes": notes,
                },
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
        print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
