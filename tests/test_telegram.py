"""End-to-end tests of the Telegram bot: the real PTB Application over real HTTP against the
Bot API double (tests/botapi_double.py), with a real engine on the test corpus and a real
SQLite store. No internet (forbid_network), no real token.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import socket
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import ClientSession
from botapi_double import BOT_USERNAME, BotApiDouble
from telegram import Update
from telegram_fixtures import (
    STAFF_CHAT,
    UNANSWERABLE,
    ask_specialist,
    buttons,
    gardbot_process,
    process_env,
    running,
    services,
    wait_until,
)

from answers.engine import Engine
from bot.config import Config, TelegramSettings
from bot.ops.logs import quiet_http_logs
from bot.telegram import texts
from bot.telegram.app import build_application, run_telegram, webhook_secret
from bot.telegram.state import TelegramConversations
from retrieval.index import PassageIndex
from retrieval.search import Searcher
from store import RetryPolicy, open_store

IMT_URL = "https://rarediseases.info.nih.gov/gard/7146/inflammatory-myofibroblastic-tumor"
IMT_CAUSE = "The underlying cause of inflammatory myofibroblastic tumors (IMTs) remains unknown."

# --------------------------------------------------------------------------- fixtures


# --------------------------------------------------------------------------- answering


async def test_question_is_answered_with_citation_link_and_buttons(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict
) -> None:
    app = make_bot()
    async with running(app):
        double.send_text(alice_chat, alice, "What causes IMT?")
        answer = await double.wait_for_message(alice_chat)

        assert answer["parse_mode"] == "HTML"
        assert f'<a href="{IMT_URL}">Inflammatory myofibroblastic tumor</a>' in answer["text"]
        assert IMT_CAUSE in answer["plain_text"]
        assert "not medical advice" in answer["plain_text"]
        links = [e for e in answer["entities"] if e["type"] == "text_link"]
        assert [e["url"] for e in links] == [IMT_URL]
        assert double.chat_actions(alice_chat) == []  # a fast answer: no "typing…" first
        data = buttons(answer)
        assert set(data) == {"👍", "👎", texts.BUTTON_MORE}
        assert all(len(d.encode()) <= 64 for d in data.values())

        double.press_button(alice_chat, alice, answer, data[texts.BUTTON_MORE])
        more = await double.wait_for_message(alice_chat, lambda m: m["event"] == "sent")
        assert "Inflammatory myofibroblastic tumor" in more["plain_text"]
        assert "uncommon, presumably benign tumor" in more["plain_text"]

        double.press_button(alice_chat, alice, answer, data["👍"])
        edited = await double.wait_for_message(
            alice_chat, lambda m: m["event"] == "edited" and "👍" not in buttons(m)
        )
        assert texts.BUTTON_MORE not in buttons(edited)  # both pressed kinds are gone

    store = services(app).store
    assert store.feedback_counts().helpful == 1
    [logged] = list(store.questions())
    assert (logged.question, logged.outcome) == ("What causes IMT?", "answer")
    assert logged.disease == "Inflammatory myofibroblastic tumor"
    commands = [c["command"] for c in double.commands()]
    assert commands[:3] == ["start", "help", "ask"]
    staff_scope = {"type": "chat", "chat_id": STAFF_CHAT}
    assert "pending" in [c["command"] for c in double.commands(staff_scope)]


async def test_choices_are_buttons_and_picking_one_answers(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict
) -> None:
    async with running(make_bot()):
        double.send_text(alice_chat, alice, "What are the symptoms of Usher syndrome?")
        choose = await double.wait_for_message(alice_chat)
        data = buttons(choose)
        assert "Usher syndrome type 2" in data and texts.BUTTON_ASK in data
        double.press_button(alice_chat, alice, choose, data["Usher syndrome type 2"])
        answer = await double.wait_for_message(alice_chat, lambda m: m["event"] == "sent")
    assert "moderate to severe hearing loss" in answer["plain_text"]
    assert "usher-syndrome-type-2" in answer["text"]


async def test_feedback_thumbs_down_offers_a_specialist(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict
) -> None:
    app = make_bot()
    async with running(app):
        double.send_text(alice_chat, alice, "What causes IMT?")
        answer = await double.wait_for_message(alice_chat)
        double.press_button(alice_chat, alice, answer, buttons(answer)["👎"])
        offer = await double.wait_for_message(alice_chat, lambda m: m["event"] == "sent")
        assert "didn't help" in offer["plain_text"]
        double.press_button(alice_chat, alice, offer, buttons(offer)[texts.BUTTON_ASK])
        confirm = await double.wait_for_message(alice_chat, lambda m: m["event"] == "sent")
    assert "What causes IMT?" in confirm["plain_text"]
    assert services(app).store.feedback_counts().not_helpful == 1
    [(passages, helpful)] = [(k, v.not_helpful) for k, v in services(app).store.feedback_by_passage().items()]
    assert helpful == 1 and passages


async def test_missing_sections_and_other_languages_are_said_in_the_chat(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict
) -> None:
    app = make_bot()
    async with running(app):
        double.send_text(alice_chat, alice, "How is IMT treated?")
        answer = await double.wait_for_message(alice_chat)
        assert "has no section on treatment" in answer["plain_text"]
        data = buttons(answer)
        assert {"👍", "👎", texts.BUTTON_ASK} <= set(data)
        double.press_button(alice_chat, alice, answer, data[texts.BUTTON_ASK])
        confirm = await double.wait_for_message(alice_chat, lambda m: m["event"] == "sent")
        assert "How is IMT treated?" in confirm["plain_text"]

        double.send_text(alice_chat, alice, "¿Qué causa el tumor miofibroblástico inflamatorio (IMT)?")
        spanish = await double.wait_for_message(alice_chat, lambda m: "English" in m["plain_text"])
    assert spanish["plain_text"].startswith("I can only read and answer in English")
    assert "<" not in spanish["plain_text"]


async def test_html_in_user_text_stays_text(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, staff_chat: dict
) -> None:
    nasty = '<b>bold</b> & <script>alert("x")</script> &amp; what is Tietze syndrome?'
    async with running(make_bot()):
        double.send_text(alice_chat, alice, nasty)
        answer = await double.wait_for_message(alice_chat)
        assert "Tietze syndrome is a rare inflammatory condition" in answer["plain_text"]

        double.send_text(alice_chat, alice, f"/ask {nasty}")
        confirm = await double.wait_for_message(alice_chat)
        assert nasty in confirm["plain_text"]
        double.press_button(alice_chat, alice, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])
        ticket = await double.wait_for_message(STAFF_CHAT)
    assert nasty in ticket["plain_text"]
    assert all(c["status"] == 200 for c in double.calls("sendMessage"))


async def test_group_answers_only_when_mentioned_or_replied_to(
    double: BotApiDouble, make_bot, alice: dict
) -> None:
    group = double.group_chat(-100500, "Rare disease parents")
    async with running(make_bot()):
        double.send_text(group, alice, "What causes IMT?")
        asked = double.send_text(group, alice, f"@{BOT_USERNAME} What causes IMT?")
        answer = await double.wait_for_message(group)
        assert answer["reply_to_message_id"] == asked["message_id"]
        assert IMT_CAUSE in answer["plain_text"]

        double.send_text(group, alice, "what is Tietze syndrome?")
        followup = double.send_text(group, alice, "what is Tietze syndrome?", reply_to=answer)
        second = await double.wait_for_message(group)
        assert second["reply_to_message_id"] == followup["message_id"]
        await asyncio.sleep(0.1)
    assert len(double.messages(group)) == 2


# --------------------------------------------------------------------------- tickets


async def test_abstain_ticket_staff_reply_answer_reaches_user(
    double: BotApiDouble,
    make_bot,
    alice: dict,
    alice_chat: dict,
    staff_chat: dict,
    bob: dict,
) -> None:
    app = make_bot()
    async with running(app):
        double.send_text(alice_chat, alice, UNANSWERABLE)
        abstained = await double.wait_for_message(alice_chat)
        assert "I have no GARD page on Castellane fever" in abstained["plain_text"]
        double.press_button(alice_chat, alice, abstained, buttons(abstained)[texts.BUTTON_ASK])

        confirm = await double.wait_for_message(alice_chat)
        assert UNANSWERABLE in confirm["plain_text"] and "Alice" in confirm["plain_text"]
        assert 'href="https://rarediseases.info.nih.gov/about/contact-us"' in confirm["text"]
        assert set(buttons(confirm)) == {texts.BUTTON_CONFIRM, texts.BUTTON_CANCEL}
        assert services(app).store.list_tickets() == []  # nothing sent before confirming
        double.press_button(alice_chat, alice, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])

        confirmed = await double.wait_for_message(alice_chat, lambda m: m["event"] == "edited")
        assert "#1" in confirmed["plain_text"] and confirmed["reply_markup"] is None
        ticket_message = await double.wait_for_message(STAFF_CHAT)
        plain = ticket_message["plain_text"]
        assert "#1" in plain and UNANSWERABLE in plain and "Alice" in plain
        for private in ("1001", "alice_w"):
            assert private not in ticket_message["text"]

        double.send_text(staff_chat, bob, "Castellane fever is not in GARD; see your GP.", ticket_message)
        relayed = await double.wait_for_message(alice_chat)
        assert "Castellane fever is not in GARD; see your GP." in relayed["plain_text"]
        assert "#1" in relayed["plain_text"] and "Bob" not in relayed["plain_text"]
        staff_confirmation = await double.wait_for_message(STAFF_CHAT)
        assert "#1" in staff_confirmation["plain_text"]

        # A second answer to the same ticket is refused, not relayed.
        double.send_text(staff_chat, bob, "/answer 1 another answer")
        refused = await double.wait_for_message(STAFF_CHAT)
        assert "already answered by Bob Staff" in refused["plain_text"]
        await asyncio.sleep(0.1)

    ticket = services(app).store.get_ticket(1)
    assert ticket is not None and ticket.status == "answered"
    assert ticket.answer_text == "Castellane fever is not in GARD; see your GP."
    assert ticket.staff_message_id == ticket_message["message_id"]
    outbox = [m for m in services(app).store.list_outbox() if m.kind in ("ticket", "answer")]
    assert [(m.dedupe_key, m.status) for m in outbox] == [
        ("ticket:1:staff", "sent"),
        ("ticket:1:answer", "sent"),
    ]
    assert len(double.messages(alice_chat)) == 3  # abstain, confirm (edited), answer


async def test_restart_between_forward_and_staff_reply_loses_and_doubles_nothing(
    double: BotApiDouble,
    make_bot,
    alice: dict,
    alice_chat: dict,
    staff_chat: dict,
    bob: dict,
) -> None:
    async with running(make_bot()):
        _, ticket_message = await ask_specialist(double, alice_chat, alice)
    # The staff reply arrives while the bot is down.
    double.send_text(staff_chat, bob, "Here is what we know.", ticket_message)

    app = make_bot()  # new process: new store connection, same file and double
    async with running(app):
        relayed = await double.wait_for_message(alice_chat)
        assert "Here is what we know." in relayed["plain_text"]
        await double.wait_for_message(STAFF_CHAT)  # staff confirmation
        await asyncio.sleep(0.2)  # room for anything sent twice to show up

    staff_texts = [m["plain_text"] for m in double.messages(staff_chat)]
    assert len(staff_texts) == 2 and "Question #1" in staff_texts[0]
    answers = [m for m in double.messages(alice_chat) if "Here is what we know." in m["plain_text"]]
    assert len(answers) == 1
    assert services(app).store.get_ticket(1).status == "answered"  # type: ignore[union-attr]
    assert {m.status for m in services(app).store.list_outbox()} == {"sent"}


async def test_confirming_after_a_restart_still_sends_the_question(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, staff_chat: dict
) -> None:
    async with running(make_bot()):
        double.send_text(alice_chat, alice, UNANSWERABLE)
        abstained = await double.wait_for_message(alice_chat)
        double.press_button(alice_chat, alice, abstained, buttons(abstained)[texts.BUTTON_ASK])
        confirm = await double.wait_for_message(alice_chat)
    async with running(make_bot()):
        double.press_button(alice_chat, alice, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])
        confirmed = await double.wait_for_message(alice_chat, lambda m: m["event"] == "edited")
        ticket = await double.wait_for_message(STAFF_CHAT)
    assert "#1" in confirmed["plain_text"] and UNANSWERABLE in ticket["plain_text"]


async def test_messages_queued_before_a_restart_are_sent_by_the_next_process(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, staff_chat: dict
) -> None:
    app = make_bot()
    async with running(app):
        double.send_text(alice_chat, alice, UNANSWERABLE)
        abstained = await double.wait_for_message(alice_chat)
        double.press_button(alice_chat, alice, abstained, buttons(abstained)[texts.BUTTON_ASK])
        confirm = await double.wait_for_message(alice_chat)
        double.fail_next("sendMessage", status=500)  # the staff copy fails once ...
        services(app).store.retry_policy = RetryPolicy(base=30, cap=30)  # type: ignore[attr-defined]
        double.press_button(alice_chat, alice, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])
        await double.wait_for_message(alice_chat, lambda m: m["event"] == "edited")
        await wait_until(lambda: [c["status"] for c in double.calls("sendMessage")][-1] == 500)
    # ... and the process stops before the retry is due.
    assert double.messages(staff_chat) == []
    store = services(app).store
    [queued] = store.list_outbox("pending")
    with store.transaction():  # pretend the back-off has passed
        store._execute("UPDATE outbox SET next_attempt_at = 0")  # type: ignore[attr-defined]

    async with running(make_bot()):
        ticket = await double.wait_for_message(STAFF_CHAT)
        await asyncio.sleep(0.2)
    assert "Question #1" in ticket["plain_text"]
    assert len(double.messages(staff_chat)) == 1


@pytest.mark.parametrize("faults", [[(429, 1)], [(500, 1), (502, 1)], [(429, 1), (500, 2)]])
async def test_outbox_retries_flood_control_and_server_errors_and_delivers_once(
    double: BotApiDouble,
    make_bot,
    alice: dict,
    alice_chat: dict,
    staff_chat: dict,
    faults: list[tuple[int, int]],
) -> None:
    app = make_bot()
    async with running(app):
        double.send_text(alice_chat, alice, UNANSWERABLE)
        abstained = await double.wait_for_message(alice_chat)
        double.press_button(alice_chat, alice, abstained, buttons(abstained)[texts.BUTTON_ASK])
        confirm = await double.wait_for_message(alice_chat)
        for status, count in faults:
            double.fail_next("sendMessage", status=status, retry_after=1, count=count)
        started = time.monotonic()
        double.press_button(alice_chat, alice, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])
        ticket = await double.wait_for_message(STAFF_CHAT)
        elapsed = time.monotonic() - started
        await asyncio.sleep(0.2)

    assert "Question #1" in ticket["plain_text"]
    assert len(double.messages(staff_chat)) == 1
    statuses = [c["status"] for c in double.calls("sendMessage") if c["params"]["chat_id"] == STAFF_CHAT]
    expected = [status for status, count in faults for _ in range(count)]
    assert statuses == [*expected, 200]
    if any(status == 429 for status, _ in faults):
        assert elapsed >= 0.9  # waited as long as Telegram asked
    [sent] = [m for m in services(app).store.list_outbox() if m.kind == "ticket"]
    assert (sent.status, sent.attempts) == ("sent", len(expected) + 1)


async def test_a_direct_reply_waits_out_flood_control_instead_of_failing(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict
) -> None:
    async with running(make_bot()):
        double.fail_next("sendMessage", status=429, retry_after=1, count=1)
        started = time.monotonic()
        double.send_text(alice_chat, alice, "What causes IMT?")
        answer = await double.wait_for_message(alice_chat)
        elapsed = time.monotonic() - started
    assert IMT_CAUSE in answer["plain_text"]
    assert elapsed >= 0.9  # waited as long as Telegram asked
    assert [c["status"] for c in double.calls("sendMessage")] == [429, 200]
    assert len(double.messages(alice_chat)) == 1  # no "something went wrong"


async def test_answer_to_a_user_who_blocked_the_bot_is_reported_to_staff(
    double: BotApiDouble,
    make_bot,
    alice: dict,
    alice_chat: dict,
    staff_chat: dict,
    bob: dict,
) -> None:
    app = make_bot()
    async with running(app):
        _, ticket_message = await ask_specialist(double, alice_chat, alice)
        double.block(alice)
        double.send_text(staff_chat, bob, "/answer 1 An answer nobody will read.")
        await double.wait_for_message(STAFF_CHAT)  # "saved; sending it"
        notice = await double.wait_for_message(STAFF_CHAT)
    assert "could not be delivered" in notice["plain_text"] and "#1" in notice["plain_text"]
    statuses = {m.kind: m.status for m in services(app).store.list_outbox() if m.kind != "reply"}
    assert statuses == {"ticket": "sent", "answer": "dead", "notice": "sent", "edit": "sent"}


async def test_staff_commands(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, staff_chat: dict, bob: dict
) -> None:
    app = make_bot()
    async with running(app):
        await ask_specialist(double, alice_chat, alice)
        await ask_specialist(double, alice_chat, alice, "Is there a registry for Castellane fever?")
        double.send_text(staff_chat, bob, "/pending")
        listing = await double.wait_for_message(STAFF_CHAT)
        assert "#1" in listing["plain_text"] and "#2" in listing["plain_text"]

        double.send_text(staff_chat, bob, "/ticket 2")
        shown = await double.wait_for_message(STAFF_CHAT)
        assert "registry for Castellane fever" in shown["plain_text"]
        assert "open" in shown["plain_text"]

        double.send_text(staff_chat, bob, "/close 2")
        assert "#2 closed" in (await double.wait_for_message(STAFF_CHAT))["plain_text"]
        double.send_text(staff_chat, bob, "/answer 2 too late")
        assert "closed" in (await double.wait_for_message(STAFF_CHAT))["plain_text"]
        double.send_text(staff_chat, bob, "/answer 9 nobody")
        assert "no ticket #9" in (await double.wait_for_message(STAFF_CHAT))["plain_text"]

        # A staff member (staff_user_ids) may answer from a private chat with the bot.
        carol = double.user(3003, "Carol")
        carol_chat = double.private_chat(carol)
        double.send_text(carol_chat, carol, "/answer 1 Line one.\nLine two.")
        assert "#1" in (await double.wait_for_message(carol_chat))["plain_text"]
        relayed = await double.wait_for_message(alice_chat, lambda m: "Line one." in m["plain_text"])
        assert "Line one.\nLine two." in relayed["plain_text"]

        # Replying in the staff chat to a bot message that is not a ticket.
        double.send_text(staff_chat, bob, "thanks", listing)
        assert "not a question ticket" in (await double.wait_for_message(STAFF_CHAT))["plain_text"]

    store = services(app).store
    assert [t.status for t in store.list_tickets()] == ["answered", "closed"]


async def test_non_staff_cannot_use_staff_commands(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, staff_chat: dict
) -> None:
    app = make_bot()
    async with running(app):
        await ask_specialist(double, alice_chat, alice)
        for command in ("/pending", "/answer 1 I answer myself", "/close 1", "/ticket 1"):
            double.send_text(alice_chat, alice, command)
            refusal = await double.wait_for_message(alice_chat)
            assert refusal["plain_text"] == texts.STAFF_ONLY
        # A staff member outside the staff chat and their private chat: still refused.
        group = double.group_chat(-100500, "Rare disease parents")
        double.send_text(group, double.user(3003, "Carol"), "/pending")
        assert (await double.wait_for_message(group))["plain_text"] == texts.STAFF_ONLY
    ticket = services(app).store.get_ticket(1)
    assert ticket is not None and ticket.status == "open" and ticket.answer_text is None


async def test_cancel_sends_nothing_and_buttons_of_others_do_not_work(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict
) -> None:
    group = double.group_chat(-100500, "Rare disease parents")
    mallory = double.user(6666, "Mallory")
    app = make_bot()
    async with running(app):
        double.send_text(alice_chat, alice, UNANSWERABLE)
        abstained = await double.wait_for_message(alice_chat)
        double.press_button(alice_chat, alice, abstained, buttons(abstained)[texts.BUTTON_ASK])
        confirm = await double.wait_for_message(alice_chat)
        double.press_button(alice_chat, alice, confirm, buttons(confirm)[texts.BUTTON_CANCEL])
        cancelled = await double.wait_for_message(alice_chat, lambda m: m["event"] == "edited")
        assert cancelled["plain_text"] == texts.ASK_CANCELLED

        double.send_text(group, alice, f"@{BOT_USERNAME} {UNANSWERABLE}")
        in_group = await double.wait_for_message(group)
        query = double.press_button(group, mallory, in_group, buttons(in_group)[texts.BUTTON_ASK])
        answer = await double.wait_for_callback_answer(query)
        assert answer["text"] == texts.BUTTON_EXPIRED
    assert services(app).store.list_tickets() == []


# --------------------------------------------------------------------------- retries, concurrency, redelivery


async def test_a_500_on_an_answer_is_retried_and_the_answer_arrives(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict
) -> None:
    async with running(make_bot()):
        double.fail_next("sendMessage", status=500)
        double.send_text(alice_chat, alice, "What causes IMT?")
        answer = await double.wait_for_message(alice_chat)
        await asyncio.sleep(0.2)  # room for an apology or a second copy to show up
    assert IMT_CAUSE in answer["plain_text"]
    assert [c["status"] for c in double.calls("sendMessage")] == [500, 200]
    assert len(double.messages(alice_chat)) == 1


async def test_flood_control_for_one_chat_does_not_hold_up_another(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict
) -> None:
    """Telegram asks the bot to wait 3 s before writing to Alice again; Bob, who asked after
    her, is answered while Alice's answer still waits, and then Alice's arrives."""
    bob = double.user(2222, "Bob")
    bob_chat = double.private_chat(bob)
    async with running(make_bot()):
        double.fail_next("sendMessage", status=429, retry_after=3, chat=alice_chat)
        double.send_text(alice_chat, alice, "What causes IMT?")
        await wait_until(lambda: [c["status"] for c in double.calls("sendMessage")] == [429])
        double.send_text(bob_chat, bob, "What is Tietze syndrome?")
        to_bob = await double.wait_for_message(bob_chat)
        assert double.messages(alice_chat) == []  # Alice's answer is still waiting
        to_alice = await double.wait_for_message(alice_chat)
    assert "Tietze syndrome is a rare inflammatory condition" in to_bob["plain_text"]
    assert IMT_CAUSE in to_alice["plain_text"]


async def test_a_ticket_copy_telegram_took_but_the_bot_never_recorded_still_takes_the_reply(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, staff_chat: dict, bob: dict
) -> None:
    """Telegram delivers the ticket to staff but answers 502, so the bot sends it again: two
    copies. A staff reply to the first (unrecorded) copy reaches Alice, once; a reply to the
    second is refused as a second answer."""
    async with running(make_bot()):
        double.send_text(alice_chat, alice, UNANSWERABLE)
        abstained = await double.wait_for_message(alice_chat)
        double.press_button(alice_chat, alice, abstained, buttons(abstained)[texts.BUTTON_ASK])
        confirm = await double.wait_for_message(alice_chat)
        double.fail_next("sendMessage", status=502, chat=staff_chat, after_effect=True)
        double.press_button(alice_chat, alice, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])
        first = await double.wait_for_message(STAFF_CHAT)
        second = await double.wait_for_message(STAFF_CHAT)
        assert first["plain_text"] == second["plain_text"] and "Question #1" in first["plain_text"]

        double.send_text(staff_chat, bob, "Here is what we know.", first)
        relayed = await double.wait_for_message(
            alice_chat, lambda m: "Here is what we know." in m["plain_text"]
        )
        saved = await double.wait_for_message(STAFF_CHAT)
        assert "Answer to #1 saved" in saved["plain_text"]
        double.send_text(staff_chat, bob, "And a second answer.", second)
        refused = await double.wait_for_message(STAFF_CHAT)
        await asyncio.sleep(0.2)
    assert "#1" in relayed["plain_text"]
    assert "already answered" in refused["plain_text"]
    answers = [m for m in double.messages(alice_chat) if "what we know" in m["plain_text"]]
    assert len(answers) == 1


async def test_an_update_delivered_twice_is_handled_once(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict
) -> None:
    """Telegram resends an update it thinks was not received (a webhook retry); the inbox knows
    its update_id and the question is answered once."""
    app = make_bot()
    async with running(app):
        double.send_text(alice_chat, alice, "What causes IMT?")
        await double.wait_for_message(alice_chat)
        [delivered] = [u for call in double.calls("getUpdates") for u in call.get("result") or []]
        await app.update_queue.put(Update.de_json(delivered, app.bot))
        double.send_text(alice_chat, alice, "What is Tietze syndrome?")
        await double.wait_for_message(alice_chat)
    assert len(double.messages(alice_chat)) == 2


async def test_updates_left_pending_are_handled_at_start_up_and_a_poison_one_is_set_aside(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, caplog: pytest.LogCaptureFixture
) -> None:
    """A process recorded two questions and died before handling them; one of them had been
    started three times already (it crashed the process each time). The next process answers
    the other before it takes new updates, and sets the poison one aside with an error line."""
    app = make_bot()
    store = services(app).store
    double.send_text(alice_chat, alice, "What causes IMT?")
    double.send_text(alice_chat, alice, "What is Tietze syndrome?")
    [first, second] = double.pending_updates
    with open_store(services(app).config.database_url) as dead:  # the process that died
        dead.inbox_add(first["update_id"], first, alice_chat["id"], alice["id"])
        dead.inbox_add(second["update_id"], second, alice_chat["id"], alice["id"])
        for _ in range(3):
            dead.inbox_started(second["update_id"])
    double._updates.clear()  # Telegram had them acknowledged  # type: ignore[attr-defined]
    with caplog.at_level(logging.ERROR, logger="bot.delivery.inbox"):
        async with running(app):
            answer = await double.wait_for_message(alice_chat)
            double.send_text(alice_chat, alice, "Is Tietz syndrome inherited?")
            later = await double.wait_for_message(alice_chat)
    assert IMT_CAUSE in answer["plain_text"] and "Tietz syndrome is inherited" in later["plain_text"]
    assert len(double.messages(alice_chat)) == 2
    assert any("set aside as failed" in r.getMessage() for r in caplog.records)
    assert store.inbox_pending() == []
    [(done_at,)] = store._query(  # type: ignore[attr-defined]
        "SELECT done_at FROM inbox WHERE update_id = ?", (first["update_id"],)
    )
    assert done_at <= double.calls("getUpdates")[0]["time"]  # handled before polling began


async def test_out_of_range_numbers_and_edited_messages_get_a_clear_answer(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, staff_chat: dict, bob: dict
) -> None:
    big = "99999999999999999999"
    async with running(make_bot()):
        replies = {}
        for command in (f"/ticket {big}", f"/answer {big} x", f"/close {big}", f"/publish {big}"):
            double.send_text(staff_chat, bob, command)
            replies[command] = (await double.wait_for_message(STAFF_CHAT))["plain_text"]
        double.send_text(staff_chat, bob, f"/edit {big} answer x")
        replies["edit"] = (await double.wait_for_message(STAFF_CHAT))["plain_text"]

        asked = double.send_text(alice_chat, alice, "What causes IMT?")
        await double.wait_for_message(alice_chat)
        double.edit_text(alice_chat, asked, "What is Tietze syndrome?")
        told = await double.wait_for_message(alice_chat)
        await asyncio.sleep(0.2)
    assert replies[f"/ticket {big}"] == "Use: /ticket N with a ticket number."
    assert replies[f"/answer {big} x"].startswith("Use: /answer N your answer")
    assert replies[f"/close {big}"] == "Use: /close N with a ticket number."
    assert replies[f"/publish {big}"] == "Use: /publish N with a ticket number."
    assert replies["edit"].startswith("Use: /edit N")
    assert told["plain_text"] == texts.EDITED
    assert len(double.messages(alice_chat)) == 2  # the edit was not answered as a question
    assert all(texts.ERROR not in m["plain_text"] for m in double.messages(staff_chat))


async def test_typing_is_shown_only_when_the_answer_is_slow(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict
) -> None:
    app = make_bot()
    s = services(app)
    s.typing_after = 0.5
    reply = s.engine.reply

    def slow_reply(chat_key: str, text: str):  # type: ignore[no-untyped-def]
        if "slow" in text:
            time.sleep(1.2)
        return reply(chat_key, text)

    s.engine.reply = slow_reply  # type: ignore[method-assign]
    async with running(app):
        double.send_text(alice_chat, alice, "What causes IMT?")
        await double.wait_for_message(alice_chat)
        assert double.chat_actions(alice_chat) == []
        double.send_text(alice_chat, alice, "What is Tietze syndrome? (slow)")
        await double.wait_for_message(alice_chat)
    assert double.chat_actions(alice_chat) == ["typing"]


# --------------------------------------------------------------------------- privacy, limits


async def test_forget_deletes_the_users_data(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, staff_chat: dict, config: Config
) -> None:
    app = make_bot()
    async with running(app):
        double.send_text(alice_chat, alice, "What causes IMT?")
        answer = await double.wait_for_message(alice_chat)
        double.press_button(alice_chat, alice, answer, buttons(answer)["👍"])
        await double.wait_for_message(alice_chat, lambda m: m["event"] == "edited")
        await ask_specialist(double, alice_chat, alice)
        double.send_text(alice_chat, alice, "/forget")
        done = await double.wait_for_message(alice_chat)
        assert done["plain_text"].startswith("Done")

    store = services(app).store
    assert list(store.questions()) == []
    assert store.feedback_counts().total == 0
    [ticket] = store.list_tickets()
    assert ticket.redacted and ticket.question == "" and ticket.user_id is None
    with contextlib.closing(sqlite3.connect(config.database_url)) as db:
        rows = db.execute("SELECT chat_key FROM conversations").fetchall()
        outbox = db.execute("SELECT count(*) FROM outbox WHERE payload LIKE '%Castellane%'")
        assert rows == [] and outbox.fetchone() == (0,)


async def test_rate_limit_and_overlong_messages_are_refused_politely(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, config: Config
) -> None:
    limited = replace(
        config,
        telegram=replace(config.telegram, rate_limit_messages=2, max_message_chars=100),
    )
    app = make_bot(limited)
    async with running(app):
        double.send_text(alice_chat, alice, "x" * 101 + " IMT")
        refused = await double.wait_for_message(alice_chat)
        assert "too long" in refused["plain_text"] and "under 100" in refused["plain_text"]

        double.send_text(alice_chat, alice, "What causes IMT?")
        for _ in range(3):
            double.send_text(alice_chat, alice, "What is Tietze syndrome?")
        double.send_text(alice_chat, alice, "/help")  # commands count too: dropped
        replies = [await double.wait_for_message(alice_chat) for _ in range(2)]
        await wait_until(lambda: not services(app).store.inbox_pending_count())
        await asyncio.sleep(0.3)
    assert IMT_CAUSE in replies[0]["plain_text"]
    assert replies[1]["plain_text"] == texts.RATE_LIMITED
    assert len(double.messages(alice_chat)) == 3  # too long, the answer, the one warning
    outcomes = [q.outcome for q in services(app).store.questions()]
    assert outcomes == ["refused", "answer"]


async def test_commands_texts_with_the_production_builder(
    double: BotApiDouble, index: PassageIndex, config: Config, alice: dict, alice_chat: dict
) -> None:
    """build_application's own builder: token and base_url from the config (a local Bot API)."""
    settings = replace(config.telegram, token=double.token, base_url=double.base_url)
    store = open_store(config.database_url)
    engine = Engine(Searcher(index), conversations=TelegramConversations(store))
    app = build_application(replace(config, telegram=settings), engine, store)
    assert app.bot.base_url == f"{double.base_url}{double.token}"
    assert app.bot.base_file_url == f"{double.base_file_url}{double.token}"
    try:
        async with running(app):
            replies = {}
            for command in ("/start", "/help", "/about", "/privacy", "/ask"):
                double.send_text(alice_chat, alice, command)
                replies[command] = (await double.wait_for_message(alice_chat))["plain_text"]
    finally:
        store.close()
    assert "GARD" in replies["/start"] and "/forget" in replies["/start"]
    assert f"@{BOT_USERNAME}" in replies["/help"]
    assert "CC BY 4.0" in replies["/about"] and "MedQuAD" in replies["/about"]
    assert "/forget" in replies["/privacy"]
    assert replies["/ask"].startswith("Type /ask")


