"""Durable state for gardbot: tickets, outbox, inbox, feedback, question log,
conversation state, published Q&As and what replicas share (rate limits, named locks),
behind the backend-neutral `Store` interface.

Two backends run the same SQL (`store.sql.SQLStore`): `SQLiteStore`, one file owned by
one bot process, and `PostgresStore`, a database several replicas may share.

Open a store with `open_store`; the rest of the bot should depend only on `Store`
and the row dataclasses re-exported here, never on a backend class directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from .backoff import RetryPolicy
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
from .sql import SQLStore
from .sqlite import SQLiteStore

if TYPE_CHECKING:
    from .postgres import PostgresStore

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
    "Published",
    "PublishDraft",
    "QuestionLogEntry",
    "QuestionOutcome",
    "RetentionPeriods",
    "RetryPolicy",
    "PostgresStore",
    "SQLStore",
    "SQLiteStore",
    "SchemaError",
    "Store",
    "StoreError",
    "Ticket",
    "TicketNotFound",
    "TicketStateError",
    "TicketStatus",
    "open_store",
    "redact",
    "redact_url",
]

_SQLITE_PREFIX = "sqlite:///"
_POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


def redact_url(url: str) -> str:
    """``url`` without its password (``user:***@host``), for every message, log line and repr."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # not a URL we can parse: say nothing of it beyond its scheme
        return url.split("://", 1)[0] + "://***" if "://" in url else url
    if password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{netloc}"))


def redact(text: str, url: str) -> str:
    """``text`` (an error message that may quote ``url``) with ``url``'s password hidden."""
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    text = text.replace(url, redact_url(url))
    return text.replace(password, "***") if password else text


def open_store(url_or_path: str, **options: Any) -> Store:
    """Open (creating and migrating if needed) the store named by ``url_or_path``.

    Accepts a file path (``data/gardbot.sqlite3``), an SQLAlchemy-style SQLite URL
    (``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db``, ``sqlite:///:memory:``)
    or a PostgreSQL URL (``postgresql://user:password@host:5432/db``; ``postgres://`` and
    ``postgresql+psycopg://`` too, with libpq's query options such as ``?sslmode=require``).

    ``options`` go to the backend: ``retry_policy``, ``lease_seconds`` and
    ``busy_timeout`` for both (PostgreSQL uses the last as its ``lock_timeout``), and
    ``connect_timeout`` for PostgreSQL. Raises ValueError for unknown schemes, so a
    configuration mistake fails at start-up rather than creating a stray file, and
    StoreError when a PostgreSQL server cannot be reached.
    """
    target = str(url_or_path).strip()
    if not target:
        raise ValueError("store location is empty; give a file path, sqlite:///path or postgresql://...")
    scheme = target.split("://", 1)[0].lower() if "://" in target else ""
    if scheme in _POSTGRES_SCHEMES:
        from .postgres import PostgresStore  # psycopg is imported only when it is used

        return PostgresStore(target, **options)
    if scheme == "sqlite":
        if not target.lower().startswith(_SQLITE_PREFIX):
            raise ValueError(f"expected sqlite:///path, got {target!r}")
        path = target[len(_SQLITE_PREFIX) :]
        if not path:
            raise ValueError("sqlite URL has no path; use sqlite:///path/to/file.db")
        return SQLiteStore(path, **options)
    if scheme:
        raise ValueError(f"unsupported store URL scheme {scheme!r} in {redact_url(target)!r}")
    return SQLiteStore(target, **options)


def __getattr__(name: str) -> Any:
    """`PostgresStore` on first use, so SQLite users never import psycopg."""
    if name == "PostgresStore":
        from .postgres import PostgresStore

        return PostgresStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
