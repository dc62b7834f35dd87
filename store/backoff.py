"""Retry schedule for outbox messages.

Kept separate from the database code so the schedule can be read, tested and tuned
on its own, and shared by any backend.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off with a cap, and a limit on attempts.

    After the k-th failed attempt the next try waits ``min(cap, base * factor**(k-1))``
    seconds: 1, 2, 4, ... 256, 300, 300, ... with the defaults. When Telegram says
    ``retry_after`` (flood control), that wait wins if it is longer; it is not capped,
    because retrying earlier than Telegram asks only earns another flood error.

    With the defaults a message is retried for roughly an hour (20 attempts) before
    being marked dead, which rides out short Telegram or network outages without
    retrying a hopeless message forever.
    """

    base: float = 1.0
    factor: float = 2.0
    cap: float = 300.0
    max_attempts: int = 20

    def __post_init__(self) -> None:
        if self.base <= 0 or self.factor < 1 or self.cap < self.base:
            raise ValueError("need base > 0, factor >= 1 and cap >= base")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def delay(self, attempts: int, retry_after: float | None = None) -> float:
        """Seconds to wait after ``attempts`` failed attempts (``attempts >= 1``)."""
        # Clamp the exponent so a huge attempt count cannot overflow the float.
        exponent = min(max(attempts - 1, 0), 64)
        wait = min(self.cap, self.base * self.factor**exponent)
        if retry_after is not None and retry_after > wait:
            wait = float(retry_after)
        return wait

    def gives_up(self, attempts: int) -> bool:
        """True when ``attempts`` attempts have been used up."""
        return attempts >= self.max_attempts
