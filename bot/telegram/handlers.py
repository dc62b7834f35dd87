"""The Telegram frontend: user handlers, all wiring (`build_application`) and `run_telegram`.

Handlers stay thin: the engine answers (answers/), bot.render turns replies into Telegram HTML,
the store remembers, and the outbox worker (bot.outbox) delivers every message, so each one
survives a restart and is retried. Updates come through the durable inbox (bot.inbox): recorded
before Telegram is told they arrived, handled per chat in order, different chats at once.
Staff commands live in bot.telegram_tickets; fixed wording in bot.telegram_texts.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import os
import re
import sqlite3
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from answers.engine import MORE, Engine
from answers.messages import section_label
from answers.reply import Reply, ReplyKind
from bot import staff_delivery
from bot import telegram_publish as publishing
from bot import telegram_texts as texts
from bot import telegram_tickets as staff
from bot.config import Config
from bot.crash import crash_point
from bot.flood import SharedRateLimiter
from bot.health import HealthChecks, HealthServer, HealthServerError
from bot.inbox import Dispatcher, InboxQueue
from bot.metrics import CountingRequest, Metrics
from bot.outbox import OutboxWorker, ack, queue_edit, reply_rendered, send_rendered
from bot.render import Button, Rendered, callback, fill, render_reply
from bot.replicas import Housekeeping, PollingLeader, PublishedSync, wait_to_poll
from bot.retention import Retention, privacy_text, retention_periods
from bot.telegram_state import (
    BotContext,
    RateLimiter,
    Services,
    TelegramConversations,
    Turn,
    Turns,
    chat_key,
    services_of,
)
from corpus.published import warm_up as warm_up_published
from store import Store

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
OUTCOMES = {
    ReplyKind.ANSWER: "answer",
    ReplyKind.ABSTAIN: "abstain",
    ReplyKind.CHOOSE: "choose",
    ReplyKind.SMALLTALK: "smalltalk",
    ReplyKind.INVALID: "refused",
}
GET_UPDATES_POOL = 1  # connections for getUpdates and for everything else, as PTB's defaults
REQUEST_POOL = 256
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
PENDING_AT_START_SECONDS = 60.0  # how long start-up waits for the last process's backlog
ASK_COMMAND = re.compile(r"^/\w+(?:@\w+)?\s*", re.DOTALL)


# --------------------------------------------------------------------------- helpers


def turns_of(update: Update, s: Services) -> Turns:
    assert update.effective_chat is not None and update.effective_user is not None
    key = chat_key(update.effective_chat, update.effective_user)
    return Turns(s.store, key, update.effective_user.id)


def key_of(update: Update) -> str:
    assert update.effective_chat is not None and update.effective_user is not None
    return chat_key(update.effective_chat, update.effective_user)


def addressed(message: Message, bot_id: int, username: str) -> bool:
    """In groups, answer only when mentioned or replied to."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return True
    mentions = message.parse_entities([MessageEntity.MENTION]).values()
    return any(m.lower() == f"@{username}".lower() for m in mentions)


def without_mention(text: str, username: str) -> str:
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()


def candidates_of(reply: Reply) -> list[dict[str, str]]:
    return [{"title": c.title, "url": c.url, "section": c.section} for c in reply.candidates]


def remember(update: Update, s: Services, question: str, reply: Reply) -> str:
    """Store what the reply's buttons need; returns the turn id they carry."""
    turn = Turn(
        question,
        reply.disease,
        candidates_of(reply),
        passages=[e.citation.passage_id for e in reply.excerpts],
        choices=[c.doc_id for c in reply.choices],
    )
    return turns_of(update, s).add(turn)


async def html(message: Message, text: str, buttons: list[list[Button]] | None = None) -> None:
    await reply_rendered(message, Rendered([text], buttons or []))


async def typing(update: Update) -> None:
    """Show "typing…" while the engine works; failing to is not worth an error."""
    if update.effective_chat is not None:
        with contextlib.suppress(TelegramError):
            await update.effective_chat.send_action(ChatAction.TYPING)


async def think(update: Update, s: Services, work: Callable[..., Reply], *args: Any) -> Reply:
    """Run the engine in a thread; show "typing…" only if it takes over s.typing_after seconds.

    A chat action counts against the same flood budget as an answer, so sending one before
    every fast answer used to halve how many answers a second the bot could send.
    """
    task = asyncio.get_running_loop().run_in_executor(s.engine_thread, partial(work, *args))
    done, _ = await asyncio.wait({task}, timeout=s.typing_after)
    if not done:
        await typing(update)
    return await task


