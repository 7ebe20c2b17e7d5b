"""The web app over HTTP with gradio_client, around a fast fake Lisa (no model).

Covers the wiring: streamed answers with sources, refusals, history per session,
critique success and failure, downloads, the draft chat, library errors and
session isolation. The same flows against the real model are in
test_webapp_integration.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from conftest import make_settings
from test_webapp_support import FakeLisa, client, running_app

from assistant.frontends.web.app import build_app, exposure_warning, launch_kwargs
from assistant.frontends.web.loader import LisaLoader
from assistant.frontends.web.owners import FileOwners
from assistant.settings import Settings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:gradio_client.*")


def text_of(message: dict[str, object]) -> str:
    """Message content as gradio_client returns it (a string or a list of parts)."""
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def fake() -> FakeLisa:
    return FakeLisa()


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("webapp"), max_file_mb=1.0)


@pytest.fixture(scope="module")
def url(fake: FakeLisa, settings: Settings) -> Iterator[str]:
    with running_app(fake, settings) as address:
        yield address


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    path = tmp_path / "our_draft.md"
    path.write_text(
        "# Our draft\n\n## Young people\n\nA youth council co-wrote our priorities."
        "\n\n## Transport\n\nBus routes link the market towns.\n",
        encoding="utf-8",
    )
    return path


def test_status_shows_backend_warning_library_and_about(url: str) -> None:
    banner, about, table, _, note = client(url).predict(api_name="/status")
    assert note == ""  # login off: this machine's user may manage the library
    assert "Warning:" in banner and "Small local model" in banner
    assert "Library: 1 guidance document." in banner and "passages" not in banner
    assert "LISA_BACKEND" in about and "| Searchable extracts | 3 |" in about
    assert "| LEP | Local Enterprise Partnership" in about  # terms explained for newcomers
    assert '<th scope="row">Guide</th><td>guide.md</td>' in table


def test_ask_streams_an_answer_with_sources_and_keeps_history(url: str, fake: FakeLisa) -> None:
    c = client(url)
    job = c.submit("How do we involve young people?", api_name="/ask")
    updates = list(job)
    final, cleared = job.result()
    assert cleared == "" and len(updates) >= 2  # streamed, not one final message
    reply = text_of(final[-1])
    assert reply.startswith("Answer to: How do we involve young people? [1]")
    assert "**Sources**" in reply and "Guide" in reply and "People, page 2" in reply
    assert "“Quoted passage about How do we involve young people?”" in reply
    c.predict("And in rural areas?", api_name="/ask")
    question, history = fake.questions[-1]
    assert question == "And in rural areas?"
    assert history[0] == {"role": "user", "content": "How do we involve young people?"}
    shown, note = c.predict(api_name="/download_conversation")
    files = [f["path"] for f in shown["value"]]
    assert shown["visible"] and "2 questions" in note
    assert sorted(Path(f).suffix for f in files) == [".docx", ".md"]
    markdown = Path(next(f for f in files if f.endswith(".md"))).read_text(encoding="utf-8")
    assert "How do we involve young people?" in markdown and "And in rural areas?" in markdown
    assert "Quoted passage about" in markdown and "## About this conversation" in markdown
    chat, _, note = c.predict(api_name="/new_conversation")
    assert chat == [] and "New conversation" in note
    shown, note = c.predict(api_name="/download_conversation")
    assert not shown["visible"] and "Ask a question first" in note  # the new conversation is empty


def test_refusal_is_visible(url: str) -> None:
    chat, _ = client(url).predict("What is the capital of France?", api_name="/ask")
    reply = text_of(chat[-1])
    assert "Not covered by the guidance" in reply and "Closest sections: About" in reply


def test_critique_returns_table_details_downloads_and_warnings(url: str, draft: Path) -> None:
    from gradio_client import handle_file

    c = client(url)
    out = c.predict(handle_file(str(draft)), api_name="/critique")
    status, warnings, summary, engagement, table, _pick, _detail, files, _chat = out
    assert "complete" in status and "Error" not in status
    assert "Instructions aimed at the assessor" in str(warnings)
    assert "our_draft.md" in summary
    assert "Consult" in engagement
    assert "Partial" in table and "Missing" in table and "lisa-rag-amber" in table
    assert sorted(Path(f["path"] if isinstance(f, dict) else f).suffix for f in files) == [
        ".docx",
        ".html",
        ".json",
        ".md",
    ]
    detail = c.predict("evidence_base", api_name="/principle")
    assert "We used ONS data." in detail and "Build an evidence base." in detail
    chat, _ = c.predict("Where do we talk about young people?", api_name="/ask_draft")
    reply = text_of(chat[-1])
    assert "In your draft (our_draft.md)" in reply and "What the guidance says" in reply


def test_failed_critique_shows_the_reason_and_no_table(
    url: str, draft: Path, tmp_path: Path
) -> None:
    from gradio_client import handle_file

    c = client(url)
    c.predict(handle_file(str(draft)), api_name="/critique")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing")
    status, _, summary, _, table, _, _, files, _ = c.predict(
        handle_file(str(broken)), api_name="/critique"
    )
    assert "no readable text in the file" in status and 'role="alert"' in status
    assert table == "" and summary == "" and not files  # nothing left from the earlier run
    with pytest.raises(Exception, match="Critique a draft first"):
        c.predict("young people?", api_name="/ask_draft")
    scanned = tmp_path / "scanned.pdf"
    scanned.write_bytes(b"%PDF-1.4 images only")
    status, *_, files, _ = c.predict(handle_file(str(scanned)), api_name="/critique")
    assert "scanned pages with no text layer" in status and not files


def test_upload_type_and_size_limits(url: str, tmp_path: Path) -> None:
    from gradio_client import handle_file

    c = client(url)
    html = tmp_path / "draft.html"
    html.write_text("<p>draft</p>")
    with pytest.raises(Exception, match=r"Invalid file type.*\.pdf', '\.docx', '\.md', '\.txt'"):
        c.predict(handle_file(str(html)), api_name="/critique")  # Gradio checks the type
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 300_000)  # 1.4 MB, over this app's 1 MB limit (LISA_MAX_FILE_MB)
    with pytest.raises(ValueError, match="maximum file size of 1048576 bytes"):
        c.predict(handle_file(str(big)), api_name="/critique")  # the page and client refuse it
    import httpx  # and so does the server, for a caller that skips the page's check

    with big.open("rb") as stream:
        refused = httpx.post(url + "gradio_api/upload", files={"files": stream}, timeout=30)
    assert refused.status_code >= 400 and "1048576 bytes" in refused.text


def test_library_errors_are_shown_not_swallowed(url: str, draft: Path) -> None:
    from gradio_client import handle_file

    c = client(url)
    status = c.predict(handle_file(str(draft)), api_name="/add_document")[0]
    assert "being written by process 42" in status and 'role="alert"' in status
    status = c.predict("guide.md", api_name="/remove_document")[0]  # the fake always refuses
    assert "guide.md is not in the guidance library" in status
    status = c.predict(None, api_name="/remove_document")[0]
    assert "Choose the document to remove first" in status


def test_two_sessions_are_isolated(url: str, draft: Path, fake: FakeLisa) -> None:
    from gradio_client import handle_file

    a, b = client(url), client(url)
    results: dict[str, object] = {}

    def officer_a() -> None:
        a.predict(handle_file(str(draft)), api_name="/critique")
        results["a"] = a.predict("Question from A about anchors?", api_name="/ask")[0]

    def officer_b() -> None:
        results["b"] = b.predict("Question from B about digital?", api_name="/ask")[0]

    threads = [threading.Thread(target=officer_a), threading.Thread(target=officer_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    chat_a, chat_b = results["a"], results["b"]
    assert [text_of(m) for m in chat_a if m["role"] == "user"] == [  # type: ignore[attr-defined]
        "Question from A about anchors?"
    ]
    assert [text_of(m) for m in chat_b if m["role"] == "user"] == [  # type: ignore[attr-defined]
        "Question from B about digital?"
    ]
    with pytest.raises(Exception, match="Critique a draft first"):
        b.predict("young people?", api_name="/ask_draft")  # A's draft is not B's
    with pytest.raises(Exception, match=r"not in the list of choices: \[\]"):
        b.predict("evidence_base", api_name="/principle")  # B's dropdown never got A's list
    chat, _ = a.predict("young people?", api_name="/ask_draft")
    assert "our_draft.md" in text_of(chat[-1])


def test_launch_settings(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, max_file_mb=30)
    kwargs = launch_kwargs(settings, FileOwners())
    assert kwargs["share"] is False and kwargs["max_file_size"] == 30 * 1024 * 1024
    assert "auth" not in kwargs and kwargs["css"] and kwargs["theme"] is not None
    fonts = str(kwargs["theme"].font) + str(kwargs["theme"].font_mono)
    assert "GoogleFont" not in fonts
    with_auth = make_settings(tmp_path, auth_username="officer", auth_password="s3cret")
    auth = launch_kwargs(with_auth, FileOwners())["auth"]
    assert auth("officer", "s3cret") and not auth("officer", "wrong")
    with pytest.raises(ValueError, match="both"):
        launch_kwargs(make_settings(tmp_path, auth_username="officer"), FileOwners())
    assert kwargs["quiet"] is True  # no "set share=True" hint at start-up


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.1.1"])
def test_no_exposure_warning_on_loopback(tmp_path: Path, host: str) -> None:
    assert exposure_warning(make_settings(tmp_path, host=host)) is None


def test_a_non_loopback_host_without_login_is_warned_about(tmp_path: Path) -> None:
    warning = exposure_warning(make_settings(tmp_path, host="0.0.0.0"))
    assert warning and "login off" in warning and "LISA_AUTH_USERNAME" in warning
    assert exposure_warning(make_settings(tmp_path, host="lisa.example.org")) is not None
    guarded = make_settings(tmp_path, host="0.0.0.0", auth_username="o", auth_password="p")
    assert exposure_warning(guarded) is None


def test_loader_waits_for_lisa_and_reports_start_up_errors(tmp_path: Path) -> None:
    import gradio as gr

    loader = LisaLoader(FakeLisa)
    build_app(loader, make_settings(tmp_path), FileOwners())  # builds without waiting for the model
    threading.Thread(target=loader.load).start()
    assert isinstance(loader(), FakeLisa)

    def broken() -> FakeLisa:
        raise RuntimeError("no index: run python ingest_docs.py")

    failing = LisaLoader(broken)
    with pytest.raises(RuntimeError):
        failing.load()
    with pytest.raises(gr.Error, match="no index"):
        failing()


def test_the_fake_and_the_service_match_the_front_ends_protocol() -> None:
    """FakeLisa stands in for Lisa only while both keep LisaService's doors."""
    import inspect

    from assistant.frontends.protocol import LisaService
    from assistant.service import Lisa

    doors = [
        name
        for name, member in vars(LisaService).items()
        if callable(member) and not name.startswith("_")
    ]
    assert {"ask", "stream", "search", "critique", "library", "stats"} <= set(doors)
    for name in doors:
        wanted = list(inspect.signature(getattr(LisaService, name)).parameters)
        for cls in (Lisa, FakeLisa):
            assert list(inspect.signature(getattr(cls, name)).parameters) == wanted, (cls, name)
    fake = FakeLisa()
    assert hasattr(fake, "embeddings") and hasattr(fake, "backend_label")
    assert {"embeddings", "backend_label"} <= set(Lisa.__annotations__)


