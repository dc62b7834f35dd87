"""/healthz, /metrics and --log-format json: the real Application (and the real `gardbot telegram`
process) against the Bot API double, read with a real HTTP client on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import ClientConnectionError, ClientSession
from botapi_double import BotApiDouble
from corpus_fixture import write_corpus
from prometheus_client.parser import text_string_to_metric_families
from telegram.ext import Application
from telegram_fixtures import (
    ask_specialist,
    gardbot_process,
    process_env,
    running,
    services,
    wait_until,
)

from answers.engine import Engine
from bot.config import Config, ConfigError, load_config
from bot.ops.health import HealthChecks
from bot.ops.metrics import ANSWER_OUTCOMES, API_ERROR_KINDS
from bot.telegram.app import build_application, run_telegram
from bot.telegram.state import TelegramConversations
from retrieval.build import CorpusSelection, open_index
from retrieval.index import PassageIndex
from retrieval.search import Searcher
from store import RetryPolicy, SQLiteStore, open_store

NO_PAGE_QUESTION = "What causes Scheuermann disease?"  # no page in the test corpus
ABSTAINS = "Which symptoms come first?"  # of no disease named (shorter ones are asked back: issue 17)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> PassageIndex:
    root = write_corpus(tmp_path_factory.mktemp("corpus"))
    return open_index(CorpusSelection(root), tmp_path_factory.mktemp("index"), progress=False)


@pytest.fixture
def health_config(config: Config) -> Config:
    settings = replace(config.telegram, health_port=free_port(), outbox_stuck_seconds=30.0)
    return replace(config, telegram=settings)


@pytest.fixture
def make_bot(
    double: BotApiDouble, index: PassageIndex, health_config: Config
) -> Iterator[Callable[..., Any]]:
    """An Application serving /healthz and /metrics; its store waits at most 0.2 s for a lock."""
    stores: list[SQLiteStore] = []

    def make(config: Config = health_config) -> tuple[Application, str]:
        store = open_store(
            config.database_url, retry_policy=RetryPolicy(base=0.05, cap=0.5), busy_timeout=0.2
        )
        stores.append(store)  # type: ignore[arg-type]
        engine = Engine(Searcher(index), conversations=TelegramConversations(store))
        app = build_application(
            config, engine, store, builder=double.application_builder(), outbox_interval=0.05
        )
        return app, f"http://127.0.0.1:{config.telegram.health_port}"

    yield make
    for store in stores:
        store.close()


async def get(url: str) -> tuple[int, str, str]:
    """(status, content type, body) of a GET with a real HTTP client."""
    async with ClientSession() as session, session.get(url) as response:
        return response.status, response.headers.get("Content-Type", ""), await response.text()


async def healthz(base: str) -> tuple[int, dict[str, Any]]:
    status, content_type, body = await get(f"{base}/healthz")
    assert content_type == "application/json"
    return status, json.loads(body)


async def metrics(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, parsed by prometheus_client's own parser: (name, labels) -> value."""
    status, content_type, body = await get(f"{base}/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def answers(samples: dict, outcome: str) -> float:
    return samples[("gardbot_answers_total", (("outcome", outcome),))]


def api_errors(samples: dict, kind: str) -> float:
    return samples[("gardbot_telegram_api_errors_total", (("kind", kind),))]


def gauge(samples: dict, name: str) -> float:
    return samples[(name, ())]


# --------------------------------------------------------------------------- healthy


async def test_a_question_shows_in_metrics_and_healthz_is_200(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict
) -> None:
    app, base = make_bot()
    async with running(app):
        double.send_text(alice_chat, alice, "What causes IMT?")
        await double.wait_for_message(alice_chat)
        store = services(app).store
        await wait_until(lambda: store.outbox_stats().depth == 0)  # marked sent

        status, body = await healthz(base)
        assert status == 200
        assert body["status"] == "ok" and body["failing"] == []
        assert body["checks"]["index"]["ok"] and body["checks"]["index"]["passages"] > 0
        assert body["checks"]["database"] == {"ok": True}
        assert body["checks"]["outbox"] == {
            "ok": True,
            "depth": 0,
            "oldest_due_seconds": 0.0,
            "limit_seconds": 30.0,
        }

        samples = await metrics(base)
        assert answers(samples, "answer") == 1
        assert [answers(samples, o) for o in ANSWER_OUTCOMES if o != "answer"] == [0, 0, 0, 0, 0]
        assert samples[("gardbot_answer_latency_seconds_count", ())] == 1
        assert samples[("gardbot_answer_latency_seconds_bucket", (("le", "+Inf"),))] == 1
        assert samples[("gardbot_answer_latency_seconds_sum", ())] > 0
        assert samples[("gardbot_tickets_created_total", ())] == 0
        assert gauge(samples, "gardbot_outbox_depth") == 0
        assert gauge(samples, "gardbot_outbox_dead") == 0
        assert gauge(samples, "gardbot_outbox_oldest_due_age_seconds") == 0
        assert gauge(samples, "gardbot_inbox_pending") == 0
        assert gauge(samples, "gardbot_database_up") == 1
        assert [api_errors(samples, k) for k in API_ERROR_KINDS] == [0] * len(API_ERROR_KINDS)
        assert not [name for name, _ in samples if name.endswith("_created")]

        status, _, _ = await get(f"{base}/nothing-here")
        assert status == 404


async def test_outcomes_tickets_and_telegram_errors_are_counted(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, staff_chat: dict
) -> None:
    app, base = make_bot()
    async with running(app):
        await ask_specialist(double, alice_chat, alice, ABSTAINS)  # abstains, then a ticket
        double.send_text(alice_chat, alice, NO_PAGE_QUESTION)
        no_page = await double.wait_for_message(alice_chat)
        assert "I have no GARD page on Scheuermann disease" in no_page["plain_text"]
        double.send_text(alice_chat, alice, "hello")
        await double.wait_for_message(alice_chat)
        double.send_text(alice_chat, alice, "x" * 2001)  # refused: too long
        await double.wait_for_message(alice_chat)
        double.send_text(alice_chat, alice, "What are the symptoms of Usher syndrome?")
        await double.wait_for_message(alice_chat)

        double.fail_next("sendMessage", status=500, chat=alice_chat)  # retried, then delivered
        double.fail_next("sendMessage", status=429, retry_after=1, chat=alice_chat)
        double.fail_next("sendMessage", status=403, chat=alice_chat)  # that message is given up
        for question in ("What causes IMT?", "What is Tietze syndrome?"):
            double.send_text(alice_chat, alice, question)
        await double.wait_for_message(alice_chat, lambda m: "Tietze" in m["plain_text"], timeout=15)
        store = services(app).store
        await wait_until(lambda: store.outbox_stats().depth == 0)

        samples = await metrics(base)
    counts = {o: answers(samples, o) for o in ANSWER_OUTCOMES}
    assert counts == {"answer": 2, "abstain": 1, "choose": 1, "smalltalk": 1, "no_page": 1, "refused": 1}
    assert samples[("gardbot_answer_latency_seconds_count", ())] == 6  # the refusal is no engine reply
    assert samples[("gardbot_tickets_created_total", ())] == 1
    assert (api_errors(samples, "5xx"), api_errors(samples, "429"), api_errors(samples, "403")) == (1, 1, 1)
    assert api_errors(samples, "network") == api_errors(samples, "timeout") == 0
    assert gauge(samples, "gardbot_outbox_dead") == 1  # the 403
    logged = [q.outcome for q in store.questions()]  # the question log has no no_page: an abstention
    assert logged == ["abstain", "abstain", "smalltalk", "refused", "choose", "answer", "answer"]


async def test_two_applications_in_one_process_count_apart(
    double: BotApiDouble, make_bot, health_config: Config, tmp_path: Path, alice: dict, alice_chat: dict
) -> None:
    first, first_base = make_bot()
    other = replace(
        health_config,
        database=replace(health_config.database, url=str(tmp_path / "other.sqlite3")),
        telegram=replace(health_config.telegram, health_port=free_port()),
    )
    second, second_base = make_bot(other)
    assert services(first).metrics.registry is not services(second).metrics.registry
    async with running(first):
        double.send_text(alice_chat, alice, "What causes IMT?")
        await double.wait_for_message(alice_chat)
        assert answers(await metrics(first_base), "answer") == 1
    async with running(second):
        assert answers(await metrics(second_base), "answer") == 0


# --------------------------------------------------------------------------- failing


async def test_healthz_is_503_while_the_database_is_locked_or_closed(
    double: BotApiDouble, make_bot, health_config: Config
) -> None:
    app, base = make_bot()
    async with running(app):
        with closing(sqlite3.connect(health_config.database_url, timeout=0, isolation_level=None)) as other:
            other.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
            status, body = await healthz(base)
            other.execute("ROLLBACK")
        assert status == 503
        assert body["status"] == "failing" and body["failing"] == ["database"]
        assert body["checks"]["database"]["ok"] is False
        assert "locked" in body["checks"]["database"]["error"]
        assert body["checks"]["index"]["ok"] and body["checks"]["outbox"]["ok"]

        status, body = await healthz(base)
        assert (status, body["failing"]) == (200, [])

        services(app).store.close()  # the database is gone altogether
        status, body = await healthz(base)
        assert status == 503 and body["failing"] == ["database", "outbox"]
        assert "closed" in body["checks"]["database"]["error"]
        samples = await metrics(base)
        assert gauge(samples, "gardbot_database_up") == 0
        assert ("gardbot_outbox_depth", ()) not in samples
        assert answers(samples, "answer") == 0  # the counters are still served


async def test_healthz_is_503_while_a_due_message_waits_too_long(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict
) -> None:
    app, base = make_bot()
    async with running(app):
        s = services(app)
        assert s.worker is not None
        await s.worker.stop()  # delivery is stuck
        s.store.enqueue("reply", alice_chat["id"], {"text": "late"}, "test:stuck", now=time.time() - 120)

        status, body = await healthz(base)
        assert status == 503 and body["failing"] == ["outbox"]
        outbox = body["checks"]["outbox"]
        assert outbox["ok"] is False and outbox["depth"] == 1 and outbox["limit_seconds"] == 30.0
        assert outbox["oldest_due_seconds"] >= 120
        samples = await metrics(base)
        assert gauge(samples, "gardbot_outbox_depth") == 1
        assert gauge(samples, "gardbot_outbox_oldest_due_age_seconds") >= 120

        s.worker.start()  # delivery resumes: healthy again
        await double.wait_for_message(alice_chat)
        await wait_until(lambda: s.store.outbox_stats().depth == 0)
        status, body = await healthz(base)
        assert status == 200 and body["checks"]["outbox"]["depth"] == 0


async def test_healthz_fails_on_an_empty_index(tmp_path: Path) -> None:
    empty = SimpleNamespace(searcher=SimpleNamespace(passage_count=lambda: 0))
    with SQLiteStore(tmp_path / "bot.sqlite3") as store:
        status, body = await HealthChecks(empty, store, 30.0).run()  # type: ignore[arg-type]
    assert status == 503 and body["failing"] == ["index"]
    assert body["checks"]["index"] == {"ok": False, "passages": 0}


async def test_a_database_check_that_hangs_fails_instead_of_hanging_the_probe(tmp_path: Path, index) -> None:
    release = threading.Event()

    class HangingStore(SQLiteStore):
        def ping(self) -> None:
            release.wait(30)

    with HangingStore(tmp_path / "bot.sqlite3") as store:
        checks = HealthChecks(Engine(Searcher(index)), store, 30.0, timeout=0.2)
        try:
            status, body = await checks.run()
        finally:
            release.set()
    assert status == 503 and body["failing"] == ["database"]
    assert body["checks"]["database"] == {"ok": False, "error": "no answer within 0.2 s"}


# --------------------------------------------------------------------------- settings


def test_health_port_setting_env_override_and_off(tmp_path: Path) -> None:
    none = str(tmp_path / "none.yaml")
    default = load_config(env={"GARDBOT_CONFIG": none}).telegram
    assert (default.health_port, default.health_listen, default.outbox_stuck_seconds) == (
        0,
        "127.0.0.1",
        300.0,
    )
    env = {
        "GARDBOT_HEALTH_PORT": "9464",
        "GARDBOT_HEALTH_LISTEN": "0.0.0.0",
        "GARDBOT_OUTBOX_STUCK_SECONDS": "60",
    }
    settings = load_config(env=env | {"GARDBOT_CONFIG": none}).telegram
    assert (settings.health_port, settings.health_listen, settings.outbox_stuck_seconds) == (
        9464,
        "0.0.0.0",
        60.0,
    )
    yaml_file = tmp_path / "config.yaml"
    yaml_file.write_text("telegram:\n  health_port: ''\n")
    assert load_config(yaml_file, env={}).telegram.health_port == 0
    yaml_file.write_text("telegram:\n  health_port: 9464\n")
    assert load_config(yaml_file, env={"GARDBOT_HEALTH_PORT": "9465"}).telegram.health_port == 9465
    with pytest.raises(ConfigError, match="health_port"):
        load_config(yaml_file, env={"GARDBOT_HEALTH_PORT": "metrics"})


async def test_no_health_server_when_the_port_is_0(
    double: BotApiDouble, make_bot, health_config: Config
) -> None:
    off = replace(health_config, telegram=replace(health_config.telegram, health_port=0))
    app, _ = make_bot(off)
    assert services(app).health is None
    async with running(app):
        assert services(app).metrics is not None  # still counted, only not served


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"health_port": 70000}, "health_port must be 0 (off) to 65535"),
        ({"outbox_stuck_seconds": 0.0}, "outbox_stuck_seconds must be more than 0"),
        (
            {"mode": "webhook", "webhook_url": "https://x.example/hook", "health_port": 8443},
            "give /healthz a port of its own",
        ),
    ],
)
def test_run_telegram_refuses_bad_health_settings_in_one_line(
    capsys: pytest.CaptureFixture[str], config: Config, changes: dict, expected: str
) -> None:
    settings = replace(config.telegram, token="4242:AAsecret", **changes)
    assert run_telegram(replace(config, telegram=settings)) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and "AAsecret" not in err


