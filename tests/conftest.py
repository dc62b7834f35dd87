"""Shared fixtures: a small corpus the tests write, the real GARD corpus where ../shared has it,
and the databases store tests run on (SQLite, and PostgreSQL when a server answers)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from corpus_fixture import write_corpus  # noqa: E402
from store_backends import (  # noqa: E402
    POSTGRES_ENV,
    REQUIRE_POSTGRES_ENV,
    Backend,
    postgres_database,
    postgres_server_url,
    postgres_unreachable,
    without_password,
)

from answers.engine import Engine  # noqa: E402
from retrieval.build import CorpusSelection, open_index  # noqa: E402
from retrieval.search import Searcher  # noqa: E402

pytest_plugins = ["telegram_fixtures"]

SHARED = Path(__file__).resolve().parents[2] / "shared"
SHARED_MEDQUAD = SHARED / "data" / "medquad"
SHARED_EVAL = SHARED / "eval" / "gard-dev-questions.jsonl"

_without_shared = pytest.mark.skipif(
    not (SHARED_MEDQUAD / "2_GARD_QA").is_dir(), reason="../shared/data/medquad not present"
)


def needs_shared(test: Callable[..., Any]) -> Callable[..., Any]:
    """For a test of the whole GARD corpus or the evaluation sets: marked `gard` (outside the quick
    tier) and skipped, with the reason shown, where ../shared is absent."""
    return pytest.mark.gard(_without_shared(test))


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def small_index(small_corpus, tmp_path_factory):
    return open_index(CorpusSelection(small_corpus), tmp_path_factory.mktemp("index"), progress=False)


@pytest.fixture(scope="session")
def small_searcher(small_index) -> Searcher:
    return Searcher(small_index)


@pytest.fixture
def small_engine(small_searcher) -> Engine:
    return Engine(small_searcher)


@pytest.fixture(scope="session")
def gard_index_root(tmp_path_factory) -> Path:
    """Where the GARD index of the test session lives (built once, by gard_index)."""
    return tmp_path_factory.mktemp("gard")


@pytest.fixture(scope="session")
def gard_index(gard_index_root):
    if not (SHARED_MEDQUAD / "2_GARD_QA").is_dir():
        pytest.skip("../shared/data/medquad not present")
    return open_index(CorpusSelection(SHARED_MEDQUAD), gard_index_root, progress=False)


@pytest.fixture(scope="session")
def gard_searcher(gard_index) -> Searcher:
    return Searcher(gard_index)


@pytest.fixture
def gard_engine(gard_searcher) -> Engine:
    return Engine(gard_searcher)


# --------------------------------------------------------------------------- databases

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pytest_configure(config: pytest.Config) -> None:
    for line in TIER_MARKERS.values():
        config.addinivalue_line("markers", line)


# --------------------------------------------------------------------------- tiers

# `make test` runs every test; `make test-quick` only those marked `quick`: the rest, whatever no
# other marker claims. A test is outside the quick tier when it is marked (by hand, or below
# from the fixtures it uses) with one of the other markers. See docs/testing.md.
TIER_MARKERS = {
    "quick": "quick: the quick tier (make test-quick): no marker below; no server, subprocess or GARD",
    "postgres": "postgres: needs a PostgreSQL server (GARDBOT_TEST_POSTGRES)",
    "e2e": "e2e: starts a server (the Bot API double, HTTP), a subprocess or the gardbot process",
    "gard": "gard: reads the whole GARD corpus or its index from ../shared (the index takes ~15 s to build)",
    "slow": "slow: takes a second or more on its own (hypothesis searches, plots, big property tests)",
}
# Fixtures that put a test in a tier, however deep in its fixture chain they are.
TIER_OF_FIXTURE = {
    "double": "e2e",  # the Bot API double, an HTTP server on 127.0.0.1
    "gard_index_root": "gard",  # under gard_index, gard_searcher and gard_engine
    "pg_server": "postgres",  # under pg_url and pg_backend
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        for fixture, marker in TIER_OF_FIXTURE.items():
            if fixture in fixtures:
                item.add_marker(marker)
        if not any(item.get_closest_marker(name) for name in TIER_MARKERS if name != "quick"):
            item.add_marker("quick")


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The PostgreSQL server's URL (an admin database such as ``postgres``).

    When no server answers, PostgreSQL cases are skipped with the reason, or fail when
    GARDBOT_REQUIRE_POSTGRES=1 (as CI sets it), so a missing server cannot pass for green.
    """
    url = postgres_server_url()
    why = postgres_unreachable(url)
    if why is not None:
        message = f"PostgreSQL not reachable at {without_password(url)}; set {POSTGRES_ENV} ({why})"
        if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
            pytest.fail(f"{message}; {REQUIRE_POSTGRES_ENV}=1 requires it", pytrace=False)
        pytest.skip(message)
    return url


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    with postgres_database(pg_server) as url:
        yield url


@pytest.fixture
def pg_backend(pg_url: str) -> Iterator[Backend]:
    backend = Backend("postgres", pg_url)
    yield backend
    backend.close_all()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """An empty database of each kind: the test runs once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        chosen = Backend("sqlite", str(tmp_path / "data" / "bot.sqlite3"))
    else:
        chosen = Backend("postgres", request.getfixturevalue("pg_url"))
    yield chosen
    chosen.close_all()


@pytest.fixture(scope="module", params=BACKENDS)
def module_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    """Like `backend`, shared by the tests of a module (for slow property tests)."""
    if request.param == "sqlite":
        chosen = Backend("sqlite", str(tmp_path_factory.mktemp("db") / "bot.sqlite3"))
        yield chosen
        chosen.close_all()
        return
    with postgres_database(request.getfixturevalue("pg_server")) as url:
        chosen = Backend("postgres", url)
        yield chosen
        chosen.close_all()
