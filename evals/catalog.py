"""The labelled critique drafts, by author and split (``evals/splits.json``).

The original 15 drafts (``evals/drafts/``, labels in ``evals/draft_labels.json``)
are the author ``core``; every other author has a folder in ``evals/critique_sets/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SPLITS = HERE / "splits.json"
SETS = HERE / "critique_sets"


@dataclass(frozen=True)
class LabelledDraft:
    author: str
    split: str  # tuning | validation
    name: str
    path: Path
    labels: dict[str, Any]


def splits() -> dict[str, list[str]]:
    raw = json.loads(SPLITS.read_text(encoding="utf-8"))
    return {"tuning": list(raw["tuning"]), "validation": list(raw["validation"])}


def _folder(author: str) -> tuple[Path, Path]:
    if author == "core":
        return HERE / "drafts", HERE / "draft_labels.json"
    return SETS / author / "drafts", SETS / author / "labels.json"


def drafts(split: str | None = None) -> list[LabelledDraft]:
    """Every labelled draft (of one split), in a stable order."""
    out: list[LabelledDraft] = []
    for name, authors in splits().items():
        if split is not None and name != split:
            continue
        for author in authors:
            folder, labels_file = _folder(author)
            labels = json.loads(labels_file.read_text(encoding="utf-8"))
            files = {p.stem: p for p in sorted(folder.iterdir()) if p.is_file()}
            missing = sorted(set(labels) - set(files))
            if missing:
                raise FileNotFoundError(f"{author}: labelled but no file: {missing}")
            for stem in sorted(labels):
                out.append(LabelledDraft(author, name, stem, files[stem], labels[stem]))
    return out


def folder_drafts(folder: Path, labels_file: Path, author: str = "custom") -> list[LabelledDraft]:
    """The drafts of one folder with their labels file (``python -m evals --drafts --labels``)."""
    labels = json.loads(labels_file.read_text(encoding="utf-8"))
    files = {p.stem: p for p in sorted(folder.iterdir()) if p.is_file()}
    missing = sorted(set(labels) - set(files))
    if missing:
        raise FileNotFoundError(f"{labels_file}: labelled but no file in {folder}: {missing}")
    return [
        LabelledDraft(author, "validation", stem, files[stem], labels[stem])
        for stem in sorted(labels)
    ]
