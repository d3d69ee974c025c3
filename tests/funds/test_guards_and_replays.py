"""Findings 8 and 9 of the outside reliability test (issue 17).

8. A retry with the same ``Idempotency-Key`` that waited behind the first attempt gets the first
   answer (200, the same voucher), not "key used for another posting"; a replayed contribution
   answers 200, not 201, so a client can tell whether money moved.
9. The database itself refuses a balanced posting that takes a fund's cash below zero or spends
   beyond its budget, and a budget lowered below what it has spent: below the services, on SQLite
   (triggers) and PostgreSQL (a constraint trigger that serialises the checks of one fund).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from rest_framework.test import APIClient

from funds import ledger, services
from funds.models import Account, Budget, LedgerTransaction, PaymentRequest
from tests.funds.conftest import FundWorld, approved, key, yuan
from tests.reliability.races import race

# --- 9: the database guards cash and budgets ----------------------------------------------------------


def raw_posting(
    world: FundWorld, amount: int, *, budget: Budget | None = None, kind: str = Account.Kind.EXPENSE
) -> Any:
    """A balanced posting written straight through ``ledger.post``, below every service check."""
    source = world.fund
    return ledger.post(
        legs=[
            (ledger.account_for(source, kind, world.purpose), amount),
            (ledger.account_for(source, Account.Kind.CASH), -amount),
        ],
        source=source,
        org_unit=source.org_unit,
        kind=LedgerTransaction.Kind.GRANT,
        purpose=world.purpose,
        budget=budget,
        idempotency_key=key("raw"),
        created_by=source.created_by,
    )


@pytest.mark.django_db
def test_the_database_refuses_a_balanced_posting_that_overdraws_the_fund(world: FundWorld) -> None:
    cash = ledger.fund_cash(world.fund)
    with pytest.raises(IntegrityError, match="cash of a fund below zero"), transaction.atomic():
        raw_posting(world, cash + 1)
    assert ledger.fund_cash(world.fund) == cash
    raw_posting(world, cash)  # to the last fen is allowed
    assert ledger.fund_cash(world.fund) == 0


@pytest.mark.django_db
def test_the_database_refuses_a_posting_beyond_its_budget(world: FundWorld) -> None:
    raw_posting(world, yuan(60_000), budget=world.budget)
    with pytest.raises(IntegrityError, match="beyond its budget"), transaction.atomic():
        raw_posting(world, yuan(40_000) + 1, budget=world.budget)
    assert ledger.budget_used(world.budget) == yuan(60_000)
    raw_posting(world, yuan(40_000), budget=world.budget, kind=Account.Kind.RECEIVABLE)  # a loan spends it too
    assert ledger.budget_used(world.budget) == yuan(100_000)


@pytest.mark.django_db
def test_the_database_refuses_a_budget_lowered_below_what_it_spent(world: FundWorld) -> None:
    raw_posting(world, yuan(30_000), budget=world.budget)
    with pytest.raises(IntegrityError, match="below what it has spent"), transaction.atomic():
        Budget.objects.filter(pk=world.budget.pk).update(amount=yuan(30_000) - 1)
    Budget.objects.filter(pk=world.budget.pk).update(amount=yuan(30_000))  # down to what it spent is fine


@pytest.mark.django_db
def test_a_reversal_that_gives_money_back_is_never_refused(world: FundWorld, people: Any) -> None:
    txn = raw_posting(world, ledger.fund_cash(world.fund), budget=None)
    services.transaction_reverse(txn=txn, by=people.alice, reason="录入错误")
    assert ledger.fund_cash(world.fund) == yuan(500_000)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent writers")
def test_two_raw_postings_that_together_overdraw_are_not_both_accepted(world: FundWorld) -> None:
    """No service lock here: only the database's guard stands between them."""
    half = ledger.fund_cash(world.fund) // 2 + 1

    def post() -> Any:
        with transaction.atomic():
            return raw_posting(world, half)

    outcomes = race([post, post])
    assert sorted(type(o).__name__ for o in outcomes) == ["IntegrityError", "LedgerTransaction"], outcomes
    assert ledger.fund_cash(world.fund) == yuan(500_000) - half


# --- 8: a retry that waited behind the first gets the first answer -------------------------------------


def pay_over_api(people: Any, request: PaymentRequest, idempotency_key: str) -> Any:
    client = APIClient()
    client.force_authenticate(people.olga)
    try:
        return client.post(f"/api/v1/payment-requests/{request.pk}/pay/", HTTP_IDEMPOTENCY_KEY=idempotency_key)
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent requests")
def test_a_retry_that_waited_behind_the_first_pay_gets_the_same_voucher(world: FundWorld, people: Any) -> None:
    request = approved(world, people, yuan(1000))
    the_key = key("pay")
    held, release = threading.Event(), threading.Event()

    def hold_the_request_row() -> None:
        with transaction.atomic():
            PaymentRequest.objects.select_for_update().get(pk=request.pk)
            held.set()
            release.wait(timeout=30)
        connection.close()

    holder = threading.Thread(target=hold_the_request_row)
    holder.start()
    assert held.wait(timeout=10)
    answers: list[Any] = []
    payers = [threading.Thread(target=lambda: answers.append(pay_over_api(people, request, the_key))) for _ in range(2)]
    for payer in payers:
        payer.start()
    # Both requests are now waiting for the row: release it.
    _wait_for_lock_waiters(2)
    release.set()
    holder.join(timeout=30)
    for payer in payers:
        payer.join(timeout=30)

    assert sorted(a.status_code for a in answers) == [200, 201], [a.json() for a in answers]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.GRANT).count() == 1


def _wait_for_lock_waiters(n: int) -> None:
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= n:
                return
        time.sleep(0.05)
    raise AssertionError("the payments never waited for the held row")


@pytest.mark.django_db
def test_a_replayed_contribution_answers_200_with_the_same_posting(world: FundWorld, people: Any) -> None:
    client = APIClient()
    client.force_authenticate(people.alice)
    url = f"/api/v1/funds/{world.fund.pk}/contributions/"
    body = {"amount": "1000.00", "memo": "追加拨款"}
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="gift-1")
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="gift-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert LedgerTransaction.objects.filter(idempotency_key="gift-1").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent requests")
def test_two_contributions_with_one_key_at_once_post_once_and_both_get_it(world: FundWorld, people: Any) -> None:
    def contribute() -> Any:
        client = APIClient()
        client.force_authenticate(people.alice)
        try:
            return client.post(
                f"/api/v1/funds/{world.fund.pk}/contributions/",
                {"amount": "1000.00"},
                format="json",
                HTTP_IDEMPOTENCY_KEY="gift-race",
            )
        finally:
            connection.close()

    answers = race([contribute] * 4)
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 201], [a.json() for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
