"""How often English speakers use a word, from the word counts pyspellchecker ships (built from
subtitles). The corpus alone can't tell "hardly" or "puppet" from a disease name: page text
rarely uses them, but people asking questions do."""

from __future__ import annotations

import gzip
import json
from functools import cache
from importlib.resources import files

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