async def admit(update: Update, s: Services, text: str) -> bool:
    """Length check (the rate limit is `gate`'s, for every update); refusals are polite and
    logged."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    limit = s.config.telegram.max_message_chars
    if len(text) > limit:
        s.store.log_question(user.id, message.chat_id, text[:limit], None, "refused")
        count_reply(s, "refused")
        url = s.config.telegram.submission_url
        await html(message, fill(texts.TOO_LONG, length=len(text), limit=limit, submission_url=url))
        return False
    return True


def outcome_of(reply: Reply) -> str:
    """The metrics outcome of an engine reply: the question log's, or no_page."""
    return "no_page" if reply.reason == "no_page" else OUTCOMES[reply.kind]


def count_reply(s: Services, outcome: str, started: float | None = None) -> None:
    if s.metrics is not None:
        seconds = None if started is None else time.perf_counter() - started
        s.metrics.answered(outcome, seconds)


async def answer_with(update: Update, s: Services, question: str, reply: Reply, started: float) -> None:
    """Send an engine reply as a new message, with buttons that point at a stored turn; count it
    by outcome, with the time since `started` (perf_counter) as its latency."""
    assert update.effective_chat is not None
    turn = remember(update, s, question, reply) if reply.kind is not ReplyKind.SMALLTALK else "-"
    rendered = render_reply(reply, turn)
    if update.callback_query is None and update.effective_message is not None:
        await reply_rendered(update.effective_message, rendered)
    else:
        await send_rendered(update.get_bot(), update.effective_chat.id, rendered)
    count_reply(s, outcome_of(reply), started)


# --------------------------------------------------------------------------- commands


async def start(update: Update, context: BotContext) -> None:
    """/start: what the bot is, where answers come from, privacy."""
    if update.effective_message:
        await html(update.effective_message, fill(texts.START, role=context.services.role))


async def help_command(update: Update, context: BotContext) -> None:
    """/help: how to use the bot."""
    if update.effective_message:
        text = fill(texts.HELP, role=context.services.role, username=context.bot.username)
        await html(update.effective_message, text)


async def about(update: Update, context: BotContext) -> None:
    """/about: sources and their licences."""
    if update.effective_message:
        await html(update.effective_message, texts.ABOUT)


async def privacy(update: Update, context: BotContext) -> None:
    """/privacy: what is stored and for how long (the configured periods, bot.retention)."""
    if update.effective_message:
        await html(update.effective_message, privacy_text(context.services.config))


async def forget(update: Update, context: BotContext) -> None:
    """/forget: delete everything stored about the user."""
    s, user, message = context.services, update.effective_user, update.effective_message
    if user is None or message is None:
        return
    tickets = s.store.tickets_of(user.id)
    counts = s.store.forget_user(user.id, withdraw_in=s.staff_chat_id, withdrawn_text=texts.WITHDRAWN)
    for n in tickets:  # answers published from their questions are withdrawn at once
        s.engine.unpublish(n)
    s.engine.forget(key_of(update))
    s.wake_outbox()  # the staff-chat copies' edits to "[withdrawn by the asker]"
    log.info("forgot a user: %s", counts)
    await html(message, texts.FORGOTTEN)


async def ask(update: Update, context: BotContext) -> None:
    """/ask TEXT: offer to send TEXT to a specialist."""
    s, message = context.services, update.effective_message
    if message is None or update.effective_user is None:
        return
    question = ASK_COMMAND.sub("", message.text or "", count=1).strip()
    if not question:
        await html(message, texts.ASK_USAGE)
        return
    if not await admit(update, s, question):
        return
    result = await asyncio.get_running_loop().run_in_executor(s.engine_thread, s.engine.search, question, 10)
    seen: dict[str, dict[str, str]] = {}
    for ranked in result.results:
        p = ranked.passage
        seen.setdefault(p.doc_id, {"title": p.title, "url": p.url, "section": section_label(p.qtype)})
    disease = s.engine.searcher.title(result.disease.doc_id) if result.disease else None
    turn = Turn(question, disease, list(seen.values())[:3])
    await confirm_ask(update, s, turns_of(update, s).add(turn), question)


