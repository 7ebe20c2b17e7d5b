"""The critique rubric as validated data, loaded from ``prompts/rubric.yaml``.

The rubric holds what the critique knows about the guidance: the twelve principles
in a fixed order (what each asks, what counts as met or partial, its checkable
criteria and the rule that turns found criteria into a status, the guidance
sections it comes from). The fitted evidence model that decides whether a
criterion is found lives beside it in ``prompts/evidence_model.json``. Both are
checked on load: unknown or missing fields, duplicate, missing or misordered ids,
and a model fitted for other criteria are errors that name the file and the field.
"""

from __future__ import annotations

import string
from collections import Counter
from pathlib import Path

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.critique.judgement import MODEL_FILE, EvidenceModel, load_evidence_model
from assistant.errors import LisaError
from assistant.vocabulary import STATUSES, Iap2Level

PRINCIPLE_IDS = (
    "evidence_base",
    "opportunities_challenges",
    "partnership",
    "prioritised_ambitions",
    "evaluation_plan",
    "local_people",
    "digital",
    "anchor_institutions",
    "responsible_business",
    "rural_proofing",
    "national_alignment",
    "spatial_inclusion",
)
RECOMMENDATION_FIELDS = frozenset({"title", "draft"})


class RubricError(LisaError, ValueError):
    """The rubric or thresholds file is missing or invalid; the message says where."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _non_blank(values: tuple[str, ...], name: str) -> tuple[str, ...]:
    cleaned = tuple(v.strip() for v in values)
    if any(not v for v in cleaned):
        raise ValueError(f"{name} holds an empty entry")
    return cleaned


class Criterion(_Strict):
    """One checkable part of a principle: what a draft must show for it."""

    id: str = Field(pattern=r"^[a-z]{2}_[a-z_]+$", description="Stable id, prefixed by principle.")
    core: bool = Field(description="Core criteria decide 'met' (see Principle.met_needs).")
    evidence: str = Field(min_length=10, description="What counts as evidence, for the board.")
    min_iap2: Iap2Level | None = Field(
        default=None,
        description="For engagement criteria: the lowest IAP2 level that counts as evidence.",
    )


class Principle(_Strict):
    """One principle of the guidance and how to look for it in a draft."""

    id: str = Field(description="Fixed identifier, one of PRINCIPLE_IDS, in that order.")
    title: str = Field(min_length=3, description="Short name shown to the board.")
    asks: str = Field(min_length=10, description="What the guidance asks, in our own words.")
    met: str = Field(min_length=10, description="What evidence counts as met.")
    partial: str = Field(min_length=10, description="What counts as partial.")
    criteria: tuple[Criterion, ...] = Field(
        min_length=1, description="The checkable criteria the status follows from."
    )
    met_needs: int = Field(
        ge=1,
        description=(
            "Met when at least this many core criteria are found; partial when any criterion "
            "is found or weakly evidenced; missing otherwise."
        ),
    )
    guidance_sections: tuple[str, ...] = Field(
        min_length=1, description="Guidance headings it comes from, exactly as they read."
    )
    recommendation: str = Field(
        min_length=10, description="Advice for a gap; may use {title} and {draft}."
    )

    @field_validator("guidance_sections")
    @classmethod
    def _no_blanks(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _non_blank(values, "list")

    @field_validator("recommendation")
    @classmethod
    def _known_placeholders(cls, template: str) -> str:
        used = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
        unknown = used - RECOMMENDATION_FIELDS
        if unknown:
            raise ValueError(
                f"recommendation uses unknown placeholder(s) {sorted(unknown)}; "
                f"allowed: {sorted(RECOMMENDATION_FIELDS)}"
            )
        return template

    @model_validator(mode="after")
    def _criteria_rule(self) -> Principle:
        core = [c for c in self.criteria if c.core]
        if self.met_needs > len(core):
            raise ValueError(
                f"{self.id}: met_needs {self.met_needs} exceeds its {len(core)} core criteria"
            )
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.id}: duplicate criterion ids")
        return self

    def status_from(self, found: set[str], weak: set[str]) -> str:
        """The rubric's rule: met / partial / missing from the criteria found."""
        row_found = np.array([[c.id in found for c in self.criteria]])
        row_weak = np.array([[c.id in weak for c in self.criteria]])
        return STATUSES[int(self.status_codes(row_found, row_weak)[0])]

    def status_codes(self, found: np.ndarray, weak: np.ndarray) -> np.ndarray:
        """The rule over many drafts at once. ``found`` and ``weak`` are booleans, a row per
        draft and a column per criterion of this principle; the codes index ``STATUSES``
        (0 missing, 1 partial, 2 met): met when enough core criteria are found, partial
        when any criterion is found or weak."""
        core = np.array([c.core for c in self.criteria], dtype=bool)
        met = found[:, core].sum(axis=1) >= self.met_needs
        some = (found | weak).any(axis=1)
        return np.where(met, 2, np.where(some, 1, 0))

    def recommend(self, draft: str) -> str:
        return self.recommendation.format(title=self.title, draft=draft).strip()


