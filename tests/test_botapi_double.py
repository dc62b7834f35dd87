"""End-to-end checks of the Bot API double with a real python-telegram-bot Application.

These tests pin down that the double speaks Telegram's wire format well enough for PTB (its
de_json accepts every answer, its error mapping sees RetryAfter/NetworkError/BadRequest), and
that its polling semantics survive an Application restart.  Later bot tests rely on that.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import html
import time
from collections.abc import AsyncIterator, Callable

import aiohttp
import aiohttp.web
import pytest
from botapi_double import BOT_ID, BOT_USERNAME, BotApiDouble, forbid_network, parse_telegram_html
from telegram import (
    BotCommand,
    ChatFullInfo,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageId,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

# --------------------------------------------------------------------------- a tiny bot


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Escapes user text, as the real bot must, so "<b>" from a user stays text."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(
        f"<b>echo</b> {html.escape(update.message.text)}", parse_mode=ParseMode.HTML
    )


async def raw(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Deliberately forgets to escape, to provoke Telegram's HTML parse error."""
    assert update.message is not None
    await update.message.reply_text(f"<b>raw</b> {' '.join(context.args or [])}", parse_mode="HTML")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text("welcome")


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Yes", callback_data="yes"), InlineKeyboardButton("No", "no")]]
    )
    await update.message.reply_text("Helpful?", reply_markup=keyboard)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(f"picked {query.data}")
    await query.edit_message_text(f"You picked {query.data}")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    context.application.bot_data.setdefault("errors", []).append(context.error)


def build_app(double: BotApiDouble) -> Application:
    app = double.application_builder().build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("raw", raw))
    app.add_handler(CommandHandler("menu", menu))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_error_handler(on_error)
    return app


