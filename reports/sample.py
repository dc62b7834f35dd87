"""Synthetic bot traffic, for the report tests, the benchmark and README examples.

`populate` fills a store with seeded random questions, tickets and feedback over a
span of days and returns what it wrote, so a test can recount it independently.
The data is deliberately awkward: question texts with newlines, ``|``, a leading
``=`` (spreadsheet formula), control characters and emoji; log rows inserted out of
time order; tickets in every status. Everything goes in one transaction, because
each separate commit would wait for an fsync.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from store import QUESTION_OUTCOMES, Store, Ticket

DISEASES: tuple[str | None, ...] = (
    "Fabry disease",
    "Marfan syndrome",
    "Wilson disease",
    "Gaucher disease",
    "Alport syndrome",
    "Ehlers-Danlos syndromes",
    "Pompe disease",
    None,
)
# Outcome weights: most questions are answered, as in real use.
OUTCOME_WEIGHTS = {"answer": 60, "abstain": 18, "choose": 8, "smalltalk": 10, "refused": 4}
TEMPLATES = (
    "Is {d} inherited?",
    "What treatments exist for {d}?",
    "my son has {d}, what should we expect\nat school?",
    "Are there clinical trials for {d} | in Europe?",
    '=HYPERLINK("http://x") is {d} contagious?',
    "How common is {d}? 🧬",
    "Can adults develop {d}\x1b[31m late in life?",
    "Please tell me everything about the long-term outlook, the typical symptoms, the "
    "diagnosis and the specialists for {d}, in plain words",
)
NO_DISEASE_QUESTIONS = (
    "Why am I always tired?",
    "what is the rarest disease",
    "hello can you help me with my condition",
    "Is there a cure for my illness?",
)
STAFF_NAME = "Staffer Quillon"
FIRST_NAMES = ("Zebediah", "Ottoline", "Peregrine", "Marisol")


@dataclass(frozen=True)
class LoggedQuestion:
    user_id: int
    chat_id: int
    question: str
    disease: str | None
    outcome: str
    asked_at: float


@dataclass
class Sample:
    """What `populate` wrote, to recount reports against."""

    questions: list[LoggedQuestion] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)
    feedback: list[tuple[int, bool, float]] = field(default_factory=list)  # user, 👍, time
    user_ids: list[int] = field(default_factory=list)
    first_names: list[str] = field(default_factory=list)


def _question(rng: random.Random, disease: str | None) -> str:
    if disease is None:
        return rng.choice(NO_DISEASE_QUESTIONS)
    return rng.choice(TEMPLATES).format(d=disease)


@dataclass(frozen=True)
class _Span:
    """Where random traffic goes: the random source, the time span and the users."""

    rng: random.Random
    start: float
    seconds: float
    users: int

    def time(self) -> float:
        return self.start + self.rng.uniform(0, self.seconds)


def populate(
    store: Store,
    *,
    questions: int = 3000,
    tickets: int = 500,
    feedback: int = 400,
    days: int = 30,
    start: float = 1_717_200_000.0,  # 2024-06-01 00:00 UTC
    users: int = 200,
    seed: int = 0,
) -> Sample:
    """Write seeded random traffic spread over ``days`` days from ``start``."""
    rng = random.Random(seed)
    sample = Sample()
    # Large, distinctive ids and names, so a test can check none leaks into a report.
    sample.user_ids = [918_273_000 + 7 * k for k in range(users)]
    sample.first_names = [f"{rng.choice(FIRST_NAMES)}{k:03d}" for k in range(users)]
    span = _Span(rng, start, days * 86_400.0, users)
    with store.transaction():
        _add_questions(store, span, sample, questions)
        _add_tickets(store, span, sample, tickets)
        _add_feedback(store, span, sample, feedback)
    return sample


def _add_questions(store: Store, span: _Span, sample: Sample, count: int) -> None:
    rng, outcomes, weights = span.rng, list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values())
    assert set(outcomes) == set(QUESTION_OUTCOMES)
    for _ in range(count):
        user = rng.randrange(span.users)
        disease = rng.choice(DISEASES)
        entry = LoggedQuestion(
            user_id=sample.user_ids[user],
            chat_id=sample.user_ids[user],
            question=_question(rng, disease),
            disease=disease,
            outcome=rng.choices(outcomes, weights)[0],
            asked_at=span.time(),
        )
        store.log_question(
            entry.user_id,
            entry.chat_id,
            entry.question,
            entry.disease,
            entry.outcome,  # type: ignore[arg-type]
            now=entry.asked_at,
        )
        sample.questions.append(entry)


def _add_tickets(store: Store, span: _Span, sample: Sample, count: int) -> None:
    """Tickets in every status: about 40% answered, some of those and others closed."""
    rng = span.rng
    for _ in range(count):
        user = rng.randrange(span.users)
        disease = rng.choice(DISEASES)
        created = span.time()
        ticket = store.create_ticket(
            sample.user_ids[user],
            sample.user_ids[user],
            sample.first_names[user],
            _question(rng, disease),
            disease,
            [{"passage_id": f"gard-{rng.randrange(1000)}#1", "score": 1.0}],
            now=created,
        )
        roll = rng.random()
        if roll < 0.4:
            answer = "See the GARD page."
            ticket = store.answer_ticket(ticket.n, answer, 555_444_333, STAFF_NAME, now=created + 3600)
        if 0.3 < roll < 0.5:
            ticket = store.close_ticket(ticket.n, now=created + 7200)
        sample.tickets.append(ticket)


def _add_feedback(store: Store, span: _Span, sample: Sample, count: int) -> None:
    rng = span.rng
    for _ in range(count):
        user = rng.randrange(span.users)
        helpful = rng.random() < 0.75
        at = span.time()
        store.add_feedback(sample.user_ids[user], sample.user_ids[user], ["gard-1#1"], "q", helpful, now=at)
        sample.feedback.append((sample.user_ids[user], helpful, at))


def forget(sample: Sample, store: Store, user_ids: Iterable[int]) -> None:
    """Forget users in the store and mirror it in ``sample`` (tickets from the store)."""
    gone = set(user_ids)
    for user_id in gone:
        store.forget_user(user_id)
    sample.questions = [q for q in sample.questions if q.user_id not in gone]
    sample.feedback = [f for f in sample.feedback if f[0] not in gone]
    sample.tickets = store.list_tickets()
