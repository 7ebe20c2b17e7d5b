"""An Ask conversation downloaded as Markdown or Word: complete, and inert with hostile text."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest

from assistant.ask.answer import Answer, Citation
from assistant.reports.conversation import ConversationAudit, render_conversation
from assistant.reports.render import ReportFormatError

SCRIPT = "<script>alert('x')</script>"
IMAGE = "![x](http://evil/)"
LINK = "[link](http://x)"
HOSTILE = f"{SCRIPT} {IMAGE} {LINK}"


def _citation(marker: int, quote: str, page: int | None = 4) -> Citation:
    return Citation(
        id=marker,
        source="connected-growth.md",
        title="Connected Growth",
        section="Connected Growth > Evidence > Data sources",
        page=page,
        quote=quote,
        score=0.8,
        chunk_id=f"cg-{marker}",
    )


ANSWERED = Answer(
    answer="Use named local data sources [1].\n\nPublish the method [2].",
    citations=[
        _citation(1, "Strategies should draw on a robust and open evidence base."),
        _citation(2, "Set out how the figures were produced.", page=None),
    ],
    refused=False,
    reason=None,
    backend="extractive",
    warnings=["Removed 1 sentence(s) the cited guidance does not support."],
)
REFUSED = Answer(
    answer="LISA's guidance does not cover football transfer fees.",
    citations=[],
    refused=True,
    reason="no relevant guidance",
    backend="extractive",
    suggestions=["Evidence base", "Public engagement"],
)
HOSTILE_ANSWER = Answer(
    answer=f"The guidance says {IMAGE} [1].",
    citations=[_citation(1, f"Quoted guidance {HOSTILE}")],
    refused=False,
    reason=None,
    backend="extractive",
)
TURNS = [
    ("What evidence should a strategy use?", ANSWERED),
    ("Who won the cup?", REFUSED),
]
AUDIT = ConversationAudit(
    created="2026-12-01T15:00:00+00:00",
    lisa_version="0.1.0",
    backend="extractive",
    guidance=("Connected Growth, Part 1 (2019, current)", "Place Matters (2021, draft)"),
)
LABEL_1 = "Connected Growth — Evidence > Data sources, page 4"
LABEL_2 = "Connected Growth — Evidence > Data sources"


def _md(turns: Any = TURNS, audit: ConversationAudit | None = AUDIT) -> str:
    return render_conversation(turns, "md", audit).decode("utf-8")


def _docx(turns: Any = TURNS, audit: ConversationAudit | None = AUDIT) -> Any:
    from docx import Document

    return Document(io.BytesIO(render_conversation(turns, "docx", audit)))


def _text(doc: Any) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def test_labels_are_the_one_reference_style() -> None:
    assert ANSWERED.citations[0].label == LABEL_1
    assert ANSWERED.citations[1].label == LABEL_2


def test_markdown_has_every_question_answer_source_and_quote() -> None:
    text = _md()
    assert text.startswith("# Conversation with LISA\n")
    assert "## Question 1" in text and "## Question 2" in text
    assert text.index("## Question 1") < text.index("## Question 2")
    assert "**You asked:** What evidence should a strategy use?" in text
    assert "Use named local data sources \\[1\\]." in text
    assert "\n\nPublish the method \\[2\\].\n" in text  # paragraphs kept apart
    assert f"- \\[1\\] {LABEL_1}\n  > Strategies should draw on a robust" in text
    assert f"- \\[2\\] {LABEL_2}\n  > Set out how the figures were produced." in text
    assert "> **Note:** Removed 1 sentence(s)" in text
    sources = text.index("### Sources")
    assert text.index("## Question 1") < sources < text.index("## Question 2")


def test_docx_has_every_question_answer_source_and_quote() -> None:
    doc = _docx()
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Question 1", "Sources", "Question 2", "About this conversation"]
    text = _text(doc)
    for expected in (
        "You asked: What evidence should a strategy use?",
        "Use named local data sources [1].",
        "Publish the method [2].",
        f"[1] {LABEL_1}",
        f"[2] {LABEL_2}",
        "Note: Removed 1 sentence(s) the cited guidance does not support.",
    ):
        assert expected in text
    quotes = [p for p in doc.paragraphs if p.style.name == "Quote"]
    assert [p.text for p in quotes] == [
        "“Strategies should draw on a robust and open evidence base.”",
        "“Set out how the figures were produced.”",
    ]
    assert all(run.italic for p in quotes for run in p.runs)
    # each quote follows its own source label
    texts = [p.text for p in doc.paragraphs]
    assert texts[texts.index(f"[1] {LABEL_1}") + 1] == quotes[0].text


def test_a_refused_answer_is_not_covered_with_suggestions() -> None:
    text = _md()
    second = text[text.index("## Question 2") :]
    assert "**Not covered by the guidance.**" in second
    assert "does not cover football transfer fees." in second
    assert "- Evidence base\n- Public engagement" in second
    assert "Sources" not in second.split("## About")[0]
    first = text[: text.index("## Question 2")]
    assert "Not covered" not in first
    doc_text = _text(_docx())
    refused = doc_text[doc_text.index("Question 2") :]
    assert "Not covered by the guidance." in refused
    assert "Sections the guidance does cover:\nEvidence base\nPublic engagement" in refused
    assert "Not covered" not in doc_text[: doc_text.index("Question 2")]


def test_hostile_text_is_inert_in_markdown() -> None:
    text = _md([(f"Tell me {HOSTILE}", HOSTILE_ANSWER)], None)
    assert "<script" not in text and "&lt;script>" in text
    assert "![x](" not in text and "[link](" not in text
    assert not re.search(r"(?<!\\)[\[\]]", text)  # every bracket escaped: no link syntax
    assert "!\\[x\\](http://evil/)" in text and "\\[link\\](http://x)" in text
    markdown_it = pytest.importorskip("markdown_it")
    page = markdown_it.MarkdownIt("commonmark").render(text)
    assert "<img" not in page and "<a " not in page and "<script" not in page


def test_hostile_text_stays_plain_in_docx() -> None:
    doc = _docx([(f"Tell me {HOSTILE}", HOSTILE_ANSWER)], None)
    text = _text(doc)
    assert f"You asked: Tell me {HOSTILE}" in text  # verbatim, never interpreted
    assert f"“Quoted guidance {HOSTILE}”" in text
    assert not doc.inline_shapes  # no image was made from the text
    assert not doc.part.rels or all("hyperlink" not in r.reltype for r in doc.part.rels.values())


def test_docx_core_properties_and_audit() -> None:
    doc = _docx()
    props = doc.core_properties
    assert props.title == "Conversation with LISA" and props.author == "LISA"
    assert props.created == dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)
    assert props.version == "0.1.0"
    text = _text(doc)
    for label, value in AUDIT.lines():
        assert f"{label}: {value}" in text
    assert "Guidance: Connected Growth, Part 1 (2019, current); Place Matters" in text


def test_markdown_audit_lines() -> None:
    text = _md()
    about = text[text.index("## About this conversation") :]
    assert about.splitlines()[2:6] == [
        "- **Made:** 2026-12-01T15:00:00+00:00",
        "- **LISA:** 0.1.0",
        "- **Guidance:** Connected Growth, Part 1 (2019, current); Place Matters (2021, draft)",
        "- **Answer backend:** extractive",
    ]
    assert "About this conversation" not in _md(audit=None)
    assert "About this conversation" not in _text(_docx(audit=None))


def test_audit_without_guidance_says_so() -> None:
    audit = ConversationAudit("2026-12-01T15:00:00+00:00", "0.1.0", "extractive", ())
    assert ("Guidance", "none in the library") in audit.lines()


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(ReportFormatError, match="pdf"):
        render_conversation(TURNS, "pdf")
    with pytest.raises(ReportFormatError):
        render_conversation([], "html")


def test_an_empty_conversation_says_there_are_no_questions() -> None:
    text = _md([], None)
    assert text.startswith("# Conversation with LISA")
    assert "No questions have been asked yet." in text and "## Question" not in text
    doc = _docx([], AUDIT)
    assert "No questions have been asked yet." in _text(doc)
    assert doc.core_properties.title == "Conversation with LISA"
