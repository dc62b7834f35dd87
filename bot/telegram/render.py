"""Telegram HTML for the bot's messages: replies, tickets, staff answers; long-message splitting.

No telegram import: a rendered message is a `bot.delivery.message.Rendered` (HTML parts plus
rows of `Button`), plain data that goes into the outbox as JSON and is tested without a bot. Every
user or corpus string passes through `esc` (or `fill`), so it can never become markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from answers.reply import Citation, Reply, ReplyKind
from bot.delivery.message import Button, Rendered
from bot.telegram import texts
from store import Published, Ticket

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units of the text after parsing
MAX_CALLBACK_BYTES = 64
MAX_BUTTON_LABEL = 60


def esc(value: object) -> str:
    """Escape for Telegram HTML, text or attribute value alike (quotes too)."""
    return html.escape(str(value), quote=True)


def fill(template: str, **values: object) -> str:
    """Put escaped values into one of our HTML templates."""
    return template.format(**{key: esc(value) for key, value in values.items()})


def callback(*parts: object) -> str:
    """Callback data "a:b:c"; Telegram refuses more than 64 bytes, so we refuse first."""
    data = ":".join(str(part) for part in parts)
    if not 1 <= len(data.encode()) <= MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data must be 1-{MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def is_web_url(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def link(title: str, url: str) -> str:
    return f'<a href="{esc(url)}">{esc(title)}</a>' if is_web_url(url) else esc(title)


def citation_line(cite: Citation) -> str:
    line = f"— {link(cite.title, cite.url)}"
    if cite.section:
        line += f" · {esc(cite.section)}"
    if cite.note:
        line += f" ({esc(cite.note)})"
    return line


def label(title: str) -> str:
    return title if len(title) <= MAX_BUTTON_LABEL else title[: MAX_BUTTON_LABEL - 1] + "…"


def reply_html(reply: Reply) -> str:
    blocks: list[str] = []
    if reply.message:
        blocks.append(esc(reply.message))
    for excerpt in reply.excerpts:
        blocks.append(f"<blockquote>{esc(excerpt.display)}</blockquote>\n{citation_line(excerpt.citation)}")
    if reply.other_names:
        blocks.append("<i>Other names:</i> " + esc("; ".join(reply.other_names)))
    if reply.choices:
        blocks.append("\n".join(f"{i}. {esc(c.title)}" for i, c in enumerate(reply.choices, 1)))
    if reply.notice:
        blocks.append(f"<i>{esc(reply.notice)}</i>")
    return "\n\n".join(blocks)


def reply_buttons(reply: Reply, turn: str) -> list[list[Button]]:
    """Buttons that fit the reply; their callback data points at the chat's stored turn."""
    rows: list[list[Button]] = []
    if reply.answered:
        row = [
            Button(texts.BUTTON_HELPFUL, callback("fb", turn, 1)),
            Button(texts.BUTTON_NOT_HELPFUL, callback("fb", turn, 0)),
        ]
        if reply.has_more:
            row.append(Button(texts.BUTTON_MORE, callback("more", turn)))
        rows.append(row)
    for i, choice in enumerate(reply.choices):
        rows.append([Button(label(choice.title), callback("c", turn, i))])
    if reply.can_forward and (reply.partial or not reply.answered) and reply.kind is not ReplyKind.SMALLTALK:
        rows.append([Button(texts.BUTTON_ASK, callback("ask", turn))])
    return rows


def render_reply(reply: Reply, turn: str) -> Rendered:
    return Rendered(split_html(reply_html(reply)), reply_buttons(reply, turn))


# --------------------------------------------------------------------------- tickets


def when(timestamp: float | None) -> str:
    if timestamp is None:
        return "-"
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def candidate_lines(candidates: Iterable[dict[str, Any]]) -> list[str]:
    lines = []
    for cand in candidates:
        line = "• " + link(str(cand.get("title") or "?"), str(cand.get("url") or ""))
        if cand.get("section"):
            line += f" · {esc(cand['section'])}"
        lines.append(line)
    return lines


def ticket_html(ticket: Ticket) -> str:
    """The staff chat's copy of a ticket: number, first name, question, what it asks, candidate
    pages."""
    blocks = [fill(texts.TICKET, n=ticket.n, first_name=ticket.first_name, question=ticket.question)]
    if ticket.ask:  # what the question asks (the page may not say it), in the bot's words
        blocks.append(fill(texts.TICKET_ASK, ask=ticket.ask))
    if ticket.disease:
        blocks.append(fill(texts.TICKET_DISEASE, disease=ticket.disease))
    lines = candidate_lines(ticket.candidates)
    blocks.append("\n".join([texts.TICKET_CANDIDATES, *lines]) if lines else texts.TICKET_NO_CANDIDATES)
    blocks.append(fill(texts.TICKET_HOW, n=ticket.n))
    return "\n\n".join(blocks)


def render_ticket(ticket: Ticket) -> Rendered:
    return Rendered(split_html(ticket_html(ticket)), about=_askers([ticket]))


def _askers(tickets: Iterable[Ticket]) -> tuple[int, ...]:
    return tuple(sorted({t.user_id for t in tickets if t.user_id is not None}))


def render_staff_answer(ticket: Ticket, answer: str, role: str) -> Rendered:
    text = fill(texts.STAFF_ANSWER, n=ticket.n, role=role, answer=answer, question=ticket.question)
    return Rendered(split_html(text), about=_askers([ticket]))


