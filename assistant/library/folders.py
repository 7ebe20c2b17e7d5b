"""A folder of saved files replaced whole: written beside it, then renamed into place.

The keyword index and the library snapshot are folders of files that belong together. A
reader must see the old set, the new set, or none, never a mix, so a save writes a fresh
folder next to the live one and swaps them with two renames. The caller holds the
single-writer lock, so only one save runs at a time.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("lisa.library")


def replace_folder(folder: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on an empty staging folder beside ``folder``, then make it ``folder``."""
    fresh = folder.with_name(f".{folder.name}.{os.getpid()}.new")
    if fresh.exists():  # left by a save cut off in a process with this id
        shutil.rmtree(fresh)
    fresh.mkdir(parents=True)
    try:
        write(fresh)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    stale = folder.with_name(f".{folder.name}.{os.getpid()}.old")
    if stale.exists():
        shutil.rmtree(stale)
    replaced = folder.exists()
    if replaced:
        os.replace(folder, stale)
    os.replace(fresh, folder)
    if replaced:
        try:  # the replaced folder (a reader that has it memory-mapped keeps its pages)
            shutil.rmtree(stale)
        except OSError as exc:
            log.warning("the replaced folder %s could not be removed: %s", stale, exc)
