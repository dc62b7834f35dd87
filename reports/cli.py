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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store import Store, StoreError, open_store, redact, redact_url

from .common import parse_since
from .gaps import build_gaps, gaps_csv, gaps_markdown
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


def run_report(request: ReportRequest) -> int:
    """Entry point for `gardbot report`; returns the process exit code."""
    kind, url, plot_path = request.kind, request.database_url, request.plot
    try:
        since = parse_since(request.since)
        store = open_existing_store(url)
        try:
            report, text = make_report(store, kind, since, request.format)
        except (StoreError, sqlite3.Error) as exc:
            raise ReportError(f"cannot read database {redact_url(url)}: {redact(str(exc), url)}") from None
        finally:
            store.close()
    except (ReportError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    sys.stdout.write(text)
    sys.stdout.flush()
    if plot_path:
        from . import plot

        try:
            written = getattr(plot, _KINDS[kind].plot)(report, plot_path)
        except OSError as exc:
            print(f"error: cannot write chart {plot_path}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"chart written to {written}", file=sys.stderr)
    return 0