@contextlib.asynccontextmanager
async def running(app: Application) -> AsyncIterator[Application]:
    """Start polling the way production does, and always shut down cleanly."""
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def wait_until(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


def errors_of(app: Application) -> list[Exception]:
    return app.bot_data.setdefault("errors", [])


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
async def double(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[BotApiDouble]:
    forbid_network(monkeypatch)
    async with BotApiDouble() as api:
        yield api
    assert api.unknown_methods == [], f"bot called unimplemented methods: {api.unknown_methods}"


@pytest.fixture
def alice(double: BotApiDouble) -> dict:
    return double.user(1001, "Alice", "alice")


@pytest.fixture
def alice_chat(double: BotApiDouble, alice: dict) -> dict:
    return double.private_chat(alice)


# --------------------------------------------------------------------------- with PTB


async def test_user_message_is_echoed_and_user_html_stays_text(
    double: BotApiDouble, alice: dict, alice_chat: dict
) -> None:
    app = build_app(double)
    assert app.bot.base_url == f"{double.base_url}{double.token}"
    async with running(app):
        double.send_text(alice_chat, alice, "is <b>this</b> & that rare?")
        reply = await double.wait_for_message(alice_chat["id"])

    assert reply["plain_text"] == "echo is <b>this</b> & that rare?"
    assert reply["text"] == "<b>echo</b> is &lt;b&gt;this&lt;/b&gt; &amp; that rare?"
    assert reply["parse_mode"] == "HTML"
    assert reply["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
    assert reply["reply_to_message_id"] is None  # PTB does not quote in private chats
    assert reply["message"]["from"]["id"] == BOT_ID
    assert double.tokens_seen == {double.token}
    assert len(double.calls("getMe")) == 1
    assert len(double.calls("deleteWebhook")) == 1
    assert double.pending_updates == []


async def test_commands_and_group_mentions_carry_entities(
    double: BotApiDouble, alice: dict, alice_chat: dict
) -> None:
    group = double.group_chat(-100500, "Rare disease parents")
    async with running(build_app(double)):
        double.send_text(alice_chat, alice, "/start")
        assert (await double.wait_for_message(alice_chat))["plain_text"] == "welcome"

        asked = double.send_text(group, alice, f"@{BOT_USERNAME} what is Fabry disease?")
        reply = await double.wait_for_message(group)

    assert asked["entities"] == [{"type": "mention", "offset": 0, "length": 17}]
    assert reply["reply_to_message_id"] == asked["message_id"]  # PTB quotes in groups
    assert reply["message"]["reply_to_message"]["text"] == asked["text"]


async def test_button_press_is_answered_and_keyboard_removed_by_edit(
    double: BotApiDouble, alice: dict, alice_chat: dict
) -> None:
    async with running(build_app(double)):
        double.send_text(alice_chat, alice, "/menu")
        question = await double.wait_for_message(alice_chat)
        assert question["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"

        query_id = double.press_button(alice_chat, alice, question, "yes")
        answer = await double.wait_for_callback_answer(query_id)
        edited = await double.wait_for_message(alice_chat, lambda m: m["event"] == "edited")

    assert answer == {"text": "picked yes"}
    assert edited["message_id"] == question["message_id"]
    assert edited["plain_text"] == "You picked yes"
    assert edited["reply_markup"] is None
    assert [m["edit_count"] for m in double.messages(alice_chat)] == [1]
    with pytest.raises(ValueError, match="no button"):
        double.press_button(alice_chat, alice, question, "yes")


async def test_bad_html_is_a_bad_request_and_nothing_is_delivered(
    double: BotApiDouble, alice: dict, alice_chat: dict
) -> None:
    app = build_app(double)
    async with running(app):
        double.send_text(alice_chat, alice, "/raw <foo>")
        await wait_until(lambda: bool(errors_of(app)))

    [error] = errors_of(app)
    assert type(error) is BadRequest
    # PTB strips "Bad Request: " and str.capitalize()s the rest, lower-casing it.
    assert 'can\'t parse entities: unsupported start tag "foo"' in error.message.lower()
    assert double.messages(alice_chat) == []
    assert [c["status"] for c in double.calls("sendMessage")] == [400]


# PTB 22 warns that RetryAfter.retry_after will become a timedelta.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_rate_limit_and_server_errors_reach_bot_code_and_are_not_delivered(
    double: BotApiDouble, alice: dict, alice_chat: dict
) -> None:
    app = build_app(double)
    async with running(app):
        double.fail_next("sendMessage", status=429, retry_after=3)
        double.send_text(alice_chat, alice, "one")
        await wait_until(lambda: len(errors_of(app)) == 1)

        double.fail_next("sendMessage", status=500)
        double.fail_next("sendMessage", status=502)
        double.send_text(alice_chat, alice, "two")
        double.send_text(alice_chat, alice, "three")
        await wait_until(lambda: len(errors_of(app)) == 3)

        double.send_text(alice_chat, alice, "four")
        delivered = await double.wait_for_message(alice_chat)

    rate_limited, server_error, bad_gateway = errors_of(app)
    assert isinstance(rate_limited, RetryAfter)
    assert rate_limited.retry_after in (3, dtm.timedelta(seconds=3))
    assert type(server_error) is NetworkError and "Internal Server Error" in server_error.message
    assert type(bad_gateway) is NetworkError
    assert delivered["plain_text"] == "echo four"
    assert [m["plain_text"] for m in double.messages(alice_chat)] == ["echo four"]
    assert [c["status"] for c in double.calls("sendMessage")] == [429, 500, 502, 200]


async def test_restarted_application_gets_only_unconfirmed_updates(
    double: BotApiDouble, alice: dict, alice_chat: dict
) -> None:
    async with running(build_app(double)):
        double.send_text(alice_chat, alice, "first")
        await double.wait_for_message(alice_chat)
    # PTB confirms what it fetched with one last getUpdates when the updater stops.
    assert double.pending_updates == []

    double.send_text(alice_chat, alice, "while the bot was down")
    async with running(build_app(double)):
        await double.wait_for_message(alice_chat)
        double.send_text(alice_chat, alice, "second")
        await double.wait_for_message(alice_chat)
        await asyncio.sleep(0.1)  # room for a wrongly redelivered "first" to show up

    texts = [m["plain_text"] for m in double.messages(alice_chat)]
    assert texts == ["echo first", "echo while the bot was down", "echo second"]
    delivered = double.delivered_update_ids
    assert len(delivered) == 3 and len(set(delivered)) == 3
    assert double.pending_updates == []


async def test_ptb_parses_every_implemented_method(
    double: BotApiDouble, alice: dict, alice_chat: dict
) -> None:
    """Each answer must survive PTB's de_json; a shape error would surface only in prod."""
    staff_chat = double.group_chat(-100777, "GARD staff")
    asked = double.send_text(alice_chat, alice, "what is Pompe disease?")
    app = build_app(double)
    async with app:  # initialize() calls getMe; no polling needed here
        bot = app.bot
        assert bot.id == BOT_ID and bot.username == BOT_USERNAME
        assert not bot.bot.supports_inline_queries

        assert await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "?")])
        assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
        assert await bot.delete_my_commands()
        assert await bot.get_my_commands() == ()

        info = await bot.get_chat(staff_chat["id"])
        assert isinstance(info, ChatFullInfo) and info.title == "GARD staff"
        assert await bot.send_chat_action(alice_chat["id"], ChatAction.TYPING)
        assert double.chat_actions(alice_chat) == ["typing"]

        reply = await bot.send_message(
            alice_chat["id"],
            "Pompe disease is <i>rare</i>. https://example.org",
            parse_mode=ParseMode.HTML,
            reply_parameters=ReplyParameters(asked["message_id"]),
            disable_web_page_preview=True,
        )
        assert reply.reply_to_message is not None
        assert reply.reply_to_message.text == "what is Pompe disease?"
        assert reply.text == "Pompe disease is rare. https://example.org"

        forwarded = await bot.forward_message(staff_chat["id"], alice_chat["id"], asked["message_id"])
        assert forwarded.forward_origin is not None
        assert forwarded.forward_origin.sender_user.id == alice["id"]  # type: ignore[attr-defined]
        copied = await bot.copy_message(staff_chat["id"], alice_chat["id"], asked["message_id"])
        assert isinstance(copied, MessageId)

        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Take", callback_data="take:1")]])
        edited = await bot.edit_message_reply_markup(
            staff_chat["id"], forwarded.message_id, reply_markup=keyboard
        )
        assert edited.reply_markup == keyboard  # type: ignore[union-attr]
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_reply_markup(staff_chat["id"], forwarded.message_id, reply_markup=keyboard)
        with pytest.raises(BadRequest, match="(?i)message text is empty"):
            await bot.send_message(alice_chat["id"], "<b></b>", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match="(?i)message is too long"):
            await bot.send_message(alice_chat["id"], "x" * 4097)
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(555, "hello?")
        double.block(alice)
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_message(alice_chat["id"], "still there?")
        double.unblock(alice)
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("sendTeleportation", api_kwargs={"chat_id": 1})

        assert (await bot.get_webhook_info()).url == ""
        assert await bot.log_out()
        assert await bot.close()

    [sent] = double.calls("sendMessage")[:1]
    assert sent["params"]["link_preview_options"] == {"is_disabled": True}
    assert [m["method"] for m in double.messages(staff_chat)] == ["forwardMessage", "copyMessage"]
    assert double.unknown_methods == ["sendTeleportation"]
    double.unknown_methods.clear()  # expected here; the fixture checks for unexpected ones