async def confirm_ask(update: Update, s: Services, turn: str, question: str) -> None:
    """Show exactly what will be sent, with Send / Cancel."""
    assert update.effective_chat is not None and update.effective_user is not None
    text = fill(
        texts.CONFIRM_ASK,
        role=s.role,
        question=question,
        first_name=update.effective_user.first_name,
        submission_url=s.config.telegram.submission_url,
    )
    buttons = [
        [
            Button(texts.BUTTON_CONFIRM, callback("ok", turn)),
            Button(texts.BUTTON_CANCEL, callback("no", turn)),
        ]
    ]
    await send_rendered(update.get_bot(), update.effective_chat.id, Rendered([text], buttons))


# --------------------------------------------------------------------------- questions


async def on_text(update: Update, context: BotContext) -> None:
    """A text message: a question for the engine (staff replies to tickets are routed apart)."""
    started = time.perf_counter()
    s, message, user = context.services, update.effective_message, update.effective_user
    if message is None or user is None or not message.text:
        return
    bot = context.bot
    if not addressed(message, bot.id, bot.username):
        return
    text = without_mention(message.text, bot.username)
    if not await admit(update, s, text):
        return
    reply = await think(update, s, s.engine.reply, key_of(update), text)
    question = text
    if MORE.match(text) and (last := turns_of(update, s).latest()):
        question = last.question  # "more" continues the last question
    else:
        s.store.log_question(user.id, message.chat_id, text, reply.disease, OUTCOMES[reply.kind])
    await answer_with(update, s, question, reply, started)


async def edited(update: Update, context: BotContext) -> None:
    """An edited message is not a new question: say so where the bot is talked to directly
    (a private chat, the staff chat), stay quiet in other groups, and handle it no further."""
    s, message = context.services, update.edited_message
    if message is not None and (message.chat.type == ChatType.PRIVATE or message.chat_id == s.staff_chat_id):
        await reply_rendered(message, Rendered([texts.EDITED]))
    raise ApplicationHandlerStop


async def gate(update: Update, context: BotContext) -> None:
    """Before any handler, for every update: one from the staff chat shows the chat works again,
    so ticket copies it never got are sent now (bot.staff_delivery); every other update a user
    causes (a question, a command, a button press, an edit) counts against their rate limit, so
    a flood of presses or commands costs at most the limit in replies and engine work. Group
    messages not meant for the bot are not counted: nothing is stored about their senders."""
    s, chat, user = context.services, update.effective_chat, update.effective_user
    if chat is not None and chat.id == s.staff_chat_id and s.staff_delivery is not None:
        s.staff_delivery.poke()
    if user is None or chat is None or staff.is_staff(s, update):
        return
    message = update.effective_message
    if update.callback_query is None and message is not None and chat.type != ChatType.PRIVATE:
        bot = context.bot
        if not (message.text or "").startswith("/") and not addressed(message, bot.id, bot.username):
            return
    verdict = s.limiter.check(user.id)
    if verdict == "ok":
        return
    if update.callback_query is not None:  # stop the spinner; the alert once
        await ack(update.callback_query, texts.RATE_LIMITED if verdict == "warn" else None, verdict == "warn")
    elif verdict == "warn" and message is not None:
        await html(message, texts.RATE_LIMITED)
    log.info("rate limit: update %s from a user over the limit (%s)", update.update_id, verdict)
    raise ApplicationHandlerStop


async def not_text(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice... in a private chat: ask for text."""
    if update.effective_message:
        await html(update.effective_message, texts.NOT_TEXT)


# --------------------------------------------------------------------------- buttons


ButtonHandler = Callable[[Update, Services, CallbackQuery, str, Turn, list[str]], Awaitable[None]]


def button(handler: ButtonHandler) -> Callable[[Update, BotContext], Awaitable[None]]:
    """A callback-query handler for one kind of button: its callback data is
    ``action:turn:args...`` (bot.render.callback); the turn is loaded from the chat's stored
    turns, and a button whose turn is gone (too old, /forget) gets a polite alert."""

    async def handle(update: Update, context: BotContext) -> None:
        query = update.callback_query
        if query is None or update.effective_user is None:
            return
        _, _, rest = (query.data or "").partition(":")
        turn_id, *args = rest.split(":")
        turn = turns_of(update, context.services).get(turn_id) if update.effective_chat else None
        if turn is None:
            await ack(query, texts.BUTTON_EXPIRED, show_alert=True)
            return
        await handler(update, context.services, query, turn_id, turn, args)

    handle.__doc__ = handler.__doc__
    handle.__name__ = handler.__name__
    return handle


async def expired_button(update: Update, context: BotContext) -> None:
    """Any other button (a layout older versions sent, or junk data): it no longer works."""
    if update.callback_query is not None:
        await ack(update.callback_query, texts.BUTTON_EXPIRED, show_alert=True)


async def drop_buttons(query: CallbackQuery, action: str) -> None:
    """Remove the pressed kind of button from the message, keeping the others."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    rows = [
        [b for b in row if not str(b.callback_data or "").startswith(f"{action}:")]
        for row in message.reply_markup.inline_keyboard
    ]
    rows = [row for row in rows if row]
    with contextlib.suppress(TelegramError):  # "not modified", too old, or Telegram trouble
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows) if rows else None)


