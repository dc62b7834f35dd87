"""The inbox (bot.delivery.inbox) on its own: the queue PTB's updater writes to and the dispatcher
that runs recorded updates, against an in-memory store and an Application stand-in that records
what it was given. End to end, through the real store, PTB and the Bot API double (including a
process killed with kill -9), the same rules are tested in test_telegram.py and test_durability.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from fake_store import FakeStore, InboxRow
from telegram import Update
from telegram.error import NetworkError

from bot.delivery import inbox
from bot.delivery.inbox import Dispatcher, InboxQueue
from bot.delivery.message import Rendered
from bot.delivery.outbox import send_rendered
from store import InboxState

CHAT, OTHER_CHAT = 601, 602
Handler = Callable[[Update], Awaitable[None]]


def update_json(
    update_id: int, chat_id: int = CHAT, text: str = "What is Alport syndrome?"
) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Ann"},
            "text": text,
        },
    }


def make_update(update_id: int, chat_id: int = CHAT, text: str = "What is Alport syndrome?") -> Update:
    return Update.de_json(update_json(update_id, chat_id, text), None)


class FakeApp:
    """What the dispatcher uses of a PTB Application: ``bot`` and ``process_update``, which
    records each update it is given and runs `handler` (the bot's handlers) on it."""

    bot = None

    def __init__(self) -> None:
        self.handled: list[int] = []
        self.texts: list[str] = []
        self.handler: Handler | None = None

    async def process_update(self, update: Update) -> None:
        self.handled.append(update.update_id)
        assert update.message is not None
        self.texts.append(update.message.text or "")
        if self.handler is not None:
            await self.handler(update)


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def app() -> FakeApp:
    return FakeApp()


@pytest.fixture
def wakes() -> list[None]:
    return []


@pytest.fixture
def dispatcher(app: FakeApp, store: FakeStore, wakes: list[None]) -> Dispatcher:
    return Dispatcher(app, store, wake_outbox=lambda: wakes.append(None))  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pause before a transient retry (0.25 s, doubling) only slows these tests."""
    monkeypatch.setattr(inbox, "TRANSIENT_PAUSE", 0.0)


async def settle(dispatcher: Dispatcher) -> None:
    assert await dispatcher.wait_idle(5.0), "the dispatcher did not finish"


async def test_an_update_is_recorded_handled_once_and_marked_done(dispatcher, store, app):
    await dispatcher.receive(make_update(1))
    await settle(dispatcher)
    await dispatcher.receive(make_update(1))  # delivered again (a webhook retry, a lost offset)
    await settle(dispatcher)

    assert app.handled == [1]
    assert store.inbox[1].state == InboxState.DONE
    assert store.inbox[1].attempts == 1
    assert store.inbox[1].chat_id == CHAT


async def test_replies_are_queued_in_the_outbox_under_the_update(dispatcher, store, app, wakes):
    async def answer(update: Update) -> None:
        await send_rendered(None, CHAT, Rendered(["part 1", "part 2"]))  # type: ignore[arg-type]

    app.handler = answer
    await dispatcher.receive(make_update(7))
    await settle(dispatcher)

    assert [(m.dedupe_key, m.payload["text"]) for m in store.outbox.values()] == [
        ("update:7:0", "part 1"),
        ("update:7:1", "part 2"),
    ]
    assert wakes  # the outbox worker was told


async def test_an_update_handled_again_queues_no_reply_twice(dispatcher, store, app):
    """After a crash the same update runs again: its replies have the same keys."""

    async def answer(update: Update) -> None:
        await send_rendered(None, CHAT, Rendered(["the answer"]))  # type: ignore[arg-type]

    app.handler = answer
    store.inbox[7] = InboxRow(7, CHAT, update_json(7), attempts=1, owner_live=False)
    store.enqueue("reply", CHAT, {"text": "the answer"}, "update:7:0")  # committed before the crash

    assert dispatcher.replay_pending() == 1
    await settle(dispatcher)

    assert app.handled == [7]
    assert len(store.outbox) == 1
    assert store.inbox[7].state == InboxState.DONE


async def test_one_chat_is_served_in_order_and_other_chats_meanwhile(dispatcher, app):
    gate = asyncio.Event()

    async def slow_first(update: Update) -> None:
        if update.update_id == 1:
            await gate.wait()

    app.handler = slow_first
    for update_id, chat in [(1, CHAT), (2, CHAT), (3, OTHER_CHAT)]:
        await dispatcher.receive(make_update(update_id, chat))
    for _ in range(20):
        await asyncio.sleep(0)

    assert app.handled == [1, 3]  # 2 waits for 1, its chat's earlier update; 3 does not
    gate.set()
    await settle(dispatcher)
    assert app.handled == [1, 3, 2]


async def test_an_update_failing_outside_its_handlers_does_not_stop_its_chat(dispatcher, store, app):
    async def broken(update: Update) -> None:
        if update.update_id == 1:
            raise RuntimeError("bug")

    app.handler = broken
    await dispatcher.receive(make_update(1))
    await dispatcher.receive(make_update(2))
    await settle(dispatcher)

    assert app.handled == [1, 2]
    # Not retried forever: PTB gave the handler's error to the error handler already.
    assert store.inbox[1].state == InboxState.DONE
    assert store.inbox[2].state == InboxState.DONE


async def test_a_transient_database_error_runs_the_update_again(dispatcher, store, app):
    async def locked_once(update: Update) -> None:
        if app.handled.count(update.update_id) == 1:
            dispatcher.retry_later(update.update_id)  # what the error handler does on "locked"

    app.handler = locked_once
    await dispatcher.receive(make_update(1))
    await settle(dispatcher)

    assert app.handled == [1, 1]
    assert store.inbox[1].state == InboxState.DONE
    assert store.inbox[1].attempts == 1  # one dispatch, tried twice within it


async def test_an_update_still_failing_stays_pending_and_its_chat_goes_on(dispatcher, store, app):
    async def always_locked(update: Update) -> None:
        if update.update_id == 1:
            dispatcher.retry_later(1)

    app.handler = always_locked
    await dispatcher.receive(make_update(1))
    await dispatcher.receive(make_update(2))
    await settle(dispatcher)

    assert app.handled == [1] * (inbox.TRANSIENT_RETRIES + 1) + [2]
    assert store.inbox[1].state == InboxState.PENDING  # for the next start or another replica
    assert store.inbox[2].state == InboxState.DONE


async def test_a_store_failure_leaves_the_update_pending(dispatcher, store, app):
    store.fail("inbox_done", RuntimeError("connection lost"))
    await dispatcher.receive(make_update(1))
    await dispatcher.receive(make_update(2))
    await settle(dispatcher)

    assert app.handled == [1, 2]
    assert store.inbox[1].state == InboxState.PENDING
    assert store.inbox[2].state == InboxState.DONE


async def test_replay_hands_over_the_backlog_oldest_first(dispatcher, store, app):
    for update_id in (12, 11):
        store.inbox[update_id] = InboxRow(update_id, CHAT, update_json(update_id), owner_live=False)
    store.inbox[13] = InboxRow(13, CHAT, update_json(13))  # a live replica's: not adopted

    assert dispatcher.replay_pending() == 2
    await settle(dispatcher)

    assert app.handled == [11, 12]
    assert store.inbox[13].state == InboxState.PENDING


async def test_replay_sets_aside_an_update_that_crashed_every_start(dispatcher, store, app):
    crashing = InboxRow(21, CHAT, update_json(21), attempts=3, owner_live=False)
    store.inbox[21] = crashing
    store.inbox[22] = InboxRow(22, CHAT, update_json(22), attempts=2, owner_live=False)

    assert dispatcher.replay_pending() == 1
    await settle(dispatcher)

    assert app.handled == [22]
    assert store.inbox[21].state == InboxState.FAILED
    assert store.inbox[22].state == InboxState.DONE


async def test_replay_sets_aside_an_update_it_cannot_read(dispatcher, store, app):
    store.inbox[31] = InboxRow(31, CHAT, {"update_id": 31, "message": "garbled"}, owner_live=False)
    store.inbox[32] = InboxRow(32, CHAT, update_json(32), owner_live=False)

    assert dispatcher.replay_pending() == 1
    await settle(dispatcher)

    assert app.handled == [32]
    assert store.inbox[31].state == InboxState.FAILED


async def test_nul_characters_are_taken_out_before_recording(dispatcher, store, app):
    await dispatcher.receive(make_update(41, text="Alport\x00 syndrome"))
    await settle(dispatcher)

    assert store.inbox[41].payload["message"]["text"] == "Alport syndrome"
    assert app.texts == ["Alport syndrome"]


async def test_on_a_shared_database_a_chat_waits_for_its_lock(dispatcher, store, app):
    store.shared = True
    store.taken_elsewhere.add("chat:601")  # another replica is serving this chat
    await dispatcher.receive(make_update(51))
    for _ in range(5):
        await asyncio.sleep(inbox.CHAT_LOCK_POLL_SECONDS)
    assert app.handled == []

    store.taken_elsewhere.clear()
    await settle(dispatcher)

    assert app.handled == [51]
    assert store.locks == set()  # given back after the update


async def test_stop_leaves_queued_updates_pending(dispatcher, store, app):
    gate = asyncio.Event()

    async def slow(update: Update) -> None:
        await gate.wait()

    app.handler = slow
    await dispatcher.receive(make_update(61))
    await dispatcher.receive(make_update(62))
    await asyncio.sleep(0)
    stopping = asyncio.create_task(dispatcher.stop())
    await asyncio.sleep(0)
    gate.set()
    await stopping

    assert store.inbox[61].state == InboxState.DONE  # in flight: finished
    assert store.inbox[62].state == InboxState.PENDING  # not started: for the next start
    assert app.handled == [61]


async def test_the_queue_records_updates_and_passes_anything_else_on():
    recorded: list[int] = []

    async def sink(update: Update) -> None:
        recorded.append(update.update_id)

    queue = InboxQueue()
    queue.sink = sink
    await queue.put(make_update(71))
    await queue.put("stop")  # PTB's own signal

    assert recorded == [71]
    assert queue.get_nowait() == "stop"
    assert queue.empty()


async def test_the_queue_refuses_an_update_it_cannot_record():
    """So polling keeps its offset and a webhook answers 500: Telegram sends it again."""

    async def sink(update: Update) -> None:
        raise RuntimeError("database is locked")

    queue = InboxQueue()
    queue.sink = sink
    with pytest.raises(NetworkError, match="could not record update 81"):
        await queue.put(make_update(81))
    assert queue.empty()