def test_wrong_passwords_are_throttled_per_name() -> None:
    from assistant.frontends.web.login import LoginThrottle

    now = [0.0]
    slept: list[float] = []
    login = LoginThrottle(
        {"officer": "s3cret", "chair": "pässwörd"},
        max_failures=3,
        window=60,
        delay=0.5,
        clock=lambda: now[0],
        sleep=slept.append,
    )
    assert [login("officer", "guess") for _ in range(3)] == [False] * 3
    assert slept == [0.5] * 3  # every failure costs time
    assert login.locked("officer") and not login("officer", "s3cret")  # paused, even if right
    assert login("intruder", "x") is False and not login.locked("someone else")
    now[0] = 61.0  # the window passes
    assert login("officer", "s3cret") and not login.locked("officer")
    assert login("chair", "pässwörd") and not login("chair", "s3cret")  # each its own password
    assert not login("nobody", "")  # an unknown name never signs in, even with no password


def test_the_real_login_route_is_throttled(tmp_path: Path) -> None:
    import httpx

    settings = make_settings(tmp_path, auth_username="officer", auth_password="s3cret")
    with running_app(FakeLisa(), settings) as url:

        def attempt(password: str) -> int:
            form = {"username": "officer", "password": password}
            return httpx.post(url + "login", data=form, timeout=30).status_code

        assert attempt("s3cret") == 200
        assert [attempt("wrong") for _ in range(5)] == [400] * 5
        assert attempt("s3cret") == 400  # paused for a minute after five wrong passwords


