"""Prompt templates as validated data, loaded from ``prompts/prompts.yaml``."""

from __future__ import annotations

import string
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from assistant.errors import LisaError

REQUIRED_PROMPTS = ("condense", "answer_system", "answer_user", "refusal", "injection_refusal")


class PromptError(LisaError, ValueError):
    """A prompt file is missing, malformed or inconsistent."""


class PromptTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    variables: tuple[str, ...]
    template: str

    @model_validator(mode="after")
    def _variables_match(self) -> PromptTemplate:
        used = {name for _, name, _, _ in string.Formatter().parse(self.template) if name}
        declared = set(self.variables)
        if used - declared:
            raise ValueError(f"template uses undeclared variable(s) {sorted(used - declared)}")
        if declared - used:
            raise ValueError(f"template never uses declared variable(s) {sorted(declared - used)}")
        return self

    def format(self, **values: str) -> str:
        missing = set(self.variables) - set(values)
        if missing:
            raise PromptError(f"missing value(s) for {sorted(missing)}")
        return self.template.format(**{k: values[k] for k in self.variables}).strip()


class PromptSet(BaseModel):
    model_config = ConfigDict(frozen=True)

    templates: dict[str, PromptTemplate]

    def __getitem__(self, name: str) -> PromptTemplate:
        return self.templates[name]


def load_prompts(folder: Path) -> PromptSet:
    path = folder / "prompts.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PromptError(f"prompt file {path} is missing") from exc
    except yaml.YAMLError as exc:
        raise PromptError(f"prompt file {path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise PromptError(f"prompt file {path} must map prompt names to templates")
    missing = [name for name in REQUIRED_PROMPTS if name not in raw]
    if missing:
        raise PromptError(f"prompt file {path} lacks {missing}")
    try:
        return PromptSet(templates={k: PromptTemplate.model_validate(v) for k, v in raw.items()})
    except ValueError as exc:
        raise PromptError(f"prompt file {path}: {exc}") from exc
