"""The LLM backends (ChatOpenAI, ChatOllama, llama.cpp) against real HTTP servers on loopback.

The fake servers speak the wire formats (OpenAI's server-sent events, Ollama's
NDJSON) and record each request body, so the tests check what the maintained
LangChain integrations actually send; nothing inside the libraries is patched.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, make_settings
from langchain_core.messages import HumanMessage
from pydantic import ValidationError

from assistant.ask.backends import make_chat_model, make_generator
from assistant.ask.chat_models import BackendError, LlamaCppChat, OllamaChat, OpenAICompatibleChat
from assistant.ask.generation import ChatModelGenerator, ExtractiveGenerator
from assistant.ask.prompts import load_prompts
from assistant.errors import LisaError
from assistant.library.keyword_index import KeywordIndex
from assistant.settings import Settings

OPENAI_PIECES = ["Rural ", "proofing ", "[1]."]
OLLAMA_PIECES = ["Anchor ", "institutions [2]."]


class FakeLLMServer(BaseHTTPRequestHandler):
    """An OpenAI-compatible /v1/chat/completions and an Ollama /api/chat, plus failures."""

    requests: list[dict[str, Any]]

    def log_message(self, *args: object) -> None:
        return

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("retry-after-ms", "10")  # the OpenAI client's one retry: come back soon
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            return

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        if self.path.startswith("/slow/"):
            time.sleep(1.0)
            self._send(200, b"{}")
        elif self.path == "/boom/v1/chat/completions":
            error = {"error": {"message": "model crashed", "type": "server_error"}}
            self._send(500, json.dumps(error).encode())
        elif self.path == "/v1/chat/completions" and body.get("stream"):
            events = [{"choices": [{"index": 0, "delta": {"content": p}}]} for p in OPENAI_PIECES]
            sse = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
            self._send(200, sse.encode(), "text/event-stream")
        elif self.path == "/v1/chat/completions":
            message = {"role": "assistant", "content": "".join(OPENAI_PIECES)}
            choice = {"index": 0, "finish_reason": "stop", "message": message}
            reply = {"id": "1", "object": "chat.completion", "created": 0, "model": body["model"]}
            self._send(200, json.dumps({**reply, "choices": [choice]}).encode())
        elif self.path == "/api/chat" and body["model"] == "llama3.1":
            lines = [
                {"model": "llama3.1", "message": {"role": "assistant", "content": p}, "done": False}
                for p in OLLAMA_PIECES
            ]
            lines.append(
                {
                    "model": "llama3.1",
                    "message": {"role": "assistant", "content": ""},
                    "done": True,
                    "done_reason": "stop",
                }
            )
            self._send(200, "".join(json.dumps(x) + "\n" for x in lines).encode(), "x-ndjson")
        elif self.path == "/api/chat":
            error = {"error": f"model '{body['model']}' not found, try pulling it first"}
            self._send(404, json.dumps(error).encode())
        else:
            self._send(404, b"404 page not found", "text/plain")


class Server:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        handler = type("Handler", (FakeLLMServer,), {"requests": self.requests})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def last(self) -> dict[str, Any]:
        return self.requests[-1]


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server()
    thread = threading.Thread(target=running.httpd.serve_forever, daemon=True)
    thread.start()
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _openai(tmp_path: Path, base_url: str, **overrides: object) -> Any:
    settings = make_settings(
        tmp_path, backend="openai", openai_base_url=base_url, openai_model="m", **overrides
    )
    return make_chat_model(settings)


def _ollama(tmp_path: Path, url: str, **overrides: object) -> Any:
    return make_chat_model(make_settings(tmp_path, backend="ollama", ollama_url=url, **overrides))


# --- OpenAI-compatible (ChatOpenAI) ----------------------------------------------


def test_openai_backend_streams_and_sends_the_answer_cap(server: Server, tmp_path: Path) -> None:
    model = _openai(tmp_path, server.url + "/v1", openai_api_key="sk-test", max_answer_tokens=123)
    assert isinstance(model, OpenAICompatibleChat)
    pieces = [c.content for c in model.stream([HumanMessage("q")]) if c.content]
    assert pieces == OPENAI_PIECES
    sent = server.last
    assert sent["path"] == "/v1/chat/completions" and sent["stream"] is True
    assert sent["max_tokens"] == 123 and "max_completion_tokens" not in sent
    assert sent["auth"] == "Bearer sk-test" and sent["model"] == "m"
    assert sent["temperature"] == 0
    assert sent["messages"] == [{"role": "user", "content": "q"}]


def test_openai_backend_invoke_without_streaming(server: Server, tmp_path: Path) -> None:
    model = _openai(tmp_path, server.url + "/v1")
    assert model.invoke([HumanMessage("q")]).content == "Rural proofing [1]."
    assert server.last["stream"] is False and server.last["max_tokens"] == 384  # the default


def test_openai_backend_never_sends_the_environment_key(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without LISA_OPENAI_API_KEY, an OPENAI_API_KEY in the shell must not go to a local server."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-shell")
    model = _openai(tmp_path, server.url + "/v1")
    model.invoke([HumanMessage("q")])
    assert server.last["auth"] == "Bearer EMPTY"


def test_openai_server_error_is_a_backend_error(server: Server, tmp_path: Path) -> None:
    model = _openai(tmp_path, server.url + "/boom/v1")
    before = len(server.requests)
    with pytest.raises(BackendError, match=r"answered HTTP 500: model crashed") as caught:
        model.invoke([HumanMessage("q")])
    assert isinstance(caught.value, LisaError)
    assert f"{server.url}/boom/v1" in str(caught.value)
    assert len(server.requests) - before == 2  # one retry, then a clear failure
    with pytest.raises(BackendError, match=r"answered HTTP 500: model crashed"):
        list(model.stream([HumanMessage("q")]))


def test_openai_wrong_path_is_a_backend_error(server: Server, tmp_path: Path) -> None:
    model = _openai(tmp_path, server.url + "/wrong")
    with pytest.raises(BackendError, match=r"answered HTTP 404: 404 page not found"):
        model.invoke([HumanMessage("q")])


def test_openai_unreachable_server_is_a_backend_error(tmp_path: Path, closed_port: int) -> None:
    model = _openai(tmp_path, f"http://127.0.0.1:{closed_port}/v1")
    with pytest.raises(BackendError, match="cannot reach the OpenAI-compatible server at"):
        list(model.stream([HumanMessage("q")]))


def test_openai_timeout_is_a_backend_error(server: Server, tmp_path: Path) -> None:
    model = _openai(tmp_path, server.url + "/slow/v1", llm_timeout_s=0.2)
    with pytest.raises(BackendError, match=r"server at .*/slow/v1 did not answer within 0.2 s"):
        model.invoke([HumanMessage("q")])


def test_openai_api_itself_gets_max_completion_tokens(tmp_path: Path) -> None:
    """OpenAI's API wants max_completion_tokens (its reasoning models refuse max_tokens).

    Building the model makes no request, so this checks ChatOpenAI's own public field,
    which it sends as max_completion_tokens.
    """
    model = _openai(tmp_path, "https://api.openai.com/v1", max_answer_tokens=200)
    assert model.inner.max_tokens == 200 and not model.inner.extra_body


# --- Ollama (ChatOllama) ----------------------------------------------------------


def test_ollama_backend_streams_and_sends_num_predict(server: Server, tmp_path: Path) -> None:
    model = _ollama(tmp_path, server.url, max_answer_tokens=99)
    assert isinstance(model, OllamaChat)
    pieces = [c.content for c in model.stream([HumanMessage("q")]) if c.content]
    assert pieces == OLLAMA_PIECES
    sent = server.last
    assert sent["path"] == "/api/chat" and sent["stream"] is True and sent["model"] == "llama3.1"
    assert sent["options"]["num_predict"] == 99 and sent["options"]["temperature"] == 0
    assert model.invoke([HumanMessage("q")]).content == "Anchor institutions [2]."
    assert server.last["options"]["num_predict"] == 99


def test_ollama_missing_model_is_a_backend_error(server: Server, tmp_path: Path) -> None:
    model = _ollama(tmp_path, server.url, ollama_model="nope")
    with pytest.raises(BackendError, match=r"answered HTTP 404: model 'nope' not found"):
        list(model.stream([HumanMessage("q")]))


def test_ollama_unreachable_server_is_a_backend_error(tmp_path: Path, closed_port: int) -> None:
    model = _ollama(tmp_path, f"http://127.0.0.1:{closed_port}")
    with pytest.raises(BackendError, match="cannot reach the Ollama server at"):
        model.invoke([HumanMessage("q")])


def test_ollama_timeout_is_a_backend_error(server: Server, tmp_path: Path) -> None:
    model = _ollama(tmp_path, server.url + "/slow", llm_timeout_s=0.2)
    with pytest.raises(BackendError, match=r"server at .*/slow did not answer within 0.2 s"):
        list(model.stream([HumanMessage("q")]))


# --- the factory, the generator and the settings ------------------------------------


def test_default_backend_uses_no_model(tmp_path: Path) -> None:
    from langchain_ollama import ChatOllama
    from langchain_openai import ChatOpenAI

    assert make_chat_model(make_settings(tmp_path)) is None
    ollama = make_chat_model(make_settings(tmp_path, backend="ollama"))
    assert isinstance(ollama, OllamaChat) and isinstance(ollama.inner, ChatOllama)
    openai = make_chat_model(make_settings(tmp_path, backend="openai"))
    assert isinstance(openai, OpenAICompatibleChat) and isinstance(openai.inner, ChatOpenAI)


def test_generator_streams_through_the_openai_backend(server: Server, tmp_path: Path) -> None:
    """What the ask chain calls: ChatModelGenerator.stream over the built chat model."""
    settings = make_settings(
        tmp_path, backend="openai", openai_base_url=server.url + "/v1", openai_model="m"
    )
    prompts = load_prompts(REPO / "prompts")
    generator, _ = make_generator(settings, prompts, ExtractiveGenerator(KeywordIndex([])))
    assert isinstance(generator, ChatModelGenerator)
    assert list(generator.stream("What counts as rural?", [])) == OPENAI_PIECES
    assert server.last["messages"][0]["role"] == "system" and server.last["max_tokens"] == 384


def test_max_answer_tokens_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).max_answer_tokens == 384  # type: ignore[call-arg]
    monkeypatch.setenv("LISA_MAX_ANSWER_TOKENS", "1000")
    assert Settings(_env_file=None).max_answer_tokens == 1000  # type: ignore[call-arg]
    for bad in ("15", "4097"):
        monkeypatch.setenv("LISA_MAX_ANSWER_TOKENS", bad)
        with pytest.raises(ValidationError, match="max_answer_tokens"):
            Settings(_env_file=None)  # type: ignore[call-arg]


def test_importing_loads_no_llm_client() -> None:
    """The integrations are imported when a backend is built, never on import."""
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "import assistant.ask.backends, assistant.service\n"
        "clients = ('langchain_openai', 'langchain_ollama', 'openai', 'ollama', 'llama_cpp')\n"
        "print([m for m in clients if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_extractive_default_loads_no_language_model_classes() -> None:
    """Answering with the default builds its generator without LangChain's language-model
    classes (part of every cold start); an LLM backend loads them."""
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "import assistant.service, assistant.frontends.cli.main\n"
        "from assistant.ask.backends import make_generator\n"
        "from assistant.ask.generation import ExtractiveGenerator\n"
        "from pathlib import Path\n"
        "from assistant.ask.prompts import load_prompts\n"
        "from assistant.library.keyword_index import KeywordIndex\n"
        "from assistant.settings import Settings\n"
        "extractive = ExtractiveGenerator(KeywordIndex([]))\n"
        f"prompts = load_prompts(Path({str(REPO / 'prompts')!r}))\n"
        "generator, _ = make_generator(Settings(_env_file=None), prompts, extractive)\n"
        "assert generator is extractive, generator\n"
        "classes = ('langchain_core.language_models.base', "
        "'langchain_core.language_models.chat_models')\n"
        "print([m for m in classes if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# --- local (llama.cpp) --------------------------------------------------------------


class RecordingLlama:
    """Stands in for llama_cpp.Llama at its API: create_chat_completion(stream=True)."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def create_chat_completion(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        self.calls.append(kwargs)
        yield {"choices": [{"delta": {"role": "assistant"}}]}
        for piece in ["Small ", "model [1]."]:
            yield {"choices": [{"delta": {"content": piece}}]}


def test_llama_cpp_adapter_streams_with_the_cap() -> None:
    llama = RecordingLlama()
    model = LlamaCppChat(model_path="smol.gguf", max_tokens=77, llama=llama)
    assert [c.content for c in model.stream([HumanMessage("q")]) if c.content] == [
        "Small ",
        "model [1].",
    ]
    assert model.invoke([HumanMessage("q")]).content == "Small model [1]."
    assert llama.calls[-1]["max_tokens"] == 77 and llama.calls[-1]["stream"] is True
    assert llama.calls[-1]["messages"] == [{"role": "user", "content": "q"}]


def test_local_backend_without_llama_cpp_says_how_to_install(tmp_path: Path) -> None:
    import importlib.util

    if importlib.util.find_spec("llama_cpp") is not None:
        settings = make_settings(
            tmp_path, backend="local", gguf_path=tmp_path / "m.gguf", max_answer_tokens=50
        )
        model = make_chat_model(settings)  # loads nothing until first used
        assert isinstance(model, LlamaCppChat) and model.max_tokens == 50
        return
    with pytest.raises(BackendError, match="make local-llm"):
        make_chat_model(make_settings(tmp_path, backend="local"))
