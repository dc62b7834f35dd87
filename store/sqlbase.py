"""The plumbing every table module of the SQL store shares, written once for SQLite and PostgreSQL.

`SQLBase` holds the connection hooks a backend supplies, statement running (`_run`, `_query`,
`_rows`), transactions with savepoints, the retry policy, replica liveness and the migrations
call. The table modules (`store.tickets`, `store.outbox`, ...) subclass it, so each sees the
same plumbing and adds only its own tables' SQL; `store.sql.SQLStore` puts them together.

Backends (`store.sqlite`, `store.postgres`) supply a connection and the few places where the
two dialects must differ:

* how a write transaction starts (``BEGIN IMMEDIATE`` takes SQLite's write lock up front);
* row locks: ``FOR UPDATE`` on a read that precedes a write, and ``FOR UPDATE SKIP LOCKED``
  when claiming outbox rows, so replicas sharing a PostgreSQL database never claim the
  same message (SQLite needs neither: one writer at a time holds the whole file);
* the table function that lists a feedback row's passage ids;
* which replicas are live, and named locks (see `Store.replica_id` and `Store.try_lock`).

Statements use named ``:name`` parameters, which sqlite3 understands as they are and
`store.postgres` rewrites once per statement for psycopg. Nothing here imports a driver.

Concurrency: one connection per store, shared by all threads and guarded by a re-entrant
lock. That fits an asyncio bot calling the store from the event-loop thread; calls are
short, so blocking the loop briefly is acceptable.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import Any, ClassVar, Self

from .backoff import RetryPolicy
from .migrations import LATEST_VERSION, Dialect, statements
from .records import SchemaError
from .rows import Row

Params = Mapping[str, Any] | Sequence[Any]

DAY = 86400.0


def json_text(value: Any) -> str:
    """Strict JSON (no NaN), as PostgreSQL jsonb would require."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def timestamp(now: float | None) -> float:
    """``now``, or the current time when it is None (every ``now=`` argument of the store)."""
    return time.time() if now is None else float(now)


def lower_bound(since: float | None) -> float:
    """``since``, or minus infinity when it is None (every ``since=`` argument of the store)."""
    return float("-inf") if since is None else float(since)


