"""The guidance store: Chroma (on disk or a server), its writer lock and manifest.

Chroma silently corrupts a persist directory when two processes write to it,
so every writer holds ``writer_lock`` first. The manifest records which file
versions the collection holds, so ingest can skip unchanged files.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from filelock import FileLock, Timeout
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from assistant.documents.chunking import SECTION_SEP, Chunk
from assistant.errors import LisaError
from assistant.settings import Settings
from assistant.vectors import unit_rows

MANIFEST_VERSION = 1


class StoreBusyError(LisaError, RuntimeError):
    """Another process is writing to the store."""


class StoreError(LisaError, RuntimeError):
    """The store cannot be reached or read."""


def make_client(settings: Settings) -> Any:
    """A Chroma client: HttpClient when a server is configured, else on disk."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        except Exception as exc:  # chromadb raises bare Exception/ValueError on connect
            raise StoreError(
                f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} "
                f"({exc}); start it with `chroma run --path DIR --port {settings.chroma_port}`"
            ) from exc
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


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


def chunk_metadata(chunk: Chunk, doc_meta: dict[str, str]) -> dict[str, str | int]:
    meta: dict[str, str | int] = {
        "source": chunk.source,
        "title": chunk.title,
        "section": chunk.section,
        "pages": ",".join(str(p) for p in chunk.pages),
        "position": chunk.position,
        "content_hash": chunk.content_hash,
        "kind": chunk.kind,
    }
    meta.update({f"doc_{k}": v for k, v in doc_meta.items() if k != "title"})
    return meta


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    pages = tuple(int(p) for p in str(meta.get("pages") or "").split(",") if p)
    section = str(meta.get("section") or "")
    return Chunk(
        id=chunk_id,
        text=text,
        source=str(meta["source"]),
        title=str(meta.get("title") or meta["source"]),
        section_path=tuple(section.split(SECTION_SEP)) if section else (),
        pages=pages,
        position=int(meta.get("position", 0)),
        content_hash=str(meta.get("content_hash", "")),
        kind=str(meta.get("kind", "text")),
    )


# The approximate index serves libraries over ``exact_search_max_chunks``. Chroma's defaults
# (M 16, ef 100) lost up to 1% of chunks to their own vectors after deletes and near-duplicates;
# twice the links and a wider search (recall over speed: a question costs one query) are set
# when a collection is made. They apply to collections made from now on, so to every rebuild.
HNSW = {"hnsw:space": "cosine", "hnsw:M": 32, "hnsw:construction_ef": 200, "hnsw:search_ef": 200}
REBUILD_SUFFIX = "-rebuild"  # a rebuild is written here, then swapped in
RETIRED_SUFFIX = "-retired"  # the collection a swap replaced, until it is deleted


