"""Named crash points for the kill -9 tests and benchmark (test-only; inert unless asked for).

Setting GARDBOT_CRASH_AT=<name> makes the process end with os._exit(9) (like kill -9: no
cleanup, no flush, no commit) the first time it reaches the point of that name. Timing a kill
from outside can't hit "after Telegram accepted the message, before we recorded it"; a named
point can. The points:

* ``after_send``: a confirmed "Send" committed its ticket, before anything else happens;
* ``after_delivery:ticket`` (or ``after_delivery``): Telegram accepted an outbox message of
  that kind, before the outbox recorded it as sent;
* ``after_staff_reply``: a staff answer was recorded with its relay queued, before the
  confirmation to staff or the relay itself.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)
ENV = "GARDBOT_CRASH_AT"


def crash_point(*names: str) -> None:
    """Die at once, as kill -9 would, if GARDBOT_CRASH_AT names this point."""
    wanted = os.environ.get(ENV)
    if wanted and wanted in names:
        log.warning("crash point %s reached: exiting with os._exit(9)", wanted)
        for handler in logging.getLogger().handlers:
            handler.flush()
        os._exit(9)
