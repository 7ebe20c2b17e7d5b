"""The library as a start reads it, saved beside the store by ingest.

A start needs every chunk (for the keyword index and the answerer), every chunk vector
while the library is small enough for exact search, and the set of word stems the library
uses. Read from Chroma that cost 13.7 s at 100,000 chunks on the benchmark machine (and a
one-question ask paid about 0.7 s just to import Chroma's client); stemming every word
cost seconds more. So ingest, last and under the writer lock, saves them in
``Settings.snapshot_dir``:

- ``records.json``: each chunk's id, text and metadata exactly as Chroma holds them;
- ``vectors.npy``: their vectors in the same order (only for libraries searched exactly);
- ``stems.json``: the library's word stems (``lexicon.LibraryLexicon``);
- ``record.json``: the manifest's sha256, the collection, the embeddings, the count and
  every file's sha256.

A start uses the snapshot only when the manifest is still the one it was saved under
(every ingest that changes the library rewrites the manifest) and every file verifies;
otherwise it reads Chroma as before and saves a fresh snapshot. With a Chroma server the
snapshot is never used: other machines may change the library.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.documents.chunking import Chunk
from assistant.errors import LisaError
from assistant.library.embeddings import file_sha256
from assistant.library.folders import replace_folder
from assistant.library.keyword_files import manifest_identity
from assistant.library.lexicon import LibraryLexicon
from assistant.library.store import GuidanceStore, Records, library_digest
from assistant.library.writer import StoreBusyError, writer_lock
from assistant.settings import Settings
from assistant.vectors import unit_rows

FORMAT = 1
RECORD, RECORDS, VECTORS, STEMS = "record.json", "records.json", "vectors.npy", "stems.json"
log = logging.getLogger("lisa.snapshot")


class StaleSnapshot(LisaError, ValueError):
    """The saved snapshot is missing, damaged, or not this library's (says why)."""


@dataclass(frozen=True)
class LibraryRead:
    """What a start reads: the chunks in library order, their unit-length vectors (one row
    each, or None when the library is searched through Chroma's approximate index) and the
    library's word stems."""

    chunks: list[Chunk]
    vectors: np.ndarray | None
    lexicon: LibraryLexicon

    @functools.cached_property
    def digest(self) -> str:
        """``library_digest`` of the chunks, computed once for everything a start checks
        against it (the saved keyword index and sentence vectors)."""
        return library_digest(self.chunks)


def _identity(settings: Settings, embeddings_key: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "collection": settings.collection,
        "embeddings": embeddings_key,
        "manifest": manifest_identity(settings),
    }


def from_records(records: Records, exact_max: int) -> LibraryRead:
    """The library as read from Chroma (``records`` read with vectors when it is searched
    exactly)."""
    chunks = records.chunks()
    vectors = None
    if records.vectors is not None and 0 < len(chunks) <= exact_max:
        vectors = unit_rows(records.vectors)
    return LibraryRead(chunks, vectors, LibraryLexicon(c.embedding_text() for c in chunks))


def read_store(store: GuidanceStore, exact_max: int) -> tuple[Records, LibraryRead]:
    """The library read from Chroma (with its vectors when it is searched exactly), as
    records and as a start uses it."""
    records = store.records(vectors=store.count() <= exact_max)
    return records, from_records(records, exact_max)


def save_snapshot(
    settings: Settings,
    records: Records,
    library: LibraryRead,
    embeddings_key: str,
    manifest: str | None = None,
) -> bool:
    """Save ``library`` (read as ``records``) for the next start; the caller holds the
    writer lock. ``manifest`` is the manifest's sha256 when the records were read: when an
    ingest has changed it since, nothing is saved (False)."""
    identity = _identity(settings, embeddings_key)
    if manifest is not None and identity["manifest"] != manifest:
        return False

    def write(folder: Path) -> None:
        rows = [
            [i, d, m]
            for i, d, m in zip(records.ids, records.documents, records.metadatas, strict=True)
        ]
        (folder / RECORDS).write_text(json.dumps(rows), encoding="utf-8")
        stems = sorted(library.lexicon.stems)
        (folder / STEMS).write_text(json.dumps(stems), encoding="utf-8")
        if library.vectors is not None:
            np.save(folder / VECTORS, library.vectors.astype(np.float32), allow_pickle=False)
        files = {p.name: file_sha256(p) for p in sorted(folder.iterdir())}
        record = {**identity, "count": len(rows), "files": files}
        (folder / RECORD).write_text(json.dumps(record), encoding="utf-8")

    replace_folder(settings.snapshot_dir, write)
    return True


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise StaleSnapshot(f"{path.name} is missing from {path.parent}") from None
    except OSError as exc:
        raise StaleSnapshot(f"{path.name} is unreadable ({exc.strerror or exc})") from exc


