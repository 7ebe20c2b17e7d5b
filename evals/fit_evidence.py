"""Fit the critique's evidence model: ``python -m evals.fit_evidence``.

1. The four unit layers of ``assistant.critique.judgement`` are fitted with scikit-learn
   on the sentence bank (``evals/bank/bank_*.jsonl``) and the injection bank
   (``evals/bank/injections_*.jsonl``), over the bundled embedding model
   (``evals.fit_layers``).
2. The decision thresholds (found, weak, IAP2, injection) are fitted on the tuning drafts
   (``evals/splits.json``; ``evals.fit_thresholds``), and the status layer
   (``evals.fit_status``: met / partial / missing from each principle's score
   statistics) on the same drafts' labels.
3. The two regularisation strengths and the heading weight are chosen by
   leave-one-author-out exact agreement of the whole judgement on the **tuning** drafts
   (the simplest within 0.01 of the best). Validation drafts are never read here.
4. The result is written to ``prompts/evidence_model.json`` with its provenance.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

from assistant.critique.features import FEATURES
from assistant.critique.judgement import EvidenceModel, Thresholds
from assistant.critique.rubric import load_rubric
from assistant.library.embeddings import model_name
from assistant.library.models import build_embeddings
from assistant.settings import Settings
from evals.catalog import drafts
from evals.fit_layers import fit_layers, read_bank
from evals.fit_status import choose_c, fit_layer, value_range
from evals.fit_thresholds import (
    choose_thresholds,
    draft_data,
    leave_one_author_out,
    status_examples,
)

REPO = Path(__file__).resolve().parent.parent
INJECTION_THRESHOLD = 0.5  # a probability: not tuned
HEADING_WEIGHTS = (0.0, 0.2, 0.3, 0.4, 0.5)
GRID_C_TOPIC = (0.125, 0.25, 0.5, 2.0)
GRID_C_STRENGTH = (0.25, 0.5, 2.0, 8.0)
LOAO_SLACK = 0.01


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "prompts" / "evidence_model.json")
    args = parser.parse_args(argv)
    settings = Settings()
    embeddings = build_embeddings(settings)
    rubric = load_rubric(REPO / "prompts" / "rubric.yaml", with_model=False)
    criteria = tuple(c.id for p in rubric.principles for c in p.criteria)
    data = read_bank(criteria, embeddings)
    tuning = draft_data(drafts("tuning"), embeddings, settings.max_file_bytes)
    print(
        f"bank {len(data.bank)} items, {len(data.attacks)} injection items; "
        f"{len(tuning)} tuning drafts",
        flush=True,
    )
    # Every design choice (regularisation, heading weight) by leave-one-author-out exact
    # agreement on the tuning drafts; the simplest within LOAO_SLACK of the best wins.
    candidates: list[tuple[float, float, float, float, EvidenceModel]] = []
    for c_topic, c_strength in itertools.product(GRID_C_TOPIC, GRID_C_STRENGTH):
        layers = fit_layers(data, criteria, c_topic, c_strength)
        for weight in HEADING_WEIGHTS:
            candidate = EvidenceModel(
                version=1,
                embedding_model=model_name(settings),
                dimension=int(data.x_bank.shape[1]),
                features=FEATURES,
                heading_weight=weight,
                thresholds=Thresholds(found=0.5, weak=0.5, iap2=0.5, injection=INJECTION_THRESHOLD),
                provenance={"c_topic": c_topic, "c_strength": c_strength},
                **layers,
            )
            _, judged = choose_c(status_examples(rubric, tuning, candidate))
            print(
                f"C topic {c_topic}, strength {c_strength}, heading weight {weight}: "
                f"leave-one-author-out exact {judged['all']:.3f}",
                flush=True,
            )
            candidates.append((judged["all"], weight, c_topic, c_strength, candidate))
    top = max(c[0] for c in candidates)
    # simplest: least heading weight, then strongest regularisation (smallest C)
    chosen = min((c for c in candidates if c[0] >= top - LOAO_SLACK), key=lambda c: c[1:4])
    base = chosen[4]
    fit = choose_thresholds(rubric, tuning, [d.scores(base) for d in tuning])
    held_out = leave_one_author_out(rubric, tuning, base)
    examples = status_examples(rubric, tuning, base)
    status_c, judged = choose_c(examples)
    model = base.model_copy(
        update={
            "thresholds": fit.thresholds,
            "status": fit_layer(examples.x, examples.y, status_c),
            "status_range": value_range(examples.x),
            "provenance": {
                **base.provenance,
                "status_c": status_c,
                "tuning_exact_leave_one_author_out": judged,
                "rule_exact_leave_one_author_out": held_out,
                "bank_sha256": data.hashes,
                "tuning_authors": sorted({d.draft.author for d in tuning}),
                "tuning_drafts": len(tuning),
                "tuning_exact_in_sample": round(fit.exact, 4),
                "tuning_iap2_in_sample": round(fit.iap2, 4),
                "tuning_injection_f1_in_sample": round(fit.injection_f1, 4),
                "design_leave_one_author_out": [
                    {"c_topic": c[2], "c_strength": c[3], "heading_weight": c[1], "exact": c[0]}
                    for c in candidates
                ],
                "fitted_by": "python -m evals.fit_evidence",
            },
        }
    )
    args.out.write_text(
        json.dumps(model.model_dump(mode="json"), indent=1) + "\n", encoding="utf-8"
    )
    print(
        f"wrote {args.out}: rule's tuning exact {fit.exact:.3f} (in-sample), IAP2 {fit.iap2:.3f}; "
        f"leave-one-author-out exact with the status layer (C={status_c}) {judged}, "
        f"rule alone {held_out}"
    )
    print(f"thresholds {model.thresholds.model_dump()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