async def more_button(
    update: Update, s: Services, query: CallbackQuery, turn_id: str, turn: Turn, args: list[str]
) -> None:
    """More: further excerpts of the same page."""
    started = time.perf_counter()
    await ack(query)
    await drop_buttons(query, "more")
    reply = await think(update, s, s.engine.more, key_of(update))
    await answer_with(update, s, turn.question, reply, started)


async def choose_button(
    update: Update, s: Services, query: CallbackQuery, turn_id: str, turn: Turn, args: list[str]
) -> None:
    """One of the offered conditions was picked."""
    started = time.perf_counter()
    choices = turn.choices
    index = int(args[0]) if args and args[0].isdigit() else -1
    if not 0 <= index < len(choices):
        await ack(query, texts.BUTTON_EXPIRED, show_alert=True)
        return
    await ack(query)
    await drop_buttons(query, "c")
    reply = await think(update, s, s.engine.choose, key_of(update), choices[index])
    await answer_with(update, s, turn.question, reply, started)


async def feedback_button(
    update: Update, s: Services, query: CallbackQuery, turn_id: str, turn: Turn, args: list[str]
) -> None:
    """👍 / 👎 on an answer; after 👎, offer a specialist."""
    assert update.effective_user is not None and update.effective_chat is not None
    helpful = args[:1] == ["1"]
    if turn.helpful is None:
        s.store.add_feedback(
            update.effective_user.id, update.effective_chat.id, turn.passages, turn.question, helpful
        )
        turns_of(update, s).update(turn_id, helpful=helpful)
    await ack(query, texts.FEEDBACK_THANKS)
    await drop_buttons(query, "fb")
    if not helpful and turn.ticket is None:
        text = fill(texts.NOT_HELPFUL, role=s.role)
        buttons = [[Button(texts.BUTTON_ASK, callback("ask", turn_id))]]
        await send_rendered(update.get_bot(), update.effective_chat.id, Rendered([text], buttons))


async def ask_button(
    update: Update, s: Services, query: CallbackQuery, turn_id: str, turn: Turn, args: list[str]
) -> None:
    """Ask a specialist: show what would be sent."""
    if turn.ticket is not None:
        await ack(query, texts.ALREADY_SENT.format(n=turn.ticket), show_alert=True)
        return
    await ack(query)
    await confirm_ask(update, s, turn_id, turn.question)


async def confirm_button(
    update: Update, s: Services, query: CallbackQuery, turn_id: str, turn: Turn, args: list[str]
) -> None:
    """Send: in one transaction, the ticket, its message for staff, the edit telling the user its
    number, and the inbox's note that this press is handled; so a crash at any point leaves
    either all of it or none (and the press, still pending, is handled again)."""
    assert update.effective_user is not None and update.effective_chat is not None
    await ack(query)
    turns = turns_of(update, s)
    message = query.message
    created = False
    user = update.effective_user
    cap = s.config.privacy.max_open_tickets
    if turn.ticket is None and len(s.store.tickets_of(user.id, "open")) >= cap:
        staff.hold_back(s, user)  # staff get one line about all held back, not each of them
        url = s.config.telegram.submission_url
        text = fill(texts.TOO_MANY_OPEN, count=cap, role=s.role, submission_url=url)
        if not (isinstance(message, Message) and queue_edit(message.chat_id, message.message_id, text)):
            await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=None)
        return
    with s.store.transaction():
        turn = turns.get(turn_id) or turn
        if turn.ticket is None:
            ticket = staff.open_ticket(s, update.effective_user, update.effective_chat, turn)
            turn, created = turns.update(turn_id, ticket=ticket.n) or replace(turn, ticket=ticket.n), True
        text = fill(texts.TICKET_CREATED, n=turn.ticket, role=s.role, question=turn.question)
        queued = isinstance(message, Message) and queue_edit(message.chat_id, message.message_id, text)
        if queued:
            s.store.inbox_done(update.update_id)
    if created and s.metrics is not None:  # counted once committed
        s.metrics.ticket_created()
    crash_point("after_send")
    s.wake_outbox()
    if not queued:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=None)