def _json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StaleSnapshot(f"{name} is unreadable ({exc})") from exc


def load_snapshot(settings: Settings, embeddings_key: str, exact_max: int) -> LibraryRead:
    """The saved library, when it is this library as it stands; else StaleSnapshot.

    Each file is read once and checked against the record's sha256 before it is parsed,
    so files an ingest swaps in meanwhile are never mixed with the record read before."""
    if settings.chroma_host:
        raise StaleSnapshot("a Chroma server's library is read from the server")
    folder = settings.snapshot_dir
    record = _json(_read(folder / RECORD), RECORD)
    if not isinstance(record, dict):
        raise StaleSnapshot("its record is not a LISA snapshot record")
    for key, value in _identity(settings, embeddings_key).items():
        if record.get(key) != value:
            what = "manifest (the library changed since)" if key == "manifest" else key
            raise StaleSnapshot(f"it was saved under another {what}")
    files = record.get("files")
    if not isinstance(files, dict) or RECORDS not in files or STEMS not in files:
        raise StaleSnapshot("its record lists no records or stems file")

    def verified(name: str) -> bytes:
        data = _read(folder / name)
        if hashlib.sha256(data).hexdigest() != files[name]:
            raise StaleSnapshot(f"{name} is damaged or was replaced (its sha256 differs)")
        return data

    rows = _json(verified(RECORDS), RECORDS)
    if not isinstance(rows, list) or len(rows) != record.get("count"):
        raise StaleSnapshot("its records do not match its record's count")
    try:
        records = Records([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
        chunks = records.chunks()
    except (IndexError, KeyError, TypeError, ValueError) as exc:
        raise StaleSnapshot(f"its records are not chunk records ({exc!r})") from exc
    vectors = None
    if 0 < len(chunks) <= exact_max:
        if VECTORS not in files:
            raise StaleSnapshot("it holds no vectors and the library is now searched exactly")
        try:
            vectors = np.load(io.BytesIO(verified(VECTORS)), allow_pickle=False)
        except ValueError as exc:
            raise StaleSnapshot(f"{VECTORS} is unreadable ({exc})") from exc
        if vectors.ndim != 2 or vectors.shape[0] != len(chunks):
            raise StaleSnapshot("its vectors do not match its records")
    stems = _json(verified(STEMS), STEMS)
    if not isinstance(stems, list):
        raise StaleSnapshot("its stems are not a list")
    return LibraryRead(chunks, vectors, LibraryLexicon.from_stems(stems))


def discard_snapshot(settings: Settings) -> None:
    """Make the saved snapshot unusable before an ingest writes to the store (the caller
    holds the writer lock): an ingest cut off before it saves the manifest leaves the
    store changed under the old manifest, and the old snapshot must not be read then."""
    (settings.snapshot_dir / RECORD).unlink(missing_ok=True)


def library_for(
    settings: Settings, store: GuidanceStore, embeddings_key: str, exact_max: int
) -> LibraryRead:
    """The library a start serves: its snapshot when it is current; else read from the
    store, and (on disk) saved as the snapshot for the next start."""
    try:
        return load_snapshot(settings, embeddings_key, exact_max)
    except StaleSnapshot as exc:
        if not settings.chroma_host:
            log.info("library read from Chroma: %s", exc)
    manifest = manifest_identity(settings)  # before the read: a save checks it is unchanged
    records, library = read_store(store, exact_max)
    if settings.chroma_host:
        return library
    try:
        with writer_lock(settings):
            save_snapshot(settings, records, library, embeddings_key, manifest)
    except StoreBusyError:
        log.info("library snapshot not saved: an ingest is writing the library (it saves one)")
    except OSError as exc:
        log.warning("library snapshot not saved (%s): the next start reads Chroma", exc)
    return library
