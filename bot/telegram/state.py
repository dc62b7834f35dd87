"""What the Telegram frontend keeps between updates: chat keys, button turns, rate limits.

Button state lives in the database (a conversation row next to the engine's), so a button
pressed after a restart still works, and /forget deletes it with everything else.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from telegram import Chat, User
from telegram.constants import ChatType
from telegram.ext import Application, CallbackContext, ExtBot, filters

from answers.engine import Engine
from bot.config import Config
from bot.delivery.inbox import Dispatcher
from bot.delivery.outbox import OutboxWorker
from bot.delivery.replicas import Housekeeping, PollingLeader
from bot.ops.health import HealthServer
from bot.ops.metrics import Metrics
from bot.telegram.retention import Retention
from store import Store

if TYPE_CHECKING:  # it imports this module's Services
    from bot.telegram.staff_delivery import StaffDelivery

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


@dataclass(frozen=True)
class Turn:
    """One question asked in a chat and what the buttons under its reply need: the passages shown
    (for 👍/👎), the pages offered as a choice, the disease, best candidate pages and the ask (for
    a ticket), then the ticket number once sent and the feedback once given.

    Stored as JSON under short keys ("q" for the question), the layout earlier versions wrote, so
    buttons under replies sent before an upgrade keep working.
    """

    question: str
    disease: str | None = None
    candidates: list[dict[str, str]] = field(default_factory=list)
    passages: list[str] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    ticket: int | None = None
    helpful: bool | None = None
    # What the question asks in the bot's words ("whether it is contagious"), for a ticket's staff
    # copy; may hold words the user typed, so it lives only here (wiped with the chat's turns),
    # in the ticket and in the staff chat, like the question.
    ask: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "question"}
        return {"q": self.question, **{k: v for k, v in data.items() if v is not None}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Turn:
        known = {f.name for f in fields(cls)} - {"question"}
        return cls(question=str(data.get("q", "")), **{k: v for k, v in data.items() if k in known})


class Turns:
    """The last few turns under one chat key, so buttons can refer back to them.

    Each turn has a random id (callback data carries it, so another group member's buttons never
    match). Kept in the database next to the engine's conversation, so every replica sees them.
    """

    def __init__(self, store: Store, key: str, user_id: int) -> None:
        self.store, self.key, self.user_id = store, f"{key}:buttons", user_id

    def _load(self) -> dict[str, dict[str, Any]]:
        return self.store.load_conversation(self.key) or {}

    def _save(self, turns: dict[str, dict[str, Any]]) -> None:
        self.store.save_conversation(self.key, turns, user_id=self.user_id)

    def add(self, turn: Turn) -> str:
        with self.store.transaction():
            turns = self._load()
            turn_id = secrets.token_hex(4)
            turns[turn_id] = turn.to_json()
            self._save(dict(list(turns.items())[-MAX_TURNS:]))
        return turn_id

    def get(self, turn_id: str) -> Turn | None:
        data = self._load().get(turn_id)
        return Turn.from_json(data) if data is not None else None

    def latest(self) -> Turn | None:
        turns = self._load()
        return Turn.from_json(list(turns.values())[-1]) if turns else None

    def update(self, turn_id: str, **changes: Any) -> Turn | None:
        """Change fields of a stored turn (`Turn` names); returns the new turn, None if gone."""
        with self.store.transaction():
            turns = self._load()
            if turn_id not in turns:
                return None
            turn = replace(Turn.from_json(turns[turn_id]), **changes)
            turns[turn_id] = turn.to_json()
            self._save(turns)
            return turn


class RateLimiter:
    """At most `limit` updates per user (questions, commands, button presses: bot.telegram.handlers'
    `gate` checks every one) in a sliding window of `seconds`.

    `check` answers "ok", "warn" (first message over the limit: tell the user once) or "drop".
    Counted in the database (`Store.rate_check`), so replicas behind one address share the
    count; /forget deletes it with the rest of the user's data.
    """

    def __init__(
        self, store: Store, limit: int, seconds: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.store, self.limit, self.seconds, self.clock = store, limit, seconds, clock

    def check(self, user_id: int) -> str:
        return self.store.rate_check(user_id, self.limit, self.seconds, now=self.clock())


def engine_executor() -> ThreadPoolExecutor:
    """One thread for the engine: its work holds the GIL, so more threads would not answer
    faster, only make the event loop (and the store's lock) wait behind them."""
    return ThreadPoolExecutor(1, thread_name_prefix="gardbot-engine")


@dataclass
class Services:
    """Everything handlers need, kept in application.bot_data["gardbot"]; made complete in one
    step by bot.telegram.app.build_services. A None field is a feature switched off, never a
    part still to come."""

    config: Config
    engine: Engine
    store: Store
    limiter: RateLimiter
    metrics: Metrics
    worker: OutboxWorker
    dispatcher: Dispatcher
    retention: Retention  # deletes what is past its period, on every replica
    staff_delivery: StaffDelivery  # sends again staff-chat copies that failed
    health: HealthServer | None  # /healthz and /metrics, when telegram.health_port is set
    housekeeping: Housekeeping | None  # on a database replicas share (bot.delivery.replicas)
    # When polling on a shared database: start-up waits for the polling lock, then this checks
    # that the replica still holds it.
    leader: PollingLeader | None
    staff_filter: filters.Chat | None  # the staff-reply route's chat filter, when there is a staff chat
    engine_thread: ThreadPoolExecutor = field(default_factory=engine_executor)
    moved_staff_chat: int | None = None  # the staff chat's new id after a ChatMigrated
    typing_after: float = 1.0  # seconds of engine work before "typing…" is shown

    @property
    def staff_chat_id(self) -> int | None:
        """The configured staff chat, or the id Telegram moved it to (bot.telegram.staff_delivery)."""
        return (
            self.moved_staff_chat if self.moved_staff_chat is not None else self.config.telegram.staff_chat_id
        )

    @property
    def role(self) -> str:
        return self.config.staff.role

    def wake_outbox(self) -> None:
        self.worker.wake()


def services_of(app: Application) -> Services:
    return app.bot_data["gardbot"]


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """The handlers' context (PTB's ContextTypes, as in its contexttypesbot.py example): the
    gardbot services ride along, typed, instead of being looked up in bot_data by every handler."""

    @property
    def services(self) -> Services:
        return self.application.bot_data["gardbot"]
