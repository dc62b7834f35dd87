"""The usage report: how much the bot is asked and how often it can answer.

Rates are taken over questions that asked for information — answered, abstained or
"which disease do you mean?" (choose) — because small talk and refused messages say
nothing about the corpus. Feedback comes from the 👍/👎 buttons under answers.
Days are UTC; days without questions inside the period appear with zeros so a gap
in traffic is visible rather than silently skipped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, fields
from datetime import date, timedelta

from store import FeedbackCounts, Store

from .common import day_of, day_text, percent

OUTCOME_LABELS = {
    "answer": "Answered",
    "abstain": "Abstained",
    "choose": "Asked to choose",
    "smalltalk": "Small talk",
    "refused": "Refused",
}


@dataclass
class OutcomeCounts:
    """Questions per outcome (field names are the store's outcome names) and tickets."""

    answer: int = 0
    abstain: int = 0
    choose: int = 0
    smalltalk: int = 0
    refused: int = 0
    tickets: int = 0

    @property
    def questions(self) -> int:
        return self.answer + self.abstain + self.choose + self.smalltalk + self.refused

    @property
    def informational(self) -> int:
        """Questions that sought information: the denominator of the rates."""
        return self.answer + self.abstain + self.choose

    @property
    def answer_rate(self) -> float | None:
        return self.answer / self.informational if self.informational else None

    @property
    def abstention_rate(self) -> float | None:
        return self.abstain / self.informational if self.informational else None

    def add(self, other: OutcomeCounts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass(frozen=True)
class DayUsage:
    day: date
    counts: OutcomeCounts


@dataclass(frozen=True)
class UsageReport:
    since: float | None
    days: tuple[DayUsage, ...]  # oldest first, no day missing between first and last
    total: OutcomeCounts
    feedback: FeedbackCounts

    @property
    def helpful_rate(self) -> float | None:
        fb = self.feedback
        return fb.helpful / fb.total if fb.total else None


def build_usage(store: Store, since: float | None = None) -> UsageReport:
    """Per-day question outcomes and tickets, totals and feedback, from ``since`` on; days whose
    question-log rows the retention job deleted count from the per-day counts it kept."""
    per_day: dict[date, OutcomeCounts] = {}
    for entry in store.questions(since):
        counts = per_day.setdefault(day_of(entry.asked_at), OutcomeCounts())
        setattr(counts, entry.outcome, getattr(counts, entry.outcome) + 1)
    for day, kind, n in store.pruned_counts(since):  # rows past privacy.question_log_days
        outcome = kind.removeprefix("question:")
        if kind.startswith("question:") and hasattr(OutcomeCounts, outcome):
            counts = per_day.setdefault(day_of(day), OutcomeCounts())
            setattr(counts, outcome, getattr(counts, outcome) + n)
    for ticket in store.list_tickets():
        if since is None or ticket.created_at >= since:
            per_day.setdefault(day_of(ticket.created_at), OutcomeCounts()).tickets += 1

    days: list[DayUsage] = []
    total = OutcomeCounts()
    if per_day:
        day, last = min(per_day), max(per_day)
        while day <= last:
            counts = per_day.get(day, OutcomeCounts())
            days.append(DayUsage(day, counts))
            total.add(counts)
            day += timedelta(days=1)
    return UsageReport(since=since, days=tuple(days), total=total, feedback=store.feedback_counts(since))


# --------------------------------------------------------------------------- renderers

CSV_COLUMNS = (
    "date",
    "questions",
    *OUTCOME_LABELS,
    "tickets",
    "answer_rate",
    "abstention_rate",
    "helpful",
    "not_helpful",
)


def _rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.4f}"


def usage_markdown(report: UsageReport) -> str:
    """A summary list, then a per-day table ending in a total row."""
    total, fb = report.total, report.feedback
    if report.days:
        span = f"{report.days[0].day} to {report.days[-1].day}"
    else:
        span = "no questions"
    period = f"since {day_text(report.since)}" if report.since is not None else "all time"
    breakdown = ", ".join(f"{label.lower()} {getattr(total, name)}" for name, label in OUTCOME_LABELS.items())
    lines = [
        "# Usage report",
        "",
        f"{period.capitalize()} ({span}, dates UTC).",
        "",
        f"- Questions: {total.questions} ({breakdown})",
        f"- Answer rate: {percent(total.answer_rate)} ({total.answer} of "
        f"{total.informational} information questions: answered + abstained + asked to choose)",
        f"- Abstention rate: {percent(total.abstention_rate)} ({total.abstain} of {total.informational})",
        f"- Tickets submitted: {total.tickets}",
        f"- Feedback: 👍 {fb.helpful} / 👎 {fb.not_helpful} ({percent(report.helpful_rate)} helpful)",
        "",
    ]
    if not report.days:
        return "\n".join(lines)
    header = ["Date", "Questions", *OUTCOME_LABELS.values(), "Tickets", "Answer rate"]
    lines += ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    rows = [(str(d.day), d.counts) for d in report.days] + [("**Total**", total)]
    for label, counts in rows:
        cells = [
            label,
            str(counts.questions),
            *(str(getattr(counts, name)) for name in OUTCOME_LABELS),
            str(counts.tickets),
            percent(counts.answer_rate),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def usage_csv(report: UsageReport) -> str:
    """One row per day, then a ``total`` row that also carries the feedback counts
    (the store keeps feedback totals, not per-day tallies)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)

    def row(label: str, counts: OutcomeCounts, feedback: FeedbackCounts | None) -> list[object]:
        return [
            label,
            counts.questions,
            *(getattr(counts, name) for name in OUTCOME_LABELS),
            counts.tickets,
            _rate(counts.answer_rate),
            _rate(counts.abstention_rate),
            "" if feedback is None else feedback.helpful,
            "" if feedback is None else feedback.not_helpful,
        ]

    for d in report.days:
        writer.writerow(row(d.day.isoformat(), d.counts, None))
    writer.writerow(row("total", report.total, report.feedback))
    return out.getvalue()
