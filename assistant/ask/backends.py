"""The factory that picks the answer generator and condenser for the configured backend.

The default is the extractive generator, which uses no model at all, and the heuristic
condenser. ``openai``, ``ollama`` and ``local`` are LangChain chat models
(``assistant.ask.chat_models``), imported only when such a backend is built, so importing
LISA, or answering with the default, loads none of them. Every backend caps the answer at
``Settings.max_answer_tokens`` and reports an unreachable or failing server as
``BackendError``.

No backend touches the network unless the officer configured it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.ask.condense import ChatModelCondenser, Condenser, HeuristicCondenser
from assistant.ask.generation import ChatModelGenerator, ExtractiveGenerator, Generator
from assistant.ask.prompts import PromptSet
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured backend's chat model; None for the extractive default."""
    if settings.backend not in BACKEND_LABELS:  # the extractive default
        return None
    from assistant.ask.chat_models import local_chat, ollama_chat, openai_chat

    if settings.backend == "openai":
        return openai_chat(settings)
    if settings.backend == "ollama":
        return ollama_chat(settings)
    return local_chat(settings)


BACKEND_LABELS = {
    "openai": "OpenAI-compatible model ({model})",
    "ollama": "Ollama model ({model})",
    "local": "Small local model ({model}): weak; every sentence is checked against its citation",
}


def make_generator(
    settings: Settings,
    prompts: PromptSet,
    extractive: ExtractiveGenerator,
    sections: Sequence[str] = (),
) -> tuple[Generator, Condenser]:
    """The configured generator and condenser (extractive + heuristic by default);
    ``sections`` are the library's headings, which the heuristic condenser reads."""
    model = make_chat_model(settings)
    if model is None:
        return extractive, HeuristicCondenser(sections)
    name = {"openai": settings.openai_model, "ollama": settings.ollama_model}.get(
        settings.backend, Path(str(settings.gguf_path or "SmolLM2-135M-Instruct")).name
    )
    label = BACKEND_LABELS[settings.backend].format(model=name)
    return ChatModelGenerator(model, prompts, settings.backend, label), ChatModelCondenser(
        model, prompts
    )
