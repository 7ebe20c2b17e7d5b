"""The rubric file: validated on load, with clear messages for every kind of mistake."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from assistant.critique.rubric import (
    IAP2_LEVELS,
    PRINCIPLE_IDS,
    THRESHOLDS_FILE,
    Rubric,
    RubricError,
    load_rubric,
    load_thresholds,
)

REPO = Path(__file__).resolve().parents[2]
RUBRIC = REPO / "prompts" / "rubric.yaml"
THRESHOLDS = REPO / "prompts" / THRESHOLDS_FILE
CORPUS_MD = REPO / "corpus" / "connected-growth-part1-process.md"


def _raw() -> dict[str, object]:
    data = yaml.safe_load(RUBRIC.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _write(tmp_path: Path, data: object, thresholds: object | None = None) -> Path:
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    limits = thresholds if thresholds is not None else json.loads(THRESHOLDS.read_text())
    (tmp_path / THRESHOLDS_FILE).write_text(json.dumps(limits), encoding="utf-8")
    return path


def test_bundled_rubric_loads_with_fixed_ids_in_order() -> None:
    rubric = load_rubric(RUBRIC)
    assert isinstance(rubric, Rubric)
    assert tuple(p.id for p in rubric.principles) == PRINCIPLE_IDS
    assert tuple(lv.level for lv in rubric.engagement.levels) == IAP2_LEVELS[1:]
    assert rubric.thresholds.met_at > 0


def test_guidance_sections_are_headings_of_the_guidance_exactly() -> None:
    headings = {
        m.group(1).strip()
        for m in re.finditer(r"^#{1,6}\s+(.+)$", CORPUS_MD.read_text(encoding="utf-8"), re.M)
    }
    for principle in load_rubric(RUBRIC).principles:
        for section in principle.guidance_sections:
            assert section in headings, f"{principle.id}: {section!r} is not a guidance heading"


def test_every_pattern_in_the_rubric_compiles() -> None:
    rubric = load_rubric(RUBRIC)
    for pattern in rubric.language.vague:
        re.compile(pattern)
    for level in rubric.engagement.levels:
        for pattern in level.patterns:
            re.compile(pattern)


def test_recommendations_render_with_the_draft_title() -> None:
    principle = load_rubric(RUBRIC).principle("digital")
    assert "{" not in principle.recommend("Northfield LIS")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["principles"][0].update(colour="red"), "colour"),
        (lambda d: d["principles"][1].pop("asks"), "asks"),
        (lambda d: d["principles"][2].update(id="evidence_base"), "duplicate principle id"),
        (lambda d: d["principles"].pop(), "missing principle id"),
        (lambda d: d["principles"][3].update(id="made_up"), "unknown principle id"),
        (lambda d: d["principles"].reverse(), "must be in this order"),
        (lambda d: d["principles"][0].update(recommendation="Fix {thing} now."), "placeholder"),
        (lambda d: d["principles"][0].update(guidance_sections=[]), "guidance_sections"),
        (lambda d: d["engagement"]["levels"].reverse(), "engagement levels must be"),
        (lambda d: d.update(extra_section={}), "extra_section"),
        (lambda d: d.update(thresholds={"met_at": 1}), "thresholds belong in"),
    ],
)
def test_invalid_rubrics_are_rejected_with_a_clear_message(
    tmp_path: Path, mutate: object, message: str
) -> None:
    data = _raw()
    mutate(data)  # type: ignore[operator]
    path = _write(tmp_path, data)
    with pytest.raises(RubricError, match=re.escape(message)) as info:
        load_rubric(path)
    assert str(path) in str(info.value)


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(RubricError, match="missing"):
        load_rubric(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("principles: [unclosed", encoding="utf-8")
    with pytest.raises(RubricError, match="not valid YAML"):
        load_rubric(bad)
    listed = tmp_path / "list.yaml"
    listed.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(RubricError, match="must be a mapping"):
        load_rubric(listed)


def test_thresholds_are_validated(tmp_path: Path) -> None:
    good = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
    assert load_thresholds(THRESHOLDS).top_k == good["top_k"]
    for change, message in [({"met_at": -1}, "met_at"), ({"surprise": 1}, "surprise")]:
        path = tmp_path / "t.json"
        path.write_text(json.dumps({**good, **change}), encoding="utf-8")
        with pytest.raises(RubricError, match=message):
            load_thresholds(path)
    data = dict(good)
    data.pop("top_k")
    path = _write(tmp_path, _raw(), thresholds=data)
    with pytest.raises(RubricError, match="top_k"):
        load_rubric(path)
    (tmp_path / THRESHOLDS_FILE).unlink()
    with pytest.raises(RubricError, match="thresholds file is missing"):
        load_rubric(path)
    (tmp_path / THRESHOLDS_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(RubricError, match="not valid JSON"):
        load_rubric(path)
