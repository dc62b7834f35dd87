"""Tests for the durable store, each run on a real SQLite file in tmp_path and on a fresh
PostgreSQL database (see the `backend` fixture); a few are about one backend only."""

from __future__ import annotations

import dataclasses
import inspect
import os
import random
import socket
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_backends import Backend

from store import (
    OutboxItem,
    OutboxStats,
    Published,
    RetryPolicy,
    SchemaError,
    SQLiteStore,
    Store,
    StoreError,
    TicketNotFound,
    TicketStateError,
    open_store,
)
from store.migrations import LATEST_VERSION

T0 = 1_700_000_000.0  # a fixed clock, so no timestamp can collide with ids we search for
STAFF_CHAT = -100_200_300


@pytest.fixture
def store(backend: Backend) -> Store:
    return backend.open()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """For the SQLite-only tests."""
    return tmp_path / "data" / "bot.sqlite3"


@pytest.fixture
def sqlite_store(db_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(db_path)
    yield s
    s.close()


def new_ticket(store: Store, user_id: int = 42, **overrides):
    fields = dict(
        user_id=user_id,
        chat_id=user_id,
        first_name="Ada",
        question="Is Fabry disease inherited?",
        disease="Fabry disease",
        candidates=[{"passage_id": "gard-1#2", "score": 1.5}],
        now=T0,
    )
    fields.update(overrides)
    return store.create_ticket(**fields)


# --------------------------------------------------------------------------- opening


def test_open_store_accepts_paths_and_sqlite_urls(tmp_path, monkeypatch):
    nested = tmp_path / "a" / "b" / "plain.db"
    with open_store(str(nested)) as s:  # parent directories are created
        assert isinstance(s, Store)
    assert nested.exists()

    with open_store(f"sqlite:///{tmp_path}/abs.db") as s:  # sqlite:////abs/path
        assert Path(s.path) == tmp_path / "abs.db"

    monkeypatch.chdir(tmp_path)
    with open_store("sqlite:///rel/x.db") as s:
        assert Path(s.path) == Path("rel/x.db")
    assert (tmp_path / "rel" / "x.db").exists()


@pytest.mark.postgres
@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg"])
def test_open_store_accepts_postgres_urls(pg_url, scheme):
    url = scheme + pg_url[pg_url.index("://") :]
    with open_store(url) as s:
        assert isinstance(s, Store) and s.shared
        assert type(s).__name__ == "PostgresStore"
        assert "://" in repr(s)


def test_an_unreachable_postgres_server_is_a_store_error_without_the_password():
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL") as err:
        open_store("postgresql://gardbot:s3cret@127.0.0.1:1/gardbot", connect_timeout=2)
    assert "s3cret" not in str(err.value)


@pytest.mark.parametrize("url", ["mysql://h/db", "sqlite://", ""])
def test_open_store_rejects_other_urls(url):
    with pytest.raises(ValueError):
        open_store(url)


def test_store_implements_the_protocol(store):
    """Every Store method exists on the backend's class with the same parameter names."""
    assert isinstance(store, Store)
    for name, member in inspect.getmembers(Store, inspect.isfunction):
        if name.startswith("_"):
            continue
        expected = list(inspect.signature(member).parameters)
        actual = list(inspect.signature(getattr(type(store), name)).parameters)
        assert actual == expected, name


def test_replica_ids_are_unique_per_store_and_name_the_process(backend):
    first, second = backend.open(), backend.open()
    assert first.replica_id != second.replica_id
    host, pid, token = first.replica_id.rsplit(":", 2)
    assert (host, int(pid), len(token)) == (socket.gethostname(), os.getpid(), 8)
    assert first.shared is (backend.name == "postgres")


def test_pragmas_wal_foreign_keys_and_durability(sqlite_store, db_path):
    with closing(sqlite3.connect(db_path)) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn = sqlite_store._conn
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_schema_version_recorded_and_newer_schema_refused(backend):
    backend.open().close()
    assert backend.execute("SELECT MAX(version) FROM schema_version") == [(LATEST_VERSION,)]
    backend.execute("INSERT INTO schema_version VALUES (999)")
    with pytest.raises(SchemaError, match="999"):
        backend.open()


# --------------------------------------------------------------------------- tickets


def test_ticket_lifecycle(store):
    t = new_ticket(store)
    assert (t.n, t.status, t.created_at) == (1, "open", T0)
    assert t.candidates == [{"passage_id": "gard-1#2", "score": 1.5}]
    assert store.get_ticket(1) == t
    assert store.get_ticket(999) is None

    store.set_ticket_staff_message(1, STAFF_CHAT, 555)
    store.set_ticket_staff_message(1, STAFF_CHAT, 777)  # e.g. a reminder
    assert store.find_ticket_by_staff_message(STAFF_CHAT, 555).n == 1
    assert store.find_ticket_by_staff_message(STAFF_CHAT, 777).n == 1
    assert store.find_ticket_by_staff_message(STAFF_CHAT, 1) is None
    assert store.get_ticket(1).staff_message_id == 777

    other = new_ticket(store, user_id=43)
    assert [x.n for x in store.list_tickets("open")] == [1, 2]

    answered = store.answer_ticket(1, "Yes, X-linked.", 9, "Dr. Staff", now=T0 + 60)
    assert answered.status == "answered"
    assert (answered.answer_text, answered.staff_name, answered.answered_at) == (
        "Yes, X-linked.",
        "Dr. Staff",
        T0 + 60,
    )
    with pytest.raises(TicketStateError) as err:
        store.answer_ticket(1, "Second answer", 10, "Someone Else")
    assert err.value.ticket.staff_name == "Dr. Staff"
    assert store.get_ticket(1).answer_text == "Yes, X-linked."

    closed = store.close_ticket(1, now=T0 + 120)
    assert (closed.status, closed.closed_at) == ("closed", T0 + 120)
    assert store.close_ticket(1, now=T0 + 999).closed_at == T0 + 120  # idempotent
    store.close_ticket(other.n)
    with pytest.raises(TicketStateError):
        store.answer_ticket(other.n, "too late", 9, "Dr. Staff")

    assert [x.n for x in store.list_tickets("closed")] == [1, 2]
    assert store.list_tickets("open") == []
    assert len(store.list_tickets()) == 2
    with pytest.raises(TicketNotFound):
        store.answer_ticket(999, "x", 9, "Dr. Staff")
    with pytest.raises(TicketNotFound):
        store.set_ticket_staff_message(999, STAFF_CHAT, 1)


def test_ticket_numbers_survive_restart_and_are_never_reused(backend):
    with backend.open() as s:
        assert new_ticket(s).n == 1
        assert new_ticket(s, user_id=7).n == 2
        s.forget_user(7)
    with backend.open() as s:
        assert s.get_ticket(1).question == "Is Fabry disease inherited?"
        assert new_ticket(s).n == 3


def test_concurrent_ticket_creation_from_threads(store):
    numbers: list[int] = []

    def worker() -> None:
        for _ in range(10):
            numbers.append(new_ticket(store).n)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(numbers) == list(range(1, 41))


# --------------------------------------------------------------------------- outbox


def test_enqueue_is_idempotent_by_dedupe_key(store):
    first = store.enqueue("text", 42, {"text": "hello"}, "relay:1", now=T0)
    again = store.enqueue("text", 42, {"text": "changed"}, "relay:1", now=T0 + 5)
    assert first == again
    [message] = store.list_outbox()
    assert message.payload == {"text": "hello"}
    assert message.status == "pending"
    assert store.enqueue("text", 42, {"text": "other"}, "relay:2", now=T0) != first
    with pytest.raises(ValueError):
        store.enqueue("text", 42, {}, "")


def test_claim_then_mark_sent(store):
    mid = store.enqueue("text", 42, {"text": "hi"}, "k", now=T0)
    assert store.next_due_at() == T0
    [claimed] = store.due_messages(now=T0, limit=10)
    assert (claimed.id, claimed.status, claimed.attempts) == (mid, "sending", 1)
    assert claimed.lease_until == T0 + store.lease_seconds
    assert store.due_messages(now=T0 + 1) == []  # leased, not handed out twice
    assert store.mark_sent(mid, 9001, now=T0 + 1)
    sent = store.get_outbox_message(mid)
    assert (sent.status, sent.telegram_message_id, sent.sent_at) == ("sent", 9001, T0 + 1)
    assert store.next_due_at() is None
    assert not store.mark_sent(mid, 9002)  # already final: no change
    assert store.due_messages(now=T0 + 10_000) == []


def test_backoff_schedule_is_exponential_and_capped(store):
    mid = store.enqueue("text", 42, {}, "k", now=T0)
    now = T0
    delays = []
    for _ in range(12):
        [m] = store.due_messages(now=now)
        failed = store.mark_failed(m.id, "network down", now=now)
        assert failed.status == "pending" and failed.last_error == "network down"
        assert store.due_messages(now=failed.next_attempt_at - 0.001) == []
        delays.append(failed.next_attempt_at - now)
        now = failed.next_attempt_at
    assert delays == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    assert store.get_outbox_message(mid).attempts == 12
    assert store.next_due_at() == now


def test_retry_after_wins_only_when_larger(store):
    store.enqueue("text", 42, {}, "k", now=T0)
    [m] = store.due_messages(now=T0)
    assert store.mark_failed(m.id, "429", retry_after=30, now=T0).next_attempt_at == T0 + 30
    for now in (T0 + 100, T0 + 200):  # attempts 2 and 3
        [m] = store.due_messages(now=now)
        store.mark_failed(m.id, "boom", now=now)
    [m] = store.due_messages(now=T0 + 300)
    assert m.attempts == 4  # plain back-off would be 8 s; a shorter retry_after loses
    assert store.mark_failed(m.id, "429", retry_after=0.5, now=T0).next_attempt_at == T0 + 8
    assert RetryPolicy().delay(30, retry_after=900) == 900  # Telegram's wait is not capped


def test_gives_up_after_max_attempts_and_keeps_dead_message(backend):
    with backend.open(retry_policy=RetryPolicy(max_attempts=3)) as s:
        mid = s.enqueue("text", 42, {"text": "x"}, "k", now=T0)
        now = T0
        for attempt in range(1, 4):
            [m] = s.due_messages(now=now)
            assert m.attempts == attempt
            result = s.mark_failed(m.id, f"error {attempt}", now=now)
            now += 1000
        assert result.status == "dead"
        assert s.due_messages(now=now + 10**6) == []
        assert s.next_due_at() is None
        [dead] = s.list_outbox("dead")
        assert (dead.id, dead.last_error, dead.attempts) == (mid, "error 3", 3)

        other = s.enqueue("text", 43, {}, "k2", now=T0)
        [m] = s.due_messages(now=T0)
        assert s.mark_failed(m.id, "Forbidden: bot was blocked", now=T0, permanent=True).status == ("dead")
        assert s.get_outbox_message(other).attempts == 1


def test_due_messages_after_reopening(backend):
    with backend.open() as s:
        waiting = s.enqueue("text", 1, {"n": 1}, "a", now=T0)
        in_flight = s.enqueue("text", 2, {"n": 2}, "b", now=T0)
        [claimed] = [m for m in s.due_messages(now=T0) if m.id == in_flight]
        s.mark_failed(waiting, "timeout", now=T0)  # due again at T0 + 1
        # crash: `in_flight` was claimed but neither marked sent nor failed
    with backend.open() as s:
        assert [m.id for m in s.due_messages(now=T0 + 1)] == [waiting]
        assert s.next_due_at() == claimed.lease_until
        # after the lease expires the unconfirmed message is delivered again
        [again] = s.due_messages(now=claimed.lease_until)
        assert (again.id, again.attempts, again.payload) == (in_flight, 2, {"n": 2})


def test_expired_lease_on_last_attempt_becomes_dead(backend):
    with backend.open(retry_policy=RetryPolicy(max_attempts=1)) as s:
        mid = s.enqueue("text", 1, {}, "a", now=T0)
        [claimed] = s.due_messages(now=T0)
        assert s.due_messages(now=claimed.lease_until) == []
        assert s.get_outbox_message(mid).status == "dead"


def test_messages_to_one_chat_keep_their_order(store):
    first = store.enqueue("text", 42, {"n": 1}, "a", now=T0)
    second = store.enqueue("text", 42, {"n": 2}, "b", now=T0)
    elsewhere = store.enqueue("text", 99, {"n": 3}, "c", now=T0)
    assert [m.id for m in store.due_messages(now=T0)] == [first, elsewhere]
    store.mark_sent(elsewhere, 1)
    store.mark_failed(first, "timeout", now=T0)
    # `second` must wait for `first`, even though it is due
    assert store.next_due_at() == T0 + 1
    assert store.due_messages(now=T0 + 0.5) == []
    [m] = store.due_messages(now=T0 + 1)
    assert m.id == first
    store.mark_sent(first, 2)
    assert [m.id for m in store.due_messages(now=T0 + 1)] == [second]


# --------------------------------------------------------------------------- atomicity


def test_answer_and_relay_commit_together(store):
    t = new_ticket(store)
    relay = OutboxItem("relay", t.chat_id, {"text": "answer"}, f"relay:{t.n}", t.user_id)
    store.answer_ticket(t.n, "answer", 9, "Dr. Staff", outbox=[relay], now=T0)
    assert store.get_ticket(t.n).status == "answered"
    [m] = store.list_outbox()
    assert (m.kind, m.chat_id, m.dedupe_key, m.user_id) == ("relay", 42, "relay:1", 42)


def test_failure_inside_transaction_writes_nothing(store, backend):
    t = new_ticket(store)

    with pytest.raises(RuntimeError):
        with store.transaction():
            store.answer_ticket(t.n, "answer", 9, "Dr. Staff")
            store.enqueue("relay", 42, {"text": "answer"}, "relay:1")
            raise RuntimeError("crash before commit")

    # a payload that cannot be stored fails the whole answer_ticket call
    bad = OutboxItem("relay", 42, {"text": object()}, "relay:1")
    with pytest.raises(TypeError):
        store.answer_ticket(t.n, "answer", 9, "Dr. Staff", outbox=[bad])

    for s in (store, backend.open()):  # also as seen by a fresh connection
        assert s.get_ticket(t.n).status == "open"
        assert s.get_ticket(t.n).answer_text is None
        assert s.list_outbox() == []
    store.answer_ticket(t.n, "answer", 9, "Dr. Staff")  # and it can still be answered


def test_nested_transaction_rolls_back_only_the_inner_block(store):
    with store.transaction():
        store.enqueue("text", 1, {}, "outer")
        with pytest.raises(TicketNotFound):
            with store.transaction():
                store.enqueue("text", 1, {}, "inner")
                store.answer_ticket(999, "x", 1, "x")
        store.enqueue("text", 1, {}, "after")
    assert [m.dedupe_key for m in store.list_outbox()] == ["outer", "after"]


# --------------------------------------------------------------------------- feedback, log


def test_feedback_counts(store):
    store.add_feedback(1, 1, ["p1", "p2"], "q", True, now=T0)
    store.add_feedback(2, 2, ["p1"], "q", False, now=T0 + 10)
    store.add_feedback(3, 3, [], "q", True, now=T0 + 20)
    counts = store.feedback_counts()
    assert (counts.helpful, counts.not_helpful, counts.total) == (2, 1, 3)
    assert store.feedback_counts(since=T0 + 10).total == 2
    by_passage = store.feedback_by_passage()
    assert (by_passage["p1"].helpful, by_passage["p1"].not_helpful) == (1, 1)
    assert by_passage["p2"].total == 1
    assert set(store.feedback_by_passage(since=T0 + 5)) == {"p1"}


def test_question_log_iterates_in_pages_and_counts(store):
    with store.transaction():
        for i in range(1200):
            outcome = "answer" if i % 3 else "abstain"
            store.log_question(i % 7, i % 7, f"question {i}", None, outcome, now=T0 + i)
    all_rows = list(store.questions())
    assert [q.question for q in all_rows] == [f"question {i}" for i in range(1200)]
    assert [q.asked_at for q in store.questions(since=T0 + 1195)] == [T0 + i for i in range(1195, 1200)]
    counts = store.question_counts()
    assert counts["abstain"] == 400 and counts["answer"] == 800 and counts["refused"] == 0
    with pytest.raises(ValueError):
        store.log_question(1, 1, "q", None, "nonsense")


# --------------------------------------------------------------------------- conversations


def test_conversation_state(store):
    assert store.load_conversation("chat:42") is None
    store.save_conversation("chat:42", {"step": "choose", "options": [1, 2]}, user_id=42, now=T0)
    assert store.load_conversation("chat:42") == {"step": "choose", "options": [1, 2]}
    store.save_conversation("chat:42", {"step": "idle"}, now=T0 + 10)
    assert store.load_conversation("chat:42") == {"step": "idle"}
    store.save_conversation("chat:7", {}, now=T0 + 100)
    assert store.expire_conversations(older_than=T0 + 50) == 1
    assert store.load_conversation("chat:42") is None
    assert store.delete_conversation("chat:7") is True
    assert store.delete_conversation("chat:7") is False
    with pytest.raises(ValueError):
        store.save_conversation("chat:1", {"x": float("nan")})


# --------------------------------------------------------------------------- published


def test_published_holds_no_identity(store, backend):
    columns = backend.columns("published")
    assert "question" in columns
    fields = {f.name for f in dataclasses.fields(Published)}
    for forbidden in ("user_id", "chat_id", "first_name"):
        assert forbidden not in columns
        assert forbidden not in fields


def test_publish_update_and_unpublish(store):
    t = new_ticket(store)
    p = store.publish(t.n, "Is Fabry inherited?", "Yes.", "Fabry disease", "counselor", now=T0)
    assert (p.ticket_n, p.active, p.published_at, p.updated_at) == (t.n, True, T0, T0)
    assert store.unpublish(t.n, now=T0 + 1)
    assert not store.unpublish(t.n)
    assert store.list_published() == []
    assert [x.active for x in store.list_published(active_only=False)] == [False]

    again = store.publish(t.n, "Is Fabry inherited?", "Yes, X-linked.", None, "nurse", now=T0 + 2)
    assert (again.answer, again.role, again.disease) == ("Yes, X-linked.", "nurse", None)
    assert (again.published_at, again.updated_at, again.active) == (T0, T0 + 2, True)
    assert store.list_published() == [again]
    with pytest.raises(TicketNotFound):
        store.publish(999, "q", "a", None, "nurse")


# --------------------------------------------------------------------------- privacy

USER = 987_654_321
NAME = "Zebulon"
SECRET = "my daughter Xanthippe has fabry"


def test_forget_user_removes_everything_personal(backend):
    s = backend.open()
    t = s.create_ticket(
        USER, USER, NAME, SECRET, "Fabry disease", [{"q": SECRET}], ask=f"anything about {SECRET}", now=T0
    )
    assert s.get_ticket(t.n).ask == f"anything about {SECRET}"  # kept for staff until forgotten
    s.set_ticket_staff_message(t.n, STAFF_CHAT, 555)
    forward = OutboxItem("forward", STAFF_CHAT, {"text": f"{NAME}: {SECRET}"}, "fwd:1", USER)
    s.enqueue(forward.kind, forward.chat_id, forward.payload, forward.dedupe_key, user_id=USER)
    relay = OutboxItem("relay", USER, {"text": f"Dear {NAME}"}, "relay:1", USER)
    s.answer_ticket(t.n, f"Dear {NAME}, yes.", 5, "Dr. Staff", outbox=[relay], now=T0)
    [m] = s.due_messages(now=T0)
    s.mark_sent(m.id, 1, now=T0)  # a sent message still holds the text
    s.enqueue("text", USER, {"text": SECRET}, "private-chat")  # to the private chat
    s.add_feedback(USER, USER, ["p1"], SECRET, True, now=T0)
    s.log_question(USER, USER, SECRET, "Fabry disease", "abstain", now=T0)
    s.save_conversation(f"chat:{USER}", {"name": NAME, "q": SECRET}, user_id=USER, now=T0)
    s.inbox_add(5, {"message": {"text": SECRET}}, USER, USER, now=T0)
    s.inbox_done(5, now=T0)
    assert s.rate_check(USER, 20, 60.0, now=T0) == "ok"
    s.publish(t.n, "Is Fabry disease inherited?", "Yes.", "Fabry disease", "nurse", now=T0)
    # someone else's data, which must survive
    other = new_ticket(s, user_id=1)
    s.add_feedback(1, 1, ["p1"], "q", False, now=T0)
    s.log_question(1, 1, "q", None, "answer", now=T0)
    s.save_conversation("chat:1", {"x": 1}, user_id=1, now=T0)
    s.enqueue("text", 1, {"text": "hi"}, "other")

    s.save_draft(t.n, "Is Fabry disease inherited?", "Yes.", None, None, None, now=T0)
    listing = s.enqueue(
        "reply", STAFF_CHAT, {"text": f"#1 {SECRET}"}, "pending-list", user_id=5, about=(USER, 1)
    )
    s.mark_sent(listing, 777, now=T0 + 1)  # sent: a staff-chat list naming two users

    counts = s.forget_user(USER, withdraw_in=STAFF_CHAT, withdrawn_text="[withdrawn]", now=T0 + 5)
    assert counts == {
        "tickets": 1,
        "published": 1,
        "drafts": 1,
        "feedback": 1,
        "questions": 1,
        "conversations": 1,
        "outbox": 4,
        "withdrawn": 2,  # the ticket's copy and the list; the unsent forward is just deleted
    }
    assert s.get_outbox_message(listing) is None

    redacted = s.get_ticket(t.n)
    assert redacted.redacted and redacted.status == "closed"
    assert (redacted.user_id, redacted.chat_id, redacted.first_name) == (None, None, "")
    assert redacted.ask is None
    assert s.find_ticket_by_staff_message(STAFF_CHAT, 555).redacted
    assert s.list_published(active_only=False) == [] and s.get_draft(t.n) is None
    assert s.get_ticket(other.n).first_name == "Ada"
    assert s.feedback_counts().total == 1
    assert len(list(s.questions())) == 1
    assert s.load_conversation("chat:1") == {"x": 1}
    withdrawn = {m.payload["edit"]: m.payload["text"] for m in s.list_outbox() if m.chat_id == STAFF_CHAT}
    assert withdrawn == {555: "[withdrawn]", 777: "[withdrawn]"}
    assert [m.dedupe_key for m in s.list_outbox() if m.chat_id != STAFF_CHAT] == ["other"]

    for table, value in backend.all_cells():
        text = str(value)
        assert str(USER) not in text, table
        assert NAME not in text and "Xanthippe" not in text, table
    if backend.name == "sqlite":
        # nor in the raw bytes on disk, WAL included, while the store is still open
        # (secure_delete zeroes freed space; the WAL is checkpointed and truncated)
        raw = b"".join(p.read_bytes() for p in backend.path.parent.iterdir() if p.is_file())
        assert NAME.encode() not in raw and b"Xanthippe" not in raw
    s.close()


# --------------------------------------------------------------------------- round-trips

texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=2000,
) | st.sampled_from(
    [
        "",
        " ",
        "<b>bold</b> & <script>alert(1)</script>",
        "🧬🧪 👩🏽‍⚕️",
        "a\r\nb\tc",
        "'; DROP TABLE x;--",
    ]
)


