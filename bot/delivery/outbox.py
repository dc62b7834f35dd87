"""Sending to Telegram: the outbox worker (every message the bot sends) and the reply helpers.

The outbox is in the database, so a message queued before a crash or restart is sent by the
next process. Handlers do not call Telegram to answer: `send_rendered` / `reply_rendered` queue
outbox rows keyed by the update being handled (``update:<update_id>:<n>``), so an update handled
again after a crash queues nothing twice, and answers, apologies and relays share one retry path.
Each message is leased while in flight and marked sent in the same transaction as any follow-up
bookkeeping (`on_sent`). Telegram errors decide what happens next: flood control waits as long as
Telegram asks (for that chat only: other chats go on), network trouble, timeouts and 5xx back
off, and errors retrying cannot fix (blocked by the user, malformed message) end the message at
once. The worker sends to different chats concurrently and to one chat in queue order.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
import warnings
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from bot.delivery.message import Button, Rendered
from bot.ops.crash import crash_point
from store import OutboxMessage, Store

log = logging.getLogger(__name__)

PERMANENT_ERRORS = (Forbidden, BadRequest, ChatMigrated, InvalidToken)
DIRECT_FLOOD_RETRIES = 2  # rate limiter (bot.delivery.flood) retries of a direct reply after RetryAfter
SentHook = Callable[[OutboxMessage, int], None]
DeadHook = Callable[[OutboxMessage, str], None]
MigratedHook = Callable[[int, int], None]  # (old chat id, new chat id)


def retry_after_seconds(error: RetryAfter) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB settings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def keyboard(rows: list[list[dict[str, Any]]] | None) -> InlineKeyboardMarkup | None:
    """Outbox/rendered button rows as Telegram's inline keyboard."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.text, callback_data=b.data, url=b.url)
                for b in map(Button.from_json, row)
            ]
            for row in rows
        ]
    )


