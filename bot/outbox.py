"""Sending to Telegram: the outbox worker (tickets to staff, answers to users) and replies.

The outbox is in the database, so a message queued before a crash or restart is sent by the
next process. Each message is sent once: it is leased while in flight and marked sent in the
same transaction as any follow-up bookkeeping (`on_sent`). Telegram errors decide what happens
next: flood control waits as long as Telegram asks, network trouble and 5xx back off, and
errors retrying cannot fix (blocked by the user, malformed message) end the message at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from telegram import (
    Bot,
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

from bot.render import Button, Rendered
from store import OutboxMessage, Store

log = logging.getLogger(__name__)

PERMANENT_ERRORS = (Forbidden, BadRequest, ChatMigrated, InvalidToken)
DIRECT_FLOOD_RETRIES = 2  # AIORateLimiter retries of a direct reply after RetryAfter
SentHook = Callable[[OutboxMessage, int], None]
DeadHook = Callable[[OutboxMessage, str], None]


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
    """An asyncio task that sends due outbox messages until stopped."""

    def __init__(
        self,
        bot: Bot,
        store: Store,
        *,
        interval: float = 2.0,
        batch: int = 20,
        on_sent: SentHook | None = None,
        on_dead: DeadHook | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bot = bot
        self.store = store
        self.interval = interval
        self.batch = batch
        self.on_sent = on_sent
        self.on_dead = on_dead
        self.clock = clock
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self.run(), name="gardbot-outbox")

    async def stop(self, timeout: float = 10.0) -> None:
        """Let the message in flight finish (so it is not sent twice), then end the task."""
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
        while not self._stopping:
            try:
                sent = await self.deliver_due()
            except Exception:  # a store hiccup must not end delivery for good
                log.exception("outbox pass failed; retrying in %.1f s", self.interval)
                sent = 0
            if not sent and not self._stopping:
                await self._sleep()

    async def deliver_due(self) -> int:
        """Send what is due now (one message per chat, so per-chat order holds); count sent."""
        count = 0
        for message in self.store.due_messages(self.clock(), limit=self.batch):
            if self._stopping:  # not attempted: hand it back for the next process
                self.store.mark_failed(message.id, "not sent: bot stopping", now=self.clock())
                continue
            count += await self.send(message)
        return count

    async def send(self, message: OutboxMessage) -> bool:
        payload = message.payload
        try:
            sent = await self.bot.send_message(
                message.chat_id,
                payload["text"],
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(payload.get("buttons")),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except RetryAfter as exc:
            wait = retry_after_seconds(exc)
            log.warning("outbox %s: flood control, retrying in %.0f s", message.id, wait)
            self._failed(message, f"RetryAfter: {exc}", wait)
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
            with self.store.transaction():
                if self.store.mark_sent(message.id, sent.message_id, now=self.clock()):
                    if self.on_sent is not None:
                        self.on_sent(message, sent.message_id)
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
            log.error("outbox %s (%s) given up: %s", message.id, message.kind, error)
            if self.on_dead is not None:
                self.on_dead(after, error)

    async def _sleep(self) -> None:
        due = self.store.next_due_at()
        delay = self.interval if due is None else min(self.interval, due - self.clock())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), max(delay, 0.01))
        self._wake.clear()


async def send_rendered(
    bot: Bot, chat_id: int, rendered: Rendered, reply_to: int | None = None
) -> Message | None:
    """Send a rendered message now, part by part, the buttons on the last part.

    A direct reply has no outbox behind it, so on flood control the rate limiter waits as long
    as Telegram asks and tries again (DIRECT_FLOOD_RETRIES); outbox sends keep the limiter's
    default of no retries, as the outbox reschedules them itself.
    """
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
