"""Critique a draft Local Industrial Strategy against the guidance's twelve principles.

``score_draft(document, rubric, embeddings, guidance)`` is the engine; its
deterministic result is the record:

1. the draft is split into evidence units: sentences, slide bullets and table rows
   read with their column headers (``evidence.draft_units``);
2. units addressed to an assessor, reviewer, checker or AI — by the rules in
   ``documents.injection`` or by the fitted injection layer, in any language or
   base64 — are reported as ``injection`` warnings and removed before scoring;
3. the remaining units are embedded once, in batches, and scored by the learned
   evidence judgement (``judgement``): topic per criterion × strength
   (evidence / weak / none, from the embedding and language features that see
   negation, promises, bare lists and claims of compliance);
4. each criterion is found, weak or not found (``decide.findings``); the fitted
   status layer judges each principle from all its units' scores and the criteria
   are harmonised with that judgement (``status_model``), so the status still
   follows from the criteria by the rubric's rule; the IAP2
   level comes from units that evidence public engagement;
5. each principle gets verbatim guidance quotes (``guidance_quotes``) and a
   recommendation built from its findings.

``critique_path(path, ...)`` adds reading the file: a draft that cannot be read
(scanned, encrypted, damaged, empty, too large, unsupported) gives an explicit
``CritiqueFailure`` with the reason, never a partial report.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.critique.decide import Finding, engagement_level, findings, principle_status
from assistant.critique.evidence import DraftUnit, draft_units
from assistant.critique.guidance_quotes import GuidanceSource, missing_sections, quotes_for
from assistant.critique.judgement import EvidenceModel, UnitScores, score_units
from assistant.critique.model import (
    CriterionResult,
    CriterionState,
    CritiqueError,
    CritiqueFailure,
    CritiqueReport,
    CritiqueWarning,
    EvidenceQuote,
    PrincipleResult,
    summary_paragraph,
)
from assistant.critique.recommend import recommendation
from assistant.critique.rubric import Principle, Rubric
from assistant.critique.screening import screen, subset_scores
from assistant.critique.status_model import judged_findings
from assistant.documents.injection import Injection
from assistant.documents.loading import load_document
from assistant.documents.model import DEFAULT_LIMITS, Document, DocumentError, Limits
from assistant.library.embeddings import LisaEmbeddings
from assistant.vectors import unit_rows

Progress = Callable[[float, str], None]
Narrator = Callable[[CritiqueReport], str]
SHORT_DRAFT_WORDS = 500
EMBED_BATCH = 64


@dataclass(frozen=True)
class DraftAnalysis:
    """Everything measured in one draft, before any threshold is applied."""

    units: tuple[DraftUnit, ...]  # the evidence pool (injections removed)
    vectors: np.ndarray  # their unit-length embeddings, one row per unit
    scores: UnitScores
    injections: tuple[tuple[str, Injection], ...]  # (where, injection)
    seconds: float


def embed_units(
    units: Sequence[DraftUnit], embeddings: LisaEmbeddings, report: Progress
) -> np.ndarray:
    """Every distinct unit text embedded once, shortest first, in batches, with progress.

    Sorting the whole draft by length (not each batch of it) keeps the padding of every
    batch small: a batch is computed to its longest text."""
    texts = [u.embed_text for u in units]
    distinct = sorted(set(texts), key=lambda t: (len(t), t))
    found: dict[str, list[float]] = {}
    for start in range(0, len(distinct), EMBED_BATCH):
        batch = distinct[start : start + EMBED_BATCH]
        found.update(zip(batch, embeddings.embed_documents(batch), strict=True))
        done = min(1.0, (start + EMBED_BATCH) / max(len(distinct), 1))
        report(0.1 + 0.75 * done, "embedding the draft")
    rows = [found[t] for t in texts]
    return unit_rows(np.asarray(rows, dtype=np.float32).reshape(len(texts), -1))


def heading_rows(
    units: Sequence[DraftUnit], embeddings: LisaEmbeddings, dimension: int
) -> np.ndarray:
    """Per unit, the embedding of the heading it sits under (each heading embedded once;
    a zero row for a unit with no heading)."""
    names = sorted({u.heading for u in units if u.heading})
    rows = np.zeros((len(units), dimension), dtype=np.float32)
    if not names:
        return rows
    vectors = unit_rows(np.asarray(embeddings.embed_documents(names), dtype=np.float32))
    index = {name: i for i, name in enumerate(names)}
    for i, unit in enumerate(units):
        if unit.heading:
            rows[i] = vectors[index[unit.heading]]
    return rows


def analyse_draft(
    document: Document,
    model: EvidenceModel,
    embeddings: LisaEmbeddings,
    report: Progress,
) -> DraftAnalysis:
    """Units, injections and unit scores of one draft (the slow part: embedding)."""
    started = time.perf_counter()
    units = draft_units(document)
    if not units:
        raise CritiqueError(document.source, "no sentences to assess in the draft")
    report(0.02, "reading sentences")
    vectors = embed_units(units, embeddings, report)
    headings = heading_rows(units, embeddings, vectors.shape[1]) if model.heading_weight else None
    report(0.88, "scoring principles")
    scores = score_units(model, vectors, [u.embed_text for u in units], headings)
    keep, flagged = screen(units, scores, model.thresholds.injection)
    pool = tuple(units[i] for i in keep)
    if not pool:
        raise CritiqueError(
            document.source, "no sentences to assess once instructions to the assessor were removed"
        )
    return DraftAnalysis(
        pool,
        vectors[np.asarray(keep, dtype=int)],
        subset_scores(scores, keep),
        tuple(flagged),
        time.perf_counter() - started,
    )


def _quote(unit: DraftUnit) -> EvidenceQuote:
    return EvidenceQuote(unit.text, unit.page, unit.section)


def _criteria_results(
    principle: Principle, found: dict[str, Finding], units: Sequence[DraftUnit]
) -> tuple[CriterionResult, ...]:
    out = []
    for criterion in principle.criteria:
        f = found[criterion.id]
        state: CriterionState = "found" if f.found else "weak" if f.weak else "not_found"
        quotes = tuple(_quote(units[i]) for i in f.units) if state != "not_found" else ()
        out.append(CriterionResult(criterion.id, criterion.evidence, criterion.core, state, quotes))
    return tuple(out)


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
    hidden = [b for b in document.blocks if b.hidden]
    if hidden:
        reasons = sorted({b.hidden for b in hidden})
        out.append(
            CritiqueWarning(
                "hidden_text",
                f"{len(hidden)} passage(s) a reader cannot see ({', '.join(reasons)}) were found; "
                "they were not counted as evidence. Check why they are there.",
                hidden[0].text[:300],
            )
        )
    if document.pages_without_text:  # every such page, not only those between text pages
        blank = ", ".join(map(str, document.pages_without_text))
        out.append(
            CritiqueWarning(
                "scanned",
                f"Page(s) {blank} have no text layer (scanned images?) and were not assessed; "
                "run OCR and critique again.",
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


@dataclass(frozen=True)
class Critique:
    """One critique: the board's report, and the draft's evidence units with their vectors
    (injections removed), so the draft chat searches what was read without reading again."""

    report: CritiqueReport
    units: tuple[DraftUnit, ...]
    vectors: np.ndarray


def score_draft(
    document: Document,
    rubric: Rubric,
    embeddings: LisaEmbeddings,
    guidance: GuidanceSource,
    *,
    narrator: Narrator | None = None,
    progress: Progress | None = None,
) -> CritiqueReport:
    """Critique one parsed draft; raise CritiqueError if it has nothing to assess."""
    return critique_document(
        document,
        rubric,
        embeddings,
        guidance,
        narrator=narrator,
        progress=progress,
    ).report


def critique_document(
    document: Document,
    rubric: Rubric,
    embeddings: LisaEmbeddings,
    guidance: GuidanceSource,
    *,
    narrator: Narrator | None = None,
    progress: Progress | None = None,
) -> Critique:
    """The report and the units it was built from; CritiqueError if nothing can be assessed."""
    tell: Progress = progress or (lambda _f, _s: None)
    if rubric.judgement is None:
        raise CritiqueError(
            document.source, "no fitted evidence model: run `python -m evals.fit_evidence`"
        )
    model = rubric.judgement
    analysis = analyse_draft(document, model, embeddings, tell)
    found = findings(analysis.scores, model.thresholds, rubric.minimum_levels())
    if model.status is not None:
        found = judged_findings(
            rubric.principles,
            analysis.scores,
            found,
            model.status,
            rubric.minimum_levels(),
            model.status_range,
        )
    level, level_unit = engagement_level(analysis.scores, model.thresholds, found)
    tell(0.92, "quoting the guidance")
    results = []
    for principle in rubric.principles:
        status = principle_status(principle, found)
        criteria = _criteria_results(principle, found, analysis.units)
        share = sum(c.state == "found" for c in criteria) / len(criteria)
        quotes = tuple(dict.fromkeys(q for c in criteria for q in c.quotes))[:3]
        guidance_quotes = quotes_for(principle, guidance, embeddings)
        results.append(
            PrincipleResult(
                id=principle.id,
                title=principle.title,
                status=status,  # type: ignore[arg-type]
                confidence=share,
                evidence=quotes,
                guidance=guidance_quotes,
                recommendation=recommendation(principle, status, criteria, guidance_quotes),
                criteria=criteria,
            )
        )
    warnings = _warnings(document, analysis, rubric, guidance)
    report = CritiqueReport(
        draft=document.source,
        title=document.title,
        principles=tuple(results),
        iap2_level=level,
        iap2_quote=analysis.units[level_unit].text if level_unit is not None else None,
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
    return Critique(report, analysis.units, analysis.vectors)


def _narrate(report: CritiqueReport, narrator: Narrator) -> CritiqueReport:
    """Attach the narrator's text; a failing narrator leaves the record untouched."""
    try:
        text = narrator(report)
    except Exception as exc:  # an optional LLM must never sink the deterministic record
        warning = CritiqueWarning("narrative", f"The narrative could not be written ({exc}).")
        return dataclasses.replace(report, warnings=(*report.warnings, warning))
    return dataclasses.replace(report, narrative=text.strip() or None)


def critique_path(
    path: Path,
    rubric: Rubric,
    embeddings: LisaEmbeddings,
    guidance: GuidanceSource,
    *,
    max_bytes: int,
    limits: Limits = DEFAULT_LIMITS,
    source: str | None = None,
    narrator: Narrator | None = None,
    progress: Progress | None = None,
) -> Critique | CritiqueFailure:
    """Read (once) and critique one file, or say exactly why it cannot be critiqued."""
    name = source or path.name
    tell: Progress = progress or (lambda _f, _s: None)
    tell(0.0, "reading the file")
    try:
        document = load_document(path, max_bytes, name, limits)
        return critique_document(
            document,
            rubric,
            embeddings,
            guidance,
            narrator=narrator,
            progress=tell,
        )
    except DocumentError as exc:
        return CritiqueFailure(name, exc.reason)
    except CritiqueError as exc:
        return CritiqueFailure(name, exc.reason)
