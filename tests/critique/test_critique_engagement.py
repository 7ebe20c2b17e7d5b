"""IAP2 engagement level: what the draft evidences, not the tools it names."""

from __future__ import annotations

import pytest

from assistant.critique.assessment import engagement_status
from assistant.critique.engagement import EngagementClassifier, level_rank
from assistant.critique.evidence import draft_units
from assistant.critique.rubric import Rubric
from assistant.critique.substance import VagueMatcher
from assistant.documents.model import Block, Document


@pytest.fixture(scope="module")
def classifier(critique_rubric: Rubric) -> EngagementClassifier:
    return EngagementClassifier(critique_rubric.engagement, VagueMatcher(critique_rubric.language))


def _units(*paragraphs: str, heading: str = "How we involved people") -> list:  # type: ignore[type-arg]
    blocks = [Block("heading", "Draft strategy", 1), Block("heading", heading, 2)]
    blocks += [Block("text", p) for p in paragraphs]
    return draft_units(Document("d.md", "Draft strategy", tuple(blocks)))


@pytest.mark.parametrize(
    ("paragraphs", "level"),
    [
        (
            [
                "The strategy will be published on the LEP website and a summary leaflet will be "
                "available in libraries so that residents can find out about it."
            ],
            "inform",
        ),
        (
            [
                "We received 1,104 responses to our survey of residents and held four public "
                "meetings in May 2019."
            ],
            "consult",
        ),
        (
            [
                "From March 2019 we ran 18 workshops with residents in community centres to "
                "develop "
                "and test the options."
            ],
            "involve",
        ),
        (
            [
                "In 2019 we recruited a Citizens' Panel of 32 residents.",
                "The Panel agreed the priorities with officers by consensus over seven sessions.",
            ],
            "collaborate",
        ),
        (
            [
                "In 2019 the Cabinet formally delegated to a citizens' jury of 24 residents the "
                "decision on how to spend £750,000, and agreed to implement its decisions."
            ],
            "empower",
        ),
        (
            [
                "To choose projects for the first £1.5m we held a residents' ballot in November "
                "2019; 7,840 people voted."
            ],
            "empower",
        ),
    ],
)
def test_levels_evidenced_by_firm_public_engagement(
    classifier: EngagementClassifier, paragraphs: list[str], level: str
) -> None:
    result = classifier.classify(_units(*paragraphs))
    assert result.level == level
    assert result.quote is not None and result.quote in " ".join(paragraphs)


@pytest.mark.parametrize(
    "paragraphs",
    [
        # tools named in a list, never used
        [
            "Our engagement toolkit includes citizens' juries, participatory budgeting, "
            "co-design, youth forums and ballots."
        ],
        # aspiration, not engagement
        [
            "We are moving from inform and consult to involve, collaborate and empower.",
            "We would like to hold workshops with young people and will look at ways to do so.",
        ],
        # a business survey used as a data source is not public engagement
        [
            "Only 38% of SMEs use cloud software (Meridian Business Survey 2019, 1,250 firms).",
            "We also ran a survey of 1,030 local businesses in spring 2019.",
        ],
        # engagement with officials and the board only
        [
            "(a) comment on the working title and draft vision statement;",
            "Informal discussion of the draft with Government officials in April.",
        ],
    ],
)
def test_no_level_without_evidence(classifier: EngagementClassifier, paragraphs: list[str]) -> None:
    result = classifier.classify(_units(*paragraphs, heading="Notes"))
    assert result.level == "none"
    assert result.quote is None


def test_the_highest_level_wins_and_lower_ones_are_kept(classifier: EngagementClassifier) -> None:
    result = classifier.classify(
        _units(
            "In 2019 we held six public meetings attended by 290 residents.",
            "Over 2019 we ran 12 workshops with the same residents at each round.",
        )
    )
    assert result.level == "involve"
    assert {f.level for f in result.findings} == {"consult", "involve"}


def test_local_people_follows_the_engagement_level(critique_rubric: Rubric) -> None:
    met_from = level_rank(critique_rubric.engagement.met_from)
    assert engagement_status("missing", level_rank("collaborate"), met_from) == "met"
    assert engagement_status("met", level_rank("consult"), met_from) == "partial"
    assert engagement_status("missing", level_rank("inform"), met_from) == "partial"
    assert engagement_status("met", level_rank("none"), met_from) == "partial"
    assert engagement_status("missing", level_rank("none"), met_from) == "missing"
