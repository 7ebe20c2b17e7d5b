"""The units a guidance passage splits into (sentences, short list items, table rows),
and each unit as read with what it needs to make sense: a unit that leans on the one
before ("These…", "However…") or introduces a list ("…the following:") comes with it.

These are what an answer is built from and the sentence vectors are kept for
(``sentence_vectors``): ingest embeds them for the whole library, and the ask stage
scores and shows them, so both split and read text the same way.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from assistant.documents.chunking import Chunk, split_sentences

BULLET = re.compile(r"^\s*[-•*]\s+")
# A table record as the parsers render it: "Label — Header: cell; Header: cell".
_RECORD = re.compile(r"^[^:;]{1,80} — [^:]{1,60}: ")


def is_record(line: str) -> bool:
    """A table row, read with its column headers (kept whole: it is one statement)."""
    return bool(_RECORD.match(line.strip()))


def record_key(row: str) -> str:
    """A table row's first column: what the row is about ("Involve (0) ➔" of an IAP2 row)."""
    return row.split(" — ", 1)[0] if is_record(row) else ""


def passage_sentences(text: str) -> list[str]:
    """Sentences of a passage, list items counted separately, table rows kept whole."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if is_record(line):
            out.append(line)
        elif line:
            out.extend(s.strip() for s in split_sentences(line) if s.strip())
    return out


def passage_units(text: str) -> list[str]:
    """Sentences of a passage; a short list item stays whole (its sentences belong together)."""
    return list(_units(text))


@lru_cache(maxsize=4096)
def _units(text: str) -> tuple[str, ...]:
    """Every ask splits its top passages again: each passage is split once."""
    units: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if BULLET.match(line) and len(line.split()) <= 80:
            units.append(line)
        elif line:
            units.extend(passage_sentences(line))
    return tuple(units)


def library_units(texts: Iterable[str]) -> list[str]:
    """The units of these passages, in order (repeats kept): what answers are made from."""
    return [unit for text in texts for unit in passage_units(text)]


# A sentence that leans on the one before: "These…", "For example…", "Rural areas are therefore…"
_ANAPHOR = re.compile(
    r"^(these|this|they|it|its|such|however|therefore|thus|for example|for instance|"
    r"in addition|also)\b|^(\S+\s+){1,4}(therefore|thus)\b",
    re.IGNORECASE,
)
_CONTINUES = re.compile(r"^(these|this|they|such)\s+(are|is|include|includes)\b", re.IGNORECASE)
CONTEXT_WORDS = 110


def with_context(units: Sequence[str], order: int) -> str:
    """A unit with the sentence it leans on and the list or sentence it introduces."""
    parts = [units[order]]
    if order > 0 and _ANAPHOR.match(BULLET.sub("", units[order])):
        parts.insert(0, units[order - 1])
    introduces = parts[-1].rstrip().endswith(":")
    following = order + 1
    while following < len(units):
        unit = units[following]
        if sum(len(p.split()) for p in parts) + len(unit.split()) > CONTEXT_WORDS:
            break
        if introduces and (BULLET.match(unit) or len(parts) == 1):
            parts.append(unit)
        elif len(parts) == 1 and _CONTINUES.match(BULLET.sub("", unit)):
            parts.append(unit)
            introduces = unit.rstrip().endswith(":")
        else:
            break
        following += 1
    text = " ".join(BULLET.sub("", p) for p in parts)
    return text if not introduces or len(parts) > 1 else ""


MERGED_CHUNKS = 3  # the retriever joins at most this many adjacent chunks into a passage


@lru_cache(maxsize=1)
def readings_identity() -> str:
    """What the saved sentence vectors depend on besides the library: how a passage is
    split and read. Sentence vectors saved with another are made again."""
    parts = ["readings 1", BULLET.pattern, _RECORD.pattern, _ANAPHOR.pattern, _CONTINUES.pattern]
    parts += [str(CONTEXT_WORDS), str(MERGED_CHUNKS)]
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:16]


def library_readings(texts: Iterable[str]) -> list[str]:
    """Every unit of these passages and, where it differs, the unit as read with what it
    needs (``with_context``): the texts whose vectors answers are scored by."""
    out: list[str] = []
    for text in texts:
        units = passage_units(text)
        for order, unit in enumerate(units):
            out.append(unit)
            reading = with_context(units, order)
            if reading and reading != BULLET.sub("", unit):
                out.append(reading)
    return out


def merged_texts(chunks: Sequence[Chunk], longest: int = MERGED_CHUNKS) -> list[str]:
    """Every text a retrieved passage can have: each chunk, and each run of up to
    ``longest`` adjacent chunks of one section joined as the retriever joins them (it
    merges neighbours), so a reading that crosses from one chunk into the next is known."""
    runs: dict[tuple[str, tuple[str, ...]], list[Chunk]] = {}
    for chunk in chunks:
        runs.setdefault((chunk.source, chunk.section_path), []).append(chunk)
    texts = [c.text for c in chunks]
    for group in runs.values():
        group.sort(key=lambda c: c.position)
        for start in range(len(group)):
            for end in range(start + 2, min(start + longest, len(group)) + 1):
                run = group[start:end]
                if run[-1].position - run[0].position == len(run) - 1:  # no gap
                    texts.append("\n".join(c.text for c in run))
    return texts
