"""Condensing follows the officer: only a follow-up with no topic of its own borrows one.

The questions are written for these tests (not taken from the eval sets).
"""

from __future__ import annotations

import pytest
from conftest import REPO
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.ask.condense import ChatModelCondenser, HeuristicCondenser, depends_on_previous
from assistant.ask.prompts import PromptSet, load_prompts

HISTORY = [
    {"role": "user", "content": "How do coastal towns feature in the port strategy?"},
    {"role": "assistant", "content": "…"},
]


@pytest.mark.parametrize(
    "question",
    [
        "Who approves the harbour plan?",  # short, but names its own topic
        "Which grants cover flood defences?",
        "What does it take for a museum to count as a cultural anchor?",  # "it" with a topic
        "harbour plan approval?",
        "mooring fees source?",  # a relational noun with its own topic
    ],
)
def test_a_question_with_its_own_topic_stands_as_asked(question: str) -> None:
    assert not depends_on_previous(question)
    assert HeuristicCondenser().condense(question, HISTORY) == question


@pytest.mark.parametrize(
    "question",
    [
        "and for inland villages?",
        "what about the ferries?",
        "why is that?",
        "Tell me more.",
        "Who says so?",  # "so" stands for what was just said
        "source?",  # a bare noun that needs something to be about
        "the deadline?",
    ],
)
def test_a_follow_up_borrows_the_previous_topic(question: str) -> None:
    assert depends_on_previous(question)
    standalone = HeuristicCondenser().condense(question, HISTORY)
    assert standalone.startswith(question)
    assert "coastal" in standalone and "port" in standalone


def test_a_chain_of_follow_ups_keeps_the_first_topic() -> None:
    history = [
        *HISTORY,
        {"role": "user", "content": "and why is that?"},
        {"role": "assistant", "content": "…"},
    ]
    assert "coastal" in HeuristicCondenser().condense("give me an example of one", history)


def test_a_new_topic_after_follow_ups_leaves_the_old_one_behind() -> None:
    history = [*HISTORY, {"role": "user", "content": "what about them?"}]
    assert HeuristicCondenser().condense("Who approves the harbour plan?", history) == (
        "Who approves the harbour plan?"
    )


def test_no_history_means_no_rewrite() -> None:
    assert HeuristicCondenser().condense("and for inland villages?", []) == (
        "and for inland villages?"
    )


def test_the_chat_model_is_asked_only_for_real_follow_ups() -> None:
    prompts: PromptSet = load_prompts(REPO / "prompts")
    model = FakeListChatModel(responses=["How do inland villages feature in the port strategy?"])
    condenser = ChatModelCondenser(model, prompts)
    assert condenser.condense("Who approves the harbour plan?", HISTORY) == (
        "Who approves the harbour plan?"
    )
    assert condenser.condense("and for inland villages?", HISTORY) == (
        "How do inland villages feature in the port strategy?"
    )


def test_one_standing_for_the_previous_topic_is_a_follow_up() -> None:
    assert depends_on_previous("Could a privately owned marina be one?")
    assert not depends_on_previous("Is one of the ferry operators on the port board?")


def test_a_bare_follow_up_with_no_conversation_is_refused_with_advice() -> None:
    from unittest.mock import Mock

    from assistant.ask.chain import NO_TOPIC, build_chain
    from assistant.ask.generation import ExtractiveGenerator
    from assistant.ask.retrieval import HybridRetriever
    from assistant.library.keyword_index import KeywordIndex

    retriever = Mock(spec=HybridRetriever, keywords=KeywordIndex([]))  # never searched
    chain = build_chain(
        retriever, ExtractiveGenerator(KeywordIndex([])), load_prompts(REPO / "prompts")
    )
    answer = chain.invoke("and why is that?")
    assert answer.refused and answer.reason == NO_TOPIC
    retriever.retrieve.assert_not_called()


@pytest.mark.parametrize(
    "question",
    ["Who sits on its steering group?", "What sort of harbour works is it funding?"],
)
def test_a_personal_pronoun_refers_back_even_with_topic_words(question: str) -> None:
    assert depends_on_previous(question)
    assert "coastal" in HeuristicCondenser().condense(question, HISTORY)


@pytest.mark.parametrize(
    "question",
    [
        "Is it possible for a parish council to run the harbour plan?",
        "How long does it take to approve a harbour plan?",
        "It's worth asking whether ferry firms sit on the port board?",
    ],
)
def test_the_it_of_extraposition_refers_to_nothing(question: str) -> None:
    assert not depends_on_previous(question)


