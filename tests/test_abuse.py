"""Abuse limits through the real Telegram stack: every update a user causes (questions, commands,
button presses, forged ones included) counts against the per-user rate limit, so a flood costs at
most the limit in replies and engine calls; and a user's open tickets are capped, the one over the
cap refused politely, with one line to staff for all that were held back.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from functools import wraps

from botapi_double import BotApiDouble
from telegram_fixtures import STAFF_CHAT, buttons, running, services, wait_until

from bot.config import Config
from bot.telegram import texts

LIMIT = 5


def count_calls(engine, names: tuple[str, ...]) -> list[str]:
    """Record every call of the engine's answering methods (as the handlers look them up)."""
    calls: list[str] = []
    for name in names:
        method = getattr(engine, name)

        @wraps(method)
        def counted(*args, _method=method, _name=name, **kwargs):
            calls.append(_name)
            return _method(*args, **kwargs)

        setattr(engine, name, counted)
    return calls


async def test_a_flood_of_presses_and_commands_costs_at_most_the_limit(
    double: BotApiDouble, make_bot, config: Config, alice: dict, alice_chat: dict
) -> None:
    limited = replace(config, telegram=replace(config.telegram, rate_limit_messages=LIMIT))
    app = make_bot(limited)
    s = services(app)
    calls = count_calls(s.engine, ("reply", "more", "choose", "search"))
    async with running(app):
        double.send_text(alice_chat, alice, "What causes IMT?")
        answer = await double.wait_for_message(alice_chat)
        more = buttons(answer)[texts.BUTTON_MORE]
        for _ in range(100):  # the same More press, forged again and again
            double.send_callback_query(alice_chat, alice, answer, more)
        for _ in range(100):
            double.send_text(alice_chat, alice, "/help")
        await wait_until(lambda: len(double.pending_updates) == 0, timeout=60)
        await wait_until(lambda: not s.store.inbox_pending_count(), timeout=60)
        await wait_until(lambda: s.store.outbox_stats().depth == 0, timeout=30)
        await asyncio.sleep(0.3)

    sent = [m for m in double.messages(alice_chat)]
    warnings = [m for m in sent if m["plain_text"] == texts.RATE_LIMITED]
    replies = [m for m in sent if m["plain_text"] != texts.RATE_LIMITED]
    print(f"201 updates: {len(replies)} replies, {len(warnings)} warning, {len(calls)} engine calls")
    assert len(replies) <= LIMIT and len(warnings) <= 1  # 201 updates, at most 5 replies
    assert len(calls) <= LIMIT, calls
    assert len(double.calls("answerCallbackQuery")) <= 100  # each press at most acknowledged


async def test_the_fourth_open_ticket_is_refused_politely_and_staff_get_one_line(
    double: BotApiDouble, make_bot, config: Config, alice: dict, alice_chat: dict, staff_chat: dict
) -> None:
    app = make_bot(config)  # max_open_tickets: 3 by default
    assert config.privacy.max_open_tickets == 3
    async with running(app):

        async def ask(n: int) -> dict:
            double.send_text(alice_chat, alice, f"/ask Question number {n} about Castellane fever?")
            confirm = await double.wait_for_message(alice_chat, lambda m: m["event"] == "sent")
            double.press_button(alice_chat, alice, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])
            return await double.wait_for_message(alice_chat, lambda m: m["event"] == "edited")

        for n in range(1, 4):
            assert "Sent" in (await ask(n))["plain_text"]
        refused = await ask(4)
        assert "You already have 3 questions waiting" in refused["plain_text"]
        assert "contact-us" in refused["plain_text"] and not buttons(refused)
        for n in (5, 6):
            assert "already have 3" in (await ask(n))["plain_text"]
        await wait_until(lambda: len(double.messages(STAFF_CHAT)) == 3)

        s = services(app)
        assert s.staff_delivery is not None
        s.staff_delivery.run_once()
        line = await double.wait_for_message(STAFF_CHAT, lambda m: "held back" in m["plain_text"])
        assert "3 more questions from Alice were held back" in line["plain_text"]
        assert "#1, #2, #3" in line["plain_text"]
        s.staff_delivery.run_once()  # nothing new held back: no second line
        await asyncio.sleep(0.3)
    staff_texts = [m["plain_text"] for m in double.messages(STAFF_CHAT)]
    assert sum("held back" in t for t in staff_texts) == 1
    assert sum(t.startswith("📨 Question #") for t in staff_texts) == 3
    assert [t.n for t in services(app).store.list_tickets()] == [1, 2, 3]
