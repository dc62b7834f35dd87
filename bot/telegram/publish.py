"""Publishing staff answers: /publish, /edit, /unpublish and the Publish buttons in the staff chat.

Publishing takes two steps, so nothing goes live that staff have not seen. The first press of
📢 Publish (or `/publish N`) stores a preview (a draft): the exact question and answer users
would get, de-identified with HIPAA's Safe Harbor checklist (corpus.published.Deidentifier),
and the condition it is filed under. Only ✅ Publish this, or `/publish N` while the preview
exists, makes it live. A topic the bot read from the question's free text, with no page in the
corpus, is offered to staff (`/publish N that name`), never applied on its own.

A published answer joins the engine's live index at once; on start-up the runtime loads them
all again. When the asker uses /forget, the Q&A published from their question is withdrawn and
deleted (store.forget_user), since its wording came from their words.
"""

from __future__ import annotations

import contextlib
import logging
import re

from telegram import Message, Update
from telegram.error import BadRequest

from bot.delivery.message import Button, Rendered
from bot.delivery.outbox import ack, reply_rendered
from bot.telegram import texts
from bot.telegram.render import callback, fill, link
from bot.telegram.state import BotContext, Services
from bot.telegram.tickets import is_staff, say, small_number, staff_only, ticket_number
from corpus.published import Asker, Deidentified, Deidentifier, safe_topic
from store import PublishDraft, Published, Ticket

log = logging.getLogger(__name__)
NO_DISEASE = {"none", "-", "no", "nothing"}
EDIT_COMMAND = re.compile(
    r"^/\w+(?:@\w+)?\s+#?(\d+)\s+(question|answer)\s+(\S.*)$", re.DOTALL | re.IGNORECASE
)


async def publish(update: Update, context: BotContext) -> None:
    """/publish N [DISEASE NAME | none]: preview ticket N's Q&A, or make the preview live."""
    if not (s := await staff_only(update, context)) or not update.effective_message:
        return
    n = ticket_number(context)
    if n is None:
        await say(update.effective_message, fill(texts.NUMBER_USAGE, command="publish"))
        return
    name = " ".join((context.args or [])[1:]).strip() or None
    await reply_rendered(update.effective_message, publish_step(s, n, name))


async def unpublish(update: Update, context: BotContext) -> None:
    """/unpublish N: withdraw a published answer."""
    if not (s := await staff_only(update, context)) or not update.effective_message:
        return
    n = ticket_number(context)
    if n is None:
        await say(update.effective_message, fill(texts.NUMBER_USAGE, command="unpublish"))
        return
    withdrawn = s.store.unpublish(n)
    s.store.delete_draft(n)
    s.engine.unpublish(n)
    await say(update.effective_message, fill(texts.UNPUBLISHED if withdrawn else texts.NOT_PUBLISHED, n=n))


async def publish_button(update: Update, context: BotContext) -> None:
    """📢 Publish under a relayed answer's confirmation: the preview (first step)."""
    await _button(update, context, confirm=False)


async def confirm_button(update: Update, context: BotContext) -> None:
    """✅ Publish this under a preview: make it live (second step)."""
    await _button(update, context, confirm=True)


async def _button(update: Update, context: BotContext, *, confirm: bool) -> None:
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
        if confirm:
            rendered = go_live(s, n)
        else:
            rendered = refusal(s, n) or preview(s, n, None)
        await reply_rendered(query.message, rendered)


def refusal(s: Services, n: int) -> Rendered | None:
    """Why ticket N cannot be published, if it cannot."""
    ticket = s.store.get_ticket(n)
    if ticket is None:
        return Rendered([fill(texts.NO_TICKET, n=n)])
    if ticket.redacted:
        return Rendered([fill(texts.TICKET_FORGOTTEN, n=n)])
    if ticket.answer_text is None:
        return Rendered([fill(texts.NOT_ANSWERED_YET, n=n)])
    return None


def publish_step(s: Services, n: int, name: str | None) -> Rendered:
    """/publish N: confirm the preview if there is one and no new condition was named;
    otherwise show a (new) preview."""
    if (refused := refusal(s, n)) is not None:
        return refused
    if name is None and s.store.get_draft(n) is not None:
        return go_live(s, n)
    return preview(s, n, name)


def deidentifier(s: Services) -> Deidentifier:
    """Safe Harbor de-identification that keeps the corpus's disease names."""
    return Deidentifier(s.engine.searcher.is_name_term)


def suggested_wording(s: Services, ticket: Ticket) -> tuple[Deidentified, Deidentified]:
    """The ticket's question and answer with what identifies a person left out."""
    assert ticket.answer_text is not None
    asker = Asker(
        ticket.asker_names or (ticket.first_name,),
        tuple(x for x in (ticket.user_id, ticket.chat_id) if x is not None),
    )
    cleaner = deidentifier(s)
    question = cleaner.question(ticket.question, asker, ticket.disease)
    return question, cleaner.answer(ticket.answer_text, asker, question)


def preview(s: Services, n: int, name: str | None) -> Rendered:
    """Store and show the draft: the wording users would get (the wording published before,
    which staff may have edited, or a de-identified suggestion) and where it would be filed."""
    ticket = s.store.get_ticket(n)
    assert ticket is not None and ticket.answer_text is not None
    doc_id, disease, offered = topic_for(s, ticket, name)
    previous = s.store.get_published(n)
    removed: dict[str, list[str]] = {}
    if previous is not None:  # keep the wording staff may have edited
        question, answer = previous.question, previous.answer
    else:
        q, a = suggested_wording(s, ticket)
        question, answer = q.text, a.text
        offered = safe_topic(offered, q)  # "Liam Okafor, 4" read as a disease is not offered
        for part in (q, a):
            for kind, values in part.removed.items():
                removed.setdefault(kind, []).extend(values)
    draft = s.store.save_draft(n, question, answer, disease, doc_id, offered)
    return render_draft(s, draft, ticket, removed)


