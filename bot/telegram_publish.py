"""Publishing staff answers: /publish, /unpublish and the Publish button in the staff chat.

A published answer is stored de-identified (the asker's name and ids replaced, the greeting
dropped) and joins the engine's live index at once; on start-up the runtime loads them all
again. The staff member who publishes sees exactly the text users will get.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import telegram_texts as texts
from bot.render import fill, link
from bot.runtime import published_qa
from bot.telegram_state import Services
from bot.telegram_tickets import is_staff, say, services, staff_only, ticket_number
from corpus.published import deidentify
from store import Ticket

log = logging.getLogger(__name__)
NO_DISEASE = {"none", "-", "no", "nothing"}


async def publish(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/publish N [DISEASE NAME | none]: the bot gives ticket N's answer from now on."""
    if not (s := await staff_only(update, context)) or not update.effective_message:
        return
    n = ticket_number(context)
    if n is None:
        await say(update.effective_message, fill(texts.NUMBER_USAGE, command="publish"))
        return
    name = " ".join((context.args or [])[1:]).strip() or None
    await say(update.effective_message, publish_ticket(s, n, name))


async def unpublish(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
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


async def publish_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The Publish button under a relayed answer's confirmation."""
    query, s = update.callback_query, services(context)
    if query is None:
        return
    if not is_staff(s, update):
        await query.answer(texts.STAFF_ONLY, show_alert=True)
        return
    await query.answer()
    n = int((query.data or "").partition(":")[2])
    if isinstance(query.message, Message):
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
    identity = ([ticket.first_name], [ticket.user_id, ticket.chat_id])
    question, answer = deidentify(ticket.question, *identity), deidentify(ticket.answer_text, *identity)
    record = s.store.publish(n, question, answer, disease, s.role, doc_id=doc_id)
    passage = s.engine.publish(published_qa(record))
    log.info("ticket #%d published under %s", n, doc_id or disease or "no disease")
    if doc_id:
        where = texts.FILED_UNDER_PAGE.format(page=link(passage.title, passage.url))
    elif disease:
        where = fill(texts.FILED_UNDER_NAME, name=disease)
    else:
        where = texts.FILED_UNDER_NOTHING
    changed = question != ticket.question.strip() or answer != ticket.answer_text.strip()
    return "\n\n".join(
        part
        for part in (
            fill(texts.PUBLISHED, n=n, role=s.role, question=question, answer=answer),
            where,
            texts.DEIDENTIFIED if changed else "",
            fill(texts.PUBLISH_HOW, n=n),
        )
        if part
    )


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
    return None, None