@pytest.fixture(scope="module")
def shared_store(module_backend: Backend) -> Store:
    return module_backend.open()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=texts, name=texts, extra=texts)
def test_unicode_text_round_trips_exactly(shared_store, question, name, extra):
    s = shared_store
    t = s.create_ticket(1, 1, name, question, extra or None, [{"text": question, extra: 1}])
    got = s.get_ticket(t.n)
    assert (got.question, got.first_name, got.disease) == (question, name, extra or None)
    assert got.candidates == [{"text": question, extra: 1}]

    answered = s.answer_ticket(t.n, extra, 2, name)
    assert (answered.answer_text, answered.staff_name) == (extra, name)

    qid = s.log_question(1, 1, question, extra, "answer")
    assert [q.question for q in s.questions() if q.id == qid] == [question]

    s.save_conversation("rt", {"q": question, extra: [name]})
    assert s.load_conversation("rt") == {"q": question, extra: [name]}

    mid = s.enqueue("text", 1, {"text": question}, f"rt:{t.n}")
    assert s.get_outbox_message(mid).payload == {"text": question}

    p = s.publish(t.n, question, extra, name, name)
    assert (p.question, p.answer, p.disease, p.role) == (question, extra, name, name)


def test_huge_text_round_trips(store):
    huge = ("Ünïcödé 🧬 <i>x</i> " * 60_000)[:1_000_000]
    t = new_ticket(store, question=huge)
    assert store.get_ticket(t.n).question == huge
    store.save_conversation("big", {"q": huge})
    assert store.load_conversation("big") == {"q": huge}


