"""The readable ``report.md`` of an eval run's metrics."""

from __future__ import annotations

from typing import Any

from evals import metrics as M


def _f(value: Any, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def render_report(metrics: dict[str, Any]) -> str:
    run_info = metrics["run"]
    lines = [
        "# LISA evaluation report",
        "",
        f"Run {run_info['date']} · backend `{run_info['backend']}` · {run_info['chunks']} chunks · "
        f"relevance floor {run_info['relevance_floor']} · {run_info.get('seconds', '?')} s",
        "",
        f"Relevance model: {run_info['relevance_model_notes'] or 'no notes'} (When it was fitted "
        "on this question set, the refusal figures below are in-sample; its cross-validated "
        "figures are the honest ones.)",
        "",
        "## Headline",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    lines += [f"| {k} | {_f(v)} |" for k, v in metrics["headline"].items()]
    retrieval = metrics["retrieval"]
    if retrieval.get("questions"):
        lines += [
            "",
            f"## Retrieval ({retrieval['questions']} answerable questions)",
            "",
            "| system | hit@1 | hit@4 | hit@5 | MRR | nDCG@10 |",
            "|---|---|---|---|---|---|",
        ]
        for name, s in retrieval["systems"].items():
            mrr = s.get("mrr@10", s.get("mrr@4"))
            lines.append(
                f"| {name} | {_f(s.get('hit@1'))} | {_f(s.get('hit@4'))} | "
                f"{_f(s.get('hit@5'))} | {_f(mrr)} | {_f(s.get('ndcg@10'))} |"
            )
        lines += ["", retrieval["notes"], ""]
        for c in retrieval["comparison"]:
            ratio = f"{c['ratio']:.2f}×" if c["ratio"] is not None else "n/a (baseline is 0)"
            lines.append(
                f"- hybrid {c['hybrid_metric']} ({_f(c['hybrid'])}) is {ratio} "
                f"{c['baseline']} {c['baseline_metric']} ({_f(c['baseline_value'])})"
            )
        if retrieval["misses_at_5"]:
            lines += ["", "Retrieval misses at 5:", ""]
            lines += [
                f"- {m['id']}: gold *{m['gold']}*; top 5 {m['top5']}; query “{m['query']}”"
                for m in retrieval["misses_at_5"]
            ]
    a = metrics["answers"]
    rc = a["refusal_counts"]
    lines += [
        "",
        f"## Answers ({a['questions']} questions, {a['answerable']} answerable)",
        "",
        f"- must-include recall: {_f(a['must_include_group_recall'])} of "
        f"{a['must_include_groups']} groups; {_f(a['must_include_question_recall'])} of "
        "answerable questions have every group",
        f"- citation validity: {_f(a['citation_validity'])} of "
        f"{a['citation_answers_checked']} non-refused answers ({a['uncited_answers']} uncited); "
        "quote verbatim in the cited chunk or the neighbours merged into its passage: "
        f"{_f(a['citation_validity_passage'])}",
        f"- refusal precision {_f(a['refusal_precision'])}, recall {_f(a['refusal_recall'])} "
        f"(tp {rc['tp']}, fp {rc['fp']}, fn {rc['fn']})",
    ]
    conv = a.get("conversations") or {}
    if conv.get("turns"):
        lines.append(
            f"- conversations: {conv['conversations']}, {conv['turns']} turns; turns right "
            f"{_f(conv['turn_accuracy'])}, topic switches right "
            f"{_f(conv['topic_switch_accuracy'])}, follow-ups right "
            f"{_f(conv['follow_up_accuracy'])}, whole conversations right "
            f"{_f(conv['conversations_all_right'])} (a turn is right when it is refused if it "
            "should be, otherwise answered with its first source in the gold section)"
        )
    if a["must_misses"]:
        lines += ["", "Must-include misses:", ""]
        lines += [
            f"- {m['id']}{' (refused)' if m['refused'] else ''}: missing {m['missing']}"
            for m in a["must_misses"]
        ]
    if a["refusal_errors"]:
        lines += ["", "Refusal errors:", ""]
        for e in a["refusal_errors"]:
            kind = (
                "refused an answerable question"
                if e["answerable"]
                else "answered instead of refusing"
            )
            lines.append(f"- {e['id']}: {kind} (relevance {_f(e['relevance'])}): {e['question']}")
    if a["citation_failures"]:
        lines += ["", "Citation failures:", ""]
        shown = a["citation_failures"][:15]
        lines += [f"- {f['id']}: {'; '.join(f['problems'])}" for f in shown]
        if len(a["citation_failures"]) > len(shown):
            lines.append(f"- … and {len(a['citation_failures']) - len(shown)} more (metrics.json)")
    lines += ["", "## Latency (ms)", "", "| stage | p50 | p95 | n |", "|---|---|---|---|"]
    lines += [
        f"| {k} | {_f(v['p50'], 1)} | {_f(v['p95'], 1)} | {v['n']} |"
        for k, v in metrics["latency"].items()
    ]
    lines += critique_section(metrics["critique"])
    return "\n".join(lines) + "\n"


def critique_section(c: dict[str, Any]) -> list[str]:
    """The report's critique part: validation first (the headline), tuning in-sample."""
    lines = ["", "## Critique", ""]
    if "skipped" in c:
        return [*lines, f"Skipped: {c['skipped']}."]
    for split in ("validation", "tuning"):
        if split not in c:
            continue
        s = c[split]
        ic = s["injection_counts"]
        title = (
            "Validation (frozen, never tuned on)"
            if split == "validation"
            else ("Tuning (in-sample: the thresholds were fitted here)")
        )
        lines += [
            f"### {title}",
            "",
            f"{s['drafts']} drafts; errors {s['errors'] or 'none'}.",
            "",
            f"- exact {_f(s['exact_accuracy'])}, within one {_f(s['within_one_accuracy'])}, "
            f"macro-F1 {_f(s['macro_f1'])}, Cohen's kappa {_f(s['kappa'])}",
            f"- keyword checklist (ctrl-F) exact {_f(s['keyword_checklist_exact'])}; "
            f"ratio {_f(s['ratio_to_checklist'], 2)}×",
            f"- IAP2 accuracy {_f(s['engagement_accuracy'])}",
            f"- injection precision {_f(s['injection_precision'])}, recall "
            f"{_f(s['injection_recall'])} (tp {ic['tp']}, fp {ic['fp']}, fn {ic['fn']})",
            "",
            "| principle | exact | within one | macro-F1 |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {p} | {_f(v['exact'])} | {_f(v['within_one'])} | {_f(v['macro_f1'])} |"
            for p, v in s["per_principle"].items()
        ]
        lines += [
            "",
            "| gold \\ predicted | " + " | ".join(M.STATUS_ORDER) + " |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {g} | " + " | ".join(str(row[p]) for p in M.STATUS_ORDER) + " |"
            for g, row in s["confusion"].items()
        ]
        lines.append("")
    lat = c["latency_s"]
    lines.append(f"Time per draft: p50 {_f(lat['p50'], 2)} s, p95 {_f(lat['p95'], 2)} s.")
    return lines
