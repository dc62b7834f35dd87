"""Replicas sharing one PostgreSQL database, end to end through the Bot API double.

Webhook: two Applications in this process, each with its own index, engine and PostgreSQL
connection, behind one address (the double POSTs each update to the replica the test names). A
question abstained on one becomes a ticket; staff reply through the other and the relay reaches
the asker once; the answer published through one is found through the other; an update
Telegram delivers again, to the other replica, is ignored.

Polling: two real `gardbot telegram` processes; one polls, the other stands by; the poller is
killed right after a ticket was confirmed, and the standby takes over, delivers the ticket to
staff and relays the staff answer once.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import ClientSession
from botapi_double import BotApiDouble
from corpus_fixture import write_corpus
from telegram.ext import Application
from telegram_fixtures import (
    STAFF_CHAT,
    UNANSWERABLE,
    buttons,
    process_env,
    running,
    services,
    wait_until,
)
from test_durability import BotProcess, ask_and_send, is_ticket, start_bot
from test_publish import previewed, published_now

from bot.config import Config
from bot.telegram import texts
from bot.telegram.app import webhook_secret
from retrieval.build import CorpusSelection, open_index
from store import open_store

STAFF_ANSWER = "Castellane fever is not contagious; it is a made-up name for these tests."
OTHER_WORDS = "can my kids catch castellane fever from me?"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = write_corpus(tmp_path_factory.mktemp("corpus"))
    index_dir = tmp_path_factory.mktemp("index")
    open_index(CorpusSelection(root), index_dir, progress=False)
    return root, index_dir


@pytest.fixture
def make_replica(
    make_bot: Callable[..., Application], corpus: tuple[Path, Path], config: Config, pg_url: str
) -> Callable[[], Application]:
    """A replica: its own index object (loaded from disk), engine and database connection."""
    shared = replace(
        config,
        database=replace(config.database, url=pg_url),
        telegram=replace(config.telegram, replica_sweep_seconds=0.2),
    )

    def make() -> Application:
        return make_bot(shared, open_index(CorpusSelection(corpus[0]), corpus[1], progress=False))

    return make


async def test_two_webhook_replicas_share_tickets_relays_publishing_and_redeliveries(
    double: BotApiDouble, make_replica, alice: dict, alice_chat: dict, staff_chat: dict, bob: dict
) -> None:
    port_a, port_b = free_port(), free_port()
    to_a, to_b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
    first, second = make_replica(), make_replica()
    async with running(first, webhook_port=port_a), running(second, webhook_port=port_b):
        double.deliver_webhooks_to = to_a
        double.send_text(alice_chat, alice, UNANSWERABLE)
        [asked] = double.pending_updates
        abstained = await double.wait_for_message(alice_chat)
        assert "I have no GARD page on Castellane fever" in abstained["plain_text"]
        double.press_button(alice_chat, alice, abstained, buttons(abstained)[texts.BUTTON_ASK])
        confirm = await double.wait_for_message(alice_chat)
        double.press_button(alice_chat, alice, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])
        await double.wait_for_message(alice_chat, lambda m: m["event"] == "edited")
        ticket = await double.wait_for_message(STAFF_CHAT, is_ticket)

        # Staff answer through the other replica: the asker gets it once.
        double.deliver_webhooks_to = to_b
        double.send_text(staff_chat, bob, STAFF_ANSWER, ticket)
        relayed = await double.wait_for_message(alice_chat, lambda m: STAFF_ANSWER in m["plain_text"])
        assert "#1" in relayed["plain_text"]
        saved = await double.wait_for_message(STAFF_CHAT, lambda m: "saved" in m["plain_text"])

        # Published through the second replica, found through the first.
        double.press_button(staff_chat, bob, saved, buttons(saved)[texts.BUTTON_PUBLISH])
        offered = await double.wait_for_message(STAFF_CHAT, previewed)
        assert "/publish 1 Castellane fever" in offered["plain_text"]  # the topic, offered
        double.send_text(staff_chat, bob, "/publish 1 Castellane fever")
        preview = await double.wait_for_message(STAFF_CHAT, previewed)
        double.press_button(staff_chat, bob, preview, buttons(preview)[texts.BUTTON_CONFIRM_PUBLISH])
        await double.wait_for_message(STAFF_CHAT, published_now)
        double.deliver_webhooks_to = to_a
        carol = double.user(5005, "Carol")
        carol_chat = double.private_chat(carol)
        await asyncio.sleep(0.6)  # a few housekeeping rounds (replica_sweep_seconds=0.2)
        double.send_text(carol_chat, carol, OTHER_WORDS)
        found = await double.wait_for_message(carol_chat)
        assert STAFF_ANSWER in found["plain_text"] and "Answered by staff on" in found["plain_text"]

        # Telegram delivers the first question again, to the other replica: recorded, ignored.
        async with ClientSession() as session:
            secret = {"X-Telegram-Bot-Api-Secret-Token": webhook_secret(double.token)}
            async with session.post(f"{to_b}/telegram/hook", json=asked, headers=secret) as response:
                assert response.status == 200
        await asyncio.sleep(0.5)

    assert {d["to"] for d in double.webhook_deliveries} == {f"127.0.0.1:{port_a}", f"127.0.0.1:{port_b}"}
    alice_texts = [m["plain_text"] for m in double.messages(alice_chat)]
    assert [STAFF_ANSWER in t for t in alice_texts].count(True) == 1
    assert ["I have no GARD page on Castellane fever" in t for t in alice_texts].count(True) == 1
    assert len([m for m in double.messages(STAFF_CHAT) if is_ticket(m)]) == 1
    store = services(first).store
    assert [(t.n, t.status) for t in store.list_tickets()] == [(1, "answered")]
    assert {m.status for m in store.list_outbox()} == {"sent"}


async def test_the_standby_takes_over_polling_when_the_poller_is_killed(
    double: BotApiDouble,
    tmp_path: Path,
    pg_url: str,
    alice: dict,
    alice_chat: dict,
    staff_chat: dict,
    bob: dict,
) -> None:
    """The poller dies right after a Send committed its ticket (before the ticket went to staff);
    the standby, waiting on the polling lock with /healthz answering 200, polls within seconds, sends the ticket to staff,
    and relays the staff answer once. No confirmed ticket is lost."""
    env = process_env(double, tmp_path, GARDBOT_DB=pg_url, GARDBOT_REPLICA_SWEEP_SECONDS="0.5")
    poller = await start_bot(double, {**env, "GARDBOT_CRASH_AT": "after_send"}, tmp_path / "poller.log")
    standby_log, health_port = tmp_path / "standby.log", free_port()
    standby = await standby_process({**env, "GARDBOT_HEALTH_PORT": str(health_port)}, standby_log)
    try:
        await wait_until(lambda: "standing by" in standby_log.read_text(), 60)
        async with ClientSession() as session:  # a standby is healthy: probes must not kill it
            async with session.get(f"http://127.0.0.1:{health_port}/healthz") as response:
                assert response.status == 200, await response.text()
        await ask_and_send(double, alice_chat, alice)
        assert await poller.wait_exit() == 9, poller.log[-3000:]
        await wait_until(lambda: "this replica polls Telegram now" in standby_log.read_text(), 30)
        confirmed = await double.wait_for_message(alice_chat, lambda m: "#1" in m["plain_text"], timeout=30)
        assert confirmed["event"] == "edited"
        ticket = await double.wait_for_message(STAFF_CHAT, is_ticket, timeout=30)
        double.send_text(staff_chat, bob, STAFF_ANSWER, ticket)
        await double.wait_for_message(alice_chat, lambda m: STAFF_ANSWER in m["plain_text"], timeout=30)
        await asyncio.sleep(0.5)
    finally:
        await standby.stop()
    assert len([m for m in double.messages(STAFF_CHAT) if is_ticket(m)]) == 1
    assert [STAFF_ANSWER in m["plain_text"] for m in double.messages(alice_chat)].count(True) == 1
    with open_store(pg_url) as store:
        assert [(t.n, t.status) for t in store.list_tickets()] == [(1, "answered")]


async def standby_process(env: dict[str, str], log_path: Path) -> BotProcess:
    """A second `gardbot telegram` that waits on the polling lock (it does not poll, so
    start_bot's wait for getUpdates does not apply)."""
    with log_path.open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "-v", "telegram", env=env, stdout=log, stderr=log
        )
    return BotProcess(process, log_path)
