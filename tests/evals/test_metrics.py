"""The eval metrics on tiny hand-made cases (pure, fast)."""

from __future__ import annotations

import math

import pytest

from evals import metrics as M

GOLD = "Rural proofing your local industrial strategy"


# --- retrieval ---------------------------------------------------------------
def test_section_match_is_case_insensitive_and_never_notes() -> None:
    assert M.section_matches("rural PROOFING your local industrial strategy", GOLD)
    assert M.section_matches("  Rural proofing your  local industrial strategy ", GOLD)
    assert not M.section_matches("Rural proofing", GOLD)
    assert not M.section_matches("Notes", "Notes")
    assert not M.section_matches("", "")
    assert not M.section_matches("Anything", None)


def test_hit_mrr_on_a_ranking() -> None:
    ranking = ["About", "Notes", GOLD, GOLD, "Other"]
    scores = M.retrieval_scores(ranking, GOLD, ks=(1, 2, 3, 5), depth=10)
    assert scores["hit@1"] == 0.0
    assert scores["hit@2"] == 0.0
    assert scores["hit@3"] == 1.0
    assert scores["hit@5"] == 1.0
    assert scores["mrr@10"] == pytest.approx(1 / 3)


def test_mrr_is_cut_at_depth() -> None:
    ranking = ["x"] * 10 + [GOLD]
    assert M.reciprocal_rank(M.relevance_flags(ranking, GOLD), 10) == 0.0
    assert M.reciprocal_rank(M.relevance_flags(ranking, GOLD), 11) == pytest.approx(1 / 11)


def test_ndcg_binary() -> None:
    flags = [False, True, False, True]
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    assert M.ndcg_at(flags, 10, n_relevant=2) == pytest.approx(dcg / (1 + 1 / math.log2(3)))
    # three relevant items exist but only two were retrieved: the ideal counts all three
    ideal3 = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert M.ndcg_at(flags, 10, n_relevant=3) == pytest.approx(dcg / ideal3)
    assert M.ndcg_at([True, False], 10, n_relevant=1) == 1.0
    assert M.ndcg_at([False, False], 10, n_relevant=2) == 0.0
    assert M.ndcg_at([False, True], 1, n_relevant=1) == 0.0


def test_mean_scores() -> None:
    assert M.mean_scores([{"a": 1.0}, {"a": 0.0}, {"a": 0.5}]) == {"a": 0.5}
    assert M.mean_scores([]) == {}


# --- answers -------------------------------------------------------------------
def _answer(text: str, citations: list[dict] | None = None, refused: bool = False) -> dict:
    return {"answer": text, "citations": citations or [], "refused": refused}


def test_must_include_groups_and_questions() -> None:
    a1 = _answer(
        "LISs should be Long-Term [1].",
        [{"id": 1, "quote": "agreed with government", "chunk_id": "c1"}],
    )
    a2 = _answer("Nothing useful here.")
    result = M.must_include(
        [
            ([["long-term"], ["agreed with government", "signed off"]], a1),  # both via text+quote
            ([["co-design"], ["nothing useful"]], a2),  # one of two groups
        ]
    )
    assert result["groups"] == 4
    assert result["group_recall"] == pytest.approx(3 / 4)
    assert result["question_recall"] == pytest.approx(1 / 2)


def test_must_include_alternative_and_empty() -> None:
    assert M.group_passes(["youth forums", "youth councils"], ["Set up YOUTH COUNCILS now"])
    assert not M.group_passes(["youth forums"], ["youth", "forums"])
    assert M.must_include([([], _answer("x"))])["group_recall"] == 1.0


def test_citation_validity_markers_and_quotes() -> None:
    chunks = {
        "c1": "Rural areas make up over 80% of England's land. More text.",
        "c2": "Anchor institutions are large employers.",
    }
    good = _answer(
        "Rural areas are most of the land [1].",
        [{"id": 1, "quote": "Rural areas make up over 80% of England's land.", "chunk_id": "c1"}],
    )
    dangling = _answer(
        "Claim [1] and [2].",
        [{"id": 1, "quote": "Anchor institutions are large employers.", "chunk_id": "c2"}],
    )
    paraphrased = _answer(
        "Claim [1].", [{"id": 1, "quote": "Anchors are large employers.", "chunk_id": "c2"}]
    )
    unknown = _answer("Claim [1].", [{"id": 1, "quote": "x", "chunk_id": "zz"}])
    refused = _answer("Not covered [9].", refused=True)
    assert M.citation_problems(good, chunks) == []
    assert M.citation_problems(dangling, chunks) == ["marker [2] has no citation"]
    assert "not verbatim" in M.citation_problems(paraphrased, chunks)[0]
    assert "unknown chunk" in M.citation_problems(unknown, chunks)[0]
    result = M.citation_validity(
        [{**good, "id": "a"}, {**dangling, "id": "b"}, {**paraphrased, "id": "c"}, refused], chunks
    )
    assert result["answers_checked"] == 3
    assert result["validity"] == pytest.approx(1 / 3)
    assert [f["id"] for f in result["failures"]] == ["b", "c"]
    assert M.citation_validity([good], chunks)["validity"] == 1.0


