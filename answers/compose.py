"""Turn ranked passages into quoted excerpts: the sentences that best answer the question.

Sentences are chosen, never written: each excerpt part is an exact slice of its passage. Within a
passage the direct answer usually comes first, so early sentences are preferred, then sentences
sharing rare words with the question; headings phrased as questions and stock sentences shared by
many pages are skipped when anything better is left.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from answers.messages import section_label
from answers.reply import LINK_POINTER, TABLE_HEADER, Citation, Excerpt
from corpus.boilerplate import template_key
from corpus.models import Passage
from corpus.sentences import sentence_spans
from retrieval.analyzer import analyze
from retrieval.ask import SIGNS_OF, Ask, carries, direct_cue, points_back, says_it_varies, states_verdict
from retrieval.policy import AnswerPolicy

# A sentence that sends the reader elsewhere instead of saying something: a web address, "click
# here", "at the following links". On a page it leads to a link; quoted, it leads nowhere.
POINTER = re.compile(
    LINK_POINTER + r"|\b(at|on|from|visit|see) the following (links?|web ?sites?|resources?)\b",
    re.IGNORECASE,
)
# A sentence that opens by sending the reader elsewhere is a pointer however long it runs: "You
# can read more about risk factors ... at the following links to the MayoClinic.com Website."
POINTER_START = re.compile(
    r"\W*(you (can|may) (read|find|learn|get|view|access|obtain)\b.*\b(visit\w*|links?|web ?sites?|pages?|"
    r"resources?)\b|for (more|further|additional)( detailed)? information\b.*\b(visit|see|links?|web ?sites?|"
    r"contact)\b|to (learn|read|find out) more\b|please (visit|see|click|refer)\b)",
    re.IGNORECASE,
)
# Every pointer above holds one of these, lower-cased: a sentence with none is no pointer, found
# without running the pattern (which takes ~12 µs a sentence, on every sentence of a page).
POINTER_WORDS = ("http", "www.", "click", "web", "following", "information", "visit", "link", "more", "page")
# A page's reference list, printed as text: "References National Library of Medicine. ..."
REFERENCES = re.compile(r"\s*(References?|Bibliography)\s*:?\s+[A-Z]")
MAX_POINTER_CHARS = 160  # a sentence this short with a pointer in it is the pointer
MAX_PART_CHARS = 420  # a run-on sentence is cut at a word boundary with "…"
# GARD prints the Human Phenotype Ontology's table of signs flattened into one run-on "sentence":
# "... (when available) Arachnodactyly 90% Myopia 50% ... Deeply set eye - High palate - ...".
# Each feature ends with its frequency: a percentage, a fraction of patients, or "-" for unknown.
TABLE_FREQUENCY = re.compile(r" (?:\d+(?:\.\d+)?%|\d+/\d+|-)(?= |$)")
MAX_FEATURE_WORDS = 10  # longer, and it's the prose after the table ("The Human Phenotype ...")
MIN_TABLE_FEATURES = 3  # without its header, a run of fewer is no sure table
MAX_FEATURES = 8  # a short list; the question's own words pick first
MAX_HEADING_WORDS = 4  # a line this short without a sentence's end is a heading
NOTHING_KEPT = 50_000  # sentences whose _says_nothing is kept (about as many as GARD has)
TREATING = frozenset(
    {"treatment", "information", "staff_answer"}
)  # sections a named treatment is answered in
TREATMENT_ASKS = frozenset({"drug", "medication", "cure"})  # asks those sections answer


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    score: float
    position: int = -1  # its place among the passage's sentences
    points_back: bool = False  # it needs the sentence before it for sense ("However, ...")


@dataclass(frozen=True)
class Carried:
    """The sentences of a page that carry an ask, chosen and laid out as excerpts.

    `found` says whether any sentence of the page carries the ask at all, seen or not: when
    none does, the page doesn't answer it, and the reply must say so. `direct` is False when
    the carriers only touch the ask from aside (a diet among the causes, asked whether a diet
    helps; "X is rare", asked how common it is, with no number): the reply says first that the
    page doesn't answer, then quotes them as what it does say."""

    excerpts: list[Excerpt]
    used: list[Passage]
    found: bool
    direct: bool = True


