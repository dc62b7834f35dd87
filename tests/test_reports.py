"""Tests for the staff reports (gaps, usage), their renderers, charts and CLI.

Most tests share one real SQLite file filled by `reports.sample.populate` (3,000
logged questions, 500 tickets, 400 feedback votes over 30 days, two users
forgotten) and check each report against a plain recount of what was written.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from reports import (
    build_gaps,
    build_usage,
    gaps_csv,
    gaps_markdown,
    usage_csv,
    usage_markdown,
)
from reports.common import NO_DISEASE, csv_cell, md_cell, one_line, parse_since
from reports.plot import plot_gaps, plot_usage
from reports.sample import STAFF_NAME, Sample, forget, populate
from store import SQLiteStore, open_store

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
START = 1_717_200_000.0  # 2024-06-01 00:00 UTC
SINCES = [None, "2024-06-11", "2031-01-01"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, SQLiteStore, Sample]]:
    path = tmp_path_factory.mktemp("reports") / "gardbot.sqlite3"
    store = SQLiteStore(path)
    sample = populate(store, questions=3000, tickets=500, feedback=400, days=30, start=START)
    forget(sample, store, sample.user_ids[:2])
    yield path, store, sample
    store.close()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty config file, so the CLI does not depend on the project's config.yaml."""
    config = tmp_path / "config.yaml"
    config.write_text("{}\n", encoding="utf-8")
    monkeypatch.setenv("GARDBOT_CONFIG", str(config))
    return tmp_path


def _since(text: str | None) -> float | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def _utc_day(ts: float) -> date:
    return datetime.fromtimestamp(ts, tz=UTC).date()


# --------------------------------------------------------------------------- gaps


def _expected_gaps(sample: Sample, since: float | None) -> dict[str, dict]:
    """Recount: label -> abstained, tickets, open, last, texts [(time, text)]."""
    groups: dict[str, dict] = defaultdict(lambda: {"abstained": 0, "tickets": 0, "open": 0, "texts": []})
    for q in sample.questions:
        if q.outcome == "abstain" and (since is None or q.asked_at >= since):
            g = groups[q.disease or NO_DISEASE]
            g["abstained"] += 1
            g["texts"].append((q.asked_at, q.question))
    for t in sample.tickets:
        if t.redacted or (since is not None and t.created_at < since):
            continue
        g = groups[t.disease or NO_DISEASE]
        g["tickets"] += 1
        g["open"] += t.status == "open"
        g["texts"].append((t.created_at, t.question))
    return dict(groups)


@pytest.mark.parametrize("since_text", SINCES)
def test_gaps_match_a_recount(db, since_text):
    _, store, sample = db
    since = _since(since_text)
    report = build_gaps(store, since)
    expected = _expected_gaps(sample, since)

    assert {row.label for row in report.rows} == set(expected)
    for row in report.rows:
        want = expected[row.label]
        assert (row.abstained, row.tickets, row.open_tickets) == (
            want["abstained"],
            want["tickets"],
            want["open"],
        )
        times = [at for at, _ in want["texts"]]
        assert row.last_asked == max(times)
        # Examples: distinct texts of this group, the newest first, as many as exist (<= 3).
        newest_by_text: dict[str, float] = {}
        for at, text in want["texts"]:
            newest_by_text[text] = max(at, newest_by_text.get(text, at))
        assert len(row.examples) == min(3, len(newest_by_text))
        assert len(set(row.examples)) == len(row.examples)
        assert row.examples[0] == max(want["texts"])[1]
        example_times = [newest_by_text[text] for text in row.examples]
        assert example_times == sorted(example_times, reverse=True)
        assert max(newest_by_text.values()) == example_times[0]

    forgotten = sum(t.redacted and (since is None or t.created_at >= since) for t in sample.tickets)
    assert report.forgotten_tickets == forgotten
    if since_text == "2031-01-01":
        assert report.rows == () and "Nothing to report" in gaps_markdown(report)


def test_gaps_sorted_by_total_descending(db):
    _, store, _ = db
    rows = build_gaps(store).rows
    assert len(rows) == 8
    totals = [row.total for row in rows]
    assert totals == sorted(totals, reverse=True)


