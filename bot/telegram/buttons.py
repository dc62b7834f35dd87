"""The Telegram frontend's button presses: more, choose, 👍 / 👎, ask a specialist, send, cancel.

Callback data is ``action:turn:args...`` (bot.telegram.render.callback); `button` loads the turn
the press refers to, so each handler gets the question it was about.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.delivery.message import Button, Rendered
from bot.delivery.outbox import ack, queue_edit, send_rendered
from bot.ops.crash import crash_point
from bot.telegram import texts
from bot.telegram import tickets as staff
from bot.telegram.handlers import answer_with, confirm_ask, key_of, think, turns_of
from bot.telegram.render import callback, fill
from bot.telegram.state import BotContext, Services, Turn

ButtonHandler = Callable[[Update, Services, CallbackQuery, str, Turn, list[str]], Awaitable[None]]


def button(handler: ButtonHandler) -> Callable[[Update, BotContext], Awaitable[None]]:
    """A callback-query handler for one kind of button: its callback data is
    ``action:turn:args...`` (bot.telegram.render.callback); the turn is loaded from the chat's stored
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
    if created:  # counted once committed
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
