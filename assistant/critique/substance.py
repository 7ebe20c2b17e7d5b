"""How concrete a draft sentence is: substance counts, not keywords.

``measure(sentence, language)`` finds the markers of real content — figures
(numbers, %, £), dates and years, named organisations and sources
(capitalised multi-word names, specific acronyms), and concrete actions
("will open", "recruited") — and the markers of empty content: vague promises
("we will monitor progress", "we hope") and bare lists of buzzwords. The
result's ``score`` is 0 for a slogan and approaches 1 for a sentence dense
with specifics. Principle-specific terms (methods, instruments) are counted
by ``concrete_hits`` so the same sentence can be strong for one principle and
weak for another.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.critique.rubric import Language

# List bullets, "(a)", "3." and paragraph numbers such as "2.1 " before a capital
# (not the decimal in "1.6 million").
_ENUMERATOR = re.compile(
    r"^\s*(?:[-*•▪·>]+\s*|\(?[a-zA-Z]{1,2}\)\s+|\(?\d{1,2}[.)]\s+|\d+(?:\.\d+)+\s+(?=[A-Z]))+"
)
_MONEY = re.compile(r"£\s?\d[\d,]*(?:\.\d+)?\s?(?:bn|m|k|million|billion)?\b", re.IGNORECASE)
_PERCENT = re.compile(r"\b\d[\d,]*(?:\.\d+)?\s?(?:%|per\s?cent\b|percentage\s+points?\b)")
_NUMBER = re.compile(
    r"(?<![\w£.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w%])|(?<![\w£.])\d+(?:\.\d+)?(?![\w%])"
)
_YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-4]\d)(?:[/–-]\d{2,4})?\b")
_MONTH = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|spring|summer|autumn|winter)\s+(?:19|20)\d\d\b",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"\b(?:part|chapter|section|priority|mission|theme|annex|appendix|table|figure|item|"
    r"paragraph|page|version|step|stage|round|level|phase|tier|ambition|objective|goal|"
    r"principle|pillar|thread|outcome|action|recommendation)\s+\d+(?:\.\d+)*\b",
    re.IGNORECASE,
)
_NUMBER_WORD = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|hundred|hundreds|thousand|thousands|dozen|half|third|quarter)\b",
    re.IGNORECASE,
)
_CAPWORD = r"(?:[A-Z][\w'’&.-]*|[A-Z]{2,}\w*)"
_NAME = re.compile(_CAPWORD + r"(?:\s+(?:(?:of|for|the|on|upon|in|&|de)\s+)?" + _CAPWORD + r")+")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]{1,6}s?\b")
_SENTENCE_START_WORDS = frozenset(
    """The A An Our This These That Those Each Every All We It Its Their They Its In On At By
    For From With Under Over To Of And But Or If When Where While As Only More Most Some
    Many Most Both Why How What Who Crucially Instead However Finally First Second Third
    Together Alongside Against Across Beyond Between""".split()
)
_GENERIC_NAME_WORDS = frozenset(
    """Local Industrial Strategy Strategies Enterprise Partnership Partnerships Government
    Government's National Nationally Our The Vision Priority Priorities Ambition Ambitions
    Theme Themes Mission Missions Chapter Part Section Annex Appendix Table Figure Board LEP
    LIS Council Councils Plan Economic Economy Growth Draft Summary Introduction Purpose
    Opportunities Challenges Evidence Partners Digital Places Place People Ideas
    Infrastructure Monitoring Evaluation Next Steps Key Golden Thread Threads We
    Every All Principle Commitment Commitments Delivery Business Businesses Environment""".split()
)
_ACTION = re.compile(
    r"(?<![\w-])(?:held|ran|run|set\s+up|established|recruited|commissioned|convened|hosted|published|"
    r"adopted|agreed|signed|appointed|opened|launched|delegated|allocated|funded|trained|"
    r"surveyed|selected|met|visited|heard|voted|produced|reviewed|classified|tested|analysed|"
    r"mapped|ranked|completed|delivered|created|built|invested|will\s+(?:open|create|deliver|"
    r"run|host|offer|fund|train|provide|launch|publish|commission|expand|lead|extend|raise|"
    r"reduce|build|invest|recruit|appoint|adopt|apply|ring-fence|guarantee|establish|"
    r"introduce|cut|double|halve|triple|set\s+up|meet|report|allocate|commit|target|"
    r"submit|site|place))\b",
    re.IGNORECASE,
)
_LIST_SPLIT = re.compile(r"\s*(?:,|;|·|•|\||—|–|\band\b|\bor\b|/)\s*")
_VERBISH = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|will|would|can|could|should|must|may|"
    r"\w+ed|\w+ing)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Substance:
    """Concreteness markers of one sentence and the resulting score (0-1)."""

    figures: float
    dates: int
    names: int
    actions: int
    vague: bool
    listy: bool
    words: int

    @property
    def points(self) -> float:
        return (
            min(self.figures, 3.0)
            + 0.5 * min(self.dates, 2)
            + 0.5 * min(self.names, 2)
            + 0.5 * min(self.actions, 2)
        )

    def score(self, concrete_terms: int = 0) -> float:
        """Concreteness in [0, 1]; vague promises and buzzword lists are discounted.

        ``concrete_terms`` counts the principle's own concrete terms in the sentence
        (each worth as much as a figure).
        """
        raw = 1.0 - math.exp(-(self.points + min(concrete_terms, 3)) / 2.5)
        if self.vague:
            raw *= 0.35
        if self.listy:
            raw *= 0.2
        if self.words < 5:
            raw *= 0.5
        return raw


def strip_enumerator(text: str) -> str:
    """Drop list bullets and paragraph numbers ("- ", "(a) ", "2.1 ") from the front."""
    return _ENUMERATOR.sub("", text, count=1).strip()


def _strip_parentheses(text: str) -> str:
    return re.sub(r"\([^()]*\)", " ", text)


def count_names(text: str, generic_acronyms: Sequence[str] = ()) -> int:
    """Named organisations, places, programmes and sources in a sentence."""
    found: set[str] = set()
    for match in _NAME.finditer(text):
        words = [w for w in re.split(r"\s+", match.group()) if w[:1].isupper()]
        while words and words[0] in _SENTENCE_START_WORDS:
            words = words[1:]
        if len(words) >= 2 and any(w.strip("'’s.") not in _GENERIC_NAME_WORDS for w in words):
            found.add(" ".join(words))
    generic = {a.upper() for a in generic_acronyms}
    for match in _ACRONYM.finditer(text):
        token = match.group()
        if token.rstrip("s").upper() not in generic and not any(token in n for n in found):
            found.add(token)
    return len(found)


def count_figures(text: str) -> float:
    """Numbers that carry information: money and percentages count double."""
    body = _REFERENCE.sub(" ", _YEAR.sub(" ", text))
    money = len(_MONEY.findall(body))
    percent = len(_PERCENT.findall(body))
    plain = len(_NUMBER.findall(_PERCENT.sub(" ", _MONEY.sub(" ", body))))
    words = len(_NUMBER_WORD.findall(body))
    return 2.0 * money + 2.0 * percent + plain + 0.5 * words


def count_dates(text: str) -> int:
    return len(_YEAR.findall(text)) + len(_MONTH.findall(text))


def is_listy(text: str) -> bool:
    """A bare list of short noun phrases: buzzwords, not statements."""
    items = [i for i in _LIST_SPLIT.split(text) if i.strip()]
    if len(items) < 4:
        return False
    short = [i for i in items if len(i.split()) <= 3 and not _VERBISH.search(i)]
    return len(short) >= 4 and len(short) >= 0.6 * len(items)


class VagueMatcher:
    """The rubric's vague-promise patterns, compiled once."""

    def __init__(self, language: Language) -> None:
        self._patterns = [re.compile(p, re.IGNORECASE) for p in language.vague]
        self.generic_acronyms = language.generic_acronyms

    def __call__(self, text: str) -> bool:
        return any(p.search(text) for p in self._patterns)