class Rubric(_Strict):
    version: int = Field(ge=1)
    principles: tuple[Principle, ...]
    judgement: EvidenceModel | None = Field(
        default=None,
        description="The fitted evidence model (evidence_model.json beside the rubric).",
    )

    @model_validator(mode="after")
    def _fixed_ids(self) -> Rubric:
        ids = [p.id for p in self.principles]
        duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
        if duplicates:
            raise ValueError(f"duplicate principle id(s): {duplicates}")
        unknown = sorted(set(ids) - set(PRINCIPLE_IDS))
        if unknown:
            raise ValueError(f"unknown principle id(s): {unknown}; allowed: {list(PRINCIPLE_IDS)}")
        missing = [i for i in PRINCIPLE_IDS if i not in ids]
        if missing:
            raise ValueError(f"missing principle id(s): {missing}")
        if tuple(ids) != PRINCIPLE_IDS:
            raise ValueError(f"principles must be in this order: {list(PRINCIPLE_IDS)}")
        return self

    def minimum_levels(self) -> dict[str, str]:
        """Criteria that need engagement at an IAP2 level or above, and that level."""
        return {
            c.id: c.min_iap2 for p in self.principles for c in p.criteria if c.min_iap2 is not None
        }

    def principle(self, principle_id: str) -> Principle:
        for p in self.principles:
            if p.id == principle_id:
                return p
        raise KeyError(principle_id)


def _read_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise RubricError(f"{path}: the rubric file is missing") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RubricError(f"{path}: not valid YAML ({exc})") from exc


def _explain(path: Path, exc: ValidationError) -> RubricError:
    lines = []
    for err in exc.errors():
        where = ".".join(str(part) for part in err["loc"]) or "(top level)"
        lines.append(f"  {where}: {err['msg']}")
    return RubricError(f"{path}: invalid\n" + "\n".join(lines))


def load_rubric(path: Path, model_path: Path | None = None, *, with_model: bool = True) -> Rubric:
    """Read and validate the rubric and its fitted evidence model, or raise RubricError.

    The model comes from ``model_path``, by default ``evidence_model.json`` beside the
    rubric; when that file does not exist yet (before the first fit) the rubric loads
    without one and a critique says how to make it. ``with_model=False`` reads the rubric
    alone (the fit, which must work when the old model no longer fits the code).
    """
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise RubricError(f"{path}: the rubric must be a mapping with a 'principles' list")
    model_file = model_path or path.with_name(MODEL_FILE)
    wanted_model = with_model and (model_path is not None or model_file.exists())
    judgement = load_evidence_model(model_file) if wanted_model else None
    try:
        rubric = Rubric.model_validate(raw)
    except ValidationError as exc:
        raise _explain(path, exc) from exc
    if judgement is not None:
        wanted = {c.id for p in rubric.principles for c in p.criteria}
        if set(judgement.topic.classes) != wanted:
            raise RubricError(
                f"{model_file}: fitted for other criteria than {path}; refit with "
                "`python -m evals.fit_evidence`"
            )
        rubric = rubric.model_copy(update={"judgement": judgement})
    return rubric
