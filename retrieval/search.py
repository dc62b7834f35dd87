"""Rank passages for a question: the disease it names first, then the section it asks about.

BM25 alone ranks any page that shares words with the question. People name a disease and ask one
thing about it, so: (1) find the disease by its names (names.py); (2) within that page, prefer
the section of the asked type (qtype.py), then BM25; (3) other named diseases and plain BM25
results follow. With no disease named and no conversation context, the result is flagged
`abstain`: quoting a page about something else would mislead.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from corpus.models import Passage
from retrieval.analyzer import analyze, fold
from retrieval.bm25 import top_k
from retrieval.index import PassageIndex
from retrieval.names import FAMILY_COVERAGE, MIN_COVERAGE, DiseaseMatch, NameIndex
from retrieval.qtype import INFORMATION, main_type, question_types

MAX_QUESTION_CHARS = 2000  # longer text is cut before analysis; nobody names a disease at char 5000
PARTIAL_COVERAGE = 0.6  # a partial name counts when BM25 agrees on the page
MAX_CHOICES = 6
AMBIGUITY_MARGIN = 0.03  # coverage difference under which two different names tie
SECTION_WEIGHT = 2.0  # how much the asked section type outweighs BM25 within a page


@dataclass(frozen=True)
class Ranked:
    passage: Passage
    score: float


@dataclass
class SearchResult:
    question: str
    results: list[Ranked]
    abstain: bool
    reason: str = ""  # no_disease | weak_match | ambiguous | empty
    disease: DiseaseMatch | None = None
    choices: list[DiseaseMatch] = field(default_factory=list)
    qtypes: dict[str, float] = field(default_factory=dict)
    from_context: bool = False

    @property
    def qtype(self) -> str:
        return main_type(self.qtypes) if self.qtypes else INFORMATION

    def to_json(self) -> dict:
        return {
            "abstain": self.abstain,
            "results": [
                {
                    "passage_id": r.passage.passage_id,
                    "source": r.passage.source,
                    "doc_id": r.passage.doc_id,
                    "qid": r.passage.qid,
                    "qtype": r.passage.qtype,
                    "title": r.passage.title,
                    "url": r.passage.url,
                    "score": round(r.score, 4),
                }
                for r in self.results
            ],
        }


REFERRING = re.compile(
    r"\b(it|its|this|that|they|them|these|those|the (condition|disease|disorder|syndrome))\b"
)


def is_follow_up(text: str) -> bool:
    """A message about the disease already under discussion: "is it inherited?", "treatment?".

    A message with new content words ("what about type 2 diabetes?") starts a new topic.
    """
    return bool(REFERRING.search(fold(text))) or len(analyze(text)) <= 2


class Searcher:
    """Question understanding plus ranking over one PassageIndex."""

    def __init__(self, index: PassageIndex) -> None:
        self.index = index
        self.names = NameIndex(index.passages)
        self._by_doc: dict[str, list[int]] = defaultdict(list)
        for i, passage in enumerate(index.passages):
            self._by_doc[passage.doc_id].append(i)

    def add_passages(self, passages: list[Passage]) -> None:
        start = len(self.index.passages)
        self.index.add_passages(passages)
        for i in range(start, len(self.index.passages)):
            self._by_doc[self.index.passages[i].doc_id].append(i)

    def doc_passages(self, doc_id: str) -> list[Passage]:
        return [self.index.passages[i] for i in self._by_doc.get(doc_id, ())]

    def title(self, doc_id: str) -> str:
        return self.names.titles.get(doc_id, "")

    def search(
        self, question: str, k: int = 10, context_doc: str | None = None, doc_id: str | None = None
    ) -> SearchResult:
        """Rank passages; `doc_id` forces a disease (a chosen button), `context_doc` is the
        conversation's last disease, used when the question names none."""
        text = question[:MAX_QUESTION_CHARS]
        qtypes = question_types(text)
        scores = self.index.scores(text)
        if not text.strip():
            return SearchResult(question, [], True, "empty", qtypes=qtypes)

        matches = [] if doc_id else self.names.match(text)
        strong = self._confident(matches, scores)
        choices: list[DiseaseMatch] = []
        from_context = False
        if doc_id:
            chosen = [DiseaseMatch(doc_id, self.title(doc_id), self.title(doc_id), "chosen", 1.0, 1.0)]
        elif strong:
            chosen, choices = self._choose(strong, scores)
        elif partial := [m for m in matches if m.coverage >= PARTIAL_COVERAGE]:
            chosen, choices = self._choose(partial, scores)
            if not choices:  # one partial name that BM25 doesn't back: don't guess
                return SearchResult(question, self._plain(scores, k), True, "weak_match", qtypes=qtypes)
        elif family := self._family(matches):
            chosen, choices = family[:1], family
        elif context_doc and context_doc in self._by_doc and is_follow_up(text):
            chosen = [DiseaseMatch(context_doc, self.title(context_doc), "", "context", 1.0, 0.0)]
            from_context = True
        else:
            reason = "weak_match" if matches else "no_disease"
            return SearchResult(question, self._plain(scores, k), True, reason, qtypes=qtypes)

        ranked = self._rank_in_doc(chosen[0].doc_id, qtypes, scores)
        seen = {r.passage.passage_id for r in ranked}
        for other in [*chosen[1:], *(m for m in strong if m not in chosen)]:
            best = self._rank_in_doc(other.doc_id, qtypes, scores)[:1]
            ranked.extend(r for r in best if r.passage.passage_id not in seen)
            seen.update(r.passage.passage_id for r in best)
        ranked.extend(r for r in self._plain(scores, k) if r.passage.passage_id not in seen)
        return SearchResult(
            question,
            ranked[:k],
            abstain=bool(choices),
            reason="ambiguous" if choices else "",
            disease=chosen[0],
            choices=choices,
            qtypes=qtypes,
            from_context=from_context,
        )

    def _confident(self, matches: list[DiseaseMatch], scores: np.ndarray) -> list[DiseaseMatch]:
        """Matches to trust: near-complete names, or partial ones ("cholestasis of pregnancy"
        for "intrahepatic cholestasis of pregnancy") whose page BM25 also ranks first."""
        if not matches:
            return []
        best_doc = self.index.passages[int(np.argmax(scores))].doc_id if scores.any() else None
        confident = [
            m
            for m in matches
            if m.coverage >= MIN_COVERAGE or (m.coverage >= PARTIAL_COVERAGE and m.doc_id == best_doc)
        ]
        return sorted(confident, key=lambda m: m.rank_key)

    @staticmethod
    def _family(matches: list[DiseaseMatch]) -> list[DiseaseMatch]:
        """Pages whose names share exactly the words the question used and differ only in the
        rest: "Usher syndrome" against "Usher syndrome, type 1B / 1C / 2A". The user picks."""
        eligible = [m for m in matches if m.coverage >= FAMILY_COVERAGE]
        if len(eligible) < 2:
            return []
        heaviest = max(m.weight for m in eligible)
        family = [m for m in eligible if abs(m.weight - heaviest) < 1e-6]
        titles = {m.title.lower() for m in family}
        return sorted(family, key=lambda m: m.title)[:MAX_CHOICES] if len(titles) >= 2 else []

    def _choose(
        self, strong: list[DiseaseMatch], scores: np.ndarray
    ) -> tuple[list[DiseaseMatch], list[DiseaseMatch]]:
        """The named disease, or the near-tied different names to ask the user about.

        Pages sharing one name (the same disease in two collections) are not a real choice: the
        one whose passages match the question better goes first.
        """
        top = strong[0]
        tied = [
            m for m in strong
            if m.score >= top.score * (1 - AMBIGUITY_MARGIN) and m.rank_key[1] == top.rank_key[1]
        ]  # fmt: skip
        by_name: dict[str, list[DiseaseMatch]] = defaultdict(list)
        for match in tied:
            by_name[match.title.lower()].append(match)
        groups = sorted(by_name.values(), key=lambda g: -max(self._doc_score(m.doc_id, scores) for m in g))
        best_group = sorted(groups[0], key=lambda m: -self._doc_score(m.doc_id, scores))
        if len(groups) > 1:
            return best_group, [g[0] for g in groups][:6]
        return best_group, []

    def _doc_score(self, doc_id: str, scores: np.ndarray) -> float:
        rows = self._by_doc.get(doc_id)
        return float(scores[rows].max()) if rows else 0.0

    def _rank_in_doc(self, doc_id: str, qtypes: dict[str, float], scores: np.ndarray) -> list[Ranked]:
        rows = self._by_doc.get(doc_id, [])
        if not rows:
            return []
        top = max(float(scores[rows].max()), 1e-9)
        ranked = []
        for i in rows:
            passage = self.index.passages[i]
            preference = qtypes.get(passage.qtype, 0.0)
            score = SECTION_WEIGHT * preference + 0.5 * float(scores[i]) / top - 0.01 * passage.position
            ranked.append(Ranked(passage, score))
        ranked.sort(key=lambda r: -r.score)
        return ranked

    def _plain(self, scores: np.ndarray, k: int) -> list[Ranked]:
        ids, values = top_k(scores, k)
        return [Ranked(self.index.passages[i], float(s)) for i, s in zip(ids, values, strict=True)]
