"""What replicas share about pace and settings: ``rate_limits`` (messages per user),
``send_budget`` (Telegram's send limits) and ``settings`` (named values).

Each read-modify-write here is one transaction with its row locked, so replicas sharing a
PostgreSQL database count every message and send once between them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from .sqlbase import SQLBase, json_text, timestamp


def held_setting(user_id: int) -> str:
    """The setting that records a user's questions held back from the staff chat."""
    return f"held:{user_id}"


class RatesSQL(SQLBase):
    """`Store`'s rate-limit, send-budget and settings methods."""

    def rate_check(self, user_id: int, limit: int, seconds: float, *, now: float | None = None) -> str:
        """Count a message from ``user_id`` against at most ``limit`` per ``seconds``.

        Returns ``"ok"`` (accepted and counted), ``"warn"`` (the first message over the
        limit in the window: tell the user once) or ``"drop"``, with the semantics of
        `bot.telegram.state.RateLimiter.check`: a sliding window over accepted messages.
        The check and the update are one transaction with the user's row locked, so
        replicas sharing the database count every message once between them.
        """
        at = timestamp(now)
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
                {"hits": json_text(hits), "warned": warned_at, "user": user_id},
            )
            return verdict

    def reserve_send(self, budgets: Sequence[tuple[str, int, float]], *, now: float | None = None) -> float:
        """Reserve one send in every budget ``(name, limit, window seconds)``; returns the time
        it may go: the earliest at or after ``now`` when each budget has fewer than ``limit``
        sends reserved within ``window`` before it. One transaction with the budgets' rows
        locked (in the order given), so replicas sharing the database stay under the limits
        together."""
        at = timestamp(now)
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
                    {"times": json_text([t for t in times if t > at - window]), "name": name},
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

    def _expire_rate_limits(self, older_than: float) -> int:
        """`expire`'s part here: delete the rows of users whose last message is older than
        ``older_than``; how many. Hits are a JSON list, so the newest is found here."""
        rows = self._rows("SELECT user_id, hits FROM rate_limits")
        stale = [row["user_id"] for row in rows if max(json.loads(row["hits"]) or [0.0]) < older_than]
        for user_id in stale:
            self._forget_rate_of(user_id)
        return len(stale)

    def _forget_rate_of(self, user_id: int) -> None:
        self._run("DELETE FROM rate_limits WHERE user_id = :user", {"user": user_id})

    def _forget_rates_of(self, user_id: int) -> None:
        """`forget_user`'s part here: the user's rate-limit row and their held-questions setting."""
        self._forget_rate_of(user_id)
        self._run("DELETE FROM settings WHERE name = :held", {"held": held_setting(user_id)})
