"""Web app callbacks for the page load, the About tab and the Library tab.

``LibraryCallbacks`` is a part of ``Callbacks`` (``callbacks.py``): the banner and
About text, the library table, who may change the library, and adding and removing
documents. Like every callback, each calls into ``Lisa`` and formats the result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.documents.model import SUPPORTED_SUFFIXES, DocumentError
from assistant.frontends.web.format import as_text, backend_banner, check_upload, message_html
from assistant.frontends.web.format_library import (
    ingest_report_text,
    library_table_html,
    stats_markdown,
)
from assistant.frontends.web.loader import ingest_progress
from assistant.frontends.web.owners import FileOwners, ForeignFileError, owner_of
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.frontends.protocol import LisaService as Lisa

log = logging.getLogger(__name__)


class LibraryCallbacks:
    """The page load's, About's and Library's event handlers (set up by ``Callbacks``)."""

    lisa: Callable[[], Lisa]
    settings: Settings
    owners: FileOwners

    def page_status(self) -> tuple[str, str]:
        lisa = self.lisa()
        stats = lisa.stats()
        banner = backend_banner(lisa.backend_label, stats["documents"], stats["chunks"])
        return banner, stats_markdown(stats)

    def library_view(self) -> tuple[str, Any]:
        entries = self.lisa().library()
        sources = [e["source"] for e in entries]
        return library_table_html(entries), gr.update(choices=sources, value=None)

    def can_manage(self, request: gr.Request | None) -> bool:
        """May this user add or remove documents? With login off the app serves this
        machine only; with login on, only the accounts in LISA_LIBRARY_MANAGERS may."""
        if not self.settings.accounts:
            return True
        user = getattr(request, "username", None)
        return bool(user) and user in self.settings.library_managers

    def management_note(self, request: gr.Request | None) -> str:
        if self.can_manage(request):
            return ""
        managers = ", ".join(self.settings.library_managers)
        who = f"the library managers ({managers})" if managers else "an administrator"
        return message_html(
            "You can read the library. Adding or removing documents changes it for every "
            f"user, so only {who} can do that here.",
            "info",
        )

    def on_load(self, request: gr.Request) -> tuple[Any, ...]:
        allowed = self.can_manage(request)
        return (
            *self.page_status(),
            *self.library_view(),
            gr.update(visible=allowed),
            self.management_note(request),
        )

    def refuse_unless_manager(self, request: gr.Request | None) -> None:
        """The server-side check behind the hidden controls (the API is reachable too)."""
        if not self.can_manage(request):
            raise gr.Error("Only the library managers can add or remove documents.")

    def library_change(self, action: Callable[[], Any], verb: str) -> tuple[Any, ...]:
        from assistant.library.manifest import ManifestError
        from assistant.library.store import StoreError
        from assistant.library.writer import StoreBusyError
        from assistant.service import LibraryError

        try:
            report = action()
            status = message_html(*ingest_report_text(report, verb))
        except (LibraryError, StoreBusyError, StoreError, ManifestError, DocumentError) as exc:
            status = message_html(str(exc), "error")
        except Exception as exc:
            log.exception("library change failed")
            status = message_html(
                f"The library was not changed ({type(exc).__name__}: {exc}).", "error"
            )
        return (status, *self.library_view(), self.page_status()[0])

    def add_document(
        self,
        upload: str | None,
        request: gr.Request,
        progress: Any = gr.Progress(),  # noqa: B008 (Gradio injects progress this way)
    ) -> tuple[Any, ...]:
        self.refuse_unless_manager(request)
        if not upload:
            return (
                message_html("Choose a document to add first.", "error"),
                *self.library_view(),
                self.page_status()[0],
            )
        path = Path(upload)
        try:  # another browser's upload never joins the library
            self.owners.check(owner_of(request), path)
            problem = check_upload(path, SUPPORTED_SUFFIXES, self.settings.max_file_mb)
        except ForeignFileError as exc:
            problem = str(exc)
        if problem:
            return (message_html(problem, "error"), *self.library_view(), self.page_status()[0])
        progress(0.0, desc=f"Adding {path.name}")
        return self.library_change(
            lambda: self.lisa().add_document(path, progress=ingest_progress(progress)), "added"
        )

    def confirm_removal(self, source: str | None, request: gr.Request) -> tuple[Any, Any, Any]:
        """The question asked before a removal: what will change, and for whom."""
        self.refuse_unless_manager(request)
        if not source:
            return (
                gr.update(visible=False),
                "",
                message_html("Choose the document to remove first.", "error"),
            )
        question = (
            f"**Remove {as_text(source)} from the library?** It is deleted from the corpus "
            "folder, and every user's answers and critiques stop quoting it at once. To "
            "restore it, add the file again."
        )
        return gr.update(visible=True), question, ""

    def remove_document(self, source: str | None, request: gr.Request) -> tuple[Any, ...]:
        self.refuse_unless_manager(request)
        if not source:
            return (
                message_html("Choose the document to remove first.", "error"),
                *self.library_view(),
                self.page_status()[0],
            )
        return self.library_change(lambda: self.lisa().remove_document(source), "removed")
