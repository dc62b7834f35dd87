"""/healthz and /metrics, on a port of their own (telegram.health_port), in polling and webhook mode.

The server is Tornado's, which python-telegram-bot[webhooks] already brings (its webhook server
runs on it), on the bot's own event loop. It starts in the application's post_init and stops in
post_stop / post_shutdown.

/healthz answers 200 when every check passes and 503 naming the failing ones, with a small JSON
body either way:

* ``index``: the search index is loaded (it holds passages);
* ``database``: the database takes the write lock and answers a read within `CHECK_SECONDS`;
* ``outbox``: no due message has waited longer than telegram.outbox_stuck_seconds (a worker that
  runs claims due messages within a pass, so one that waits that long means delivery is stuck);
* ``staff_chat``: no ticket's staff-chat copy has failed for good. When one has, /healthz says
  ``"status": "degraded"`` with 200 (a restart would not fix a bot removed from the chat; the
  copies are sent again once it works, bot.telegram.staff_delivery).

Checks that touch the database run in a thread, so a locked or slow database never holds up the
bot's event loop, and a check that does not finish in time fails instead of hanging the probe.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from answers.engine import Engine
from bot.ops.metrics import Metrics
from store import Store

log = logging.getLogger(__name__)

CHECK_SECONDS = 3.0  # a database check that takes longer fails
DEGRADING = ("staff_chat",)  # checks that make /healthz "degraded" (still 200), not failing


class HealthServerError(Exception):
    """The health port could not be opened (in use, no such address): the bot does not start."""


Check = dict[str, Any]


def check_sentence(name: str, check: Check) -> str:
    """One failed check as words for the log ("outbox: depth 12, oldest due seconds 412.5,
    limit seconds 300"); /healthz keeps the JSON body for machines."""
    details = ", ".join(
        str(value) if key == "error" else f"{key.replace('_', ' ')} {value}"
        for key, value in check.items()
        if key != "ok"
    )
    return f"{name}: {details}" if details else name


class HealthChecks:
    """The checks behind /healthz; `run` gives (HTTP status, JSON body)."""

    def __init__(
        self,
        engine: Engine,
        store: Store,
        stuck_seconds: float,
        clock: Callable[[], float] = time.time,
        timeout: float = CHECK_SECONDS,
    ) -> None:
        self.engine = engine
        self.store = store
        self.stuck_seconds = stuck_seconds
        self.clock = clock
        self.timeout = timeout

    def index(self) -> Check:
        passages = self.engine.searcher.passage_count()
        return {"ok": passages > 0, "passages": passages}

    def database(self) -> Check:
        self.store.ping()
        return {"ok": True}

    def outbox(self) -> Check:
        now = self.clock()
        stats = self.store.outbox_stats(now)
        waited = 0.0 if stats.oldest_due_at is None else max(now - stats.oldest_due_at, 0.0)
        return {
            "ok": waited <= self.stuck_seconds,
            "depth": stats.depth,
            "oldest_due_seconds": round(waited, 3),
            "limit_seconds": self.stuck_seconds,
        }

    async def _checked(self, check: Callable[[], Check]) -> Check:
        """One check in a thread; an exception or a time-out is a failed check, with its reason."""
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(loop.run_in_executor(None, check), self.timeout)
        except TimeoutError:
            return {"ok": False, "error": f"no answer within {self.timeout:g} s"}
        except Exception as exc:
            return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}

    def staff_chat(self) -> Check:
        """Degrading, not failing: tickets whose staff-chat copy failed for good (the bot was
        removed from the chat) wait to be sent again. Restarting the bot would not help."""
        dead = self.store.outbox_stats(self.clock()).dead_tickets
        return {"ok": dead == 0, "undelivered_tickets": dead}

    async def run(self) -> tuple[int, dict[str, Any]]:
        # at once: a probe waits CHECK_SECONDS at most
        names = ("index", "database", "outbox", "staff_chat")
        results = await asyncio.gather(*(self._checked(getattr(self, name)) for name in names))
        checks = dict(zip(names, results, strict=True))
        bad = [name for name, check in checks.items() if not check["ok"]]
        failing = [name for name in bad if name not in DEGRADING]
        degraded = [name for name in bad if name in DEGRADING]
        status = "failing" if failing else "degraded" if degraded else "ok"
        body = {"status": status, "failing": failing, "degraded": degraded, "checks": checks}
        if bad:
            log.warning("health check %s: %s", status, "; ".join(check_sentence(n, checks[n]) for n in bad))
        return (503 if failing else 200), body


class HealthHandler(RequestHandler):
    def initialize(self, checks: Callable[[], Awaitable[tuple[int, dict[str, Any]]]]) -> None:
        self.checks = checks

    async def get(self) -> None:
        status, body = await self.checks()
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


class MetricsHandler(RequestHandler):
    def initialize(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def get(self) -> None:
        accept = self.request.headers.get("Accept", "")
        loop = asyncio.get_running_loop()
        body, content_type = await loop.run_in_executor(None, self.metrics.exposition, accept)
        self.set_header("Content-Type", content_type)
        self.finish(body)


def quiet_access_log(handler: RequestHandler) -> None:
    """Scrapes and probes come every few seconds: log them at debug level, errors as warnings."""
    status = handler.get_status()
    level = logging.WARNING if status >= 500 and status != 503 else logging.DEBUG
    request = handler.request
    log.log(level, "%s %s -> %d", request.method, request.uri, status)


class HealthServer:
    """The HTTP server of /healthz and /metrics on `listen`:`port` (0: any free port)."""

    def __init__(self, listen: str, port: int, checks: HealthChecks, metrics: Metrics) -> None:
        self.listen = listen
        self.port = port
        self.app = Application(
            [
                (r"/healthz", HealthHandler, {"checks": checks.run}),
                (r"/metrics", MetricsHandler, {"metrics": metrics}),
            ],
            log_function=quiet_access_log,
        )
        self._server: HTTPServer | None = None

    async def start(self) -> None:
        try:
            sockets = bind_sockets(self.port, address=self.listen)
        except (OSError, ValueError) as exc:
            where = f"{self.listen}:{self.port}"
            raise HealthServerError(f"could not listen on {where} for /healthz and /metrics: {exc}") from None
        server = HTTPServer(self.app)
        server.add_sockets(sockets)
        self._server = server
        self.port = sockets[0].getsockname()[1]
        log.info("health and metrics on http://%s:%d/healthz and /metrics", self.listen, self.port)

    async def stop(self) -> None:
        """Close the port and any open connections; harmless when not running."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        await server.close_all_connections()
