"""Web app callbacks: each calls into ``Lisa`` and formats the result; no other logic.

Every callback gets the session's ``Session`` (from ``gr.State``) and returns
it, so one officer's conversation, draft and report never reach another's.
The Ask and Critique tabs' handlers are here; the page load's, About's and the
Library's are in ``callbacks_library`` (``LibraryCallbacks``, which ``Callbacks`` extends).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.ask.answer import Answer
from assistant.critique.model import CritiqueError, CritiqueFailure
from assistant.documents.model import DocumentError
from assistant.frontends.web.callbacks_library import LibraryCallbacks
from assistant.frontends.web.feedback import record_feedback
from assistant.frontends.web.format import (
    DRAFT_SUFFIXES,
    answer_markdown,
    as_text,
    check_upload,
    esc,
    history_turns,
    message_html,
)
from assistant.frontends.web.format_critique import (
    draft_answer_markdown,
    engagement_markdown,
    principle_choices,
    principle_detail_markdown,
    principles_table_html,
    summary_markdown,
    warnings_markdown,
)
from assistant.frontends.web.loader import LisaLoader
from assistant.frontends.web.owners import FileOwners, ForeignFileError, owner_of
from assistant.frontends.web.session import DraftIndex, Session, SessionFiles, delete_session
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.frontends.protocol import LisaService as Lisa

log = logging.getLogger(__name__)

REPORT_FORMATS = ("docx", "html", "md", "json")
CONVERSATION_FORMATS = ("docx", "md")


class Callbacks(LibraryCallbacks):
    """The app's event handlers around one ``Lisa`` (or a loader still building it)."""

    def __init__(self, lisa: Lisa | LisaLoader, settings: Settings, owners: FileOwners) -> None:
        self.lisa: Callable[[], Lisa] = lisa if isinstance(lisa, LisaLoader) else (lambda: lisa)
        self.settings = settings
        self.files = SessionFiles()
        self.owners = owners  # which browser owns which upload and download (guard.py)

    def session_of(self, value: Any, request: gr.Request | None) -> Session:
        if not isinstance(value, Session):
            session_hash = request.session_hash if request is not None else None
            value = Session(session_hash=session_hash or uuid.uuid4().hex)
        value.owner = value.owner or owner_of(request)  # the browser, for the clean-up
        return value

    # --- Ask ----------------------------------------------------------------
    def ask(self, question: str, value: Any, request: gr.Request) -> Iterator[tuple[Any, ...]]:
        s = self.session_of(value, request)
        q = (question or "").strip()
        if not q:
            yield s.messages, "", s
            return
        s.messages = [*s.messages, {"role": "user", "content": as_text(q)}]
        pending = {"role": "assistant", "content": "_Searching the guidance…_"}
        yield [*s.messages, pending], "", s
        answer: Answer | None = None
        text = ""
        try:
            for piece in self.lisa().stream(q, s.history):
                if isinstance(piece, str):
                    text += piece
                    yield [*s.messages, {"role": "assistant", "content": esc(text)}], "", s
                else:
                    answer = piece
        except gr.Error:
            raise
        except Exception as exc:
            log.exception("ask failed")
            s.messages = [
                *s.messages,
                {
                    "role": "assistant",
                    "content": esc(f"Error: LISA could not answer ({type(exc).__name__}: {exc})."),
                },
            ]
            yield s.messages, q, s
            return
        if answer is None:
            raise gr.Error("LISA returned no answer; please report this.")
        reply = answer_markdown(answer, self.settings.min_relevance)
        s.messages = [*s.messages, {"role": "assistant", "content": reply}]
        s.rated[len(s.messages) - 1] = (q, answer.answer)
        s.turns = [*s.turns, (q, answer)]
        s.history = [*s.history, *history_turns(q, answer)]
        yield s.messages, "", s

    def new_conversation(self, value: Any, request: gr.Request) -> tuple[Any, ...]:
        s = self.session_of(value, request)
        s.messages, s.history, s.rated, s.turns = [], [], {}, []
        note = message_html("New conversation: earlier questions no longer steer the answers.")
        return [], "", s, note

    def download_conversation(self, value: Any, request: gr.Request) -> tuple[Any, ...]:
        """The conversation so far as Markdown and Word, in this session's own folder."""
        from assistant.reports.conversation import ConversationAudit, render_conversation

        s = self.session_of(value, request)
        if not s.turns:
            return (
                gr.update(value=None, visible=False),
                message_html(
                    "Ask a question first: there is no conversation to download yet.", "error"
                ),
                s,
            )
        audit = self.lisa().audit()
        about = ConversationAudit(audit.created, audit.lisa_version, audit.backend, audit.guidance)
        folder = s.folder = self.files.folder(s.session_hash)
        files = []
        for fmt in CONVERSATION_FORMATS:
            target = folder / f"lisa-conversation.{fmt}"
            target.write_bytes(render_conversation(s.turns, fmt, about))
            files.append(str(target))
        count = len(s.turns)
        note = f"Your conversation ({count} question{'s' if count != 1 else ''}) is ready below."
        return gr.update(value=files, visible=True), message_html(note, "success"), s

    def new_draft_conversation(self, value: Any, request: gr.Request) -> tuple[Any, ...]:
        """Forget the questions asked about the draft (the draft itself stays)."""
        s = self.session_of(value, request)
        s.draft_messages, s.draft_history = [], []
        return [], "", s

    def rate(self, value: Any, like: gr.LikeData) -> str:
        s = value if isinstance(value, Session) else None
        index = like.index if isinstance(like.index, int) else like.index[0]
        if s is None or index not in s.rated:
            return message_html("Only LISA's answers can be rated.", "info")
        question, answer = s.rated[index]
        rating = "up" if like.liked is True else "down"
        record_feedback(self.settings.feedback_file, question, answer, rating)
        return message_html("Thank you: your rating was saved.", "success")

    # --- Critique -----------------------------------------------------------
    def critique(
        self,
        upload: str | None,
        value: Any,
        request: gr.Request,
        progress: Any = gr.Progress(),  # noqa: B008 (Gradio injects progress this way)
    ) -> tuple[Any, ...]:
        s = self.session_of(value, request)
        s.clear_critique()

        def failed(message: str) -> tuple[Any, ...]:
            return (
                message_html(message, "error"),
                gr.update(visible=False),
                "",
                "",
                "",
                "",
                gr.update(choices=[], value=None),
                "",
                None,
                [],
                s,
            )

        if not upload:
            return failed("Choose a draft file first.")
        path = Path(upload)
        owner = owner_of(request)  # the browser asking, whoever's session it names
        try:  # another browser's upload is never read here
            self.owners.check(owner, path)
        except ForeignFileError as exc:
            return failed(str(exc))
        self.owners.add(path, str(owner), s.session_hash)  # this session now uses it
        problem = check_upload(path, DRAFT_SUFFIXES, self.settings.max_file_mb)
        if problem:
            return failed(problem)
        lisa = self.lisa()
        progress(0.0, desc="Reading the draft")
        try:
            outcome = lisa.critique(
                path,
                progress=lambda f, m: progress(f, desc=m[:1].upper() + m[1:]),
                source=path.name,
            )
            if isinstance(outcome, CritiqueFailure):
                return failed(f"LISA could not critique {outcome.draft}: {outcome.reason}")
            report = outcome.report
            index = DraftIndex(path.name, list(outcome.units), outcome.vectors)
            data = report.to_dict()
        except DocumentError as exc:
            return failed(f"LISA could not critique {exc.source}: {exc.reason}")
        except CritiqueError as exc:
            return failed(f"LISA could not critique {exc.draft}: {exc.reason}")
        except Exception as exc:
            log.exception("critique failed")
            return failed(f"The critique failed ({type(exc).__name__}: {exc}).")
        s.draft_name, s.report, s.report_dict, s.draft_index = path.name, report, data, index
        folder = s.folder = self.files.folder(s.session_hash)
        notes = []
        for fmt in REPORT_FORMATS:
            target = folder / f"{path.stem}-critique.{fmt}"
            try:
                from assistant.reports.render import render_report

                target.write_bytes(render_report(report, fmt))
                s.downloads.append(str(target))
            except Exception as exc:
                log.exception("rendering %s failed", fmt)
                notes.append(f"The {fmt.upper()} report could not be made ({exc}).")
        status = (
            message_html(" ".join(notes), "error")
            if notes
            else message_html(f"Critique of {path.name} complete.", "success")
        )
        warnings = warnings_markdown(data.get("warnings") or [])
        return (
            status,
            gr.update(visible=True),
            gr.update(value=warnings, visible=bool(warnings)),
            summary_markdown(data),
            engagement_markdown(data),
            principles_table_html(data),
            gr.update(choices=principle_choices(data), value=None),
            "",
            list(s.downloads),
            [],
            s,
        )

    def show_principle(self, principle_id: str | None, value: Any) -> str:
        if not isinstance(value, Session) or value.report_dict is None:
            return ""
        return principle_detail_markdown(value.report_dict, principle_id)

    def ask_draft(self, question: str, value: Any, request: gr.Request) -> tuple[Any, ...]:
        s = self.session_of(value, request)
        q = (question or "").strip()
        if not q:
            return s.draft_messages, "", s
        if s.draft_index is None:
            raise gr.Error("Critique a draft first, then ask about it here.")
        lisa = self.lisa()
        guidance = lisa.ask(q, s.draft_history)
        # the draft is searched with the same standalone question the guidance answered
        passages = s.draft_index.search(
            lisa.embeddings.embed_query(guidance.standalone_question or q)
        )
        reply = draft_answer_markdown(passages, guidance, s.draft_name, self.settings.min_relevance)
        s.draft_messages = [
            *s.draft_messages,
            {"role": "user", "content": as_text(q)},
            {"role": "assistant", "content": reply},
        ]
        s.draft_history = [*s.draft_history, *history_turns(q, guidance)]
        return s.draft_messages, "", s

    # --- the session's end ----------------------------------------------------
    def on_unload(self, request: gr.Request) -> None:
        self.files.remove(request.session_hash)
        self.owners.end_session(request.session_hash, owner_of(request))

    def end_session(self, value: Any) -> None:
        """``gr.State`` delete callback: the session's folder and its files' ownership."""
        delete_session(value)
        if isinstance(value, Session):
            self.owners.end_session(value.session_hash, value.owner)
