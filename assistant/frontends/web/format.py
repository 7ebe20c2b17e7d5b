"""Pure formatting for the web app: data in, Markdown or HTML strings out.

The shared text helpers (escaping, shortening, places and quotes), the Ask tab's
answers, sources and banners, and the upload checks. The Critique tab's formatting is
in ``format_critique``, the Library and About tabs' in ``format_library``.

Nothing here touches Gradio, the model or the disk (except ``check_upload``,
which only reads a file's size), so each function is unit-tested on its own.
Every piece of document or model text that goes into HTML is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from assistant.ask.answer import Answer, Citation, short_section

SMALL_MODEL_MARKER = "Small local model"
QUOTE_LIMIT = 600  # characters of a cited passage shown under an answer
DRAFT_SUFFIXES = (".pdf", ".docx", ".md", ".txt")


# --- small text helpers ----------------------------------------------------
def esc(text: object) -> str:
    """HTML-escape anything for use in HTML or Markdown."""
    return html.escape("" if text is None else str(text), quote=False)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def as_text(text: object) -> str:
    """What an officer typed, shown as typed: HTML escaped and Markdown neutralised, so
    ``![x](http://…)`` is text, never an image the browser fetches."""
    return _MARKDOWN.sub(r"\\\1", esc(text))


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """Cut long text at a word boundary, marking the cut with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"


def section_path(section: str) -> str:
    return section.replace(" > ", " › ")


def blockquote(text: str) -> str:
    return "> “" + esc(shorten(text)) + "”"


def place(section: str | None, page: int | None) -> str:
    """'Section › Subsection, page 4' (either part may be missing)."""
    parts = [section_path(section)] if section else []
    if page:
        parts.append(f"page {page}")
    return ", ".join(parts)


# --- Ask tab -----------------------------------------------------------------
def highlighted(passage: str, quotes: Iterable[str]) -> str:
    """The passage as escaped HTML with each quoted sentence in ``<mark>``."""
    spans = sorted(
        (start, start + len(q))
        for q in dict.fromkeys(quotes)
        if q and (start := passage.find(q)) >= 0
    )
    out, at = [], 0
    for start, end in spans:
        if start < at:  # overlaps a quote already marked
            continue
        out += [esc(passage[at:start]), f"<mark>{esc(passage[start:end])}</mark>"]
        at = end
    out.append(esc(passage[at:]))
    return "".join(out).replace("\n\n", "<br><br>")


def passage_html(citations: Sequence[Citation]) -> str:
    """A citation an officer can open: the whole passage in its section, the quoted
    sentences highlighted, and the page. One line of HTML, so Markdown leaves it alone."""
    first = citations[0]
    where = place(short_section(first.title, first.section), first.page) or first.title
    markers = ", ".join(f"[{c.id}]" for c in citations)
    return (
        f'<details class="lisa-passage"><summary>Read {markers} in context: '
        f"{esc(where)}</summary><p><strong>{esc(first.title)}</strong>"
        f"{' — ' + esc(where) if where != first.title else ''}</p>"
        f"<p>{highlighted(first.passage, (c.quote for c in citations))}</p></details>"
    )


def sources_markdown(citations: Sequence[Citation]) -> str:
    """Sources under an answer: title, section path and page once per passage, then the
    quoted sentences with their [n] markers, then each passage to open in context."""
    if not citations:
        return ""
    groups: dict[tuple[str, str, int | None], list[Citation]] = {}
    for c in citations:
        groups.setdefault((c.title, c.section, c.page), []).append(c)
    parts = ["**Sources**"]
    for (title, section, page), items in groups.items():
        where = place(short_section(title, section), page)
        parts.append(f"**{esc(title)}**" + (f" — {esc(where)}" if where else ""))
        parts.append("\n>\n".join(f"> [{c.id}] “{esc(shorten(c.quote))}”" for c in items))
        by_passage: dict[str, list[Citation]] = {}
        for c in items:
            if c.passage:
                by_passage.setdefault(c.chunk_id, []).append(c)
        parts.extend(passage_html(group) for group in by_passage.values())
    return "\n\n".join(parts)


def refusal_heading(answer: Answer) -> str:
    """Why there is no answer, in a few words. Requests refused before any search (not a
    guidance question, instructions to LISA) carry no relevance score."""
    reason = (answer.reason or "").lower()
    if reason.startswith("retrieval failed"):
        return "LISA could not search the guidance."
    if "library is empty" in reason:
        return "The guidance library is empty."
    if answer.relevance is None and answer.reason:
        return "LISA does not answer this kind of request."
    return "Not covered by the guidance in LISA's library."


def details_html(rows: Sequence[tuple[str, str]]) -> str:
    """Numbers and working, for an officer who wants to check: closed until opened, so
    the answer itself stays in plain words. One line of HTML; '' when there is nothing."""
    if not rows:
        return ""
    items = "".join(f"<li>{esc(label)}: {esc(value)}</li>" for label, value in rows)
    return f'<details class="lisa-details"><summary>Details</summary><ul>{items}</ul></details>'


def answer_details(answer: Answer, floor: float | None = None) -> str:
    """How sure LISA was that the guidance answers the question, and how each quoted
    passage matched the search."""
    rows = []
    if answer.relevance is not None:
        sure = f"{answer.relevance:.0%}"
        if floor is not None:
            sure += f" (LISA answers from {floor:.0%})"
        rows.append(("How likely the guidance answers this", sure))
    asked = answer.standalone_question
    if asked and asked != answer.question:
        rows.append(("Searched as", asked))
    rows += [(f"Search score of [{c.id}]", f"{c.score:.2f}") for c in answer.citations]
    return details_html(rows)


def answer_markdown(answer: Answer, floor: float | None = None) -> str:
    """The chat message for one finished answer: text, sources, notes, then the numbers
    in a closed details panel."""
    if answer.refused:
        parts = [f"**⚠ {refusal_heading(answer)}**", esc(answer.answer)]
        if answer.suggestions:
            parts.append("Closest sections: " + "; ".join(esc(s) for s in answer.suggestions))
    else:
        parts = [esc(answer.answer)]
        if answer.citations:
            parts.append(sources_markdown(answer.citations))
        else:
            parts.append("_No sources: treat this answer with care._")
    parts.extend(f"_Note: {esc(w)}_" for w in answer.warnings)
    parts.append(answer_details(answer, floor))
    return "\n\n".join(p for p in parts if p)


def history_turns(question: str, answer: Answer) -> list[dict[str, str]]:
    """What the answer chain sees of this turn when the officer asks a follow-up."""
    return [
        {"role": "user", "content": answer.standalone_question or question},
        {"role": "assistant", "content": answer.answer},
    ]


def backend_banner(label: str, documents: int | None = None, chunks: int | None = None) -> str:
    """HTML banner naming the answer backend; the small local model gets a warning."""
    library = ""
    if documents is not None and chunks is not None:
        library = f" Library: {documents} guidance document{'' if documents == 1 else 's'}."
        if chunks == 0:
            library = (
                " <strong>The guidance library is empty:</strong> add documents in the "
                "Library tab or run <code>python ingest_docs.py</code>."
            )
    if SMALL_MODEL_MARKER.lower() in label.lower():
        return (
            '<div class="lisa-banner lisa-banner-warning" role="status">'
            f"<strong>Warning:</strong> answers come from a {esc(label)}. It is weak and can "
            "invent details: check every answer against its quoted sources." + library + "</div>"
        )
    return (
        '<div class="lisa-banner" role="status">'
        f"<strong>Answers:</strong> {esc(label)}." + library + "</div>"
    )


def message_html(text: str, kind: str = "info") -> str:
    """A status line; errors are announced to screen readers."""
    if not text:
        return ""
    role = "alert" if kind == "error" else "status"
    prefix = {"error": "Error: ", "success": "", "info": ""}.get(kind, "")
    return (
        f'<div class="lisa-message lisa-message-{esc(kind)}" role="{role}">'
        f"<strong>{prefix}</strong>{esc(text)}</div>"
    )


# --- uploads ----------------------------------------------------------------
def size_limit(max_mb: float) -> str:
    """The upload limit, in the one wording every screen and message uses."""
    return f"up to {max_mb:g} MB"


def check_upload(path: Path, allowed: Sequence[str], max_mb: float) -> str | None:
    """None when the file is acceptable, otherwise the message to show."""
    suffix = path.suffix.lower()
    if suffix not in allowed:
        return (
            f"{path.name}: LISA cannot read '{suffix or 'files without an extension'}'. "
            f"Upload one of: {', '.join(allowed)}."
        )
    try:
        size = path.stat().st_size
    except OSError:
        return f"{path.name}: the upload could not be read; try again."
    if size == 0:
        return f"{path.name}: the file is empty."
    if size > max_mb * 1024 * 1024:
        return (
            f"{path.name} is {size / 1_048_576:.1f} MB; files can be {size_limit(max_mb)}. "
            "Remove images or split the document and try again."
        )
    return None
