"""A fake Telegram Bot API server for end-to-end tests.

The real python-telegram-bot ``Application`` talks to this aiohttp app over real HTTP on
127.0.0.1, so tests exercise PTB's request encoding, polling loop, error mapping and our
handlers together, without the internet.  Tests act as users through ``send_text`` /
``press_button`` and observe the bot through ``wait_for_message`` / ``messages`` / ``calls``.

Answers use Telegram's JSON shapes (``ok``/``result`` envelope, ``error_code`` and
``description`` on errors, ``parameters.retry_after`` on 429, Unix-second dates), because
PTB's ``de_json`` rejects anything else, and a double that is laxer than Telegram hides bugs.

State (chats, messages, update queue, confirmed offset) lives in the double, not in the
connection, so a test can stop one ``Application`` and start a new one against the same
double to check restart behaviour.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import re
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from aiohttp import ClientError, ClientSession, web

JSONDict = dict[str, Any]
ChatRef = int | JSONDict

BOT_ID = 4242
BOT_USERNAME = "gardbot_test_bot"
BOT_USER: JSONDict = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "GARD bot",
    "username": BOT_USERNAME,
}
GET_ME: JSONDict = {
    **BOT_USER,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
DEFAULT_TOKEN = f"{BOT_ID}:AAtest-token-for-the-botapi-double"
MAX_MESSAGE_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64

# Update types Telegram leaves out unless they are asked for explicitly.
_OPT_IN_UPDATE_TYPES = {"chat_member", "message_reaction", "message_reaction_count"}
_CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
# Form values are JSON-encoded by PTB except plain strings; these must never be JSON-decoded
# (a user text of "123" or "true" has to stay a string).
_STRING_PARAMS = {
    "text",
    "parse_mode",
    "caption",
    "callback_query_id",
    "url",
    "action",
    "language_code",
    "inline_message_id",
    "business_connection_id",
    "message_effect_id",
    "description",
    "short_description",
    "name",
    "title",
    "emoji",
    "secret_token",
    "ip_address",
    "query",
}
# Parameters that are objects/arrays; JSON clients sometimes still send them as strings.
_OBJECT_PARAMS = {
    "reply_markup",
    "reply_parameters",
    "link_preview_options",
    "entities",
    "caption_entities",
    "allowed_updates",
    "commands",
    "scope",
}
_BOT_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{4,31}\b")
_ERROR_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: Telegram's unit for entity offsets and lengths."""
    return len(text.encode("utf-16-le")) // 2


