"""Publishing staff answers, end to end: a question the corpus can't answer becomes a ticket,
staff answer and publish it, and later users get that answer with its citation, also after a
restart, until it is withdrawn. Real PTB Application against the Bot API double, real SQLite
file, and the real index on disk loaded by the production runtime (the test corpus always, the
GARD corpus where ../shared has it).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from botapi_double import BotApiDouble
from conftest import SHARED_MEDQUAD
from telegram.ext import Application
from telegram_fixtures import STAFF_CHAT, buttons, running, services

from bot.config import Config, CorpusSettings, IndexSettings
from bot.runtime import load_engine
from bot.telegram import texts
from bot.telegram.app import build_application
from bot.telegram.state import TelegramConversations
from store import RetryPolicy, open_store

ASKER_ID, ASKER_NAME, ASKER_USERNAME = 918273645, "Zebulon", "zeb_w"
ASKER_EMAIL, ASKER_PHONE = "zeb.w@mail.example.org", "+1 555 010 4477"
QUESTION = (
    "Hi, I'm Zebulon. Can my employer fire me for missing work because of a rare disease? "
    f"Write to {ASKER_EMAIL} or call {ASKER_PHONE}."
)
SAME = "Can my employer fire me for missing work because of a rare disease?"
PARAPHRASE = "Can an employer fire someone who misses work due to a rare disease?"
STAFF_ANSWER = (
    "Dear Zebulon, in the United States the Americans with Disabilities Act may protect you. "
    "The Job Accommodation Network (JAN) gives free advice on workplace accommodations."
)
PUBLISHED_TEXT = "the Americans with Disabilities Act may protect you"


@pytest.fixture(params=["test corpus", pytest.param("GARD", marks=pytest.mark.gard)])
def corpus_config(
    request: pytest.FixtureRequest, config: Config, small_corpus: Path, tmp_path: Path
) -> Config:
    """The Telegram test config pointed at a corpus and an index folder on disk."""
    if request.param == "GARD":
        if not (SHARED_MEDQUAD / "2_GARD_QA").is_dir():
            pytest.skip("../shared/data/medquad not present")
        request.getfixturevalue("gard_index")  # built once per session, loaded from disk here
        corpus, index_root = SHARED_MEDQUAD, request.getfixturevalue("gard_index_root")
    else:
        corpus, index_root = small_corpus, tmp_path / "index"
    return replace(config, corpus=CorpusSettings(path=corpus), index=IndexSettings(dir=index_root))


@pytest.fixture
def start_bot(double: BotApiDouble, corpus_config: Config) -> Iterator[Callable[[], Application]]:
    """A new process, as `gardbot telegram` starts one: store, engine with the published
    answers from the store, application."""
    stores = []

    def start() -> Application:
        store = open_store(corpus_config.database_url, retry_policy=RetryPolicy(base=0.05, cap=0.5))
        stores.append(store)
        engine = load_engine(
            corpus_config, progress=False, conversations=TelegramConversations(store), published_from=store
        )
        builder = double.application_builder()
        return build_application(corpus_config, engine, store, builder=builder, outbox_interval=0.05)

    yield start
    for store in stores:
        store.close()


@contextlib.asynccontextmanager
async def asking(double: BotApiDouble, user: dict) -> AsyncIterator[Callable]:
    """ask(text) -> the bot's reply in the user's private chat."""
    chat = double.private_chat(user)

    async def ask(text: str) -> dict:
        double.send_text(chat, user, text)
        return await double.wait_for_message(chat, lambda m: m["event"] == "sent")

    yield ask


async def test_published_answer_is_given_to_later_askers_until_withdrawn(
    double: BotApiDouble, start_bot, staff_chat: dict, bob: dict
) -> None:
    asker = double.user(ASKER_ID, ASKER_NAME, ASKER_USERNAME)
    asker_chat = double.private_chat(asker)
    carol = double.user(5005, "Carol")

    app = start_bot()
    async with running(app), asking(double, carol) as ask:
        # The corpus can't answer: the asker sends it to staff, staff answer, and publish it.
        double.send_text(asker_chat, asker, QUESTION)
        abstained = await double.wait_for_message(asker_chat)
        assert "I can send your question to a GARD information specialist" in abstained["plain_text"]
        double.press_button(asker_chat, asker, abstained, buttons(abstained)[texts.BUTTON_ASK])
        confirm = await double.wait_for_message(asker_chat)
        double.press_button(asker_chat, asker, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])
        ticket = await double.wait_for_message(STAFF_CHAT)
        assert "#1" in ticket["plain_text"]

        double.send_text(staff_chat, bob, STAFF_ANSWER, ticket)
        relayed = await double.wait_for_message(asker_chat, lambda m: "Answer to your" in m["plain_text"])
        assert "Dear Zebulon" in relayed["plain_text"]  # the asker gets it as written
        saved = await double.wait_for_message(STAFF_CHAT, lambda m: "saved" in m["plain_text"])
        double.press_button(staff_chat, bob, saved, buttons(saved)[texts.BUTTON_PUBLISH])
        preview = await double.wait_for_message(STAFF_CHAT, previewed)
        assert PUBLISHED_TEXT in preview["plain_text"] and "[name]" in preview["plain_text"]
        assert "a name, an e-mail address, a phone number" in preview["plain_text"]
        assert_anonymous(preview["plain_text"])
        assert services(app).store.get_published(1) is None  # one press publishes nothing
        reply = await ask(SAME)
        assert PUBLISHED_TEXT not in reply["plain_text"]

        double.press_button(staff_chat, bob, preview, buttons(preview)[texts.BUTTON_CONFIRM_PUBLISH])
        published = await double.wait_for_message(STAFF_CHAT, published_now)
        assert PUBLISHED_TEXT in published["plain_text"]
        assert "Filed under no condition" in published["plain_text"]
        assert "[name]" in published["plain_text"]
        assert_anonymous(published["plain_text"])
        double.send_callback_query(staff_chat, bob, preview, "pubok:1")  # a press replayed
        again = await double.wait_for_message(STAFF_CHAT, lambda m: "no preview of #1" in m["plain_text"])
        assert again  # a second confirm has nothing left to publish

        # Staff reword the published question; the edit is kept when it is published again.
        double.send_text(staff_chat, bob, f"/edit 1 question {SAME}")
        edited = await double.wait_for_message(STAFF_CHAT, published_now)
        assert "[name]" not in edited["plain_text"] and SAME in edited["plain_text"]
        double.send_text(staff_chat, bob, "/publish 1 none")
        again = await double.wait_for_message(STAFF_CHAT, previewed)
        assert "[name]" not in again["plain_text"] and "Filed under no condition" in again["plain_text"]
        double.send_text(staff_chat, bob, "/publish 1")
        again = await double.wait_for_message(STAFF_CHAT, published_now)
        assert SAME in again["plain_text"]

        # Later askers get it, worded the same or otherwise, with its citation.
        for question in (SAME, PARAPHRASE):
            reply = await ask(question)
            assert PUBLISHED_TEXT in reply["plain_text"], question
            assert "Answered by staff on" in reply["plain_text"]
            assert "A GARD information specialist answered a question like yours on" in reply["plain_text"]
            assert f"“{SAME}”" in reply["plain_text"]
            assert_anonymous(reply["plain_text"])
        assert "Dear" not in reply["plain_text"]

    assert_database_anonymous(start_bot)

    # After a restart, the new process loads it from the database.
    async with running(start_bot()), asking(double, carol) as ask:
        reply = await ask(PARAPHRASE)
        assert PUBLISHED_TEXT in reply["plain_text"]

        double.send_text(staff_chat, bob, "/unpublish 1")
        withdrawn = await double.wait_for_message(STAFF_CHAT, lambda m: "withdrawn" in m["plain_text"])
        assert "#1" in withdrawn["plain_text"]
        for question in (SAME, PARAPHRASE):
            reply = await ask(question)
            assert PUBLISHED_TEXT not in reply["plain_text"]
            assert texts.BUTTON_ASK in buttons(reply)

    async with running(start_bot()), asking(double, carol) as ask:  # withdrawn stays withdrawn
        reply = await ask(SAME)
        assert PUBLISHED_TEXT not in reply["plain_text"]


async def test_publish_under_the_detected_or_a_named_disease(
    double: BotApiDouble, start_bot, staff_chat: dict, bob: dict, alice: dict, alice_chat: dict
) -> None:
    question = "Is there a support group for Tietze syndrome in Ohio?"
    answer = "We know of no Tietze syndrome group in Ohio; the Costochondritis Support Group meets online."
    app = start_bot()
    async with running(app), asking(double, double.user(5005, "Carol")) as ask:
        double.send_text(alice_chat, alice, f"/ask {question}")
        confirm = await double.wait_for_message(alice_chat)
        double.press_button(alice_chat, alice, confirm, buttons(confirm)[texts.BUTTON_CONFIRM])
        await double.wait_for_message(STAFF_CHAT)

        double.send_text(staff_chat, bob, "/publish 1")
        assert await double.wait_for_message(STAFF_CHAT, lambda m: "no answer yet" in m["plain_text"])
        double.send_text(staff_chat, bob, "/edit 1 answer Something")
        assert await double.wait_for_message(STAFF_CHAT, lambda m: "Publish it first" in m["plain_text"])
        double.send_text(staff_chat, bob, "/edit 1")
        assert await double.wait_for_message(STAFF_CHAT, lambda m: "Use: /edit N" in m["plain_text"])
        double.send_text(staff_chat, bob, f"/answer 1 {answer}")
        await double.wait_for_message(STAFF_CHAT, lambda m: "saved" in m["plain_text"])
        double.send_text(staff_chat, bob, "/publish 1")
        preview = await double.wait_for_message(STAFF_CHAT, previewed)
        assert "Filed under the page on Tietze syndrome" in preview["plain_text"]
        assert "in Ohio" in preview["plain_text"]  # a state is not identifying
        double.send_text(staff_chat, bob, "/publish 1")
        published = await double.wait_for_message(STAFF_CHAT, published_now)
        assert "Filed under the page on Tietze syndrome" in published["plain_text"]

        reply = await ask("Are there Tietze syndrome support groups near Ohio?")
        assert "Costochondritis Support Group meets online" in reply["plain_text"]
        assert "Answered by staff on" in reply["plain_text"]
        assert "tietze-syndrome" in reply["text"]  # cited with its disease's page
        other = await ask("What is the treatment for Tietze syndrome?")
        assert "Costochondritis Support Group" not in other["plain_text"]
        assert "From the page on Tietze syndrome" in other["plain_text"]

        # Staff file it under a condition the corpus has no page for: questions naming it find it.
        double.send_text(staff_chat, bob, "/publish 1 Castellane fever")
        moved = await double.wait_for_message(STAFF_CHAT, lambda m: "Castellane fever" in m["plain_text"])
        assert "no page with that name" in moved["plain_text"] and "not published yet" in moved["plain_text"]
        double.press_button(staff_chat, bob, moved, buttons(moved)[texts.BUTTON_CONFIRM_PUBLISH])
        await double.wait_for_message(STAFF_CHAT, published_now)
        reply = await ask("Castellane fever support group?")
        assert "Costochondritis Support Group meets online" in reply["plain_text"]
        assert "tietze-syndrome" not in reply["text"]

        double.send_text(staff_chat, bob, "/ticket 1")
        shown = await double.wait_for_message(STAFF_CHAT, lambda m: "Published" in m["plain_text"])
        assert "under Castellane fever" in shown["plain_text"]

        # Only staff may publish.
        double.send_text(alice_chat, alice, "/unpublish 1")
        assert await double.wait_for_message(alice_chat, lambda m: "only for GARD staff" in m["plain_text"])
    published = services(app).store.get_published(1)
    assert published is not None and published.active and published.disease == "Castellane fever"


def previewed(message: dict) -> bool:
    """A new publish preview in the staff chat (not the edit that takes its button away)."""
    return message["event"] == "sent" and "not published yet" in message["plain_text"]


def published_now(message: dict) -> bool:
    return message["event"] == "sent" and "is published" in message["plain_text"]


def assert_anonymous(text: str) -> None:
    for private in (ASKER_NAME, str(ASKER_ID), ASKER_USERNAME, ASKER_EMAIL, ASKER_PHONE, "555 010"):
        assert private.lower() not in text.lower()


def assert_database_anonymous(start_bot) -> None:
    """Every value of every published row, read straight from the SQLite file."""
    app = start_bot()
    path = services(app).config.database_url
    with contextlib.closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT * FROM published").fetchall()
    assert rows
    for row in rows:
        assert_anonymous(" ".join(str(value) for value in row))
