"""Several PostgresStore replicas on one database: claims, liveness, locks and reconnection.

Each test gets a fresh database (`pg_backend`); a "replica" is a store of its own, with its
own connection, as another bot process would have. A replica dies by closing its store, by
having its server connection terminated, or, once, by SIGKILL of a real process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from store_backends import Backend

from store import OutboxItem, Store, TicketStateError
from store.migrations import LATEST_VERSION

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[1]


def run_threads(*targets) -> None:
    errors: list[BaseException] = []

    def guarded(target):
        try:
            target()
        except BaseException as exc:  # surfaced in the test thread below
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    if errors:
        raise errors[0]


def test_replicas_starting_together_migrate_once(pg_backend: Backend) -> None:
    opened: list[Store] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        barrier.wait()
        opened.append(pg_backend.open())

    run_threads(*[start] * 4)
    assert len(opened) == 4
    versions = pg_backend.execute("SELECT version FROM schema_version ORDER BY version")
    assert versions == [(v,) for v in range(1, LATEST_VERSION + 1)]


def test_two_replicas_claim_every_message_once_and_keep_each_chats_order(pg_backend: Backend) -> None:
    first, second = pg_backend.open(), pg_backend.open()
    ids = [first.enqueue("text", 1000 + i % 40, {"n": i}, f"k{i}", now=0.0) for i in range(200)]
    claims: list[tuple[str, int, int]] = []  # (replica, chat, id), in the order they were sent
    record = threading.Lock()
    barrier = threading.Barrier(2)

    def worker(store: Store) -> None:
        barrier.wait()
        while store.outbox_stats(now=1.0).depth:
            for message in store.due_messages(now=1.0, limit=7):
                with record:
                    claims.append((store.replica_id, message.chat_id, message.id))
                store.mark_sent(message.id, message.id, now=1.0)

    run_threads(lambda: worker(first), lambda: worker(second))
    claimed = Counter(message_id for _, _, message_id in claims)
    assert sorted(claimed) == ids and set(claimed.values()) == {1}  # every id exactly once
    for chat in range(1000, 1040):
        sent = [message_id for _, c, message_id in claims if c == chat]
        assert sent == sorted(sent) and len(sent) == 5
    assert {replica for replica, _, _ in claims} == {first.replica_id, second.replica_id}


def test_a_dead_replicas_leases_are_released_and_a_live_ones_are_not(pg_backend: Backend) -> None:
    dying, living, watcher = pg_backend.open(), pg_backend.open(), pg_backend.open()
    dying.enqueue("text", 1, {}, "a", now=0.0)
    living.enqueue("text", 2, {}, "b", now=0.0)
    [a] = dying.due_messages(now=1.0, limit=1)
    [b] = living.due_messages(now=1.0, limit=1)
    assert (a.lease_owner, b.lease_owner) == (dying.replica_id, living.replica_id)
    assert watcher.release_leases(now=2.0) == 0  # both owners are live
    assert living.release_leases(now=2.0) == 0 and dying.release_leases(now=2.0) == 0

    pg_backend.stop(dying)
    assert watcher.release_leases(now=2.0) == 1
    assert watcher.get_outbox_message(a.id).status == "pending"
    assert watcher.get_outbox_message(b.id).lease_owner == living.replica_id
    [again] = living.due_messages(now=2.0)
    assert (again.id, again.attempts) == (a.id, 2)


def test_a_sigkilled_process_leaves_its_leases_and_inbox_to_the_others(pg_backend: Backend) -> None:
    """The real thing: a process holding a lease and a pending update is killed with SIGKILL."""
    script = f"""
