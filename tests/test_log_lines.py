"""Log lines read as sentences: figures with thousands separators and words, never a dict or repr.

The first thing a newcomer sees is the index build's line; /forget and a failing health check log
what happened in words too. Each function here is the one the log call uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ops.health import check_sentence
from bot.telegram.handlers import forgotten_sentence
from retrieval.build import built_sentence


def _no_python_literals(line: str) -> None:
    assert not any(mark in line for mark in ("{", "}", "': ", "[", "]")), line


def test_index_build_is_one_sentence_with_a_folder_relative_to_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    figures = {
        "folder": str(tmp_path / "data" / "index" / "2-40bad43b8f5c"),
        "pages": 2685,
        "sections": 10000,
        "empty_answers": 5,
        "skipped_files": 0,
        "passages": 12727,
        "terms": 14596,
        "seconds": 13.07,
    }
    line = built_sentence(figures)
    assert line == (
        "built the index of 2,685 pages (12,727 passages, 14,596 terms; 5 empty answers left out) "
        "in 13.1 s at data/index/2-40bad43b8f5c"
    )
    _no_python_literals(line)


def test_index_build_elsewhere_keeps_the_whole_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    elsewhere = Path("/var/lib/gardbot/index/x")
    figures = {"folder": str(elsewhere), "pages": 1, "passages": 2, "terms": 3, "seconds": 0.04}
    assert built_sentence(figures).endswith(f"in 0.0 s at {elsewhere}")


def test_forget_counts_as_words():
    counts = {"tickets": 2, "published": 0, "drafts": 0, "feedback": 1, "questions": 5, "withdrawn": 3}
    line = forgotten_sentence(counts)
    assert line == (
        "2 tickets redacted, 1 feedback votes deleted, 5 logged questions deleted, "
        "3 staff-chat copies withdrawn"
    )
    assert forgotten_sentence(dict.fromkeys(counts, 0)) == "nothing was stored"


@pytest.mark.parametrize(
    ("name", "check", "expected"),
    [
        (
            "outbox",
            {"ok": False, "depth": 12, "oldest_due_seconds": 412.5, "limit_seconds": 300},
            "outbox: depth 12, oldest due seconds 412.5, limit seconds 300",
        ),
        ("database", {"ok": False, "error": "no answer within 2 s"}, "database: no answer within 2 s"),
        ("index", {"ok": False}, "index"),
    ],
)
def test_failed_health_check_as_words(name, check, expected):
    line = check_sentence(name, check)
    assert line == expected
    _no_python_literals(line)