async def cancel_button(
    update: Update, s: Services, query: CallbackQuery, turn_id: str, turn: Turn, args: list[str]
) -> None:
    """Cancel: nothing is sent."""
    await ack(query)
    if turn.ticket is not None:
        return
    message = query.message
    if not (
        isinstance(message, Message) and queue_edit(message.chat_id, message.message_id, texts.ASK_CANCELLED)
    ):
        await query.edit_message_text(texts.ASK_CANCELLED, parse_mode=ParseMode.HTML)


# --------------------------------------------------------------------------- errors, lifecycle


async def on_error(update: object, context: BotContext) -> None:
    """Log the error with its context; tell the user only that something went wrong."""
    where = "no update"
    if isinstance(update, Update):
        chat = update.effective_chat.id if update.effective_chat else None
        where = f"update {update.update_id} in chat {chat}"
    s = context.services
    if isinstance(update, Update) and transient(context.error) and s.dispatcher is not None:
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
    if s.standby:  # polling on a shared database: wait for the other replicas' poller to stop
        await wait_to_poll(s.store)
        s.leader = PollingLeader(s.store, app.stop_running)
    if released := s.store.release_leases():
        log.info("%d outbox messages were in flight when the last process ended; sending them now", released)
    if s.retention is not None:  # what is past its period (config privacy), inbox ids included
        s.retention.run_once()
    try:
        await app.bot.set_my_commands(USER_COMMANDS)
        if s.staff_chat_id is not None:
            scope = BotCommandScopeChat(s.staff_chat_id)
            await app.bot.set_my_commands(USER_COMMANDS + STAFF_COMMANDS, scope=scope)
    except TelegramError as exc:  # a menu is not worth refusing to start
        log.warning("could not set the command menus (is the bot in the staff chat?): %s", exc)
    if s.staff_chat_id is None:
        log.warning("no staff chat configured (GARDBOT_STAFF_CHAT_ID): tickets wait in /pending")
    assert s.worker is not None and s.dispatcher is not None
    s.worker.start()
    # The de-identifier's word lists, loaded in a thread meanwhile (publishing needs them).
    asyncio.get_running_loop().run_in_executor(None, warm_up_deidentifier)
    if requeued := staff.requeue_open_tickets(s):
        log.info("%d open tickets are not in the staff chat yet; they are queued", requeued)
    if s.staff_delivery is not None:  # copies that failed for good before: the cause may be fixed
        s.staff_delivery.redeliver("start-up")
    if pending := s.dispatcher.replay_pending():
        log.info("%d updates recorded by the last process were not finished; handling them now", pending)
        if not await s.dispatcher.wait_idle(PENDING_AT_START_SECONDS):
            log.warning("the last process's updates are still being handled; taking new ones as well")
    if s.housekeeping is not None:
        s.housekeeping.start()
    if s.retention is not None:
        s.retention.start()
    if s.staff_delivery is not None:
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
    if s.dispatcher is not None:
        await s.dispatcher.stop()
    if s.worker is not None:
        await s.worker.stop()
    await stop_health(app)


async def stop_health(app: Application) -> None:
    """post_stop and post_shutdown (PTB skips post_stop when post_init failed): close the port."""
    s: Services = app.bot_data["gardbot"]
    if s.health is not None:
        await s.health.stop()


