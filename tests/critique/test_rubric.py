"""The rubric and its fitted evidence model are validated data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from assistant.critique.judgement import JudgementModelError, load_evidence_model
from assistant.critique.rubric import PRINCIPLE_IDS, RubricError, load_rubric

REPO = Path(__file__).resolve().parents[2]
RUBRIC = REPO / "prompts" / "rubric.yaml"
MODEL = REPO / "prompts" / "evidence_model.json"


def test_bundled_rubric_loads_with_fixed_ids_criteria_and_model() -> None:
    rubric = load_rubric(RUBRIC)
    assert tuple(p.id for p in rubric.principles) == PRINCIPLE_IDS
    assert rubric.judgement is not None
    for principle in rubric.principles:
        assert principle.criteria, principle.id
        assert sum(c.core for c in principle.criteria) >= principle.met_needs
    criteria = {c.id for p in rubric.principles for c in p.criteria}
    assert set(rubric.judgement.topic.classes) == criteria


def test_status_follows_the_stated_rule() -> None:
    evidence = load_rubric(RUBRIC).principle("evidence_base")
    assert evidence.status_from({"eb_local_figures", "eb_named_sources"}, set()) == "met"
    assert evidence.status_from({"eb_local_figures"}, set()) == "partial"
    assert evidence.status_from(set(), {"eb_open_scrutiny"}) == "partial"
    assert evidence.status_from(set(), set()) == "missing"
    people = load_rubric(RUBRIC).principle("local_people")
    assert people.status_from({"lp_least_heard_youth"}, set()) == "met"  # any one core
    assert people.status_from({"lp_consult_inform"}, set()) == "partial"  # never met alone


def _copy(tmp_path: Path, change: object) -> Path:
    raw = yaml.safe_load(RUBRIC.read_text(encoding="utf-8"))
    change(raw)  # type: ignore[operator]
    target = tmp_path / "rubric.yaml"
    target.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return target


def test_unknown_fields_and_impossible_rules_are_errors(tmp_path: Path) -> None:
    def unknown(raw: dict) -> None:  # type: ignore[type-arg]
        raw["principles"][0]["vocabulary"] = ["evidence"]

    with pytest.raises(RubricError, match="vocabulary"):
        load_rubric(_copy(tmp_path, unknown))

    def impossible(raw: dict) -> None:  # type: ignore[type-arg]
        raw["principles"][0]["met_needs"] = 9

    with pytest.raises(RubricError, match="met_needs"):
        load_rubric(_copy(tmp_path, impossible))


def test_a_model_fitted_for_other_criteria_is_refused(tmp_path: Path) -> None:
    def rename(raw: dict) -> None:  # type: ignore[type-arg]
        raw["principles"][0]["criteria"][0]["id"] = "eb_something_else"

    path = _copy(tmp_path, rename)
    (tmp_path / "evidence_model.json").write_text(MODEL.read_text(encoding="utf-8"))
    with pytest.raises(RubricError, match="refit"):
        load_rubric(path)


def test_a_malformed_model_is_refused_with_the_reason(tmp_path: Path) -> None:
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    data["topic"]["coef"] = data["topic"]["coef"][:-1]
    bad = tmp_path / "evidence_model.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(JudgementModelError, match="weight rows"):
        load_evidence_model(bad)
    with pytest.raises(JudgementModelError, match="fit_evidence"):
        load_evidence_model(tmp_path / "absent.json")
