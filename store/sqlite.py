"""SQLite implementation of `store.base.Store`.

Why SQLite: the bot is one process with modest write volume, and a single file is
trivial to back up. The settings below make it a safe home for state that users
were promised (ticket numbers, queued replies):

* WAL journal, so report scripts can read while the bot writes;
* ``synchronous=FULL``, so a commit survives power loss, not just a crash: a ticket
  number that was shown to a user can never be handed out again;
* foreign keys on, and a busy timeout so a second process waits instead of failing;
* every write in an explicit ``BEGIN IMMEDIATE`` transaction (the write lock is taken
  up front, so two writers never deadlock upgrading a read lock).

Concurrency: one connection shared by all threads (``check_same_thread=False``) and
guarded by a re-entrant lock. That fits an asyncio bot calling the store from the
event-loop thread; calls are short, so blocking the loop briefly is acceptable.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
    Published,
    QuestionLogEntry,
    QuestionOutcome,
    StoreError,
    Ticket,
    TicketNotFound,
    TicketStateError,
    TicketStatus,
)
from .migrations import migrate
from .rows import outbox_from_row, published_from_row, question_from_row, ticket_from_row

_MAX_ERROR_CHARS = 2000
_QUESTION_PAGE = 500

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


class SQLiteStore:
    """Durable bot state in one SQLite file. Implements `store.base.Store`.

    Outbox delivery guarantee
    -------------------------
    The outbox gives *at-least-once* delivery that is exactly-once in practice:

    * `enqueue` is idempotent per ``dedupe_key``, so a handler that runs twice (e.g.
      Telegram redelivering an update after a restart) queues its message once.
    * `due_messages` *claims* messages: it marks them ``sending`` with a lease
      (``lease_until = now + lease_seconds``) and counts the attempt. A claimed
      message is not handed out again while its lease is live.
    * After calling Telegram the worker must call `mark_sent` or `mark_failed`.
    * If the process dies after Telegram accepted a message but before `mark_sent`
      committed, the store cannot know the message was delivered. When the lease
      expires the message is handed out again, so the user may receive it **twice**.
      The window is one HTTP round-trip plus one local commit, per crash.
    * The same happens without a crash if one send outlasts its lease, so keep
      ``lease_seconds`` (default 60) well above the worker's HTTP timeout.
    * A bot process calls `release_leases` at start-up, so what a dead process left
      in flight is sent again at once instead of when its lease expires.
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

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        retry_policy: RetryPolicy | None = None,
        lease_seconds: float = 60.0,
        busy_timeout: float = 5.0,
    ) -> None:
        self.path = str(path)
        self.retry_policy = retry_policy or RetryPolicy()
        self.lease_seconds = lease_seconds
        self._lock = threading.RLock()
        self._depth = 0  # transaction nesting depth; only touched under _lock

        in_memory = self.path == ":memory:"
        if not in_memory:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions; we issue BEGIN ourselves.
        conn = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if not in_memory and str(mode).lower() != "wal":
                raise StoreError(f"could not enable WAL mode on {self.path} (got {mode!r})")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            # Zero out deleted content, so forget_user leaves no readable remnants
            # in free pages of the file.
            conn.execute("PRAGMA secure_delete = ON")
            migrate(conn)
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block atomically: everything in it commits, or nothing does."""
        with self._lock:
            savepoint = f"sp{self._depth}"
            self._conn.execute("BEGIN IMMEDIATE" if self._depth == 0 else f"SAVEPOINT {savepoint}")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._conn.execute("ROLLBACK")
                else:
                    self._conn.execute(f"ROLLBACK TO {savepoint}")
                    self._conn.execute(f"RELEASE {savepoint}")
                raise
            self._depth -= 1
            if self._depth > 0:
                self._conn.execute(f"RELEASE {savepoint}")
                return
            try:
                self._conn.execute("COMMIT")
            except BaseException:
                # e.g. disk full: the transaction is still open; undo it.
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def _query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        """Run a write statement; callers hold a transaction."""
        return self._conn.execute(sql, params)

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
        now: float | None = None,
    ) -> Ticket:
        """Open a ticket. Its number is committed (durably) before this returns,
        unless called inside an enclosing `transaction()`."""
        with self.transaction():
            cursor = self._execute(
                """
                INSERT INTO tickets
                    (user_id, chat_id, first_name, question, disease, candidates,
                     status, created_at)
                VALUES (?, ?, ?, ?, ?, ?, 'open', ?)
                """,
                (user_id, chat_id, first_name, question, disease, _dumps(candidates), _now(now)),
            )
            return self._require_ticket(int(cursor.lastrowid or 0))

    def get_ticket(self, n: int) -> Ticket | None:
        rows = self._query("SELECT * FROM tickets WHERE n = ?", (n,))
        return ticket_from_row(rows[0]) if rows else None

    def _require_ticket(self, n: int) -> Ticket:
        ticket = self.get_ticket(n)
        if ticket is None:
            raise TicketNotFound(n)
        return ticket

    def list_tickets(self, status: TicketStatus | None = None) -> list[Ticket]:
        if status is None:
            rows = self._query("SELECT * FROM tickets ORDER BY n")
        else:
            if status not in TICKET_STATUSES:
                raise ValueError(f"unknown ticket status {status!r}")
            rows = self._query("SELECT * FROM tickets WHERE status = ? ORDER BY n", (status,))
        return [ticket_from_row(row) for row in rows]

    def set_ticket_staff_message(self, n: int, staff_chat_id: int, staff_message_id: int) -> None:
        """Record the staff-chat message that stands for ticket ``n``.

        May be called several times (forward, reminders); a staff reply to any of the
        recorded messages finds the ticket. The ticket row keeps the latest one.
        """
        with self.transaction():
            self._require_ticket(n)
            self._execute(
                "UPDATE tickets SET staff_chat_id = ?, staff_message_id = ? WHERE n = ?",
                (staff_chat_id, staff_message_id, n),
            )
            self._execute(
                """
                INSERT INTO ticket_staff_messages (staff_chat_id, staff_message_id, ticket_n)
                VALUES (?, ?, ?)
                ON CONFLICT (staff_chat_id, staff_message_id)
                DO UPDATE SET ticket_n = excluded.ticket_n
                """,
                (staff_chat_id, staff_message_id, n),
            )

    def find_ticket_by_staff_message(self, staff_chat_id: int, message_id: int) -> Ticket | None:
        rows = self._query(
            """
            SELECT t.* FROM ticket_staff_messages AS m JOIN tickets AS t ON t.n = m.ticket_n
            WHERE m.staff_chat_id = ? AND m.staff_message_id = ?
            """,
            (staff_chat_id, message_id),
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
        two staff members from both relaying an answer. Raises `TicketNotFound` for
        an unknown number.
        """
        at = _now(now)
        with self.transaction():
            ticket = self._require_ticket(n)
            if ticket.status != "open":
                raise TicketStateError(ticket, "answer")
            self._execute(
                """
                UPDATE tickets
                SET status = 'answered', answer_text = ?, staff_user_id = ?, staff_name = ?,
                    answered_at = ?
                WHERE n = ?
                """,
                (answer_text, staff_user_id, staff_name, at, n),
            )
            for item in outbox:
                self._enqueue(item, at)
            return self._require_ticket(n)

    def close_ticket(self, n: int, *, now: float | None = None) -> Ticket:
        """Close a ticket (open or answered). Closing a closed ticket is a no-op."""
        with self.transaction():
            ticket = self._require_ticket(n)
            if ticket.status == "closed":
                return ticket
            self._execute("UPDATE tickets SET status = 'closed', closed_at = ? WHERE n = ?", (_now(now), n))
            return self._require_ticket(n)

    # ------------------------------------------------------------------ outbox

    def enqueue(
        self,
        kind: str,
        chat_id: int,
        payload: dict[str, Any],
        dedupe_key: str,
        *,
        user_id: int | None = None,
        now: float | None = None,
    ) -> int:
        """Queue a message; return its id.

        Idempotent: if ``dedupe_key`` was ever enqueued, nothing is written and the
        existing message's id is returned (even if the new payload differs). Choose
        keys that name the event, e.g. ``f"relay:ticket:{n}"``. ``user_id`` is whom
        the message is about, so `forget_user` can delete it.
        """
        item = OutboxItem(kind, chat_id, payload, dedupe_key, user_id)
        with self.transaction():
            return self._enqueue(item, _now(now))

    def _enqueue(self, item: OutboxItem, now: float) -> int:
        if not item.dedupe_key:
            raise ValueError("dedupe_key must be a non-empty string")
        self._execute(
            """
            INSERT INTO outbox
                (kind, chat_id, user_id, payload, dedupe_key, status, next_attempt_at,
                 created_at)
            VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)
            ON CONFLICT (dedupe_key) DO NOTHING
            """,
            (
                item.kind,
                item.chat_id,
                item.user_id,
                _dumps(item.payload),
                item.dedupe_key,
                now,
                now,
            ),
        )
        row = self._conn.execute("SELECT id FROM outbox WHERE dedupe_key = ?", (item.dedupe_key,)).fetchone()
        return int(row["id"])

    def due_messages(
        self, now: float | None = None, limit: int = 20, *, lease_seconds: float | None = None
    ) -> list[OutboxMessage]:
        """Claim up to ``limit`` messages that are due, oldest first.

        Claimed messages are marked ``sending`` with a lease and their attempt is
        counted. A message whose lease expired (the worker died mid-send) is due
        again — see the class docstring for what that means for duplicates — unless
        its attempts are used up, in which case it is marked ``dead`` instead.
        """
        at = _now(now)
        lease = self.lease_seconds if lease_seconds is None else lease_seconds
        claimed: list[OutboxMessage] = []
        with self.transaction():
            rows = self._conn.execute(
                f"""
                SELECT o.id, o.attempts FROM outbox AS o
                WHERE ((o.status = 'pending' AND o.next_attempt_at <= :now)
                       OR (o.status = 'sending' AND o.lease_until <= :now))
                  AND {_IS_CHAT_HEAD}
                ORDER BY o.next_attempt_at, o.id
                LIMIT :limit
                """,
                {"now": at, "limit": limit},
            ).fetchall()
            for row in rows:
                if self.retry_policy.gives_up(row["attempts"]):
                    self._execute(
                        """
                        UPDATE outbox
                        SET status = 'dead', lease_until = NULL,
                            last_error = 'lease expired on the last attempt; delivery unknown'
                        WHERE id = ?
                        """,
                        (row["id"],),
                    )
                    continue
                self._execute(
                    """
                    UPDATE outbox
                    SET status = 'sending', attempts = attempts + 1, lease_until = ?
                    WHERE id = ?
                    """,
                    (at + lease, row["id"]),
                )
                claimed.append(self._require_outbox(row["id"]))
        return claimed

    def mark_sent(self, id: int, telegram_message_id: int | None, *, now: float | None = None) -> bool:
        """Record successful delivery. Returns False if the message is gone (forgotten)
        or already final, in which case nothing changes."""
        with self.transaction():
            cursor = self._execute(
                """
                UPDATE outbox
                SET status = 'sent', telegram_message_id = ?, sent_at = ?, lease_until = NULL
                WHERE id = ? AND status IN ('pending', 'sending')
                """,
                (telegram_message_id, _now(now), id),
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
            message = self.get_outbox_message(id)
            if message is None or message.status in ("sent", "dead"):
                return message
            attempts = max(message.attempts, 1)
            error = error[:_MAX_ERROR_CHARS]
            if permanent or self.retry_policy.gives_up(attempts):
                self._execute(
                    """
                    UPDATE outbox
                    SET status = 'dead', attempts = ?, last_error = ?, lease_until = NULL
                    WHERE id = ?
                    """,
                    (attempts, error, id),
                )
            else:
                next_at = at + self.retry_policy.delay(attempts, retry_after)
                self._execute(
                    """
                    UPDATE outbox
                    SET status = 'pending', attempts = ?, last_error = ?, lease_until = NULL,
                        next_attempt_at = ?
                    WHERE id = ?
                    """,
                    (attempts, error, next_at, id),
                )
            return self._require_outbox(id)

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
        rows = self._query("SELECT * FROM outbox WHERE id = ?", (id,))
        return outbox_from_row(rows[0]) if rows else None

    def _require_outbox(self, id: int) -> OutboxMessage:
        message = self.get_outbox_message(id)
        if message is None:
            raise StoreError(f"outbox message {id} vanished")
        return message

    def list_outbox(self, status: OutboxStatus | None = None) -> list[OutboxMessage]:
        if status is None:
            rows = self._query("SELECT * FROM outbox ORDER BY id")
        else:
            rows = self._query("SELECT * FROM outbox WHERE status = ? ORDER BY id", (status,))
        return [outbox_from_row(row) for row in rows]

    def release_leases(self, *, now: float | None = None) -> int:
        """At start-up: hand every message still leased (``sending``) back as due now.

        Only a process that died mid-send leaves leases behind, and one bot process owns
        the database, so waiting for them to expire (``lease_seconds``) would only hold
        tickets and answers back after a restart. Such a message may have reached Telegram
        already; sending it again is the one duplicate the outbox allows (see the class
        docstring). Returns how many were released.
        """
        with self.transaction():
            cursor = self._execute(
                """
                UPDATE outbox SET status = 'pending', lease_until = NULL, next_attempt_at = ?
                WHERE status = 'sending'
                """,
                (_now(now),),
            )
            return cursor.rowcount

    def outbox_stats(self, now: float | None = None) -> OutboxStats:
        """Depth, dead count and the oldest due time of the outbox (see `OutboxStats`)."""
        at = _now(now)
        counts = self._query(
            """
            SELECT SUM(status IN ('pending', 'sending')) AS depth, SUM(status = 'dead') AS dead
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
        )

    # ------------------------------------------------------------------ inbox

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
        crash) is recognised by its id and must not be handled twice.
        """
        with self.transaction():
            cursor = self._execute(
                """
                INSERT INTO inbox (update_id, chat_id, user_id, payload, state, received_at)
                VALUES (?, ?, ?, ?, 'pending', ?)
                ON CONFLICT (update_id) DO NOTHING
                """,
                (update_id, chat_id, user_id, _dumps(payload), _now(now)),
            )
            return cursor.rowcount == 1

    def inbox_pending(self) -> list[InboxEntry]:
        """Recorded updates not handled to the end, oldest first (for start-up)."""
        rows = self._query(
            """
            SELECT update_id, chat_id, payload, attempts FROM inbox
            WHERE state = 'pending' ORDER BY update_id
            """
        )
        return [
            InboxEntry(row["update_id"], row["chat_id"], json.loads(row["payload"]), row["attempts"])
            for row in rows
        ]

    def inbox_started(self, update_id: int) -> None:
        """Count a dispatch, committed before the handler runs (see `InboxEntry.attempts`)."""
        with self.transaction():
            self._execute("UPDATE inbox SET attempts = attempts + 1 WHERE update_id = ?", (update_id,))

    def inbox_done(self, update_id: int, *, state: str = "done", now: float | None = None) -> None:
        """Mark an update handled (``done``) or set aside (``failed``); idempotent.

        The payload (the user's words) is dropped: only the id is needed from now on, to
        recognise a redelivery. Call it inside the transaction that commits the update's
        effects where there is one, so the two cannot be separated by a crash.
        """
        if state not in ("done", "failed"):
            raise ValueError(f"unknown inbox state {state!r}")
        with self.transaction():
            self._execute(
                """
                UPDATE inbox SET state = ?, payload = '{}', done_at = ?
                WHERE update_id = ? AND state = 'pending'
                """,
                (state, _now(now), update_id),
            )

    def inbox_prune(self, older_than: float) -> int:
        """Delete handled rows done before ``older_than``; Telegram stops redelivering an
        update within a day, so older ids are not needed to spot redeliveries."""
        with self.transaction():
            cursor = self._execute(
                "DELETE FROM inbox WHERE state != 'pending' AND done_at < ?", (older_than,)
            )
            return cursor.rowcount

    def inbox_pending_count(self) -> int:
        """How many recorded updates are not handled yet."""
        return int(self._query("SELECT COUNT(*) AS n FROM inbox WHERE state = 'pending'")[0]["n"])

    # ------------------------------------------------------------------ health

    def ping(self) -> None:
        """Raise unless the database can be read and written now: takes the write lock (waiting
        at most the busy timeout, as every write would) and reads the schema version."""
        with self.transaction():
            self._conn.execute("SELECT MAX(version) FROM schema_version").fetchone()

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
            cursor = self._execute(
                """
                INSERT INTO feedback (user_id, chat_id, passage_ids, question, helpful, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                (user_id, chat_id, _dumps(list(passage_ids)), question, int(helpful), _now(now)),
            )
            return int(cursor.lastrowid or 0)

    def feedback_counts(self, since: float | None = None) -> FeedbackCounts:
        row = self._query(
            """
            SELECT COALESCE(SUM(helpful), 0) AS yes, COALESCE(SUM(1 - helpful), 0) AS no
            FROM feedback WHERE created_at >= ?
            """,
            (_since(since),),
        )[0]
        return FeedbackCounts(helpful=row["yes"], not_helpful=row["no"])

    def feedback_by_passage(self, since: float | None = None) -> dict[str, FeedbackCounts]:
        """Tallies per passage id, to spot passages that answer badly."""
        rows = self._query(
            """
            SELECT p.value AS passage_id, SUM(f.helpful) AS yes, SUM(1 - f.helpful) AS no
            FROM feedback AS f, json_each(f.passage_ids) AS p
            WHERE f.created_at >= ?
            GROUP BY p.value ORDER BY p.value
            """,
            (_since(since),),
        )
        return {row["passage_id"]: FeedbackCounts(helpful=row["yes"], not_helpful=row["no"]) for row in rows}

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
            cursor = self._execute(
                """
                INSERT INTO question_log (user_id, chat_id, question, disease, outcome, asked_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                (user_id, chat_id, question, disease, outcome, _now(now)),
            )
            return int(cursor.lastrowid or 0)

    def questions(self, since: float | None = None) -> Iterator[QuestionLogEntry]:
        """Logged questions asked at or after ``since``, oldest first.

        Reads in pages and holds no lock between them, so a long report does not
        stall the bot; rows logged while iterating may or may not be included.
        """
        last_id = 0
        while True:
            rows = self._query(
                """
                SELECT * FROM question_log WHERE id > ? AND asked_at >= ?
                ORDER BY id LIMIT ?
                """,
                (last_id, _since(since), _QUESTION_PAGE),
            )
            for row in rows:
                yield question_from_row(row)
            if len(rows) < _QUESTION_PAGE:
                return
            last_id = rows[-1]["id"]

    def question_counts(self, since: float | None = None) -> dict[str, int]:
        """Number of logged questions per outcome (every outcome present, maybe 0)."""
        rows = self._query(
            "SELECT outcome, COUNT(*) AS n FROM question_log WHERE asked_at >= ? GROUP BY outcome",
            (_since(since),),
        )
        counts = dict.fromkeys(QUESTION_OUTCOMES, 0)
        counts.update({row["outcome"]: row["n"] for row in rows})
        return counts

    # ------------------------------------------------------------------ conversations

    def load_conversation(self, chat_key: str) -> dict[str, Any] | None:
        rows = self._query("SELECT state FROM conversations WHERE chat_key = ?", (chat_key,))
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
            self._execute(
                """
                INSERT INTO conversations (chat_key, state, user_id, updated_at)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (chat_key) DO UPDATE SET
                    state = excluded.state,
                    user_id = COALESCE(excluded.user_id, conversations.user_id),
                    updated_at = excluded.updated_at
                """,
                (chat_key, _dumps(state), user_id, _now(now)),
            )

    def delete_conversation(self, chat_key: str) -> bool:
        with self.transaction():
            cursor = self._execute("DELETE FROM conversations WHERE chat_key = ?", (chat_key,))
            return cursor.rowcount > 0

    def expire_conversations(self, older_than: float) -> int:
        """Delete conversation state not updated since ``older_than``; return count.
        Stale state is both useless and personal data, so it should not linger."""
        with self.transaction():
            cursor = self._execute("DELETE FROM conversations WHERE updated_at < ?", (older_than,))
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
            self._execute(
                """
                INSERT INTO published
                    (ticket_n, question, answer, disease, doc_id, role, published_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (ticket_n) DO UPDATE SET
                    question = excluded.question,
                    answer = excluded.answer,
                    disease = excluded.disease,
                    doc_id = excluded.doc_id,
                    role = excluded.role,
                    updated_at = excluded.updated_at,
                    unpublished_at = NULL
                """,
                (ticket_n, question, answer, disease, doc_id, role, at, at),
            )
            published = self.get_published(ticket_n)
            assert published is not None
            return published

    def unpublish(self, ticket_n: int, *, now: float | None = None) -> bool:
        """Withdraw a Q&A (kept, marked inactive). False if it was not active."""
        with self.transaction():
            cursor = self._execute(
                """
                UPDATE published SET unpublished_at = ?
                WHERE ticket_n = ? AND unpublished_at IS NULL
                """,
                (_now(now), ticket_n),
            )
            return cursor.rowcount == 1

    def get_published(self, ticket_n: int) -> Published | None:
        rows = self._query("SELECT * FROM published WHERE ticket_n = ?", (ticket_n,))
        return published_from_row(rows[0]) if rows else None

    def list_published(self, active_only: bool = True) -> list[Published]:
        where = "WHERE unpublished_at IS NULL" if active_only else ""
        rows = self._query(f"SELECT * FROM published {where} ORDER BY ticket_n")
        return [published_from_row(row) for row in rows]

    # ------------------------------------------------------------------ privacy

    def forget_user(self, user_id: int, *, now: float | None = None) -> dict[str, int]:
        """Erase a user's personal data; return how many rows each kind lost.

        * tickets: redacted, not deleted — identity, question, candidates, disease and
          the answer text are wiped, the ticket is closed, and its number stays taken;
        * feedback, question log: deleted;
        * conversations saved with this ``user_id``: deleted;
        * outbox messages about this user (``user_id``) or to their private chat
          (``chat_id == user_id``, as in Telegram): deleted whatever their status, so
          pending ones are never sent and sent ones no longer hold their text.

        Published Q&As stay: they hold no identity. All of it is one transaction.
        Afterwards the WAL is checkpointed and truncated (best effort: a concurrent
        reader can delay it), so old page images holding the data do not linger on
        disk. Copies outside this database (Telegram chats, backups) are not touched.
        """
        counts = self._forget_user(user_id, _now(now))
        with self._lock:
            if self._depth == 0:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return counts

    def _forget_user(self, user_id: int, now: float) -> dict[str, int]:
        with self.transaction():
            tickets = self._execute(
                """
                UPDATE tickets
                SET user_id = NULL, chat_id = NULL, first_name = '', question = '',
                    disease = NULL, candidates = '[]', answer_text = NULL,
                    status = 'closed', closed_at = COALESCE(closed_at, :now),
                    redacted_at = :now
                WHERE user_id = :user
                """,
                {"user": user_id, "now": now},
            ).rowcount
            feedback = self._execute("DELETE FROM feedback WHERE user_id = ?", (user_id,))
            questions = self._execute("DELETE FROM question_log WHERE user_id = ?", (user_id,))
            conversations = self._execute("DELETE FROM conversations WHERE user_id = ?", (user_id,))
            outbox = self._execute("DELETE FROM outbox WHERE user_id = ? OR chat_id = ?", (user_id, user_id))
            # Pending updates are being handled and blank their payload when done.
            self._execute("DELETE FROM inbox WHERE user_id = ? AND state != 'pending'", (user_id,))
            return {
                "tickets": tickets,
                "feedback": feedback.rowcount,
                "questions": questions.rowcount,
                "conversations": conversations.rowcount,
                "outbox": outbox.rowcount,
            }


def _since(since: float | None) -> float:
    return float("-inf") if since is None else float(since)
