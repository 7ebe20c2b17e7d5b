"""Answer generators behind one interface.

``ExtractiveGenerator`` (the default) answers with the guidance's own
sentences, each followed by its marker: deterministic, instant, and never says
anything the guidance does not. ``ChatModelGenerator`` drives any LangChain chat
model (OpenAI-compatible, Ollama, llama.cpp, or a fake in tests) with the
prompts from ``prompts/``; its output is checked by ``citations.check_answer``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

import numpy as np
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.ask.citations import passage_sentences
from assistant.ask.prompts import PromptSet
from assistant.ask.retrieval import Hit
from assistant.library.keyword_index import KeywordIndex, tokenize

_BULLET = re.compile(r"^\s*[-•*]\s+")


class Generator(Protocol):
    name: str
    label: str  # shown to the officer, e.g. "small local model"

    def stream(self, question: str, hits: Sequence[Hit]) -> Iterator[str]:
        """Yield the answer text in pieces; markers [n] refer to hits[n-1]."""
        ...


# A sentence that leans on the one before: "These…", "For example…", "Rural areas are therefore…"
_ANAPHOR = re.compile(
    r"^(these|this|they|it|its|such|however|therefore|thus|for example|for instance|"
    r"in addition|also)\b|^(\S+\s+){1,4}(therefore|thus)\b",
    re.IGNORECASE,
)
Embed = Callable[[list[str]], list[list[float]]]
EmbedQuery = Callable[[str], list[float]]


class ExtractiveGenerator:
    """Builds the answer from the most relevant sentences of the retrieved guidance.

    Sentences are scored by meaning (cosine similarity to the question, when an
    embedding function is given; sentence vectors are cached) and by weighted
    keyword overlap, with a prior for the better-ranked passage. A sentence that
    leans on the one before it ("These…", "However…") brings that one along.
    """

    name = "extractive"
    label = "Extractive (quotes the guidance; no language model)"

    def __init__(
        self,
        keywords: KeywordIndex,
        embed: Embed | None = None,
        embed_query: EmbedQuery | None = None,
        max_points: int = 3,
        max_hits: int = 3,
    ) -> None:
        self.keywords = keywords
        self.embed = embed
        self.embed_query = embed_query
        self.max_points = max_points
        self.max_hits = max_hits
        self._vectors: dict[str, np.ndarray] = {}

    def warm(self, texts: Sequence[str]) -> None:
        """Pre-compute sentence vectors for these passages (done once at start-up)."""
        self._similarities(None, [s for t in texts for s in passage_sentences(t)])

    def _similarities(self, question: str | None, sentences: list[str]) -> list[float]:
        if self.embed is None:
            return [0.0] * len(sentences)
        todo = list(dict.fromkeys(s for s in sentences if s not in self._vectors))
        for start in range(0, len(todo), 256):
            batch = todo[start : start + 256]
            for sentence, vector in zip(batch, self.embed(batch), strict=True):
                self._vectors[sentence] = np.asarray(vector, dtype=np.float32)
        if question is None:
            return []
        vector = self.embed_query(question) if self.embed_query else self.embed([question])[0]
        query = np.asarray(vector, dtype=np.float32)
        return [float(self._vectors[s] @ query) for s in sentences]

    def rank_sentences(self, question: str, hits: Sequence[Hit]) -> list[tuple[float, int, str]]:
        """(score, hit index, text) for the sentences of the top hits, best first.

        Each sentence (or short list item) is scored on its own, then given the
        context it needs: the sentence it leans on, or the list it introduces.
        """
        terms = set(tokenize(question))
        total = sum(self.keywords.idf(t) for t in terms) or 1.0
        candidates: list[tuple[int, str, str]] = []  # hit index, scored unit, text to show
        for index, hit in enumerate(hits[: self.max_hits]):
            units = passage_units(hit.text)
            for order, unit in enumerate(units):
                text = with_context(units, order)
                if text and len(set(tokenize(unit))) >= 3:
                    candidates.append((index, unit, text))
        meaning = self._similarities(question, [c[1] for c in candidates])
        ranked = []
        for order, ((index, unit, text), cosine) in enumerate(
            zip(candidates, meaning, strict=True)
        ):
            words = set(tokenize(text))
            overlap = sum(self.keywords.idf(t) for t in terms & words) / total
            length = min(1.0, len(unit.split()) / 12)
            prior = 0.25 / (1 + index) - (0.3 if hits[index].chunk.kind == "notes" else 0.0)
            score = 0.6 * overlap + 0.8 * cosine + prior + 0.05 * length - 0.001 * order
            ranked.append((score, index, text))
        ranked.sort(key=lambda r: -r[0])
        return ranked

    def stream(self, question: str, hits: Sequence[Hit]) -> Iterator[str]:
        ranked = self.rank_sentences(question, hits)
        if not ranked:
            return
        lead_score, lead_hit, lead = ranked[0]
        yield f"{_BULLET.sub('', lead)} [{lead_hit + 1}]"
        points: list[str] = []
        seen = [_key(lead)]
        for score, index, sentence in ranked[1:]:
            if len(points) >= self.max_points or score < 0.6 * lead_score:
                break
            key = _key(sentence)
            if any(len(key & k) >= 0.6 * min(len(key), len(k)) for k in seen):
                continue
            seen.append(key)
            points.append(f"- {_BULLET.sub('', sentence)} [{index + 1}]")
        if points:
            yield "\n\n" + "\n".join(points)


_CONTINUES = re.compile(r"^(these|this|they|such)\s+(are|is|include|includes)\b", re.IGNORECASE)
CONTEXT_WORDS = 110


def passage_units(text: str) -> list[str]:
    """Sentences of a passage; a short list item stays whole (its sentences belong together)."""
    units: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if _BULLET.match(line) and len(line.split()) <= 80:
            units.append(line)
        elif line:
            units.extend(passage_sentences(line))
    return units


def with_context(units: Sequence[str], order: int) -> str:
    """A unit with the sentence it leans on and the list or sentence it introduces."""
    parts = [units[order]]
    if order > 0 and _ANAPHOR.match(_BULLET.sub("", units[order])):
        parts.insert(0, units[order - 1])
    introduces = parts[-1].rstrip().endswith(":")
    following = order + 1
    while following < len(units):
        unit = units[following]
        if sum(len(p.split()) for p in parts) + len(unit.split()) > CONTEXT_WORDS:
            break
        if introduces and (_BULLET.match(unit) or len(parts) == 1):
            parts.append(unit)
        elif len(parts) == 1 and _CONTINUES.match(_BULLET.sub("", unit)):
            parts.append(unit)
            introduces = unit.rstrip().endswith(":")
        else:
            break
        following += 1
    text = " ".join(_BULLET.sub("", p) for p in parts)
    return text if not introduces or len(parts) > 1 else ""


def _key(sentence: str) -> frozenset[str]:
    return frozenset(tokenize(sentence))


def format_passages(hits: Sequence[Hit]) -> str:
    return "\n\n".join(
        f"[{n}] ({hit.chunk.title} — {hit.chunk.section})\n{hit.text}"
        for n, hit in enumerate(hits, start=1)
    )


class ChatModelGenerator:
    """Any LangChain chat model, prompted to answer only from numbered passages."""

    def __init__(self, model: BaseChatModel, prompts: PromptSet, name: str, label: str) -> None:
        self.model = model
        self.prompts = prompts
        self.name = name
        self.label = label

    def messages(self, question: str, hits: Sequence[Hit]) -> list[SystemMessage | HumanMessage]:
        return [
            SystemMessage(self.prompts["answer_system"].format()),
            HumanMessage(
                self.prompts["answer_user"].format(
                    question=question, passages=format_passages(hits)
                )
            ),
        ]

    def stream(self, question: str, hits: Sequence[Hit]) -> Iterator[str]:
        for piece in self.model.stream(self.messages(question, hits)):
            text = piece.content if isinstance(piece.content, str) else ""
            if text:
                yield text
