"""Condensing: turn a follow-up into a question that stands on its own.

``Condenser`` is the one interface; ``HeuristicCondenser`` needs no model and
``ChatModelCondenser`` asks the configured chat model. The chain, the CLI chat
and the draft chat all condense through here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage

from assistant.ask.prompts import PromptSet
from assistant.library.keyword_index import tokenize

Message = dict[str, str]  # {"role": "user" | "assistant", "content": "..."}
_ELLIPTICAL = re.compile(
    r"^\s*(and|also|but|so|what about|how about|what if|same|is that|does that|does this|"
    r"and for|in (rural|urban)|for (rural|urban))\b|\b(it|they|them|this|that|these|those|there)\b",
    re.IGNORECASE,
)


class Condenser(Protocol):
    def condense(self, question: str, history: Sequence[Message]) -> str: ...


class HeuristicCondenser:
    """Joins an elliptical follow-up to the officer's previous question."""

    def condense(self, question: str, history: Sequence[Message]) -> str:
        previous = [m["content"] for m in history if m.get("role") == "user"]
        if not previous:
            return question
        short = len(set(tokenize(question))) <= 4
        if short or _ELLIPTICAL.search(question):
            return f"{question} (following on from: {previous[-1]})"
        return question


class ChatModelCondenser:
    """Asks the chat model to rewrite the follow-up as a standalone question."""

    def __init__(self, model: BaseChatModel, prompts: PromptSet) -> None:
        self.model = model
        self.prompts = prompts

    def condense(self, question: str, history: Sequence[Message]) -> str:
        if not history:
            return question
        lines = "\n".join(f"{m['role']}: {m['content']}" for m in history[-6:])
        prompt = self.prompts["condense"].format(history=lines, question=question)
        reply = self.model.invoke([HumanMessage(prompt)])
        text = reply.content if isinstance(reply.content, str) else ""
        return text.strip() or question