class GuidanceStore:
    """A Chroma collection of guidance chunks (cosine space)."""

    def __init__(self, client: Any, collection: str, embeddings: Embeddings) -> None:
        self.client = client
        self.collection = collection
        self.embeddings = embeddings
        self.vectorstore = Chroma(
            collection_name=collection,
            embedding_function=embeddings,
            client=client,
            collection_metadata=dict(HNSW),
        )

    def fresh_sibling(self) -> GuidanceStore:
        """An empty collection beside this one for a rebuild (a rebuild cut off before
        is dropped first); ``swap_in`` makes it the library."""
        _drop(self.client, self.collection + REBUILD_SUFFIX)
        return GuidanceStore(self.client, self.collection + REBUILD_SUFFIX, self.embeddings)

    def swap_in(self, rebuilt: GuidanceStore) -> GuidanceStore:
        """Make ``rebuilt`` this library under this name and drop the old collection.

        Two renames: the live collection is retired, then the rebuilt one takes its name.
        A crash between them leaves no live collection and ``recover_swap`` (run whenever
        a store is opened) puts the retired one back, so a reader never finds the library
        empty for longer than a rename and never finds it half written."""
        _drop(self.client, self.collection + RETIRED_SUFFIX)
        self.client.get_collection(self.collection).modify(name=self.collection + RETIRED_SUFFIX)
        self.client.get_collection(rebuilt.collection).modify(name=self.collection)
        _drop(self.client, self.collection + RETIRED_SUFFIX)
        return GuidanceStore(self.client, self.collection, self.embeddings)

    def count(self) -> int:
        return int(self.vectorstore._collection.count())

    def max_batch_size(self) -> int:
        return int(self.client.get_max_batch_size())

    def add(
        self,
        chunks: Sequence[Chunk],
        doc_meta: dict[str, str],
        vectors: Sequence[Sequence[float]] | None = None,
        on_batch: Callable[[int], None] | None = None,
        batch_size: int = 64,
    ) -> None:
        """Embed (unless vectors are given) and upsert chunks, in bounded batches."""
        size = max(1, min(batch_size, self.max_batch_size()))
        for start in range(0, len(chunks), size):
            batch = chunks[start : start + size]
            ids = [c.id for c in batch]
            metas = [chunk_metadata(c, doc_meta) for c in batch]
            texts = [c.text for c in batch]
            if vectors is None:
                embedded = self.vectorstore.embeddings.embed_documents(  # type: ignore[union-attr]
                    [c.embedding_text() for c in batch]
                )
            else:
                embedded = [list(v) for v in vectors[start : start + size]]
            self.vectorstore._collection.upsert(
                ids=ids,
                embeddings=embedded,  # type: ignore[arg-type]
                documents=texts,
                metadatas=metas,  # type: ignore[arg-type]
            )
            if on_batch:
                on_batch(len(batch))

    def ids_for_source(self, source: str, page: int = 5000) -> list[str]:
        ids: list[str] = []
        while True:
            batch = self.vectorstore.get(
                where={"source": source}, include=[], limit=page, offset=len(ids)
            )["ids"]
            ids.extend(batch)
            if len(batch) < page:
                return ids

    def delete(self, ids: Sequence[str]) -> None:
        size = self.max_batch_size()
        for start in range(0, len(ids), size):
            self.vectorstore.delete(ids=list(ids[start : start + size]))

    def all_chunks(self, page: int = 5000) -> list[Chunk]:
        """Every chunk, read in pages (one big read exceeds SQLite's variable limit)."""
        chunks: list[Chunk] = []
        while True:
            data = self.vectorstore.get(
                include=["documents", "metadatas"], limit=page, offset=len(chunks)
            )
            chunks.extend(
                chunk_from_record(i, d or "", m or {})
                for i, d, m in zip(data["ids"], data["documents"], data["metadatas"], strict=True)
            )
            if len(data["ids"]) < page:
                return chunks

    def library_chunks(self) -> list[Chunk]:
        """Every chunk in library order (by source, then position): the order the retriever,
        the keyword index and its saved record hold them in."""
        return sorted(self.all_chunks(), key=lambda c: (c.source, c.position))

    def vectors(self, page: int = 5000) -> dict[str, list[float]]:
        """Every chunk's stored vector by id, read in pages."""
        out: dict[str, list[float]] = {}
        offset = 0
        while True:
            data = self.vectorstore._collection.get(
                include=["embeddings"], limit=page, offset=offset
            )
            embeddings = data.get("embeddings")
            rows = [] if embeddings is None else list(embeddings)
            out.update((i, [float(x) for x in v]) for i, v in zip(data["ids"], rows, strict=True))
            offset += len(data["ids"])
            if len(data["ids"]) < page:
                return out

    def dense_search(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) for the k nearest chunks."""
        if k <= 0:
            return []
        result = self.vectorstore._collection.query(
            query_embeddings=[list(vector)],  # type: ignore[arg-type]
            n_results=k,
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = (result.get("distances") or [[]])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]

    def self_retrieval(self, sample: int, exact_max: int, k: int = 3) -> SelfRetrieval:
        """Search with up to ``sample`` chunks' own vectors (evenly spread over the library)
        the way the retriever will: exactly over the stored vectors while the library has
        ``exact_max`` chunks or fewer, else through Chroma's index. A chunk counts as found
        when it is among the ``k`` nearest or ties the k-th (identical vectors)."""
        stored = self.vectors()
        ids = sorted(stored)
        if not ids:
            return SelfRetrieval(0, 0, "exact", ())
        step = max(1, len(ids) // max(sample, 1))
        probe = ids[::step][:sample]
        queries = np.asarray([stored[i] for i in probe], dtype=np.float32)
        exact = len(ids) <= exact_max
        missed: list[str] = []
        if exact:
            matrix = unit_rows(np.asarray([stored[i] for i in ids], dtype=np.float32))
            own = {i: n for n, i in enumerate(ids)}
            for start in range(0, len(probe), 256):
                block = unit_rows(queries[start : start + 256]) @ matrix.T
                for row, chunk_id in zip(block, probe[start : start + 256], strict=True):
                    kth = np.partition(-row, min(k, len(row)) - 1)[min(k, len(row)) - 1]
                    if -row[own[chunk_id]] > kth + 1e-5:
                        missed.append(chunk_id)
        else:
            for start in range(0, len(probe), 256):
                chunk = probe[start : start + 256]
                result = self.vectorstore._collection.query(
                    query_embeddings=queries[start : start + 256],
                    n_results=k,
                    include=["distances"],
                )
                for chunk_id, found, distances in zip(
                    chunk, result["ids"], result.get("distances") or [], strict=True
                ):
                    if chunk_id not in found and max(distances) > 1e-5:
                        missed.append(chunk_id)
        return SelfRetrieval(len(probe), len(ids), "exact" if exact else "hnsw", tuple(missed))


@dataclass(frozen=True)
class SelfRetrieval:
    """How many sampled chunks were found by their own vector, and which were not."""

    checked: int
    library: int
    path: Literal["exact", "hnsw"]
    missed: tuple[str, ...]


def _collection_names(client: Any) -> set[str]:
    return {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}


def _drop(client: Any, name: str) -> None:
    if name in _collection_names(client):
        client.delete_collection(name)


def recover_swap(client: Any, collection: str) -> None:
    """Finish a swap a crash cut short: with no live collection but a retired one, the
    retired one is the library again (its manifest was never replaced)."""
    names = _collection_names(client)
    if collection not in names and collection + RETIRED_SUFFIX in names:
        client.get_collection(collection + RETIRED_SUFFIX).modify(name=collection)


def library_digest(chunks: Sequence[Chunk]) -> str:
    """sha256 of the chunks' ids and indexed texts, in order: what a saved index or saved
    sentence vectors were made from, so one made from another library is never used."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(f"{chunk.id}\x00{chunk.embedding_text()}\x00".encode())
    return digest.hexdigest()


def open_store(settings: Settings, embeddings: Embeddings) -> GuidanceStore:
    client = make_client(settings)
    recover_swap(client, settings.collection)
    return GuidanceStore(client, settings.collection, embeddings)


@dataclass
class Manifest:
    """Which version of each source file the collection holds."""

    embedding_model: str = ""
    embedding_backend: str = ""  # "" in manifests written before backends were recorded
    pipeline: str = ""
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise StoreError(
                f"the ingest manifest {path} is unreadable ({exc}); run ingest with --rebuild"
            ) from exc
        if raw.get("version") != MANIFEST_VERSION:
            return cls()
        return cls(
            embedding_model=raw.get("embedding_model", ""),
            embedding_backend=raw.get("embedding_backend", ""),
            pipeline=raw.get("pipeline", ""),
            files=raw.get("files", {}),
        )

    def save(self, path: Path) -> None:
        """Write atomically: a crash leaves the old manifest or the new, never half."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        payload = {
            "version": MANIFEST_VERSION,
            "embedding_model": self.embedding_model,
            "embedding_backend": self.embedding_backend,
            "pipeline": self.pipeline,
            "files": self.files,
        }
        tmp.write_text(json.dumps(payload, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
