"""A browser's uploads and reports are served only to that browser (issue 13).

Two httpx clients, each with its own cookie jar, are two browsers on a real app on
loopback. They speak the protocol the page speaks: ``/gradio_api/upload``, then
``/gradio_api/queue/join`` and the event stream ``/gradio_api/queue/data``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import make_settings
from test_webapp_support import FakeLisa, running_app

from assistant.frontends.web.guard import file_paths
from assistant.frontends.web.owners import COOKIE, FileOwners, ForeignFileError, owner_id

DRAFT = b"# Our draft\n\n## Young people\n\nA youth council co-wrote our priorities.\n"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = make_settings(tmp_path_factory.mktemp("files"), max_file_mb=1.0)
    with running_app(FakeLisa(), settings) as address:
        yield address


class Browser:
    """One browser: its own cookie jar, page load first, then the page's own calls."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=60)
        self.page = self.http.get("/")
        self.session = secrets.token_hex(6)
        config = self.http.get("/config").json()
        self.fn = {d.get("api_name"): d["id"] for d in config["dependencies"]}

    def upload(self, name: str, content: bytes) -> str:
        reply = self.http.post("/gradio_api/upload", files=[("files", (name, content))])
        reply.raise_for_status()
        (path,) = reply.json()
        return str(path)

    def call(self, api_name: str, *data: Any, session: str | None = None) -> list[Any]:
        """Run an event as the page does and return its output data."""
        session = session or self.session
        body = {"data": list(data), "fn_index": self.fn[api_name], "session_hash": session}
        self.http.post("/gradio_api/queue/join", json=body).raise_for_status()
        with self.http.stream("GET", f"/gradio_api/queue/data?session_hash={session}") as s:
            for line in s.iter_lines():
                if line.startswith("data:"):
                    message = json.loads(line[5:])
                    if message.get("msg") == "process_completed":
                        assert message.get("success"), message
                        return list(message["output"]["data"])
        raise AssertionError("the event stream ended without a result")

    def fetch(self, path: str) -> httpx.Response:
        return self.http.get(f"/gradio_api/file={path}")


def file_data(path: str, name: str) -> dict[str, Any]:
    return {"path": path, "orig_name": name, "meta": {"_type": "gradio.FileData"}}


def test_another_browser_gets_nothing_of_a_browsers_upload_and_reports(url: str) -> None:
    a, b = Browser(url), Browser(url)
    cookie = a.page.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert a.http.cookies[COOKIE] != b.http.cookies[COOKIE]

    upload = a.upload("our_draft.md", DRAFT)
    out = a.call("critique", file_data(upload, "our_draft.md"), None)
    assert "complete" in out[0], out[0]
    reports = [p for p in file_paths(out) if p != upload]
    assert len(reports) == 4 and {Path(p).suffix for p in reports} == {
        ".docx",
        ".html",
        ".md",
        ".json",
    }
    mine = a.fetch(reports[0])
    assert mine.status_code == 200 and mine.content

    for path in (upload, *reports):  # by path, as the defect showed: 404, no content
        theirs = b.fetch(path)
        assert theirs.status_code == 404 and theirs.content == b"", path
        assert b.http.head(f"/gradio_api/file={path}").status_code == 404
        assert b.http.get(f"/gradio_api/file/{path.lstrip('/')}").status_code in (403, 404)

    refused = b.call("critique", file_data(upload, "our_draft.md"), None)
    assert "was not uploaded from this browser" in refused[0]
    assert "Upload the file again" in refused[0]

    assert a.fetch(upload).content == DRAFT  # the owner still gets both
    assert all(a.fetch(p).status_code == 200 for p in reports)
    # B cannot read or end A's session by naming it
    stream = b.http.get(f"/gradio_api/queue/data?session_hash={a.session}")
    assert stream.status_code == 404
    assert b.http.get(f"/gradio_api/heartbeat/{a.session}").status_code == 404


def test_the_same_content_is_each_uploaders_own(url: str) -> None:
    """Gradio's cache is content-hashed: both uploaders own the one path, others do not."""
    a, b, c = Browser(url), Browser(url), Browser(url)
    path = a.upload("same.md", DRAFT + b"same")
    assert b.upload("same.md", DRAFT + b"same") == path
    assert a.fetch(path).status_code == 200 and b.fetch(path).status_code == 200
    assert c.fetch(path).status_code == 404


def test_a_made_up_cookie_owns_nothing_and_gradios_own_files_still_load(url: str) -> None:
    a = Browser(url)
    upload = a.upload("draft.md", DRAFT)
    forged = httpx.Client(base_url=url, timeout=60, cookies={COOKIE: "x" * 43})
    assert forged.get(f"/gradio_api/file={upload}").status_code == 404
    broken = httpx.Client(base_url=url, timeout=60, cookies={COOKIE: "short"})
    page = broken.get("/")
    assert page.status_code == 200 and COOKIE in page.headers["set-cookie"]  # a new one
    assert broken.get("/theme.css").status_code == 200
    assets = [line for line in page.text.split('"') if line.startswith("./assets/")]
    assert assets and broken.get(assets[0][1:]).status_code == 200


def test_the_library_refuses_another_browsers_upload(url: str) -> None:
    a, b = Browser(url), Browser(url)
    upload = a.upload("note.md", DRAFT)
    status = b.call("add_document", file_data(upload, "note.md"))[0]
    assert "was not uploaded from this browser" in status
    mine = a.call("add_document", file_data(upload, "note.md"))[0]  # reaches the library
    assert "being written" in mine and "not uploaded" not in mine


def test_ending_a_session_forgets_its_files_and_deletes_orphans(tmp_path: Path) -> None:
    owners = FileOwners()
    a, b = owner_id("a" * 43), owner_id("b" * 43)
    shared, report, upload = (tmp_path / n for n in ("shared.md", "report.md", "spare.md"))
    for path in (shared, report, upload):
        path.write_text("x")
    assert owners.bind_session("s1", a) and owners.bind_session("s2", a)
    assert not owners.bind_session("s1", b)  # a session is its first browser's
    owners.add(shared, a, "s1")
    owners.add(shared, b)
    owners.add(report, a, "s1")
    owners.add(report, a, "s2")  # the other tab uses it too
    owners.add(upload, a)  # uploaded, never used by a session
    assert owners.end_session("s1") == []  # s2 still holds the report; b holds shared
    assert owners.owns(a, report) and not owners.owns(a, shared) and owners.owns(b, shared)
    assert owners.owns(a, upload)
    assert sorted(owners.end_session("s2")) == sorted([str(report), str(upload)])
    assert not report.exists() and not upload.exists() and shared.exists()
    assert owners.paths_of(a) == set()
    with pytest.raises(ForeignFileError, match=r"shared\.md was not uploaded from this browser"):
        owners.check(a, shared)
