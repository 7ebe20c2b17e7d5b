"""Unit tests of the web app's pure pieces: formatting, uploads, feedback, session files."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from fakes import HashEmbedder

from assistant.ask.answer import Answer, Citation
from assistant.critique.evidence import draft_units
from assistant.documents.loading import load_document
from assistant.frontends.web.feedback import feedback_record, read_feedback, record_feedback
from assistant.frontends.web.format import (
    DRAFT_SUFFIXES,
    answer_markdown,
    backend_banner,
    check_upload,
    history_turns,
    message_html,
    short_section,
    shorten,
    sources_markdown,
)
from assistant.frontends.web.format_critique import draft_answer_markdown
from assistant.frontends.web.format_library import (
    ingest_report_text,
    library_table_html,
    stats_markdown,
)
from assistant.frontends.web.session import DraftIndex, Session, SessionFiles, delete_session
from assistant.library.ingest import FileResult, IngestReport
from assistant.vectors import unit_rows

TITLE = "Connected Growth, Part 1. Process: how to build a Local Industrial Strategy"


def citation(n: int, quote: str = "Engage young people.", page: int | None = 4) -> Citation:
    return Citation(
        id=n,
        source="guide.pdf",
        title=TITLE,
        section="Part 1. Process > Involving local people",
        page=page,
        quote=quote,
        score=0.5,
        chunk_id=f"c{n}",
    )


def answer(**kw: object) -> Answer:
    values: dict[str, object] = {
        "answer": "Work with youth councils. [1] Use co-design. [2]",
        "citations": [citation(1), citation(2, "Co-design projects <b>with</b> them.")],
        "refused": False,
        "reason": None,
        "backend": "extractive",
        "question": "How do we involve young people?",
        "standalone_question": "How do we involve young people?",
    }
    values.update(kw)
    return Answer(**values)  # type: ignore[arg-type]


# --- Ask ---------------------------------------------------------------------
def test_answer_shows_text_then_sources_with_title_section_page_and_quote() -> None:
    text = answer_markdown(answer())
    assert text.startswith("Work with youth councils. [1]")
    assert "**Sources**" in text and TITLE in text
    assert "Involving local people, page 4" in text
    assert "> [1] “Engage young people.”" in text
    assert "&lt;b&gt;with&lt;/b&gt;" in text  # document text is escaped, never live HTML
    assert text.count(f"**{TITLE}**") == 1  # one heading per passage, quotes grouped


def test_sources_split_by_passage_and_drop_headings_the_title_repeats() -> None:
    other = Citation(3, "b.md", "Other guide", "Rural", None, "Rural areas.", 0.1, "x")
    text = sources_markdown([citation(1), other])
    assert "**Other guide** — Rural" in text and "page" not in text.split("Other guide")[1]
    assert (
        short_section(
            TITLE, "Part 1. Process: how to build a Local Industrial Strategy > Rural proofing"
        )
        == "Rural proofing"
    )
    assert short_section("Guide", "Only heading") == "Only heading"
    assert sources_markdown([]) == ""


def test_a_citation_opens_to_its_whole_passage_with_the_quotes_highlighted() -> None:
    passage = "Before <script>x</script>. Engage young people. Between.\n\nUse youth panels. After."
    one = replace(citation(1), passage=passage, chunk_id="p")
    two = replace(citation(2, "Use youth panels."), passage=passage, chunk_id="p")
    text = sources_markdown([one, two])
    assert text.count("<details") == 1  # one passage, opened once, for both quotes
    details = text[text.index("<details") :]
    assert "<summary>Read [1], [2] in context: Involving local people, page 4</summary>" in details
    assert "<mark>Engage young people.</mark> Between.<br><br><mark>Use youth panels.</mark>" in (
        details
    )
    assert "&lt;script&gt;x&lt;/script&gt;" in details and "<script>" not in details
    assert "\n" not in details  # one line of HTML, which Markdown leaves as it is
    plain = sources_markdown([citation(3)])  # a citation without its passage has no opener
    assert "<details" not in plain and "> [3] “Engage young people.”" in plain


def test_refusal_is_visible_and_offers_the_closest_sections() -> None:
    text = answer_markdown(
        answer(
            answer="The guidance does not cover this.",
            citations=[],
            refused=True,
            reason="no relevant guidance",
            relevance=0.1,
            suggestions=["Rural proofing", "Anchors"],
        )
    )
    assert "Not covered by the guidance" in text
    assert "Closest sections: Rural proofing; Anchors" in text
    assert "Sources" not in text


@pytest.mark.parametrize(
    ("reason", "relevance", "heading"),
    [
        ("no passage is close enough to the question", 0.08, "Not covered by the guidance"),
        (
            "retrieval failed (InternalError: boom); check the guidance store",
            0.0,
            "could not search",
        ),
        ("the guidance library is empty", 0.0, "library is empty"),
        ("that is not a question about the guidance", None, "does not answer"),
    ],
)
def test_each_kind_of_refusal_says_why(reason: str, relevance: float | None, heading: str) -> None:
    refusal = answer(answer="No.", citations=[], refused=True, reason=reason, relevance=relevance)
    assert heading in answer_markdown(refusal).splitlines()[0]


def test_answer_without_citations_and_warnings_are_flagged() -> None:
    text = answer_markdown(answer(citations=[], warnings=["The openai backend failed."]))
    assert "No sources" in text and "_Note: The openai backend failed._" in text


def test_history_turns_use_the_standalone_question() -> None:
    turns = history_turns("and rural?", answer(standalone_question="rural (following on)"))
    assert turns[0] == {"role": "user", "content": "rural (following on)"}
    assert turns[1]["role"] == "assistant"


def test_backend_banner_warns_for_the_small_local_model() -> None:
    plain = backend_banner("Extractive (quotes the guidance)", 3, 120)
    assert "Warning" not in plain and "Library: 3 guidance documents." in plain
    small = backend_banner("Small local model (SmolLM2-135M)", 3, 120)
    assert "lisa-banner-warning" in small and "Warning:" in small
    assert "library is empty" in backend_banner("Extractive", 0, 0)


def test_message_html_escapes_and_errors_are_alerts() -> None:
    error = message_html("bad <file>", "error")
    assert 'role="alert"' in error and "bad &lt;file&gt;" in error and "Error:" in error
    assert 'role="status"' in message_html("ok", "success")
    assert message_html("") == ""


# --- uploads -------------------------------------------------------------------
def test_check_upload_type_size_and_empty(tmp_path: Path) -> None:
    good = tmp_path / "draft.MD"
    good.write_text("# Draft\n\nText.")
    assert check_upload(good, DRAFT_SUFFIXES, 1) is None
    exe = tmp_path / "draft.exe"
    exe.write_bytes(b"MZ")
    assert "cannot read '.exe'" in (check_upload(exe, DRAFT_SUFFIXES, 1) or "")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert "empty" in (check_upload(empty, DRAFT_SUFFIXES, 1) or "")
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 300_000)
    message = check_upload(big, DRAFT_SUFFIXES, 0.25) or ""
    assert "0.3 MB" in message and "files can be up to 0.25 MB" in message


# --- the draft chat (Critique tab) ---------------------------------------------
def test_draft_answer_shows_draft_passages_then_guidance() -> None:
    chunk = type(
        "C", (), {"text": "Young people co-wrote this.", "section": "Vision", "page": None}
    )()
    text = draft_answer_markdown([(chunk, 0.61)], answer(), "millbrook.md")
    assert text.index("In your draft (millbrook.md)") < text.index("What the guidance says")
    assert "*Vision*\n\n> “Young people co-wrote this.”" in text
    main, details = text.split("<details", 1)
    assert "61%" not in main and "Match of draft extract 1: 61%" in details  # numbers apart
    assert "Nothing in the draft is close" in draft_answer_markdown([], None, "d.md")


def test_numbers_stay_in_a_closed_details_panel_under_an_answer() -> None:
    plain = answer(relevance=0.84, question="and rural?", standalone_question="rural areas")
    text = answer_markdown(plain, floor=0.5)
    body, details = text.split("<details", 1)
    assert "84%" not in body and "0.84" not in body
    assert "How likely the guidance answers this: 84% (LISA answers from 50%)" in details
    assert "Searched as: rural areas" in details and "Search score of [1]" in details
    refused = answer_markdown(
        answer(refused=True, citations=[], relevance=0.16, reason="no match"), floor=0.5
    )
    assert "16%" in refused.split("<details", 1)[1] and "floor" not in refused


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("one two three", 100) == "one two three"
    assert shorten("alpha beta gamma delta", 12) == "alpha beta …"


# --- Library and About ---------------------------------------------------------
def test_library_table_and_ingest_messages() -> None:
    table = library_table_html(
        [{"source": "a<b>.md", "title": "A", "chunks": 3, "ingested_at": "2025-01-02T03:04:05"}]
    )
    assert '<th scope="row">A</th><td>a&lt;b&gt;.md</td>' in table
    assert "<td>3</td><td>2025-01-02 03:04:05</td>" in table and "1 guidance document;" in table
    assert "library is empty" in library_table_html([])
    ok = IngestReport(
        files=[FileResult("a.md", "added", 3), FileResult("b.md", "unchanged", 2)], total_chunks=5
    )
    message, kind = ingest_report_text(ok, "added")
    assert kind == "success" and "a.md (added, 3 extracts)" in message and "5 extracts" in message
    bad = IngestReport(files=[FileResult("c.pdf", "failed", reason="no readable text")])
    message, kind = ingest_report_text(bad, "added")
    assert kind == "error" and "c.pdf: no readable text" in message


def test_stats_markdown_explains_backend_configuration() -> None:
    text = stats_markdown(
        {
            "version": "0.1.0",
            "documents": 2,
            "chunks": 40,
            "embedding_model": "MiniLM",
            "backend": "extractive",
            "backend_label": "Extractive",
            "store": "Chroma on disk",
        }
    )
    for needle in (
        "0.1.0",
        "| Searchable extracts | 40 |",
        "MiniLM",
        "LISA_BACKEND",
        "LISA_OPENAI_BASE_URL",
        "LISA_OPENAI_MODEL",
        "LISA_OPENAI_API_KEY",
        "LISA_OLLAMA_URL",
        "LISA_OLLAMA_MODEL",
        "LISA_GGUF_PATH",
    ):
        assert needle in text


# --- feedback ------------------------------------------------------------------
def test_feedback_saves_only_question_answer_rating_time(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "feedback.jsonl"
    when = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    record_feedback(path, "Q1?", "A1 [1]", "up", now=when)
    record_feedback(path, "Q2?", "A2", "down")
    saved = read_feedback(path)
    assert saved[0] == {
        "question": "Q1?",
        "answer": "A1 [1]",
        "rating": "up",
        "timestamp": "2025-03-01T12:00:00+00:00",
    }
    assert [set(r) for r in saved] == [{"question", "answer", "rating", "timestamp"}] * 2
    with pytest.raises(ValueError, match="rating"):
        feedback_record("q", "a", "meh")
    assert read_feedback(tmp_path / "none.jsonl") == []


def test_feedback_lines_stay_whole_under_concurrent_writes(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    threads = [
        threading.Thread(target=record_feedback, args=(path, f"q{i}", "a" * 5000, "up"))
        for i in range(20)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 20 and all(json.loads(line)["answer"] == "a" * 5000 for line in lines)


# --- session state ------------------------------------------------------------------
def test_draft_index_finds_the_closest_passage(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text(
        "# Draft\n\n## Young people\n\nA youth council shapes our priorities.\n\n"
        "## Transport\n\nBus routes connect the market towns.\n"
    )
    embedder = HashEmbedder()
    units = draft_units(load_document(draft, 1_000_000))
    vectors = unit_rows(embedder.embed_documents([u.embed_text for u in units]))
    index = DraftIndex("draft.md", units, vectors)
    assert len(index.chunks) == 2
    hits = index.search(embedder.embed_query("Bus routes connect the market towns."), k=1)
    assert hits[0][0].section.endswith("Transport") and hits[0][1] > 0.5
    assert index.search(embedder.embed_query("x"), k=2, floor=1.01) == []
    assert np.allclose(np.linalg.norm(index.vectors, axis=1), 1.0, atol=1e-5)


def test_session_files_are_private_per_session_and_removed(tmp_path: Path) -> None:
    files = SessionFiles()
    a, b = files.folder("session-a"), files.folder("session-b")
    assert a != b and a.parent == b.parent == files.root
    assert "session-a" not in str(a)  # the folder name does not reveal the session id
    (a / "report.md").write_text("x")
    files.remove("session-a")
    assert not a.exists() and b.exists()
    session = Session(session_hash="session-b", folder=b)
    delete_session(session)
    assert not b.exists() and session.folder is None
    delete_session(None)  # sessions that never uploaded anything
    root = files.root
    files.remove_all()
    assert not root.exists()


def test_clear_critique_deletes_downloads(tmp_path: Path) -> None:
    report = tmp_path / "r.md"
    report.write_text("x")
    session = Session(draft_name="d.md", downloads=[str(report)], report_dict={"a": 1})
    session.clear_critique()
    assert not report.exists() and session.report_dict is None and session.downloads == []
