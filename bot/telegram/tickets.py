"""Questions for human staff: opening tickets, the staff chat's commands, relaying answers.

Tickets and the messages about them go through the store in one transaction each (a ticket is
never stored without its staff-chat message queued, an answer never recorded without its
relay queued); the outbox worker delivers them, also after a restart.
"""

from __future__ import annotations

import logging
import re
import secrets

from telegram import Chat, Message, Update, User
from telegram.constants import ChatType

from bot.delivery.message import Button, Rendered
from bot.delivery.outbox import reply_rendered
from bot.ops.crash import crash_point
from bot.telegram import texts
from bot.telegram.render import (
    callback,
    fill,
    render_pending,
    render_staff_answer,
    render_ticket,
    when,
)
from bot.telegram.render import render_ticket_details as details
from bot.telegram.state import BotContext, Services, Turn
from store import OutboxItem, OutboxMessage, Ticket, TicketNotFound, TicketStateError

log = logging.getLogger(__name__)
ANSWER_COMMAND = re.compile(r"^/\w+(?:@\w+)?\s+#?(\d+)\s+(\S.*)$", re.DOTALL)
# The head of a ticket's staff-chat message (texts.TICKET as Telegram shows it, markup gone).
TICKET_HEAD = re.compile(r"^📨 Question #(\d+) from ")
MAX_TICKET = 2**63 - 1  # SQLite's largest integer: a bigger "number" is a typo, not a ticket


def dedupe_key(n: int, what: str, part: int = 0) -> str:
    return f"ticket:{n}:{what}" + (f":{part + 1}" if part else "")


def outbox_items(
    kind: str, chat_id: int, n: int, rendered: Rendered, user_id: int | None
) -> list[OutboxItem]:
    """One item per part; keys ticket:N:staff (the staff copy) or ticket:N:answer, then :2, :3."""
    what = "staff" if kind == "ticket" else kind
    return [
        OutboxItem(kind, chat_id, {**payload, "ticket": n}, dedupe_key(n, what, i), user_id, rendered.about)
        for i, payload in enumerate(rendered.payloads())
    ]


# --------------------------------------------------------------------------- tickets


def queue_for_staff(s: Services, ticket: Ticket) -> None:
    """Queue the staff chat's copy of a ticket (a no-op if it was queued before)."""
    if s.staff_chat_id is None:
        log.warning("ticket #%d stored, but no staff chat is configured to send it to", ticket.n)
        return
    for item in outbox_items("ticket", s.staff_chat_id, ticket.n, render_ticket(ticket), ticket.user_id):
        s.store.enqueue(
            item.kind, item.chat_id, item.payload, item.dedupe_key, user_id=item.user_id, about=item.about
        )


def open_ticket(s: Services, user: User, chat: Chat, turn: Turn) -> Ticket:
    """Store the question and queue it for staff, atomically; the number is committed on return
    unless the caller holds a transaction."""
    with s.store.transaction():
        ticket = s.store.create_ticket(
            user.id,
            chat.id,
            user.first_name,
            turn.question,
            turn.disease,
            turn.candidates,
            asker_names=tuple(n for n in (user.first_name, user.last_name, user.username) if n),
            ask=turn.ask,
        )
        queue_for_staff(s, ticket)
    return ticket


HELD = "held:{}"  # settings row: how many questions of a user over the open-ticket cap wait to be told


def hold_back(s: Services, user: User) -> None:
    """Count a question refused for the open-ticket cap; staff hear of all of a user's in one
    line (`report_held_back`), not one message each."""
    name = HELD.format(user.id)
    with s.store.transaction():
        s.store.set_setting(name, str(int(s.store.get_setting(name) or 0) + 1))


