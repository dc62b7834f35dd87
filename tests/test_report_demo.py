"""`gardbot report gaps|usage --demo --plot`: every report and chart on a fresh clone, before the
bot has users, from a throwaway database of generated usage; and chart legends that cover no data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.transforms import Bbox

from bot.cli import main
from reports import build_gaps, build_usage
from reports.cli import DEMO_USAGE, default_plot_path, demo_store
from reports.plot import gaps_figure, usage_figure

pytestmark = pytest.mark.slow  # each fills a demo database of 10,000 questions, or draws charts: ~1 s

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def fresh_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with no config.yaml and no database, as on a fresh clone; GARDBOT_DB points at a
    file that must stay missing, so the demo provably never opens the bot's database."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GARDBOT_CONFIG", raising=False)
    monkeypatch.setenv("GARDBOT_DB", str(tmp_path / "bot" / "gardbot.sqlite3"))
    return tmp_path


@pytest.mark.parametrize(("kind", "heading"), [("gaps", "# Gaps report"), ("usage", "# Usage report")])
def test_demo_report_and_chart_on_a_fresh_clone(fresh_folder, capsys, kind, heading):
    assert main(["report", kind, "--demo", "--plot"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(heading) and "|---|" in captured.out
    chart = fresh_folder / "data" / "reports" / f"{kind}-demo.png"
    assert chart.read_bytes().startswith(PNG_SIGNATURE)
    assert f"chart written to {default_plot_path(kind, demo=True)}" in captured.err
    assert captured.err.startswith("demo: generated usage (10,000 questions")
    assert not (fresh_folder / "bot").exists()


def test_demo_figures_are_the_documented_ones(fresh_folder, capsys):
    assert main(["report", "usage", "--demo", "--format", "csv"]) == 0
    total = capsys.readouterr().out.strip().splitlines()[-1].split(",")
    assert total[:2] == ["total", str(DEMO_USAGE["questions"])]
    assert main(["report", "gaps", "--demo"]) == 0
    assert "1832 abstained, 3000 tickets, 8 groups" in capsys.readouterr().out  # as docs/staff.md shows


def test_without_demo_a_missing_database_is_still_an_error(fresh_folder, capsys):
    assert main(["report", "gaps", "--plot"]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert not (fresh_folder / "data").exists()


def test_plot_with_a_file_name_writes_there(fresh_folder, capsys):
    assert main(["report", "gaps", "--demo", "--plot", "mine.png"]) == 0
    assert (fresh_folder / "mine.png").read_bytes().startswith(PNG_SIGNATURE)
    assert not (fresh_folder / "data").exists()


def _boxes(figure) -> tuple[list[Bbox], list[Bbox]]:
    """Legends' and axes' boxes in the drawn figure, in pixels."""
    figure.canvas.draw()
    axes = figure.axes
    legends = [*figure.legends, *(a.get_legend() for a in axes if a.get_legend() is not None)]
    return [legend.get_window_extent() for legend in legends], [a.get_window_extent() for a in axes]


def test_chart_legends_cover_no_data():
    with demo_store() as store:
        figures = [gaps_figure(build_gaps(store)), usage_figure(build_usage(store))]
    for figure in figures:
        legends, axes = _boxes(figure)
        assert legends, "a chart with data has a legend"
        for legend in legends:
            for box in axes:
                assert not legend.overlaps(box), (legend, box)