def measure(sentence: str, vague: VagueMatcher) -> Substance:
    """Concreteness markers of one sentence."""
    text = strip_enumerator(sentence)
    return Substance(
        figures=count_figures(text),
        dates=count_dates(text),
        names=count_names(text, vague.generic_acronyms),
        actions=len(_ACTION.findall(text)),
        vague=vague(text),
        listy=is_listy(_strip_parentheses(text)),
        words=len(text.split()),
    )


class TermSet:
    """Vocabulary phrases compiled once, screened by a cheap substring test first."""

    def __init__(self, terms: Sequence[str]) -> None:
        self.patterns = compile_terms(terms)
        self._keys = [re.split(r"[\s-]+", t.strip().lower())[0] for t in terms]

    def count(self, text: str) -> int:
        """How many distinct terms occur in ``text``."""
        low = text.lower()
        return sum(
            1
            for key, pattern in zip(self._keys, self.patterns, strict=True)
            if key in low and pattern.search(text)
        )


def compile_terms(terms: Sequence[str]) -> list[re.Pattern[str]]:
    """Whole-word patterns for vocabulary phrases (a final "s" or "es" is optional).

    A term written with a capital letter ("ONS", "Ideas") must match its case, so a
    proper name is not found in ordinary words; a lower-case term matches any case.
    """
    out = []
    for term in terms:
        escaped = re.escape(term).replace(r"\ ", r"[\s-]+")
        plural = "(?:s|es)?" if term[-1:].isalpha() else ""
        flags = 0 if any(c.isupper() for c in term) else re.IGNORECASE
        out.append(re.compile(rf"(?<![\w-]){escaped}{plural}(?![\w-])", flags))
    return out
