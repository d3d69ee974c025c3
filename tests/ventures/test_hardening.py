"""Defects found in review, each with the test that failed before its fix: malformed ids in the
API, an existence probe for workers, lists whose query count grew with their rows, 贴息 claims for
overlapping periods, one employer linked to two ventures, and an overdue list that did not say
whose instalments were overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from core.errors import Conflict
from funds.models import PaymentRequest
from tests.conftest import People
from tests.factories import HouseholdFactory, MemberFactory
from tests.funds.conftest import YEAR, FundWorld, yuan
from tests.ventures.conftest import applied, approved_venture, bank_loan, disbursed
from tests.ventures.test_api import application
from ventures import services
from ventures.models import SubsidyClaim, Venture

pytestmark = pytest.mark.django_db


def api_as(user: User) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def page_as(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


# --- malformed input -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["applications", "loans", "write-offs", "subsidy-claims", "in-kind", "products"])
@pytest.mark.parametrize("suffix", ["", "pay/", "review/", "repayments/"])
def test_a_non_numeric_id_in_the_api_is_404_not_a_server_error(
    world: FundWorld, people: People, products: Any, path: str, suffix: str
) -> None:
    # Before: ``filter(pk="abc")`` in the selectors raised ValueError, a 500.
    client = api_as(people.olga)
    client.raise_request_exception = False
    answer = client.get(f"/api/v1/ventures/{path}/abc/{suffix}")
    assert answer.status_code in (404, 405), answer.status_code
    answer = client.post(f"/api/v1/ventures/{path}/1x/{suffix}", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert answer.status_code in (404, 405), answer.status_code


def test_a_worker_naming_another_member_is_refused_alike_whether_the_member_exists_or_not(
    world: FundWorld, people: People, products: Any, household_b: Any
) -> None:
    # Before: an existing member id gave 403 and an unknown one 404, so a worker could probe
    # which member ids the archive holds, in any unit.
    client = api_as(people.wang)
    someone = MemberFactory(household=HouseholdFactory(org_unit=world.budget.org_unit))
    answers = [
        client.post("/api/v1/ventures/applications/", application(products["free"].pk, member=pk), format="json")
        for pk in (someone.pk, household_b.members.get().pk, 987_654_321)
    ]
    assert {a.status_code for a in answers} == {403}
    assert len({a.json()["detail"] for a in answers}) == 1
    assert not Venture.objects.exists()
    own = client.post(
        "/api/v1/ventures/applications/", application(products["free"].pk, member=world.wang.pk), format="json"
    )
    assert own.status_code == 201, own.content


# --- lists whose query count must not grow with their rows ----------------------------------------


def _loans(world: FundWorld, people: People, products: Any, n: int) -> None:
    for _ in range(n):
        disbursed(world, people, products["free"], yuan(1_000))
        applied(world, people, products["free"], yuan(1_000))


@pytest.mark.parametrize("rows", [2, 20])
def test_lists_ask_the_same_number_of_queries_for_2_and_20_rows(
    world: FundWorld, people: People, products: Any, rows: int, django_assert_max_num_queries: Any
) -> None:
    _loans(world, people, products, rows)
    olga_api, wang_api = api_as(people.olga), api_as(people.wang)
    hana_page, wang_page = page_as(people.hana), page_as(people.wang)
    checks = [
        (olga_api, "/api/v1/ventures/applications/", 6),
        (wang_api, "/api/v1/ventures/applications/", 5),
        (olga_api, "/api/v1/ventures/loans/", 5),
        (wang_api, "/api/v1/ventures/loans/", 4),
        (hana_page, "/ventures/review/", 13),
        (wang_page, "/ventures/mine/", 5),
    ]
    for client, url, most in checks:
        with django_assert_max_num_queries(most):
            answer = client.get(url)
        assert answer.status_code == 200, url
    # The review queue still says who decides: Hana the helper step of each application.
    queue = hana_page.get("/ventures/review/").content.decode()
    assert queue.count("王记牛肉面") >= rows
    assert api_as(people.wang).get("/api/v1/ventures/applications/").json()["count"] == 2 * rows


# --- 贴息: one refund per month of interest -----------------------------------------------------


def test_a_subsidy_claim_for_a_period_overlapping_an_earlier_claim_is_refused(
    world: FundWorld, people: People, products: Any
) -> None:
    # Before: "2026-Q4", then "2026-11", then "2026" were three claims and three refunds for the
    # same interest (the unique constraint compares the period's text only).
    loan = bank_loan(world, people, products["bank"])
    year = YEAR

    def claim(period: str, statement: str) -> SubsidyClaim:
        return services.subsidy_claim_create(
            loan=loan, by=people.hana, period=period, interest_paid=yuan(700), statement=statement, budget=world.budget
        )

    claim(f"{year}-Q4", "NS-Q4")
    requests = PaymentRequest.objects.count()
    for period in (f"{year}-11", f"{year}", f"{year}-q4"):
        with pytest.raises(Conflict) as refused:
            claim(period, f"NS-{period}")
        assert refused.value.field == "period" and f"{year}-Q4" in refused.value.message
    assert SubsidyClaim.objects.filter(loan=loan).count() == 1 and PaymentRequest.objects.count() == requests
    assert claim(f"{year}-09", "NS-09").period == f"{year}-09"  # the quarter before is free
    with pytest.raises(Conflict):
        claim(f"{year}-Q3", "NS-Q3")


# --- jobs created: one venture per employer ------------------------------------------------------


def test_one_employer_is_linked_to_one_venture_even_past_the_services_check(
    world: FundWorld, people: People, products: Any, tree: Any
) -> None:
    # Before: only the service's exists() check, unlocked, kept two ventures from one employer;
    # two organizers linking at once both passed it and the portfolio counted each hire twice.
    from jobs.models import Employer
    from tests.jobs.conftest import make_employer

    employer = make_employer(people.eve, tree.county, name="王记牛肉面馆")
    first = approved_venture(world, people, products["free"])
    second = approved_venture(world, people, products["free"])
    services.venture_link_employer(venture=first, by=people.olga, employer=employer)
    with pytest.raises(Conflict):
        services.venture_link_employer(venture=second, by=people.olga, employer=employer)
    # What the losing side of a race would write, past the check: the database refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Venture.objects.filter(pk=second.pk).update(employer=employer)
    assert list(Venture.objects.filter(employer=employer)) == [first]
    assert Employer.objects.filter(pk=employer.pk).exists()


# --- the overdue list through the API says whose instalment is overdue --------------------------


@pytest.mark.parametrize("rows", [2, 20])
def test_the_overdue_api_names_the_loan_the_borrower_and_the_helper(
    world: FundWorld, people: People, products: Any, rows: int, django_assert_max_num_queries: Any
) -> None:
    # Before: the list gave number, day and amounts only, not which loan or borrower they were of.
    loans = [disbursed(world, people, products["free"], yuan(1_200)) for _ in range(rows // 2)]
    # Two instalments of each loan overdue: two months are at most 62 days, three at least 89.
    services.mark_overdue(today=timezone.localdate() + dt.timedelta(days=70))
    client = api_as(people.hana)
    with django_assert_max_num_queries(5):
        answer = client.get("/api/v1/ventures/overdue/?page_size=100")
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert len(results) == rows
    assert {r["loan"] for r in results} == {loan.pk for loan in loans}
    assert {r["venture"] for r in results} == {loan.venture_id for loan in loans}
    assert {r["member_name"] for r in results} == {"王强"} and {r["helper"] for r in results} == {"哈娜"}
    assert all(r["left_fen"] == yuan(100) and r["business_name"] == "王记牛肉面" for r in results)
