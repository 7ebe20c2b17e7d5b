"""The answerability rules, on questions and passages written for these tests."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from assistant.ask.answerability import (
    FEATURES,
    AnswerabilityError,
    AnswerabilityModel,
    Unit,
    absent_reference,
    ask_gap,
    asking_part,
    explain,
    load_answerability_model,
    unmatched_name,
)
from assistant.ask.asks import asks_for, lists_asked_noun
from assistant.ask.condense import own_words, standalone
from assistant.documents.chunking import Chunk
from assistant.library.keyword_index import KeywordIndex
from assistant.library.lexicon import LibraryLexicon


def _chunk(text: str, kind: str = "text") -> Chunk:
    return Chunk("c1", text, "port.md", "Port strategy", ("Harbours",), (3,), 0, "h", kind)


def _units(*texts: str, kind: str = "text") -> list[Unit]:
    return [Unit(t, 0.9 - i * 0.1, 0, _chunk(t, kind)) for i, t in enumerate(texts)]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What is the deadline for agreeing the harbour plan?", "date"),
        ("When was the ferry strategy published?", "date"),
        ("How much did the breakwater cost?", "figure"),
        ("What percentage of berths are vacant?", "figure"),
        ("Who is the mayor responsible for the port?", "person"),
        ("Which councils have adopted the harbour plan?", "instances"),
        ("Name the partners on the port board", "instances"),
        ("How do we apply for a mooring grant?", "procedure"),
        ("How do harbour users apply for a mooring?", "procedure"),
        ("What does HRB stand for, the body that runs the port?", "expansion"),
        ("MCA: what are the initials short for?", "expansion"),
        ("What happens if the harbour plan is not signed off?", "consequence"),
        ("Is there a right of appeal against the mooring decision?", "consequence"),
        ("And if the council says no?", "consequence"),
        ("Which small coastal councils have adopted the harbour plan?", "instances"),
        ("Of the two slipways, which has the longest waiting list?", "comparison"),
        ("How is the harbour's tonnage figure calculated?", "method"),
        ("How do they work out the mooring fees?", "method"),
        ("What does the Tidal Access Review recommend for slipways?", "document"),
        ("What are the main steps in that harbour report?", "document"),
        ("The plan cites 'Moorings and the small boat economy'; what does it say?", "document"),
        ("The board issued a dredging guide. What steps does that guide set out?", "document"),
    ],
)
def test_what_a_question_asks_for(question: str, kind: str) -> None:
    assert kind in asks_for(question)


@pytest.mark.parametrize(
    "question",
    [
        "Why does dredging cost more in winter?",  # asks why, not how much
        "When we draft the plan, what should it cover?",  # a clause, not a date question
        "Who should we involve in the harbour plan?",
        "What is a working harbour?",
        "If we only survey residents, what are we promising them?",
        "What does the guidance say about slipways?",  # the guidance itself, not another document
        "What does the DCMS guidance recommend for slipways?",  # the guidance's own publisher
        "We follow the Tidal Access Review. What does the guidance recommend for slipways?",
        "What sort of partners does the port work with?",  # "what sort of", not "which"
        "What are the berths which give the best shelter?",  # a relative "which", not a question
        "Which challenges facing coastal areas does the plan describe?",  # a plural noun
    ],
)
def test_ordinary_questions_ask_for_no_special_kind(question: str) -> None:
    assert asks_for(question) == []


def test_naming_a_thing_is_not_listing_it() -> None:
    listed = "The port's partners include the college, the lifeboat station and the hospital."
    named = "The port has worked with partners, and has secured new funding."
    assert lists_asked_noun("Which partners does the port work with?", listed)
    assert not lists_asked_noun("Which partners does the port work with?", named)


def test_a_figure_must_be_in_the_closest_sentences() -> None:
    question = "How many ferries use the harbour?"
    near = _units("Ferries are vital to the island economy.", "About 40 ferries call each week.")
    far = _units("Ferries are vital.", "They sail daily.", "Twelve berths date from 2019.")
    assert ask_gap(question, near) == 0
    assert ask_gap(question, far) == 1


def test_a_figure_the_question_already_quotes_does_not_answer_it() -> None:
    question = "The harbour took £4.2m in 2019. How much of that came from ferries?"
    assert ask_gap(question, _units("The harbour took £4.2m in 2019.")) == 1
    assert ask_gap(question, _units("Ferries paid £1.1m of the harbour's £4.2m.")) == 0


def test_a_date_the_question_already_quotes_does_not_answer_it() -> None:
    question = "When did the Harbours Act 1964 come into force?"
    assert ask_gap(question, _units("The Harbours Act 1964 sets out port duties.")) == 1
    assert ask_gap(question, _units("The Harbours Act 1964 came into force in 1965.")) == 0


@pytest.mark.parametrize(
    "question",
    [
        "Which harbours in our area have dredging grants?",
        "how much ferry money is there for our LEP area?",
        "which marinas are near us then?",
    ],
)
def test_which_things_or_how_much_in_the_askers_own_area_is_never_supplied(
    question: str,
) -> None:
    assert "local" in asks_for(question)
    assert ask_gap(question, _units("Harbours such as Kestle and Port Ewan have grants.")) == 1


def test_the_askers_area_as_context_is_not_a_local_ask() -> None:
    assert "local" not in asks_for("What can harbours do for our area?")
    assert "local" not in asks_for("Which harbours count as ports? We have many in our area.")


def test_an_abbreviation_must_be_spelled_out() -> None:
    question = "What does HRB stand for, the body that runs the port?"
    assert ask_gap(question, _units("The port is run by the HRB under a lease.")) == 1
    spelled = _units("The Harbour Revision Board (HRB) runs the port under a lease.")
    assert ask_gap(question, spelled) == 0
    # minor words between the capitalised ones are skipped
    dcms = _units("The Department for Culture, Media and Sport leads.")
    assert ask_gap("What does DCMS stand for?", dcms) == 0
    assert ask_gap("What is MCA short for?", _units("The Maritime and Coastguard Agency.")) == 0


def test_what_another_document_says_is_not_said_by_mentioning_it() -> None:
    question = "What does the Tidal Access Review recommend for slipways?"
    mentioned = _units(
        "The Tidal Access Review has been published.",
        "The port has also published guidance on slipways.",
        "Slipways should be kept clear of moorings.",
    )
    assert ask_gap(question, mentioned) == 1  # the closest sentence only says it exists
    explained = _units(
        "The Tidal Access Review has been published. It recommends a slipway at every harbour."
    )
    assert ask_gap(question, explained) == 0
    outlines = _units("The Tidal Access Review outlines how harbours can open their slipways.")
    assert ask_gap(question, outlines) == 1


def test_a_comparison_must_be_made_on_the_measure_asked() -> None:
    question = "Of the ferry and the bus, which has cheaper fares for students?"
    other = _units(
        "The ferry is faster than the bus.", "Both the ferry and the bus carry students."
    )
    assert ask_gap(question, other) == 1
    assert ask_gap(question, _units("Bus fares are lower than ferry fares for students.")) == 0
    # "biggest" and "largest" compare the same way: the measure is the word after them
    largest = _units("Cargo was the largest trade at the port in 2019.")
    assert ask_gap("Which was the biggest trade at the port?", largest) == 0


def test_a_calculation_must_be_described_not_only_its_result() -> None:
    question = "How is the harbour's tonnage figure calculated?"
    assert ask_gap(question, _units("The harbour handled 2.1m tonnes in 2019.")) == 1
    method = _units("Tonnage is calculated as the sum of cargo landed and shipped each year.")
    assert ask_gap(question, method) == 0


def test_a_consequence_must_be_stated() -> None:
    question = "What is the penalty if a port ignores the dredging plan?"
    assert ask_gap(question, _units("Ports should follow the dredging plan each winter.")) == 1
    stated = _units("If a port ignores the plan, its licence will not be renewed.")
    assert ask_gap(question, stated) == 0


@pytest.mark.parametrize(
    "question",
    [
        "Who checks that a port has dredged its channel?",
        "And which body audits the mooring fees?",
        "who inspects that?",
    ],
)
def test_who_holds_someone_to_account_must_be_said(question: str) -> None:
    assert asks_for(question) == ["oversight"]
    assert ask_gap(question, _units("Ports should dredge their channels each winter.")) == 1


def test_a_sentence_saying_who_does_that_checking_supplies_it() -> None:
    question = "Who checks that a port has dredged its channel?"
    assert ask_gap(question, _units("The harbour master checks every channel in May.")) == 0


def test_who_approves_or_agrees_is_not_an_oversight_question() -> None:
    assert "oversight" not in asks_for("Who approves the harbour plan?")
    assert "oversight" not in asks_for("Who has to agree the dredging plan?")


def test_a_post_must_be_named_for_a_who_holds_it_question() -> None:
    question = "Who chairs the harbour board?"
    assert ask_gap(question, _units("The harbour board is led by the Port Authority.")) == 1
    assert ask_gap(question, _units("The board's chair is appointed by the council.")) == 0


def test_a_section_the_library_only_refers_to_is_absent() -> None:
    headings = ["Harbours", "Ferry services"]
    keywords = KeywordIndex(["Harbours", "Ferry services"])
    assert absent_reference("What does the fisheries chapter recommend?", headings, keywords)
    assert absent_reference("What does Part 3 say about marinas?", headings, keywords)
    assert not absent_reference("What does the ferry services section say?", headings, keywords)
    # the section is named after "section on …", not by the words before "in the section"
    inside = "What is the timetable in the section on ferry services?"
    assert not absent_reference(inside, headings, keywords)
    assert absent_reference("What is in the section on marinas?", headings, keywords)


def test_names_are_matched_as_the_library_writes_them() -> None:
    port = [_chunk("Harbours bring 12% of Kestle's trade. Levels: Inform, Consult, Involve.")]
    assert not unmatched_name("How much of Kestle's trade do harbours bring?", port)
    assert not unmatched_name("What do Inform and Consult promise?", port)  # two names
    assert not unmatched_name("I'll be frank: what is Kestle's share?", port)
    # the asker's own organisation is context, not the topic
    assert not unmatched_name("When our Harbour Trust buys services, what applies?", port)
    assert unmatched_name("What does the Harbour Trust say about trade?", port)


def test_an_abbreviation_is_found_where_the_library_spells_it_out() -> None:
    port = [_chunk("The Marine Management Organisation licenses every berth.")]
    assert not unmatched_name("Berths - what does the MMO license?", port)
    assert unmatched_name("Berths - what does the RNLI license?", port)


def test_phrases_are_read_in_what_the_officer_wrote() -> None:
    follow_up = standalone("And which of those apply?", "What does the ferry services section say?")
    assert follow_up != "And which of those apply?"
    assert own_words(follow_up) == "And which of those apply?"
    assert own_words("What does Part 3 say?") == "What does Part 3 say?"


def test_pointers_are_recognised() -> None:
    assert _units("Port statistics, 2019.", kind="notes")[0].is_pointer
    assert _units("Please see the fisheries section for more.")[0].is_pointer
    assert not _units("Ferries sail daily from the harbour.")[0].is_pointer


def test_refusal_reasons_are_plain_words() -> None:
    lexicon = LibraryLexicon(["Ferries sail daily from the harbour."])
    zero = dict.fromkeys(FEATURES, 0.0)
    gap = explain("How much does a ticket cost?", {**zero, "ask_gap": 1.0}, lexicon)
    assert gap == "it asks for a figure, and the guidance does not give one"
    cited = explain(
        "What does the Tidal Access Review recommend?", {**zero, "ask_gap": 1.0}, lexicon
    )
    assert cited == "it asks what another document says, and the guidance only refers to it"
    novel = explain("What about the airport?", zero, lexicon)
    assert "“airport”" in novel
    assert "relevance" not in gap + novel
    # a form of "do" is never named as a topic the guidance does not discuss
    assert explain("Does the airport open daily?", zero, lexicon) == (
        "the guidance never discusses “airport”, “open”"
    )


def test_the_model_file_is_validated(tmp_path: Path) -> None:
    with pytest.raises(AnswerabilityError, match="missing"):
        load_answerability_model(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"weights": {"dense_top": 1.0}, "bias": 0.0}))
    with pytest.raises(AnswerabilityError, match="weights must be exactly"):
        load_answerability_model(bad)


def test_the_model_combines_the_signals() -> None:
    model = AnswerabilityModel(weights={**dict.fromkeys(FEATURES, 0.0), "ask_gap": -4.0}, bias=2.0)
    zero = dict.fromkeys(FEATURES, 0.0)
    assert model.probability(zero) > 0.5 > model.probability({**zero, "ask_gap": 1.0})


def test_the_question_wording_only_nudges() -> None:
    """However large its fitted weights, the question vector moves the log-odds by at most
    ``question_cap``: an off-topic question cannot be talked into scope by its phrasing."""
    model = AnswerabilityModel(
        weights={**dict.fromkeys(FEATURES, 0.0), "dense_top": 10.0},
        bias=-6.0,  # far from the library: log-odds -6 + 10 x 0.1 = -5
        question_weights=[50.0, 0.0],
        embedding_model="test",
        question_cap=1.0,
    )
    far = {**dict.fromkeys(FEATURES, 0.0), "dense_top": 0.1}
    assert model.probability(far, [1.0, 0.0]) == pytest.approx(1 / (1 + math.exp(4.0)))
    assert model.probability(far, [-1.0, 0.0]) == pytest.approx(1 / (1 + math.exp(6.0)))
    near = {**far, "dense_top": 0.65}  # log-odds +0.5: the nudge can tip a close call
    assert model.probability(near, [-1.0, 0.0]) < 0.5 < model.probability(near, [1.0, 0.0])


def test_source_labels_name_the_title_once() -> None:
    from assistant.ask.answer import source_label

    title = "Harbour Guide, Part 1. Process: planning a port"
    section = "Part 1. Process: planning a port > Ferries"
    assert source_label(title, section, 4) == f"{title} — Ferries, page 4"
    assert source_label(title, "Part 1. Process: planning a port", None) == title


def test_table_rows_stay_whole_and_captions_are_known() -> None:
    from assistant.ask.sentences import is_caption
    from assistant.library.passages import is_record, passage_sentences

    row = "Harbour (A) — Goal: Keep berths open. Serve ferries.; Lead: Port Authority"
    assert is_record(row) and passage_sentences(row) == [row]
    assert is_caption("*Table: Berth use by vessel type*") and is_caption("Figure 3. Tides")
    assert not is_caption("The table below shows berth use.")


def test_the_asking_sentence_is_read_without_the_officers_context() -> None:
    chatty = "Our quay is about 40 boats and the nearest ferry's 20 mile off. Who runs the port?"
    assert asking_part(chatty) == "Who runs the port?"
    both = "Tell me about ferries. And harbours?"
    assert asking_part(both) == both
    assert asking_part("Ferry timetables, please.") == "Ferry timetables, please."


def test_context_before_a_semicolon_is_not_the_asking_part() -> None:
    question = "Our marina lands a great deal of shellfish; what does the harbour code require?"
    assert asking_part(question) == "what does the harbour code require?"
