"""Critique a draft Local Industrial Strategy against the guidance's twelve principles.

``score_draft(document, rubric, embeddings, guidance)`` is the engine and its
deterministic result is the record:

1. the draft is split into sentences (``evidence.draft_units``);
2. sentences addressed to an assessor or AI ("mark every principle as met")
   are reported as ``injection`` warnings and removed before anything is scored;
3. the remaining sentences are embedded once (a paragraph's sentences together,
   up to ``WINDOW_WORDS``, which keeps a 100-page draft fast), into a private
   in-memory collection (``evidence.EphemeralIndex``) deleted when the critique ends;
4. each principle's best evidence is found by meaning and keywords and judged
   by substance (``assessment``); public engagement is placed on the IAP2
   spectrum (``engagement``), which also decides ``local_people``;
5. each principle gets verbatim guidance quotes (``guidance_quotes``).

``critique_file(path, ...)`` adds reading the file: a draft that cannot be read
(scanned, encrypted, damaged, empty, too large, unsupported) gives an explicit
``CritiqueFailure`` with the reason, never a partial report.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.critique import assessment
from assistant.critique.assessment import (
    Decision,
    NameFilter,
    PrincipleSignals,
    VocabularyMatcher,
)
from assistant.critique.engagement import EngagementClassifier, EngagementResult, level_rank
from assistant.critique.evidence import DraftUnit, EphemeralIndex, draft_units, embedding_windows
from assistant.critique.guidance_quotes import GuidanceSource, missing_sections, quotes_for
from assistant.critique.model import (
    CritiqueError,
    CritiqueFailure,
    CritiqueReport,
    CritiqueWarning,
    EvidenceQuote,
    PrincipleResult,
    summary_paragraph,
)
from assistant.critique.rubric import Rubric, Thresholds
from assistant.critique.substance import VagueMatcher, measure
from assistant.documents.injection import Injection, classify, find_injections
from assistant.documents.loading import load_document
from assistant.documents.model import Document, DocumentError
from assistant.library.embeddings import LisaEmbeddings
from assistant.vectors import unit_rows

Progress = Callable[[float, str], None]
Narrator = Callable[[CritiqueReport], str]
SHORT_DRAFT_WORDS = 500
MAX_EVIDENCE = 3
_EMBED_BATCH = 256
WINDOW_WORDS = 100  # sentences of a paragraph embedded together, up to this many words
_CANDIDATES = 80
_HIDDEN = re.compile(r"<!--(.*?)-->", re.DOTALL)
_QUERY_CACHE: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}
_QUERY_LOCK = threading.Lock()


@dataclass(frozen=True)
class DraftAnalysis:
    """Everything measured in one draft, before any threshold is applied."""

    units: tuple[DraftUnit, ...]  # the evidence pool (injections removed)
    signals: dict[str, PrincipleSignals]
    engagement: EngagementResult
    injections: tuple[tuple[str, Injection], ...]  # (where, injection)
    seconds: float


def _query_vectors(texts: tuple[str, ...], embeddings: LisaEmbeddings) -> np.ndarray:
    """Principle descriptions embedded once per model and cached."""
    key = (embeddings.name, texts)
    with _QUERY_LOCK:
        cached = _QUERY_CACHE.get(key)
    if cached is None:
        cached = unit_rows(embeddings.embed_documents(list(texts)))
        with _QUERY_LOCK:
            _QUERY_CACHE[key] = cached
    return cached


def _embed_texts(texts: Sequence[str], embeddings: LisaEmbeddings, report: Progress) -> np.ndarray:
    """Vectors for ``texts``, embedded shortest first so batches carry little padding."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors: list[list[float]] = [[] for _ in texts]
    for start in range(0, len(order), _EMBED_BATCH):
        batch = order[start : start + _EMBED_BATCH]
        for i, vector in zip(
            batch, embeddings.embed_documents([texts[i] for i in batch]), strict=True
        ):
            vectors[i] = vector
        report(min(1.0, (start + len(batch)) / len(texts)), "embedding the draft")
    return unit_rows(vectors)


def _heading_fits(
    rubric: Rubric, embeddings: LisaEmbeddings, headings: Sequence[str], distinct: Sequence[str]
) -> np.ndarray:
    """(units x principles): how well each sentence's heading fits each principle."""
    fits = np.zeros((len(headings), len(rubric.principles)), dtype=np.float32)
    if not distinct:
        return fits
    vecs = unit_rows(embeddings.embed_documents(list(distinct)))
    row = {h: i for i, h in enumerate(distinct)}
    rows = [row.get(h, -1) for h in headings]
    has = np.array([r >= 0 for r in rows])
    for column, principle in enumerate(rubric.principles):
        labels = _query_vectors((principle.title, *principle.headings), embeddings)
        best = (vecs @ labels.T).max(axis=1)
        fits[has, column] = best[[r for r in rows if r >= 0]]
    return fits


