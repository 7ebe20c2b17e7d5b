"""``lisa`` (``python -m assistant``): search, ask, chat, critique and ingest in a terminal."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.ask.answer import Answer
from assistant.ask.retrieval import Retrieval

if TYPE_CHECKING:
    from assistant.settings import Settings


def _parser() -> argparse.ArgumentParser:
    prog = "lisa" if Path(sys.argv[0]).name == "lisa" else "python -m assistant"
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    search = sub.add_parser("search", help="ranked guidance passages for a query")
    search.add_argument("query")
    search.add_argument("--k", type=int, default=None, help="number of passages")
    search.add_argument("--json", action="store_true")
    ask = sub.add_parser("ask", help="a grounded answer with citations")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--batch", type=Path, help='JSONL file of {"id", "question"} lines')
    sub.add_parser("chat", help="a conversation in the terminal")
    critique = sub.add_parser("critique", help="score draft strategies against the guidance")
    critique.add_argument("files", nargs="+", type=Path)
    critique.add_argument("--format", choices=["json", "md", "html", "docx"], default="md")
    critique.add_argument("--out-dir", type=Path)
    critique.add_argument(
        "--compare",
        action="store_true",
        help="two versions of a draft: improved / unchanged / regressed",
    )
    sub.add_parser("stats", help="library and configuration summary")
    ingest = sub.add_parser(
        "ingest", help="add guidance documents to the library (as ingest_docs.py)"
    )
    ingest.add_argument("paths", nargs="*", type=Path, help="files or folders (default: corpus)")
    ingest.add_argument("--rebuild", action="store_true", help="re-embed every file")
    ingest.add_argument(
        "--dry-run", action="store_true", help="show what would change; write nothing"
    )
    ingest.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "ask" and not (args.question or args.batch):
        print("error: give a QUESTION or --batch FILE", file=sys.stderr)
        return 2

    from assistant.settings import Settings

    settings = Settings()
    if args.command == "ingest":
        return ingest(args, settings)
    from assistant.service import build_lisa

    try:
        lisa = build_lisa(settings)
    except Exception as exc:  # start-up failures get one clear line, not a traceback
        print(f"error: cannot start LISA: {exc}", file=sys.stderr)
        return 2
    if len(lisa.retriever) == 0:
        print(
            "warning: the guidance library is empty: run `python ingest_docs.py`", file=sys.stderr
        )
    if args.command == "search":
        print_retrieval(lisa.search(args.query, args.k), args.json)
        return 0
    if args.command == "ask":
        if args.batch:
            return ask_batch(lisa, args.batch)
        answer = lisa.ask(args.question)
        print(
            json.dumps(answer.to_dict(), indent=2, ensure_ascii=False)
            if args.json
            else format_answer(answer)
        )
        return 0
    if args.command == "chat":
        return chat(lisa)
    if args.command == "stats":
        print(json.dumps(lisa.stats(), indent=2))
        return 0
    from assistant.frontends.cli.critique import run_critique

    return run_critique(args.files, args.format, args.out_dir, args.compare, lisa.critique)


def ingest(args: argparse.Namespace, settings: Settings) -> int:
    """``lisa ingest``: the same as ``python ingest_docs.py`` (0 ok, 1 a file failed, 2 busy)."""
    from assistant.frontends.cli.ingest import run_ingest

    report, code = run_ingest(
        args.paths or [settings.corpus_dir], settings, args.rebuild, args.dry_run, args.json
    )
    if args.json and report is not None:
        print(json.dumps(report.to_dict(), indent=2))
    return code


def print_retrieval(result: Retrieval, as_json: bool) -> None:
    rows: list[dict[str, Any]] = [
        {
            "rank": n,
            "id": hit.id,
            "title": hit.chunk.title,
            "section": hit.chunk.section,
            "page": hit.pages[0] if hit.pages else None,
            "score": round(hit.score, 4),
            "dense": round(hit.dense, 4),
            "keyword": round(hit.keyword, 4),
            "text": hit.text,
        }
        for n, hit in enumerate(result.hits, start=1)
    ]
    if as_json:
        print(
            json.dumps(
                {
                    "query": result.query,
                    "relevant": result.relevant,
                    "relevance": round(result.relevance, 4),
                    "reason": result.reason,
                    "results": rows,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    if not result.relevant:
        print(f"No relevant guidance (relevance {result.relevance:.2f}); closest passages:")
    for row in rows:
        page = f", p. {row['page']}" if row["page"] else ""
        print(f"{row['rank']}. [{row['score']:.4f}] {row['title']} — {row['section']}{page}")
        print(
            "   " + row["text"][:300].replace("\n", " ") + ("…" if len(row["text"]) > 300 else "")
        )


def format_answer(answer: Answer) -> str:
    lines = [answer.answer, ""]
    for c in answer.citations:
        lines.append(f"[{c.id}] {c.label}\n    “{' '.join(c.quote.split())}”")
    lines.extend(f"note: {w}" for w in answer.warnings)
    return "\n".join(lines).rstrip()


def ask_batch(lisa: Any, path: Path) -> int:
    status = 0
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                answer = lisa.ask(item["question"], item.get("history_messages") or [])
                out = {"id": item.get("id", number), **answer.to_dict()}
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                out = {"id": number, "error": f"line {number}: {exc}"}
                status = 1
            print(json.dumps(out, ensure_ascii=False), flush=True)
    return status


def chat(lisa: Any) -> int:
    print(f"LISA chat — {lisa.backend_label}. Ask about the guidance; Ctrl-D to leave.")
    history: list[dict[str, str]] = []
    while True:
        try:
            question = input("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question:
            continue
        answer = lisa.ask(question, history)
        print("\nlisa> " + format_answer(answer))
        history += [
            {"role": "user", "content": answer.standalone_question or question},
            {"role": "assistant", "content": answer.answer},
        ]
