"""Durable state for gardbot: tickets, outbox, feedback, question log, conversation
state and published Q&As, behind the backend-neutral `Store` interface.

Open a store with `open_store`; the rest of the bot should depend only on `Store`
and the row dataclasses re-exported here, never on `SQLiteStore` directly.
"""

from __future__ import annotations

from typing import Any

from .backoff import RetryPolicy
from .base import (
    OUTBOX_STATUSES,
    QUESTION_OUTCOMES,
    TICKET_STATUSES,
    FeedbackCounts,
    InboxEntry,
    OutboxItem,
    OutboxMessage,
    OutboxStats,
    Published,
    QuestionLogEntry,
    SchemaError,
    Store,
    StoreError,
    Ticket,
    TicketNotFound,
    TicketStateError,
)
from .sqlite import SQLiteStore

__all__ = [
    "OUTBOX_STATUSES",
    "QUESTION_OUTCOMES",
    "TICKET_STATUSES",
    "FeedbackCounts",
    "InboxEntry",
    "OutboxItem",
    "OutboxMessage",
    "OutboxStats",
    "Published",
    "QuestionLogEntry",
    "RetryPolicy",
    "SQLiteStore",
    "SchemaError",
    "Store",
    "StoreError",
    "Ticket",
    "TicketNotFound",
    "TicketStateError",
    "open_store",
]

_SQLITE_PREFIX = "sqlite:///"


def open_store(url_or_path: str, **options: Any) -> Store:
    """Open (creating and migrating if needed) the store named by ``url_or_path``.

    Accepts a file path (``data/gardbot.sqlite3``) or an SQLAlchemy-style URL:
    ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db`` or
    ``sqlite:///:memory:``. ``options`` go to the backend (for SQLite:
    ``retry_policy``, ``lease_seconds``, ``busy_timeout``).

    Raises ValueError for PostgreSQL URLs (not implemented yet) and unknown schemes,
    so a configuration mistake fails at start-up rather than creating a stray file.
    """
    target = str(url_or_path).strip()
    if not target:
        raise ValueError("store location is empty; give a file path or sqlite:///path")
    scheme = target.split("://", 1)[0].lower() if "://" in target else ""
    if scheme in ("postgresql", "postgres") or scheme.startswith("postgresql+"):
        raise ValueError("PostgreSQL store is not implemented yet; use a file path or sqlite:///path")
    if scheme == "sqlite":
        if not target.lower().startswith(_SQLITE_PREFIX):
            raise ValueError(f"expected sqlite:///path, got {target!r}")
        path = target[len(_SQLITE_PREFIX) :]
        if not path:
            raise ValueError("sqlite URL has no path; use sqlite:///path/to/file.db")
        return SQLiteStore(path, **options)
    if scheme:
        raise ValueError(f"unsupported store URL scheme {scheme!r} in {target!r}")
    return SQLiteStore(target, **options)
