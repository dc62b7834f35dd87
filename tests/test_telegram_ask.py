"""Issue 17 through Telegram: a question whose ask the page lacks gets the caveat first, then
the page's closest text labelled as such, and the Ask-a-specialist button; the ticket staff get
carries the question. Real PTB Application, Bot API double, the test corpus (its Tietze
syndrome page says nothing of contagion)."""

from __future__ import annotations

from botapi_double import BotApiDouble
from telegram_fixtures import STAFF_CHAT, buttons, running

from answers import messages
from bot.telegram import texts

QUESTION = "Is Tietze syndrome contagious?"


async def test_an_ask_the_page_lacks_is_said_first_with_the_specialist_button(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, staff_chat: dict
) -> None:
    caveat = messages.DOESNT_SAY.format(title="Tietze syndrome", what=messages.ASK_PHRASES["contagious"])
    async with running(make_bot()):
        double.send_text(alice_chat, alice, QUESTION)
        answer = await double.wait_for_message(alice_chat)
        assert answer["plain_text"].startswith(caveat)
        assert messages.CLOSEST in answer["plain_text"]
        assert "Tietze syndrome is a rare inflammatory condition" in answer["plain_text"]  # verbatim
        data = buttons(answer)
        assert texts.BUTTON_ASK in data

        double.press_button(alice_chat, alice, answer, data[texts.BUTTON_ASK])
        confirm = await double.wait_for_message(alice_chat, lambda m: m["event"] == "sent")
        assert QUESTION in confirm["plain_text"]
        double.press_button(alice_chat, alice, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])
        ticket = await double.wait_for_message(STAFF_CHAT)
    assert QUESTION in ticket["plain_text"]
    assert "Tietze syndrome" in ticket["plain_text"]
