"""The eval gate: metrics against fixed thresholds and against the committed baseline.

``evals/thresholds.json`` holds the minimums (or maximums) the issue sets;
``evals/baseline.json`` holds the figures last recorded on purpose with
``python -m evals --update-baseline``. The gate fails when a metric is below its
threshold, or more than ``tolerance`` below its baseline, or was not measured
(unless that part of the eval was switched off explicitly). Latency is reported
but never gated: it depends on the machine.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EPS = 1e-9
DEFAULT_TOLERANCE = 0.02
THRESHOLDS = Path(__file__).resolve().parent / "thresholds.json"
BASELINE = Path(__file__).resolve().parent / "baseline.json"


@dataclass(frozen=True)
class Check:
    metric: str
    against: str  # "threshold" or "baseline"
    required: str  # e.g. ">= 0.95"
    value: float | None
    status: str  # "pass", "FAIL", "skip" or "short" (passes the gate, below the target)
    note: str = ""


def lower_is_better(metric: str) -> bool:
    return metric.endswith("violations") or metric.startswith("latency.")


def gated_by_baseline(metric: str) -> bool:
    return not metric.startswith("latency.")


def _missing(
    metric: str, against: str, required: str, skipped: Mapping[str, tuple[str, bool]]
) -> Check:
    reason, explicit = skipped.get(metric.split(".", 1)[0], ("not in the metrics", False))
    if explicit:
        return Check(metric, against, required, None, "skip", reason)
    return Check(metric, against, required, None, "FAIL", f"not measured: {reason}")


def check(
    headline: Mapping[str, float],
    thresholds: Mapping[str, Any],
    baseline: Mapping[str, Any] | None,
    skipped: Mapping[str, tuple[str, bool]] | None = None,
) -> list[Check]:
    """All checks. ``skipped`` maps a section ("critique") to (reason, explicitly disabled)."""
    skipped = skipped or {}
    checks: list[Check] = []
    for metric, rule in thresholds.get("metrics", {}).items():
        value = headline.get(metric)
        if "min" in rule:
            required, ok = f">= {rule['min']}", value is not None and value >= rule["min"] - EPS
        elif "max" in rule:
            required, ok = f"<= {rule['max']}", value is not None and value <= rule["max"] + EPS
        else:
            raise ValueError(f"threshold for {metric} needs 'min' or 'max'")
        if value is None:
            checks.append(_missing(metric, "threshold", required, skipped))
        else:
            checks.append(Check(metric, "threshold", required, value, "pass" if ok else "FAIL"))
            target = rule.get("target")
            if ok and target is not None and value < target - EPS:
                checks.append(
                    Check(
                        metric,
                        "target",
                        f">= {target}",
                        value,
                        "short",
                        "below the issue's target (reported, not gated)",
                    )
                )
    if baseline is None:
        checks.append(
            Check(
                "baseline",
                "baseline",
                "evals/baseline.json",
                None,
                "FAIL",
                "no baseline recorded: run `python -m evals --update-baseline`",
            )
        )
        return checks
    tolerance = float(thresholds.get("tolerance", DEFAULT_TOLERANCE))
    for metric, base in baseline.get("metrics", {}).items():
        if not gated_by_baseline(metric):
            continue
        value = headline.get(metric)
        if lower_is_better(metric):
            limit = base if metric.endswith("violations") else base + tolerance
            required = f"<= {limit:g} (baseline {base:g})"
            ok = value is not None and value <= limit + EPS
        else:
            limit = base - tolerance
            required = f">= {limit:.4g} (baseline {base:g} - {tolerance:g})"
            ok = value is not None and value >= limit - EPS
        if value is None:
            checks.append(_missing(metric, "baseline", required, skipped))
        else:
            checks.append(Check(metric, "baseline", required, value, "pass" if ok else "FAIL"))
    return checks


def failures(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.status == "FAIL"]


def render(checks: list[Check]) -> str:
    """A plain-text table, failures first."""
    rows = sorted(
        checks, key=lambda c: ({"FAIL": 0, "short": 1, "skip": 2, "pass": 3}[c.status], c.metric)
    )
    header = ("status", "metric", "against", "required", "value", "note")
    table = [header] + [
        (
            c.status,
            c.metric,
            c.against,
            c.required,
            "—" if c.value is None else f"{c.value:.4g}",
            c.note,
        )
        for c in rows
    ]
    widths = [max(len(r[i]) for r in table) for i in range(len(header) - 1)]
    lines = []
    for r in table:
        cells = [r[i].ljust(widths[i]) for i in range(len(header) - 1)]
        lines.append("  ".join([*cells, r[-1]]).rstrip())
    failed = len(failures(checks))
    lines.append(
        f"\ngate: {'FAILED' if failed else 'passed'} ({failed} failing of {len(checks)} checks)"
    )
    return "\n".join(lines)


def skipped_sections(metrics: Mapping[str, Any]) -> dict[str, tuple[str, bool]]:
    out = {}
    for section in ("retrieval", "answers", "critique"):
        node = metrics.get(section)
        if isinstance(node, dict) and "skipped" in node:
            out[section] = (str(node["skipped"]), bool(node.get("explicit")))
    return out


def load_json(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def run_gate(
    metrics: Mapping[str, Any], thresholds_path: Path = THRESHOLDS, baseline_path: Path = BASELINE
) -> tuple[bool, str]:
    thresholds = load_json(thresholds_path)
    if thresholds is None:
        raise FileNotFoundError(f"thresholds file {thresholds_path} is missing")
    checks = check(
        metrics["headline"], thresholds, load_json(baseline_path), skipped_sections(metrics)
    )
    return not failures(checks), render(checks)


def baseline_from(metrics: Mapping[str, Any]) -> dict[str, Any]:
    """What --update-baseline writes: the gated headline figures and where they came from."""
    gated = {k: v for k, v in metrics["headline"].items() if gated_by_baseline(k)}
    run = metrics.get("run", {})
    skipped = skipped_sections(metrics)
    return {
        "recorded": time.strftime("%Y-%m-%d"),
        "notes": (
            f"Recorded with `python -m evals --update-baseline` on {Path(str(run.get('qa'))).name} "
            f"(backend {run.get('backend')}, {run.get('chunks')} chunks)."
            + "".join(f" {s} not measured: {r}." for s, (r, _) in skipped.items())
        ),
        "metrics": gated,
    }


def write_baseline(metrics: Mapping[str, Any], path: Path = BASELINE) -> dict[str, Any]:
    data = baseline_from(metrics)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return data