def test_text_holding_nul_is_refused_by_every_backend(store):
    """PostgreSQL text cannot hold NUL, so no backend accepts it (store.protocol's contract)."""
    with pytest.raises(ValueError, match="NUL"):
        new_ticket(store, question="before\x00after")
    with pytest.raises(ValueError, match="NUL"):
        store.log_question(1, 1, "q\x00", None, "answer")
    assert store.list_tickets() == [] and list(store.questions()) == []
    # inside JSON a NUL is the escape \\u0000, which both store and return
    store.save_conversation("nul", {"text": "a\x00b"})
    assert store.load_conversation("nul") == {"text": "a\x00b"}


# --------------------------------------------------------------------------- migrations


# Fingerprints of the migrations that have shipped: databases out there were built by exactly
# these statements, so they must never change (append a migration instead).
SHIPPED = {1: "99c54095e43392a2", 2: "56e46aca92abaa88", 3: "a43ddf07dd1bf02f", 4: "81969b9c3378d507"}


def test_shipped_migrations_are_never_edited():
    import hashlib

    from store.migrations import MIGRATIONS

    for version, fingerprint in SHIPPED.items():
        text = "\x1e".join(MIGRATIONS[version - 1])
        assert hashlib.sha256(text.encode()).hexdigest()[:16] == fingerprint, version


