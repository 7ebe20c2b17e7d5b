"""An Ask conversation to keep or circulate: Markdown or Word.

``render_conversation(turns, fmt)`` gives the bytes of one conversation: each
question as the officer typed it, LISA's answer, and the sources it cited (one
reference style, the title, section path and page, with the verbatim quote). A
refused answer is marked as not covered by the guidance, with the sections the
guidance does cover; warnings are kept as notes. An optional
``ConversationAudit`` says when, by which LISA and from which guidance.

Questions and guidance text are untrusted: Markdown escapes markup characters
(no links, images or HTML survive); Word gets plain runs, never interpreted.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from assistant.reports.docx import _bytes, _new_document, _t
from assistant.reports.labels import md_escape
from assistant.reports.render import ReportFormatError

if TYPE_CHECKING:
    from assistant.ask.answer import Answer

CONVERSATION_FORMATS = ("md", "docx")
TITLE = "Conversation with LISA"
NOT_COVERED = "Not covered by the guidance"
NO_QUESTIONS = "No questions have been asked yet."
SUGGESTIONS = "Sections the guidance does cover"


@dataclasses.dataclass(frozen=True)
class ConversationAudit:
    """How a conversation was answered: when, by which LISA, backend and guidance."""

    created: str  # ISO 8601, UTC
    lisa_version: str
    backend: str  # the answer backend
    guidance: tuple[str, ...]  # each guidance document: title, date, status

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) pairs, in the order both formats show them."""
        return [
            ("Made", self.created),
            ("LISA", self.lisa_version),
            ("Guidance", "; ".join(self.guidance) or "none in the library"),
            ("Answer backend", self.backend),
        ]


def _paragraphs(text: str) -> list[str]:
    """Text split at blank lines, each paragraph on one line."""
    blocks = (" ".join(block.split()) for block in text.replace("\r", "").split("\n\n"))
    return [block for block in blocks if block]


# ------------------------------------------------------------------- Markdown
def _markdown(turns: Sequence[tuple[str, Answer]], audit: ConversationAudit | None) -> bytes:
    lines = [f"# {TITLE}", ""]
    if not turns:
        lines += [NO_QUESTIONS, ""]
    for n, (question, answer) in enumerate(turns, start=1):
        lines += [f"## Question {n}", "", f"**You asked:** {md_escape(question)}", ""]
        if answer.refused:
            lines += [f"**{NOT_COVERED}.**", ""]
        for paragraph in _paragraphs(answer.answer):
            lines += [md_escape(paragraph), ""]
        if answer.refused and answer.suggestions:
            lines += [f"**{SUGGESTIONS}:**", ""]
            lines += [f"- {md_escape(s)}" for s in answer.suggestions]
            lines.append("")
        for warning in answer.warnings:
            lines += [f"> **Note:** {md_escape(warning)}", ""]
        if answer.citations:
            lines += ["### Sources", ""]
            for c in answer.citations:
                lines.append(f"- \\[{c.id}\\] {md_escape(c.label or c.source)}")
                lines.append(f"  > {md_escape(c.quote)}")
            lines.append("")
    if audit:
        lines += ["## About this conversation", ""]
        lines += [f"- **{label}:** {md_escape(value)}" for label, value in audit.lines()]
        lines.append("")
    return "\n".join(lines).encode("utf-8")


# ----------------------------------------------------------------------- Word
def _docx(turns: Sequence[tuple[str, Answer]], audit: ConversationAudit | None) -> bytes:
    doc = _new_document(TITLE)
    doc.core_properties.subject = "Local Industrial Strategy guidance conversation"
    if not turns:
        doc.add_paragraph(NO_QUESTIONS)
    for n, (question, answer) in enumerate(turns, start=1):
        _turn(doc, n, question, answer)
    if audit:
        doc.add_heading("About this conversation", level=1)
        for label, value in audit.lines():
            para = doc.add_paragraph(style="List Bullet")
            para.add_run(f"{label}: ").bold = True
            para.add_run(_t(value))
        doc.core_properties.version = _t(audit.lisa_version)
        doc.core_properties.comments = _t(f"Answer backend: {audit.backend}")
        with contextlib.suppress(ValueError):  # else keep the time the document was made
            doc.core_properties.created = dt.datetime.fromisoformat(audit.created)
    return _bytes(doc)


def _turn(doc: Any, n: int, question: str, answer: Answer) -> None:
    doc.add_heading(f"Question {n}", level=1)
    para = doc.add_paragraph()
    para.add_run("You asked: ").bold = True
    para.add_run(_t(question))
    if answer.refused:
        doc.add_paragraph().add_run(f"{NOT_COVERED}.").bold = True
    for text in _paragraphs(answer.answer):
        doc.add_paragraph(_t(text))
    if answer.refused and answer.suggestions:
        doc.add_paragraph().add_run(f"{SUGGESTIONS}:").bold = True
        for s in answer.suggestions:
            doc.add_paragraph(_t(s), style="List Bullet")
    for warning in answer.warnings:
        para = doc.add_paragraph()
        para.add_run("Note: ").bold = True
        para.add_run(_t(warning))
    if answer.citations:
        doc.add_heading("Sources", level=2)
        for c in answer.citations:
            para = doc.add_paragraph(style="List Bullet")
            para.add_run(f"[{c.id}] ").bold = True
            para.add_run(_t(c.label or c.source))
            doc.add_paragraph(style="Quote").add_run(_t(f"“{c.quote}”")).italic = True


def render_conversation(
    turns: Sequence[tuple[str, Answer]], fmt: str, audit: ConversationAudit | None = None
) -> bytes:
    """One conversation, each (question as typed, Answer) in order, in ``fmt`` (md or docx)."""
    if fmt == "md":
        return _markdown(turns, audit)
    if fmt == "docx":
        return _docx(turns, audit)
    raise ReportFormatError(
        f"unknown conversation format '{fmt}'; use one of {', '.join(CONVERSATION_FORMATS)}"
    )
