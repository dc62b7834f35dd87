"""Sentence boundaries as character spans, so quoted sentences stay exact substrings of the page.

A rule-based splitter (NLTK's trained punkt model is a download we can't rely on): break after
. ! ? when the next word starts a new sentence, never after common abbreviations or initials, and
always at line breaks.
"""

from __future__ import annotations

import re

ABBREVIATIONS = {
    "e.g", "i.e", "etc", "vs", "dr", "mr", "mrs", "ms", "prof", "st", "no", "fig", "approx",
    "al", "ca", "cf", "jr", "sr", "inc", "ltd", "co", "vol", "pp", "ed", "eds", "min", "max",
    "u.s", "mt", "dept", "univ", "sp", "spp", "var", "ref", "refs",
}  # fmt: skip
BOUNDARY = re.compile(r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n+")
LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)[.!?]+[\"')\]]*\s*$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace excluded; together they cover all the words."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in BOUNDARY.finditer(text):
        if not match.group().startswith("\n"):
            word = LAST_WORD.search(text, start, match.end())
            token = word.group(1).lower().rstrip(".") if word else ""
            if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        end = match.end()
        _add_span(text, start, end, spans)
        start = end
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]
