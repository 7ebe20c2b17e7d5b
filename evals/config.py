"""What an eval run reads and writes: the default paths and ``EvalConfig``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_QA = REPO / "evals" / "questions.jsonl"  # the project's own set (tuning)
SPLITS = REPO / "evals" / "splits.json"
DEFAULT_DRAFTS = REPO / "evals" / "drafts"
DEFAULT_LABELS = REPO / "evals" / "draft_labels.json"
DEFAULT_OUT = Path("eval-out")


@dataclass
class EvalConfig:
    qa: Path | None = None  # None: the validation split's question sets (splits.json)
    drafts: Path = DEFAULT_DRAFTS
    labels: Path = DEFAULT_LABELS
    out: Path = DEFAULT_OUT
    critique: bool = True
    baselines: bool = True
    log: Callable[[str], None] = field(default=lambda msg: print(msg, file=sys.stderr))


def question_split(split: str = "validation") -> list[Path]:
    """The question files of one split in evals/splits.json."""
    import json

    return [REPO / p for p in json.loads(SPLITS.read_text(encoding="utf-8"))["questions"][split]]
