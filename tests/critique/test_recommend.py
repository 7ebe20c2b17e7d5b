"""Recommendations are built from the draft's own findings."""

from __future__ import annotations

from pathlib import Path

from assistant.critique.model import (
    CriterionResult,
    CriterionState,
    EvidenceQuote,
    GuidanceQuote,
)
from assistant.critique.recommend import recommendation
from assistant.critique.rubric import Principle, load_rubric

RUBRIC = Path(__file__).resolve().parents[2] / "prompts" / "rubric.yaml"

SAME = "Residents' panels met four times in Harlow and Epping to shape the skills priorities."
GUIDANCE = (GuidanceQuote("guide.md", "Part 1 > Involving local people", "Involve them."),)


def people() -> Principle:
    return load_rubric(RUBRIC, with_model=False).principle("local_people")


def result(c: str, state: CriterionState, *quotes: str) -> CriterionResult:
    shown = tuple(EvidenceQuote(q, None, "Engagement") for q in quotes)
    return CriterionResult(c, f"{c} evidence: details", True, state, shown)


def test_a_sentence_that_shows_two_criteria_is_quoted_once() -> None:
    criteria = [
        result("lp_involve_or_higher", "found", SAME),
        result("lp_least_heard_youth", "weak", SAME, "Young people were asked too."),
        result("lp_consult_inform", "not_found"),
    ]
    text = recommendation(people(), "partial", criteria, GUIDANCE)
    assert text.count("Residents' panels") == 1
    assert "Make these concrete" in text and "lp_least_heard_youth evidence" in text
    assert "Add: lp_consult_inform evidence" in text
    assert text.endswith("See the guidance, “Involving local people”.")


def test_a_met_principle_says_what_makes_it_strong_quoting_each_sentence_once() -> None:
    criteria = [
        result("lp_involve_or_higher", "found", SAME),
        result("lp_least_heard_youth", "found", SAME),
        result("lp_consult_inform", "not_found"),
    ]
    text = recommendation(people(), "met", criteria, GUIDANCE)
    assert text.startswith("Strong: lp_involve_or_higher evidence (“Residents' panels")
    assert "; lp_least_heard_youth evidence." in text and text.count("Residents' panels") == 1
    assert "To strengthen it further: lp_consult_inform evidence: details." in text


def test_nothing_found_asks_for_every_criterion_and_quotes_nothing() -> None:
    criteria = [result(c, "not_found") for c in ("lp_involve_or_higher", "lp_consult_inform")]
    text = recommendation(people(), "missing", criteria, ())
    assert (
        text == "Add: lp_involve_or_higher evidence: details; lp_consult_inform evidence: details."
    )
