"""Does the library answer this question, or only share its words?

A near-miss question ("Who chairs the Analytical Panel?", "Which LEPs has DCMS
been talking to?") retrieves the right passage but that passage does not hold
what is asked for. ``answerability_features`` measures, for the question and
the best sentences of the retrieved passages:

- how close the passages and their best sentence are in meaning (dense, sentence);
- how much of the question's own vocabulary the library never uses, and how much
  of the rest the best sentences leave out (novel, uncovered);
- names in the question that no candidate passage mentions;
- whether the question asks for a kind of answer (a figure, a date, a person, a
  list of named things, a procedure) that none of the best sentences supplies;
- whether it asks about a chapter or section the library only refers to;
- whether the best sentence is only a pointer (a footnote, caption or "see …").

A logistic model (``AnswerabilityModel``, fitted by ``evals/fit_answerability.py``
on the tuning question sets only and stored in ``prompts/answerability.json``)
weighs them into one probability; below the floor LISA refuses and names the
closest thing the guidance does say.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, model_validator

from assistant.ask.asks import ASK_WORDS, asks_for, spells_out, supplies
from assistant.ask.condense import own_words
from assistant.documents.chunking import Chunk
from assistant.errors import LisaError
from assistant.library.keyword_index import KeywordIndex, tokenize
from assistant.library.lexicon import LibraryLexicon, topic_words, words
from assistant.library.passages import BULLET, passage_units, with_context

FEATURES = (
    "dense_top",
    "sentence_top",
    "novel_share",
    "novel_terms",
    "uncovered_share",
    "unmatched_name",
    "ask_gap",
    "absent_reference",
    "pointer_only",
)
BEST_UNITS = 3
log = logging.getLogger("lisa.answerability")

# Capitalised names in a question ("Shared Prosperity Fund", "Scotland"): the first word of
# the question and a few ubiquitous acronyms do not count.
_NAME = re.compile(
    r"(?<!^)(?<![.?!]\s)\b[A-Z][\w'’&-]*(?:\s+(?:of\s+|and\s+|for\s+)?[A-Z][\w'’&-]*)*"
)
_COMMON_NAMES = frozenset(
    {"I", "I'LL", "I'M", "I'VE", "I'D", "LEP", "LEPS", "LIS", "LISS", "UK", "DCMS", "OK"}
)
# A name the asker gives as their own ("our Mayoral Combined Authority", "my Pro-Vice-
# Chancellor") is context for the question, not what it asks about.
_OWN = re.compile(r"\b(?:our|my)\s+$", re.IGNORECASE)
_JOINERS = frozenset({"of", "and", "for"})
# Words that frame a question rather than name its topic.
_FRAMING = frozenset(
    (
        "according explain describe mention mentioned meant mean means exactly actually "
        "know list give example examples recommend suggest talk walk detail details "
        "document doc text part section chapter connected growth manual guidance say says "
        "tell pls please thanks question want wants need needs like just really"
    ).split()
)

# Forms of "do" the stop-word list lacks: counted among a question's words (the model was
# fitted so), never named to the officer as something the guidance does not discuss.
_AUXILIARIES = frozenset({"does", "did", "doing"})

_WHERE = re.compile(r"\bwhere\b.{0,40}\b(find|look|read|detail|details|information)\b", re.I)
_REFERENCE = re.compile(
    r"\b(?:the\s+)?((?:[\w-]+\s+){1,4}?)(section|chapter|annex|appendix)\b|"
    r"\b(part|chapter|annex|section)\s+(\d+|[ivx]+|two|three|four)\b",
    re.IGNORECASE,
)
_NAMED_AFTER = re.compile(
    r"\s+(?:on|about|called|titled|entitled|headed)\s+((?:[\w'’-]+\s*){1,4})", re.IGNORECASE
)
# A sentence that only points elsewhere: "Please see …", "As set out in Part 2, …".
_POINTER = re.compile(
    r"\b(please\s+see|see\s+the|set\s+out\s+in\s+part|part\s+\d\s+(of\s+this\s+manual\s+)?"
    r"provides?|further\s+guidance\s+can\s+be\s+found|provide\s+details\s+of)\b",
    re.IGNORECASE,
)


class AnswerabilityError(LisaError, ValueError):
    """The answerability model file is missing or does not match FEATURES."""


class AnswerabilityModel(BaseModel):
    """Logistic weights over FEATURES and the question's own vector.

    The vector part learns which kinds of question the guidance tends not to answer
    (it is fitted for one embedding model, named in ``embedding_model``, and left out
    with a warning when LISA runs another).
    """

    weights: dict[str, float] = Field(description="One weight per feature in FEATURES.")
    bias: float = Field(description="The logistic intercept.")
    question_weights: list[float] = Field(
        default_factory=list,
        description="Weights on the question's embedding (empty: not used).",
    )
    embedding_model: str = Field(
        default="", description="The embedding model the question weights were fitted for."
    )
    question_cap: float = Field(
        default=1.0,
        gt=0,
        description="Most the question's wording may move the log-odds either way: it "
        "nudges, the named signals decide (an off-topic question cannot be talked into scope).",
    )
    notes: str = Field(default="", description="How, when and on what it was fitted.")

    @model_validator(mode="after")
    def _one_weight_per_feature(self) -> AnswerabilityModel:
        if set(self.weights) != set(FEATURES):
            raise ValueError(
                f"weights must be exactly {list(FEATURES)}; got {sorted(self.weights)}: "
                "re-run `python -m evals.fit_answerability`"
            )
        if self.question_weights and not self.embedding_model:
            raise ValueError("question_weights need the embedding_model they were fitted for")
        return self

    def for_embeddings(self, name: str) -> AnswerabilityModel:
        """This model as it applies with embedding model ``name``."""
        if not self.question_weights or name == self.embedding_model:
            return self
        log.warning(
            "the answerability model's question weights were fitted for %s, not %s: they are "
            "not used (re-run `python -m evals.fit_answerability`)",
            self.embedding_model,
            name,
        )
        return self.model_copy(update={"question_weights": []})

    def probability(self, features: dict[str, float], vector: Sequence[float] = ()) -> float:
        row = [features[f] for f in FEATURES]
        if self.question_weights and len(vector) == len(self.question_weights):
            row += list(vector)
        return float(self.probabilities([row])[0])

    def probabilities(self, rows: Any) -> Any:  # rows: a matrix or a list of lists
        """P(answerable) for each row: the FEATURES in order, then (optionally) the
        question's vector, whose part of the log-odds is clipped to ±question_cap."""
        import numpy as np

        x = np.asarray(rows, dtype=np.float64).reshape(len(rows), -1)
        named = len(FEATURES)
        z = self.bias + x[:, :named] @ np.asarray([self.weights[f] for f in FEATURES])
        if self.question_weights and x.shape[1] == named + len(self.question_weights):
            nudge = x[:, named:] @ np.asarray(self.question_weights)
            z = z + np.clip(nudge, -self.question_cap, self.question_cap)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))


