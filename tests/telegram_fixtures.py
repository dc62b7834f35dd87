"""Telegram test fixtures and helpers shared by the test modules: the Bot API double, a
config with a staff chat, users and chats, and running an Application the way run_polling does.
Loaded as a pytest plugin from conftest.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from botapi_double import BotApiDouble, forbid_network
from telegram.ext import Application

from bot import telegram_texts as texts
from bot.config import Config, DatabaseSettings, TelegramSettings
from bot.telegram_state import Services

STAFF_CHAT = -100777
UNANSWERABLE = "Is Castellane fever contagious?"


@pytest.fixture
async def double(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[BotApiDouble]:
    forbid_network(monkeypatch)
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with BotApiDouble() as api:
        yield api
    assert api.unknown_methods == [], f"bot called unimplemented methods: {api.unknown_methods}"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        database=DatabaseSettings(str(tmp_path / "bot.sqlite3")),
        telegram=TelegramSettings(
            staff_chat_id=STAFF_CHAT,
            staff_user_ids=(3003,),
            submission_url="https://rarediseases.info.nih.gov/about/contact-us",
            rate_limit_messages=50,
        ),
    )


@contextlib.asynccontextmanager
async def running(app: Application) -> AsyncIterator[Application]:
    """Start and stop the app in the order run_polling uses, hooks included."""
    async with app:
        assert app.post_init is not None and app.post_stop is not None
        await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            await app.post_stop(app)


def services(app: Application) -> Services:
    return app.bot_data["gardbot"]


@pytest.fixture
def alice(double: BotApiDouble) -> dict:
    return double.user(1001, "Alice", "alice_w")


@pytest.fixture
def alice_chat(double: BotApiDouble, alice: dict) -> dict:
    return double.private_chat(alice)


@pytest.fixture
def staff_chat(double: BotApiDouble) -> dict:
    return double.group_chat(STAFF_CHAT, "GARD staff")


@pytest.fixture
def bob(double: BotApiDouble) -> dict:
    return double.user(2002, "Bob", "bob_gard", last_name="Staff")


def buttons(message: dict) -> dict[str, str]:
    """Button label -> callback data of a bot message."""
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard", [])
    return {b["text"]: b.get("callback_data", b.get("url")) for row in rows for b in row}


async def wait_until(condition: Callable[[], Any], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


async def ask_specialist(
    double: BotApiDouble, chat: dict, user: dict, question: str = UNANSWERABLE
) -> tuple[dict, dict]:
    """User asks something the bot can't answer, presses Ask, then Send: (confirmation, ticket
    message in the staff chat)."""
    double.send_text(chat, user, question)
    abstained = await double.wait_for_message(chat)
    double.press_button(chat, user, abstained, buttons(abstained)[texts.BUTTON_ASK])
    confirm = await double.wait_for_message(chat)
    double.press_button(chat, user, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])
    confirmed = await double.wait_for_message(chat, lambda m: m["event"] == "edited")
    ticket = await double.wait_for_message(STAFF_CHAT)
    return confirmed, ticket
