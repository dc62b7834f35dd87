"""Privacy through the real Telegram stack (PTB Application, Bot API double, real databases):

* the battery: a question full of identifiers goes to staff, is answered, previewed, confirmed and
  published, and none of the identifiers reaches the published text, its citation, the stored row
  or any reply to another user;
* retention: with the clock moved forward, the retention job prunes each kind of row after
  its configured period, reports keep their counts, and /privacy states those periods;
* the /forget audit: after a whole conversation (an answer, feedback, a ticket, a staff answer,
  staff-chat lists, a publish), /forget runs and every table, on SQLite and on PostgreSQL, is
  scanned for the user's id, names and question text. Only what the README says stays is left,
  and the staff chat's copies read "[withdrawn by the asker]".
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import stat
import time
from dataclasses import replace
from pathlib import Path

import pytest
from botapi_double import BotApiDouble
from store_backends import Backend
from telegram_fixtures import (
    STAFF_CHAT,
    ask_specialist,
    buttons,
    gardbot_process,
    process_env,
    running,
    services,
    wait_until,
)
from test_publish import corpus_config, previewed, published_now, start_bot  # noqa: F401 (fixtures)

from bot.config import Config, DatabaseSettings, PrivacySettings
from bot.runtime import existing_store
from bot.telegram import texts
from bot.telegram.lifecycle import transient
from bot.telegram.retention import DAY, HOUR, privacy_text
from reports.cli import ReportRequest, run_report
from reports.usage import build_usage
from store import StoreError, open_store, redact_url

ASKER_ID = 918_273_601
FIRST, LAST, USERNAME = "Maria", "Okafor", "mokafor"
QUESTION = (
    "My son Liam Okafor, 4, from Boise has had Castellane fever since March 3, 2024. Is it "
    "contagious? Email maria.okafor@mail.example.org or call (208) 555-0199, or message @mokafor."
)
STAFF_ANSWER = (
    "Dear Maria, Castellane fever is not contagious, so Liam can go back to school in Boise. "
    "Children with it cannot pass it on to others."
)
PUBLISHED_TEXT = "Castellane fever is not contagious"
# Everything in the question or the profile that points at the family.
IDENTIFIERS = (
    str(ASKER_ID),
    FIRST,
    LAST,
    USERNAME,
    "Liam",
    "Boise",
    "March 3",
    "maria.okafor",
    "555-0199",
    "(208)",
    ", 4,",
)


def assert_no_identifier(text: str, where: str) -> None:
    for identifier in IDENTIFIERS:
        assert identifier.lower() not in text.lower(), f"{identifier!r} in {where}: {text}"


async def test_a_published_answer_identifies_nobody(
    double: BotApiDouble,
    start_bot,  # noqa: F811
    staff_chat: dict,
    bob: dict,
) -> None:
    """On the test corpus and on GARD (where ../shared has it), as `gardbot telegram` starts."""
    asker = double.user(ASKER_ID, FIRST, USERNAME, last_name=LAST)
    asker_chat = double.private_chat(asker)
    carol = double.user(5005, "Carol")
    carol_chat = double.private_chat(carol)
    app = start_bot()
    async with running(app):
        _, ticket = await ask_specialist(double, asker_chat, asker, QUESTION)
        assert "Liam Okafor" in ticket["plain_text"]  # staff see the question as asked
        double.send_text(staff_chat, bob, STAFF_ANSWER, ticket)
        saved = await double.wait_for_message(STAFF_CHAT, lambda m: "saved" in m["plain_text"])

        double.press_button(staff_chat, bob, saved, buttons(saved)[texts.BUTTON_PUBLISH])
        preview = await double.wait_for_message(STAFF_CHAT, previewed)
        assert_no_identifier(preview["plain_text"], "the preview")
        assert "My son [name], [age], from [place]" in preview["plain_text"]
        assert "[email]" in preview["plain_text"] and "[phone]" in preview["plain_text"]
        assert "[date]" in preview["plain_text"]
        assert PUBLISHED_TEXT in preview["plain_text"]
        # A topic read from the free text is not applied: at most offered, and only when it names
        # nobody ("Castellane fever"; an engine that read "Liam Okafor, 4" gets no offer, see
        # test_published). Staff name the condition.
        assert "Filed under no condition" in preview["plain_text"]
        offered = "seems to be about" in preview["plain_text"]
        assert not offered or "seems to be about “Castellane fever”" in preview["plain_text"]
        assert services(app).store.list_published() == []

        double.send_text(staff_chat, bob, "/publish 1 Castellane fever")
        preview = await double.wait_for_message(STAFF_CHAT, previewed)
        assert "Filed under “Castellane fever”" in preview["plain_text"]
        double.press_button(staff_chat, bob, preview, buttons(preview)[texts.BUTTON_CONFIRM_PUBLISH])
        published = await double.wait_for_message(STAFF_CHAT, published_now)
        assert_no_identifier(published["plain_text"], "the staff confirmation")

        double.send_text(carol_chat, carol, "Is Castellane fever contagious?")
        reply = await double.wait_for_message(carol_chat, lambda m: m["event"] == "sent")
        assert PUBLISHED_TEXT in reply["plain_text"]
        assert "answered a question like yours" in reply["plain_text"]  # the citation
        assert "Answered by staff on" in reply["plain_text"]
        await double.wait_for_message(asker_chat, lambda m: "Answer to your" in m["plain_text"])

    for message in double.messages(carol_chat):  # every reply to the other user
        assert_no_identifier(message["text"], "a reply to another user")
    [row] = services(app).store.list_published()
    assert_no_identifier(json.dumps(row.__dict__, ensure_ascii=False), "the stored row")
    assert row.disease == "Castellane fever"


# --------------------------------------------------------------------------- the /forget audit


@pytest.fixture
def audited(request: pytest.FixtureRequest, backend: Backend, config: Config) -> Config:
    """The Telegram test config on the `backend` database (an SQLite file, or PostgreSQL)."""
    return replace(config, database=DatabaseSettings(backend.url))


# What the README ("What /forget does") says stays, and why; anything else holding the user's
# id, names or words fails the audit.
ALLOWED = {
    # The reply confirming /forget: its chat id is needed to deliver it; its text is ours. It is
    # deleted with the other sent messages after privacy.sent_message_days.
    "outbox": lambda row: "withdrew any answer published" in str(row.get("payload")),
}


async def test_forget_leaves_nothing_but_what_the_readme_says(
    double: BotApiDouble, make_bot, backend: Backend, audited: Config, staff_chat: dict, bob: dict
) -> None:
    asker = double.user(ASKER_ID, FIRST, USERNAME, last_name=LAST)
    chat = double.private_chat(asker)
    app = make_bot(audited)
    async with running(app):
        double.send_text(chat, asker, "What causes IMT?")
        answer = await double.wait_for_message(chat)
        double.press_button(chat, asker, answer, buttons(answer)["👍"])
        await double.wait_for_message(chat, lambda m: m["event"] == "edited")
        _, ticket = await ask_specialist(double, chat, asker, QUESTION)
        double.send_text(staff_chat, bob, "/pending")
        await double.wait_for_message(STAFF_CHAT, lambda m: "Open questions" in m["plain_text"])
        double.send_text(staff_chat, bob, "/ticket 1")
        await double.wait_for_message(STAFF_CHAT, lambda m: "Status:" in m["plain_text"])
        double.send_text(staff_chat, bob, STAFF_ANSWER, ticket)
        await double.wait_for_message(chat, lambda m: "Answer to your" in m["plain_text"])
        saved = await double.wait_for_message(STAFF_CHAT, lambda m: "saved" in m["plain_text"])
        double.press_button(staff_chat, bob, saved, buttons(saved)[texts.BUTTON_PUBLISH])
        preview = await double.wait_for_message(STAFF_CHAT, previewed)
        double.press_button(staff_chat, bob, preview, buttons(preview)[texts.BUTTON_CONFIRM_PUBLISH])
        await double.wait_for_message(STAFF_CHAT, published_now)
        assert services(app).store.list_published()

        double.send_text(chat, asker, "/forget")
        done = await double.wait_for_message(chat, lambda m: m["plain_text"].startswith("Done"))
        assert "withdrew any answer published from your question" in done["plain_text"]

        # Every bot message in the staff chat that held the question now reads as withdrawn.
        def withdrawn() -> list[dict]:
            return [m for m in double.messages(STAFF_CHAT) if m["plain_text"] == texts.WITHDRAWN]

        await wait_until(
            lambda: len(withdrawn()) >= 6
        )  # ticket, /pending, /ticket, saved, preview, published
        for message in double.messages(STAFF_CHAT):
            for identifier in (FIRST, "Liam", "Boise", "Castellane fever since"):
                assert identifier not in message["plain_text"], message["plain_text"]
        assert not any(buttons(m) for m in withdrawn())

        # The published answer is withdrawn: another user no longer gets it.
        carol = double.user(5005, "Carol")
        double.send_text(double.private_chat(carol), carol, "Is Castellane fever contagious?")
        reply = await double.wait_for_message(carol["id"], lambda m: m["event"] == "sent")
        assert PUBLISHED_TEXT not in reply["plain_text"]
        await wait_until(lambda: not services(app).store.inbox_pending_count())

    leftovers = []
    for table in backend.tables():
        columns = backend_columns(backend, table)
        for values in backend.execute(f"SELECT * FROM {table}"):
            row = dict(zip(columns, values, strict=True))
            text = " ".join(str(v) for v in values)
            found = [i for i in (*IDENTIFIERS, "What causes IMT", "Castellane fever since") if i in text]
            if found and not ALLOWED.get(table, lambda row: False)(row):
                leftovers.append((table, found, row))
    assert leftovers == []
    [ticket_row] = services(app).store.list_tickets()
    assert ticket_row.redacted and ticket_row.asker_names == ()
    assert services(app).store.list_published(active_only=False) == []


def backend_columns(backend: Backend, table: str) -> list[str]:
    """Column names in SELECT * order."""
    if backend.name == "sqlite":
        return [r[1] for r in backend.execute(f"PRAGMA table_info({table})")]
    return [
        r[0]
        for r in backend.execute(
            "SELECT column_name FROM information_schema.columns "
            f"WHERE table_name = '{table}' ORDER BY ordinal_position"
        )
    ]


# --------------------------------------------------------------------------- retention


async def test_retention_prunes_as_configured_and_privacy_says_so(
    double: BotApiDouble, make_bot, config: Config, alice: dict, alice_chat: dict
) -> None:
    config = replace(
        config,
        answers=replace(config.answers, context_minutes=20),
        privacy=PrivacySettings(
            button_hours=2, sent_message_days=3, question_log_days=5, feedback_days=6, rate_limit_hours=1
        ),
    )
    app = make_bot(config)
    async with running(app):
        double.send_text(alice_chat, alice, "What causes IMT?")
        answer = await double.wait_for_message(alice_chat)
        double.press_button(alice_chat, alice, answer, buttons(answer)["👍"])
        await double.wait_for_message(alice_chat, lambda m: m["event"] == "edited")
        double.send_text(alice_chat, alice, "/privacy")
        told = await double.wait_for_message(alice_chat, lambda m: "What I store" in m["plain_text"])
        await wait_until(lambda: services(app).store.outbox_stats().depth == 0)

    # /privacy states each configured period, in the words privacy_text makes from the config.
    assert told["text"] == privacy_text(config)
    for period in ("about 20 minutes", "2 hours", "5 days", "6 days", "3 days", "1 hour"):
        assert period in told["plain_text"]

    s = services(app)
    store, retention = s.store, s.retention
    assert retention is not None  # on SQLite too: every replica runs it
    key = f"tg:{alice['id']}"
    start = time.time()

    def at(seconds: float) -> dict[str, int]:
        retention.clock = lambda: start + seconds
        return retention.run_once()

    assert not any(at(19 * 60).values())  # nothing is due yet
    assert at(21 * 60)["conversations"] == 1 and store.load_conversation(key) is None
    assert store.load_conversation(f"{key}:buttons") is not None  # buttons last 2 hours
    pruned = at(2 * HOUR + 60)
    assert pruned["buttons"] == 1 and pruned["rate_limits"] == 1
    assert store.load_conversation(f"{key}:buttons") is None
    assert store.list_outbox() != []
    assert at(3 * DAY + 60)["outbox"] >= 2 and store.list_outbox() == []
    assert at(5 * DAY + 60)["questions"] == 1 and list(store.questions()) == []
    assert store.question_counts()["answer"] == 1  # reports keep the count
    usage = build_usage(store)
    assert usage.total.answer == 1 and sum(d.counts.answer for d in usage.days) == 1
    assert at(6 * DAY + 60)["feedback"] == 1
    assert store.feedback_counts().helpful == 1 and store.feedback_by_passage() == {}
    assert not any(at(7 * DAY).values())


# --------------------------------------------------------------------------- debug logs


@pytest.mark.parametrize("private", [False, True])
async def test_debug_logs_hide_what_users_wrote_unless_log_private(
    double: BotApiDouble, tmp_path: Path, private: bool
) -> None:
    """`gardbot -v telegram` logs whole updates and Bot API calls; the words and names in them
    are '<private>' unless --log-private is given."""
    asker = double.user(ASKER_ID, FIRST, USERNAME, last_name=LAST)
    chat = double.private_chat(asker)
    args = ("--log-private",) if private else ()
    async with gardbot_process(process_env(double, tmp_path), *args) as log:
        double.send_text(chat, asker, "What causes IMT? My son Liam Okafor asks.")
        await double.wait_for_message(chat, timeout=30)
    text = log[0]
    assert "DEBUG" in text and "sendMessage" in text  # -v: calls and updates are logged
    for private_value in ("Liam Okafor", FIRST, USERNAME, "What causes IMT"):
        assert (private_value in text) == private, private_value
    if not private:
        assert "<private>" in text


# --------------------------------------------------------------------------- transient errors


async def test_a_locked_database_in_a_handler_leaves_the_update_pending_and_it_is_answered(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict
) -> None:
    """The database is locked twice while the question is handled: the update is not marked
    done, it runs again, and the user gets the answer once, with no apology."""
    app = make_bot()
    store = services(app).store
    real_log, failures = store.log_question, [2]

    def locked_twice(*args, **kwargs):
        if failures[0]:
            failures[0] -= 1
            raise sqlite3.OperationalError("database is locked")
        return real_log(*args, **kwargs)

    store.log_question = locked_twice  # type: ignore[method-assign]
    async with running(app):
        double.send_text(alice_chat, alice, "What causes IMT?")
        answer = await double.wait_for_message(alice_chat)
        assert "inflammatory myofibroblastic" in answer["plain_text"].lower()
        await wait_until(lambda: not store.inbox_pending_count())
        await asyncio.sleep(0.3)
    texts_sent = [m["plain_text"] for m in double.messages(alice_chat)]
    assert len(texts_sent) == 1 and texts.ERROR not in texts_sent
    assert [q.question for q in store.questions()] == ["What causes IMT?"]


# --------------------------------------------------------------------------- small leaks

SECRET_PASSWORD = "s3cret-Pw"


def test_database_urls_are_shown_without_their_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    unreachable = f"postgresql://gardbot:{SECRET_PASSWORD}@127.0.0.1:1/gardbot"
    config = replace(Config(), database=DatabaseSettings(unreachable))
    assert run_report(ReportRequest("gaps", config.database_url)) == 1
    error = capsys.readouterr().err
    assert "gardbot:***@127.0.0.1:1" in error and SECRET_PASSWORD not in error

    with caplog.at_level(logging.WARNING):
        assert existing_store(config) is None  # the console goes on without published answers
    assert "gardbot:***@" in caplog.text and SECRET_PASSWORD not in caplog.text

    with pytest.raises(ValueError) as bad_scheme:
        open_store(f"mysql://gardbot:{SECRET_PASSWORD}@db/gardbot")
    assert SECRET_PASSWORD not in str(bad_scheme.value)
    with pytest.raises(StoreError) as unreachable_error:
        open_store(unreachable)
    assert SECRET_PASSWORD not in str(unreachable_error.value)
    assert redact_url(unreachable) == "postgresql://gardbot:***@127.0.0.1:1/gardbot"


def test_the_sqlite_file_and_its_wal_and_shm_are_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    with open_store(str(path)) as store:
        store.log_question(1, 1, "My son Liam has Castellane fever", None, "abstain")
        files = sorted(p.name for p in path.parent.iterdir())
        assert files == ["bot.sqlite3", "bot.sqlite3-shm", "bot.sqlite3-wal"]
        for name in files:
            assert stat.S_IMODE((path.parent / name).stat().st_mode) == 0o600, name
    path.chmod(0o644)  # a file an older version made: tightened when opened
    with open_store(str(path)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_forget_withdraws_staff_chat_copies_older_than_the_sent_message_period(
    double: BotApiDouble, make_bot, alice: dict, alice_chat: dict, staff_chat: dict, bob: dict
) -> None:
    """After privacy.sent_message_days the text of sent messages goes; of the staff chat's
    messages about a user only the ids stay, so a later /forget still withdraws them."""
    app = make_bot()
    s = services(app)
    async with running(app):
        await ask_specialist(double, alice_chat, alice)
        double.send_text(staff_chat, bob, "/pending")
        await double.wait_for_message(STAFF_CHAT, lambda m: "Open questions" in m["plain_text"])
        await wait_until(lambda: s.store.outbox_stats().depth == 0)

        assert s.retention is not None
        later = time.time() + 8 * DAY
        s.retention.clock = lambda: later
        pruned = s.retention.run_once()
        assert pruned["outbox_blanked"] == 2 and pruned["outbox"] >= 2  # the copy and the list
        kept = s.store.list_outbox()
        assert {m.chat_id for m in kept} == {STAFF_CHAT} and all(m.payload == {} for m in kept)

        double.send_text(alice_chat, alice, "/forget")
        await double.wait_for_message(alice_chat, lambda m: m["plain_text"].startswith("Done"))
        await wait_until(
            lambda: [m["plain_text"] for m in double.messages(STAFF_CHAT)] == [texts.WITHDRAWN] * 2
        )


def test_which_database_errors_are_transient() -> None:
    """Locked or busy SQLite and a lost PostgreSQL connection (also wrapped by the store) are
    waited out; anything else is a real error, answered with an apology."""
    import psycopg

    assert transient(sqlite3.OperationalError("database is locked"))
    assert transient(psycopg.OperationalError("server closed the connection unexpectedly"))
    try:
        try:
            raise psycopg.OperationalError("connection lost")
        except psycopg.OperationalError as exc:
            raise StoreError("cannot reach PostgreSQL") from exc
    except StoreError as wrapped:
        assert transient(wrapped)
    assert not transient(sqlite3.OperationalError("no such table: tickets"))
    assert not transient(ValueError("text must not contain NUL characters"))
    assert not transient(None)
