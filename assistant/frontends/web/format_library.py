"""Pure formatting for the Library and About tabs: the library table, what a change
did, and this installation's settings. Document metadata is escaped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.frontends.web.format import esc

LIBRARY_HEADERS = ["Title", "File", "Publisher", "Date", "Status", "Extracts", "Added"]


# --- Library and About tabs ------------------------------------------------------
def library_table_html(entries: Sequence[Mapping[str, Any]]) -> str:
    """The guidance library as an accessible HTML table (one row per document)."""
    if not entries:
        return '<p class="lisa-empty">The library is empty: add a guidance document below.</p>'
    head = "".join(f'<th scope="col">{h}</th>' for h in LIBRARY_HEADERS)
    rows = []
    for e in entries:
        cells = [
            esc(e.get("source", "")),
            esc(e.get("publisher", "")),
            esc(e.get("date", "")),
            esc(e.get("status", "")),
            str(int(e.get("chunks") or 0)),
            esc(str(e.get("ingested_at", "")).replace("T", " ")),
        ]
        rows.append(
            f'<tr><th scope="row">{esc(e.get("title") or e.get("source", ""))}</th>'
            + "".join(f"<td>{c}</td>" for c in cells)
            + "</tr>"
        )
    caption = (
        f"{len(entries)} guidance document{'' if len(entries) == 1 else 's'}; LISA searches "
        "each in short extracts of about a paragraph"
    )
    return (
        f'<table class="lisa-table lisa-library"><caption>{caption}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def ingest_report_text(report: Any, verb: str) -> tuple[str, str]:
    """(message, kind) for an IngestReport after adding or removing a document."""
    failed = [f for f in report.files if f.status == "failed"]
    if failed:
        reasons = "; ".join(f"{f.source}: {f.reason}" for f in failed)
        return f"Nothing was {verb}. {reasons}", "error"
    changed = [f for f in report.files if f.status in ("added", "updated", "removed")]
    names = ", ".join(
        f"{f.source} ({f.status}, {f.chunks} extracts)" if f.chunks else f"{f.source} ({f.status})"
        for f in changed
    )
    return (
        f"Done: {names or 'no change'}. The library now holds {report.total_chunks} extracts.",
        "success",
    )


GLOSSARY: tuple[tuple[str, str], ...] = (  # the About tab's "Words LISA uses"
    (
        "LIS",
        "Local Industrial Strategy: an area's strategy for growth, developed locally and "
        "agreed with government.",
    ),
    (
        "LEP",
        "Local Enterprise Partnership: a partnership of local business leaders and councils "
        "for an area's economy. The guidance is written for LEPs developing a LIS.",
    ),
    (
        "IAP2",
        "The International Association for Public Participation. Its spectrum of five levels "
        "(Inform, Consult, Involve, Collaborate, Empower) describes how far the public shape a "
        "decision; the guidance uses it.",
    ),
    (
        "Met, Partial, Missing",
        "How far a draft covers one of the guidance's twelve principles: all its criteria, "
        "some of them, or none.",
    ),
    (
        "Extract",
        "A short piece of a document, about a paragraph. LISA searches extracts and quotes them.",
    ),
    (
        "Not covered",
        "The guidance in the library does not answer the question; LISA says so rather than guess.",
    ),
)


def glossary_markdown() -> str:
    rows = "\n".join(f"| {word} | {meaning} |" for word, meaning in GLOSSARY)
    return f"## Words LISA uses\n\n| Word | Meaning |\n|---|---|\n{rows}\n"


CONFIG_MARKDOWN = """
## Using another answer backend

LISA answers with the **extractive** backend by default: it quotes the guidance
and needs no language model. To use a language model, set these environment
variables (or put them in a `.env` file) and restart the app:

| Variable | Meaning |
|---|---|
| `LISA_BACKEND` | `extractive` (default), `openai`, `ollama` or `local` |
| `LISA_OPENAI_BASE_URL` | URL of an OpenAI-compatible server (OpenAI, Azure, vLLM, LM Studio) |
| `LISA_OPENAI_MODEL` | model name for the `openai` backend |
| `LISA_OPENAI_API_KEY` | API key for the `openai` backend (never logged) |
| `LISA_OLLAMA_URL` | Ollama server URL, e.g. `http://127.0.0.1:11434` |
| `LISA_OLLAMA_MODEL` | Ollama model name, e.g. `llama3.1` |
| `LISA_GGUF_PATH` | GGUF model file for the `local` backend (default: the bundled SmolLM2-135M) |

Every answer is checked against its quoted sources whichever backend is used.
The `local` backend's small model is weak: LISA shows a warning while it is in use.
"""


def stats_markdown(stats: Mapping[str, Any]) -> str:
    rows = [
        ("Version", stats.get("version")),
        ("Guidance documents", stats.get("documents")),
        ("Searchable extracts", stats.get("chunks")),
        ("Embedding model", stats.get("embedding_model")),
        ("Answer backend", f"{stats.get('backend')} — {stats.get('backend_label')}"),
        ("Store", stats.get("store")),
    ]
    table = "\n".join(f"| {name} | {esc(value)} |" for name, value in rows)
    return (
        glossary_markdown()
        + "\n## This installation\n\n| Setting | Value |\n|---|---|\n"
        + table
        + "\n"
        + CONFIG_MARKDOWN
    )
