"""Asking LISA the eval questions: load the question set and LISA, then ask everything
(replaying multi-turn conversations) and record every retriever's ranks."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from evals.config import EvalConfig
from evals.retrieval_comparison import retrieval_ranks

if TYPE_CHECKING:
    from assistant.library.embeddings import LisaEmbeddings
    from assistant.settings import Settings
    from evals.baselines import TutorialRetriever


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSONL file."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not JSON ({exc})") from exc


def load_questions(path: Path) -> list[dict[str, Any]]:
    items = []
    for n, item in _records(path):
        missing = {"id", "question", "answerable"} - set(item)
        if missing:
            raise ValueError(f"{path}:{n}: missing field(s) {sorted(missing)}")
        item.setdefault("section", None)
        item.setdefault("must", [])
        item.setdefault("history", [])
        items.append(item)
    ids = [i["id"] for i in items]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: duplicate question ids")
    return items


def load_conversations(path: Path) -> list[dict[str, Any]]:
    """Each turn of each conversation as a question item with the earlier turns as history.

    Ids are ``<conversation>.t<n>``; ``conversation`` names the conversation.
    """
    items: list[dict[str, Any]] = []
    for _, conversation in _records(path):
        earlier: list[str] = []
        for t, turn in enumerate(conversation["turns"], 1):
            items.append(
                {
                    "id": f"{conversation['id']}.t{t}",
                    "conversation": conversation["id"],
                    "question": turn["question"],
                    "answerable": turn["answerable"],
                    "section": turn.get("section"),
                    "must": turn.get("must", []),
                    "history": list(earlier),
                    "depends_on_previous": bool(turn.get("depends_on_previous")),
                }
            )
            earlier.append(turn["question"])
    return items


def load_question_set(path: Path) -> list[dict[str, Any]]:
    """A question file and, when it sits beside one, its conversations.jsonl."""
    items = load_questions(path)
    conversations = path.with_name("conversations.jsonl")
    if path.name != "conversations.jsonl" and conversations.exists():
        items += load_conversations(conversations)
    return items


def load_lisa(log: Callable[[str], None] = lambda _m: None) -> Any:
    """``build_lisa(Settings())``, ingesting the corpus first when the store is empty."""
    from assistant.library.ingest import ingest_paths
    from assistant.library.models import build_embeddings
    from assistant.library.store import open_store
    from assistant.service import build_lisa
    from assistant.settings import Settings

    settings = Settings()
    embeddings = build_embeddings(settings)
    store = open_store(settings, embeddings)
    if store.count() == 0:
        log(f"the store in {settings.data_dir} is empty: ingesting {settings.corpus_dir}")
        report = ingest_paths([settings.corpus_dir], settings, lambda: store, embeddings)
        if not report.ok:
            failed = [f"{f.source}: {f.reason}" for f in report.files if f.status == "failed"]
            raise RuntimeError(f"ingest failed: {failed}")
    else:
        stale = store_staleness(settings, embeddings)
        if stale:
            log(
                f"warning: the store in {settings.data_dir} is out of date with "
                f"{settings.corpus_dir} ({stale}); run `make index` for current figures"
            )
    return build_lisa(settings, embeddings)


def _no_store() -> NoReturn:
    raise AssertionError("a dry-run ingest never opens the store")


def store_staleness(settings: Settings, embeddings: LisaEmbeddings) -> str | None:
    """What an ingest would change (a dry run), or None when the store is current."""
    from assistant.library.ingest import ingest_paths

    try:
        report = ingest_paths([settings.corpus_dir], settings, _no_store, embeddings, dry_run=True)
    except Exception as exc:  # the check is advisory; never stop the eval for it
        return f"could not check: {type(exc).__name__}: {exc}"
    changes = {s: report.count(s) for s in ("added", "updated", "removed", "failed")}
    return ", ".join(f"{n} {s}" for s, n in changes.items() if n) or None


def ask_replaying(lisa: Any, item: dict[str, Any]) -> Any:
    """Ask the question after replaying its earlier turns through LISA itself."""
    history: list[dict[str, str]] = []
    for earlier in item.get("history") or []:
        reply = lisa.ask(earlier, history)
        history += [
            {"role": "user", "content": earlier},
            {"role": "assistant", "content": reply.answer},
        ]
    return lisa.ask(item["question"], history)


def run_questions(
    lisa: Any, questions: Sequence[dict[str, Any]], config: EvalConfig
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Ask everything; return (answer records, retrieval records)."""
    tutorial: TutorialRetriever | None = None
    if config.baselines:
        from evals.baselines import TutorialRetriever, corpus_files

        started = time.perf_counter()
        tutorial = TutorialRetriever(corpus_files(lisa.settings.corpus_dir), lisa.embeddings)
        config.log(
            f"tutorial baseline: {len(tutorial.chunks)} chunks embedded in "
            f"{time.perf_counter() - started:.1f} s"
        )
    answers, retrievals = [], []
    try:
        for n, item in enumerate(questions, 1):
            answer = ask_replaying(lisa, item)
            record = {"id": item["id"], **answer.to_dict()}
            answers.append(record)
            query = answer.standalone_question or item["question"]
            row: dict[str, Any] = {
                "id": item["id"],
                "gold": item.get("section"),
                "query": query,
                "guard_refused": not answer.standalone_question,
            }
            if item.get("answerable") and item.get("section"):
                row.update(retrieval_ranks(lisa, query, tutorial))
            retrievals.append(row)
            if n % 20 == 0 or n == len(questions):
                config.log(f"asked {n}/{len(questions)}")
    finally:
        if tutorial is not None:
            tutorial.close()
    return answers, retrievals