def day_of(since: float | None) -> float:
    """The start of ``since``'s day (UTC), or minus infinity: pruned counts are kept per day."""
    return (lower_bound(since) // DAY) * DAY if since is not None else lower_bound(since)


def literal(value: StrEnum) -> str:
    """A status as an SQL string literal. Statuses go into the SQL text rather than as
    parameters so PostgreSQL can match the partial indexes written with the same literals."""
    return "'" + value.value.replace("'", "''") + "'"


def one_of(*values: StrEnum) -> str:
    """``('a', 'b')``: the right-hand side of an ``IN`` over statuses (see `literal`)."""
    return "(" + ", ".join(literal(value) for value in values) + ")"


def owner_is(column: str, owner: str | None) -> str:
    """A condition matching rows whose ``column`` is ``owner`` (bound as ``:owner``).

    NULL (rows written before owners were recorded) is matched with IS NULL rather than
    ``IS NOT DISTINCT FROM``, which older SQLite versions lack.
    """
    return f"{column} IS NULL" if owner is None else f"{column} = :owner"


def new_replica_id() -> str:
    """``host:pid:random``: names the process in logs and stays unique across restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class SQLBase:
    """Connection, statements, transactions and migrations of an SQL store (no table's SQL).

    Subclasses open the connection, then call `_migrate`; see the module docstring for what a
    backend must supply.
    """

    dialect: ClassVar[Dialect]
    shared: ClassVar[bool] = False
    # The statement that opens a write transaction.
    _BEGIN: ClassVar[str] = "BEGIN"
    # Appended to a read whose rows the transaction then changes, so another replica's
    # read-modify-write of the same rows waits instead of interleaving.
    _FOR_UPDATE: ClassVar[str] = ""
    # Appended to the outbox claim: rows another replica is claiming are passed over.
    _SKIP_LOCKED: ClassVar[str] = ""
    # A FROM item giving one row per passage id of feedback row ``f``, in column p.value.
    _PASSAGE_IDS: ClassVar[str]

    def __init__(self, *, retry_policy: RetryPolicy | None, lease_seconds: float) -> None:
        self.retry_policy = retry_policy or RetryPolicy()
        self.lease_seconds = lease_seconds
        self.replica_id = new_replica_id()
        self._lock = threading.RLock()
        self._depth = 0  # transaction nesting depth; only touched under _lock

    # ------------------------------------------------------------------ dialect hooks

    def _execute(self, sql: str, params: Params = ()) -> Any:
        """Run one statement on the connection; returns a DB-API cursor."""
        raise NotImplementedError

    def _ensure_connected(self) -> None:
        """Called outside a transaction before each use: reopen a connection that broke."""

    def _in_transaction(self) -> bool:
        """Whether the connection still has a transaction open (e.g. after COMMIT failed)."""
        raise NotImplementedError

    def _connection_lost(self) -> bool:
        """True when the connection is gone, so there is no transaction left to roll back."""
        return False

    def _lock_schema(self) -> None:
        """Inside the migration transaction: keep other processes from migrating at once."""

    def _owner_live(self, owner: str) -> bool:
        """Whether the replica named ``owner`` (not this one) is running now."""
        raise NotImplementedError

    def _after_forget(self) -> None:
        """After `forget_user` committed: scrub what the backend keeps of deleted rows."""

    def close(self) -> None:
        raise NotImplementedError

    def try_lock(self, name: str) -> bool:
        raise NotImplementedError

    def unlock(self, name: str) -> None:
        raise NotImplementedError

    def holds_lock(self, name: str) -> bool:
        raise NotImplementedError

    # ------------------------------------------------------------------ statements

    def _run(self, sql: str, params: Params | None = None) -> Any:
        """Run a statement; callers hold the lock (a transaction or `_query`).

        Rejects text holding NUL before it reaches the database: PostgreSQL cannot store it,
        so neither backend accepts it and code tested on one behaves the same on the other.
        """
        values = params.values() if isinstance(params, Mapping) else (params or ())
        for value in values:
            if isinstance(value, str) and "\x00" in value:
                raise ValueError("text must not contain NUL characters")
        return self._execute(sql, {} if params is None else params)

    def _query(self, sql: str, params: Params | None = None) -> list[Row]:
        """Rows of one read, outside or inside a transaction."""
        with self._lock:
            if self._depth == 0:
                self._ensure_connected()
            return list(self._run(sql, params).fetchall())

    def _rows(self, sql: str, params: Params | None = None) -> list[Row]:
        """Rows of a statement run inside the current transaction (SELECT or RETURNING)."""
        return list(self._run(sql, params).fetchall())

    def _is_live(self, owner: str | None) -> bool:
        if owner is None:
            return False  # written before owners were recorded: by a process long gone
        return owner == self.replica_id or self._owner_live(owner)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block atomically: everything in it commits, or nothing does."""
        with self._lock:
            savepoint = f"sp{self._depth}"
            if self._depth == 0:
                self._ensure_connected()
                self._execute(self._BEGIN, {})
            else:
                self._execute(f"SAVEPOINT {savepoint}", {})
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                self._undo(savepoint)
                raise
            self._depth -= 1
            if self._depth > 0:
                self._execute(f"RELEASE {savepoint}", {})
                return
            self._commit()

    def _undo(self, savepoint: str) -> None:
        """Roll back the block that just failed: the transaction, or the nested savepoint."""
        if self._connection_lost():
            return  # the server ended the transaction with the connection
        if self._depth == 0:
            self._execute("ROLLBACK", {})
        else:
            self._execute(f"ROLLBACK TO {savepoint}", {})
            self._execute(f"RELEASE {savepoint}", {})

    def _commit(self) -> None:
        try:
            self._execute("COMMIT", {})
        except BaseException:
            # e.g. disk full: the transaction may still be open; undo it.
            if not self._connection_lost() and self._in_transaction():
                self._execute("ROLLBACK", {})
            raise

    def _migrate(self) -> int:
        """Bring the schema up to date; return the resulting version.

        Each migration runs in its own transaction together with its version bump, after
        `_lock_schema`, so two processes opening the database at once do not both migrate.
        """
        while True:
            with self.transaction():
                self._lock_schema()
                self._run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                version = int(self._rows("SELECT MAX(version) AS v FROM schema_version")[0]["v"] or 0)
                if version > LATEST_VERSION:
                    raise SchemaError(
                        f"database schema is version {version}, but this code only knows "
                        f"up to {LATEST_VERSION}; upgrade the code or use another database"
                    )
                if version == LATEST_VERSION:
                    return version
                for statement in statements(version, self.dialect):
                    self._run(statement)
                self._run("INSERT INTO schema_version (version) VALUES (:v)", {"v": version + 1})

    def ping(self) -> None:
        """Raise unless the database can be read and written now: opens a write transaction
        (waiting at most the busy/lock timeout, as every write would) and reads the schema
        version."""
        with self.transaction():
            self._rows("SELECT MAX(version) AS v FROM schema_version")
