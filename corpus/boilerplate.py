"""Sentences that pages share word for word apart from the disease name: site boilerplate.

GARD sections often open with a stock sentence ("The Human Phenotype Ontology provides the
following list of signs and symptoms for X.") that answers nothing. A sentence whose shape, with
the page's names and numbers taken out, recurs on a good share of all pages is such boilerplate,
and the answer composer never quotes it. Shapes shared by fewer pages still say something about
each: "Most cases of X are not inherited" is on 7 GARD pages, the Orphanet notes on 2,238.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from corpus.models import Passage
from corpus.sentences import sentence_spans

MIN_PAGES = 5
MIN_SHARE = 0.05  # of all pages; on GARD, site notes are on 2,000+ pages, page facts on < 80
RULE = {"min_pages": MIN_PAGES, "min_share": MIN_SHARE}  # part of an index's identity
NON_LETTERS = re.compile(r"[^a-z]+")
ASCII_NON_LETTERS = str.maketrans({chr(c): " " for c in range(128) if not "a" <= chr(c) <= "z"})


def template_key(sentence: str, names: Iterable[str]) -> str:
    """The sentence with the page's own names, digits and punctuation removed."""
    text = sentence.lower()
    for name in _longest_first(tuple(names)):
        text = text.replace(name, " ")
    if text.isascii():  # the same key, about twice as fast as the pattern
        return " ".join(text.translate(ASCII_NON_LETTERS).split())
    return NON_LETTERS.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def _longest_first(names: tuple[str, ...]) -> tuple[str, ...]:
    """A page's names lower-cased, longest first: kept per page, as every sentence of the page
    is keyed with them."""
    return tuple(name.lower() for name in sorted(names, key=len, reverse=True) if name)


def find_boilerplate(passages: Iterable[Passage]) -> set[str]:
    """Template keys of sentences seen on at least MIN_PAGES pages and MIN_SHARE of all pages."""
    pages: dict[str, set[str]] = defaultdict(set)
    all_pages: set[str] = set()
    for passage in passages:
        names = (passage.title, *passage.synonyms)
        all_pages.add(passage.doc_id)
        for start, end in sentence_spans(passage.text):
            pages[template_key(passage.text[start:end], names)].add(passage.doc_id)
    least = max(MIN_PAGES, MIN_SHARE * len(all_pages))
    return {key for key, docs in pages.items() if len(docs) >= least and key}