def test_forgotten_users_really_were_forgotten(db):
    _, store, sample = db
    assert sum(t.redacted for t in sample.tickets) > 0
    report = build_gaps(store)
    assert report.tickets + report.forgotten_tickets == len(sample.tickets)


def test_gaps_count_tickets_whose_answer_is_published(tmp_path):
    with open_store(str(tmp_path / "small.sqlite3")) as store:
        for n in range(3):
            store.create_ticket(
                1, 1, "Ann", f"Is Fabry disease question {n}?", "Fabry disease", [], now=START
            )
        store.answer_ticket(1, "Yes.", 9, "Staff", now=START + 1)
        store.publish(1, "Is Fabry disease question 0?", "Yes.", "Fabry disease", "nurse", now=START + 2)
        (row,) = build_gaps(store).rows
        assert (row.tickets, row.open_tickets, row.published) == (3, 2, 1)
        assert gaps_csv(build_gaps(store)).splitlines()[1].endswith(",1")
        store.unpublish(1)
        assert build_gaps(store).rows[0].published == 0


def test_gaps_examples_dedupe_and_blank_disease(tmp_path):
    with open_store(str(tmp_path / "small.sqlite3")) as store:
        store.log_question(1, 1, "Is X  inherited?", "", "abstain", now=START)
        store.create_ticket(1, 1, "Ann", "is x inherited?", None, [], now=START + 5)
        store.log_question(1, 1, "Answered one", None, "answer", now=START + 9)
        store.log_question(1, 1, "Older question", "  ", "abstain", now=START - 9)
        (row,) = build_gaps(store).rows
    assert (row.label, row.abstained, row.tickets, row.open_tickets) == (NO_DISEASE, 2, 1, 1)
    assert row.examples == ("is x inherited?", "Older question")
    assert row.last_asked == START + 5


def test_gaps_csv_keeps_full_text_but_defuses_formulas(tmp_path):
    long = "Why " + "really " * 30 + "?"
    with open_store(str(tmp_path / "small.sqlite3")) as store:
        store.log_question(1, 1, long, "Fabry", "abstain", now=START)
        store.log_question(1, 1, "=1+1 what is\nFabry | disease?", "Fabry", "abstain", now=START + 1)
        report = build_gaps(store)
    (parsed,) = csv.DictReader(io.StringIO(gaps_csv(report)))
    assert parsed["examples"] == f"'=1+1 what is\nFabry | disease? | {long}"
    markdown = gaps_markdown(report)
    assert "“=1\\+1 what is Fabry \\| disease?”" in markdown
    assert f"“{long[:79].rstrip()}…”" in markdown


# --------------------------------------------------------------------------- usage


@pytest.mark.parametrize("since_text", SINCES)
def test_usage_matches_a_recount(db, since_text):
    _, store, sample = db
    since = _since(since_text)
    report = build_usage(store, since)

    questions = [q for q in sample.questions if since is None or q.asked_at >= since]
    tickets = [t for t in sample.tickets if since is None or t.created_at >= since]
    by_day: dict[date, Counter[str]] = defaultdict(Counter)
    for q in questions:
        by_day[_utc_day(q.asked_at)][q.outcome] += 1
    for t in tickets:
        by_day[_utc_day(t.created_at)]["tickets"] += 1

    if not by_day:
        assert report.days == () and report.total.questions == 0
        assert report.total.answer_rate is None
        return
    days = [d.day for d in report.days]
    assert days[0] == min(by_day) and days[-1] == max(by_day)
    assert all((b - a).days == 1 for a, b in zip(days, days[1:], strict=False))
    for d in report.days:
        want = by_day.get(d.day, Counter())
        for outcome in ("answer", "abstain", "choose", "smalltalk", "refused", "tickets"):
            assert getattr(d.counts, outcome) == want[outcome], (d.day, outcome)

    total = Counter(q.outcome for q in questions)
    assert report.total.questions == len(questions)
    assert report.total.tickets == len(tickets)
    informational = total["answer"] + total["abstain"] + total["choose"]
    assert report.total.answer_rate == pytest.approx(total["answer"] / informational)
    assert report.total.abstention_rate == pytest.approx(total["abstain"] / informational)
    votes = [helpful for _, helpful, at in sample.feedback if since is None or at >= since]
    assert report.feedback.helpful == sum(votes)
    assert report.feedback.not_helpful == len(votes) - sum(votes)


