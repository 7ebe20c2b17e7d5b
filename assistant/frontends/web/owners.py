"""Which browser owns which file the web app received or handed out (issue 13).

Gradio keeps uploads and file outputs in one content-hashed cache, so a path alone
says nothing about whose it is, and identical content has the same path in every
session. ``FileOwners`` records, for every such path, the browsers (by a secret
cookie, see ``guard.py``) it belongs to, and which of their sessions used it. One
registry per app: made at start-up and passed to the callbacks and the middleware.

A path may have several owners (two browsers uploading the same file); the file is
deleted from the cache when its last owner's session ends.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

from assistant.errors import LisaError

COOKIE = "lisa-browser"  # the per-browser secret; only its hash is kept here
SECRET = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
REFUSED = (
    "{name} was not uploaded from this browser, so LISA will not read it here. "
    "Upload the file again on this page."
)


class ForeignFileError(LisaError):
    """A request named a file that belongs to another browser (or to nobody)."""


def owner_id(secret: str) -> str:
    """The registry's name for a browser: a hash of its cookie, never the cookie."""
    return hashlib.sha256(secret.encode()).hexdigest()


def owner_of(request: Any) -> str | None:
    """The browser behind a ``gr.Request`` (its cookie, which the guard always sets)."""
    cookies = getattr(request, "cookies", None) if request is not None else None
    secret = cookies.get(COOKIE) if cookies is not None else None
    return owner_id(secret) if isinstance(secret, str) and SECRET.fullmatch(secret) else None


def real(path: str | Path) -> str:
    return os.path.realpath(path)


class FileOwners:
    """Thread-safe map of cache paths to the browsers (and sessions) that own them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owners: dict[str, set[str]] = defaultdict(set)  # path -> owner ids
        self._by_owner: dict[str, set[str]] = defaultdict(set)  # owner id -> paths
        self._by_session: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._sessions: dict[str, str] = {}  # session hash -> owner id

    # --- recording ----------------------------------------------------------
    def add(self, path: str | Path, owner: str, session: str | None = None) -> None:
        """``owner`` received (an upload) or was handed (an output) ``path``."""
        key = real(path)
        with self._lock:
            self._owners[key].add(owner)
            self._by_owner[owner].add(key)
            if session:
                self._by_session[(owner, session)].add(key)

    def bind_session(self, session: str, owner: str) -> bool:
        """A Gradio session belongs to the first browser that uses it; False for another."""
        with self._lock:
            return self._sessions.setdefault(session, owner) == owner

    # --- asking ---------------------------------------------------------------
    def owns(self, owner: str | None, path: str | Path) -> bool:
        if not owner:
            return False
        with self._lock:
            return owner in self._owners.get(real(path), ())

    def owned(self, path: str | Path) -> bool:
        with self._lock:
            return bool(self._owners.get(real(path)))

    def check(self, owner: str | None, path: str | Path) -> None:
        """Raise ``ForeignFileError`` unless ``owner`` owns ``path``."""
        if not self.owns(owner, path):
            raise ForeignFileError(REFUSED.format(name=Path(path).name))

    def paths_of(self, owner: str) -> set[str]:
        with self._lock:
            return set(self._by_owner.get(owner, ()))

    # --- forgetting -------------------------------------------------------------
    def end_session(self, session: str | None, owner: str | None = None) -> list[str]:
        """Forget what the session used; once its browser has no session left, forget
        the browser's other files too. Files nobody owns any more are deleted; returns
        them."""
        if not session:
            return []
        with self._lock:
            owner = self._sessions.pop(session, owner)
            if owner is None:
                return []
            paths = self._by_session.pop((owner, session), set())
            if owner in self._sessions.values():  # the browser's other sessions keep theirs
                paths -= {
                    p for (o, _), held in self._by_session.items() if o == owner for p in held
                }
            else:  # its last session: its unused uploads go too
                paths |= self._by_owner.get(owner, set())
            orphans = []
            for path in paths:
                self._by_owner[owner].discard(path)
                holders = self._owners.get(path, set())
                holders.discard(owner)
                if not holders:
                    self._owners.pop(path, None)
                    orphans.append(path)
            if not self._by_owner.get(owner):
                self._by_owner.pop(owner, None)
        for path in orphans:
            delete_cached(path)
        return orphans


def delete_cached(path: str) -> None:
    """Delete a cache file and its content-hash folder, if that is now empty."""
    file = Path(path)
    file.unlink(missing_ok=True)
    folder = file.parent
    if folder.is_dir() and not any(folder.iterdir()):  # another name may share the hash
        folder.rmdir()
