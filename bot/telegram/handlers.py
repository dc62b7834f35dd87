"""The user-side handlers of the Telegram frontend: commands, questions, and the gate every
update passes first.

Handlers stay thin: the engine answers (answers/), bot.telegram.render turns replies into Telegram
HTML, the store remembers, and the outbox worker (bot.delivery.outbox) delivers every message, so
each one survives a restart and is retried. Button presses are in bot.telegram.buttons, staff
commands in bot.telegram.tickets, fixed wording in bot.telegram.texts; bot.telegram.app wires them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from answers.engine import MORE
from answers.messages import ask_phrase, section_label
from answers.reply import Reply, ReplyKind
from bot.delivery.message import Button, Rendered
from bot.delivery.outbox import ack, reply_rendered, send_rendered
from bot.telegram import texts
from bot.telegram import tickets as staff
from bot.telegram.render import callback, fill, render_reply
from bot.telegram.retention import privacy_text
from bot.telegram.state import BotContext, Services, Turn, Turns, chat_key

log = logging.getLogger("gardbot.telegram")

OUTCOMES = {
    ReplyKind.ANSWER: "answer",
    ReplyKind.ABSTAIN: "abstain",
    ReplyKind.CHOOSE: "choose",
    ReplyKind.SMALLTALK: "smalltalk",
    ReplyKind.INVALID: "refused",
}
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


def ask_of(reply: Reply) -> str | None:
    """What the question asked, in the bot's words ("whether it is contagious"), when it asked
    something specific; a ticket made from this reply shows it to staff."""
    ask = reply.ask
    if ask is None or not ask.specific:
        return None
    return ask_phrase(ask.attribute, ask.relation, ask.target)


def remember(update: Update, s: Services, question: str, reply: Reply) -> str:
    """Store what the reply's buttons need; returns the turn id they carry."""
    turn = Turn(
        question,
        reply.disease,
        candidates_of(reply),
        passages=[e.citation.passage_id for e in reply.excerpts],
        choices=[c.doc_id for c in reply.choices],
        ask=ask_of(reply),
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
    """/privacy: what is stored and for how long (the configured periods, bot.telegram.retention)."""
    if update.effective_message:
        await html(update.effective_message, privacy_text(context.services.config))


_FORGOTTEN_KINDS = {  # store.forget_user's keys, as a log line names them
    "tickets": "tickets redacted",
    "published": "published answers withdrawn",
    "drafts": "publish previews deleted",
    "feedback": "feedback votes deleted",
    "questions": "logged questions deleted",
    "conversations": "conversations deleted",
    "outbox": "queued messages deleted",
    "withdrawn": "staff-chat copies withdrawn",
}


def forgotten_sentence(counts: dict[str, int]) -> str:
    """What /forget removed, as words for the log ("2 tickets redacted, 5 logged questions
    deleted"), not a dict; kinds with nothing are left out."""
    parts = [f"{n} {_FORGOTTEN_KINDS.get(kind, kind)}" for kind, n in counts.items() if n]
    return ", ".join(parts) or "nothing was stored"


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
    log.info("forgot a user: %s", forgotten_sentence(counts))
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
    so ticket copies it never got are sent now (bot.telegram.staff_delivery); every other update a user
    causes (a question, a command, a button press, an edit) counts against their rate limit, so
    a flood of presses or commands costs at most the limit in replies and engine work. Group
    messages not meant for the bot are not counted: nothing is stored about their senders."""
    s, chat, user = context.services, update.effective_chat, update.effective_user
    if chat is not None and chat.id == s.staff_chat_id:
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