def test_postgres_ddl_changes_types_only():
    from store.migrations import MIGRATIONS, statements

    assert statements(0, "sqlite") is MIGRATIONS[0]
    tickets = statements(0, "postgresql")[0]
    assert "n                BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,  -- never reused" in tickets
    assert "created_at       DOUBLE PRECISION NOT NULL" in tickets and "REAL" not in tickets
    assert "INTEGER" not in " ".join(statements(2, "postgresql"))


def test_named_parameters_become_psycopg_placeholders_once():
    from store.postgres import to_pyformat

    sql = "SELECT p.value::jsonb, ':not' AS x -- it's 100% a comment: :nope\nFROM t WHERE a = :a AND b LIKE '5%' AND c = :c_2"
    assert to_pyformat(sql) == (
        "SELECT p.value::jsonb, ':not' AS x -- it's 100%% a comment: :nope\nFROM t "
        "WHERE a = %(a)s AND b LIKE '5%%' AND c = %(c_2)s"
    )
    assert to_pyformat(sql) is to_pyformat(sql)  # cached


def test_a_version_1_database_is_migrated_and_keeps_its_rows(backend):
    """The oldest schema, made by hand with rows in it, is brought up to date on open."""
    from store.migrations import statements

    dialect = "sqlite" if backend.name == "sqlite" else "postgresql"
    backend.execute(
        *statements(0, dialect),
        "CREATE TABLE schema_version (version INTEGER NOT NULL)",
        "INSERT INTO schema_version VALUES (1)",
        "INSERT INTO tickets (user_id, chat_id, first_name, question, candidates, status, created_at)"
        " VALUES (42, 42, 'Ada', 'Is it inherited?', '[]', 'answered', 1700000000.5)",
        "INSERT INTO outbox (kind, chat_id, user_id, payload, dedupe_key, status, attempts,"
        " next_attempt_at, lease_until, created_at)"
        " VALUES ('relay', 42, 42, '{\"text\":\"yes\"}', 'relay:1', 'sending', 1, 1.0, 9e99, 1.0)",
        "INSERT INTO feedback (user_id, chat_id, passage_ids, question, helpful, created_at)"
        " VALUES (42, 42, '[\"p1\"]', 'q', 1, 2.0)",
        "INSERT INTO published VALUES (1, 'Is it inherited?', 'Yes.', 'Fabry disease', 'nurse', 3.0, 3.0, NULL)",
    )
    s = backend.open()
    assert backend.execute("SELECT MAX(version) FROM schema_version") == [(LATEST_VERSION,)]
    old = s.get_ticket(1)
    assert (old.first_name, old.question, old.created_at, old.status) == (
        "Ada",
        "Is it inherited?",
        1700000000.5,
        "answered",
    )
    assert new_ticket(s).n == 2
    [message] = s.list_outbox()
    assert (message.status, message.payload, message.lease_owner) == ("sending", {"text": "yes"}, None)
    assert s.release_leases(now=5.0) == 1  # leased before leases had owners: nobody live holds it
    assert [m.id for m in s.due_messages(now=5.0)] == [message.id]
    assert s.feedback_by_passage()["p1"].helpful == 1
    [qa] = s.list_published()
    assert (qa.answer, qa.disease, qa.doc_id) == ("Yes.", "Fabry disease", None)
    before = s.published_version()
    s.publish(1, "Is it inherited?", "Yes, X-linked.", "Fabry disease", "nurse", doc_id="0006123")
    assert s.published_version() != before
    assert s.rate_check(42, 1, 60.0, now=10.0) == "ok"


