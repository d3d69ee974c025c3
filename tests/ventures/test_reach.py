"""Every page and API endpoint of ventures, tried by the personas who must not reach the records:
Bob (town B's organizer, beside town A), Eve (an employer), Zhao (another worker of town A) and
Aude (the county's auditor, who reads and never writes). Each answer is 403 or 404, never a 200
with data and never a 500, and nothing is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Role, User
from funds.models import LedgerTransaction, PaymentRequest
from households.models import Member
from tests.conftest import People, Tree
from tests.factories import HouseholdFactory, MemberFactory, UserFactory
from tests.funds.conftest import FundWorld, key, yuan
from tests.ventures.conftest import approved_venture, bank_loan, disbursed
from ventures import services
from ventures.models import (
    GuidanceSession,
    InKindSupport,
    Loan,
    Repayment,
    ReviewStep,
    SubsidyClaim,
    Venture,
    WriteOff,
)

pytestmark = pytest.mark.django_db


@dataclass
class Records:
    venture: Venture  # wang's union loan, paid out, with a write-off asked by Olga
    loan: Loan
    write_off: WriteOff
    bank_venture: Venture
    claim: SubsidyClaim
    goods_venture: Venture
    support: InKindSupport
    waiting: Venture  # wang's application waiting for the helper
    zhao: User  # a worker of another town-A household


@pytest.fixture
def records(world: FundWorld, people: People, products: Any, tree: Tree) -> Records:
    loan = disbursed(world, people, products["free"])
    write_off = services.write_off_request(loan=loan, by=people.olga, reason="店面拆迁")
    bank = bank_loan(world, people, products["bank"])
    claim = services.subsidy_claim_create(
        loan=bank,
        by=people.hana,
        period=f"{dt.date.today().year}-01",
        interest_paid=yuan(600),
        statement="B-1",
        budget=world.budget,
    )
    goods = approved_venture(world, people, products["goods"], yuan(5_000))
    support = services.in_kind_create(
        venture=goods,
        by=people.olga,
        budget=world.budget,
        supplier="农机站",
        items=[services.ItemInput("播种机", 1, yuan(3_000))],
    )
    waiting = services.venture_create(
        by=people.wang,
        member=world.wang,
        product=products["free"],
        data=services.VentureInput("王记小卖部", "小卖部", "乌兰镇", yuan(20_000), yuan(5_000)),
        submit=True,
    )
    zhao = UserFactory(username="zhao", role=Role.WORKER, full_name="赵六")
    household = HouseholdFactory(org_unit=tree.station_a)
    MemberFactory(household=household, name="赵六", relation=Member.Relation.HEAD, user=zhao)
    return Records(
        venture=loan.venture,
        loan=loan,
        write_off=write_off,
        bank_venture=bank.venture,
        claim=claim,
        goods_venture=goods,
        support=support,
        waiting=waiting,
        zhao=zhao,
    )


def _snapshot() -> tuple[Any, ...]:
    return (
        Venture.objects.count(),
        tuple(Venture.objects.order_by("pk").values_list("state", "employer_id", "mentor")),
        ReviewStep.objects.count(),
        GuidanceSession.objects.count(),
        Loan.objects.count(),
        tuple(Loan.objects.order_by("pk").values_list("state", "payment_request_id")),
        Repayment.objects.count(),
        tuple(WriteOff.objects.order_by("pk").values_list("state")),
        SubsidyClaim.objects.count(),
        InKindSupport.objects.count(),
        tuple(PaymentRequest.objects.order_by("pk").values_list("state")),
        LedgerTransaction.objects.count(),
        User.objects.count(),
    )


def _page_posts(r: Records) -> list[tuple[str, dict[str, Any]]]:
    v, w, l = r.venture.pk, r.waiting.pk, r.loan.pk  # noqa: E741
    today = dt.date.today().isoformat()
    return [
        (f"/ventures/{w}/review/", {"decision": "approve", "note": "ok"}),
        (f"/ventures/{v}/guidance/", {"mentor": "张老师", "held_on": today, "notes": "选址"}),
        (f"/ventures/{v}/loan/", {"budget": "1"}),
        (
            f"/ventures/{r.goods_venture.pk}/in-kind/",
            {"supplier": "x", "item_1_name": "y", "item_1_quantity": "1", "item_1_value": "10"},
        ),
        (f"/ventures/{v}/employer/", {"employer": "1"}),
        (f"/ventures/loans/{l}/approve-payment/", {}),
        (f"/ventures/loans/{l}/disburse/", {"idempotency_key": key("p")}),
        (f"/ventures/loans/{l}/repay/", {"amount": "10", "paid_on": today, "idempotency_key": key("p")}),
        (f"/ventures/loans/{l}/write-off/", {"reason": "x"}),
        (
            f"/ventures/loans/{r.bank_venture.loan.pk}/claims/",
            {"period": "2020", "interest_paid": "10", "statement": "s"},
        ),
        (f"/ventures/claims/{r.claim.pk}/pay/", {"decision": "approve"}),
        (f"/ventures/claims/{r.claim.pk}/pay/", {"idempotency_key": key("p")}),
        (f"/ventures/in-kind/{r.support.pk}/pay/", {"decision": "approve"}),
        (f"/ventures/in-kind/{r.support.pk}/pay/", {"idempotency_key": key("p")}),
        (f"/ventures/write-offs/{r.write_off.pk}/decide/", {"decision": "approve", "idempotency_key": key("p")}),
    ]


def _api_posts(r: Records) -> list[tuple[str, dict[str, Any]]]:
    base = "/api/v1/ventures"
    v, w, l = r.venture.pk, r.waiting.pk, r.loan.pk  # noqa: E741
    return [
        (f"{base}/applications/{w}/submit/", {}),
        (f"{base}/applications/{w}/review/", {"approve": True}),
        (f"{base}/applications/{v}/guidance/", {"mentor": "张", "held_on": "2020-01-01", "notes": "n"}),
        (f"{base}/applications/{v}/loan/", {}),
        (f"{base}/applications/{v}/employer/", {"employer": 1}),
        (
            f"{base}/applications/{v}/register-employer/",
            {
                "name": "x",
                "uscc": "91150000MA0000000X",
                "contact_name": "x",
                "contact_phone": "13800000000",
                "region_code": "150624",
                "industry": "H",
                "username": "newbiz",
                "password": "a-long-password-1",
            },
        ),
        (
            f"{base}/applications/{r.goods_venture.pk}/in-kind/",
            {"supplier": "x", "items": [{"name": "y", "quantity": 1, "unit_value": "10"}]},
        ),
        (f"{base}/loans/{l}/approve-payment/", {"approve": True}),
        (f"{base}/loans/{l}/disburse/", {}),
        (f"{base}/loans/{l}/repayments/", {"amount": "10"}),
        (f"{base}/loans/{l}/write-off/", {"reason": "x"}),
        (
            f"{base}/loans/{r.bank_venture.loan.pk}/subsidy-claims/",
            {"period": "2020", "interest_paid": "10", "statement": "s"},
        ),
        (f"{base}/write-offs/{r.write_off.pk}/approve/", {}),
        (f"{base}/write-offs/{r.write_off.pk}/reject/", {}),
        (f"{base}/subsidy-claims/{r.claim.pk}/pay/", {}),
        (f"{base}/in-kind/{r.support.pk}/pay/", {}),
    ]


def _api_gets(r: Records) -> list[str]:
    base = "/api/v1/ventures"
    return [
        f"{base}/applications/{r.venture.pk}/",
        f"{base}/loans/{r.loan.pk}/",
        f"{base}/write-offs/{r.write_off.pk}/",
        f"{base}/subsidy-claims/{r.claim.pk}/",
        f"{base}/in-kind/{r.support.pk}/",
    ]


def _outsiders(people: People, r: Records) -> list[User]:
    return [people.bob, people.eve, r.zhao]


def test_outsiders_reach_no_venture_page(people: People, records: Records) -> None:
    before = _snapshot()
    for user in _outsiders(people, records):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        for pk in (records.venture.pk, records.bank_venture.pk, records.goods_venture.pk, records.waiting.pk):
            assert client.get(f"/ventures/{pk}/").status_code == 404, (user, pk)
        for url, body in _page_posts(records):
            answer = client.post(url, body)
            assert answer.status_code in (403, 404), (user.username, url, answer.status_code)
    assert _snapshot() == before


def test_outsiders_reach_no_venture_through_the_api(people: People, records: Records) -> None:
    before = _snapshot()
    for user in _outsiders(people, records):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user)
        for url in _api_gets(records):
            answer = client.get(url)
            assert answer.status_code in (403, 404), (user.username, url, answer.status_code)
        for url, body in _api_posts(records):
            answer = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key("api"))
            assert answer.status_code in (403, 404), (user.username, url, answer.status_code, answer.content)
        for name in ("applications", "loans", "write-offs", "subsidy-claims", "in-kind", "overdue"):
            listed = client.get(f"/api/v1/ventures/{name}/")
            assert listed.status_code in (200, 403), (user.username, name)
            if listed.status_code == 200:
                assert listed.json()["count"] == 0, (user.username, name)
    assert _snapshot() == before


def test_the_auditor_reads_everything_and_changes_nothing(people: People, records: Records) -> None:
    before = _snapshot()
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(people.aude)
    assert page.get(f"/ventures/{records.venture.pk}/").status_code == 200
    for url, body in _page_posts(records):
        answer = page.post(url, body)
        assert answer.status_code in (403, 404), (url, answer.status_code)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(people.aude)
    for url in _api_gets(records):
        assert api.get(url).status_code == 200, url
    for url, body in _api_posts(records):
        answer = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key("api"))
        assert answer.status_code in (403, 404), (url, answer.status_code, answer.content)
    assert _snapshot() == before


def test_the_applicant_reads_their_records_and_decides_nothing(people: People, records: Records) -> None:
    before = _snapshot()
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(people.wang)
    for url in _api_gets(records)[:2]:
        assert api.get(url).status_code == 200, url
    for url, body in _api_posts(records):
        if url.endswith("/submit/"):
            continue  # their own application, sent already: 409
        answer = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key("api"))
        assert answer.status_code in (403, 404), (url, answer.status_code, answer.content)
    assert _snapshot() == before
