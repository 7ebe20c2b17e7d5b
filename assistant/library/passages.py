"""The units a guidance passage splits into: sentences, short list items, table rows.

These are the units an answer is built from and the sentence vectors are kept for
(``sentence_vectors``): ingest embeds them for the whole library, and the ask stage
(``assistant.ask.sentences``) scores and shows them, so both split text the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from assistant.documents.chunking import split_sentences

BULLET = re.compile(r"^\s*[-•*]\s+")
# A table record as the parsers render it: "Label — Header: cell; Header: cell".
_RECORD = re.compile(r"^[^:;]{1,80} — [^:]{1,60}: ")


def is_record(line: str) -> bool:
    """A table row, read with its column headers (kept whole: it is one statement)."""
    return bool(_RECORD.match(line.strip()))


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
