"""Rank passages for a question: the disease it names first, then the section it asks about.

BM25 alone ranks any page that shares words with the question. People name a disease and ask one
thing about it, so: (1) find the disease by its names (names.py); (2) within that page, prefer
the section of the asked type (qtype.py), then BM25 of the question without the disease's names;
(3) other named diseases and plain BM25 results follow. With no disease named and no
conversation context, the result is flagged `abstain`: quoting a page about something else would
mislead. When several pages fit equally (a family of types, or the few pages a rare word
names), the result offers them as choices instead of letting BM25 pick one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np

from corpus.models import Passage
from corpus.published import STAFF_KIND, is_own_topic, topic_names
from retrieval.analyzer import analyze, fold, words
from retrieval.bm25 import top_k
from retrieval.english import KEPT_FROM, english_count
from retrieval.english import warm_up as english_warm_up
from retrieval.index import LazyPassages, PassageIndex
from retrieval.linking import LinkDecision, Linker
from retrieval.names import PARENTHETICAL, DiseaseMatch, NameIndex
from retrieval.policy import ReadingPolicy
from retrieval.qtype import ASKED, INFORMATION, has_cue, main_type, question_types
from retrieval.question_words import Question, QuestionWords, as_read, name_words
from retrieval.siblings import SiblingPages
from retrieval.stopwords import STOP_WORDS

MAX_QUESTION_CHARS = 2000  # longer text is cut before analysis; nobody names a disease at char 5000
SECTION_WORDS = frozenset(  # they choose the section; they don't rank passages within one
    analyze("symptoms signs features causes cause treatment treated inherited inheritance diagnosis tests")
)


class Outcome(StrEnum):
    """What a search comes to for the user."""

    ANSWER = "answer"  # quoted from the page named (see SearchResult.broader)
    CHOICE = "choice"  # several pages fit: the user picks
    DID_YOU_MEAN = "did_you_mean"  # one page, offered for a tap, never linked silently
    NO_PAGE = "no_page"  # a disease the corpus has no page for, named back
    ASK_WHICH = "ask_which"  # "what is this syndrome?" with nothing named before
    ABSTAIN = "abstain"  # nothing named, or nothing that clearly answers


class Reason(StrEnum):
    """Why a search came to what it did; the engine matches on it (through SearchResult.outcome)."""

    NONE = ""  # a page answers
    EMPTY = "empty"  # no text at all
    NO_DISEASE = "no_disease"  # nothing names a disease, and no conversation names one
    NO_PAGE = "no_page"  # a disease is named that no page covers (SearchResult.missing)
    VAGUE = "vague"  # "what is this syndrome?" with nothing named before
    WEAK_MATCH = "weak_match"  # names partly match, and none clearly
    AMBIGUOUS = "ambiguous"  # several pages fit: a choice
    DID_YOU_MEAN = "did_you_mean"  # one page, too far off to link: asked
    SMALLTALK = "smalltalk"  # greetings and thanks (set by the engine)


FIXED_KINDS = frozenset({"chosen", "context", "published"})  # pages the linker has no say on


@dataclass
class Decision:
    """Which page(s) a question is about, or why none (Searcher.decide): the first of `chosen`
    is answered from; `choices` (two or more) are offered instead; `strong` are the other
    confident names, whose best passages follow in the ranking."""

    reason: Reason
    chosen: list[DiseaseMatch] = field(default_factory=list)
    choices: list[DiseaseMatch] = field(default_factory=list)
    strong: list[DiseaseMatch] = field(default_factory=list)
    link: LinkDecision | None = None
    missing: str = ""  # a name no page covers, when the decision is that there is no page
    from_context: bool = False  # the conversation's disease, on a follow-up
    by_word: bool = False  # the choices share one word of their names, not a whole name
    several: bool = False  # the choices are conditions listed together
    other_type: str = ""  # a type no page has ("spinocerebellar ataxia 7"): choices are other types


@dataclass(frozen=True)
class Ranked:
    passage: Passage
    score: float


@dataclass
class SearchResult:
    question: str
    results: list[Ranked]
    abstain: bool
    reason: Reason = Reason.NONE
    disease: DiseaseMatch | None = None
    choices: list[DiseaseMatch] = field(default_factory=list)
    qtypes: dict[str, float] = field(default_factory=dict)
    from_context: bool = False
    by_word: bool = False  # the choices share one word of their names, not a whole name
    several: bool = False  # the choices are conditions the question lists together ("X and Y")
    other_type: str = ""  # the type asked that no page has: the choices are pages on other types
    missing: str = ""  # reason no_page: the disease named, which no page covers ("Scheuermann disease")
    # reason no_page: pages whose text names the missing disease whole, best first, as doc ids
    # ("Bannayan-Riley-Ruvalcaba syndrome" on Cowden syndrome's page): offered, never answered from
    mentioned_on: tuple[str, ...] = ()
    link: LinkDecision | None = None  # how the page was linked (or not), for evaluation

    @property
    def qtype(self) -> str:
        return main_type(self.qtypes) if self.qtypes else INFORMATION

    @property
    def broader(self) -> str:
        """The more specific name asked, when a general page answers it ("mosaic Turner syndrome")."""
        return self.link.broader if self.link is not None and self.link.linked and not self.abstain else ""

    @property
    def outcome(self) -> Outcome:
        """What the user is told, in one word (the `outcome` of `gardbot search --batch` rows)."""
        if self.reason is Reason.AMBIGUOUS and self.choices:
            return Outcome.CHOICE
        if self.reason is Reason.DID_YOU_MEAN and self.choices:
            return Outcome.DID_YOU_MEAN
        if self.reason is Reason.NO_PAGE and self.missing:
            return Outcome.NO_PAGE
        if self.reason is Reason.VAGUE:
            return Outcome.ASK_WHICH
        if self.abstain or not self.results or self.disease is None:
            return Outcome.ABSTAIN
        return Outcome.ANSWER

    def to_json(self) -> dict:
        return {
            "outcome": str(self.outcome),
            "choices": [{"doc_id": c.doc_id, "title": c.title} for c in self.choices],
            "missing": self.missing,
            "broader": self.broader,
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


def is_follow_up(question: Question) -> bool:
    """A message about the disease already under discussion: "is it inherited?", "treatment?".

    A message with new content words ("what about type 2 diabetes?") starts a new topic.
    """
    return bool(REFERRING.search(question.folded)) or len(question.terms) <= 2


class Searcher:
    """Question understanding plus ranking over one PassageIndex."""

    def __init__(self, index: PassageIndex, policy: ReadingPolicy | None = None) -> None:
        self.index = index
        self.policy = policy or ReadingPolicy()
        saved = NameIndex.from_data(index.sidecars.get("names"), self.policy)
        self.names = saved or NameIndex(index.passages, self.policy)
        self.linker = Linker(self.names, self.policy)
        self._by_doc: dict[str, list[int]] = defaultdict(list)
        self._staff_topics: list[int] = []  # published answers with no page of their own
        self._withdrawn: list[int] = []
        self._names_of_row: dict[int, frozenset[str]] = {}  # see _name_terms
        self._track(range(len(index.passages)))
        self.siblings = SiblingPages(index.folder)  # read on the first question that needs them

    def add_passages(self, passages: list[Passage]) -> None:
        """Grow the live index: published staff answers join without a rebuild."""
        start = len(self.index.passages)
        self.index.add_passages(passages)
        added = self.index.passages[start:]
        topics = [(p.doc_id, p.title, topic_names(p)) for p in added if is_own_topic(p)]
        if topics:
            self.names.add_topics(topics)
        self._track(range(start, len(self.index.passages)))

    def withdraw(self, passage_ids: list[str]) -> None:
        """Stop ranking these passages. BM25 rows can't be removed, so they are masked: their
        score is zeroed and they leave the per-disease lists."""
        rows = {self.index.position[p] for p in passage_ids if p in self.index.position}
        self._withdrawn = sorted({*self._withdrawn, *rows})
        self._staff_topics = [i for i in self._staff_topics if i not in rows]
        for doc_rows in self._by_doc.values():
            doc_rows[:] = [i for i in doc_rows if i not in rows]

    def _track(self, rows: range) -> None:
        doc_ids, kinds = self._column("doc_id", rows), self._column("kind", rows)  # no passage made
        for i, doc_id, kind in zip(rows, doc_ids, kinds, strict=True):
            self._by_doc[doc_id].append(i)
            if kind == STAFF_KIND and is_own_topic(self.index.passages[i]):
                self._staff_topics.append(i)

    def warm_up(self) -> None:
        """Make the tables a first question would otherwise wait for: where words stand in names,
        and how often English uses each form of a word (both read on reading a name's phrase)."""
        self.names.placements()
        english_warm_up()

    def doc_passages(self, doc_id: str) -> list[Passage]:
        return [self.index.passages[i] for i in self._by_doc.get(doc_id, ())]

    # --- what the answer engine asks of the index (it reaches no further) -------------------

    def title(self, doc_id: str) -> str:
        return self.names.titles.get(doc_id, "")

    def is_name_term(self, text: str) -> bool:
        """Whether every word of the text is a word of some page's names (a disease term, which
        de-identifying a question must keep)."""
        words = name_words(text)
        return bool(words) and all(self.names.is_name_word(w) for w in words)

    def passage_count(self) -> int:
        """Passages in the live index (published staff answers included)."""
        return len(self.index.passages)

    def titles(self) -> dict[str, str]:
        """Every page's title, by doc_id."""
        return self.names.titles

    def passage(self, passage_id: str) -> Passage | None:
        position = self.index.position.get(passage_id)
        return self.index.passages[position] if position is not None else None

    def idf(self) -> dict[str, float]:
        """log(1 + N / df) of every indexed term: how much a shared word says, for excerpts."""
        bm25 = self.index.bm25
        doc_freq = np.bincount(bm25.counts.indices, minlength=len(bm25.vocab))
        return {t: float(np.log(1 + bm25.n_docs / max(1, doc_freq[i]))) for t, i in bm25.vocab.items()}

    def sibling_pages(self, doc_id: str) -> list[list[Passage]]:
        """The same disease's pages in the other collections (retrieval/siblings.py), each as
        its passages, in the order they are tried; none when the index has no siblings."""
        return self.siblings.pages(doc_id)

    def sibling_boilerplate(self) -> set[str]:
        """Sentence templates the sibling collections repeat on many pages."""
        return self.siblings.boilerplate()

    def boilerplate(self) -> set[str]:
        """Sentence templates the index found on many pages: site text that answers nothing."""
        return set(self.index.meta.get("boilerplate", ()))

    def replaced_pages(self) -> dict[str, str]:
        """doc_id -> the doc_id of the newer page of the same address that replaced it."""
        return self.index.meta.get("replaced_pages") or {}

    def is_narrower(self, match: DiseaseMatch, link: LinkDecision | None) -> bool:
        """Whether the page linked says more than the question did (a type or form of it)."""
        return link is not None and link.linked and self.linker.narrower(match, link.mention)

    def read(self, text: str) -> Question:
        """Read a message once: what every later step of answering it needs of its text, chat
        shorthand and glued punctuation read as written out (question_words.as_read)."""
        text = as_read(text[:MAX_QUESTION_CHARS])
        return Question(text, fold(text), tuple(analyze(text)), tuple(self.names.variants(text)))

    def search(
        self,
        question: str | Question,
        k: int = 10,
        context_doc: str | None = None,
        doc_id: str | None = None,
        exclude: frozenset[str] = frozenset(),
    ) -> SearchResult:
        """Rank passages; `doc_id` forces a disease (a chosen button), `context_doc` is the
        conversation's last disease, used when the question names none. `exclude` hides pages
        entirely, as if the corpus lacked them (leave-one-page-out evaluation)."""
        read = question if isinstance(question, Question) else self.read(question)
        qtypes = question_types(read.text)
        scores = self.index.scores_of(read.terms)
        scores[self._withdrawn] = 0.0
        for hidden in exclude:
            scores[self._by_doc.get(hidden, [])] = 0.0
        if not read.text.strip():
            return SearchResult(read.text, [], True, Reason.EMPTY, qtypes=qtypes)
        decision = self.decide(read, scores, context_doc, doc_id, exclude)
        if decision.reason is Reason.DID_YOU_MEAN:
            return self._did_you_mean(
                read.text, decision.chosen[0], decision.link, scores, k, qtypes, decision.missing
            )
        if not decision.chosen:
            return self._no_page(read, decision, scores, k, qtypes, exclude)
        return self._ranked(read, decision, scores, k, qtypes)

    def decide(
        self,
        read: Question,
        scores: np.ndarray,
        context_doc: str | None = None,
        doc_id: str | None = None,
        exclude: frozenset[str] = frozenset(),
    ) -> Decision:
        """Which page(s) the question is about, or why none: the pages its names match (or the
        one chosen, or the conversation's), then the link decision on the best of them."""
        matches = [] if doc_id else self.names.match(read.text, exclude=exclude, readings=list(read.readings))
        matches = [m for m in matches if self._by_doc.get(m.doc_id)]
        best_doc = self._best_doc(scores)
        strong = self._confident(matches, best_doc, read.words, exclude)
        decision = self._candidates_of(read, matches, strong, scores, context_doc, doc_id, exclude)
        if decision.chosen and not decision.several and decision.chosen[0].kind not in FIXED_KINDS:
            decision = self._link(read, decision, matches, strong, best_doc, exclude)
        return decision

    def _candidates_of(
        self,
        read: Question,
        matches: list[DiseaseMatch],
        strong: list[DiseaseMatch],
        scores: np.ndarray,
        context_doc: str | None,
        doc_id: str | None,
        exclude: frozenset[str],
    ) -> Decision:
        """The pages a question may be about, before linking: a chosen page, conditions listed
        together, confident names, partial names with their families or rare words, a published
        answer, or the conversation's disease on a follow-up."""
        typed = read.words
        if doc_id:
            chosen = DiseaseMatch(doc_id, self.title(doc_id), self.title(doc_id), "chosen", 1.0, 1.0)
            return Decision(Reason.NONE, [chosen], strong=strong)
        listed = self.linker.listed(matches, list(read.readings), exclude)
        if len(listed) >= 2:  # "ankylosing spondylitis and Crohn's disease": the user picks the first
            return Decision(Reason.NONE, listed[:1], listed[: self.policy.max_choices], strong, several=True)
        if strong:
            chosen, choices = self._choose(strong, scores)
            return Decision(Reason.NONE, chosen, choices, strong)
        if partial := [m for m in matches if m.coverage >= self.policy.partial_coverage]:
            chosen, choices = self._choose(partial, scores)
            if choices:
                return Decision(Reason.NONE, chosen, choices, strong)
            if family := self._family(matches, typed):  # twins BM25 can't tell apart
                return Decision(Reason.NONE, family[:1], family, strong)
            if named := self._named_by_rare_words(matches, typed, exclude):  # "batten"
                return Decision(Reason.NONE, named[:1], named, strong, by_word=True)
            if published := self._published_topic(read.terms):
                return Decision(Reason.NONE, [published], strong=strong)
            return Decision(Reason.WEAK_MATCH)  # one partial name that BM25 doesn't back: don't guess
        if published := self._published_topic(read.terms):  # staff answered this very question
            return Decision(Reason.NONE, [published], strong=strong)
        if family := self._family(matches, typed):
            return Decision(Reason.NONE, family[:1], family, strong)
        if named := self._named_by_rare_words(matches, typed, exclude):
            return Decision(Reason.NONE, named[:1], named, strong, by_word=True)
        if context_doc and self._by_doc.get(context_doc) and is_follow_up(read):
            chosen = DiseaseMatch(context_doc, self.title(context_doc), "", "context", 1.0, 0.0)
            return Decision(Reason.NONE, [chosen], strong=strong, from_context=True)
        return Decision(Reason.WEAK_MATCH if matches else Reason.NO_DISEASE)

    def _link(
        self,
        read: Question,
        decision: Decision,
        matches: list[DiseaseMatch],
        strong: list[DiseaseMatch],
        best_doc: str | None,
        exclude: frozenset[str],
    ) -> Decision:
        """Whether the best candidate may be answered from: a family must hold what was typed
        (true relatives), one page must link (Linker.decide), a misspelt one is asked about."""
        readings = list(read.readings)
        chosen, choices = decision.chosen, decision.choices
        if choices and (decision.by_word or not strong):  # pages sharing the words asked: a family
            stands, mention = self.linker.relatives_stand(chosen[0], readings, exclude)
            if mention is not None:  # true relatives hold all the mention: types of what was asked
                choices = [c for c in choices if self.linker.holds(c.doc_id, mention)]
                chosen = choices[:1] or chosen
            brody = chosen[0].similarity < self.policy.same_stem  # "Brody" is no "body"
            if not stands or not choices or brody:
                general = self._general_page(decision, readings, matches, best_doc, exclude)
                if general is not None:
                    return general  # "Krabbe leukodystrophy": GARD's page titled "Leukodystrophy"
                said = mention is not None and mention.shaped
                missing = self.linker.said_name(readings[0], mention, exclude) if said else ""
                return Decision(Reason.WEAK_MATCH, missing=missing)
            if len(choices) == 1 < len(decision.choices) and mention is not None:  # no family left
                return Decision(Reason.DID_YOU_MEAN, choices, choices, missing=mention.text)
            return replace(decision, chosen=chosen, choices=choices)
        first = chosen[0]
        asked = readings[first.variant]
        link = self.linker.decide(first, readings, best_doc, exclude, matches)
        if link.linked and choices and link.mention is not None:  # ties must hold the mention
            choices = [c for c in choices if self.linker.holds(c.doc_id, link.mention)]
            choices = choices if len(choices) > 1 else []
        if link.linked:
            if not choices and (
                self.linker.to_confirm(first, link, asked)  # "Kohler disease"
                or self._broad_synonym(first)  # "osteomyelitis"
            ):
                return Decision(Reason.DID_YOU_MEAN, [first], [first], link=link)
            return replace(decision, choices=choices, link=link)
        if published := self._published_topic(read.terms):
            return Decision(Reason.NONE, [published], strong=strong)
        if relatives := self._longer_names(first, matches, link, read.words, exclude):  # "cystinosis"
            return Decision(Reason.NONE, relatives[:1], relatives, strong, link=link, by_word=True)
        if link.mention is not None and self.linker.adds_a_type(first.name, link.mention):
            # "spinocerebellar ataxia 7": pages share the name, none has type 7; other types
            types = [c for c in choices if self.linker.a_type_of(c.title, first.name)]
            if len(types) >= 2:
                asked_type = link.mention.text
                return replace(decision, chosen=types[:1], choices=types, link=link, other_type=asked_type)
        general = self._general_page(decision, readings, matches, best_doc, exclude)
        return self._unlinked(decision, readings, link, general, exclude)

    def _unlinked(
        self,
        decision: Decision,
        readings: list[QuestionWords],
        link: LinkDecision,
        general: Decision | None,
        exclude: frozenset[str],
    ) -> Decision:
        """The last words on a best candidate that doesn't link: the general page of a type named
        after its name (`general`, from _general_page), "did you mean" it, or a weak match."""
        first = decision.chosen[0]
        asked = readings[first.variant]
        if general is not None and _types_it(general):
            return general  # BM25's pick isn't named ("classic-like type"); the type's page in general
        if self.linker.to_confirm(first, link, asked, exclude):  # "gillian barre syndrome"
            # the name as typed, not the words after it ("pityriasis licheonides | besides steroids")
            said = self.linker.whole_name(first, asked, exclude, misspelt=True)
            named = replace(link, mention=said[1]) if said is not None else link
            return Decision(Reason.DID_YOU_MEAN, [first], [first], link=named)
        if self.linker.joined_to_unknown(first, link, asked, exclude) or self.linker.glued_to_abbreviation(
            first, link, asked, readings[0]
        ):  # "diabetes and Fabry disease", "episodes of TGA"
            return Decision(Reason.DID_YOU_MEAN, [first], [first], link=link)
        return Decision(Reason.WEAK_MATCH, link=link, missing=link.missing)

    def _broad_synonym(self, match: DiseaseMatch) -> bool:
        """Whether the match is a one-word synonym that its page's own text never uses while many
        other pages name it (ReadingPolicy.broad_synonym_pages): a broader term the page lists
        ("Osteomyelitis" of Prosthetic joint infection), not another name for the page's disease
        ("Dercum disease" of Adiposis dolorosa, named nowhere else)."""
        said = name_words(match.name)
        if match.kind != "synonym" or len(said) != 1 or not any(c.islower() for c in match.name):
            return False  # an abbreviation ("ARMS") is a short form, whatever else it spells
        rows = self._by_doc.get(match.doc_id, [])
        pattern = re.compile(rf"(?<!\w){re.escape(said[0])}(?!\w)")
        if any(pattern.search(fold(self.index.passages[i].text)) for i in rows):
            return False
        term = analyze(said[0])
        column = self.index.bm25.vocab.get(term[0]) if len(term) == 1 else None
        if column is None:
            return False
        weights = self.index.bm25.weights
        named_on = weights.indices[weights.indptr[column] : weights.indptr[column + 1]]
        pages = set(self._column("doc_id", [int(i) for i in named_on])) - {match.doc_id}
        return len(pages) >= self.policy.broad_synonym_pages

    def _general_page(
        self,
        decision: Decision,
        readings: list[QuestionWords],
        matches: list[DiseaseMatch],
        best_doc: str | None,
        exclude: frozenset[str],
    ) -> Decision | None:
        """The page titled with a name the question spells whole, when a family shares that name
        but holds nothing more of what was typed: GARD's page on the condition in general
        ("Krabbe leukodystrophy" is one leukodystrophy; several pages carry "leukodystrophy" as
        a synonym, one is titled so). None when no such page links as a whole name."""
        for match in matches:
            if match.kind != "title" or match.coverage < 1.0:
                continue
            link = self.linker.decide(match, readings, best_doc, exclude, matches)
            if link.linked and link.whole:
                return replace(decision, chosen=[match], choices=[], link=link)
        return None

    def _no_page(
        self,
        read: Question,
        decision: Decision,
        scores: np.ndarray,
        k: int,
        qtypes: dict[str, float],
        exclude: frozenset[str],
    ) -> SearchResult:
        """No page to answer from: the disease named that no page covers, if one is named and
        no page has exactly its name; "which disease?" for "what is this syndrome?"."""
        missing = decision.missing or self.linker.missing_name(list(read.readings), exclude)
        if missing and self.linker.is_a_name(missing, exclude):
            missing = ""  # never "no page on X" when a page is named X
        reason = decision.reason
        if missing:
            reason = Reason.NO_PAGE
        elif reason is Reason.NO_DISEASE and REFERRING.search(read.folded):
            reason = Reason.VAGUE  # "what is this syndrome?" with nothing said before
        plain = self._plain(scores, k)
        mentioned_on = mentioning(missing, plain) if missing else ()
        return SearchResult(
            read.text,
            plain,
            True,
            reason,
            qtypes=qtypes,
            missing=missing,
            link=decision.link,
            mentioned_on=mentioned_on,
        )

    def _ranked(
        self, read: Question, decision: Decision, scores: np.ndarray, k: int, qtypes: dict[str, float]
    ) -> SearchResult:
        """The chosen page's passages (the asked section first), one of each other candidate,
        then plain BM25."""
        chosen, link = decision.chosen, decision.link
        mention = link.mention if link is not None else None
        if mention is not None and mention.text in read.text and has_cue(mention.text):
            # Read what is asked without the name: "symptomatic pineal cyst" asks for no symptoms.
            qtypes = question_types(read.text.replace(mention.text, " "))
        ranked = self._rank_in_doc(chosen[0].doc_id, read.terms, qtypes, k)
        seen = {r.passage.passage_id for r in ranked}
        for other in [*chosen[1:], *(m for m in decision.strong if m not in chosen)]:
            if len(ranked) >= k:
                break  # the results are full: no other page's passage would be kept
            best = self._rank_in_doc(other.doc_id, read.terms, qtypes, 1)
            ranked.extend(r for r in best if r.passage.passage_id not in seen)
            seen.update(r.passage.passage_id for r in best)
        self._fill(ranked, seen, scores, k)
        return SearchResult(
            read.text,
            ranked[:k],
            abstain=bool(decision.choices),
            reason=Reason.AMBIGUOUS if decision.choices else Reason.NONE,
            disease=chosen[0],
            choices=decision.choices,
            qtypes=qtypes,
            from_context=decision.from_context,
            by_word=decision.by_word,
            several=decision.several,
            other_type=decision.other_type,
            link=link,
        )

    def _did_you_mean(
        self,
        question: str,
        match: DiseaseMatch,
        link: LinkDecision | None,
        scores: np.ndarray,
        k: int,
        qtypes: dict[str, float],
        asked: str = "",
    ) -> SearchResult:
        """One page offered for a tap ("Did you mean Guillain-Barre syndrome?"), never quoted
        unasked: the name was typed too far from the page's, or through a name the page's
        title doesn't show, or the one page left whose name holds what was typed."""
        if link is not None and link.mention is not None:
            asked = link.mention.text
        return SearchResult(
            question,
            self._plain(scores, k),
            True,
            Reason.DID_YOU_MEAN,
            disease=match,
            choices=[match],
            qtypes=qtypes,
            missing=asked,
            link=link,
        )

    def _longer_names(
        self,
        match: DiseaseMatch,
        matches: list[DiseaseMatch],
        link: LinkDecision,
        text: QuestionWords,
        exclude: frozenset[str],
    ) -> list[DiseaseMatch]:
        """Pages whose longer names hold all the question typed, for the user to pick, when the
        linker won't guess: "cholestasis of pregnancy" may be Intrahepatic cholestasis of
        pregnancy, or a disease with no page whose name is part of another's. Only when the
        mention is all inside those names."""
        features = link.features
        if features is None or features.unexplained > 0 or features.missing_modifier <= 0:
            return []
        mention = link.mention
        # A whole name of its own ("Sjogren-Larsson syndrome") offers only its types ("Pompe
        # disease type 2"), never a longer name that is another disease ("... -like syndrome").
        whole_name = mention is not None and mention.headed and not mention.words[-1][:1].isdigit()
        pages = self.names.pages_named_by(match.words, text, exclude)
        rest = [w for w in match.words if w not in STOP_WORDS and w not in self.linker.heads]
        if not pages and any(english_count(w) >= KEPT_FROM for w in rest):
            return []  # everyday words inside longer names ("sleep apnea") are no name of their own
        if pages:
            found = [m for m in matches if m.doc_id in pages]
            others = sorted(pages - {m.doc_id for m in found})
            found += [
                DiseaseMatch(d, self.title(d), self.names.name_with(d, match.words), "title", 0.0, 0.0)
                for d in others
                if self._by_doc.get(d)
            ]
        else:
            found = [m for m in matches if m.words == match.words and m.similarity >= match.similarity]
        if mention is not None:  # true relatives hold all that was typed ("Glaucoma sleep apnea")
            found = [m for m in found if self.linker.holds(m.doc_id, mention)]
        if whole_name:
            found = [m for m in found if self.linker.only_types(self.title(m.doc_id), mention)]
        return found[: self.policy.max_choices] if found else []

    def _best_doc(self, scores: np.ndarray) -> str | None:
        return self._column("doc_id", [int(np.argmax(scores))])[0] if scores.any() else None

    def _confident(
        self,
        matches: list[DiseaseMatch],
        best_doc: str | None,
        text: QuestionWords,
        exclude: frozenset[str] = frozenset(),
    ) -> list[DiseaseMatch]:
        """Matches to trust: near-complete names, partial ones ("cholestasis of pregnancy" for
        "intrahepatic cholestasis of pregnancy") whose page BM25 also ranks first, unless another
        page's name matched the same words just as well ("tuberous sclerosis": type 1 or type 2?),
        and partial ones made of words no other page's names use ("duchenne")."""
        if not matches:
            return []
        confident = [
            m
            for m in matches
            if m.coverage >= self.policy.min_coverage
            or (
                m.coverage >= self.policy.partial_coverage
                and m.doc_id == best_doc
                and not self._has_twin(m, matches)
            )
            or self.names.pages_named_by(m.words, text, exclude) == {m.doc_id}
        ]
        # The reading that explains more of the question wins: "Tay Sacks" is Tay-Sachs disease
        # (misspelt, so partial) rather than "Tay syndrome", which only accounts for "Tay".
        wider = [
            m
            for m in matches
            if m not in confident
            and m.coverage >= self.policy.partial_coverage
            and any(c.words < m.words and c.score < m.score for c in confident)
        ]
        confident = [c for c in confident if not any(c.words < m.words and c.score < m.score for m in wider)]
        return sorted([*confident, *wider], key=lambda m: m.rank_key)

    def _has_twin(self, match: DiseaseMatch, matches: list[DiseaseMatch]) -> bool:
        margin = self.policy.ambiguity_margin
        return any(
            m.doc_id != match.doc_id and m.title.lower() != match.title.lower() and m.words == match.words
            and abs(m.weight - match.weight) < 1e-6 and abs(m.coverage - match.coverage) < margin
            for m in matches
        )  # fmt: skip

    def _family(self, matches: list[DiseaseMatch], text: QuestionWords) -> list[DiseaseMatch]:
        """Pages whose names share exactly the words the question used and differ only in the
        rest: "Usher syndrome" against "Usher syndrome, type 1B / 1C / 2A". The user picks, when
        the shared words can stand for a family at all (NameIndex.can_name_family)."""
        eligible = [
            m
            for m in matches
            if m.coverage >= self.policy.family_coverage and self.names.can_name_family(m.words, text)
        ]
        groups: dict[tuple[frozenset[str], float], list[DiseaseMatch]] = defaultdict(list)
        for match in eligible:
            groups[(match.words, round(match.weight, 6))].append(match)
        # Heaviest first; a lone near-name ("Gusher" for "usher") is no family.
        for (_, _), family in sorted(groups.items(), key=lambda item: -item[0][1]):
            if len({m.title.lower() for m in family}) >= 2:
                return sorted(family, key=lambda m: m.title)[: self.policy.max_choices]
        return []

    def _named_by_rare_words(
        self, matches: list[DiseaseMatch], text: QuestionWords, exclude: frozenset[str] = frozenset()
    ) -> list[DiseaseMatch]:
        """The few pages whose names share a partial name's rare words, for the user to pick:
        "duchenne" is Duchenne muscular dystrophy or Duchenne-like muscular dystrophy."""
        for match in matches:
            pages = self.names.pages_named_by(match.words, text, exclude)
            if match.doc_id in pages and 2 <= len(pages) <= self.policy.max_choices:
                others = sorted(d for d in pages - {match.doc_id} if self._by_doc.get(d))
                return [
                    match,
                    *(
                        DiseaseMatch(
                            d, self.title(d), self.names.name_with(d, match.words), "title", 0.0, 0.0
                        )
                        for d in others
                    ),
                ]
        return []

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
            if m.score >= top.score * (1 - self.policy.ambiguity_margin) and m.rank_key[1] == top.rank_key[1]
        ]  # fmt: skip
        by_name: dict[str, list[DiseaseMatch]] = defaultdict(list)
        for match in tied:  # one disease in two collections: "Von Hippel-Lindau Disease (VHL)"
            by_name[fold(PARENTHETICAL.sub("", match.title)).strip()].append(match)
        groups = sorted(by_name.values(), key=lambda g: -max(self._doc_score(m.doc_id, scores) for m in g))
        best_group = sorted(groups[0], key=lambda m: -self._doc_score(m.doc_id, scores))
        if len(groups) > 1:
            return best_group, [g[0] for g in groups][:6]
        return best_group, []

    def _doc_score(self, doc_id: str, scores: np.ndarray) -> float:
        rows = self._by_doc.get(doc_id)
        return float(scores[rows].max()) if rows else 0.0

    def _rank_in_doc(
        self, doc_id: str, terms: tuple[str, ...], qtypes: dict[str, float], keep: int
    ) -> list[Ranked]:
        """A page's `keep` best passages: the asked section type first, then BM25; a published
        staff answer to a similar question goes before all of them. Ranked on the passages'
        fields alone: only the kept ones are made (a passage's text is read when it is made)."""
        rows = self._by_doc.get(doc_id, [])
        if not rows:
            return []
        name_terms = self._name_terms(rows[0])
        bm25 = self._scores_besides(name_terms, terms, rows)
        top = max(float(bm25.max()), 1e-9)
        kinds, sections, positions = (self._column(name, rows) for name in ("kind", "qtype", "position"))
        if INFORMATION in sections and not any(
            qtypes.get(s, 0.0) >= ASKED for s in set(sections) - {INFORMATION}
        ):
            qtypes = {INFORMATION: 1.0}  # no section asked for: the overview, not a symptom table
        scores = []
        for at, i in enumerate(rows):
            score = (
                self.policy.section_weight * qtypes.get(sections[at], 0.0)
                + 0.5 * float(bm25[at]) / top
                - 0.01 * positions[at]
            )
            if kinds[at] == STAFF_KIND:  # the disease's names are shared by both questions
                similarity = self.similarity(terms, self.index.passages[i].question, name_terms)
                if similarity >= self.policy.staff_similarity:
                    score = 1.5 * self.policy.section_weight + similarity
            scores.append(score)
        order = sorted(range(len(rows)), key=lambda at: -scores[at])[:keep]
        return [Ranked(self.index.passages[rows[at]], scores[at]) for at in order]

    def _name_terms(self, row: int) -> frozenset[str]:
        """The terms of the names of a page, from its first passage (a staff answer carries them
        too), read without making the passage; kept per passage, as every question on the page
        asks for them again."""
        terms = self._names_of_row.get(row)
        if terms is None:
            title, synonyms = (self._column(name, [row])[0] for name in ("title", "synonyms"))
            terms = self._names_of_row[row] = frozenset(analyze(" ".join((title, *synonyms))))
        return terms

    def _column(self, name: str, rows: list[int] | range) -> list:
        """One field of these passages, read without making them where the index is on disk."""
        passages = self.index.passages
        if isinstance(passages, LazyPassages):
            return passages.column(name, rows)
        return [getattr(passages[i], name) for i in rows]

    def _scores_besides(
        self, name_terms: frozenset[str], terms: tuple[str, ...], rows: list[int]
    ) -> np.ndarray:
        """BM25 of what the question asks besides the disease's names and the section it wants:
        within one page the names are everywhere, and counting them would favour whichever
        passage repeats "FOP"; the section words already chose the section, and counting them
        again would favour the end of a symptom table, where the word "symptom" comes back.
        Scored for the page's `rows` only, in their order."""
        rest = [term for term in terms if term not in name_terms and term not in SECTION_WORDS]
        return self.index.bm25.scores_of_rows(rest, rows) if rest else np.zeros(len(rows))

    def similarity(
        self, question: str | tuple[str, ...], other: str, ignore: set[str] = frozenset()
    ) -> float:
        """How much two questions ask the same: the idf-weighted Dice overlap of their terms
        (`question` as text, or its terms analyzed already)."""
        mine = set(analyze(question) if isinstance(question, str) else question) - ignore
        theirs = set(analyze(other)) - ignore
        total = sum(map(self.index.term_weight, mine)) + sum(map(self.index.term_weight, theirs))
        shared = sum(map(self.index.term_weight, mine & theirs))
        return 2 * shared / total if total else 0.0

    def _published_topic(self, terms: tuple[str, ...]) -> DiseaseMatch | None:
        """A question naming no known disease may still be one staff answered and published."""
        best, best_similarity = None, self.policy.staff_similarity_alone
        for i in self._staff_topics:
            passage = self.index.passages[i]
            similarity = self.similarity(terms, passage.question)
            if similarity >= best_similarity:
                best, best_similarity = passage, similarity
        if best is None:
            return None
        return DiseaseMatch(best.doc_id, best.title, "", "published", best_similarity, 0.0)

    def _fill(self, ranked: list[Ranked], seen: set[str], scores: np.ndarray, k: int) -> None:
        """Plain BM25's best passages after the ranked ones, up to k in all; only those kept are
        made."""
        if len(ranked) >= k:
            return
        ids, values = top_k(scores, k)
        for i, score, passage_id in zip(ids, values, self._column("passage_id", list(ids)), strict=True):
            if len(ranked) >= k:
                return
            if passage_id not in seen:
                ranked.append(Ranked(self.index.passages[i], float(score)))
                seen.add(passage_id)

    def _plain(self, scores: np.ndarray, k: int) -> list[Ranked]:
        ranked: list[Ranked] = []
        self._fill(ranked, set(), scores, k)
        return ranked


