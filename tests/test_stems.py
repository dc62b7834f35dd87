"""Stems: the analyzer's PyStemmer (libstemmer_c, Snowball 2) against NLTK's
SnowballStemmer("english") as the oracle, as rank_bm25 is BM25's (tests/test_bm25.py)."""

from __future__ import annotations

import pytest
from conftest import SHARED_MEDQUAD, needs_shared

from corpus.load import load_pages
from retrieval.analyzer import stem, words

# Words of pyspellchecker's English list whose stems differ: (PyStemmer, NLTK). All are words
# where Snowball's Step 2 rewrites -ization/-izer to -ize, or -ation/-ational to -ate, and R2
# begins inside that suffix. NLTK's port shortens R2 with the word (to "" or "e"), so its Step 4
# keeps -ize/-ate; libstemmer's Snowball 2 removes them. The versions differ; neither stem
# occurs in GARD, so an index built with NLTK's stems would have the same terms.
SNOWBALL_VERSIONS_DIFFER = {
    # -izer, -ization -> -ize, then Step 4 drops -ize in libstemmer only
    "baptizer": ("baptiz", "baptize"),
    "baptizers": ("baptiz", "baptize"),
    "communization": ("communiz", "communize"),
    "communizations": ("communiz", "communize"),
    "ionization": ("ioniz", "ionize"),
    "ionizer": ("ioniz", "ionize"),
    "ionizers": ("ioniz", "ionize"),
    "lionization": ("lioniz", "lionize"),
    "lionizer": ("lioniz", "lionize"),
    "quantization": ("quantiz", "quantize"),
    "realization": ("realiz", "realize"),
    "realizations": ("realiz", "realize"),
    "solmization": ("solmiz", "solmize"),
    "solmizations": ("solmiz", "solmize"),
    "stylization": ("styliz", "stylize"),
    "theorizer": ("theoriz", "theorize"),
    # -ational(ly), -ationalism, -ationality -> -ate, then Step 4 drops -ate in libstemmer only
    "gradationally": ("gradat", "gradate"),
    "irrationalities": ("irrat", "irrate"),
    "irrationality": ("irrat", "irrate"),
    "irrationally": ("irrat", "irrate"),
    "mutationally": ("mutat", "mutate"),
    "relationally": ("relat", "relate"),
    "sensationalism": ("sensat", "sensate"),
    "sensationally": ("sensat", "sensate"),
    "vocationalism": ("vocat", "vocate"),
    "vocationally": ("vocat", "vocate"),
}


@pytest.fixture(scope="module")
def nltk_stem():
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english").stem


def differing(vocabulary: set[str], nltk_stem) -> dict[str, tuple[str, str]]:
    return {w: (stem(w), nltk_stem(w)) for w in sorted(vocabulary) if stem(w) != nltk_stem(w)}


@needs_shared
def test_every_word_of_every_gard_page_stems_as_nltk_stems_it(nltk_stem):
    """Names, other names, section questions and answers: every word the analyzer reads."""
    pages, _ = load_pages(SHARED_MEDQUAD)
    vocabulary: set[str] = set()
    for page in pages:
        for text in (page.title, *page.synonyms, *(s.question for s in page.sections)):
            vocabulary.update(words(text))
        for section in page.sections:
            vocabulary.update(words(section.answer))
    assert len(vocabulary) > 15_000
    assert differing(vocabulary, nltk_stem) == {}


@pytest.mark.slow  # 2 s: every word of a dictionary through two stemmers
def test_english_words_stem_as_nltk_stems_them_but_for_the_listed_few(nltk_stem):
    from spellchecker import SpellChecker

    dictionary = SpellChecker(language="en", distance=1).word_frequency.dictionary
    vocabulary = {word for entry in dictionary for word in words(entry)}
    assert len(vocabulary) > 100_000
    assert differing(vocabulary, nltk_stem) == SNOWBALL_VERSIONS_DIFFER
