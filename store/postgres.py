"""PostgreSQL implementation of `store.protocol.Store` (the SQL is in `store.sql` and its table modules).

Why PostgreSQL: several bot processes (replicas) can share one database, which one
SQLite file cannot offer across hosts. What this module adds to the shared SQL:

* one psycopg 3 connection per store, in autocommit mode with explicit
  ``BEGIN``/``COMMIT``/``SAVEPOINT`` (as the SQLite store does), guarded by a re-entrant
  lock, rows as dicts; ``:name`` parameters become ``%(name)s`` once per statement;
* migrations run on open under ``pg_advisory_xact_lock``, so replicas starting together
  migrate once;
* liveness: each store holds a session advisory lock derived from its `replica_id` for
  as long as its connection lives. A replica killed with SIGKILL loses its connection and
  with it the lock, which is how others know its leases and inbox rows can be taken over;
* named locks (`try_lock`) are session advisory locks too, keyed by a 64-bit hash;
* a connection that broke (server restart, network) is reopened on the next call made
  outside a transaction; advisory locks held on it are gone by then, so `holds_lock`
  reads False and the replica lock is taken again.

Each store needs a session of its own: advisory locks and ``lock_timeout`` live in the
server session, so a pooler must not share it between clients (PgBouncer in session mode
is fine, transaction mode is not).

Durability is PostgreSQL's (``synchronous_commit`` on by default). A host that dies
without closing its sockets keeps its backend, and so its locks, until the server's TCP
keepalive notices (``tcp_keepalives_idle``); outbox leases still expire after
``lease_seconds`` whatever happens.
"""

from __future__ import annotations

import hashlib
import logging
import re
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import pq
from psycopg.rows import dict_row

from .backoff import RetryPolicy
from .records import StoreError
from .sql import Params, SQLStore

log = logging.getLogger(__name__)

# Quoted text and comments are copied (with % doubled, as psycopg wants); '::' is a cast,
# ':name' a parameter; a lone '%' is doubled.
_TOKENS = re.compile(r"'[^']*'|\"[^\"]*\"|--[^\n]*|::|:([A-Za-z_]\w*)|%")


def _token(match: re.Match[str]) -> str:
    text = match.group(0)
    if match.group(1) is not None:
        return f"%({match.group(1)})s"
    if text == "::":
        return text
    return text.replace("%", "%%")


@lru_cache(maxsize=1024)
def to_pyformat(sql: str) -> str:
    """``sql`` with ``:name`` parameters written as psycopg's ``%(name)s``."""
    return _TOKENS.sub(_token, sql)


