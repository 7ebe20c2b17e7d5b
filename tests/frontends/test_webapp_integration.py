"""The web app over HTTP (gradio_client) with the real model, corpus and critique engine."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, REPO, make_settings
from test_webapp_support import client, running_app

from assistant.library.embeddings import LisaEmbeddings
from assistant.library.writer import writer_lock
from assistant.settings import Settings

pytestmark = [
    pytest.mark.integration,
    pytest.mark.filterwarnings("ignore::DeprecationWarning:gradio_client.*"),
]

DRAFTS = REPO / "evals" / "drafts"
YOUTH_DRAFT = DRAFTS / "millbrook_youth_led_strategy.md"


def text_of(message: dict[str, Any]) -> str:
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content)


def file_names(files: Any) -> list[str]:
    return sorted(Path(f["path"] if isinstance(f, dict) else f).name for f in files or [])


@pytest.fixture(scope="module")
def url(lisa: Any, ingested_settings: Settings) -> Iterator[str]:
    with running_app(lisa, ingested_settings) as address:
        yield address


def test_ask_returns_an_answer_with_sources(url: str) -> None:
    chat, _ = client(url).predict(
        "How should young people be involved in shaping the strategy?", api_name="/ask"
    )
    reply = text_of(chat[-1])
    assert "[1]" in reply and "**Sources**" in reply
    assert "Connected Growth" in reply and "Involving local people" in reply
    assert "> [1] “" in reply  # the quoted passage


def test_ask_refuses_off_topic_questions(url: str) -> None:
    chat, _ = client(url).predict("What is the capital of France?", api_name="/ask")
    assert "Not covered by the guidance" in text_of(chat[-1])


@pytest.mark.parametrize(
    "name",
    [
        "millbrook_youth_led_strategy.md",
        "kestrel_valley_anchor_strategy.pdf",
        "wyndle_market_towns_plan.docx",
    ],
)
def test_critique_of_a_draft_returns_the_report(url: str, name: str) -> None:
    from gradio_client import handle_file

    c = client(url)
    status, _warn, summary, engagement, table, _pick, _detail, files, _chat = c.predict(
        handle_file(str(DRAFTS / name)), api_name="/critique"
    )
    assert "complete" in status, status
    assert name in summary and "How far the draft involves the public (IAP2 level)" in engagement
    assert table.count("<tr>") == 13  # header + twelve principles
    assert file_names(files) == sorted(
        f"{Path(name).stem}-critique.{ext}" for ext in ("docx", "html", "json", "md")
    )


def test_draft_chat_quotes_the_draft_and_the_guidance(url: str) -> None:
    from gradio_client import handle_file

    c = client(url)
    c.predict(handle_file(str(YOUTH_DRAFT)), api_name="/critique")
    detail = c.predict("local_people", api_name="/principle")
    assert "What the draft says" in detail and "What the guidance says" in detail
    chat, _ = c.predict("Where does our draft talk about young people?", api_name="/ask_draft")
    reply = text_of(chat[-1])
    draft_part, guidance_part = reply.split("What the guidance says")
    assert "In your draft (millbrook_youth_led_strategy.md)" in draft_part
    assert "young" in draft_part.lower() or "youth" in draft_part.lower()
    assert "Connected Growth" in guidance_part


def test_concurrent_sessions_are_isolated(url: str) -> None:
    from gradio_client import handle_file

    a, b = client(url), client(url)
    out: dict[str, Any] = {}

    def officer_a() -> None:
        out["critique"] = a.predict(handle_file(str(YOUTH_DRAFT)), api_name="/critique")
        out["a"] = a.predict("What is rural proofing?", api_name="/ask")[0]

    def officer_b() -> None:
        out["b"] = b.predict("How can anchor institutions help?", api_name="/ask")[0]

    threads = [threading.Thread(target=officer_a), threading.Thread(target=officer_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "complete" in out["critique"][0]
    assert [text_of(m) for m in out["a"] if m["role"] == "user"] == ["What is rural proofing?"]
    assert [text_of(m) for m in out["b"] if m["role"] == "user"] == [
        "How can anchor institutions help?"
    ]
    with pytest.raises(Exception, match="Critique a draft first"):
        b.predict("Where do we mention young people?", api_name="/ask_draft")
    chat, _ = a.predict("Where do we mention young people?", api_name="/ask_draft")
    assert "millbrook_youth_led_strategy.md" in text_of(chat[-1])


@pytest.fixture(scope="module")
def library_app(
    tmp_path_factory: pytest.TempPathFactory, real_embeddings: LisaEmbeddings
) -> Iterator[tuple[str, Settings]]:
    """An app over its own copy of the corpus, so adding and removing touch nothing else."""
    from assistant.library.ingest import ingest_paths
    from assistant.library.store import open_store
    from assistant.service import build_lisa

    tmp = tmp_path_factory.mktemp("library")
    corpus = tmp / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = make_settings(tmp, corpus_dir=corpus)
    ingest_paths([corpus], settings, lambda: open_store(settings, real_embeddings), real_embeddings)
    with running_app(build_lisa(settings, real_embeddings), settings) as address:
        yield address, settings


def test_library_add_and_remove(library_app: tuple[str, Settings], tmp_path: Path) -> None:
    from gradio_client import handle_file

    url, settings = library_app
    c = client(url)
    doc = tmp_path / "coastal-ports-note.md"
    doc.write_text(
        "# Coastal ports note\n\n## Ports\n\nCoastal ports anchor local supply "
        "chains and need reliable freight links.\n",
        encoding="utf-8",
    )
    status, table, _choices, _banner = c.predict(handle_file(str(doc)), api_name="/add_document")
    assert "coastal-ports-note.md (added" in status, status
    assert "<td>coastal-ports-note.md</td>" in table
    assert (settings.corpus_dir / doc.name).exists()
    status, table, _choices, _ = c.predict("coastal-ports-note.md", api_name="/remove_document")
    assert "coastal-ports-note.md (removed)" in status, status
    assert "coastal-ports-note.md" not in table


def test_library_reports_a_busy_store(library_app: tuple[str, Settings], tmp_path: Path) -> None:
    from gradio_client import handle_file

    url, settings = library_app
    doc = tmp_path / "busy-note.md"
    doc.write_text("# Busy\n\n## Note\n\nA note added while another ingest runs.\n")
    with writer_lock(settings):
        status = client(url).predict(handle_file(str(doc)), api_name="/add_document")[0]
    assert 'role="alert"' in status and "being written" in status


def test_busy_store_leaves_the_corpus_unchanged(
    library_app: tuple[str, Settings], tmp_path: Path
) -> None:
    from gradio_client import handle_file

    url, settings = library_app
    doc = tmp_path / "busy-leftover.md"
    doc.write_text("# Busy\n\n## Note\n\nA note added while another ingest runs.\n")
    with writer_lock(settings):
        client(url).predict(handle_file(str(doc)), api_name="/add_document")
    leftover = settings.corpus_dir / doc.name
    try:
        assert not leftover.exists()
    finally:
        leftover.unlink(missing_ok=True)
