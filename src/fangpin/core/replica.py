"""Dashboard reads on a read replica (a province's deployment, docs/operations.md §2).

With FANGPIN_READ_REPLICA_URL set, the settings add a `replica` database and this router.
Reads go to the replica only inside `replica_reads()` — which the web layer opens for the
dashboards and summaries (web.replica) — and only for the data those read (registry, cases,
counters...). Everything else reads the primary: a user's session, token and account (a
login a second ago may not have reached the replica yet), the idempotency records, and every
page that shows what its user just changed. Writes always go to the primary.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from django.conf import settings

REPLICA = "replica"
# Tables whose freshness a request depends on: never read from a replica that may lag.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "accounts", "contenttypes", "core", "django_q"})

reading_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "fangpinreading_replica", default=False
)


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Send the reads of the block to the replica, when one is configured."""
    token = reading_replica.set(True)
    try:
        yield
    finally:
        reading_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not reading_replica.get() or not settings.FANGPIN_READ_REPLICA:
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return None  # the primary

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # the replica follows the primary's schema by replication
