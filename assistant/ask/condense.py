"""Condensing: turn a follow-up into a question that stands on its own.

``Condenser`` is the one interface; ``HeuristicCondenser`` needs no model and
``ChatModelCondenser`` asks the configured chat model. The chain, the CLI chat
and the draft chat all condense through here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from assistant.ask.prompts import PromptSet
from assistant.library.lexicon import stem, topic_words, words

if TYPE_CHECKING:  # LangChain's model classes load only when a chat model is configured
    from langchain_core.language_models import BaseChatModel

Message = dict[str, str]  # {"role": "user" | "assistant", "content": "..."}
# A follow-up that leans on the previous turn: "and for rural areas?", "what about …".
_CONTINUES = re.compile(
    r"^\s*(and|also|but|so|ok(ay)?|then|what\s+about|how\s+about|what\s+if|same\s+(for|with)|"
    r"in\s+that\s+case|and\s+for|for\s+(rural|urban)|in\s+(rural|urban))\b",
    re.IGNORECASE,
)
# Personal pronouns always refer to something: unless the question itself supplies it,
# that is the previous turn ("what sort of problems is it tackling?").
_PRONOUNS = r"it|its|they|them|their|these|those|he|she"
_PRONOUN = re.compile(rf"\b({_PRONOUNS})\b", re.IGNORECASE)
# A pronoun in a later clause whose antecedent the question itself names first: "Who agrees
# a LIS once it's developed?", "What is the panel and who sits on it?", "If the plan is late,
# who signs it off?". The clause before the pronoun holds a noun phrase (an article or a
# possessive, then topic words) that agrees with it in number; the boundary is a
# subordinating conjunction, or "and"/"but"/a comma starting a new clause.
_CLAUSE_BOUNDARY = re.compile(
    r"\b(?:once|when|whenever|after|before|until|unless|if|while|as\s+soon\s+as)\b|"
    r"(?:\b(?:and|but)\b|,)(?=\s*(?:what|which|who|whom|how|why|when|where|is|are|does|do|can|"
    rf"should|must|will|{_PRONOUNS})\b)",
    re.IGNORECASE,
)
_NOUN_PHRASE = re.compile(r"\b(?:a|an|the|our|my|your)\s+((?:[\w'’-]+\s*){1,3})", re.IGNORECASE)
_PLURAL_PRONOUNS = frozenset("they them their these those".split())
_SINGULAR_PRONOUNS = frozenset("it its".split())
# Words that point back to something said before, pronouns among them ("who says so?").
_POINTS_BACK = re.compile(
    rf"\b({_PRONOUNS}|this|that|there|one|ones|the\s+same|"
    r"the\s+(former|latter|last\s+one|next\s+one|previous\s+one)|"
    r"(?:says?|said|think|thinks|thought|do|does|did)\s+so)\b",
    re.IGNORECASE,
)
# Nouns that need something to be about: "source?", "examples?", "the deadline?" asked on
# their own are about the last thing said.
_RELATIONAL = frozenset(
    (
        "source sources origin reference references example examples date year deadline cost "
        "costs budget author owner definition meaning evidence detail details link figure "
        "figures number timescale timeline"
    ).split()
)
# ...except the "it" of extraposition, which refers to nothing: "what does it take to …",
# "is it possible to …", "it is worth noting that …".
_DUMMY_IT = re.compile(
    r"\b(?:does|did|do|would|will)\s+it\s+(?:take|cost|matter)\b"
    r"|(?<!\bon\s)(?<!\bin\s)(?<!\bof\s)(?<!\bfor\s)\bit\s+(?:takes?|took|costs?)\b"
    r"|\b(?:is|was|isn't|wasn't)\s+it\s+\w+\s+(?:to|that|for|if|whether)\b"
    r"|\bit(?:\s+is|\s+was|'s)\s+\w+(?:\s+\w+)?\s+(?:to|that|for|if|whether)\b",
    re.IGNORECASE,
)
# "one" standing for a thing named before: "can a company be one?", "an example of one",
# "why the rural proofing one?", "of the most ambitious one".
_ONE = re.compile(
    r"\b(be|as|of|is|are|an?|each|which|that|this|the)\s+(?:[\w'-]+\s+){0,3}?ones?\b"
    r"(?!\s+of\b)",
    re.I,
)
# A demonstrative before a noun points at something said before: "that estimate", "those
# institutions", "this table". "that" is only demonstrative after a verb or preposition
# ("where does that estimate come from?"); after a noun or a verb of saying it starts a
# clause ("the areas that are…", "says that…"), so only those positions count.
_DEMONSTRATIVE = re.compile(
    r"\b(?:this|these|those)\s+(?!is\b|are\b|was\b|were\b)[a-z]"
    r"|\b(?:is|was|are|were|of|for|about|in|on|with|from|behind|does|do|did|has|have|and)"
    r"\s+that\s+(?!is\b|are\b|was\b|were\b|the\b|an?\b|it\b|they\b|we\b|you\b)[a-z]"
    r"|\bthat\s+(?!is\b|are\b|was\b|were\b)[a-z]+\s*[?.!]*\s*$",  # "who chairs that panel?"
    re.IGNORECASE,
)
# "there" as a place named before ("why are costs higher there?"), not "is there …".
_THERE = re.compile(
    r"(?<!\bis\s)(?<!\bare\s)(?<!\bwas\s)(?<!\bwere\s)(?<!\bbe\s)\bthere\b"
    r"(?!\s+(?:is|are|was|were|be|been|any|a|an)\b)",
    re.IGNORECASE,
)
# A closing "then" carries on from the answer ("what's the Scottish equivalent then?"), and
# a closing "that" is the thing just said ("which LEPs are doing that already?").
_CLOSING = re.compile(
    r"\b(?:then|that(?:\s+(?:already|yet|now|too|either|again|exactly|specifically|then))?)"
    r"\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_QUESTION_WORD = re.compile(
    r"^\s*(?:what|which|who|whom|whose|how|why|when|where|is|are|was|were|does|do|did|can|"
    r"could|should|would|will|has|have|for|and|but|so)\b",
    re.IGNORECASE,
)
# A topic put first and then asked about: "Commissioning Academy: who runs it?",
# "Rural proofing — what's it for?". Its pronouns refer to that topic, not the last turn.
_FRONTED = re.compile(r"^\s*([^:?!.—–]{2,60}?)\s*(?::|\s[—–-]\s|—|–)\s*\S")
# Words of a question that ask rather than name a topic.
_ASKING = frozenset(
    "what which who whom whose when where why how does do did is are can could should would "
    "mean means example examples give list explain tell about".split()
)


# An explicit change of subject: "On a separate matter, …", "Right, different thing.",
# "Turning to rural areas, …", "Moving on — …". What follows stands on its own.
_NEW_SUBJECT = re.compile(
    r"^\W*(?:(?:right|ok(?:ay)?|now|and|so)\W+)?(?:(?:on|onto|to)\s+)?(?:an?\s+|another\s+)?"
    r"(?:(?:quite\s+)?(?:separate|separately|different|new|unrelated|other)\s*"
    r"(?:matter|point|thing|topic|subject|question|note|issue)?\b|separately\b|turning\s+to\b|"
    r"moving\s+on\b|changing\s+(?:the\s+)?subject\b|switching\s+to\b|"
    r"(?:a\s+)?(?:different|new|separate)\s+(?:topic|subject|question)\b)",
    re.IGNORECASE,
)


class Condenser(Protocol):
    def condense(self, question: str, history: Sequence[Message]) -> str: ...


def own_topic(question: str) -> list[str]:
    """The words of the question that name a topic (not stop words, not asking words)."""
    seen: dict[str, str] = {}
    for word in words(question):
        if word not in _ASKING and topic_words(word):
            seen.setdefault(stem(word), word)
    return list(seen.values())


def depends_on_previous(question: str) -> bool:
    """A follow-up with no topic of its own: it continues ("and for …?", "… then?"), it
    uses a personal pronoun, a demonstrative or "there" for something said before ("who is
    on its board?", "where does that estimate come from?", "why is it dearer there?"), it
    points back with too little topic of its own ("why is that?", "can a company be one?"),
    or it names no topic at all. A question that puts its topic first ("Rural proofing —
    what's it for?") stands on its own."""
    topic = own_topic(question)
    if _NEW_SUBJECT.match(question) and topic:
        return False
    if _CONTINUES.search(question) or not topic:
        return True
    if len(words(question)) <= 3 and all(w.lower() in _RELATIONAL for w in topic):
        return True  # a bare fragment asking for the source, an example, a date … of it
    if _names_its_topic_first(question):
        return False
    if _ONE.search(question) or _DEMONSTRATIVE.search(question) or _CLOSING.search(question):
        return True
    if _refers_back(_DUMMY_IT.sub(" ", question)) or _THERE.search(question):
        return True
    return bool(_POINTS_BACK.search(question)) and len(topic) < 2


def _refers_back(question: str) -> bool:
    """A personal pronoun that refers outside the question: one in the first clause, or
    one in a later clause when the clause before it names no noun phrase of the same
    number ("Who checks the evidence base before they submit it?": "they" is not the base)."""
    pronouns = list(_PRONOUN.finditer(question))
    if not pronouns:
        return False
    first = pronouns[0].start()
    boundaries = [b for b in _CLAUSE_BOUNDARY.finditer(question) if 0 < b.start() < first]
    if not boundaries:
        return True
    heads = [
        _head_noun(np.group(1)) for np in _NOUN_PHRASE.finditer(question[: boundaries[-1].start()])
    ]
    numbers = {_is_plural(head) for head in heads if head}
    for pronoun in pronouns:
        word = pronoun.group(1).lower()
        if word in _PLURAL_PRONOUNS and True not in numbers:
            return True
        if word in _SINGULAR_PRONOUNS and False not in numbers:
            return True
        if word not in _PLURAL_PRONOUNS | _SINGULAR_PRONOUNS:  # he, she: a person named before
            return True
    return False


def _head_noun(phrase: str) -> str:
    """The last of the topic words a noun phrase starts with ("harbour plan" of "harbour plan
    is late"), or "" when it starts with none."""
    head = ""
    for word in words(phrase):
        if word in _ASKING or not topic_words(word):
            break
        head = word
    return head


def _is_plural(noun: str) -> bool:
    return noun.endswith("s") and not noun.endswith(("ss", "us", "is"))


def _names_its_topic_first(question: str) -> bool:
    """ "Rural proofing — what's it for?": a topic of its own before a colon or dash, which is
    a noun phrase (no question word first) that does not itself point back ("The first of
    those — explain")."""
    fronted = _FRONTED.match(question)
    if fronted is None:
        return False
    topic = fronted.group(1)
    points_back = _DEMONSTRATIVE.search(topic) or _ONE.search(topic) or _POINTS_BACK.search(topic)
    return bool(own_topic(topic)) and not _QUESTION_WORD.match(topic) and not points_back


_CARRIED = " (about: "
# "one" picked out by words of its own: "the rural proofing one", "the digital one".
_PICKED_ONE = re.compile(r"\b(?:the|that|this)\s+((?:[\w'-]+\s+){1,3}?)ones?\b(?!\s+of\b)", re.I)


def section_words(sections: Sequence[str]) -> frozenset[str]:
    """Stems that name one section of the library: in exactly one of its headings."""
    counts: dict[str, int] = {}
    for heading in set(sections):
        for term in topic_words(heading):
            counts[term] = counts.get(term, 0) + 1
    return frozenset(term for term, n in counts.items() if n == 1)


def picks_a_section(question: str, previous: str, names: frozenset[str]) -> bool:
    """ "Why the rural proofing one?" after a list of principles: the "one" is picked out by
    a word naming one section of the library that the previous question did not name, so
    the question is about that section, not the list it was picked from."""
    before = {stem(w) for w in own_topic(previous)}
    return any(
        topic_words(picked.group(1)) & names - before for picked in _PICKED_ONE.finditer(question)
    )


def standalone(question: str, previous: str) -> str:
    """The follow-up with the previous question's topic words attached."""
    mine = {stem(w) for w in own_topic(question)}
    carried = [w for w in own_topic(previous) if stem(w) not in mine]
    return f"{question}{_CARRIED}{' '.join(carried)})" if carried else question


def own_words(question: str) -> str:
    """A condensed question without the topic words carried from the previous turn: they are
    a bag of words, not a phrase, so a phrase ("the table section", "Part 2") is read only in
    what the officer wrote."""
    head, carried, _ = question.partition(_CARRIED)
    return head if carried else question


class HeuristicCondenser:
    """Attaches the previous topic to a follow-up that has none of its own.

    A question that names its own topic is taken as it stands, however short
    ("Who signs off the LIS?"); earlier follow-ups are condensed first, so a chain
    of them carries the topic along.
    """

    def __init__(self, sections: Sequence[str] = ()) -> None:
        """``sections``: the library's section headings (see ``picks_a_section``)."""
        self.section_names = section_words(sections)

    def condense(self, question: str, history: Sequence[Message]) -> str:
        previous: str | None = None
        for message in history:
            if message.get("role") == "user":
                text = message["content"]
                previous = self._one(text, previous)
        return self._one(question, previous)

    def _one(self, question: str, previous: str | None) -> str:
        if previous is None or not depends_on_previous(question):
            return question
        if picks_a_section(question, own_words(previous), self.section_names):
            return question
        return standalone(question, previous)


class ChatModelCondenser:
    """Asks the chat model to rewrite the follow-up as a standalone question."""

    def __init__(self, model: BaseChatModel, prompts: PromptSet) -> None:
        self.model = model
        self.prompts = prompts

    def condense(self, question: str, history: Sequence[Message]) -> str:
        if not history or not depends_on_previous(question):
            return question
        from langchain_core.messages import HumanMessage

        lines = "\n".join(f"{m['role']}: {m['content']}" for m in history[-6:])
        prompt = self.prompts["condense"].format(history=lines, question=question)
        reply = self.model.invoke([HumanMessage(prompt)])
        text = reply.content if isinstance(reply.content, str) else ""
        return text.strip() or question
