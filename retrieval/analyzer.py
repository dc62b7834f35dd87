"""Turn text into index terms; passages and questions go through the same function.

Lower-case, accents folded (Ménière -> meniere), possessive 's dropped, letter/digit runs as
words (letters of every script), British spellings of medical words as American ("anaemia" ->
anemia, retrieval/spelling.py), stop words removed, Snowball English stems. ASCII text, nearly
all of the corpus, takes a fast path.

The stems come from PyStemmer (libstemmer_c) 2.2, not NLTK: importing NLTK took a second of every
start (it imports scipy.stats), and PyStemmer is C. Snowball 3 changed the English stemmer
("added" -> "add", "cardiologist" -> "cardiolog"), so PyStemmer stays below 3. NLTK's
SnowballStemmer("english") is the oracle (tests/test_stems.py): its stems equal these on every
one of the 18,511 distinct words of GARD pages; among the 128,600 words of pyspellchecker's
English list 26 differ ("realization": NLTK "realize", libstemmer "realiz"), listed there with
the reason, none in the corpus. The stemmer setting below names the library, so an index built
with NLTK's stems is rebuilt once.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

from retrieval.spelling import american
from retrieval.stopwords import STOP_WORDS

ANALYZER_VERSION = "2"  # 2: British spellings read as American
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_WORD = re.compile(r"[^\W_]+")
_POSSESSIVE = re.compile(r"['’]s\b")
_STEMMER = Stemmer.Stemmer("english")


def fold(text: str) -> str:
    """Lower-case and strip accents, keeping letters of every script."""
    text = text.lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Folded word tokens, stop words kept: for name matching, where every word counts. British
    spellings of medical words come out American (retrieval.spelling)."""
    folded = american(_POSSESSIVE.sub("", fold(text)))
    return (_ASCII_WORD if folded.isascii() else _WORD).findall(folded)


_STEMS: dict[str, str] = {}


def stem(word: str) -> str:
    """Snowball stem, memoised: the corpus has ~40k distinct words but a million tokens."""
    stemmed = _STEMS.get(word)
    if stemmed is None:
        stemmed = _STEMMER.stemWord(word)
        if len(_STEMS) < 500_000:  # bounded: questions can bring endless made-up words
            _STEMS[word] = stemmed
    return stemmed


SHORT_TEXT = 500  # characters: a question, a name or a sentence, read again and again


def analyze(text: str) -> list[str]:
    """Index terms of a text, in order, repeats kept (BM25 counts them)."""
    if len(text) <= SHORT_TEXT:
        return list(_analyze_short(text))
    return [stem(w) for w in words(text) if w not in STOP_WORDS]


@lru_cache(maxsize=1 << 15)
def _analyze_short(text: str) -> tuple[str, ...]:
    """Kept per text: one answer reads the question, the disease's names and a page's sentences
    several times (the section, the ask, the lead), and the next question on the page again."""
    return tuple(stem(w) for w in words(text) if w not in STOP_WORDS)


def settings() -> dict[str, str]:
    """What an index must have been built with to be reused."""
    return {
        "analyzer": ANALYZER_VERSION,
        "stemmer": "snowball-english (PyStemmer 2)",
        "stopwords": str(len(STOP_WORDS)),
    }
