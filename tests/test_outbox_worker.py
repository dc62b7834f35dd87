"""The outbox worker (bot.delivery.outbox.OutboxWorker) on its own, against an in-memory store
and a fake bot: what it does with each answer Telegram can give. The same paths end to end,
through the real store and the Bot API double, are in test_telegram.py, test_staff_delivery.py,
test_flood.py and test_durability.py.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from fake_store import FakeStore
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter

from bot.delivery.outbox import OutboxWorker
from store import OutboxMessage, OutboxStatus, RetryPolicy

T0 = 1_000_000.0
CHAT, OTHER_CHAT = 501, 502


class FakeBot:
    """Records each Telegram call; `errors[chat_id]` are raised, one per call, before any success.
    `gates[chat_id]`, when set, holds that chat's calls until it is set."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.errors: dict[int, list[Exception]] = {}
        self.gates: dict[int, asyncio.Event] = {}
        self.next_id = 9000

    async def _answer(self, call: dict[str, Any]) -> SimpleNamespace:
        self.calls.append(call)
        if gate := self.gates.get(call["chat_id"]):
            await gate.wait()
        if self.errors.get(call["chat_id"]):
            raise self.errors[call["chat_id"]].pop(0)
        self.next_id += 1
        return SimpleNamespace(message_id=self.next_id)

    async def send_message(self, chat_id: int, text: str, **options: Any) -> SimpleNamespace:
        return await self._answer({"method": "send", "chat_id": chat_id, "text": text, **options})

    async def edit_message_text(self, text: str, **options: Any) -> SimpleNamespace:
        return await self._answer({"method": "edit", "text": text, **options})

    def texts(self, chat_id: int) -> list[str]:
        return [c["text"] for c in self.calls if c["chat_id"] == chat_id]


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """As the bot runs (bot.telegram.app sets it): RetryAfter.retry_after is a timedelta, no warning."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def bot() -> FakeBot:
    return FakeBot()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def hooks() -> SimpleNamespace:
    return SimpleNamespace(sent=[], dead=[], migrated=[])


@pytest.fixture
def worker(bot: FakeBot, store: FakeStore, clock: Clock, hooks: SimpleNamespace) -> OutboxWorker:
    return OutboxWorker(
        bot,  # type: ignore[arg-type]
        store,  # type: ignore[arg-type]
        interval=0.01,
        on_sent=lambda message, telegram_id: hooks.sent.append((message.id, telegram_id)),
        on_dead=lambda message, error: hooks.dead.append((message.id, error)),
        on_migrated=lambda old, new: hooks.migrated.append((old, new)),
        clock=clock,
    )


def queue(store: FakeStore, text: str, chat_id: int = CHAT, **payload: Any) -> int:
    return store.enqueue("reply", chat_id, {"text": text, **payload}, f"key:{text}", now=T0)


def message(store: FakeStore, n: int) -> OutboxMessage:
    return store.outbox[n]


async def test_a_due_message_is_sent_as_html_and_marked_sent(worker, store, bot, hooks):
    n = queue(store, "<b>Alport syndrome</b>", reply_to=77)

    assert await worker.deliver_due() == 1

    [call] = bot.calls
    assert (call["method"], call["chat_id"], call["text"]) == ("send", CHAT, "<b>Alport syndrome</b>")
    assert call["parse_mode"] == ParseMode.HTML
    assert call["reply_parameters"].message_id == 77
    assert call["link_preview_options"].is_disabled
    sent = message(store, n)
    assert (sent.status, sent.telegram_message_id, sent.sent_at) == (OutboxStatus.SENT, 9001, T0)
    assert hooks.sent == [(n, 9001)]
    assert await worker.deliver_due() == 0  # sent once, never again
    assert len(bot.calls) == 1


async def test_buttons_ride_on_the_message_as_an_inline_keyboard(worker, store, bot):
    queue(
        store,
        "More?",
        buttons=[[{"text": "More", "data": "more:1"}, {"text": "GARD", "url": "https://x.org"}]],
    )

    await worker.deliver_due()

    [row] = bot.calls[0]["reply_markup"].inline_keyboard
    assert [(b.text, b.callback_data, b.url) for b in row] == [
        ("More", "more:1", None),
        ("GARD", None, "https://x.org"),
    ]


async def test_flood_control_reschedules_the_message_for_as_long_as_telegram_asks(
    worker, store, bot, clock, hooks
):
    n = queue(store, "answer")
    bot.errors[CHAT] = [RetryAfter(timedelta(seconds=30))]

    assert await worker.deliver_due() == 0

    waiting = message(store, n)
    assert waiting.status == OutboxStatus.PENDING
    assert waiting.next_attempt_at == T0 + 30
    assert waiting.last_error is not None and waiting.last_error.startswith("RetryAfter")
    clock.now = T0 + 29
    assert await worker.deliver_due() == 0  # not before Telegram said
    assert len(bot.calls) == 1
    clock.now = T0 + 30
    assert await worker.deliver_due() == 1
    assert bot.texts(CHAT) == ["answer", "answer"]
    assert message(store, n).status == OutboxStatus.SENT
    assert hooks.dead == []


async def test_flood_control_on_one_chat_holds_back_no_other_chat(worker, store, bot):
    first = queue(store, "to the flooded chat")
    later = queue(store, "its next message")
    other = queue(store, "to another chat", chat_id=OTHER_CHAT)
    bot.errors[CHAT] = [RetryAfter(timedelta(seconds=30))]

    assert await worker.deliver_due() == 1

    assert message(store, other).status == OutboxStatus.SENT
    assert message(store, first).status == OutboxStatus.PENDING
    assert message(store, later).attempts == 0  # waits behind its chat's head, in order
    assert bot.texts(CHAT) == ["to the flooded chat"]


@pytest.mark.parametrize(
    "error",
    [Forbidden("Forbidden: bot was blocked by the user"), BadRequest("Bad Request: can't parse entities")],
    ids=["blocked", "malformed"],
)
async def test_an_error_retrying_cannot_fix_ends_the_message_at_once(worker, store, bot, clock, hooks, error):
    n = queue(store, "answer")
    bot.errors[CHAT] = [error]

    assert await worker.deliver_due() == 0

    dead = message(store, n)
    assert (dead.status, dead.attempts) == (OutboxStatus.DEAD, 1)
    assert hooks.dead == [(n, f"{type(error).__name__}: {error}")]
    clock.now = T0 + 3600
    assert await worker.deliver_due() == 0
    assert len(bot.calls) == 1


async def test_an_invalid_token_ends_the_message_too(worker, store, bot, hooks):
    n = queue(store, "answer")
    bot.errors[CHAT] = [InvalidToken()]

    await worker.deliver_due()

    assert message(store, n).status == OutboxStatus.DEAD
    assert [dead for dead, _ in hooks.dead] == [n]


async def test_network_trouble_backs_off_and_then_sends(worker, store, bot, clock, hooks):
    n = queue(store, "answer")
    bot.errors[CHAT] = [NetworkError("connection reset"), NetworkError("timed out")]

    await worker.deliver_due()
    assert message(store, n).next_attempt_at == T0 + 1  # RetryPolicy: 1 s, then 2 s
    clock.now = T0 + 1
    await worker.deliver_due()
    assert message(store, n).next_attempt_at == T0 + 1 + 2
    clock.now = T0 + 3
    assert await worker.deliver_due() == 1

    assert message(store, n).status == OutboxStatus.SENT
    assert message(store, n).attempts == 3
    assert hooks.dead == []


async def test_a_message_is_given_up_when_its_attempts_are_used_up(bot, store, clock, hooks, worker):
    store.retry_policy = RetryPolicy(max_attempts=2)
    n = queue(store, "answer")
    bot.errors[CHAT] = [NetworkError("down"), NetworkError("still down")]

    await worker.deliver_due()
    clock.now = T0 + 60
    await worker.deliver_due()

    assert message(store, n).status == OutboxStatus.DEAD
    assert hooks.dead == [(n, "NetworkError: still down")]


async def test_an_unexpected_error_is_retried_not_lost(worker, store, bot):
    n = queue(store, "answer")
    bot.errors[CHAT] = [RuntimeError("bug in a dependency")]

    await worker.deliver_due()

    assert message(store, n).status == OutboxStatus.PENDING
    assert message(store, n).last_error == "RuntimeError: bug in a dependency"


async def test_a_chat_that_became_a_supergroup_is_reported_to_move_its_messages(worker, store, bot, hooks):
    n = queue(store, "ticket #4")
    bot.errors[CHAT] = [ChatMigrated(-100999)]

    await worker.deliver_due()

    assert message(store, n).status == OutboxStatus.DEAD
    assert hooks.migrated == [(CHAT, -100999)]


async def test_an_edit_edits_the_message_it_names(worker, store, bot, hooks):
    n = queue(store, "[withdrawn by the asker]", edit=4242)

    assert await worker.deliver_due() == 1

    [call] = bot.calls
    assert (call["method"], call["chat_id"], call["message_id"]) == ("edit", CHAT, 4242)
    assert message(store, n).telegram_message_id == 9001


async def test_an_edit_made_already_counts_as_sent(worker, store, bot, hooks):
    """Sent twice after a crash: Telegram says "not modified", and that is success."""
    n = queue(store, "edited", edit=4242)
    bot.errors[CHAT] = [BadRequest("Bad Request: message is not modified")]

    assert await worker.deliver_due() == 1

    assert (message(store, n).status, message(store, n).telegram_message_id) == (OutboxStatus.SENT, 4242)
    assert hooks.sent == [(n, 4242)]


async def test_another_bad_edit_ends_the_message(worker, store, bot):
    n = queue(store, "edited", edit=4242)
    bot.errors[CHAT] = [BadRequest("Bad Request: message to edit not found")]

    assert await worker.deliver_due() == 0

    assert message(store, n).status == OutboxStatus.DEAD


async def wait_until(condition, timeout: float = 5.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.005)

    await asyncio.wait_for(poll(), timeout)


async def test_the_running_worker_sends_each_chat_in_order(worker, store, bot):
    worker.start()
    try:
        for i in range(3):
            queue(store, f"a{i}")
            queue(store, f"b{i}", chat_id=OTHER_CHAT)
        worker.wake()
        await wait_until(lambda: len(bot.calls) == 6)
    finally:
        await worker.stop()

    assert bot.texts(CHAT) == ["a0", "a1", "a2"]
    assert bot.texts(OTHER_CHAT) == ["b0", "b1", "b2"]
    assert all(m.status == OutboxStatus.SENT for m in store.outbox.values())


async def test_a_slow_chat_does_not_hold_up_the_others(worker, store, bot):
    bot.gates[CHAT] = asyncio.Event()  # Telegram takes its time with this chat
    slow = queue(store, "slow")
    worker.start()
    try:
        queue(store, "quick 1", chat_id=OTHER_CHAT)
        queue(store, "quick 2", chat_id=OTHER_CHAT)
        worker.wake()
        await wait_until(lambda: bot.texts(OTHER_CHAT) == ["quick 1", "quick 2"])
        assert message(store, slow).status == OutboxStatus.SENDING  # leased, in flight
        bot.gates[CHAT].set()
        await wait_until(lambda: message(store, slow).status == OutboxStatus.SENT)
    finally:
        await worker.stop()


async def test_stopping_lets_the_message_in_flight_finish(worker, store, bot):
    bot.gates[CHAT] = asyncio.Event()
    n = queue(store, "in flight")
    worker.start()
    await wait_until(lambda: len(bot.calls) == 1)

    stopping = asyncio.create_task(worker.stop())
    await asyncio.sleep(0.05)
    assert not stopping.done()  # waits for Telegram's answer, so it is not sent twice
    bot.gates[CHAT].set()
    await stopping

    assert message(store, n).status == OutboxStatus.SENT


async def test_a_store_hiccup_does_not_end_delivery(worker, store, bot):
    store.fail("due_messages", RuntimeError("database is locked"), times=2)
    queue(store, "answer")
    worker.start()
    try:
        await wait_until(lambda: len(bot.calls) == 1)
    finally:
        await worker.stop()

    assert store.calls.count("due_messages") >= 3
