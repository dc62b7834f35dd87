"""The outbox tables (``outbox``, ``outbox_subjects``): messages queued for Telegram.

Delivery guarantee
------------------
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
"""

from __future__ import annotations

from typing import Any

from .records import OutboxItem, OutboxMessage, OutboxStats, OutboxStatus
from .rows import outbox_from_row
from .sqlbase import SQLBase, json_text, literal, one_of, owner_is, timestamp

PENDING, SENDING, SENT, DEAD = (literal(s) for s in OutboxStatus)
# Not sent yet: waiting, or in flight.
UNSENT = one_of(OutboxStatus.PENDING, OutboxStatus.SENDING)
# Not delivered: waiting, in flight or given up.
NOT_SENT = one_of(OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.DEAD)
# Final: sent, or given up.
FINISHED = one_of(OutboxStatus.SENT, OutboxStatus.DEAD)
# Nobody holds the message any more.
NO_LEASE = "lease_until = NULL, lease_owner = NULL"
# The fresh start a revived or moved message gets: due now, attempts and error forgotten.
AFRESH = f"status = {PENDING}, attempts = 0, next_attempt_at = :now, last_error = NULL, {NO_LEASE}"
_MAX_ERROR_CHARS = 2000

# A message is at the head of its chat's queue when no older message to the same chat
# is still pending or in flight. Only heads are sent, which keeps per-chat order.
IS_CHAT_HEAD = f"""
    NOT EXISTS (
        SELECT 1 FROM outbox AS earlier
        WHERE earlier.chat_id = o.chat_id
          AND earlier.id < o.id
          AND earlier.status IN {UNSENT}
    )
"""
# When message ``o`` (pending or sending) is or was due: its next attempt, or its lease's end.
DUE_AT = f"CASE o.status WHEN {PENDING} THEN o.next_attempt_at ELSE o.lease_until END"
# Message ``o`` may be claimed at ``:now``: a due attempt, or an expired lease.
IS_DUE = f"""
    ((o.status = {PENDING} AND o.next_attempt_at <= :now)
     OR (o.status = {SENDING} AND o.lease_until <= :now))
"""
# Message ``o`` is about user ``:user``: queued with their id, or naming them in ``about``.
ABOUT_USER = """
    (user_id = :user OR id IN (SELECT outbox_id FROM outbox_subjects WHERE user_id = :user))
"""