def report_held_back(s: Services) -> int:
    """One staff-chat line per user whose questions were held back since the last report."""
    reported = 0
    if s.staff_chat_id is None:
        return 0
    for name, value in s.store.settings_like("held:"):
        user_id, count = int(name.split(":", 1)[1]), int(value)
        with s.store.transaction():
            s.store.delete_setting(name)
            open_tickets = [t for t in s.store.list_tickets("open") if t.user_id == user_id]
            if count <= 0 or not open_tickets:
                continue
            text = fill(
                texts.HELD_BACK,
                count=count,
                questions="question" if count == 1 else "questions",
                were="was" if count == 1 else "were",
                first_name=open_tickets[0].first_name,
                open=len(open_tickets),
                numbers=", ".join(f"#{t.n}" for t in open_tickets),
            )
            key = f"held:{user_id}:{secrets.token_hex(6)}"
            s.store.enqueue("notice", s.staff_chat_id, {"text": text}, key, about=(user_id,))
            reported += 1
    if reported:
        s.wake_outbox()
    return reported


def requeue_open_tickets(s: Services) -> int:
    """At start-up: make sure every open ticket not yet in the staff chat is queued (enqueue
    dedupes, so tickets already waiting in the outbox are not doubled); returns how many."""
    unsent = [t for t in s.store.list_tickets("open") if t.staff_message_id is None]
    for ticket in unsent:
        queue_for_staff(s, ticket)
    return len(unsent)


def after_sent(s: Services, message: OutboxMessage, telegram_message_id: int) -> None:
    """Outbox hook: remember which staff-chat message stands for which ticket."""
    if message.kind == "ticket":
        s.store.set_ticket_staff_message(int(message.payload["ticket"]), message.chat_id, telegram_message_id)


def after_dead(s: Services, message: OutboxMessage, error: str) -> None:
    """Outbox hook: tell staff when an answer could not be delivered."""
    if message.kind == "answer" and s.staff_chat_id is not None:
        n = int(message.payload["ticket"])
        s.store.enqueue(
            "notice",
            s.staff_chat_id,
            {"text": fill(texts.UNDELIVERABLE, n=n, error=error[:200])},
            dedupe_key(n, "undeliverable"),
        )


# --------------------------------------------------------------------------- staff side


def is_staff(s: Services, update: Update) -> bool:
    """In the staff chat, or a staff member (staff_user_ids) in a private chat with the bot:
    never in other groups, where ticket details would be public."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    if s.staff_chat_id is not None and chat.id == s.staff_chat_id:
        return True
    return chat.type == ChatType.PRIVATE and user.id in s.config.telegram.staff_user_ids


async def staff_only(update: Update, context: BotContext) -> Services | None:
    """The services if the sender is staff; otherwise a polite refusal and None."""
    s = context.services
    if is_staff(s, update):
        return s
    if update.effective_message is not None:
        await say(update.effective_message, texts.STAFF_ONLY)
    return None


async def say(message: Message, html_text: str) -> None:
    await reply_rendered(message, Rendered([html_text]))


def small_number(text: str) -> int | None:
    """A ticket number typed by staff, or None if it is not one (not digits, or out of range:
    the caller then shows the usage message instead of failing)."""
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    n = int(text)
    return n if n <= MAX_TICKET else None


def ticket_number(context: BotContext) -> int | None:
    return small_number((context.args or [""])[0].lstrip("#"))


async def pending(update: Update, context: BotContext) -> None:
    """/pending: list open tickets."""
    if (s := await staff_only(update, context)) and update.effective_message:
        await reply_rendered(update.effective_message, render_pending(s.store.list_tickets("open")))


async def show_ticket(update: Update, context: BotContext) -> None:
    """/ticket N: one ticket in full."""
    if not (s := await staff_only(update, context)) or not update.effective_message:
        return
    n = ticket_number(context)
    ticket = s.store.get_ticket(n) if n is not None else None
    if ticket is None:
        await say(update.effective_message, _missing(n, "ticket"))
        return
    await reply_rendered(update.effective_message, details(ticket, s.store.get_published(ticket.n)))


async def close(update: Update, context: BotContext) -> None:
    """/close N: close a ticket without an answer."""
    if not (s := await staff_only(update, context)) or not update.effective_message:
        return
    n = ticket_number(context)
    try:
        ticket = s.store.close_ticket(n) if n is not None else None
    except TicketNotFound:
        ticket = None
    text = fill(texts.CLOSED, n=n) if ticket is not None else _missing(n, "close")
    await say(update.effective_message, text)


async def answer(update: Update, context: BotContext) -> None:
    """/answer N TEXT: answer a ticket."""
    if not (s := await staff_only(update, context)) or not update.effective_message:
        return
    match = ANSWER_COMMAND.match(update.effective_message.text or "")
    n = small_number(match.group(1)) if match else None
    if match is None or n is None:
        await say(update.effective_message, texts.ANSWER_USAGE)
        return
    await relay(s, update, n, match.group(2).strip())


async def staff_reply(update: Update, context: BotContext) -> None:
    """A reply in the staff chat to one of the bot's messages: the answer to that ticket."""
    s, message = context.services, update.effective_message
    if message is None or message.reply_to_message is None or not message.text:
        return
    replied = message.reply_to_message
    ticket = s.store.find_ticket_by_staff_message(message.chat_id, replied.message_id)
    if ticket is None and (head := TICKET_HEAD.match(replied.text or "")):
        # A copy the outbox sent but never recorded (the process died between Telegram's
        # answer and the bookkeeping, so the ticket went out twice): its text names the ticket.
        n = small_number(head.group(1))
        ticket = s.store.get_ticket(n) if n is not None else None
    if ticket is None:
        await say(message, texts.NOT_A_TICKET)
        return
    await relay(s, update, ticket.n, message.text.strip())


