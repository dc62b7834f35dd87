"""Helpers shared by the reports: UTC days, the --since date, and safe cell text.

Question texts in reports were typed by users, so they are cleaned before they reach
a staff member's terminal, Markdown viewer or spreadsheet:

* control characters (ANSI escapes, NUL, ...) are removed everywhere — a question
  never needs them, and printed raw they could rewrite the staff terminal;
* Markdown cells get one line, trimmed, with HTML's ``& < >`` as entities and Markdown's
  punctuation backslash-escaped, so a question can neither break the table nor become a
  link, an image, emphasis or HTML;
* CSV cells keep the full text (newlines included; the csv module quotes them), but a
  cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) is
  prefixed with ``'``, the usual guard against CSV injection.

Days are UTC calendar days, because the store keeps Unix seconds (UTC by
definition) and the bot may serve users in any time zone.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

SECONDS_PER_DAY = 86_400
NO_DISEASE = "no disease found"
EXAMPLE_CHARS = 80

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_SINCE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")
# Whole ANSI escape sequences first (so no "[31m" is left behind), then any other C0
# or C1 control character except tab and newline (which collapse or are kept).
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_WHITESPACE = re.compile(r"\s+")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|~\"':@]")  # @ and : too: no autolinked URL or e-mail


def parse_since(text: str | None) -> float | None:
    """``YYYY-MM-DD`` -> Unix seconds at 00:00 UTC that day; ``None``/empty -> None.

    Raises ValueError with a message fit to show the user as is.
    """
    if text is None or not text.strip():
        return None
    text = text.strip()
    if not _SINCE_FORMAT.fullmatch(text):
        raise ValueError(f"--since must be a date like 2024-05-31, not {text!r}")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--since {text!r} is not a real calendar date") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def day_of(timestamp: float) -> date:
    """The UTC calendar day of a Unix time (integer arithmetic: fast for many rows)."""
    return date.fromordinal(_EPOCH_ORDINAL + int(timestamp // SECONDS_PER_DAY))


def day_text(timestamp: float | None) -> str:
    """``YYYY-MM-DD`` (UTC) or an empty string for no time."""
    return "" if timestamp is None else day_of(timestamp).isoformat()


def clean_text(text: str) -> str:
    """Drop control characters; keep everything else, newlines included."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str, limit: int | None = EXAMPLE_CHARS) -> str:
    """Clean text on one line, whitespace collapsed, cut to ``limit`` chars with '…'."""
    flat = _WHITESPACE.sub(" ", clean_text(text)).strip()
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat


def md_cell(text: str, limit: int | None = EXAMPLE_CHARS) -> str:
    """Text safe inside one Markdown table cell: shown as typed, never as markup. HTML's
    ``& < >`` become entities (no tag, comment or autolink), and every ASCII punctuation mark
    Markdown gives a meaning (CommonMark lets any be backslash-escaped) is escaped, so no link,
    image, emphasis, code span or table break can come from a user's words."""
    return _MD_SPECIAL.sub(r"\\\g<0>", html.escape(one_line(text, limit), quote=False))


def csv_cell(text: str) -> str:
    """Full text for a CSV cell, guarded against spreadsheet formula injection."""
    cleaned = clean_text(text)
    return "'" + cleaned if cleaned.startswith(_FORMULA_START) else cleaned


def percent(rate: float | None) -> str:
    """A rate as ``"62.5%"``, or an em dash when there was nothing to divide by."""
    return "—" if rate is None else f"{rate * 100:.1f}%"
