"""Benchmark: how long the staff reports take on a realistically large database.

Builds a temporary SQLite store with synthetic traffic (by default 10,000 logged
questions, 3,000 tickets and 2,000 feedback votes over 90 days), then times building
and rendering each report, drawing each chart, and the whole ``gardbot report``
command in a fresh process (which includes Python start-up and imports).

    .venv/bin/python benchmarks/reports.py [--questions N] [--tickets N] [--repeat N]

Prints a table of seconds (median of --repeat runs). The issue asks for "under a
few seconds" on a few thousand tickets.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reports import (  # noqa: E402
    build_gaps,
    build_usage,
    gaps_csv,
    gaps_markdown,
    usage_csv,
    usage_markdown,
)
from reports.sample import populate  # noqa: E402
from store import SQLiteStore, Store  # noqa: E402


def timed(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` runs, in seconds."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def in_process(store: Store, tmp: Path, repeat: int) -> list[tuple[str, float]]:
    """Each report step on its own: build, render, chart (matplotlib's import timed apart)."""
    rows = [("gaps: build", timed(lambda: build_gaps(store), repeat))]
    gaps = build_gaps(store)
    rows.append(("gaps: render md + csv", timed(lambda: (gaps_markdown(gaps), gaps_csv(gaps)), repeat)))
    rows.append(("usage: build", timed(lambda: build_usage(store), repeat)))
    usage = build_usage(store)
    rows.append(("usage: render md + csv", timed(lambda: (usage_markdown(usage), usage_csv(usage)), repeat)))

    # reports.plot imports matplotlib on first use; time that once, on its own.
    started = time.perf_counter()
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401

    rows.append(("import matplotlib (first chart only)", time.perf_counter() - started))
    from reports.plot import plot_gaps, plot_usage

    png = tmp / "chart.png"
    rows.append(("usage: PNG chart", timed(lambda: plot_usage(usage, png), repeat)))
    rows.append(("gaps: PNG chart", timed(lambda: plot_gaps(gaps, png), repeat)))
    return rows


def whole_process(db: Path, tmp: Path, repeat: int) -> list[tuple[str, float]]:
    """`gardbot report` as a user runs it: interpreter start, imports, report, maybe a chart."""
    rows = []
    env = {**os.environ, "GARDBOT_DB": str(db), "PYTHONPATH": str(ROOT)}
    for kind, extra in (("gaps", []), ("usage", ["--plot", str(tmp / "chart.png")])):
        command = [sys.executable, "-m", "bot.cli", "report", kind, *extra]

        def run(command: list[str] = command) -> None:
            subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)

        label = f"`gardbot report {kind}{' --plot' if extra else ''}` (whole process)"
        rows.append((label, timed(run, repeat)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--tickets", type=int, default=3_000)
    parser.add_argument("--feedback", type=int, default=2_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gardbot-bench-") as folder:
        tmp = Path(folder)
        db = tmp / "gardbot.sqlite3"
        with SQLiteStore(db) as store:
            started = time.perf_counter()
            populate(
                store, questions=args.questions, tickets=args.tickets, feedback=args.feedback, days=args.days
            )
            rows = [("generate database (one transaction)", time.perf_counter() - started)]
            rows += in_process(store, tmp, args.repeat)
        rows += whole_process(db, tmp, args.repeat)

    print(
        f"{args.questions:,} questions, {args.tickets:,} tickets, {args.feedback:,} votes, "
        f"{args.days} days; median of {args.repeat} runs\n"
    )
    width = max(len(name) for name, _ in rows)
    print(f"| {'step':<{width}} | seconds |\n|{'-' * (width + 2)}|--------:|")
    for name, seconds in rows:
        print(f"| {name:<{width}} | {seconds:7.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
