"""Link the disease a question names to a page, a choice of pages, or to no page at all (NIL).

Name matching (names.py) finds candidate pages whose names share words with the question. That
alone links a disease the corpus lacks to whatever page has a similar name: "Sjogren-Larsson
syndrome" to "Sjogren-Larsson-like syndrome", "Acquired hemophilia" to "Hemophilia". So the
linker reads the question the other way round too:

1. **Mentions.** The runs of words that look like they name a condition: name words, words
   English rarely uses ("scheuermann"), words typed with a capital mid-sentence, with the
   connectors, numbers and hyphenated parts that hold them together. A mention is *disease
   shaped* when it ends in a head word many names end in ("syndrome", "disease"), is typed as an
   acronym or a possessive eponym, or holds a capitalised word nobody's name uses.
2. **Features.** For the page a question would be answered from: how much of the page's name the
   question holds (coverage), how much of the mention the name leaves unexplained, how misspelt
   the weakest matched word is (and whether two edits or more off), whether BM25 ranks the page
   first, and whether the name is an abbreviation.
3. **A calibrated probability** that the page is the disease meant: a logistic model fitted on
   questions generated from the corpus (`gardbot eval --linking --fit`), positives being names,
   synonyms, abbreviations and typos of pages, negatives the same questions asked with the page
   left out, so that the right answer is "no page". A link needs `ReadingPolicy.link_probability`;
   below it, the answer is NIL, naming the mention when there is one.

As in bm25s, each formula is one small function and every tunable is in one policy object.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein

from retrieval.abbreviations import find_abbreviations, spelt_out_before
from retrieval.analyzer import stem
from retrieval.english import KEPT_FROM, english_count, english_family_count
from retrieval.names import COMMON_HEADS, NAME_CONNECTORS, NEGATIONS, DiseaseMatch, NameIndex
from retrieval.policy import ReadingPolicy
from retrieval.question_words import NUMBER_KEYWORDS, QuestionWords, name_words
from retrieval.stopwords import STOP_WORDS

# Words that ask something rather than name something: the section cues of qtype.py and the verbs
# of asking. They end a mention: "Marfan syndrome inherited" names Marfan syndrome.
QUESTION_WORDS = frozenset(
    """
    symptom symptoms sign signs feature features cause causes caused causing treat treated treating
    treatment treatments therapy cure cured cures inherit inherited inheritance hereditary genetic
    diagnose diagnosed diagnosis test tests tested testing prognosis outlook risk risks chance chances
    help information info learn explain mean means meaning common rare serious contagious life
    expectancy happen happens affect affects affected treatable curable preventable contagious
    incidence prevalence frequency
    """.split()
)
# Subject pronouns: the word after one is a verb, no part of a name ("can you | outgrow X")
SUBJECTS = frozenset("i you we he she they".split())
# How a disease is inherited, asked as a predicate: "Is Fabry disease X-linked?"
MODE_NAMES = frozenset("autosomal dominant recessive linked mitochondrial".split())
INHERITANCE_MODES = MODE_NAMES | {"x", "y", "or", "and"}
# What may stand between two conditions asked about together ("X and Y", "X, Y, and Z", "X / Y")
LIST_GAPS = (("and",), ("or",), ("vs",), ("versus",), ("and", "or"), ("related", "to"), ("linked", "to"))
# ... and between two whole names when no page has the name they make together: "megalocytic
# interstitial nephritis with malakoplakia" (but "Dextrocardia with situs inversus" is one page's)
JOINED_GAPS = (*LIST_GAPS, ("with",))
# Prepositions STOP_WORDS lacks: a name never holds them, so they stand apart from one ("X besides Y")
PREPOSITIONS = frozenset(
    "besides except excluding including regarding concerning despite versus vs via among amongst "
    "throughout within beyond toward towards upon".split()
)
# How bad a case is says nothing about which disease it is: "severe hemophilia" is hemophilia.
SEVERITY = frozenset({"mild", "mildly", "moderate", "severe", "severely", "very", "bad"})
# Connectors inside names ("carcinoma of the head and neck", "due to", "with"); "in a child" and
# "for my son" end a mention. A list of conditions ("autism and fragile X syndrome") is told from
# one name with "and" in it by the other whole names it holds (Linker.decide).
INNER_CONNECTORS = frozenset({"of", "the", "and", "with", "without", "due", "to"})  # see decide()
AUXILIARIES = frozenset("do does did can could will would should may might must".split())
NAMED_TYPE_WORDS = 2  # words naming a type before "type" after a comma: "classic", "hypermobility"
WH_SUBJECTS = frozenset({"what", "which", "who"})  # "What | distinguishes X": the verb comes next
OPENING = ("(", "[", "{", "/")  # an aside or an alternative opens: a pause ("fever (FMF)", "X /Y")
ARTICLES = frozenset({"a", "an", "the"})  # "and a heart murmur" goes on listing; "and I am" does not
FEATURES = (
    "bias",
    "coverage",
    "unexplained",
    "misspelt",
    "far_misspelling",
    "bm25_agrees",
    "abbreviation",
    "partial",
    "missing_modifier",
    "first_letter",
)


class WholeName(Enum):
    """How a name spelt whole stands to the words next to it (Linker.whole_name)."""

    SAME = "same"  # nothing of the name's phrase is left over: the page is meant
    BROADER = "broader"  # qualified ("mosaic Turner syndrome"): the page covers it in general
    OTHER = "other"  # another disease's name holds it ("Bannayan-Riley-Ruvalcaba syndrome")


@dataclass(frozen=True)
class Mention:
    """A run of question words that looks like it names a condition."""

    start: int  # first word position in the question reading (QuestionWords.words)
    end: int  # one past the last
    words: tuple[str, ...]
    text: str  # as typed: "Scheuermann disease"
    shaped: bool  # disease shaped: a head word, a type, an acronym or a possessive eponym
    headed: bool = False  # a whole name: words before a head word ("Sjogren-Larsson syndrome")


@dataclass(frozen=True)
class LinkFeatures:
    coverage: float  # share of the name's weight found in the question, head words aside (0..1)
    unexplained: float  # share of the mention's weight the name does not account for (0..1)
    misspelt: float  # 1 - similarity of the weakest matched word (0 exact, ~0.2 a typo)
    edits: int  # letters to change in the worst misspelt word (Damerau-Levenshtein; 0 exact)
    bm25_agrees: bool  # BM25 over the whole question ranks this page first
    abbreviation: bool  # matched through an abbreviation
    partial: bool  # the name is not all there (coverage below self.policy.min_coverage)
    missing_modifier: float  # share of the name's weight in words the question lacks, head words
    # aside: "Intrahepatic" of "cholestasis of pregnancy" (0.3), not "syndrome" of "tourettes" (0)
    first_letter: bool  # a misspelt word starts with another letter: "Raine" for "Paine" (typos rarely do)
    far_misspelling: bool = False  # edits >= ReadingPolicy.far_edits: typing slips one letter, and a
    # word two off a name is more often another name ("Bowen", "Brown"; "Pearson", "Pierson")

    def vector(self) -> tuple[float, ...]:
        return (
            1.0,
            self.coverage,
            self.unexplained,
            self.misspelt,
            float(self.far_misspelling),
            float(self.bm25_agrees),
            float(self.abbreviation),
            float(self.partial),
            self.missing_modifier,
            float(self.first_letter),
        )


@dataclass(frozen=True)
class LinkDecision:
    """What the question names: `page` (linked), or NIL with the `missing` name if any."""

    linked: bool
    probability: float
    features: LinkFeatures | None = None
    mention: Mention | None = None
    missing: str = ""  # the name of a disease the corpus has no page for
    extra: dict = field(default_factory=dict)
    broader: str = ""  # linked, but the question named something more specific: "mosaic Turner syndrome"
    whole: bool = False  # decided by the whole name the question spells (Linker.whole_name), not the model


def logistic(coefficients: tuple[float, ...], vector: tuple[float, ...]) -> float:
    """P(right page) = 1 / (1 + exp(-w . x))."""
    z = sum(w * x for w, x in zip(coefficients, vector, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def unexplained_share(unexplained_weight: float, explained_weight: float) -> float:
    """Share of a mention's weight that the matched name leaves out."""
    total = unexplained_weight + explained_weight
    return unexplained_weight / total if total > 0 else 0.0