def render_ticket_details(ticket: Ticket, published: Published | None = None) -> Rendered:
    lines = [
        ticket_html(ticket),
        f"<b>Status:</b> {esc(ticket.status)}, asked {when(ticket.created_at)}",
    ]
    if ticket.redacted:
        lines.append(fill(texts.TICKET_FORGOTTEN, n=ticket.n))
    if ticket.answer_text is not None:
        lines.append(
            f"<b>Answered</b> by {esc(ticket.staff_name or '?')} on {when(ticket.answered_at)}:\n"
            f"<blockquote>{esc(ticket.answer_text)}</blockquote>"
        )
    if ticket.closed_at is not None:
        lines.append(f"<b>Closed</b> on {when(ticket.closed_at)}")
    if published is not None and published.active:
        under = published.disease or "no condition"
        lines.append(fill(texts.TICKET_PUBLISHED, n=ticket.n, when=when(published.updated_at), disease=under))
    return Rendered(split_html("\n\n".join(lines)), about=_askers([ticket]))


def render_pending(tickets: list[Ticket]) -> Rendered:
    if not tickets:
        return Rendered([texts.NO_PENDING])
    lines = [fill(texts.PENDING_HEADER, count=len(tickets))]
    for t in tickets:
        question = t.question if len(t.question) <= 120 else t.question[:119] + "…"
        lines.append(f"<b>#{t.n}</b> {esc(t.first_name)}, {when(t.created_at)}: {esc(question)}")
    return Rendered(split_html("\n".join(lines)), about=_askers(tickets))


# --------------------------------------------------------------------------- splitting


_ATOM = re.compile(r"<[^>]*>|&#?\w+;|.", re.DOTALL)
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][\w-]*)")
_TELEGRAM_ENTITIES = {"&lt;", "&gt;", "&amp;", "&quot;"}


@dataclass(frozen=True)
class _Atom:
    raw: str
    size: int  # UTF-16 units of displayed text
    char: str = ""  # the displayed character, for text atoms
    tag: str = ""  # tag name, for tags
    closing: bool = False


def _atoms(text: str) -> list[_Atom]:
    atoms = []
    for match in _ATOM.finditer(text):
        raw = match.group(0)
        if raw.startswith("<") and len(raw) > 1:
            tag = _TAG.match(raw)
            if tag is None:
                raise ValueError(f"not Telegram HTML: {raw!r}")
            atoms.append(_Atom(raw, 0, tag=tag.group(2).lower(), closing=bool(tag.group(1))))
        elif raw.startswith("&") and len(raw) > 1:
            shown = html.unescape(raw) if raw in _TELEGRAM_ENTITIES or raw[1] == "#" else raw
            atoms.append(_Atom(raw, _utf16(shown), char=shown))
        else:
            atoms.append(_Atom(raw, _utf16(raw), char=raw))
    return atoms


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _best_cut(atoms: list[_Atom], start: int, end: int, limit: int) -> int:
    """Where to end a part that may hold atoms[start:end]: after a blank line, else a line
    break, else a space (preferring cuts that fill at least half the part), else at `end`."""
    sizes = [0]
    for atom in atoms[start:end]:
        sizes.append(sizes[-1] + atom.size)

    def after(k: int, sep: str) -> bool:
        chars = "".join(a.char for a in atoms[max(start, k - len(sep)) : k])
        return chars == sep

    # A part must show some text, not only the whitespace before the cut.
    first_text = next((i for i in range(start, end) if atoms[i].char.strip()), end)
    for min_size in (limit // 2, 1):
        for sep in ("\n\n", "\n", " "):
            for k in range(end, first_text, -1):
                if sizes[k - start] < min_size:
                    break
                if after(k, sep):
                    return k
    cut = end
    while cut - 1 > start and atoms[cut - 1].tag and not atoms[cut - 1].closing:
        cut -= 1  # never leave an opening tag dangling at the end of a part
    return cut


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split Telegram HTML into parts of at most `limit` displayed characters each.

    Cuts fall at paragraph, then line, then word boundaries, never inside a tag or an entity;
    tags open at a cut are closed at the end of one part and reopened at the start of the next,
    so every part is valid on its own and the parts' texts join up to the original text.
    Parts that would hold only whitespace (trailing whitespace, or a run longer than a part)
    are dropped, as Telegram refuses empty messages.
    """
    atoms = _atoms(text)
    parts: list[str] = []
    stack: list[_Atom] = []  # tags open where the current part starts
    start = 0
    while start < len(atoms):
        size, end = 0, start
        while end < len(atoms) and size + atoms[end].size <= limit:
            size += atoms[end].size
            end += 1
        cut = len(atoms) if end == len(atoms) else _best_cut(atoms, start, end, limit)
        while cut < len(atoms) and atoms[cut].tag and atoms[cut].closing:
            cut += 1  # closing tags belong with the text they close
        body = atoms[start:cut]
        opened = list(stack)
        for atom in body:
            if atom.tag and not atom.closing:
                opened.append(atom)
            elif atom.tag and opened and opened[-1].tag == atom.tag:
                opened.pop()
        shown = "".join(a.char for a in body)
        if shown.strip():
            parts.append(
                "".join(a.raw for a in stack)
                + "".join(a.raw for a in body)
                + "".join(f"</{a.tag}>" for a in reversed(opened))
            )
        stack, start = opened, cut
    return parts
