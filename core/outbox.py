"""The transactional outbox: Celery tasks recorded in the database, handed to the broker after commit.

``core.tasks.enqueue_on_commit`` writes an :class:`~core.models.OutboxMessage` in the caller's
transaction. The change and its follow-up task therefore commit together or not at all, and
nothing that talks to the broker runs inside a request: when the broker is down or hangs, the
request still answers at once and the task waits in the table.

The relay (:func:`relay`) sends waiting rows in id order and deletes them, in one transaction per
batch that locks the rows it sends (``FOR UPDATE SKIP LOCKED``: relays in several processes share
the work and never send a row twice at the same time). It runs

* in a background thread of the process that committed (woken on commit, so a task normally
  reaches the broker a few milliseconds after the write), and
* as the ``core.relay_outbox`` beat task every few seconds, which picks up rows whose process died
  before relaying them and rows that waited out a broker outage;
* by hand: ``manage.py relay_outbox``.

Delivery is at least once: a relay that stops between sending and deleting leaves its rows to be
sent again, with the same task id. Every task is idempotent (they load rows by id and recompute).
A failed send backs off per row (exponentially, capped) and the relay stops at the first failure,
so a broker outage costs one connection timeout per relay run, not one per row.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from typing import Any, NamedTuple

from celery import current_app
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from core.models import OutboxMessage

logger = logging.getLogger(__name__)

BATCH = 200
MAX_BACKOFF_SECONDS = 300


def add(task_name: str, args: list[Any]) -> OutboxMessage:
    """Record a task in the current transaction (``core.tasks.enqueue_on_commit`` calls this)."""
    return OutboxMessage.objects.create(task_name=task_name, args=args)


def _publish(message: OutboxMessage) -> None:
    # ``send_task`` by name: the relay may run in a process that does not import the task's app.
    # No publish retries here: a failure is retried by the outbox, with its own backoff.
    current_app.send_task(message.task_name, args=message.args, task_id=str(message.task_id), retry=False)


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(MAX_BACKOFF_SECONDS, 2 ** min(attempts, 16)))


class RelayResult(NamedTuple):
    sent: int
    failed: bool  # a send failed: the broker is away or hangs


def relay(*, limit: int | None = None, now: bool = False) -> RelayResult:
    """Send the rows that are due (``now``: every row, backing off or not, as an operator does
    once the broker is back), oldest first. Stops at the first failed send (the broker is away:
    the rest would fail the same way)."""
    sent = 0
    while limit is None or sent < limit:
        with transaction.atomic():
            waiting = OutboxMessage.objects.select_for_update(skip_locked=True)
            if not now:
                waiting = waiting.filter(available_at__lte=timezone.now())
            rows = list(waiting.order_by("pk")[: BATCH if limit is None else min(BATCH, limit - sent)])
            if not rows:
                return RelayResult(sent, False)
            done: list[int] = []
            failed: OutboxMessage | None = None
            for message in rows:
                try:
                    _publish(message)
                except Exception as exc:  # the broker refused, timed out or is unreachable
                    failed = message
                    message.attempts += 1
                    message.available_at = timezone.now() + _backoff(message.attempts)
                    message.last_error = f"{type(exc).__name__}: {exc}"[:300]
                    message.save(update_fields=["attempts", "available_at", "last_error"])
                    logger.warning(
                        "outbox: %s could not be sent (attempt %d): %s", message, message.attempts, message.last_error
                    )
                    break
                done.append(message.pk)
            OutboxMessage.objects.filter(pk__in=done).delete()
            sent += len(done)
        if failed is not None:
            return RelayResult(sent, True)
    return RelayResult(sent, False)


def backlog() -> dict[str, Any]:
    """How many tasks wait, and for how long the oldest has (for readiness and operators)."""
    oldest = OutboxMessage.objects.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "waiting": OutboxMessage.objects.count(),
        "oldest_seconds": int((timezone.now() - oldest).total_seconds()) if oldest else 0,
    }


# --- the relay thread of a process --------------------------------------------------------------------


class _RelayThread:
    """One daemon thread per process, woken on commit. A failed relay opens a short pause during
    which wake-ups are ignored (the beat relay catches up), so a broker outage does not turn every
    commit into a connection attempt."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._event = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._paused_until = 0.0
        self._failures = 0

    def wake(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                # First use in this process (or in a child forked after the parent started one).
                self._event = threading.Event()
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)
                self._thread.start()
        self._event.set()

    def _run(self) -> None:
        event = self._event
        while True:
            event.wait()
            event.clear()
            if time.monotonic() < self._paused_until:
                continue
            try:
                close_old_connections()
                failed = relay().failed
            except Exception:
                logger.exception("outbox relay thread: relay failed")
                failed = True
            finally:
                connection.close()  # never hold a connection while idle
            if failed:
                self._failures += 1
                self._paused_until = time.monotonic() + min(60.0, 2.0**self._failures)
            else:
                self._failures = 0


_thread = _RelayThread()


def wake() -> None:
    """Relay soon, off the calling thread (called on commit)."""
    if getattr(settings, "OUTBOX_RELAY_THREAD", True):
        _thread.wake()