def test_telegram_ids_and_times_keep_their_full_precision(store):
    """BIGINT ids and double-precision times: PostgreSQL's INTEGER and REAL would not do."""
    big = 7_000_000_000  # user ids beyond 2**32 exist
    when = 1_700_000_000.123456
    t = store.create_ticket(big, -1_002_003_004_005, "A", "q", None, [], now=when)
    got = store.get_ticket(t.n)
    assert (got.user_id, got.chat_id, got.created_at) == (big, -1_002_003_004_005, when)


# --------------------------------------------------------------------------- inbox


def test_inbox_records_each_update_once_and_forgets_its_text_when_done(backend: Backend) -> None:
    store = backend.open()
    update = {"update_id": 7, "message": {"text": "my private question"}}
    assert store.inbox_add(7, update, chat_id=5, user_id=5, now=100.0)
    assert not store.inbox_add(7, update, chat_id=5, user_id=5, now=101.0)  # redelivered
    assert store.inbox_add(8, {"update_id": 8}, now=102.0)
    store.inbox_started(7)
    assert store.inbox_pending() == []  # this store is handling them: nothing to adopt
    backend.stop(store)  # the process dies with both pending

    store = backend.open()
    assert [(e.update_id, e.chat_id, e.payload, e.attempts) for e in store.inbox_pending()] == [
        (7, 5, update, 1),
        (8, None, {"update_id": 8}, 0),
    ]
    assert store.inbox_pending() == []  # adopted: they are this store's now
    store.inbox_done(7, now=200.0)
    store.inbox_done(7, now=300.0)  # idempotent
    store.inbox_done(8, state="failed", now=400.0)
    assert store.inbox_pending() == []
    rows = store._query("SELECT update_id, state, payload, done_at FROM inbox ORDER BY update_id")
    assert [(r["update_id"], r["state"], r["payload"], r["done_at"]) for r in rows] == [
        (7, "done", "{}", 200.0),
        (8, "failed", "{}", 400.0),
    ]
    assert not store.inbox_add(7, update)  # still known: a late redelivery is ignored
    assert store.inbox_prune(older_than=300.0) == 1
    assert store.inbox_add(7, update)  # pruned ids are forgotten
    with pytest.raises(ValueError):
        store.inbox_done(7, state="pending")


