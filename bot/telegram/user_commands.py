"""The user commands that work without Telegram (/start, /help, /about, /privacy), in the Telegram
bot's own words.

The texts live once, as Telegram HTML, in bot/telegram/texts.py; the console shows them as plain
text, so the two frontends can't drift apart. Paragraphs that only make sense in Telegram (how to
use the bot in a group, which needs the bot's @username) are left out.
"""

from __future__ import annotations

import html
import re

from bot.config import Config
from bot.telegram import texts
from bot.telegram.render import fill
from bot.telegram.retention import privacy_text

OFFLINE = ("start", "help", "about", "privacy")
TELEGRAM_ONLY = ("ask", "forget")  # they need a specialist or the bot's database
LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)
TAG = re.compile(r"</?[a-z]+[^>]*>")


def plain(telegram_html: str) -> str:
    """Telegram HTML as plain text: tags dropped, entities read, a link's address kept after
    its words (unless the words already are the address)."""

    def link(match: re.Match[str]) -> str:
        address, words = match.group(1), match.group(2)
        return address if words.rstrip("/") in address else f"{words} ({address})"

    return html.unescape(TAG.sub("", LINK.sub(link, telegram_html)))


def without_username(template: str) -> str:
    """The template's paragraphs that don't need the bot's Telegram @username."""
    return "\n\n".join(p for p in template.split("\n\n") if "{username}" not in p)


def command_text(name: str, config: Config) -> str | None:
    """The plain text of a user command, as Telegram words it; None for other commands."""
    if name == "start":
        return plain(fill(texts.START, role=config.staff.role))
    if name == "help":
        return plain(fill(without_username(texts.HELP), role=config.staff.role))
    if name == "about":
        return plain(texts.ABOUT)
    if name == "privacy":
        return plain(privacy_text(config))  # the configured retention periods (bot.telegram.retention)
    return None
