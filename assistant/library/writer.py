"""One writer at a time: the writer lock, and the repair of a swap a crash cut short.

Chroma silently corrupts a persist directory when two processes write to it, so every
writer holds ``writer_lock`` first. A rebuild is swapped in by two renames (the live
collection retired, then the rebuilt one given its name); ``recover_swap`` puts the
retired collection back when a crash left none live.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from assistant.errors import LisaError
from assistant.settings import Settings

RETIRED_SUFFIX = "-retired"  # the collection a swap replaced, until it is deleted
SWAP_WAIT_SECONDS = 30.0  # how long a reader waits for a writer to finish a swap
log = logging.getLogger("lisa.store")


class StoreBusyError(LisaError, RuntimeError):
    """Another process is writing to the store."""


@contextmanager
def writer_lock(settings: Settings) -> Iterator[None]:
    """Hold the single-writer lock or fail at once with a clear message."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.lock_path))
    owner = settings.lock_path.with_suffix(".owner")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        who = owner.read_text().strip() if owner.exists() else "another process"
        raise StoreBusyError(
            f"the guidance store in {settings.data_dir} is being written by {who}; "
            "wait for that ingest to finish and try again"
        ) from None
    try:
        owner.write_text(f"process {os.getpid()} since {time.strftime('%H:%M:%S')}")
        yield
    finally:
        owner.unlink(missing_ok=True)
        lock.release()


def collection_names(client: Any) -> set[str]:
    return {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}


def drop_collection(client: Any, name: str) -> None:
    if name in collection_names(client):
        client.delete_collection(name)


def recover_swap(
    client: Any, collection: str, lock_path: Path | None = None, wait: float = SWAP_WAIT_SECONDS
) -> None:
    """Make sure the library has a live collection: with none live but a retired one, the
    retired one is the library again (its manifest was never replaced).

    A reader passes the writer lock's ``lock_path``. While a writer holds the lock it may
    be between its two renames right now, so the reader waits (up to ``wait`` seconds) for
    the swap to finish or the lock to come free, and repairs only under the lock; it never
    goes on with no live collection (Chroma would create an empty one, and the library
    would look empty). A writer already holding the lock passes ``None``."""

    def broken() -> bool:
        names = collection_names(client)
        return collection not in names and collection + RETIRED_SUFFIX in names

    if lock_path is None:
        if broken():
            client.get_collection(collection + RETIRED_SUFFIX).modify(name=collection)
        return
    deadline = time.monotonic() + wait
    while broken():
        lock = FileLock(str(lock_path))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if time.monotonic() > deadline:
                raise StoreBusyError(
                    f"the guidance library '{collection}' is being swapped in by an ingest; "
                    "try again when it has finished"
                ) from None
            time.sleep(0.1)
            continue
        try:
            if broken():
                client.get_collection(collection + RETIRED_SUFFIX).modify(name=collection)
        finally:
            lock.release()
