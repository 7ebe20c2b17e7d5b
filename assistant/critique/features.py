"""Language features of one evidence unit: how concrete, negated, promised or listed it is.

The learned evidence judgement (``judgement``) reads these beside the sentence's
embedding. They describe the *form* of a statement — figures, dates, names,
negation, future intent, a bare list — never the topic, so they carry over from
the sentence bank to drafts written in any register.
"""

from __future__ import annotations

import math
import re

import numpy as np

_NUMBER = re.compile(r"\d")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_AMOUNT = re.compile(r"[£$€]\s?\d|\d\s?%|\b\d[\d,.]*\s?(?:m|bn|k|million|billion)\b", re.I)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+(?:of|and|for|the|&)?\s*[A-Z][a-z]+)+")
_ACRONYM = re.compile(r"\b[A-Z]{2,6}s?\b")
_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nor|nothing|without|cannot|neither|yet\s+to|has\s+yet|"
    r"have\s+yet|absent|lacks?|lacking|unable)\b|n't\b|\btbc\b|\bn/a\b",
    re.I,
)
_FUTURE = re.compile(
    r"\b(?:will|shall|would|intend|intends|aim|aims|plan\s+to|plans\s+to|propose|proposes|"
    r"hope|hopes|seek|seeks|expect|expects|going\s+to|in\s+due\s+course|in\s+future|later)\b",
    re.I,
)
_PAST = re.compile(r"\b\w+ed\b|\b(?:ran|met|held|took|made|set\s+up|began|chose|voted)\b", re.I)
_HEDGE = re.compile(
    r"\b(?:may|might|could|perhaps|possibly|potentially|consider|explore|look\s+at|"
    r"where\s+(?:possible|appropriate)|as\s+appropriate|important|key|vital|crucial)\b",
    re.I,
)
_CLAIM = re.compile(
    r"\b(?:fully|wholly|completely)\s+(?:meets?|satisf(?:y|ies)|compl(?:y|ies)|addresses|aligned)"
    r"|\b(?:meets?|satisf(?:y|ies))\s+(?:all|every|each)\b|\bcompliant\b|\bcompliance\s+with\s+"
    r"(?:all|every)\b",
    re.I,
)
_LIST_SEPARATORS = re.compile(r"\s[•·|/]\s|\s[–-]\s|,")
_VERB_HINT = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|will|shall|can|do|does|did|"
    r"\w+(?:ed|es|ing))\b",
    re.I,
)

FEATURES = (
    "has_number",
    "has_year",
    "has_amount",
    "names",
    "acronyms",
    "negation",
    "future",
    "past",
    "hedge",
    "claim",
    "bare_list",
    "list_share",
    "table_row",
    "log_words",
)


def list_share(text: str) -> float:
    """How much of the unit is a run of short list items ("digital skills, digital
    infrastructure, 5G, AI, data, cyber and tech"): the share of its items of three words or
    fewer, when it has at least five items; 0 otherwise. A verb does not make a list of
    buzzwords evidence, so unlike ``bare_list`` this ignores verbs."""
    items = [part.split() for part in _LIST_SEPARATORS.split(text)]
    items = [words for words in items if words]
    if len(items) < 5:
        return 0.0
    return sum(len(words) <= 3 for words in items) / len(items)


def features(text: str) -> list[float]:
    """The FEATURES of one unit, each in about [0, 1]."""
    words = text.split()
    n = max(len(words), 1)
    separators = len(_LIST_SEPARATORS.findall(text))
    verbs = len(_VERB_HINT.findall(text))
    return [
        float(bool(_NUMBER.search(text))),
        float(bool(_YEAR.search(text))),
        float(bool(_AMOUNT.search(text))),
        min(len(_NAME.findall(text)), 3) / 3,
        min(len(_ACRONYM.findall(text)), 3) / 3,
        float(bool(_NEGATION.search(text))),
        float(bool(_FUTURE.search(text))),
        float(bool(_PAST.search(text))),
        float(bool(_HEDGE.search(text))),
        float(bool(_CLAIM.search(text))),
        float(separators >= 2 and verbs == 0 and n / (separators + 1) <= 4),
        list_share(text),
        float(text.count(": ") >= 2 and ";" in text),
        math.log1p(n) / math.log1p(60),
    ]


def feature_matrix(texts: list[str]) -> np.ndarray:
    return np.asarray([features(t) for t in texts], dtype=np.float32).reshape(len(texts), -1)