def render_draft(
    s: Services, draft: PublishDraft, ticket: Ticket, removed: dict[str, list[str]] | None = None
) -> Rendered:
    n = draft.ticket_n
    text = fill(texts.PREVIEW, n=n, role=s.role, question=draft.question, answer=draft.answer)
    parts = [text, where(s, draft.doc_id, draft.disease)]
    if removed:
        parts.append(fill(texts.DEIDENTIFIED, removed=removed_summary(removed)))
    if draft.offered:
        parts.append(fill(texts.TOPIC_OFFERED, topic=draft.offered, n=n))
    parts.append(fill(texts.PREVIEW_HOW, n=n))
    buttons = [[Button(texts.BUTTON_CONFIRM_PUBLISH, callback("pubok", n))]]
    about = (ticket.user_id,) if ticket.user_id is not None else ()
    return Rendered(["\n\n".join(parts)], buttons, about)


def removed_summary(removed: dict[str, list[str]]) -> str:
    """ "2 names, a place, an age": what was left out, without repeating it."""
    out = []
    for kind, (one, many) in texts.REMOVED_KINDS.items():
        count = len(set(removed.get(kind, [])))
        if count:
            out.append(one if count == 1 else f"{count} {many}")
    return ", ".join(out)


def go_live(s: Services, n: int) -> Rendered:
    """Publish ticket N's preview as it was shown; the staff confirmation."""
    if (refused := refusal(s, n)) is not None:
        return refused
    draft = s.store.get_draft(n)
    if draft is None:
        return Rendered([fill(texts.NO_PREVIEW, n=n)])
    with s.store.transaction():
        record = s.store.publish(n, draft.question, draft.answer, draft.disease, s.role, doc_id=draft.doc_id)
        s.store.delete_draft(n)
    ticket = s.store.get_ticket(n)
    about = (ticket.user_id,) if ticket is not None and ticket.user_id is not None else ()
    return Rendered([put_live(s, record)], about=about)


async def edit(update: Update, context: BotContext) -> None:
    """/edit N question|answer TEXT: reword a preview, or a published Q&A (staff's own words
    need no second look), e.g. to leave out a name."""
    if not (s := await staff_only(update, context)) or not update.effective_message:
        return
    match = EDIT_COMMAND.match(update.effective_message.text or "")
    n = small_number(match.group(1)) if match else None
    if match is None or n is None:
        await say(update.effective_message, texts.EDIT_USAGE)
        return
    part, wording = match.group(2).lower(), match.group(3).strip()
    draft, previous = s.store.get_draft(n), s.store.get_published(n)
    ticket = s.store.get_ticket(n)
    if draft is not None and ticket is not None:
        question = wording if part == "question" else draft.question
        answer = wording if part == "answer" else draft.answer
        draft = s.store.save_draft(n, question, answer, draft.disease, draft.doc_id, draft.offered)
        await reply_rendered(update.effective_message, render_draft(s, draft, ticket))
        return
    if previous is None or not previous.active:
        await say(update.effective_message, fill(texts.EDIT_NOT_PUBLISHED, n=n))
        return
    question = wording if part == "question" else previous.question
    answer = wording if part == "answer" else previous.answer
    record = s.store.publish(n, question, answer, previous.disease, previous.role, doc_id=previous.doc_id)
    about = (ticket.user_id,) if ticket is not None and ticket.user_id is not None else ()
    await reply_rendered(update.effective_message, Rendered([put_live(s, record)], about=about))


def where(s: Services, doc_id: str | None, disease: str | None) -> str:
    if doc_id:
        title = s.engine.searcher.title(doc_id)
        passage = next(iter(s.engine.searcher.doc_passages(doc_id)), None)
        return texts.FILED_UNDER_PAGE.format(page=link(title, passage.url if passage else ""))
    if disease:
        return fill(texts.FILED_UNDER_NAME, name=disease)
    return texts.FILED_UNDER_NOTHING


def put_live(s: Services, record: Published) -> str:
    """Give the engine the stored Q&A; the HTML confirmation showing what users will see."""
    passage = s.engine.publish(record)
    log.info("ticket #%d published under %s", record.ticket_n, record.doc_id or record.disease or "none")
    if record.doc_id:
        filed = texts.FILED_UNDER_PAGE.format(page=link(passage.title, passage.url))
    else:
        filed = where(s, None, record.disease)
    n = record.ticket_n
    shown = fill(texts.PUBLISHED, n=n, role=record.role, question=record.question, answer=record.answer)
    return "\n\n".join((shown, filed, fill(texts.PUBLISH_HOW, n=n)))


def topic_for(s: Services, ticket: Ticket, name: str | None) -> tuple[str | None, str | None, str | None]:
    """(doc_id, disease name, offered topic): the condition staff typed, else the one published
    before, else a corpus page the question or its detected disease names. A disease the bot
    read in the question's free text with no page is only offered (third value): staff file
    the answer under it by typing it."""
    if name is not None:
        if name.lower() in NO_DISEASE:
            return None, None, None
        found = s.engine.find_disease(name)
        return (*found, None) if found else (None, name, None)  # a condition without a page
    previous = s.store.get_published(ticket.n)
    if previous is not None:
        return previous.doc_id, previous.disease, None
    for text in (ticket.disease, ticket.question):
        if text and (found := s.engine.find_disease(text)):
            return (*found, None)
    return None, None, ticket.disease
