"""No ticket is lost silently (bot/telegram/staff_delivery.py), through the real Telegram stack: the staff
chat answers 403 (the bot was removed) and then works again, or Telegram moves it (ChatMigrated).
Every confirmed ticket reaches staff exactly once after recovery, /healthz is degraded and
/metrics counts the undelivered tickets meanwhile, staff are told what was late, and an asker
whose question has not reached staff after a day is told so.
"""

from __future__ import annotations

import time

from botapi_double import BotApiDouble
from telegram_fixtures import STAFF_CHAT, UNANSWERABLE, buttons, running, services, wait_until
from test_health import free_port, health_config, healthz, index, make_bot, metrics  # noqa: F401

from bot.telegram import texts

NEW_STAFF_CHAT = -100_888


async def confirm_question(double: BotApiDouble, user: dict, question: str = UNANSWERABLE) -> dict:
    """A user asks, presses Ask and Send; returns the "Sent" confirmation."""
    chat = double.private_chat(user)
    double.send_text(chat, user, question)
    abstained = await double.wait_for_message(chat)
    double.press_button(chat, user, abstained, buttons(abstained)[texts.BUTTON_ASK])
    confirm = await double.wait_for_message(chat)
    double.press_button(chat, user, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])
    return await double.wait_for_message(chat, lambda m: m["event"] == "edited" and "Sent" in m["plain_text"])


def tickets_in(double: BotApiDouble, chat_id: int) -> list[int]:
    """Ticket numbers of the "📨 Question #N" messages in a chat, one entry per message."""
    out = []
    for message in double.messages(chat_id):
        text = message["plain_text"]
        if text.startswith("📨 Question #"):
            out.append(int(text.split("#", 1)[1].split()[0]))
    return sorted(out)


async def test_tickets_the_staff_chat_refused_are_delivered_once_it_works_again(
    double: BotApiDouble,
    make_bot,  # noqa: F811
    staff_chat: dict,
    bob: dict,
) -> None:
    askers = [double.user(6000 + i, f"Asker{i}") for i in range(3)]
    double.kick(STAFF_CHAT)  # the bot was removed from the staff group: 403
    app, base = make_bot()
    async with running(app):
        for asker in askers:
            sent = await confirm_question(double, asker)
            assert "Sent" in sent["plain_text"]
        s = services(app)
        await wait_until(lambda: s.store.outbox_stats().dead_tickets == 3)
        status, body = await healthz(base)
        assert status == 200 and body["status"] == "degraded" and body["degraded"] == ["staff_chat"]
        assert body["checks"]["staff_chat"]["undelivered_tickets"] == 3
        assert (await metrics(base))[("gardbot_tickets_undelivered", ())] == 3
        assert tickets_in(double, STAFF_CHAT) == []

        # A periodic retry while the chat still refuses: copies die again, nothing is doubled.
        assert s.staff_delivery is not None
        s.staff_delivery.run_once()
        await wait_until(lambda: s.store.outbox_stats().dead_tickets == 3)

        # A day later the askers hear that their question has not reached staff (once).
        later = time.time() + 86400 + 60
        s.staff_delivery.clock = lambda: later
        assert s.staff_delivery.tell_late_askers() == 3
        for asker in askers:
            told = await double.wait_for_message(asker["id"], lambda m: "has not reached" in m["plain_text"])
            assert "contact-us" in told["plain_text"]
        s.staff_delivery.tell_late_askers()  # the same ones again: queued once only
        s.staff_delivery.clock = time.time

        # The bot is added back; the first thing anyone says there brings the tickets.
        double.readd(STAFF_CHAT)
        double.send_text(staff_chat, bob, "/pending")
        late = await double.wait_for_message(
            STAFF_CHAT, lambda m: "could not be delivered" in m["plain_text"]
        )
        assert "3 questions could not be delivered to this chat earlier: #1, #2, #3" in late["plain_text"]
        await wait_until(lambda: tickets_in(double, STAFF_CHAT) == [1, 2, 3])
        status, body = await healthz(base)
        assert status == 200 and body["status"] == "ok"
        assert (await metrics(base))[("gardbot_tickets_undelivered", ())] == 0

        # Staff answer a late ticket as any other.
        [copy] = [m for m in double.messages(STAFF_CHAT) if m["plain_text"].startswith("📨 Question #2")]
        double.send_text(staff_chat, bob, "It is not contagious.", copy)
        await double.wait_for_message(
            askers[1]["id"], lambda m: "Answer to your question #2" in m["plain_text"]
        )

        # Removed again, a fourth question; the bot restarts after the chat works again.
        double.kick(STAFF_CHAT)
        await confirm_question(double, double.user(6100, "Late"))
        await wait_until(lambda: s.store.outbox_stats().dead_tickets == 1)
    double.readd(STAFF_CHAT)
    app, base = make_bot()
    async with running(app):  # start-up sends it: no staff message needed
        await wait_until(lambda: tickets_in(double, STAFF_CHAT) == [1, 2, 3, 4])
        await double.wait_for_message(
            STAFF_CHAT, lambda m: "1 question could not be delivered" in m["plain_text"]
        )
    assert tickets_in(double, STAFF_CHAT) == [1, 2, 3, 4]  # each exactly once


async def test_a_staff_chat_telegram_moved_gets_the_tickets_and_stays_moved(
    double: BotApiDouble,
    make_bot,  # noqa: F811
    staff_chat: dict,
    bob: dict,
    alice: dict,
) -> None:
    new_chat = double.migrate(staff_chat, NEW_STAFF_CHAT)  # the group became a supergroup
    app, base = make_bot()
    async with running(app):
        await confirm_question(double, alice)
        ticket = await double.wait_for_message(NEW_STAFF_CHAT, lambda m: "Question #1" in m["plain_text"])
        s = services(app)
        assert s.staff_chat_id == NEW_STAFF_CHAT
        assert s.store.get_setting(f"chat_moved:{STAFF_CHAT}") == str(NEW_STAFF_CHAT)
        double.send_text(new_chat, bob, "It is not contagious.", ticket)  # staff reply there
        await double.wait_for_message(alice["id"], lambda m: "Answer to your question #1" in m["plain_text"])
        status, body = await healthz(base)
        assert status == 200 and body["status"] == "ok"

    app, _ = make_bot()  # the next start follows the move, though the config names the old id
    async with running(app):
        assert services(app).staff_chat_id == NEW_STAFF_CHAT
        double.send_text(new_chat, bob, "/pending")
        assert await double.wait_for_message(NEW_STAFF_CHAT, lambda m: "No open questions" in m["plain_text"])
    assert tickets_in(double, NEW_STAFF_CHAT) == [1] and tickets_in(double, STAFF_CHAT) == []
