"""The durable inbox: no update Telegram handed over is lost, and each chat is served in order.

Why: polling fetches up to 100 updates and acknowledges them with the next getUpdates offset
while the handlers are still working through them (a webhook acknowledges with its HTTP 200),
so a crash used to lose every fetched update. Now:

* `InboxQueue` stands in for PTB's update queue. PTB's Updater (polling or webhook) awaits
  ``update_queue.put(update)`` before it advances the offset or answers the webhook, and our
  ``put`` records the update in the database (`Store.inbox_add`) first. A redelivered
  update_id is recognised there and not handled twice.
* `Dispatcher` runs the recorded updates through ``Application.process_update``: different
  chats concurrently, each chat's updates one at a time in update_id order. An update is marked
  done (`Store.inbox_done`) only after its handler returned, and the handlers commit their
  effects (outbox rows, tickets) before returning. What is still pending at start-up is handled
  again before new updates are taken; handlers are written so that doing so is harmless (replies
  are outbox rows keyed by update_id, a ticket is opened once per confirmation).
* A handler that fails on a transient database error (locked, connection lost) leaves its update
  pending: it runs again after a pause, and at worst at the next start (`retry_later`).
* An update that was dispatched `max_attempts` times without finishing (it crashed the process
  each time) is set aside as ``failed`` with an error log line, instead of crashing every start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import NetworkError
from telegram.ext import Application

from bot.delivery.outbox import replying
from bot.delivery.replicas import chat_lock
from store import Store

log = logging.getLogger(__name__)

UpdateSink = Callable[[Update], Awaitable[None]]
CHAT_LOCK_POLL_SECONDS = 0.02  # how often a replica asks for a chat another replica is serving
TRANSIENT_RETRIES = 4  # a handler that hit a locked or lost database runs again up to this often
TRANSIENT_PAUSE = 0.25  # seconds before the first of those, doubling


class InboxQueue(asyncio.Queue):  # type: ignore[type-arg]
    """PTB's update queue, except that updates go to the inbox (`sink`) instead of the queue.

    Anything else PTB puts there (its stop signal) is queued as usual, so Application.stop
    works unchanged. If the update cannot be recorded, ``put`` raises NetworkError: polling then
    retries without advancing the offset, and a webhook answers 500 so Telegram sends it again.
    """

    def __init__(self) -> None:
        super().__init__()
        self.sink: UpdateSink | None = None

    async def put(self, item: Any) -> None:
        if isinstance(item, Update) and self.sink is not None:
            try:
                await self.sink(item)
            except Exception as exc:
                log.exception("could not record update %s; it will be fetched again", item.update_id)
                raise NetworkError(f"could not record update {item.update_id}: {exc}") from exc
            return
        await super().put(item)


def has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(v) for v in value.values())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


def without_nul(value: Any) -> Any:
    """The update's JSON with NUL characters taken out of every string (Telegram passes them on
    from clients; PostgreSQL text cannot hold them, so the store refuses them)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {k: without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    return value


def chat_of(update: Update) -> int | None:
    return update.effective_chat.id if update.effective_chat is not None else None


class Dispatcher:
    """Hands recorded updates to the Application: concurrently across chats, in order within one.

    At most `concurrency` updates are handled at once. Handlers no longer wait for Telegram (their
    replies are outbox rows), and the engine has one thread, so a few at a time keep it busy;
    more only crowd the event loop and starve the outbox worker: with 64, a burst of 1,000
    questions was answered at 21-24 a second, with 4 at 30 (benchmarks/telegram_load.py).
    """

    def __init__(
        self,
        app: Application,
        store: Store,
        *,
        wake_outbox: Callable[[], None] = lambda: None,
        concurrency: int = 4,
        max_attempts: int = 3,
    ) -> None:
        self.app = app
        self.store = store
        self.wake_outbox = wake_outbox
        self.max_attempts = max_attempts
        self._slots = asyncio.Semaphore(concurrency)
        self._queues: dict[int | None, deque[Update]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = False
        self._retry: set[int] = set()  # update ids whose handler asked to be run again

    async def receive(self, update: Update) -> None:
        """`InboxQueue.sink`: record the update (committed), then handle it unless it is a
        redelivery of one recorded before."""
        user = update.effective_user
        payload = update.to_dict()
        if has_nul(payload):  # no database stores NUL in text, and no reader needs it
            payload = without_nul(payload)
            update = Update.de_json(payload, self.app.bot)
        new = self.store.inbox_add(
            update.update_id, payload, chat_of(update), user.id if user is not None else None
        )
        if new:
            self.submit(update)
        else:
            log.info("update %s was delivered again; ignored", update.update_id)

    def replay_pending(self) -> int:
        """Queue what a process that stopped recorded but did not finish; returns how many. At
        start-up that is the last process's backlog; on a shared database a replica also calls it
        now and then (bot.delivery.replicas.Housekeeping) to adopt the backlog of a replica that died."""
        count = 0
        for entry in self.store.inbox_pending():
            if entry.attempts >= self.max_attempts:
                log.error(
                    "update %s was started %d times without finishing; set aside as failed",
                    entry.update_id,
                    entry.attempts,
                )
                self.store.inbox_done(entry.update_id, state="failed")
                continue
            try:
                update = Update.de_json(entry.payload, self.app.bot)
            except Exception:
                log.exception("recorded update %s cannot be read; set aside as failed", entry.update_id)
                self.store.inbox_done(entry.update_id, state="failed")
                continue
            self.submit(update)
            count += 1
        return count

    def submit(self, update: Update) -> None:
        key = chat_of(update)
        queue = self._queues.get(key)
        if queue is not None:  # that chat's worker is running and will get to it
            queue.append(update)
            return
        self._queues[key] = deque([update])
        self._idle.clear()
        task = asyncio.create_task(self._serve(key), name=f"gardbot-chat-{key}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def retry_later(self, update_id: int) -> None:
        """Called by the error handler when a handler failed on a transient database error
        (locked, connection lost): the update is handled again, not marked done."""
        self._retry.add(update_id)

    async def _serve(self, key: int | None) -> None:
        """One chat's worker: its updates one after another, then it ends. An update whose
        handler hit a transient database error is handled again after a pause (the chat's later
        updates wait for it); after `TRANSIENT_RETRIES` it stays pending for the next start or
        another replica."""
        queue = self._queues[key]
        try:
            while queue and not self._stopping:
                update, tries = queue[0], 0
                while True:
                    try:
                        async with self._chat_turn(key), self._slots:
                            done = await self._handle(update, count=tries == 0)
                    except Exception:  # the store failed: the update stays pending for next start
                        log.exception("could not handle update %s; left pending", update.update_id)
                        break
                    if done or tries >= TRANSIENT_RETRIES or self._stopping:
                        if not done:
                            log.warning("update %s left pending after %d tries", update.update_id, tries + 1)
                        break
                    tries += 1
                    log.warning(
                        "update %s hit a transient database error; try %d", update.update_id, tries + 1
                    )
                    await asyncio.sleep(TRANSIENT_PAUSE * 2 ** (tries - 1))
                queue.popleft()
        finally:
            del self._queues[key]
            if not self._queues:
                self._idle.set()

    @contextlib.asynccontextmanager
    async def _chat_turn(self, key: int | None) -> AsyncIterator[None]:
        """On a database other replicas share, one chat's updates go one at a time across all of
        them: this waits for the chat's lock (a replica holds it for one update)."""
        if not self.store.shared or key is None:
            yield
            return
        name = chat_lock(key)
        while not self.store.try_lock(name):
            await asyncio.sleep(CHAT_LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            self.store.unlock(name)

    async def _handle(self, update: Update, *, count: bool = True) -> bool:
        """Handle one update; True when it is done, False when it is to be handled again (a
        transient database error, `retry_later`). Replies are keyed by the update, so a second
        run queues nothing the first one committed."""
        if count:  # a dispatch, for spotting an update that crashes the process every time
            self.store.inbox_started(update.update_id)
        self._retry.discard(update.update_id)
        user = update.effective_user
        with replying(self.store, update.update_id, user.id if user else None, self.wake_outbox):
            try:
                await self.app.process_update(update)
            except Exception:  # process_update already gave handler errors to on_error
                log.exception("update %s failed outside its handlers", update.update_id)
        if update.update_id in self._retry:
            self._retry.discard(update.update_id)
            return False
        self.store.inbox_done(update.update_id)
        return True

    async def wait_idle(self, timeout: float) -> bool:
        """Wait until every queued update was handled; False if that took over `timeout` s."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def stop(self, timeout: float = 10.0) -> None:
        """Finish the updates in flight; the rest stay pending in the inbox for the next start."""
        self._stopping = True
        tasks = list(self._tasks)
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=timeout)
        for task in late:
            task.cancel()
        for task in late:
            with contextlib.suppress(asyncio.CancelledError):
                await task
