"""Quiet, shared flood limits (bot/delivery/flood.py): the Bot API double enforces Telegram's per-bot
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


MARGIN = 0.3  # a wider margin than production's 0.1 s: bots and double share one busy test process


@pytest.fixture(params=[pytest.param("postgres", marks=pytest.mark.postgres), "redis", "unshared"])
def shared(request: pytest.FixtureRequest, config: Config) -> Config:
    """The test config for two replicas: sharing the budget on a PostgreSQL database or through
    Redis, or (the control) each keeping its own, as two SQLite processes would."""
    config = replace(config, telegram=replace(config.telegram, flood_margin_seconds=MARGIN))
    if request.param == "postgres":
        return replace(config, database=DatabaseSettings(request.getfixturevalue("pg_url")))
    if request.param == "redis":
        if not redis_reachable():
            pytest.skip(f"no Redis at {REDIS_URL}")
        return replace(config, telegram=replace(config.telegram, flood_redis_url=REDIS_URL))
    return config


async def send_all(apps: list, chats: list[dict]) -> float:
    """Every chat gets one message at once, through the apps in turn (a 429 is waited out and
    tried again, twice at most); the seconds it took."""
    started = time.monotonic()
    await asyncio.gather(
        *(
            apps[i % len(apps)].bot.send_message(chat["id"], f"hello {i}", rate_limit_args=2)
            for i, chat in enumerate(chats)
        )
    )
    return time.monotonic() - started


async def test_two_replicas_share_the_per_bot_budget(
    double: BotApiDouble, make_bot, shared: Config, request: pytest.FixtureRequest
) -> None:
    """90 messages at once through two replicas. Sharing the budget, they keep under 30 a second
    together (at most 2 refused, for timing in a busy test process), which takes them at least
    two windows; each on its own budget, they send 60 a second and Telegram refuses many."""
    double.flood_limit = 30
    first, second = make_bot(shared), make_bot(shared)
    chats = [double.private_chat(double.user(7000 + i, f"U{i}")) for i in range(90)]
    async with first, second:
        elapsed = await send_all([first, second], chats)
    assert sum(len(double.messages(chat)) for chat in chats) == 90
    if "unshared" in request.node.name:
        assert double.flood_refused >= 10, double.flood_refused
    else:
        assert double.flood_refused <= 2, double.flood_refused
        assert elapsed >= 2.0


async def test_one_process_on_sqlite_keeps_under_the_limit_in_memory(
    double: BotApiDouble, make_bot, config: Config
) -> None:
    double.flood_limit = 30
    app = make_bot(replace(config, telegram=replace(config.telegram, flood_margin_seconds=MARGIN)))
    chats = [double.private_chat(double.user(7200 + i, f"V{i}")) for i in range(60)]
    async with app:
        elapsed = await send_all([app], chats)
    assert double.flood_refused <= 1 and elapsed >= 1.0
    assert sum(len(double.messages(chat)) for chat in chats) == 60


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
