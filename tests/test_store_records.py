"""The store's vocabulary: status enums that match the schema and compare equal to their strings,
and one published-answer type shared with the engine. Run on SQLite and on PostgreSQL where a
store is involved (see the `backend` fixture)."""

from __future__ import annotations

import re

import pytest
from store_backends import Backend

from corpus.published import PublishedQA, is_staff_doc, staff_doc_id, staff_passage
from store import (
    InboxState,
    OutboxStatus,
    Published,
    QuestionOutcome,
    Store,
    TicketStatus,
)
from store.migrations import MIGRATIONS

T0 = 1_700_000_000.0


@pytest.fixture
def store(backend: Backend) -> Store:
    return backend.open()


def schema_checks() -> dict[tuple[str, str], set[str]]:
    """(table, column) -> the strings its CHECK (column IN (...)) allows, as the migrations
    (which build both backends' schema) leave it."""
    allowed: dict[tuple[str, str], set[str]] = {}
    for migration in MIGRATIONS:
        for statement in migration:
            table = re.search(r"CREATE TABLE (\w+)", statement)
            for check in re.finditer(r"CHECK \((\w+) IN \(([^)]*)\)\)", statement):
                values = set(re.findall(r"'([^']*)'", check.group(2)))
                if table and values:
                    allowed[(table.group(1), check.group(1))] = values
    return allowed


def test_status_enums_are_exactly_what_the_schema_allows():
    checks = schema_checks()
    assert checks[("tickets", "status")] == {s.value for s in TicketStatus}
    assert checks[("outbox", "status")] == {s.value for s in OutboxStatus}
    assert checks[("question_log", "outcome")] == {s.value for s in QuestionOutcome}
    assert checks[("inbox", "state")] == {s.value for s in InboxState}


def test_rows_carry_enum_members_and_strings_still_select(store: Store):
    ticket = store.create_ticket(42, 42, "Ada", "Is Fabry inherited?", None, [], now=T0)
    assert ticket.status is TicketStatus.OPEN and ticket.status == "open"
    assert [t.n for t in store.list_tickets("open")] == [t.n for t in store.list_tickets(TicketStatus.OPEN)]
    assert store.tickets_of(42, "open") == store.tickets_of(42, TicketStatus.OPEN) == [ticket.n]
    assert store.close_ticket(ticket.n, now=T0 + 1).status is TicketStatus.CLOSED

    store.enqueue("reply", 42, {"text": "hi"}, "k1", now=T0)
    [message] = store.list_outbox("pending")
    assert message.status is OutboxStatus.PENDING
    assert store.list_outbox(OutboxStatus.PENDING) == [message]
    [claimed] = store.due_messages(now=T0)
    assert claimed.status is OutboxStatus.SENDING

    store.log_question(42, 42, "q1", None, "answer", now=T0)
    store.log_question(42, 42, "q2", None, QuestionOutcome.ABSTAIN, now=T0)
    assert [q.outcome for q in store.questions()] == [QuestionOutcome.ANSWER, QuestionOutcome.ABSTAIN]
    counts = store.question_counts()
    assert (counts["answer"], counts[QuestionOutcome.ABSTAIN]) == (1, 1)
    assert all(type(outcome) is str for outcome in counts)  # plain keys, as reports print them


def test_unknown_statuses_are_refused(store: Store):
    with pytest.raises(ValueError, match="unknown ticket status"):
        store.list_tickets("pending")  # an outbox status, not a ticket's
    with pytest.raises(ValueError, match="unknown outcome"):
        store.log_question(1, 1, "q", None, "maybe")  # type: ignore[arg-type]
    store.inbox_add(7, {"message": {}}, 1, 1, now=T0)
    with pytest.raises(ValueError, match="unknown inbox state"):
        store.inbox_done(7, state="pending")  # type: ignore[arg-type]
    store.inbox_done(7, state="failed")  # type: ignore[arg-type]  # a plain string still works
    assert store.inbox_pending_count() == 0


def test_the_store_returns_the_engines_published_type(store: Store):
    assert Published is PublishedQA
    ticket = store.create_ticket(42, 42, "Ada", "Can it come back?", None, [], now=T0)
    record = store.publish(ticket.n, "Can it come back?", "It can recur.", None, "specialist", now=T0)
    assert isinstance(record, PublishedQA) and record.active and record.updated_at == T0
    passage = staff_passage(record, None)  # no corpus page: a topic of its own
    assert passage.doc_id == staff_doc_id(ticket.n) and is_staff_doc(passage.doc_id)
    assert not is_staff_doc("0003208")


def test_a_published_qa_made_by_hand_was_last_updated_when_published():
    qa = PublishedQA(1, "Q?", "A.", "specialist", T0, "0003208")
    assert (qa.updated_at, qa.unpublished_at, qa.active) == (T0, None, True)
