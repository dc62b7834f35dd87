"""Cut page sections into passages of about one paragraph.

Short answers stay whole. Long ones are split on sentence boundaries into windows of roughly
`window_words` words (never more than `max_words` unless one sentence is longer), each window
repeating the last sentence(s) of the one before so no fact is cut off from its context.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from corpus.models import Page, Passage
from corpus.sentences import sentence_spans

WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class ChunkSettings:
    window_words: int = 120
    max_words: int = 150
    overlap_sentences: int = 1


def _pieces(text: str, max_words: int) -> list[tuple[int, int, int]]:
    """Sentence spans with word counts; a run-on sentence longer than max_words is cut by words."""
    pieces: list[tuple[int, int, int]] = []
    for start, end in sentence_spans(text):
        words = list(WORD.finditer(text, start, end))
        for i in range(0, len(words), max_words):
            chunk = words[i : i + max_words]
            pieces.append((chunk[0].start(), chunk[-1].end(), len(chunk)))
    return pieces


def window_spans(text: str, settings: ChunkSettings) -> list[tuple[int, int]]:
    """Character spans of the windows of one answer text."""
    pieces = _pieces(text, settings.max_words)
    if not pieces:
        return []
    if sum(n for _, _, n in pieces) <= settings.max_words:
        return [(pieces[0][0], pieces[-1][1])]
    spans: list[tuple[int, int]] = []
    first = 0
    while first < len(pieces):
        last, words = first, pieces[first][2]
        while last + 1 < len(pieces) and words < settings.window_words:
            if words + pieces[last + 1][2] > settings.max_words:
                break
            last += 1
            words += pieces[last][2]
        spans.append((pieces[first][0], pieces[last][1]))
        if last + 1 >= len(pieces):
            break
        first = max(first + 1, last + 1 - settings.overlap_sentences)
    return spans


def page_passages(page: Page, settings: ChunkSettings, seen_ids: set[str]) -> Iterator[Passage]:
    for section in page.sections:
        for position, (start, end) in enumerate(window_spans(section.answer, settings)):
            passage_id = f"{page.source}-{section.qid}-{position}"
            suffix = 1
            while passage_id in seen_ids:  # a few pages repeat a qid; keep ids unique and stable
                suffix += 1
                passage_id = f"{page.source}-{section.qid}-{position}-{suffix}"
            seen_ids.add(passage_id)
            yield Passage(
                passage_id=passage_id,
                source=page.source,
                collection=page.collection,
                doc_id=page.doc_id,
                qid=section.qid,
                qtype=section.qtype,
                title=page.title,
                url=page.url,
                synonyms=page.synonyms,
                question=section.question,
                text=section.answer[start:end],
                position=position,
            )


def make_passages(pages: Iterable[Page], settings: ChunkSettings | None = None) -> list[Passage]:
    """All passages of the pages, in page order; ids depend only on the corpus content."""
    settings = settings or ChunkSettings()
    seen: set[str] = set()
    return [p for page in pages for p in page_passages(page, settings, seen)]
