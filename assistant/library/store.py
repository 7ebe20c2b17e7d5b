"""The guidance store: Chroma, on disk or a server.

Every writer holds ``writer.writer_lock`` first; opening a store makes sure a swap a crash
cut short is repaired (``writer.recover_swap``).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.documents.chunking import SECTION_SEP, Chunk
from assistant.errors import LisaError
from assistant.library.writer import (
    RETIRED_SUFFIX,
    drop_collection,
    recover_swap,
)
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

log = logging.getLogger("lisa.store")


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


class GuidanceStore:
    """A Chroma collection of guidance chunks (cosine space).

    ``client`` is a Chroma client, or (``deferred``) a function that makes one: then
    nothing connects, and Chroma is not even imported, until the store is first used, so a
    start that reads the library from its snapshot never pays for Chroma."""

    def __init__(self, client: Any, collection: str, embeddings: Embeddings) -> None:
        self._client: Any = client
        self._connect: Callable[[], Any] | None = None
        self._lock_path: Path | None = None
        self._vectorstore: Chroma | None = None
        self._opening = threading.Lock()
        self.collection = collection
        self.embeddings = embeddings

    @classmethod
    def deferred(
        cls,
        connect: Callable[[], Any],
        collection: str,
        embeddings: Embeddings,
        lock_path: Path | None = None,
    ) -> GuidanceStore:
        """A store that connects on first use (then repairs a broken swap, see
        ``recover_swap``, under the writer lock at ``lock_path``)."""
        store = cls(None, collection, embeddings)
        store._connect = connect
        store._lock_path = lock_path
        return store

    @property
    def connected(self) -> bool:
        return self._client is not None

    @property
    def client(self) -> Any:
        with self._opening:
            if self._client is None and self._connect is not None:
                client = self._connect()
                recover_swap(client, self.collection, self._lock_path)
                self._client = client
            return self._client

    @property
    def vectorstore(self) -> Chroma:
        client = self.client
        with self._opening:
            if self._vectorstore is None:
                from langchain_chroma import Chroma as LangChainChroma

                self._vectorstore = LangChainChroma(
                    collection_name=self.collection,
                    embedding_function=self.embeddings,
                    client=client,
                    collection_metadata=dict(HNSW),
                )
            return self._vectorstore

    def close(self) -> None:
        """Release the client, if this store ever connected; it never connects again."""
        with self._opening:
            self._connect = None
            if self._client is not None:
                self._client.close()

    def fresh_sibling(self) -> GuidanceStore:
        """An empty collection beside this one for a rebuild (a rebuild cut off before
        is dropped first); ``swap_in`` makes it the library."""
        drop_collection(self.client, self.collection + REBUILD_SUFFIX)
        return GuidanceStore(self.client, self.collection + REBUILD_SUFFIX, self.embeddings)

    def swap_in(self, rebuilt: GuidanceStore) -> GuidanceStore:
        """Make ``rebuilt`` this library under this name and drop the old collection.

        Two renames: the live collection is retired, then the rebuilt one takes its name.
        A crash between them leaves no live collection and ``recover_swap`` (run when a
        store connects, under the writer lock) puts the retired one back; a reader that
        connects meanwhile waits for the swap, so it never finds the library empty or
        half written."""
        drop_collection(self.client, self.collection + RETIRED_SUFFIX)
        self.client.get_collection(self.collection).modify(name=self.collection + RETIRED_SUFFIX)
        self.client.get_collection(rebuilt.collection).modify(name=self.collection)
        drop_collection(self.client, self.collection + RETIRED_SUFFIX)
        return GuidanceStore(self.client, self.collection, self.embeddings)

    def connect(self) -> GuidanceStore:
        """Connect now (a deferred store connects on first use), waiting for a swap in
        progress to finish (``recover_swap``). A writer connects before it takes the lock."""
        if self.client is None:
            raise StoreError(f"the store for '{self.collection}' has been closed")
        return self

    def repair_swap(self) -> None:
        """Finish a swap a crash cut short; the caller holds ``writer_lock``."""
        recover_swap(self.client, self.collection)

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

    def records(self, vectors: bool = False, page: int = 5000) -> Records:
        """Every stored chunk's id, text and metadata (and vector), in library order (by
        source, then position), read in one paged pass (one big read exceeds SQLite's
        variable limit)."""
        include: list[Any] = ["documents", "metadatas", *(["embeddings"] if vectors else [])]
        ids: list[str] = []
        documents: list[str] = []
        metadatas: list[dict[str, Any]] = []
        rows: list[np.ndarray] = []
        while True:
            data = self.vectorstore._collection.get(include=include, limit=page, offset=len(ids))
            ids.extend(data["ids"])
            documents.extend(d or "" for d in data["documents"] or [])
            metadatas.extend(dict(m or {}) for m in data["metadatas"] or [])
            if vectors and len(data["ids"]):
                rows.append(np.asarray(data["embeddings"], dtype=np.float32))
            if len(data["ids"]) < page:
                break
        order = sorted(
            range(len(ids)),
            key=lambda i: (str(metadatas[i]["source"]), int(metadatas[i].get("position", 0))),
        )
        matrix = None
        if vectors:
            matrix = np.vstack(rows)[order] if rows else np.zeros((0, 0), dtype=np.float32)
        return Records(
            [ids[i] for i in order],
            [documents[i] for i in order],
            [metadatas[i] for i in order],
            matrix,
        )

    def library_chunks(self) -> list[Chunk]:
        """Every chunk in library order (by source, then position): the order the retriever,
        the keyword index and its saved record hold them in."""
        return self.records().chunks()

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

    def vectors_for(self, ids: Sequence[str]) -> np.ndarray:
        """The stored vectors of ``ids``, one row each in the order given."""
        found: dict[str, np.ndarray] = {}
        size = self.max_batch_size()
        for start in range(0, len(ids), size):
            data = self.vectorstore._collection.get(
                ids=list(ids[start : start + size]), include=["embeddings"]
            )
            rows = data.get("embeddings")
            rows = [] if rows is None else rows
            found.update(zip(data["ids"], np.asarray(rows, dtype=np.float32), strict=True))
        missing = [i for i in ids if i not in found]
        if missing:
            raise StoreError(f"{len(missing)} chunks have no stored vector (first: {missing[0]})")
        return np.vstack([found[i] for i in ids]) if ids else np.zeros((0, 0), np.float32)

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


@dataclass(frozen=True)
class Records:
    """Stored chunks as Chroma holds them, in library order; ``vectors`` one row each."""

    ids: list[str]
    documents: list[str]
    metadatas: list[dict[str, Any]]
    vectors: np.ndarray | None = None

    def chunks(self) -> list[Chunk]:
        return [
            chunk_from_record(i, d, m)
            for i, d, m in zip(self.ids, self.documents, self.metadatas, strict=True)
        ]


def library_digest(chunks: Sequence[Chunk]) -> str:
    """sha256 of the chunks' ids and indexed texts, in order: what a saved index or saved
    sentence vectors were made from, so one made from another library is never used."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(f"{chunk.id}\x00{chunk.embedding_text()}\x00".encode())
    return digest.hexdigest()


def open_store(settings: Settings, embeddings: Embeddings, defer: bool = False) -> GuidanceStore:
    """The configured collection; with ``defer`` it connects on first use. A broken swap
    is repaired on opening only while no writer holds the lock (an ingest, which holds
    it, repairs one itself: ``GuidanceStore.repair_swap``)."""
    lock_path = None if settings.chroma_host else settings.lock_path
    if defer:
        return GuidanceStore.deferred(
            lambda: make_client(settings), settings.collection, embeddings, lock_path
        )
    client = make_client(settings)
    recover_swap(client, settings.collection, lock_path)
    return GuidanceStore(client, settings.collection, embeddings)
