"""Nothing acknowledged is lost (issue 10): the real `gardbot telegram` process, killed with
kill -9 (or ending itself with os._exit(9) at a named crash point, bot/ops/crash.py) and started
again on the same database, against the Bot API double, which keeps its state across the restart
as Telegram would.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from botapi_double import BotApiDouble
from telegram_fixtures import STAFF_CHAT, UNANSWERABLE, buttons, process_env, wait_until

from bot.telegram import texts

# Questions the test corpus answers, each with words only its answer has.
QUESTIONS = [
    ("What causes IMT?", "underlying cause of inflammatory myofibroblastic tumors"),
    ("What is Tietze syndrome?", "Tietze syndrome is a rare inflammatory condition"),
    ("Is Tietz syndrome inherited?", "Tietz syndrome is inherited"),
    ("What are the symptoms of Usher syndrome type 1?", "born with profound hearing loss"),
    ("Is FOP inherited?", "ACVR1"),
    ("How is Tietze syndrome treated?", "pain management"),
]
STAFF_ANSWER = "Castellane fever is not in GARD; please ask your GP."


@dataclass
class BotProcess:
    """A `gardbot -v telegram` process whose log goes to a file (readable after a kill)."""

    process: asyncio.subprocess.Process
    log_path: Path

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    async def wait_exit(self, timeout: float = 30) -> int:
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"the bot did not exit; its log:\n{self.log[-3000:]}") from None

    async def kill(self) -> None:
        """kill -9: no handler runs, nothing is flushed or committed."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        """^C, as an operator would; it must end cleanly."""
        self.process.send_signal(signal.SIGINT)
        assert await self.wait_exit() == 0, self.log[-3000:]


async def start_bot(double: BotApiDouble, env: dict[str, str], log_path: Path) -> BotProcess:
    """Start the bot and wait until it polls (its start-up backlog is handled by then)."""
    polls = len(double.calls("getUpdates"))
    with log_path.open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "-v", "telegram", env=env, stdout=log, stderr=log
        )
    bot = BotProcess(process, log_path)
    try:
        await wait_until(
            lambda: len(double.calls("getUpdates")) > polls or process.returncode is not None, 60
        )
    except AssertionError:
        await bot.kill()
        raise AssertionError(f"the bot never polled; its log:\n{bot.log[-3000:]}") from None
    return bot


@pytest.fixture
def env(double: BotApiDouble, tmp_path: Path) -> dict[str, str]:
    return process_env(double, tmp_path)


def texts_in(double: BotApiDouble, chat: dict) -> list[str]:
    return [m["plain_text"] for m in double.messages(chat)]


def answered(double: BotApiDouble, chat: dict) -> list[str]:
    """The expected answers found in the chat, in delivery order, a message sent twice in a row
    (after a crash between Telegram's answer and the bookkeeping) counted once."""
    found = []
    for text in texts_in(double, chat):
        hits = [words for _, words in QUESTIONS if words in text]
        if hits and (not found or found[-1] != hits[0]):
            found.append(hits[0])
    return found


async def test_kill_9_with_a_backlog_then_every_question_is_answered_after_restart(
    double: BotApiDouble, env: dict[str, str], tmp_path: Path
) -> None:
    """Telegram is slow (each sendMessage takes 0.3 s), three users have asked six questions
    each, and the bot is killed once it has fetched and acknowledged all 18 and sent its first
    answer. After a restart every question is answered, in order in each chat."""
    users = [double.user(5001 + i, f"Asker{i}") for i in range(3)]
    chats = [double.private_chat(user) for user in users]
    for question, _ in QUESTIONS:
        for user, chat in zip(users, chats, strict=True):
            double.send_text(chat, user, question)
    last_update = double.pending_updates[-1]["update_id"]
    double.slow_down("sendMessage", 0.3)

    bot = await start_bot(double, env, tmp_path / "first.log")
    await wait_until(
        lambda: double.confirmed_offset > last_update and any(double.messages(c) for c in chats), 30
    )
    await bot.kill()
    assert sum(len(double.messages(c)) for c in chats) < 18  # a backlog was left behind

    double.slow_down("sendMessage", 0)
    bot = await start_bot(double, env, tmp_path / "second.log")
    try:
        await wait_until(lambda: all(len(answered(double, c)) == len(QUESTIONS) for c in chats), 30)
    finally:
        await bot.stop()
    for chat in chats:
        assert answered(double, chat) == [words for _, words in QUESTIONS]
        assert texts.ERROR not in texts_in(double, chat)


async def ask_and_send(double: BotApiDouble, chat: dict, user: dict) -> None:
    """The user asks what the bot can't answer, presses Ask a specialist, then Send."""
    double.send_text(chat, user, UNANSWERABLE)
    abstained = await double.wait_for_message(chat, timeout=30)
    double.press_button(chat, user, abstained, buttons(abstained)[texts.BUTTON_ASK])
    confirm = await double.wait_for_message(chat)
    double.press_button(chat, user, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])


def is_ticket(message: dict) -> bool:
    return message["plain_text"].startswith("📨 Question #1 from Alice")


