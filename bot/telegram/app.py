"""The Telegram frontend's wiring: `build_application` (every part of the bot, built in one step,
and every route in one place) and `run_telegram` (`gardbot telegram`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import sys
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from urllib.parse import urlsplit

from telegram import Message, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from answers.engine import Engine
from bot.config import Config, ConfigError, TelegramSettings
from bot.delivery.flood import SharedRateLimiter
from bot.delivery.inbox import Dispatcher, InboxQueue
from bot.delivery.outbox import OutboxWorker
from bot.delivery.replicas import Housekeeping, PollingLeader, PublishedSync
from bot.ops.health import HealthChecks, HealthServer, HealthServerError
from bot.ops.logs import RedactSecrets, quiet_http_logs
from bot.ops.metrics import CountingRequest, Metrics
from bot.runtime import load_engine
from bot.telegram import publish as publishing
from bot.telegram import staff_delivery
from bot.telegram import tickets as staff
from bot.telegram.buttons import (
    ask_button,
    button,
    cancel_button,
    choose_button,
    confirm_button,
    expired_button,
    feedback_button,
    more_button,
)
from bot.telegram.handlers import (
    about,
    ask,
    edited,
    forget,
    gate,
    help_command,
    not_text,
    on_text,
    privacy,
    start,
)
from bot.telegram.lifecycle import on_error, on_startup, on_stop, stop_health
from bot.telegram.retention import Retention, retention_periods
from bot.telegram.state import BotContext, RateLimiter, Services, TelegramConversations, engine_executor
from store import Store, open_store

GET_UPDATES_POOL = 1  # connections for getUpdates and for everything else, as PTB's defaults
REQUEST_POOL = 256
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]


def health_server(
    config: Config, engine: Engine, store: Store, metrics: Metrics, clock: Callable[[], float]
) -> HealthServer | None:
    """/healthz and /metrics, when telegram.health_port is set (bot.ops.health)."""
    settings = config.telegram
    if not settings.health_port:
        return None
    checks = HealthChecks(engine, store, settings.outbox_stuck_seconds, clock)
    return HealthServer(settings.health_listen, settings.health_port, checks, metrics)


def replica_housekeeping(
    settings: TelegramSettings,
    engine: Engine,
    store: Store,
    dispatcher: Dispatcher,
    worker: OutboxWorker,
    engine_thread: Executor,
) -> Housekeeping | None:
    """On a database replicas share: take over the work a dead replica left, and load answers
    another replica published (bot.delivery.replicas)."""
    if not store.shared:
        return None
    return Housekeeping(
        store,
        PublishedSync(engine, store),
        adopt=dispatcher.replay_pending,
        wake_outbox=worker.wake,
        engine_thread=engine_thread,
        interval=settings.replica_sweep_seconds,
    )


def build_services(
    app: Application,
    config: Config,
    engine: Engine,
    store: Store,
    *,
    metrics: Metrics,
    outbox_interval: float,
    clock: Callable[[], float],
    standby: bool,
) -> Services:
    """Every part handlers and start-up need, made in one step, so no field is filled in later.

    The outbox worker's hooks and the staff-delivery job read the staff chat's current id (it
    follows a ChatMigrated), so they are handed the finished Services through `services`; they
    run only once the application starts, after this returns.
    """
    settings = config.telegram
    done: list[Services] = []

    def services() -> Services:
        return done[0]

    worker = OutboxWorker(
        app.bot,
        store,
        interval=outbox_interval,
        on_sent=lambda message, sent_id: staff.after_sent(services(), message, sent_id),
        on_dead=lambda message, error: staff.after_dead(services(), message, error),
        on_migrated=lambda old, new: staff_delivery.on_migrated(services(), old, new),
        clock=clock,
    )
    dispatcher = Dispatcher(app, store, wake_outbox=worker.wake)
    engine_thread = engine_executor()
    retention = Retention(
        store,
        retention_periods(config),
        interval=config.privacy.retention_minutes * 60,
        staff_chat=lambda: services().staff_chat_id,  # its copies keep their ids for /forget
        clock=clock,
    )
    done.append(
        Services(
            config=config,
            engine=engine,
            store=store,
            limiter=RateLimiter(store, settings.rate_limit_messages, settings.rate_limit_seconds, clock),
            metrics=metrics,
            worker=worker,
            dispatcher=dispatcher,
            retention=retention,
            staff_delivery=staff_delivery.StaffDelivery(services, clock=clock),
            health=health_server(config, engine, store, metrics, clock),
            housekeeping=replica_housekeeping(settings, engine, store, dispatcher, worker, engine_thread),
            leader=PollingLeader(store, app.stop_running) if standby else None,
            staff_filter=filters.Chat(settings.staff_chat_id) if settings.staff_chat_id is not None else None,
            engine_thread=engine_thread,
        )
    )
    return services()


def build_application(
    config: Config,
    engine: Engine,
    store: Store,
    *,
    builder: ApplicationBuilder | None = None,
    outbox_interval: float = 2.0,
    clock: Callable[[], float] = time.time,
    standby: bool = False,
) -> Application:
    """The whole bot as a PTB Application: handlers, error handler, outbox worker hooks.

    `builder` defaults to one for config.telegram (token, base_url); tests pass one pointed at
    a fake Bot API. The outbox worker starts in post_init and stops in post_stop, as
    run_polling/run_webhook call them; so does the /healthz and /metrics server when
    telegram.health_port is set (bot.ops.health). The metrics (bot.ops.metrics) are kept in any
    case, in a registry of this application's own. `standby`: polling on a database replicas
    share, so start-up waits for the polling lock (bot.delivery.replicas).
    """
    settings = config.telegram
    if builder is None:
        file_url = re.sub(r"/bot$", "/file/bot", settings.base_url)
        builder = ApplicationBuilder().token(settings.token).base_url(settings.base_url)
        builder = builder.base_file_url(file_url)
    # Telegram's flood limits (30 messages/s, 20 per minute in a group), shared by every replica
    # (bot.delivery.flood). No retries in the limiter: a 429 would pause every chat while it
    # waits; the outbox reschedules that one message instead. The inbox queue records each update
    # before Telegram is told it arrived.
    inbox = InboxQueue()
    metrics = Metrics(store, clock)
    builder = builder.rate_limiter(SharedRateLimiter.from_settings(settings, store)).update_queue(inbox)
    builder = builder.request(CountingRequest(metrics.api_error, connection_pool_size=REQUEST_POOL))
    builder = builder.get_updates_request(
        CountingRequest(metrics.api_error, connection_pool_size=GET_UPDATES_POOL)
    )
    builder = builder.context_types(ContextTypes(context=BotContext))
    app = builder.post_init(on_startup).post_stop(on_stop).post_shutdown(stop_health).build()
    s = build_services(
        app,
        config,
        engine,
        store,
        metrics=metrics,
        outbox_interval=outbox_interval,
        clock=clock,
        standby=standby,
    )
    inbox.sink = s.dispatcher.receive
    app.bot_data["gardbot"] = s
    add_routes(app, s.staff_filter)
    return app


class RepliesToBot(filters.MessageFilter):
    """A reply to one of the bot's own messages (in the staff chat: a ticket's copy)."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return bool(replied and replied.from_user and replied.from_user.id == message.get_bot().id)


