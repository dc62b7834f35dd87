"""The store's vocabulary: status enums, errors and the row dataclasses (no SQL, no driver).

The `store` package exports all of it with the `Store` protocol (`store.protocol`); see its
docstring for the conventions every backend keeps (Unix-second times, strict JSON, no NUL).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from corpus.published import PublishedQA


class TicketStatus(StrEnum):
    """Where a ticket is: waiting for staff, answered (the answer relayed), or closed."""

    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class OutboxStatus(StrEnum):
    """A queued message: waiting (``pending``), leased to a replica (``sending``), ``sent``, or
    given up (``dead``, kept with its last error)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"


class QuestionOutcome(StrEnum):
    """What the bot did with a logged question."""

    ANSWER = "answer"
    ABSTAIN = "abstain"
    CHOOSE = "choose"
    SMALLTALK = "smalltalk"
    REFUSED = "refused"


class InboxState(StrEnum):
    """An update from Telegram: recorded and not yet handled, handled, or set aside."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


# The values as plain strings, for messages and for callers that list them.
TICKET_STATUSES: tuple[str, ...] = tuple(status.value for status in TicketStatus)
OUTBOX_STATUSES: tuple[str, ...] = tuple(status.value for status in OutboxStatus)
QUESTION_OUTCOMES: tuple[str, ...] = tuple(outcome.value for outcome in QuestionOutcome)

#: A staff answer published as a public Q&A: the one type the engine indexes and the store keeps
#: (defined by corpus, the lower layer; see `corpus.published.PublishedQA`).
Published = PublishedQA


# --------------------------------------------------------------------------- errors


class StoreError(Exception):
    """Base class for errors raised by a store, so callers can catch them all."""


class TicketNotFound(StoreError, LookupError):
    """No ticket has the requested number."""

    def __init__(self, n: int) -> None:
        super().__init__(f"ticket #{n} does not exist")
        self.n = n


class TicketStateError(StoreError):
    """The ticket is not in a state that allows the operation.

    Raised, for example, when a second staff member answers a ticket that someone
    already answered. ``ticket`` is the current row, so the bot can tell staff who
    answered it and when.
    """

    def __init__(self, ticket: Ticket, action: str) -> None:
        super().__init__(f"cannot {action} ticket #{ticket.n}: it is {ticket.status}")
        self.ticket = ticket
        self.action = action


class SchemaError(StoreError):
    """The database was written by a newer version of the code than this one."""


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Ticket:
    """A question forwarded to human staff.

    ``user_id``/``chat_id`` are ``None`` and ``first_name``/``question`` are empty
    once the asker has been forgotten (``redacted_at`` is then set); the row itself
    stays so the ticket number is never reused and staff replies to the old
    forwarded message get a clear "forgotten" answer instead of "unknown ticket".
    """

    n: int
    user_id: int | None
    chat_id: int | None
    first_name: str
    question: str
    disease: str | None
    candidates: list[dict[str, Any]]
    status: TicketStatus
    created_at: float
    staff_chat_id: int | None = None
    staff_message_id: int | None = None
    answer_text: str | None = None
    staff_user_id: int | None = None
    staff_name: str | None = None
    answered_at: float | None = None
    closed_at: float | None = None
    redacted_at: float | None = None
    # The asker's Telegram first name, last name and username: never shown, only left out of
    # the wording offered for publishing. Empty once forgotten.
    asker_names: tuple[str, ...] = ()
    # What the question asks specifically, in the bot's words ("whether it is contagious"),
    # shown to staff; None when it asked nothing specific. Wiped when the asker is forgotten.
    ask: str | None = None

    @property
    def redacted(self) -> bool:
        return self.redacted_at is not None


@dataclass(frozen=True)
class OutboxItem:
    """A message to enqueue, used to queue messages atomically with a ticket change.

    ``user_id`` is the user the message is *about* (not necessarily the recipient:
    a ticket forwarded to the staff chat is about the asker). It lets `forget_user`
    find and delete messages carrying that user's data.
    """

    kind: str
    chat_id: int
    payload: dict[str, Any]
    dedupe_key: str
    user_id: int | None = None
    about: tuple[int, ...] = ()  # more users whose data it holds (a staff-chat list of tickets)


@dataclass(frozen=True)
class OutboxMessage:
    """A queued Telegram message and its delivery bookkeeping."""

    id: int
    kind: str
    chat_id: int
    user_id: int | None
    payload: dict[str, Any]
    dedupe_key: str
    status: OutboxStatus
    attempts: int
    next_attempt_at: float
    lease_until: float | None
    last_error: str | None
    telegram_message_id: int | None
    created_at: float
    sent_at: float | None
    lease_owner: str | None = None  # the replica_id holding the lease while ``sending``


@dataclass(frozen=True)
class InboxEntry:
    """An update from Telegram recorded before it was acknowledged, not yet handled.

    ``attempts`` counts the dispatches started before this one, so an update that crashes
    the process every time can be set aside instead of crashing it forever.
    """

    update_id: int
    chat_id: int | None
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class OutboxStats:
    """What a health check or a metrics scrape needs to know about the outbox.

    ``depth`` counts messages not yet sent (pending or in flight, due or waiting for a retry);
    ``dead`` those given up. ``oldest_due_at`` is when the longest-waiting message that is due
    now fell due (a chat's head only: later messages to a chat wait for it by design), or None
    when nothing is due. A worker that runs claims due messages within one pass, so a due time
    far in the past means delivery is stuck.
    """

    depth: int = 0
    dead: int = 0
    oldest_due_at: float | None = None
    dead_tickets: int = 0  # staff-chat copies of tickets given up: questions staff never saw


@dataclass(frozen=True)
class FeedbackCounts:
    """Helpful / not-helpful tallies for reports."""

    helpful: int = 0
    not_helpful: int = 0

    @property
    def total(self) -> int:
        return self.helpful + self.not_helpful


@dataclass(frozen=True)
class QuestionLogEntry:
    """One question a user asked and what the bot did with it."""

    id: int
    user_id: int
    chat_id: int
    question: str
    disease: str | None
    outcome: QuestionOutcome
    asked_at: float


@dataclass(frozen=True)
class PublishDraft:
    """A preview of a Q&A staff are about to publish: what users would see, not live until
    staff confirm it. ``offered`` is a topic read from the question's free text, shown to staff
    as a suggestion and never applied without them."""

    ticket_n: int
    question: str
    answer: str
    disease: str | None
    doc_id: str | None
    offered: str | None
    created_at: float


@dataclass(frozen=True)
class RetentionPeriods:
    """How long each kind of row is kept, in seconds (config `privacy`); see `Store.expire`."""

    conversations: float
    buttons: float
    sent_messages: float
    question_log: float
    feedback: float
    rate_limits: float
    inbox: float