class OutboxWorker:
    """An asyncio task that sends due outbox messages until stopped.

    Up to `concurrency` messages are in flight at once, each the oldest live message of its
    chat (the store hands out only chat heads), so a slow or rate-limited chat never holds up
    the others while each chat's messages still arrive in order. The rate limiter of the bot
    (bot.delivery.flood.SharedRateLimiter, shared by replicas) keeps the whole within Telegram's flood limits.
    """

    def __init__(
        self,
        bot: Bot,
        store: Store,
        *,
        interval: float = 2.0,
        batch: int = 20,
        concurrency: int = 32,
        on_sent: SentHook | None = None,
        on_dead: DeadHook | None = None,
        on_migrated: MigratedHook | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bot = bot
        self.store = store
        self.interval = interval
        self.batch = batch
        self.concurrency = concurrency
        self.on_sent = on_sent
        self.on_dead = on_dead
        self.on_migrated = on_migrated
        self.clock = clock
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self.run(), name="gardbot-outbox")

    async def stop(self, timeout: float = 10.0) -> None:
        """Let the messages in flight finish (so they are not sent twice), then end the task."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        """New work was queued: look now instead of at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        inflight: set[asyncio.Task[bool]] = set()
        try:
            while not self._stopping:
                for task in [t for t in inflight if t.done()]:
                    inflight.discard(task)
                    if not task.cancelled() and task.exception() is not None:
                        log.error("outbox send failed", exc_info=task.exception())
                claimed: list[OutboxMessage] = []
                free = self.concurrency - len(inflight)
                if free > 0:
                    try:
                        claimed = self.store.due_messages(self.clock(), limit=min(free, self.batch))
                    except Exception:  # a store hiccup must not end delivery for good
                        log.exception("outbox pass failed; retrying in %.1f s", self.interval)
                for message in claimed:
                    inflight.add(asyncio.create_task(self.send(message), name=f"outbox-{message.id}"))
                if claimed and len(inflight) < self.concurrency:
                    await asyncio.sleep(0)  # let them start, then look for more
                    continue
                await self._wait(inflight)
        finally:
            if inflight:
                await asyncio.wait(inflight)

    async def _wait(self, inflight: set[asyncio.Task[bool]]) -> None:
        """Until a send finishes, new work is queued, or the next message falls due."""
        if len(inflight) >= self.concurrency:
            await asyncio.wait(inflight, return_when=asyncio.FIRST_COMPLETED)
            return
        try:
            due = self.store.next_due_at()
        except Exception:
            log.exception("outbox: could not read the next due time")
            due = None
        delay = self.interval if due is None else min(self.interval, due - self.clock())
        waker = asyncio.create_task(self._wake.wait())
        try:
            await asyncio.wait(
                {*inflight, waker}, timeout=max(delay, 0.01), return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            waker.cancel()
        self._wake.clear()

    async def deliver_due(self) -> int:
        """Send what is due now, one message after another; count sent (for tests and tools)."""
        count = 0
        for message in self.store.due_messages(self.clock(), limit=self.batch):
            if self._stopping:  # not attempted: hand it back for the next process
                self.store.mark_failed(message.id, "not sent: bot stopping", now=self.clock())
                continue
            count += await self.send(message)
        return count

    async def _call(self, message: OutboxMessage) -> int | None:
        """The Telegram call for one outbox row; returns the message id it made or edited."""
        payload = message.payload
        markup = keyboard(payload.get("buttons"))
        preview = LinkPreviewOptions(is_disabled=True)
        if payload.get("edit"):
            try:
                edited = await self.bot.edit_message_text(
                    payload["text"],
                    chat_id=message.chat_id,
                    message_id=int(payload["edit"]),
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    link_preview_options=preview,
                )
            except BadRequest as exc:
                if "not modified" in str(exc).lower():  # done already (sent twice after a crash)
                    return int(payload["edit"])
                raise
            return int(payload["edit"]) if isinstance(edited, bool) else edited.message_id
        reply_to = payload.get("reply_to")
        quote = ReplyParameters(int(reply_to), allow_sending_without_reply=True) if reply_to else None
        sent = await self.bot.send_message(
            message.chat_id,
            payload["text"],
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            link_preview_options=preview,
            reply_parameters=quote,
        )
        return sent.message_id

    async def send(self, message: OutboxMessage) -> bool:
        try:
            telegram_id = await self._call(message)
        except RetryAfter as exc:
            wait = retry_after_seconds(exc)
            log.warning("outbox %s: flood control, retrying in %.0f s", message.id, wait)
            self._failed(message, f"RetryAfter: {exc}", wait)
        except ChatMigrated as exc:  # a group became a supergroup: resend there
            log.warning("outbox %s: chat %s moved to %s", message.id, message.chat_id, exc.new_chat_id)
            self._failed(message, f"ChatMigrated: {exc}", permanent=True)
            if self.on_migrated is not None:
                self.on_migrated(message.chat_id, int(exc.new_chat_id))
        except PERMANENT_ERRORS as exc:
            log.error("outbox %s (%s) undeliverable: %s", message.id, message.kind, exc)
            self._failed(message, f"{type(exc).__name__}: {exc}", permanent=True)
        except TelegramError as exc:  # NetworkError, TimedOut, 5xx, Conflict...
            log.warning("outbox %s: %s; will retry", message.id, exc)
            self._failed(message, f"{type(exc).__name__}: {exc}")
        except Exception as exc:
            log.exception("outbox %s: unexpected error; will retry", message.id)
            self._failed(message, f"{type(exc).__name__}: {exc}")
        else:
            crash_point("after_delivery", f"after_delivery:{message.kind}")
            with self.store.transaction():
                if self.store.mark_sent(message.id, telegram_id, now=self.clock()):
                    if self.on_sent is not None and telegram_id is not None:
                        self.on_sent(message, telegram_id)
            return True
        return False

    def _failed(
        self,
        message: OutboxMessage,
        error: str,
        retry_after: float | None = None,
        permanent: bool = False,
    ) -> None:
        after = self.store.mark_failed(message.id, error, retry_after, self.clock(), permanent=permanent)
        if after is not None and after.status == "dead":
            log.error(
                "outbox %s (%s to chat %s) given up after %d attempts: %s",
                message.id,
                message.kind,
                message.chat_id,
                after.attempts,
                error,
            )
            if self.on_dead is not None:
                self.on_dead(after, error)


# --------------------------------------------------------------------------- replies


@dataclass
class Replying:
    """The update being handled, so replies become outbox rows keyed by it (see module doc)."""

    store: Store
    update_id: int
    user_id: int | None
    wake: Callable[[], None]
    numbers: Iterator[int] = field(default_factory=itertools.count)

    def key(self) -> str:
        return f"update:{self.update_id}:{next(self.numbers)}"


CURRENT: ContextVar[Replying | None] = ContextVar("gardbot_replying", default=None)


@contextlib.contextmanager
def replying(
    store: Store, update_id: int, user_id: int | None, wake: Callable[[], None]
) -> Iterator[Replying]:
    """While handling one update: replies go to the outbox under that update's id."""
    context = Replying(store, update_id, user_id, wake)
    token = CURRENT.set(context)
    try:
        yield context
    finally:
        CURRENT.reset(token)


async def ack(query: CallbackQuery, text: str | None = None, show_alert: bool = False) -> None:
    """Answer a button press (stop its spinner, or show an alert). Best effort: a press handled
    again after a restart was answered already, and Telegram then refuses a second answer."""
    try:
        await query.answer(text, show_alert=show_alert)
    except TelegramError as exc:
        log.info("could not answer a button press: %s", exc)


def queue_edit(chat_id: int, message_id: int, text: str, buttons: list[list[Button]] | None = None) -> bool:
    """Queue an edit of a bot message (in the caller's transaction, if any); False outside an
    update, where the caller edits directly."""
    context = CURRENT.get()
    if context is None:
        return False
    payload: dict[str, Any] = {"text": text, "edit": message_id}
    if buttons:
        payload["buttons"] = [[b.to_json() for b in row] for row in buttons]
    context.store.enqueue("edit", chat_id, payload, context.key(), user_id=context.user_id)
    context.wake()
    return True


async def send_rendered(
    bot: Bot, chat_id: int, rendered: Rendered, reply_to: int | None = None
) -> Message | None:
    """Send a rendered message, part by part, the buttons on the last part.

    While an update is being handled (always, in the bot) the parts are queued in the outbox,
    in one transaction, and None is returned. Outside one, they are sent now; on flood control
    the rate limiter then waits as long as Telegram asks and tries again (DIRECT_FLOOD_RETRIES).
    """
    context = CURRENT.get()
    if context is not None:
        with context.store.transaction():
            for i, payload in enumerate(rendered.payloads()):
                if reply_to and i == 0:
                    payload["reply_to"] = reply_to
                context.store.enqueue(
                    "reply", chat_id, payload, context.key(), user_id=context.user_id, about=rendered.about
                )
        context.wake()
        return None
    last = None
    buttons = keyboard([[b.to_json() for b in row] for row in rendered.buttons])
    for i, part in enumerate(rendered.parts):
        last = await bot.send_message(
            chat_id,
            part,
            parse_mode=ParseMode.HTML,
            reply_markup=buttons if i == len(rendered.parts) - 1 else None,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            rate_limit_args=DIRECT_FLOOD_RETRIES,
            reply_parameters=(
                ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to and i == 0 else None
            ),
        )
    return last


async def reply_rendered(message: Message, rendered: Rendered) -> Message | None:
    """Answer a message; in groups the answer quotes it, so it is clear whom it is for."""
    quote = None if message.chat.type == ChatType.PRIVATE else message.message_id
    return await send_rendered(message.get_bot(), message.chat_id, rendered, quote)
