"""The SQL behind every store, written once for SQLite and PostgreSQL.

`SQLStore` implements `store.base.Store` on top of a handful of hooks; `SQLiteStore`
(`store.sqlite`) and `PostgresStore` (`store.postgres`) supply a connection and the few
places where the two dialects must differ:

* how a write transaction starts (``BEGIN IMMEDIATE`` takes SQLite's write lock up front);
* row locks: ``FOR UPDATE`` on a read that precedes a write, and ``FOR UPDATE SKIP LOCKED``
  when claiming outbox rows, so replicas sharing a PostgreSQL database never claim the
  same message (SQLite needs neither: one writer at a time holds the whole file);
* the table function that lists a feedback row's passage ids;
* which replicas are live, and named locks (see `Store.replica_id` and `Store.try_lock`).

Statements use named ``:name`` parameters, which sqlite3 understands as they are and
`store.postgres` rewrites once per statement for psycopg. Nothing here imports a driver.

Concurrency: one connection per store, shared by all threads and guarded by a re-entrant
lock. That fits an asyncio bot calling the store from the event-loop thread; calls are
short, so blocking the loop briefly is acceptable.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar, Self

from .backoff import RetryPolicy
from .base import (
    QUESTION_OUTCOMES,
    TICKET_STATUSES,
    FeedbackCounts,
    InboxEntry,
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
    Ticket,
    TicketNotFound,
    TicketStateError,
    TicketStatus,
)
from .migrations import LATEST_VERSION, Dialect, statements
from .rows import (
    Row,
    draft_from_row,
    outbox_from_row,
    published_from_row,
    question_from_row,
    ticket_from_row,
)

Params = Mapping[str, Any] | Sequence[Any]

_MAX_ERROR_CHARS = 2000
_QUESTION_PAGE = 500
_DAY = 86400.0

# A message is at the head of its chat's queue when no older message to the same chat
# is still pending or in flight. Only heads are sent, which keeps per-chat order.
_IS_CHAT_HEAD = """
    NOT EXISTS (
        SELECT 1 FROM outbox AS earlier
        WHERE earlier.chat_id = o.chat_id
          AND earlier.id < o.id
          AND earlier.status IN ('pending', 'sending')
    )
"""


def _dumps(value: Any) -> str:
    """Strict JSON (no NaN), as PostgreSQL jsonb would require."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _now(now: float | None) -> float:
    return time.time() if now is None else float(now)


def _since(since: float | None) -> float:
    return float("-inf") if since is None else float(since)