async def test_errors_are_logged_and_the_user_gets_no_details(
    double: BotApiDouble,
    make_bot,
    alice: dict,
    alice_chat: dict,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_bot()

    def broken(chat_key: str, text: str) -> None:
        raise RuntimeError("secret internals /etc/passwd")

    services(app).engine.reply = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="gardbot.telegram"):
        async with running(app):
            double.send_text(alice_chat, alice, "What causes IMT?")
            reply = await double.wait_for_message(alice_chat)
    assert reply["plain_text"] == texts.ERROR
    assert any("secret internals" in str(r.exc_info) for r in caplog.records)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (TelegramSettings(), "TELEGRAM_BOT_TOKEN is not set"),
        (TelegramSettings(token="4242:AAsecret", mode="pigeon"), "polling or webhook"),
        (TelegramSettings(token="4242:AAsecret", mode="webhook"), "GARDBOT_WEBHOOK_URL"),
    ],
)
def test_run_telegram_refuses_bad_settings_in_one_line(
    capsys: pytest.CaptureFixture[str], settings: TelegramSettings, expected: str
) -> None:
    assert run_telegram(Config(telegram=settings)) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and "AAsecret" not in err


def test_http_request_logs_are_quiet_and_the_token_is_redacted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = "4242:AAsecret"
    stream = io.StringIO()
    monkeypatch.setattr(logging.getLogger(), "handlers", [logging.StreamHandler(stream)])
    levels = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    try:
        quiet_http_logs(token)
        logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/getMe", token)
        logging.getLogger("gardbot.telegram").warning("failed at /bot%s/getUpdates", token)
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    assert stream.getvalue() == "failed at /bot<token>/getUpdates\n"