async def relay(s: Services, update: Update, n: int, text: str) -> None:
    """Record the answer and queue it for the asker, atomically; confirm to staff."""
    message, staff = update.effective_message, update.effective_user
    assert message is not None and staff is not None
    ticket = s.store.get_ticket(n)
    refusal = _cannot_answer(ticket, n)
    if ticket is not None and _replayed(ticket, staff.id, text):
        refusal = None  # this very update, handled again after a crash: confirm, queue nothing
    elif refusal is None and ticket is not None and ticket.chat_id is not None:
        rendered = render_staff_answer(ticket, text, s.role)
        items = outbox_items("answer", ticket.chat_id, n, rendered, ticket.user_id)
        try:
            ticket = s.store.answer_ticket(n, text, staff.id, staff.full_name, outbox=items)
        except TicketStateError as exc:  # answered or closed meanwhile
            refusal = _cannot_answer(exc.ticket, n)
        except TicketNotFound:
            refusal = _missing(n, "ticket")
    if refusal is not None:
        await say(message, refusal)
        return
    crash_point("after_staff_reply")
    s.wake_outbox()
    assert ticket is not None
    confirmation = fill(texts.ANSWER_QUEUED, n=n, first_name=ticket.first_name)
    publish = [[Button(texts.BUTTON_PUBLISH, callback("publish", n))]]
    about = (ticket.user_id,) if ticket.user_id is not None else ()
    await reply_rendered(message, Rendered([confirmation], publish, about))


def _replayed(ticket: Ticket, staff_id: int, text: str) -> bool:
    """The ticket already holds exactly this answer from this staff member."""
    return ticket.status == "answered" and ticket.staff_user_id == staff_id and ticket.answer_text == text


def _cannot_answer(ticket: Ticket | None, n: int) -> str | None:
    if ticket is None:
        return _missing(n, "ticket")
    if ticket.redacted:
        return fill(texts.TICKET_FORGOTTEN, n=n)
    if ticket.status == "answered":
        return fill(
            texts.ALREADY_ANSWERED, n=n, staff_name=ticket.staff_name or "?", when=when(ticket.answered_at)
        )
    if ticket.status == "closed":
        return fill(texts.ALREADY_CLOSED, n=n)
    return None


def _missing(n: int | None, command: str) -> str:
    return fill(texts.NO_TICKET, n=n) if n is not None else fill(texts.NUMBER_USAGE, command=command)
