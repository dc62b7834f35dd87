"""The ``inbox`` table: updates from Telegram recorded before they are acknowledged.

Each update_id is recorded once across replicas (`inbox_add` is True for exactly one caller);
a row is owned by the replica that recorded or adopted it until it is ``done`` or ``failed``,
and `inbox_pending` adopts the pending rows of replicas no longer live, never a live one's.
"""

from __future__ import annotations

import json
from typing import Any

from .records import InboxEntry, InboxState
from .sqlbase import SQLBase, json_text, literal, owner_is, timestamp

PENDING = literal(InboxState.PENDING)


class InboxSQL(SQLBase):
    """`Store`'s inbox methods."""

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
                f"""
                INSERT INTO inbox (update_id, chat_id, user_id, payload, state, received_at, owner)
                VALUES (:update, :chat, :user, :payload, {PENDING}, :now, :me)
                ON CONFLICT (update_id) DO NOTHING
                """,
                {
                    "update": update_id,
                    "chat": chat_id,
                    "user": user_id,
                    "payload": json_text(payload),
                    "now": timestamp(now),
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
            owners = self._rows(f"SELECT DISTINCT owner FROM inbox WHERE state = {PENDING}")
            for owner in (row["owner"] for row in owners):
                if self._is_live(owner):
                    continue
                rows = self._rows(
                    f"""
                    UPDATE inbox SET owner = :me
                    WHERE update_id IN (
                        SELECT update_id FROM inbox
                        WHERE state = {PENDING} AND {owner_is("owner", owner)}
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

    def inbox_done(
        self, update_id: int, *, state: InboxState = InboxState.DONE, now: float | None = None
    ) -> None:
        """Mark an update handled (``done``) or set aside (``failed``); idempotent.

        The payload (the user's words), chat and user are dropped: only the id is needed from
        now on, to recognise a redelivery. Call it inside the transaction that commits the update's
        effects where there is one, so the two cannot be separated by a crash.
        """
        if state not in (InboxState.DONE, InboxState.FAILED):
            raise ValueError(f"unknown inbox state {state!r}")
        with self.transaction():
            self._run(
                f"""
                UPDATE inbox SET state = :state, payload = '{{}}', chat_id = NULL, user_id = NULL,
                    done_at = :now
                WHERE update_id = :id AND state = {PENDING}
                """,
                {"state": InboxState(state), "now": timestamp(now), "id": update_id},
            )

    def inbox_prune(self, older_than: float) -> int:
        """Delete handled rows done before ``older_than``; Telegram stops redelivering an
        update within a day, so older ids are not needed to spot redeliveries."""
        with self.transaction():
            return self._prune_inbox(older_than)

    def _prune_inbox(self, older_than: float) -> int:
        return self._run(
            f"DELETE FROM inbox WHERE state != {PENDING} AND done_at < :before", {"before": older_than}
        ).rowcount

    def inbox_pending_count(self) -> int:
        """How many recorded updates are not handled yet (by any replica)."""
        return int(self._query(f"SELECT COUNT(*) AS n FROM inbox WHERE state = {PENDING}")[0]["n"])

    def _forget_inbox_of(self, user_id: int) -> int:
        """`forget_user`'s part here: delete the user's handled updates. Pending ones are being
        handled and blank their payload when done."""
        return self._run(
            f"DELETE FROM inbox WHERE user_id = :user AND state != {PENDING}", {"user": user_id}
        ).rowcount
