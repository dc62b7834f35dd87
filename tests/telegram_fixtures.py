"""Telegram test fixtures and helpers shared by the test modules: the Bot API double, a
config with a staff chat, users and chats, and running an Application the way run_polling does.
Loaded as a pytest plugin from conftest.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from botapi_double import BotApiDouble, forbid_network
from corpus_fixture import write_corpus
from telegram.ext import Application

from answers.engine import Engine
from bot.config import Config, DatabaseSettings, TelegramSettings
from bot.telegram import texts
from bot.telegram.app import ALLOWED_UPDATES, build_application, webhook_secret
from bot.telegram.state import Services, TelegramConversations
from retrieval.build import CorpusSelection, open_index
from retrieval.index import PassageIndex
from retrieval.search import Searcher
from store import RetryPolicy, Store, open_store

STAFF_CHAT = -100777
UNANSWERABLE = "Is Castellane fever contagious?"
HOOK_URL = "https://gardbot.example.org/telegram/hook"  # the public address webhook tests register


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
async def running(app: Application, *, webhook_port: int | None = None) -> AsyncIterator[Application]:
    """Start and stop the app in the order run_polling uses, hooks included; with
    `webhook_port`, in the order run_webhook uses, listening there for HOOK_URL's path."""
    async with app:
        assert app.post_init is not None and app.post_stop is not None
        await app.post_init(app)
        assert app.updater is not None
        if webhook_port is None:
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
        else:
            await app.updater.start_webhook(
                listen="127.0.0.1",
                port=webhook_port,
                url_path=urlsplit(HOOK_URL).path.lstrip("/"),
                webhook_url=HOOK_URL,
                secret_token=webhook_secret(app.bot.token),
                allowed_updates=ALLOWED_UPDATES,
            )
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            await app.post_stop(app)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> PassageIndex:
    root = write_corpus(tmp_path_factory.mktemp("corpus"))
    return open_index(CorpusSelection(root), tmp_path_factory.mktemp("index"), progress=False)


@pytest.fixture
def make_bot(
    double: BotApiDouble, index: PassageIndex, config: Config
) -> AsyncIterator[Callable[..., Application]]:
    """Build an Application on the config's database (a file, or a PostgreSQL URL) and `index`
    (the module's, unless a test passes its own); stores are closed at the end."""
    stores: list[Store] = []

    def make(config: Config = config, index: PassageIndex = index) -> Application:
        store = open_store(config.database_url, retry_policy=RetryPolicy(base=0.05, cap=0.5))
        stores.append(store)
        engine = Engine(Searcher(index), conversations=TelegramConversations(store))
        return build_application(
            config, engine, store, builder=double.application_builder(), outbox_interval=0.05
        )

    yield make
    for store in stores:
        store.close()


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


def process_env(double: BotApiDouble, tmp_path: Path, **extra: str) -> dict[str, str]:
    """Environment for a real `gardbot telegram` process pointed at the double."""
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": double.token,
        "TELEGRAM_BASE_URL": double.base_url,
        "GARDBOT_CORPUS": str(write_corpus(tmp_path / "corpus")),
        "GARDBOT_INDEX_DIR": str(tmp_path / "index"),
        "GARDBOT_DB": str(tmp_path / "bot.sqlite3"),
        "GARDBOT_STAFF_CHAT_ID": str(STAFF_CHAT),
        "GARDBOT_CONFIG": str(tmp_path / "none.yaml"),
        **extra,
    }


@contextlib.asynccontextmanager
async def gardbot_process(env: dict[str, str], *args: str) -> AsyncIterator[list[str]]:
    """Run `gardbot -v telegram ARGS`; on exit stop it with ^C, check it ended cleanly and never
    printed the token, and hand back its log in the yielded list."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "-v", "telegram", *args, env=env, stderr=asyncio.subprocess.PIPE
    )
    log: list[str] = []
    try:
        yield log
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        log.append(stderr.decode())
    assert process.returncode == 0, log[0]
    assert "gardbot is running as @gardbot_test_bot" in log[0]
    token = env["TELEGRAM_BOT_TOKEN"]
    assert token not in log[0] and token.split(":")[1] not in log[0]
