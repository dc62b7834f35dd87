"""The `Store` protocol: everything the bot may ask of durable state, whatever the backend.

The bot talks to durable state only through `Store`, so the SQLite implementation
(`store.sqlite.SQLiteStore`, one bot process) and the PostgreSQL one
(`store.postgres.PostgresStore`, several replicas on one database) are interchangeable
without touching bot code. `store.sql.SQLStore` implements it for both; the rows it takes and
returns, its status enums and errors are in `store.records`, and the `store` package exports
them all.

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

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

from .records import (
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
    Ticket,
    TicketStatus,
)


@runtime_checkable
class Store(Protocol):
    """Durable state behind the bot. See `store.sql.SQLStore` for details.

    Contract every implementation keeps:

    * Every write method is atomic on its own. To make several writes atomic
      together, wrap them in ``with store.transaction():`` (nestable) — never
      ``await`` inside that block, because other coroutines on the event-loop thread
      would then join the open transaction.
    * Ticket numbers are never reused, even after `forget_user` (PostgreSQL may skip a
      number that a rolled-back transaction drew).
    * `answer_ticket` answers only ``open`` tickets; otherwise it raises
      `TicketStateError` and writes nothing (so two staff answers cannot both be
      relayed). Its ``outbox`` messages commit together with the answer.
    * The outbox is at-least-once: `enqueue` is idempotent per ``dedupe_key``;
      `due_messages` leases what it returns to this replica, and replicas claiming at
      once never get the same message. A message whose lease expires without
      `mark_sent`/`mark_failed`, or whose replica is no longer live when some replica
      calls `release_leases`, is handed out again. So the one duplicate is a replica dying
      after Telegram accepted a message and before `mark_sent` committed (or a send that
      outlasts its lease). Messages to one chat go out in enqueue order, across replicas too.
    * The inbox records each update_id once across replicas (`inbox_add` is True for
      exactly one caller); `inbox_pending` adopts pending updates of replicas no longer
      live, never those of a live one.
    * `forget_user` erases personal data (tickets redacted, other rows deleted), the Q&As
      published from the user's questions included; `expire` deletes what is past its
      retention period.
    """

    #: Unique per store instance (``host:pid:random hex``): the owner of its leases and inbox rows.
    replica_id: str
    #: True when other processes may use the same database (PostgreSQL), False for SQLite.
    shared: bool

    # -- lifecycle
    def close(self) -> None: ...
    def __enter__(self) -> Store: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def transaction(self) -> AbstractContextManager[None]: ...

    # -- tickets
    def create_ticket(
        self,
        user_id: int,
        chat_id: int,
        first_name: str,
        question: str,
        disease: str | None,
        candidates: list[dict[str, Any]],
        *,
        asker_names: tuple[str, ...] = (),
        ask: str | None = None,
        now: float | None = None,
    ) -> Ticket: ...
    def tickets_of(self, user_id: int, status: TicketStatus | None = None) -> list[int]:
        """The numbers of the tickets a user asked (not yet forgotten), with ``status`` only those."""
        ...

    def get_ticket(self, n: int) -> Ticket | None: ...
    def list_tickets(self, status: TicketStatus | None = None) -> list[Ticket]: ...
    def set_ticket_staff_message(self, n: int, staff_chat_id: int, staff_message_id: int) -> None: ...
    def find_ticket_by_staff_message(self, staff_chat_id: int, message_id: int) -> Ticket | None: ...
    def answer_ticket(
        self,
        n: int,
        answer_text: str,
        staff_user_id: int,
        staff_name: str,
        *,
        outbox: Sequence[OutboxItem] = (),
        now: float | None = None,
    ) -> Ticket: ...
    def close_ticket(self, n: int, *, now: float | None = None) -> Ticket: ...

    # -- outbox
    def enqueue(
        self,
        kind: str,
        chat_id: int,
        payload: dict[str, Any],
        dedupe_key: str,
        *,
        user_id: int | None = None,
        about: tuple[int, ...] = (),
        now: float | None = None,
    ) -> int: ...
    def due_messages(
        self, now: float | None = None, limit: int = 20, *, lease_seconds: float | None = None
    ) -> list[OutboxMessage]: ...
    def mark_sent(self, id: int, telegram_message_id: int | None, *, now: float | None = None) -> bool: ...
    def mark_failed(
        self,
        id: int,
        error: str,
        retry_after: float | None = None,
        now: float | None = None,
        *,
        permanent: bool = False,
    ) -> OutboxMessage | None: ...
    def next_due_at(self) -> float | None: ...
    def get_outbox_message(self, id: int) -> OutboxMessage | None: ...
    def list_outbox(self, status: OutboxStatus | None = None) -> list[OutboxMessage]: ...
    def release_leases(self, *, now: float | None = None) -> int:
        """Hand back as due now every ``sending`` lease whose owner is not live; the count."""
        ...

    def outbox_stats(self, now: float | None = None) -> OutboxStats: ...
    def revive(self, kind: str, chat_id: int, *, now: float | None = None) -> list[OutboxMessage]:
        """Make the ``dead`` messages of ``kind`` due again, sent to ``chat_id`` (the staff chat
        as it is now), with fresh attempts; the revived messages."""
        ...

    def move_chat(self, old_chat_id: int, new_chat_id: int, *, now: float | None = None) -> int:
        """Telegram moved a chat (ChatMigrated): its pending and dead messages go to the new id,
        due now; the count."""
        ...

    def reserve_send(self, budgets: Sequence[tuple[str, int, float]], *, now: float | None = None) -> float:
        """Reserve a send in each ``(name, limit, window)`` budget shared by replicas; when it may go."""
        ...

    def get_setting(self, name: str) -> str | None: ...
    def set_setting(self, name: str, value: str) -> None: ...
    def settings_like(self, prefix: str) -> list[tuple[str, str]]: ...
    def delete_setting(self, name: str) -> None: ...

    # inbox
    def inbox_add(
        self,
        update_id: int,
        payload: dict[str, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
        *,
        now: float | None = None,
    ) -> bool: ...
    def inbox_pending(self) -> list[InboxEntry]:
        """Claim for this replica, and return oldest first, the pending updates whose owner
        is not live (recorded by a replica that died, or by the previous process)."""
        ...

    def inbox_started(self, update_id: int) -> None: ...
    def inbox_done(
        self, update_id: int, *, state: InboxState = InboxState.DONE, now: float | None = None
    ) -> None: ...
    def inbox_prune(self, older_than: float) -> int: ...
    def inbox_pending_count(self) -> int: ...

    # -- health
    def ping(self) -> None: ...

    # -- replicas
    def try_lock(self, name: str) -> bool:
        """Take the named lock if no replica holds it, this one included (no re-entry); held
        until `unlock` or until this replica stops being live. E.g. ``"telegram:polling"``
        for the polling leader, ``"chat:<id>"`` to handle one chat on one replica at a time."""
        ...

    def unlock(self, name: str) -> None:
        """Give up a named lock this store holds; a no-op otherwise."""
        ...

    def holds_lock(self, name: str) -> bool:
        """Whether this store holds the named lock now (False once its connection dropped)."""
        ...

    def rate_check(self, user_id: int, limit: int, seconds: float, *, now: float | None = None) -> str:
        """Count a message against ``limit`` per sliding ``seconds``, for all replicas at once:
        ``"ok"``, ``"warn"`` (first message over the limit in the window) or ``"drop"``."""
        ...

    def published_version(self) -> str:
        """Changes whenever a Q&A is published, edited or unpublished, so replicas reload."""
        ...

    # -- feedback
    def add_feedback(
        self,
        user_id: int,
        chat_id: int,
        passage_ids: list[str],
        question: str,
        helpful: bool,
        *,
        now: float | None = None,
    ) -> int: ...
    def feedback_counts(self, since: float | None = None) -> FeedbackCounts: ...
    def feedback_by_passage(self, since: float | None = None) -> dict[str, FeedbackCounts]: ...

    # -- question log
    def log_question(
        self,
        user_id: int,
        chat_id: int,
        question: str,
        disease: str | None,
        outcome: QuestionOutcome,
        now: float | None = None,
    ) -> int: ...
    def questions(self, since: float | None = None) -> Iterator[QuestionLogEntry]: ...
    def question_counts(self, since: float | None = None) -> dict[str, int]: ...
    def pruned_counts(self, since: float | None = None) -> list[tuple[float, str, int]]:
        """(day start, kind, count) of rows `expire` deleted, so reports keep their totals."""
        ...

    # -- conversation state
    def load_conversation(self, chat_key: str) -> dict[str, Any] | None: ...
    def save_conversation(
        self,
        chat_key: str,
        state: dict[str, Any],
        *,
        user_id: int | None = None,
        now: float | None = None,
    ) -> None: ...
    def delete_conversation(self, chat_key: str) -> bool: ...
    def expire_conversations(self, older_than: float) -> int: ...

    # -- published Q&As
    def publish(
        self,
        ticket_n: int,
        question: str,
        answer: str,
        disease: str | None,
        role: str,
        now: float | None = None,
        doc_id: str | None = None,
    ) -> Published: ...
    def unpublish(self, ticket_n: int, *, now: float | None = None) -> bool: ...
    def get_published(self, ticket_n: int) -> Published | None: ...
    def list_published(self, active_only: bool = True) -> list[Published]: ...
    def save_draft(
        self,
        ticket_n: int,
        question: str,
        answer: str,
        disease: str | None,
        doc_id: str | None,
        offered: str | None,
        *,
        now: float | None = None,
    ) -> PublishDraft: ...
    def get_draft(self, ticket_n: int) -> PublishDraft | None: ...
    def delete_draft(self, ticket_n: int) -> bool: ...

    # -- privacy
    def forget_user(
        self,
        user_id: int,
        *,
        withdraw_in: int | None = None,
        withdrawn_text: str = "",
        now: float | None = None,
    ) -> dict[str, int]: ...
    def expire(
        self, periods: RetentionPeriods, *, keep_ids_in: int | None = None, now: float | None = None
    ) -> dict[str, int]: ...