class ApiError(Exception):
    """An error answer; raised inside method handlers, turned into Telegram's error JSON."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


# --------------------------------------------------------------------------- Telegram HTML


_HTML_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
}
_NAMED_HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class _TelegramHtmlParser(HTMLParser):
    """Parses Telegram's HTML subset into (plain text, entities), failing where Telegram does.

    Python's parser is lenient (it turns a stray ``<`` into text, ignores unclosed tags), so
    the strictness is added here: unsupported tags, stray ``<``, mismatched or unclosed tags
    all raise ``ApiError`` with Telegram's "can't parse entities" wording.
    """

    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._parts: list[str] = []
        self._offset16 = 0
        self._stack: list[tuple[str, int, JSONDict | None]] = []
        self.entities: list[JSONDict] = []

    @property
    def plain_text(self) -> str:
        return "".join(self._parts)

    def _index(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def _byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode())

    def _fail(self, detail: str) -> None:
        raise bad_request(f"can't parse entities: {detail}")

    def _append(self, text: str) -> None:
        self._parts.append(text)
        self._offset16 += utf16_len(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        where = self._byte_offset(self._index())
        if tag not in _HTML_TAG_ENTITY or (tag == "span" and attributes.get("class") != "tg-spoiler"):
            self._fail(f'Unsupported start tag "{tag}" at byte offset {where}')
        entity: JSONDict | None = {"type": _HTML_TAG_ENTITY[tag]}
        if tag == "a":
            href = attributes.get("href")
            entity = {"type": "text_link", "url": href} if href else None
        elif tag == "tg-emoji":
            emoji_id = attributes.get("emoji-id")
            if not emoji_id:
                self._fail(f"Custom emoji identifier must be specified at byte offset {where}")
            entity = {"type": "custom_emoji", "custom_emoji_id": emoji_id}
        elif tag == "blockquote" and "expandable" in attributes:
            entity = {"type": "expandable_blockquote"}
        elif tag == "code" and self._stack and self._stack[-1][0] == "pre":
            # <pre><code class="language-x"> is one pre entity with a language.
            css_class = attributes.get("class") or ""
            pre_entity = self._stack[-1][2]
            if css_class.startswith("language-") and pre_entity is not None:
                pre_entity["language"] = css_class.removeprefix("language-")
                entity = None
        self._stack.append((tag, self._offset16, entity))

    def handle_endtag(self, tag: str) -> None:
        where = self._byte_offset(self._index())
        if not self._stack:
            self._fail(f"Unexpected end tag at byte offset {where}")
        open_tag, start, entity = self._stack[-1]
        if open_tag != tag:
            self._fail(
                f'Unmatched end tag at byte offset {where}, expected "</{open_tag}>", found "</{tag}>"'
            )
        self._stack.pop()
        if entity is not None and self._offset16 > start:
            self.entities.append({**entity, "offset": start, "length": self._offset16 - start})

    def handle_data(self, data: str) -> None:
        if "<" in data:
            # html.parser passes a "<" that does not open a valid tag through as text;
            # Telegram insists that such characters be written as &lt;.
            index = self._index() + data.index("<")
            name = re.match(r"[^\s<>/]*", self.source[index + 1 :])
            tag_name = name.group(0) if name else ""
            where = self._byte_offset(index)
            if not tag_name:
                self._fail(f"Empty tag name at byte offset {where}")
            self._fail(f'Unsupported start tag "{tag_name}" at byte offset {where}')
        self._append(data)

    def handle_entityref(self, name: str) -> None:
        index = self._index()
        with_semicolon = self.source.startswith(f"&{name};", index)
        if with_semicolon and name in _NAMED_HTML_ENTITIES:
            self._append(_NAMED_HTML_ENTITIES[name])
        else:  # Telegram leaves unknown entities as literal text.
            self._append(f"&{name}{';' if with_semicolon else ''}")

    def handle_charref(self, name: str) -> None:
        try:
            code = int(name[1:], 16) if name[:1] in ("x", "X") else int(name)
            self._append(chr(code))
        except (ValueError, OverflowError):
            self._append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self._fail(f'Unsupported start tag "!--" at byte offset {self._byte_offset(self._index())}')

    def handle_decl(self, decl: str) -> None:
        self._fail(f'Unsupported start tag "!" at byte offset {self._byte_offset(self._index())}')

    def handle_pi(self, data: str) -> None:
        self._fail(f'Unsupported start tag "?" at byte offset {self._byte_offset(self._index())}')

    def unknown_decl(self, data: str) -> None:
        self.handle_decl(data)

    def finish(self) -> tuple[str, list[JSONDict]]:
        self.close()
        if self._stack:
            self._fail(f'Can\'t find end tag corresponding to start tag "{self._stack[-1][0]}"')
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return self.plain_text, entities


def parse_telegram_html(text: str) -> tuple[str, list[JSONDict]]:
    """Return (plain text, entities) for Telegram HTML, or raise ApiError 400 like Telegram."""
    parser = _TelegramHtmlParser(text)
    parser.feed(text)
    return parser.finish()


# --------------------------------------------------------------------------- helpers


def _decode_form_value(key: str, value: str) -> Any:
    """PTB sends every non-string parameter JSON-encoded inside form fields; undo that."""
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _coerce_json_value(key: str, value: Any) -> Any:
    if key in _OBJECT_PARAMS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _strip_reply(message: JSONDict) -> JSONDict:
    """Telegram never nests reply_to_message more than one level deep."""
    inner = copy.deepcopy(message)
    inner.pop("reply_to_message", None)
    return inner


def _as_int(value: Any) -> Any:
    """JSON clients may send ids as strings ("-100123"); Telegram accepts both."""
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


def _chat_id_of(chat: ChatRef) -> int:
    return chat if isinstance(chat, int) else int(chat["id"])


def _inline_buttons(markup: JSONDict | None) -> list[JSONDict]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [button for row in markup["inline_keyboard"] for button in row]


def forbid_network(monkeypatch: Any) -> None:
    """Make any lookup of a non-loopback host fail, so a test can never reach the internet.

    asyncio (and hence httpx/anyio) resolves host names through ``socket.getaddrinfo``; IP
    literals such as 127.0.0.1 skip it.  Proxy variables are removed because httpx honours
    them even for 127.0.0.1.
    """
    real_getaddrinfo = socket.getaddrinfo
    allowed = {"127.0.0.1", "localhost", "::1", None}

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in allowed:
            raise OSError(f"test tried to reach the network host {name!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    description: str | None
    chat_id: int | None = None  # only calls for this chat fail
    after: bool = False  # the call takes effect, and then the answer is the error


# --------------------------------------------------------------------------- the double


class BotApiDouble:
    """In-process fake of api.telegram.org for one bot; see the module docstring."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, first_update_id: int = 700_000_001):
        self.token = token
        self.tokens_seen: set[str] = set()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._closing = False
        # Webhook mode: set by setWebhook; updates are then POSTed to the bot, not polled.
        self.webhook: JSONDict | None = None
        self.webhook_deliveries: list[JSONDict] = []  # {"update_id", "status"} per POST
        # "http://127.0.0.1:PORT": a TLS proxy's target; a list: replicas behind a load balancer,
        # each update (and each retry) POSTed to the next one round-robin.
        self.deliver_webhooks_to: str | list[str] | None = None
        self._next_target = 0
        self._pusher: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

        # Telegram's flood limits, off unless set: messages a second for the bot, a minute per
        # group (see `_flood_check`); `flood_refused` counts the 429s they caused.
        self.flood_limit: int | None = None
        self.group_flood_limit: int | None = None
        self.flood_refused = 0
        self._flood_times: dict[str, deque[float]] = {}

        self._chats: dict[int, JSONDict] = {}
        self._blocked_chats: set[int] = set()
        self._kicked_from: set[int] = set()  # groups the bot was removed from (403)
        self._migrated: dict[int, int] = {}  # groups upgraded to a supergroup: old id -> new
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._records: dict[tuple[int, int], JSONDict] = {}
        self._events: list[JSONDict] = []
        self._consumed_events: set[int] = set()
        self._callback_queries: dict[str, JSONDict] = {}
        self._callback_ids = itertools.count(1)
        self._chat_actions: list[JSONDict] = []
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}

        self._updates: list[JSONDict] = []
        self._update_ids = itertools.count(first_update_id)
        self._allowed_updates: list[str] = []
        self._confirmed_offset = 0
        self._poll_generation = 0
        self.delivered_update_ids: list[int] = []
        self.dropped_updates: list[JSONDict] = []

        self._calls: list[JSONDict] = []
        self.unknown_methods: list[str] = []
        self._faults: dict[str, deque[_Fault]] = {}
        self._delays: dict[str, float] = {}

        self._methods: dict[str, Callable[[JSONDict], Awaitable[Any]]] = {
            name.lower(): handler
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "deleteWebhook": self._delete_webhook,
                "setWebhook": self._set_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "getMyCommands": self._get_my_commands,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "answerCallbackQuery": self._answer_callback_query,
                "sendChatAction": self._send_chat_action,
                "forwardMessage": self._forward_message,
                "copyMessage": self._copy_message,
                "getChat": self._get_chat,
                "close": self._true,
                "logOut": self._true,
            }.items()
        }

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> BotApiDouble:
        """Serve on a random free port of 127.0.0.1 (never a fixed port: tests run in parallel)."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Release pending long polls first so shutdown does not wait for their timeouts."""
        self._closing = True
        self._notify()
        if self._pusher is not None:
            self._pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pusher
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiDouble:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("BotApiDouble is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url``; PTB appends the token itself."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def application_builder(self) -> Any:
        """An ``ApplicationBuilder`` already pointed at this double (token and both URLs)."""
        from telegram.ext import ApplicationBuilder

        return (
            ApplicationBuilder().token(self.token).base_url(self.base_url).base_file_url(self.base_file_url)
        )

    # ----------------------------------------------------------------- users and chats

    @staticmethod
    def user(
        id: int,
        first_name: str,
        username: str | None = None,
        *,
        last_name: str | None = None,
        language_code: str | None = "en",
        is_bot: bool = False,
    ) -> JSONDict:
        """A Telegram ``User`` object."""
        user: JSONDict = {"id": id, "is_bot": is_bot, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    def private_chat(self, user: JSONDict) -> JSONDict:
        """The private chat between ``user`` and the bot (its id is the user's id)."""
        chat: JSONDict = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if key in user:
                chat[key] = user[key]
        return self._register_chat(chat)

    def group_chat(self, id: int, title: str, *, type: str = "supergroup") -> JSONDict:
        """A group the bot is a member of; ``id`` should be negative as in Telegram."""
        return self._register_chat({"id": id, "type": type, "title": title})

    def _register_chat(self, chat: JSONDict) -> JSONDict:
        self._chats[chat["id"]] = chat
        self._message_ids.setdefault(chat["id"], itertools.count(1))
        return copy.deepcopy(chat)

    def block(self, user: JSONDict | int) -> None:
        """Simulate a user blocking the bot: sends to their private chat get 403."""
        self._blocked_chats.add(_chat_id_of(user))

    def unblock(self, user: JSONDict | int) -> None:
        self._blocked_chats.discard(_chat_id_of(user))

    def kick(self, chat: JSONDict | int) -> None:
        """Remove the bot from a group: sends there get 403 until `readd`."""
        self._kicked_from.add(_chat_id_of(chat))

    def readd(self, chat: JSONDict | int) -> None:
        self._kicked_from.discard(_chat_id_of(chat))

    def migrate(self, chat: JSONDict | int, new_id: int) -> JSONDict:
        """Upgrade a group to a supergroup with a new id, as Telegram does: sends to the old id
        get 400 with ``migrate_to_chat_id``. Returns the new chat."""
        old = _chat_id_of(chat)
        self._migrated[old] = new_id
        title = self._chats[old].get("title", "") if old in self._chats else ""
        return self.group_chat(new_id, title)

    # ----------------------------------------------------------------- acting as users

    def send_text(
        self,
        chat: JSONDict,
        user: JSONDict,
        text: str,
        reply_to: JSONDict | None = None,
    ) -> JSONDict:
        """Queue a ``message`` update as if ``user`` typed ``text`` into ``chat``."""
        if chat["id"] not in self._chats:
            self._register_chat(chat)
        message = self._new_message(self._chats[chat["id"]], user, text, self._user_entities(text))
        if reply_to is not None:
            target = self._messages.get((chat["id"], reply_to["message_id"]), reply_to)
            message["reply_to_message"] = _strip_reply(target)
        self._store(message)
        self.queue_update("message", message)
        return copy.deepcopy(message)

    def edit_text(self, chat: JSONDict, message: JSONDict, text: str) -> JSONDict:
        """Queue an ``edited_message`` update: the user changed the text of ``message``."""
        stored = self._messages[(chat["id"], message["message_id"])]
        stored["text"] = text
        stored["entities"] = self._user_entities(text)
        stored["edit_date"] = int(time.time())
        if not stored["entities"]:
            del stored["entities"]
        self.queue_update("edited_message", stored)
        return copy.deepcopy(stored)

    def press_button(self, chat: JSONDict, user: JSONDict, message: JSONDict, callback_data: str) -> str:
        """Queue a ``callback_query`` for a button on a message the bot sent; returns its id.

        Fails if the message's *current* keyboard has no such button, because a real user
        cannot press a button that an edit already removed.
        """
        current = self._messages.get((chat["id"], message["message_id"]))
        if current is None or current.get("from", {}).get("id") != BOT_ID:
            raise ValueError(f"no bot message {message['message_id']} in chat {chat['id']}")
        datas = [b.get("callback_data") for b in _inline_buttons(current.get("reply_markup"))]
        if callback_data not in datas:
            raise ValueError(f"message has no button with callback_data {callback_data!r}: {datas}")
        return self.send_callback_query(chat, user, message, callback_data)

    def send_callback_query(
        self, chat: JSONDict, user: JSONDict, message: JSONDict, callback_data: str
    ) -> str:
        """Queue a ``callback_query`` with any data, as a button of an older version or a forged
        client would send; returns its id."""
        current = self._messages.get((chat["id"], message["message_id"]), message)
        query_id = str(next(self._callback_ids) * 1_000_003 + BOT_ID)
        query = {
            "id": query_id,
            "from": user,
            "message": copy.deepcopy(current),
            "chat_instance": str(-abs(chat["id"]) * 7 - 1),
            "data": callback_data,
        }
        self._callback_queries[query_id] = {"query": query, "answer": None}
        self.queue_update("callback_query", query)
        return query_id

    def queue_update(self, kind: str, payload: JSONDict) -> int | None:
        """Queue any update type; returns its update_id, or None if allowed_updates drops it.

        Like Telegram, the allowed_updates filter applies when an update is created, not when
        it is fetched.
        """
        if self._allowed_updates:
            wanted = kind in self._allowed_updates
        else:
            wanted = kind not in _OPT_IN_UPDATE_TYPES
        if not wanted:
            self.dropped_updates.append({kind: payload})
            return None
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, kind: copy.deepcopy(payload)})
        self._notify()
        return update_id

    # ----------------------------------------------------------------- observing the bot

    async def wait_for_message(
        self,
        chat_id: ChatRef,
        predicate: Callable[[JSONDict], bool] | None = None,
        timeout: float = 10.0,
    ) -> JSONDict:
        """Wait until the bot sent or edited a message in the chat that matches ``predicate``.

        Every send and every edit is an event; each call returns (and consumes) the oldest
        matching event not returned before, so successive calls walk through the bot's
        replies in order.  The result is a snapshot of the record taken at that event.
        """
        chat = _chat_id_of(chat_id)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for event in self._events:
                if event["seq"] in self._consumed_events or event["chat_id"] != chat:
                    continue
                if predicate is None or predicate(event):
                    self._consumed_events.add(event["seq"])
                    return copy.deepcopy(event)
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(self._timeout_report(chat, timeout))
            await self._wait_change(remaining)

    def messages(self, chat_id: ChatRef) -> list[JSONDict]:
        """Current state of every message the bot delivered to the chat, in send order."""
        chat = _chat_id_of(chat_id)
        records = [r for (c, _), r in self._records.items() if c == chat]
        return copy.deepcopy(sorted(records, key=lambda r: r["message_id"]))

    def calls(self, method: str | None = None) -> list[JSONDict]:
        """Every request received (including failed and injected-failure ones), in order."""
        wanted = method.lower() if method else None
        return [
            copy.deepcopy(call) for call in self._calls if wanted is None or call["method"].lower() == wanted
        ]

    def callback_answer(self, query_id: str) -> JSONDict | None:
        """The bot's answerCallbackQuery parameters for that query, or None if unanswered."""
        entry = self._callback_queries.get(query_id)
        return copy.deepcopy(entry["answer"]) if entry else None

    async def wait_for_callback_answer(self, query_id: str, timeout: float = 10.0) -> JSONDict:
        deadline = asyncio.get_running_loop().time() + timeout
        while (answer := self.callback_answer(query_id)) is None:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"callback query {query_id} was not answered in {timeout}s")
            await self._wait_change(remaining)
        return answer

    def chat_actions(self, chat_id: ChatRef) -> list[str]:
        chat = _chat_id_of(chat_id)
        return [a["action"] for a in self._chat_actions if a["chat_id"] == chat]

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        return copy.deepcopy(self._commands.get(self._commands_key(scope, language_code), []))

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by an offset (delivered or not)."""
        return copy.deepcopy(self._updates)

    @property
    def confirmed_offset(self) -> int:
        """The highest offset the bot has confirmed with getUpdates."""
        return self._confirmed_offset

    # ----------------------------------------------------------------- fault injection

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        count: int = 1,
        description: str | None = None,
        *,
        chat: ChatRef | None = None,
        after_effect: bool = False,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail with ``status`` and no side effect.

        With ``chat``, only calls for that chat fail (others pass untouched). With
        ``after_effect``, the call takes effect first (the message is delivered) and the answer
        is still the error: what a client sees when Telegram accepts a message but the response
        is lost, so the client cannot know it was delivered.
        """
        queue = self._faults.setdefault(method.lower(), deque())
        chat_id = _chat_id_of(chat) if chat is not None else None
        for _ in range(count):
            queue.append(
                _Fault(status, retry_after if status == 429 else None, description, chat_id, after_effect)
            )

    def slow_down(self, method: str, seconds: float) -> None:
        """Make every later call of ``method`` take ``seconds`` longer (0 to undo), as a busy
        Telegram would; the call takes effect at the end of the wait."""
        self._delays[method.lower()] = seconds

    # ----------------------------------------------------------------- HTTP plumbing

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        self.tokens_seen.add(token)
        try:
            params = await self._read_params(request)
        except ValueError as exc:
            params = {}
            error: ApiError | None = bad_request(f"can't parse request: {exc}")
        else:
            error = None
        call: JSONDict = {"method": method, "params": params, "token": token, "time": time.time()}
        self._calls.append(call)

        handler = self._methods.get(method.lower())
        result: Any = None
        if error is None and handler is None:
            self.unknown_methods.append(method)
            error = ApiError(404, "Not Found: method not found")
        if error is None and self._delays.get(method.lower()):
            await asyncio.sleep(self._delays[method.lower()])
        fault = self._take_fault(method, params) if error is None else None
        if fault is not None and not fault.after:
            error = self._fault_error(fault)
        if error is None and handler is not None:
            error = self._flood_check(method, params)
        if error is None and handler is not None:
            try:
                result = await handler(params)
            except ApiError as exc:
                error = exc
        if error is None and fault is not None and fault.after:
            error = self._fault_error(fault)

        if error is not None:
            call.update(status=error.status, ok=False, description=error.description)
            self._notify()
            return web.json_response(error.payload(), status=error.status)
        call.update(status=200, ok=True, result=copy.deepcopy(result))
        self._notify()
        return web.json_response({"ok": True, "result": result})

    def _flood_check(self, method: str, params: JSONDict) -> ApiError | None:
        """Telegram's flood limits, when set (`flood_limit` messages a second for the bot,
        `group_flood_limit` a minute per group): a message-sending call over them gets 429 with
        retry_after, as Telegram answers, and has no effect. Counted by arrival time."""
        if not method.lower().startswith(("send", "edit", "copy", "forward")):
            return None
        now = time.monotonic()
        windows = []
        if self.flood_limit is not None:
            windows.append((self._flood_times.setdefault("bot", deque()), self.flood_limit, 1.0))
        chat_id = _as_int(params.get("chat_id"))
        if self.group_flood_limit is not None and isinstance(chat_id, int) and chat_id < 0:
            windows.append(
                (self._flood_times.setdefault(f"chat:{chat_id}", deque()), self.group_flood_limit, 60.0)
            )
        for times, limit, window in windows:
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) >= limit:
                self.flood_refused += 1
                wait = max(1, int(times[0] + window - now + 0.999))
                return ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
        for times, _, _ in windows:
            times.append(now)
        return None

    async def _handle_file(self, request: web.Request) -> web.Response:
        self.tokens_seen.add(request.match_info["token"])
        return web.json_response(ApiError(404, "Not Found").payload(), status=404)

    @staticmethod
    async def _read_params(request: web.Request) -> JSONDict:
        """Merge query string and body; accept form, multipart and JSON bodies."""
        params: JSONDict = {k: _decode_form_value(k, v) for k, v in request.query.items()}
        if request.method != "POST" or not request.can_read_body:
            return params
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            params.update({k: _coerce_json_value(k, v) for k, v in body.items()})
            return params
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = {"file_name": value.filename, "content": value.file.read()}
            else:
                params[key] = _decode_form_value(key, str(value))
        return params

    def _take_fault(self, method: str, params: JSONDict) -> _Fault | None:
        """The first queued fault of the method that applies to this call, removed."""
        faults = self._faults.get(method.lower())
        if not faults:
            return None
        chat_id = _as_int(params.get("chat_id"))
        for fault in faults:
            if fault.chat_id is None or fault.chat_id == chat_id:
                faults.remove(fault)
                return fault
        return None

    @staticmethod
    def _fault_error(fault: _Fault) -> ApiError:
        if fault.status == 429:
            return ApiError(
                429,
                fault.description or f"Too Many Requests: retry after {fault.retry_after}",
                {"retry_after": fault.retry_after},
            )
        default = _ERROR_DESCRIPTIONS.get(fault.status)
        if default is None:
            try:
                default = HTTPStatus(fault.status).phrase
            except ValueError:
                default = "Error"
        return ApiError(fault.status, fault.description or default)

    def _notify(self) -> None:
        """Wake everything waiting for state to change (pollers and test waiters)."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_change(self, timeout: float) -> None:
        event = self._changed
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            pass

    def _timeout_report(self, chat: int, timeout: float) -> str:
        sent = [(r["message_id"], r["plain_text"]) for r in self.messages(chat)]
        failures = [
            f"{c['method']} -> {c.get('status')} {c.get('description')}"
            for c in self._calls
            if c.get("ok") is False
        ]
        return (
            f"no matching bot message in chat {chat} within {timeout}s; "
            f"bot messages there: {sent}; failed calls: {failures[-10:]}; "
            f"unknown methods: {self.unknown_methods}"
        )

    # ----------------------------------------------------------------- message store

    def _new_message(
        self,
        chat: JSONDict,
        sender: JSONDict,
        text: str,
        entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        message: JSONDict = {
            "message_id": next(self._message_ids.setdefault(chat["id"], itertools.count(1))),
            "from": copy.deepcopy(sender),
            "chat": copy.deepcopy(chat),
            "date": int(time.time()),
            "text": text,
        }
        if entities:
            message["entities"] = entities
        return message

    def _store(self, message: JSONDict) -> None:
        self._messages[(message["chat"]["id"], message["message_id"])] = message

    @staticmethod
    def _user_entities(text: str) -> list[JSONDict]:
        """Entities Telegram's clients attach: a leading /command and @username mentions."""
        entities: list[JSONDict] = []
        command_end = 0
        if text.startswith("/"):
            command = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
            if command:
                command_end = command.end()
                entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))})
        for mention in _MENTION_RE.finditer(text):
            if mention.start() < command_end:
                continue
            entities.append(
                {
                    "type": "mention",
                    "offset": utf16_len(text[: mention.start()]),
                    "length": utf16_len(mention.group(0)),
                }
            )
        return entities

    def _record(self, message: JSONDict, method: str, raw_text: str, params: JSONDict) -> None:
        """Remember a delivered bot message plus what the bot actually asked for."""
        reply = message.get("reply_to_message")
        record: JSONDict = {
            "chat_id": message["chat"]["id"],
            "message_id": message["message_id"],
            "method": method,
            "text": raw_text,
            "plain_text": message.get("text", ""),
            "parse_mode": params.get("parse_mode"),
            "entities": message.get("entities", []),
            "reply_markup": params.get("reply_markup"),
            "reply_to_message_id": reply["message_id"] if reply else None,
            "link_preview_options": params.get("link_preview_options"),
            "disable_web_page_preview": params.get("disable_web_page_preview"),
            "edit_count": 0,
            "message": message,
        }
        self._records[(record["chat_id"], record["message_id"])] = record
        self._add_event("sent", record)

    def _add_event(self, kind: str, record: JSONDict) -> None:
        snapshot = copy.deepcopy(record)
        snapshot.update(event=kind, seq=len(self._events))
        self._events.append(snapshot)

    def _chat_for(self, params: JSONDict, key: str = "chat_id") -> JSONDict:
        chat_id = _as_int(params.get(key))
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _check_can_send(self, chat: JSONDict) -> None:
        if chat["id"] in self._blocked_chats:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat["id"] in self._kicked_from:
            raise ApiError(403, "Forbidden: bot was kicked from the supergroup chat")
        if chat["id"] in self._migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat["id"]]},
            )

    @staticmethod
    def _render(text: Any, parse_mode: Any, entities: Any) -> tuple[str, list[JSONDict]]:
        """Apply parse_mode like Telegram: returns the displayed text and its entities."""
        if not isinstance(text, str) or text == "":
            raise bad_request("message text is empty")
        mode = parse_mode.lower() if isinstance(parse_mode, str) and parse_mode else None
        if mode == "html":
            plain, parsed = parse_telegram_html(text)
        elif mode in (None, "markdown", "markdownv2"):
            # Markdown is not validated by the double; the text is shown as sent.
            plain, parsed = text, list(entities or [])
        else:
            raise bad_request(f"unsupported parse_mode {parse_mode}")
        if not plain.strip():
            raise bad_request("message text is empty")
        if utf16_len(plain) > MAX_MESSAGE_LENGTH:
            raise bad_request("message is too long")
        return plain, parsed

    @staticmethod
    def _check_markup(markup: Any) -> JSONDict | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        for button in _inline_buttons(markup):
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise bad_request("text buttons are unallowed in the inline keyboard")
        return markup

    def _reply_target(self, chat: JSONDict, params: JSONDict) -> JSONDict | None:
        reply = params.get("reply_parameters")
        if not isinstance(reply, dict):
            reply = (
                {"message_id": params["reply_to_message_id"]} if params.get("reply_to_message_id") else None
            )
        if reply is None:
            return None
        target_chat = _as_int(reply.get("chat_id", chat["id"]))
        target = self._messages.get((target_chat, _as_int(reply.get("message_id"))))
        if target is None:
            if reply.get("allow_sending_without_reply") or params.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return _strip_reply(target)

    def _bot_message(
        self,
        chat: JSONDict,
        text: str,
        entities: list[JSONDict],
        params: JSONDict,
    ) -> JSONDict:
        """Build and store a message from the bot, echoing an inline keyboard as Telegram does."""
        markup = self._check_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        message = self._new_message(chat, BOT_USER, text, entities)
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if markup and "inline_keyboard" in markup:
            # Messages only ever carry inline keyboards; reply keyboards are not echoed.
            message["reply_markup"] = copy.deepcopy(markup)
        if isinstance(params.get("link_preview_options"), dict):
            message["link_preview_options"] = params["link_preview_options"]
        self._store(message)
        return message

    def _message_to_edit(self, params: JSONDict) -> tuple[JSONDict, JSONDict]:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat_for(params)
        key = (chat["id"], _as_int(params.get("message_id")))
        message = self._messages.get(key)
        if message is None:
            raise bad_request("message to edit not found")
        if key not in self._records:
            raise bad_request("message can't be edited")
        return message, self._records[key]

    # ----------------------------------------------------------------- Bot API methods

    async def _true(self, params: JSONDict) -> bool:
        return True

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return dict(GET_ME)

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        """Long polling with Telegram's confirm-by-offset semantics.

        A newer getUpdates terminates an older pending one with 409, as Telegram does; this is
        what frees the long poll left behind by a stopped Application.
        """
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()

        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._confirmed_offset = max(self._confirmed_offset, offset)
        elif isinstance(offset, int) and offset < 0:
            self._updates = self._updates[offset:]
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            if self._updates or self._closing:
                break
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await self._wait_change(remaining)
        batch = copy.deepcopy(self._updates[:limit])
        self.delivered_update_ids.extend(u["update_id"] for u in batch)
        return batch

    async def _delete_webhook(self, params: JSONDict) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _set_webhook(self, params: JSONDict) -> bool:
        """Like Telegram: an https URL only; from now on updates are pushed, not polled."""
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params)
        if not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("secret token contains unallowed characters")
        self.webhook = {"url": url, "secret_token": secret}
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if self._pusher is None:
            self._pusher = asyncio.get_running_loop().create_task(self._push_updates())
        return True

    async def _push_updates(self) -> None:
        """POST pending updates to the webhook one at a time, in order, until one gets a 2xx
        (Telegram retries failed deliveries; so do we, a little faster)."""
        async with ClientSession() as session:
            while not self._closing:
                if self.webhook is None or not self._updates:
                    await self._wait_change(1.0)
                    continue
                update = self._updates[0]
                url = urlsplit(self.webhook["url"])
                if self.deliver_webhooks_to:
                    targets = self.deliver_webhooks_to
                    if isinstance(targets, list):
                        targets = targets[self._next_target % len(targets)]
                        self._next_target += 1
                    proxy = urlsplit(targets)
                    url = url._replace(scheme=proxy.scheme, netloc=proxy.netloc)
                headers = {}
                if self.webhook["secret_token"]:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = str(self.webhook["secret_token"])
                try:
                    async with session.post(urlunsplit(url), json=update, headers=headers) as response:
                        status: int | None = response.status
                except (ClientError, OSError):
                    status = None
                self.webhook_deliveries.append(
                    {"update_id": update["update_id"], "status": status, "to": url.netloc}
                )
                if status is not None and 200 <= status < 300:
                    if self._updates and self._updates[0] is update:
                        self._updates.pop(0)
                    self.delivered_update_ids.append(update["update_id"])
                    self._notify()
                else:
                    await asyncio.sleep(0.2)

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    @staticmethod
    def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
        scope = scope if isinstance(scope, dict) else {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(language_code or "")

    async def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be an array of at most 100 BotCommand")
        for command in commands:
            if not _BOT_COMMAND_RE.match(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        self._commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return True

    async def _delete_my_commands(self, params: JSONDict) -> bool:
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        self._commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        return copy.deepcopy(self._commands.get(key, []))

    async def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._chat_for(params)
        self._check_can_send(chat)
        raw = params.get("text")
        plain, entities = self._render(raw, params.get("parse_mode"), params.get("entities"))
        message = self._bot_message(chat, plain, entities, params)
        self._record(message, "sendMessage", raw, params)
        return copy.deepcopy(message)

    async def _edit_message_text(self, params: JSONDict) -> JSONDict:
        message, record = self._message_to_edit(params)
        raw = params.get("text")
        plain, entities = self._render(raw, params.get("parse_mode"), params.get("entities"))
        markup = self._check_markup(params.get("reply_markup"))
        # Editing without reply_markup removes the inline keyboard on Telegram.
        new_markup = markup if markup and "inline_keyboard" in markup else None
        if (
            plain == message.get("text")
            and entities == message.get("entities", [])
            and new_markup == message.get("reply_markup")
        ):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message["text"] = plain
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        self._set_markup(message, new_markup)
        message["edit_date"] = int(time.time())
        record.update(
            text=raw,
            plain_text=plain,
            parse_mode=params.get("parse_mode"),
            entities=entities,
            reply_markup=markup,
            edit_count=record["edit_count"] + 1,
            message=message,
        )
        self._add_event("edited", record)
        return copy.deepcopy(message)

    async def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        message, record = self._message_to_edit(params)
        markup = self._check_markup(params.get("reply_markup"))
        new_markup = markup if markup and "inline_keyboard" in markup else None
        if new_markup == message.get("reply_markup"):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        self._set_markup(message, new_markup)
        message["edit_date"] = int(time.time())
        record.update(reply_markup=markup, edit_count=record["edit_count"] + 1, message=message)
        self._add_event("edited", record)
        return copy.deepcopy(message)

    @staticmethod
    def _set_markup(message: JSONDict, markup: JSONDict | None) -> None:
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = copy.deepcopy(markup)

    async def _answer_callback_query(self, params: JSONDict) -> bool:
        entry = self._callback_queries.get(str(params.get("callback_query_id")))
        if entry is None or entry["answer"] is not None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(str(params.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        entry["answer"] = {
            key: params[key]
            for key in ("text", "show_alert", "url", "cache_time")
            if params.get(key) is not None
        }
        return True

    async def _send_chat_action(self, params: JSONDict) -> bool:
        chat = self._chat_for(params)
        self._check_can_send(chat)
        if params.get("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._chat_actions.append({"chat_id": chat["id"], "action": params["action"]})
        return True

    def _source_message(self, params: JSONDict, missing: str) -> JSONDict:
        source_chat = self._chat_for(params, "from_chat_id")
        source = self._messages.get((source_chat["id"], _as_int(params.get("message_id"))))
        if source is None or "text" not in source:
            raise bad_request(missing)
        return source

    async def _forward_message(self, params: JSONDict) -> JSONDict:
        chat = self._chat_for(params)
        self._check_can_send(chat)
        source = self._source_message(params, "message to forward not found")
        message = self._new_message(chat, BOT_USER, source["text"], source.get("entities"))
        if source["chat"]["type"] == "channel":
            origin: JSONDict = {
                "type": "channel",
                "chat": source["chat"],
                "message_id": source["message_id"],
                "date": source["date"],
            }
        else:
            origin = {"type": "user", "sender_user": source["from"], "date": source["date"]}
        message["forward_origin"] = copy.deepcopy(origin)
        self._store(message)
        self._record(message, "forwardMessage", source["text"], {})
        return copy.deepcopy(message)

    async def _copy_message(self, params: JSONDict) -> JSONDict:
        chat = self._chat_for(params)
        self._check_can_send(chat)
        source = self._source_message(params, "message to copy not found")
        message = self._bot_message(chat, source["text"], copy.deepcopy(source.get("entities", [])), params)
        self._record(message, "copyMessage", source["text"], params)
        return {"message_id": message["message_id"]}

    async def _get_chat(self, params: JSONDict) -> JSONDict:
        chat = self._chat_for(params)
        return {
            **copy.deepcopy(chat),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }
