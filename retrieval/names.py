"""Find which disease a question is about, by the names pages give it.

Names are page titles, synonyms, and abbreviations that pages define ("... tumor (IMT)"), found
with the Schwartz-Hearst algorithm. A name matches when its words, weighted by how rare they are
among all names, appear close together in the question in any order; a misspelt word counts by its
rapidfuzz similarity. Roman numerals become digits so "type II" meets "type 2". A more specific
name (more matched weight) beats a shorter one, so "Noonan syndrome 4" wins over "Noonan syndrome".

What people write is not page text, so a few readings are refused: everyday words (common in the
pages or in English) are neither misspellings nor partial names on their own; a name of everyday
or function words must come as a phrase ("passed down" is not Down syndrome); a name's number
must not clash with the question's ("type 1" is not "3"). And a word English rarely uses may
name its pages alone: a proper name ("duchenne") or a bare medical term that ends names
("cystinosis").
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from corpus.models import Passage
from retrieval.abbreviations import find_abbreviations, looks_like_abbreviation
from retrieval.analyzer import stem
from retrieval.english import KEPT_FROM, english_count
from retrieval.policy import ReadingPolicy
from retrieval.question_words import NUMBER_KEYWORDS, TYPED_WORD, QuestionWords, name_words, read_question
from retrieval.stopwords import STOP_WORDS

# The nouns English names of conditions end in, whatever the corpus: a small corpus may not show them.
COMMON_HEADS = frozenset("syndrome disease disorder deficiency dystrophy anemia ataxia palsy fever".split())
NAMES_FORMAT = 3  # bump when what NameIndex reads from passages changes: saved tables are then rebuilt


PARENTHETICAL = re.compile(r"\s*\(([^()]*)\)")
LOWER_WORD = re.compile(r"\b[a-z]{2,}\b")
NEGATIONS = frozenset({"without", "non", "no", "not"})
NAME_CONNECTORS = frozenset("a an and as at by due for in of on or the to with without".split())


@dataclass(frozen=True)
class NameEntry:
    doc_id: str
    name: str
    words: tuple[str, ...]
    kind: str  # title | synonym | abbreviation
    abbreviation: bool  # short upper-case form: matched only as written, never fuzzily
    capitals: frozenset[str] = frozenset()  # words the name writes in capitals: "as" of "AS syndrome"


KIND_RANK = {"title": 0, "synonym": 1, "abbreviation": 1, "chosen": 0, "context": 0}


@dataclass(frozen=True)
class DiseaseMatch:
    doc_id: str
    title: str
    name: str  # the name the question used
    kind: str
    coverage: float  # 0..1 share of the name's weight found in the question
    weight: float  # matched weight: how specific the mention is
    words: frozenset[str] = frozenset()  # the question's words the name was matched on
    positions: tuple[int, ...] = ()  # where in the question (the variant below) they stand
    variant: int = 0  # which reading of the question: 0 as typed, >0 an abbreviation spelt out
    similarity: float = 1.0  # the weakest matched word's: 1 exact, below ReadingPolicy.same_stem misspelt

    def of_entry(self, entry: NameEntry, title: str) -> DiseaseMatch:
        """The same match for another name spelt alike (NameIndex.entry_group): scored once."""
        return DiseaseMatch(
            entry.doc_id, title, entry.name, entry.kind, self.coverage, self.weight, self.words,
            self.positions, self.variant, self.similarity,
        )  # fmt: skip

    @property
    def score(self) -> float:
        """Specific and complete mentions win: "Noonan syndrome 4" over "Noonan syndrome"."""
        return self.weight * self.coverage**2

    @property
    def rank_key(self) -> tuple[float, int]:
        # Rounded: the same words summed in another order must tie, and then a title wins.
        return (-round(self.score, 9), KIND_RANK.get(self.kind, 1))


class NameIndex:
    """All disease names of the corpus, ready for matching against questions."""

    def __init__(self, passages: Iterable[Passage], policy: ReadingPolicy | None = None) -> None:
        self.policy = policy or ReadingPolicy()
        self.titles: dict[str, str] = {}
        self.entries: list[NameEntry] = []
        self.expansions: dict[tuple[str, ...], Counter[tuple[str, ...]]] = defaultdict(Counter)
        self.word_counts: Counter[str] = Counter()  # lower-case words of page text
        texts: dict[str, list[str]] = defaultdict(list)
        for p in passages:
            if p.doc_id not in self.titles:
                self.titles[p.doc_id] = p.title
                for name, kind in [(p.title, "title"), *((s, "synonym") for s in p.synonyms)]:
                    self._add(p.doc_id, name, kind)
            self.word_counts.update(set(LOWER_WORD.findall(p.text)))
            if p.position == 0 and "(" in p.text:
                texts[p.doc_id].append(p.text)
        names_of: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for entry in self.entries:
            names_of[entry.doc_id].append(entry.words)
        for doc_id, doc_texts in texts.items():
            own = names_of[doc_id]
            for text in doc_texts:
                for short, long in find_abbreviations(text):
                    long_words = tuple(name_words(long))
                    self.expansions[tuple(name_words(short))][long_words] += 1
                    if any(_ends_with(long_words, name) for name in own):
                        self._add(doc_id, short, "abbreviation")
        self._index()
        english_count("the")  # load the English word counts at start-up, not in a user's first question

    def to_data(self) -> dict:
        """What the passages gave the index, as JSON: saved with the search index, so a process
        starts without reading every passage again (NameIndex.from_data)."""
        return {
            "format": NAMES_FORMAT,
            "titles": self.titles,
            "entries": [
                [e.doc_id, e.name, list(e.words), e.kind, e.abbreviation, sorted(e.capitals)]
                for e in self.entries
            ],
            "expansions": [
                [list(short), [[list(long), n] for long, n in longs.items()]]
                for short, longs in self.expansions.items()
            ],
            "word_counts": self.word_counts,
        }

    @classmethod
    def from_data(cls, data: dict, policy: ReadingPolicy | None = None) -> NameIndex | None:
        """A NameIndex from to_data's JSON; None when it was written by another version."""
        if not isinstance(data, dict) or data.get("format") != NAMES_FORMAT:
            return None
        names = cls.__new__(cls)
        names.policy = policy or ReadingPolicy()
        names.titles = dict(data["titles"])
        names.entries = [
            NameEntry(doc_id, name, tuple(words), kind, bool(abbreviation), frozenset(capitals))
            for doc_id, name, words, kind, abbreviation, capitals in data["entries"]
        ]
        names.expansions = defaultdict(Counter)
        for short, longs in data["expansions"]:
            names.expansions[tuple(short)] = Counter({tuple(long): n for long, n in longs})
        names.word_counts = Counter(data["word_counts"])
        names._index()
        english_count("the")
        return names

    def _add(self, doc_id: str, name: str, kind: str) -> None:
        """Add a name; "Benign rolandic epilepsy (BRE)" adds the name and its abbreviation."""
        inner = PARENTHETICAL.search(name)
        if inner and kind != "abbreviation":
            outer = PARENTHETICAL.sub(" ", name).strip(" ,")
            if outer:
                self._add(doc_id, outer, kind)
            if looks_like_abbreviation(inner.group(1)):
                self._add(doc_id, inner.group(1), kind)
            return
        name_word_list = tuple(name_words(name))
        if not name_word_list:
            return
        if any(e.doc_id == doc_id and e.words == name_word_list for e in self._recent(doc_id)):
            return
        abbreviation = kind == "abbreviation" or looks_like_abbreviation(name)
        capitals = frozenset(w.lower() for w in TYPED_WORD.findall(name) if sum(c.isupper() for c in w) >= 2)
        self.entries.append(NameEntry(doc_id, name, name_word_list, kind, abbreviation, capitals))

    def _recent(self, doc_id: str) -> Iterable[NameEntry]:
        """Entries of the page being added (pages are added one after another)."""
        for entry in reversed(self.entries):
            if entry.doc_id != doc_id:
                return
            yield entry

    def _index(self) -> None:
        self.by_word: dict[str, list[int]] = defaultdict(list)
        self.by_stem: dict[str, set[str]] = defaultdict(set)
        for i, entry in enumerate(self.entries):
            for word in set(entry.words):
                self.by_word[word].append(i)
                self.by_stem[stem(word)].add(word)
        self.by_word = dict(self.by_word)  # a look-up of any other word must not add it as a name word
        n = len(self.entries) or 1
        entries_per_stem = {
            root: len({i for w in variants for i in self.by_word[w]})
            for root, variants in self.by_stem.items()
        }
        # Weight by stem, so "Tietz" and "Tietze" weigh the same and only similarity decides.
        self.weight = {w: math.log(1 + n / entries_per_stem[stem(w)]) for w in self.by_word}
        self.entries_by_doc: dict[str, list[int]] = defaultdict(list)
        for i, entry in enumerate(self.entries):
            self.entries_by_doc[entry.doc_id].append(i)
        self.pages_of: dict[str, set[str]] = defaultdict(set)  # spelt-out name word -> pages
        self.heads_of: dict[str, set[str]] = defaultdict(set)  # "cystinosis" -> pages named "... cystinosis"
        for entry in self.entries:
            if entry.abbreviation:
                continue
            for word in entry.words:
                self.pages_of[word].add(entry.doc_id)
            if not (len(entry.words) > 1 and entry.words[-2] in NEGATIONS):  # "... without cystinosis"
                self.heads_of[entry.words[-1]].add(entry.doc_id)
        self._placement: dict[str, Counter[str]] | None = None  # made when first asked (modifies)
        spelled = set(self.pages_of)
        self.fuzzy_words = sorted(w for w in spelled if len(w) >= 4 and not w.isdigit())
        self.fuzzy_stems = sorted({stem(w) for w in self.fuzzy_words})
        self._fuzzy_buckets = {
            "words": self._buckets(self.fuzzy_words),
            "stems": self._buckets(self.fuzzy_stems),
        }
        self._misspellings: dict[str, dict[str, float]] = {}
        # Per word, the entries that use it: summing weight x best similarity over the words a
        # question holds bounds every name's coverage at once (one weighted bincount over those
        # entries only), so only the few names that could reach family_coverage are scored word
        # by word.
        self.word_entries = {w: np.array(entries, dtype=np.int64) for w, entries in self.by_word.items()}
        self.entry_unique = [tuple(dict.fromkeys(e.words)) for e in self.entries]  # in name order
        self.entry_totals = np.array([sum(self.weight[w] for w in unique) for unique in self.entry_unique])
        # What a name's found words must weigh at least to be scored (see _candidates).
        self.entry_needs = self.policy.family_coverage * self.entry_totals - 1e-9
        self.entry_docs = np.array([e.doc_id for e in self.entries], dtype=object)
        # Entries whose words and capitals are alike score alike (a synonym many pages share, a
        # disease in several collections): scored once per question reading (match).
        groups: dict[tuple, int] = {}
        self.entry_group = [
            groups.setdefault((e.words, e.abbreviation, e.capitals), len(groups)) for e in self.entries
        ]

    def add_topics(self, topics: Iterable[tuple[str, str, Iterable[str]]]) -> None:
        """Register (doc_id, title, names) of pages added later, such as a published answer
        about a disease the corpus has no page for; re-indexes once for all of them."""
        for doc_id, title, names in topics:
            self.titles.setdefault(doc_id, title)
            for name in names:
                self._add(doc_id, name, "synonym")
        self._index()

    def is_common(self, word: str) -> bool:
        """An everyday word (seen lower-case in page text, or common in English): weak evidence
        of a disease name. "I got a tattoo" does not mention tattoo dysplasia."""
        english = english_count(word)
        return (
            word in STOP_WORDS
            or english >= self.policy.everyday_english
            or (self.word_counts[word] >= 2 and english >= KEPT_FROM)
        )

    def pages_named_by(
        self,
        question_words: Iterable[str],
        question: str | QuestionWords,
        exclude: frozenset[str] = frozenset(),
    ) -> set[str]:
        """Pages whose names use all these words, as typed, when each names a disease by itself:
        a word of four letters or more that English rarely uses and that is either a proper
        name (page text never writes it in lower case: "duchenne") or, typed without a word
        qualifying it, the head of names ("with cystinosis", but not "cystic fibrosis" for
        "Congenital hepatic fibrosis"). A reader takes "diagnosed with duchenne" for one of
        the few pages named "Duchenne ...", but "a cortisone shot" is not cortisone reductase
        deficiency, nor "his puppet" happy puppet syndrome."""
        if self.qualified(question_words, question):
            return set()
        pages: set[str] | None = None
        words_ = list(question_words)
        if all(word in COMMON_HEADS or word in NUMBER_KEYWORDS or word[:1].isdigit() for word in words_):
            return set()  # "syndrome" or "type 2" alone names nothing
        for word in words_:
            if word in NUMBER_KEYWORDS or word[:1].isdigit():
                continue  # "type 2": the linker checks types against the pages' own
            if word in COMMON_HEADS:  # "Pompe disease": the head word is no name, but names hold it
                named = self.pages_of.get(word, set())
                pages = named if pages is None else pages & named
                continue
            if len(word) < 4 or word in STOP_WORDS or english_count(word) >= KEPT_FROM:
                return set()
            if not self.word_counts[word]:
                named = self.pages_of.get(word, set())
            else:  # a medical term: only as the head of names
                named = self.heads_of.get(word, set())
            pages = named if pages is None else pages & named
            if not pages:
                return set()
        return (pages or set()) - exclude

    def qualified(self, question_words: Iterable[str], question: str | QuestionWords) -> bool:
        """True when a word the question puts before the matched words makes it another
        disease: "cystic fibrosis" is not "Congenital hepatic fibrosis", nor "sickle cell
        anemia" "Fanconi anemia". "with cystinosis" and "about Usher syndrome" are bare."""
        words = set(question_words)
        typed = (read_question(question) if isinstance(question, str) else question).words
        starts = [i for i, w in enumerate(typed) if w in words and (i == 0 or typed[i - 1] not in words)]
        return bool(starts) and all(
            i > 0 and typed[i - 1] not in STOP_WORDS and typed[i - 1] not in NAME_CONNECTORS for i in starts
        )

    def can_name_family(self, question_words: frozenset[str], question: str | QuestionWords) -> bool:
        """Whether words a question shares with several names may stand for that family.

        Not: words found by a misspelling ("crones" for "cone dystrophy": a guess upon a guess),
        words a qualifier turns into another disease ("cystic fibrosis"), everyday English alone
        ("hand foot and mouth disease" is no "Split hand foot malformation"), words many names
        share ("families with rare diseases" is no "Familial ... disease"), and one medical term
        ("anemia"), which pages_named_by handles with all its pages."""
        return (
            self.spelt_right(question_words)
            and not self.qualified(question_words, question)
            and not (len(question_words) == 1 and self.word_counts[next(iter(question_words))])
            and any(
                english_count(w) < self.policy.everyday_english and w not in STOP_WORDS
                for w in question_words
            )
            and self.distinctive(question_words)
        )

    def distinctive(self, question_words: Iterable[str]) -> bool:
        """Some word is one few names share (not "familial", "disease", "autosomal dominant")."""
        weights = (
            self.weight.get(name_word, 0.0)
            for w in question_words
            for name_word in ({w} | self.by_stem.get(stem(w), set()))
            if name_word not in STOP_WORDS
        )
        return max(weights, default=0.0) >= self.policy.distinctive_share * math.log(1 + len(self.entries))

    def spelt_right(self, question_words: Iterable[str]) -> bool:
        """Every word is a name word, or a form of one ("tumors" for "tumor")."""
        return all(
            w in self.by_word or any(self.inflection(w, o) for o in self.by_stem.get(stem(w), ()))
            for w in question_words
        )

    def inflection(self, word: str, other: str) -> bool:
        """Whether two words are forms of one ("tumors", "tumor"): the same stem, and not one
        word English uses every day while it never uses the other. An everyday word's forms are
        everyday words too ("pains", "coats"), so "Paine" is no form of "pain", only a name the
        stemmer cuts alike (and, if anything, a misspelling of it)."""
        if stem(word) != stem(other):
            return False
        counts = sorted((english_count(word), english_count(other)))
        return not (counts[0] == 0 and counts[1] >= self.policy.everyday_english)

    def placements(self) -> dict[str, Counter[str]]:
        """Word -> {"before": n, "last": n} over all names: made when first asked (few questions
        need it, so `gardbot search` never waits for it; a chat process makes it at start)."""
        if self._placement is None:
            self._placement = defaultdict(Counter)
            for entry in self.entries:
                if not entry.abbreviation:
                    for name_word, place in _placements(entry.name):
                        self._placement[name_word][place] += 1
        return self._placement

    def modifies(self, word: str, exclude: frozenset[str] = frozenset()) -> bool:
        """Whether names use the word to qualify another more often than to end a phrase:
        "idiopathic", "congenital", "steroid" ("steroid-resistant nephrotic syndrome"), not
        "scoliosis" or "deafness". GARD also writes qualifiers after a comma ("Nephrotic
        syndrome, idiopathic, steroid-resistant"); most names put them first. Names of excluded
        pages don't count."""
        counts = Counter(self.placements().get(word, {}))
        for doc_id in exclude:
            for entry in self.entries_of(doc_id):
                if not entry.abbreviation:
                    counts.subtract(place for w, place in _placements(entry.name) if w == word)
        return counts["before"] > counts["last"]

    def entries_of(self, doc_id: str) -> list[NameEntry]:
        return [self.entries[i] for i in self.entries_by_doc.get(doc_id, ())]

    def name_with(self, doc_id: str, question_words: Iterable[str]) -> str:
        """The page's first name that uses all these words, or its title."""
        wanted = set(question_words)
        names = (e.name for e in self.entries if e.doc_id == doc_id and wanted <= set(e.words))
        return next(names, self.titles[doc_id])

    # --- matching -------------------------------------------------------------------------

    def variants(self, question: str) -> list[QuestionWords]:
        """The question's words, plus versions with each defined abbreviation spelt out."""
        base = read_question(question)
        variants = [base]
        for i in range(min(len(base.words), self.policy.max_match_words)):
            for n in (1, 2, 3):
                short = tuple(base.words[i : i + n])
                if len(short) < n or short not in self.expansions:
                    continue
                if not self.typed_as_abbreviation(short[0], base):
                    continue
                named = self._longer_name_at(base, i, n)
                for long_words, _ in self.expansions[short].most_common(3):
                    if named and not any(set(long_words) <= set(words) for words in named):
                        continue  # "EEC syndrome" is a title: not "exstrophy-epispadias complex"
                    variants.append(
                        QuestionWords(
                            base.words[:i] + list(long_words) + base.words[i + n :],
                            base.groups[:i] + [base.groups[i]] * len(long_words) + base.groups[i + n :],
                            base.upper,
                            base.all_lower,
                            base.capitalized[:i] + [True] * len(long_words) + base.capitalized[i + n :],
                            base.chunks,
                            (i, n, len(long_words)),
                        )
                    )
        return variants

    def _longer_name_at(self, question: QuestionWords, i: int, n: int) -> list[tuple[str, ...]]:
        """When a name a page lists (title or synonym, not an abbreviation mined from text)
        starts with the n-word abbreviation at i and goes on with the words after it, spelt
        exactly ("EEC syndrome" is a page's title), the words of every name of such pages: an
        expansion none of them holds ("exstrophy-epispadias complex", which other pages call
        EEC) is not what the question means. Empty when no such name is typed."""
        words = tuple(question.words)
        pages = {
            entry.doc_id
            for k in self.by_word.get(words[i], ())
            if (entry := self.entries[k]).kind != "abbreviation"
            and len(entry.words) > n
            and words[i : i + len(entry.words)] == entry.words
        }
        return [entry.words for doc_id in sorted(pages) for entry in self.entries_of(doc_id)]

    def typed_as_abbreviation(self, word: str, question: QuestionWords) -> bool:
        """An abbreviation as typed: "PNH", or "pnh" from someone who types no capitals.

        Never "hit" in "My son hit his head": that writer uses capitals."""
        if word in question.upper:
            return True
        return question.all_lower and len(word) >= 3 and not self.is_common(word)

    def _similar(
        self, question: QuestionWords, everyday: set[int], exclude: frozenset[str] = frozenset()
    ) -> dict[str, list[tuple[int, float]]]:
        """Name word -> [(question position, similarity 0..1)]: exact, same stem, or misspelt.
        Fills `everyday` with the positions of everyday words. Words only excluded pages use
        are unknown."""
        found: dict[str, list[tuple[int, float]]] = defaultdict(list)
        known = (lambda w: w in self.by_word) if not exclude else (lambda w: self.is_name_word(w, exclude))
        for position, word in enumerate(question.words[: self.policy.max_match_words]):
            if known(word):
                found[word].append((position, 1.0))
            for other in self.by_stem.get(stem(word), ()):
                if other != word and known(other) and self.inflection(word, other):
                    found[other].append((position, self.policy.same_stem))
            common = self.is_common(word)
            if common:
                everyday.add(position)
            if len(word) < 4 or word.isdigit() or english_count(word) >= self.policy.everyday_english:
                continue  # a correctly spelt everyday English word is no misspelt name
            if known(word) and self.word_counts[word]:
                continue  # nor is a medical term some name spells the same: "astrocytoma"
            # A correctly spelt everyday word ("bowel") is rarely a misspelt name ("Bowen").
            penalty = self.policy.same_stem * (self.policy.common_word_fuzz if common else 1.0)
            ratios = self._misspelt(word)
            for other, ratio in ratios.items():
                if stem(other) == stem(word):
                    if self.inflection(word, other):
                        continue  # found above
                    ratio = fuzz.ratio(word, other)  # the stems' ratio would call it spelt right
                if known(other) and _digits(other) == _digits(word) and ratio >= self.policy.fuzzy_cutoff:
                    found[other].append((position, ratio / 100.0 * penalty))
        return found

    def _misspelt(self, word: str) -> dict[str, float]:
        """Name words a word may be a misspelling of, with rapidfuzz ratios (0-100), by the word
        and by its stem. Remembered per word: questions repeat words, names don't change between
        _index calls."""
        cached = self._misspellings.get(word)
        if cached is not None:
            return cached
        ratios: dict[str, float] = {}
        for other, ratio, _ in process.extract(
            word, self._near("words", word), scorer=fuzz.ratio, score_cutoff=self.policy.fuzzy_cutoff, limit=4
        ):
            ratios[other] = ratio
        root = stem(word)
        for similar_root, ratio, _ in process.extract(
            root, self._near("stems", root), scorer=fuzz.ratio, score_cutoff=self.policy.fuzzy_cutoff, limit=4
        ):
            for other in self.by_stem[similar_root]:
                ratios[other] = max(ratios.get(other, 0.0), ratio)
        if len(self._misspellings) < self.policy.misspellings_kept:
            self._misspellings[word] = ratios
        return ratios

    def _near(self, kind: str, word: str) -> list[str]:
        """Name words (or stems) a misspelling of `word` may be: long enough and short enough to
        reach fuzzy_cutoff (ratio = 2 * matches / (a + b) <= 2 * min / (a + b)), and starting
        alike (the same first letter, or the first two swapped or one of them dropped). Typos
        seldom touch the first letter, and the linker doubts those that do; looking only here
        makes the search a small share of a scan of every name word."""
        share, length = self.policy.fuzzy_cutoff / 100.0, len(word)
        shortest = math.ceil(share * length / (2 - share) - 1e-9)
        longest = math.floor((2 - share) * length / share + 1e-9)
        out: list[str] = []
        for position, letter in ((0, word[0]), (0, word[1:2]), (1, word[0])):
            lengths, pool = self._fuzzy_buckets[kind][position].get(letter, ((), ()))
            out.extend(pool[bisect_left(lengths, shortest) : bisect_right(lengths, longest)])
        return out

    def _buckets(self, pool: list[str]) -> list[dict[str, tuple[list[int], list[str]]]]:
        """Words by their first and by their second letter, each list sorted by length."""
        out: list[dict[str, tuple[list[int], list[str]]]] = []
        for position in (0, 1):
            grouped: dict[str, list[str]] = defaultdict(list)
            for w in pool:
                grouped[w[position : position + 1]].append(w)
            out.append(
                {
                    letter: ([len(w) for w in sorted(ws, key=len)], sorted(ws, key=len))
                    for letter, ws in grouped.items()
                }
            )
        return out

    def is_name_word(self, word: str, exclude: frozenset[str] = frozenset()) -> bool:
        """Whether some name of a page not excluded uses this word."""
        entries = self.by_word.get(word, ())
        return bool(entries) and (not exclude or any(self.entries[i].doc_id not in exclude for i in entries))

    def match(
        self,
        question: str,
        limit: int = 10,
        exclude: frozenset[str] = frozenset(),
        readings: list[QuestionWords] | None = None,
    ) -> list[DiseaseMatch]:
        """Diseases the question names, best first; at most one match per page. `exclude` hides
        pages' names, as if the corpus had no such pages (leave-one-page-out evaluation).
        `readings` are the question's variants when the caller has them already."""
        best: dict[str, DiseaseMatch] = {}
        all_readings = readings if readings is not None else self.variants(question)
        for number, variant in enumerate(all_readings):
            everyday: set[int] = set()
            similar = self._similar(variant, everyday, exclude)
            # name words found only where everyday words stand: few of them name nothing
            only_there = {w for w, hits in similar.items() if all(p in everyday for p, _ in hits)}
            everyday_at = (everyday, only_there)
            scored: dict[int, DiseaseMatch | None] = {}  # per group of entries spelt alike
            for i in self._candidates(similar, exclude):
                group = self.entry_group[i]
                if group not in scored:
                    match = scored[group] = self._score(i, similar, variant, everyday_at, number)
                elif (first := scored[group]) is not None:
                    match = first.of_entry(self.entries[i], self.titles[self.entries[i].doc_id])
                else:
                    match = None
                if match and (
                    match.doc_id not in best or self._better(match, best[match.doc_id], all_readings)
                ):
                    best[match.doc_id] = match
        return _first_names(sorted(best.values(), key=lambda m: (*m.rank_key, m.doc_id)), limit)

    def _better(self, new: DiseaseMatch, old: DiseaseMatch, readings: Sequence[QuestionWords]) -> bool:
        """Whether `new` is the better of two matches of one page. A name the page lists (title
        or synonym), typed whole as the question has it, beats a match of a reading that spells
        an abbreviation out with a long form mined from the pages, however much that title
        weighs, when the spelt-out match is too partial to link (below min_coverage: "What is
        PFAPA?", not half of the title through "periodic fever ... cervical adenitis", a
        compound the title doesn't cover) or stands for fewer of the words typed ("MELAS
        syndrome" and "AADC deficiency" are synonyms; their titles stand for "MELAS" and "AADC"
        alone). An abbreviation mined from the page's text is no such name: "FAP" on
        MYH-associated polyposis's page is another condition's."""
        if (new.variant == 0) != (old.variant == 0):
            typed, spelt = (new, old) if new.variant == 0 else (old, new)
            if typed.kind != "abbreviation" and typed.coverage >= 1.0 - 1e-9:
                stands_for = readings[spelt.variant].typed_positions(spelt.positions)
                if spelt.coverage < self.policy.min_coverage or len(stands_for) < len(set(typed.positions)):
                    return new is typed
        return new.rank_key < old.rank_key

    def _candidates(self, similar: dict[str, list[tuple[int, float]]], exclude: frozenset[str]) -> list[int]:
        """Entries whose coverage could reach family_coverage: weight x best similarity, summed
        over the words found, bounds it from above (proximity and other penalties only lower it)."""
        if not similar:
            return []
        entries = [self.word_entries[word] for word in similar]
        gains = np.repeat(
            [self.weight[word] * max(s for _, s in hits) for word, hits in similar.items()],
            [len(found) for found in entries],
        )
        bound = np.bincount(np.concatenate(entries), gains, minlength=len(self.entries))
        possible = np.flatnonzero(bound >= self.entry_needs)
        if exclude:
            possible = [i for i in possible if self.entry_docs[i] not in exclude]
        return [int(i) for i in possible]

    def _score(
        self,
        i: int,
        similar: dict[str, list[tuple[int, float]]],
        question: QuestionWords,
        everyday_at: tuple[set[int], set[str]],
        variant: int = 0,
    ) -> DiseaseMatch | None:
        """How well the question holds name entry i: a match with its coverage (weighted share of
        the name's words found, halved when scattered or splitting a compound) and positions,
        or None when the words found name nothing by themselves. `everyday_at`: the positions
        of everyday words, and the name words found only there."""
        everyday, everyday_words = everyday_at
        entry, unique = self.entries[i], self.entry_unique[i]
        if entry.abbreviation:
            return self._abbreviation_match(entry, unique, question, variant)
        total = float(self.entry_totals[i])
        matched = [w for w in unique if w in similar]
        if not matched or total <= 0 or all(w[:1].isdigit() or w in NUMBER_KEYWORDS for w in matched):
            return None  # "type 1" or "type 1A" alone names nothing
        if all(w in everyday_words for w in matched) and self._few_distinctive(unique, matched, similar):
            return None  # everyday words wherever they are placed (_only_everyday_words), decided early
        coverage, gained, positions = self._best_placement(unique, matched, similar, question, total)
        if (
            coverage < self.policy.family_coverage
            or self._lower_case_acronym(entry, matched, positions, question)
            or self._only_everyday_words(unique, matched, positions, similar, everyday)
            or self._scattered_everyday_words(entry.words, matched, positions, everyday)
            or self._other_number(unique, matched, positions, question)
        ):
            return None
        used = frozenset(question.words[p] for p in positions)
        weakest = min(
            max(s for p, s in similar[w] if p == at) for w, at in zip(matched, positions, strict=True)
        )
        return DiseaseMatch(
            entry.doc_id,
            self.titles[entry.doc_id],
            entry.name,
            entry.kind,
            coverage,
            gained,
            used,
            tuple(positions),
            variant,
            weakest,
        )

    def _abbreviation_match(
        self, entry: NameEntry, unique: list[str], question: QuestionWords, variant: int
    ) -> DiseaseMatch | None:
        """An abbreviation matches only where the question types it as one (see _abbreviation_at)."""
        at = self._abbreviation_at(entry.words, question)
        if at is None:
            return None
        return DiseaseMatch(
            entry.doc_id,
            self.titles[entry.doc_id],
            entry.name,
            entry.kind,
            1.0,
            sum(self.weight[w] for w in unique),
            frozenset(unique),
            tuple(range(at, at + len(entry.words))),
            variant,
        )

    def _best_placement(
        self,
        unique: list[str],
        matched: list[str],
        similar: dict[str, list[tuple[int, float]]],
        question: QuestionWords,
        total: float,
    ) -> tuple[float, float, list[int]]:
        """(coverage, weight gained, positions) of the best placement of the matched words around
        each place the heaviest of them occurs."""
        anchor_word = max(matched, key=lambda w: self.weight[w])
        anchor_at = unique.index(anchor_word)
        # of two hits as near the anchor, the one on the name word's side of it: "Marfan syndrome
        # and Ehlers-Danlos | syndrome"
        after = {word: unique.index(word) > anchor_at for word in matched}
        best: tuple[float, float, list[int]] | None = None
        for anchor, _ in similar[anchor_word]:
            positions, gained = [], 0.0
            for word in matched:
                hits = similar[word]
                position, similarity = (
                    hits[0]
                    if len(hits) == 1
                    else max(hits, key=lambda h: (h[1], -abs(h[0] - anchor), (h[0] > anchor) == after[word]))
                )
                positions.append(position)
                gained += self.weight[word] * similarity
            coverage = gained / total
            if max(positions) - min(positions) + 1 > len(unique) + self.policy.proximity_slack:
                coverage *= 0.5
            if self._splits_compound(positions, question, unique):
                coverage *= 0.5
            if best is None or coverage > best[0]:
                best = (coverage, gained, positions)
        assert best is not None  # the anchor word was found at least once
        return best

    def _only_everyday_words(
        self,
        unique: list[str],
        matched: list[str],
        positions: list[int],
        similar: dict[str, list[tuple[int, float]]],
        everyday: set[int],
    ) -> bool:
        """True for a mention made of one everyday word: "book me an appointment" is not Book
        syndrome, "hardly" is not Achard syndrome. Two distinctive words in a row ("cholestasis
        of pregnancy") or an unusual word ("Tay") are a real mention."""
        if not all(p in everyday for p in positions):
            return False
        return self._few_distinctive(unique, matched, similar)

    def _few_distinctive(
        self, unique: list[str], matched: list[str], similar: dict[str, list[tuple[int, float]]]
    ) -> bool:
        """Of everyday words found, whether too few say which name: not the whole name spelt
        exactly, and fewer than two distinctive words (see _only_everyday_words)."""
        exact = all(max(s for _, s in similar[w]) >= self.policy.same_stem for w in matched)
        if exact and len(matched) == len(unique):
            return False
        distinctive = [
            w for w in matched if self.weight[w] >= self.policy.generic_weight and w not in STOP_WORDS
        ]
        return len(distinctive) < 2

    def _scattered_everyday_words(
        self, name: Sequence[str], matched: list[str], positions: list[int], everyday: set[int]
    ) -> bool:
        """True for a name of everyday words found out of order or apart: "is Marfan syndrome
        passed down" does not mention Down syndrome. The same holds for any name with a function
        word in it: "Is Mucopolysaccharidosis type I inherited?" is not "Mucopolysaccharidosis
        Is". Connecting words ("of", "with") may fall anywhere, and so may a word the name
        repeats, which holds one place of several ("T-cell negative, B-cell negative")."""
        function_word = any(w in STOP_WORDS and w not in NAME_CONNECTORS for w in matched)  # "Is" in "MPS Is"
        if not function_word and not all(p in everyday for p in positions):
            return False
        where = dict(zip(matched, positions, strict=True))
        once = [w for w in dict.fromkeys(name) if name.count(w) == 1 and w not in NAME_CONNECTORS]
        in_name_order = [where[w] for w in once if w in where]
        if len(in_name_order) < 2:
            return False
        ascending = all(a < b for a, b in zip(in_name_order, in_name_order[1:], strict=False))
        return not ascending or max(in_name_order) - min(in_name_order) > len(dict.fromkeys(name))

    def _lower_case_acronym(
        self, entry: NameEntry, matched: list[str], positions: list[int], question: QuestionWords
    ) -> bool:
        """True when a name's acronym that is also an everyday word was typed as the word: "learn
        as much as possible about SHORT syndrome" does not name "AS syndrome". Someone who types
        no capitals at all must at least type the name's words together."""
        common = [w for w in matched if w in entry.capitals and w not in question.upper and self.is_common(w)]
        if not common:
            return False
        together = max(positions) - min(positions) + 1 == len(set(positions))
        return not (question.all_lower and together)

    @staticmethod
    def _other_number(
        unique: list[str], matched: list[str], positions: list[int], question: QuestionWords
    ) -> bool:
        """True when the name's number is missing and the question gives another next to the
        name: "SMA type 1" is not "SMA 3", "Usher syndrome type 2" is not "type 1B". A number
        that begins the name's ("2" of "2A") asks for the family, which is no clash."""
        numbers = {w for w in unique if w[:1].isdigit()}
        if not numbers or numbers & set(matched):
            return False
        nearby = question.words[max(0, min(positions) - 2) : max(positions) + 4]
        return any(
            w[:1].isdigit() and len(w) <= 4 and w not in numbers and not any(n.startswith(w) for n in numbers)
            for w in nearby
        )

    def _abbreviation_at(self, abbreviation: tuple[str, ...], question: QuestionWords) -> int | None:
        """Where an abbreviation stands, written out exactly and typed as one (see above)."""
        n = len(abbreviation)
        return next(
            (
                i
                for i in range(len(question.words) - n + 1)
                if tuple(question.words[i : i + n]) == abbreviation
                and self.typed_as_abbreviation(abbreviation[0], question)
            ),
            None,
        )

    @staticmethod
    def _splits_compound(positions: list[int], question: QuestionWords, name: Sequence[str] = ()) -> bool:
        """True when the name covers only part of a hyphenated word: May-Thurner is not Turner.
        A word the name repeats covers each place ("Hailey-Hailey disease")."""
        if not question.hyphenated:
            return False
        used = set(positions)
        groups = {question.groups[p] for p in used}
        return any(
            question.groups[p] in groups and p not in used and question.words[p] not in name
            for p in range(len(question.words))
        ) and any(question.groups.count(g) > 1 for g in groups)