# --------------------------------------------------------------------------- raw HTTP


async def test_long_polling_offsets_and_conflicts_over_raw_http(
    double: BotApiDouble, alice: dict, alice_chat: dict
) -> None:
    url = f"{double.base_url}{double.token}"
    async with aiohttp.ClientSession() as http:

        async def call(method: str, **params: object) -> tuple[int, dict]:
            async with http.post(f"{url}/{method}", json=params) as response:
                return response.status, await response.json()

        # A long poll returns as soon as an update arrives, not after its timeout.
        started = time.monotonic()
        poll = asyncio.create_task(call("getUpdates", timeout=5))
        await asyncio.sleep(0.05)
        double.send_text(alice_chat, alice, "hi")
        status, body = await poll
        assert status == 200 and time.monotonic() - started < 1.0
        [update] = body["result"]
        assert update["message"]["text"] == "hi" and isinstance(update["message"]["date"], int)

        # Unconfirmed updates come again; offset = last id + 1 confirms them.
        assert (await call("getUpdates"))[1]["result"] == [update]
        started = time.monotonic()
        assert (await call("getUpdates", offset=update["update_id"] + 1, timeout=0.2))[1] == {
            "ok": True,
            "result": [],
        }
        assert time.monotonic() - started >= 0.2
        assert double.confirmed_offset == update["update_id"] + 1

        # A second getUpdates terminates the first, as on Telegram.
        first = asyncio.create_task(call("getUpdates", timeout=5))
        await asyncio.sleep(0.05)
        second = asyncio.create_task(call("getUpdates", timeout=0))
        assert (await first)[0] == 409
        assert (await second)[0] == 200

        # JSON bodies with real objects work as well as PTB's form encoding.
        keyboard = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
        status, body = await call(
            "sendMessage", chat_id=str(alice_chat["id"]), text="123", reply_markup=keyboard
        )
        assert status == 200 and body["result"]["reply_markup"] == keyboard
        assert body["result"]["text"] == "123"

        status, body = await call("getUpdates", allowed_updates=["callback_query"])
        double.send_text(alice_chat, alice, "filtered out")
        assert double.pending_updates == [] and len(double.dropped_updates) == 1

        status, body = await call("fooBar")
        assert (status, body) == (
            404,
            {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
        )
        assert double.unknown_methods == ["fooBar"]
        double.unknown_methods.clear()

        double.fail_next("getMe", status=429, retry_after=7)
        assert await call("getMe") == (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7},
            },
        )
        assert (await call("getMe"))[1]["result"]["id"] == BOT_ID