def advisory_key(kind: str, name: str) -> int:
    """A stable signed 64-bit advisory-lock key for ``name`` (``kind`` keeps replica and
    named locks apart). blake2b, not hash(): every process must compute the same key."""
    digest = hashlib.blake2b(f"gardbot:{kind}:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _key_halves(key: int) -> dict[str, int]:
    """How pg_locks shows a bigint advisory key: high and low 32 bits, objsubid 1."""
    unsigned = key & 0xFFFF_FFFF_FFFF_FFFF
    return {"hi": unsigned >> 32, "lo": unsigned & 0xFFFF_FFFF}


_HELD_ADVISORY = """
    SELECT 1 FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND objsubid = 1
      AND classid::bigint = :hi AND objid::bigint = :lo
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


def normalize_url(url: str) -> str:
    """``postgresql+psycopg://`` (SQLAlchemy style) as libpq's ``postgresql://``."""
    scheme, sep, rest = url.partition("://")
    if scheme.lower().startswith("postgresql+"):
        return f"postgresql{sep}{rest}"
    return url


def redacted_url(url: str) -> str:
    """``url`` without its password, for messages and repr (store.redact_url)."""
    from . import redact_url

    return redact_url(url)


def redact(text: str, url: str) -> str:
    from . import redact as hide

    return hide(text, url)


class PostgresStore(SQLStore):
    """Durable bot state in a PostgreSQL database that several replicas may share.
    Implements `store.protocol.Store`; see `SQLStore` for transactions,
    `store.outbox` for the outbox guarantee, and the module docstring for what is PostgreSQL-specific."""

    dialect = "postgresql"
    shared = True
    _BEGIN = "BEGIN"
    _FOR_UPDATE = " FOR UPDATE"
    _SKIP_LOCKED = " FOR UPDATE SKIP LOCKED"
    _PASSAGE_IDS = "jsonb_array_elements_text(f.passage_ids::jsonb) AS p(value)"

    def __init__(
        self,
        url: str,
        *,
        retry_policy: RetryPolicy | None = None,
        lease_seconds: float = 60.0,
        busy_timeout: float = 5.0,
        connect_timeout: float = 10.0,
    ) -> None:
        """``busy_timeout`` bounds how long a statement waits for another replica's row
        lock (PostgreSQL's ``lock_timeout``), as SQLite's busy timeout bounds the wait for
        the write lock."""
        super().__init__(retry_policy=retry_policy, lease_seconds=lease_seconds)
        self.url = normalize_url(url)
        self.busy_timeout = busy_timeout
        self.connect_timeout = connect_timeout
        self._closed = False
        self._registered = False  # whether our connection holds the replica lock
        self._locks: set[str] = set()  # named locks taken on the current connection
        self._replica_key = advisory_key("replica", self.replica_id)
        self._conn = self._connect()
        try:
            self._register()
            self._migrate()
        except psycopg.Error as exc:  # e.g. no right to create tables: a StoreError, as callers expect
            self._conn.close()
            reason = redact(str(exc), self.url)
            raise StoreError(f"cannot open the store in {redacted_url(self.url)}: {reason}") from exc
        except BaseException:
            self._conn.close()
            raise

    def __repr__(self) -> str:
        return f"PostgresStore({redacted_url(self.url)!r})"

    def close(self) -> None:
        """Close the connection, which also ends this replica's liveness and its locks."""
        with self._lock:
            self._closed = True
            self._locks.clear()
            self._conn.close()

    # ------------------------------------------------------------------ connection

    def _connect(self) -> psycopg.Connection[dict[str, Any]]:
        try:
            conn = psycopg.connect(
                self.url,
                autocommit=True,
                row_factory=dict_row,
                connect_timeout=max(2, round(self.connect_timeout)),
                application_name="gardbot",
                client_encoding="utf8",
            )
        except psycopg.Error as exc:
            reason = redact(str(exc), self.url)
            raise StoreError(f"cannot connect to PostgreSQL at {redacted_url(self.url)}: {reason}") from exc
        try:
            conn.execute(f"SET lock_timeout = {max(1, round(self.busy_timeout * 1000))}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _register(self) -> None:
        """Mark this replica live: hold its advisory lock for the life of the connection."""
        [row] = self._rows("SELECT pg_try_advisory_lock(:key) AS ok", {"key": self._replica_key})
        self._registered = bool(row["ok"])
        if not self._registered:  # an old backend of ours still holds it; retried on next use
            log.warning("replica lock of %s is still held by an old connection", self.replica_id)

    def _ensure_connected(self) -> None:
        if self._closed:
            return  # let the closed connection raise, as SQLite does after close()
        if self._conn.closed or self._conn.broken:
            log.warning("the PostgreSQL connection was lost; reconnecting to %s", redacted_url(self.url))
            old, self._conn = self._conn, self._connect()
            old.close()
            self._locks.clear()  # they went with the old connection
            self._registered = False
        if not self._registered:
            self._register()

    def _connection_lost(self) -> bool:
        return self._conn.closed or self._conn.broken

    # ------------------------------------------------------------------ dialect hooks

    def _execute(self, sql: str, params: Params = ()) -> psycopg.Cursor[dict[str, Any]]:
        return self._conn.execute(to_pyformat(sql), params)

    def _in_transaction(self) -> bool:
        return self._conn.info.transaction_status != pq.TransactionStatus.IDLE

    def _lock_schema(self) -> None:
        # Wait as long as another replica's migration takes, not just lock_timeout.
        self._run("SET LOCAL lock_timeout = 0")
        self._run("SELECT pg_advisory_xact_lock(:key)", {"key": advisory_key("schema", "migrate")})

    def _owner_live(self, owner: str) -> bool:
        halves = _key_halves(advisory_key("replica", owner))
        return bool(self._rows(_HELD_ADVISORY, halves))

    # ------------------------------------------------------------------ named locks

    def try_lock(self, name: str) -> bool:
        """Take the named lock if no replica holds it (see `Store.try_lock`)."""
        with self._lock:
            if self._depth == 0:
                self._ensure_connected()
            if name in self._locks:
                if self.holds_lock(name):
                    return False  # advisory locks stack; taking it twice would need two unlocks
            [row] = self._query(
                "SELECT pg_try_advisory_lock(:key) AS ok", {"key": advisory_key("lock", name)}
            )
            if row["ok"]:
                self._locks.add(name)
            return bool(row["ok"])

    def unlock(self, name: str) -> None:
        with self._lock:
            if name not in self._locks:
                return
            self._locks.discard(name)
            if self._connection_lost():
                return  # the lock went with the connection
            try:
                self._query("SELECT pg_advisory_unlock(:key)", {"key": advisory_key("lock", name)})
            except psycopg.OperationalError:
                if not self._connection_lost():
                    raise

    def holds_lock(self, name: str) -> bool:
        """Whether this store's connection holds the lock now (False once it dropped)."""
        with self._lock:
            if name not in self._locks:
                return False
            if self._connection_lost():
                self._locks.discard(name)
                return False
            try:
                rows = self._rows(
                    _HELD_ADVISORY + " AND pid = pg_backend_pid()", _key_halves(advisory_key("lock", name))
                )
            except psycopg.OperationalError:
                if not self._connection_lost():
                    raise
                rows = []
            if not rows:
                self._locks.discard(name)
            return bool(rows)
