"""``Lisa``: the one object front ends talk to (CLI, web app, evals).

``build_lisa(settings)`` loads the embedding model, opens the guidance store,
builds the hybrid retriever and the answer chain once. Library changes (adding
or removing guidance) go through the single-writer lock and then swap in a
fresh retriever and chain.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import shutil
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant import __version__
from assistant.ask.answer import Answer
from assistant.ask.answerability import load_answerability_model
from assistant.ask.backends import make_generator
from assistant.ask.chain import AnswerChain, build_chain
from assistant.ask.condense import Message
from assistant.ask.generation import ExtractiveGenerator
from assistant.ask.prompts import PromptSet, load_prompts
from assistant.ask.query_terms import QUERY_TERMS_FILE, load_query_terms
from assistant.ask.retrieval import HybridRetriever, Retrieval
from assistant.critique.engine import Critique, critique_path
from assistant.critique.model import Audit, CritiqueFailure
from assistant.critique.rubric import Rubric, load_rubric
from assistant.documents.model import SUPPORTED_SUFFIXES, Limits
from assistant.errors import LisaError
from assistant.library.embeddings import LisaEmbeddings
from assistant.library.ingest import IngestReport, ingest_paths
from assistant.library.keyword_files import keywords_for
from assistant.library.manifest import Manifest
from assistant.library.models import build_embeddings
from assistant.library.passages import merged_texts
from assistant.library.sentence_vectors import embeddings_key, keep_library_vectors
from assistant.library.snapshot import library_for
from assistant.library.store import GuidanceStore, open_store
from assistant.settings import Settings


class LibraryError(LisaError, ValueError):
    """A library change the officer asked for cannot be made."""


@dataclass
class Lisa:
    settings: Settings
    embeddings: LisaEmbeddings
    store: GuidanceStore
    prompts: PromptSet
    retriever: HybridRetriever
    chain: AnswerChain
    backend_label: str
    rubric: Rubric
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _manifest_seen: int | None = None  # the manifest's mtime (ns) when the library was loaded

    def __post_init__(self) -> None:
        if self._manifest_seen is None:
            self._manifest_seen = self._manifest_mtime()

    def _manifest_mtime(self) -> int:
        try:
            return self.settings.manifest_path.stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    def refresh(self) -> bool:
        """Reload the library when another process (``ingest_docs.py``, the CLI) has changed
        it since it was loaded: its manifest is newer. True when it reloaded."""
        if self._manifest_mtime() == self._manifest_seen:
            return False
        with self._lock:
            seen = self._manifest_mtime()
            if seen == self._manifest_seen:
                return False
            if not self.settings.chroma_host:  # on disk: this process's view of it is stale
                self.store.close()
                self.store = open_store(self.settings, self.embeddings, defer=True)
            self._reload()
            self._manifest_seen = seen
            return True

    def _reload(self) -> None:
        self.retriever = build_retriever(self.settings, self.store, self.embeddings)
        self.chain = build_answer_chain(self.settings, self.retriever, self.prompts)[0]

    # --- ask ----------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Message] = ()) -> Answer:
        self.refresh()
        return self.chain.invoke(question, history)

    def stream(self, question: str, history: Sequence[Message] = ()) -> Iterator[str | Answer]:
        self.refresh()
        return self.chain.stream(question, history)

    def search(self, query: str, k: int | None = None) -> Retrieval:
        self.refresh()
        return self.retriever.retrieve(query, k or self.settings.top_k)

    # --- critique -----------------------------------------------------------
    def critique(
        self, path: Path, progress: Any = None, source: str | None = None
    ) -> Critique | CritiqueFailure:
        """Score one draft: its report and evidence units, or a CritiqueFailure saying why not.

        The report carries an audit block: when, which LISA, rubric, evidence model,
        guidance documents and answer backend made it."""
        self.refresh()
        outcome = critique_path(
            path,
            self.rubric,
            self.embeddings,
            self.retriever,
            max_bytes=self.settings.max_file_bytes,
            limits=Limits.from_settings(self.settings),
            source=source,
            progress=progress,
        )
        if isinstance(outcome, CritiqueFailure):
            return outcome
        report = dataclasses.replace(outcome.report, audit=self.audit())
        return dataclasses.replace(outcome, report=report)

    def audit(self) -> Audit:
        """The provenance every report of this LISA carries."""
        judgement = self.rubric.judgement
        provenance = judgement.provenance if judgement else {}
        authors = provenance.get("tuning_authors")
        fitted = (
            f"fitted on {provenance.get('tuning_drafts', '?')} labelled drafts by "
            f"{len(authors) if isinstance(authors, list) else '?'} authors "
            f"({judgement.embedding_model})"
            if judgement
            else "none"
        )
        guidance = tuple(
            f"{row['title']} ({', '.join(v for v in (row['date'], row['status']) if v)})"
            if row["date"] or row["status"]
            else str(row["title"])
            for row in self.library()
        )
        return Audit(
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            lisa_version=__version__,
            rubric_version=self.rubric.version,
            evidence_model=fitted,
            guidance=guidance,
            backend=self.backend_label,
        )

    # --- library ------------------------------------------------------------
    def library(self) -> list[dict[str, Any]]:
        manifest = Manifest.load(self.settings.manifest_path)
        rows = []
        for source, entry in sorted(manifest.files.items()):
            meta = entry.get("metadata", {})
            rows.append(
                {
                    "source": source,
                    "title": entry.get("title", source),
                    "publisher": meta.get("publisher", ""),
                    "date": meta.get("date", ""),
                    "status": meta.get("status", ""),
                    "chunks": entry.get("chunks", 0),
                    "ingested_at": entry.get("ingested_at", ""),
                }
            )
        return rows

    def add_document(self, path: Path, progress: Any = None) -> IngestReport:
        """Copy a file into the corpus folder and ingest; on failure the corpus is unchanged."""
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise LibraryError(
                f"{path.name}: unsupported file type; use one of {', '.join(SUPPORTED_SUFFIXES)}"
            )
        target = self.settings.corpus_dir / path.name
        with self._lock:
            self.settings.corpus_dir.mkdir(parents=True, exist_ok=True)
            previous = target.read_bytes() if target.exists() else None
            shutil.copyfile(path, target)
            try:
                report = self._reingest(progress)
            except Exception:
                self._restore(target, previous)
                raise
            if any(f.source == path.name and f.status == "failed" for f in report.files):
                self._restore(target, previous)
                self._reingest(None)
        return report

    @staticmethod
    def _restore(target: Path, previous: bytes | None) -> None:
        if previous is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(previous)

    def remove_document(self, source: str) -> IngestReport:
        target = (self.settings.corpus_dir / source).resolve()
        if self.settings.corpus_dir.resolve() not in target.parents or not target.exists():
            raise LibraryError(f"{source} is not in the guidance library")
        with self._lock:
            target.unlink()
            sidecar = target.with_name(target.stem + ".meta.json")
            sidecar.unlink(missing_ok=True)
            return self._reingest(None)

    def _reingest(self, progress: Any) -> IngestReport:
        report = ingest_paths(
            [self.settings.corpus_dir],
            self.settings,
            lambda: self.store,
            self.embeddings,
            progress=progress,
        )
        self._reload()
        self._manifest_seen = self._manifest_mtime()
        return report

    # --- about --------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        self.refresh()
        return {
            "version": __version__,
            "documents": len(self.library()),
            "chunks": len(self.retriever),
            "embedding_model": self.embeddings.name,
            "backend": self.chain.generator.name,
            "backend_label": self.backend_label,
            "store": (
                f"Chroma server {self.settings.chroma_host}:{self.settings.chroma_port}"
                if self.settings.chroma_host
                else f"Chroma on disk, {self.settings.chroma_dir}"
            ),
        }


def build_retriever(
    settings: Settings, store: GuidanceStore, embeddings: LisaEmbeddings
) -> HybridRetriever:
    """The retriever over the library: read from the snapshot ingest saved (else from the
    store), with the keyword index ingest saved (loaded, or rebuilt and saved when it is
    missing, damaged or another library's)."""
    model = load_answerability_model(settings.prompts_dir / "answerability.json")
    exact_max = settings.exact_search_max_chunks
    key = embeddings_key(embeddings.name, embeddings.backend)
    library = library_for(settings, store, key, exact_max)
    return HybridRetriever(
        store,
        embeddings,
        model,
        floor=settings.min_relevance,
        exact_max=exact_max,
        keyword_index=functools.partial(keywords_for, settings, digest=library.digest),
        library=library,
        query_terms=load_query_terms(settings.prompts_dir / QUERY_TERMS_FILE),
    )


def build_answer_chain(
    settings: Settings, retriever: HybridRetriever, prompts: PromptSet
) -> tuple[AnswerChain, str]:
    extractive = ExtractiveGenerator(
        retriever.keywords,
        retriever.sentences,
        retriever.embeddings.embed_query,
        query_terms=retriever.query_terms,
    )
    # read the sentence vectors ingest saved; embed (and save) only what is missing
    keep_library_vectors(
        retriever.sentences,
        settings.sentence_vectors_path,
        embeddings_key(retriever.embeddings.name, retriever.embeddings.backend),
        lambda: merged_texts(retriever.chunks),  # only if the saved vectors will not do
        retriever.library_digest,
    )
    generator, condenser = make_generator(settings, prompts, extractive, retriever.headings)
    chain = build_chain(retriever, generator, prompts, condenser, settings.top_k, extractive)
    return chain, generator.label


def build_lisa(settings: Settings, embeddings: LisaEmbeddings | None = None) -> Lisa:
    """Load everything once. Raises with a clear message when something is missing."""
    prompts = load_prompts(settings.prompts_dir)
    try:  # before the library is read: an ingest that lands meanwhile is seen by ``refresh``
        seen = settings.manifest_path.stat().st_mtime_ns
    except FileNotFoundError:
        seen = 0
    embeddings = embeddings or build_embeddings(settings)
    store = open_store(settings, embeddings, defer=True)  # connects when first needed
    retriever = build_retriever(settings, store, embeddings)
    chain, label = build_answer_chain(settings, retriever, prompts)
    rubric = load_rubric(settings.prompts_dir / "rubric.yaml")
    return Lisa(
        settings, embeddings, store, prompts, retriever, chain, label, rubric, _manifest_seen=seen
    )
