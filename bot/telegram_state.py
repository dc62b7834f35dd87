"""What the Telegram frontend keeps between updates: chat keys, button turns, rate limits.

Button state lives in the database (a conversation row next to the engine's), so a button
pressed after a restart still works, and /forget deletes it with everything else.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram import Chat, User
from telegram.constants import ChatType

from answers.engine import Engine
from bot.config import Config
from bot.outbox import OutboxWorker

if TYPE_CHECKING:
    from bot.health import HealthServer
    from bot.inbox import Dispatcher
    from bot.metrics import Metrics
from store import Store

MAX_TURNS = 10  # buttons on older messages expire


def chat_key(chat: Chat, user: User) -> str:
    """The engine's conversation key: the private chat, or one user's thread in a group."""
    return f"tg:{chat.id}" if chat.type == ChatType.PRIVATE else f"tg:{chat.id}:{user.id}"


def user_of_key(key: str) -> int | None:
    """The user a conversation key belongs to (private chat ids are user ids)."""
    parts = key.split(":")
    if len(parts) < 2 or parts[0] != "tg":
        return None
    try:
        user = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else int(parts[1])
    except ValueError:
        return None
    return user if user > 0 else None


class TelegramConversations:
    """The engine's ConversationStore on top of the store, recording whose state it is, so
    store.forget_user finds it."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def load_conversation(self, chat_key: str) -> dict | None:
        return self.store.load_conversation(chat_key)

    def save_conversation(self, chat_key: str, state: dict) -> None:
        self.store.save_conversation(chat_key, state, user_id=user_of_key(chat_key))

    def delete_conversation(self, chat_key: str) -> bool:
        return self.store.delete_conversation(chat_key)


class Turns:
    """The last few questions asked under one chat key, so buttons can refer back to them.

    Each turn has a random id (callback data carries it, so another group member's buttons never
    match) and holds the question, the passages shown (for 👍/👎), the choices offered, the
    best candidate pages and disease (for a ticket), and the ticket number once sent.
    """

    def __init__(self, store: Store, key: str, user_id: int) -> None:
        self.store, self.key, self.user_id = store, f"{key}:buttons", user_id

    def _load(self) -> dict[str, dict[str, Any]]:
        return self.store.load_conversation(self.key) or {}

    def _save(self, turns: dict[str, dict[str, Any]]) -> None:
        self.store.save_conversation(self.key, turns, user_id=self.user_id)

    def add(self, turn: dict[str, Any]) -> str:
        with self.store.transaction():
            turns = self._load()
            turn_id = secrets.token_hex(4)
            turns[turn_id] = turn
            self._save(dict(list(turns.items())[-MAX_TURNS:]))
        return turn_id

    def get(self, turn_id: str) -> dict[str, Any] | None:
        return self._load().get(turn_id)

    def latest(self) -> dict[str, Any] | None:
        turns = self._load()
        return list(turns.values())[-1] if turns else None

    def update(self, turn_id: str, **changes: Any) -> None:
        with self.store.transaction():
            turns = self._load()
            if turn_id in turns:
                turns[turn_id].update(changes)
                self._save(turns)


class RateLimiter:
    """At most `limit` messages per user in a sliding window of `seconds`.

    `check` answers "ok", "warn" (first message over the limit: tell the user once) or "drop".
    Kept in memory: a restart forgiving everyone is harmless.
    """

    def __init__(self, limit: int, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.seconds, self.clock = limit, seconds, clock
        self._seen: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    def check(self, user_id: int) -> str:
        now = self.clock()
        seen = self._seen.setdefault(user_id, deque())
        while seen and seen[0] <= now - self.seconds:
            seen.popleft()
        if len(seen) < self.limit:
            seen.append(now)
            self._warned.pop(user_id, None)
            return "ok"
        if self._warned.get(user_id, -1e18) > now - self.seconds:
            return "drop"
        self._warned[user_id] = now
        return "warn"

    def forget(self, user_id: int) -> None:
        self._seen.pop(user_id, None)
        self._warned.pop(user_id, None)


@dataclass
class Services:
    """Everything handlers need, kept in application.bot_data["gardbot"]."""

    config: Config
    engine: Engine
    store: Store
    limiter: RateLimiter
    worker: OutboxWorker | None = None
    dispatcher: Dispatcher | None = None
    metrics: Metrics | None = None
    health: HealthServer | None = None  # /healthz and /metrics, when telegram.health_port is set
    typing_after: float = 1.0  # seconds of engine work before "typing…" is shown
    # One thread for the engine: its work holds the GIL, so more threads would not answer
    # faster, only make the event loop (and the store's lock) wait behind them.
    engine_thread: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="gardbot-engine")
    )

    @property
    def staff_chat_id(self) -> int | None:
        return self.config.telegram.staff_chat_id

    @property
    def role(self) -> str:
        return self.config.staff.role

    def wake_outbox(self) -> None:
        if self.worker is not None:
            self.worker.wake()