def test_removal_is_confirmed_first(tmp_path: Path) -> None:
    from assistant.frontends.web.callbacks import Callbacks

    cb = Callbacks(FakeLisa(), make_settings(tmp_path), FileOwners())
    shown, question, status = cb.confirm_removal("guide.md", None)
    assert shown["visible"] is True and not status
    assert "Remove guide.md from the library?" in question and "every user" in question
    hidden, _, status = cb.confirm_removal(None, None)
    assert hidden["visible"] is False and "Choose the document" in status


def test_only_named_managers_change_the_library_when_login_is_on(tmp_path: Path) -> None:
    from assistant.frontends.web.callbacks import Callbacks

    settings = make_settings(
        tmp_path,
        auth_users={"ana": "one", "ben": "two"},
        library_managers="ana",  # as the environment gives it: comma-separated
    )
    assert settings.library_managers == ["ana"]
    cb = Callbacks(FakeLisa(), settings, FileOwners())
    ana, ben = gr.Request(username="ana"), gr.Request(username="ben")
    assert cb.can_manage(ana) and not cb.can_manage(ben) and not cb.can_manage(None)
    *_, shown, note = cb.on_load(ana)
    assert shown["visible"] is True and note == ""
    *_, hidden, note = cb.on_load(ben)
    assert hidden["visible"] is False and "only the library managers (ana)" in note
    for change in (
        lambda: cb.confirm_removal("guide.md", ben),
        lambda: cb.remove_document("guide.md", ben),
        lambda: cb.add_document(str(tmp_path / "x.md"), ben),
    ):
        with pytest.raises(gr.Error, match="Only the library managers"):
            change()
    shown, question, _ = cb.confirm_removal("guide.md", ana)
    assert shown["visible"] is True and "Remove guide.md" in question
    nobody = Callbacks(FakeLisa(), make_settings(tmp_path, auth_users={"ana": "one"}), FileOwners())
    assert not nobody.can_manage(ana) and "an administrator" in nobody.management_note(ana)


def test_sign_out_shows_only_with_login(tmp_path: Path) -> None:
    def sign_out(settings: Settings) -> list[Any]:
        demo = build_app(FakeLisa(), settings, FileOwners())
        return [b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "sign-out"]

    assert sign_out(make_settings(tmp_path)) == []
    (button,) = sign_out(make_settings(tmp_path, auth_users={"ana": "one"}))
    assert button.link == "/logout" and button.value == "Sign out"