class Linker:
    """Mentions, features and the link/NIL decision over one NameIndex."""

    def __init__(self, names: NameIndex, policy: ReadingPolicy | None = None) -> None:
        self.names = names
        self.policy = policy or names.policy
        ends: dict[str, int] = {}
        starts: dict[str, int] = {}
        for entry in names.entries:
            if len(entry.words) >= 2 and not entry.abbreviation:
                ends[entry.words[-1]] = ends.get(entry.words[-1], 0) + 1
                starts[entry.words[0]] = starts.get(entry.words[0], 0) + 1
        least = max(2.0, self.policy.head_share * len(names.entries))
        # A head ends names and seldom starts one: "syndrome", not "familial" ("Familial X", "X, familial")
        self.heads = COMMON_HEADS | frozenset(
            w
            for w, n in ends.items()
            if n >= least and starts.get(w, 0) * 4 < n and not w.isdigit() and w not in NAME_CONNECTORS
        )

    # --- mentions ---------------------------------------------------------------------------

    def mentions(
        self,
        question: QuestionWords,
        exclude: frozenset[str] = frozenset(),
        must: frozenset[int] = frozenset(),
    ) -> list[Mention]:
        """Runs of name-like words; positions in `must` (a matched name) always belong.

        Cores are words that name things by themselves (see _name_like). A core grows over
        everyday words that are name words ("Acquired", "childhood", "lethal"), the other parts
        of a hyphenated word, up to two connectors before another name-like word ("carcinoma of
        the head"), and the numbers and letters of a type ("type 1A", "hemophilia A").
        """
        words = question.words
        core = self._cores(question, exclude, must)
        runs: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            if not core[i]:
                i += 1
                continue
            start = i
            while (
                start > 0
                and not self._pause(question, start - 1)
                and self._qualifier(words[start - 1], exclude)
            ):
                start -= 1
            end = self._run_end(question, core, i + 1, exclude)
            runs.append((start, end))
            i = end
        return [self._mention(question, start, end) for start, end in runs]

    def _cores(self, question: QuestionWords, exclude: frozenset[str], must: frozenset[int]) -> list[bool]:
        """Per word, whether it is a mention's core: name-like, in `must`, part of a hyphenated
        core word, or a plain word held between a core and a head word or after "of (the)"."""
        words = question.words
        n = len(words)
        core = [i in must or self._name_like(question, i, exclude) for i in range(n)]
        for i in range(n):  # a hyphenated word is one: "Sjogren-Larsson-like"
            if not core[i] and words[i] not in STOP_WORDS:
                same_word = (j for j in range(n) if j != i and question.groups[j] == question.groups[i])
                core[i] = any(core[j] for j in same_word)
        for i in range(1, n - 1):  # a word between a name word and a head is one: "Familial prostate cancer"
            if not core[i] and core[i - 1] and words[i + 1] in self.heads:
                core[i] = self._plain_content(question, i)
        for i in range(2, n):  # and so is one after "of" / "of the": "Adenocarcinoma of the appendix"
            of = (
                i - 1
                if words[i - 1] == "of"
                else i - 2
                if words[i - 1] == "the" and words[i - 2] == "of"
                else 0
            )
            if not core[i] and of >= 1 and self._plain_content(question, i):
                core[i] = core[of - 1] and not self._pause(question, of - 1)
        return core

    def _run_end(self, question: QuestionWords, core: list[bool], end: int, exclude: frozenset[str]) -> int:
        """Where a mention that reaches `end` stops: it grows over cores, qualifiers, head words,
        a type's labels and connectors that join name words."""
        words, n = question.words, len(question.words)
        while end < n:
            if self._pause(question, end - 1) and (
                core[end] or not (self._qualifier(words[end], exclude, True) or self._type_label(words, end))
            ):
                break  # "keratoconus. what", "cone shaped, keratoconus"; not ", type 2"
            if words[end - 1] in self.heads and not self._type_label(words, end):
                named_type = end + 1 < n and words[end + 1] in NUMBER_KEYWORDS  # "syndrome lethal type"
                if words[end] not in INNER_CONNECTORS - {"and"} and not named_type:
                    break  # a head word ends a name: "Scheuermann disease | treatable", "Rett
                    # syndrome | and seizures"
            if core[end] or self._qualifier(words[end], exclude, after=True) or words[end] in self.heads:
                end += 1  # a head word ends the name it follows: "Scheuermann disease"
            elif self._type_label(words, end):
                end += 1
            elif words[end] in INNER_CONNECTORS and any(
                core[j] or (words[end] != "and" and self._qualifier(words[j], exclude, after=True))
                for j in range(end + 1, min(n, end + 3))
                if words[j - 1] in INNER_CONNECTORS
            ):  # "and" joins name words only: "seizures and low muscle tone" is a list
                end += 1
            else:
                break
        return end

    def _plain_content(self, question: QuestionWords, i: int) -> bool:
        """A word that could be part of a name: not a function word, an asking word, a number
        or a word English uses all the time."""
        word = question.words[i]
        return (
            len(word) >= 4
            and word.isalpha()
            and word not in STOP_WORDS
            and word not in QUESTION_WORDS
            and english_count(word) < self.policy.everyday_english
            and not self._pause(question, i - 1)
        )

    @staticmethod
    def _pause(question: QuestionWords, i: int) -> bool:
        """The word at i ends a sentence or clause as typed: "disease?", "shaped,"."""
        if not question.chunks or i >= len(question.groups) or i + 1 >= len(question.groups):
            return False
        if question.groups[i] == question.groups[i + 1]:
            return False  # inside one typed word ("Sjogren-Larsson")
        return question.chunks[question.groups[i]].endswith((".", ",", "?", "!", ";", ":", "-"))

    @staticmethod
    def _break(question: QuestionWords, i: int) -> bool:
        """A pause (see _pause), or an aside or alternative after the word at i: "familial
        Mediterranean fever | (FMF)", "amyloidosis | - Dutch type", "lupus | / scleroderma"."""
        if Linker._pause(question, i):
            return True
        if (
            not question.chunks
            or i + 1 >= len(question.groups)
            or question.groups[i] == question.groups[i + 1]
        ):
            return False
        return question.groups[i + 1] - question.groups[i] > 1 or question.chunks[
            question.groups[i + 1]
        ].startswith(OPENING)

    def _around(
        self, question: QuestionWords, mentions: list[Mention], used: frozenset[int]
    ) -> list[Mention]:
        """The mentions holding a matched name, the ones glued to them (see _glued), and the
        short ones a comma joins after them, as GARD writes names ("Ehlers-Danlos syndrome,
        vascular type"). A mention before the name with a pause between stays apart: "cone
        shaped, keratoconus" names keratoconus."""
        held = [bool(used & set(range(m.start, m.end))) for m in mentions]
        subject = next((m for m, h in zip(mentions, held, strict=True) if h), None)
        # After the subject of "Does ...?" comes its verb: "Does Marfan syndrome make joints hurt?"
        most = 0 if subject is not None and self._subject(question, subject) else None
        for k in range(1, len(mentions)):  # "Dwarfism tall vertebrae": one name, read on
            held[k] = held[k] or (held[k - 1] and self._glued(question, mentions[k - 1], mentions[k], most))
        for k in range(len(mentions) - 2, -1, -1):  # "Fukuyama type muscular dystrophy"
            held[k] = held[k] or (held[k + 1] and self._glued(question, mentions[k], mentions[k + 1], 0))
        out: list[Mention] = []
        for k, mention in enumerate(mentions):
            if held[k]:
                if (
                    out
                    and k
                    and held[k - 1]
                    and out[-1].end == mentions[k - 1].end
                    and self._glued(question, mentions[k - 1], mention)
                ):
                    out[-1] = self._mention(question, out[-1].start, mention.end)  # gap words too
                else:
                    out.append(mention)
            elif (
                out
                and mention.start == out[-1].end
                and mention.end - mention.start <= self.policy.trailing_words
                and question.chunks[question.groups[out[-1].end - 1]].endswith(",")
                and (
                    any(w in NUMBER_KEYWORDS or self._number_like(w) for w in mention.words)
                    or not self._list_goes_on(question, mention)
                )
            ):
                out.append(mention)  # ", vascular type" qualifies; ", scoliosis and ..." is a list
        return out

    @staticmethod
    def _subject(question: QuestionWords, mention: Mention) -> bool:
        """Whether a mention is the subject of a question opened by "do" or a modal ("Does ...",
        "Can ..."): the words after it are then its verb, not more of its name."""
        i = mention.start - 1
        return i >= 0 and question.words[i] in AUXILIARIES and (i == 0 or Linker._pause(question, i - 1))

    def _glued(
        self, question: QuestionWords, first: Mention, second: Mention, most: int | None = None
    ) -> bool:
        """Two runs of name-like words in one phrase: nothing but a few everyday words between
        them (at most `most`, ReadingPolicy.glue_words unless given), no punctuation, no function
        or asking word (a capital letter is no gap). Words in a row with nothing to join them are
        one noun: "Dwarfism tall vertebrae", "Fukuyama type muscular dystrophy", "Hirschsprung
        disease polydactyly", "acyl-coenzyme A dehydrogenase deficiency"; "Rett syndrome and
        seizures" is two things, and so is "tietze syndrome, low muscle tone".
        Before a name, only a run that touches it joins: everyday words there are the asker's
        ("the pulmonologist suspects catamenial pneumothorax")."""
        gap = range(first.end, second.start)
        most = self.policy.glue_words if most is None else most
        if sum(not self._capital_letter(question, i) for i in gap) > most or first.end > second.start:
            return False
        if any(self._pause(question, i) for i in range(first.end - 1, second.start)):
            return False
        return all(
            self._capital_letter(question, i)
            or (
                question.words[i].isalpha()
                and question.words[i] not in STOP_WORDS
                and question.words[i] not in NAME_CONNECTORS
                and question.words[i] not in QUESTION_WORDS
                and question.words[i] not in SEVERITY
            )
            for i in gap
        )

    @staticmethod
    def _capital_letter(question: QuestionWords, i: int) -> bool:
        """A letter typed as a capital inside a sentence, as names use them ("acyl-coenzyme A
        dehydrogenase"); the article "a" is lower case."""
        return len(question.words[i]) == 1 and i < len(question.capitalized) and question.capitalized[i]

    @staticmethod
    def _listed_apart(question: QuestionWords, one: DiseaseMatch, other: DiseaseMatch) -> bool:
        """Two names a list separates ("autism and fragile X syndrome", "lupus, arthritis"), not
        parts of one name ("Aniridia absent patella", "Dextrocardia with situs inversus")."""
        first, second = sorted((one, other), key=lambda m: min(m.positions))
        gap = range(max(first.positions), min(second.positions))
        return any(
            (question.words[i + 1] in {"and", "or"} if i + 1 < len(question.words) else False)
            or question.chunks[question.groups[i]].endswith((",", ";"))
            for i in gap
        )

    @staticmethod
    def _list_goes_on(question: QuestionWords, mention: Mention) -> bool:
        """Whether a comma-joined part is an item of a list: another comma follows, or "and" or
        "or" and then another item ("scoliosis and a heart murmur"). A function word other than an
        article after "and" opens a clause instead: "..., congenital and I am scared"."""
        if question.chunks[question.groups[mention.end - 1]].endswith(",") or {"and", "or"} & set(
            mention.words
        ):
            return True
        words = question.words
        if mention.end + 1 >= len(words) or words[mention.end] not in {"and", "or"}:
            return False
        following = words[mention.end + 1]
        return following in ARTICLES or following not in STOP_WORDS

    def _qualifier(self, word: str, exclude: frozenset[str], after: bool = False) -> bool:
        """An everyday word that names use, joining a mention next to it ("Acquired",
        "childhood"). After a name, words that ask something end the mention instead."""
        if word in STOP_WORDS or word in NAME_CONNECTORS or len(word) < 3:
            return False
        if after and word in QUESTION_WORDS:
            return False
        if not self.names.is_name_word(word, exclude):
            return False
        policy = self.policy
        if not after:  # before a name, an everyday word typed in lower case is the asker's own
            # ("severe hemophilia", "adult onset"), unless English uses it less ("acquired hemophilia")
            return word not in SEVERITY and english_count(word) < policy.qualifier_before_english
        # After a name, an everyday word qualifies it when names use it often ("like", "type") or
        # English does not use it all the time ("childhood", "lethal"); "need", "kids" are neither.
        return (
            english_count(word) < policy.qualifier_english
            or len(self.names.by_word.get(word, ())) >= policy.qualifier_names
        )

    def _type_label(self, words: list[str], i: int) -> bool:
        """A type's number or letter, or the keyword before one: "type", "1A", "IIIB", "cblC"."""
        word, previous = words[i], words[i - 1] if i else ""
        following = words[i + 1] if i + 1 < len(words) else ""
        if word in NUMBER_KEYWORDS:
            return bool(following) and (self._number_like(following) or len(following) <= 4)
        if previous in NUMBER_KEYWORDS:  # "type A" as well: after a type keyword "a" is a letter
            return len(word) <= 5 and (word not in STOP_WORDS or len(word) == 1)
        return self._number_like(word) or (len(word) == 1 and word.isalpha() and word not in {"a", "i"})

    def _name_like(self, question: QuestionWords, i: int, exclude: frozenset[str]) -> bool:
        word = question.words[i]
        if word in STOP_WORDS or word in QUESTION_WORDS or self._number_like(word) or len(word) < 2:
            return False
        capital = question.capitalized[i] if i < len(question.capitalized) else False
        if word in question.upper:
            return True  # an acronym typed in capitals
        if self._after_subject(question, i, exclude):
            return False  # the asker's verb: "can you | outgrow X"
        english = english_count(word)
        if english >= self.policy.everyday_english:
            return capital
        if self.names.is_name_word(word, exclude):
            return True
        if english < KEPT_FROM and len(word) >= 4 and word.isalpha():
            return True  # a word English rarely uses: a name, known or not
        if len(word) >= 3 and any(c.isdigit() for c in word) and any(c.isalpha() for c in word):
            return True  # a gene or locus: "17p13", "brca2", "gm1"
        return capital

    def _class_word(self, word: str) -> bool:
        """A word that qualifies a kind of disease, not one disease: English uses it
        ("genetic", "inherited") or many page names do ("autoimmune", "mitochondrial")."""
        return (
            english_count(word) >= KEPT_FROM
            or len(self.names.by_word.get(word, ())) >= self.policy.qualifier_names
        )

    @staticmethod
    def _number_like(word: str) -> bool:
        """ "2", "1a", "iv" read as digits: the numbers and letters of disease types."""
        return word[:1].isdigit() and len(word) <= 4

    def _mention(self, question: QuestionWords, start: int, end: int) -> Mention:
        words = tuple(question.words[start:end])
        groups = sorted({question.groups[i] for i in range(start, end)})
        text = " ".join(question.chunks[g] for g in groups) if question.chunks else " ".join(words)
        text = text.strip(" \t\n.,;:!?\"'()[]{}")
        content = [
            w
            for w in words
            if w not in NAME_CONNECTORS
            and w not in NUMBER_KEYWORDS
            and not self._number_like(w)
            and len(w) > 1
        ]
        label = self._number_like(words[-1]) or (len(words[-1]) == 1 and words[-1] not in {"a", "i"})
        if label and end - start >= 2 and self._pause(question, end - 2):
            # After a comma a number types a name ("Gingival fibromatosis, 1"), not a person's
            # age ("Liam Okafor, 4"): names no page uses take no type that way.
            label = any(self.names.is_name_word(w) for w in content)
        typed = (any(w in NUMBER_KEYWORDS for w in words[:-1]) or label) and len(content) >= 1
        acronym = any(w in question.upper and english_count(w) < KEPT_FROM and len(w) >= 2 for w in words)
        possessive = any(c.endswith(("'s", "’s")) for c in (question.chunks[g] for g in groups[:-1]))
        headed = len(content) >= 2 and content[-1] in self.heads
        # A capitalised word alone is no disease ("Hi, I'm Zebulon"); with a head word, a type or
        # as an acronym it is ("Scheuermann disease", "Kleine-Levin syndrome", "PKU"). A head word
        # after "a" or "an" with only words English or many names use is a class ("is this a
        # genetic disorder?", "an autoimmune disease"), not one disease with a name.
        classed = headed and start > 0 and question.words[start - 1] in {"a", "an"}
        classed = classed and all(self._class_word(w) for w in content[:-1])
        shaped = (headed and not classed) or typed or acronym or (possessive and len(content) >= 2)
        return Mention(start, end, words, text, shaped, headed)

    # --- weights and features ---------------------------------------------------------------

    def word_weight(self, question: QuestionWords, i: int, exclude: frozenset[str]) -> float:
        """How much a mention word says about which disease is meant (nats)."""
        word = question.words[i]
        if word in NAME_CONNECTORS:
            return 0.0
        if self._number_like(word):
            return self.policy.number_weight
        if self.names.is_name_word(word, exclude) and english_count(word) < self.policy.everyday_english:
            return self.names.weight.get(word, 0.0)
        if english_count(word) < KEPT_FROM:
            return self.policy.unknown_weight
        return self.policy.capital_weight

    def _unexplained(
        self,
        match: DiseaseMatch,
        question: QuestionWords,
        exclude: frozenset[str],
        named_elsewhere: frozenset[int] = frozenset(),
    ) -> tuple[list[Mention], float]:
        """The mentions around a match, and the weight of their words the match leaves out."""
        used = frozenset(match.positions)
        found = self.mentions(question, exclude, used)
        mentions = self._around(question, found, used)
        if listed := self._title_list(question, found, used, exclude):  # one name: no item is named apart
            named_elsewhere = named_elsewhere - {i for m in listed for i in range(m.start, m.end)}
            mentions = sorted({*mentions, *listed}, key=lambda m: (m.start, m.end))
        positions = {i for mention in mentions for i in range(mention.start, mention.end)}
        unexplained = sum(
            self.word_weight(question, i, exclude)
            for i in sorted(positions)
            if i not in used
            and i not in named_elsewhere
            and not self._repeats(question.words[i], match.words)
            and not self._keyword_of(question, i, used)
        )
        return mentions, unexplained

    def _keyword_of(self, question: QuestionWords, i: int, used: frozenset[int]) -> bool:
        """A type keyword before a label the name has: "type" of "spinocerebellar ataxia type 3"
        says nothing "Spinocerebellar ataxia 3" does not."""
        words = question.words
        return words[i] in NUMBER_KEYWORDS and i + 1 in used and self._number_like(words[i + 1])

    def _title_list(
        self,
        question: QuestionWords,
        mentions: list[Mention],
        used: frozenset[int],
        exclude: frozenset[str] = frozenset(),
    ) -> list[Mention]:
        """The items of a comma list (three items or more, or two with "and" / "or") the match is
        one item of, when the list reads as one name, as GARD titles list features
        ("Microcephaly, holoprosencephaly, and intrauterine growth retardation"). A list opened
        by the matched name, disease shaped, lists the asker's other troubles instead: "Marfan
        syndrome, scoliosis and a heart murmur"; unless the other items only qualify it, as GARD
        writes qualifiers after a name ("Nephrotic syndrome, idiopathic, steroid-resistant").
        Empty otherwise."""
        held = [k for k, m in enumerate(mentions) if used & set(range(m.start, m.end))]
        if not held:
            return []
        lo, hi = held[0], held[-1]
        while lo > 0 and self._next_item(question, mentions[lo - 1], mentions[lo]):
            lo -= 1
        while hi + 1 < len(mentions) and self._next_item(question, mentions[hi], mentions[hi + 1]):
            hi += 1
        items = mentions[lo : hi + 1]
        commas = any(question.chunks[question.groups[m.end - 1]].endswith(",") for m in items[:-1])
        closed = len(items) == 2 and {"and", "or"} & set(question.words[items[0].end : items[1].end])
        if not commas or held[0] > hi or not (len(items) >= 3 or closed):
            return []  # two parts and a comma are one thing said twice: "cone shaped, keratoconus"
        first = mentions[held[0]]
        if held[0] == lo and first.shaped and not self._qualifiers(items[1:], exclude):
            return []
        return items

    def _qualifiers(self, items: list[Mention], exclude: frozenset[str]) -> bool:
        """Whether list items only qualify a name: types ("type 2", "X-linked") and words names
        use before others ("idiopathic", "steroid-resistant"), no condition of their own."""
        return all(
            any(w in NUMBER_KEYWORDS for w in item.words)  # "Christianson-Fourie type"
            or all(
                self._number_like(w) or len(w) == 1 or self.names.modifies(w, exclude)
                for w in item.words
                if w not in NAME_CONNECTORS and w not in STOP_WORDS
            )
            for item in items
        )

    @staticmethod
    def _next_item(question: QuestionWords, item: Mention, following: Mention) -> bool:
        """Whether `following` is the next item of a list after `item`: a comma, then nothing
        but connectors ("and", "or"; "Arthrogryposis, distal, with hypopituitarism"), or "and" /
        "or" alone."""
        if item.end > following.start:
            return False
        gap = question.words[item.end : following.start]
        ending = question.chunks[question.groups[item.end - 1]]
        if ending.endswith(","):
            return all(w in NAME_CONNECTORS for w in gap)
        return gap in (["and"], ["or"]) and not ending.endswith((".", "?", "!", ";", ":"))

    def features(
        self,
        match: DiseaseMatch,
        question: QuestionWords,
        bm25_doc: str | None,
        exclude: frozenset[str] = frozenset(),
        named_elsewhere: frozenset[int] = frozenset(),
    ) -> tuple[LinkFeatures, Mention | None]:
        """`named_elsewhere`: positions other whole names in the question account for ("autism
        and fragile X syndrome" lists two conditions; "autism" does not make the second another)."""
        mentions, unexplained = self._unexplained(match, question, exclude, named_elsewhere)
        name = name_words(match.name) if match.name else list(match.words)
        pairs = [
            self._misspelling(question.words[p], name, match.doc_id)
            for p in match.positions
            if p < len(question.words)
        ]
        edits = max((e for e, _ in pairs), default=0)
        first_letter = any(e > 0 and not same_start for e, same_start in pairs)
        modifiers, heads = self._missing(name, match.words)
        features = LinkFeatures(
            coverage=min(1.0, match.coverage + heads),
            unexplained=unexplained_share(unexplained, match.weight),
            misspelt=1.0 - match.similarity,
            edits=edits,
            bm25_agrees=match.doc_id == bm25_doc,
            abbreviation=match.kind == "abbreviation" or self._is_abbreviation(match),
            partial=match.coverage < self.policy.min_coverage,
            missing_modifier=modifiers,
            first_letter=first_letter,
            far_misspelling=edits >= self.policy.far_edits,
        )
        joined = self._mention(question, mentions[0].start, mentions[-1].end) if mentions else None
        return features, joined  # "Ehlers-Danlos syndrome, hypermobile type" as one name

    def _missing(self, name: list[str], matched: frozenset[str]) -> tuple[float, float]:
        """Shares of the name's weight in words the question lacks: (modifiers, head words).
        "Intrahepatic" of "cholestasis of pregnancy" is a modifier; "syndrome" of "tourettes" and
        "type" of "vascular Ehlers-Danlos syndrome" are head words, which people leave out."""
        weights = {w: self.names.weight.get(w, 0.0) for w in name if w not in NAME_CONNECTORS}
        total = sum(weights.values())
        if total <= 0:
            return 0.0, 0.0
        missing = {w: weight for w, weight in weights.items() if not self._repeats(w, matched)}
        # A name said with a head of its own is said whole: another specific head the page adds
        # ("Spondyloepiphyseal dysplasia" + "congenita") is a modifier; "syndrome" still is not.
        said_whole = any(w in self.heads and w not in NUMBER_KEYWORDS for w in matched)
        heads = sum(
            weight
            for w, weight in missing.items()
            if w in NUMBER_KEYWORDS or w in COMMON_HEADS or (w in self.heads and not said_whole)
        )
        return (sum(missing.values()) - heads) / total, heads / total

    def _repeats(self, word: str, matched: Iterable[str]) -> bool:
        """The word says again what one of `matched` does: the same word, a misspelling, or a
        type number its subtypes share ("2" of "type 2A")."""
        if self._label_of(word, matched):
            return True
        return word in matched or any(
            fuzz.ratio(word, m) >= self.policy.repeat_similarity
            or fuzz.ratio(stem(word), stem(m)) >= self.policy.repeat_similarity
            for m in matched
        )

    def _misspelling(self, word: str, name: list[str], doc_id: str) -> tuple[int, bool]:
        """_closest against the name matched or, when that is spelt otherwise, against the page's
        nearest spelling: "telangectasia" is one letter from the title's "telangiectasia", though
        the name matched was a synonym's "telangiectasis"."""
        found = self._closest(word, name)
        if found[0] == 0:
            return found
        spellings = (list(e.words) for e in self.names.entries_of(doc_id) if not e.abbreviation)
        return min((found, *(self._closest(word, words) for words in spellings)), key=lambda pair: pair[0])

    def _closest(self, word: str, name: list[str]) -> tuple[int, bool]:
        """Edits from a question word to the name word it stands for (0 when spelt the same or
        another form of it), and whether both start with the same letter."""
        if word in name or not name:
            return 0, True
        closest = max(name, key=lambda w: fuzz.ratio(word, w))
        if self.names.inflection(word, closest):
            return 0, True
        edits = DamerauLevenshtein.distance(word, closest)
        if stem(closest) != stem(word):
            edits = min(edits, DamerauLevenshtein.distance(stem(word), stem(closest)))
        return edits, closest[:1] == word[:1]

    def _is_abbreviation(self, match: DiseaseMatch) -> bool:
        return any(e.abbreviation and e.name == match.name for e in self.names.entries_of(match.doc_id))

    def probability(self, features: LinkFeatures) -> float:
        return logistic(self.policy.coefficients, features.vector())

    # --- decisions --------------------------------------------------------------------------

    def decide(
        self,
        match: DiseaseMatch,
        readings: list[QuestionWords],
        bm25_doc: str | None,
        exclude: frozenset[str] = frozenset(),
        others: Iterable[DiseaseMatch] = (),
    ) -> LinkDecision:
        """Link to the match's page, or NIL (naming the mention it leaves unexplained). `others`
        are the question's other matches: the whole names among them are mentions of their own."""
        question = readings[match.variant]
        named_elsewhere = frozenset(
            p
            for m in others
            if m.doc_id != match.doc_id and m.variant == match.variant
            and m.coverage >= self.policy.min_coverage
            and not set(m.positions) & set(match.positions) and self._listed_apart(question, m, match)
            for p in m.positions
        )  # fmt: skip
        features, mention = self.features(match, question, bm25_doc, exclude, named_elsewhere)
        probability = self.probability(features)
        candidate = {"doc_id": match.doc_id}
        if (spelt_out := self._defined_otherwise(match, question, readings[0])) is not None:
            # "in vitro fertilization (IVF)" is no "IVF" of idiopathic ventricular fibrillation
            return LinkDecision(False, 0.0, features, mention, spelt_out, candidate, whole=True)
        if all(len(question.words[p]) == 1 for p in match.positions) and match.coverage < 1.0:
            # "H. capsulatum" is no "H syndrome": a letter alone names nothing without its head word
            return LinkDecision(False, 0.0, features, mention, "", candidate)
        if (term := self._term_of_its_own(match, question, exclude)) is not None:
            # "retinitis pigmentosa" is no "Retinitis pigmentosa syndrome" (RHYNS syndrome)
            return LinkDecision(False, 0.0, features, mention, term, candidate, whole=True)
        said = self.whole_name(match, question, exclude)
        for other in self._typed_abbreviations(match, readings[0]) if said is None else ():
            if match.variant == 0 and set(other.positions) <= set(match.positions):
                continue  # the "MELAS" of the synonym "MELAS syndrome", typed whole: no name apart
            said = self.whole_name(other, readings[0], exclude)  # "PFAPA (periodic fever, ...)"
            if said is not None:
                break
        if said is not None:
            verdict, said_mention = said
            if verdict is WholeName.OTHER:  # "Bannayan-Riley-Ruvalcaba syndrome" is no "Ruvalcaba syndrome"
                return LinkDecision(
                    False, 0.0, features, said_mention, said_mention.text, candidate, whole=True
                )
            broader = said_mention.text if verdict is WholeName.BROADER else ""
            return LinkDecision(
                True, 1.0, features, said_mention, extra=candidate, broader=broader, whole=True
            )
        if probability >= self.policy.link_probability:
            return LinkDecision(True, probability, features, mention, extra=candidate)
        missing = self.said_name(question, mention, exclude) if mention is not None and mention.shaped else ""
        return LinkDecision(False, probability, features, mention, missing, candidate)

    def whole_name(
        self,
        match: DiseaseMatch,
        question: QuestionWords,
        exclude: frozenset[str] = frozenset(),
        misspelt: bool = False,
    ) -> tuple[WholeName, Mention] | None:
        """How a name the question spells whole, every word exact and in one run, stands to the
        words right next to it. People write around a name ("the incidence of myelofibrosis",
        "hereditary hemorrhagic telangiectasia (HHT)", "Is mastocytosis hereditary?"): when what
        stands next to it is a pause, an aside, a function or asking word, the page is meant
        (SAME). Lower-case words against it in one phrase qualify it ("mosaic Turner syndrome",
        "familial yellow nail syndrome": BROADER, the page covers it in general). An eponym
        before it or joined to it by a hyphen ("Bannayan-Riley-Ruvalcaba syndrome", "Krabbe
        leukodystrophy"), a head word after it ("clubfoot syndrome") or "-like" make another
        disease's name (OTHER). Anything else (a capitalised qualifier, a type number, more name
        words past "and" or "with": "Achondroplasia and severe combined immunodeficiency" is one
        title) is left to the model: None. With `misspelt`, a name typed whole with a word
        misspelt is read the same way (for "did you mean", to_confirm)."""
        span = self._spelt_whole(match, question, misspelt)
        if span is None:
            return None
        start, end = self._with_own_names(match, question, *span)
        words = question.words
        own_name_after = end > span[1]  # the page's other name after it closes it, as brackets would
        read_before = self._before(match, question, start, exclude)
        if read_before is None:
            return None  # "postaxial hand | polydactyly", "Dextrocardia with | situs inversus"
        start, before = read_before
        if not before and self._asks_its_mode(question, start, end):
            return WholeName.SAME, self._mention(question, start, end)  # "Is Fabry disease X-linked?"
        # nothing after it belongs to the name
        closed = own_name_after or self._aside_or_end(question, end - 1)
        after = [] if closed else self._joined_after(question, end)
        typed = [] if closed or after else self._type_after(question, (start, end), exclude)
        name = tuple(words[start:end])
        if not (closed or after or typed or self._stands_apart_after(question, end, exclude, name)):
            return None  # "Amelogenesis imperfecta | local hypoplastic", "Dwarfism, | mental retardation"
        mention = self._mention(question, min([start, *before]), max([end, *(a + 1 for a in after + typed)]))
        kind_of_class = self._class_name(match)
        if any(
            question.groups[i] == question.groups[start]
            or (i in before and self._eponym(question, i, exclude) and not kind_of_class)
            or (i in after and words[i] in self.heads)
            for i in [*before, *after]
        ):
            return WholeName.OTHER, mention
        if not before and not typed:
            return WholeName.SAME, mention
        if match.kind in {"title", "abbreviation"} and all(
            self._qualifier_word(question, i, exclude)
            or (kind_of_class and self.names.modifies(question.words[i], exclude))
            for i in before
        ):
            return WholeName.BROADER, mention  # a synonym many pages share ("porphyria") is no general page
        return None

    def _before(
        self, match: DiseaseMatch, question: QuestionWords, start: int, exclude: frozenset[str]
    ) -> tuple[int, list[int]] | None:
        """Where a name spelt whole from `start` really starts (a name word the match left out:
        "De" of "De Barsy syndrome") and the positions of the words of its phrase before it,
        nearest first; None when the word before those is no word of the asker's."""
        before: list[int] = []
        i = start - 1
        own = set(name_words(match.name or match.title))
        while i >= 0 and not self._break(question, i) and question.words[i] in own:
            start, i = i, i - 1
        while (
            i >= 0
            and not self._break(question, i)
            and (self._phrase_word(question, i, exclude) or self._hyphened_to(question, i, before))
        ):
            before.append(i)
            i -= 1
        abbreviation = match.kind == "abbreviation" or self._is_abbreviation(match)
        if (
            i >= 0
            and not self._break(question, i)
            and not self._stands_apart_before(question, i, exclude, by_form=not abbreviation)
        ):
            return None
        return start, before

    @staticmethod
    def _hyphened_to(question: QuestionWords, i: int, before: list[int]) -> bool:
        """Whether the word at i is typed in one word with the qualifier after it ("late-onset",
        "adult-onset"): a part of it, however everyday ("late")."""
        return (
            bool(before)
            and before[-1] == i + 1
            and question.groups[i] == question.groups[i + 1]
            and question.words[i] not in STOP_WORDS
        )

    def _asks_its_mode(self, question: QuestionWords, start: int, end: int) -> bool:
        """Whether a question asks how the named disease is inherited, with the mode as its
        predicate: "Is Fabry disease X-linked?", "Is Marfan syndrome autosomal dominant or
        recessive?". Only in that shape: titles put a mode after a name too ("Ichthyosis,
        X-linked"), and a LOPO question "Is Ichthyosis X-linked inherited?" names one."""
        words = question.words
        if start == 0 or words[start - 1] not in {"is", "are", "was"} or self._pause(question, end - 1):
            return False
        if start > 1 and not self._break(question, start - 2):
            return False  # the copula opens the question
        i = end
        while (
            i < len(words)
            and words[i] in INHERITANCE_MODES
            and not (i > end and self._break(question, i - 1))
        ):
            i += 1
        return i > end and self._aside_or_end(question, i - 1) and bool(set(words[end:i]) & MODE_NAMES)

    def _joined_after(self, question: QuestionWords, end: int) -> list[int]:
        """The positions right after a name, at `end`, that make one word or one name with it:
        a hyphen-joined word or a head word ("Sjogren-Larsson-like", "clubfoot syndrome"); the
        caller has checked that the name doesn't end its sentence or open an aside."""
        after: list[int] = []
        i = end
        while i < len(question.words) and not self._break(question, i - 1):
            if question.groups[i] != question.groups[end - 1] and question.words[i] not in self.heads:
                break
            if (
                question.words[i] in NUMBER_KEYWORDS
                and i + 1 < len(question.words)
                and self._type_label(question.words, i + 1)
            ):
                break  # "syndrome | type 3": a type of it (_type_after), no head word of another name
            after.append(i)
            i += 1
        return after

    def _type_after(
        self, question: QuestionWords, span: tuple[int, int], exclude: frozenset[str]
    ) -> list[int]:
        """The positions of a type's number or letter right after a whole name, when the asker's
        words follow: "spinocerebellar ataxia 7", "Usher syndrome type 2" name one type of the
        condition, which a page on the condition covers in general. The caller has checked that
        the name doesn't end its sentence or open an aside. `span`: where the name stands."""
        end = span[1]
        i = end
        while i < len(question.words) and self._type_label(question.words, i):
            i += 1
            if self._break(question, i - 1):
                break
        if i == end or not any(self._number_like(w) for w in question.words[end:i]):
            return self._named_type_after(question, span, exclude)
        return list(range(end, i)) if self._stands_apart_after(question, i, exclude) else []

    def _named_type_after(
        self, question: QuestionWords, span: tuple[int, int], exclude: frozenset[str]
    ) -> list[int]:
        """The positions of a type named in words after a name, with a comma as GARD titles types
        or without as people type them ("Ehlers-Danlos syndrome, classic type", "Ehlers-Danlos
        syndrome hypermobility type"; its pages have "..., vascular type"), when the asker's
        words follow: one type of the condition, which a page on it covers in general."""
        words, (start, end) = question.words, span
        if not question.chunks:
            return []
        i = end
        while (
            i < len(words)
            and i - end < NAMED_TYPE_WORDS
            and words[i] not in NUMBER_KEYWORDS
            and words[i] not in STOP_WORDS
            and not question.capitalized[i]
            and not self._break(question, i)
        ):
            i += 1
        if i == end or i >= len(words) or words[i] not in {"type", "form"}:
            return []
        comma = question.chunks[question.groups[end - 1]].endswith(",")
        if not comma and self._some_title_types(words[start:end], words[end : i + 1], exclude):
            return []  # "Muscular dystrophy megaconial type": "..., congenital, megaconial type"
        return list(range(end, i + 1)) if self._stands_apart_after(question, i + 1, exclude) else []

    def _some_title_types(self, name: Sequence[str], typed: Sequence[str], exclude: frozenset[str]) -> bool:
        """Whether a page (not excluded) has a name holding the name's words and the type as typed,
        word for word: a type typed without GARD's comma may be the short of a longer title
        ("Muscular dystrophy, congenital, megaconial type"); "classic type" is not
        "classic-like type"."""
        wanted = {w for w in name if w not in NAME_CONNECTORS}
        n = len(typed)
        return any(
            wanted <= set(entry.words)
            and any(tuple(entry.words[k : k + n]) == tuple(typed) for k in range(len(entry.words) - n + 1))
            and entry.doc_id not in exclude
            for k in self.names.by_word.get(typed[0], ())
            for entry in (self.names.entries[k],)
        )

    def _class_name(self, match: DiseaseMatch) -> bool:
        """Whether the matched name is descriptive, every word of it a medical term written in lower
        case in page text ("leukodystrophy", "spinocerebellar ataxia"), so a word that names put
        before others names one kind of the class ("Krabbe leukodystrophy", "Metachromatic
        leukodystrophy"), while a condition's name before it makes another ("Aniridia"). An
        eponymous name is an identifier instead: an eponym added to it names another disease
        ("Bannayan-Riley-Ruvalcaba syndrome")."""
        words = [w for w in name_words(match.name or match.title) if w not in NAME_CONNECTORS]
        return bool(words) and all(
            w in self.heads or (self.names.word_counts[w] > 0 and english_count(w) < KEPT_FROM) for w in words
        )  # "Brown syndrome", "Absent patella": an English word in a title is no class's

    @staticmethod
    def _apart(word: str) -> bool:
        """A function, asking or severity word, or a preposition: "is", "treat", "severe", "besides"."""
        return word in STOP_WORDS or word in QUESTION_WORDS or word in SEVERITY or word in PREPOSITIONS

    def _stands_apart_before(
        self, question: QuestionWords, i: int, exclude: frozenset[str], by_form: bool = False
    ) -> bool:
        """Whether the word at i, right before a phrase, is the asker's and not more of a name: a
        function, asking, severity or everyday word, but not a connector after a name word or a
        capitalised word, as titles join conditions ("the incidence of | X", "treatment of | X";
        not "Dextrocardia with | X")."""
        word = question.words[i]
        if question.capitalized[i]:
            return False  # "Hereditary | neuralgic amyotrophy" is a title's word
        if self._asker_verb(word, exclude):
            return True  # "When staging | Merkel cell carcinoma"
        if self._after_subject(question, i, exclude) or self._verb_after_wh(question, i, exclude):
            return True  # "can you outgrow | mastocytosis", "What distinguishes | X"
        if not (self._apart(word) or word in NAME_CONNECTORS):
            return False
        if word not in INNER_CONNECTORS:
            return True
        j = i - 1
        while j >= 0 and question.words[j] in STOP_WORDS and not self._break(question, j):
            j -= 1
        if j < 0 or self._break(question, j):
            return True
        if question.capitalized[j] or question.words[j] in question.upper:
            return False
        word = question.words[j]  # "the incidence of | X", "children with | X"; not "vitiligo and | X"
        if word in QUESTION_WORDS or word in PREPOSITIONS:
            return True
        if english_count(word) >= self.policy.everyday_english:
            return True
        # With `by_form`, other forms of an English word count ("carrier females of | X"), and an
        # English word names don't put first is who or what has X ("infants with | X"); not for
        # an abbreviation, which may stand for something else there ("episodes of | TGA").
        if not by_form:
            return False
        family = english_family_count(word)
        return family >= self.policy.everyday_english or (
            family >= KEPT_FROM and not self.names.modifies(word, exclude)
        )

    def _stands_apart_after(
        self, question: QuestionWords, end: int, exclude: frozenset[str], name: tuple[str, ...] = ()
    ) -> bool:
        """Whether what follows a name at `end` is the asker's: a function, asking or everyday
        word that joins no names ("be", "in", "hereditary", "besides"); not "and", "with", "of",
        nor more name words."""
        if end >= len(question.words):
            return True
        word = question.words[end]
        if word in {"and", "or", "with"} and self._asker_topic_follows(question, end + 1, exclude):
            return True  # "Merkel cell carcinoma | with sentinel lymph node biopsy"
        if word in {"and", "or"}:
            return self._condition_follows(question, end + 1, list(name))
        if self._apart(word) and word not in INNER_CONNECTORS and word not in {"or", "like"}:
            return True
        # After a head word, a lower-case English word no name uses is the asker's: "De Barsy
        # syndrome | intellectually delayed" (not "Bartter syndrome | antenatal type 1"); after a
        # type's number, any word no name uses ("CMT type 1A | relapse").
        if question.capitalized[end] or self.names.is_name_word(word, exclude):
            return False
        previous = question.words[end - 1]
        if self._number_like(previous) and end >= 2 and question.words[end - 2] in NUMBER_KEYWORDS:
            return word.isalpha()
        return previous in self.heads and english_count(word) >= KEPT_FROM

    def _after_subject(self, question: QuestionWords, i: int, exclude: frozenset[str]) -> bool:
        """Whether the word at i follows "you", "I", "we" (SUBJECTS), typed in lower case and
        used by no name: the asker's verb, however rare English finds it ("can you | outgrow")."""
        return (
            i > 0
            and question.words[i - 1] in SUBJECTS
            and not (i < len(question.capitalized) and question.capitalized[i])
            and not self.names.is_name_word(question.words[i], exclude)
        )

    def _verb_after_wh(self, question: QuestionWords, i: int, exclude: frozenset[str]) -> bool:
        """Whether the word at i comes right after "what", "which" or "who" asked as the subject,
        or after its auxiliary ("What | distinguishes X", "What can | worsen X"), typed in lower
        case and used by no name: the question's verb, however rare English finds it. A name
        word there may be the start of the subject ("Which familial cancers ...")."""
        j = i - 1
        if j >= 1 and question.words[j] in AUXILIARIES:
            j -= 1
        return (
            j >= 0
            and question.words[j] in WH_SUBJECTS
            and not any(self._break(question, k) for k in range(j, i))
            and not (i < len(question.capitalized) and question.capitalized[i])
            and not self.names.is_name_word(question.words[i], exclude)
        )

    def _asker_verb(self, word: str, exclude: frozenset[str]) -> bool:
        """A verb's -ing form English uses and no disease name does: "staging", "treating"; not
        "relapsing" (relapsing polychondritis) nor "ossifying"."""
        return (
            word.endswith("ing")
            and english_count(word) >= KEPT_FROM
            and not self.names.is_name_word(word, exclude)
        )

    def _asker_topic_follows(self, question: QuestionWords, start: int, exclude: frozenset[str]) -> bool:
        """Whether the words from `start` to the end of the clause are the asker's topic, not more
        of a name: typed in lower case, and ending in a word few disease names use ("with |
        sentinel lymph node biopsy", "and | pregnancy"), a word English uses. A title goes on with a
        condition's or a medical word ("with | situs inversus", "and | severe combined
        immunodeficiency", "with | mental deterioration")."""
        words, end = question.words, start
        while end < len(words) and not (end > start and self._break(question, end - 1)):
            if self._apart(words[end]) or end - start > self.policy.topic_words:
                break  # "with | sentinel lymph node biopsy | is", "with | immune deficiency | treated"
            if question.capitalized[end] or words[end] in question.upper or self._number_like(words[end]):
                return False
            end += 1
        if end == start or end - start > self.policy.topic_words:
            return False
        last = words[end - 1]
        named_by = len(self.names.by_word.get(last, ()))
        if last in STOP_WORDS or last in self.heads or named_by > self.policy.topic_names:
            return False
        if english_count(last) < KEPT_FROM:
            return False  # a medical term may be a title's feature: "with mental deterioration"
        return end >= len(words) or self._break(question, end - 1) or self._apart(words[end])

    def _condition_follows(self, question: QuestionWords, start: int, name: list[str]) -> bool:
        """Whether another condition's whole name follows "and": a run of words ending in a head
        word, or in the same name again, then nothing more of it ("ankylosing spondylitis and |
        Crohn's disease?", "familial CAA and | Dutch type CAA"): conditions asked about
        together, not one name ("X and Swiss type agammaglobulinemia")."""
        words, end = question.words, start
        while end < len(words) and words[end] not in STOP_WORDS and not self._break(question, end - 1):
            end += 1
        again = end - start > len(name) and words[end - len(name) : end] == name
        if not again and (end - start < 2 or words[end - 1] not in COMMON_HEADS):
            return False
        return end >= len(words) or self._break(question, end - 1) or self._apart(words[end])

    def _aside_or_end(self, question: QuestionWords, i: int) -> bool:
        """The word at i ends a sentence or opens an aside after it: "telangiectasia (HHT)"."""
        if i + 1 >= len(question.words):
            return True
        ending = question.chunks[question.groups[i]] if question.chunks else ""
        if ending.endswith((".", "?", "!", ";", ":")):
            return True
        return self._break(question, i) and not ending.endswith((",", "-"))

    def listed(
        self,
        matches: list[DiseaseMatch],
        readings: list[QuestionWords],
        exclude: frozenset[str] = frozenset(),
    ) -> list[DiseaseMatch]:
        """The pages of whole names a list joins, in the question's order: "ankylosing spondylitis
        and Crohn's disease", "lupus, antiphospholipid syndrome, and ITP", "X / Y", "Is autism
        related to Joubert syndrome?". Each name is spelt whole and not part of another disease's
        name; between two of them stand only list words, after a comma or a slash if any. Empty
        when fewer than two."""
        question = readings[0]
        typed = [a for m in matches if m.variant for a in self._typed_abbreviations(m, question)]
        spelt = [
            (span, m)
            for m in (*matches, *typed)
            if m.variant == 0 and (span := self._spelt_whole(m, question))
        ]
        if len(spelt) < 2:
            return []
        kept: list[tuple[tuple[int, int], DiseaseMatch]] = []
        for span, match in sorted(spelt, key=lambda item: item[0][0] - item[0][1]):  # longest first
            overlaps = any(span[0] < other[1] and other[0] < span[1] for other, _ in kept)
            if not overlaps and all(match.doc_id != m.doc_id for _, m in kept):
                kept.append((span, match))
        kept = [  # a name another disease's holds ("clubfoot syndrome") is not listed
            (span, m)
            for span, m in sorted(kept, key=lambda item: item[0])
            if (said := self.whole_name(m, question, exclude)) is None or said[0] is not WholeName.OTHER
        ]
        if len(kept) < 2:
            return []
        if not all(
            self._list_gap(question, first[1], second[0])
            for (first, _), (second, _) in zip(kept, kept[1:], strict=False)
        ):
            return []
        opening, closing = kept[0][0][0], kept[-1][0][1]
        if opening > 0 and (
            self._break(question, opening - 1) or not self._apart(question.words[opening - 1])
        ):
            return []  # a title listing features: "Alaninuria with microcephaly, dwarfism, ... and X"
        if not self._aside_or_end(question, closing - 1) and (
            self._name_like(question, closing, exclude)
            or self._type_label(question.words, closing)
            or self._qualifier(question.words[closing], exclude, after=True)
        ):
            return []  # the list goes on as a name: "Anencephaly and spina bifida | X-linked"
        return [match for _, match in kept]

    def _list_gap(self, question: QuestionWords, first_end: int, second_start: int) -> bool:
        """Whether only list words stand between two names ("X and Y", "X, Y", "X with Y"), or
        a list item no page names, set apart by commas: "lupus, antiphospholipid syndrome, and
        ITP" lists three conditions though only two have pages."""
        gap = tuple(question.words[first_end:second_start])
        after_comma = self._break(question, first_end - 1)
        if gap in JOINED_GAPS or (after_comma and gap == ()):
            return True
        if not after_comma:
            return False
        for joint in ((), *LIST_GAPS):
            item_end = second_start - len(joint)
            if (
                item_end > first_end
                and gap[len(gap) - len(joint) :] == joint
                and self._break(question, item_end - 1)
            ):
                return self._mention(question, first_end, item_end).headed
        return False

    def _defined_otherwise(
        self, match: DiseaseMatch, question: QuestionWords, typed: QuestionWords
    ) -> str | None:
        """The long form the question itself gives an abbreviation the match was made through
        ("in vitro fertilization (IVF)", or typed without brackets or capitals: "in vitro
        fertilization ivf"; `typed` is the question's reading as typed), when none of the
        page's names says it; else None."""
        if not (match.kind == "abbreviation" or self._is_abbreviation(match)) or not question.chunks:
            return None
        defined = list(find_abbreviations(" ".join(question.chunks)))
        abbreviation = name_words(match.name)
        if len(abbreviation) == 1:
            defined += [
                (abbreviation[0], long)
                for at, word in enumerate(typed.words)
                if word == abbreviation[0] and (long := spelt_out_before(typed.words, at))
            ]
        for short, long in defined:
            if name_words(short) != name_words(match.name):
                continue
            said = {w for w in name_words(long) if w not in NAME_CONNECTORS}
            if not any(said <= set(e.words) for e in self.names.entries_of(match.doc_id)):
                return long
        return None

    def _term_of_its_own(
        self, match: DiseaseMatch, question: QuestionWords, exclude: frozenset[str] = frozenset()
    ) -> str | None:
        """The words a question spells, when the match is a name made of them and a head word
        ("Retinitis pigmentosa syndrome", a synonym of RHYNS syndrome) and other pages' names
        list those words as a condition of their own ("Retinitis pigmentosa, deafness, ...",
        "... ataxia retinitis pigmentosa and diabetes mellitus"): a question that leaves the
        head word out names that condition, not the page ("tourettes" still names Tourette
        syndrome: no other name lists "Tourette"). None otherwise."""
        name = [w for w in name_words(match.name) if w not in NAME_CONNECTORS]
        if len(name) < 3 or name[-1] not in self.heads or match.kind == "abbreviation":
            return None
        term = name[:-1]
        positions = sorted(match.positions)
        if [question.words[p] for p in positions] != term or positions != list(
            range(positions[0], positions[0] + len(term))
        ):
            return None
        end = positions[-1] + 1
        if end < len(question.words) and question.words[end] == name[-1]:
            return None  # the head word is there, spelt apart
        listing = {
            entry.doc_id
            for i in self.names.by_word.get(term[0], ())
            if (entry := self.names.entries[i]).doc_id != match.doc_id
            and entry.doc_id not in exclude
            and _lists_as_item(entry.name, term)
        }
        if len(listing) < self.policy.term_pages:
            return None
        return self._mention(question, positions[0], end).text

    def _typed_abbreviations(self, match: DiseaseMatch, question: QuestionWords) -> Iterable[DiseaseMatch]:
        """The match's page's abbreviations as the question types them (in capitals, or in
        lower case by someone who types no capitals: NameIndex.typed_as_abbreviation), as matches."""
        for entry in self.names.entries_of(match.doc_id):
            if (
                entry.abbreviation
                and len(entry.words) == 1
                and self.names.typed_as_abbreviation(entry.words[0], question)
            ):
                for position, word in enumerate(question.words):
                    if word == entry.words[0]:
                        yield replace(
                            match,
                            name=entry.name,
                            kind="abbreviation",
                            coverage=1.0,
                            words=frozenset(entry.words),
                            positions=(position,),
                            variant=0,
                            similarity=1.0,
                        )

    def _spelt_whole(
        self, match: DiseaseMatch, question: QuestionWords, misspelt: bool = False
    ) -> tuple[int, int] | None:
        """The span where the question spells the match's whole name, exactly and in one run
        (the name's own connectors between), each word as written or another form of it ("pineal
        cysts"), or with `misspelt` also misspelt ("Joubert syndorme"); None otherwise.
        Abbreviations only qualify (are spelt whole) when typed as written."""
        if not match.positions or (
            not misspelt
            and (match.coverage < self.policy.same_stem - 1e-9 or match.similarity < self.policy.same_stem)
        ):
            return None
        start, end = min(match.positions), max(match.positions) + 1
        held = set(match.positions)
        if any(i not in held and question.words[i] not in NAME_CONNECTORS for i in range(start, end)):
            return None
        if any(
            question.groups[i] != question.groups[i + 1]  # "Ehlers-Danlos?" ends after "danlos" only
            and self._sentence_ends(question, i)
            for i in range(start, end - 1)
        ):
            return None  # a name stays in one sentence; its commas are its own ("Deafness, progressive")
        wanted = [w for w in name_words(match.name or match.title) if w not in NAME_CONNECTORS]
        if len(wanted) != sum(question.words[i] not in NAME_CONNECTORS for i in held):
            return None
        return start, end

    def _with_own_names(
        self, match: DiseaseMatch, question: QuestionWords, start: int, end: int
    ) -> tuple[int, int]:
        """A name's span grown over the page's other names typed right against it, in the same
        sentence: "orofaciodigital syndrome 1 OFD1", "PLEVA pityriasis lichenoides et
        varioliformis acuta", "deafness progressive with stapes fixation Thies Reis syndrome"
        (written without the brackets or commas that would set one apart). Another name of the
        same page adds nothing to what is asked about; an abbreviation counts only as typed as one."""
        words = tuple(question.words)
        own = {
            tuple(entry.words)
            for entry in self.names.entries_of(match.doc_id)
            if entry.words
            and (not entry.abbreviation or self.names.typed_as_abbreviation(entry.words[0], question))
        }
        grown = True
        while grown:
            grown = False
            for name in own:
                n = len(name)
                if words[end : end + n] == name and not self._sentence_ends(question, end - 1):
                    end, grown = end + n, True
                elif (
                    n <= start
                    and words[start - n : start] == name
                    and not self._sentence_ends(question, start - 1)
                ):
                    start, grown = start - n, True
        return start, end

    @staticmethod
    def _sentence_ends(question: QuestionWords, i: int) -> bool:
        """Whether a sentence ends with word i (its typed word ends with a full stop, "?", "!" or ";")."""
        return question.chunks[question.groups[i]].endswith((".", "?", "!", ";"))

    def _phrase_word(self, question: QuestionWords, i: int, exclude: frozenset[str]) -> bool:
        """A word that may stand in one noun phrase before a name: a name word, a word English
        rarely uses, or a capitalised one; not a function, asking or severity word, nor an
        everyday word no name uses ("worsen", "incidence")."""
        word = question.words[i]
        if word in STOP_WORDS or word in NAME_CONNECTORS or word in QUESTION_WORDS or word in SEVERITY:
            return False
        if self._number_like(word) or not any(c.isalpha() for c in word):
            return False
        if self._after_subject(question, i, exclude) or self._verb_after_wh(question, i, exclude):
            return False  # the asker's verb: "can you | outgrow X", "What can | worsen X"
        if self._eponym(question, i, exclude) or (english_count(word) < KEPT_FROM and len(word) >= 4):
            return True  # a word English rarely uses: "Krabbe", "vulvar", "cancerous"
        return self.names.is_name_word(word, exclude) and english_count(word) < self.policy.everyday_english

    def _eponym(self, question: QuestionWords, i: int, exclude: frozenset[str]) -> bool:
        """A word that names something by itself: typed with a capital mid-sentence and no word
        of English ("Krabbe", "Bannayan"), or one neither English nor any name uses."""
        word = question.words[i]
        if len(word) < 3 or not word.isalpha() or english_count(word) >= KEPT_FROM or word in NEGATIONS:
            return False
        capital = i < len(question.capitalized) and question.capitalized[i]
        return capital and not self.names.modifies(word, exclude)

    def _qualifier_word(self, question: QuestionWords, i: int, exclude: frozenset[str]) -> bool:
        """A word that narrows a name without naming another disease: a name word typed in lower
        case ("mosaic", "vulvar", "mucinous"), or typed with a capital, one that names use before
        others ("Familial", "Congenital") or an English word."""
        word = question.words[i]
        capital = i < len(question.capitalized) and question.capitalized[i]
        return (
            word in NEGATIONS or not capital
        )  # "non-cancerous", "vulvar"; "Acute", "Familial" are title words

    def joined_to_unknown(
        self, match: DiseaseMatch, link: LinkDecision, question: QuestionWords, exclude: frozenset[str]
    ) -> bool:
        """Whether a refused link's name is spelt whole at the end of its mention, after "and" or
        "or" and lower-case words no page's name holds together with it: "I have diabetes and
        Fabry disease" names two conditions, one with no page, not one unknown condition. Offered
        as "did you mean" (one tap), since GARD titles join conditions with "and" too."""
        mention, span = link.mention, self._spelt_whole(match, question)
        if link.linked or mention is None or span is None or span[1] != mention.end:
            return False
        joint = span[0] - 1
        if joint <= mention.start or question.words[joint] not in {"and", "or"}:
            return False
        before = range(mention.start, joint)
        if any(question.capitalized[i] or question.words[i] in question.upper for i in before):
            return False  # "Hypertelorism and tetralogy of Fallot" is written as a title
        together = {w for i in (*before, *range(*span)) if (w := question.words[i]) not in NAME_CONNECTORS}
        return not any(
            together <= set(self.names.entries[i].words) and self.names.entries[i].doc_id not in exclude
            for i in self.names.by_word.get(question.words[mention.start], ())
        )

    def glued_to_abbreviation(
        self, match: DiseaseMatch, link: LinkDecision, question: QuestionWords, typed: QuestionWords
    ) -> bool:
        """Whether a refused link's name is an abbreviation the question typed whole, after
        lower-case words that name no condition ("repeated episodes of TGA"): offered as "did you
        mean" (one tap), since the asker may mean the page or another condition of that
        abbreviation, never refused as an unknown disease "episodes of TGA". `typed`: the
        question's reading as typed."""
        mention = link.mention
        if link.linked or mention is None or not (match.variant or self._is_abbreviation(match)):
            return False
        if self._defined_otherwise(match, question, typed) is not None:
            return False  # "in vitro fertilization (IVF)" says which IVF it means
        span = self._spelt_whole(match, question)
        if span is None or span[1] != mention.end or span[0] <= mention.start:
            return False
        return not any(
            question.capitalized[i] or question.words[i] in self.heads or question.words[i] in question.upper
            for i in range(mention.start, span[0])
        )

    def to_confirm(
        self,
        match: DiseaseMatch,
        link: LinkDecision,
        question: QuestionWords,
        exclude: frozenset[str] = frozenset(),
    ) -> bool:
        """Whether a page is to be offered as "did you mean" rather than linked or refused: the
        name was typed with a misspelling and nothing else is amiss. Refused, when the words are
        too far off to link ("gillian barre syndrome", two edits) but all the name is there,
        nothing is left unexplained and it was typed in lower case; or when the whole name is
        typed, a word misspelt, with the asker's words around it, read as for a name spelt right
        ("Is autism related to Joubert syndorme?", "treatments for pityriasis licheonides
        besides topical cream"). Linked, when the misspelt name is a synonym the title doesn't
        show ("Kohler disease" is one letter from "Kahler disease", a name of Multiple myeloma)."""
        features = link.features
        if features is None or features.edits == 0 or link.whole:
            return False
        if link.linked:
            title = set(name_words(self.names.titles.get(match.doc_id, ""))) - self.heads
            name = set(name_words(match.name)) - self.heads - NAME_CONNECTORS
            return match.kind == "synonym" and not (name & title)
        # Typed with capitals, a name two edits off is more often another name ("Scheuermann" is no
        # "Schaumann"); typed in lower case, a slip ("gillian barre").
        capitals = any(question.capitalized[p] for p in match.positions if p < len(question.capitalized))
        if features.coverage < self.policy.min_coverage or features.edits > self.policy.far_edits:
            return False
        if features.unexplained <= self.policy.relative_unexplained and features.missing_modifier <= 0:
            return not capitals
        if (
            features.first_letter
            or (capitals and features.edits > 1)
            or not self._long_slips(match, question)
        ):
            return False  # "xanthomas" is no misspelt "Acanthoma", nor "FRAXE" a misspelt "FRAXA"
        said = self.whole_name(match, question, exclude, misspelt=True)
        return said is not None and said[0] is not WholeName.OTHER

    def _long_slips(self, match: DiseaseMatch, question: QuestionWords) -> bool:
        """Whether every word the question misspells of the name is a long word of letters, where
        a slip of one letter still says which word was meant ("syndorme", "licheonides"); not
        an abbreviation or a short word, which may be another name ("FRAXE" is no "FRAXA")."""
        name = {stem(w) for w in name_words(match.name)}
        slips = [question.words[p] for p in match.positions if stem(question.words[p]) not in name]
        return bool(slips) and all(len(w) >= self.policy.long_slip and w.isalpha() for w in slips)

    def relatives_stand(
        self, match: DiseaseMatch, readings: list[QuestionWords], exclude: frozenset[str] = frozenset()
    ) -> tuple[bool, Mention | None]:
        """Whether pages sharing a match's words may be offered as a choice: the words must be
        the whole mention ("Usher syndrome"), not part of a longer name nobody has."""
        question = readings[match.variant]
        mentions, unexplained = self._unexplained(match, question, exclude)
        explained = sum(self.names.weight.get(w, 0.0) for w in match.words)
        share = unexplained_share(unexplained, explained)
        return share <= self.policy.relative_unexplained, (mentions[0] if mentions else None)

    def holds(self, doc_id: str, mention: Mention) -> bool:
        """Whether one of a page's names holds every content word of a mention, spelt alike
        ("Usher syndrome, type 1B" holds "usher syndrome"; "Lung adenocarcinoma" does not hold
        "adenocarcinoma of the appendix")."""
        wanted = [w for w in mention.words if w not in NAME_CONNECTORS and w not in STOP_WORDS]
        return any(
            all(self._repeats(w, frozenset(entry.words)) for w in wanted)
            and not _listed_in(entry.name, wanted)
            for entry in self.names.entries_of(doc_id)
        )

    def extra_words(self, name: str, mention: Mention) -> list[str]:
        """Words of a name the mention did not say, head words and connectors aside."""
        typed = frozenset(mention.words)
        return [
            w
            for w in name_words(name)
            if w not in NAME_CONNECTORS and w not in COMMON_HEADS and not self._repeats(w, typed)
        ]

    def narrower(self, match: DiseaseMatch, mention: Mention | None) -> bool:
        """Whether the linked name says more than the question did, besides head words: a type,
        a form or a qualifier ("Spondyloepiphyseal dysplasia" answered from "... congenita")."""
        if mention is None or not match.name:
            return False
        return any(w not in NUMBER_KEYWORDS for w in self.extra_words(match.name, mention))

    @staticmethod
    def _label_of(word: str, matched: Iterable[str]) -> bool:
        """A type label that begins a longer one: "2" of "2C", "c" of "C1"."""
        if not (word.isdigit() or (len(word) == 1 and word.isalpha())):
            return False
        return any(
            m.startswith(word) and len(m) == len(word) + 1 and (m[-1].isalpha() != word[-1].isalpha())
            for m in matched
        )

    def only_types(self, name: str, mention: Mention) -> bool:
        """Whether a longer name adds only a type to the mention ("Pompe disease type 2" for
        "Pompe disease"): a subtype, not another disease ("Sjogren-Larsson-like syndrome")."""
        extra = self.extra_words(name, mention)
        return bool(extra) and all(_type_word(w) for w in extra)

    def adds_a_type(self, name: str, mention: Mention) -> bool:
        """Whether a mention is a shared name plus only a type's number or letter: "spinocerebellar
        ataxia 7" for pages that all carry "Spinocerebellar ataxia" and none type 7. Another
        type of the same condition, not another disease ("Bannayan-Riley-Ruvalcaba syndrome")."""
        held = frozenset(name_words(name))
        extra = [w for w in mention.words if w not in NAME_CONNECTORS and not self._repeats(w, held)]
        labelled = any(w not in NUMBER_KEYWORDS for w in extra)  # "Brachydactyly type" names no type
        return labelled and all(_type_word(w) for w in extra)

    @staticmethod
    def a_type_of(title: str, name: str) -> bool:
        """Whether a page's title is a name plus a type: "Spinocerebellar ataxia 10" of
        "Spinocerebellar ataxia"; not "Dentatorubral-pallidoluysian atrophy", which lists it."""
        held, words = frozenset(name_words(name)), name_words(title)
        extra = [w for w in words if w not in held and w not in NAME_CONNECTORS]
        return held <= frozenset(words) and bool(extra) and all(_type_word(w) for w in extra)

    def is_a_name(self, text: str, exclude: frozenset[str] = frozenset()) -> bool:
        """Whether some page (not excluded) has exactly this name, word order and connectors aside."""
        wanted = frozenset(w for w in name_words(text) if w not in NAME_CONNECTORS)
        if not wanted:
            return False
        # such a name holds every word wanted: look among the names of the rarest ("syndrome" is
        # in thousands)
        rarest = min(wanted, key=lambda w: (len(self.names.by_word.get(w, ())), w))
        return any(
            frozenset(w for w in e.words if w not in NAME_CONNECTORS) == wanted and e.doc_id not in exclude
            for i in self.names.by_word.get(rarest, ())
            for e in (self.names.entries[i],)
        )

    def missing_name(self, readings: list[QuestionWords], exclude: frozenset[str] = frozenset()) -> str:
        """The disease-shaped mention of a question no page answers, for "I have no page on X"."""
        question = readings[0]
        shaped = [m for m in self.mentions(question, exclude) if m.shaped]
        longest = max(shaped, key=lambda m: m.end - m.start) if shaped else None
        return self.said_name(question, longest, exclude) if longest is not None else ""

    def said_name(
        self, question: QuestionWords, mention: Mention, exclude: frozenset[str] = frozenset()
    ) -> str:
        """A mention as a name to say back ("I have no page on X"): without the asker's lower-case
        words up to a connector it opens with ("incidence of | Melkersson-Rosenthal syndrome",
        "episodes of | TGA"), nor an aside it ends by opening ("telangiectasia | (HHT")."""
        start = mention.start
        for i in range(mention.start + 1, mention.end - 1):
            if question.words[i] in INNER_CONNECTORS - {"and"}:
                if not any(
                    question.capitalized[j] or self.names.is_name_word(question.words[j], exclude)
                    for j in range(start, i)
                ):
                    start = i + 1
                break
        end = mention.end
        while end - 1 > start and self._break(question, end - 2):
            end -= 1
        if (start, end) == (mention.start, mention.end):
            return mention.text
        return self._mention(question, start, end).text


