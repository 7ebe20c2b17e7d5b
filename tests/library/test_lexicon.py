"""The library's words: stop words from scikit-learn, without paying for importing it."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO

from assistant.library.lexicon import _stop_words, topic_words


def test_the_stop_words_are_scikit_learns_list() -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    assert _stop_words() == frozenset(ENGLISH_STOP_WORDS)
    assert topic_words("What are the rural areas of the county?") == {"rural", "area", "counti"}


def test_reading_them_does_not_import_scikit_learn() -> None:
    code = (
        "import sys\n"
        "from assistant.library.lexicon import _stop_words\n"
        "assert 'whereas' in _stop_words()\n"
        "print('sklearn' in sys.modules, 'scipy' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"], out.stderr


def test_the_library_lexicon_holds_the_stem_of_every_word_of_every_text() -> None:
    from assistant.library.lexicon import LibraryLexicon, stem, words

    texts = [
        "The LEP's co-design panels met in 2019; 15.8% agreed.",
        "Isn't rural-proofing agreed with government?",
        "agreeing\nAGREED",
    ]
    lexicon = LibraryLexicon(texts)
    assert lexicon.stems == {stem(w) for text in texts for w in words(text)}
    assert {"agre", "rural", "proof", "lep", "2019", "15.8%"} <= lexicon.stems
    assert "co-design" not in lexicon and "lep's" not in lexicon
