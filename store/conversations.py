"""The ``conversations`` table: each chat's state (the engine's, and its buttons' under
``<chat>:buttons``), found by `forget_user` through the ``user_id`` it was saved with."""

from __future__ import annotations

import json
from typing import Any

from .sqlbase import SQLBase, json_text, timestamp

# A chat key holding a chat's buttons rather than the engine's state; kept for its own period.
IS_BUTTONS = "chat_key LIKE '%:buttons'"


class ConversationsSQL(SQLBase):
    """`Store`'s conversation-state methods."""

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
                {"key": chat_key, "state": json_text(state), "user": user_id, "now": timestamp(now)},
            )

    def delete_conversation(self, chat_key: str) -> bool:
        with self.transaction():
            cursor = self._run("DELETE FROM conversations WHERE chat_key = :key", {"key": chat_key})
            return cursor.rowcount > 0

    def expire_conversations(self, older_than: float) -> int:
        """Delete conversation state not updated since ``older_than``; return count.
        Stale state is both useless and personal data, so it should not linger."""
        with self.transaction():
            return self._expire_conversations(older_than)

    def _expire_conversations(self, older_than: float, buttons: bool | None = None) -> int:
        """Delete state not updated since ``older_than``: of every chat key, or with ``buttons``
        only the buttons' keys (True) or only the engine's (False)."""
        kind = {None: "", True: f" AND {IS_BUTTONS}", False: f" AND NOT {IS_BUTTONS}"}[buttons]
        return self._run(
            f"DELETE FROM conversations WHERE updated_at < :before{kind}", {"before": older_than}
        ).rowcount

    def _forget_conversations_of(self, user_id: int) -> int:
        """`forget_user`'s part here: delete the state saved with the user's id."""
        return self._run("DELETE FROM conversations WHERE user_id = :user", {"user": user_id}).rowcount
