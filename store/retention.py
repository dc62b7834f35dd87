"""Forgetting a user and expiring old rows, across every table: one transaction each.

Each table module supplies its own part (``_forget_*_of``, ``_expire_*``), so the SQL of a
table stays in its module; this module decides the order and what is counted.
"""

from __future__ import annotations

from .conversations import ConversationsSQL
from .inbox import InboxSQL
from .logs import LogsSQL
from .published import PublishedSQL
from .rates import RatesSQL
from .records import OutboxItem, RetentionPeriods
from .sqlbase import timestamp


class RetentionSQL(PublishedSQL, InboxSQL, ConversationsSQL, LogsSQL, RatesSQL):
    """`Store.forget_user` and `Store.expire`."""

    def forget_user(
        self,
        user_id: int,
        *,
        withdraw_in: int | None = None,
        withdrawn_text: str = "",
        now: float | None = None,
    ) -> dict[str, int]:
        """Erase a user's personal data; return how many rows each kind lost.

        * tickets: redacted, not deleted — identity, names, question, candidates, disease and
          the answer text are wiped, the ticket is closed, and its number stays taken;
        * Q&As published from the user's tickets, and publish previews of them: deleted, so
          the answer is no longer given (the published wording came from their question);
        * feedback, question log: deleted;
        * conversations saved with this ``user_id``: deleted;
        * outbox messages about this user (``user_id``, or ``about`` when queued) or to their
          private chat (``chat_id == user_id``, as in Telegram): deleted whatever their status,
          so pending ones are never sent and sent ones no longer hold their text;
        * with ``withdraw_in`` (the staff chat): every message sent there that held the user's
          data (the ticket copies, lists, previews) gets an edit to ``withdrawn_text`` queued,
          so Telegram's copy stops showing it too;
        * handled inbox rows from the user, and their rate-limit row: deleted.

        All of it is one transaction; then the backend scrubs what it keeps of deleted rows
        where it can (SQLite checkpoints and truncates its WAL). Copies outside this database
        (the user's own chat, backups, a PostgreSQL server's WAL archive) are not touched.
        """
        at = timestamp(now)
        with self.transaction():
            copies: set[int] = set()
            if withdraw_in is not None:  # found first: the rows that name the user go next
                copies = self._staff_messages_of(user_id, withdraw_in)
                copies |= self._copies_about(user_id, withdraw_in)
            counts = self._forget_rows_of(user_id, at)
            if withdraw_in is not None:
                self._withdraw(copies, withdraw_in, withdrawn_text, at)
            counts["withdrawn"] = len(copies)
        self._after_forget()
        return counts

    def _forget_rows_of(self, user_id: int, now: float) -> dict[str, int]:
        """Every table's part of `forget_user`, in an order where each still finds the user:
        what hangs off the tickets goes before the tickets are redacted."""
        drafts, published = self._forget_published_of(user_id)
        tickets = self._redact_tickets_of(user_id, now)
        feedback, questions = self._forget_logs_of(user_id)
        conversations = self._forget_conversations_of(user_id)
        outbox = self._forget_outbox_of(user_id)
        self._forget_inbox_of(user_id)
        self._forget_rates_of(user_id)
        return {
            "tickets": tickets,
            "published": published,
            "drafts": drafts,
            "feedback": feedback,
            "questions": questions,
            "conversations": conversations,
            "outbox": outbox,
        }

    def _withdraw(self, copies: set[int], chat_id: int, text: str, now: float) -> None:
        """Queue an edit of each staff-chat copy to ``text`` (once per copy, ever)."""
        for message in sorted(copies):
            payload = {"text": text, "edit": message}
            self._enqueue(OutboxItem("edit", chat_id, payload, f"withdrawn:{chat_id}:{message}"), now)

    def expire(
        self, periods: RetentionPeriods, *, keep_ids_in: int | None = None, now: float | None = None
    ) -> dict[str, int]:
        """Delete what is older than its retention period; return how many rows each kind lost.

        Sent messages in ``keep_ids_in`` (the staff chat) that showed a user's data are blanked
        instead (``outbox_blanked``): their ids stay until that user's /forget withdraws them.

        Conversations (the engine's and the buttons') by their last update; sent or given-up
        outbox messages by when they were queued; the question log and feedback by when they
        were written, folded first into per-day counts (pruned_counts) so reports keep their
        totals; rate-limit rows whose last message is older than their period; handled inbox
        rows. Pending work (unsent messages, unhandled updates) is never expired. One
        transaction; then the backend scrubs deleted rows as after `forget_user`.
        """
        at = timestamp(now)
        with self.transaction():
            blanked, outbox = self._expire_outbox(at - periods.sent_messages, keep_ids_in)
            questions, feedback = self._expire_logs(at - periods.question_log, at - periods.feedback)
            counts = {
                "conversations": self._expire_conversations(at - periods.conversations, buttons=False),
                "buttons": self._expire_conversations(at - periods.buttons, buttons=True),
                "outbox_blanked": blanked,
                "outbox": outbox,
                "questions": questions,
                "feedback": feedback,
                "inbox": self._prune_inbox(at - periods.inbox),
                "rate_limits": self._expire_rate_limits(at - periods.rate_limits),
            }
        if any(counts.values()):
            self._after_forget()
        return counts