def load_answerability_model(path: Path) -> AnswerabilityModel:
    try:
        return AnswerabilityModel.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise AnswerabilityError(
            f"the answerability model {path} is missing: run `python -m evals.fit_answerability`"
        ) from exc
    except ValueError as exc:
        raise AnswerabilityError(f"the answerability model {path} is not valid: {exc}") from exc


@dataclass(frozen=True)
class Unit:
    """One candidate answer sentence (with the context it needs) from a passage."""

    text: str
    cosine: float
    passage: int  # index of the passage among the hits
    chunk: Chunk

    @property
    def is_pointer(self) -> bool:
        return self.chunk.kind == "notes" or _points_elsewhere(self.text)


@lru_cache(maxsize=16384)
def _points_elsewhere(text: str) -> bool:
    """The sentence sends the reader elsewhere ("see …"); asked of each library sentence
    several times an ask, so remembered."""
    return bool(_POINTER.search(text))


def candidate_units(
    passages: Sequence[tuple[Chunk, str]], max_passages: int = 3
) -> list[tuple[int, Chunk, str, str]]:
    """(passage index, chunk, scored unit, unit with context) for the top passages."""
    out: list[tuple[int, Chunk, str, str]] = []
    for index, (chunk, text) in enumerate(passages[:max_passages]):
        units = passage_units(text)
        for order, unit in enumerate(units):
            shown = with_context(units, order)
            if shown and len(set(tokenize(unit))) >= 3:
                out.append((index, chunk, unit, shown))
    return out