@pytest.mark.parametrize("crash_at", ["after_send", "after_delivery:ticket", "after_staff_reply"])
async def test_kill_9_in_the_ticket_flow_loses_nothing_and_relays_once(
    double: BotApiDouble,
    env: dict[str, str],
    tmp_path: Path,
    alice: dict,
    alice_chat: dict,
    staff_chat: dict,
    bob: dict,
    crash_at: str,
) -> None:
    """The bot dies at each step of the ticket flow: right after Send committed, after Telegram
    took the ticket to staff but before the bot recorded it (the next process sends it again),
    and right after a staff reply. Every time the confirmed ticket reaches staff, a staff reply
    to any copy of it reaches the asker exactly once, and there is one ticket."""
    bot = await start_bot(double, {**env, "GARDBOT_CRASH_AT": crash_at}, tmp_path / "first.log")
    await ask_and_send(double, alice_chat, alice)
    if crash_at == "after_staff_reply":
        ticket = await double.wait_for_message(STAFF_CHAT, is_ticket)
        double.send_text(staff_chat, bob, STAFF_ANSWER, ticket)
    assert await bot.wait_exit() == 9, bot.log[-3000:]
    assert f"crash point {crash_at} reached" in bot.log

    bot = await start_bot(double, env, tmp_path / "second.log")
    try:
        confirmed = await double.wait_for_message(alice_chat, lambda m: "#1" in m["plain_text"])
        assert confirmed["event"] == "edited"  # the confirmation told the user the number
        copies = [m for m in double.messages(staff_chat) if is_ticket(m)]
        if crash_at == "after_delivery:ticket":  # delivered, not recorded: sent again at start-up
            await wait_until(lambda: len([m for m in double.messages(staff_chat) if is_ticket(m)]) == 2)
            copies = [m for m in double.messages(staff_chat) if is_ticket(m)]
        if crash_at != "after_staff_reply":
            double.send_text(staff_chat, bob, STAFF_ANSWER, copies[0])  # the first copy
        relayed = await double.wait_for_message(alice_chat, lambda m: STAFF_ANSWER in m["plain_text"])
        assert "#1" in relayed["plain_text"]
        await double.wait_for_message(STAFF_CHAT, lambda m: "Answer to #1 saved" in m["plain_text"])
        double.send_text(staff_chat, bob, "A second answer.", copies[-1])  # the last copy
        refused = await double.wait_for_message(STAFF_CHAT, lambda m: "already answered" in m["plain_text"])
        assert "#1" in refused["plain_text"]
        await asyncio.sleep(0.3)  # room for anything sent twice to show up
    finally:
        await bot.stop()

    assert [STAFF_ANSWER in t for t in texts_in(double, alice_chat)].count(True) == 1
    assert "A second answer." not in " ".join(texts_in(double, alice_chat))
    copies = [m for m in double.messages(staff_chat) if is_ticket(m)]
    if crash_at == "after_delivery:ticket":
        assert len(copies) == 2
    elif crash_at == "after_send":
        assert len(copies) == 1
    else:  # the staff reply can beat the bookkeeping of the ticket's delivery: then 2 copies
        assert len(copies) in (1, 2)
    with contextlib.closing(sqlite3.connect(env["GARDBOT_DB"])) as db:
        assert db.execute("SELECT n, status FROM tickets").fetchall() == [(1, "answered")]
        assert db.execute("SELECT count(*) FROM inbox WHERE state = 'pending'").fetchone() == (0,)


async def test_kill_9_while_a_confirmed_send_waits_behind_a_slow_answer(
    double: BotApiDouble,
    env: dict[str, str],
    tmp_path: Path,
    alice: dict,
    alice_chat: dict,
    staff_chat: dict,
) -> None:
    """Alice presses Send while Telegram is slow to take Bob's answer; the bot has fetched and
    acknowledged the press when it is killed. After a restart her question reaches staff, and
    Bob gets his answer."""
    bob = double.user(2222, "Bob")
    bob_chat = double.private_chat(bob)
    bot = await start_bot(double, env, tmp_path / "first.log")
    double.send_text(alice_chat, alice, UNANSWERABLE)
    abstained = await double.wait_for_message(alice_chat, timeout=30)
    double.press_button(alice_chat, alice, abstained, buttons(abstained)[texts.BUTTON_ASK])
    confirm = await double.wait_for_message(alice_chat)

    double.slow_down("sendMessage", 3.0)
    double.send_text(bob_chat, bob, "What causes IMT?")
    double.press_button(alice_chat, alice, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])
    press = double.pending_updates[-1]["update_id"]
    await wait_until(
        lambda: (
            double.confirmed_offset > press
            and any(c["params"].get("chat_id") == bob["id"] for c in double.calls("sendMessage"))
        )
    )
    await bot.kill()
    double.slow_down("sendMessage", 0)

    bot = await start_bot(double, env, tmp_path / "second.log")
    try:
        await double.wait_for_message(STAFF_CHAT, is_ticket)
        confirmed = await double.wait_for_message(alice_chat, lambda m: "#1" in m["plain_text"])
        await wait_until(lambda: any(QUESTIONS[0][1] in t for t in texts_in(double, bob_chat)))
        await asyncio.sleep(0.3)
    finally:
        await bot.stop()
    assert confirmed["event"] == "edited"
    assert 1 <= len([m for m in double.messages(staff_chat) if is_ticket(m)]) <= 2
    with contextlib.closing(sqlite3.connect(env["GARDBOT_DB"])) as db:
        assert db.execute("SELECT n, status FROM tickets").fetchall() == [(1, "open")]
