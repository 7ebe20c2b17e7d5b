"""What every front end may ask of LISA: the ``Lisa`` service's public doors.

``assistant.service.Lisa`` implements it; the web tests' fake must match it too
(``tests/frontends/test_webapp.py`` checks both against this protocol), so a front end
that works against the fake works against the real service.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from assistant.ask.answer import Answer
from assistant.ask.condense import Message
from assistant.ask.retrieval import Retrieval
from assistant.critique.engine import Critique
from assistant.critique.model import Audit, CritiqueFailure
from assistant.library.embeddings import LisaEmbeddings
from assistant.library.ingest import IngestReport


class LisaService(Protocol):
    embeddings: LisaEmbeddings
    backend_label: str

    def ask(self, question: str, history: Sequence[Message] = ()) -> Answer: ...

    def stream(self, question: str, history: Sequence[Message] = ()) -> Iterator[str | Answer]: ...

    def search(self, query: str, k: int | None = None) -> Retrieval: ...

    def critique(
        self, path: Path, progress: Any = None, source: str | None = None
    ) -> Critique | CritiqueFailure: ...

    def audit(self) -> Audit: ...

    def library(self) -> list[dict[str, Any]]: ...

    def add_document(self, path: Path, progress: Any = None) -> IngestReport: ...

    def remove_document(self, source: str) -> IngestReport: ...

    def stats(self) -> dict[str, Any]: ...
