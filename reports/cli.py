"""`gardbot report {gaps,usage}`: read the bot's database, print a report, maybe a chart.

`bot.cli` parses the arguments and calls `run_report` with a `ReportRequest`: the database URL
comes from the bot's config, but reports never import the bot. Everything a user can get
wrong (a bad --since date, a missing or unreadable database, an unwritable chart
path) ends as one line on stderr and exit code 1, never a traceback. The report
goes to stdout, messages to stderr, so ``--format csv > gaps.csv`` stays clean.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store import SQLiteStore, Store, StoreError, open_store, redact, redact_url

from .common import day_text, parse_since
from .gaps import build_gaps, gaps_csv, gaps_markdown
from .sample import populate
from .usage import build_usage, usage_csv, usage_markdown


class ReportError(Exception):
    """A problem the user can fix; the message is shown as is."""


@dataclass(frozen=True)
class ReportRequest:
    """What `gardbot report` asks for: which report, from which database, in which form."""

    kind: str  # "gaps" or "usage"
    database_url: str  # a path, sqlite:///path or postgresql://... (config database.url)
    since: str | None = None  # YYYY-MM-DD: only questions asked on or after it
    format: str = "md"  # "md" or "csv"
    plot: str | None = None  # also write a PNG chart to this path
    demo: bool = False  # report on a throwaway database of generated usage, not database_url


# `--plot` without a file name: data/reports/gaps.png (gaps-demo.png with --demo), relative to
# the current folder like the config's other data paths; the folder is made when missing.
DEFAULT_PLOT_DIR = Path("data") / "reports"
# How much generated usage `--demo` reports on (`reports.sample.populate`, seeded, so the same
# tables every time; 0.7 s to write). benchmarks/reports.py and docs/staff.md use the same size.
DEMO_USAGE = {"questions": 10_000, "tickets": 3_000, "feedback": 2_000, "days": 90}
DEMO_START = 1_717_200_000.0  # 2024-06-01 00:00 UTC


def default_plot_path(kind: str, demo: bool) -> Path:
    """Where `--plot` with no file name writes the ``kind`` chart."""
    return DEFAULT_PLOT_DIR / f"{kind}{'-demo' if demo else ''}.png"


_SQLITE_PREFIX = "sqlite:///"


@dataclass(frozen=True)
class _Kind:
    build: Callable[[Store, float | None], Any]
    renderers: dict[str, Callable[[Any], str]]
    plot: str  # function name in reports.plot, imported only when a chart is asked for


_KINDS = {
    "gaps": _Kind(build_gaps, {"md": gaps_markdown, "csv": gaps_csv}, "plot_gaps"),
    "usage": _Kind(build_usage, {"md": usage_markdown, "csv": usage_csv}, "plot_usage"),
}


def database_file(url: str) -> Path | None:
    """The file behind a database URL or path, or None for a non-file backend.

    Used to refuse a missing database up front: opening a store creates an empty
    one, and a report on an empty database made by mistake would say "no questions"
    instead of "wrong path".
    """
    target = url.strip()
    if target.lower().startswith(_SQLITE_PREFIX):
        target = target[len(_SQLITE_PREFIX) :]
    elif "://" in target:
        return None
    if target in ("", ":memory:"):
        raise ReportError(f"database {redact_url(url)!r} is not a file, so it holds nothing to report")
    return Path(target).expanduser()


def open_existing_store(url: str) -> Store:
    """Open the store at ``url`` only if its file exists; errors as ReportError."""
    path = database_file(url)
    if path is not None and not path.exists():
        raise ReportError(f"database {path} does not exist (set database.url in config.yaml or GARDBOT_DB)")
    if path is not None and not path.is_file():
        raise ReportError(f"database {path} is not a file")
    try:
        return open_store(url)
    except (StoreError, sqlite3.Error, ValueError, OSError) as exc:
        raise ReportError(f"cannot open database {redact_url(url)}: {redact(str(exc), url)}") from None


def make_report(store: Store, kind: str, since: float | None = None, fmt: str = "md") -> tuple[Any, str]:
    """Build the ``kind`` report and render it; returns (report data, text)."""
    spec = _KINDS[kind]
    report = spec.build(store, since)
    return report, spec.renderers[fmt](report)


@contextmanager
def demo_store() -> Iterator[Store]:
    """A SQLite file in a temporary folder, filled with seeded generated usage, deleted after.

    So staff can see every report and chart on a fresh clone, before the bot has users; the
    real database is never opened.
    """
    with tempfile.TemporaryDirectory(prefix="gardbot-demo-") as folder:
        store = SQLiteStore(Path(folder) / "demo.sqlite3")
        try:
            populate(store, start=DEMO_START, **DEMO_USAGE)
            yield store
        finally:
            store.close()


def demo_note() -> str:
    """The stderr line that says a --demo report shows generated usage, not the bot's."""
    n = DEMO_USAGE
    return (
        f"demo: generated usage ({n['questions']:,} questions, {n['tickets']:,} tickets, "
        f"{n['feedback']:,} votes over {n['days']} days from {day_text(DEMO_START)}) "
        "in a throwaway database; the bot's database is not read"
    )


def read_report(request: ReportRequest, since: float | None) -> tuple[Any, str]:
    """Build and render the report from the demo or the configured database."""
    if request.demo:
        with demo_store() as store:
            return make_report(store, request.kind, since, request.format)
    url = request.database_url
    store = open_existing_store(url)
    try:
        return make_report(store, request.kind, since, request.format)
    except (StoreError, sqlite3.Error) as exc:
        raise ReportError(f"cannot read database {redact_url(url)}: {redact(str(exc), url)}") from None
    finally:
        store.close()


def write_chart(kind: str, report: Any, plot_path: str) -> int:
    """Draw the ``kind`` chart to ``plot_path``; returns the exit code (1 if it can't be written)."""
    from . import plot  # matplotlib only when a chart is asked for

    path = Path(plot_path)
    try:
        if path.parent == DEFAULT_PLOT_DIR:
            path.parent.mkdir(parents=True, exist_ok=True)
        written = getattr(plot, _KINDS[kind].plot)(report, path)
    except OSError as exc:
        print(f"error: cannot write chart {plot_path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"chart written to {written}", file=sys.stderr)
    return 0


def run_report(request: ReportRequest) -> int:
    """Entry point for `gardbot report`; returns the process exit code."""
    try:
        report, text = read_report(request, parse_since(request.since))
    except (ReportError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if request.demo:
        print(demo_note(), file=sys.stderr)
    sys.stdout.write(text)
    sys.stdout.flush()
    return write_chart(request.kind, report, request.plot) if request.plot else 0
