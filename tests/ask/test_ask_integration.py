"""End to end on the real corpus with the real bundled model and the extractive backend.

These questions are written for this test (paraphrases, not the guidance's
wording) and are separate from the evaluation set in evals/questions.jsonl.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import REPO

pytestmark = pytest.mark.integration

ABOUT = "About Local Industrial Strategies"
PEOPLE = "Involving local people in developing your LIS"
DIGITAL = "Maximising digital sectors to drive connected growth"
ANCHOR = "Designing the LIS around local anchor institutions"
BUSINESS = "Harnessing the power of business"
RURAL = "Rural proofing your local industrial strategy"

IN_SCOPE = [
    ("Which steps does the analytical panel recommend when putting a strategy together?", ABOUT),
    ("Should our strategy line up with the national industrial plan?", ABOUT),
    ("Who has to sign off a local strategy besides us?", ABOUT),
    ("What are the cross-cutting themes DCMS thinks make a strategy succeed?", ABOUT),
    ("How should residents be brought into shaping the strategy?", PEOPLE),
    ("How can we make sure young people have a voice in the strategy?", PEOPLE),
    ("Where do focus groups sit on the engagement spectrum?", PEOPLE),
    ("What does handing decisions to the public promise?", PEOPLE),
    ("Is running a few workshops more ambitious than a survey?", PEOPLE),
    ("How big was the software and IT part of the creative industries?", DIGITAL),
    ("How much extra turnover could better digital skills in firms unlock?", DIGITAL),
    ("What does the government's digital plan aim for?", DIGITAL),
    ("What makes an organisation an anchor in its place?", ANCHOR),
    ("Could our local theatre or football club count as an anchor?", ANCHOR),
    ("Why are not-for-profit bodies more reliable anchors than companies?", ANCHOR),
    ("What is the Inclusive Economy Partnership for?", BUSINESS),
    ("What does social impact investment mean?", BUSINESS),
    ("What does the Social Value Act require of commissioners?", BUSINESS),
    ("Is there a training programme for senior commissioning leaders?", BUSINESS),
    ("What population threshold separates urban from rural?", RURAL),
    ("What share of England's economic output comes from rural areas?", RURAL),
    ("Why does broadband cost more to roll out in the countryside?", RURAL),
    ("Which classification should we use to analyse different rural places?", RURAL),
    ("How many people work for rural registered businesses?", RURAL),
]

OUT_OF_SCOPE = [
    "What is the current rate of VAT on restaurant meals?",
    "Who won the Premier League last season?",
    "How do I apply for planning permission for a loft conversion?",
    "What will the weather be like in Manchester tomorrow?",
    "How much housing benefit can a single parent claim?",
    "What is the capital of Australia?",
    "Write me a Python function that sorts a list.",
]


# Refusing an answerable question, or leading with another section, is a measured error
# rate, not an exception: on the validation question split about one answerable question
# in eight is refused or led from the wrong section (README, Results; issue 12 aims at
# one in fifty). This set of 24 may lose at most MAX_WRONG (12.5%); each loss is listed.
MAX_WRONG = 3


def test_answers_cite_the_right_section(lisa) -> None:  # type: ignore[no-untyped-def]
    by_id = {c.id: c for c in lisa.retriever.chunks}
    wrong = []
    for question, section in IN_SCOPE:
        answer = lisa.ask(question)
        if answer.refused:
            wrong.append((question, f"refused: {answer.reason}"))
            continue
        sections = [c.section.split(" > ")[-1] for c in answer.citations]
        if not sections or sections[0] != section:
            wrong.append((question, f"first source in {sections[:1]}, not {section}"))
        for citation in answer.citations:  # every quote is verbatim in the chunk it names
            chunk = by_id[citation.chunk_id]
            assert citation.quote in chunk.text
            assert (citation.section, citation.source) == (chunk.section, chunk.source)
            assert f"[{citation.id}]" in answer.answer
    assert len(wrong) <= MAX_WRONG, wrong


def test_a_known_miss_is_still_missed(lisa) -> None:  # type: ignore[no-untyped-def]
    """'teenagers' is not linked to the guidance's 'young people' by MiniLM or BM25; when
    this starts passing, move the question into IN_SCOPE."""
    answer = lisa.ask("How can we give teenagers a say in local economic plans?")
    sections = [c.section.split(" > ")[-1] for c in answer.citations]
    assert answer.refused or sections[:1] != [PEOPLE]


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_out_of_scope_questions_are_refused(lisa, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = lisa.ask(question)
    assert answer.refused, (answer.answer, answer.relevance)
    assert not answer.citations


def test_follow_up_question_uses_the_conversation(lisa) -> None:  # type: ignore[no-untyped-def]
    first = lisa.ask("What does the guidance say about digital infrastructure?")
    history = [
        {"role": "user", "content": first.question},
        {"role": "assistant", "content": first.answer},
    ]
    follow = lisa.ask("What about rural areas?", history)
    assert not follow.refused
    assert "rural" in follow.answer.lower() and "infrastructure" in follow.answer.lower()


def test_cli_ask_json_contract(ingested_settings) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "LISA_DATA_DIR": str(ingested_settings.data_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "What counts as a rural area?", "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"answer", "citations", "refused", "reason", "backend", "timing_ms"} <= set(data)
    assert data["backend"] == "extractive" and data["refused"] is False
    assert {"id", "source", "title", "section", "page", "quote", "score"} <= set(
        data["citations"][0]
    )


def test_cli_batch_and_search(ingested_settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        '{"id": "a", "question": "What is an anchor institution?"}\n'
        '{"id": "b", "question": "Who won the FA Cup in 1990?"}\n'
    )
    env = {**os.environ, "LISA_DATA_DIR": str(ingested_settings.data_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "--batch", str(batch)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [json.loads(x) for x in done.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"]
    assert lines[0]["refused"] is False and lines[1]["refused"] is True
    found = subprocess.run(
        [sys.executable, "-m", "assistant", "search", "youth councils", "--k", "3", "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    results = json.loads(found.stdout)["results"]
    assert len(results) <= 3 and results[0]["section"].endswith(PEOPLE)
    assert {"title", "section", "page", "score"} <= set(results[0])


def test_cli_chat_keeps_the_conversation(ingested_settings) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "LISA_DATA_DIR": str(ingested_settings.data_dir)}
    script = "What does the guidance say about digital infrastructure?\nWhat about rural areas?\n"
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "chat"],
        cwd=REPO,
        env=env,
        input=script,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    replies = done.stdout.split("lisa> ")[1:]
    assert len(replies) == 2
    assert "rural" in replies[1].lower() and "infrastructure" in replies[1].lower()
