"""The keyword index kept beside the store, and the check that it is this library's.

Ingest saves it (``save_keywords``) into ``Settings.keyword_index_dir``: bm25s's files
and ``record.json``, which holds the chunk ids in index order, the digest of their
texts (``store.library_digest``), the manifest's sha256, the tokenizer's identity,
the BM25 parameters and every file's sha256. Start-up (``keywords_for``) loads it,
memory-mapped, when that record matches the library it has just read; otherwise it
logs why, builds the index from the chunks and saves it for the next start. A saved
index is never used for another library, and a damaged one is never read.

The folder is replaced whole (``folders.replace_folder``) under the single-writer lock,
so a reader sees the old index, the new one, or none.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

from assistant.documents.chunking import Chunk
from assistant.errors import LisaError
from assistant.library.embeddings import file_sha256
from assistant.library.folders import replace_folder
from assistant.library.keyword_index import (
    KeywordIndex,
    KeywordIndexError,
    chunk_texts,
    tokenizer_identity,
)
from assistant.library.store import library_digest
from assistant.library.writer import StoreBusyError, writer_lock
from assistant.settings import Settings

RECORD = "record.json"
FORMAT = 1
log = logging.getLogger("lisa.keywords")

Build = Callable[[Sequence[str]], KeywordIndex]


class StaleKeywordIndex(LisaError, ValueError):
    """The saved keyword index is missing, damaged, or not this library's (says why)."""


def manifest_identity(settings: Settings) -> str:
    """The ingest manifest's sha256 ("none" before the first ingest)."""
    path = settings.manifest_path
    return file_sha256(path) if path.exists() else "none"


def _identity(index: KeywordIndex, settings: Settings) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "bm25s": version("bm25s"),
        "tokenizer": tokenizer_identity(),
        "k1": index.k1,
        "b": index.b,
        "manifest": manifest_identity(settings),
    }


def save_keywords(settings: Settings, index: KeywordIndex, chunks: Sequence[Chunk]) -> None:
    """Save ``index`` (built from ``chunks``, in that order) with its record. The caller
    holds the writer lock."""
    if index.size != len(chunks):
        raise KeywordIndexError(f"an index of {index.size} chunks is not one of {len(chunks)}")

    def write(fresh: Path) -> None:
        index.save(fresh)
        record = {
            **_identity(index, settings),
            "library": library_digest(chunks),
            "chunk_ids": [c.id for c in chunks],
            "files": {p.name: file_sha256(p) for p in sorted(fresh.iterdir())},
        }
        (fresh / RECORD).write_text(json.dumps(record), encoding="utf-8")

    replace_folder(settings.keyword_index_dir, write)


def _read_record(folder: Path) -> dict[str, Any]:
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StaleKeywordIndex(f"no keyword index saved in {folder}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StaleKeywordIndex(f"its record is unreadable ({exc})") from exc
    if not isinstance(record, dict):
        raise StaleKeywordIndex("its record is not a LISA keyword record")
    return record


def _difference(saved: list[str], current: Sequence[Chunk]) -> str:
    now = [c.id for c in current]
    new, gone = len(set(now) - set(saved)), len(set(saved) - set(now))
    if not new and not gone:
        return "the library holds the same chunks in another order"
    return f"the library has {len(now)} chunks, the index {len(saved)} ({new} new, {gone} gone)"


def load_keywords(
    settings: Settings, chunks: Sequence[Chunk], digest: str | None = None
) -> KeywordIndex:
    """The saved index, when it was made from exactly these chunks; else StaleKeywordIndex.
    ``digest`` is their ``library_digest`` when the caller has it already."""
    folder = settings.keyword_index_dir
    record = _read_record(folder)
    expected = {"format": FORMAT, "bm25s": version("bm25s"), "tokenizer": tokenizer_identity()}
    for key, value in expected.items():
        if record.get(key) != value:
            raise StaleKeywordIndex(f"it was saved with another {key} ({record.get(key)!r})")
    if record.get("manifest") != manifest_identity(settings):
        raise StaleKeywordIndex("the library was changed by an ingest after it was saved")
    if record.get("chunk_ids") != [c.id for c in chunks]:
        raise StaleKeywordIndex(_difference(list(record.get("chunk_ids") or []), chunks))
    if record.get("library") != (digest or library_digest(chunks)):
        raise StaleKeywordIndex("the library's chunk texts differ from the ones it indexed")
    files = record.get("files")
    if not isinstance(files, dict) or not files:
        raise StaleKeywordIndex("its record lists no files")
    for name, digest in files.items():
        try:
            actual = file_sha256(folder / name)
        except OSError as exc:
            raise StaleKeywordIndex(f"{name} is unreadable ({exc.strerror or exc})") from exc
        if actual != digest:
            raise StaleKeywordIndex(f"{name} is damaged (its sha256 differs from the record's)")
    try:
        index = KeywordIndex.load(folder)
    except KeywordIndexError as exc:
        raise StaleKeywordIndex(f"bm25s cannot read it ({exc})") from exc
    if index.size != len(chunks) or (index.k1, index.b) != (record.get("k1"), record.get("b")):
        raise StaleKeywordIndex("its size or parameters differ from its record")
    return index


def keywords_for(
    settings: Settings,
    chunks: Sequence[Chunk],
    build: Build = KeywordIndex,
    digest: str | None = None,
) -> KeywordIndex:
    """The keyword index of ``chunks``: loaded when saved for them, else built and saved.
    ``digest`` is their ``library_digest`` when the caller has it already."""
    try:
        return load_keywords(settings, chunks, digest)
    except StaleKeywordIndex as exc:
        log.warning("keyword index rebuilt from %d chunks: %s", len(chunks), exc)
    index = build(chunk_texts(chunks))
    try:
        with writer_lock(settings):
            save_keywords(settings, index, chunks)
    except StoreBusyError:
        log.warning("keyword index not saved: an ingest is writing the library (it saves its own)")
    except OSError as exc:
        log.warning("keyword index not saved (%s): it is built again at the next start", exc)
    return index
