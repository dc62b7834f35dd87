"""Keeping nothing past its time: the retention periods (config `privacy`), the job that applies
them on every replica, and the /privacy text that states them, made from the same settings so
what users are told and what the code does cannot drift apart.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.config import Config
from bot.delivery.replicas import Periodic
from bot.telegram import texts
from bot.telegram.render import fill
from store import RetentionPeriods, Store

log = logging.getLogger(__name__)

HOUR, DAY = 3600.0, 86400.0
INBOX_KEEP_SECONDS = DAY  # handled update ids (nothing else is left in them) spot redeliveries


def retention_periods(config: Config) -> RetentionPeriods:
    """The configured periods, in seconds."""
    privacy = config.privacy
    return RetentionPeriods(
        conversations=config.answers.context_minutes * 60,
        buttons=privacy.button_hours * HOUR,
        sent_messages=privacy.sent_message_days * DAY,
        question_log=privacy.question_log_days * DAY,
        feedback=privacy.feedback_days * DAY,
        rate_limits=privacy.rate_limit_hours * HOUR,
        inbox=INBOX_KEEP_SECONDS,
    )


def duration(seconds: float) -> str:
    """ "30 minutes", "24 hours", "7 days", "1 day": how /privacy says a period."""
    for unit, size in (("day", DAY), ("hour", HOUR), ("minute", 60.0)):
        if seconds >= size and (seconds % size == 0 or unit == "minute" or seconds >= 2 * size):
            amount = round(seconds / size, 1)
            amount_text = f"{amount:g}"
            return f"{amount_text} {unit}" + ("" if amount == 1 else "s")
    return f"{seconds:g} seconds"


def privacy_text(config: Config) -> str:
    """The /privacy message with the configured periods."""
    periods = retention_periods(config)
    return fill(
        texts.PRIVACY,
        conversations=duration(periods.conversations),
        buttons=duration(periods.buttons),
        questions=duration(periods.question_log),
        feedback=duration(periods.feedback),
        sent=duration(periods.sent_messages),
        rate=duration(periods.rate_limits),
    )


class Retention(Periodic):
    """Deletes what is past its period (`Store.expire`) every `interval` seconds, on every
    replica (the deletes are idempotent, so replicas sharing a database need no coordination)."""

    name = "gardbot-retention"

    def __init__(
        self,
        store: Store,
        periods: RetentionPeriods,
        *,
        interval: float,
        staff_chat: Callable[[], int | None] = lambda: None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store, self.periods, self.interval, self.clock = store, periods, interval, clock
        self.staff_chat = staff_chat

    def run_once(self) -> dict[str, int]:
        counts = self.store.expire(self.periods, keep_ids_in=self.staff_chat(), now=self.clock())
        if any(counts.values()):
            log.info("retention: deleted %s", ", ".join(f"{n} {k}" for k, n in counts.items() if n))
        return counts

    async def tick(self) -> bool:
        self.run_once()
        return True
