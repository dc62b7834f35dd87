"""`gardbot chat`: the answer engine in a terminal, one conversation, citations as links."""

from __future__ import annotations

import sys

from answers.reply import ReplyKind
from bot.config import Config
from bot.runtime import load_engine_with_published

PROMPT = "you> "
HELP = "Ask about a rare disease. 'more' shows further excerpts, a number picks a choice, 'quit' ends."


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
        reply = engine.reply("console", text)
        print(reply.to_text(), file=stdout)
        if reply.kind is ReplyKind.ABSTAIN or reply.partial:
            print("(In Telegram you could now send this question to a specialist.)", file=stdout)
        print(file=stdout, flush=True)
    return 0
