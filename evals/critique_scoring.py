"""Critique scoring: critique every labelled draft and score it against its labels and
against the keyword-checklist (ctrl-F) baseline."""

from __future__ import annotations

import json
import time
from typing import Any

from evals import metrics as M
from evals.config import EvalConfig

STATUS_VALUES = frozenset(M.STATUS_ORDER)


def normalise_report(report: dict[str, Any]) -> dict[str, Any]:
    """The labelled fields of a CritiqueReport dict: status per principle, iap2, injection."""
    status = {}
    for p in report.get("principles") or []:
        value = str(p.get("status", "")).lower()
        if value not in STATUS_VALUES:
            raise ValueError(f"principle {p.get('id')} has unknown status {value!r}")
        status[str(p["id"])] = value
    level = report.get("iap2_level")
    warnings = report.get("warnings") or []
    injection = any(
        "injection" in str(w.get("kind", "")).lower() for w in warnings if isinstance(w, dict)
    )
    return {
        "status": status,
        "iap2": str(level) if level is not None else None,
        "injection": injection,
    }


def keyword_checklist(text: str, rubric: Any) -> dict[str, str]:
    """The ctrl-F baseline: a principle's title and ask words found twice or more is
    ``met``, once ``partial``, never ``missing``."""
    lowered = text.lower()
    out = {}
    for principle in rubric.principles:
        words = {
            w.strip(".,:;()'\"").lower()
            for w in f"{principle.title} {principle.asks}".split()
            if len(w.strip(".,:;()'\"")) >= 6
        }
        hits = sum(1 for w in words if w in lowered)
        out[principle.id] = "met" if hits >= 4 else "partial" if hits >= 2 else "missing"
    return out


def run_critique(lisa: Any, config: EvalConfig) -> dict[str, Any]:
    """Critique every labelled draft through ``Lisa.critique``; score each split apart.

    The **validation** split (authors never used for fitting or design) is the
    headline; the tuning split's figures are in-sample and reported as such.
    """
    if not config.critique:
        return {"skipped": "disabled with --no-critique", "explicit": True}
    from assistant.documents.loading import load_document
    from evals.catalog import LabelledDraft, drafts, folder_drafts
    from evals.config import DEFAULT_DRAFTS, DEFAULT_LABELS

    sets: dict[str, list[LabelledDraft]]
    if config.drafts != DEFAULT_DRAFTS or config.labels != DEFAULT_LABELS:
        # someone else's drafts: never seen by LISA, so they are scored as validation
        sets = {"validation": folder_drafts(config.drafts, config.labels)}
    else:
        sets = {"validation": drafts("validation"), "tuning": drafts("tuning")}
    out_dir = config.out / "critique"
    out_dir.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {}
    seconds: list[float] = []
    for split, items in sets.items():
        labels: dict[str, Any] = {}
        predicted: dict[str, dict[str, Any]] = {}
        checklist: dict[str, dict[str, Any]] = {}
        errors: dict[str, str] = {}
        for item in items:
            key = f"{item.author}/{item.name}"
            labels[key] = item.labels
            started = time.perf_counter()
            try:
                outcome = lisa.critique(item.path)
                if not hasattr(outcome, "report"):  # a CritiqueFailure
                    raise RuntimeError(f"critique failure: {outcome.reason}")
                report = outcome.report.to_dict()
                predicted[key] = normalise_report(report)
            except Exception as exc:  # a crash on one draft is recorded, the rest still run
                errors[key] = f"{type(exc).__name__}: {exc}"
                config.log(f"critique of {key} failed: {errors[key]}")
                continue
            seconds.append(time.perf_counter() - started)
            text = " ".join(b.text for b in load_document(item.path, 50_000_000).blocks)
            checklist[key] = {"status": keyword_checklist(text, lisa.rubric)}
            (out_dir / f"{item.author}__{item.name}.json").write_text(
                json.dumps(report, indent=1, default=str), encoding="utf-8"
            )
            config.log(f"critiqued {key} ({split}) in {seconds[-1]:.1f} s")
        scores = M.critique_scores(labels, predicted)
        baseline = M.critique_scores(labels, checklist)["exact_accuracy"]
        scores["kappa"] = M.cohen_kappa(labels, predicted)
        scores["keyword_checklist_exact"] = baseline
        scores["ratio_to_checklist"] = (
            round(scores["exact_accuracy"] / baseline, 3) if baseline else None
        )
        scores["errors"] = errors
        scores["predicted"] = predicted
        scores["in_sample"] = split == "tuning"
        result[split] = scores
    result["latency_s"] = {
        "p50": round(M.percentile(seconds, 50), 3) if seconds else None,
        "p95": round(M.percentile(seconds, 95), 3) if seconds else None,
        "n": len(seconds),
    }
    return result
