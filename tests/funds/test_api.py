"""The fund ledger's REST API under /api/v1/: every endpoint once, the maker-checker and the
idempotent payment through HTTP, the lines nobody may cross, and the error format."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from funds import ledger
from funds.models import Budget, FundSource, LedgerTransaction, PaymentRequest
from tests.conftest import People, Tree
from tests.funds.conftest import PERIOD, YEAR, FundWorld, paid, request_for, yuan

pytestmark = pytest.mark.django_db

API = "/api/v1"


def as_user(user: User) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")  # messages are asserted in English
    client.force_authenticate(user)
    return client


def _ask(world: FundWorld, by: User, amount: str = "1200.50", **extra: Any) -> Any:
    body = {"budget": world.budget.pk, "amount": amount, "period": PERIOD, "payee": world.wang.pk, **extra}
    return as_user(by).post(f"{API}/payment-requests/", body, format="json")


def test_a_payment_goes_from_request_to_ledger_through_the_api(world: FundWorld, people: People) -> None:
    asked = _ask(world, people.hana)
    assert asked.status_code == 201, asked.content
    assert asked.json()["amount"] == "1200.50" and asked.json()["amount_fen"] == 120050
    pk = asked.json()["id"]
    approved = as_user(people.olga).post(f"{API}/payment-requests/{pk}/approve/", {"note": "同意"}, format="json")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    cash = ledger.fund_cash(world.fund)
    first = as_user(people.olga).post(f"{API}/payment-requests/{pk}/pay/", HTTP_IDEMPOTENCY_KEY="btn-1")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["kind"] == "grant" and body["payee_name"] == world.wang.name
    assert sorted(e["amount_fen"] for e in body["entries"]) == [-120050, 120050]
    retry = as_user(people.olga).post(f"{API}/payment-requests/{pk}/pay/", HTTP_IDEMPOTENCY_KEY="btn-1")
    assert retry.status_code == 200 and retry.json()["id"] == body["id"]
    assert ledger.fund_cash(world.fund) == cash - 120050
    assert LedgerTransaction.objects.filter(kind="grant").count() == 1


def test_approving_ones_own_request_through_the_api_is_403_with_a_clear_message(
    world: FundWorld, people: People
) -> None:
    pk = _ask(world, people.olga).json()["id"]
    answer = as_user(people.olga).post(f"{API}/payment-requests/{pk}/approve/", {}, format="json")
    assert answer.status_code == 403
    assert answer.json()["code"] == "forbidden" and "own payment request" in answer.json()["detail"]
    assert PaymentRequest.objects.get(pk=pk).state == "requested"


@pytest.mark.parametrize("amount", ["0", "-50", "0.00"])
def test_negative_or_zero_amounts_are_400_and_nothing_is_written(world: FundWorld, people: People, amount: str) -> None:
    answer = _ask(world, people.hana, amount=amount)
    assert answer.status_code == 400 and answer.json()["field"] == "amount"
    assert not PaymentRequest.objects.exists()


def test_paying_without_an_idempotency_key_is_refused(world: FundWorld, people: People) -> None:
    pk = _ask(world, people.hana).json()["id"]
    as_user(people.olga).post(f"{API}/payment-requests/{pk}/approve/", {}, format="json")
    answer = as_user(people.olga).post(f"{API}/payment-requests/{pk}/pay/")
    assert answer.status_code == 400 and answer.json()["field"] == "idempotency_key"
    assert not LedgerTransaction.objects.filter(kind="grant").exists()


def test_paying_beyond_the_remaining_budget_is_409(world: FundWorld, people: People) -> None:
    first = _ask(world, people.hana, amount="60000").json()["id"]
    second = _ask(world, people.hana, amount="60000").json()["id"]
    for pk in (first, second):
        as_user(people.alice).post(f"{API}/payment-requests/{pk}/approve/", {}, format="json")
    assert (
        as_user(people.olga).post(f"{API}/payment-requests/{first}/pay/", HTTP_IDEMPOTENCY_KEY="a").status_code == 201
    )
    answer = as_user(people.olga).post(f"{API}/payment-requests/{second}/pay/", HTTP_IDEMPOTENCY_KEY="b")
    assert answer.status_code == 409 and "beyond" in answer.json()["detail"]


def test_the_ledger_is_read_only_and_corrected_by_a_reversal(world: FundWorld, people: People) -> None:
    txn = paid(world, people, yuan(700))
    client = as_user(people.alice)
    url = f"{API}/ledger/{txn.pk}/"
    assert client.get(url).status_code == 200
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(url, {}, format="json").status_code == 405
    reversal = client.post(f"{url}reverse/", {"reason": "重复"}, format="json")
    assert reversal.status_code == 201 and reversal.json()["reverses"] == str(txn.pk)
    assert client.get(url).json()["reversed_by"] == reversal.json()["id"]
    assert client.post(f"{url}reverse/", {"reason": "again"}, format="json").status_code == 409


def test_the_auditor_reads_ledger_reconciliation_and_anomalies_but_writes_nothing(
    world: FundWorld, people: People, tree: Tree
) -> None:
    paid(world, people, yuan(500))
    paid(world, people, yuan(500))  # a duplicate: flagged
    auditor = as_user(people.aude)
    assert auditor.get(f"{API}/ledger/").json()["count"] == 3  # the money in and two payments
    report = auditor.get(f"{API}/reconciliation/", {"year": YEAR}).json()
    assert report["balanced"] is True
    (fund,) = report["funds"]
    assert fund["entries_total_fen"] == 0 and fund["paid"] == "1000.00" and fund["cash"] == "499000.00"
    assert fund["budgets"][0]["remaining"] == "99000.00"
    assert auditor.get(f"{API}/funds/{world.fund.pk}/reconciliation/").json()["funds"][0]["open_flags"] == 1
    flags = auditor.get(f"{API}/anomalies/", {"open": "1"}).json()["results"]
    assert [f["kind"] for f in flags] == ["duplicate"]
    assert (
        auditor.post(f"{API}/anomalies/{flags[0]['id']}/resolve/", {"resolution": "x"}, format="json").status_code
        == 403
    )
    assert _ask(world, people.aude).status_code == 403
    assert (
        auditor.post(
            f"{API}/funds/", {"name": "x", "kind": "donation", "org_unit": tree.county.pk}, format="json"
        ).status_code
        == 403
    )
    txn = LedgerTransaction.objects.filter(kind="grant").first()
    assert auditor.post(f"{API}/ledger/{txn.pk}/reverse/", {"reason": "x"}, format="json").status_code == 403


def test_organizers_open_funds_record_money_in_and_set_budgets(world: FundWorld, people: People, tree: Tree) -> None:
    client = as_user(people.olga)
    created = client.post(
        f"{API}/funds/", {"name": "乌兰镇爱心捐赠", "kind": "donation", "org_unit": tree.town_a.pk}, format="json"
    )
    assert created.status_code == 201, created.content
    fund = created.json()["id"]
    money = client.post(
        f"{API}/funds/{fund}/contributions/", {"amount": "8000"}, format="json", HTTP_IDEMPOTENCY_KEY="gift-1"
    )
    assert money.status_code == 201
    again = client.post(
        f"{API}/funds/{fund}/contributions/", {"amount": "8000"}, format="json", HTTP_IDEMPOTENCY_KEY="gift-1"
    )
    assert again.json()["id"] == money.json()["id"]
    assert ledger.fund_cash(fund) == yuan(8_000)
    budget = client.post(
        f"{API}/budgets/",
        {"source": fund, "year": YEAR, "org_unit": tree.station_a.pk, "purpose": "warmth", "amount": "5000"},
        format="json",
    )
    assert budget.status_code == 201 and budget.json()["amount"] == "5000.00"
    assert client.get(f"{API}/budgets/", {"year": YEAR}).json()["count"] == 2  # the county's for town A, and this one
    # Town B's organizer sees neither the fund nor the budget, and cannot budget from it.
    other = as_user(people.bob)
    assert other.get(f"{API}/funds/{fund}/").status_code == 404
    assert other.get(f"{API}/budgets/{budget.json()['id']}/").status_code == 404
    assert (
        other.post(
            f"{API}/budgets/",
            {"source": fund, "year": YEAR, "org_unit": tree.town_b.pk, "purpose": "warmth", "amount": "1"},
            format="json",
        ).status_code
        == 404
    )
    assert Budget.objects.count() == 2 and FundSource.objects.count() == 2


def test_a_repayment_above_what_is_owed_is_409(world: FundWorld, people: People) -> None:
    paid(world, people, yuan(3_000), kind=PaymentRequest.Kind.LOAN)
    client = as_user(people.hana)
    url = f"{API}/funds/{world.fund.pk}/repayments/"
    body = {"payee": world.wang.pk, "purpose": "entrepreneurship", "amount": "1000"}
    # Hana cannot see the county fund: repayments go through an organizer of the fund's unit.
    assert client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="r1").status_code == 404
    alice = as_user(people.alice)
    assert alice.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="r1").status_code == 201
    too_much = alice.post(url, {**body, "amount": "2000.01"}, format="json", HTTP_IDEMPOTENCY_KEY="r2")
    assert too_much.status_code == 409 and too_much.json()["field"] == "amount"
    assert ledger.payee_outstanding(world.fund, world.wang.pk) == yuan(2_000)


def test_outsiders_see_nothing(world: FundWorld, people: People) -> None:
    paid(world, people, yuan(100))
    request_for(world, people.hana, yuan(100))
    for user in (people.bob, people.wang, people.eve):
        client = as_user(user)
        for path in ("ledger", "payment-requests", "anomalies", "budgets", "funds"):
            assert client.get(f"{API}/{path}/").json()["count"] == 0, (user, path)
        assert client.get(f"{API}/reconciliation/").json() == {"balanced": True, "funds": [], "other_budgets": []}


def test_the_schema_describes_the_fund_endpoints() -> None:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")  # messages are asserted in English
    schema = client.get("/api/schema/", {"format": "json"})
    paths = schema.json()["paths"]
    assert "/api/v1/payment-requests/{id}/pay/" in paths
    parameters = paths["/api/v1/payment-requests/{id}/pay/"]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in parameters)
