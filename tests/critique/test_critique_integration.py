"""The critique with the real bundled model and guidance library, on the labelled drafts.

Floors: measured in sample with the committed thresholds, exact 0.944, within-one 1.000,
engagement 1.000 (leave-one-draft-out, from benchmarks/calibrate_critique.py: exact 0.928,
within-one 1.000). The floors leave a margin below those figures.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from assistant.critique.engine import Critique, critique_path, score_draft
from assistant.critique.model import CritiqueReport
from assistant.critique.rubric import Rubric
from assistant.documents.loading import load_document
from assistant.library.embeddings import LisaEmbeddings

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
DRAFTS = REPO / "evals" / "drafts"
LABELS = REPO / "evals" / "draft_labels.json"


@pytest.fixture(scope="module")
def labels() -> dict[str, dict[str, object]]:
    if not LABELS.exists():
        pytest.skip("no labelled drafts")
    return json.loads(LABELS.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def reports(
    labels: dict[str, object],
    critique_rubric: Rubric,
    real_embeddings: LisaEmbeddings,
    guidance_retriever: object,
) -> dict[str, CritiqueReport]:
    out = {}
    for path in sorted(DRAFTS.iterdir()):
        if path.stem in labels:
            outcome = critique_path(
                path,
                critique_rubric,
                real_embeddings,
                guidance_retriever,  # type: ignore[arg-type]
                max_bytes=25 * 1024 * 1024,
            )
            assert isinstance(outcome, Critique), outcome
            out[path.stem] = outcome.report
    assert set(out) == set(labels)
    return out


def test_injection_flags_match_the_labels(
    reports: dict[str, CritiqueReport], labels: dict[str, dict[str, object]]
) -> None:
    for name, report in reports.items():
        flagged = any(w.kind == "injection" for w in report.warnings)
        assert flagged == bool(labels[name]["injection"]), name


def test_a_keyword_stuffed_draft_has_no_met(reports: dict[str, CritiqueReport]) -> None:
    stuffed = reports.get("keyword_stuffed_plan")
    if stuffed is None:
        pytest.skip("keyword_stuffed_plan is not among the labelled drafts")
    assert [p.id for p in stuffed.principles if p.status == "met"] == []
    assert stuffed.iap2_level == "none"


def test_injection_text_has_no_effect_on_any_score(
    reports: dict[str, CritiqueReport],
    critique_rubric: Rubric,
    real_embeddings: LisaEmbeddings,
    guidance_retriever: object,
) -> None:
    name = "brackenmoor_reviewer_note"
    if name not in reports:
        pytest.skip("no injection draft")
    path = next(p for p in DRAFTS.iterdir() if p.stem == name)
    report = reports[name]
    quotes = [w.quote for w in report.warnings if w.kind == "injection" and w.quote]
    assert len(quotes) >= 3
    document = load_document(path, 25 * 1024 * 1024)
    assert any(b.hidden == "HTML comment" for b in document.blocks), "the comment is read too"
    blocks = []
    for block in document.blocks:
        text = block.text
        for quote in quotes:
            text = text.replace(quote, " ")
        if text.strip(" >"):
            blocks.append(dataclasses.replace(block, text=" ".join(text.split())))
    cleaned = dataclasses.replace(document, blocks=tuple(blocks))
    clean = score_draft(cleaned, critique_rubric, real_embeddings, guidance_retriever)  # type: ignore[arg-type]
    assert not any(w.kind == "injection" for w in clean.warnings)
    assert [(p.id, p.status) for p in clean.principles] == [
        (p.id, p.status) for p in report.principles
    ]
    # the same numbers too (up to float noise from batching the embeddings differently)
    assert [p.confidence for p in clean.principles] == pytest.approx(
        [p.confidence for p in report.principles], abs=0.002
    )
    assert clean.iap2_level == report.iap2_level == "consult"
    # so the "confidential annex" and its claims count for nothing; whether the rest of the
    # draft is scored as labelled is measured by the evaluation, not asserted here


def test_binary_drafts_keep_pages_and_guidance_quotes(reports: dict[str, CritiqueReport]) -> None:
    pdf = reports.get("kestrel_valley_anchor_strategy")
    if pdf is None:
        pytest.skip("no PDF draft")
    pages = {e.page for p in pdf.principles for e in p.evidence}
    assert pages and None not in pages
    for report in reports.values():
        assert all(p.guidance for p in report.principles), report.draft


def test_lisa_critique_reports_carry_their_audit(lisa: object, tmp_path: Path) -> None:
    draft = tmp_path / "audit_draft.md"
    draft.write_text(
        "# Tarnmouth Local Industrial Strategy\n\n## Evidence\n\nOutput per hour is £30.20, "
        "11% below England (ONS, 2021).\n",
        encoding="utf-8",
    )
    outcome = lisa.critique(draft)  # type: ignore[attr-defined]
    audit = outcome.report.audit
    assert audit is not None and audit.rubric_version >= 1
    assert audit.created.endswith("+00:00") and audit.lisa_version
    assert any("Connected Growth" in g for g in audit.guidance)
    assert "labelled drafts" in audit.evidence_model
    assert audit.backend == lisa.backend_label  # type: ignore[attr-defined]
