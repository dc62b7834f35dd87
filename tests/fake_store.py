"""An in-memory stand-in for the store, for unit tests of the delivery code (outbox worker, inbox
dispatcher, replica housekeeping) that run in milliseconds.

It implements only the `Store` methods that code calls, with the same meaning as
`store.sql.SQLStore` (whose contract tests run on SQLite and PostgreSQL in test_store.py): the
outbox hands out only each chat's oldest unsent message, counts an attempt per claim and retries
by the real `RetryPolicy`; the inbox records an update id once. `fail` makes the next call of a
method raise, as a locked or lost database would. Everything else is left out on purpose, so a
delivery change that starts calling more of the store shows up here as an AttributeError.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from store import InboxEntry, InboxState, OutboxMessage, OutboxStatus, Published, RetryPolicy

UNSENT = (OutboxStatus.PENDING, OutboxStatus.SENDING)


@dataclass
class InboxRow:
    update_id: int
    chat_id: int | None
    payload: dict[str, Any]
    state: InboxState = InboxState.PENDING
    attempts: int = 0  # dispatches started (`inbox_started`)
    owner_live: bool = True  # False: recorded by a replica (or process) that has stopped


@dataclass
class FakeStore:
    """What the delivery code asks of the store, kept in dicts (see the module docstring)."""

    shared: bool = False
    replica_id: str = "fake-host:1:ab12"
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)
    lease_seconds: float = 60.0
    outbox: dict[int, OutboxMessage] = field(default_factory=dict)
    inbox: dict[int, InboxRow] = field(default_factory=dict)
    locks: set[str] = field(default_factory=set)  # named locks this replica holds
    taken_elsewhere: set[str] = field(default_factory=set)  # named locks another replica holds
    dead_leases: set[int] = field(default_factory=set)  # outbox ids leased by a replica that died
    published: list[Published] = field(default_factory=list)
    version: str = "0"
    failures: dict[str, list[Exception]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)  # method names, in call order

    def fail(self, method: str, error: Exception, times: int = 1) -> None:
        """The next `times` calls of `method` raise `error`."""
        self.failures.setdefault(method, []).extend([error] * times)

    def _call(self, method: str) -> None:
        self.calls.append(method)
        if self.failures.get(method):
            raise self.failures[method].pop(0)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self._call("transaction")
        yield

    # -- outbox

    def enqueue(
        self,
        kind: str,
        chat_id: int,
        payload: dict[str, Any],
        dedupe_key: str,
        *,
        user_id: int | None = None,
        about: tuple[int, ...] = (),
        now: float = 0.0,
    ) -> int:
        self._call("enqueue")
        for message in self.outbox.values():
            if message.dedupe_key == dedupe_key:
                return message.id
        n = len(self.outbox) + 1
        self.outbox[n] = OutboxMessage(
            id=n,
            kind=kind,
            chat_id=chat_id,
            user_id=user_id,
            payload=payload,
            dedupe_key=dedupe_key,
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            lease_until=None,
            last_error=None,
            telegram_message_id=None,
            created_at=now,
            sent_at=None,
        )
        return n

    def _chat_heads(self) -> list[OutboxMessage]:
        heads: dict[int, OutboxMessage] = {}
        for message in sorted(self.outbox.values(), key=lambda m: m.id):
            if message.status in UNSENT:
                heads.setdefault(message.chat_id, message)
        return list(heads.values())

    def due_messages(
        self, now: float = 0.0, limit: int = 20, *, lease_seconds: float | None = None
    ) -> list[OutboxMessage]:
        self._call("due_messages")
        claimed = []
        due = [
            m
            for m in self._chat_heads()
            if m.status == OutboxStatus.PENDING
            and m.next_attempt_at <= now
            or m.status == OutboxStatus.SENDING
            and (m.lease_until or 0.0) <= now
        ]
        for message in sorted(due, key=lambda m: (m.next_attempt_at, m.id))[:limit]:
            leased = dataclasses.replace(
                message,
                status=OutboxStatus.SENDING,
                attempts=message.attempts + 1,
                lease_until=now + (self.lease_seconds if lease_seconds is None else lease_seconds),
                lease_owner=self.replica_id,
            )
            self.outbox[message.id] = leased
            claimed.append(leased)
        return claimed

    def mark_sent(self, id: int, telegram_message_id: int | None, *, now: float = 0.0) -> bool:
        self._call("mark_sent")
        message = self.outbox.get(id)
        if message is None or message.status not in UNSENT:
            return False
        self.outbox[id] = dataclasses.replace(
            message,
            status=OutboxStatus.SENT,
            telegram_message_id=telegram_message_id,
            sent_at=now,
            lease_until=None,
            lease_owner=None,
        )
        return True

    def mark_failed(
        self,
        id: int,
        error: str,
        retry_after: float | None = None,
        now: float = 0.0,
        *,
        permanent: bool = False,
    ) -> OutboxMessage | None:
        self._call("mark_failed")
        message = self.outbox.get(id)
        if message is None or message.status not in UNSENT:
            return message
        attempts = max(message.attempts, 1)
        if permanent or self.retry_policy.gives_up(attempts):
            changes: dict[str, Any] = {"status": OutboxStatus.DEAD}
        else:
            delay = self.retry_policy.delay(attempts, retry_after)
            changes = {"status": OutboxStatus.PENDING, "next_attempt_at": now + delay}
        self.outbox[id] = dataclasses.replace(
            message, attempts=attempts, last_error=error, lease_until=None, lease_owner=None, **changes
        )
        return self.outbox[id]

    def next_due_at(self) -> float | None:
        self._call("next_due_at")
        times = [
            m.next_attempt_at if m.status == OutboxStatus.PENDING else (m.lease_until or 0.0)
            for m in self._chat_heads()
        ]
        return min(times, default=None)

    def release_leases(self, *, now: float = 0.0) -> int:
        self._call("release_leases")
        released = 0
        for n in sorted(self.dead_leases):
            message = self.outbox.get(n)
            if message is not None and message.status == OutboxStatus.SENDING:
                self.outbox[n] = dataclasses.replace(
                    message, status=OutboxStatus.PENDING, next_attempt_at=now, lease_until=None
                )
                released += 1
        self.dead_leases.clear()
        return released

    # -- inbox

    def inbox_add(
        self,
        update_id: int,
        payload: dict[str, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
        *,
        now: float = 0.0,
    ) -> bool:
        self._call("inbox_add")
        if update_id in self.inbox:
            return False
        self.inbox[update_id] = InboxRow(update_id, chat_id, payload)
        return True

    def inbox_pending(self) -> list[InboxEntry]:
        self._call("inbox_pending")
        adopted = []
        for row in sorted(self.inbox.values(), key=lambda r: r.update_id):
            if row.state == InboxState.PENDING and not row.owner_live:
                row.owner_live = True  # claimed by this replica
                adopted.append(InboxEntry(row.update_id, row.chat_id, row.payload, row.attempts))
        return adopted

    def inbox_started(self, update_id: int) -> None:
        self._call("inbox_started")
        self.inbox[update_id].attempts += 1

    def inbox_done(self, update_id: int, *, state: InboxState = InboxState.DONE, now: float = 0.0) -> None:
        self._call("inbox_done")
        self.inbox[update_id].state = InboxState(state)

    # -- replicas

    def try_lock(self, name: str) -> bool:
        self._call("try_lock")
        if name in self.locks or name in self.taken_elsewhere:
            return False
        self.locks.add(name)
        return True

    def unlock(self, name: str) -> None:
        self._call("unlock")
        self.locks.discard(name)

    def holds_lock(self, name: str) -> bool:
        self._call("holds_lock")
        return name in self.locks

    def published_version(self) -> str:
        self._call("published_version")
        return self.version

    def list_published(self, active_only: bool = True) -> list[Published]:
        self._call("list_published")
        return [p for p in self.published if p.active or not active_only]
