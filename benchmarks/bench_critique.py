"""How long a critique takes as drafts grow: time against pages and words.

    .venv/bin/python benchmarks/bench_critique.py [--pages 25 50 100] [--json]

Builds long PDF drafts in a temporary folder by repeating the labelled drafts
(each round's years moved on and every sentence marked with its round, so no sentence
repeats: a critique embeds each distinct text once, and a real draft seldom repeats
itself) with fpdf2, ingests the guidance
into a temporary store, and critiques each PDF with the real bundled model,
exactly as the CLI does (parse, injection screening, embedding, ephemeral
search, scoring, guidance quotes). One small draft is critiqued first so the
one-off start-up costs (Chroma's in-memory client, guidance sentence vectors)
are reported separately. Aim (issue 10): a 100-page draft in 6 s on a quiet 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

IDLE_TEXTS_PER_S = 130.0  # 350-character paragraphs, idle 2-core machine (notes/environment.md)
_LATIN = {
    "—": "-",
    "–": "-",
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "→": "->",
    "…": "...",
    "≥": ">=",
    "≤": "<=",
    "₂": "2",
    "²": "2",
    "·": "-",
    "•": "-",
    "➔": "->",
}


def _latin1(text: str) -> str:
    for a, b in _LATIN.items():
        text = text.replace(a, b)
    return text.encode("latin-1", "replace").decode("latin-1")


def _sections(drafts: Path) -> list[tuple[str, list[str]]]:
    """(heading, paragraphs) from the Markdown and text drafts."""
    out: list[tuple[str, list[str]]] = []
    for path in sorted(drafts.glob("*")):
        if path.suffix not in (".md", ".txt"):
            continue
        heading = path.stem.replace("_", " ").title()
        paras: list[str] = []
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            block = re.sub(r"<!--.*?-->", "", block, flags=re.S).strip()
            if not block or block.startswith("|") or block == "---":
                continue
            if block.startswith("#"):
                if paras:
                    out.append((heading, paras))
                heading, paras = block.lstrip("# ").splitlines()[0], []
            else:
                paras.append(re.sub(r"[*_>]", "", " ".join(block.split())))
        if paras:
            out.append((heading, paras))
    return out


def _shift_years(text: str, years: int) -> str:
    """``text`` with every year 1900-2099 moved on by ``years``."""
    return re.sub(r"\b(19|20)(\d\d)\b", lambda m: str(int(m.group()) + years), text)


def _mark_round(text: str, round_: int) -> str:
    """``text`` with every sentence marked with its round (" (r3)"), so no sentence of a
    later round repeats an earlier one: a critique embeds each distinct text once, and a
    real long draft seldom repeats itself."""
    if round_ == 1:
        return text
    return re.sub(r"([.!?])(?=\s|$)", rf" (r{round_})\1", text)


def build_pdf(path: Path, pages: int, sections: list[tuple[str, list[str]]]) -> tuple[int, int]:
    """A PDF of at least ``pages`` pages; returns (pages, words)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    words = 0
    round_ = 0
    while pdf.page_no() < pages:
        round_ += 1
        for heading, paras in sections:
            if pdf.page_no() >= pages:
                break
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(
                0, 7, _latin1(f"{heading} (part {round_})"), new_x="LMARGIN", new_y="NEXT"
            )
            pdf.set_font("Helvetica", size=10)
            for para in paras:
                varied = _mark_round(_shift_years(para, round_ - 1), round_)
                pdf.multi_cell(0, 5, _latin1(varied), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
                words += len(varied.split())
    pdf.output(str(path))
    return pdf.page_no(), words


def _reference_rate(embeddings: Embeddings) -> float:
    """Texts per second for 350-character paragraphs right now (the machine may be shared)."""
    para = (
        "The Strategy Steering Group is chaired by the LEP Chair with the Combined Authority "
        "Mayor as vice-chair; members include four business leaders nominated by the Chamber "
        "of Commerce, FSB and CBI, the Vice-Chancellor and the college principal. "
    )
    texts = [f"{para[:340]} {i}" for i in range(150)]
    embed = embeddings.embed_documents
    embed(texts[:10])
    started = time.perf_counter()
    embed(texts)
    return len(texts) / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[25, 50, 100])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from assistant.ask.answerability import load_answerability_model
    from assistant.ask.retrieval import HybridRetriever
    from assistant.critique.engine import Critique, critique_path
    from assistant.critique.rubric import load_rubric
    from assistant.library.ingest import ingest_paths
    from assistant.library.models import build_embeddings
    from assistant.library.store import open_store
    from assistant.settings import Settings

    tmp = Path(tempfile.mkdtemp(prefix="lisa-bench-critique-"))
    settings = Settings(_env_file=None, data_dir=tmp / "data", corpus_dir=ROOT / "corpus")
    started = time.perf_counter()
    embeddings = build_embeddings(settings)
    load_s = time.perf_counter() - started
    ingest_paths(
        [settings.corpus_dir], settings, lambda: open_store(settings, embeddings), embeddings
    )
    retriever = HybridRetriever(
        open_store(settings, embeddings),
        embeddings,
        load_answerability_model(ROOT / "prompts" / "answerability.json"),
    )
    rubric = load_rubric(ROOT / "prompts" / "rubric.yaml")
    drafts = ROOT / "evals" / "drafts"
    small = sorted(drafts.glob("*.md"))[0]
    t0 = time.perf_counter()
    critique_path(small, rubric, embeddings, retriever, max_bytes=settings.max_file_bytes)
    first_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    warm = critique_path(small, rubric, embeddings, retriever, max_bytes=settings.max_file_bytes)
    small_s = time.perf_counter() - t0
    assert isinstance(warm, Critique), warm

    reference = _reference_rate(embeddings)
    sections = _sections(drafts)
    rows: list[dict[str, Any]] = []
    for pages in args.pages:
        path = tmp / f"draft-{pages}p.pdf"
        real_pages, words = build_pdf(path, pages, sections)
        stages: dict[str, float] = {}
        last = [time.perf_counter()]

        def progress(
            _f: float, stage: str, stages: dict[str, float] = stages, last: list[float] = last
        ) -> None:
            now = time.perf_counter()
            stages[stage] = stages.get(stage, 0.0) + now - last[0]
            last[0] = now

        t0 = time.perf_counter()
        last[0] = t0
        outcome = critique_path(
            path,
            rubric,
            embeddings,
            retriever,
            max_bytes=settings.max_file_bytes,
            progress=progress,
        )
        seconds = time.perf_counter() - t0
        assert isinstance(outcome, Critique), outcome
        report = outcome.report
        rows.append(
            {
                "pages": real_pages,
                "words": words,
                "sentences": report.stats.get("sentences"),
                "distinct": len({u.embed_text for u in outcome.units}),
                "seconds": round(seconds, 2),
                "words_per_s": round(words / seconds),
                "stages_s": {k: round(v, 2) for k, v in stages.items()},
            }
        )
    result = {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "model_load_s": round(load_s, 2),
        "reference_texts_per_s": round(reference, 1),
        "idle_factor": round(reference / IDLE_TEXTS_PER_S, 2),
        "first_critique_s": round(first_s, 2),
        "small_draft": {
            "file": small.name,
            "words": warm.report.stats.get("words"),
            "seconds": round(small_s, 2),
        },
        "drafts": rows,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{result['cpus']} CPUs, load average {result['load_average']}; model load "
            f"{load_s:.1f} s; first critique (start-up costs) {first_s:.1f} s; "
            f"{small.name} ({warm.report.stats.get('words')} words) {small_s:.2f} s warm"
        )
        factor = reference / IDLE_TEXTS_PER_S
        print(
            f"reference embedding speed now: {reference:.0f} texts/s of 350 characters "
            f"({IDLE_TEXTS_PER_S:.0f}/s on an idle 2-core machine): this machine runs at "
            f"{factor:.2f} of idle speed"
        )
        print(
            f"{'pages':>6} {'words':>7} {'sentences':>9} {'distinct':>8} {'seconds':>8} "
            f"{'words/s':>8} "
            f"{'idle-equivalent s':>18}"
        )
        for row in rows:
            print(
                f"{row['pages']:>6} {row['words']:>7} {row['sentences']:>9} {row['distinct']:>8} "
                f"{row['seconds']:>8.2f} {row['words_per_s']:>8} "
                f"{row['seconds'] * min(factor, 1.0):>18.1f}"
            )
            print("        " + ", ".join(f"{k} {v:.2f}s" for k, v in row["stages_s"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
