"""Checking an answer against the passages it cites.

Every ``[n]`` marker must name a supplied passage; every sentence must be
supported by the passages it cites (its content words and every figure it
states appear there). Invented markers are dropped, unsupported sentences are
removed, and each surviving marker gets a verbatim quote from its passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.ask.answer import Citation
from assistant.ask.retrieval import Hit
from assistant.documents.chunking import split_sentences
from assistant.library.keyword_index import tokenize
from assistant.library.passages import passage_sentences

MARKER = re.compile(r"\[(\d{1,2})\]")
_NUMBER = re.compile(r"£?\d[\d,.]*(?:%|bn|m|k)?")
SUPPORT_THRESHOLD = 0.6


@dataclass
class CheckedAnswer:
    text: str
    citations: list[Citation]
    removed_sentences: list[str] = field(default_factory=list)
    dropped_markers: list[int] = field(default_factory=list)


def support(sentence: str, passage: str) -> float:
    """Share of the sentence's content words found in the passage (0 if a figure is not)."""
    words = set(tokenize(MARKER.sub("", sentence)))
    if not words:
        return 1.0
    for number in _NUMBER.findall(sentence):
        if number.strip(".,") and number.strip(".,") not in passage:
            return 0.0
    passage_words = set(tokenize(passage))
    return len(words & passage_words) / len(words)


def best_quote(sentence: str, passage: str) -> str:
    """The passage sentence closest to the answer sentence (verbatim)."""
    candidates = passage_sentences(passage) or [passage]
    words = set(tokenize(sentence))
    return max(candidates, key=lambda s: len(words & set(tokenize(s))))


def check_answer(text: str, hits: list[Hit]) -> CheckedAnswer:
    """Verify markers and support; give each (passage, quote) its own marker, in order."""
    dropped: list[int] = []
    removed: list[str] = []
    kept: list[str] = []
    cited: dict[tuple[int, str], int] = {}  # (hit marker, quote) -> new marker

    def renumber(sentence: str, valid: list[int], clean: str) -> str:
        def swap(match: re.Match[str]) -> str:
            old = int(match.group(1))
            if old not in valid:
                return ""
            key = (old, best_quote(clean, hits[old - 1].text))
            cited.setdefault(key, len(cited) + 1)
            return f"[{cited[key]}]"

        return MARKER.sub(swap, sentence)

    for line in text.splitlines() or [text]:
        kept_line: list[str] = []
        sentences = split_sentences(line) if line.strip() else [line]
        for n, sentence in enumerate(sentences):
            markers = [int(m) for m in MARKER.findall(sentence)]
            if not markers:  # a sentence borrows the markers that close its paragraph
                later = (MARKER.findall(s) for s in sentences[n + 1 :])
                markers = [int(m) for m in next((found for found in later if found), [])]
            valid = [m for m in markers if 1 <= m <= len(hits)]
            dropped.extend(m for m in markers if m not in valid)
            clean = MARKER.sub("", sentence).strip()
            if not clean or not any(ch.isalnum() for ch in clean):
                kept_line.append(sentence)
                continue
            support_text = " ".join(hits[m - 1].text for m in valid)
            if not valid or support(clean, support_text) < SUPPORT_THRESHOLD:
                removed.append(clean)
                continue
            own = MARKER.search(sentence) is not None
            kept_line.append(renumber(sentence, valid, clean) if own else sentence)
        if kept_line:
            kept.append(" ".join(kept_line))
    citations = [
        Citation.from_hit(marker, hits[old - 1], quote) for (old, quote), marker in cited.items()
    ]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return CheckedAnswer(body, citations, removed, sorted(set(dropped)))
