"""How often English speakers use a word, from the word counts pyspellchecker ships (built from
subtitles). The corpus alone can't tell "hardly" or "puppet" from a disease name: page text
rarely uses them, but people asking questions do."""

from __future__ import annotations

from functools import cache

from spellchecker import SpellChecker

KEPT_FROM = 1000  # rarer words are all alike to us: possibly names


@cache
def _counts() -> dict[str, int]:
    """Loaded once per process (about 0.4 s); only the words common enough to matter are kept."""
    dictionary = SpellChecker(language="en", distance=1).word_frequency.dictionary
    return {word: count for word, count in dictionary.items() if count >= KEPT_FROM}


def english_count(word: str) -> int:
    """Occurrences of a lower-case word in pyspellchecker's English list; 0 below KEPT_FROM."""
    return _counts().get(word, 0)
