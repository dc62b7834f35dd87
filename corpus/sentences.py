"""Sentence boundaries as character spans: NLTK's Punkt, trained on the corpus when the index is built.

Punkt (Kiss & Strunk 2006, `nltk.tokenize.punkt`) learns without supervision what a corpus's
periods mean: its abbreviations ("e.g", "u.s"), collocations of an initial with the next word
("E. coli", "H. pylori"), frequent sentence starters ("However"), and in which orthographic
contexts each word is seen (capitalised mid-sentence or not). `train()` runs NLTK's PunktTrainer
over the page texts while the index is built; what it learns is saved with the index
(sentences.json), and opening the index puts it to use (`use()`), so a process cuts sentences as
the index's passages were cut. A process opens one index; when it opens several (tests), the
last one opened decides.

A chat process never imports NLTK: `import nltk.tokenize.punkt` takes 0.9-1.8 s and 100 MB
(1,050 modules, scipy among them; benchmarks/sentences.py) where the whole one-question process
starts in 0.9 s. Of the ways round it, spans precomputed at build can't serve alone, since
sentences are also cut at chat time in texts no build saw (staff answers published at run time,
the parts of an excerpt), and importing NLTK lazily for those would make such a reply wait as
long as a start. So `sentence_spans` applies Punkt's decision rule itself, over the saved
parameters: NLTK's PunktSentenceTokenizer.span_tokenize (candidate ends found by its regular
expressions, the words around each re-tokenized and annotated in its two passes, closing quotes
and brackets realigned onto the sentence they end) ported to the standard library, 3x faster.
tests/test_sentences.py holds NLTK as the oracle: both give the same spans on every line of
every GARD page (on all of MedQuAD too, checked once).

Line breaks are hard boundaries (pages use them for lists whose items end without a period):
Punkt runs on each line. Spans leave out surrounding whitespace, so a quoted sentence is an exact
substring of the page. Until an index is opened, Punkt runs untrained: every period that ends a
word ends a sentence, except after an initial or a number followed by a lower-case word.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

SPLITTER = {"splitter": "punkt", "version": "2"}  # part of an index's identity


@dataclass(frozen=True)
class PunktParameters:
    """What Punkt learned from a corpus (the four tables of NLTK's PunktParameters)."""

    abbrev_types: frozenset[str] = frozenset()
    collocations: frozenset[tuple[str, str]] = frozenset()
    sent_starters: frozenset[str] = frozenset()
    ortho_context: dict[str, int] = field(default_factory=dict, hash=False)

    def to_data(self) -> dict:
        return {
            "abbrev_types": sorted(self.abbrev_types),
            "collocations": sorted(map(list, self.collocations)),
            "sent_starters": sorted(self.sent_starters),
            "ortho_context": dict(sorted(self.ortho_context.items())),
        }

    @classmethod
    def from_data(cls, data: dict) -> PunktParameters:
        if not isinstance(data, dict) or not isinstance(data.get("ortho_context"), dict):
            raise ValueError("sentences.json holds no Punkt parameters")
        return cls(
            frozenset(data["abbrev_types"]),
            frozenset((str(a), str(b)) for a, b in data["collocations"]),
            frozenset(data["sent_starters"]),
            {str(typ): int(flags) for typ, flags in data["ortho_context"].items()},
        )


SPANS_KEPT = 8192  # texts whose sentence spans are kept (passages of about 1 KB: a few MB)
_active = PunktParameters()


_known: dict[str, Sequence[Sequence[int]]] = {}  # texts cut at index build (remember)


def use(parameters: PunktParameters) -> None:
    """Cut sentences with these parameters from now on (those of the index a process opened)."""
    global _active
    _active = parameters
    _spans_of.cache_clear()
    _known.clear()


def remember(text: str, spans: Sequence[Sequence[int]]) -> None:
    """A text's spans as the index's build cut them, (start, end) rows, so they need not be cut
    again: an index keeps them for every passage (retrieval.index). Made into tuples when
    first asked for; most passages read are ranked, not quoted."""
    _known[text] = spans


def active() -> PunktParameters:
    return _active


def train(texts: Iterable[str], batch: int = 500) -> PunktParameters:
    """Punkt's parameters learned from the page texts, with NLTK's PunktTrainer.

    Collocations of a number with the next word are left out. Punkt learns them for ordinals
    ("am 3. Oktober"); English writes "3rd", so a number and a period end a sentence. On GARD
    all three Punkt learned were sentence ends ("first described in 1963. Since then", "located
    on chromosome 13. Axenfeld-Rieger syndrome"). A number and a period before a lower-case word
    are still no sentence end, by the orthographic heuristic.

    Trained `batch` texts at a time (NLTK's incremental training), which keeps a GARD build's
    memory 180 MB lower than one text of all pages and learns the same abbreviations and
    collocations. Texts are a blank line apart, so each one's first word counts as a sentence
    start. Only index builds call this, so only they import NLTK.
    """
    from nltk.tokenize.punkt import PunktTrainer

    trainer = PunktTrainer(token_cls=_memoizing_token_class())
    pending: list[str] = []
    for text in texts:
        if text.strip():
            pending.append(text)
        if len(pending) >= batch:
            trainer.train("\n\n" + "\n\n".join(pending), finalize=False)
            pending = []
    if pending:
        trainer.train("\n\n" + "\n\n".join(pending), finalize=False)
    learned = trainer.get_params()  # finalizes: collocations and sentence starters
    return PunktParameters(
        frozenset(learned.abbrev_types),
        frozenset(pair for pair in learned.collocations if pair[0] != "##number##"),
        frozenset(learned.sent_starters),
        {typ: flags for typ, flags in learned.ortho_context.items() if flags},
    )


def _memoizing_token_class() -> type:
    """NLTK's PunktToken with its type and ellipsis test remembered per word: NLTK runs every
    regular expression under a timeout guard, which is half of training time on GARD's 1.2
    million tokens and 50 thousand distinct words. Same results (tests/test_sentences.py)."""
    from nltk.tokenize.punkt import PunktToken

    types: dict[str, str] = {}
    ellipses: dict[str, bool] = {}

    class MemoizingToken(PunktToken):
        __slots__ = ()

        def _get_type(self, tok: str) -> str:
            typ = types.get(tok)
            if typ is None:
                typ = types[tok] = PunktToken._get_type(self, tok)
            return typ

        @property
        def is_ellipsis(self) -> bool:
            known = ellipses.get(self.tok)
            if known is None:
                known = ellipses[self.tok] = bool(PunktToken.is_ellipsis.fget(self))
            return known

    return MemoizingToken


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace excluded; together they cover all the words."""
    known = _known.get(text)
    if known is None:
        return list(_spans_of(text))
    if not isinstance(known, tuple):  # an index's rows (numpy): tolist() makes plain ints at once
        rows = known.tolist() if hasattr(known, "tolist") else [(int(a), int(b)) for a, b in known]
        known = _known[text] = tuple(map(tuple, rows))
    return list(known)


@lru_cache(maxsize=SPANS_KEPT)
def _spans_of(text: str) -> tuple[tuple[int, int], ...]:
    """Kept per text: a reply cuts the sentences of the same passages several times (choosing,
    quoting, remembering what was shown), and questions come back to the same pages."""
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        for start, end in punkt_spans(line, _active):
            _add_span(text, line_start + start, line_start + end, spans)
        line_start += len(line) + 1
    return tuple(spans)


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


# NLTK's PunktLanguageVars (English), pattern for pattern.
_NON_WORD = r"(?:[)\";}\]\*:@\'\({\[\u2018\u2019\u201c\u201d\xab\xbb" + re.escape("?!") + "])"
_MULTI_CHAR = r"(?:\-{2,}|\.{2,}|(?:\.\s){2,}\.)"
_WORD_START = r"[^\(\"\`{\[:;&\#\*@\)}\]\-,]"
_SENT_END = "[" + re.escape(".?!") + "]"
_WORD_TOKENIZER = re.compile(
    rf"""(
        {_MULTI_CHAR}
        |
        (?={_WORD_START})\S+?  # Accept word characters until end is found
        (?= # Sequences marking a word's end
            \s|                                 # White-space
            $|                                  # End-of-string
            {_NON_WORD}|{_MULTI_CHAR}|          # Punctuation
            ,(?=$|\s|{_NON_WORD}|{_MULTI_CHAR}) # Comma if at end of word
        )
        |
        \S
    )""",
    re.UNICODE | re.VERBOSE,
)
_PERIOD_CONTEXT = re.compile(
    rf"""
        {_SENT_END}             # a potential sentence ending
        (?=(?P<after_tok>
            {_NON_WORD}              # either other punctuation
            |
            \s+(?P<next_tok>\S+)     # or whitespace and some other token
        ))""",
    re.UNICODE | re.VERBOSE,
)
_BOUNDARY_REALIGNMENT = re.compile(
    r'["\')\]}\u2018\u2019\u201c\u201d\xab\xbb]+?(?:\s+|(?=--)|$)', re.MULTILINE
)
_NUMERIC = re.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
_INITIAL = re.compile(r"[^\W\d]\.$", re.UNICODE)
_ELLIPSIS = re.compile(r"\.\.+$")
_SENT_END_CHARS = (".", "?", "!")
_PUNCTUATION = tuple(";:,.!?")
# Orthographic context flags, as NLTK sets them in training.
_ORTHO_MID_UC = 1 << 2
_ORTHO_UC = (1 << 1) + (1 << 2) + (1 << 3)
_ORTHO_BEG_LC = 1 << 4
_ORTHO_LC = (1 << 4) + (1 << 5) + (1 << 6)


def punkt_spans(text: str, params: PunktParameters) -> Iterator[tuple[int, int]]:
    """NLTK's PunktSentenceTokenizer(params).span_tokenize(text), realigning boundaries."""
    realign = 0
    slices = _pairs(_slices_from_text(text, params))
    for (start, stop), following in slices:
        start += realign
        if following is None:
            if start < stop:
                yield start, stop
            continue
        closing = _BOUNDARY_REALIGNMENT.match(text[following[0] : following[1]])
        if closing:
            yield start, following[0] + len(closing.group(0).rstrip())
            realign = closing.end()
        else:
            realign = 0
            if start < stop:
                yield start, stop


def _pairs(items: Iterator[tuple[int, int]]) -> Iterator[tuple[tuple[int, int], tuple[int, int] | None]]:
    previous = next(items, None)
    if previous is None:
        return
    for item in items:
        yield previous, item
        previous = item
    yield previous, None


def _slices_from_text(text: str, params: PunktParameters) -> Iterator[tuple[int, int]]:
    last_break = 0
    for match, context in _potential_end_contexts(text):
        if _contains_sentbreak(context, params):
            yield last_break, match.end()
            last_break = match.start("next_tok") if match.group("next_tok") else match.end()
    yield last_break, len(text.rstrip())  # the last sentence has no trailing whitespace


def _potential_end_contexts(text: str) -> Iterator[tuple[re.Match, str]]:
    """Each candidate end with the word before it and the token after it; of candidates whose
    words overlap ("acting!!!"), the last."""
    previous_word = (0, 0)
    previous_match = None
    for match in _PERIOD_CONTEXT.finditer(text):
        before = text[previous_word[1] : match.start()]
        after_space = _last_whitespace_index(before)
        if after_space:
            after_space += previous_word[1] + 1
        else:
            after_space = previous_word[0]
        word = (after_space, match.start())
        if previous_match and previous_word[1] <= word[0]:
            yield previous_match, _context(text, previous_word, previous_match)
        previous_match = match
        previous_word = word
    if previous_match:
        yield previous_match, _context(text, previous_word, previous_match)


def _context(text: str, word: tuple[int, int], match: re.Match) -> str:
    return text[word[0] : word[1]] + match.group() + match.group("after_tok")


def _last_whitespace_index(text: str) -> int:
    for i in range(len(text) - 1, -1, -1):
        if text[i] in string.whitespace:
            return i
    return 0


@dataclass
class _Token:
    """NLTK's PunktToken, as far as deciding a boundary reads it."""

    tok: str
    type: str = ""
    sentbreak: bool = False
    abbr: bool = False
    ellipsis: bool = False

    def __post_init__(self) -> None:
        self.type = _NUMERIC.sub("##number##", self.tok.lower())

    @property
    def period_final(self) -> bool:
        return self.tok.endswith(".")

    @property
    def type_no_period(self) -> str:
        return self.type[:-1] if len(self.type) > 1 and self.type[-1] == "." else self.type

    @property
    def type_no_sentperiod(self) -> str:
        return self.type_no_period if self.sentbreak else self.type


def _contains_sentbreak(context: str, params: PunktParameters) -> bool:
    """Whether Punkt breaks the context (word, end, next token) before its last token."""
    tokens = [_Token(tok) for line in context.split("\n") if line.strip() for tok in _words(line)]
    for token in tokens:
        _first_pass(token, params)
    for token, following in zip(tokens, tokens[1:], strict=False):
        _second_pass(token, following, params)
    return any(token.sentbreak for token in tokens[:-1])


def _words(line: str) -> list[str]:
    return _WORD_TOKENIZER.findall(line)


def _first_pass(token: _Token, params: PunktParameters) -> None:
    tok = token.tok
    if tok in _SENT_END_CHARS:
        token.sentbreak = True
    elif _ELLIPSIS.match(tok):
        token.ellipsis = True
    elif token.period_final and not tok.endswith(".."):
        word = tok[:-1].lower()
        if word in params.abbrev_types or word.split("-")[-1] in params.abbrev_types:
            token.abbr = True
        else:
            token.sentbreak = True


def _second_pass(token: _Token, following: _Token, params: PunktParameters) -> None:
    """Punkt's token-based classification of a period-final token: collocations (4.1.2),
    abbreviations and ellipses (4.2), initials and ordinals (4.3)."""
    if not token.period_final:
        return
    typ = token.type_no_period
    next_typ = following.type_no_sentperiod
    is_initial = bool(_INITIAL.match(token.tok))
    if (typ, next_typ) in params.collocations:
        token.sentbreak, token.abbr = False, True
        return
    if (token.abbr or token.ellipsis) and not is_initial:
        starts = _ortho_heuristic(following, params)
        if starts is True:
            token.sentbreak = True
            return
        if following.tok[0].isupper() and next_typ in params.sent_starters:
            token.sentbreak = True
            return
    if is_initial or typ == "##number##":
        starts = _ortho_heuristic(following, params)
        if starts is False:
            token.sentbreak, token.abbr = False, True
            return
        if (
            starts == "unknown"
            and is_initial
            and following.tok[0].isupper()
            and not (params.ortho_context.get(next_typ, 0) & _ORTHO_LC)
        ):
            token.sentbreak, token.abbr = False, True


def _ortho_heuristic(token: _Token, params: PunktParameters) -> bool | str:
    """Whether a token starts a sentence, by the cases its word was seen in: True, False or
    "unknown"."""
    if token.tok in _PUNCTUATION:
        return False
    context = params.ortho_context.get(token.type_no_sentperiod, 0)
    first = token.tok[0]
    if first.isupper() and (context & _ORTHO_LC) and not (context & _ORTHO_MID_UC):
        return True
    if first.islower() and ((context & _ORTHO_UC) or not (context & _ORTHO_BEG_LC)):
        return False
    return "unknown"