def test_inbox_add_admits_an_update_once_across_stores(backend: Backend) -> None:
    first, second = backend.open(), backend.open()
    results = [
        s.inbox_add(update_id, {"update_id": update_id}) for update_id in range(20) for s in (first, second)
    ]
    assert results == [True, False] * 20


def test_release_leases_makes_messages_left_in_flight_due_now(backend: Backend) -> None:
    store = backend.open()
    store.enqueue("reply", 1, {"text": "a"}, "k1", now=0.0)
    store.enqueue("reply", 2, {"text": "b"}, "k2", now=0.0)
    [first, second] = store.due_messages(now=1.0)
    assert first.lease_owner == store.replica_id
    store.mark_sent(second.id, 99, now=1.5)
    assert store.due_messages(now=2.0) == []  # the first is leased for 60 s
    assert store.release_leases(now=2.0) == 0  # our own send in flight is left alone
    backend.stop(store)  # the process dies mid-send

    store = backend.open()
    assert store.release_leases(now=2.0) == 1
    [again] = store.due_messages(now=2.0)
    assert (again.id, again.attempts, again.lease_owner) == (first.id, 2, store.replica_id)
    assert store.get_outbox_message(second.id).lease_owner is None  # sent: nobody holds it


def test_outbox_stats_count_unsent_and_dead_and_date_the_oldest_due_chat_head(store: Store) -> None:
    assert store.outbox_stats(now=0.0) == OutboxStats(depth=0, dead=0, oldest_due_at=None)
    store.enqueue("reply", 1, {"text": "a"}, "k1", now=10.0)
    store.enqueue("reply", 1, {"text": "b"}, "k2", now=11.0)  # waits behind k1: not due on its own
    store.enqueue("reply", 2, {"text": "c"}, "k3", now=20.0)
    assert store.outbox_stats(now=30.0) == OutboxStats(depth=3, dead=0, oldest_due_at=10.0)
    [first, third] = store.due_messages(now=30.0)  # leased until 90: in flight, not due
    assert store.outbox_stats(now=31.0) == OutboxStats(depth=3, dead=0, oldest_due_at=None)
    store.mark_failed(first.id, "Forbidden", permanent=True, now=32.0)  # k2 is chat 1's head now
    store.mark_failed(third.id, "TimedOut", retry_after=100.0, now=32.0)  # due again at 132
    assert store.outbox_stats(now=33.0) == OutboxStats(depth=2, dead=1, oldest_due_at=11.0)
    assert store.outbox_stats(now=1000.0).oldest_due_at == 11.0
    assert store.outbox_stats(now=1.0).oldest_due_at is None  # nothing was due yet