def build_application(
    config: Config,
    engine: Engine,
    store: Store,
    *,
    builder: ApplicationBuilder | None = None,
    outbox_interval: float = 2.0,
    clock: Callable[[], float] = time.time,
) -> Application:
    """The whole bot as a PTB Application: handlers, error handler, outbox worker hooks.

    `builder` defaults to one for config.telegram (token, base_url); tests pass one pointed at
    a fake Bot API. The outbox worker starts in post_init and stops in post_stop, as
    run_polling/run_webhook call them; so does the /healthz and /metrics server when
    telegram.health_port is set (bot.health). The metrics (bot.metrics) are kept in any case, in
    a registry of this application's own.
    """
    settings = config.telegram
    if builder is None:
        file_url = re.sub(r"/bot$", "/file/bot", settings.base_url)
        builder = ApplicationBuilder().token(settings.token).base_url(settings.base_url)
        builder = builder.base_file_url(file_url)
    # Telegram's flood limits (30 messages/s, 20 per minute in a group), shared by every replica
    # (bot.flood). No retries in the limiter: a 429 would pause every chat while it waits; the
    # outbox reschedules that one message instead. The inbox queue records each update before
    # Telegram is told it arrived.
    inbox = InboxQueue()
    metrics = Metrics(store, clock)
    builder = builder.rate_limiter(SharedRateLimiter.from_settings(settings, store)).update_queue(inbox)
    builder = builder.request(CountingRequest(metrics.api_error, connection_pool_size=REQUEST_POOL))
    builder = builder.get_updates_request(
        CountingRequest(metrics.api_error, connection_pool_size=GET_UPDATES_POOL)
    )
    builder = builder.context_types(ContextTypes(context=BotContext))
    app = builder.post_init(on_startup).post_stop(on_stop).post_shutdown(stop_health).build()

    limiter = RateLimiter(store, settings.rate_limit_messages, settings.rate_limit_seconds, clock)
    s = Services(config, engine, store, limiter, metrics=metrics)
    if settings.health_port:
        checks = HealthChecks(engine, store, settings.outbox_stuck_seconds, clock)
        s.health = HealthServer(settings.health_listen, settings.health_port, checks, metrics)
    s.worker = OutboxWorker(
        app.bot,
        store,
        interval=outbox_interval,
        on_sent=partial(staff.after_sent, s),
        on_dead=partial(staff.after_dead, s),
        on_migrated=partial(staff_delivery.on_migrated, s),
        clock=clock,
    )
    s.staff_delivery = staff_delivery.StaffDelivery(s, clock=clock)
    s.dispatcher = Dispatcher(app, store, wake_outbox=s.wake_outbox)
    minutes = config.privacy.retention_minutes
    s.retention = Retention(
        store,
        retention_periods(config),
        interval=minutes * 60,
        staff_chat=lambda: s.staff_chat_id,  # its copies keep their ids for /forget
        clock=clock,
    )
    inbox.sink = s.dispatcher.receive
    if store.shared:
        s.housekeeping = Housekeeping(
            store,
            PublishedSync(engine, store),
            adopt=s.dispatcher.replay_pending,
            wake_outbox=s.wake_outbox,
            engine_thread=s.engine_thread,
            interval=settings.replica_sweep_seconds,
        )
    app.bot_data["gardbot"] = s

    add_routes(app, settings.staff_chat_id)
    return app


class RepliesToBot(filters.MessageFilter):
    """A reply to one of the bot's own messages (in the staff chat: a ticket's copy)."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return bool(replied and replied.from_user and replied.from_user.id == message.get_bot().id)


REPLIES_TO_BOT = RepliesToBot(name="RepliesToBot")
COMMANDS: dict[str, Callable[[Update, BotContext], Awaitable[None]]] = {
    "start": start,
    "help": help_command,
    "about": about,
    "privacy": privacy,
    "forget": forget,
    "ask": ask,
    # staff (each checks that the sender is staff)
    "pending": staff.pending,
    "ticket": staff.show_ticket,
    "answer": staff.answer,
    "close": staff.close,
    "publish": publishing.publish,
    "edit": publishing.edit,
    "unpublish": publishing.unpublish,
}
# Callback data is "action:turn:args" (bot.render.callback); one handler per action.
BUTTONS: dict[str, Callable[[Update, BotContext], Awaitable[None]]] = {
    r"^publish:\d+$": publishing.publish_button,
    r"^pubok:\d+$": publishing.confirm_button,
    r"^more:": button(more_button),
    r"^c:": button(choose_button),
    r"^fb:": button(feedback_button),
    r"^ask:": button(ask_button),
    r"^ok:": button(confirm_button),
    r"^no:": button(cancel_button),
}


def add_routes(app: Application, staff_chat_id: int | None) -> None:
    """Every route of the bot, in one place and in the order PTB tries them: edits are turned
    away first (group -1); then commands; in the staff chat, a reply to one of the bot's messages
    is the answer to that ticket; other text is a question; other messages in a private chat get
    a request for text; buttons go by their callback data's action, anything else has expired."""
    app.add_handler(TypeHandler(Update, gate), group=-2)
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, edited), group=-1)
    for name, command in COMMANDS.items():
        app.add_handler(CommandHandler(name, command))
    if staff_chat_id is not None:
        staff_filter = services_of(app).staff_filter = filters.Chat(staff_chat_id)
        staff_replies = staff_filter & filters.REPLY & REPLIES_TO_BOT
        app.add_handler(MessageHandler(staff_replies & filters.TEXT & ~filters.COMMAND, staff.staff_reply))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND, not_text))
    # PTB hands a press with empty data to the first patterned handler whatever its pattern,
    # so such a press is caught first (the callable is only asked about non-empty data).
    app.add_handler(CallbackQueryHandler(expired_button, pattern=lambda data: False))
    for pattern, handler in BUTTONS.items():
        app.add_handler(CallbackQueryHandler(handler, pattern=pattern))
    app.add_handler(CallbackQueryHandler(expired_button))
    app.add_error_handler(on_error)