async def test_gardbot_telegram_command_runs_polling_and_stops_on_sigint(
    double: BotApiDouble, tmp_path: Path, alice: dict, alice_chat: dict
) -> None:
    """The real `gardbot telegram` process against the double: answers, stops cleanly on ^C,
    and never prints the token."""
    async with gardbot_process(process_env(double, tmp_path)):
        double.send_text(alice_chat, alice, "What causes IMT?")
        answer = await double.wait_for_message(alice_chat, timeout=30)
        assert IMT_CAUSE in answer["plain_text"]


async def test_gardbot_telegram_command_in_webhook_mode(
    double: BotApiDouble, tmp_path: Path, alice: dict, alice_chat: dict
) -> None:
    """Webhook mode as deployed behind a TLS proxy: the bot registers its https address with a
    secret, Telegram (the double) POSTs updates to it, and requests without the secret are
    refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    double.deliver_webhooks_to = f"http://127.0.0.1:{port}"  # the proxy's target
    env = process_env(
        double,
        tmp_path,
        GARDBOT_TELEGRAM_MODE="webhook",
        GARDBOT_WEBHOOK_URL="https://gardbot.example.org/telegram/hook",
        GARDBOT_WEBHOOK_LISTEN="127.0.0.1",
        GARDBOT_WEBHOOK_PORT=str(port),
    )
    async with gardbot_process(env):
        double.send_text(alice_chat, alice, "What causes IMT?")
        [update] = double.pending_updates
        answer = await double.wait_for_message(alice_chat, timeout=30)
        assert IMT_CAUSE in answer["plain_text"]
        hook = f"http://127.0.0.1:{port}/telegram/hook"
        async with ClientSession() as session:
            forged = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": alice_chat}}
            async with session.post(hook, json=forged) as response:
                assert response.status == 403
            # Telegram sends the update again (it missed our 200): recorded already, not answered again.
            secret = {"X-Telegram-Bot-Api-Secret-Token": webhook_secret(double.token)}
            async with session.post(hook, json=update, headers=secret) as response:
                assert response.status == 200
        double.send_text(alice_chat, alice, "What is Tietze syndrome?")
        await double.wait_for_message(alice_chat)
    assert len(double.messages(alice_chat)) == 2
    [registered] = [c["params"] for c in double.calls("setWebhook")]
    assert registered["url"] == "https://gardbot.example.org/telegram/hook"
    assert registered["secret_token"] == webhook_secret(double.token)
    assert double.token.split(":")[1] not in registered["secret_token"]
    assert sorted(registered["allowed_updates"]) == ["callback_query", "edited_message", "message"]
    assert [d["status"] for d in double.webhook_deliveries][-1] == 200
    assert double.calls("getUpdates") == []