@dataclass(frozen=True)
class Scored:
    """A sentence that carries the ask: its score, its passage's place on the page, its span and
    its terms (for MMR against repeats)."""

    score: float
    number: int
    start: int
    end: int
    words: frozenset[str]


@dataclass
class Carriers:
    """What a page holds of an ask: scored sentences the chat hasn't seen, carrying features of
    symptom tables by passage, and whether anything carries it at all (seen or not)."""

    scored: list[Scored]
    features: dict[int, list[tuple[int, int]]]
    found: bool
    sections: set[str] = field(default_factory=set)  # where carriers are, seen or not


MAX_GAP_CHARS = 300  # sentences this short between two quoted ones are quoted too, not "…"


def _close_gaps(candidates: list[Candidate], chosen: list[Candidate], budget: int) -> list[Candidate]:
    """The chosen sentences, with the few between two of them quoted too when they are short
    and fit: a "…" between sentences reads as something hidden ("If medications are not
    effective, surgery may be considered. … Another surgery, known as vitrectomy" hid the first
    surgery). Only quotable sentences fill a gap; one the page's site text or a pointer
    interrupts stays a gap. Smallest gaps first."""
    by_position = {c.position: c for c in candidates}
    used = sum(c.end - c.start + 3 for c in chosen)
    gaps = []
    for before, after in pairwise(chosen):
        between = [by_position.get(p) for p in range(before.position + 1, after.position)]
        if between and all(between):
            gaps.append((sum(c.end - c.start + 1 for c in between), between))
    filled = list(chosen)
    for size, between in sorted(gaps, key=lambda g: g[0]):
        if size <= MAX_GAP_CHARS and used + size <= budget:
            filled.extend(between)
            used += size
    return sorted(filled, key=lambda c: c.start)


def _where_treated(page: list[Passage], ask: Ask, scored: list[Scored]) -> list[Scored]:
    """A treatment is answered where the page treats ("dietary factors" among the causes is no
    answer to "does a diet help?"); elsewhere only when that is all the page says, and then
    not as an answer (`Carried.direct`)."""
    if ask.attribute in TREATMENT_ASKS and any(page[c.number].qtype in TREATING for c in scored):
        return [c for c in scored if page[c.number].qtype in TREATING]
    return scored


