"""A question read as name matching reads it: words folded as names are (roman numerals as
digits after "type"), the typed word ("chunk") each came from, capitals and acronyms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from retrieval.analyzer import words

ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9"}
ROMAN_AFTER_KEYWORD = {"i": "1", "v": "5", "x": "10"}
NUMBER_KEYWORDS = {"type", "class", "grade", "stage", "group", "form", "factor", "types"}
TYPED_WORD = re.compile(r"[^\W_]+")
POSSESSIVE = re.compile(r"['’]s\b")
# A chromosome band's sub-band ("22q11.2" is in 22q11): names and people write the band with or
# without it ("22q11 deletion syndrome"), and a lone "2" would read as a type number.
SUB_BAND = re.compile(r"\b(\d{1,2}[pq]\d+)\.\d+", re.IGNORECASE)


def name_words(text: str) -> list[str]:
    """Words of a name or question as compared here: folded, roman numerals as digits."""
    return list(_name_words(text))


@lru_cache(maxsize=1 << 16)
def _name_words(text: str) -> tuple[str, ...]:
    """Kept per text: the linker reads the same page names again for every question."""
    out: list[str] = []
    for word in words(SUB_BAND.sub(r"\1", text)):
        out.append(arabic(word, out[-1] if out else ""))
    return tuple(out)


def arabic(word: str, previous: str) -> str:
    """A roman numeral as digits: "ii" always, "i"/"v"/"x" only after "type", "class" and such."""
    if word in ROMAN:
        return ROMAN[word]
    if word in ROMAN_AFTER_KEYWORD and previous in NUMBER_KEYWORDS:
        return ROMAN_AFTER_KEYWORD[word]
    return word


@dataclass
class QuestionWords:
    """A question as matched: words, the hyphen compound each belongs to, words typed in caps."""

    words: list[str]
    groups: list[int]
    upper: set[str]
    all_lower: bool  # typed without capitals: "pnh" may then be an abbreviation
    capitalized: list[bool] = field(default_factory=list)  # typed with a capital, not opening a sentence
    chunks: list[str] = field(default_factory=list)  # the question split on spaces, as typed
    # A reading with an abbreviation spelt out: (where, words typed, words written out instead)
    spelt_out: tuple[int, int, int] | None = None

    def typed_positions(self, positions: Iterable[int]) -> set[int]:
        """Where words of this reading stand in the question as typed (NameIndex readings with
        an abbreviation spelt out put several words where one was typed)."""
        if self.spelt_out is None:
            return set(positions)
        start, typed, written = self.spelt_out
        out: set[int] = set()
        for p in positions:
            if p < start:
                out.add(p)
            elif p >= start + written:  # after the words written out: back by the difference
                out.add(p - written + typed)
            else:  # a word written out stands for every word typed there
                out.update(range(start, start + typed))
        return out

    @cached_property
    def hyphenated(self) -> bool:
        """Whether some typed word holds several ("May-Thurner"): asked for every name scored."""
        return len(self.groups) != len(set(self.groups))


def read_question(question: str) -> QuestionWords:
    """A question as matched: its words (folded, roman numerals as digits), the typed word each
    came from, which were typed with a capital or as an acronym. Read once per question. A
    message typed all in capitals says nothing of which words are names or abbreviations, so it
    is read as one typed without capitals ("ARE ALL OF THE PEOPLE DIAGNOSED WITH DE BARSY
    SYNDROME INTELLECTUALLY DELAYED?" had "no page on DE BARSY SYNDROME INTELLECTUALLY
    DELAYED"); a short one ("FOP?", "ALS FTD") keeps its capitals."""
    if _shouted(question):
        question = question.lower()
    words_: list[str] = []
    groups: list[int] = []
    capitalized: list[bool] = []
    chunks = question.split()
    opening = True  # the first word of a sentence is capitalised whatever it is
    for group, chunk in enumerate(chunks):
        read = SUB_BAND.sub(r"\1", chunk)
        folded = words(read)
        typed = TYPED_WORD.findall(POSSESSIVE.sub("", read))
        aligned = len(typed) == len(folded)
        for k, word in enumerate(folded):
            words_.append(arabic(word, words_[-1] if words_ else ""))
            groups.append(group)
            capitalized.append(aligned and not opening and typed[k][:1].isupper())
        opening = chunk.endswith((".", "?", "!", ":")) or not folded and opening
    upper = {w.lower() for w in re.findall(r"[A-Za-z0-9]+", question) if sum(c.isupper() for c in w) >= 2}
    return QuestionWords(words_, groups, upper, question == question.lower(), capitalized, chunks)


SHOUTED_WORDS = 3  # words of letters typed all in capitals that make a message shouted, not acronyms
LETTER_WORD = re.compile(r"[^\W\d_]{2,}")


def _shouted(question: str) -> bool:
    """Whether a message is typed all in capitals: no lower-case letter, and SHOUTED_WORDS words
    of two letters or more."""
    return not any(c.islower() for c in question) and len(LETTER_WORD.findall(question)) >= SHOUTED_WORDS


# Chat shorthand typed in lower case, read as the word it stands for: "pls" is no abbreviation of
# primary lateral sclerosis, nor "abt" a word of a disease's name. Not shorthand that may be an
# abbreviation typed in lower case ("bc": breast cancer or because).
CHAT_WORDS = {
    "pls": "please", "plz": "please", "abt": "about", "u": "you", "ur": "your", "thx": "thanks",
    "thnx": "thanks", "wat": "what", "wht": "what", "ppl": "people", "cuz": "because",
    "coz": "because", "b4": "before", "dx": "diagnosis", "sx": "symptoms",
}  # fmt: skip
CHAT_WORD = re.compile(r"(?<![\w'’-])(" + "|".join(map(re.escape, CHAT_WORDS)) + r")(?![\w'’-])")
# A comma, semicolon, colon or closing bracket typed against the next word ("Ollier disease,I
# have"), or an opening bracket against the last ("fever(FMF)"): the words are apart all the same.
GLUED_MARK = re.compile(r"(?<=[^\W\d_])([,;:)\]])(?=[^\W\d_])|(?<=[^\W\d_])([(\[])")


def as_read(text: str) -> str:
    """A message with its chat shorthand spelt out (CHAT_WORDS, as typed in lower case) and a
    space after punctuation typed against the next word: what the reading of names and terms
    sees, so "pls send me anything u have on X" and "X,including treatment" read as written out.
    A message typed all in capitals is read in lower case (see read_question), so a reply that
    repeats its words doesn't shout them back."""
    if _shouted(text):
        text = text.lower()
    text = GLUED_MARK.sub(lambda m: f"{m.group(1)} " if m.group(1) else f" {m.group(2)}", text)
    return CHAT_WORD.sub(lambda m: CHAT_WORDS[m.group(1)], text)


@dataclass(frozen=True)
class Question:
    """A message read once at the door (Searcher.read) and passed along: the text as typed (cut
    to a length nobody names a disease beyond), its folded form, its analyzed terms (BM25's), and
    its readings for name matching (as typed, and with each defined abbreviation spelt out)."""

    text: str
    folded: str
    terms: tuple[str, ...]
    readings: tuple[QuestionWords, ...]

    @property
    def words(self) -> QuestionWords:
        """The reading as typed."""
        return self.readings[0]
