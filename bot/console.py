"""`gardbot chat`: the answer engine in a terminal, one conversation, citations as links.

The user commands that need no Telegram (/start, /help, /about, /privacy) answer here in the
Telegram bot's words (bot.telegram.user_commands); "help" alone is /help.
"""

from __future__ import annotations

import sys

from answers.reply import Reply, ReplyKind
from bot.config import Config
from bot.runtime import load_engine_with_published
from bot.telegram.user_commands import TELEGRAM_ONLY, command_text

PROMPT = "you> "
HELP = (
    "Ask about a rare disease. 'more' shows further excerpts, a number picks a choice, "
    "/help lists the commands, 'quit' ends."
)
TELEGRAM_ONLY_TEXT = "/{name} works in the Telegram bot only."
UNKNOWN_COMMAND = "I don't know /{name}. /help lists the commands."


def command_reply(text: str, config: Config) -> str | None:
    """What the console prints for a command ("/help", "/about@gardbot", or "help" alone); None
    when the line is a message for the engine."""
    if text.lower() in {"help", "help!", "help?"}:
        text = "/help"
    if not text.startswith("/") or len(text) < 2:
        return None
    name = text[1:].split()[0].split("@")[0].lower()
    if name in TELEGRAM_ONLY:
        return TELEGRAM_ONLY_TEXT.format(name=name)
    return command_text(name, config) or UNKNOWN_COMMAND.format(name=name)


SPECIALIST_LINE = "(In Telegram you could now send this question to a specialist.)"


def console_text(reply: Reply) -> str:
    """A reply as the console shows it: the text, and where Telegram would show the Ask-a-
    specialist button (nothing found, or the page lacks what was asked), a line saying so."""
    text = reply.to_text()
    if reply.kind is ReplyKind.ABSTAIN or reply.partial:
        text = f"{text}\n{SPECIALIST_LINE}"
    return text


def run_console(config: Config, stdin=None, stdout=None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    engine = load_engine_with_published(config, progress=True)
    interactive = stdin.isatty()
    print(f"gardbot — {HELP}", file=stdout)
    while True:
        if interactive:
            print(PROMPT, end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        text = line.strip()
        if text.lower() in {"quit", "exit", ":q"}:
            break
        command = command_reply(text, config)
        if command is not None:
            print(command, file=stdout, end="\n\n", flush=True)
            continue
        print(console_text(engine.reply("console", text)), file=stdout)
        print(file=stdout, flush=True)
    return 0