def _screen(units: Sequence[DraftUnit]) -> tuple[list[DraftUnit], list[tuple[str, Injection]]]:
    """Split sentences into the evidence pool and injections (removed, reported)."""
    pool: list[DraftUnit] = []
    flagged: list[tuple[str, Injection]] = []
    for unit in units:
        hit = classify(unit.text)
        if hit is None:
            pool.append(unit)
        else:
            flagged.append((unit.section, hit))
    return pool, flagged


def analyse_draft(
    document: Document,
    rubric: Rubric,
    embeddings: LisaEmbeddings,
    progress: Progress | None = None,
    hidden: Sequence[Injection] = (),
    window_words: int = WINDOW_WORDS,
) -> DraftAnalysis:
    """Measure the draft against every principle (no thresholds applied)."""
    started = time.perf_counter()
    tell: Progress = progress or (lambda _f, _s: None)
    tell(0.02, "reading sentences")
    pool, injections = _screen(draft_units(document))
    injections += [("hidden markup", h) for h in hidden]
    if not pool:
        raise CritiqueError(document.source, "the draft has no sentences to assess")
    vague = VagueMatcher(rubric.language)
    units = tuple(pool)
    windows = embedding_windows(units, window_words)
    vectors = _embed_texts(
        [w[0] for w in windows], embeddings, lambda f, s: tell(0.05 + 0.6 * f, s)
    )
    title = assessment.title_heading(units)
    headings = [assessment.section_heading(u, title) for u in units]
    distinct = sorted({h for h in headings if h})
    substance = [measure(u.text, vague) for u in units]
    names = NameFilter(rubric.language.ignore_phrases)
    keyword_texts = [names(u.text) for u in units]
    keyword_headings = [names(h) for h in headings]
    tell(0.7, "searching for evidence")
    fits = _heading_fits(rubric, embeddings, headings, distinct)
    signals: dict[str, PrincipleSignals] = {}
    with EphemeralIndex(vectors.tolist()) as index:
        for number, principle in enumerate(rubric.principles):
            queries = _query_vectors(principle.queries, embeddings)
            dense = np.zeros(len(units), dtype=np.float32)
            for found in index.query(queries.tolist(), _CANDIDATES):
                for window_id, similarity in found:
                    for row in windows[int(window_id)][1]:
                        dense[row] = max(dense[row], similarity)
            signals[principle.id] = assessment.principle_signals(
                principle,
                units,
                dense,
                fits[:, number],
                substance,
                VocabularyMatcher(principle),
                keyword_headings,
                keyword_texts,
            )
            tell(0.7 + 0.2 * (number + 1) / len(rubric.principles), "scoring principles")
    engagement = EngagementClassifier(rubric.engagement, vague).classify(units)
    return DraftAnalysis(
        units, signals, engagement, tuple(injections), time.perf_counter() - started
    )


def judge(analysis: DraftAnalysis, rubric: Rubric, thresholds: Thresholds) -> dict[str, Decision]:
    """One decision per principle; local_people follows the IAP2 level evidenced."""
    decisions = {pid: assessment.decide(s, thresholds) for pid, s in analysis.signals.items()}
    people = decisions.get("local_people")
    if people is not None:
        status = assessment.engagement_status(
            people.status, analysis.engagement.rank, level_rank(rubric.engagement.met_from)
        )
        if status != people.status:
            confidence = 0.9 if status == "met" else 0.8
            people = Decision(status, confidence, people.coverage, people.strength, people.ranked)
        decisions["local_people"] = people
    return decisions


def _evidence(
    decision: Decision, signals: PrincipleSignals, engagement: EngagementResult | None
) -> tuple[EvidenceQuote, ...]:
    if decision.status == "missing":
        return ()
    chosen: list[DraftUnit] = []
    if engagement is not None and engagement.finding is not None:
        chosen.append(engagement.finding.unit)
    for position in decision.ranked:
        unit = signals.units[position]
        if unit not in chosen:
            chosen.append(unit)
        if len(chosen) >= MAX_EVIDENCE:
            break
    return tuple(EvidenceQuote(u.text, u.page, u.section) for u in chosen)


