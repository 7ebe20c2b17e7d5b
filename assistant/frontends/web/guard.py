"""The middleware that serves a browser's files only to that browser (issue 13).

``OwnerGuard`` is a plain ASGI middleware on the app Gradio serves (given to
``demo.launch`` through ``app_kwargs``, see ``app.launch_kwargs``). On every request:

- the browser's secret is read from the ``lisa-browser`` cookie; a request without a
  valid one gets a new random secret (HttpOnly, SameSite=Strict, set on the response
  and added to the request, so the callbacks see it too);
- an upload's response (the cache paths Gradio chose) is recorded as that browser's
  before the browser sees it;
- every file path in the event stream the browser reads (reports, conversations) is
  recorded as that browser's (and that session's) before it is forwarded;
- a file request (``/gradio_api/file=…``) for a path under Gradio's upload cache that
  this browser does not own gets 404 with no content; other paths (Gradio's own
  static assets) are left to Gradio's own checks;
- a Gradio session (its heartbeat and event stream) belongs to the first browser that
  opens it; another browser naming it gets 404.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from assistant.frontends.web.owners import COOKIE, SECRET, FileOwners, owner_id, real

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger(__name__)

API = "/gradio_api"
FILE_ROUTES = (f"{API}/file=", f"{API}/file/")
SET_COOKIE = f"{COOKIE}={{}}; Path=/; HttpOnly; SameSite=Strict"


def browser_secret(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The request's valid ``lisa-browser`` secret, or None."""
    for name, value in headers:
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:  # a malformed Cookie header carries no secret of ours
                return None
            morsel = jar.get(COOKIE)
            if morsel is not None and SECRET.fullmatch(morsel.value):
                return morsel.value
    return None


def with_cookie(headers: list[tuple[bytes, bytes]], secret: str) -> list[tuple[bytes, bytes]]:
    """The request headers with the secret added to the (first) Cookie header."""
    pair = f"{COOKIE}={secret}".encode()
    out, added = [], False
    for name, value in headers:
        if name == b"cookie" and not added:
            value, added = value + b"; " + pair, True
        out.append((name, value))
    return out if added else [*out, (b"cookie", pair)]


def file_paths(data: Any) -> list[str]:
    """Every FileData path in a decoded JSON message."""
    found: list[str] = []
    if isinstance(data, dict):
        path = data.get("path")
        if isinstance(path, str) and ("url" in data or "meta" in data):
            found.append(path)
        for value in data.values():
            found.extend(file_paths(value))
    elif isinstance(data, list):
        for value in data:
            found.extend(file_paths(value))
    return found


def under(path: str, root: str | None) -> bool:
    if not root:
        return False
    path, root = real(path), real(root)
    return path == root or path.startswith(root.rstrip("/") + "/")


class OwnerGuard:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: ASGIApp, owners: FileOwners) -> None:
        self.app = app
        self.owners = owners

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = list(scope.get("headers") or [])
        secret = browser_secret(headers)
        fresh = secret is None
        if secret is None:
            secret = secrets.token_urlsafe(32)
            scope["headers"] = with_cookie(headers, secret)
        owner = owner_id(secret)
        path: str = scope.get("path", "")
        root = getattr(scope.get("app"), "uploaded_file_dir", None)
        session = self.session_of(scope, path)

        async def send_cookie(message: Message) -> None:
            if fresh and message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"set-cookie", SET_COOKIE.format(secret).encode()),
                ]
            await send(message)

        if session is not None and not self.owners.bind_session(session, owner):
            await self.not_found(send_cookie)
        elif path.startswith(FILE_ROUTES):
            prefix = FILE_ROUTES[0] if path.startswith(FILE_ROUTES[0]) else FILE_ROUTES[1]
            target = path[len(prefix) :]
            if under(target, root) and not self.owners.owns(owner, target):
                await self.not_found(send_cookie)
            else:
                await self.app(scope, receive, send_cookie)
        elif path.rstrip("/") == f"{API}/upload" and scope.get("method") == "POST":
            await self.app(scope, receive, self.recording_upload(send_cookie, owner))
        else:
            await self.app(scope, receive, self.recording_stream(send_cookie, owner, session, root))

    @staticmethod
    def session_of(scope: Scope, path: str) -> str | None:
        """The Gradio session a heartbeat or event stream request names, if any."""
        if path.startswith(f"{API}/heartbeat/"):
            return path.rsplit("/", 1)[-1] or None
        if path.rstrip("/") == f"{API}/queue/data":
            query = parse_qs((scope.get("query_string") or b"").decode("latin-1"))
            return (query.get("session_hash") or [None])[0]
        return None

    @staticmethod
    async def not_found(send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 404,
                "headers": [(b"content-length", b"0"), (b"cache-control", b"no-store")],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    def recording_upload(self, send: Send, owner: str) -> Send:
        """Hold the upload's response until its paths are recorded as the owner's."""
        held: list[Message] = []
        status = [0]

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            held.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                if status[0] == 200:
                    body = b"".join(m.get("body", b"") for m in held[1:])
                    for path in json.loads(body):
                        self.owners.add(path, owner)
                for m in held:
                    await send(m)
                held.clear()

        return wrapped

    def recording_stream(
        self, send: Send, owner: str, session: str | None, root: str | None
    ) -> Send:
        """Record the cache files named in an event stream before forwarding each part."""
        stream = [False]
        buffer = bytearray()  # bytes: a chunk may end inside a character

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                kinds = [v for k, v in message.get("headers", []) if k == b"content-type"]
                stream[0] = any(b"text/event-stream" in v for v in kinds)
            elif message["type"] == "http.response.body" and stream[0]:
                buffer.extend(message.get("body", b""))
                *events, rest = re.split(rb"\r?\n\r?\n", bytes(buffer))
                buffer[:] = rest
                for event in events:
                    self.record_event(event.decode("utf-8", "replace"), owner, session, root)
            await send(message)

        return wrapped

    def record_event(self, event: str, owner: str, session: str | None, root: str | None) -> None:
        for line in event.splitlines():
            if line.startswith("data:") and '"path"' in line:
                try:
                    data = json.loads(line[5:])
                except json.JSONDecodeError as exc:  # its files stay unserved (404)
                    log.warning("an event naming files was not JSON (%s): not recorded", exc)
                    continue
                for path in file_paths(data):
                    if under(path, root):
                        self.owners.add(path, owner, session)