# --------------------------------------------------------------------------- the real process


async def wait_for_health(base: str, timeout: float = 30.0) -> tuple[int, dict[str, Any]]:
    """/healthz once the process listens (it starts listening first thing in post_init)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await healthz(base)
        except ClientConnectionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


async def test_gardbot_telegram_serves_health_and_logs_json_lines(
    double: BotApiDouble, tmp_path: Path, alice: dict, alice_chat: dict
) -> None:
    """Polling mode, --log-format json: /healthz and /metrics answer, and every line the process
    logs is one JSON object, without the token."""
    port = free_port()
    env = process_env(double, tmp_path, GARDBOT_HEALTH_PORT=str(port))
    base = f"http://127.0.0.1:{port}"
    async with gardbot_process(env, "--log-format", "json") as log:
        double.send_text(alice_chat, alice, "What causes IMT?")
        await double.wait_for_message(alice_chat, timeout=30)
        status, body = await wait_for_health(base)
        assert status == 200 and body["status"] == "ok"
        assert answers(await metrics(base), "answer") == 1
    lines = log[0].splitlines()
    not_json = [line for line in lines if not line.startswith("{")]
    assert not_json == []
    records = [json.loads(line) for line in lines]  # every line parses
    assert all(set(r) >= {"time", "level", "logger", "message"} for r in records)
    running_line = [r for r in records if r["message"].startswith("gardbot is running as @")]
    assert (
        running_line
        and running_line[0]["level"] == "INFO"
        and running_line[0]["logger"] == "gardbot.telegram"
    )
    assert any(f"127.0.0.1:{port}/healthz" in r["message"] for r in records)
    assert records[0]["time"].endswith("+00:00")


async def test_gardbot_telegram_serves_health_in_webhook_mode(
    double: BotApiDouble, tmp_path: Path, alice: dict, alice_chat: dict
) -> None:
    webhook_port, health_port = free_port(), free_port()
    double.deliver_webhooks_to = f"http://127.0.0.1:{webhook_port}"
    env = process_env(
        double,
        tmp_path,
        GARDBOT_TELEGRAM_MODE="webhook",
        GARDBOT_WEBHOOK_URL="https://gardbot.example.org/telegram/hook",
        GARDBOT_WEBHOOK_PORT=str(webhook_port),
        GARDBOT_HEALTH_PORT=str(health_port),
    )
    base = f"http://127.0.0.1:{health_port}"
    async with gardbot_process(env):
        double.send_text(alice_chat, alice, "What causes IMT?")
        await double.wait_for_message(alice_chat, timeout=30)
        status, body = await wait_for_health(base)
        assert status == 200 and body["failing"] == []
        samples = await metrics(base)
        assert answers(samples, "answer") == 1
        assert samples[("gardbot_answer_latency_seconds_count", ())] == 1


async def test_gardbot_telegram_with_its_health_port_taken_exits_with_one_line(
    double: BotApiDouble, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = process_env(double, tmp_path, GARDBOT_HEALTH_PORT=str(port))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "telegram", env=env, stderr=asyncio.subprocess.PIPE
        )
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    err = stderr.decode()
    assert process.returncode == 1
    assert f"error: could not listen on 127.0.0.1:{port} for /healthz and /metrics" in err
    assert "Traceback" not in err and double.token.split(":")[1] not in err
