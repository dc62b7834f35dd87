"""Reports for staff, read from the bot's store: corpus gaps and usage.

Each report is a pure function from a `store.Store` to a dataclass
(`build_gaps`, `build_usage`), plus renderers that turn it into Markdown or CSV, and
an optional PNG chart (`reports.plot`, imported lazily because matplotlib is slow
to load). `reports.cli.run_report` wires them to ``gardbot report``.

Reports show question texts (users typed them for the bot) but never user ids,
chat ids or names.
"""

from __future__ import annotations

from .gaps import GapRow, GapsReport, build_gaps, gaps_csv, gaps_markdown
from .usage import DayUsage, OutcomeCounts, UsageReport, build_usage, usage_csv, usage_markdown

__all__ = [
    "DayUsage",
    "GapRow",
    "GapsReport",
    "OutcomeCounts",
    "UsageReport",
    "build_gaps",
    "build_usage",
    "gaps_csv",
    "gaps_markdown",
    "usage_csv",
    "usage_markdown",
]
