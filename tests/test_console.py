"""The console chat answers the user commands that need no Telegram in the Telegram bot's own
words, and a command leaves the conversation as it was."""

from __future__ import annotations

import io

from bot.cli import main
from bot.config import load_config
from bot.telegram import texts
from bot.telegram.render import fill
from bot.telegram.retention import privacy_text
from bot.telegram.user_commands import plain


def test_commands_answer_in_the_telegram_words(small_corpus, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GARDBOT_CORPUS", str(small_corpus))
    monkeypatch.setenv("GARDBOT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("GARDBOT_DB", str(tmp_path / "bot.sqlite3"))
    config = load_config()
    role = config.staff.role
    lines = [
        "What causes IMT?",
        "/help",
        "help",
        "/start",
        "/about",
        "/privacy",
        "/ask hi",
        "/nonsense",
        "more",
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    assert main(["chat"]) == 0
    out = capsys.readouterr().out
    help_text = plain(fill(texts.HELP.split("\n\nIn a group")[0], role=role))
    assert out.count(help_text) == 2  # "/help" and "help" alike
    assert "@" not in help_text and "How to use me" in help_text and "<b>" not in help_text
    assert plain(fill(texts.START, role=role)) in out
    assert plain(texts.ABOUT) in out and "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)" in out
    assert plain(privacy_text(config)) in out and "about 30 minutes" in out
    assert "/ask works in the Telegram bot only." in out
    assert "I don't know /nonsense. /help lists the commands." in out
    # the commands left the conversation alone: "more" goes on with IMT
    assert out.rstrip().endswith("not medical advice. Please talk to your doctor about your situation.")
    assert "Inflammatory myofibroblastic tumor, Overview" in out.split("I don't know /nonsense")[1]
