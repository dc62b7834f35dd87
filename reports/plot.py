"""PNG charts for the reports, where a picture reads better than a table.

* usage: questions per day as bars stacked by outcome — trends and quiet days show
  at a glance, which a long per-day table hides;
* gaps: the diseases with most unanswered questions as horizontal bars.

matplotlib is imported only here, and only when a chart is asked for (it costs a
few hundred milliseconds to import). The figure is drawn with the Agg canvas
directly, without pyplot, so no display is needed and no global backend changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .common import day_text, one_line
from .gaps import GapsReport
from .usage import OUTCOME_LABELS, UsageReport

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TOP_GAPS = 15
_COLOURS = {
    "answer": "#2e7d32",
    "abstain": "#c62828",
    "choose": "#f9a825",
    "smalltalk": "#90a4ae",
    "refused": "#6a1b9a",
}


def _period(since: float | None) -> str:
    return f"since {day_text(since)}" if since is not None else "all time"


def plot_usage(report: UsageReport, path: str | Path) -> Path:
    """Write questions per day, stacked by outcome, to a PNG file; return its path."""
    usage_figure(report).savefig(path, format="png")
    return Path(path)


def usage_figure(report: UsageReport) -> Figure:
    """The usage chart, drawn but not saved (tests read its layout)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4.5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    days = [d.day for d in report.days]
    bottom = [0] * len(days)
    for name, label in OUTCOME_LABELS.items():
        heights = [getattr(d.counts, name) for d in report.days]
        axes.bar(days, heights, bottom=bottom, label=label, color=_COLOURS[name], width=0.9)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    if days:
        locator = AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.set_ylabel("questions")
    axes.set_title(f"gardbot questions per day (UTC), {_period(report.since)}")
    # Above the axes, so the legend never hides the tallest bars.
    figure.legend(loc="outside upper center", fontsize="small", ncols=len(OUTCOME_LABELS))
    axes.grid(axis="y", alpha=0.3)
    return figure


def plot_gaps(report: GapsReport, path: str | Path, top: int = TOP_GAPS) -> Path:
    """Write the ``top`` groups as horizontal stacked bars (abstained, tickets); return the path."""
    gaps_figure(report, top).savefig(path, format="png")
    return Path(path)


def gaps_figure(report: GapsReport, top: int = TOP_GAPS) -> Figure:
    """The gaps chart, drawn but not saved (tests read its layout)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = report.rows[:top]
    figure = Figure(figsize=(10, 1.5 + 0.4 * max(len(rows), 3)), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    # Numeric positions, not category labels: two long names trimmed alike stay apart.
    positions = list(range(len(rows)))
    abstained = [row.abstained for row in rows]
    tickets = [row.tickets for row in rows]
    axes.barh(positions, abstained, color=_COLOURS["abstain"], label="abstained")
    axes.barh(positions, tickets, left=abstained, color="#1565c0", label="tickets")
    axes.set_yticks(positions, [one_line(row.label, 40) for row in rows])
    axes.invert_yaxis()  # most first, at the top, as in the table
    axes.set_xlabel("questions")
    shown = f"top {len(rows)} of {len(report.rows)}" if len(report.rows) > top else "all groups"
    axes.set_title(f"Unanswered questions by disease ({shown}, {_period(report.since)})")
    if rows:  # outside the axes: inside, it covered the end of the last (shortest) bars
        figure.legend(loc="outside upper center", fontsize="small", ncols=2)
    else:
        axes.text(0.5, 0.5, "nothing to report", ha="center", va="center", transform=axes.transAxes)
    axes.grid(axis="x", alpha=0.3)
    return figure
