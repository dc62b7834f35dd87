"""Staff answers published as passages of their own: what staff answered once, the bot can quote.

A published Q&A is the de-identified question and the staff answer of one ticket. It becomes a
passage of kind "staff" (section type `staff_answer`) under the page of its disease when there
is one, or under a topic of its own ("staff-N") when the corpus has no page for it. Its citation
says who answered and when, never who asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

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
    """One published Q&A as the engine needs it; the store's rows carry the same fields."""

    ticket_n: int
    question: str
    answer: str
    role: str
    published_at: float
    doc_id: str | None = None  # the page it is about, if the corpus has one
    disease: str | None = None  # that page's title, or the name staff gave a topic without a page


def staff_doc_id(ticket_n: int) -> str:
    return f"staff-{ticket_n}"


def is_own_topic(passage: Passage) -> bool:
    """A published answer with no page of its own disease in the corpus."""
    return passage.kind == STAFF_KIND and passage.doc_id.startswith("staff-")


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
        passage_id=f"staff-{qa.ticket_n}.{version}",
        source=STAFF_SOURCE,
        collection="published",
        doc_id=page.doc_id if page else staff_doc_id(qa.ticket_n),
        qid=f"staff-{qa.ticket_n}",
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


def deidentify(text: str, names: list[str], numbers: list[int | None]) -> str:
    """Text fit to publish: the asker's first name and ids replaced, a leading greeting dropped.

    Staff write "Dear Ana, ..." to the asker; published, that would tell every later reader who
    asked. Only what we know identifies the asker is touched, so the answer stays as staff
    wrote it otherwise (GARD's own phone number, for one, must survive).
    """
    greeting = SALUTATION.match(text)
    if greeting and greeting.end() < len(text):
        text = text[greeting.end()].upper() + text[greeting.end() + 1 :]
    for name in names:
        name = (name or "").strip()
        if len(name) >= 2:
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME_PLACEHOLDER, text, flags=re.IGNORECASE)
    for number in numbers:
        if number is not None and abs(number) >= 1000:
            text = re.sub(rf"(?<!\d){abs(number)}(?!\d)", "[id]", text)
    return text.strip()


def strip_contacts(text: str) -> str:
    """The asker's question without the e-mail addresses and phone numbers they typed into it.

    Askers write "email me at ..." for the reply; published, that would name them. Only the
    question gets this: a staff answer's numbers and addresses are GARD's own.
    """
    return PHONE.sub("[phone]", EMAIL.sub("[email]", text))