import sys, time
from store import open_store
s = open_store({pg_backend.url!r})
s.enqueue("text", 1, {{"t": "x"}}, "k", now=0.0)
s.due_messages(now=1.0)
s.inbox_add(77, {{"update_id": 77}}, 1, 1)
print(s.replica_id, flush=True)
time.sleep(60)
"""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        replica = process.stdout.readline().strip()
        assert replica.endswith(tuple("0123456789abcdef")), replica
        survivor = pg_backend.open()
        assert survivor.release_leases(now=2.0) == 0 and survivor.inbox_pending() == []  # still alive
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        process.kill()
    # the server notices the closed socket at once, but give it a moment
    for _ in range(50):
        if survivor.release_leases(now=2.0) == 1:
            break
        threading.Event().wait(0.1)
    else:
        pytest.fail("the killed process's lease was never released")
    assert [e.update_id for e in survivor.inbox_pending()] == [77]


def test_pending_updates_are_adopted_from_dead_replicas_only_and_by_one_replica(pg_backend: Backend) -> None:
    dying, living = pg_backend.open(), pg_backend.open()
    for update_id in range(1, 31):
        assert dying.inbox_add(update_id, {"update_id": update_id}, chat_id=update_id % 3)
    assert living.inbox_add(100, {"update_id": 100})
    adopters = [pg_backend.open(), pg_backend.open()]
    assert adopters[0].inbox_pending() == []
    pg_backend.stop(dying)

    adopted: dict[str, list[int]] = {}
    barrier = threading.Barrier(2)

    def adopt(store: Store) -> None:
        barrier.wait()
        adopted[store.replica_id] = [entry.update_id for entry in store.inbox_pending()]

    run_threads(*[lambda s=s: adopt(s) for s in adopters])
    together = sorted(adopted[adopters[0].replica_id] + adopted[adopters[1].replica_id])
    assert together == list(range(1, 31))  # all of the dead replica's, none twice, not the live one's
    for ids in adopted.values():
        assert ids == sorted(ids)
    assert living.inbox_pending() == [] and adopters[0].inbox_pending() == []
    [(owner,)] = pg_backend.execute("SELECT owner FROM inbox WHERE update_id = 100")
    assert owner == living.replica_id


def test_named_locks_are_exclusive_across_replicas_and_die_with_the_connection(pg_backend: Backend) -> None:
    a, b, c = pg_backend.open(), pg_backend.open(), pg_backend.open()
    assert a.try_lock("telegram:polling")
    assert not b.try_lock("telegram:polling") and not b.holds_lock("telegram:polling")
    assert b.try_lock("chat:42")  # another name is another lock
    a.unlock("telegram:polling")
    assert b.try_lock("telegram:polling") and not a.try_lock("telegram:polling")

    pg_backend.terminate(b)  # b's connection drops: its locks go with it
    assert not b.holds_lock("telegram:polling")
    assert a.try_lock("telegram:polling") and a.try_lock("chat:42")
    # b works again on a new connection, and counts as live again
    b.enqueue("text", 1, {}, "k", now=0.0)
    [message] = b.due_messages(now=1.0)
    assert c.release_leases(now=2.0) == 0
    assert not b.try_lock("chat:42")
    pg_backend.stop(a)
    assert b.try_lock("chat:42") and b.holds_lock("chat:42")
    assert message.lease_owner == b.replica_id


def test_a_broken_connection_is_reopened_on_the_next_call(pg_backend: Backend) -> None:
    store = pg_backend.open()
    store.create_ticket(1, 1, "A", "q", None, [])
    pg_backend.terminate(store)
    with pytest.raises(psycopg.OperationalError):
        store.get_ticket(1)  # the call that finds the connection gone fails
    assert store.get_ticket(1).question == "q"  # the next one reconnects

    with pytest.raises(psycopg.OperationalError):
        with store.transaction():
            store.enqueue("text", 1, {}, "lost")
            pg_backend.terminate(store)
            store.enqueue("text", 1, {}, "lost too")
    assert store.list_outbox() == []  # the transaction died with its connection
    assert store.enqueue("text", 1, {}, "kept") == store.list_outbox()[0].id


def test_two_replicas_answering_one_ticket_relay_one_answer(pg_backend: Backend) -> None:
    staff = [pg_backend.open(), pg_backend.open()]
    ticket = staff[0].create_ticket(42, 42, "Ada", "q", None, [])
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def answer(store: Store, who: str) -> None:
        relay = OutboxItem("relay", 42, {"text": who}, f"relay:{ticket.n}:{who}", 42)
        barrier.wait()
        try:
            store.answer_ticket(ticket.n, who, 1, who, outbox=[relay])
            outcomes.append(who)
        except TicketStateError:
            outcomes.append("refused")

    run_threads(lambda: answer(staff[0], "first"), lambda: answer(staff[1], "second"))
    assert sorted(outcomes) in (["first", "refused"], ["refused", "second"])
    [relay] = staff[0].list_outbox()
    assert relay.payload["text"] == staff[0].get_ticket(ticket.n).answer_text


def test_rate_check_counts_each_message_once_across_replicas(pg_backend: Backend) -> None:
    stores = [pg_backend.open(), pg_backend.open()]
    verdicts: list[str] = []
    barrier = threading.Barrier(2)

    def chat(store: Store) -> None:
        barrier.wait()
        for i in range(40):
            verdicts.append(store.rate_check(7, 25, 3600.0, now=1000.0 + i / 100))

    run_threads(*[lambda s=s: chat(s) for s in stores])
    assert Counter(verdicts) == {"ok": 25, "warn": 1, "drop": 54}
