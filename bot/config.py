"""Settings from config.yaml, overridden by environment variables, then by command-line flags.

Secrets (the Telegram token) come only from the environment so config.yaml can be committed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from answers.settings import EngineSettings

# In the folder gardbot runs from (or --config, or GARDBOT_CONFIG), never where it is installed.
DEFAULT_CONFIG = Path("config.yaml")


class ConfigError(Exception):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class CorpusSettings:
    path: Path = Path("data/medquad")
    collections: tuple[str, ...] = ("2_GARD_QA",)
    page_dirs: tuple[Path, ...] = ()
    shared_copy: Path | None = Path("../shared/data/medquad")
    download_url: str = "https://github.com/abachaa/MedQuAD/archive/refs/heads/master.zip"


@dataclass(frozen=True)
class PassageSettings:
    window_words: int = 120
    max_words: int = 150
    overlap_sentences: int = 1


@dataclass(frozen=True)
class IndexSettings:
    dir: Path = Path("data/index")


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = "data/gardbot.sqlite3"


@dataclass(frozen=True)
class TelegramSettings:
    token: str = field(default="", repr=False)
    base_url: str = "https://api.telegram.org/bot"
    mode: str = "polling"
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    staff_chat_id: int | None = None
    staff_user_ids: tuple[int, ...] = ()
    submission_url: str = "https://rarediseases.info.nih.gov/about/contact-us"
    rate_limit_messages: int = 20
    rate_limit_seconds: float = 60.0
    max_message_chars: int = 2000
    health_port: int = 0  # /healthz and /metrics on this port; 0 = not served
    health_listen: str = "127.0.0.1"
    outbox_stuck_seconds: float = 300.0  # /healthz fails when a due message waited longer
    # On a PostgreSQL database replicas share: how often each looks for work a replica that died
    # left (leases, recorded updates) and for answers published through another replica.
    replica_sweep_seconds: float = 2.0
    # Telegram's flood limits for the whole bot, shared by every replica (bot.delivery.flood): through
    # the database, or Redis when flood_redis_url is set (GARDBOT_FLOOD_REDIS).
    flood_per_second: int = 30
    flood_group_per_minute: int = 20
    flood_margin_seconds: float = 0.1  # added to each window, for network jitter
    flood_redis_url: str = ""

    def validate(self) -> None:
        """Refuse settings `gardbot telegram` cannot run with, in one line that says the fix.

        Not checked on load: the console and the other commands run without a token."""
        if not self.token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set; create a bot with @BotFather and "
                "export TELEGRAM_BOT_TOKEN=<token>"
            )
        if self.mode not in ("polling", "webhook"):
            raise ConfigError(f"telegram.mode must be polling or webhook, not {self.mode!r}")
        if self.mode == "webhook" and not self.webhook_url.startswith("https://"):
            raise ConfigError("webhook mode needs GARDBOT_WEBHOOK_URL, an https:// address")
        if not 0 <= self.health_port <= 65535:
            raise ConfigError(f"telegram.health_port must be 0 (off) to 65535, not {self.health_port}")
        if self.outbox_stuck_seconds <= 0:
            raise ConfigError("telegram.outbox_stuck_seconds must be more than 0")
        if self.mode == "webhook" and self.health_port == self.webhook_port:
            raise ConfigError(
                f"telegram.health_port and webhook_port are both {self.health_port}; "
                "give /healthz a port of its own"
            )


@dataclass(frozen=True)
class PrivacySettings:
    """How long what users write is kept (the retention job in bot.telegram.retention deletes it after);
    /privacy states each period from here. Conversations follow answers.context_minutes."""

    button_hours: float = 24.0  # the buttons under replies (they hold the question)
    sent_message_days: float = 7.0  # copies of messages the bot sent, kept to retry and dedupe
    question_log_days: float = 90.0  # questions and what the bot did, for reports
    feedback_days: float = 90.0  # 👍 / 👎 with the question they were about
    rate_limit_hours: float = 24.0  # the times of a user's last messages, for the rate limit
    retention_minutes: float = 10.0  # how often the retention job runs
    max_open_tickets: int = 3  # a user's open questions to staff at once; more are refused


@dataclass(frozen=True)
class StaffSettings:
    role: str = "GARD information specialist"


@dataclass(frozen=True)
class Config:
    corpus: CorpusSettings = CorpusSettings()
    passages: PassageSettings = PassageSettings()
    index: IndexSettings = IndexSettings()
    answers: EngineSettings = EngineSettings()  # the engine's own type (answers.settings)
    database: DatabaseSettings = DatabaseSettings()
    telegram: TelegramSettings = TelegramSettings()
    privacy: PrivacySettings = PrivacySettings()
    staff: StaffSettings = StaffSettings()
    root: Path = field(default_factory=Path.cwd)  # the config file's folder (load_config)

    def resolve(self, path: Path | str) -> Path:
        """Relative paths in the config are relative to the config file's folder (the current
        folder when there is no file), so a config and its data folder travel together."""
        path = Path(path).expanduser()
        return path if path.is_absolute() else (self.root / path)

    @property
    def corpus_path(self) -> Path:
        return self.resolve(self.corpus.path)

    @property
    def index_dir(self) -> Path:
        return self.resolve(self.index.dir)

    @property
    def database_url(self) -> str:
        url = self.database.url
        if "://" in url:
            return url
        return str(self.resolve(url))


# Environment variable -> (section, key). Lists are comma-separated.
ENV_OVERRIDES: dict[str, tuple[str, str]] = {
    "GARDBOT_CORPUS": ("corpus", "path"),
    "GARDBOT_COLLECTIONS": ("corpus", "collections"),
    "GARDBOT_PAGE_DIRS": ("corpus", "page_dirs"),
    "GARDBOT_INDEX_DIR": ("index", "dir"),
    "GARDBOT_DB": ("database", "url"),
    "GARDBOT_SIBLING_PAGES": ("answers", "sibling_pages"),
    "TELEGRAM_BOT_TOKEN": ("telegram", "token"),
    "TELEGRAM_BASE_URL": ("telegram", "base_url"),
    "GARDBOT_TELEGRAM_MODE": ("telegram", "mode"),
    "GARDBOT_WEBHOOK_URL": ("telegram", "webhook_url"),
    "GARDBOT_WEBHOOK_LISTEN": ("telegram", "webhook_listen"),
    "GARDBOT_WEBHOOK_PORT": ("telegram", "webhook_port"),
    "GARDBOT_STAFF_CHAT_ID": ("telegram", "staff_chat_id"),
    "GARDBOT_STAFF_USER_IDS": ("telegram", "staff_user_ids"),
    "GARDBOT_SUBMISSION_URL": ("telegram", "submission_url"),
    "GARDBOT_HEALTH_PORT": ("telegram", "health_port"),
    "GARDBOT_HEALTH_LISTEN": ("telegram", "health_listen"),
    "GARDBOT_OUTBOX_STUCK_SECONDS": ("telegram", "outbox_stuck_seconds"),
    "GARDBOT_REPLICA_SWEEP_SECONDS": ("telegram", "replica_sweep_seconds"),
    "GARDBOT_FLOOD_REDIS": ("telegram", "flood_redis_url"),
    "GARDBOT_STAFF_ROLE": ("staff", "role"),
}


def _coerce(value: Any, default: Any, where: str) -> Any:
    """Convert a YAML or environment value to the type of the dataclass default."""
    try:
        if isinstance(default, tuple) or where.endswith(("collections", "page_dirs", "user_ids")):
            items = value.split(",") if isinstance(value, str) else list(value or [])
            items = [str(item).strip() for item in items if str(item).strip()]
            if where.endswith("page_dirs"):
                return tuple(Path(item) for item in items)
            if where.endswith("user_ids"):
                return tuple(int(item) for item in items)
            return tuple(items)
        if isinstance(default, Path) or where.endswith("shared_copy"):
            return Path(value) if value not in (None, "") else None
        if where.endswith("staff_chat_id"):
            return int(value) if value not in (None, "") else None
        if where.endswith("health_port") and value in (None, ""):
            return 0  # empty: off
        if isinstance(default, bool):
            return str(value).lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        return "" if value is None else str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {where} has an invalid value {value!r}: {exc}") from None


def _apply(section_obj: Any, values: dict[str, Any], section: str) -> Any:
    known = {f.name: f for f in fields(section_obj)}
    changes = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"unknown setting {section}.{key} in config")
        changes[key] = _coerce(value, getattr(section_obj, key), f"{section}.{key}")
    return replace(section_obj, **changes)


def load_config(
    path: Path | str | None = None,
    env: dict[str, str] | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
) -> Config:
    """Read `path` (else GARDBOT_CONFIG, else config.yaml in the current folder; none is fine),
    then apply environment overrides, then explicit (CLI) overrides."""
    env = dict(os.environ) if env is None else env
    config_path = Path(path or env.get("GARDBOT_CONFIG") or DEFAULT_CONFIG)
    data: dict[str, Any] = {}
    if config_path.exists():
        try:
            data = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{config_path} is not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{config_path} must hold a mapping of sections")
    elif path is not None:
        raise ConfigError(f"config file {config_path} not found")

    layered: dict[str, dict[str, Any]] = {k: dict(v or {}) for k, v in data.items()}
    for name, (section, key) in ENV_OVERRIDES.items():
        if env.get(name, "").strip():
            layered.setdefault(section, {})[key] = env[name].strip()
    for section, values in (overrides or {}).items():
        for key, value in values.items():
            if value is not None:
                layered.setdefault(section, {})[key] = value

    config = Config(root=config_path.resolve().parent if config_path.exists() else Path.cwd())
    for section, values in layered.items():
        if section not in {f.name for f in fields(Config)} or section == "root":
            raise ConfigError(f"unknown section {section!r} in config")
        config = replace(config, **{section: _apply(getattr(config, section), values, section)})
    return config
