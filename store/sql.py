"""The SQL behind every store, written once for SQLite and PostgreSQL.

`SQLStore` implements `store.protocol.Store` by putting together one class per table group, each
in its own module, over the shared plumbing of `store.sqlbase.SQLBase` (connection hooks,
statements, transactions, retry policy, migrations):

| module                  | tables                                              |
| ----------------------- | --------------------------------------------------- |
| `store.tickets`         | tickets, ticket_staff_messages                      |
| `store.outbox`          | outbox, outbox_subjects (the delivery guarantee)    |
| `store.inbox`           | inbox                                               |
| `store.conversations`   | conversations                                       |
| `store.published`       | published, publish_drafts, the published counter    |
| `store.logs`            | feedback, question_log, pruned_counts               |
| `store.rates`           | rate_limits, send_budget, settings                  |
| `store.retention`       | all of them: `forget_user` and `expire`             |

`SQLiteStore` (`store.sqlite`) and `PostgresStore` (`store.postgres`) subclass `SQLStore` and
supply a connection and the few places where the two dialects differ (see `store.sqlbase`).
"""

from __future__ import annotations

from .conversations import ConversationsSQL
from .inbox import InboxSQL
from .logs import LogsSQL
from .outbox import OutboxSQL
from .published import PublishedSQL
from .rates import RatesSQL
from .retention import RetentionSQL
from .sqlbase import Params, SQLBase, new_replica_id
from .tickets import TicketsSQL

__all__ = ["Params", "SQLBase", "SQLStore", "new_replica_id"]


class SQLStore(
    RetentionSQL,
    PublishedSQL,
    TicketsSQL,
    OutboxSQL,
    InboxSQL,
    ConversationsSQL,
    LogsSQL,
    RatesSQL,
):
    """Durable bot state in an SQL database. Implements `store.protocol.Store`.

    Subclasses open the connection, then call `_migrate`; see `store.sqlbase` for what they
    must supply, and `store.outbox` for the outbox's delivery guarantee (at least once,
    exactly once in practice, in enqueue order per chat).

    Transactions
    ------------
    Each public write is atomic. ``with store.transaction():`` groups several writes
    (nested blocks become savepoints). It holds the store lock for the whole block,
    so never ``await`` inside it: other coroutines on the same thread would re-enter
    the lock and join the transaction.
    """
