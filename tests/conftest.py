"""Shared fixtures: a small corpus the tests write, the real GARD corpus where ../shared has it,
and the databases store tests run on (SQLite, and PostgreSQL when a server answers)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

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

needs_shared = pytest.mark.skipif(
    not (SHARED_MEDQUAD / "2_GARD_QA").is_dir(), reason="../shared/data/medquad not present"
)


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
    config.addinivalue_line("markers", "postgres: needs a PostgreSQL server (GARDBOT_TEST_POSTGRES)")


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
