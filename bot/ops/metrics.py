"""Prometheus metrics of one bot application, in a registry of its own.

Each `Metrics` has its own ``CollectorRegistry`` (never prometheus_client's global one), so
several applications can run in one process (the tests do) without their counts mixing.
Counters and the latency histogram are updated by the handlers as things happen; the gauges
that read the database (outbox depth, the oldest due message, pending updates) are computed
when /metrics is scraped, by `StoreCollector`, so they are never stale and cost nothing between
scrapes. `CountingRequest` is the Bot API request object that counts Telegram's errors.
What each metric means is in the README ("Health and metrics").
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

from store import Store

log = logging.getLogger(__name__)

# Outcomes of an engine reply, as the question log names them, plus no_page: the engine read a
# disease the corpus has no page on (an abstention of its own kind, see Reply.reason).
ANSWER_OUTCOMES = ("answer", "abstain", "choose", "smalltalk", "no_page", "refused")
# Kinds of failed Bot API calls: HTTP status classes Telegram answered with, or no answer at all.
API_ERROR_KINDS = ("429", "5xx", "403", "400", "4xx", "timeout", "network")
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def error_kind(status: int) -> str:
    """The API_ERROR_KINDS label of an HTTP status Telegram answered with."""
    if status >= 500:
        return "5xx"
    if status in (429, 403, 400):
        return str(status)
    return "4xx"


class StoreCollector:
    """Gauges read from the database at scrape time.

    A database that does not answer gives ``gardbot_database_up 0`` and leaves the other gauges
    out (a scrape never fails because of it; /healthz says what is wrong).
    """

    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("gardbot_database_up", "1 if the database answered this scrape, else 0")
        try:
            now = self.clock()
            outbox = self.store.outbox_stats(now)
            pending = self.store.inbox_pending_count()
        except Exception as exc:
            log.warning("metrics: the database did not answer: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "gardbot_outbox_depth",
            "Messages queued and not sent yet (due, in flight or waiting for a retry)",
            value=outbox.depth,
        )
        yield GaugeMetricFamily(
            "gardbot_outbox_dead",
            "Messages given up after their last attempt (kept in the outbox)",
            value=outbox.dead,
        )
        age = 0.0 if outbox.oldest_due_at is None else max(now - outbox.oldest_due_at, 0.0)
        yield GaugeMetricFamily(
            "gardbot_outbox_oldest_due_age_seconds",
            "How long the longest-waiting due message has been due (0 when none is due)",
            value=age,
        )
        yield GaugeMetricFamily(
            "gardbot_inbox_pending", "Updates recorded from Telegram and not handled yet", value=pending
        )
        yield GaugeMetricFamily(
            "gardbot_tickets_undelivered",
            "Tickets whose staff-chat copy failed for good and waits to be sent again",
            value=outbox.dead_tickets,
        )


class Metrics:
    """The counters, histogram and database gauges of one application."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        # No gardbot_*_created series (each counter's start time as a gauge of its own): they
        # double the page and nothing here reads them. The switch is the library's, process-wide.
        disable_created_metrics()
        self.registry = CollectorRegistry()
        self.answers = Counter(
            "gardbot_answers",
            "Replies to questions (and to More / a picked condition), by outcome",
            ["outcome"],
            registry=self.registry,
        )
        self.tickets = Counter(
            "gardbot_tickets_created", "Questions sent to staff as new tickets", registry=self.registry
        )
        self.api_errors = Counter(
            "gardbot_telegram_api_errors",
            "Failed Bot API calls, by kind: the HTTP status class, timeout or network",
            ["kind"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "gardbot_answer_latency_seconds",
            "From the start of handling a question to its reply queued for sending",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        for outcome in ANSWER_OUTCOMES:  # every series from the start, at 0
            self.answers.labels(outcome)
        for kind in API_ERROR_KINDS:
            self.api_errors.labels(kind)
        self.registry.register(StoreCollector(store, clock))

    def answered(self, outcome: str, seconds: float | None = None) -> None:
        self.answers.labels(outcome).inc()
        if seconds is not None:
            self.latency.observe(seconds)

    def ticket_created(self) -> None:
        self.tickets.inc()

    def api_error(self, kind: str) -> None:
        self.api_errors.labels(kind).inc()

    def exposition(self, accept: str = "") -> tuple[bytes, str]:
        """The scrape body and its content type: Prometheus text format, or OpenMetrics when the
        scraper asks for it. Reads the database: call it off the event loop."""
        encoder, content_type = choose_encoder(accept)
        return encoder(self.registry), content_type


class CountingRequest(HTTPXRequest):
    """PTB's HTTP request object, counting every failed Bot API call (`Metrics.api_error`).

    Counted here, below PTB's error mapping and its rate limiter, every call is seen once:
    getUpdates, replies, retries and edits alike.
    """

    def __init__(self, on_error: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_error = on_error

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        try:
            status, payload = await super().do_request(*args, **kwargs)
        except TimedOut:
            self.on_error("timeout")
            raise
        except NetworkError:
            self.on_error("network")
            raise
        if status >= 400:
            self.on_error(error_kind(status))
        return status, payload
