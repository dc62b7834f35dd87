"""The Telegram application's life: what runs at start-up (command menus, the outbox worker, the
last process's unfinished updates, the periodic jobs), at stop, and when a handler fails.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.delivery.message import Rendered
from bot.delivery.outbox import ack, send_rendered
from bot.delivery.replicas import wait_to_poll
from bot.telegram import staff_delivery, texts
from bot.telegram import tickets as staff
from bot.telegram.state import BotContext, Services
from corpus.published import warm_up as warm_up_published

log = logging.getLogger("gardbot.telegram")

USER_COMMANDS = [
    BotCommand("start", "What this bot is"),
    BotCommand("help", "How to use it"),
    BotCommand("ask", "Send a question to a specialist"),
    BotCommand("about", "Sources and licences"),
    BotCommand("privacy", "What is stored about you"),
    BotCommand("forget", "Delete everything stored about you"),
]
STAFF_COMMANDS = [
    BotCommand("pending", "Open questions"),
    BotCommand("ticket", "Show ticket N"),
    BotCommand("answer", "Answer ticket N: /answer N text"),
    BotCommand("close", "Close ticket N without an answer"),
    BotCommand("publish", "Preview, then publish, ticket N's answer: /publish N [condition]"),
    BotCommand("edit", "Reword a published answer: /edit N question|answer text"),
    BotCommand("unpublish", "Withdraw ticket N's published answer"),
]
PENDING_AT_START_SECONDS = 60.0  # how long start-up waits for the last process's backlog


async def on_error(update: object, context: BotContext) -> None:
    """Log the error with its context; tell the user only that something went wrong."""
    where = "no update"
    if isinstance(update, Update):
        chat = update.effective_chat.id if update.effective_chat else None
        where = f"update {update.update_id} in chat {chat}"
    s = context.services
    if isinstance(update, Update) and transient(context.error):
        log.warning("%s: transient database error (%s); it will be handled again", where, context.error)
        s.dispatcher.retry_later(update.update_id)  # pending, not lost: no apology either
        return
    log.error("error handling %s", where, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.callback_query is not None:
        await ack(update.callback_query)  # stop the button's spinner
    try:  # queued like any reply, so it is retried too
        await send_rendered(context.bot, update.effective_chat.id, Rendered([texts.ERROR]))
    except Exception:
        log.exception("could not queue the apology for update %s", update.update_id)


def warm_up_deidentifier() -> None:
    try:
        warm_up_published()
    except Exception:  # loaded on first use instead; a preview then says what went wrong
        log.exception("could not load the de-identification word lists")


def transient(error: BaseException | None) -> bool:
    """A database error that waiting fixes: SQLite locked or busy, a PostgreSQL connection lost
    (its cause or context included, as the store may wrap it)."""
    seen = 0
    while error is not None and seen < 5:
        name, module = type(error).__name__, type(error).__module__
        if isinstance(error, sqlite3.OperationalError) and any(
            word in str(error).lower() for word in ("locked", "busy")
        ):
            return True
        if module.startswith("psycopg") and name in ("OperationalError", "InterfaceError"):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


async def on_startup(app: Application) -> None:
    """post_init: commands menu, the outbox worker (sending what is due at once), tickets the
    staff chat never got, then the updates the last process recorded but did not finish: they
    are handled before new updates are fetched."""
    s: Services = app.bot_data["gardbot"]
    if s.health is not None:  # first: a port in use stops the start before anything else runs
        await s.health.start()
    staff_delivery.refresh(s)  # a staff chat Telegram moved (ChatMigrated) is used as moved
    if s.leader is not None:  # polling on a shared database: wait for the other replicas' poller
        await wait_to_poll(s.store)
    if released := s.store.release_leases():
        log.info("%d outbox messages were in flight when the last process ended; sending them now", released)
    s.retention.run_once()  # what is past its period (config privacy), inbox ids included
    try:
        await app.bot.set_my_commands(USER_COMMANDS)
        if s.staff_chat_id is not None:
            scope = BotCommandScopeChat(s.staff_chat_id)
            await app.bot.set_my_commands(USER_COMMANDS + STAFF_COMMANDS, scope=scope)
    except TelegramError as exc:  # a menu is not worth refusing to start
        log.warning("could not set the command menus (is the bot in the staff chat?): %s", exc)
    if s.staff_chat_id is None:
        log.warning("no staff chat configured (GARDBOT_STAFF_CHAT_ID): tickets wait in /pending")
    s.worker.start()
    # The de-identifier's word lists, loaded in a thread meanwhile (publishing needs them).
    asyncio.get_running_loop().run_in_executor(None, warm_up_deidentifier)
    if requeued := staff.requeue_open_tickets(s):
        log.info("%d open tickets are not in the staff chat yet; they are queued", requeued)
    s.staff_delivery.redeliver("start-up")  # copies that failed for good before: the cause may be fixed
    if pending := s.dispatcher.replay_pending():
        log.info("%d updates recorded by the last process were not finished; handling them now", pending)
        if not await s.dispatcher.wait_idle(PENDING_AT_START_SECONDS):
            log.warning("the last process's updates are still being handled; taking new ones as well")
    if s.housekeeping is not None:
        s.housekeeping.start()
    s.retention.start()
    s.staff_delivery.start()
    if s.leader is not None:
        s.leader.start()
    log.info("gardbot is running as @%s; staff chat %s", app.bot.username, s.staff_chat_id)


async def on_stop(app: Application) -> None:
    """post_stop: finish the updates and messages in flight; the rest wait in the database."""
    s: Services = app.bot_data["gardbot"]
    for task in (s.leader, s.housekeeping, s.retention, s.staff_delivery):
        if task is not None:
            await task.stop()
    await s.dispatcher.stop()
    await s.worker.stop()
    await stop_health(app)


async def stop_health(app: Application) -> None:
    """post_stop and post_shutdown (PTB skips post_stop when post_init failed): close the port."""
    s: Services = app.bot_data["gardbot"]
    if s.health is not None:
        await s.health.stop()
