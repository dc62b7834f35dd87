"""The published Q&A tables (``published``, ``publish_drafts``, the ``published`` counter).

A published Q&A keeps no identity of the asker and outlives tickets' redaction, except that
`forget_user` deletes the ones published from the user's own questions. Every change bumps a
counter (`published_version`) so replicas know cheaply to reload.
"""

from __future__ import annotations

from .records import PublishDraft, Published
from .rows import draft_from_row, published_from_row
from .sqlbase import timestamp
from .tickets import TicketsSQL

# Rows of ``published`` or ``publish_drafts`` made from a ticket of user ``:user``.
OF_USER = "ticket_n IN (SELECT n FROM tickets WHERE user_id = :user)"


class PublishedSQL(TicketsSQL):
    """`Store`'s published-Q&A and publish-preview methods (a Q&A needs its ticket)."""

    def publish(
        self,
        ticket_n: int,
        question: str,
        answer: str,
        disease: str | None,
        role: str,
        now: float | None = None,
        doc_id: str | None = None,
    ) -> Published:
        """Publish (or update and re-activate) the Q&A for ticket ``ticket_n``.

        ``question`` should be the staff-edited, de-identified wording: this table is
        kept when the asker is forgotten. Raises `TicketNotFound` for an unknown
        ticket. ``published_at`` keeps the first publication time.
        """
        with self.transaction():
            self._require_ticket(ticket_n)
            [row] = self._rows(
                """
                INSERT INTO published
                    (ticket_n, question, answer, disease, doc_id, role, published_at, updated_at)
                VALUES (:n, :question, :answer, :disease, :doc, :role, :now, :now)
                ON CONFLICT (ticket_n) DO UPDATE SET
                    question = excluded.question,
                    answer = excluded.answer,
                    disease = excluded.disease,
                    doc_id = excluded.doc_id,
                    role = excluded.role,
                    updated_at = excluded.updated_at,
                    unpublished_at = NULL
                RETURNING *
                """,
                {
                    "n": ticket_n,
                    "question": question,
                    "answer": answer,
                    "disease": disease,
                    "doc": doc_id,
                    "role": role,
                    "now": timestamp(now),
                },
            )
            self._published_changed()
            return published_from_row(row)

    def unpublish(self, ticket_n: int, *, now: float | None = None) -> bool:
        """Withdraw a Q&A (kept, marked inactive). False if it was not active."""
        with self.transaction():
            cursor = self._run(
                """
                UPDATE published SET unpublished_at = :now
                WHERE ticket_n = :n AND unpublished_at IS NULL
                """,
                {"now": timestamp(now), "n": ticket_n},
            )
            if cursor.rowcount != 1:
                return False
            self._published_changed()
            return True

    def get_published(self, ticket_n: int) -> Published | None:
        rows = self._query("SELECT * FROM published WHERE ticket_n = :n", {"n": ticket_n})
        return published_from_row(rows[0]) if rows else None

    def list_published(self, active_only: bool = True) -> list[Published]:
        where = "WHERE unpublished_at IS NULL" if active_only else ""
        rows = self._query(f"SELECT * FROM published {where} ORDER BY ticket_n")
        return [published_from_row(row) for row in rows]

    def published_version(self) -> str:
        """A value that changes whenever a Q&A is published, edited or unpublished, so a
        replica can tell cheaply (one row read) that it must reload published answers."""
        return str(self._query("SELECT value FROM counters WHERE name = 'published'")[0]["value"])

    def _published_changed(self) -> None:
        self._run("UPDATE counters SET value = value + 1 WHERE name = 'published'")

    # ------------------------------------------------------------------ publish previews

    def save_draft(
        self,
        ticket_n: int,
        question: str,
        answer: str,
        disease: str | None,
        doc_id: str | None,
        offered: str | None,
        *,
        now: float | None = None,
    ) -> PublishDraft:
        """Keep (replacing any earlier one) the preview staff are shown before publishing."""
        with self.transaction():
            self._require_ticket(ticket_n)
            [row] = self._rows(
                """
                INSERT INTO publish_drafts
                    (ticket_n, question, answer, disease, doc_id, offered, created_at)
                VALUES (:n, :question, :answer, :disease, :doc, :offered, :now)
                ON CONFLICT (ticket_n) DO UPDATE SET
                    question = excluded.question, answer = excluded.answer,
                    disease = excluded.disease, doc_id = excluded.doc_id,
                    offered = excluded.offered, created_at = excluded.created_at
                RETURNING *
                """,
                {
                    "n": ticket_n,
                    "question": question,
                    "answer": answer,
                    "disease": disease,
                    "doc": doc_id,
                    "offered": offered,
                    "now": timestamp(now),
                },
            )
            return draft_from_row(row)

    def get_draft(self, ticket_n: int) -> PublishDraft | None:
        rows = self._query("SELECT * FROM publish_drafts WHERE ticket_n = :n", {"n": ticket_n})
        return draft_from_row(rows[0]) if rows else None

    def delete_draft(self, ticket_n: int) -> bool:
        with self.transaction():
            return self._run("DELETE FROM publish_drafts WHERE ticket_n = :n", {"n": ticket_n}).rowcount > 0

    def _forget_published_of(self, user_id: int) -> tuple[int, int]:
        """`forget_user`'s part here: delete the previews and the Q&As made from the user's
        tickets (their wording came from the user's question); (drafts, published) deleted.
        Runs before the tickets are redacted, while they still name the user."""
        user = {"user": user_id}
        drafts = self._run(f"DELETE FROM publish_drafts WHERE {OF_USER}", user).rowcount
        published = self._run(f"DELETE FROM published WHERE {OF_USER}", user).rowcount
        if published:
            self._published_changed()
        return drafts, published
