"""Sentences that pages share word for word apart from the disease name: site boilerplate.

GARD sections often open with a stock sentence ("The Human Phenotype Ontology provides the
following list of signs and symptoms for X.") that answers nothing. A sentence whose shape, with
the page's names and numbers taken out, recurs on many pages is such boilerplate; the answer
composer quotes it only when nothing else is left.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from corpus.models import Passage
from corpus.sentences import sentence_spans

MIN_PAGES = 5
NON_LETTERS = re.compile(r"[^a-z]+")


def template_key(sentence: str, names: Iterable[str]) -> str:
    """The sentence with the page's own names, digits and punctuation removed."""
    text = sentence.lower()
    for name in sorted(names, key=len, reverse=True):
        if name:
            text = text.replace(name.lower(), " ")
    return NON_LETTERS.sub(" ", text).strip()


def find_boilerplate(passages: Iterable[Passage], min_pages: int = MIN_PAGES) -> set[str]:
    """Template keys of sentences seen on at least `min_pages` different pages."""
    pages: dict[str, set[str]] = defaultdict(set)
    for passage in passages:
        names = (passage.title, *passage.synonyms)
        for start, end in sentence_spans(passage.text):
            pages[template_key(passage.text[start:end], names)].add(passage.doc_id)
    return {key for key, docs in pages.items() if len(docs) >= min_pages and key}
