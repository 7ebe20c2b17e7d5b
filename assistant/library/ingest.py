"""Incremental, crash-safe ingest of guidance files into the store.

For each file: hash it; skip it when the manifest holds that hash; otherwise
parse and chunk it. Changed files are embedded together in length-sorted
batches; then, file by file, the new chunks are upserted, the file's stale
chunks deleted, and the file recorded in the manifest (written atomically
after every file). An ingest cut off at any point leaves every earlier chunk in
place, and the next run finishes the job. Deleted files are removed. Last, the
keyword index, the sentence vectors and the snapshot of the whole library are saved
beside the store (``save_library_indexes``), so a start reads them instead of
computing them or reading Chroma. One writer at a time (``writer_lock``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from assistant.documents.chunking import Chunk, chunk_document, collapse_near_duplicates
from assistant.documents.loading import is_document_file, load_document
from assistant.documents.model import DocumentError, Limits
from assistant.library.embeddings import LisaEmbeddings, file_sha256
from assistant.library.health import SelfRetrieval, self_retrieval
from assistant.library.keyword_files import save_keywords
from assistant.library.keyword_index import KeywordIndex, chunk_texts
from assistant.library.manifest import Manifest
from assistant.library.passages import merged_texts
from assistant.library.sentence_vectors import SentenceVectors, embeddings_key, keep_library_vectors
from assistant.library.snapshot import discard_snapshot, read_store, save_snapshot
from assistant.library.store import GuidanceStore, Records, library_digest
from assistant.library.writer import writer_lock
from assistant.settings import Settings

# Bump when parsing or chunking changes what a file turns into: every file is re-chunked.
PIPELINE_VERSION = 3

FileStatus = Literal["added", "updated", "unchanged", "removed", "failed"]


@dataclass
class FileResult:
    source: str
    status: FileStatus
    chunks: int = 0
    reason: str | None = None
    collapsed: int = 0  # near-duplicate chunks kept once (chunking.collapse_near_duplicates)


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    chunks_embedded: int = 0
    seconds: float = 0.0
    dry_run: bool = False
    total_chunks: int = 0
    health: SelfRetrieval | None = None  # the self-retrieval check after the write

    @property
    def ok(self) -> bool:
        return not any(f.status == "failed" for f in self.files)

    def count(self, status: FileStatus) -> int:
        return sum(1 for f in self.files if f.status == status)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["ok"] = self.ok
        return data


def discover(paths: Sequence[Path]) -> tuple[dict[str, Path], list[Path]]:
    """Map source names to files under the given paths; also return the folders scanned."""
    found: dict[str, Path] = {}
    folders: list[Path] = []
    for path in paths:
        if path.is_dir():
            folders.append(path)
            for file in sorted(p for p in path.rglob("*") if is_document_file(p)):
                found[file.relative_to(path).as_posix()] = file
        elif path.exists():
            found[path.name] = path
        else:
            found[path.name] = path  # reported as failed: missing
    return found, folders


ProgressFactory = Callable[[int], Callable[[int], None]]
_Parsed = tuple[str, str, list[Chunk], dict[str, str], FileStatus]  # source, sha, chunks, meta


def ingest_paths(
    paths: Sequence[Path],
    settings: Settings,
    open_store: Callable[[], GuidanceStore],
    embeddings: LisaEmbeddings,
    rebuild: bool = False,
    dry_run: bool = False,
    progress: ProgressFactory | None = None,
) -> IngestReport:
    """Bring the store in line with the files under ``paths``."""
    started = time.perf_counter()
    report = IngestReport(dry_run=dry_run)
    files, folders = discover(paths)
    manifest = Manifest.load(settings.manifest_path)
    pipeline = f"{PIPELINE_VERSION}/{settings.chunk_words}"
    if manifest.files and (
        manifest.embedding_model != embeddings.name
        or manifest.embedding_backend != embeddings.backend
        or manifest.pipeline != pipeline
    ):
        rebuild = True  # vectors from another model or chunks from another chunker can't mix
    plan: list[tuple[str, Path, str]] = []
    for source, path in files.items():
        if not path.exists():
            report.files.append(FileResult(source, "failed", reason="no such file"))
            continue
        digest = file_sha256(path)
        known = manifest.files.get(source)
        if not rebuild and known and known.get("sha256") == digest:
            report.files.append(FileResult(source, "unchanged", int(known.get("chunks", 0))))
        else:
            plan.append((source, path, digest))
    # The library mirrors the folders it is given: files gone from them are removed.
    removed = [s for s in manifest.files if s not in files] if folders else []
    if dry_run:
        for source, path, _ in plan:
            status: FileStatus = "updated" if source in manifest.files else "added"
            try:
                doc = load_document(
                    path, settings.max_file_bytes, source, Limits.from_settings(settings)
                )
                count = len(chunk_document(doc, settings.chunk_words))
                report.files.append(FileResult(source, status, count))
            except DocumentError as exc:
                report.files.append(FileResult(source, "failed", reason=exc.reason))
        report.files.extend(FileResult(s, "removed") for s in removed)
        report.seconds = time.perf_counter() - started
        return report
    if not plan and not removed:
        report.total_chunks = sum(int(f.get("chunks", 0)) for f in manifest.files.values())
        report.seconds = time.perf_counter() - started
        return report
    store = open_store().connect()  # before the lock: a swap cut short is repaired here
    with writer_lock(settings):
        store.repair_swap()  # or here, if a crash broke one since
        discard_snapshot(settings)  # saved again at the end, once the manifest is
        if rebuild:  # written into a fresh collection, then swapped in: never half a library
            fresh, rebuilt = store.fresh_sibling(), Manifest()
            _apply(plan, [], fresh, rebuilt, settings, embeddings, report, progress, None)
            store = store.swap_in(fresh)
            rebuilt.save(settings.manifest_path)
            report.files.extend(FileResult(s, "removed") for s in removed)
        else:
            path = settings.manifest_path
            _apply(plan, removed, store, manifest, settings, embeddings, report, progress, path)
        records = save_library_indexes(settings, store, embeddings)
        report.total_chunks = len(records.ids)
        report.health = self_retrieval(
            store, HEALTH_SAMPLE, settings.exact_search_max_chunks, records
        )
    report.seconds = time.perf_counter() - started
    return report


HEALTH_SAMPLE = 2000  # chunks searched for by their own vector after every ingest


def save_library_indexes(
    settings: Settings, store: GuidanceStore, embeddings: LisaEmbeddings
) -> Records:
    """Save what a start would otherwise compute from the whole library: the keyword index,
    every sentence vector (only sentences not saved before are embedded) and the library
    snapshot a start reads instead of Chroma. The caller holds the writer lock. Returns the
    library as it was read (with its vectors when it is searched exactly)."""
    exact_max = settings.exact_search_max_chunks
    records, library = read_store(store, exact_max)
    chunks = library.chunks
    key = embeddings_key(embeddings.name, embeddings.backend)
    save_keywords(settings, KeywordIndex(chunk_texts(chunks)), chunks)
    keep_library_vectors(
        SentenceVectors(embeddings.embed_documents),
        settings.sentence_vectors_path,
        key,
        lambda: merged_texts(chunks),
        library_digest(chunks),
    )
    if not settings.chroma_host:  # a server's library is always read from the server
        save_snapshot(settings, records, library, key)
    return records


def _apply(
    plan: list[tuple[str, Path, str]],
    removed: list[str],
    store: GuidanceStore,
    manifest: Manifest,
    settings: Settings,
    embeddings: LisaEmbeddings,
    report: IngestReport,
    progress: ProgressFactory | None,
    manifest_path: Path | None,
) -> None:
    """Write the planned files into ``store``; with a ``manifest_path`` the manifest is saved
    after every file (an ingest cut off keeps what it finished), without it the caller saves
    it once (a rebuild, swapped in whole)."""
    parsed: list[_Parsed] = []
    collapsed: dict[str, int] = {}
    for source, path, digest in plan:
        try:
            doc = load_document(
                path, settings.max_file_bytes, source, Limits.from_settings(settings)
            )
        except DocumentError as exc:
            report.files.append(FileResult(source, "failed", reason=exc.reason))
            continue
        chunks, collapsed[source] = collapse_near_duplicates(
            chunk_document(doc, settings.chunk_words, embeddings.count_tokens)
        )
        status: FileStatus = "updated" if source in manifest.files else "added"
        parsed.append((source, digest, chunks, {**doc.metadata, "title": doc.title}, status))
    tick = progress(sum(len(p[2]) for p in parsed)) if progress else None
    manifest.embedding_model = embeddings.name
    manifest.embedding_backend = embeddings.backend
    manifest.pipeline = f"{PIPELINE_VERSION}/{settings.chunk_words}"
    for group in _groups(parsed):
        vectors = embed_sorted([c.embedding_text() for p in group for c in p[2]], embeddings, tick)
        offset = 0
        for source, digest, chunks, meta, status in group:
            mine = vectors[offset : offset + len(chunks)]
            offset += len(chunks)
            _replace_file(
                store, manifest, manifest_path, report, source, digest, chunks, meta, mine
            )
            report.files.append(
                FileResult(source, status, len(chunks), collapsed=collapsed[source])
            )
    for source in removed:
        store.delete(store.ids_for_source(source))
        manifest.files.pop(source, None)
        if manifest_path is not None:
            manifest.save(manifest_path)
        report.files.append(FileResult(source, "removed"))


GROUP_CHUNKS = 4096  # embed this many chunks at a time (bounded memory, full batches)
EMBED_BATCH = 64


def _groups(parsed: list[_Parsed]) -> list[list[_Parsed]]:
    groups: list[list[_Parsed]] = [[]]
    size = 0
    for item in parsed:
        if groups[-1] and size + len(item[2]) > GROUP_CHUNKS:
            groups.append([])
            size = 0
        groups[-1].append(item)
        size += len(item[2])
    return [g for g in groups if g]


def embed_sorted(
    texts: list[str], embeddings: LisaEmbeddings, tick: Callable[[int], None] | None
) -> list[list[float]]:
    """Embed in full batches of similar length (much faster than file by file)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors: list[list[float]] = [[] for _ in texts]
    for start in range(0, len(order), EMBED_BATCH):
        batch = order[start : start + EMBED_BATCH]
        for i, vector in zip(
            batch, embeddings.embed_documents([texts[i] for i in batch]), strict=True
        ):
            vectors[i] = vector
        if tick:
            tick(len(batch))
    return vectors


def _replace_file(
    store: GuidanceStore,
    manifest: Manifest,
    manifest_path: Path | None,
    report: IngestReport,
    source: str,
    digest: str,
    chunks: list[Chunk],
    meta: dict[str, str],
    vectors: list[list[float]],
) -> None:
    """Upsert the file's new chunks, then drop its stale ones, then record it."""
    store.add(chunks, meta, vectors=vectors)
    keep = {c.id for c in chunks}
    stale = [i for i in store.ids_for_source(source) if i not in keep]
    store.delete(stale)
    manifest.files[source] = {
        "sha256": digest,
        "chunks": len(chunks),
        "title": meta.get("title", source),
        "metadata": meta,
        "ingested_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    if manifest_path is not None:
        manifest.save(manifest_path)
    report.chunks_embedded += len(chunks)