def test_usage_on_an_empty_database(tmp_path):
    with open_store(str(tmp_path / "empty.sqlite3")) as store:
        report = build_usage(store)
    assert report.days == ()
    text = usage_markdown(report)
    assert "Questions: 0" in text and "—" in text
    rows = list(csv.reader(io.StringIO(usage_csv(report))))
    assert rows[-1][0] == "total" and rows[-1][1] == "0"


# --------------------------------------------------------------------------- renderers


def test_gaps_csv_parses_back(db):
    _, store, _ = db
    report = build_gaps(store)
    rows = list(csv.DictReader(io.StringIO(gaps_csv(report))))
    assert len(rows) == len(report.rows)
    for parsed, row in zip(rows, report.rows, strict=True):
        assert parsed["disease"] == row.label
        assert int(parsed["abstained"]) == row.abstained
        assert int(parsed["tickets"]) == row.tickets
        assert int(parsed["open_tickets"]) == row.open_tickets
        assert int(parsed["total"]) == row.total
        assert parsed["last_asked"] == _utc_day(row.last_asked).isoformat()
        # Full text (newlines kept), minus control characters and the formula guard.
        joined = " | ".join(row.examples)
        want = re.sub(r"\x1b\[31m", "", joined)
        assert parsed["examples"].removeprefix("'") == want
        assert not parsed["examples"].startswith(("=", "+", "-", "@"))


def test_usage_csv_parses_back(db):
    _, store, _ = db
    report = build_usage(store)
    rows = list(csv.DictReader(io.StringIO(usage_csv(report))))
    assert len(rows) == len(report.days) + 1
    *days, total = rows
    assert [r["date"] for r in days] == [d.day.isoformat() for d in report.days]
    assert sum(int(r["questions"]) for r in days) == int(total["questions"])
    assert int(total["helpful"]) == report.feedback.helpful
    assert int(total["not_helpful"]) == report.feedback.not_helpful
    assert float(total["answer_rate"]) == pytest.approx(report.total.answer_rate, abs=1e-4)


