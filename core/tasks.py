"""Celery plumbing every app uses: the base class of all tasks, enqueueing through the outbox, and
the kernel's own periodic tasks."""

from __future__ import annotations

import time
from typing import Any

from celery import Task, current_app, shared_task
from django.db import DatabaseError, transaction

from core import outbox
from core.db import backoff, is_transient
from core.maintenance import analyze_database

# A task that meets a deadlock runs again, this many times at most, after a backoff that doubles
# from about a second up to a minute.
TRANSIENT_RETRIES = 5


class ReliableTask(Task):
    """The base class of every task (``web/celery.py``): a transient database error (a deadlock, a
    serialization failure) retries the task with a bounded backoff instead of failing it; any other
    error fails it as before."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        attempt = 0
        while True:
            try:
                return super().__call__(*args, **kwargs)
            except DatabaseError as exc:
                if not is_transient(exc) or self.request.called_directly:
                    raise
                if self.request.is_eager:
                    # In-process (the embedded default): no broker to come back through, so run again here.
                    if attempt >= TRANSIENT_RETRIES:
                        raise
                    time.sleep(backoff(attempt))
                    attempt += 1
                    continue
                raise self.retry(
                    exc=exc,
                    countdown=backoff(self.request.retries, base=1.0, cap=60.0),
                    max_retries=TRANSIENT_RETRIES,
                ) from exc


@shared_task(name="core.analyze_database")
def analyze() -> None:
    analyze_database()


@shared_task(name="core.relay_outbox", ignore_result=True)
def relay_outbox() -> int:
    """Beat: send what the outbox holds (rows of processes that died, rows that waited out a broker
    outage). Expires quickly: a tick that waited in the queue is replaced by the next one."""
    return outbox.relay().sent


def enqueue_on_commit(task_name: str, *args: Any) -> None:
    """Run the task ``task_name`` once the current transaction commits (at once outside one).

    By name, so that a lower layer can set off a higher one without importing it (a changed
    posting refreshes its matches: ``"matching.refresh_posting"``). Only ids travel, never model
    instances (the arguments must be JSON).

    With a broker the task is written to the outbox in the current transaction (``core.outbox``):
    it exists exactly when the change does, and it is sent after the commit by a relay, never by
    the request itself, so a broker that is down or hangs neither loses it nor holds the request.
    Without a broker (the embedded default, eager Celery) it runs in-process once the transaction
    commits; ``robust``: a failing follow-up is logged, it does not undo or fail the write that was
    just committed."""
    if current_app.conf.task_always_eager:

        def run() -> None:
            # Through a signature of the registered task, which honours eager mode.
            current_app.signature(task_name, args=list(args)).delay()

        transaction.on_commit(run, robust=True)
        return
    outbox.add(task_name, list(args))
    transaction.on_commit(outbox.wake, robust=True)
