"""The storage interface: row dataclasses, status enums, errors and the `Store` protocol.

The bot talks to durable state only through `Store`, so the SQLite implementation
(`store.sqlite.SQLiteStore`, one bot process) and the PostgreSQL one
(`store.postgres.PostgresStore`, several replicas on one database) are interchangeable
without touching bot code. Everything here is backend-neutral: no SQL, no driver types.
The rows, enums and errors live in `store.records`, the protocol in `store.protocol`; this
module gathers them, so ``from store.base import Ticket, Store`` reads one place.

Conventions shared by every implementation:

* Timestamps are Unix seconds as ``float`` (UTC by definition). Every method that
  records or compares a time takes an optional ``now`` so tests can control the clock;
  ``None`` means "the current time".
* JSON-ish values (ticket candidates, outbox payloads, conversation state) must be
  strict JSON: str keys, no NaN/Infinity, no tuples expected back (they return as
  lists). PostgreSQL ``jsonb`` would reject anything looser, so SQLite does too.
* Text must not contain NUL characters (PostgreSQL ``text`` cannot hold them): every
  backend raises ValueError for a string argument holding one. Anything else, including
  emoji and megabyte-sized strings, round-trips exactly.
* A *replica* is one store instance, named by its ``replica_id``. Several replicas may
  share a database (``shared`` is True for PostgreSQL); a replica is *live* while its
  process runs (PostgreSQL: while its connection holds the replica's advisory lock, which
  a killed process's connection gives up). With SQLite only the store itself is live.
"""

from .protocol import Store
from .records import (
    OUTBOX_STATUSES,
    QUESTION_OUTCOMES,
    TICKET_STATUSES,
    FeedbackCounts,
    InboxEntry,
    InboxState,
    OutboxItem,
    OutboxMessage,
    OutboxStats,
    OutboxStatus,
    PublishDraft,
    Published,
    QuestionLogEntry,
    QuestionOutcome,
    RetentionPeriods,
    SchemaError,
    StoreError,
    Ticket,
    TicketNotFound,
    TicketStateError,
    TicketStatus,
)

__all__ = [
    "OUTBOX_STATUSES",
    "QUESTION_OUTCOMES",
    "TICKET_STATUSES",
    "FeedbackCounts",
    "InboxEntry",
    "InboxState",
    "OutboxItem",
    "OutboxMessage",
    "OutboxStats",
    "OutboxStatus",
    "PublishDraft",
    "Published",
    "QuestionLogEntry",
    "QuestionOutcome",
    "RetentionPeriods",
    "SchemaError",
    "Store",
    "StoreError",
    "Ticket",
    "TicketNotFound",
    "TicketStateError",
    "TicketStatus",
]
