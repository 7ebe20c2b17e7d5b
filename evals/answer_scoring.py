"""Answer scoring: must-include recall, citation validity and refusal precision/recall."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evals import metrics as M


def passage_texts(chunks: Sequence[Any], span: int = 3) -> dict[str, str]:
    """chunk id -> the text of the passage a Hit starting at that chunk can hold: the chunk and
    the next ``span - 1`` chunks of the same section (the retriever merges up to 3)."""
    by_place = {(c.source, c.position): c for c in chunks}
    out = {}
    for c in chunks:
        texts = [c.text]
        for step in range(1, span):
            nxt = by_place.get((c.source, c.position + step))
            if nxt is None or nxt.section_path != c.section_path:
                break
            texts.append(nxt.text)
        out[c.id] = "\n".join(texts)
    return out


def score_answers(
    questions: Sequence[dict[str, Any]], answers: Sequence[dict[str, Any]], lisa: Any
) -> dict[str, Any]:
    by_id = {a["id"]: a for a in answers}
    must = M.must_include([(q["must"], by_id[q["id"]]) for q in questions if q["answerable"]])
    chunk_text = {c.id: c.text for c in lisa.retriever.chunks}
    citations = M.citation_validity(answers, chunk_text)
    passages = M.citation_validity(answers, passage_texts(lisa.retriever.chunks))
    refusal = M.refusal_scores(
        [bool(q["answerable"]) for q in questions],
        [bool(by_id[q["id"]]["refused"]) for q in questions],
    )
    led = [
        any(M.group_passes(g, [M.lead_paragraph(by_id[q["id"]])]) for g in q["must"])
        for q in questions
        if q["answerable"] and q["must"] and not by_id[q["id"]]["refused"]
    ]
    must_misses = []
    for q in questions:
        if not q["answerable"]:
            continue
        texts = M.answer_texts(by_id[q["id"]])
        failed = [g for g in q["must"] if not M.group_passes(g, texts)]
        if failed:
            must_misses.append(
                {"id": q["id"], "missing": failed, "refused": by_id[q["id"]]["refused"]}
            )
    wrong_refusals = [
        {
            "id": q["id"],
            "answerable": q["answerable"],
            "refused": by_id[q["id"]]["refused"],
            "relevance": by_id[q["id"]].get("relevance"),
            "question": q["question"],
        }
        for q in questions
        if bool(q["answerable"]) == bool(by_id[q["id"]]["refused"])
    ]
    return {
        "conversations": score_conversations(questions, by_id),
        "questions": len(questions),
        "answerable": sum(1 for q in questions if q["answerable"]),
        "must_include_group_recall": must["group_recall"],
        "must_include_question_recall": must["question_recall"],
        "must_include_groups": must["groups"],
        "lead_has_fact": sum(led) / len(led) if led else 1.0,
        "must_misses": must_misses,
        "citation_validity": citations["validity"],
        "citation_answers_checked": citations["answers_checked"],
        "uncited_answers": citations["uncited_answers"],
        "citation_failures": citations["failures"],
        "citation_validity_passage": passages["validity"],
        "refusal_precision": refusal["precision"],
        "refusal_recall": refusal["recall"],
        "refusal_counts": {k: refusal[k] for k in ("tp", "fp", "fn")},
        "refusal_errors": wrong_refusals,
    }


def turn_right(question: dict[str, Any], answer: dict[str, Any]) -> bool:
    """Refused when it should be; otherwise answered with the first source in the gold section."""
    if not question["answerable"]:
        return bool(answer["refused"])
    if answer["refused"] or not answer["citations"]:
        return False
    gold = str(question.get("section") or "")
    return not gold or str(answer["citations"][0]["section"]).endswith(gold)


def score_conversations(
    questions: Sequence[dict[str, Any]], by_id: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Turns of multi-turn conversations: right turns, topic switches, whole conversations."""
    turns = [q for q in questions if q.get("conversation")]
    if not turns:
        return {"turns": 0}
    right = {q["id"]: turn_right(q, by_id[q["id"]]) for q in turns}
    switches = [q for q in turns if q["history"] and not q.get("depends_on_previous")]
    follow_ups = [q for q in turns if q.get("depends_on_previous")]
    names = sorted({q["conversation"] for q in turns})
    whole = [n for n in names if all(right[q["id"]] for q in turns if q["conversation"] == n)]

    def share(items: Sequence[dict[str, Any]]) -> float:
        return round(sum(right[q["id"]] for q in items) / len(items), 4) if items else 1.0

    return {
        "turns": len(turns),
        "turn_accuracy": share(turns),
        "topic_switch_accuracy": share(switches),
        "follow_up_accuracy": share(follow_ups),
        "conversations": len(names),
        "conversations_all_right": round(len(whole) / len(names), 4),
        "wrong_turns": [q["id"] for q in turns if not right[q["id"]]],
    }
