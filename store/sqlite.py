"""SQLite implementation of `store.protocol.Store` (the SQL is in `store.sql` and its table modules).

Why SQLite: one bot process with modest write volume, and a single file is trivial to
back up. The settings below make it a safe home for state that users were promised
(ticket numbers, queued replies):

* WAL journal, so report scripts can read while the bot writes;
* ``synchronous=FULL``, so a commit survives power loss, not just a crash: a ticket
  number that was shown to a user can never be handed out again;
* foreign keys on, and a busy timeout so a second process waits instead of failing;
* every write in an explicit ``BEGIN IMMEDIATE`` transaction (the write lock is taken
  up front, so two writers never deadlock upgrading a read lock);
* ``secure_delete``, and a WAL checkpoint after `forget_user`, so erased data does not
  linger in free pages or old page images;
* the file, and so its WAL and SHM files, readable by its owner only (0600).

One process owns the file: this store is the only live replica (`shared` is False), so
`release_leases` and `inbox_pending` take over everything another store left behind,
and named locks are held in this store's memory.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .backoff import RetryPolicy
from .records import StoreError
from .sql import Params, SQLStore


def private_file(path: Path, *, create: bool = True) -> None:
    """Make `path` readable and writable by its owner only (0600), creating it empty if asked:
    the database holds what users wrote, and SQLite gives its WAL and SHM files the mode of the
    database file. A file of another owner is left as it is (chmod would fail)."""
    if create and not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    if path.exists() and path.stat().st_uid == os.geteuid() and path.stat().st_mode & 0o077:
        path.chmod(0o600)


class SQLiteStore(SQLStore):
    """Durable bot state in one SQLite file. Implements `store.protocol.Store`; see `SQLStore`
    for transactions and `store.outbox` for the outbox guarantee."""

    dialect = "sqlite"
    shared = False
    _BEGIN = "BEGIN IMMEDIATE"
    _PASSAGE_IDS = "json_each(f.passage_ids) AS p"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        retry_policy: RetryPolicy | None = None,
        lease_seconds: float = 60.0,
        busy_timeout: float = 5.0,
    ) -> None:
        super().__init__(retry_policy=retry_policy, lease_seconds=lease_seconds)
        self.path = str(path)
        self._locks: set[str] = set()  # named locks held; only touched under _lock

        in_memory = self.path == ":memory:"
        if not in_memory:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            private_file(Path(self.path))
        # isolation_level=None: no implicit transactions; we issue BEGIN ourselves.
        conn = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if not in_memory and str(mode).lower() != "wal":
                raise StoreError(f"could not enable WAL mode on {self.path} (got {mode!r})")
            if not in_memory:  # SQLite made them with the file's mode; older ones are tightened
                for suffix in ("-wal", "-shm"):
                    private_file(Path(self.path + suffix), create=False)
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            # Zero out deleted content, so forget_user leaves no readable remnants
            # in free pages of the file.
            conn.execute("PRAGMA secure_delete = ON")
            self._conn = conn
            # BEGIN IMMEDIATE also stops two processes from migrating the file at once.
            self._migrate()
        except BaseException:
            conn.close()
            raise

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # ------------------------------------------------------------------ dialect hooks

    def _execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    def _in_transaction(self) -> bool:
        return self._conn.in_transaction

    def _owner_live(self, owner: str) -> bool:
        return False  # one process owns the file; SQLStore._is_live already matched this store

    def _after_forget(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # ------------------------------------------------------------------ named locks

    def try_lock(self, name: str) -> bool:
        """Take the named lock unless this store holds it already (see `Store.try_lock`)."""
        with self._lock:
            if name in self._locks:
                return False
            self._locks.add(name)
            return True

    def unlock(self, name: str) -> None:
        with self._lock:
            self._locks.discard(name)

    def holds_lock(self, name: str) -> bool:
        with self._lock:
            return name in self._locks
