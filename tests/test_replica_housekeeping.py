"""What each replica does on a shared database (bot.delivery.replicas) on its own, against an
in-memory store: housekeeping hands back dead replicas' leases and backlog and keeps published
answers in step, and one replica polls Telegram. With real processes on PostgreSQL (failover after
kill -9) the same is tested in test_replicas.py and test_store_replicas.py.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fake_store import FakeStore

from bot.delivery.replicas import POLLING_LOCK, Housekeeping, PollingLeader, PublishedSync, wait_to_poll
from store import OutboxStatus, Published

CHAT = 701


class FakeEngine:
    """The engine's published-answer calls, and the thread each ran on."""

    def __init__(self) -> None:
        self.loaded: list[tuple[int, str]] = []
        self.withdrawn: list[int] = []
        self.threads: set[str] = set()

    def load_published(self, qas: list[Published]) -> list[object]:
        self.threads.add(threading.current_thread().name)
        self.loaded += [(qa.ticket_n, qa.answer) for qa in qas]
        return []

    def unpublish(self, ticket_n: int) -> bool:
        self.threads.add(threading.current_thread().name)
        self.withdrawn.append(ticket_n)
        return True


def qa(n: int, answer: str, updated_at: float = 100.0, unpublished_at: float | None = None) -> Published:
    return Published(
        ticket_n=n,
        question=f"question {n}",
        answer=answer,
        role="staff",
        published_at=100.0,
        updated_at=updated_at,
        unpublished_at=unpublished_at,
    )


@pytest.fixture
def store() -> FakeStore:
    return FakeStore(shared=True)


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def engine_thread() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(1, thread_name_prefix="engine") as pool:
        yield pool


class Calls:
    def __init__(self, result: int = 0) -> None:
        self.count, self.result = 0, result

    def __call__(self) -> int:
        self.count += 1
        return self.result


def housekeeping(store, engine, engine_thread, adopt=None, wake=None) -> Housekeeping:
    return Housekeeping(
        store,  # type: ignore[arg-type]
        PublishedSync(engine, store),  # type: ignore[arg-type]
        adopt=adopt or Calls(),
        wake_outbox=wake or Calls(),
        engine_thread=engine_thread,
        interval=0.01,
    )


def leased_message(store: FakeStore, text: str) -> int:
    n = store.enqueue("reply", CHAT, {"text": text}, f"key:{text}")
    [claimed] = store.due_messages(now=0.0)
    assert claimed.id == n
    return n


async def test_leases_of_a_replica_that_died_are_handed_back_and_the_outbox_woken(
    store, engine, engine_thread
):
    n = leased_message(store, "sent by a replica that died")
    store.dead_leases.add(n)
    wake = Calls()
    keeper = housekeeping(store, engine, engine_thread, wake=wake)

    assert await keeper.tick() is True

    assert store.outbox[n].status == OutboxStatus.PENDING
    assert wake.count == 1


async def test_nothing_to_hand_back_wakes_nobody(store, engine, engine_thread):
    leased_message(store, "in flight here")  # this replica's own lease, alive
    wake = Calls()
    keeper = housekeeping(store, engine, engine_thread, wake=wake)

    await keeper.tick()

    assert wake.count == 0
    assert store.outbox[1].status == OutboxStatus.SENDING


async def test_every_tick_adopts_the_backlog_of_replicas_that_died(store, engine, engine_thread):
    adopt = Calls(result=3)
    keeper = housekeeping(store, engine, engine_thread, adopt=adopt)

    await keeper.tick()
    await keeper.tick()

    assert adopt.count == 2


async def test_answers_published_elsewhere_are_loaded_on_the_engine_thread(store, engine, engine_thread):
    store.published = [qa(1, "first")]
    keeper = housekeeping(store, engine, engine_thread)
    keeper.published.start()  # what load_engine loaded at start-up

    await keeper.tick()
    assert engine.loaded == []  # nothing changed: the engine is left alone

    store.published = [qa(1, "first, edited", updated_at=200.0), qa(2, "second")]
    store.version = "1"
    await keeper.tick()

    assert sorted(engine.loaded) == [(1, "first, edited"), (2, "second")]
    assert engine.threads == {"engine_0"}  # never while the engine thread answers a question

    store.published = [qa(2, "second")]  # 1 withdrawn on another replica
    store.version = "2"
    await keeper.tick()

    assert engine.withdrawn == [1]
    assert len(engine.loaded) == 2  # 2 unchanged, not loaded again
    assert not keeper.published.changed()


async def test_a_failing_tick_is_tried_again_next_round(store, engine, engine_thread):
    store.fail("release_leases", RuntimeError("connection lost"), times=2)
    keeper = housekeeping(store, engine, engine_thread)
    keeper.start()
    try:

        async def third_round() -> None:
            while store.calls.count("release_leases") < 3:
                await asyncio.sleep(0.01)

        await asyncio.wait_for(third_round(), 5.0)
    finally:
        await keeper.stop()

    assert store.calls.count("published_version") >= 1  # got past the failure at last


async def test_a_replica_polls_only_once_the_polling_lock_is_free(store):
    store.taken_elsewhere.add(POLLING_LOCK)  # another replica is polling
    times = iter([10.0, 17.5])  # the clock when it starts waiting, and when it got the lock
    waiting = asyncio.create_task(
        wait_to_poll(store, interval=0.01, clock=lambda: next(times))  # type: ignore[arg-type]
    )
    await asyncio.sleep(0.05)
    assert not waiting.done()  # a hot standby

    store.taken_elsewhere.clear()  # the poller died: its session, and lock, are gone
    waited = await asyncio.wait_for(waiting, 5.0)

    assert waited == 7.5  # how long it stood by, for its log line
    assert store.holds_lock(POLLING_LOCK)


async def test_the_first_replica_polls_at_once(store):
    assert await wait_to_poll(store, interval=10.0, clock=lambda: 10.0) == 0  # type: ignore[arg-type]
    assert store.locks == {POLLING_LOCK}


async def test_the_leader_goes_on_while_it_holds_the_lock(store):
    lost = Calls()
    store.locks.add(POLLING_LOCK)
    leader = PollingLeader(store, lost, interval=0.01)  # type: ignore[arg-type]

    assert await leader.tick() is True
    assert lost.count == 0


async def test_a_leader_that_lost_the_lock_stops(store):
    lost = Calls()
    leader = PollingLeader(store, lost, interval=0.01)  # type: ignore[arg-type]

    assert await leader.tick() is False
    assert lost.count == 1


async def test_a_leader_that_cannot_check_its_lock_stops(store):
    """It may have lost it; two pollers would get 409 Conflict from Telegram."""
    lost = Calls()
    store.locks.add(POLLING_LOCK)
    store.fail("holds_lock", RuntimeError("connection lost"))
    leader = PollingLeader(store, lost, interval=0.01)  # type: ignore[arg-type]

    assert await leader.tick() is False
    assert lost.count == 1


async def test_a_running_leader_ends_its_task_when_the_lock_is_lost(store):
    lost = Calls()
    store.locks.add(POLLING_LOCK)
    leader = PollingLeader(store, lost, interval=0.01)  # type: ignore[arg-type]
    leader.start()
    try:
        store.locks.clear()
        assert leader._task is not None
        await asyncio.wait_for(leader._task, 5.0)
    finally:
        await leader.stop()

    assert lost.count == 1
