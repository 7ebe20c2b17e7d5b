"""``python -m evals``: run LISA's evaluation, write eval-out/, optionally gate or re-baseline.

Exit codes: 0 done (and gate passed, with --gate); 1 the gate failed; 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.offline import apply_offline_environment

apply_offline_environment()

from evals import gate  # noqa: E402
from evals.runner import (  # noqa: E402
    DEFAULT_DRAFTS,
    DEFAULT_LABELS,
    DEFAULT_OUT,
    DEFAULT_QA,
    EvalConfig,
    run,
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m evals", description=__doc__)
    p.add_argument(
        "--qa",
        type=Path,
        default=None,
        help=f"questions JSONL (default: the validation split's sets; {DEFAULT_QA.name} is tuning)",
    )
    p.add_argument("--drafts", type=Path, default=DEFAULT_DRAFTS, help="folder of drafts")
    p.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="draft labels JSON")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    p.add_argument("--no-critique", action="store_true", help="skip the draft critique")
    p.add_argument(
        "--no-baselines",
        action="store_true",
        help="skip the tutorial-pipeline comparison (BM25/dense are always run)",
    )
    p.add_argument(
        "--gate",
        action="store_true",
        help="fail (exit 1) below evals/thresholds.json or evals/baseline.json",
    )
    p.add_argument("--thresholds", type=Path, default=gate.THRESHOLDS, help=argparse.SUPPRESS)
    p.add_argument("--baseline", type=Path, default=gate.BASELINE, help=argparse.SUPPRESS)
    p.add_argument(
        "--update-baseline",
        action="store_true",
        help="record this run's metrics as evals/baseline.json (deliberate)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    for path, what in (
        (args.qa, "questions file"),
        (args.labels, "labels file"),
        (args.drafts, "drafts folder"),
    ):
        if path is None or (what != "questions file" and args.no_critique):
            continue
        if not path.exists():
            print(f"error: {what} {path} does not exist", file=sys.stderr)
            return 2
    config = EvalConfig(
        qa=args.qa,
        drafts=args.drafts,
        labels=args.labels,
        out=args.out,
        critique=not args.no_critique,
        baselines=not args.no_baselines,
    )
    try:
        metrics = run(config)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}/metrics.json and {args.out}/report.md")
    width = max(len(k) for k in metrics["headline"]) if metrics["headline"] else 0
    for name, value in metrics["headline"].items():
        print(f"  {name.ljust(width)}  {value:.4g}")
    if "skipped" in metrics["critique"]:
        print(f"  critique skipped: {metrics['critique']['skipped']}")
    if args.update_baseline:
        data = gate.write_baseline(metrics, args.baseline)
        print(f"recorded {len(data['metrics'])} metrics as the baseline in {args.baseline}")
    if args.gate:
        ok, table = gate.run_gate(metrics, args.thresholds, args.baseline)
        print(table)
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