@lru_cache(maxsize=1)
def _framing_terms() -> frozenset[str]:
    return frozenset(tokenize(" ".join(_FRAMING)))


def content_terms(question: str) -> set[str]:
    """The question's keyword-index terms, less the words that frame a question."""
    return set(tokenize(question)) - _framing_terms()


def ask_gap(question: str, units: Sequence[Unit]) -> float:
    """1.0 when the question asks for a kind of answer none of the best sentences supplies."""
    kinds = asks_for(question)
    if not kinds:
        return 0.0
    texts = [BULLET.sub("", u.text) for u in units]
    # a figure or a date must be in one of the two closest sentences, what another document
    # says in the closest, other kinds in any
    missing = []
    for kind in kinds:
        near = (
            texts[:2] if kind in ("figure", "date") else texts[:1] if kind == "document" else texts
        )
        if not any(supplies(kind, question, text) for text in near):
            missing.append(kind)
    return 1.0 if missing else 0.0


def absent_reference(question: str, headings: Sequence[str], keywords: KeywordIndex) -> float:
    """1.0 when the question asks about a section, chapter or part the library does not hold."""
    held = [set(tokenize(h)) for h in headings]
    for match in _REFERENCE.finditer(question):
        if match.group(3):  # "Part 2", "chapter 4": held only if a heading says so
            label = f"{match.group(3)} {match.group(4)}".lower()
            if not any(label in h.lower() for h in headings):
                return 1.0
            continue
        words = set(tokenize(_section_name(question, match))) - _FRAMING
        if words and not any(words <= h for h in held):
            return 1.0
    return 0.0


def _section_name(question: str, match: re.Match[str]) -> str:
    """The words naming a section: those just before "section" ("the digital skills
    section"), unless a preposition ends them ("the table in the section on involving
    local people"), when the name is what follows "section on/about/called"."""
    before = re.split(r"\b(?:in|of|from|under|within|at|to|into|on|by)\b", match.group(1) or "")
    if set(tokenize(before[-1])) - _FRAMING:
        return before[-1]
    after = _NAMED_AFTER.match(question, match.end())
    return after.group(1) if after else ""


def unmatched_name(question: str, candidates: Sequence[Chunk]) -> float:
    """1.0 when the question names something no candidate passage mentions.

    A one-word name must appear in a candidate passage; the words of a longer
    name must all appear in one sentence ("Social Value Act" matches "The
    Public Services (Social Value) Act 2012").
    """
    original = " ".join(c.embedding_text() for c in candidates)
    text = original.lower()
    sentences: list[set[str]] = []  # split only when a name of several words is asked about
    for match in _NAME.finditer(question):
        if _OWN.search(question[: match.start()]):
            continue
        # "Inform and Consult" names two things: each is looked for on its own
        for part in re.split(r"\s+and\s+", match.group(0)):
            words = [_bare(w) for w in part.split()]
            words = [w for w in words if w and w.upper() not in _COMMON_NAMES and w not in _JOINERS]
            if not words:
                continue
            if len(words) == 1:
                found = re.search(rf"\b{re.escape(words[0])}", text) is not None
                # an abbreviation is found where the library spells it out ("AI")
                found = found or (part.isupper() and spells_out(part.strip("'’-"), original))
            else:
                sentences = sentences or [
                    {_bare(w) for w in re.findall(r"[\w'’&-]+", s)}
                    for s in re.split(r"(?<=[.!?;])\s+|\n", text)
                ]
                found = any(all(w in sentence for w in words) for sentence in sentences)
            if not found:
                return 1.0
    return 0.0


