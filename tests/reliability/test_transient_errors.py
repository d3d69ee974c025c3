"""Finding 2 (the general part): a deadlock is a transient error, not a 500.

A service's transaction is run again (``core.db.retry_transient``), a task is retried with a
bounded backoff (``core.tasks.ReliableTask``, the base of every task), and what still reaches a
request is answered 503 with ``Retry-After`` (pages and API). The deadlocks themselves are made
real on PostgreSQL in test_hire_race.py and test_fair_locks.py; here they are simulated, so these
run on every database."""

from __future__ import annotations

from typing import Any
from unittest import mock

import psycopg
import pytest
from django.db import IntegrityError, OperationalError, transaction
from django.urls import reverse

from core.db import is_transient, retry_transient
from web.celery import app


def deadlock() -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = psycopg.errors.DeadlockDetected("deadlock detected")
    return error


def test_deadlocks_serialization_failures_and_a_busy_sqlite_are_transient() -> None:
    assert is_transient(deadlock())
    serialization = OperationalError("could not serialize access")
    serialization.__cause__ = psycopg.errors.SerializationFailure("could not serialize access")
    assert is_transient(serialization)
    assert is_transient(OperationalError("database is locked"))
    assert not is_transient(IntegrityError("duplicate key"))
    assert not is_transient(ValueError("deadlock detected"))


@pytest.mark.django_db(transaction=True)
def test_a_service_meeting_a_deadlock_runs_its_transaction_again() -> None:
    calls = []

    @retry_transient
    @transaction.atomic
    def service() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise deadlock()
        return "done"

    assert service() == "done"
    assert len(calls) == 3


@pytest.mark.django_db(transaction=True)
def test_retries_are_bounded_and_other_errors_are_not_retried() -> None:
    calls = []

    @retry_transient(attempts=2)
    def always() -> None:
        calls.append(1)
        raise deadlock()

    with pytest.raises(OperationalError):
        always()
    assert len(calls) == 2

    @retry_transient
    def broken() -> None:
        calls.append(1)
        raise IntegrityError("duplicate key")

    with pytest.raises(IntegrityError):
        broken()
    assert len(calls) == 3


@pytest.mark.django_db
def test_inside_an_enclosing_transaction_the_error_goes_up_to_its_owner() -> None:
    calls = []

    @retry_transient
    def service() -> None:
        calls.append(1)
        raise deadlock()

    with pytest.raises(OperationalError), transaction.atomic():
        service()
    assert len(calls) == 1


def test_a_task_meeting_a_deadlock_is_retried_with_a_bounded_backoff(eager_tasks: Any) -> None:
    calls = []

    @app.task(name="tests.reliability.flaky", bind=True)
    def flaky(self: Any) -> int:
        calls.append(1)
        if len(calls) < 3:
            raise deadlock()
        return len(calls)

    try:
        assert flaky.apply().get() == 3
        with mock.patch("core.tasks.TRANSIENT_RETRIES", 1):
            calls.clear()

            @app.task(name="tests.reliability.doomed", bind=True)
            def doomed(self: Any) -> None:
                calls.append(1)
                raise deadlock()

            with pytest.raises(OperationalError):
                doomed.apply().get()
            assert len(calls) == 2
    finally:
        app.tasks.pop("tests.reliability.flaky", None)
        app.tasks.pop("tests.reliability.doomed", None)


@pytest.mark.django_db
def test_a_page_that_meets_a_deadlock_answers_503_with_retry_after(client: Any, people: Any) -> None:
    client.force_login(people.alice)
    with mock.patch("households.views.selectors.household_list_for", side_effect=deadlock()):
        response = client.get(reverse("households:list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "未做任何更改" in response.content.decode()  # "nothing was changed", in the page's Chinese


@pytest.mark.django_db
def test_an_api_call_that_meets_a_deadlock_answers_503_busy(client: Any, people: Any) -> None:
    client.force_login(people.alice)
    with mock.patch("households.api.selectors.household_list_for", side_effect=deadlock()):
        response = client.get("/api/v1/households/")
    assert response.status_code == 503
    assert response.json()["code"] == "busy"
    assert response["Retry-After"] == "2"
