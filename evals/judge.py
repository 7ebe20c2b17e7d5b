"""The optional judge tier: an LLM grades faithfulness and answer relevancy.

    LISA_BACKEND=openai ... python -m evals              # writes eval-out/answers.jsonl
    LISA_BACKEND=openai ... python -m evals.judge        # grades them: eval-out/judge.json

Runs only with an LLM backend configured (the judge is that backend's model);
it is not part of ``make test``. A reply the judge gives without a number is
recorded as an error with the reply, never dropped.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage

from assistant.ask.prompts import PromptSet

_SCORE = re.compile(r"(?<![\d.])(0(?:\.\d+)?|1(?:\.0+)?)(?![\d.])")


def parse_score(reply: str) -> float | None:
    """The first number in [0, 1] on the reply's first line, or None."""
    first = reply.strip().splitlines()[0] if reply.strip() else ""
    match = _SCORE.search(first)
    return float(match.group(1)) if match else None


def _ask(model: BaseChatModel, prompt: str) -> str:
    reply = model.invoke([HumanMessage(prompt)])
    return reply.content if isinstance(reply.content, str) else str(reply.content)


def judge_answers(
    answers: Iterable[dict[str, Any]], model: BaseChatModel, prompts: PromptSet
) -> dict[str, Any]:
    """Grade every answered (not refused) question; returns per-question rows and means."""
    rows: list[dict[str, Any]] = []
    for item in answers:
        if item.get("refused"):
            continue
        quotes = "\n".join(f"[{c['id']}] {c['quote']}" for c in item.get("citations", []))
        row: dict[str, Any] = {"id": item.get("id"), "errors": []}
        for metric, prompt in (
            (
                "faithfulness",
                prompts["judge_faithfulness"].format(
                    question=item["question"], answer=item["answer"], quotes=quotes or "(none)"
                ),
            ),
            (
                "relevancy",
                prompts["judge_relevancy"].format(question=item["question"], answer=item["answer"]),
            ),
        ):
            reply = _ask(model, prompt)
            score = parse_score(reply)
            row[metric] = score
            if score is None:
                row["errors"].append(f"{metric}: no score in reply {reply[:120]!r}")
        rows.append(row)

    def mean(metric: str) -> float | None:
        values = [r[metric] for r in rows if r.get(metric) is not None]
        return round(statistics.fmean(values), 4) if values else None

    return {
        "judged": len(rows),
        "faithfulness": mean("faithfulness"),
        "relevancy": mean("relevancy"),
        "errors": sum(len(r["errors"]) for r in rows),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.judge", description=__doc__)
    parser.add_argument("--answers", type=Path, default=Path("eval-out/answers.jsonl"))
    parser.add_argument("--out", type=Path, default=Path("eval-out/judge.json"))
    args = parser.parse_args(argv)

    from assistant.ask.backends import make_chat_model
    from assistant.ask.prompts import load_prompts
    from assistant.settings import Settings

    settings = Settings()
    model = make_chat_model(settings)
    if model is None:
        print(
            "error: the judge needs an LLM backend: set LISA_BACKEND=openai|ollama|local",
            file=sys.stderr,
        )
        return 2
    if not args.answers.exists():
        print(f"error: {args.answers} does not exist: run `python -m evals` first", file=sys.stderr)
        return 2
    answers = [json.loads(line) for line in args.answers.read_text().splitlines() if line.strip()]
    result = judge_answers(answers, model, load_prompts(settings.prompts_dir))
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(
        f"judged {result['judged']} answers: faithfulness {result['faithfulness']}, "
        f"relevancy {result['relevancy']}, {result['errors']} unparsed replies -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