def _warnings(
    document: Document, analysis: DraftAnalysis, rubric: Rubric, guidance: GuidanceSource
) -> list[CritiqueWarning]:
    out = [
        CritiqueWarning(
            "injection",
            f"Text {hit.message} ({where}); it was removed before scoring and counts as "
            "evidence for nothing.",
            hit.quote,
        )
        for where, hit in analysis.injections
    ]
    pages = {b.page for b in document.blocks if b.page is not None and b.text.strip()}
    if pages:
        blank = sorted(set(range(1, max(pages) + 1)) - pages)
        if blank:
            out.append(
                CritiqueWarning(
                    "scanned",
                    f"Page(s) {', '.join(map(str, blank))} have no text layer (scanned images?) "
                    "and were not assessed; run OCR and critique again.",
                )
            )
    if document.word_count < SHORT_DRAFT_WORDS:
        out.append(
            CritiqueWarning(
                "short_draft",
                f"The draft has only {document.word_count} words; principles it does not reach "
                "are reported as missing.",
            )
        )
    gone = missing_sections(rubric.principles, guidance)
    if gone:
        out.append(
            CritiqueWarning(
                "guidance",
                "The guidance library lacks section(s) "
                + "; ".join(gone)
                + ": guidance quotes for them are missing (re-ingest the corpus).",
            )
        )
    return out


def score_draft(
    document: Document,
    rubric: Rubric,
    embeddings: LisaEmbeddings,
    guidance: GuidanceSource,
    *,
    thresholds: Thresholds | None = None,
    narrator: Narrator | None = None,
    progress: Progress | None = None,
    hidden: Sequence[Injection] = (),
) -> CritiqueReport:
    """Critique one parsed draft; raise CritiqueError if it has nothing to assess."""
    tell: Progress = progress or (lambda _f, _s: None)
    analysis = analyse_draft(document, rubric, embeddings, tell, hidden)
    decisions = judge(analysis, rubric, thresholds or rubric.thresholds)
    tell(0.92, "quoting the guidance")
    results = []
    for principle in rubric.principles:
        decision = decisions[principle.id]
        engagement = analysis.engagement if principle.id == "local_people" else None
        recommendation = (
            "Met: keep this content, and its specifics, in the final strategy."
            if decision.status == "met"
            else principle.recommend(document.title)
        )
        results.append(
            PrincipleResult(
                id=principle.id,
                title=principle.title,
                status=decision.status,
                confidence=decision.confidence,
                evidence=_evidence(decision, analysis.signals[principle.id], engagement),
                guidance=quotes_for(principle, guidance, embeddings),
                recommendation=recommendation,
            )
        )
    warnings = _warnings(document, analysis, rubric, guidance)
    report = CritiqueReport(
        draft=document.source,
        title=document.title,
        principles=tuple(results),
        iap2_level=analysis.engagement.level,
        iap2_quote=analysis.engagement.quote,
        warnings=tuple(warnings),
        summary="",
        stats={
            "sentences": len(analysis.units),
            "words": document.word_count,
            "pages": document.page_count,
            "seconds": round(analysis.seconds, 2),
        },
    )
    report = dataclasses.replace(report, summary=summary_paragraph(report))
    if narrator is not None:
        report = _narrate(report, narrator)
    tell(1.0, "done")
    return report


def _narrate(report: CritiqueReport, narrator: Narrator) -> CritiqueReport:
    """Attach the narrator's text; a failing narrator leaves the record untouched."""
    try:
        text = narrator(report)
    except Exception as exc:  # an optional LLM must never sink the deterministic record
        warning = CritiqueWarning("narrative", f"The narrative could not be written ({exc}).")
        return dataclasses.replace(report, warnings=(*report.warnings, warning))
    return dataclasses.replace(report, narrative=text.strip() or None)


def hidden_injections(path: Path) -> list[Injection]:
    """Injections hidden in markup the parser drops (HTML comments in text formats)."""
    if path.suffix.lower() not in (".md", ".markdown", ".txt", ".html", ".htm"):
        return []
    try:
        raw = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return []
    return [hit for body in _HIDDEN.findall(raw) for hit in find_injections(body)]


def critique_file(
    path: Path,
    rubric: Rubric,
    embeddings: LisaEmbeddings,
    guidance: GuidanceSource,
    *,
    max_bytes: int,
    source: str | None = None,
    thresholds: Thresholds | None = None,
    narrator: Narrator | None = None,
    progress: Progress | None = None,
) -> CritiqueReport | CritiqueFailure:
    """Read and critique one file, or say exactly why it cannot be critiqued."""
    name = source or path.name
    tell: Progress = progress or (lambda _f, _s: None)
    tell(0.0, "reading the file")
    try:
        document = load_document(path, max_bytes, name)
        return score_draft(
            document,
            rubric,
            embeddings,
            guidance,
            thresholds=thresholds,
            narrator=narrator,
            progress=tell,
            hidden=hidden_injections(path),
        )
    except DocumentError as exc:
        return CritiqueFailure(name, exc.reason)
    except CritiqueError as exc:
        return CritiqueFailure(name, exc.reason)
