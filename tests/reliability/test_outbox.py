"""Finding 5 (in-process): the transactional outbox behind ``core.tasks.enqueue_on_commit``.

With a broker, a task is a row written in the caller's transaction (so it exists exactly when the
change does), sent after the commit by a relay and then deleted; a failed send keeps the row and
backs off. Sending is replaced by a recorder here; the real broker, down or frozen, is in
test_broker_outage.py."""

from __future__ import annotations

import time
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from core import outbox
from core.models import OutboxMessage
from core.tasks import enqueue_on_commit

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_mode() -> Any:
    from web.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def sent(monkeypatch: Any) -> list[tuple[str, list[Any]]]:
    """What the relay hands to the broker, in order."""
    record: list[tuple[str, list[Any]]] = []
    monkeypatch.setattr(outbox, "_publish", lambda message: record.append((message.task_name, message.args)))
    return record


def test_a_task_is_written_with_the_change_and_sent_after_the_commit(
    broker_mode: Any, sent: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with (
        mock.patch("core.outbox.wake") as wake,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        enqueue_on_commit("matching.refresh_member", 7)
        enqueue_on_commit("matching.refresh_posting", 9)
        assert OutboxMessage.objects.count() == 2
        assert not wake.called  # nothing leaves before the commit
    assert wake.called
    assert outbox.relay() == outbox.RelayResult(2, False)
    assert sent == [("matching.refresh_member", [7]), ("matching.refresh_posting", [9])]
    assert not OutboxMessage.objects.exists()


def test_a_rolled_back_change_leaves_no_task(broker_mode: Any, sent: list[Any]) -> None:
    with mock.patch("core.outbox.wake"), pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit("matching.refresh_member", 7)
        raise RuntimeError("the write failed")
    assert not OutboxMessage.objects.exists()
    assert outbox.relay().sent == 0


def test_a_failed_send_keeps_the_task_backs_off_and_stops_the_relay(broker_mode: Any, monkeypatch: Any) -> None:
    with mock.patch("core.outbox.wake"):
        for n in range(3):
            enqueue_on_commit("matching.refresh_member", n)
    calls = []

    def refuse(message: OutboxMessage) -> None:
        calls.append(message.args)
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(outbox, "_publish", refuse)
    assert outbox.relay() == outbox.RelayResult(0, True)
    assert calls == [[0]]  # one try, not one per waiting task
    first = OutboxMessage.objects.order_by("pk").first()
    assert first is not None
    assert (first.attempts, first.last_error) == (1, "ConnectionRefusedError: broker down")
    assert first.available_at > timezone.now()
    assert OutboxMessage.objects.count() == 3

    monkeypatch.setattr(outbox, "_publish", lambda message: calls.append(message.args))
    assert outbox.relay().sent == 2  # the first waits out its backoff
    assert outbox.relay(now=True).sent == 1  # unless an operator says now
    assert calls[-3:] == [[1], [2], [0]]
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)  # the thread reads with a connection of its own
def test_the_relay_thread_sends_soon_after_it_is_woken(broker_mode: Any, sent: list[Any], settings: Any) -> None:
    with mock.patch("core.outbox.wake"):
        enqueue_on_commit("matching.refresh_member", 5)
    outbox.wake()
    deadline = time.monotonic() + 10
    while not sent and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sent == [("matching.refresh_member", [5])]


def test_without_a_broker_the_task_runs_in_process_after_the_commit(
    eager_tasks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with mock.patch("celery.app.base.Celery.signature") as signature, django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit("matching.refresh_member", 5)
    signature.assert_called_once_with("matching.refresh_member", args=[5])
    assert not OutboxMessage.objects.exists()