def test_inbox_pending_count_and_ping(store: Store) -> None:
    store.inbox_add(1, {"update_id": 1}, 5, 5)
    store.inbox_add(2, {"update_id": 2}, 5, 5)
    store.inbox_done(1)
    assert store.inbox_pending_count() == 1
    store.ping()


def test_ping_fails_while_another_process_holds_the_sqlite_write_lock(db_path: Path) -> None:
    quick = SQLiteStore(db_path, busy_timeout=0.05)
    try:
        quick.ping()
        with closing(sqlite3.connect(db_path, timeout=0, isolation_level=None)) as other:
            other.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                quick.ping()
            other.execute("ROLLBACK")
        quick.ping()
    finally:
        quick.close()


# --------------------------------------------------------------------------- replicas


def test_named_locks_are_not_reentrant_and_can_be_given_back(store: Store) -> None:
    assert not store.holds_lock("telegram:polling")
    assert store.try_lock("telegram:polling")
    assert store.holds_lock("telegram:polling")
    assert not store.try_lock("telegram:polling")  # held already, by this store
    assert store.try_lock("chat:42") and store.holds_lock("chat:42")
    store.unlock("telegram:polling")
    assert not store.holds_lock("telegram:polling") and store.holds_lock("chat:42")
    store.unlock("telegram:polling")  # not held: nothing happens
    assert store.try_lock("telegram:polling")


