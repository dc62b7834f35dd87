"""The databases store tests run on: an SQLite file, or a throw-away PostgreSQL database.

A `Backend` opens stores on its database (several, as replicas or as a restarted
process) and runs raw SQL there, so a test can set up an old schema or look at every
cell without going through the store. The fixtures in conftest.py build them.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from store import Store, open_store

POSTGRES_ENV = "GARDBOT_TEST_POSTGRES"
REQUIRE_POSTGRES_ENV = "GARDBOT_REQUIRE_POSTGRES"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_server_url() -> str:
    return os.environ.get(POSTGRES_ENV) or DEFAULT_POSTGRES


def postgres_unreachable(url: str) -> str | None:
    """Why no PostgreSQL server answers at ``url``, or None when one does."""
    try:
        import psycopg
    except ImportError as exc:
        return f"psycopg is not installed ({exc})"
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def without_password(url: str) -> str:
    """``url`` fit for a skip message (store.postgres.redacted_url needs psycopg)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{parts.netloc.rsplit('@', 1)[1]}"))


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` instead of its own."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database with a random name on the server; dropped afterwards, even
    while stores still hold connections to it."""
    import psycopg

    name = f"gardbot_test_{secrets.token_hex(6)}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Backend:
    """One database of one kind; ``name`` is ``sqlite`` or ``postgres``."""

    name: str
    url: str  # what open_store takes: a file path or a postgresql:// URL
    stores: list[Store] = field(default_factory=list)

    @property
    def path(self) -> Path:
        assert self.name == "sqlite", "only SQLite stores live in a file"
        return Path(self.url)

    def open(self, **options: Any) -> Store:
        """A new store on this database (closed by the fixture if the test does not)."""
        store = open_store(self.url, **options)
        self.stores.append(store)
        return store

    def stop(self, store: Store) -> None:
        """End a replica as its process exiting would: close the store, and with PostgreSQL
        wait until the server has ended its session. The server does that a moment after the
        client hangs up, and only then does the replica stop holding its liveness lock."""
        if self.name == "sqlite":
            store.close()
            return
        pid = store._conn.info.backend_pid  # type: ignore[attr-defined]
        store.close()
        self._wait_until_gone(pid)

    def terminate(self, store: Store) -> None:
        """Drop a PostgreSQL store's server session under it (a server restart, a network
        failure); the store finds out on its next call."""
        pid = store._conn.info.backend_pid  # type: ignore[attr-defined]
        [(ok,)] = self.execute(f"SELECT pg_terminate_backend({pid})")
        assert ok
        self._wait_until_gone(pid)

    def _wait_until_gone(self, pid: int) -> None:
        deadline = time.monotonic() + 10
        while self.execute(f"SELECT 1 FROM pg_stat_activity WHERE pid = {pid}"):
            assert time.monotonic() < deadline, f"the server kept session {pid} for 10 s"
            time.sleep(0.01)

    def close_all(self) -> None:
        for store in self.stores:
            try:
                store.close()
            except Exception:
                pass  # already closed, or its connection was dropped on purpose

    def execute(self, *statements: str) -> list[tuple[Any, ...]]:
        """Run raw statements (no parameters) in autocommit; the last one's rows."""
        rows: list[tuple[Any, ...]] = []
        if self.name == "sqlite":
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.url, isolation_level=None)) as conn:
                for statement in statements:
                    rows = [tuple(row) for row in conn.execute(statement).fetchall()]
            return rows
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            for statement in statements:
                cursor = conn.execute(statement)
                rows = [tuple(row) for row in cursor.fetchall()] if cursor.description else []
        return rows

    def tables(self) -> list[str]:
        if self.name == "sqlite":
            return [r[0] for r in self.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [
            r[0]
            for r in self.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        ]

    def columns(self, table: str) -> set[str]:
        if self.name == "sqlite":
            return {r[1] for r in self.execute(f"PRAGMA table_info({table})")}
        return {
            r[0]
            for r in self.execute(
                f"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}'"
            )
        }

    def all_cells(self) -> list[tuple[str, object]]:
        """Every value in every table, with its table's name."""
        return [
            (table, value)
            for table in self.tables()
            for row in self.execute(f"SELECT * FROM {table}")
            for value in row
        ]
