"""Evaluation metrics as plain functions (no LISA imports; unit-tested in tests/test_metrics.py).

Retrieval: a ranking is a list of section labels (the LAST element of each hit's
section path), best first; it matches the gold section case-insensitively, and
a "Notes" section never matches. Answers: must-include recall, citation
validity, refusal precision/recall. Critique: status accuracy, within-one-step
accuracy, macro-F1, engagement accuracy, injection detection and the
"keyword-stuffed drafts never score met" rule. Latency: p50/p95.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from assistant.vocabulary import STATUSES

NOTES = "notes"
STATUS_ORDER: tuple[str, ...] = STATUSES
MARKER = re.compile(r"\[(\d{1,3})\]")


# --- retrieval ---------------------------------------------------------------
def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def section_matches(section: str | None, gold: str | None) -> bool:
    """A hit's innermost section matches the gold heading (never a Notes section)."""
    found = _norm(section)
    return bool(found) and found != NOTES and bool(_norm(gold)) and found == _norm(gold)


def relevance_flags(sections: Sequence[str | None], gold: str | None) -> list[bool]:
    return [section_matches(s, gold) for s in sections]


def first_relevant_rank(flags: Sequence[bool]) -> int | None:
    """1-based rank of the first relevant item, or None."""
    return next((i + 1 for i, f in enumerate(flags) if f), None)


def hit_at(flags: Sequence[bool], k: int) -> float:
    return 1.0 if any(flags[:k]) else 0.0


def reciprocal_rank(flags: Sequence[bool], k: int = 10) -> float:
    rank = first_relevant_rank(flags[:k])
    return 1.0 / rank if rank else 0.0


def ndcg_at(flags: Sequence[bool], k: int, n_relevant: int | None = None) -> float:
    """Binary-relevance nDCG@k. The ideal ranking puts ``n_relevant`` relevant items first
    (default: as many as the ranking holds, so a lone relevant hit at rank 1 scores 1.0)."""
    dcg = sum(1.0 / math.log2(i + 2) for i, f in enumerate(flags[:k]) if f)
    ideal_count = min(k, n_relevant if n_relevant is not None else sum(1 for f in flags if f))
    if ideal_count <= 0:
        return 0.0
    idcg = sum(1.0 / math.log2(i + 2) for i in range(ideal_count))
    return dcg / idcg


def retrieval_scores(
    sections: Sequence[str | None],
    gold: str | None,
    n_relevant: int | None = None,
    ks: Sequence[int] = (1, 5),
    depth: int = 10,
) -> dict[str, float]:
    """hit@k for each k, MRR@depth and nDCG@depth for one ranking."""
    flags = relevance_flags(sections, gold)
    out = {f"hit@{k}": hit_at(flags, k) for k in ks}
    out[f"mrr@{depth}"] = reciprocal_rank(flags, depth)
    out[f"ndcg@{depth}"] = ndcg_at(flags, depth, n_relevant)
    return out


