"""A disease the corpus has no page for, end to end through Telegram: the bot names it and
quotes no other disease's page; the question goes to staff as a ticket; staff answer and press
Publish: the disease the bot read is offered as the topic, staff choose it and confirm; the next person who asks about that disease in other words gets
the published answer, credited to staff. Real PTB Application, Bot API double, SQLite file and
the index on disk (the test corpus always, GARD where ../shared has it)."""

from __future__ import annotations

from botapi_double import BotApiDouble
from telegram_fixtures import STAFF_CHAT, buttons, running
from test_publish import asking, corpus_config, previewed, published_now, start_bot  # noqa: F401 (fixtures)

from bot.telegram import texts

QUESTION = "What causes Scheuermann disease? My son's upper back is getting more curved."
OTHER_WORDS = "is scheuermann's disease treatable in teenagers?"
STAFF_ANSWER = (
    "Scheuermann disease is a condition of the growing spine in which the vertebrae become wedge "
    "shaped. Its cause is not known; bracing and exercise are common treatments."
)


async def test_a_disease_with_no_page_is_named_sent_published_and_found(
    double: BotApiDouble,
    start_bot,  # noqa: F811
    staff_chat: dict,
    bob: dict,
) -> None:
    asker = double.user(7007, "Dana")
    asker_chat = double.private_chat(asker)
    async with running(start_bot()), asking(double, double.user(7008, "Eli")) as ask:
        double.send_text(asker_chat, asker, QUESTION)
        reply = await double.wait_for_message(asker_chat)
        assert "I have no GARD page on Scheuermann disease" in reply["plain_text"]
        assert "From the page on" not in reply["plain_text"]  # nothing quoted about another disease
        assert texts.BUTTON_ASK in buttons(reply)

        double.press_button(asker_chat, asker, reply, buttons(reply)[texts.BUTTON_ASK])
        confirm = await double.wait_for_message(asker_chat)
        double.press_button(asker_chat, asker, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])
        ticket = await double.wait_for_message(STAFF_CHAT)
        assert "#1" in ticket["plain_text"] and "Scheuermann" in ticket["plain_text"]

        double.send_text(staff_chat, bob, STAFF_ANSWER, ticket)
        await double.wait_for_message(asker_chat, lambda m: "Answer to your" in m["plain_text"])
        saved = await double.wait_for_message(STAFF_CHAT, lambda m: "saved" in m["plain_text"])
        double.press_button(staff_chat, bob, saved, buttons(saved)[texts.BUTTON_PUBLISH])
        preview = await double.wait_for_message(STAFF_CHAT, previewed)
        # The name the bot read is offered, not applied: staff file it under that name.
        assert "Filed under no condition" in preview["plain_text"]
        assert "seems to be about “Scheuermann disease”" in preview["plain_text"]
        assert "/publish 1 Scheuermann disease" in preview["plain_text"]
        double.send_text(staff_chat, bob, "/publish 1 Scheuermann disease")
        preview = await double.wait_for_message(STAFF_CHAT, previewed)
        assert "Filed under “Scheuermann disease”" in preview["plain_text"]
        assert "seems to be about" not in preview["plain_text"]
        double.press_button(staff_chat, bob, preview, buttons(preview)[texts.BUTTON_CONFIRM_PUBLISH])
        published = await double.wait_for_message(STAFF_CHAT, published_now)
        assert "Scheuermann disease" in published["plain_text"]  # filed under the name staff chose

        later = await ask(OTHER_WORDS)
        assert "bracing and exercise are common treatments" in later["plain_text"]
        assert "Answered by staff on" in later["plain_text"]
        assert "I have no GARD page" not in later["plain_text"]

    async with running(start_bot()), asking(double, double.user(7009, "Fay")) as ask:  # after a restart
        later = await ask("Scheuermann's disease: is it inherited?")
        assert "bracing and exercise are common treatments" in later["plain_text"]
