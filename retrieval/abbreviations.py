"""Abbreviations that pages define: "long form (SF)", found with the Schwartz & Hearst (2003)
algorithm, and how a name that is an abbreviation looks (short, two capitals or more)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

SHORT_FORM = re.compile(r"\(([A-Za-z0-9][A-Za-z0-9\-/]{1,11})[);,]")
ABBREVIATION_FORM = re.compile(r"^[A-Za-z0-9\-]{2,10}$")
# Words a long form does not start with ("the" of "transposition of the great arteries (TGA)").
FUNCTION_WORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to", "with"})


def best_long_form(short: str, long: str) -> str | None:
    """Schwartz & Hearst (2003): the shortest text ending `long` whose letters spell `short`."""
    s, i = len(short) - 1, len(long) - 1
    while s >= 0:
        char = short[s].lower()
        if not char.isalnum():
            s -= 1
            continue
        while (i >= 0 and long[i].lower() != char) or (s == 0 and i > 0 and long[i - 1].isalnum()):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    start = long.rfind(" ", 0, i + 1) + 1
    return long[_content_start(short, long, start) :]


def _content_start(short: str, long: str, start: int) -> int:
    """Where the long form starts when its first letter fell on a function word: "the great
    arteries" spells TGA, but "transposition of the great arteries (TGA)" means the whole. The
    nearest earlier word with that letter that is no function word, else `start` unchanged."""
    words = [(m.start(), m.group()) for m in re.finditer(r"\S+", long)]
    first = next((w for at, w in words if at == start), "")
    if first.lower() not in FUNCTION_WORDS:
        return start
    letter = next((c for c in short if c.isalnum()), "").lower()
    earlier = [
        at for at, w in words if at < start and w[:1].lower() == letter and w.lower() not in FUNCTION_WORDS
    ]
    return earlier[-1] if earlier else start


def find_abbreviations(text: str) -> Iterable[tuple[str, str]]:
    """(short form, long form) pairs defined in a text as "long form (SF)"."""
    for match in SHORT_FORM.finditer(text):
        short = match.group(1)
        letters = [c for c in short if c.isalpha()]
        if len(letters) < 2 or sum(c.isupper() for c in letters) < 2:
            continue
        before = text[max(0, match.start() - 200) : match.start()].rstrip()
        window = before.split()[-min(len(short) + 5, 2 * len(short)) :]
        long = best_long_form(short, " ".join(window))
        if long and len(long) > len(short) and " " in long.strip():
            yield short, long.strip(" ,;:")


def spelt_out_before(words: Sequence[str], at: int) -> str | None:
    """The words right before words[at] whose first letters spell it, one word per letter: how a
    question defines an abbreviation without brackets or capitals ("in vitro fertilization IVF",
    "in vitro fertilization (ivf)"), which find_abbreviations, made for page text, leaves alone.
    None when they don't."""
    short = words[at]
    if len(short) < 2 or not short.isalpha() or at < len(short):
        return None
    before = words[at - len(short) : at]
    return " ".join(before) if all(w[:1] == c for w, c in zip(before, short, strict=True)) else None


def looks_like_abbreviation(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return bool(ABBREVIATION_FORM.match(name)) and sum(c.isupper() for c in letters) >= 2