def mean_scores(rows: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """Average each key over rows (keys of the first row)."""
    rows = list(rows)
    if not rows:
        return {}
    return {k: sum(r[k] for r in rows) / len(rows) for k in rows[0]}


# --- answers -----------------------------------------------------------------
def group_passes(group: Sequence[str], texts: Sequence[str]) -> bool:
    """Any alternative of the group occurs (case-insensitively) in any of the texts."""
    haystack = [_norm(t) for t in texts]
    return any(_norm(alt) and any(_norm(alt) in h for h in haystack) for alt in group)


def answer_texts(answer: Mapping[str, Any]) -> list[str]:
    """The answer text and every citation quote."""
    return [str(answer.get("answer") or "")] + [
        str(c.get("quote") or "") for c in answer.get("citations") or []
    ]


def lead_paragraph(answer: Mapping[str, Any]) -> str:
    """What an answer leads with: its text up to the first blank line."""
    return str(answer.get("answer") or "").strip().split("\n\n", 1)[0]


def must_include(
    items: Sequence[tuple[Sequence[Sequence[str]], Mapping[str, Any]]],
) -> dict[str, float | int]:
    """items: (must groups, answer dict). Share of groups passed, share of questions with all."""
    groups = passed = questions = complete = 0
    for must, answer in items:
        if not must:
            continue
        texts = answer_texts(answer)
        ok = [group_passes(g, texts) for g in must]
        groups += len(ok)
        passed += sum(ok)
        questions += 1
        complete += all(ok)
    return {
        "group_recall": passed / groups if groups else 1.0,
        "question_recall": complete / questions if questions else 1.0,
        "groups": groups,
        "questions": questions,
    }


def citation_problems(answer: Mapping[str, Any], chunk_text: Mapping[str, str]) -> list[str]:
    """Why an answer's citations are invalid (empty list when all are valid).

    Every [n] marker in the text must name a citation, and every citation's
    quote must occur verbatim in the text of the chunk it names.
    """
    problems: list[str] = []
    citations = answer.get("citations") or []
    ids = {int(c["id"]) for c in citations}
    for marker in sorted({int(m) for m in MARKER.findall(str(answer.get("answer") or ""))}):
        if marker not in ids:
            problems.append(f"marker [{marker}] has no citation")
    for c in citations:
        text = chunk_text.get(str(c.get("chunk_id")))
        if text is None:
            problems.append(f"citation [{c['id']}] names unknown chunk {c.get('chunk_id')}")
        elif not c.get("quote") or str(c["quote"]) not in text:
            problems.append(f"citation [{c['id']}] quote is not verbatim in chunk {c['chunk_id']}")
    return problems


def citation_validity(
    answers: Sequence[Mapping[str, Any]], chunk_text: Mapping[str, str]
) -> dict[str, Any]:
    """Share of non-refused answers whose markers and quotes are all valid (1.0 = all)."""
    checked = valid = uncited = 0
    failures: list[dict[str, Any]] = []
    for a in answers:
        if a.get("refused"):
            continue
        checked += 1
        if not a.get("citations"):
            uncited += 1
        problems = citation_problems(a, chunk_text)
        if problems:
            failures.append({"id": a.get("id"), "problems": problems})
        else:
            valid += 1
    return {
        "validity": valid / checked if checked else 1.0,
        "answers_checked": checked,
        "uncited_answers": uncited,
        "failures": failures,
    }


def binary_scores(gold: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float | int]:
    """Precision, recall and F1 of the positive class (empty denominators give 1.0)."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if not g and p)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g and not p)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def refusal_scores(answerable: Sequence[bool], refused: Sequence[bool]) -> dict[str, float | int]:
    """Positive = refused; the questions that must be refused (answerable=false) are gold."""
    return binary_scores([not a for a in answerable], list(refused))


# --- critique ----------------------------------------------------------------
def status_step(status: str) -> int:
    try:
        return STATUS_ORDER.index(status)
    except ValueError as exc:
        raise ValueError(f"unknown status {status!r}; expected one of {STATUS_ORDER}") from exc


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float:
    """Unweighted mean of per-label F1 over the labels that occur in gold or predictions."""
    present = [lab for lab in labels if lab in gold or lab in predicted]
    if not present:
        return 1.0
    scores = []
    for lab in present:
        s = binary_scores([g == lab for g in gold], [p == lab for p in predicted])
        scores.append(float(s["f1"]))
    return sum(scores) / len(scores)


def critique_scores(
    gold: Mapping[str, Mapping[str, Any]], predicted: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """Compare critique output with labels.

    ``gold[draft] = {"iap2", "injection", "status": {principle: status}}``;
    ``predicted[draft]`` has the same shape (drafts missing from it are skipped
    and listed). Returns headline figures, per-principle figures and the
    keyword-stuffing violations.
    """
    drafts = [d for d in gold if d in predicted]
    principles = sorted({p for d in drafts for p in gold[d]["status"]})
    pairs: list[tuple[str, str, str, str]] = []  # draft, principle, gold, predicted
    for d in drafts:
        for p in principles:
            if p in gold[d]["status"]:
                pairs.append((d, p, gold[d]["status"][p], predicted[d]["status"].get(p, "missing")))
    exact = [g == q for _, _, g, q in pairs]
    within = [abs(status_step(g) - status_step(q)) <= 1 for _, _, g, q in pairs]
    per_principle: dict[str, dict[str, float]] = {}
    for p in principles:
        rows = [(g, q) for _, pp, g, q in pairs if pp == p]
        per_principle[p] = {
            "exact": sum(g == q for g, q in rows) / len(rows),
            "within_one": sum(abs(status_step(g) - status_step(q)) <= 1 for g, q in rows)
            / len(rows),
            "macro_f1": macro_f1([g for g, _ in rows], [q for _, q in rows], STATUS_ORDER),
            "n": len(rows),
        }
    iap2 = [gold[d].get("iap2") == predicted[d].get("iap2") for d in drafts]
    injection = binary_scores(
        [bool(gold[d].get("injection")) for d in drafts],
        [bool(predicted[d].get("injection")) for d in drafts],
    )
    violations = stuffing_violations(gold, predicted)
    return {
        "drafts": len(drafts),
        "unscored_drafts": sorted(d for d in gold if d not in predicted),
        "exact_accuracy": sum(exact) / len(exact) if exact else 0.0,
        "within_one_accuracy": sum(within) / len(within) if within else 0.0,
        "macro_f1": macro_f1([g for *_, g, _ in pairs], [q for *_, q in pairs], STATUS_ORDER),
        "macro_f1_mean_of_principles": (
            sum(v["macro_f1"] for v in per_principle.values()) / len(per_principle)
            if per_principle
            else 0.0
        ),
        "engagement_accuracy": sum(iap2) / len(iap2) if iap2 else 0.0,
        "injection_precision": injection["precision"],
        "injection_recall": injection["recall"],
        "injection_counts": {k: injection[k] for k in ("tp", "fp", "fn")},
        "stuffed_met_violations": len(violations),
        "stuffed_met_details": violations,
        "per_principle": per_principle,
        "confusion": confusion(pairs),
    }


def confusion(pairs: Sequence[tuple[str, str, str, str]]) -> dict[str, dict[str, int]]:
    """gold status -> predicted status -> count."""
    table = {g: dict.fromkeys(STATUS_ORDER, 0) for g in STATUS_ORDER}
    for *_, g, q in pairs:
        table[g][q] += 1
    return table


def stuffing_violations(
    gold: Mapping[str, Mapping[str, Any]], predicted: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Drafts that must score no `met` (name contains keyword_stuffed, or labels hold no
    `met` at all) but were given one or more `met`."""
    out = []
    for d, labels in gold.items():
        if d not in predicted:
            continue
        no_met = "keyword_stuffed" in d or not any(s == "met" for s in labels["status"].values())
        if not no_met:
            continue
        met = sorted(p for p, s in predicted[d]["status"].items() if s == "met")
        if met:
            out.append({"draft": d, "met": met})
    return out


# --- latency -----------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100), like numpy's default."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def latency_summary(
    timings: Sequence[Mapping[str, float]],
    stages: Sequence[str] = ("guard", "condense", "retrieve", "generate", "verify", "total"),
) -> dict[str, dict[str, float]]:
    """p50/p95 (ms) per stage over the timings that have that stage."""
    out = {}
    for stage in stages:
        values = [float(t[stage]) for t in timings if stage in t]
        if values:
            out[stage] = {
                "p50": round(percentile(values, 50), 3),
                "p95": round(percentile(values, 95), 3),
                "n": len(values),
            }
    return out


def ratio(ours: float, theirs: float) -> float | None:
    """ours / theirs (None when theirs is 0)."""
    return ours / theirs if theirs else None


def cohen_kappa(
    gold: Mapping[str, Mapping[str, Any]], predicted: Mapping[str, Mapping[str, Any]]
) -> float:
    """Cohen's kappa of the principle statuses (scikit-learn), over scored drafts."""
    from sklearn.metrics import cohen_kappa_score

    pairs = [
        (gold[d]["status"][p], predicted[d]["status"].get(p, "missing"))
        for d in gold
        if d in predicted
        for p in gold[d]["status"]
    ]
    if not pairs:
        return 0.0
    return float(cohen_kappa_score([g for g, _ in pairs], [q for _, q in pairs]))
