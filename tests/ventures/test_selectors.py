"""Who sees which ventures, the review queue, the overdue list and the portfolio by unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jobs.models import Application, Placement
from tests.conftest import People, Tree
from tests.funds.conftest import FundWorld, key, yuan
from tests.jobs.conftest import make_employer, make_posting
from tests.ventures.conftest import applied, disbursed
from ventures import selectors, services

pytestmark = pytest.mark.django_db


def test_a_worker_sees_their_own_ventures_and_staff_their_reach(
    world: FundWorld, people: People, products: Any, household_b: Any
) -> None:
    mine = applied(world, people, products["free"])
    other = services.venture_create(
        by=people.bob,
        member=household_b.members.get(),
        product=products["free"],
        data=services.VentureInput("羊绒加工", "梳绒", "棋盘井镇", yuan(50_000), yuan(20_000)),
    )
    assert list(selectors.venture_list_for(people.wang)) == [mine]
    assert list(selectors.venture_list_for(people.olga)) == [mine]
    assert list(selectors.venture_list_for(people.bob)) == [other]
    assert set(selectors.venture_list_for(people.aude)) == {mine, other}
    assert not selectors.venture_list_for(people.eve).exists()


def test_the_review_queue_says_who_may_decide(world: FundWorld, people: People, products: Any) -> None:
    venture = applied(world, people, products["free"])
    [row] = selectors.review_queue_for(people.hana)
    assert row.venture == venture and row.may_decide
    [row] = selectors.review_queue_for(people.olga)
    assert not row.may_decide and "helper" in row.reason
    assert selectors.review_queue_for(people.aude) == []


def test_the_portfolio_counts_outstanding_overdue_repaid_share_written_off_and_jobs_created(
    world: FundWorld, people: People, products: Any, tree: Tree
) -> None:
    loan = disbursed(world, people, products["free"], yuan(12_000))
    services.loan_repay(loan=loan, by=people.hana, amount=yuan(3_000), idempotency_key=key())
    services.mark_overdue(today=timezone.localdate() + dt.timedelta(days=130))  # instalments 4 (and 5) overdue
    employer = make_employer(people.eve, tree.county, name="王记牛肉面馆")
    services.venture_link_employer(venture=loan.venture, by=people.olga, employer=employer)
    posting = make_posting(employer)
    member = loan.venture.member
    application = Application.objects.create(posting=posting, member=member, state=Application.State.HIRED)
    Placement.objects.create(
        application=application,
        member=member,
        employer=employer,
        posting=posting,
        start_date=timezone.localdate(),
        monthly_wage=3500,
    )
    report = selectors.portfolio_for(people.olga)
    town, line = report.lines  # rolled up: the town's line covers its station's
    assert (town.unit, town.depth, line.unit, line.depth) == (tree.town_a, 0, tree.station_a, 1)
    assert (town.loans, town.outstanding, town.jobs_created) == (1, yuan(9_000), 1)
    assert (line.loans, line.disbursed, line.outstanding, line.repaid) == (1, yuan(12_000), yuan(9_000), yuan(3_000))
    overdue = loan.instalments.filter(state="overdue")
    assert line.overdue_amount == sum(i.amount for i in overdue) and line.overdue_loans == 1 and overdue.count() >= 1
    assert line.repaid_percent == "25.0%" and line.jobs_created == 1 and line.written_off == 0
    assert report.total.outstanding == yuan(9_000)
    assert selectors.portfolio_for(people.bob).lines == []
    assert selectors.portfolio_for(people.wang).lines == []
    assert [i.pk for i in selectors.overdue_for(people.hana)] == [i.pk for i in overdue.order_by("due_on")]
