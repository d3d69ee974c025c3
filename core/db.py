"""Transient database errors, and retrying a whole transaction when one happens.

Two transactions that lock rows in opposite orders wait on each other in a circle; PostgreSQL ends
the circle by failing one of them with ``deadlock detected`` (SQLSTATE 40P01). A transaction at a
stricter isolation level can fail with ``could not serialize access`` (40001). Neither says
anything about the request: run the same transaction again and it passes. SQLite's counterpart is
"database is locked" once its busy timeout has run out.

The project's services take their locks in one order (below), so these errors should not happen;
when one does anyway (a path nobody thought of, a table scan that locks more than meant), it is
retried where a whole transaction can be retried:

* a service decorated with :func:`retry_transient` runs its transaction again, a few times with a
  short randomised backoff, when it is the outermost transaction (inside someone else's
  transaction the error goes up to whoever owns the transaction);
* a Celery task is retried by its base class (``core.tasks.ReliableTask``) with a bounded backoff;
* a request that still meets one is answered 503 with ``Retry-After`` (``core.middleware`` for the
  pages, ``core.api.exception_handler`` for the API), never 500.

Lock order (take the rows you need in this order, and several rows of one table by id):
    household → member → employer → posting → application
    fair → booth → attendee → interview
    payment request → budget → fund
``select_for_update()`` with ``select_related`` locks the joined rows too unless it says
``of=("self",)``; every lock here names the rows it means.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import random
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar, cast

from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

# SQLSTATEs of errors that a second run of the same transaction would not meet.
DEADLOCK = "40P01"
SERIALIZATION_FAILURE = "40001"
TRANSIENT_SQLSTATES = frozenset({DEADLOCK, SERIALIZATION_FAILURE})

F = TypeVar("F", bound=Callable[..., Any])


def _sqlstate(exc: BaseException) -> str | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        state = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if state:
            return str(state)
        current = current.__cause__ or current.__context__
    return None


def is_transient(exc: BaseException) -> bool:
    """A deadlock, a serialization failure, or SQLite's busy database: worth one more try."""
    if not isinstance(exc, DatabaseError):
        return False
    if _sqlstate(exc) in TRANSIENT_SQLSTATES:
        return True
    return "database is locked" in str(exc)


def backoff(attempt: int, *, base: float = 0.05, cap: float = 2.0) -> float:
    """Seconds to wait before attempt ``attempt + 1``: exponential, capped, with jitter (so that the
    two sides of a deadlock do not meet again at the same instant)."""
    return min(cap, base * (2**attempt)) * random.uniform(0.5, 1.5)


def retry_transient(func: F | None = None, *, attempts: int = 4, using: str = "default") -> Any:
    """Run a transactional function again when it fails on a transient database error.

    Put it outside ``@transaction.atomic``. Only the outermost transaction is retried: inside an
    enclosing one the first attempt's work is already part of a transaction that has failed."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for attempt in range(attempts):
                if connections[using].in_atomic_block:
                    return function(*args, **kwargs)
                try:
                    return function(*args, **kwargs)
                except DatabaseError as exc:
                    if not is_transient(exc) or attempt == attempts - 1:
                        raise
                    delay = backoff(attempt)
                    logger.warning(
                        "%s met a transient database error (%s); retrying in %.2fs",
                        function.__qualname__,
                        _sqlstate(exc) or exc,
                        delay,
                    )
                    time.sleep(delay)
            raise AssertionError("unreachable")

        return cast(F, wrapper)

    return decorate(func) if func is not None else decorate


# --- leases: "a live process is working on this" --------------------------------------------------


def _lease_keys(namespace: str, key: int) -> tuple[int, int]:
    import zlib

    # PostgreSQL's two-key advisory locks take two int4: a stable hash of the namespace, and the id.
    return zlib.crc32(namespace.encode()) - 2**31, int(key)


@contextlib.contextmanager
def session_lease(namespace: str, key: int, *, using: str = "default", wait: float = 0.0) -> Iterator[bool]:
    """Hold a lease on ``(namespace, key)`` while the block runs; yields whether it was had.
    ``wait``: seconds to keep asking while someone else holds it (0: ask once).

    On PostgreSQL this is a session advisory lock: it is held by the database session, not by a
    transaction, so it lasts across the many small transactions of a long job, and it ends when the
    session does, so a process killed with ``kill -9`` gives it up the moment its connection drops.
    That makes it the test of "is anyone alive working on this job" for the sweepers. SQLite has
    no such thing (and one writer at a time): the lease is always had there."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        yield True
        return
    ns, k = _lease_keys(namespace, key)
    deadline = time.monotonic() + wait
    with conn.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ns, k])
            held = bool(cursor.fetchone()[0])
            if held or time.monotonic() >= deadline:
                break
            time.sleep(min(0.25, max(0.0, deadline - time.monotonic())))
    try:
        yield held
    finally:
        if held:
            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ns, k])


def lease_is_free(namespace: str, key: int, *, using: str = "default") -> bool | None:
    """Whether nobody holds the lease (None where leases do not exist: SQLite)."""
    if connections[using].vendor != "postgresql":
        return None
    with session_lease(namespace, key, using=using) as held:
        return held
