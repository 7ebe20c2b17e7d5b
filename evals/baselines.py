"""Comparison retrievers for the eval: what LISA's hybrid retrieval is measured against.

- BM25 only and dense only come from LISA's own retriever (``keyword``/``dense``).
- ``TutorialRetriever`` is the pipeline a tutorial would have users copy: fixed
  1,000-character chunks with 200 overlap (LangChain's RecursiveCharacterTextSplitter
  over the raw corpus text), embedded with the same model into an in-memory
  Chroma collection, dense top-4. Its chunks know nothing about headings; for
  scoring, each chunk is labelled with the Markdown heading its start falls under.
"""

from __future__ import annotations

import bisect
import contextlib
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from chromadb.api.types import PyEmbedding

HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
TUTORIAL_CHUNK_SIZE = 1000
TUTORIAL_OVERLAP = 200
TUTORIAL_K = 4


def raw_corpus_text(path: Path, max_bytes: int = 50 * 1024 * 1024) -> str:
    """The file's text as a tutorial would load it: Markdown and text as they are, other
    formats through LISA's parser rendered as Markdown (headings as #)."""
    if path.suffix.lower() in {".md", ".markdown", ".txt"}:
        return path.read_text(encoding="utf-8", errors="replace")
    from assistant.documents.loading import load_document

    doc = load_document(path, max_bytes)
    lines = []
    for block in doc.blocks:
        lines.append(
            f"{'#' * max(1, block.level)} {block.text}" if block.kind == "heading" else block.text
        )
    return "\n\n".join(lines)


def heading_at(text: str) -> tuple[list[int], list[str]]:
    """Offsets and texts of the Markdown headings in ``text`` (for ``section_at``)."""
    offsets, titles = [], []
    for m in HEADING.finditer(text):
        offsets.append(m.start())
        titles.append(m.group(2).strip())
    return offsets, titles


def section_at(offsets: Sequence[int], titles: Sequence[str], start: int) -> str:
    """The innermost heading at or before character ``start`` ('' before any heading)."""
    i = bisect.bisect_right(list(offsets), start) - 1
    return titles[i] if i >= 0 else ""


@dataclass(frozen=True)
class TutorialChunk:
    id: str
    text: str
    source: str
    section: str
    start: int


def tutorial_chunks(files: Sequence[Path]) -> list[TutorialChunk]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=TUTORIAL_CHUNK_SIZE, chunk_overlap=TUTORIAL_OVERLAP, add_start_index=True
    )
    out: list[TutorialChunk] = []
    for path in files:
        text = raw_corpus_text(path)
        offsets, titles = heading_at(text)
        for i, doc in enumerate(splitter.create_documents([text])):
            start = int(doc.metadata["start_index"])
            out.append(
                TutorialChunk(
                    f"{path.name}-{i:05d}",
                    doc.page_content,
                    path.name,
                    section_at(offsets, titles, start),
                    start,
                )
            )
    return out


def corpus_files(corpus_dir: Path) -> list[Path]:
    from assistant.documents.loading import is_document_file

    return sorted(p for p in corpus_dir.rglob("*") if is_document_file(p))


class TutorialRetriever:
    """Fixed-size chunks in an in-memory Chroma collection, dense top-k."""

    def __init__(self, files: Sequence[Path], embeddings: Embeddings) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.chunks = tutorial_chunks(files)
        self.embeddings = embeddings
        self.client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.name = f"tutorial-{uuid.uuid4().hex[:12]}"
        # No embedding function on the collection: vectors are always passed explicitly,
        # so Chroma's default ONNX model (which would download) is never used.
        self.collection = self.client.create_collection(
            self.name, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
        self._by_id = {c.id: c for c in self.chunks}
        if self.chunks:
            # Typed as Chroma's own list[PyEmbedding]: its parameter is an (invariant) list of
            # Sequence[float], which list[list[float]] does not match though Chroma takes it.
            vectors: list[PyEmbedding] = list(
                embeddings.embed_documents([c.text for c in self.chunks])
            )
            size = int(self.client.get_max_batch_size())
            for i in range(0, len(self.chunks), size):
                batch = self.chunks[i : i + size]
                self.collection.add(
                    ids=[c.id for c in batch],
                    documents=[c.text for c in batch],
                    embeddings=vectors[i : i + size],
                    metadatas=[{"source": c.source, "section": c.section} for c in batch],
                )

    def search(self, query: str, k: int = TUTORIAL_K) -> list[tuple[TutorialChunk, float]]:
        if not self.chunks:
            return []
        query_vectors: list[PyEmbedding] = [self.embeddings.embed_query(query)]
        result = self.collection.query(
            query_embeddings=query_vectors,
            n_results=min(k, len(self.chunks)),
            include=["distances"],
        )
        distances = result["distances"]
        assert distances is not None  # asked for with include=["distances"]
        return [
            (self._by_id[i], 1.0 - float(d))
            for i, d in zip(result["ids"][0], distances[0], strict=True)
        ]

    def close(self) -> None:
        with contextlib.suppress(Exception):  # cleanup only; chromadb raises bare errors
            self.client.delete_collection(self.name)
