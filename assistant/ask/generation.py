"""Answer generators behind one interface.

``ExtractiveGenerator`` (the default) answers with the guidance's own
sentences, each followed by its marker: deterministic, instant, and never says
anything the guidance does not. ``ChatModelGenerator`` drives any LangChain chat
model (OpenAI-compatible, Ollama, llama.cpp, or a fake in tests) with the
prompts from ``prompts/``; its output is checked by ``citations.check_answer``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from assistant.ask.prompts import PromptSet
from assistant.ask.query_terms import QueryTerms
from assistant.ask.retrieval import Hit
from assistant.ask.sentences import (
    answers_kind,
    asks_for_contents,
    asks_for_members,
    asks_for_source,
    introduces_table,
    is_caption,
)
from assistant.library.keyword_index import KeywordIndex, tokenize
from assistant.library.passages import (
    BULLET,
    is_record,
    library_readings,
    passage_units,
    record_key,
    with_context,
)
from assistant.library.sentence_vectors import SentenceVectors

if TYPE_CHECKING:  # LangChain's model classes load only when a chat model is configured
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import HumanMessage, SystemMessage


class Generator(Protocol):
    name: str
    label: str  # shown to the officer, e.g. "small local model"

    def stream(self, question: str, hits: Sequence[Hit]) -> Iterator[str]:
        """Yield the answer text in pieces; markers [n] refer to hits[n-1]."""
        ...


EmbedQuery = Callable[[str], list[float]]
MAX_LIST_ITEMS = 8  # a list answer stays short enough to read
KIND_BONUS = 0.1  # for a sentence holding what the question asks for (an agent, a figure)


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
        sentences: SentenceVectors | None = None,
        embed_query: EmbedQuery | None = None,
        max_points: int = 3,
        max_hits: int = 3,
        query_terms: QueryTerms | None = None,
    ) -> None:
        """``query_terms``: the guidance's words for officers' phrases, which sentences are
        ranked with as retrieval searched with them ("signs off" finds "agreed")."""
        self.keywords = keywords
        self.sentences = sentences
        self.embed_query = embed_query
        self.max_points = max_points
        self.max_hits = max_hits
        self.query_terms = query_terms or QueryTerms()

    @staticmethod
    def units(texts: Sequence[str]) -> list[str]:
        """The sentences (and rows) of these passages that answers are made from, and
        each as read with what it needs: the texts answers are scored by."""
        return library_readings(texts)

    def _similarities(self, question: str, units: list[str]) -> list[float]:
        if self.sentences is None or self.embed_query is None:
            return [0.0] * len(units)
        return self.sentences.cosines(self.embed_query(question), units)

    def records(self, hits: Sequence[Hit], question: str = "") -> list[tuple[int, str]]:
        """(hit index, row) of every table row in the top passages, in document order; the
        rows the question names by their first column ("the Involve level") first."""
        rows = [
            (index, unit)
            for index, hit in enumerate(hits[: self.max_hits])
            for unit in passage_units(hit.text)
            if is_record(unit)
        ]
        order = {id(h): (h.chunk.source, h.chunk.position) for h in hits}
        rows = sorted(dict.fromkeys(rows), key=lambda r: order[id(hits[r[0]])])
        named = _named(rows, question)
        return named + [r for r in rows if r not in named] if named else rows

    def rank_sentences(self, question: str, hits: Sequence[Hit]) -> list[tuple[float, int, str]]:
        """(score, hit index, text) for the sentences of the top hits, best first.

        Each sentence (or short list item) is scored on its own, then given the
        context it needs: the sentence it leans on, or the list it introduces.
        """
        terms = set(tokenize(question))
        total = sum(self.keywords.idf(t) for t in terms) or 1.0
        candidates: list[tuple[int, str, str]] = []  # hit index, scored unit, text to show
        tables = bool(self.records(hits))  # a caption may lead only to its table's rows
        for index, hit in enumerate(hits[: self.max_hits]):
            if hit.chunk.kind == "notes":  # footnotes are sources for citations, not answers
                continue
            units = passage_units(hit.text)
            for order, unit in enumerate(units):
                text = with_context(units, order)
                if text and len(set(tokenize(unit))) >= 3 and (tables or not is_caption(unit)):
                    candidates.append((index, unit, text))
        meaning = self._similarities(question, [c[1] for c in candidates])
        # a sentence that leans on the one before ("They will be agreed with government")
        # means what it says with that one: scored as the better of the two readings. Only
        # readings saved with the library (``library_readings``) count, so an answer never
        # embeds one; a passage joined in a way ingest did not foresee is read unit by unit.
        leaning = [
            i
            for i, c in enumerate(candidates)
            if c[2] != BULLET.sub("", c[1])
            and self.sentences is not None
            and self.sentences.knows(c[2])
        ]
        if leaning:
            read_with = self._similarities(question, [candidates[i][2] for i in leaning])
            for i, cosine in zip(leaning, read_with, strict=True):
                meaning[i] = max(meaning[i], cosine)
        ranked = []
        for order, ((index, unit, text), cosine) in enumerate(
            zip(candidates, meaning, strict=True)
        ):
            words = set(tokenize(text))
            overlap = sum(self.keywords.idf(t) for t in terms & words) / total
            length = min(1.0, len(unit.split()) / 12)
            prior = 0.25 / (1 + index)
            score = 0.6 * overlap + 0.8 * cosine + prior + 0.05 * length - 0.001 * order
            if answers_kind(question, unit):
                score += KIND_BONUS
            ranked.append((score, index, text))
        ranked.sort(key=lambda r: -r[0])
        return ranked

    def best_list(
        self, ranked: Sequence[tuple[float, int, str]], hits: Sequence[Hit], floor: float
    ) -> list[tuple[int, str]]:
        """(hit index, item) of the list in the top passages whose best item ranks highest,
        if that item scores at least ``floor``; [] when no list does."""
        scores: dict[tuple[int, str], float] = {}
        for score, index, text in ranked:
            scores.setdefault((index, text), score)
        best: tuple[float, int, list[str]] | None = None
        for index, hit in enumerate(hits[: self.max_hits]):
            for items in _lists(hit.text):
                top = max((scores.get((index, item), -1.0) for item in items), default=-1.0)
                if top >= floor and (best is None or top > best[0]):
                    best = (top, index, items)
        return [] if best is None else [(best[1], item) for item in best[2][:MAX_LIST_ITEMS]]

    def stream(self, question: str, hits: Sequence[Hit]) -> Iterator[str]:
        ranked = self.rank_sentences(self.query_terms.expand(question), hits)
        if not ranked:
            return
        lead_score, lead_hit, lead = ranked[0]
        rows = self.records(hits, question)
        contents = bool(rows) and asks_for_contents(question)
        if contents and introduces_table(lead):
            # "The table below shows …" and then what it shows: the table's rows
            yield f"{BULLET.sub('', lead)} [{lead_hit + 1}]"
            yield _row_points(rows[:6])
            return
        if is_caption(lead) and not asks_for_source(question):
            if contents:
                # a question about what a table holds is answered from its rows
                first, *rest = rows
                yield f"{first[1]} [{first[0] + 1}]"
                yield _row_points(rest[:5])
                return
            # any other question about a table ("which end should we aim for?") is answered
            # by what the guidance says about it; the caption only names it
            answers = [r for r in ranked if not is_caption(r[2])]
            if answers:
                ranked = answers
                lead_score, lead_hit, lead = ranked[0]
        named = _named(rows, question)
        if named and is_record(BULLET.sub("", lead)) and all(lead != r[1] for r in named):
            # a row leads, but the question names another ("the Involve level"): that one
            lead_hit, lead = named[0]
        yield f"{BULLET.sub('', lead)} [{lead_hit + 1}]"
        points: list[str] = []
        seen = [_key(lead)]
        if asks_for_members(question):
            # a question asking which things make up a group is answered with the whole list
            # the guidance gives of them, not one item and unrelated sentences
            items = self.best_list(ranked, hits, 0.7 * lead_score)
            if any(all(item in text for _, item in items) for _, _, text in ranked):
                items = []  # the list is read whole with its introduction: a point of its own
            for index, item in items:
                key = _key(item)
                if _repeats(key, seen):
                    continue
                seen.append(key)
                points.append(f"- {item} [{index + 1}]")
        for score, index, sentence in ranked[1:]:
            if len(points) >= self.max_points or score < 0.6 * lead_score:
                break
            key = _key(sentence)
            if _repeats(key, seen):
                continue
            seen.append(key)
            points.append(f"- {BULLET.sub('', sentence)} [{index + 1}]")
        if points:
            yield "\n\n" + "\n".join(points)


def _lists(text: str) -> list[list[str]]:
    """The bulleted lists of a passage (two items or more), items without their bullets."""
    runs: list[list[str]] = [[]]
    for unit in passage_units(text):
        if BULLET.match(unit):
            runs[-1].append(BULLET.sub("", unit))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if len(run) >= 2]


def _key(sentence: str) -> frozenset[str]:
    return frozenset(tokenize(sentence))


def _repeats(key: frozenset[str], seen: Sequence[frozenset[str]]) -> bool:
    """Most of the sentence's words are in one already shown: it would say it again."""
    return any(len(key & k) >= 0.6 * min(len(key), len(k)) for k in seen)


def _named(rows: Sequence[tuple[int, str]], question: str) -> list[tuple[int, str]]:
    """The rows the question names by their first column ("the Involve level"); marks in
    that column such as "(0)" or "(+)" are not part of the name."""
    asked = set(tokenize(question))
    return [r for r in rows if (key := _name_words(record_key(r[1]))) and key <= asked]


def _name_words(key: str) -> set[str]:
    return {t for t in tokenize(key) if not t.replace(".", "").isdigit()}


def _row_points(rows: Sequence[tuple[int, str]]) -> str:
    """Table rows as the answer's points, each with its marker."""
    return "\n\n" + "\n".join(f"- {row} [{index + 1}]" for index, row in rows)


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
        from langchain_core.messages import HumanMessage, SystemMessage

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
