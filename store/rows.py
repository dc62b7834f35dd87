"""Turn database rows into the dataclasses of `store.records` (statuses as their enums).

Rows are read by column name only, so any driver that yields mappings (sqlite3.Row,
psycopg's dict_row) can share these functions; JSON columns arrive as text here and
are decoded, while a driver that already decodes jsonb passes the values through.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from .records import (
    OutboxMessage,
    OutboxStatus,
    PublishDraft,
    Published,
    QuestionLogEntry,
    QuestionOutcome,
    Ticket,
    TicketStatus,
)


class Row(Protocol):
    """Anything indexable by column name: sqlite3.Row, a dict, ..."""

    def __getitem__(self, key: str, /) -> Any: ...


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def ticket_from_row(row: Row) -> Ticket:
    return Ticket(
        n=row["n"],
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        first_name=row["first_name"],
        question=row["question"],
        disease=row["disease"],
        candidates=_json(row["candidates"]),
        status=TicketStatus(row["status"]),
        created_at=row["created_at"],
        staff_chat_id=row["staff_chat_id"],
        staff_message_id=row["staff_message_id"],
        answer_text=row["answer_text"],
        staff_user_id=row["staff_user_id"],
        staff_name=row["staff_name"],
        answered_at=row["answered_at"],
        closed_at=row["closed_at"],
        redacted_at=row["redacted_at"],
        asker_names=tuple(_json(row["asker_names"]) or ()),
        ask=row["ask"],
    )


def outbox_from_row(row: Row) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        kind=row["kind"],
        chat_id=row["chat_id"],
        user_id=row["user_id"],
        payload=_json(row["payload"]),
        dedupe_key=row["dedupe_key"],
        status=OutboxStatus(row["status"]),
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        lease_until=row["lease_until"],
        last_error=row["last_error"],
        telegram_message_id=row["telegram_message_id"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
        lease_owner=row["lease_owner"],
    )


def question_from_row(row: Row) -> QuestionLogEntry:
    return QuestionLogEntry(
        id=row["id"],
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        question=row["question"],
        disease=row["disease"],
        outcome=QuestionOutcome(row["outcome"]),
        asked_at=row["asked_at"],
    )


def published_from_row(row: Row) -> Published:
    return Published(
        ticket_n=row["ticket_n"],
        question=row["question"],
        answer=row["answer"],
        disease=row["disease"],
        role=row["role"],
        published_at=row["published_at"],
        updated_at=row["updated_at"],
        unpublished_at=row["unpublished_at"],
        doc_id=row["doc_id"],
    )


def draft_from_row(row: Row) -> PublishDraft:
    return PublishDraft(
        ticket_n=row["ticket_n"],
        question=row["question"],
        answer=row["answer"],
        disease=row["disease"],
        doc_id=row["doc_id"],
        offered=row["offered"],
        created_at=row["created_at"],
    )
