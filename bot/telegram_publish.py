"""Publishing staff answers: /publish, /unpublish and the Publish button in the staff chat.

A published answer is stored de-identified (the asker's name and ids replaced, the greeting
dropped) and joins the engine's live index at once; on start-up the runtime loads them all
again. The staff member who publishes sees exactly the text users will get.
"""

from __future__ import annotations

import contextlib
import logging
import re

from telegram import Message, Update
from telegram.error import BadRequest

from bot import telegram_texts as texts
from bot.outbox import ack
from bot.render import fill, link
from bot.runtime import published_qa
from bot.telegram_state import BotContext, Services
from bot.telegram_tickets import is_staff, say, small_number, staff_only, ticket_number
from corpus.published import deidentify, strip_contacts
from store import Published, Ticket

log = logging.getLogger(__name__)
NO_DISEASE = {"none", "-", "no", "nothing"}
EDIT_COMMAND = re.compile(
    r"^/\w+(?:@\w+)?\s+#?(\d+)\s+(question|answer)\s+(\S.*)$", re.DOTALL | re.IGNORECASE
)


async def publish(update: Update, context: BotContext) -> None:
    """/publish N [DISEASE NAME | none]: the bot gives ticket N's answer from now on."""
    if not (s := await staff_only(update, context)) or not update.effective_message:
        return
    n = ticket_number(context)
    if n is None:
        await say(update.effective_message, fill(texts.NUMBER_USAGE, command="publish"))
        return
    name = " ".join((context.args or [])[1:]).strip() or None
    await say(update.effective_message, publish_ticket(s, n, name))


async def unpublish(update: Update, context: BotContext) -> None:
    """/unpublish N: withdraw a published answer."""
    if not (s := await staff_only(update, context)) or not update.effective_message:
        return
    n = ticket_number(context)
    if n is None:
        await say(update.effective_message, fill(texts.NUMBER_USAGE, command="unpublish"))
        return
    withdrawn = s.store.unpublish(n)
    s.engine.unpublish(n)
    await say(update.effective_message, fill(texts.UNPUBLISHED if withdrawn else texts.NOT_PUBLISHED, n=n))


async def publish_button(update: Update, context: BotContext) -> None:
    """The Publish button under a relayed answer's confirmation."""
    query, s = update.callback_query, context.services
    if query is None:
        return
    if not is_staff(s, update):
        await ack(query, texts.STAFF_ONLY, show_alert=True)
        return
    await ack(query)
    n = small_number((query.data or "").partition(":")[2])
    if n is not None and isinstance(query.message, Message):
        with contextlib.suppress(BadRequest):  # "not modified", or the message is too old
            await query.edit_message_reply_markup(None)
        await say(query.message, publish_ticket(s, n, None))


def publish_ticket(s: Services, n: int, name: str | None) -> str:
    """Publish ticket N's Q&A under the disease staff named (or the detected one); the HTML
    reply for staff: what users will see, or why nothing was published."""
    ticket = s.store.get_ticket(n)
    if ticket is None:
        return fill(texts.NO_TICKET, n=n)
    if ticket.redacted:
        return fill(texts.TICKET_FORGOTTEN, n=n)
    if ticket.answer_text is None:
        return fill(texts.NOT_ANSWERED_YET, n=n)
    doc_id, disease = disease_for(s, ticket, name)
    previous = s.store.get_published(n)
    if previous is not None:  # keep the wording staff may have edited
        question, answer = previous.question, previous.answer
    else:
        identity = ([ticket.first_name], [ticket.user_id, ticket.chat_id])
        question = strip_contacts(deidentify(ticket.question, *identity))
        answer = deidentify(ticket.answer_text, *identity)
    changed = question != ticket.question.strip() or answer != ticket.answer_text.strip()
    record = s.store.publish(n, question, answer, disease, s.role, doc_id=doc_id)
    return put_live(s, record, texts.DEIDENTIFIED if changed and previous is None else "")


async def edit(update: Update, context: BotContext) -> None:
    """/edit N question|answer TEXT: reword a published Q&A, e.g. to leave out a name."""
    if not (s := await staff_only(update, context)) or not update.effective_message:
        return
    match = EDIT_COMMAND.match(update.effective_message.text or "")
    n = small_number(match.group(1)) if match else None
    if match is None or n is None:
        await say(update.effective_message, texts.EDIT_USAGE)
        return
    part, wording = match.group(2).lower(), match.group(3).strip()
    previous = s.store.get_published(n)
    if previous is None or not previous.active:
        await say(update.effective_message, fill(texts.EDIT_NOT_PUBLISHED, n=n))
        return
    question = wording if part == "question" else previous.question
    answer = wording if part == "answer" else previous.answer
    record = s.store.publish(n, question, answer, previous.disease, previous.role, doc_id=previous.doc_id)
    await say(update.effective_message, put_live(s, record, ""))


def put_live(s: Services, record: Published, note: str) -> str:
    """Give the engine the stored Q&A; the HTML confirmation showing what users will see."""
    passage = s.engine.publish(published_qa(record))
    log.info("ticket #%d published under %s", record.ticket_n, record.doc_id or record.disease or "none")
    if record.doc_id:
        where = texts.FILED_UNDER_PAGE.format(page=link(passage.title, passage.url))
    elif record.disease:
        where = fill(texts.FILED_UNDER_NAME, name=record.disease)
    else:
        where = texts.FILED_UNDER_NOTHING
    n = record.ticket_n
    preview = fill(texts.PUBLISHED, n=n, role=record.role, question=record.question, answer=record.answer)
    return "\n\n".join(part for part in (preview, where, note, fill(texts.PUBLISH_HOW, n=n)) if part)


def disease_for(s: Services, ticket: Ticket, name: str | None) -> tuple[str | None, str | None]:
    """(doc_id, disease name): the one staff typed, else the one published before, else the
    disease detected when the question was asked, else one the question names."""
    if name is not None:
        if name.lower() in NO_DISEASE:
            return None, None
        found = s.engine.find_disease(name)
        return found if found else (None, name)  # a condition the corpus has no page for
    previous = s.store.get_published(ticket.n)
    if previous is not None:
        return previous.doc_id, previous.disease
    for text in (ticket.disease, ticket.question):
        if text and (found := s.engine.find_disease(text)):
            return found
    # The bot named a disease it has no page for ("I have no GARD page on X"): that is the topic,
    # so the next person asking about X finds this answer.
    return (None, ticket.disease) if ticket.disease else (None, None)
