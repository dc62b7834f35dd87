"""Telegram's flood limits, shared by every replica, and quiet about the 429s it still gets.

Telegram allows a bot about 30 messages a second in all and 20 a minute in one group, and answers
more with 429 (RetryAfter). PTB's AIORateLimiter counts in its own process only, so N replicas
sent up to N times the budget; and with no retries it logged every 429 as an ERROR with a
traceback, though the outbox handles it as designed (that message waits `retry_after`).

`SharedRateLimiter` is PTB's rate limiter for the bot: before each message-sending call it
reserves a send time in shared budgets and waits until then. Each budget is a sliding window:
"bot" (30 in any second), "bot:pace" (one every 1/30 s, so a burst does not reach Telegram in a
lump) and "chat:<id>" for groups (20 a minute). They live in the database on PostgreSQL
(`Store.reserve_send`, rows locked, so the replicas on it share them), in Redis when
telegram.flood_redis_url is set (`RedisBudget`, one Lua script, atomic), and in memory with
SQLite (one process). Each window is widened by flood_margin_seconds, for the time between
reserving a send and Telegram receiving it; a send that comes later than that reserves again. A 429
that still comes is logged as one WARNING line (the outbox's "flood control, retrying in N s";
here only when a direct send waits it out), never with a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.config import TelegramSettings
from bot.delivery.outbox import retry_after_seconds
from store import Store

log = logging.getLogger(__name__)

# Calls that put a message in a chat (or change one): what Telegram's flood limits count.
COUNTED = ("send", "edit", "copy", "forward")
Budget = tuple[str, int, float]  # (name, limit, window seconds)


class SendBudget(Protocol):
    async def reserve(self, budgets: list[Budget], now: float) -> float:
        """Reserve a send in each budget; the time it may go (at or after `now`)."""
        ...

    async def close(self) -> None: ...


class MemoryBudget:
    """Budgets in this process's memory: for SQLite, where one process owns the database, so
    nothing needs sharing and no send should cost a database commit."""

    def __init__(self) -> None:
        self.logs: dict[str, list[float]] = {}

    async def reserve(self, budgets: list[Budget], now: float) -> float:
        when = now
        for name, limit, window in budgets:
            times = self.logs[name] = sorted(t for t in self.logs.get(name, []) if t > now - window)
            if len(times) >= limit:
                when = max(when, times[len(times) - limit] + window)
        for name, _, _ in budgets:
            self.logs[name].append(when)
        return when

    async def close(self) -> None:
        return None


class DatabaseBudget:
    """Budgets in the bot's database, shared by the replicas on it (PostgreSQL)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def reserve(self, budgets: list[Budget], now: float) -> float:
        return self.store.reserve_send(budgets, now=now)

    async def close(self) -> None:
        return None


# KEYS: the budgets' sorted sets; ARGV: now, then limit and window of each key, then a unique id.
# For each budget: drop what left its window; if `limit` sends are reserved, the new one goes
# one window after the limit-th latest. The latest of these times is reserved in every budget.
RESERVE_LUA = """
local now = tonumber(ARGV[1])
local t = now
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  if n >= limit then
    local kth = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')
    local candidate = tonumber(kth[2]) + window
    if candidate > t then t = candidate end
  end
end
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[2 * i + 1])
  redis.call('ZADD', key, t, string.format('%.6f', t) .. ':' .. ARGV[#ARGV])
  redis.call('PEXPIRE', key, math.ceil((t - now + window) * 1000) + 1000)
end
return tostring(t)
"""


class RedisBudget:
    """Budgets in Redis sorted sets, reserved atomically by one Lua script."""

    def __init__(self, url: str, prefix: str = "gardbot:flood:") -> None:
        import redis.asyncio as redis

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix
        self.script = self.client.register_script(RESERVE_LUA)

    async def reserve(self, budgets: list[Budget], now: float) -> float:
        keys = [self.prefix + name for name, _, _ in budgets]
        args: list[Any] = [repr(now)]
        for _, limit, window in budgets:
            args += [limit, repr(window)]
        args.append(secrets.token_hex(6))
        return float(await self.script(keys=keys, args=args))

    async def close(self) -> None:
        await self.client.aclose()


def counted(endpoint: str) -> bool:
    return endpoint.lower().startswith(COUNTED)


class SharedRateLimiter(BaseRateLimiter[int]):
    """PTB's rate limiter (ApplicationBuilder.rate_limiter) over a shared `SendBudget`.

    `rate_limit_args` is how many times a 429 is waited out and the call tried again (the
    outbox passes none: it reschedules the message itself; a direct send passes a few)."""

    def __init__(
        self,
        budget: SendBudget,
        *,
        per_second: int = 30,
        group_per_minute: int = 20,
        margin: float = 0.1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.budget, self.clock = budget, clock
        self.per_second, self.group_per_minute, self.margin = per_second, group_per_minute, margin

    @classmethod
    def from_settings(cls, settings: TelegramSettings, store: Store) -> SharedRateLimiter:
        budget: SendBudget
        if settings.flood_redis_url:  # the budget is the bot's: keyed by its id (the token's head)
            bot_id = settings.token.split(":", 1)[0] or "bot"
            budget = RedisBudget(settings.flood_redis_url, prefix=f"gardbot:flood:{bot_id}:")
        elif store.shared:
            budget = DatabaseBudget(store)
        else:  # SQLite: one process
            budget = MemoryBudget()
        return cls(
            budget,
            per_second=settings.flood_per_second,
            group_per_minute=settings.flood_group_per_minute,
            margin=settings.flood_margin_seconds,
        )

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        await self.budget.close()

    async def wait_turn(self, budgets: list[Budget]) -> None:
        """Reserve a send and wait for its time. A send that comes more than half the margin
        after its reserved time (the event loop was busy) reserves again: otherwise late sends
        would reach Telegram in a lump, together with the next ones on time."""
        while True:
            when = await self.budget.reserve(budgets, self.clock())
            if (wait := when - self.clock()) > 0:
                await asyncio.sleep(wait)
            if self.clock() - when <= self.margin / 2:
                return
            log.debug("a send came %.3f s after its turn; taking another", self.clock() - when)

    def budgets(self, data: dict[str, Any]) -> list[Budget]:
        # At most per_second in any window (widened by the margin), and evenly paced: a burst
        # sent at once reaches Telegram spread over a while, and a late part of it would share a
        # window with the next second's sends.
        out: list[Budget] = [
            ("bot", self.per_second, 1.0 + self.margin),
            ("bot:pace", 1, 1.0 / self.per_second),
        ]
        chat = data.get("chat_id")
        try:
            chat_id = int(chat) if chat is not None else None
        except (TypeError, ValueError):
            chat_id = None
        if chat_id is not None and chat_id < 0:  # a group or channel
            out.append((f"chat:{chat_id}", self.group_per_minute, 60.0 + self.margin))
        return out

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        retries = rate_limit_args or 0
        for attempt in range(retries + 1):
            if counted(endpoint):
                await self.wait_turn(self.budgets(data))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    raise  # the caller (the outbox) waits for that message alone, and says so
                seconds = retry_after_seconds(exc)
                log.warning("flood control on %s: waiting %.0f s, then trying again", endpoint, seconds)
                await asyncio.sleep(seconds)
        raise AssertionError("unreachable")
