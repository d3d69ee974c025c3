"""The ventures pages: the worker applies and follows the schedule; the helper and organizers
review, pay out, record repayments and write-offs; the auditor reads; others are kept out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from funds import services as funds_services
from funds.models import LedgerTransaction
from tests.conftest import People
from tests.funds.conftest import FundWorld, key, yuan
from tests.ventures.conftest import applied, approved_venture, bank_loan, disbursed
from ventures import services
from ventures.models import Loan, Repayment, Venture, WriteOff

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_a_worker_applies_on_the_page_and_sees_it_waiting_for_the_helper(
    world: FundWorld, people: People, products: Any
) -> None:
    client = client_for(people.wang)
    form = client.get("/ventures/apply/")
    assert form.status_code == 200 and "Interest-free union loan" in form.content.decode()
    answer = client.post(
        "/ventures/apply/",
        {
            "product": products["free"].pk,
            "business_name": "王记牛肉面",
            "business": "牛肉面馆",
            "address": "乌兰镇",
            "total_cost": "40000",
            "own_funds": "8000",
            "amount": "12000",
            "expected_monthly_income": "6000",
            "jobs_expected": "2",
        },
    )
    venture = Venture.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/ventures/{venture.pk}/"
    page = client.get("/ventures/mine/").content.decode()
    assert "王记牛肉面" in page and "Waiting for the helper" in page


def test_an_amount_above_the_cap_comes_back_on_the_form_and_nothing_is_written(
    world: FundWorld, people: People, products: Any
) -> None:
    answer = client_for(people.wang).post(
        "/ventures/apply/",
        {
            "product": products["free"].pk,
            "business_name": "x",
            "business": "x",
            "address": "x",
            "total_cost": "90000",
            "amount": "60000",
        },
    )
    assert answer.status_code == 400 and "lends at most" in answer.content.decode()
    assert not Venture.objects.exists()


def test_the_review_chain_and_payout_on_the_pages(world: FundWorld, people: People, products: Any) -> None:
    venture = applied(world, people, products["free"], yuan(12_000))
    queue = client_for(people.hana).get("/ventures/review/").content.decode()
    assert "王记牛肉面" in queue
    assert client_for(people.hana).post(f"/ventures/{venture.pk}/review/", {"decision": "approve"}).status_code == 302
    refused = client_for(people.olga).post(f"/ventures/{venture.pk}/review/", {"decision": "refuse", "note": ""})
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    assert client_for(people.olga).post(f"/ventures/{venture.pk}/review/", {"decision": "approve"}).status_code == 302
    venture.refresh_from_db()
    assert venture.state == Venture.State.APPROVED
    opened = client_for(people.olga).post(f"/ventures/{venture.pk}/loan/", {"budget": world.budget.pk})
    assert opened.status_code == 302
    loan = Loan.objects.get()
    # Olga asked for the payment: she is not offered its approval, and going around the page fails.
    assert "Approve the payment" not in client_for(people.olga).get(f"/ventures/{venture.pk}/").content.decode()
    client_for(people.olga).post(f"/ventures/loans/{loan.pk}/approve-payment/")
    assert loan.payment_request and not funds_services.PaymentRequest.objects.filter(state="approved").exists()
    client_for(people.alice).post(f"/ventures/loans/{loan.pk}/approve-payment/")
    paid = client_for(people.olga).post(f"/ventures/loans/{loan.pk}/disburse/", {"idempotency_key": "page-1"})
    assert paid.status_code == 302
    again = client_for(people.olga).post(f"/ventures/loans/{loan.pk}/disburse/", {"idempotency_key": "page-1"})
    assert again.status_code == 302 and LedgerTransaction.objects.filter(kind="loan").count() == 1
    page = client_for(people.wang).get(f"/ventures/{venture.pk}/").content.decode()
    assert "Repayment schedule" in page and page.count('data-state="due"') == 12


def test_a_repayment_is_recorded_on_the_page_and_shows_as_paid(world: FundWorld, people: People, products: Any) -> None:
    loan = disbursed(world, people, products["free"])
    answer = client_for(people.hana).post(
        f"/ventures/loans/{loan.pk}/repay/",
        {"amount": "1000", "paid_on": timezone.localdate().isoformat(), "idempotency_key": "page-r1"},
    )
    assert answer.status_code == 302
    page = client_for(people.wang).get(f"/ventures/{loan.venture_id}/").content.decode()
    assert 'data-instalment="1" data-state="paid"' in page
    too_much = client_for(people.hana).post(
        f"/ventures/loans/{loan.pk}/repay/",
        {"amount": "20000", "paid_on": timezone.localdate().isoformat(), "idempotency_key": "page-r2"},
    )
    assert too_much.status_code == 400 and "outstanding" in too_much.content.decode()
    assert Repayment.objects.count() == 1


def test_a_write_off_is_asked_and_approved_by_another_organizer(
    world: FundWorld, people: People, products: Any
) -> None:
    loan = disbursed(world, people, products["free"])
    client_for(people.hana).post(f"/ventures/loans/{loan.pk}/write-off/", {"reason": "经营失败"})
    write_off = WriteOff.objects.get()
    assert "Approve the write-off" not in client_for(people.hana).get("/ventures/write-offs/").content.decode()
    client_for(people.olga).post(
        f"/ventures/write-offs/{write_off.pk}/decide/",
        {"decision": "approve", "idempotency_key": key(), "next": "list"},
    )
    loan.refresh_from_db()
    assert loan.state == Loan.State.WRITTEN_OFF


def test_the_overdue_list_and_the_portfolio(world: FundWorld, people: People, products: Any) -> None:
    loan = disbursed(world, people, products["free"])
    services.mark_overdue(today=timezone.localdate() + dt.timedelta(days=45))
    overdue = client_for(people.hana).get("/ventures/overdue/").content.decode()
    assert loan.venture.business_name in overdue and "哈娜" in overdue
    portfolio = client_for(people.aude).get("/ventures/portfolio/").content.decode()
    assert "¥12,000.00" in portfolio and "Reconciliation" in portfolio and "/funds/" in portfolio


def test_the_auditor_reads_and_is_offered_no_action(world: FundWorld, people: People, products: Any) -> None:
    loan = disbursed(world, people, products["free"])
    page = client_for(people.aude).get(f"/ventures/{loan.venture_id}/").content.decode()
    assert "Repayment schedule" in page and "Record a repayment" not in page and "Ask to write" not in page
    assert client_for(people.aude).post(f"/ventures/loans/{loan.pk}/repay/", {}).status_code == 404
    assert client_for(people.aude).get("/ventures/review/").status_code == 403


def test_others_are_kept_out(world: FundWorld, people: People, products: Any) -> None:
    venture = applied(world, people, products["free"])
    assert client_for(people.bob).get(f"/ventures/{venture.pk}/").status_code == 404
    assert client_for(people.eve).get("/ventures/portfolio/").status_code == 403
    assert client_for(people.eve).get(f"/ventures/{venture.pk}/").status_code == 404
    assert client_for(people.wang).get("/ventures/portfolio/").status_code == 403


def test_a_bank_loan_page_takes_a_subsidy_claim_once_per_period(
    world: FundWorld, people: People, products: Any
) -> None:
    loan = bank_loan(world, people, products["bank"])
    url = f"/ventures/loans/{loan.pk}/claims/"
    body = {"period": f"{timezone.localdate().year}-Q1", "interest_paid": "700", "statement": "NS-1"}
    assert client_for(people.hana).post(url, body).status_code == 302
    twice = client_for(people.hana).post(url, body)
    assert twice.status_code == 400 and "already has a claim" in twice.content.decode()
    assert loan.subsidy_claims.count() == 1


def test_support_in_kind_is_recorded_on_the_page(world: FundWorld, people: People, products: Any) -> None:
    venture = approved_venture(world, people, products["goods"], yuan(9_000))
    answer = client_for(people.olga).post(
        f"/ventures/{venture.pk}/in-kind/",
        {"supplier": "农牧机械销售部", "item_1_name": "饲草粉碎机", "item_1_quantity": "1", "item_1_value": "6000"},
    )
    assert answer.status_code == 302
    page = client_for(people.olga).get(f"/ventures/{venture.pk}/").content.decode()
    assert "饲草粉碎机" in page and "¥6,000.00" in page


def test_pages_fit_a_phone(world: FundWorld, people: People, products: Any) -> None:
    """Tables collapse to labelled rows (``responsive``) and the page has the viewport tag."""
    loan = disbursed(world, people, products["free"])
    page = client_for(people.wang).get(f"/ventures/{loan.venture_id}/").content.decode()
    assert 'name="viewport"' in page and 'class="table responsive schedule"' in page


def test_the_review_form_carries_the_state_seen_and_a_stale_decision_changes_nothing(
    world: FundWorld, people: People, products: Any
) -> None:
    venture = applied(world, people, products["free"], yuan(12_000))
    page = client_for(people.hana).get(f"/ventures/{venture.pk}/").content.decode()
    assert f'name="expected_state" value="{venture.state}"' in page
    services.venture_review(venture=venture, by=people.hana, approve=True)
    stale = client_for(people.olga).post(
        f"/ventures/{venture.pk}/review/", {"decision": "refuse", "note": "资料不全", "expected_state": "helper_review"}
    )
    assert stale.status_code == 400 and "changed since you opened it" in stale.content.decode()
    assert 'name="expected_state" value="organizer_review"' in stale.content.decode()  # shown as it is now
    venture.refresh_from_db()
    assert venture.state == Venture.State.ORGANIZER_REVIEW and venture.reviews.count() == 1
