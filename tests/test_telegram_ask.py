"""Issue 17 through Telegram: a question whose ask the page lacks gets the caveat first, then
the page's closest text labelled as such, and the Ask-a-specialist button; the ticket carries the
question and what it asks ("Asks: whether it is contagious" in the staff chat's copy, `Ticket.ask`
in the store). Real PTB Application, Bot API double, the test corpus (its Tietze syndrome page
says nothing of contagion)."""

from __future__ import annotations

from botapi_double import BotApiDouble
from telegram_fixtures import STAFF_CHAT, ask_specialist, buttons, running, services

from answers import messages
from bot.telegram import texts

QUESTION = "Is Tietze syndrome contagious?"
ASK = messages.ASK_PHRASES["contagious"]  # "whether it is contagious"


async def test_an_ask_the_page_lacks_is_said_first_with_the_specialist_button(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, staff_chat: dict
) -> None:
    caveat = messages.DOESNT_SAY.format(title="Tietze syndrome", what=ASK)
    async with running(app := make_bot()):
        double.send_text(alice_chat, alice, QUESTION)
        answer = await double.wait_for_message(alice_chat)
        assert answer["plain_text"].startswith(caveat)  # the caveat first, before any quote
        assert messages.CLOSEST in answer["plain_text"]
        assert "Tietze syndrome is a rare inflammatory condition" in answer["plain_text"]  # verbatim
        data = buttons(answer)
        assert texts.BUTTON_ASK in data

        double.press_button(alice_chat, alice, answer, data[texts.BUTTON_ASK])
        confirm = await double.wait_for_message(alice_chat, lambda m: m["event"] == "sent")
        assert QUESTION in confirm["plain_text"]
        double.press_button(alice_chat, alice, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])
        ticket = await double.wait_for_message(STAFF_CHAT)
        stored = services(app).store.list_tickets()
    assert QUESTION in ticket["plain_text"]
    assert "Tietze syndrome" in ticket["plain_text"]
    assert f"Asks: {ASK}\n" in ticket["plain_text"]  # the staff copy says what was asked
    assert [t.ask for t in stored] == [ASK]
    assert [t.question for t in stored] == [QUESTION]


async def test_a_question_asking_nothing_specific_makes_a_ticket_without_an_ask(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, staff_chat: dict
) -> None:
    async with running(app := make_bot()):
        _, ticket = await ask_specialist(double, alice_chat, alice, "Tell me about Castellane fever")
        stored = services(app).store.list_tickets()
    assert "Castellane fever" in ticket["plain_text"]
    assert "Asks:" not in ticket["plain_text"]
    assert [t.ask for t in stored] == [None]
