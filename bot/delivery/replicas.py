"""Several `gardbot telegram` processes on one PostgreSQL database: what each replica does so
that the work is shared and done once.

What the database already gives (store.protocol.Store): an update_id is recorded once whoever
receives it (`inbox_add`), so a webhook redelivered to another replica is ignored; an outbox row
is claimed by one replica under a lease (`due_messages`); tickets, conversations, button turns
and rate limits are rows every replica reads. What is left is here:

* `Housekeeping`, a task every replica runs every `interval` seconds: it hands back outbox leases
  and adopts recorded updates of replicas that died (their database session ended, so their
  locks are gone), and reloads the published staff answers when another replica published,
  edited or withdrew one (`Store.published_version` changed).
* `wait_to_poll` and `PollingLeader`: only one replica may call getUpdates (Telegram answers
  409 to a second), so in polling mode each replica waits for a named lock first, with its index
  loaded (a hot standby), and one whose lock is lost (its database connection dropped) stops.

With SQLite the store is one process's (`Store.shared` is False) and none of this runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor

from answers.engine import Engine
from store import Store

log = logging.getLogger(__name__)

POLLING_LOCK = "telegram:polling"


def chat_lock(chat_id: int | None) -> str:
    """The lock that keeps one chat's updates one at a time across replicas."""
    return f"chat:{chat_id}"


class PublishedSync:
    """Keeps the engine's published answers equal to the database's active ones.

    Remembers each loaded Q&A's ``updated_at``: a changed one is reloaded, a withdrawn one taken
    out, so an answer published through any replica is found through every replica.
    """

    def __init__(self, engine: Engine, store: Store) -> None:
        self.engine, self.store = engine, store
        self.version: str | None = None
        self.loaded: dict[int, float] = {}

    def start(self) -> None:
        """At start-up, after load_engine added every active Q&A: remember them as loaded."""
        self.version = self.store.published_version()
        self.loaded = {p.ticket_n: p.updated_at for p in self.store.list_published()}

    def changed(self) -> bool:
        return self.store.published_version() != self.version

    def sync(self) -> int:
        """Bring the engine up to date; returns how many Q&As were loaded or withdrawn. Run it on
        the engine's thread, so no question is being answered while the index changes."""
        version = self.store.published_version()
        active = {p.ticket_n: p for p in self.store.list_published()}
        fresh = [p for n, p in active.items() if self.loaded.get(n) != p.updated_at]
        gone = [n for n in self.loaded if n not in active]
        if fresh:
            self.engine.load_published(fresh)
        for n in gone:
            self.engine.unpublish(n)
        self.loaded = {n: p.updated_at for n, p in active.items()}
        self.version = version
        return len(fresh) + len(gone)


class Periodic:
    """A task that runs `tick` every `interval` seconds until it is stopped or `tick` returns
    False; a tick that raises is logged and tried again next round (the database may be away)."""

    name = "gardbot-periodic"
    interval: float
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                if not await self.tick():
                    return
            except Exception:
                log.exception("%s failed; trying again in %g s", self.name, self.interval)

    async def tick(self) -> bool:
        raise NotImplementedError


class Housekeeping(Periodic):
    """The periodic task of a replica on a shared database (see the module docstring)."""

    name = "gardbot-housekeeping"

    def __init__(
        self,
        store: Store,
        published: PublishedSync,
        *,
        adopt: Callable[[], int],
        wake_outbox: Callable[[], None],
        engine_thread: Executor,
        interval: float = 2.0,
    ) -> None:
        self.store, self.published, self.adopt, self.wake_outbox = store, published, adopt, wake_outbox
        self.engine_thread, self.interval = engine_thread, interval

    def start(self) -> None:
        self.published.start()
        super().start()

    async def tick(self) -> bool:
        if released := self.store.release_leases():
            log.info("%d outbox messages of a replica that stopped are due again", released)
            self.wake_outbox()
        if adopted := self.adopt():
            log.info("%d updates recorded by a replica that stopped are being handled here", adopted)
        if self.published.changed():
            loop = asyncio.get_running_loop()
            count = await loop.run_in_executor(self.engine_thread, self.published.sync)
            log.info("published answers changed elsewhere: %d loaded or withdrawn", count)
        return True


async def wait_to_poll(
    store: Store, interval: float = 1.0, clock: Callable[[], float] = time.monotonic
) -> float:
    """Wait until this replica holds the polling lock; returns the seconds it waited. A replica
    that waits is a hot standby: its index is loaded and /healthz answers, and it polls within
    `interval` seconds of the poller's death (its session ends, which frees the lock)."""
    started, said = clock(), False
    while not store.try_lock(POLLING_LOCK):
        if not said:
            log.info("another replica is polling Telegram; standing by until it stops")
            said = True
        await asyncio.sleep(interval)
    waited = clock() - started
    if said:
        log.info("this replica polls Telegram now (stood by %.1f s)", waited)
    return waited


class PollingLeader(Periodic):
    """Checks every `interval` seconds that this replica still holds the polling lock; if its
    database session was lost (and with it the lock), another replica may be polling already, so
    this one stops (`on_lost`, which ends the process; a supervisor starts it again as a
    standby)."""

    name = "gardbot-polling-leader"

    def __init__(self, store: Store, on_lost: Callable[[], None], interval: float = 5.0) -> None:
        self.store, self.on_lost, self.interval = store, on_lost, interval

    async def tick(self) -> bool:
        try:
            held = self.store.holds_lock(POLLING_LOCK)
        except Exception:
            log.exception("could not check the polling lock")
            held = False
        if not held:
            log.error("this replica lost the polling lock (database connection lost); stopping")
            self.on_lost()
        return held
