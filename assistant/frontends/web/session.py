"""Per-session state for the web app: nothing here is shared between officers.

A ``Session`` lives in one browser session's ``gr.State``: its conversation,
its critique report, the in-memory index of its draft and a private temporary
folder for report downloads. ``SessionFiles`` only knows where those folders
are (one root per app); it is removed with the session (``demo.unload``, the
State's ``delete_callback``) and at exit.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
import threading
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.documents.chunking import Chunk
from assistant.vectors import unit_rows

MIN_DRAFT_SIMILARITY = 0.25
UPLOADS_FOLDER = "web-uploads"


def private_upload_dir(data_dir: Path, environ: MutableMapping[str, str]) -> Path:
    """Gradio's upload cache, kept in LISA's data folder instead of the shared system
    temp folder: emptied now (no session of an earlier run is alive), and at exit.

    Sets ``GRADIO_TEMP_DIR`` in ``environ``; call it before Gradio is imported."""
    folder = (data_dir / UPLOADS_FOLDER).resolve()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    environ["GRADIO_TEMP_DIR"] = str(folder)
    atexit.register(shutil.rmtree, folder, True)
    return folder


class SessionFiles:
    """One temporary root per app; one sub-folder per session, made on first use."""

    def __init__(self, prefix: str = "lisa-web-") -> None:
        self._prefix = prefix
        self._root: Path | None = None
        self._lock = threading.Lock()

    @property
    def root(self) -> Path:
        with self._lock:
            if self._root is None:
                self._root = Path(tempfile.mkdtemp(prefix=self._prefix))
                atexit.register(shutil.rmtree, self._root, True)
            return self._root

    @staticmethod
    def key(session_hash: str) -> str:
        return hashlib.sha256(session_hash.encode()).hexdigest()[:24]

    def folder(self, session_hash: str) -> Path:
        path = self.root / self.key(session_hash)
        path.mkdir(exist_ok=True)
        return path

    def remove(self, session_hash: str | None) -> None:
        if session_hash and self._root is not None:
            shutil.rmtree(self._root / self.key(session_hash), ignore_errors=True)

    def remove_all(self) -> None:
        with self._lock:
            if self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)
                self._root = None


class Passage(Protocol):
    """What the draft chat shows of a draft: its text and where it sits."""

    @property
    def text(self) -> str: ...

    @property
    def section(self) -> str: ...

    @property
    def page(self) -> int | None: ...


@dataclass
class DraftIndex:
    """A draft's evidence units (as the critique read them) and their unit vectors,
    searched by cosine similarity. Built from the critique: the draft is read once."""

    name: str
    chunks: Sequence[Passage]
    vectors: np.ndarray  # shape (len(chunks), dim), rows L2-normalised

    def search(
        self, query_vector: Sequence[float], k: int = 3, floor: float = MIN_DRAFT_SIMILARITY
    ) -> list[tuple[Chunk, float]]:
        if not self.chunks:
            return []
        query = unit_rows(np.asarray([query_vector], dtype=np.float32))[0]
        scores = self.vectors @ query
        order = np.argsort(-scores)[:k]
        return [(self.chunks[i], float(scores[i])) for i in order if scores[i] >= floor]


@dataclass
class Session:
    """Everything one officer's browser session holds."""

    session_hash: str = ""
    owner: str | None = None  # the browser (owners.owner_of), whose files it may use
    folder: Path | None = None
    # Ask tab
    messages: list[dict[str, str]] = field(default_factory=list)  # what the Chatbot shows
    history: list[dict[str, str]] = field(default_factory=list)  # what the chain sees
    rated: dict[int, tuple[str, str]] = field(default_factory=dict)  # message index -> (q, a)
    turns: list[tuple[str, Any]] = field(default_factory=list)  # (question, Answer) to download
    # Critique tab
    draft_name: str = ""
    report: Any = None
    report_dict: dict[str, Any] | None = None
    downloads: list[str] = field(default_factory=list)
    draft_index: DraftIndex | None = None
    draft_messages: list[dict[str, str]] = field(default_factory=list)
    draft_history: list[dict[str, str]] = field(default_factory=list)

    def clear_critique(self) -> None:
        for name in self.downloads:
            Path(name).unlink(missing_ok=True)
        self.draft_name = ""
        self.report = None
        self.report_dict = None
        self.downloads = []
        self.draft_index = None
        self.draft_messages = []
        self.draft_history = []

    def cleanup(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def delete_session(value: Any) -> None:
    """``gr.State`` delete callback: remove the session's files."""
    if isinstance(value, Session):
        value.cleanup()
