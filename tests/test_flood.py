"""Quiet, shared flood limits (bot/flood.py): the Bot API double enforces Telegram's per-bot
limit with 429s; two replicas sharing the budget, through the database or through Redis, stay
under it together; and a storm of 429s is logged as one WARNING line each, with no traceback.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace

import pytest
from aiohttp import ClientSession
from botapi_double import BotApiDouble
from store_backends import Backend
from telegram_fixtures import running, services, wait_until

from bot.config import Config, DatabaseSettings

REDIS_URL = "redis://127.0.0.1:6379/0"


async def test_the_double_answers_429_over_30_messages_a_second(
    double: BotApiDouble, alice_chat: dict
) -> None:
    double.flood_limit = 30
    async with ClientSession() as session:

        async def send(i: int) -> int:
            url = f"{double.base_url}{double.token}/sendMessage"
            async with session.post(url, json={"chat_id": alice_chat["id"], "text": f"m{i}"}) as response:
                return response.status

        statuses = await asyncio.gather(*(send(i) for i in range(40)))
    assert statuses.count(200) == 30 and statuses.count(429) == 10 and double.flood_refused == 10


def redis_reachable() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True


@pytest.fixture(params=["database", "redis"])
def shared(request: pytest.FixtureRequest, backend: Backend, config: Config) -> Config:
    """The test config on `backend`'s database, the budget there or in Redis."""
    settings = config.telegram
    if request.param == "redis":
        if not redis_reachable():
            pytest.skip(f"no Redis at {REDIS_URL}")
        settings = replace(settings, flood_redis_url=REDIS_URL)
    return replace(config, database=DatabaseSettings(backend.url), telegram=settings)


async def test_two_replicas_share_the_per_bot_budget(double: BotApiDouble, make_bot, shared: Config) -> None:
    """90 messages at once through two replicas: none refused, so together they kept under 30 a
    second, which takes them at least two windows."""
    double.flood_limit = 30
    first, second = make_bot(shared), make_bot(shared)
    chats = [double.private_chat(double.user(7000 + i, f"U{i}")) for i in range(90)]
    async with first, second:
        started = time.monotonic()
        sends = [
            (first if i % 2 else second).bot.send_message(chat["id"], f"hello {i}")
            for i, chat in enumerate(chats)
        ]
        await asyncio.gather(*sends)
        elapsed = time.monotonic() - started
    assert double.flood_refused == 0
    assert sum(len(double.messages(chat)) for chat in chats) == 90
    assert elapsed >= 2.0


async def test_a_429_storm_is_one_warning_line_each_and_no_traceback(
    double: BotApiDouble, make_bot, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_bot()
    users = [double.user(7100 + i, f"S{i}") for i in range(6)]
    double.fail_next("sendMessage", 429, retry_after=1, count=8)
    with caplog.at_level(logging.INFO):
        async with running(app):
            for user in users:
                double.send_text(double.private_chat(user), user, "What causes IMT?")
            for user in users:
                await double.wait_for_message(user["id"], timeout=20)
            await wait_until(lambda: services(app).store.outbox_stats().depth == 0, timeout=20)
    refused = [c for c in double.calls("sendMessage") if c.get("status") == 429]
    assert len(refused) == 8
    assert not [r for r in caplog.records if r.exc_info or r.exc_text]  # no traceback
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    flood = [r for r in caplog.records if "flood control" in r.getMessage()]
    assert len(flood) == 8 and all(r.levelno == logging.WARNING for r in flood)
