"""The ventures API: the journey from application to first repayment, and its refusals."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from funds.models import LedgerTransaction, PaymentRequest
from tests.conftest import People
from tests.funds.conftest import FundWorld, yuan
from tests.ventures.conftest import disbursed
from ventures.models import Loan, Repayment, Venture

pytestmark = pytest.mark.django_db


def as_user(user: User) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def application(product: int, amount: str = "12000", **extra: Any) -> dict[str, Any]:
    body = {
        "product": product,
        "business_name": "王记牛肉面",
        "business": "牛肉面馆",
        "address": "乌兰镇新华街 12 号",
        "total_cost": "40000",
        "own_funds": "8000",
        "amount": amount,
        "expected_monthly_income": "6000",
        "jobs_expected": 2,
    }
    body.update(extra)
    return body


def test_a_venture_goes_from_application_to_first_repayment_through_the_api(
    world: FundWorld, people: People, products: Any
) -> None:
    created = as_user(people.wang).post(
        "/api/v1/ventures/applications/", application(products["free"].pk), format="json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["state"] == "helper_review" and created.json()["amount_fen"] == yuan(12_000)
    for who in (people.hana, people.olga):
        answer = as_user(who).post(f"/api/v1/ventures/applications/{pk}/review/", {"approve": True}, format="json")
        assert answer.status_code == 200, answer.content
    assert answer.json()["state"] == "approved"
    opened = as_user(people.olga).post(f"/api/v1/ventures/applications/{pk}/loan/", {}, format="json")
    assert opened.status_code == 201, opened.content
    loan = opened.json()["id"]
    approved = as_user(people.alice).post(
        f"/api/v1/ventures/loans/{loan}/approve-payment/", {"approve": True}, format="json"
    )
    assert approved.status_code == 200, approved.content
    paid = as_user(people.olga).post(f"/api/v1/ventures/loans/{loan}/disburse/", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert paid.status_code == 200 and paid.json()["state"] == "active" and len(paid.json()["instalments"]) == 12
    repaid = as_user(people.hana).post(
        f"/api/v1/ventures/loans/{loan}/repayments/", {"amount": "1000"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1"
    )
    assert repaid.status_code == 201, repaid.content
    again = as_user(people.hana).post(
        f"/api/v1/ventures/loans/{loan}/repayments/", {"amount": "1000"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1"
    )
    assert again.status_code == 200 and again.json()["id"] == repaid.json()["id"]
    assert LedgerTransaction.objects.filter(kind="repayment").count() == 1
    schedule = as_user(people.wang).get(f"/api/v1/ventures/loans/{loan}/").json()
    assert schedule["instalments"][0]["state"] == "paid" and schedule["outstanding_fen"] == yuan(11_000)
    portfolio = as_user(people.aude).get("/api/v1/ventures/portfolio/").json()
    assert portfolio["total"]["outstanding_fen"] == yuan(11_000) and portfolio["total"]["loans"] == 1


def test_a_loan_above_the_cap_through_the_api_is_400_and_writes_nothing(
    world: FundWorld, people: People, products: Any
) -> None:
    answer = as_user(people.wang).post(
        "/api/v1/ventures/applications/", application(products["free"].pk, "50000.01"), format="json"
    )
    assert answer.status_code == 400 and answer.json()["field"] == "amount"
    assert "at most ¥50,000.00" in answer.json()["detail"]
    assert not Venture.objects.exists()


def test_a_worker_applying_for_someone_else_through_the_api_is_403(
    world: FundWorld, people: People, products: Any, household_b: Any
) -> None:
    other = household_b.members.get()
    answer = as_user(people.wang).post(
        "/api/v1/ventures/applications/", application(products["free"].pk, member=other.pk), format="json"
    )
    assert answer.status_code == 403 and "own business" in answer.json()["detail"]
    assert not Venture.objects.exists()


def test_approving_ones_own_loan_payment_through_the_api_is_403(
    world: FundWorld, people: People, products: Any
) -> None:
    from tests.ventures.conftest import approved_venture

    venture = approved_venture(world, people, products["free"])
    loan = as_user(people.olga).post(f"/api/v1/ventures/applications/{venture.pk}/loan/", {}, format="json").json()
    answer = as_user(people.olga).post(
        f"/api/v1/ventures/loans/{loan['id']}/approve-payment/", {"approve": True}, format="json"
    )
    assert answer.status_code == 403
    assert PaymentRequest.objects.get().state == PaymentRequest.State.REQUESTED


def test_a_repayment_above_outstanding_through_the_api_is_409(world: FundWorld, people: People, products: Any) -> None:
    loan = disbursed(world, people, products["free"])
    answer = as_user(people.hana).post(
        f"/api/v1/ventures/loans/{loan.pk}/repayments/", {"amount": "12000.01"}, format="json", HTTP_IDEMPOTENCY_KEY="x"
    )
    assert answer.status_code == 409 and answer.json()["field"] == "amount"
    assert not Repayment.objects.exists() and LedgerTransaction.objects.filter(kind="repayment").count() == 0


def test_a_repayment_without_an_idempotency_key_is_refused(world: FundWorld, people: People, products: Any) -> None:
    loan = disbursed(world, people, products["free"])
    answer = as_user(people.hana).post(f"/api/v1/ventures/loans/{loan.pk}/repayments/", {"amount": "10"}, format="json")
    assert answer.status_code == 400 and not Repayment.objects.exists()


def test_others_see_no_such_loan_and_employers_no_portfolio(world: FundWorld, people: People, products: Any) -> None:
    loan = disbursed(world, people, products["free"])
    assert as_user(people.bob).get(f"/api/v1/ventures/loans/{loan.pk}/").status_code == 404
    assert as_user(people.eve).get("/api/v1/ventures/portfolio/").status_code == 403
    assert as_user(people.wang).get("/api/v1/ventures/loans/").json()["count"] == 1
    assert Loan.objects.count() == 1


def test_the_openapi_schema_builds_with_the_ventures_endpoints(db: Any) -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/ventures/loans/{id}/repayments/" in schema["paths"]


def test_the_business_is_registered_as_a_jobs_employer_and_its_hires_count(
    world: FundWorld, people: People, products: Any
) -> None:
    from jobs.models import Employer
    from tests.jobs.conftest import fresh_uscc
    from tests.ventures.conftest import approved_venture

    venture = approved_venture(world, people, products["free"])
    body = {
        "name": "王记牛肉面馆",
        "uscc": fresh_uscc(),
        "contact_name": "王强",
        "contact_phone": "13847709999",
        "region_code": "150624",
        "industry": "catering",
        "username": "wangji",
        "password": "beef-noodles-2026",
    }
    answer = as_user(people.hana).post(
        f"/api/v1/ventures/applications/{venture.pk}/register-employer/", body, format="json"
    )
    assert answer.status_code == 201, answer.content
    employer = Employer.objects.get(name="王记牛肉面馆")
    assert answer.json()["employer"] == employer.pk and employer.status == Employer.Status.PENDING
    again = as_user(people.hana).post(
        f"/api/v1/ventures/applications/{venture.pk}/register-employer/", body | {"uscc": fresh_uscc()}, format="json"
    )
    assert again.status_code == 409 and Employer.objects.count() == 1


def test_a_stale_decision_through_the_api_is_a_409(world: FundWorld, people: People, products: Any) -> None:
    created = as_user(people.wang).post(
        "/api/v1/ventures/applications/", application(products["free"].pk), format="json"
    )
    pk = created.json()["id"]
    decide = {"approve": True, "expected_state": "helper_review"}
    assert (
        as_user(people.hana).post(f"/api/v1/ventures/applications/{pk}/review/", decide, format="json").status_code
        == 200
    )
    stale = as_user(people.olga).post(f"/api/v1/ventures/applications/{pk}/review/", decide, format="json")
    assert stale.status_code == 409
    assert Venture.objects.get(pk=pk).state == Venture.State.ORGANIZER_REVIEW
