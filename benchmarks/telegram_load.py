"""Benchmark: `gardbot telegram` under load, crashes and flood control, through the Bot API double.

Runs the real bot process (`python -m bot.cli telegram`) against tests/botapi_double.py on
127.0.0.1 and drives users and staff through it. Scenarios:

* burst: 200 chats each send 5 questions at once (1,000 questions);
* backlog kill: the same burst, the bot killed with SIGKILL once 30% are answered, then restarted;
* ticket kills: 20 users each ask something unanswerable and press Send, staff reply to every
  ticket; the bot ends itself with os._exit(9) (GARDBOT_CRASH_AT, see bot/ops/crash.py) the first
  time it reaches the named step (after Send, after delivery to staff before the bookkeeping,
  after a staff reply) and is restarted;
* storm: 100 chats × 4 questions while 30% of sendMessage calls get 429 (retry_after 1 s) and
  10% get 500.

For each it prints the messages lost (a question never answered, a confirmed ticket never in the
staff chat, a staff reply never relayed), the messages doubled (the same message delivered twice
in a row), throughput and latency percentiles (question to answer; Send to ticket in the staff
chat). Duplicates can only come from a message Telegram accepted while the process died before
recording it: the next process cannot know it was delivered, and sends it again.

    .venv/bin/python benchmarks/telegram_load.py [--corpus gard|test] [--only NAME ...]
    .venv/bin/python benchmarks/telegram_load.py --replicas 2 [--postgres URL] [--chats 500]
    .venv/bin/python benchmarks/telegram_load.py --replicas 2 --flood-limit 30 --only burst storm

`--flood-limit 30` makes the double enforce Telegram's per-bot limit (30 messages a second over
all replicas) with 429s; the run then prints how many sends it refused, and the tracebacks,
ERROR lines and flood-control warnings in the bots' logs.

`--replicas N` runs N webhook replicas on one PostgreSQL database that the run creates on the
`--postgres` server (and drops afterwards), behind one address: the double POSTs each update to
the next replica round-robin, and a delivery that fails (a killed replica) goes to the next one,
as a load balancer would. The kill scenarios then kill the first replica only, while the others
keep serving; it is started again afterwards.

`--corpus gard` (the default when data/medquad holds the GARD collection) answers from the real
corpus; `test` uses the small corpus the tests write, so the figures show the plumbing alone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import random
import re
import secrets
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from botapi_double import BotApiDouble, _Fault  # noqa: E402
from corpus_fixture import write_corpus  # noqa: E402

STAFF_CHAT = -100777
GARD_QUESTIONS = [
    "What causes inflammatory myofibroblastic tumor?",
    "What are the symptoms of Tietze syndrome?",
    "Is Marfan syndrome inherited?",
    "How is cystic fibrosis treated?",
    "What is Fabry disease?",
]
TEST_QUESTIONS = [
    "What causes IMT?",
    "What is Tietze syndrome?",
    "Is Tietz syndrome inherited?",
    "What are the symptoms of Usher syndrome type 1?",
    "Is FOP inherited?",
]
PROFILE = os.environ.get("GARDBOT_LOAD_PROFILE")  # a file: profile the bot process (cProfile)
TICKET = re.compile(r"^📨 Question #(\d+) from (\S+)")
WEBHOOK_URL = "https://gardbot.example.org/telegram/hook"


class LoadDouble(BotApiDouble):
    """The Bot API double, noting when each bot message was delivered, with an optional storm of
    random 429 / 500 answers to sendMessage."""

    def __init__(self) -> None:
        super().__init__()
        self.delivered: list[tuple[float, int, str]] = []  # (time, chat id, text)
        self.storm: tuple[float, float] | None = None  # (share of 429, share of 500)
        self.rng = random.Random(10)

    def _record(self, message: dict, method: str, raw_text: str, params: dict) -> None:
        super()._record(message, method, raw_text, params)
        self.delivered.append((time.monotonic(), message["chat"]["id"], message.get("text", "")))

    def _take_fault(self, method: str, params: dict) -> _Fault | None:
        if self.storm is not None and method.lower() == "sendmessage":
            draw = self.rng.random()
            if draw < self.storm[0]:
                return _Fault(429, 1, None)
            if draw < self.storm[0] + self.storm[1]:
                return _Fault(500, None, None)
        return super()._take_fault(method, params)

    def texts_in(self, chat_id: int) -> list[tuple[float, str]]:
        return [(t, text) for t, c, text in self.delivered if c == chat_id]


@dataclass
class Result:
    name: str
    sent: int
    lost: int
    doubled: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    note: str = ""
    rated: bool = True  # False where the pace is the users' and staff's, not the bot's

    def row(self) -> str:
        def pct(q: float) -> str:
            if not self.latencies:
                return "-"
            ordered = sorted(self.latencies)
            return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))]:.2f}"

        rate = f"{self.sent / self.seconds:.1f}" if self.seconds and self.rated else "-"
        return (
            f"| {self.name} | {self.sent} | {self.lost} | {self.doubled} | {rate} | "
            f"{pct(0.50)} | {pct(0.95)} | {pct(0.99)} | {self.note} |"
        )


class Bot:
    """One `gardbot telegram` process at a time on the same database and double: polling, or a
    webhook replica when `webhook_port` is given."""

    def __init__(self, double: LoadDouble, env: dict[str, str], log: Path, webhook_port: int = 0) -> None:
        self.double, self.env, self.log = double, env, log
        if webhook_port:
            self.env = {
                **env,
                "GARDBOT_TELEGRAM_MODE": "webhook",
                "GARDBOT_WEBHOOK_URL": WEBHOOK_URL,
                "GARDBOT_WEBHOOK_LISTEN": "127.0.0.1",
                "GARDBOT_WEBHOOK_PORT": str(webhook_port),
            }
        self.webhook_port = webhook_port
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    def _ready_count(self) -> int:
        if self.webhook_port:  # a webhook replica registers its address when it is ready
            return len(self.double.calls("setWebhook"))
        return len(self.double.calls("getUpdates"))

    async def start(self, **extra: str) -> None:
        polls = self._ready_count()
        with self.log.open("ab") as log:
            profile = ["-m", "cProfile", "-o", PROFILE] if PROFILE else []
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                *profile,
                "-m",
                "bot.cli",
                "telegram",
                env={**self.env, **extra},
                stdout=log,
                stderr=log,
            )
        self.starts += 1
        await until(lambda: self._ready_count() > polls, 120, "the bot to poll or set its webhook")

    async def kill(self) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    def cpu_seconds(self) -> float:
        """User + system CPU time of the running bot process so far (Linux)."""
        return self._cpu_seconds()

    def _cpu_seconds(self) -> float:
        if self.process is None or self.process.returncode is not None:
            return 0.0
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
            await asyncio.wait_for(self.process.wait(), 60)


class Replicas(Bot):
    """Several webhook replicas on one PostgreSQL database behind one address (the double POSTs
    round-robin). `kill` and `start` act on the first replica only: the others keep serving, as
    they would when one machine of several dies; `process` is the first replica's."""

    def __init__(self, bots: list[Bot]) -> None:
        self.bots = bots
        self.double = bots[0].double

    @property
    def process(self) -> asyncio.subprocess.Process | None:  # type: ignore[override]
        return self.bots[0].process

    async def start(self, **extra: str) -> None:
        for bot in self.bots:
            if bot.process is None or bot.process.returncode is not None:
                await bot.start(**(extra if bot is self.bots[0] else {}))

    async def kill(self) -> None:
        await self.bots[0].kill()

    def cpu_seconds(self) -> float:
        return sum(bot.cpu_seconds() for bot in self.bots)

    async def stop(self) -> None:
        for bot in self.bots:
            await bot.stop()


