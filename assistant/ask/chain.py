"""The ask chain: guard → condense → retrieve → generate → verify citations.

``build_chain(retriever, generator, prompts)`` assembles the LangChain runnable
that prepares a turn (guard, condense, retrieve); ``AnswerChain.stream`` then
yields text as it is generated and finally the checked ``Answer``, and
``AnswerChain.invoke`` is that stream's last item: one composition for both.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.ask.answer import Answer, Citation, source_label
from assistant.ask.citations import check_answer
from assistant.ask.condense import Condenser, HeuristicCondenser, Message, own_topic
from assistant.ask.generation import ExtractiveGenerator, Generator
from assistant.ask.guard import RequestCheck, check_request
from assistant.ask.prompts import PromptSet
from assistant.ask.retrieval import HybridRetriever, Retrieval

NO_TOPIC = (
    "the question does not say what it is about; ask it with its topic "
    "(for example, “why are rural areas harder to serve?”)"
)


@dataclass(frozen=True)
class _Base:
    """What every answer from one turn shares."""

    question: str
    standalone: str
    backend: str

    def answer(
        self,
        text: str,
        citations: list[Citation],
        refused: bool,
        reason: str | None,
        **extra: Any,
    ) -> Answer:
        return Answer(
            text,
            citations,
            refused,
            reason,
            self.backend,
            question=self.question,
            standalone_question=self.standalone,
            **extra,
        )


@dataclass
class Turn:
    question: str
    history: list[Message]
    check: RequestCheck | None = None
    standalone: str = ""
    retrieval: Retrieval | None = None
    text: str = ""
    warnings: list[str] = field(default_factory=list)
    timing_ms: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)


class AnswerChain:
    def __init__(
        self,
        retriever: HybridRetriever,
        generator: Generator,
        prompts: PromptSet,
        condenser: Condenser,
        k: int,
        fallback: ExtractiveGenerator,
    ) -> None:
        self.retriever = retriever
        self.generator = generator
        self.prompts = prompts
        self.condenser = condenser
        self.k = k
        self.fallback = fallback
        # guard → condense → retrieve; generation streams, then the answer is verified
        self.prepare: Runnable[dict[str, Any], Turn] = (
            RunnableLambda(self._start)
            | RunnableLambda(self._guard)
            | RunnableLambda(self._condense)
            | RunnableLambda(self._retrieve)
        )

    # --- steps -------------------------------------------------------------
    def _start(self, inputs: dict[str, Any]) -> Turn:
        return Turn(question=str(inputs["question"]), history=list(inputs.get("history") or []))

    def _timed(self, turn: Turn, stage: str, since: float) -> None:
        turn.timing_ms[stage] = (time.perf_counter() - since) * 1000

    def _guard(self, turn: Turn) -> Turn:
        since = time.perf_counter()
        turn.check = check_request(turn.question)
        self._timed(turn, "guard", since)
        return turn

    def _condense(self, turn: Turn) -> Turn:
        since = time.perf_counter()
        if turn.check and turn.check.allowed:
            turn.standalone = self.condenser.condense(turn.question, turn.history)
        self._timed(turn, "condense", since)
        return turn

    def _retrieve(self, turn: Turn) -> Turn:
        since = time.perf_counter()
        if turn.check and turn.check.allowed and not own_topic(turn.standalone):
            # "why is that?" with no conversation before it: there is nothing to look up
            turn.retrieval = Retrieval(turn.standalone, [], False, 0.0, reason=NO_TOPIC)
        elif turn.check and turn.check.allowed:
            turn.retrieval = self.retriever.retrieve(turn.standalone, self.k)
        self._timed(turn, "retrieve", since)
        return turn

    def _answerable(self, turn: Turn) -> bool:
        return bool(turn.retrieval and turn.retrieval.relevant and turn.retrieval.hits)

    def _stream_text(self, turn: Turn) -> Iterator[str]:
        if not self._answerable(turn):
            return
        since = time.perf_counter()
        hits = turn.retrieval.hits if turn.retrieval else []
        try:
            yield from self.generator.stream(turn.standalone, hits)
        except Exception as exc:  # a backend failure becomes an explicit warning + fallback
            turn.warnings.append(
                f"The {self.generator.name} backend failed ({type(exc).__name__}: {exc}); "
                "showing the extractive answer instead."
            )
        finally:
            self._timed(turn, "generate", since)

    def _verify(self, turn: Turn) -> Answer:
        since = time.perf_counter()
        answer = self._finish(turn)
        self._timed(turn, "verify", since)
        turn.timing_ms["total"] = (time.perf_counter() - turn.started) * 1000
        answer.timing_ms = dict(turn.timing_ms)
        return answer

    # --- assembling the answer --------------------------------------------
    def _finish(self, turn: Turn) -> Answer:
        base = _Base(turn.question, turn.standalone, self.generator.name)
        if turn.check and not turn.check.allowed:
            if turn.check.kind == "injection":
                text = self.prompts["injection_refusal"].format()
            else:
                reason = turn.check.reason or "that is not a guidance question"
                text = (
                    f"{reason[0].upper()}{reason[1:]}. "
                    "Ask me a question about Local Industrial Strategy guidance."
                )
            return base.answer(text, [], True, turn.check.reason)
        retrieval = turn.retrieval
        assert retrieval is not None
        if not self._answerable(turn):
            return self._refusal(retrieval, base)
        hits = retrieval.hits
        checked = check_answer(turn.text, hits)
        warnings = list(turn.warnings)
        if checked.dropped_markers:
            warnings.append(
                f"Dropped citation(s) to passages that were not supplied: "
                f"{checked.dropped_markers}."
            )
        if checked.removed_sentences:
            warnings.append(
                f"Removed {len(checked.removed_sentences)} sentence(s) the cited "
                "guidance does not support."
            )
        if not checked.citations and self.generator is not self.fallback:
            if turn.text:
                warnings.append(
                    "The model's answer had no supported citations; showing the "
                    "extractive answer instead."
                )
            checked = check_answer("".join(self.fallback.stream(turn.standalone, hits)), hits)
        return base.answer(
            checked.text,
            checked.citations,
            False,
            None,
            relevance=round(retrieval.relevance, 4),
            warnings=warnings,
        )

    def _refusal(self, retrieval: Retrieval, base: _Base) -> Answer:
        sections = list(
            dict.fromkeys(
                h.chunk.section_path[-1]
                for h in retrieval.hits
                if h.chunk.section_path and h.chunk.kind != "notes"
            )
        )[:3]
        suggestions = (
            "The closest sections LISA does cover: " + "; ".join(sections) + "."
            if sections
            else "Add guidance on this topic to the library to ask about it."
        )
        closest = retrieval.closest
        if closest is not None:
            chunk = closest.chunk
            where = source_label(chunk.title, chunk.section, chunk.page) or "the guidance"
            suggestions = f"The closest it comes ({where}): “{closest.text}” " + suggestions
        reason = retrieval.reason or "no relevant guidance"
        if retrieval.failed:
            text = f"LISA could not search the guidance: {reason}."
        else:
            text = self.prompts["refusal"].format(reason=reason, suggestions=suggestions)
        return base.answer(
            text, [], True, reason, relevance=round(retrieval.relevance, 4), suggestions=sections
        )

    # --- public API --------------------------------------------------------
    def invoke(self, question: str, history: Sequence[Message] = ()) -> Answer:
        """The final checked Answer (the last item ``stream`` yields)."""
        for item in self.stream(question, history):
            if isinstance(item, Answer):
                return item
        raise AssertionError("stream always ends with the Answer")

    def stream(self, question: str, history: Sequence[Message] = ()) -> Iterator[str | Answer]:
        """Yield text pieces as generated, then the final checked Answer."""
        turn = self.prepare.invoke({"question": question, "history": list(history)})
        pieces: list[str] = []
        for piece in self._stream_text(turn):
            pieces.append(piece)
            yield piece
        turn.text = "".join(pieces)
        yield self._verify(turn)


def build_chain(
    retriever: HybridRetriever,
    generator: Generator,
    prompts: PromptSet,
    condenser: Condenser | None = None,
    k: int = 5,
    fallback: ExtractiveGenerator | None = None,
) -> AnswerChain:
    """Assemble the chain. ``fallback`` answers when an LLM backend fails or cites nothing."""
    if fallback is None:
        fallback = (
            generator
            if isinstance(generator, ExtractiveGenerator)
            else ExtractiveGenerator(retriever.keywords)
        )
    return AnswerChain(
        retriever, generator, prompts, condenser or HeuristicCondenser(), k, fallback
    )
