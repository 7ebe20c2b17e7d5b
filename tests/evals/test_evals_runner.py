"""The eval runner: a tiny question set end to end, the CLI, and critique scoring with a fake."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, REPO

from evals import runner

QUESTIONS = [
    {
        "id": "t1",
        "question": "What counts as a rural area?",
        "answerable": True,
        "section": "Rural proofing your local industrial strategy",
        "must": [["10,000"]],
    },
    {
        "id": "t2",
        "question": "Who won the Premier League last season?",
        "answerable": False,
        "section": None,
        "must": [],
    },
    {
        "id": "t3",
        "history": ["What is an anchor institution?"],
        "question": "Can a for-profit company be one?",
        "answerable": True,
        "section": "Designing the LIS around local anchor institutions",
        "must": [["for-profit"]],
    },
]


def _write_questions(path: Path) -> Path:
    path.write_text("".join(json.dumps(q) + "\n" for q in QUESTIONS), encoding="utf-8")
    return path


@pytest.mark.integration
def test_runner_writes_everything(lisa: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    config = runner.EvalConfig(
        qa=_write_questions(tmp_path / "q.jsonl"), out=out, critique=False, log=lambda _m: None
    )
    metrics = runner.run(config, lisa=lisa)
    answers = [json.loads(line) for line in (out / "answers.jsonl").read_text().splitlines()]
    assert [a["id"] for a in answers] == ["t1", "t2", "t3"]
    assert {"answer", "citations", "refused", "timing_ms", "standalone_question"} <= set(answers[0])
    # the follow-up was asked with the replayed conversation and condensed
    assert "anchor" in answers[2]["standalone_question"].lower()
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["headline"] == metrics["headline"]
    assert saved["critique"] == {"skipped": "disabled with --no-critique", "explicit": True}
    assert saved["retrieval"]["questions"] == 2
    assert set(saved["retrieval"]["systems"]) == {"hybrid", "bm25", "dense", "tutorial"}
    assert saved["answers"]["questions"] == 3
    assert "total" in saved["latency"]
    for key in ("retrieval.hit@5", "answers.must_include_recall", "answers.refusal_recall"):
        assert 0.0 <= saved["headline"][key] <= 1.0
    report = (out / "report.md").read_text()
    assert "# LISA evaluation report" in report and "Skipped: disabled with --no-critique" in report
    assert len((out / "retrieval.jsonl").read_text().splitlines()) == 3


@pytest.mark.integration
def test_cli_ingests_an_empty_store_and_records_a_baseline(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "LISA_DATA_DIR": str(tmp_path / "data"),
        "LISA_CORPUS_DIR": str(CORPUS),
        "LISA_PROMPTS_DIR": str(REPO / "prompts"),
    }
    baseline = tmp_path / "baseline.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "evals",
            "--qa",
            str(_write_questions(tmp_path / "q.jsonl")),
            "--out",
            str(tmp_path / "out"),
            "--no-critique",
            "--no-baselines",
            "--update-baseline",
            "--baseline",
            str(baseline),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "is empty: ingesting" in done.stderr
    assert (tmp_path / "data").is_dir()
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert "tutorial" not in metrics["retrieval"]["systems"]
    recorded = json.loads(baseline.read_text())
    assert recorded["metrics"]["retrieval.hit@5"] == metrics["headline"]["retrieval.hit@5"]


def test_cli_rejects_a_missing_questions_file(tmp_path: Path) -> None:
    from evals.__main__ import main

    assert main(["--qa", str(tmp_path / "nope.jsonl"), "--no-critique"]) == 2


def test_load_questions_validates(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "q"}\n')
    with pytest.raises(ValueError, match="answerable"):
        runner.load_questions(bad)
    dup = tmp_path / "dup.jsonl"
    dup.write_text('{"id": "a", "question": "q", "answerable": false}\n' * 2)
    with pytest.raises(ValueError, match="duplicate"):
        runner.load_questions(dup)


class _FakeReport:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        return self.data


def test_critique_report_dicts_normalise_to_the_labelled_fields() -> None:
    report = {
        "principles": [{"id": "digital", "status": "Met"}],
        "iap2_level": "involve",
        "warnings": [{"kind": "injection", "message": "x"}],
    }
    assert runner.normalise_report(report) == {
        "status": {"digital": "met"},
        "iap2": "involve",
        "injection": True,
    }


def test_kappa_is_one_for_agreement_and_lower_for_disagreement() -> None:
    from evals import metrics as M

    gold = {"a": {"status": {"p": "met", "q": "missing", "r": "partial"}}}
    assert M.cohen_kappa(gold, gold) == 1.0
    worse = {"a": {"status": {"p": "missing", "q": "met", "r": "partial"}}}
    assert M.cohen_kappa(gold, worse) < 0.5
