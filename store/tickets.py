"""The ticket tables (``tickets``, ``ticket_staff_messages``): questions forwarded to staff.

A ticket's number is never reused, even after `forget_user` redacts it; `answer_ticket` answers
only an ``open`` ticket and queues its relay in the same transaction (see `store.outbox`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .outbox import OutboxSQL
from .records import TICKET_STATUSES, OutboxItem, Ticket, TicketNotFound, TicketStateError, TicketStatus
from .rows import ticket_from_row
from .sqlbase import json_text, literal, timestamp

OPEN, ANSWERED, CLOSED = (literal(s) for s in TicketStatus)


class TicketsSQL(OutboxSQL):
    """`Store`'s ticket methods (an outbox too: answering a ticket queues its relay)."""

    def create_ticket(
        self,
        user_id: int,
        chat_id: int,
        first_name: str,
        question: str,
        disease: str | None,
        candidates: list[dict[str, Any]],
        *,
        asker_names: tuple[str, ...] = (),
        ask: str | None = None,
        now: float | None = None,
    ) -> Ticket:
        """Open a ticket. Its number is committed (durably) before this returns,
        unless called inside an enclosing `transaction()`. ``asker_names`` (the asker's
        Telegram names) are kept only to be left out of a published wording; ``ask`` is what
        the question asks that the page didn't say, for staff."""
        with self.transaction():
            [row] = self._rows(
                f"""
                INSERT INTO tickets
                    (user_id, chat_id, first_name, question, disease, candidates,
                     status, created_at, asker_names, ask)
                VALUES (:user, :chat, :name, :question, :disease, :candidates, {OPEN}, :now, :names, :ask)
                RETURNING *
                """,
                {
                    "names": json_text([name for name in asker_names if name]),
                    "user": user_id,
                    "chat": chat_id,
                    "name": first_name,
                    "question": question,
                    "disease": disease,
                    "candidates": json_text(candidates),
                    "ask": ask,
                    "now": timestamp(now),
                },
            )
            return ticket_from_row(row)

    def tickets_of(self, user_id: int, status: TicketStatus | None = None) -> list[int]:
        """The numbers of a user's tickets (with ``status``, only those)."""
        where = "" if status is None else " AND status = :status"
        rows = self._query(
            f"SELECT n FROM tickets WHERE user_id = :user{where} ORDER BY n",
            {"user": user_id, "status": status},
        )
        return [int(row["n"]) for row in rows]

    def get_ticket(self, n: int) -> Ticket | None:
        rows = self._query("SELECT * FROM tickets WHERE n = :n", {"n": n})
        return ticket_from_row(rows[0]) if rows else None

    def _require_ticket(self, n: int, *, for_update: bool = False) -> Ticket:
        lock = self._FOR_UPDATE if for_update else ""
        rows = self._query(f"SELECT * FROM tickets WHERE n = :n{lock}", {"n": n})
        if not rows:
            raise TicketNotFound(n)
        return ticket_from_row(rows[0])

    def list_tickets(self, status: TicketStatus | None = None) -> list[Ticket]:
        if status is None:
            rows = self._query("SELECT * FROM tickets ORDER BY n")
        else:
            if status not in TICKET_STATUSES:
                raise ValueError(f"unknown ticket status {status!r}")
            rows = self._query("SELECT * FROM tickets WHERE status = :status ORDER BY n", {"status": status})
        return [ticket_from_row(row) for row in rows]

    def set_ticket_staff_message(self, n: int, staff_chat_id: int, staff_message_id: int) -> None:
        """Record the staff-chat message that stands for ticket ``n``.

        May be called several times (forward, reminders); a staff reply to any of the
        recorded messages finds the ticket. The ticket row keeps the latest one.
        """
        params = {"n": n, "chat": staff_chat_id, "message": staff_message_id}
        with self.transaction():
            self._require_ticket(n, for_update=True)
            self._run(
                "UPDATE tickets SET staff_chat_id = :chat, staff_message_id = :message WHERE n = :n", params
            )
            self._run(
                """
                INSERT INTO ticket_staff_messages (staff_chat_id, staff_message_id, ticket_n)
                VALUES (:chat, :message, :n)
                ON CONFLICT (staff_chat_id, staff_message_id)
                DO UPDATE SET ticket_n = excluded.ticket_n
                """,
                params,
            )

    def find_ticket_by_staff_message(self, staff_chat_id: int, message_id: int) -> Ticket | None:
        rows = self._query(
            """
            SELECT t.* FROM ticket_staff_messages AS m JOIN tickets AS t ON t.n = m.ticket_n
            WHERE m.staff_chat_id = :chat AND m.staff_message_id = :message
            """,
            {"chat": staff_chat_id, "message": message_id},
        )
        return ticket_from_row(rows[0]) if rows else None

    def answer_ticket(
        self,
        n: int,
        answer_text: str,
        staff_user_id: int,
        staff_name: str,
        *,
        outbox: Sequence[OutboxItem] = (),
        now: float | None = None,
    ) -> Ticket:
        """Mark an open ticket answered and queue ``outbox`` messages, atomically.

        Only an ``open`` ticket can be answered. Answering one that is already
        answered or closed raises `TicketStateError` (carrying the current ticket, so
        the bot can say who answered first) and writes nothing — this is what stops
        two staff members, even on two replicas, from both relaying an answer. Raises
        `TicketNotFound` for an unknown number.
        """
        at = timestamp(now)
        with self.transaction():
            ticket = self._require_ticket(n, for_update=True)
            if ticket.status != TicketStatus.OPEN:
                raise TicketStateError(ticket, "answer")
            [row] = self._rows(
                f"""
                UPDATE tickets
                SET status = {ANSWERED}, answer_text = :text, staff_user_id = :staff,
                    staff_name = :name, answered_at = :now
                WHERE n = :n
                RETURNING *
                """,
                {"text": answer_text, "staff": staff_user_id, "name": staff_name, "now": at, "n": n},
            )
            for item in outbox:
                self._enqueue(item, at)
            return ticket_from_row(row)

    def close_ticket(self, n: int, *, now: float | None = None) -> Ticket:
        """Close a ticket (open or answered). Closing a closed ticket is a no-op."""
        with self.transaction():
            ticket = self._require_ticket(n, for_update=True)
            if ticket.status == TicketStatus.CLOSED:
                return ticket
            [row] = self._rows(
                f"UPDATE tickets SET status = {CLOSED}, closed_at = :now WHERE n = :n RETURNING *",
                {"now": timestamp(now), "n": n},
            )
            return ticket_from_row(row)

    def _redact_tickets_of(self, user_id: int, now: float) -> int:
        """`forget_user`'s part here: wipe what the user's tickets say, close them, keep the
        numbers taken; how many were redacted."""
        return self._run(
            f"""
            UPDATE tickets
            SET user_id = NULL, chat_id = NULL, first_name = '', question = '',
                disease = NULL, candidates = '[]', answer_text = NULL, asker_names = '[]', ask = NULL,
                status = {CLOSED}, closed_at = COALESCE(closed_at, :now),
                redacted_at = :now
            WHERE user_id = :user
            """,
            {"user": user_id, "now": now},
        ).rowcount

    def _staff_messages_of(self, user_id: int, staff_chat_id: int) -> set[int]:
        """The ids of the staff-chat messages that stood for the user's tickets."""
        rows = self._rows(
            """
            SELECT m.staff_message_id AS message FROM ticket_staff_messages AS m
            JOIN tickets AS t ON t.n = m.ticket_n
            WHERE t.user_id = :user AND m.staff_chat_id = :chat
            """,
            {"user": user_id, "chat": staff_chat_id},
        )
        return {int(row["message"]) for row in rows}