REPLIES_TO_BOT = RepliesToBot(name="RepliesToBot")
COMMANDS: dict[str, Callable[[Update, BotContext], Awaitable[None]]] = {
    "start": start,
    "help": help_command,
    "about": about,
    "privacy": privacy,
    "forget": forget,
    "ask": ask,
    # staff (each checks that the sender is staff)
    "pending": staff.pending,
    "ticket": staff.show_ticket,
    "answer": staff.answer,
    "close": staff.close,
    "publish": publishing.publish,
    "edit": publishing.edit,
    "unpublish": publishing.unpublish,
}
# Callback data is "action:turn:args" (bot.telegram.render.callback); one handler per action.
BUTTONS: dict[str, Callable[[Update, BotContext], Awaitable[None]]] = {
    r"^publish:\d+$": publishing.publish_button,
    r"^pubok:\d+$": publishing.confirm_button,
    r"^more:": button(more_button),
    r"^c:": button(choose_button),
    r"^fb:": button(feedback_button),
    r"^ask:": button(ask_button),
    r"^ok:": button(confirm_button),
    r"^no:": button(cancel_button),
}


def add_routes(app: Application, staff_filter: filters.Chat | None) -> None:
    """Every route of the bot, in one place and in the order PTB tries them: edits are turned
    away first (group -1); then commands; in the staff chat, a reply to one of the bot's messages
    is the answer to that ticket; other text is a question; other messages in a private chat get
    a request for text; buttons go by their callback data's action, anything else has expired."""
    app.add_handler(TypeHandler(Update, gate), group=-2)
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, edited), group=-1)
    for name, command in COMMANDS.items():
        app.add_handler(CommandHandler(name, command))
    if staff_filter is not None:  # it follows the staff chat when Telegram moves it
        staff_replies = staff_filter & filters.REPLY & REPLIES_TO_BOT
        app.add_handler(MessageHandler(staff_replies & filters.TEXT & ~filters.COMMAND, staff.staff_reply))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND, not_text))
    # PTB hands a press with empty data to the first patterned handler whatever its pattern,
    # so such a press is caught first (the callable is only asked about non-empty data).
    app.add_handler(CallbackQueryHandler(expired_button, pattern=lambda data: False))
    for pattern, handler in BUTTONS.items():
        app.add_handler(CallbackQueryHandler(handler, pattern=pattern))
    app.add_handler(CallbackQueryHandler(expired_button))
    app.add_error_handler(on_error)


def webhook_secret(token: str) -> str:
    """A stable secret for Telegram's X-Telegram-Bot-Api-Secret-Token, derived from the token."""
    return hmac.new(token.encode(), b"gardbot-webhook", hashlib.sha256).hexdigest()


def run_telegram(config: Config, *, progress: bool = True) -> int:
    """`gardbot telegram`: run the bot until interrupted; 1 with a one-line reason on failure.
    `progress`: a progress bar while the index is built (not with JSON logs: it is no JSON)."""
    settings = config.telegram
    try:
        settings.validate()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    quiet_http_logs(settings.token)
    os.environ.setdefault("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after as a timedelta
    store = open_store(config.database_url)
    try:
        conversations = TelegramConversations(store)
        engine = load_engine(config, progress=progress, conversations=conversations, published_from=store)
        if settings.mode == "webhook":
            app = build_application(config, engine, store)
            app.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
                webhook_url=settings.webhook_url,
                secret_token=webhook_secret(settings.token),
                allowed_updates=ALLOWED_UPDATES,
            )
        else:  # on a shared database one replica polls; the others wait (lifecycle.on_startup)
            app = build_application(config, engine, store, standby=store.shared)
            app.run_polling(allowed_updates=ALLOWED_UPDATES)
    except InvalidToken:
        print("error: Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather", file=sys.stderr)
        return 1
    except HealthServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except TelegramError as exc:
        reason = RedactSecrets(settings.token).redact(str(exc))
        print(f"error: could not talk to Telegram at {settings.base_url}: {reason}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0
