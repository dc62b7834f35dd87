"""Log set-up for the command line: plain text lines, or one JSON object a line (--log-format json)
for log collectors. Secrets are redacted by the filters that `gardbot telegram` adds to the
handler (`quiet_http_logs`, below), which run before either formatter."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
LOG_FORMATS = ("text", "json")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, and the traceback as
    ``exception`` when there is one (newlines escaped, so a record is always one line)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# A field holding what a person wrote or is called, as a dict or JSON shows it ('text': '...',
# "first_name": "...") or an object's repr does (text='...'): its value is replaced.
PRIVATE_FIELD = re.compile(
    r"""(['"]?\b(?:text|caption|first_name|last_name|username|title|data|query|question|answer|"""
    r"""phone_number|email|bio|description|full_name|name)\b['"]?\s*[:=]\s*)"""
    r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
)
REDACTED = "'<private>'"


class RedactPrivate(logging.Filter):
    """Debug logs (-v) show whole updates and Bot API calls, with what users wrote and their
    names: those values are replaced by '<private>' unless `gardbot telegram --log-private`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = PRIVATE_FIELD.sub(lambda m: m.group(1) + REDACTED, message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def setup_logging(verbose: bool = False, log_format: str = "text", private: bool = False) -> None:
    """Log to stderr at INFO (DEBUG with -v) in the given format; with `private`, what users
    wrote and their names are logged as they are (otherwise `RedactPrivate` hides them)."""
    handler = logging.StreamHandler(sys.stderr)
    if not private:
        handler.addFilter(RedactPrivate())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
        logging.captureWarnings(True)  # library warnings become records too, not raw lines
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler])


class RedactSecrets(logging.Filter):
    """Replace secrets (the bot token) in log records, tracebacks included."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<token>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.redact(record.getMessage()), None
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def quiet_http_logs(token: str) -> None:
    """httpx logs every request URL, and Bot API URLs contain the token."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for handler in root.handlers:
        handler.addFilter(RedactSecrets(token))
