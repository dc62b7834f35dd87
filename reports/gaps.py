"""The gaps report: what users asked that the corpus could not answer.

Two signals show a gap: the bot *abstained* (no passage was good enough) and a user
*submitted a ticket* so staff would answer instead. Both are grouped by the disease
the bot detected in the question, so staff see which pages are missing or thin;
questions with no detected disease form their own group ("no disease found").

Only question texts appear as examples — never user ids, chat ids or names. Tickets
of users who were forgotten (`Store.forget_user`) have lost their text and disease,
so they are counted separately instead of inflating the "no disease found" group.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from store import Store

from .common import NO_DISEASE, csv_cell, day_text, md_cell, one_line

EXAMPLES = 3


@dataclass(frozen=True)
class GapRow:
    """One disease (or none) with its unanswered questions."""

    disease: str | None
    abstained: int
    tickets: int
    open_tickets: int
    last_asked: float
    examples: tuple[str, ...]  # newest first, distinct, full text
    published: int = 0  # tickets whose answer staff published: the bot answers these now

    @property
    def total(self) -> int:
        return self.abstained + self.tickets

    @property
    def label(self) -> str:
        return self.disease if self.disease is not None else NO_DISEASE


@dataclass(frozen=True)
class GapsReport:
    """Rows sorted by total (abstained + tickets) descending."""

    since: float | None
    rows: tuple[GapRow, ...]
    forgotten_tickets: int = 0

    @property
    def abstained(self) -> int:
        return sum(row.abstained for row in self.rows)

    @property
    def tickets(self) -> int:
        return sum(row.tickets for row in self.rows)


@dataclass
class _Group:
    """Mutable tallies while scanning; frozen into a GapRow at the end."""

    abstained: int = 0
    tickets: int = 0
    open_tickets: int = 0
    published: int = 0
    asked: list[tuple[float, str]] = field(default_factory=list)

    def row(self, disease: str | None) -> GapRow:
        return GapRow(
            disease=disease,
            abstained=self.abstained,
            tickets=self.tickets,
            open_tickets=self.open_tickets,
            last_asked=max(at for at, _ in self.asked),
            examples=newest_examples(self.asked),
            published=self.published,
        )


def _disease_key(disease: str | None) -> str | None:
    return (disease.strip() or None) if disease else None


def newest_examples(asked: Iterable[tuple[float, str]], limit: int = EXAMPLES) -> tuple[str, ...]:
    """Up to ``limit`` distinct question texts, newest first.

    The same question often shows up twice — logged as abstained, then submitted as a
    ticket — so texts equal up to case and spacing count once.
    """
    seen: set[str] = set()
    examples: list[str] = []
    for _, text in sorted(asked, key=lambda item: item[0], reverse=True):
        key = one_line(text, None).casefold()
        if not key or key in seen:
            continue
        seen.add(key)
        examples.append(text)
        if len(examples) == limit:
            break
    return tuple(examples)


def build_gaps(store: Store, since: float | None = None) -> GapsReport:
    """Abstained questions and tickets asked at or after ``since``, grouped by disease."""
    groups: dict[str | None, _Group] = {}
    for entry in store.questions(since):
        if entry.outcome != "abstain":
            continue
        group = groups.setdefault(_disease_key(entry.disease), _Group())
        group.abstained += 1
        group.asked.append((entry.asked_at, entry.question))

    forgotten = 0
    published = {p.ticket_n for p in store.list_published()}
    for ticket in store.list_tickets():
        if since is not None and ticket.created_at < since:
            continue
        if ticket.redacted:
            forgotten += 1
            continue
        group = groups.setdefault(_disease_key(ticket.disease), _Group())
        group.tickets += 1
        group.open_tickets += ticket.status == "open"
        group.published += ticket.n in published
        group.asked.append((ticket.created_at, ticket.question))

    rows = [group.row(disease) for disease, group in groups.items()]
    rows.sort(key=lambda row: (-row.total, -row.last_asked, row.label.casefold()))
    return GapsReport(since=since, rows=tuple(rows), forgotten_tickets=forgotten)


# --------------------------------------------------------------------------- renderers

CSV_COLUMNS = (
    "disease", "abstained", "tickets", "open_tickets", "total", "last_asked", "examples", "published"
)  # fmt: skip
EXAMPLE_SEPARATOR = " | "


def gaps_markdown(report: GapsReport) -> str:
    """A Markdown table, examples trimmed to one short line each."""
    period = f"since {day_text(report.since)}" if report.since is not None else "all time"
    lines = [
        "# Gaps report",
        "",
        f"Abstained questions and submitted tickets ({period}, dates UTC), grouped by "
        f"detected disease, most first: {report.abstained} abstained, "
        f"{report.tickets} tickets, {len(report.rows)} groups.",
        "",
    ]
    if report.rows:
        lines += [
            "| Disease | Abstained | Tickets | Open | Published | Last asked | Newest examples |",
            "|---|---:|---:|---:|---:|---|---|",
        ]
        for row in report.rows:
            examples = " · ".join(f"“{md_cell(text)}”" for text in row.examples)
            lines.append(
                f"| {md_cell(row.label, None)} | {row.abstained} | {row.tickets} | "
                f"{row.open_tickets} | {row.published} | {day_text(row.last_asked)} | {examples} |"
            )
    else:
        lines.append("Nothing to report: no abstained questions and no tickets.")
    if report.forgotten_tickets:
        lines += [
            "",
            f"{report.forgotten_tickets} more tickets belong to users who asked to be "
            "forgotten; their text and disease are erased, so they are not grouped.",
        ]
    return "\n".join(lines) + "\n"


def gaps_csv(report: GapsReport) -> str:
    """One row per group; full example texts in one quoted field, joined by " | "."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        writer.writerow(
            (
                csv_cell(row.label),
                row.abstained,
                row.tickets,
                row.open_tickets,
                row.total,
                day_text(row.last_asked),
                csv_cell(EXAMPLE_SEPARATOR.join(row.examples)),
                row.published,
            )
        )
    return out.getvalue()