async def until(condition: Callable[[], Any], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        await asyncio.sleep(0.05)


async def settle(count: Callable[[], int], quiet: float = 15.0, limit: float = 300.0) -> None:
    """Wait until `count` stops growing for `quiet` seconds (or `limit` passes)."""
    start = last_change = time.monotonic()
    last = count()
    while time.monotonic() - last_change < quiet and time.monotonic() - start < limit:
        await asyncio.sleep(0.2)
        if (now := count()) != last:
            last, last_change = now, time.monotonic()


def answers_of(
    double: LoadDouble, chats: list[dict], asked: dict[int, list[tuple[float, str]]]
) -> tuple[int, int, list[float], float]:
    """(lost, doubled, latencies, time of the last answer): the k-th distinct answer in a chat
    answers its k-th question; a message delivered twice in a row counts as doubled."""
    lost = doubled = 0
    latencies: list[float] = []
    last = 0.0
    for chat in chats:
        distinct: list[tuple[float, str]] = []
        for at, text in double.texts_in(chat["id"]):
            if distinct and distinct[-1][1] == text:
                doubled += 1
                continue
            distinct.append((at, text))
        questions = asked[chat["id"]]
        lost += max(0, len(questions) - len(distinct))
        for (asked_at, _), (answered_at, _) in zip(questions, distinct, strict=False):
            latencies.append(answered_at - asked_at)
            last = max(last, answered_at)
    return lost, doubled, latencies, last


async def question_burst(
    double: LoadDouble,
    bot: Bot,
    questions: list[str],
    name: str,
    chats: int,
    per_chat: int,
    first_user: int,
    kill_at: float | None = None,
) -> Result:
    users = [double.user(first_user + i, f"U{first_user + i}") for i in range(chats)]
    rooms = [double.private_chat(user) for user in users]
    asked: dict[int, list[tuple[float, str]]] = {room["id"]: [] for room in rooms}
    total = chats * per_chat
    before = len(double.delivered)
    cpu = bot.cpu_seconds()
    started = time.monotonic()
    for k in range(per_chat):
        for i, (user, room) in enumerate(zip(users, rooms, strict=True)):
            question = questions[(i + k) % len(questions)]
            double.send_text(room, user, question)
            asked[room["id"]].append((time.monotonic(), question))
    note = ""
    if kill_at is not None:
        await until(lambda: len(double.delivered) - before >= kill_at * total, 300, "answers before the kill")
        await bot.kill()
        killed_after = len(double.delivered) - before
        await bot.start()
        note = f"killed after {killed_after} answers; restarted"
    await until(lambda: len(double.delivered) - before >= total, 600, "every answer")
    await settle(lambda: len(double.delivered), quiet=2.0)
    lost, doubled, latencies, last = answers_of(double, rooms, asked)
    if kill_at is None:
        note = f"bot CPU {1000 * (bot.cpu_seconds() - cpu) / total:.1f} ms per question"
    return Result(name, total, lost, doubled, last - started, latencies, note)


RELAY = "📬 Answer to your question"


class TicketRun:
    """One ticket scenario's people and what happened to them: users ask, press Ask and Send;
    staff reply to the first copy of each ticket as soon as it comes in."""

    def __init__(self, double: LoadDouble, bot: Bot, users: int, first_user: int) -> None:
        self.double, self.bot, self.users = double, bot, users
        self.people = [double.user(first_user + i, f"T{first_user + i}") for i in range(users)]
        self.rooms = {p["id"]: double.private_chat(p) for p in self.people}
        self.names = {p["first_name"]: p["id"] for p in self.people}
        self.staff = double.user(9_000_001, "Staff")
        self.staff_room = double.group_chat(STAFF_CHAT, "GARD staff")
        self.sent_at: dict[int, float] = {}  # user -> when they pressed Send
        self.replied: dict[int, int] = {}  # ticket -> user
        self.first_copy_at: dict[int, float] = {}  # user -> when staff saw their ticket

    async def supervise(self) -> int:
        """Restart the bot each time it crashes; returns how many crashes."""
        crashes = 0
        while True:
            assert self.bot.process is not None
            code = await self.bot.process.wait()
            if code != 9:
                return crashes
            crashes += 1
            await self.bot.start()  # without GARDBOT_CRASH_AT

    async def user(self, person: dict) -> None:
        double, room = self.double, self.rooms[person["id"]]
        double.send_text(room, person, f"Is Castellane fever contagious in case {person['id']}?")
        abstained = await double.wait_for_message(room, timeout=120)
        ask = [b["callback_data"] for row in abstained["reply_markup"]["inline_keyboard"] for b in row]
        double.press_button(room, person, abstained, next(d for d in ask if d.startswith("ask:")))
        confirm = await double.wait_for_message(room, timeout=120)
        ok = [b["callback_data"] for row in confirm["reply_markup"]["inline_keyboard"] for b in row]
        double.press_button(room, person, confirm, next(d for d in ok if d.startswith("ok:")))
        self.sent_at[person["id"]] = time.monotonic()

    def staff_pass(self) -> None:
        for record in self.double.messages(self.staff_room):
            match = TICKET.match(record["plain_text"])
            if not match:
                continue
            n, who = int(match.group(1)), self.names.get(match.group(2))
            if who is None:
                continue
            if n not in self.replied:
                self.replied[n] = who
                self.first_copy_at[who] = time.monotonic()
                self.double.send_text(
                    self.staff_room, self.staff, f"Answer for ticket {n}.", record["message"]
                )

    async def staff_loop(self) -> None:
        deadline = time.monotonic() + 300
        while len(self.replied) < self.users and time.monotonic() < deadline:
            self.staff_pass()
            await asyncio.sleep(0.05)

    def relayed(self) -> int:
        return sum(1 for _, c, text in self.double.delivered if c in self.rooms and text.startswith(RELAY))

    def tally(self) -> tuple[int, int, str]:
        """Lost and doubled messages (tickets and relays together), and the note saying which."""
        copies: dict[int, int] = {}
        for record in self.double.messages(self.staff_room):
            match = TICKET.match(record["plain_text"])
            if match and match.group(2) in self.names:
                copies[int(match.group(1))] = copies.get(int(match.group(1)), 0) + 1
        lost_tickets = self.users - len(self.replied)
        doubled_tickets = sum(c - 1 for c in copies.values())
        relays: dict[int, int] = {}
        for _, chat, text in self.double.delivered:
            if chat in self.rooms and text.startswith(RELAY):
                relays[chat] = relays.get(chat, 0) + 1
        lost_relays = len(self.replied) - len(relays)
        doubled_relays = sum(c - 1 for c in relays.values())
        note = (
            f"tickets: {lost_tickets} lost, {doubled_tickets} doubled; "
            f"relays: {lost_relays} lost, {doubled_relays} doubled; latency = Send to ticket seen by staff"
        )
        return lost_tickets + lost_relays, doubled_tickets + doubled_relays, note


async def ticket_flow(
    double: LoadDouble, bot: Bot, crash_at: str, users: int, first_user: int, name: str = ""
) -> Result:
    """Users ask, press Ask and Send; staff reply to the first copy of each ticket. The bot (the
    first replica) ends itself at `crash_at` once and is restarted; "" runs with no crash."""
    run = TicketRun(double, bot, users, first_user)
    await bot.stop()
    await bot.start(GARDBOT_CRASH_AT=crash_at)  # with replicas, only the first one crashes
    supervisor = asyncio.create_task(run.supervise())
    started = time.monotonic()
    staff_task = asyncio.create_task(run.staff_loop())
    await asyncio.gather(*(run.user(p) for p in run.people))
    await staff_task
    await until(lambda: run.relayed() >= len(run.replied), 300, "every relay")
    await settle(lambda: len(double.delivered), quiet=3.0)
    ended = time.monotonic()
    await bot.stop()
    crashes = await supervisor
    lost, doubled, note = run.tally()
    latencies = [run.first_copy_at[u] - run.sent_at[u] for u in run.first_copy_at if u in run.sent_at]
    return Result(
        name or f"kill at {crash_at}",
        users * 2,
        lost,
        doubled,
        ended - started,
        latencies,
        f"{crashes} crash(es); {note}",
        rated=False,
    )


def bot_environment(double: LoadDouble, tmp: Path, corpus: str) -> tuple[dict[str, str], list[str]]:
    """The bot's environment (the double as Telegram, a fresh database) and the questions to ask."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": double.token,
        "TELEGRAM_BASE_URL": double.base_url,
        "GARDBOT_DB": str(tmp / "bot.sqlite3"),
        "GARDBOT_STAFF_CHAT_ID": str(STAFF_CHAT),
        "GARDBOT_CONFIG": str(tmp / "none.yaml"),
    }
    env.pop("GARDBOT_CRASH_AT", None)
    if corpus != "test":
        return env, GARD_QUESTIONS
    env["GARDBOT_CORPUS"] = str(write_corpus(tmp / "corpus"))
    env["GARDBOT_INDEX_DIR"] = str(tmp / "index")
    return env, TEST_QUESTIONS


async def start_bots(
    args: argparse.Namespace, double: LoadDouble, env: dict[str, str], tmp: Path
) -> tuple[Bot, str | None]:
    """One polling bot, or webhook replicas on a new PostgreSQL database (returned to drop)."""
    if args.replicas <= 1:
        return Bot(double, env, tmp / "bot.log"), None
    database = await asyncio.to_thread(create_database, args.postgres)
    env["GARDBOT_DB"] = database
    ports = [free_port() for _ in range(args.replicas)]
    double.deliver_webhooks_to = [f"http://127.0.0.1:{port}" for port in ports]
    logs = [tmp / f"replica{i + 1}.log" for i in range(args.replicas)]
    bot = Replicas([Bot(double, env, log, webhook_port=port) for log, port in zip(logs, ports, strict=True)])
    print(f"{args.replicas} webhook replicas on ports {ports}, database {database}")
    return bot, database


async def scenarios(
    args: argparse.Namespace, double: LoadDouble, bot: Bot, questions: list[str]
) -> list[Result]:
    """The scenarios asked for (--only), in order: burst, backlog, tickets, storm."""
    chats = args.chats or (500 if args.replicas > 1 else 200)
    label = f"{args.replicas} replicas: " if args.replicas > 1 else ""
    results: list[Result] = []
    wanted = set(args.only or ["burst", "backlog", "tickets", "storm"])
    await bot.start()
    if "burst" in wanted:
        results.append(
            await question_burst(double, bot, questions, f"{label}burst {chats}×5", chats, 5, 100_000)
        )
    if "backlog" in wanted:
        name = f"{label}one killed (SIGKILL) mid-run" if args.replicas > 1 else "kill -9 with a backlog"
        results.append(await question_burst(double, bot, questions, name, chats, 5, 200_000, kill_at=0.3))
    if "tickets" in wanted:
        for i, point in enumerate(["after_send", "after_delivery:ticket", "after_staff_reply"]):
            name = f"{label}tickets, {'first replica ' if label else ''}killed at {point}"
            results.append(await ticket_flow(double, bot, point, 20, 300_000 + 1000 * i, name))
        double.storm = (0.3, 0.1)
        results.append(await ticket_flow(double, bot, "", 20, 304_000, f"{label}tickets in a 429/500 storm"))
        double.storm = None
        await bot.start()
    if "storm" in wanted:
        double.storm = (0.3, 0.1)
        name = f"{label}storm 30% 429, 10% 500"
        results.append(await question_burst(double, bot, questions, name, 100, 4, 400_000))
        double.storm = None
    return results


def print_summary(double: LoadDouble, bot: Bot, corpus: str, results: list[Result]) -> None:
    failed = [c for c in double.calls("sendMessage") if c.get("status") != 200]
    print(f"corpus: {corpus}; {len(double.calls('sendMessage'))} sendMessage calls, {len(failed)} failed")
    print(f"sendChatAction calls: {len(double.calls('sendChatAction'))}")
    if double.flood_limit:
        counted = [c for c in double.calls() if c["method"].lower().startswith(("send", "edit"))]
        share = 100 * double.flood_refused / max(1, len(counted))
        print(
            f"flood limit {double.flood_limit}/s per bot: {double.flood_refused} of {len(counted)} "
            f"sends answered 429 by it ({share:.2f}%)"
        )
    logs = [b.log for b in (bot.bots if isinstance(bot, Replicas) else [bot])]
    text = "\n".join(log.read_text(errors="replace") for log in logs if log.exists())
    print(
        f"bot logs: {text.count('Traceback')} tracebacks, {text.count('ERROR')} ERROR lines, "
        f"{text.count('flood control')} flood-control WARNING lines"
    )
    print()
    print("| scenario | messages | lost | doubled | per second | p50 s | p95 s | p99 s | notes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for result in results:
        print(result.row())


async def main(args: argparse.Namespace) -> None:
    # The double's server logs every connection the killed bot left half-way; that is expected.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    gard = ROOT / "data" / "medquad" / "2_GARD_QA"
    corpus = args.corpus or ("gard" if gard.is_dir() else "test")
    keep = os.environ.get("GARDBOT_LOAD_KEEP")  # a folder: keep the database and log there
    with tempfile.TemporaryDirectory(prefix="gardbot-load-") as tmp_name:
        tmp = Path(keep or tmp_name)
        double = LoadDouble()
        double.flood_limit = args.flood_limit or None  # Telegram's per-bot limit, enforced with 429s
        await double.start()
        env, questions = bot_environment(double, tmp, corpus)
        double.group_chat(STAFF_CHAT, "GARD staff")
        bot, database = await start_bots(args, double, env, tmp)
        try:
            results = await scenarios(args, double, bot, questions)
        finally:
            await bot.stop()
            await double.stop()
            if database is not None and not keep:
                await asyncio.to_thread(drop_database, args.postgres, database)
        print_summary(double, bot, corpus, results)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def create_database(server: str) -> str:
    """A new, empty PostgreSQL database on `server` for this run; returns its URL."""
    import psycopg

    name = f"gardbot_load_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def drop_database(server: str, url: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {urlsplit(url).path.lstrip('/')} WITH (FORCE)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=["gard", "test"])
    parser.add_argument(
        "--replicas",
        type=int,
        default=1,
        help="webhook replicas on one PostgreSQL database (default: 1 polling)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("GARDBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="server on which --replicas creates (and drops) a database for the run",
    )
    parser.add_argument("--chats", type=int, help="chats in the bursts (default 200; 500 with replicas)")
    parser.add_argument("--only", nargs="*", choices=["burst", "backlog", "tickets", "storm"])
    parser.add_argument(
        "--flood-limit",
        type=int,
        default=0,
        help="the double answers 429 past this many messages a second for the bot (Telegram: 30)",
    )
    asyncio.run(main(parser.parse_args()))
