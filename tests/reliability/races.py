"""Races on PostgreSQL for the reliability tests: callables released together by a barrier, each
thread on its own connection, every outcome kept (a deadlock or any other error is an outcome, not
a lost thread)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from core.errors import DomainError

postgres_only = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite lets one writer in at a time, so no two requests ever run at once",
    ),
]


def race(calls: list[Callable[[], Any]], *, timeout: float = 60) -> list[Any]:
    """Run the calls at once; returns, in the order given, each call's result or the exception it
    raised."""
    barrier = threading.Barrier(len(calls), timeout=20)
    outcomes: list[Any] = [None] * len(calls)

    def run(n: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[n] = call()
        except Exception as exc:  # kept for the assertion, not lost in the thread
            outcomes[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, c), daemon=True) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a racing call did not finish in time"
    return outcomes


def verdict(outcome: Any) -> str:
    """ "done", "refused" (a domain error: the answer a person is meant to get) or the error."""
    if isinstance(outcome, DomainError):
        return "refused"
    if isinstance(outcome, BaseException):
        return f"error: {outcome!r}"
    return "done"