class Composer:
    def __init__(self, boilerplate: set[str], idf: dict[str, float]) -> None:
        self.boilerplate = boilerplate
        self.idf = idf
        self._nothing: dict[tuple[str, tuple[str, ...]], bool] = {}  # _says_nothing, per sentence

    @staticmethod
    def citation(passage: Passage) -> Citation:
        note = passage.extra.get("note", "") if passage.extra else ""
        return Citation(
            title=passage.title,
            url=passage.url,
            section=section_label(passage.qtype),
            passage_id=passage.passage_id,
            doc_id=passage.doc_id,
            qid=passage.qid,
            source=passage.source,
            note=note,
        )

    def excerpt(
        self,
        passage: Passage,
        question: str,
        budget: int,
        name_words: Iterable[str] = (),
        seen: Callable[[str], bool] | None = None,
    ) -> Excerpt | None:
        """The best sentences of one passage within `budget` characters, in page order; None
        when it has none but site boilerplate, which answers nothing, or sentences the chat was
        already shown (`seen`): overlapping passages and repeated sections share sentences."""
        spans = quotable_spans(passage.text)
        if not spans or budget < 80:
            return None
        # The disease's name, as titled or as the user wrote it ("fop"), is on every sentence
        # that matters and picks none of them; the rest of the question does.
        terms = set(analyze(question)) - set(analyze(" ".join((passage.title, *name_words))))
        names = (passage.title, *passage.synonyms)
        candidates = []
        features: list[tuple[int, int]] = []
        for position, (start, end) in enumerate(spans):
            sentence = passage.text[start:end]
            if self._says_nothing(sentence, names) or (seen is not None and seen(sentence)):
                continue
            table = table_features(passage.text, start, end, starts_mid_table=position == 0)
            if table or TABLE_HEADER in sentence:  # unreadable as it stands: its features, if no prose
                features.extend(table)
                continue
            score = 1.0 / (1 + 0.35 * position)
            overlap = terms & set(analyze(sentence))
            score += sum(self.idf.get(t, 1.0) for t in overlap) / (1 + 3 * len(terms)) * 2
            if len(sentence) < 25:
                score -= 0.5
            candidates.append(Candidate(start, end, score, position, points_back(sentence)))
        chosen = self._fill(candidates, budget, continued=passage.position > 0)
        if not chosen:
            return self._feature_list(passage, features, terms, seen) if features else None
        chosen = _close_gaps(candidates, chosen, budget)
        parts, truncated, left_out = self._parts(passage.text, chosen, budget)
        return Excerpt(tuple(parts), self.citation(passage), truncated_end=truncated, left_out=left_out)

    def carrying(
        self,
        page: list[Passage],
        ask: Ask,
        question: str,
        qtypes: dict[str, float],
        budget: int,
        name_words: Iterable[str] = (),
        seen: Callable[[str], bool] | None = None,
        policy: AnswerPolicy | None = None,
    ) -> Carried:
        """The sentences of a whole page that carry the ask, best first, then in page order.

        Sentences, not sections: each sentence of every section that carries the ask (retrieval/
        ask.py `carries`) is scored by the question's rare words it shares (idf, as
        query-likelihood at sentence level would weigh them), the question type's preference for
        its section (a prior), its place in its passage (answers come first), and for a yes/no
        ask, whether it states a verdict ("is not contagious"). Chosen greedily with MMR: a
        sentence much like one chosen (pages repeat sections) is left out. Whole sentences only,
        within `budget`; a phenotype table's features that carry it come as a list.
        """
        policy = policy or AnswerPolicy()
        if not ask.specific:
            return Carried([], [], False)
        terms = set(analyze(question))
        for passage in page[:1]:
            terms -= set(analyze(" ".join((passage.title, *passage.synonyms, *name_words))))
        found = self._carriers(page, ask, terms, qtypes, seen, policy)
        chosen = self._choose(page, _where_treated(page, ask, found.scored), ask, budget, policy)
        chosen = self._neighbours(page, chosen, budget, seen, policy)
        excerpts, used = self._lay_out(page, chosen, found.features)
        direct = ask.attribute not in TREATMENT_ASKS or bool(found.sections & TREATING)
        said = direct_cue(ask, question, policy)
        if said is not None and found.scored:  # "X is rare" has no number: how many it affects is
            # unsaid (what the chat was shown, it was shown)
            direct = any(said.search(page[c.number].text[c.start : c.end]) for c in found.scored)
        return Carried(excerpts, used, found.found, direct)

    def _carriers(
        self,
        page: list[Passage],
        ask: Ask,
        terms: set[str],
        qtypes: dict[str, float],
        seen: Callable[[str], bool] | None,
        policy: AnswerPolicy,
    ) -> Carriers:
        """Every sentence of the page that carries the ask and the chat hasn't seen, scored;
        the features of symptom tables that carry a relation; whether any carrier exists."""
        carriers = Carriers([], {}, False)
        weight = sum(self.idf.get(t, 1.0) for t in terms) or 1.0
        for number, passage in enumerate(page):
            names = (passage.title, *passage.synonyms)
            prior = policy.section_prior * qtypes.get(passage.qtype, 0.0)
            for place, (start, end) in enumerate(quotable_spans(passage.text)):
                sentence = passage.text[start:end]
                table = table_features(passage.text, start, end, starts_mid_table=place == 0)
                is_table = bool(table) or TABLE_HEADER in sentence
                if not is_table and not carries(ask, sentence, self.idf, policy):
                    continue  # most sentences: nothing of the ask (checked first, as it is cheap)
                if self._says_nothing(sentence, names):
                    continue
                if is_table:  # a feature answers what a disease causes, not an attribute:
                    # "Sudden death" in a table is no life expectancy, "Congestive heart
                    # failure" nothing of heart failure's signs
                    features = table if ask.relation and ask.relation != SIGNS_OF else []
                    self._carrying_features(passage, number, features, ask, seen, carriers, policy)
                    continue
                carriers.found = True
                carriers.sections.add(passage.qtype)
                if seen is not None and seen(sentence):
                    continue
                words = frozenset(analyze(sentence))
                overlap = sum(self.idf.get(t, 1.0) for t in terms & words) / weight
                score = overlap + prior + policy.position_prior / (1 + place)
                if ask.yes_no and states_verdict(sentence, policy):
                    score += policy.verdict_prior
                carriers.scored.append(Scored(score, number, start, end, words))
        return carriers

    def _carrying_features(
        self,
        passage: Passage,
        number: int,
        table: list[tuple[int, int]],
        ask: Ask,
        seen: Callable[[str], bool] | None,
        carriers: Carriers,
        policy: AnswerPolicy,
    ) -> None:
        """The features of a symptom table that carry the ask, kept for a list."""
        for a, b in table:
            if carries(ask, passage.text[a:b], self.idf, policy):
                carriers.found = True
                if seen is None or not seen(passage.text[a:b]):
                    carriers.features.setdefault(number, []).append((a, b))

    @staticmethod
    def _choose(
        page: list[Passage], scored: list[Scored], ask: Ask, budget: int, policy: AnswerPolicy
    ) -> list[tuple[int, int, int]]:
        """The best carriers, greedily, leaving out repeats (MMR), those under `min_relative`
        of the best (a relation's object named in passing), and a fourth passage."""
        chosen: list[tuple[int, int, int]] = []
        kept: list[frozenset[str]] = []
        texts: set[str] = set()
        used_chars = 0
        # Only an object named in the question ranks carriers by the question's words; an
        # attribute is carried in words of its own ("able to conceive" for fertility).
        best = max((c.score for c in scored), default=0.0) if ask.relation else 0.0
        for c in sorted(scored, key=lambda c: (-c.score, c.number, c.start)):
            if len(chosen) >= policy.max_sentences or c.score < policy.min_relative * best:
                break
            text = page[c.number].text[c.start : c.end]
            if text in texts or any(_jaccard(c.words, other) >= policy.redundancy for other in kept):
                continue  # MMR: a repeat of a chosen sentence adds nothing
            if chosen and used_chars + len(text) + 3 > budget:
                continue
            passages_so_far = {n for n, _, _ in chosen}
            if c.number not in passages_so_far and len(passages_so_far) >= 3:
                continue
            chosen.append((c.number, c.start, c.end))
            kept.append(c.words)
            texts.add(text)
            used_chars += len(text) + 3
        return chosen

    def _neighbours(
        self,
        page: list[Passage],
        chosen: list[tuple[int, int, int]],
        budget: int,
        seen: Callable[[str], bool] | None,
        policy: AnswerPolicy,
    ) -> list[tuple[int, int, int]]:
        """Chosen carriers with the neighbours they need for sense, whole and verbatim: the
        sentence before one that points back ("This surgery has been shown ..."), and the one
        after one that only says its topic varies ("The prognosis for polymyositis varies.").
        A neighbour that says nothing, or that the chat has seen, is not added; nor one over
        `budget`."""
        wanted = set(chosen)
        used = sum(b - a + 3 for _, a, b in chosen)
        for number, start, end in chosen:
            passage = page[number]
            spans = quotable_spans(passage.text)
            place = spans.index((start, end)) if (start, end) in spans else -1
            near = []
            if place > 0 and points_back(passage.text[start:end], policy):
                near.append(spans[place - 1])
            if 0 <= place < len(spans) - 1 and says_it_varies(passage.text[start:end], policy):
                near.append(spans[place + 1])
            names = (passage.title, *passage.synonyms)
            for a, b in near:
                text = passage.text[a:b]
                if (number, a, b) in wanted or self._says_nothing(text, names) or (seen and seen(text)):
                    continue
                if used + b - a + 3 > budget:
                    continue
                wanted.add((number, a, b))
                used += b - a + 3
        return sorted(wanted)

    def _lay_out(
        self,
        page: list[Passage],
        chosen: list[tuple[int, int, int]],
        features: dict[int, list[tuple[int, int]]],
    ) -> tuple[list[Excerpt], list[Passage]]:
        """Chosen sentences as excerpts in page order, one per passage; a table's carrying
        features as a list, while fewer than three passages are quoted."""
        excerpts: list[Excerpt] = []
        used: list[Passage] = []
        for number in sorted({n for n, _, _ in chosen} | set(features)):
            passage = page[number]
            spans = sorted((a, b) for n, a, b in chosen if n == number)
            if spans:
                excerpts.append(Excerpt(_joined(passage.text, spans), self.citation(passage)))
            elif len(excerpts) < 3:
                listed = features[number][:MAX_FEATURES]
                parts = tuple(passage.text[a:b] for a, b in listed)
                more = len(features[number]) > len(listed)
                excerpts.append(Excerpt(parts, self.citation(passage), truncated_end=more, listed=True))
            else:
                continue  # three passages quoted already
            used.append(passage)
        return excerpts, used

    def _feature_list(
        self,
        passage: Passage,
        features: list[tuple[int, int]],
        terms: set[str],
        seen: Callable[[str], bool] | None,
    ) -> Excerpt | None:
        """A phenotype table as a short list of its features, each the page's own words: those
        the question names first ("chest pain"), then the table's order, which is most frequent
        first; shown in page order. Features the chat was shown are left out, and so are those
        that only repeat the disease's names, which tell nothing of it."""
        named = set(analyze(" ".join((passage.title, *passage.synonyms))))
        words = {(a, b): set(analyze(passage.text[a:b])) for a, b in features}  # each feature read once
        fresh = [
            (a, b)
            for a, b in features
            if (seen is None or not seen(passage.text[a:b]))
            and not words[(a, b)] <= named  # "Ventricular fibrillation" of its own page
        ]
        asked = [f for f in fresh if terms & words[f]]
        ranked = list(dict.fromkeys([*asked, *fresh]))
        picked = sorted(ranked[:MAX_FEATURES])
        if not picked:
            return None
        parts = tuple(passage.text[a:b] for a, b in picked)
        return Excerpt(parts, self.citation(passage), truncated_end=len(ranked) > len(picked), listed=True)

    def _says_nothing(self, sentence: str, names: tuple[str, ...]) -> bool:
        """The page's own heading ("What are the symptoms of X?"), site boilerplate ("The
        Human Phenotype Ontology provides the following list ...") and pointers to other sites
        ("... at the following links", "click here", bare addresses) answer nothing. Kept per
        sentence and names: the same pages' sentences are read again for later questions."""
        key = (sentence, names)
        said = self._nothing.get(key)
        if said is None:
            said = (
                sentence.rstrip().endswith("?")
                or REFERENCES.match(sentence) is not None
                or _is_heading(sentence)
                or _points_elsewhere(sentence)
                or template_key(sentence, names) in self.boilerplate
            )
            if len(self._nothing) >= NOTHING_KEPT:
                self._nothing.clear()
            self._nothing[key] = said
        return said

    def quotable(self, passage: Passage) -> bool:
        """Whether a passage has any sentence worth quoting, as excerpt() would judge it."""
        names = (passage.title, *passage.synonyms)
        return any(not self._says_nothing(passage.text[a:b], names) for a, b in quotable_spans(passage.text))

    @staticmethod
    def whole(passage: Passage, budget: int) -> Excerpt | None:
        """A staff answer is one reasoned reply, quoted from its start: whole sentences while
        they fit, and "…" where it had to stop."""
        text = passage.text.strip()
        if not text or budget < 80:
            return None
        end = 0
        for _, sentence_end in sentence_spans(text):
            if sentence_end > budget:
                break
            end = sentence_end
        if end == 0:  # the first sentence alone is too long: cut it at a word
            cut = text.rfind(" ", 0, budget)
            end = cut if cut > budget // 2 else budget
        part = text[:end].rstrip()
        return Excerpt((part,), Composer.citation(passage), truncated_end=end < len(text))

    @staticmethod
    def _fill(candidates: list[Candidate], budget: int, continued: bool = False) -> list[Candidate]:
        """Best sentences first until the budget is spent; at least one, even if cut. A sentence
        that points back ("However, those that show ...") waits for the one before it: quoted
        after a gap, it would read as about something else. In a passage that continues a
        section (`continued`), the one before its first sentence is in another passage: that
        sentence is quoted only when no other sentence can start a quote ("Type I (also known
        as ...), in which")."""
        ranked = sorted(candidates, key=lambda c: -c.score)
        places = {c.position for c in candidates}  # a heading or site text before it is no sense lost
        chosen: list[Candidate] = []
        waiting: list[Candidate] = []
        used = 0
        for candidate in ranked:
            if candidate.score < 0 and chosen:
                break
            for c in [candidate, *waiting]:
                before = c.position - 1
                unread = before in places - {x.position for x in chosen} or (before < 0 and continued)
                if c in chosen or (c.points_back and unread):
                    if c is candidate:
                        waiting.append(c)
                    continue
                length = min(c.end - c.start, MAX_PART_CHARS) + 3
                if used + length > budget and chosen:
                    continue
                chosen.append(c)
                used += length
            if len(chosen) >= 4:
                break
        if not chosen and continued and ranked:  # every chain opens by pointing back: read on
            return Composer._fill(candidates, budget)  # from the passage's start, as before
        if not chosen and ranked:  # only sentences that point back: the best, as before
            chosen.append(ranked[0])
        return sorted(chosen[:4], key=lambda c: c.start)

    @staticmethod
    def _parts(text: str, chosen: list[Candidate], budget: int) -> tuple[list[str], bool, bool]:
        """Adjacent sentences join into one verbatim part; gaps become separate parts. Over the
        budget, the longest part loses its last sentence until they fit (what is left out stays
        unshown, for "more": the third value); only a single sentence longer than a part may be
        (MAX_PART_CHARS, or the budget's share), a run-on, is cut, at a word, with "…"."""
        runs: list[list[Candidate]] = [[chosen[0]]]
        for candidate in chosen[1:]:
            if text[runs[-1][-1].end : candidate.start].strip():
                runs.append([candidate])
            else:
                runs[-1].append(candidate)

        def length(run: list[Candidate]) -> int:
            return run[-1].end - run[0].start

        left_out = False
        while sum(map(length, runs)) > budget and any(len(run) > 1 for run in runs):
            max((run for run in runs if len(run) > 1), key=length).pop()
            left_out = True
        limit = max(MAX_PART_CHARS, budget // len(runs))
        trimmed: list[str] = []
        truncated = False
        for number, run in enumerate(runs):
            part = text[run[0].start : run[-1].end]
            if len(run) == 1 and len(part) > limit:  # a run-on sentence
                cut = part.rfind(" ", 0, limit)
                part = part[: cut if cut > limit // 2 else limit].rstrip(" ,;:-")
                truncated = truncated or number == len(runs) - 1
            trimmed.append(part)
        return trimmed, truncated, left_out


@dataclass(frozen=True)
class Shown:
    """What an excerpt showed of its passage, sentence by sentence."""

    whole: list[str]  # sentences shown from start to end
    cut_long: list[str]  # the shown starts of sentences too long ever to be shown whole
    cut: bool  # a sentence was cut short with "…", so what follows it in the passage was not shown


def shown(passage_text: str, parts: Iterable[str]) -> Shown:
    """Which sentences of a passage an excerpt's parts showed whole, and whether one was cut.

    A sentence cut short by "…" was not shown in full, so a follow-up may still quote it (what
    answers may be in its end), and the sentences the cut left out. One longer than
    MAX_PART_CHARS is cut every time it is quoted, so its shown start stands for it.
    """
    whole: list[str] = []
    cut_long: list[str] = []
    cut = False
    spans = []
    for a, b in sentence_spans(passage_text):
        sentence = passage_text[a:b]
        start = a + len(sentence) - len(sentence.lstrip())
        spans.append((start, start + len(sentence.strip())))
    for part in parts:
        begin = passage_text.find(part)
        if begin < 0:
            continue
        end = begin + len(part)
        if not any(begin <= a < end for a, _ in spans):  # an item of a list, inside its sentence
            whole.append(part)
        for a, b in spans:
            if begin <= a and b <= end:
                whole.append(passage_text[a:b])
            elif begin <= a < end:
                cut = True
                if b - a > MAX_PART_CHARS:
                    cut_long.append(passage_text[a:end].strip())
    return Shown(whole, cut_long, cut)


def table_features(text: str, start: int, end: int, starts_mid_table: bool = False) -> list[tuple[int, int]]:
    """Spans of the feature names of a flattened phenotype table in text[start:end], or none
    when it holds no such table.

    The table starts after its header; a passage can also start inside one (passages are cut
    by word count), and then its first name may be the end of a longer one ("regurgitation" of
    "Aortic regurgitation"), so it is left out. A name must be short and read like one; the
    first that doesn't ends the table. Modes of inheritance and ages of onset, which HPO lists
    too, are no features of the disease.
    """
    header = text.find(TABLE_HEADER, start, end)
    if header >= 0:
        begin = header + len(TABLE_HEADER) + 1
    elif starts_mid_table:
        begin = start
    else:
        return []
    spans: list[tuple[int, int]] = []
    for number, frequency in enumerate(TABLE_FREQUENCY.finditer(text, begin, end)):
        name = text[begin : frequency.start()]
        words = name.split()
        if (
            not words
            or len(words) > MAX_FEATURE_WORDS
            or not name[:1].isalnum()
            or re.search(r"[.?!]\s", name)
        ):
            break
        if not (number == 0 and header < 0) and not name.lower().endswith(("inheritance", " onset")):
            spans.append((begin, frequency.start()))
        begin = frequency.end() + 1
    return spans if len(spans) >= (1 if header >= 0 else MIN_TABLE_FEATURES) else []


def quotable_spans(text: str) -> list[tuple[int, int]]:
    """A passage's sentence spans up to its reference list, if it prints one ("References
    National Library of Medicine. Aniridia. Genetics Home Reference. ..."): what follows is
    citations, cut into "sentences" that say nothing."""
    spans = sentence_spans(text)
    for at, (a, b) in enumerate(spans):
        if REFERENCES.match(text, a, b):
            return spans[:at]
    return spans


def _is_heading(sentence: str) -> bool:
    """A heading printed inline with the text ("Diagnostic Tests", "Specialists Involved") or a
    bare citation mark ("[1] [2]"): a few title-case words, or none, with no sentence's end. They
    say nothing once quoted. A list's line ("Shortness of breath", "Fever") is no heading."""
    text = sentence.strip()
    words = text.split()
    if len(words) > MAX_HEADING_WORDS or text.endswith((".", "!", "?", ":", ";", ")", '"', "”")):
        return False
    if not any(c.isalpha() for c in text):
        return True
    return len(words) >= 2 and all(w[:1].isupper() for w in words if len(w) >= 4)


def _points_elsewhere(sentence: str) -> bool:
    """A sentence that mainly sends the reader elsewhere: a short one with a pointer, or one
    whose pointer starts in its first half. A run-on list that ends "... please click here" says
    its list first, and is quoted."""
    lowered = sentence.lower()
    if not any(word in lowered for word in POINTER_WORDS):
        return False
    if POINTER_START.match(sentence):
        return True
    found = POINTER.search(sentence)
    return found is not None and (len(sentence) < MAX_POINTER_CHARS or found.start() < len(sentence) / 2)


def _joined(text: str, spans: list[tuple[int, int]]) -> tuple[str, ...]:
    """Whole sentences as verbatim parts: neighbours on the page join into one part."""
    parts: list[tuple[int, int]] = []
    for start, end in spans:
        if parts and not text[parts[-1][1] : start].strip():
            parts[-1] = (parts[-1][0], end)
        else:
            parts.append((start, end))
    return tuple(text[a:b] for a, b in parts)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def idf_table(document_frequency: dict[str, int], n_docs: int) -> dict[str, float]:
    return {t: math.log(1 + n_docs / df) for t, df in document_frequency.items() if df}
