"""Whether a message is written in a language other than English.

The pages are English and so is the bot's reading of questions: names and cue words still match
in "¿Qué es el síndrome de Marfan?", but the rest of the question goes unread. Saying so keeps a
Spanish speaker from taking an overview for the answer to what they asked. py3langid ships its
model in the package, so nothing is downloaded.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from retrieval.analyzer import words
from retrieval.stopwords import STOP_WORDS

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# Languages GARD's public writes in most, besides English; fewer candidates, fewer mistakes.
CANDIDATES = [
    "en",
    "es",
    "fr",
    "de",
    "it",
    "pt",
    "nl",
    "pl",
    "ru",
    "uk",
    "ar",
    "fa",
    "hi",
    "zh",
    "ja",
    "ko",
    "tr",
    "vi",
]
CONFIDENT = 0.9  # less sure than this, and it may be a short English question full of names
MIN_WORDS = 3  # "tietze" alone reads as German
ENGLISH_SHARE = 0.3  # English questions are a third or more function words; "que es el" none


@cache
def _identifier() -> LanguageIdentifier:
    """Loaded once per process (0.5-0.7 s and 100 MB of RSS), on first use or warm_up(): a
    process that only searches (`gardbot search`, eval) never needs it, so nothing imports
    py3langid before then."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(CANDIDATES)
    return identifier


def is_other_language(text: str) -> bool:
    """True when the text is, with confidence, not English."""
    latin_letters_only = all(c.isascii() for c in text if c.isalpha())  # emoji aside
    if len(text.split()) < MIN_WORDS and latin_letters_only:
        return False
    if latin_letters_only and _plainly_english(text):
        return False  # most questions: no need to ask the model (0.2 ms a question)
    english = dict(_identifier().rank(text)).get("en", 0.0)  # Russian and Ukrainian share the rest
    return english <= 1 - CONFIDENT


def _plainly_english(text: str) -> bool:
    """Whether English function words make up a good share of the words ("what", "is", "the",
    "my"): questions in Spanish, French or German written without accents have few of them."""
    found = words(text)
    return bool(found) and sum(w in STOP_WORDS for w in found) >= ENGLISH_SHARE * len(found)


def warm_up() -> None:
    """Load the identifier now, so a chat's first question doesn't wait for it."""
    _identifier()