def rate_verdicts(check, events):
    return [check(user, now) for user, now in events]


class SlidingWindow:
    """The rate limit as it was kept in memory before replicas: the oracle for `rate_check`."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit, self.seconds = limit, seconds
        self.seen: dict[int, list[float]] = {}
        self.warned: dict[int, float] = {}

    def check(self, user: int, now: float) -> str:
        seen = [t for t in self.seen.get(user, []) if t > now - self.seconds]
        self.seen[user] = seen
        if len(seen) < self.limit:
            seen.append(now)
            self.warned.pop(user, None)
            return "ok"
        if self.warned.get(user, -1e18) > now - self.seconds:
            return "drop"
        self.warned[user] = now
        return "warn"


def test_rate_check_behaves_like_the_in_memory_rate_limiter(store: Store) -> None:
    rng = random.Random(11)  # three users, one of them chatty; bursts and pauses
    events = []
    now = 0.0
    for _ in range(300):
        now += rng.choice((0.05, 0.2, 0.5, 1.0, 3.0, 12.0))
        events.append((rng.choice((100, 100, 101, 102)), now))
    in_memory = SlidingWindow(4, 10.0).check

    expected = rate_verdicts(in_memory, events)
    assert {"ok", "warn", "drop"} <= set(expected)
    assert rate_verdicts(lambda user, at: store.rate_check(user, 4, 10.0, now=at), events) == expected


def test_rate_check_warns_once_per_window_and_forgets_the_user(store: Store) -> None:
    verdicts = [store.rate_check(1, 2, 60.0, now=t) for t in (0.0, 1.0, 2.0, 3.0, 4.0)]
    assert verdicts == ["ok", "ok", "warn", "drop", "drop"]
    assert store.rate_check(2, 2, 60.0, now=4.0) == "ok"  # per user
    assert store.rate_check(1, 2, 60.0, now=60.5) == "ok"  # the first message left the window
    assert store.rate_check(1, 2, 60.0, now=61.5) == "ok"
    assert store.rate_check(1, 2, 60.0, now=61.6) == "warn"  # a new episode: warned again
    store.forget_user(1)
    assert [row["user_id"] for row in store._query("SELECT user_id FROM rate_limits")] == [2]
    assert store.rate_check(1, 2, 60.0, now=61.7) == "ok"


def test_published_version_changes_with_every_publication_change(backend: Backend) -> None:
    store, other = backend.open(), backend.open()
    t = new_ticket(store)
    seen = [store.published_version()]

    def changed() -> bool:
        version = other.published_version()  # another replica sees the same value
        assert version == store.published_version()
        new = version not in seen
        seen.append(version)
        return new

    store.publish(t.n, "q", "a", None, "nurse", now=T0)
    assert changed()
    assert not changed()  # nothing happened
    store.publish(t.n, "q", "a, edited", None, "nurse", now=T0)  # same clock: still a change
    assert changed()
    assert store.unpublish(t.n, now=T0)
    assert changed()
    assert not store.unpublish(t.n, now=T0)
    assert not changed()
    store.publish(t.n, "q", "a", None, "nurse", now=T0)  # re-activated
    assert changed()
