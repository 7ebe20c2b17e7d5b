from __future__ import annotations

from conftest import REPO
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.ask.prompts import load_prompts
from evals.judge import judge_answers, parse_score


def test_parse_score() -> None:
    assert parse_score("0.75\nmostly supported") == 0.75
    assert parse_score("1\nfully") == 1.0
    assert parse_score("Score: 0\nnothing supported") == 0.0
    assert parse_score("I think it is good") is None
    assert parse_score("") is None


def test_judge_grades_answered_questions_and_records_unparsed_replies() -> None:
    answers = [
        {
            "id": "a",
            "question": "q?",
            "answer": "x [1]",
            "refused": False,
            "citations": [{"id": 1, "quote": "x"}],
        },
        {"id": "b", "question": "q2?", "answer": "no", "refused": True, "citations": []},
        {
            "id": "c",
            "question": "q3?",
            "answer": "y [1]",
            "refused": False,
            "citations": [{"id": 1, "quote": "y"}],
        },
    ]
    model = FakeListChatModel(responses=["1\nok", "0.5\npartly", "no idea", "0\noff"])
    result = judge_answers(answers, model, load_prompts(REPO / "prompts"))
    assert result["judged"] == 2
    assert result["faithfulness"] == 1.0 and result["relevancy"] == 0.25
    assert result["errors"] == 1 and "no score" in result["rows"][1]["errors"][0]