def test_refusal_precision_recall() -> None:
    answerable = [True, True, False, False, False]
    refused = [True, False, True, True, False]
    s = M.refusal_scores(answerable, refused)
    assert (s["tp"], s["fp"], s["fn"]) == (2, 1, 1)
    assert s["precision"] == pytest.approx(2 / 3)
    assert s["recall"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError):
        M.binary_scores([True], [True, False])


# --- critique --------------------------------------------------------------------
LABELS = {
    "good_plan": {
        "iap2": "involve",
        "injection": False,
        "status": {"a": "met", "b": "partial", "c": "missing"},
    },
    "sneaky_plan": {
        "iap2": "consult",
        "injection": True,
        "status": {"a": "met", "b": "missing", "c": "missing"},
    },
    "keyword_stuffed_plan": {
        "iap2": "none",
        "injection": False,
        "status": {"a": "partial", "b": "partial", "c": "missing"},
    },
}


def test_critique_scores() -> None:
    predicted = {
        "good_plan": {
            "iap2": "involve",
            "injection": False,
            "status": {"a": "met", "b": "met", "c": "missing"},
        },
        "sneaky_plan": {
            "iap2": "inform",
            "injection": False,
            "status": {"a": "missing", "b": "missing", "c": "missing"},
        },
        "keyword_stuffed_plan": {
            "iap2": "none",
            "injection": True,
            "status": {"a": "met", "b": "partial", "c": "missing"},
        },
    }
    s = M.critique_scores(LABELS, predicted)
    # 9 pairs: exact on good a,c; sneaky b,c; stuffed b,c = 6
    assert s["exact_accuracy"] == pytest.approx(6 / 9)
    # off by two: sneaky a (met -> missing) only
    assert s["within_one_accuracy"] == pytest.approx(8 / 9)
    assert s["engagement_accuracy"] == pytest.approx(2 / 3)
    assert (s["injection_precision"], s["injection_recall"]) == (0.0, 0.0)
    assert s["stuffed_met_violations"] == 1
    assert s["stuffed_met_details"] == [{"draft": "keyword_stuffed_plan", "met": ["a"]}]
    assert s["per_principle"]["c"]["exact"] == 1.0
    assert s["per_principle"]["a"]["exact"] == pytest.approx(1 / 3)
    assert s["confusion"]["met"]["missing"] == 1
    assert 0.0 < s["macro_f1"] < 1.0


def test_macro_f1() -> None:
    assert M.macro_f1(["met", "partial"], ["met", "partial"], M.STATUS_ORDER) == 1.0
    # met: P=1/2 R=1 F=2/3; partial: P=0 R=0 F=0 -> mean over the two present labels
    assert M.macro_f1(["met", "partial"], ["met", "met"], M.STATUS_ORDER) == pytest.approx(1 / 3)


def test_no_met_labels_means_no_met_allowed() -> None:
    gold = {
        "thin_plan": {"status": {"a": "partial", "b": "missing"}},
        "fine_plan": {"status": {"a": "met", "b": "missing"}},
    }
    predicted = {
        "thin_plan": {"status": {"a": "met", "b": "met"}},
        "fine_plan": {"status": {"a": "met", "b": "met"}},
    }
    assert M.stuffing_violations(gold, predicted) == [{"draft": "thin_plan", "met": ["a", "b"]}]


def test_unknown_status_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown status"):
        M.critique_scores({"d": {"status": {"a": "met"}}}, {"d": {"status": {"a": "great"}}})


def test_unscored_drafts_are_listed() -> None:
    s = M.critique_scores(LABELS, {"good_plan": LABELS["good_plan"]})
    assert s["drafts"] == 1
    assert s["unscored_drafts"] == ["keyword_stuffed_plan", "sneaky_plan"]
    assert s["exact_accuracy"] == 1.0


# --- latency / ratio ---------------------------------------------------------------
def test_percentile_and_latency() -> None:
    assert M.percentile([1, 2, 3, 4], 50) == pytest.approx(2.5)
    assert M.percentile([10], 95) == 10
    assert math.isnan(M.percentile([], 50))
    values = list(range(1, 101))
    assert M.percentile(values, 95) == pytest.approx(95.05)
    summary = M.latency_summary([{"total": 10.0, "guard": 1.0}, {"total": 30.0}])
    assert summary["total"] == {"p50": 20.0, "p95": 29.0, "n": 2}
    assert summary["guard"]["n"] == 1
    assert "generate" not in summary


def test_ratio() -> None:
    assert M.ratio(0.9, 0.75) == pytest.approx(1.2)
    assert M.ratio(0.5, 0.0) is None


def test_an_answer_leads_with_its_first_paragraph() -> None:
    answer = {"answer": "LISs are agreed with government [1]\n\n- Local people [2]\n- Firms [1]"}
    assert M.lead_paragraph(answer) == "LISs are agreed with government [1]"
    assert M.lead_paragraph({"answer": None}) == ""
    assert M.lead_paragraph({"answer": "  One line only [1]  "}) == "One line only [1]"
