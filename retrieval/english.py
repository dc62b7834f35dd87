"""How often English speakers use a word, from the word counts pyspellchecker ships (built from
subtitles). The corpus alone can't tell "hardly" or "puppet" from a disease name: page text
rarely uses them, but people asking questions do."""

from __future__ import annotations

import gzip
import json
from functools import cache
from importlib.resources import files

from retrieval.analyzer import stem

KEPT_FROM = 1000  # rarer words are all alike to us: possibly names


@cache
def _counts() -> dict[str, int]:
    """Loaded once per process; only the words common enough to matter are kept.

    The list is read as pyspellchecker itself reads it (lower-cased text, then JSON), without
    building a SpellChecker, which also indexes every word's letters for its own corrections:
    0.06 s instead of 0.12 s of every start. Should a later version move the file, the
    SpellChecker is asked after all.
    """
    try:
        with gzip.open(str(files("spellchecker") / "resources" / "en.json.gz"), "rt", encoding="utf-8") as f:
            dictionary = json.loads(f.read().lower())
    except (OSError, ValueError):
        from spellchecker import SpellChecker

        dictionary = SpellChecker(language="en", distance=1).word_frequency.dictionary
    return {word: count for word, count in dictionary.items() if count >= KEPT_FROM}


def english_count(word: str) -> int:
    """Occurrences of a lower-case word in pyspellchecker's English list; 0 below KEPT_FROM."""
    return _counts().get(word, 0)


@cache
def _family_counts() -> dict[str, int]:
    """The most any English word of a stem is used, by Snowball stem ("female": 56,744 for
    "females"; "infant" for "infants")."""
    counts: dict[str, int] = {}
    for word, count in _counts().items():
        root = stem(word)
        counts[root] = max(counts.get(root, 0), count)
    return counts


def english_family_count(word: str) -> int:
    """How often English uses the word or another form of it (same stem): plurals and verb
    forms the list keeps less often than their base ("distinguishes", "females")."""
    return max(english_count(word), _family_counts().get(stem(word), 0))


def warm_up() -> None:
    """Build the tables above now (0.1 s), not during a user's first question about a name."""
    _family_counts()
