"""Shared fixtures: a small corpus the tests write, and the real GARD corpus where ../shared has it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from corpus_fixture import write_corpus  # noqa: E402

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
