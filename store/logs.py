"""The tables reports read (``feedback``, ``question_log``, ``pruned_counts``).

`expire` deletes old feedback and logged questions after folding them into per-day counts
(``pruned_counts``: kind ``question:<outcome>`` or ``feedback:yes|no``), so every total here
adds those counts back and reports keep their totals.
"""

from __future__ import annotations

from collections.abc import Iterator

from .records import QUESTION_OUTCOMES, FeedbackCounts, QuestionLogEntry, QuestionOutcome
from .rows import question_from_row
from .sqlbase import DAY, SQLBase, day_of, json_text, lower_bound, timestamp

_QUESTION_PAGE = 500
# The pruned_counts kind of a question_log row, and of a feedback row.
QUESTION_KIND = "'question:' || outcome"
FEEDBACK_KIND = "CASE WHEN helpful = 1 THEN 'feedback:yes' ELSE 'feedback:no' END"


class LogsSQL(SQLBase):
    """`Store`'s feedback, question-log and pruned-count methods."""

    def add_feedback(
        self,
        user_id: int,
        chat_id: int,
        passage_ids: list[str],
        question: str,
        helpful: bool,
        *,
        now: float | None = None,
    ) -> int:
        with self.transaction():
            [row] = self._rows(
                """
                INSERT INTO feedback (user_id, chat_id, passage_ids, question, helpful, created_at)
                VALUES (:user, :chat, :passages, :question, :helpful, :now)
                RETURNING id
                """,
                {
                    "user": user_id,
                    "chat": chat_id,
                    "passages": json_text(list(passage_ids)),
                    "question": question,
                    "helpful": int(helpful),
                    "now": timestamp(now),
                },
            )
            return int(row["id"])

    def feedback_counts(self, since: float | None = None) -> FeedbackCounts:
        row = self._query(
            """
            SELECT COALESCE(SUM(helpful), 0) AS yes, COALESCE(SUM(1 - helpful), 0) AS no
            FROM feedback WHERE created_at >= :since
            """,
            {"since": lower_bound(since)},
        )[0]
        pruned = self._pruned("feedback:", since)
        return FeedbackCounts(
            helpful=int(row["yes"]) + pruned.get("yes", 0), not_helpful=int(row["no"]) + pruned.get("no", 0)
        )

    def feedback_by_passage(self, since: float | None = None) -> dict[str, FeedbackCounts]:
        """Tallies per passage id (in id order), to spot passages that answer badly."""
        rows = self._query(
            f"""
            SELECT p.value AS passage_id, SUM(f.helpful) AS yes, SUM(1 - f.helpful) AS no
            FROM feedback AS f, {self._PASSAGE_IDS}
            WHERE f.created_at >= :since
            GROUP BY p.value
            """,
            {"since": lower_bound(since)},
        )
        # Sorted here, not in SQL: PostgreSQL would order by the database's collation.
        return {
            row["passage_id"]: FeedbackCounts(helpful=int(row["yes"]), not_helpful=int(row["no"]))
            for row in sorted(rows, key=lambda row: row["passage_id"])
        }

    def log_question(
        self,
        user_id: int,
        chat_id: int,
        question: str,
        disease: str | None,
        outcome: QuestionOutcome,
        now: float | None = None,
    ) -> int:
        if outcome not in QUESTION_OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}; expected one of {QUESTION_OUTCOMES}")
        with self.transaction():
            [row] = self._rows(
                """
                INSERT INTO question_log (user_id, chat_id, question, disease, outcome, asked_at)
                VALUES (:user, :chat, :question, :disease, :outcome, :now)
                RETURNING id
                """,
                {
                    "user": user_id,
                    "chat": chat_id,
                    "question": question,
                    "disease": disease,
                    "outcome": QuestionOutcome(outcome),
                    "now": timestamp(now),
                },
            )
            return int(row["id"])

    def questions(self, since: float | None = None) -> Iterator[QuestionLogEntry]:
        """Logged questions asked at or after ``since``, oldest first.

        Reads in pages and holds no lock between them, so a long report does not
        stall the bot; rows logged while iterating may or may not be included.
        """
        last_id = 0
        while True:
            rows = self._query(
                """
                SELECT * FROM question_log WHERE id > :last AND asked_at >= :since
                ORDER BY id LIMIT :page
                """,
                {"last": last_id, "since": lower_bound(since), "page": _QUESTION_PAGE},
            )
            for row in rows:
                yield question_from_row(row)
            if len(rows) < _QUESTION_PAGE:
                return
            last_id = rows[-1]["id"]

    def question_counts(self, since: float | None = None) -> dict[str, int]:
        """Number of logged questions per outcome (every outcome present, maybe 0), those
        `expire` pruned included."""
        rows = self._query(
            "SELECT outcome, COUNT(*) AS n FROM question_log WHERE asked_at >= :since GROUP BY outcome",
            {"since": lower_bound(since)},
        )
        counts = dict.fromkeys(QUESTION_OUTCOMES, 0)
        counts.update({row["outcome"]: int(row["n"]) for row in rows})
        for outcome, n in self._pruned("question:", since).items():
            counts[outcome] = counts.get(outcome, 0) + n
        return counts

    def pruned_counts(self, since: float | None = None) -> list[tuple[float, str, int]]:
        """(day start, kind, count) that `expire` folded away, days from ``since``'s on, by day:
        kind is ``question:<outcome>`` or ``feedback:yes|no``. Reports add them to the rows."""
        rows = self._query(
            "SELECT day, kind, n FROM pruned_counts WHERE day >= :since ORDER BY day, kind",
            {"since": day_of(since)},
        )
        return [(float(row["day"]), str(row["kind"]), int(row["n"])) for row in rows]

    def _pruned(self, prefix: str, since: float | None) -> dict[str, int]:
        """Counts `expire` folded into pruned_counts, by the kind's suffix, for days from
        ``since`` (a day counts when it starts at or after ``since``'s day)."""
        rows = self._query(
            "SELECT kind, SUM(n) AS n FROM pruned_counts WHERE day >= :since GROUP BY kind",
            {"since": day_of(since)},
        )
        return {row["kind"][len(prefix) :]: int(row["n"]) for row in rows if row["kind"].startswith(prefix)}

    def _prune_counted(self, table: str, column: str, kind: str, before: float) -> int:
        """Delete rows of ``table`` older than ``before``, adding them to pruned_counts first."""
        rows = self._rows(
            f"SELECT {column} AS at, {kind} AS kind FROM {table} WHERE {column} < :before",
            {"before": before},
        )
        tally: dict[tuple[float, str], int] = {}
        for row in rows:
            key = ((float(row["at"]) // DAY) * DAY, row["kind"])
            tally[key] = tally.get(key, 0) + 1
        for (day, kind_name), n in sorted(tally.items()):
            self._run(
                """
                INSERT INTO pruned_counts (day, kind, n) VALUES (:day, :kind, :n)
                ON CONFLICT (day, kind) DO UPDATE SET n = pruned_counts.n + excluded.n
                """,
                {"day": day, "kind": kind_name, "n": n},
            )
        return self._run(f"DELETE FROM {table} WHERE {column} < :before", {"before": before}).rowcount

    def _expire_logs(self, questions_before: float, feedback_before: float) -> tuple[int, int]:
        """`expire`'s part here: (questions, feedback) older than their limits, counted first."""
        questions = self._prune_counted("question_log", "asked_at", QUESTION_KIND, questions_before)
        feedback = self._prune_counted("feedback", "created_at", FEEDBACK_KIND, feedback_before)
        return questions, feedback

    def _forget_logs_of(self, user_id: int) -> tuple[int, int]:
        """`forget_user`'s part here: (feedback, questions) of the user deleted, uncounted."""
        user = {"user": user_id}
        feedback = self._run("DELETE FROM feedback WHERE user_id = :user", user).rowcount
        questions = self._run("DELETE FROM question_log WHERE user_id = :user", user).rowcount
        return feedback, questions