def _types_it(decision: Decision) -> bool:
    """Whether a general page was linked for a type of it the question names in words after its
    name ("Ehlers-Danlos syndrome, classic type"): words before a name may make another
    condition ("sclerosis similar to X"), and a numbered type may have a page under a longer
    name ("polydactyly type 4": "Postaxial polydactyly type 4")."""
    link, chosen = decision.link, decision.chosen[0]
    if link is None or not link.broader or link.mention is None or not chosen.positions:
        return False
    typed = link.mention.words[max(chosen.positions) + 1 - link.mention.start :]
    return bool(typed) and not any(any(c.isdigit() for c in word) for word in typed)


MAX_MENTIONED_ON = 3  # pages offered as naming a disease that has no page of its own
POSSESSIVE_GAP = r"(?:['’]s)?[\s-]+"  # between a name's words: "Crohn's disease", "Crohn disease"


def mentioning(name: str, ranked: list[Ranked], limit: int = MAX_MENTIONED_ON) -> tuple[str, ...]:
    """The pages, among a question's best passages, whose text names a disease whole ("part of
    the PTEN hamartoma tumor syndrome spectrum, which also includes Bannayan-Riley-Ruvalcaba
    syndrome"): for a disease with no page of its own, where to read about it. Its words in
    order, as whole words, hyphens and spaces alike, possessive or not; staff answers left out
    (they are no page)."""
    said = words(name)  # folded as fold(passage.text) is; not name_words, which reads bands
    if not said:
        return ()
    pattern = re.compile(r"(?<!\w)" + POSSESSIVE_GAP.join(map(re.escape, said)) + r"(?:['’]s)?(?!\w)")
    found: dict[str, None] = {}
    for r in ranked:
        passage = r.passage
        if passage.kind != STAFF_KIND and passage.doc_id not in found and pattern.search(fold(passage.text)):
            found[passage.doc_id] = None
    return tuple(found)[:limit]