def _bare(word: str) -> str:
    """A word without edge punctuation or a possessive: "England's" and "England" match."""
    return word.strip("'’-").lower().removesuffix("'s").removesuffix("’s")


_ASKING_SENTENCE = re.compile(
    r"\?\s*$|^\W*(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|does|do|"
    r"did|can|could|should|would|will|must|may|has|have|tell|give|list|name|explain|describe|"
    r"define|summarise|summarize|walk)\b",
    re.IGNORECASE,
)


def asking_part(question: str) -> str:
    """The sentences of a question that ask (a question mark, a question word or an order),
    without the officer's context around them ("Our village is about 300 souls.", "We
    export a great deal; …"); the
    whole question when no sentence is recognisably the asking one."""
    parts = [p for p in re.split(r"(?<=[.!?;])\s+", question.strip()) if p]
    asking = [p for p in parts if _ASKING_SENTENCE.search(p)]
    return " ".join(asking) if asking and len(asking) < len(parts) else question


def answerability_features(
    question: str,
    dense_top: float,
    units: Sequence[Unit],
    candidates: Sequence[Chunk],
    keywords: KeywordIndex,
    headings: Sequence[str],
    lexicon: LibraryLexicon,
) -> dict[str, float]:
    """The signals the answerability model weighs (see FEATURES)."""
    asked = own_words(question)  # the phrase-level signals read what the officer wrote
    topics = topic_words(asking_part(asked), _FRAMING)
    novel = {t for t in topics if t not in lexicon}
    terms = content_terms(question) or set(tokenize(question))
    weight = {t: keywords.idf(t) for t in terms}
    total = sum(weight.values()) or 1.0
    known = {t for t in terms if t in keywords.vocabulary}
    where = bool(_WHERE.search(question))
    answers = [u for u in units if where or not u.is_pointer]
    best = sorted(answers, key=lambda u: -u.cosine)[:BEST_UNITS]
    top_pointer = max((u.cosine for u in units if u.is_pointer), default=-1.0)
    covered: set[str] = set()
    for unit in best:
        covered |= set(tokenize(unit.text))
    return {
        "dense_top": dense_top,
        "sentence_top": best[0].cosine if best else 0.0,
        "novel_share": len(novel) / max(1, len(topics)),
        "novel_terms": float(min(3, len(novel))),
        "uncovered_share": sum(weight[t] for t in known - covered) / total,
        "unmatched_name": unmatched_name(asked, candidates),
        "ask_gap": ask_gap(asked, best),
        "absent_reference": absent_reference(asked, headings, keywords),
        # the closest sentence only points elsewhere and no real sentence comes near it
        "pointer_only": 1.0 if top_pointer > (best[0].cosine if best else -1.0) + 0.1 else 0.0,
    }


def explain(question: str, features: dict[str, float], lexicon: LibraryLexicon) -> str:
    """Why the question was judged unanswered, in plain words (the strongest signal first)."""
    if features["absent_reference"]:
        return "it asks about a part of the guidance that is referred to but is not in the library"
    if features["unmatched_name"]:
        return "it names something the guidance in the library never mentions"
    if features["ask_gap"]:
        if asks_for(question) == ["document"]:
            return "it asks what another document says, and the guidance only refers to it"
        kinds = [ASK_WORDS[k] for k in asks_for(question)]
        return f"it asks for {' or '.join(kinds)}, and the guidance does not give one"
    novel = sorted(
        w
        for w in words(question)
        if w not in _AUXILIARIES and topic_words(w, _FRAMING) - lexicon.stems
    )
    if novel:
        shown = ", ".join(f"“{w}”" for w in novel[:3])
        return f"the guidance never discusses {shown}"
    return "no passage of the guidance answers it closely enough"