def _first_names(ranked: list[DiseaseMatch], limit: int) -> list[DiseaseMatch]:
    """The matches of the `limit` best names: pages that share one name found in one place
    count once ("Ehlers-Danlos syndrome" names ten pages; "Marfan syndrome and Ehlers-Danlos
    syndrome" still has Marfan syndrome among them)."""
    kept: list[DiseaseMatch] = []
    names: set[tuple[str, tuple[int, ...]]] = set()
    for match in ranked:
        key = (match.name.lower(), match.positions)
        if key not in names:
            if len(names) >= limit:
                break
            names.add(key)
        kept.append(match)
    return kept


def _placements(name: str) -> Iterable[tuple[str, str]]:
    """Each content word of a name with its place in its comma-separated part: "before" another
    word, or "last"."""
    for part in re.split(r"[,;()]", name):
        content = [w for w in name_words(part) if w not in NAME_CONNECTORS]
        for k, word in enumerate(content):
            yield word, "last" if k == len(content) - 1 else "before"


def _digits(word: str) -> str:
    """A word's digits: "brca1" is no misspelt "brca2", whatever the letters say."""
    return "".join(c for c in word if c.isdigit())


def _ends_with(words_: tuple[str, ...], name: tuple[str, ...]) -> bool:
    return len(name) > 0 and (words_[-len(name) :] == name or name[-len(words_) :] == words_)
