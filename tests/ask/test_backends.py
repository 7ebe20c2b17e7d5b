"""OpenAI-compatible and Ollama backends against real HTTP servers on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import make_settings
from langchain_core.messages import HumanMessage

from assistant.ask.backends import BackendError, OllamaChat, OpenAICompatibleChat, make_chat_model

REQUESTS: list[dict[str, object]] = []


class FakeLLMServer(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        REQUESTS.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        if self.path == "/v1/chat/completions":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for piece in ["Rural ", "proofing ", "[1]."]:
                event = {"choices": [{"delta": {"content": piece}}]}
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
        elif self.path == "/api/chat":
            self.send_response(200)
            self.end_headers()
            for piece in ["Anchor ", "institutions [2]."]:
                self.wfile.write((json.dumps({"message": {"content": piece}}) + "\n").encode())
            self.wfile.write(json.dumps({"done": True}).encode() + b"\n")
        else:
            self.send_response(404)
            self.end_headers()
            self.wfile.write(b"no such model")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeLLMServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_openai_compatible_streams_and_sends_the_key(server: str) -> None:
    model = OpenAICompatibleChat(base_url=server + "/v1", model="m", api_key="sk-test")
    pieces = [c.content for c in model.stream([HumanMessage("q")]) if c.content]
    assert pieces == ["Rural ", "proofing ", "[1]."]
    assert REQUESTS[-1]["auth"] == "Bearer sk-test" and REQUESTS[-1]["model"] == "m"
    assert model.invoke([HumanMessage("q")]).content == "Rural proofing [1]."


def test_ollama_streams(server: str) -> None:
    model = OllamaChat(base_url=server, model="llama3.1")
    assert "".join(str(c.content) for c in model.stream([HumanMessage("q")])) == (
        "Anchor institutions [2]."
    )
    assert REQUESTS[-1]["path"] == "/api/chat" and REQUESTS[-1]["stream"] is True


def test_http_errors_are_explicit(server: str) -> None:
    model = OpenAICompatibleChat(base_url=server + "/wrong", model="m")
    with pytest.raises(BackendError, match="answered 404"):
        model.invoke([HumanMessage("q")])


def test_default_backend_uses_no_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert make_chat_model(make_settings(tmp_path)) is None
    assert isinstance(make_chat_model(make_settings(tmp_path, backend="ollama")), OllamaChat)


def test_local_backend_without_llama_cpp_says_how_to_install(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import importlib.util

    if importlib.util.find_spec("llama_cpp") is not None:
        pytest.skip("llama-cpp-python is installed here")
    with pytest.raises(BackendError, match="make local-llm"):
        make_chat_model(make_settings(tmp_path, backend="local"))
