"""Substance counts, not keywords: concrete sentences score high, slogans and promises low."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.critique.rubric import Rubric
from assistant.critique.substance import (
    VagueMatcher,
    compile_terms,
    count_dates,
    count_figures,
    count_names,
    is_listy,
    measure,
    strip_enumerator,
)

REPO = Path(__file__).resolve().parents[2]

CONCRETE = [
    "GVA per hour of £30.10 against £35.00 for England (ONS, 2017); the gap exceeds 20% in "
    "Hebble, Ormside and Castleton.",
    "Calderbridge University will open the Makers' Lab in Holme Mill, mentoring 80 businesses "
    "a year from 2021.",
    "From 1 January 2020 all tenders above £75,000 will carry a 10% social value weighting.",
    "Between April and October 2019 we held 14 workshops attended by around 420 residents.",
]
EMPTY = [
    "We will monitor progress against the strategy and report on it to the Board.",
    "Partnership is at the heart of everything we do.",
    "Digital skills, digital infrastructure, digital inclusion, digital sectors, digital "
    "innovation and digital transformation.",
    "We hope they will play a part.",
    "Our vision is for a dynamic, innovative and inclusive economy where businesses thrive.",
    "Evidence-led · Co-designed · Digital-first · Anchor-driven · Rural-proofed · Inclusive",
]


@pytest.fixture(scope="module")
def vague(critique_rubric: Rubric) -> VagueMatcher:
    return VagueMatcher(critique_rubric.language)


def test_concrete_sentences_outscore_every_empty_one(vague: VagueMatcher) -> None:
    weakest_concrete = min(measure(s, vague).score() for s in CONCRETE)
    strongest_empty = max(measure(s, vague).score() for s in EMPTY)
    assert weakest_concrete > 0.5
    assert strongest_empty < 0.2
    assert weakest_concrete > 3 * strongest_empty


@pytest.mark.parametrize(
    "text",
    [
        "We will monitor progress and report to the Board.",
        "We will consider the needs of villages too.",
        "We will keep their needs in mind as delivery plans are developed.",
        "We hope the strategy's benefits will be felt there too.",
        "Digital connectivity is increasingly important for coastal businesses.",
    ],
)
def test_vague_promises_are_recognised(vague: VagueMatcher, text: str) -> None:
    assert measure(text, vague).vague


def test_buzzword_lists_are_recognised() -> None:
    assert is_listy("Ideas, People, Infrastructure, Business Environment and Places")
    assert is_listy("Robust, open, transparent, data-driven and insight-led")
    assert not is_listy("The Panel met on eight Saturdays, heard 26 witnesses and ranked options.")


def test_figures_ignore_years_and_paragraph_numbers() -> None:
    assert count_figures("Priority 1 and Part 3 were agreed in 2019.") == 0
    assert count_figures("12,000 jobs by 2030") == 1
    assert count_figures("a 10% weighting on £75,000 tenders") == 4  # % and £ count double
    assert count_dates("in spring 2019 and by 2030") == 3


def test_named_bodies_but_not_generic_titles() -> None:
    assert count_names("Ashcombe General Hospital and Ashcombe College employ many.") == 2
    assert count_names("The Local Industrial Strategy and the LEP Board agree.", ["LEP"]) == 0
    assert count_names("Sources: ONS, BRES and the APS.", ["LEP"]) == 3


def test_list_markers_and_paragraph_numbers_are_stripped() -> None:
    assert strip_enumerator("- GVA rose") == "GVA rose"
    assert strip_enumerator("2.1 Our analysis") == "Our analysis"
    assert strip_enumerator("(a) Total GVA") == "Total GVA"
    assert strip_enumerator("· Item") == "Item"


def test_terms_match_whole_words_plurals_and_case_for_names() -> None:
    anchors, people = compile_terms(["anchors", "People"])
    assert anchors.search("important anchors for the town")
    assert not anchors.search("could anchor battery suppliers")
    assert people.search("contribute to People;")
    assert not people.search("young people")
    (forum,) = compile_terms(["youth forum"])
    assert forum.search("two youth forums met")


def test_a_keyword_stuffed_draft_cannot_reach_met_on_substance(critique_rubric: Rubric) -> None:
    """Even if every sentence were judged on-topic, buzzwords add up to no principle."""
    from assistant.critique.evidence import draft_units
    from assistant.documents.loading import load_document

    vague = VagueMatcher(critique_rubric.language)
    draft = REPO / "evals" / "drafts" / "keyword_stuffed_plan.md"
    if not draft.exists():
        pytest.skip("labelled drafts not present")
    scores = sorted(
        (measure(u.text, vague).score() for u in draft_units(load_document(draft, 10**7))),
        reverse=True,
    )
    top = sum(scores[: critique_rubric.thresholds.top_k])
    assert top < critique_rubric.thresholds.met_at
