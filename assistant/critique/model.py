"""The critique's output contract: one report per draft, and how two compare.

``CritiqueReport.to_dict()`` is the JSON every front end shows and every eval
reads: the draft's file name, one entry per rubric principle (status,
confidence, evidence quotes with page and section, guidance quotes,
recommendation), the IAP2 engagement level with its quote, warnings, a
one-paragraph summary and an optional narrative. ``CritiqueFailure`` is the
explicit result for a draft that could not be assessed: never a partial report.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.errors import SourceError
from assistant.vocabulary import STATUS_RANK, Status

Change = Literal["improved", "unchanged", "regressed", "added", "removed"]


class CritiqueError(SourceError):
    """A draft that cannot be critiqued."""

    @property
    def draft(self) -> str:
        return self.source


@dataclass(frozen=True)
class CritiqueFailure:
    """The result for a draft that could not be read or assessed."""

    draft: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"draft": self.draft, "error": self.reason}


@dataclass(frozen=True)
class EvidenceQuote:
    quote: str  # verbatim draft text
    page: int | None
    section: str

    def to_dict(self) -> dict[str, Any]:
        return {"quote": self.quote, "page": self.page, "section": self.section}


@dataclass(frozen=True)
class GuidanceQuote:
    source: str  # guidance file name
    section: str
    quote: str  # verbatim guidance text
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "section": self.section,
            "quote": self.quote,
            "title": self.title,
        }


@dataclass(frozen=True)
class CritiqueWarning:
    kind: str  # injection | scanned | short_draft | ...
    message: str
    quote: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "quote": self.quote}


CriterionState = Literal["found", "weak", "not_found"]


@dataclass(frozen=True)
class CriterionResult:
    """One criterion of a principle in this draft, with the draft's own words."""

    id: str
    evidence: str  # what the rubric asks for, shown as the requirement
    core: bool
    state: CriterionState
    quotes: tuple[EvidenceQuote, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "evidence": self.evidence,
            "core": self.core,
            "state": self.state,
            "quotes": [q.to_dict() for q in self.quotes],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CriterionResult:
        return cls(
            data["id"],
            data.get("evidence", ""),
            bool(data.get("core", False)),
            data["state"],
            tuple(
                EvidenceQuote(q["quote"], q.get("page"), q.get("section", ""))
                for q in data.get("quotes", [])
            ),
        )


@dataclass(frozen=True)
class PrincipleResult:
    id: str
    title: str
    status: Status
    confidence: float  # share of the principle's criteria found
    evidence: tuple[EvidenceQuote, ...]
    guidance: tuple[GuidanceQuote, ...]
    recommendation: str
    criteria: tuple[CriterionResult, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "confidence": round(self.confidence, 3),
            "evidence": [e.to_dict() for e in self.evidence],
            "guidance": [g.to_dict() for g in self.guidance],
            "recommendation": self.recommendation,
            "criteria": [c.to_dict() for c in self.criteria],
        }


@dataclass(frozen=True)
class Audit:
    """How a report was made, so a board can tell which LISA, rubric and guidance judged it."""

    created: str  # ISO 8601, UTC
    lisa_version: str
    rubric_version: int
    evidence_model: str  # how the evidence model was fitted (its provenance, in words)
    guidance: tuple[str, ...]  # each guidance document: title, date, status
    backend: str  # the answer backend

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) pairs, in the order every report format shows them."""
        return [
            ("Made", self.created),
            ("LISA", self.lisa_version),
            ("Rubric", f"version {self.rubric_version}"),
            ("Evidence model", self.evidence_model),
            ("Guidance", "; ".join(self.guidance) or "none in the library"),
            ("Answer backend", self.backend),
        ]

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "guidance": list(self.guidance)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Audit:
        return cls(
            created=str(data["created"]),
            lisa_version=str(data["lisa_version"]),
            rubric_version=int(data["rubric_version"]),
            evidence_model=str(data.get("evidence_model", "")),
            guidance=tuple(str(g) for g in data.get("guidance", [])),
            backend=str(data.get("backend", "")),
        )


@dataclass(frozen=True)
class CritiqueReport:
    draft: str  # file name
    title: str
    principles: tuple[PrincipleResult, ...]
    iap2_level: str
    iap2_quote: str | None
    warnings: tuple[CritiqueWarning, ...]
    summary: str
    narrative: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    audit: Audit | None = None  # filled in by ``Lisa.critique``

    def counts(self) -> dict[str, int]:
        out = {"met": 0, "partial": 0, "missing": 0}
        for p in self.principles:
            out[p.status] += 1
        return out

    def status_of(self, principle_id: str) -> str:
        for p in self.principles:
            if p.id == principle_id:
                return p.status
        raise KeyError(principle_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "draft": self.draft,
            "title": self.title,
            "principles": [p.to_dict() for p in self.principles],
            "iap2_level": self.iap2_level,
            "iap2_quote": self.iap2_quote,
            "warnings": [w.to_dict() for w in self.warnings],
            "summary": self.summary,
            "narrative": self.narrative,
            "audit": self.audit.to_dict() if self.audit else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CritiqueReport:
        """Rebuild a report from its JSON (for comparing with a saved critique)."""
        principles = tuple(
            PrincipleResult(
                id=p["id"],
                title=p["title"],
                status=p["status"],
                confidence=float(p["confidence"]),
                evidence=tuple(
                    EvidenceQuote(e["quote"], e.get("page"), e.get("section", ""))
                    for e in p.get("evidence", [])
                ),
                guidance=tuple(
                    GuidanceQuote(g["source"], g.get("section", ""), g["quote"], g.get("title", ""))
                    for g in p.get("guidance", [])
                ),
                recommendation=p.get("recommendation", ""),
                criteria=tuple(CriterionResult.from_dict(c) for c in p.get("criteria", [])),
            )
            for p in data["principles"]
        )
        return cls(
            draft=data["draft"],
            title=data.get("title", data["draft"]),
            principles=principles,
            iap2_level=data["iap2_level"],
            iap2_quote=data.get("iap2_quote"),
            warnings=tuple(
                CritiqueWarning(w["kind"], w["message"], w.get("quote"))
                for w in data.get("warnings", [])
            ),
            summary=data.get("summary", ""),
            narrative=data.get("narrative"),
            audit=Audit.from_dict(data["audit"]) if data.get("audit") else None,
        )


@dataclass(frozen=True)
class PrincipleChange:
    """How one principle moved between two versions of a draft."""

    id: str
    title: str
    old: Status | None
    new: Status | None
    change: Change

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "old": self.old,
            "new": self.new,
            "change": self.change,
        }


def compare_reports(old: CritiqueReport, new: CritiqueReport) -> list[PrincipleChange]:
    """Per principle, in the new report's order: improved, unchanged or regressed.

    Statuses are ordered missing < partial < met. A principle found in only one
    report (a different rubric) is listed as added or removed.
    """
    before = {p.id: p for p in old.principles}
    changes: list[PrincipleChange] = []
    for p in new.principles:
        prior = before.pop(p.id, None)
        if prior is None:
            changes.append(PrincipleChange(p.id, p.title, None, p.status, "added"))
            continue
        delta = STATUS_RANK[p.status] - STATUS_RANK[prior.status]
        change: Change = "improved" if delta > 0 else "regressed" if delta < 0 else "unchanged"
        changes.append(PrincipleChange(p.id, p.title, prior.status, p.status, change))
    changes.extend(
        PrincipleChange(p.id, p.title, p.status, None, "removed") for p in before.values()
    )
    return changes


def summary_paragraph(report: CritiqueReport, gaps: int = 3) -> str:
    """One paragraph for the board: counts, the top gaps, engagement and warnings."""
    counts = report.counts()
    total = len(report.principles)
    text = (
        f"{report.title} meets {counts['met']} of the {total} principles, partly meets "
        f"{counts['partial']} and misses {counts['missing']}."
    )
    missing = [p for p in report.principles if p.status == "missing"]
    partial = sorted(
        (p for p in report.principles if p.status == "partial"), key=lambda p: -p.confidence
    )
    top = (missing + partial)[:gaps]
    if top:
        text += " Top gaps: " + "; ".join(f"{p.title} ({p.status})" for p in top) + "."
    else:
        text += " No gaps were found."
    level = report.iap2_level
    text += (
        " No public engagement is evidenced."
        if level == "none"
        else f" Public engagement reaches the '{level}' level of the IAP2 spectrum."
    )
    kinds = sorted({w.kind for w in report.warnings})
    if "injection" in kinds:
        n = sum(1 for w in report.warnings if w.kind == "injection")
        text += (
            f" Warning: {n} passage(s) addressed to the assessor were removed and "
            "did not affect the scores."
        )
    other = [k for k in kinds if k != "injection"]
    if other:
        text += " Other warnings: " + ", ".join(k.replace("_", " ") for k in other) + "."
    return text
