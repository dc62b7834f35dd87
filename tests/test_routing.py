"""Routing: which handler a message or a button press reaches (bot.telegram.app.add_routes), and
the per-turn state buttons carry (bot.telegram.state.Turn), old stored layouts included."""

from __future__ import annotations

import asyncio

import pytest
from botapi_double import BOT_USERNAME, BotApiDouble
from telegram_fixtures import STAFF_CHAT, UNANSWERABLE, ask_specialist, buttons, running, services

from bot.telegram import texts
from bot.telegram.state import Turn, Turns
from store import SQLiteStore


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({"q": "what is Fabry disease?"}, Turn("what is Fabry disease?")),
        (
            {"q": "q", "disease": "Fabry disease", "candidates": [{"title": "Fabry disease"}]},
            Turn("q", "Fabry disease", [{"title": "Fabry disease"}]),
        ),
        ({"q": "q", "choices": ["gard-1", "gard-2"]}, Turn("q", choices=["gard-1", "gard-2"])),
        (
            {"q": "q", "passages": ["gard-1#2"], "helpful": False},
            Turn("q", passages=["gard-1#2"], helpful=False),
        ),
        ({"q": "q", "ticket": 7}, Turn("q", ticket=7)),
        ({"q": "q", "from_a_later_version": 1}, Turn("q")),  # unknown keys are ignored
        ({}, Turn("")),
    ],
)
def test_a_stored_turn_reads_back_as_a_turn(stored: dict, expected: Turn) -> None:
    assert Turn.from_json(stored) == expected
    assert Turn.from_json(expected.to_json()) == expected


def test_turns_keep_the_last_ten_and_update_fields(tmp_path) -> None:
    with SQLiteStore(tmp_path / "bot.sqlite3") as store:
        turns = Turns(store, "tg:5", 5)
        ids = [turns.add(Turn(f"question {i}")) for i in range(12)]
        assert turns.get(ids[0]) is None and turns.get(ids[1]) is None
        assert turns.latest() == Turn("question 11")
        assert turns.update(ids[5], ticket=3) == Turn("question 5", ticket=3)
        assert turns.get(ids[5]) == Turn("question 5", ticket=3)
        assert turns.update("gone", ticket=4) is None


async def test_staff_chat_replies_reach_a_ticket_only_when_they_answer_the_bot(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, staff_chat: dict, bob: dict
) -> None:
    carol = double.user(3004, "Carol", "carol_gard")
    app = make_bot()
    async with running(app):
        _, ticket_message = await ask_specialist(double, alice_chat, alice)
        # Staff talking among themselves (a reply to a person, no mention) is left alone.
        note = double.send_text(staff_chat, carol, "Who takes this one?")
        double.send_text(staff_chat, bob, "I will.", reply_to=note)
        # A reply to a bot message that is no ticket says so instead of being taken as a question.
        double.send_text(staff_chat, bob, "/pending")
        pending = await double.wait_for_message(STAFF_CHAT)
        double.send_text(staff_chat, bob, "thanks", reply_to=pending)
        not_a_ticket = await double.wait_for_message(STAFF_CHAT)
        assert "not a question ticket" in not_a_ticket["plain_text"]
        # The reply to the ticket's copy is the answer.
        double.send_text(staff_chat, bob, "It is not contagious.", reply_to=ticket_message)
        relayed = await double.wait_for_message(alice_chat)
        assert "It is not contagious." in relayed["plain_text"]
        await asyncio.sleep(0.1)
    assert services(app).store.get_ticket(1).answer_text == "It is not contagious."
    assert [m["plain_text"] for m in double.messages(STAFF_CHAT) if "I will" in m["plain_text"]] == []


async def test_a_reply_to_the_bot_outside_the_staff_chat_is_a_question(
    double: BotApiDouble, make_bot, alice: dict
) -> None:
    group = double.group_chat(-100_555, "Families")
    async with running(make_bot()):
        double.send_text(group, alice, f"@{BOT_USERNAME} {UNANSWERABLE}")
        first = await double.wait_for_message(group)
        followup = double.send_text(group, alice, "is it inherited?", reply_to=first)
        second = await double.wait_for_message(group)
        assert second["reply_to_message_id"] == followup["message_id"]
        assert "not a question ticket" not in second["plain_text"]


@pytest.mark.parametrize("data", ["zzz:1234", "more:deadbeef", "c:deadbeef:0", "publish", ""])
async def test_a_button_with_unknown_data_or_a_gone_turn_has_expired(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, data: str
) -> None:
    async with running(make_bot()):
        double.send_text(alice_chat, alice, "what is inflammatory myofibroblastic tumor?")
        answer = await double.wait_for_message(alice_chat)
        assert buttons(answer)
        query_id = double.send_callback_query(alice_chat, alice, answer, data)
        reply = await double.wait_for_callback_answer(query_id)
    assert reply.get("show_alert") is True and reply.get("text") == texts.BUTTON_EXPIRED


async def test_a_message_holding_nul_characters_is_answered_without_them(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict
) -> None:
    app = make_bot()
    async with running(app):
        double.send_text(alice_chat, alice, "What causes\x00 IMT?\x00")
        answer = await double.wait_for_message(alice_chat)
    assert "inflammatory myofibroblastic tumors" in answer["plain_text"]
    [logged] = list(services(app).store.questions())
    assert logged.question == "What causes IMT?"
