"""The schema, as an ordered list of migrations applied when a store is opened.

Each migration is a tuple of single SQL statements (not a script), so it can run
inside one explicit transaction together with the version bump: a crash mid-upgrade
leaves the database at the previous version, never half-migrated.

The statements are written in SQLite's dialect, exactly as they shipped, and
`statements` rewrites the few types PostgreSQL spells differently (see
`postgres_ddl`), so both backends build the same schema from one text.

To change the schema, append a new migration; never edit one that has shipped.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: initial schema
    (
        """
        CREATE TABLE tickets (
            n                INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused
            user_id          INTEGER,
            chat_id          INTEGER,
            first_name       TEXT NOT NULL,
            question         TEXT NOT NULL,
            disease          TEXT,
            candidates       TEXT NOT NULL,                      -- JSON array
            status           TEXT NOT NULL
                             CHECK (status IN ('open', 'answered', 'closed')),
            created_at       REAL NOT NULL,
            staff_chat_id    INTEGER,
            staff_message_id INTEGER,
            answer_text      TEXT,
            staff_user_id    INTEGER,
            staff_name       TEXT,
            answered_at      REAL,
            closed_at        REAL,
            redacted_at      REAL
        )
        """,
        "CREATE INDEX tickets_status ON tickets (status, n)",
        "CREATE INDEX tickets_user ON tickets (user_id)",
        # Every staff-chat message that stands for a ticket, so a staff reply to any
        # of them (the forward, a reminder, ...) finds the ticket.
        """
        CREATE TABLE ticket_staff_messages (
            staff_chat_id    INTEGER NOT NULL,
            staff_message_id INTEGER NOT NULL,
            ticket_n         INTEGER NOT NULL REFERENCES tickets (n),
            PRIMARY KEY (staff_chat_id, staff_message_id)
        )
        """,
        """
        CREATE TABLE outbox (
            id                  INTEGER PRIMARY KEY AUTOINCREMENT,
            kind                TEXT NOT NULL,
            chat_id             INTEGER NOT NULL,
            user_id             INTEGER,                 -- whom the message is about
            payload             TEXT NOT NULL,           -- JSON object
            dedupe_key          TEXT NOT NULL UNIQUE,
            status              TEXT NOT NULL
                                CHECK (status IN ('pending', 'sending', 'sent', 'dead')),
            attempts            INTEGER NOT NULL DEFAULT 0,
            next_attempt_at     REAL NOT NULL,
            lease_until         REAL,
            last_error          TEXT,
            telegram_message_id INTEGER,
            created_at          REAL NOT NULL,
            sent_at             REAL
        )
        """,
        """
        CREATE INDEX outbox_live ON outbox (chat_id, id)
        WHERE status IN ('pending', 'sending')
        """,
        "CREATE INDEX outbox_user ON outbox (user_id)",
        """
        CREATE TABLE feedback (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id     INTEGER NOT NULL,
            chat_id     INTEGER NOT NULL,
            passage_ids TEXT NOT NULL,                   -- JSON array of strings
            question    TEXT NOT NULL,
            helpful     INTEGER NOT NULL CHECK (helpful IN (0, 1)),
            created_at  REAL NOT NULL
        )
        """,
        "CREATE INDEX feedback_user ON feedback (user_id)",
        "CREATE INDEX feedback_time ON feedback (created_at)",
        """
        CREATE TABLE question_log (
            id       INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id  INTEGER NOT NULL,
            chat_id  INTEGER NOT NULL,
            question TEXT NOT NULL,
            disease  TEXT,
            outcome  TEXT NOT NULL
                     CHECK (outcome IN ('answer', 'abstain', 'choose', 'smalltalk', 'refused')),
            asked_at REAL NOT NULL
        )
        """,
        "CREATE INDEX question_log_user ON question_log (user_id)",
        "CREATE INDEX question_log_time ON question_log (asked_at)",
        """
        CREATE TABLE conversations (
            chat_key   TEXT PRIMARY KEY,
            state      TEXT NOT NULL,                    -- JSON object
            user_id    INTEGER,
            updated_at REAL NOT NULL
        )
        """,
        "CREATE INDEX conversations_user ON conversations (user_id)",
        # No user id, chat id or name here on purpose: published Q&As survive
        # forget_user, so they must not identify the asker.
        """
        CREATE TABLE published (
            ticket_n       INTEGER PRIMARY KEY REFERENCES tickets (n),
            question       TEXT NOT NULL,
            answer         TEXT NOT NULL,
            disease        TEXT,
            role           TEXT NOT NULL,
            published_at   REAL NOT NULL,
            updated_at     REAL NOT NULL,
            unpublished_at REAL
        )
        """,
    ),
    # 2: the page a published Q&A is about (its title alone can be ambiguous)
    ("ALTER TABLE published ADD COLUMN doc_id TEXT",),
    # 3: the durable inbox. Every update from Telegram is recorded here before it is
    # acknowledged (the next getUpdates offset, or the webhook's HTTP 200), and marked done
    # once its effects are committed; pending rows are handled again after a crash.
    (
        """
        CREATE TABLE inbox (
            update_id   INTEGER PRIMARY KEY,             -- Telegram's, so redeliveries collide
            chat_id     INTEGER,                         -- for per-chat ordering; NULL: none
            user_id     INTEGER,                         -- whom it is from, for forget_user
            payload     TEXT NOT NULL,                   -- the update's JSON; '{}' once done
            state       TEXT NOT NULL
                        CHECK (state IN ('pending', 'done', 'failed')),
            attempts    INTEGER NOT NULL DEFAULT 0,      -- dispatches started
            received_at REAL NOT NULL,
            done_at     REAL
        )
        """,
        "CREATE INDEX inbox_pending ON inbox (update_id) WHERE state = 'pending'",
        "CREATE INDEX inbox_user ON inbox (user_id)",
    ),
    # 4: several replicas on one database. Outbox leases and pending inbox rows name the
    # store (replica) that holds them, so a live replica can hand back what a dead one left;
    # the rate limit is kept here so every replica counts the same messages; and a counter
    # tells replicas when the published Q&As changed.
    (
        "ALTER TABLE outbox ADD COLUMN lease_owner TEXT",  # the replica_id holding a 'sending' lease
        "ALTER TABLE inbox ADD COLUMN owner TEXT",  # the replica_id handling a pending update
        """
        CREATE TABLE rate_limits (
            user_id   INTEGER PRIMARY KEY,
            hits      TEXT NOT NULL,                     -- JSON array: accepted messages' times
            warned_at REAL                               -- when the user was last told to slow down
        )
        """,
        """
        CREATE TABLE counters (
            name  TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        )
        """,
        "INSERT INTO counters (name, value) VALUES ('published', 0)",
    ),
    # 5: privacy. The asker's Telegram names (first, last, username) stay with the ticket so
    # the wording offered for publishing leaves them out (blanked by forget_user); a publish
    # preview is a draft staff confirm before it goes live; and every user a queued message
    # holds data of (a staff-chat list names several), so forget_user finds each copy.
    (
        "ALTER TABLE tickets ADD COLUMN asker_names TEXT NOT NULL DEFAULT '[]'",  # JSON array
        """
        CREATE TABLE publish_drafts (
            ticket_n   INTEGER PRIMARY KEY REFERENCES tickets (n),
            question   TEXT NOT NULL,
            answer     TEXT NOT NULL,
            disease    TEXT,
            doc_id     TEXT,
            offered    TEXT,                             -- a topic read from free text: offered only
            created_at REAL NOT NULL
        )
        """,
        """
        CREATE TABLE outbox_subjects (
            outbox_id INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
            user_id   INTEGER NOT NULL,
            PRIMARY KEY (outbox_id, user_id)
        )
        """,
        "CREATE INDEX outbox_subjects_user ON outbox_subjects (user_id)",
        # What `expire` pruned from the question log and feedback, as counts per UTC day, so
        # reports keep their totals after the rows (and the words in them) are gone.
        """
        CREATE TABLE pruned_counts (
            day  REAL NOT NULL,                          -- the day's start, Unix seconds (UTC)
            kind TEXT NOT NULL,                          -- question:<outcome> | feedback:<yes|no>
            n    INTEGER NOT NULL,
            PRIMARY KEY (day, kind)
        )
        """,
        "CREATE INDEX outbox_done_at ON outbox (created_at) WHERE status IN ('sent', 'dead')",
        # Settings the bot learns while it runs, shared by replicas: a staff chat Telegram moved
        # to a new id (a group upgraded to a supergroup) is "chat_moved:<old id>" -> new id.
        """
        CREATE TABLE settings (
            name  TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
        """,
        # Telegram's flood limits, shared by replicas: the send times reserved in each budget
        # ("bot": 30 a second; "chat:<group id>": 20 a minute), so together they stay under.
        """
        CREATE TABLE send_budget (
            name  TEXT PRIMARY KEY,
            times TEXT NOT NULL                          -- JSON array of reserved send times
        )
        """,
    ),
    # What a forwarded question asks specifically ("whether it is contagious"), in the bot's
    # words, for the staff chat; wiped with the question when the asker is forgotten.
    ("ALTER TABLE tickets ADD COLUMN ask TEXT",),
)

LATEST_VERSION = len(MIGRATIONS)

Dialect = Literal["sqlite", "postgresql"]

# SQLite type names -> PostgreSQL ones. Telegram ids exceed 32 bits, so INTEGER must be
# BIGINT; PostgreSQL's REAL is a 4-byte float, which would round Unix times to minutes.
_POSTGRES_TYPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"\bINTEGER PRIMARY KEY AUTOINCREMENT\b"),
        "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    ),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
)


@cache
def postgres_ddl(statement: str) -> str:
    """``statement`` (SQLite dialect) with its column types spelt for PostgreSQL."""
    for pattern, replacement in _POSTGRES_TYPES:
        statement = pattern.sub(replacement, statement)
    return statement


def statements(version: int, dialect: Dialect) -> tuple[str, ...]:
    """The statements that take a database from ``version`` to ``version + 1``."""
    shipped = MIGRATIONS[version]
    if dialect == "sqlite":
        return shipped
    return tuple(postgres_ddl(statement) for statement in shipped)
