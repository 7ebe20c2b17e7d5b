"""Checking an answer against the passages it cites.

Every ``[n]`` marker must name a supplied passage; every sentence must be
supported by the passages it cites (its content words and every figure it
states appear there). Invented markers are dropped, unsupported sentences are
removed, and each surviving marker gets a verbatim quote from its passage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.ask.answer import Citation
from assistant.ask.retrieval import Hit
from assistant.documents.chunking import split_sentences
from assistant.library.keyword_index import tokenize
from assistant.library.passages import BULLET, passage_sentences

MARKER = re.compile(r"\[(\d{1,2})\]")
_NUMBER = re.compile(r"£?\d[\d,.]*(?:%|bn|m|k)?")
_WORDS = re.compile(r"[\w£%]+(?:[.,'’][\w]+)*")
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


def best_quote(point: str, passage: str, parts: Sequence[str] = ()) -> str:
    """What of the passage a point of the answer uses (verbatim): the stretch of passage
    sentences the point repeats word for word (else the longest such sentence), when what
    it repeats is at least half of what it says; else the sentence sharing most of its
    words. ``point`` is all the point says up to its marker, so a point that introduces a
    list is quoted with its list, not by whichever sentence best matches the list's last
    item; a paraphrase is never quoted by a short list item it happens to contain. A
    stretch never crosses from one of ``parts`` (the chunks a merged passage is made of)
    into the next: a quote is cited to one chunk."""
    candidates = passage_sentences(passage) or [passage]
    said = _flat(point)
    used = [s for s in candidates if _repeats(said, s)]
    stretches = []
    for part in parts or [passage]:
        found = [(at, s) for s in used if (at := part.find(s)) >= 0]
        if len(found) > 1:
            stretch = part[min(a for a, _ in found) : max(a + len(s) for a, s in found)]
            if _repeats(said, stretch):
                stretches.append(stretch.strip())
    best = max(stretches or used or [""], key=lambda s: len(_flat(s).split()))
    if 2 * len(_flat(best).split()) >= len(said.split()):
        return _unbulleted(best)
    words = set(tokenize(point))
    return _unbulleted(max(candidates, key=lambda s: len(words & set(tokenize(s)))))


def _repeats(said: str, text: str) -> bool:
    """``said`` (flattened) holds all of ``text`` word for word, at word boundaries."""
    words = _flat(text)
    return len(words.split()) >= 2 and f" {words} " in f" {said} "


def _unbulleted(quote: str) -> str:
    """A quote without the list marker it starts with ("- Employment: …" reads as a
    fragment); what is left is still verbatim in the passage."""
    return BULLET.sub("", quote, count=1)


def _flat(text: str) -> str:
    """Words only, lower-cased: an answer's list markers and spacing do not hide a quote."""
    return " ".join(_WORDS.findall(BULLET.sub("", text).lower()))


def check_answer(text: str, hits: list[Hit]) -> CheckedAnswer:
    """Verify markers and support; give each (passage, quote) its own marker, in order."""
    dropped: list[int] = []
    removed: list[str] = []
    kept: list[str] = []
    cited: dict[tuple[int, str], int] = {}  # (hit marker, quote) -> new marker

    def renumber(sentence: str, valid: list[int], point: str) -> str:
        def swap(match: re.Match[str]) -> str:
            old = int(match.group(1))
            if old not in valid:
                return ""
            hit = hits[old - 1]
            key = (old, best_quote(point, hit.text, [c.text for c in hit.chunks]))
            cited.setdefault(key, len(cited) + 1)
            return f"[{cited[key]}]"

        return MARKER.sub(swap, sentence)

    for line in text.splitlines() or [text]:
        kept_line: list[str] = []
        point: list[str] = []  # what this line has said since its last marker
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
            point.append(clean)
            kept_line.append(renumber(sentence, valid, " ".join(point)) if own else sentence)
            if own:
                point = []
        if kept_line:
            kept.append(" ".join(kept_line))
    citations = [
        Citation.from_hit(marker, hits[old - 1], quote) for (old, quote), marker in cited.items()
    ]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return CheckedAnswer(body, citations, removed, sorted(set(dropped)))