LISTING = frozenset({"and", "with", "without", "plus", "or"})


def _listed_in(name: str, wanted: list[str]) -> bool:
    """Whether a name lists the wanted words as one of its features, after a comma or a joint
    ("Coloboma, cleft lip/palate and mental retardation syndrome", "Microcephaly, corpus callosum
    dysgenesis and cleft lip-palate", "... without cleft lip/palate"): such a page is another
    condition that has the feature, no kind of it ("Usher syndrome, type 1B" is one of Usher
    syndrome; "Familial dilated cardiomyopathy" one of dilated cardiomyopathy)."""
    if not wanted:
        return False
    for part_number, part in enumerate(name.split(",")):
        words = name_words(part)
        if wanted[0] in words:
            at = words.index(wanted[0])
            return (at == 0 and part_number > 0 and not _qualifies(words)) or (
                at > 0 and words[at - 1] in LISTING
            )
    return False


def _lists_as_item(name: str, term: list[str]) -> bool:
    """Whether a name holds the term's words in a row as an item of its own: at the name's start
    or end, or set apart by a comma, "and", "or", "with" ("Retinitis pigmentosa, deafness, ...",
    "... associated with retinitis pigmentosa"), not as part of a longer name ("Neuropathy
    ataxia retinitis pigmentosa syndrome")."""
    for part in re.split(r"[,;()]", name):
        words = name_words(part)
        for at in range(len(words) - len(term) + 1):
            if words[at : at + len(term)] != term:
                continue
            after = words[at + len(term)] if at + len(term) < len(words) else ""
            if not after or after in LISTING:
                return True
    return False


def _qualifies(words: list[str]) -> bool:
    """A part after a comma that only types or qualifies the name before it ("..., type 1B")."""
    return bool(words) and (words[-1] in NUMBER_KEYWORDS or any(w[:1].isdigit() for w in words))


def _type_word(word: str) -> bool:
    """A type's keyword, number or letter: "type", "2", "1a", "b"."""
    return (
        word in NUMBER_KEYWORDS
        or word[:1].isdigit()
        or len(word) == 1
        or (len(word) <= 3 and any(c.isdigit() for c in word))
    )


__all__ = ["FEATURES", "LinkDecision", "LinkFeatures", "ReadingPolicy", "Linker", "Mention"]