def new_replica_id() -> str:
    """``host:pid:random``: names the process in logs and stays unique across restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _owner_is(column: str, owner: str | None) -> str:
    """A condition matching rows whose ``column`` is ``owner`` (bound as ``:owner``).

    NULL (rows written before owners were recorded) is matched with IS NULL rather than
    ``IS NOT DISTINCT FROM``, which older SQLite versions lack.
    """
    return f"{column} IS NULL" if owner is None else f"{column} = :owner"


class SQLStore:
    """Durable bot state in an SQL database. Implements `store.base.Store`.

    Subclasses open the connection, then call `_migrate`; see the module docstring for
    what they must supply.

    Outbox delivery guarantee
    -------------------------
    The outbox gives *at-least-once* delivery that is exactly-once in practice:

    * `enqueue` is idempotent per ``dedupe_key``, so a handler that runs twice (e.g.
      Telegram redelivering an update after a restart) queues its message once.
    * `due_messages` *claims* messages: it marks them ``sending`` with a lease
      (``lease_until = now + lease_seconds``, ``lease_owner = replica_id``) and counts
      the attempt. A claimed message is not handed out again while its lease is live, by
      this store or by any other replica on the same database.
    * After calling Telegram the worker must call `mark_sent` or `mark_failed`.
    * If a replica dies after Telegram accepted a message but before `mark_sent`
      committed, no store can know the message was delivered. Once the lease expires, or
      at once when another replica (or the next process) calls `release_leases`, the
      message is handed out again, so the user may receive it **twice**. The window is
      one HTTP round-trip plus one commit, per crash.
    * The same happens without a crash if one send outlasts its lease, so keep
      ``lease_seconds`` (default 60) well above the worker's HTTP timeout.
    * Nothing is dropped silently: a message ends ``sent``, or ``dead`` (kept, with
      its last error) once its attempts run out; only `forget_user` deletes rows.

    Messages to the same chat are delivered in enqueue order: a message is handed out
    only when no older message to that chat is pending or in flight. A message that
    keeps failing therefore delays later ones to the same chat until it is sent or
    dead; pass ``permanent=True`` to `mark_failed` for errors that retrying cannot fix
    (user blocked the bot, malformed message) so it dies at once.

    Transactions
    ------------
    Each public write is atomic. ``with store.transaction():`` groups several writes
    (nested blocks become savepoints). It holds the store lock for the whole block,
    so never ``await`` inside it: other coroutines on the same thread would re-enter
    the lock and join the transaction.
    """

    dialect: ClassVar[Dialect]
    shared: ClassVar[bool] = False
    # The statement that opens a write transaction.
    _BEGIN: ClassVar[str] = "BEGIN"
    # Appended to a read whose rows the transaction then changes, so another replica's
    # read-modify-write of the same rows waits instead of interleaving.
    _FOR_UPDATE: ClassVar[str] = ""
    # Appended to the outbox claim: rows another replica is claiming are passed over.
    _SKIP_LOCKED: ClassVar[str] = ""
    # A FROM item giving one row per passage id of feedback row ``f``, in column p.value.
    _PASSAGE_IDS: ClassVar[str]

    def __init__(self, *, retry_policy: RetryPolicy | None, lease_seconds: float) -> None:
        self.retry_policy = retry_policy or RetryPolicy()
        self.lease_seconds = lease_seconds
        self.replica_id = new_replica_id()
        self._lock = threading.RLock()
        self._depth = 0  # transaction nesting depth; only touched under _lock

    # ------------------------------------------------------------------ dialect hooks

    def _execute(self, sql: str, params: Params = ()) -> Any:
        """Run one statement on the connection; returns a DB-API cursor."""
        raise NotImplementedError

    def _ensure_connected(self) -> None:
        """Called outside a transaction before each use: reopen a connection that broke."""

    def _in_transaction(self) -> bool:
        """Whether the connection still has a transaction open (e.g. after COMMIT failed)."""
        raise NotImplementedError

    def _connection_lost(self) -> bool:
        """True when the connection is gone, so there is no transaction left to roll back."""
        return False

    def _lock_schema(self) -> None:
        """Inside the migration transaction: keep other processes from migrating at once."""

    def _owner_live(self, owner: str) -> bool:
        """Whether the replica named ``owner`` (not this one) is running now."""
        raise NotImplementedError

    def _after_forget(self) -> None:
        """After `forget_user` committed: scrub what the backend keeps of deleted rows."""

    def close(self) -> None:
        raise NotImplementedError

    def try_lock(self, name: str) -> bool:
        raise NotImplementedError

    def unlock(self, name: str) -> None:
        raise NotImplementedError

    def holds_lock(self, name: str) -> bool:
        raise NotImplementedError

    # ------------------------------------------------------------------ plumbing

    def _run(self, sql: str, params: Params | None = None) -> Any:
        """Run a statement; callers hold the lock (a transaction or `_query`).

        Rejects text holding NUL before it reaches the database: PostgreSQL cannot store it,
        so neither backend accepts it and code tested on one behaves the same on the other.
        """
        values = params.values() if isinstance(params, Mapping) else (params or ())
        for value in values:
            if isinstance(value, str) and "\x00" in value:
                raise ValueError("text must not contain NUL characters")
        return self._execute(sql, {} if params is None else params)

    def _query(self, sql: str, params: Params | None = None) -> list[Row]:
        """Rows of one read, outside or inside a transaction."""
        with self._lock:
            if self._depth == 0:
                self._ensure_connected()
            return list(self._run(sql, params).fetchall())

    def _rows(self, sql: str, params: Params | None = None) -> list[Row]:
        """Rows of a statement run inside the current transaction (SELECT or RETURNING)."""
        return list(self._run(sql, params).fetchall())

    def _is_live(self, owner: str | None) -> bool:
        if owner is None:
            return False  # written before owners were recorded: by a process long gone
        return owner == self.replica_id or self._owner_live(owner)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block atomically: everything in it commits, or nothing does."""
        with self._lock:
            savepoint = f"sp{self._depth}"
            if self._depth == 0:
                self._ensure_connected()
                self._execute(self._BEGIN, {})
            else:
                self._execute(f"SAVEPOINT {savepoint}", {})
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._connection_lost():
                    raise  # the server ended the transaction with the connection
                if self._depth == 0:
                    self._execute("ROLLBACK", {})
                else:
                    self._execute(f"ROLLBACK TO {savepoint}", {})
                    self._execute(f"RELEASE {savepoint}", {})
                raise
            self._depth -= 1
            if self._depth > 0:
                self._execute(f"RELEASE {savepoint}", {})
                return
            try:
                self._execute("COMMIT", {})
            except BaseException:
                # e.g. disk full: the transaction may still be open; undo it.
                if not self._connection_lost() and self._in_transaction():
                    self._execute("ROLLBACK", {})
                raise

    def _migrate(self) -> int:
        """Bring the schema up to date; return the resulting version.

        Each migration runs in its own transaction together with its version bump, after
        `_lock_schema`, so two processes opening the database at once do not both migrate.
        """
        while True:
            with self.transaction():
                self._lock_schema()
                self._run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                version = int(self._rows("SELECT MAX(version) AS v FROM schema_version")[0]["v"] or 0)
                if version > LATEST_VERSION:
                    raise SchemaError(
                        f"database schema is version {version}, but this code only knows "
                        f"up to {LATEST_VERSION}; upgrade the code or use another database"
                    )
                if version == LATEST_VERSION:
                    return version
                for statement in statements(version, self.dialect):
                    self._run(statement)
                self._run("INSERT INTO schema_version (version) VALUES (:v)", {"v": version + 1})

    # ------------------------------------------------------------------ tickets

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
        now: float | None = None,
    ) -> Ticket:
        """Open a ticket. Its number is committed (durably) before this returns,
        unless called inside an enclosing `transaction()`. ``asker_names`` (the asker's
        Telegram names) are kept only to be left out of a published wording."""
        with self.transaction():
            [row] = self._rows(
                """
                INSERT INTO tickets
                    (user_id, chat_id, first_name, question, disease, candidates,
                     status, created_at, asker_names)
                VALUES (:user, :chat, :name, :question, :disease, :candidates, 'open', :now, :names)
                RETURNING *
                """,
                {
                    "names": _dumps([name for name in asker_names if name]),
                    "user": user_id,
                    "chat": chat_id,
                    "name": first_name,
                    "question": question,
                    "disease": disease,
                    "candidates": _dumps(candidates),
                    "now": _now(now),
                },
            )
            return ticket_from_row(row)

    def tickets_of(self, user_id: int, status: TicketStatus | None = None) -> list[int]:
        """The numbers of a user's tickets (with ``status``, only those)."""
        where = "" if status is None else " AND status = :status"
        rows = self._query(
            f"SELECT n FROM tickets WHERE user_id = :user{where} ORDER BY n",
            {"user": user_id, "status": status},
        )
        return [int(row["n"]) for row in rows]

    def get_ticket(self, n: int) -> Ticket | None:
        rows = self._query("SELECT * FROM tickets WHERE n = :n", {"n": n})
        return ticket_from_row(rows[0]) if rows else None

    def _require_ticket(self, n: int, *, for_update: bool = False) -> Ticket:
        lock = self._FOR_UPDATE if for_update else ""
        rows = self._query(f"SELECT * FROM tickets WHERE n = :n{lock}", {"n": n})
        if not rows:
            raise TicketNotFound(n)
        return ticket_from_row(rows[0])

    def list_tickets(self, status: TicketStatus | None = None) -> list[Ticket]:
        if status is None:
            rows = self._query("SELECT * FROM tickets ORDER BY n")
        else:
            if status not in TICKET_STATUSES:
                raise ValueError(f"unknown ticket status {status!r}")
            rows = self._query("SELECT * FROM tickets WHERE status = :status ORDER BY n", {"status": status})
        return [ticket_from_row(row) for row in rows]

    def set_ticket_staff_message(self, n: int, staff_chat_id: int, staff_message_id: int) -> None:
        """Record the staff-chat message that stands for ticket ``n``.

        May be called several times (forward, reminders); a staff reply to any of the
        recorded messages finds the ticket. The ticket row keeps the latest one.
        """
        params = {"n": n, "chat": staff_chat_id, "message": staff_message_id}
        with self.transaction():
            self._require_ticket(n, for_update=True)
            self._run(
                "UPDATE tickets SET staff_chat_id = :chat, staff_message_id = :message WHERE n = :n", params
            )
            self._run(
                """
                INSERT INTO ticket_staff_messages (staff_chat_id, staff_message_id, ticket_n)
                VALUES (:chat, :message, :n)
                ON CONFLICT (staff_chat_id, staff_message_id)
                DO UPDATE SET ticket_n = excluded.ticket_n
                """,
                params,
            )

    def find_ticket_by_staff_message(self, staff_chat_id: int, message_id: int) -> Ticket | None:
        rows = self._query(
            """
            SELECT t.* FROM ticket_staff_messages AS m JOIN tickets AS t ON t.n = m.ticket_n
            WHERE m.staff_chat_id = :chat AND m.staff_message_id = :message
            """,
            {"chat": staff_chat_id, "message": message_id},
        )
        return ticket_from_row(rows[0]) if rows else None

    def answer_ticket(
        self,
        n: int,
        answer_text: str,
        staff_user_id: int,
        staff_name: str,
        *,
        outbox: Sequence[OutboxItem] = (),
        now: float | None = None,
    ) -> Ticket:
        """Mark an open ticket answered and queue ``outbox`` messages, atomically.

        Only an ``open`` ticket can be answered. Answering one that is already
        answered or closed raises `TicketStateError` (carrying the current ticket, so
        the bot can say who answered first) and writes nothing — this is what stops
        two staff members, even on two replicas, from both relaying an answer. Raises
        `TicketNotFound` for an unknown number.
        """
        at = _now(now)
        with self.transaction():
            ticket = self._require_ticket(n, for_update=True)
            if ticket.status != "open":
                raise TicketStateError(ticket, "answer")
            [row] = self._rows(
                """
                UPDATE tickets
                SET status = 'answered', answer_text = :text, staff_user_id = :staff,
                    staff_name = :name, answered_at = :now
                WHERE n = :n
                RETURNING *
                """,
                {"text": answer_text, "staff": staff_user_id, "name": staff_name, "now": at, "n": n},
            )
            for item in outbox:
                self._enqueue(item, at)
            return ticket_from_row(row)

    def close_ticket(self, n: int, *, now: float | None = None) -> Ticket:
        """Close a ticket (open or answered). Closing a closed ticket is a no-op."""
        with self.transaction():
            ticket = self._require_ticket(n, for_update=True)
            if ticket.status == "closed":
                return ticket
            [row] = self._rows(
                "UPDATE tickets SET status = 'closed', closed_at = :now WHERE n = :n RETURNING *",
                {"now": _now(now), "n": n},
            )
            return ticket_from_row(row)

    # ------------------------------------------------------------------ outbox

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
    ) -> int:
        """Queue a message; return its id.

        Idempotent: if ``dedupe_key`` was ever enqueued, nothing is written and the
        existing message's id is returned (even if the new payload differs). Choose
        keys that name the event, e.g. ``f"relay:ticket:{n}"``. ``user_id`` is whom
        the message is about, so `forget_user` can delete it; ``about`` names more such users
        (a staff-chat list of several tickets).
        """
        item = OutboxItem(kind, chat_id, payload, dedupe_key, user_id, tuple(about))
        with self.transaction():
            return self._enqueue(item, _now(now))

    def _enqueue(self, item: OutboxItem, now: float) -> int:
        if not item.dedupe_key:
            raise ValueError("dedupe_key must be a non-empty string")
        self._run(
            """
            INSERT INTO outbox
                (kind, chat_id, user_id, payload, dedupe_key, status, next_attempt_at,
                 created_at)
            VALUES (:kind, :chat, :user, :payload, :key, 'pending', :now, :now)
            ON CONFLICT (dedupe_key) DO NOTHING
            """,
            {
                "kind": item.kind,
                "chat": item.chat_id,
                "user": item.user_id,
                "payload": _dumps(item.payload),
                "key": item.dedupe_key,
                "now": now,
            },
        )
        [row] = self._rows("SELECT id FROM outbox WHERE dedupe_key = :key", {"key": item.dedupe_key})
        for user in sorted({u for u in item.about if u is not None and u != item.user_id}):
            self._run(
                """
                INSERT INTO outbox_subjects (outbox_id, user_id) VALUES (:id, :user)
                ON CONFLICT (outbox_id, user_id) DO NOTHING
                """,
                {"id": row["id"], "user": user},
            )
        return int(row["id"])

    def due_messages(
        self, now: float | None = None, limit: int = 20, *, lease_seconds: float | None = None
    ) -> list[OutboxMessage]:
        """Claim up to ``limit`` messages that are due, oldest first.

        Claimed messages are marked ``sending`` with a lease owned by this replica and
        their attempt is counted. A message whose lease expired (the worker died
        mid-send) is due again — see the class docstring for what that means for
        duplicates — unless its attempts are used up, in which case it is marked
        ``dead`` instead. Replicas claiming at the same time get disjoint messages, and
        only a chat's oldest unsent message is ever claimed, so per-chat order holds.
        """
        at = _now(now)
        lease = self.lease_seconds if lease_seconds is None else lease_seconds
        claimed: list[OutboxMessage] = []
        with self.transaction():
            rows = self._rows(
                f"""
                SELECT o.id, o.attempts FROM outbox AS o
                WHERE ((o.status = 'pending' AND o.next_attempt_at <= :now)
                       OR (o.status = 'sending' AND o.lease_until <= :now))
                  AND {_IS_CHAT_HEAD}
                ORDER BY o.next_attempt_at, o.id
                LIMIT :limit{self._SKIP_LOCKED}
                """,
                {"now": at, "limit": limit},
            )
            for row in rows:
                if self.retry_policy.gives_up(row["attempts"]):
                    self._run(
                        """
                        UPDATE outbox
                        SET status = 'dead', lease_until = NULL, lease_owner = NULL,
                            last_error = 'lease expired on the last attempt; delivery unknown'
                        WHERE id = :id
                        """,
                        {"id": row["id"]},
                    )
                    continue
                [message] = self._rows(
                    """
                    UPDATE outbox
                    SET status = 'sending', attempts = attempts + 1, lease_until = :until,
                        lease_owner = :me
                    WHERE id = :id
                    RETURNING *
                    """,
                    {"until": at + lease, "me": self.replica_id, "id": row["id"]},
                )
                claimed.append(outbox_from_row(message))
        return claimed

    def mark_sent(self, id: int, telegram_message_id: int | None, *, now: float | None = None) -> bool:
        """Record successful delivery. Returns False if the message is gone (forgotten)
        or already final, in which case nothing changes."""
        with self.transaction():
            cursor = self._run(
                """
                UPDATE outbox
                SET status = 'sent', telegram_message_id = :message, sent_at = :now,
                    lease_until = NULL, lease_owner = NULL
                WHERE id = :id AND status IN ('pending', 'sending')
                """,
                {"message": telegram_message_id, "now": _now(now), "id": id},
            )
            return cursor.rowcount == 1

    def mark_failed(
        self,
        id: int,
        error: str,
        retry_after: float | None = None,
        now: float | None = None,
        *,
        permanent: bool = False,
    ) -> OutboxMessage | None:
        """Record a failed attempt and schedule the next one (see `RetryPolicy`).

        The message becomes ``dead`` (kept for inspection, never retried) when its
        attempts are used up or ``permanent`` is true. Returns the updated message,
        or None if it no longer exists. A message already sent or dead is returned
        unchanged.
        """
        at = _now(now)
        with self.transaction():
            rows = self._rows(f"SELECT * FROM outbox WHERE id = :id{self._FOR_UPDATE}", {"id": id})
            message = outbox_from_row(rows[0]) if rows else None
            if message is None or message.status in ("sent", "dead"):
                return message
            attempts = max(message.attempts, 1)
            params = {"attempts": attempts, "error": error[:_MAX_ERROR_CHARS], "id": id}
            if permanent or self.retry_policy.gives_up(attempts):
                sql = """
                    UPDATE outbox
                    SET status = 'dead', attempts = :attempts, last_error = :error,
                        lease_until = NULL, lease_owner = NULL
                    WHERE id = :id
                    RETURNING *
                """
            else:
                params["next"] = at + self.retry_policy.delay(attempts, retry_after)
                sql = """
                    UPDATE outbox
                    SET status = 'pending', attempts = :attempts, last_error = :error,
                        lease_until = NULL, lease_owner = NULL, next_attempt_at = :next
                    WHERE id = :id
                    RETURNING *
                """
            [row] = self._rows(sql, params)
            return outbox_from_row(row)

    def next_due_at(self) -> float | None:
        """When the next message becomes due (may be in the past), or None if the
        outbox is idle. A worker sleeps until then or until new work is enqueued."""
        rows = self._query(
            f"""
            SELECT MIN(CASE o.status WHEN 'pending' THEN o.next_attempt_at
                                     ELSE o.lease_until END) AS due
            FROM outbox AS o
            WHERE o.status IN ('pending', 'sending') AND {_IS_CHAT_HEAD}
            """
        )
        due = rows[0]["due"]
        return None if due is None else float(due)

    def get_outbox_message(self, id: int) -> OutboxMessage | None:
        rows = self._query("SELECT * FROM outbox WHERE id = :id", {"id": id})
        return outbox_from_row(rows[0]) if rows else None

    def list_outbox(self, status: OutboxStatus | None = None) -> list[OutboxMessage]:
        if status is None:
            rows = self._query("SELECT * FROM outbox ORDER BY id")
        else:
            rows = self._query("SELECT * FROM outbox WHERE status = :status ORDER BY id", {"status": status})
        return [outbox_from_row(row) for row in rows]

    def release_leases(self, *, now: float | None = None) -> int:
        """Hand every message leased by a replica that is not live back as due now.

        A replica that died mid-send leaves its leases behind; waiting for them to expire
        (``lease_seconds``) would only hold tickets and answers back. Such a message may
        have reached Telegram already; sending it again is the one duplicate the outbox
        allows (see the class docstring). Leases of live replicas, this one included, are
        left alone, so calling this periodically never disturbs a send in flight. With
        SQLite only this store is live, so at start-up it releases every lease, as one
        process owning the file wants. Returns how many were released.
        """
        at = _now(now)
        released = 0
        with self.transaction():
            owners = self._rows("SELECT DISTINCT lease_owner AS owner FROM outbox WHERE status = 'sending'")
            for owner in (row["owner"] for row in owners):
                if self._is_live(owner):
                    continue
                # Rows another replica is releasing or claiming right now are its to handle:
                # skipping them (rather than waiting) also rules out lock-order deadlocks.
                cursor = self._run(
                    f"""
                    UPDATE outbox
                    SET status = 'pending', lease_until = NULL, lease_owner = NULL,
                        next_attempt_at = :now
                    WHERE id IN (
                        SELECT id FROM outbox
                        WHERE status = 'sending' AND {_owner_is("lease_owner", owner)}
                        ORDER BY id{self._SKIP_LOCKED}
                    )
                    """,
                    {"now": at, "owner": owner},
                )
                released += cursor.rowcount
        return released

    def outbox_stats(self, now: float | None = None) -> OutboxStats:
        """Depth, dead count and the oldest due time of the outbox (see `OutboxStats`)."""
        at = _now(now)
        counts = self._query(
            """
            SELECT SUM(CASE WHEN status IN ('pending', 'sending') THEN 1 ELSE 0 END) AS depth,
                   SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END) AS dead,
                   SUM(CASE WHEN status = 'dead' AND kind = 'ticket' THEN 1 ELSE 0 END) AS dead_tickets
            FROM outbox WHERE status IN ('pending', 'sending', 'dead')
            """
        )[0]
        due = self._query(
            f"""
            SELECT MIN(CASE o.status WHEN 'pending' THEN o.next_attempt_at
                                     ELSE o.lease_until END) AS due
            FROM outbox AS o
            WHERE ((o.status = 'pending' AND o.next_attempt_at <= :now)
                   OR (o.status = 'sending' AND o.lease_until <= :now))
              AND {_IS_CHAT_HEAD}
            """,
            {"now": at},
        )[0]["due"]
        return OutboxStats(
            depth=int(counts["depth"] or 0),
            dead=int(counts["dead"] or 0),
            oldest_due_at=None if due is None else float(due),
            dead_tickets=int(counts["dead_tickets"] or 0),
        )

    # ------------------------------------------------------------------ inbox

    def revive(self, kind: str, chat_id: int, *, now: float | None = None) -> list[OutboxMessage]:
        """Make the ``dead`` messages of ``kind`` due again, addressed to ``chat_id``, with their
        attempts reset; returns them. For copies that failed because of the chat (the bot was
        removed from the staff chat) and can go once it works again."""
        with self.transaction():
            rows = self._rows(
                """
                UPDATE outbox
                SET status = 'pending', attempts = 0, next_attempt_at = :now, last_error = NULL,
                    chat_id = :chat, lease_until = NULL, lease_owner = NULL
                WHERE kind = :kind AND status = 'dead'
                RETURNING *
                """,
                {"kind": kind, "chat": chat_id, "now": _now(now)},
            )
            return sorted((outbox_from_row(row) for row in rows), key=lambda m: m.id)

    def move_chat(self, old_chat_id: int, new_chat_id: int, *, now: float | None = None) -> int:
        """Send what waits for (or died in) ``old_chat_id`` to ``new_chat_id`` instead, due now:
        Telegram moved the chat (a group upgraded to a supergroup answers ChatMigrated)."""
        with self.transaction():
            return self._run(
                """
                UPDATE outbox
                SET chat_id = :new, status = 'pending', attempts = 0, next_attempt_at = :now,
                    last_error = NULL, lease_until = NULL, lease_owner = NULL
                WHERE chat_id = :old AND status IN ('pending', 'dead')
                """,
                {"old": old_chat_id, "new": new_chat_id, "now": _now(now)},
            ).rowcount

    def reserve_send(self, budgets: Sequence[tuple[str, int, float]], *, now: float | None = None) -> float:
        """Reserve one send in every budget ``(name, limit, window seconds)``; returns the time
        it may go: the earliest at or after ``now`` when each budget has fewer than ``limit``
        sends reserved within ``window`` before it. One transaction with the budgets' rows
        locked (in the order given), so replicas sharing the database stay under the limits
        together."""
        at = _now(now)
        with self.transaction():
            logs: list[tuple[str, list[float], float]] = []
            when = at
            for name, limit, window in budgets:
                self._run(
                    """
                    INSERT INTO send_budget (name, times) VALUES (:name, '[]')
                    ON CONFLICT (name) DO NOTHING
                    """,
                    {"name": name},
                )
                [row] = self._rows(
                    f"SELECT times FROM send_budget WHERE name = :name{self._FOR_UPDATE}", {"name": name}
                )
                times = sorted(t for t in json.loads(row["times"]) if t > at - window)
                if len(times) >= limit:
                    when = max(when, times[len(times) - limit] + window)
                logs.append((name, times, window))
            for name, times, window in logs:
                times.append(when)
                self._run(
                    "UPDATE send_budget SET times = :times WHERE name = :name",
                    {"times": _dumps([t for t in times if t > at - window]), "name": name},
                )
            return when

    def get_setting(self, name: str) -> str | None:
        rows = self._query("SELECT value FROM settings WHERE name = :name", {"name": name})
        return str(rows[0]["value"]) if rows else None

    def settings_like(self, prefix: str) -> list[tuple[str, str]]:
        """(name, value) of the settings whose name starts with ``prefix``, by name."""
        rows = self._query("SELECT name, value FROM settings ORDER BY name")
        return [(row["name"], row["value"]) for row in rows if str(row["name"]).startswith(prefix)]

    def delete_setting(self, name: str) -> None:
        with self.transaction():
            self._run("DELETE FROM settings WHERE name = :name", {"name": name})

    def set_setting(self, name: str, value: str) -> None:
        with self.transaction():
            self._run(
                """
                INSERT INTO settings (name, value) VALUES (:name, :value)
                ON CONFLICT (name) DO UPDATE SET value = excluded.value
                """,
                {"name": name, "value": value},
            )

    def inbox_add(
        self,
        update_id: int,
        payload: dict[str, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
        *,
        now: float | None = None,
    ) -> bool:
        """Record an update from Telegram; False if that update_id was recorded before.

        Called before the update is acknowledged, so a crash can lose no update that
        Telegram will not send again. A redelivered update (webhook retry, polling after a
        crash) is recognised by its id and must not be handled twice: of several replicas
        adding the same update, exactly one gets True. The row is owned by this replica
        until it is done (see `inbox_pending`).
        """
        with self.transaction():
            cursor = self._run(
                """
                INSERT INTO inbox (update_id, chat_id, user_id, payload, state, received_at, owner)
                VALUES (:update, :chat, :user, :payload, 'pending', :now, :me)
                ON CONFLICT (update_id) DO NOTHING
                """,
                {
                    "update": update_id,
                    "chat": chat_id,
                    "user": user_id,
                    "payload": _dumps(payload),
                    "now": _now(now),
                    "me": self.replica_id,
                },
            )
            return cursor.rowcount == 1

    def inbox_pending(self) -> list[InboxEntry]:
        """Adopt the updates that a replica no longer running recorded and did not finish.

        Each is claimed for this replica (so no other replica adopts it too) and returned,
        oldest first. Updates of live replicas, this one included, are not touched, so a
        replica can call this periodically to pick up after a dead one. With SQLite only
        this store is live: at start-up it returns everything the last process left.
        """
        adopted: list[InboxEntry] = []
        with self.transaction():
            owners = self._rows("SELECT DISTINCT owner FROM inbox WHERE state = 'pending'")
            for owner in (row["owner"] for row in owners):
                if self._is_live(owner):
                    continue
                rows = self._rows(
                    f"""
                    UPDATE inbox SET owner = :me
                    WHERE update_id IN (
                        SELECT update_id FROM inbox
                        WHERE state = 'pending' AND {_owner_is("owner", owner)}
                        ORDER BY update_id{self._SKIP_LOCKED}
                    )
                    RETURNING update_id, chat_id, payload, attempts
                    """,
                    {"me": self.replica_id, "owner": owner},
                )
                adopted.extend(
                    InboxEntry(row["update_id"], row["chat_id"], json.loads(row["payload"]), row["attempts"])
                    for row in rows
                )
        return sorted(adopted, key=lambda entry: entry.update_id)

    def inbox_started(self, update_id: int) -> None:
        """Count a dispatch, committed before the handler runs (see `InboxEntry.attempts`)."""
        with self.transaction():
            self._run("UPDATE inbox SET attempts = attempts + 1 WHERE update_id = :id", {"id": update_id})

    def inbox_done(self, update_id: int, *, state: str = "done", now: float | None = None) -> None:
        """Mark an update handled (``done``) or set aside (``failed``); idempotent.

        The payload (the user's words), chat and user are dropped: only the id is needed from
        now on, to recognise a redelivery. Call it inside the transaction that commits the update's
        effects where there is one, so the two cannot be separated by a crash.
        """
        if state not in ("done", "failed"):
            raise ValueError(f"unknown inbox state {state!r}")
        with self.transaction():
            self._run(
                """
                UPDATE inbox SET state = :state, payload = '{}', chat_id = NULL, user_id = NULL,
                    done_at = :now
                WHERE update_id = :id AND state = 'pending'
                """,
                {"state": state, "now": _now(now), "id": update_id},
            )

    def inbox_prune(self, older_than: float) -> int:
        """Delete handled rows done before ``older_than``; Telegram stops redelivering an
        update within a day, so older ids are not needed to spot redeliveries."""
        with self.transaction():
            cursor = self._run(
                "DELETE FROM inbox WHERE state != 'pending' AND done_at < :before", {"before": older_than}
            )
            return cursor.rowcount

    def inbox_pending_count(self) -> int:
        """How many recorded updates are not handled yet (by any replica)."""
        return int(self._query("SELECT COUNT(*) AS n FROM inbox WHERE state = 'pending'")[0]["n"])

    # ------------------------------------------------------------------ replicas

    def rate_check(self, user_id: int, limit: int, seconds: float, *, now: float | None = None) -> str:
        """Count a message from ``user_id`` against at most ``limit`` per ``seconds``.

        Returns ``"ok"`` (accepted and counted), ``"warn"`` (the first message over the
        limit in the window: tell the user once) or ``"drop"``, with the semantics of
        `bot.telegram_state.RateLimiter.check`: a sliding window over accepted messages.
        The check and the update are one transaction with the user's row locked, so
        replicas sharing the database count every message once between them.
        """
        at = _now(now)
        with self.transaction():
            self._run(
                """
                INSERT INTO rate_limits (user_id, hits, warned_at) VALUES (:user, '[]', NULL)
                ON CONFLICT (user_id) DO NOTHING
                """,
                {"user": user_id},
            )
            [row] = self._rows(
                f"SELECT hits, warned_at FROM rate_limits WHERE user_id = :user{self._FOR_UPDATE}",
                {"user": user_id},
            )
            start = at - seconds
            hits = [hit for hit in json.loads(row["hits"]) if hit > start]
            warned_at = row["warned_at"]
            if len(hits) < limit:
                hits.append(at)
                warned_at, verdict = None, "ok"
            elif warned_at is not None and warned_at > start:
                verdict = "drop"
            else:
                warned_at, verdict = at, "warn"
            self._run(
                "UPDATE rate_limits SET hits = :hits, warned_at = :warned WHERE user_id = :user",
                {"hits": _dumps(hits), "warned": warned_at, "user": user_id},
            )
            return verdict

    def published_version(self) -> str:
        """A value that changes whenever a Q&A is published, edited or unpublished, so a
        replica can tell cheaply (one row read) that it must reload published answers."""
        return str(self._query("SELECT value FROM counters WHERE name = 'published'")[0]["value"])

    def _published_changed(self) -> None:
        self._run("UPDATE counters SET value = value + 1 WHERE name = 'published'")

    # ------------------------------------------------------------------ health

    def ping(self) -> None:
        """Raise unless the database can be read and written now: opens a write transaction
        (waiting at most the busy/lock timeout, as every write would) and reads the schema
        version."""
        with self.transaction():
            self._rows("SELECT MAX(version) AS v FROM schema_version")

    # ------------------------------------------------------------------ feedback

    def add_feedback(
        self,
        user_id: int,
        chat_id: int,
        passage_ids: list[str],
        question: str,
        helpful: bool,
        *,
        now: float | None = None,
    ) -> int:
        with self.transaction():
            [row] = self._rows(
                """
                INSERT INTO feedback (user_id, chat_id, passage_ids, question, helpful, created_at)
                VALUES (:user, :chat, :passages, :question, :helpful, :now)
                RETURNING id
                """,
                {
                    "user": user_id,
                    "chat": chat_id,
                    "passages": _dumps(list(passage_ids)),
                    "question": question,
                    "helpful": int(helpful),
                    "now": _now(now),
                },
            )
            return int(row["id"])

    def feedback_counts(self, since: float | None = None) -> FeedbackCounts:
        row = self._query(
            """
            SELECT COALESCE(SUM(helpful), 0) AS yes, COALESCE(SUM(1 - helpful), 0) AS no
            FROM feedback WHERE created_at >= :since
            """,
            {"since": _since(since)},
        )[0]
        pruned = self._pruned("feedback:", since)
        return FeedbackCounts(
            helpful=int(row["yes"]) + pruned.get("yes", 0), not_helpful=int(row["no"]) + pruned.get("no", 0)
        )

    def pruned_counts(self, since: float | None = None) -> list[tuple[float, str, int]]:
        """(day start, kind, count) that `expire` folded away, days from ``since``'s on, by day:
        kind is ``question:<outcome>`` or ``feedback:yes|no``. Reports add them to the rows."""
        start = (_since(since) // _DAY) * _DAY if since is not None else _since(since)
        rows = self._query(
            "SELECT day, kind, n FROM pruned_counts WHERE day >= :since ORDER BY day, kind", {"since": start}
        )
        return [(float(row["day"]), str(row["kind"]), int(row["n"])) for row in rows]

    def _pruned(self, prefix: str, since: float | None) -> dict[str, int]:
        """Counts `expire` folded into pruned_counts, by the kind's suffix, for days from
        ``since`` (a day counts when it starts at or after ``since``'s day)."""
        start = (_since(since) // _DAY) * _DAY if since is not None else _since(since)
        rows = self._query(
            "SELECT kind, SUM(n) AS n FROM pruned_counts WHERE day >= :since GROUP BY kind",
            {"since": start},
        )
        return {row["kind"][len(prefix) :]: int(row["n"]) for row in rows if row["kind"].startswith(prefix)}

    def feedback_by_passage(self, since: float | None = None) -> dict[str, FeedbackCounts]:
        """Tallies per passage id (in id order), to spot passages that answer badly."""
        rows = self._query(
            f"""
            SELECT p.value AS passage_id, SUM(f.helpful) AS yes, SUM(1 - f.helpful) AS no
            FROM feedback AS f, {self._PASSAGE_IDS}
            WHERE f.created_at >= :since
            GROUP BY p.value
            """,
            {"since": _since(since)},
        )
        # Sorted here, not in SQL: PostgreSQL would order by the database's collation.
        return {
            row["passage_id"]: FeedbackCounts(helpful=int(row["yes"]), not_helpful=int(row["no"]))
            for row in sorted(rows, key=lambda row: row["passage_id"])
        }

    # ------------------------------------------------------------------ question log

    def log_question(
        self,
        user_id: int,
        chat_id: int,
        question: str,
        disease: str | None,
        outcome: QuestionOutcome,
        now: float | None = None,
    ) -> int:
        if outcome not in QUESTION_OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}; expected one of {QUESTION_OUTCOMES}")
        with self.transaction():
            [row] = self._rows(
                """
                INSERT INTO question_log (user_id, chat_id, question, disease, outcome, asked_at)
                VALUES (:user, :chat, :question, :disease, :outcome, :now)
                RETURNING id
                """,
                {
                    "user": user_id,
                    "chat": chat_id,
                    "question": question,
                    "disease": disease,
                    "outcome": outcome,
                    "now": _now(now),
                },
            )
            return int(row["id"])

    def questions(self, since: float | None = None) -> Iterator[QuestionLogEntry]:
        """Logged questions asked at or after ``since``, oldest first.

        Reads in pages and holds no lock between them, so a long report does not
        stall the bot; rows logged while iterating may or may not be included.
        """
        last_id = 0
        while True:
            rows = self._query(
                """
                SELECT * FROM question_log WHERE id > :last AND asked_at >= :since
                ORDER BY id LIMIT :page
                """,
                {"last": last_id, "since": _since(since), "page": _QUESTION_PAGE},
            )
            for row in rows:
                yield question_from_row(row)
            if len(rows) < _QUESTION_PAGE:
                return
            last_id = rows[-1]["id"]

    def question_counts(self, since: float | None = None) -> dict[str, int]:
        """Number of logged questions per outcome (every outcome present, maybe 0), those
        `expire` pruned included."""
        rows = self._query(
            "SELECT outcome, COUNT(*) AS n FROM question_log WHERE asked_at >= :since GROUP BY outcome",
            {"since": _since(since)},
        )
        counts = dict.fromkeys(QUESTION_OUTCOMES, 0)
        counts.update({row["outcome"]: int(row["n"]) for row in rows})
        for outcome, n in self._pruned("question:", since).items():
            counts[outcome] = counts.get(outcome, 0) + n
        return counts

    # ------------------------------------------------------------------ conversations

    def load_conversation(self, chat_key: str) -> dict[str, Any] | None:
        rows = self._query("SELECT state FROM conversations WHERE chat_key = :key", {"key": chat_key})
        return json.loads(rows[0]["state"]) if rows else None

    def save_conversation(
        self,
        chat_key: str,
        state: dict[str, Any],
        *,
        user_id: int | None = None,
        now: float | None = None,
    ) -> None:
        """Replace the chat's state. Pass ``user_id`` (the user the state belongs
        to): `forget_user` finds conversations only through it. A later save without
        ``user_id`` keeps the one already recorded."""
        with self.transaction():
            self._run(
                """
                INSERT INTO conversations (chat_key, state, user_id, updated_at)
                VALUES (:key, :state, :user, :now)
                ON CONFLICT (chat_key) DO UPDATE SET
                    state = excluded.state,
                    user_id = COALESCE(excluded.user_id, conversations.user_id),
                    updated_at = excluded.updated_at
                """,
                {"key": chat_key, "state": _dumps(state), "user": user_id, "now": _now(now)},
            )

    def delete_conversation(self, chat_key: str) -> bool:
        with self.transaction():
            cursor = self._run("DELETE FROM conversations WHERE chat_key = :key", {"key": chat_key})
            return cursor.rowcount > 0

    def expire_conversations(self, older_than: float) -> int:
        """Delete conversation state not updated since ``older_than``; return count.
        Stale state is both useless and personal data, so it should not linger."""
        with self.transaction():
            cursor = self._run("DELETE FROM conversations WHERE updated_at < :before", {"before": older_than})
            return cursor.rowcount

    # ------------------------------------------------------------------ published Q&As

    def publish(
        self,
        ticket_n: int,
        question: str,
        answer: str,
        disease: str | None,
        role: str,
        now: float | None = None,
        doc_id: str | None = None,
    ) -> Published:
        """Publish (or update and re-activate) the Q&A for ticket ``ticket_n``.

        ``question`` should be the staff-edited, de-identified wording: this table is
        kept when the asker is forgotten. Raises `TicketNotFound` for an unknown
        ticket. ``published_at`` keeps the first publication time.
        """
        at = _now(now)
        with self.transaction():
            self._require_ticket(ticket_n)
            [row] = self._rows(
                """
                INSERT INTO published
                    (ticket_n, question, answer, disease, doc_id, role, published_at, updated_at)
                VALUES (:n, :question, :answer, :disease, :doc, :role, :now, :now)
                ON CONFLICT (ticket_n) DO UPDATE SET
                    question = excluded.question,
                    answer = excluded.answer,
                    disease = excluded.disease,
                    doc_id = excluded.doc_id,
                    role = excluded.role,
                    updated_at = excluded.updated_at,
                    unpublished_at = NULL
                RETURNING *
                """,
                {
                    "n": ticket_n,
                    "question": question,
                    "answer": answer,
                    "disease": disease,
                    "doc": doc_id,
                    "role": role,
                    "now": at,
                },
            )
            self._published_changed()
            return published_from_row(row)

    def unpublish(self, ticket_n: int, *, now: float | None = None) -> bool:
        """Withdraw a Q&A (kept, marked inactive). False if it was not active."""
        with self.transaction():
            cursor = self._run(
                """
                UPDATE published SET unpublished_at = :now
                WHERE ticket_n = :n AND unpublished_at IS NULL
                """,
                {"now": _now(now), "n": ticket_n},
            )
            if cursor.rowcount != 1:
                return False
            self._published_changed()
            return True

    def get_published(self, ticket_n: int) -> Published | None:
        rows = self._query("SELECT * FROM published WHERE ticket_n = :n", {"n": ticket_n})
        return published_from_row(rows[0]) if rows else None

    def list_published(self, active_only: bool = True) -> list[Published]:
        where = "WHERE unpublished_at IS NULL" if active_only else ""
        rows = self._query(f"SELECT * FROM published {where} ORDER BY ticket_n")
        return [published_from_row(row) for row in rows]

    # ------------------------------------------------------------------ publish previews

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
    ) -> PublishDraft:
        """Keep (replacing any earlier one) the preview staff are shown before publishing."""
        with self.transaction():
            self._require_ticket(ticket_n)
            [row] = self._rows(
                """
                INSERT INTO publish_drafts
                    (ticket_n, question, answer, disease, doc_id, offered, created_at)
                VALUES (:n, :question, :answer, :disease, :doc, :offered, :now)
                ON CONFLICT (ticket_n) DO UPDATE SET
                    question = excluded.question, answer = excluded.answer,
                    disease = excluded.disease, doc_id = excluded.doc_id,
                    offered = excluded.offered, created_at = excluded.created_at
                RETURNING *
                """,
                {
                    "n": ticket_n,
                    "question": question,
                    "answer": answer,
                    "disease": disease,
                    "doc": doc_id,
                    "offered": offered,
                    "now": _now(now),
                },
            )
            return draft_from_row(row)

    def get_draft(self, ticket_n: int) -> PublishDraft | None:
        rows = self._query("SELECT * FROM publish_drafts WHERE ticket_n = :n", {"n": ticket_n})
        return draft_from_row(rows[0]) if rows else None

    def delete_draft(self, ticket_n: int) -> bool:
        with self.transaction():
            return self._run("DELETE FROM publish_drafts WHERE ticket_n = :n", {"n": ticket_n}).rowcount > 0

    # ------------------------------------------------------------------ privacy

    def forget_user(
        self,
        user_id: int,
        *,
        withdraw_in: int | None = None,
        withdrawn_text: str = "",
        now: float | None = None,
    ) -> dict[str, int]:
        """Erase a user's personal data; return how many rows each kind lost.

        * tickets: redacted, not deleted — identity, names, question, candidates, disease and
          the answer text are wiped, the ticket is closed, and its number stays taken;
        * Q&As published from the user's tickets, and publish previews of them: deleted, so
          the answer is no longer given (the published wording came from their question);
        * feedback, question log: deleted;
        * conversations saved with this ``user_id``: deleted;
        * outbox messages about this user (``user_id``, or ``about`` when queued) or to their
          private chat (``chat_id == user_id``, as in Telegram): deleted whatever their status,
          so pending ones are never sent and sent ones no longer hold their text;
        * with ``withdraw_in`` (the staff chat): every message sent there that held the user's
          data (the ticket copies, lists, previews) gets an edit to ``withdrawn_text`` queued,
          so Telegram's copy stops showing it too;
        * handled inbox rows from the user, and their rate-limit row: deleted.

        All of it is one transaction; then the backend scrubs what it keeps of deleted rows
        where it can (SQLite checkpoints and truncates its WAL). Copies outside this database
        (the user's own chat, backups, a PostgreSQL server's WAL archive) are not touched.
        """
        counts = self._forget_user(user_id, _now(now), withdraw_in, withdrawn_text)
        self._after_forget()
        return counts

    def _forget_user(
        self, user_id: int, now: float, withdraw_in: int | None, withdrawn_text: str
    ) -> dict[str, int]:
        user = {"user": user_id}
        about = """
            (user_id = :user OR id IN (SELECT outbox_id FROM outbox_subjects WHERE user_id = :user))
        """
        with self.transaction():
            copies: set[int] = set()
            if withdraw_in is not None:
                params = {"user": user_id, "chat": withdraw_in}
                rows = self._rows(
                    """
                    SELECT m.staff_message_id AS message FROM ticket_staff_messages AS m
                    JOIN tickets AS t ON t.n = m.ticket_n
                    WHERE t.user_id = :user AND m.staff_chat_id = :chat
                    """,
                    params,
                )
                rows += self._rows(
                    f"""
                    SELECT telegram_message_id AS message FROM outbox
                    WHERE chat_id = :chat AND telegram_message_id IS NOT NULL AND {about}
                    """,
                    params,
                )
                copies = {int(row["message"]) for row in rows}
            mine = "ticket_n IN (SELECT n FROM tickets WHERE user_id = :user)"
            drafts = self._run(f"DELETE FROM publish_drafts WHERE {mine}", user).rowcount
            published = self._run(f"DELETE FROM published WHERE {mine}", user).rowcount
            if published:
                self._published_changed()
            tickets = self._run(
                """
                UPDATE tickets
                SET user_id = NULL, chat_id = NULL, first_name = '', question = '',
                    disease = NULL, candidates = '[]', answer_text = NULL, asker_names = '[]',
                    status = 'closed', closed_at = COALESCE(closed_at, :now),
                    redacted_at = :now
                WHERE user_id = :user
                """,
                {"user": user_id, "now": now},
            ).rowcount
            feedback = self._run("DELETE FROM feedback WHERE user_id = :user", user).rowcount
            questions = self._run("DELETE FROM question_log WHERE user_id = :user", user).rowcount
            conversations = self._run("DELETE FROM conversations WHERE user_id = :user", user).rowcount
            outbox = self._run(f"DELETE FROM outbox WHERE {about} OR chat_id = :user", user).rowcount
            self._run("DELETE FROM outbox_subjects WHERE user_id = :user", user)
            # Pending updates are being handled and blank their payload when done.
            self._run("DELETE FROM inbox WHERE user_id = :user AND state != 'pending'", user)
            self._run("DELETE FROM rate_limits WHERE user_id = :user", user)
            self._run("DELETE FROM settings WHERE name = :held", {"held": f"held:{user_id}"})
            for message in sorted(copies):
                self._enqueue(
                    OutboxItem(
                        "edit",
                        withdraw_in or 0,
                        {"text": withdrawn_text, "edit": message},
                        f"withdrawn:{withdraw_in}:{message}",
                    ),
                    now,
                )
            return {
                "tickets": tickets,
                "published": published,
                "drafts": drafts,
                "feedback": feedback,
                "questions": questions,
                "conversations": conversations,
                "outbox": outbox,
                "withdrawn": len(copies),
            }

    def expire(
        self, periods: RetentionPeriods, *, keep_ids_in: int | None = None, now: float | None = None
    ) -> dict[str, int]:
        """Delete what is older than its retention period; return how many rows each kind lost.

        Sent messages in ``keep_ids_in`` (the staff chat) that showed a user's data are blanked
        instead (``outbox_blanked``): their ids stay until that user's /forget withdraws them.

        Conversations (the engine's and the buttons') by their last update; sent or given-up
        outbox messages by when they were queued; the question log and feedback by when they
        were written, folded first into per-day counts (pruned_counts) so reports keep their
        totals; rate-limit rows whose last message is older than their period; handled inbox
        rows. Pending work (unsent messages, unhandled updates) is never expired. One
        transaction; then the backend scrubs deleted rows as after `forget_user`.
        """
        at = _now(now)
        # A sent message in the staff chat that showed a user's data keeps its ids (the text
        # goes): /forget needs them to edit the copy to "[withdrawn by the asker]".
        staff_copy = "(1 = 0)"  # never NULL: NOT of it must be true for every other row
        if keep_ids_in is not None:
            staff_copy = """
                (chat_id = :staff AND telegram_message_id IS NOT NULL
                 AND (user_id IS NOT NULL OR id IN (SELECT outbox_id FROM outbox_subjects)))
            """
        params = {"before": at - periods.sent_messages, "staff": keep_ids_in}
        with self.transaction():
            counts = {
                "conversations": self._run(
                    "DELETE FROM conversations WHERE updated_at < :before AND chat_key NOT LIKE '%:buttons'",
                    {"before": at - periods.conversations},
                ).rowcount,
                "buttons": self._run(
                    "DELETE FROM conversations WHERE updated_at < :before AND chat_key LIKE '%:buttons'",
                    {"before": at - periods.buttons},
                ).rowcount,
                "outbox_blanked": self._run(
                    f"""
                    UPDATE outbox SET payload = '{{}}'
                    WHERE status IN ('sent', 'dead') AND created_at < :before AND {staff_copy}
                      AND payload != '{{}}'
                    """,
                    params,
                ).rowcount,
                "outbox": self._run(
                    f"""
                    DELETE FROM outbox
                    WHERE status IN ('sent', 'dead') AND created_at < :before AND NOT {staff_copy}
                    """,
                    params,
                ).rowcount,
                "questions": self._prune_counted(
                    "question_log", "asked_at", "'question:' || outcome", at - periods.question_log
                ),
                "feedback": self._prune_counted(
                    "feedback",
                    "created_at",
                    "CASE WHEN helpful = 1 THEN 'feedback:yes' ELSE 'feedback:no' END",
                    at - periods.feedback,
                ),
                "inbox": self._run(
                    "DELETE FROM inbox WHERE state != 'pending' AND done_at < :before",
                    {"before": at - periods.inbox},
                ).rowcount,
            }
            rate_rows = self._rows("SELECT user_id, hits FROM rate_limits")
            stale = [
                row["user_id"]
                for row in rate_rows
                if max(json.loads(row["hits"]) or [0.0]) < at - periods.rate_limits
            ]
            for user_id in stale:
                self._run("DELETE FROM rate_limits WHERE user_id = :user", {"user": user_id})
            counts["rate_limits"] = len(stale)
        if any(counts.values()):
            self._after_forget()
        return counts

    def _prune_counted(self, table: str, column: str, kind: str, before: float) -> int:
        """Delete rows of ``table`` older than ``before``, adding them to pruned_counts first."""
        rows = self._rows(
            f"SELECT {column} AS at, {kind} AS kind FROM {table} WHERE {column} < :before",
            {"before": before},
        )
        tally: dict[tuple[float, str], int] = {}
        for row in rows:
            key = ((float(row["at"]) // _DAY) * _DAY, row["kind"])
            tally[key] = tally.get(key, 0) + 1
        for (day, kind_name), n in sorted(tally.items()):
            self._run(
                """
                INSERT INTO pruned_counts (day, kind, n) VALUES (:day, :kind, :n)
                ON CONFLICT (day, kind) DO UPDATE SET n = pruned_counts.n + excluded.n
                """,
                {"day": day, "kind": kind_name, "n": n},
            )
        return self._run(f"DELETE FROM {table} WHERE {column} < :before", {"before": before}).rowcount