@pytest.mark.parametrize(
    "question",
    [
        "Where does that ferry timetable come from?",  # a demonstrative before a noun
        "Who funds those harbour walls?",
        "Who signed off that quay?",  # "that" + noun closing the question
        "Which councils are paying for that already?",  # a closing "that"
        "Why are moorings dearer there?",  # "there" as the place just named
        "Is the same true of inland ports then?",  # a closing "then"
        "Why the dredging one?",  # "the … one"
        "Give me a cost for the most expensive one.",
        "How much does a berth on it cost?",  # "on it": not the "it" of "it costs £5 to …"
    ],
)
def test_a_demonstrative_there_then_or_the_one_points_back(question: str) -> None:
    assert depends_on_previous(question)
    assert "coastal" in HeuristicCondenser().condense(question, HISTORY)


@pytest.mark.parametrize(
    "question",
    [
        "Harbour dredging: who pays for it?",  # the topic put first, then asked about
        "Ferry subsidies — why does the council want them?",
        "Marina berths - how are they allocated?",
        "Are there grants for sea walls?",  # "are there …" is not a place
        "Does the port say that ferry fares will rise?",  # "says that …" starts a clause
    ],
)
def test_a_question_that_names_its_topic_first_or_uses_that_as_a_clause_stands(
    question: str,
) -> None:
    assert not depends_on_previous(question)
    assert HeuristicCondenser().condense(question, HISTORY) == question


@pytest.mark.parametrize(
    "question",
    [
        "Which grants does it list for that - for example, sea walls?",  # a question first
        "The second of those harbours — explain.",  # the fronted part itself points back
    ],
)
def test_a_fronted_part_that_is_a_question_or_points_back_is_not_a_topic(question: str) -> None:
    assert depends_on_previous(question)


@pytest.mark.parametrize(
    "question",
    [
        "On a separate matter, once the harbour plan is drafted, who must approve it?",
        "Right, different thing. The ferry levy — what's that?",
        "Turning to moorings, how are they allocated?",
        "Quite separately, what do the berths cost and who sets it?",
    ],
)
def test_an_explicit_change_of_subject_stands_on_its_own(question: str) -> None:
    assert not depends_on_previous(question)
    assert HeuristicCondenser().condense(question, HISTORY) == question


@pytest.mark.parametrize(
    "question",
    [
        "Who approves the harbour plan once it is drafted?",  # "it" is the harbour plan
        "What is the ferry levy and who collects it?",
        "Can a marina apply for the grant before it opens?",
        "Who inspects the sea walls after they are repaired?",
        "If the harbour plan is late, who signs it off?",  # the clause before a comma
        "When is the ferry levy due and who collects it?",  # a question word first
    ],
)
def test_a_pronoun_in_a_later_clause_can_refer_inside_the_question(question: str) -> None:
    assert not depends_on_previous(question)
    assert HeuristicCondenser().condense(question, HISTORY) == question


@pytest.mark.parametrize(
    "question",
    [
        "What happens once it is approved?",  # no noun phrase before the clause boundary
        "How is it funded once the harbour plan is agreed?",  # the pronoun comes first
        "And who collects it once the levy starts?",
        "What happens to the funding if they miss the deadline?",  # "they" is not the funding
        "Who checks the evidence base before they submit it?",  # plural pronoun, singular noun
        "Is any money available once it is approved?",  # "any money" is not approved
    ],
)
def test_a_pronoun_with_nothing_before_it_to_refer_to_points_back(question: str) -> None:
    assert depends_on_previous(question)
    assert "coastal" in HeuristicCondenser().condense(question, HISTORY)


HARBOUR_SECTIONS = [
    "Harbour guide",
    "Harbour guide > Mooring and berths",
    "Harbour guide > Dredging the channel",
    "Harbour guide > Safety on the quay",
]
PRINCIPLES = [
    {"role": "user", "content": "What are the main duties of a harbour master?"},
    {"role": "assistant", "content": "…"},
]


@pytest.mark.parametrize(
    "question", ["why the dredging one?", "and for the mooring one - what fees apply?"]
)
def test_a_one_picked_out_by_a_section_name_is_about_that_section(question: str) -> None:
    condenser = HeuristicCondenser(HARBOUR_SECTIONS)
    assert condenser.condense(question, PRINCIPLES) == question


@pytest.mark.parametrize(
    "question",
    [
        "and the top one?",  # picked out by position, not by a section's name
        "what about the harbour one?",  # "harbour" is in every heading: names no one section
    ],
)
def test_other_ones_still_borrow_the_previous_topic(question: str) -> None:
    assert "master" in HeuristicCondenser(HARBOUR_SECTIONS).condense(question, PRINCIPLES)


def test_without_the_library_headings_a_picked_one_borrows_the_topic() -> None:
    assert "master" in HeuristicCondenser().condense("why the dredging one?", PRINCIPLES)


def test_a_section_the_previous_question_named_is_not_a_new_topic() -> None:
    history = [{"role": "user", "content": "Which dredging duties are there?"}]
    condensed = HeuristicCondenser(HARBOUR_SECTIONS).condense("and the dredging one?", history)
    assert "duties" in condensed
