"""The library's words: which stems its guidance ever uses.

A question whose topic words the library never uses ("tourism", "deadline",
"minister") is probably about something the library does not hold. Words are
compared as Snowball stems (so "agree", "agreed" and "agreeing" meet) and the
words that only frame a question ("something", "please", "actually") are left
out with scikit-learn's English stop-word list.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

_WORD = re.compile(r"[a-z][a-z0-9'’-]*[a-z0-9]|\d[\d,.]*%?")
_CONTRACTION = re.compile(r"['’](s|t|re|ve|d|ll|m)$")


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """scikit-learn's list, read from its source file: importing
    ``sklearn.feature_extraction`` pulls in scipy (about a second at every cold ask)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is not None and spec.origin:
        source = Path(spec.origin).parent / "feature_extraction" / "_stop_words.py"
        for node in ast.parse(source.read_text(encoding="utf-8")).body:
            if (
                isinstance(node, ast.Assign)
                and any(getattr(t, "id", "") == "ENGLISH_STOP_WORDS" for t in node.targets)
                and isinstance(node.value, ast.Call)
                and node.value.args
            ):
                return frozenset(ast.literal_eval(node.value.args[0]))
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # its layout changed

    return frozenset(ENGLISH_STOP_WORDS)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a word; cached, as a library repeats its words."""
    return str(_stemmer().stemWord(word.lower()))


def _parts(token: str) -> list[str]:
    """One raw token as words: possessive or contraction removed, split at hyphens."""
    word = _CONTRACTION.sub("", token).strip("'’-")
    return [part for part in word.split("-") if part]


def words(text: str) -> list[str]:
    """Lower-case words with possessives and contractions removed."""
    return [part for token in _WORD.findall(text.lower()) for part in _parts(token)]


def topic_words(text: str, framing: Iterable[str] = ()) -> set[str]:
    """Stems of the words that could name a topic: no stop words, no 1–2 letter words."""
    skip = _stop_words() | set(framing)
    return {stem(w) for w in words(text) if (len(w) > 2 or w[0].isdigit()) and w not in skip}


class LibraryLexicon:
    """The set of stems the library's text uses."""

    def __init__(self, texts: Iterable[str]) -> None:
        # the distinct raw tokens first (one pass of the pattern over all the text), so each
        # is cleaned and stemmed once: a large library repeats its words millions of times
        tokens = set(_WORD.findall("\n".join(texts).lower()))
        self.stems = frozenset(stem(part) for token in tokens for part in _parts(token))

    @classmethod
    def from_stems(cls, stems: Iterable[str]) -> LibraryLexicon:
        """A lexicon saved before (its ``stems``), not stemmed again."""
        lexicon = cls(())
        lexicon.stems = frozenset(str(s) for s in stems)
        return lexicon

    def __contains__(self, term: str) -> bool:
        return term in self.stems
