"""A small relief world on the shared personas (tests/conftest.py) and the fund world of
tests/funds/conftest.py.

The county's union fund (¥500,000) gives town A this year's budgets for 送温暖 (¥50,000), 金秋助学
(¥30,000), medical aid (¥40,000) and social assistance (¥20,000). 鄂托克旗's 低保 line is ¥800 a
month. Wang (a worker, head of a household at station A, helped by Hana) has a son at college,
王小明, 19. Hana reviews first, Olga (town A) second, Alice (the county) approves payments and the
unit-above step; Olga pays.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from funds import services as funds_services
from funds.models import Budget, Purpose
from households.models import Household, Member, PlanGoal, ReliefPlan
from relief import services
from relief.models import Application, DibaoLine
from relief.student_aid.forms import school_year_of
from tests.conftest import People, Tree
from tests.factories import MemberFactory, PlanGoalFactory, ReliefPlanFactory, fresh_id_number
from tests.funds import conftest as funds_fixtures
from tests.funds.conftest import YEAR, FundWorld, key, yuan

_ledger_triggers = funds_fixtures._ledger_triggers
purposes = funds_fixtures.purposes
world = funds_fixtures.world

LINE = yuan(800)


@dataclass
class ReliefWorld:
    funds: FundWorld
    budgets: dict[str, Budget]
    wang: Member
    son: Member
    household: Household


def _budget(world: FundWorld, people: People, tree: Tree, code: str, amount: int) -> Budget:
    return funds_services.budget_create(
        by=people.alice,
        source=world.fund,
        year=YEAR,
        org_unit=tree.town_a,
        purpose=Purpose.objects.get(code=code),
        amount=amount,
    )


@pytest.fixture
def relief(world: FundWorld, people: People, tree: Tree, household_a: Household) -> ReliefWorld:
    budgets = {
        code: _budget(world, people, tree, code, yuan(amount))
        for code, amount in (("warmth", 50_000), ("student_aid", 30_000), ("medical", 40_000), ("assistance", 20_000))
    }
    DibaoLine.objects.create(region_id="150624", year=timezone.localdate().year, monthly_per_head=LINE)
    today = timezone.localdate()
    son = MemberFactory(
        household=household_a,
        name="王小明",
        relation=Member.Relation.CHILD,
        id_number=fresh_id_number(birth=dt.date(today.year - 19, 3, 1)),
        employment_status=Member.EmploymentStatus.STUDENT,
    )
    return ReliefWorld(world, budgets, world.wang, son, household_a)


def proof() -> SimpleUploadedFile:
    return SimpleUploadedFile("录取通知书.pdf", b"%PDF-1.4 admission letter", content_type="application/pdf")


def student_aid_data(**kwargs: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "school": "内蒙古师范大学",
        "level": "bachelor",
        "admission_year": timezone.localdate().year - 1,
        "studies_away": "on",
        "national_aid": ["grant"],
        "national_aid_note": "国家助学金 每年 3300 元",
    }
    data.update(kwargs)
    return data


def apply_student_aid(relief: ReliefWorld, people: People, **kwargs: Any) -> Application:
    return services.application_create(
        by=people.wang,
        track="student_aid",
        member=relief.son,
        data=student_aid_data(**kwargs),
        files={"enrolment_proof": proof()},
    )


def approve_all(application: Application, people: People) -> Application:
    application = services.application_review(application=application, by=people.hana, approve=True)
    application = services.application_review(application=application, by=people.olga, approve=True)
    if application.state == Application.State.UPPER_REVIEW:
        application = services.application_review(application=application, by=people.alice, approve=True)
    return application


def paid(application: Application, people: People) -> Any:
    application = approve_all(application, people)
    assert application.cash_request is not None
    # The checker is never the maker (the last approver asked for the payment).
    checker = people.olga if application.cash_request.requested_by_id == people.alice.pk else people.alice
    services.application_payment_approve(application=application, by=checker)
    return services.application_pay(application=application, by=people.olga, idempotency_key=key("pay"))


def plan_goal(household: Household, track: str, member: Member | None = None) -> PlanGoal:
    plan = ReliefPlan.objects.filter(household=household, status=ReliefPlan.Status.ACTIVE).first()
    plan = plan or ReliefPlanFactory(household=household)
    return PlanGoalFactory(plan=plan, track=track, title=f"{track} goal", member=member)


__all__ = ["school_year_of"]


def make_campaign(
    relief: ReliefWorld,
    people: People,
    *,
    name: str = "2026年春节送温暖",
    limit: int = yuan(10_000),
    cash: int = yuan(500),
    goods: list[Any] | None = None,
) -> Any:
    from relief.registry import Item
    from relief.warmth import services as warmth_services

    today = timezone.localdate()
    return warmth_services.campaign_create(
        by=people.olga,
        data=warmth_services.CampaignInput(
            name=name,
            occasion="spring_festival",
            budget=relief.budgets["warmth"],
            limit=limit,
            cash_per_household=cash,
            goods=goods if goods is not None else [Item("大米 10kg", 1, yuan(60))],
            opens_on=today.replace(month=1, day=1),
            closes_on=today.replace(month=12, day=31),
        ),
    )


def household_with_head(
    tree: Tree, *, income: str = "500.00", causes: tuple[str, ...] = (), dibao: str = "none"
) -> Household:
    from households.models import HardshipCause
    from tests.factories import HouseholdFactory

    household = HouseholdFactory(org_unit=tree.station_a, income_per_head=income, dibao_status=dibao)
    MemberFactory(household=household, relation=Member.Relation.HEAD)
    if causes:
        household.hardship_causes.set(HardshipCause.objects.filter(code__in=causes))
    return household