def _table_lines(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|")]


def test_markdown_tables_are_well_formed(db):
    _, store, _ = db
    gaps = build_gaps(store)
    lines = _table_lines(gaps_markdown(gaps))
    assert lines[0].startswith("| Disease | Abstained | Tickets | Open | Published | Last asked |")
    assert set(lines[1]) <= set("|-:")
    assert len(lines) == 2 + len(gaps.rows)
    for line in lines:  # one line per row, every "|" inside a cell escaped
        assert line.endswith("|")
        assert len(re.findall(r"(?<!\\)\|", line)) == 8
    assert "\x1b" not in gaps_markdown(gaps)

    usage = build_usage(store)
    lines = _table_lines(usage_markdown(usage))
    assert lines[0].startswith("| Date | Questions | Answered |")
    assert len(lines) == 2 + len(usage.days) + 1 and lines[-1].startswith("| **Total** |")


def test_no_user_identity_in_any_output(db):
    _, store, sample = db
    outputs = []
    for since in (None, _since("2024-06-11")):
        gaps, usage = build_gaps(store, since), build_usage(store, since)
        outputs += [gaps_markdown(gaps), gaps_csv(gaps), usage_markdown(usage), usage_csv(usage)]
    text = "\n".join(outputs)
    for user_id in sample.user_ids:
        assert str(user_id) not in text
    for name in sample.first_names:
        assert name not in text
    assert STAFF_NAME not in text and "555444333" not in text


# --------------------------------------------------------------------------- charts


def test_charts_are_png_files(db, tmp_path):
    _, store, _ = db
    # The usage chart is also drawn by test_cli_usage_csv_and_plot; here an empty one.
    empty_png = plot_usage(build_usage(store, _since("2031-01-01")), tmp_path / "empty.png")
    gaps_png = plot_gaps(build_gaps(store), tmp_path / "gaps.png", top=5)
    empty_gaps = plot_gaps(build_gaps(store, _since("2031-01-01")), tmp_path / "none.png")
    for path in (empty_png, gaps_png, empty_gaps):
        data = path.read_bytes()
        assert data.startswith(PNG_SIGNATURE) and len(data) > 1000


# --------------------------------------------------------------------------- CLI


def test_cli_gaps_markdown(db, cli_env, monkeypatch, capsys):
    path, _, _ = db
    monkeypatch.setenv("GARDBOT_DB", str(path))
    assert main(["report", "gaps", "--since", "2024-06-11"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Gaps report") and "since 2024-06-11" in out
    assert "| Disease |" in out


def test_cli_usage_csv_and_plot(db, cli_env, monkeypatch, capsys):
    path, _, _ = db
    monkeypatch.setenv("GARDBOT_DB", f"sqlite:///{path}")
    png = cli_env / "usage.png"
    assert main(["report", "usage", "--format", "csv", "--plot", str(png)]) == 0
    captured = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(captured.out)))
    assert rows[0][0] == "date" and rows[-1][0] == "total"
    assert png.read_bytes().startswith(PNG_SIGNATURE)
    assert "chart written" in captured.err


@pytest.mark.parametrize("since", ["2024-13-01", "yesterday", "2024/06/01", "20240601"])
def test_cli_bad_since_is_one_line(db, cli_env, monkeypatch, capsys, since):
    path, _, _ = db
    monkeypatch.setenv("GARDBOT_DB", str(path))
    assert main(["report", "gaps", "--since", since]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: --since") and captured.err.count("\n") == 1


def test_cli_missing_database_is_not_created(cli_env, monkeypatch, capsys):
    missing = cli_env / "nowhere" / "gardbot.sqlite3"
    monkeypatch.setenv("GARDBOT_DB", str(missing))
    assert main(["report", "usage"]) == 1
    err = capsys.readouterr().err
    assert "does not exist" in err and err.count("\n") == 1
    assert not missing.exists() and not missing.parent.exists()


def test_cli_unreadable_database_and_chart_path(db, cli_env, monkeypatch, capsys):
    junk = cli_env / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("GARDBOT_DB", str(junk))
    assert main(["report", "gaps"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot open database") and err.count("\n") == 1

    monkeypatch.setenv("GARDBOT_DB", str(db[0]))
    assert main(["report", "gaps", "--plot", str(cli_env / "no" / "dir" / "g.png")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write chart") and err.count("\n") == 1


# --------------------------------------------------------------------------- text helpers


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_md_cell_is_one_safe_line(text):
    cell = md_cell(text)
    assert "\n" not in cell and "\r" not in cell
    assert re.search(r"(?<!\\)\|", cell.replace("\\\\", "")) is None
    assert len(one_line(text)) <= 80


def test_md_cell_shows_markup_as_text() -> None:
    """An image link, a link, HTML, emphasis, code and autolinks typed by a user are shown as
    typed by any Markdown viewer, never as markup."""
    typed = "![x](http://evil.example/a.png) [site](http://e.x) <img src=x onerror=alert(1)> *b* `c` me@x.org"
    cell = md_cell(typed, None)
    for raw in ("![", "](", "<img", "*b*", "`c`", "http://", "me@"):
        assert raw not in cell
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in cell
    assert (
        re.sub(r"\\(.)", r"\1", cell).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == typed
    )


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_csv_cell_round_trips(text):
    out = io.StringIO()
    csv.writer(out).writerow([csv_cell(text)])
    (parsed,) = next(csv.reader(io.StringIO(out.getvalue())))
    assert not parsed.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert parsed == csv_cell(text)


def test_parse_since():
    assert parse_since(None) is None and parse_since("  ") is None
    assert parse_since("2024-06-01") == START
    for bad in ("2024-02-30", "June 1", "2024-6-1"):
        with pytest.raises(ValueError, match="--since"):
            parse_since(bad)