# --------------------------------------------------------------------------- running


class RedactSecrets(logging.Filter):
    """Replace secrets (the bot token) in log records, tracebacks included."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<token>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.redact(record.getMessage()), None
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def quiet_http_logs(token: str) -> None:
    """httpx logs every request URL, and Bot API URLs contain the token."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for handler in root.handlers:
        handler.addFilter(RedactSecrets(token))


def webhook_secret(token: str) -> str:
    """A stable secret for Telegram's X-Telegram-Bot-Api-Secret-Token, derived from the token."""
    return hmac.new(token.encode(), b"gardbot-webhook", hashlib.sha256).hexdigest()


def run_telegram(config: Config, *, progress: bool = True) -> int:
    """`gardbot telegram`: run the bot until interrupted; 1 with a one-line reason on failure.
    `progress`: a progress bar while the index is built (not with JSON logs: it is no JSON)."""
    settings = config.telegram
    if not settings.token:
        print(
            "error: TELEGRAM_BOT_TOKEN is not set; create a bot with @BotFather and "
            "export TELEGRAM_BOT_TOKEN=<token>",
            file=sys.stderr,
        )
        return 1
    if settings.mode not in ("polling", "webhook"):
        print(f"error: telegram.mode must be polling or webhook, not {settings.mode!r}", file=sys.stderr)
        return 1
    if settings.mode == "webhook" and not settings.webhook_url.startswith("https://"):
        print("error: webhook mode needs GARDBOT_WEBHOOK_URL, an https:// address", file=sys.stderr)
        return 1
    if not 0 <= settings.health_port <= 65535:
        print(
            f"error: telegram.health_port must be 0 (off) to 65535, not {settings.health_port}",
            file=sys.stderr,
        )
        return 1
    if settings.outbox_stuck_seconds <= 0:
        print("error: telegram.outbox_stuck_seconds must be more than 0", file=sys.stderr)
        return 1
    if settings.mode == "webhook" and settings.health_port == settings.webhook_port:
        print(
            f"error: telegram.health_port and webhook_port are both {settings.health_port}; "
            "give /healthz a port of its own",
            file=sys.stderr,
        )
        return 1
    quiet_http_logs(settings.token)
    os.environ.setdefault("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after as a timedelta

    from bot.runtime import load_engine
    from store import open_store

    store = open_store(config.database_url)
    try:
        conversations = TelegramConversations(store)
        engine = load_engine(config, progress=progress, conversations=conversations, published_from=store)
        app = build_application(config, engine, store)
        if settings.mode == "webhook":
            app.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
                webhook_url=settings.webhook_url,
                secret_token=webhook_secret(settings.token),
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            services_of(app).standby = store.shared  # one replica polls; the others wait (on_startup)
            app.run_polling(allowed_updates=ALLOWED_UPDATES)
    except InvalidToken:
        print("error: Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather", file=sys.stderr)
        return 1
    except HealthServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except TelegramError as exc:
        reason = RedactSecrets(settings.token).redact(str(exc))
        print(f"error: could not talk to Telegram at {settings.base_url}: {reason}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0