async def test_webhook_mode_pushes_updates_in_order_with_the_secret(
    double: BotApiDouble, alice: dict, alice_chat: dict
) -> None:
    received: list[tuple[dict, str | None]] = []
    answers = [500, 200, 200]  # the first delivery fails and is retried

    async def hook(request: aiohttp.web.Request) -> aiohttp.web.Response:
        received.append((await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return aiohttp.web.Response(status=answers.pop(0))

    server = aiohttp.web.Application()
    server.router.add_post("/hook", hook)
    runner = aiohttp.web.AppRunner(server)
    await runner.setup()
    site = aiohttp.web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    double.deliver_webhooks_to = f"http://127.0.0.1:{runner.addresses[0][1]}"
    url = f"{double.base_url}{double.token}"
    try:
        async with aiohttp.ClientSession() as http:

            async def call(method: str, **params: object) -> tuple[int, dict]:
                async with http.post(f"{url}/{method}", json=params) as response:
                    return response.status, await response.json()

            assert (await call("setWebhook", url="http://example.org/hook"))[0] == 400  # https only
            assert (await call("setWebhook", url="https://example.org/hook", secret_token="s3cret"))[0] == 200
            assert (await call("getWebhookInfo"))[1]["result"]["url"] == "https://example.org/hook"
            assert (await call("getUpdates"))[0] == 409  # no polling while a webhook is set
            double.send_text(alice_chat, alice, "one")
            double.send_text(alice_chat, alice, "two")
            deadline = time.monotonic() + 5
            while len(received) < 3 and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert [(u["message"]["text"], secret) for u, secret in received] == [
                ("one", "s3cret"),
                ("one", "s3cret"),
                ("two", "s3cret"),
            ]
            assert [d["status"] for d in double.webhook_deliveries] == [500, 200, 200]
            assert (await call("deleteWebhook"))[0] == 200
            assert (await call("getUpdates"))[1]["result"] == []
    finally:
        await runner.cleanup()


def test_telegram_html_rules() -> None:
    assert parse_telegram_html('<a href="https://x.org">GARD</a> &amp; 😀 <u>u</u>') == (
        "GARD & 😀 u",
        [
            {"type": "text_link", "url": "https://x.org", "offset": 0, "length": 4},
            {"type": "underline", "offset": 10, "length": 1},  # 😀 is two UTF-16 units
        ],
    )
    for bad, expected in [
        ("a < b", "Empty tag name"),
        ("<br>", 'Unsupported start tag "br"'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("<span>x</span>", 'Unsupported start tag "span"'),
    ]:
        with pytest.raises(Exception, match="can't parse entities") as caught:
            parse_telegram_html(bad)
        assert expected in str(caught.value), bad