class OutboxSQL(SQLBase):
    """`Store`'s outbox methods; see the module docstring for the delivery guarantee."""

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
            return self._enqueue(item, timestamp(now))

    def _enqueue(self, item: OutboxItem, now: float) -> int:
        if not item.dedupe_key:
            raise ValueError("dedupe_key must be a non-empty string")
        self._run(
            f"""
            INSERT INTO outbox
                (kind, chat_id, user_id, payload, dedupe_key, status, next_attempt_at,
                 created_at)
            VALUES (:kind, :chat, :user, :payload, :key, {PENDING}, :now, :now)
            ON CONFLICT (dedupe_key) DO NOTHING
            """,
            {
                "kind": item.kind,
                "chat": item.chat_id,
                "user": item.user_id,
                "payload": json_text(item.payload),
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
        mid-send) is due again — see the module docstring for what that means for
        duplicates — unless its attempts are used up, in which case it is marked
        ``dead`` instead. Replicas claiming at the same time get disjoint messages, and
        only a chat's oldest unsent message is ever claimed, so per-chat order holds.
        """
        at = timestamp(now)
        lease = self.lease_seconds if lease_seconds is None else lease_seconds
        claimed: list[OutboxMessage] = []
        with self.transaction():
            rows = self._rows(
                f"""
                SELECT o.id, o.attempts FROM outbox AS o
                WHERE {IS_DUE} AND {IS_CHAT_HEAD}
                ORDER BY o.next_attempt_at, o.id
                LIMIT :limit{self._SKIP_LOCKED}
                """,
                {"now": at, "limit": limit},
            )
            for row in rows:
                if self.retry_policy.gives_up(row["attempts"]):
                    self._run(
                        f"""
                        UPDATE outbox
                        SET status = {DEAD}, {NO_LEASE},
                            last_error = 'lease expired on the last attempt; delivery unknown'
                        WHERE id = :id
                        """,
                        {"id": row["id"]},
                    )
                    continue
                [message] = self._rows(
                    f"""
                    UPDATE outbox
                    SET status = {SENDING}, attempts = attempts + 1, lease_until = :until,
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
                f"""
                UPDATE outbox
                SET status = {SENT}, telegram_message_id = :message, sent_at = :now, {NO_LEASE}
                WHERE id = :id AND status IN {UNSENT}
                """,
                {"message": telegram_message_id, "now": timestamp(now), "id": id},
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
        at = timestamp(now)
        with self.transaction():
            rows = self._rows(f"SELECT * FROM outbox WHERE id = :id{self._FOR_UPDATE}", {"id": id})
            message = outbox_from_row(rows[0]) if rows else None
            if message is None or message.status in (OutboxStatus.SENT, OutboxStatus.DEAD):
                return message
            attempts = max(message.attempts, 1)
            params = {"attempts": attempts, "error": error[:_MAX_ERROR_CHARS], "id": id}
            if permanent or self.retry_policy.gives_up(attempts):
                change = f"status = {DEAD}"
            else:
                params["next"] = at + self.retry_policy.delay(attempts, retry_after)
                change = f"status = {PENDING}, next_attempt_at = :next"
            [row] = self._rows(
                f"""
                UPDATE outbox
                SET {change}, attempts = :attempts, last_error = :error, {NO_LEASE}
                WHERE id = :id
                RETURNING *
                """,
                params,
            )
            return outbox_from_row(row)

    def next_due_at(self) -> float | None:
        """When the next message becomes due (may be in the past), or None if the
        outbox is idle. A worker sleeps until then or until new work is enqueued."""
        rows = self._query(
            f"""
            SELECT MIN({DUE_AT}) AS due FROM outbox AS o
            WHERE o.status IN {UNSENT} AND {IS_CHAT_HEAD}
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
        allows (see the module docstring). Leases of live replicas, this one included, are
        left alone, so calling this periodically never disturbs a send in flight. With
        SQLite only this store is live, so at start-up it releases every lease, as one
        process owning the file wants. Returns how many were released.
        """
        released = 0
        with self.transaction():
            owners = self._rows(f"SELECT DISTINCT lease_owner AS owner FROM outbox WHERE status = {SENDING}")
            for owner in (row["owner"] for row in owners):
                if self._is_live(owner):
                    continue
                # Rows another replica is releasing or claiming right now are its to handle:
                # skipping them (rather than waiting) also rules out lock-order deadlocks.
                cursor = self._run(
                    f"""
                    UPDATE outbox SET status = {PENDING}, {NO_LEASE}, next_attempt_at = :now
                    WHERE id IN (
                        SELECT id FROM outbox
                        WHERE status = {SENDING} AND {owner_is("lease_owner", owner)}
                        ORDER BY id{self._SKIP_LOCKED}
                    )
                    """,
                    {"now": timestamp(now), "owner": owner},
                )
                released += cursor.rowcount
        return released

    def outbox_stats(self, now: float | None = None) -> OutboxStats:
        """Depth, dead count and the oldest due time of the outbox (see `OutboxStats`)."""
        counts = self._query(
            f"""
            SELECT SUM(CASE WHEN status IN {UNSENT} THEN 1 ELSE 0 END) AS depth,
                   SUM(CASE WHEN status = {DEAD} THEN 1 ELSE 0 END) AS given_up,
                   SUM(CASE WHEN status = {DEAD} AND kind = 'ticket' THEN 1 ELSE 0 END) AS dead_tickets
            FROM outbox WHERE status IN {NOT_SENT}
            """
        )[0]
        due = self._query(
            f"SELECT MIN({DUE_AT}) AS due FROM outbox AS o WHERE {IS_DUE} AND {IS_CHAT_HEAD}",
            {"now": timestamp(now)},
        )[0]["due"]
        return OutboxStats(
            depth=int(counts["depth"] or 0),
            dead=int(counts["given_up"] or 0),
            oldest_due_at=None if due is None else float(due),
            dead_tickets=int(counts["dead_tickets"] or 0),
        )

    def revive(self, kind: str, chat_id: int, *, now: float | None = None) -> list[OutboxMessage]:
        """Make the ``dead`` messages of ``kind`` due again, addressed to ``chat_id``, with their
        attempts reset; returns them. For copies that failed because of the chat (the bot was
        removed from the staff chat) and can go once it works again."""
        with self.transaction():
            rows = self._rows(
                f"""
                UPDATE outbox SET {AFRESH}, chat_id = :chat
                WHERE kind = :kind AND status = {DEAD}
                RETURNING *
                """,
                {"kind": kind, "chat": chat_id, "now": timestamp(now)},
            )
            return sorted((outbox_from_row(row) for row in rows), key=lambda m: m.id)

    def move_chat(self, old_chat_id: int, new_chat_id: int, *, now: float | None = None) -> int:
        """Send what waits for (or died in) ``old_chat_id`` to ``new_chat_id`` instead, due now:
        Telegram moved the chat (a group upgraded to a supergroup answers ChatMigrated)."""
        with self.transaction():
            return self._run(
                f"""
                UPDATE outbox SET {AFRESH}, chat_id = :new
                WHERE chat_id = :old AND status IN {one_of(OutboxStatus.PENDING, OutboxStatus.DEAD)}
                """,
                {"old": old_chat_id, "new": new_chat_id, "now": timestamp(now)},
            ).rowcount

    # ------------------------------------------------------------------ retention

    def _copies_about(self, user_id: int, chat_id: int) -> set[int]:
        """Telegram ids of the messages sent to ``chat_id`` that were about the user."""
        rows = self._rows(
            f"""
            SELECT telegram_message_id AS message FROM outbox
            WHERE chat_id = :chat AND telegram_message_id IS NOT NULL AND {ABOUT_USER}
            """,
            {"user": user_id, "chat": chat_id},
        )
        return {int(row["message"]) for row in rows}

    def _forget_outbox_of(self, user_id: int) -> int:
        """`forget_user`'s part here: delete every message about the user or to their private
        chat, whatever its status; how many."""
        user = {"user": user_id}
        deleted = self._run(f"DELETE FROM outbox WHERE {ABOUT_USER} OR chat_id = :user", user).rowcount
        self._run("DELETE FROM outbox_subjects WHERE user_id = :user", user)
        return deleted

    def _expire_outbox(self, before: float, keep_ids_in: int | None) -> tuple[int, int]:
        """`expire`'s part here: (blanked, deleted) finished messages queued before ``before``.

        A sent message in ``keep_ids_in`` (the staff chat) that showed a user's data keeps its
        ids and loses its text: /forget needs them to edit the copy to "[withdrawn by the asker]".
        """
        staff_copy = "(1 = 0)"  # never NULL: NOT of it must be true for every other row
        if keep_ids_in is not None:
            staff_copy = """
                (chat_id = :staff AND telegram_message_id IS NOT NULL
                 AND (user_id IS NOT NULL OR id IN (SELECT outbox_id FROM outbox_subjects)))
            """
        params = {"before": before, "staff": keep_ids_in}
        old = f"status IN {FINISHED} AND created_at < :before"
        blanked = self._run(
            f"UPDATE outbox SET payload = '{{}}' WHERE {old} AND {staff_copy} AND payload != '{{}}'", params
        ).rowcount
        deleted = self._run(f"DELETE FROM outbox WHERE {old} AND NOT {staff_copy}", params).rowcount
        return blanked, deleted
