"""The relief demo on a small county with the demo's unit codes and staff names: every track at
work, all money through the services, and a second run that creates nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import OrgUnit, Role
from funds import selectors
from funds import services as funds_services
from funds.models import FundSource, LedgerTransaction
from households.models import HardshipCause, Member
from relief.demo import COUNTY_FUND, seed_relief
from relief.models import Application, Benefit
from relief.warmth.models import Delivery
from tests.factories import (
    HouseholdFactory,
    MemberFactory,
    OrgUnitFactory,
    PairingFactory,
    UserFactory,
    fresh_id_number,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(purposes: None) -> None:
    today = timezone.localdate()
    etk = OrgUnitFactory(name="鄂托克旗总工会", kind=OrgUnit.Kind.FEDERATION, code="ETK")
    org_county = UserFactory(username="org_county", role=Role.ORGANIZER, org_unit=etk)
    illness = HardshipCause.objects.get(code="illness")
    for code in ("ETK-WL", "ETK-QP"):
        town = OrgUnitFactory(name=code, kind=OrgUnit.Kind.GRASSROOTS_UNION, parent=etk, code=code)
        station = OrgUnitFactory(name=f"{code}-1", kind=OrgUnit.Kind.STATION, parent=town, code=f"{code}-1")
        UserFactory(username="org_wulan" if code == "ETK-WL" else "org_qpj", role=Role.ORGANIZER, org_unit=town)
        helpers = [UserFactory(username=f"helper_{code}_{n}", role=Role.HELPER, org_unit=station) for n in range(2)]
        for n in range(12):
            household = HouseholdFactory(org_unit=station, income_per_head=str(300 + 50 * n))
            MemberFactory(household=household, relation=Member.Relation.HEAD)
            MemberFactory(
                household=household,
                relation=Member.Relation.CHILD,
                id_number=fresh_id_number(birth=dt.date(today.year - 19, 2, 1)),
                employment_status=Member.EmploymentStatus.STUDENT,
            )
            if n % 2:
                household.hardship_causes.add(illness)
            PairingFactory(household=household, helper=helpers[n % 2], helping_unit=station)
    fund = funds_services.fund_source_create(
        by=org_county, name=COUNTY_FUND, kind=FundSource.Kind.UNION_BUDGET, org_unit=etk
    )
    funds_services.contribution_record(source=fund, amount=1_000_000_00, by=org_county, idempotency_key="demo-in")


def test_the_demo_has_every_track_at_work_with_every_yuan_on_the_ledger(county: Any) -> None:
    assert seed_relief(verbose=lambda _: None).created > 20
    tracks = Counter(Application.objects.values_list("track", flat=True))
    assert set(tracks) == {"warmth", "student_aid", "medical", "assistance"}
    states = set(Application.objects.values_list("state", flat=True))
    assert {"helper_review", "approved", "given", "refused"} <= states
    assert Delivery.objects.filter(signed_off_at__isnull=False).exists()
    paid = Benefit.objects.exclude(kind=Benefit.Kind.NONE)
    assert paid.exists() and all(b.cash_transaction_id or b.goods_transaction_id for b in paid)
    assert Benefit.objects.filter(kind=Benefit.Kind.NONE, track="assistance").exists()  # a referral granted
    assert {"grant", "in_kind"} <= set(LedgerTransaction.objects.values_list("kind", flat=True))
    line = selectors.fund_line(FundSource.objects.get(name=COUNTY_FUND))
    assert line.balanced and line.cash_explained
    assert seed_relief(verbose=lambda _: None).created == 0


def test_the_demo_follows_a_layoff_batch_over_a_year(county: Any) -> None:
    from accounts.models import User
    from relief.models import Case
    from relief.restructuring import selectors as layoff_selectors
    from relief.restructuring.models import LaidOffWorker, LayoffBatch

    seed_relief(verbose=lambda _: None)
    batch = LayoffBatch.objects.get()
    workers = LaidOffWorker.objects.filter(batch=batch)
    assert 0 < workers.count() <= 60 and batch.laid_off_on == timezone.localdate() - dt.timedelta(days=365)
    assert Case.objects.filter(track="restructuring").count() == workers.count()
    report = layoff_selectors.batch_report(User.objects.get(username="org_county")).total
    assert report.laid_off == workers.count()
    assert report.reemployed + report.left_work + report.without_work == report.laid_off
    assert report.within_3 <= report.within_6 <= report.within_12 == report.reemployed > 0
    assert report.insurance_continued == workers.filter(insurance_continued=True).count() > 0
    seed_relief(verbose=lambda _: None)
    assert LayoffBatch.objects.count() == 1


def test_the_demo_records_insurance_and_arrears(county: Any) -> None:
    from accounts.models import User
    from relief.insurance import selectors as insurance_selectors
    from relief.insurance.models import Arrears, InsuranceStatus
    from tests.jobs.conftest import make_employer

    make_employer(UserFactory(role=Role.EMPLOYER), OrgUnit.objects.get(code="ETK"), name="欠缴煤业")
    seed_relief(verbose=lambda _: None)
    assert InsuranceStatus.objects.exists() and Arrears.objects.count() == 5
    assert Arrears.objects.filter(case__state="closed", case__outcome="achieved").count() == 1
    organizer = User.objects.get(username="org_county")
    uninsured = insurance_selectors.without_pension_for(organizer)
    assert not InsuranceStatus.objects.filter(member__in=uninsured, kind="pension", insured=True).exists()


def test_the_demo_follows_migrant_cases(county: Any) -> None:
    from households.models import Household, TargetGroup
    from relief.models import Case

    migrant = TargetGroup.objects.get(code=TargetGroup.MIGRANT)
    for household in Household.objects.order_by("pk")[:6]:
        household.target_groups.add(migrant)
    from households.models import PlanGoal
    from tests.factories import ReliefPlanFactory

    for household in Household.objects.order_by("pk")[:6]:
        ReliefPlanFactory(household=household)
    seed_relief(verbose=lambda _: None)
    assert Case.objects.filter(track="migrant").count() == 3
    achieved = Case.objects.filter(track="migrant", outcome="achieved")
    assert achieved.exists() and all(c.goal is not None and c.goal.track == "migrant" for c in achieved)
    assert PlanGoal.objects.filter(track="migrant").count() == 3
    assert PlanGoal.objects.filter(track="migrant", status=PlanGoal.Status.MET).count() == achieved.count()


def test_the_demo_keeps_the_care_register(county: Any) -> None:
    from households.models import Household
    from relief.care.models import Attendance, HealthCheck, Station

    MemberFactory(
        household=Household.objects.order_by("pk").first(),
        relation=Member.Relation.SPOUSE,
        id_number=fresh_id_number(male=False),
    )
    seed_relief(verbose=lambda _: None)
    assert Station.objects.count() == 4 and HealthCheck.objects.exists()
    assert Attendance.objects.exists()
    seed_relief(verbose=lambda _: None)
    assert Station.objects.count() == 4


def _women(n: int) -> list[Member]:
    from households.models import Household

    today = timezone.localdate()
    return [
        MemberFactory(
            household=household,
            relation=Member.Relation.SPOUSE,
            id_number=fresh_id_number(birth=dt.date(today.year - 36, 4, 2), male=False),
        )
        for household in Household.objects.order_by("pk")[:n]
    ]


def test_the_demo_aids_women_workers_from_the_care_budget(county: Any) -> None:
    from funds.models import Budget

    women = _women(5)
    seed_relief(verbose=lambda _: None)
    budget = Budget.objects.get(purpose__code="care", org_unit__code="ETK", source__name=COUNTY_FUND)
    assert budget.amount == 30_000_00
    care = Application.objects.filter(track="care")
    assert care.count() == 4 and {a.member_id for a in care} <= {w.pk for w in women}
    assert len({a.household_id for a in care}) == 4  # one a household (the cap is a household's)
    assert {a.state for a in care} == {"helper_review", "approved", "given", "refused"}
    given = care.get(state="given")
    assert Benefit.objects.get(application=given).cash_transaction_id is not None
    assert care.get(state="refused").decisions.filter(approved=False).exists()
    line = selectors.fund_line(FundSource.objects.get(name=COUNTY_FUND))
    assert line.balanced and line.cash_explained
    seed_relief(verbose=lambda _: None)
    assert Application.objects.filter(track="care").count() == 4


def test_a_demo_made_before_the_care_budget_gets_it_on_the_next_run(county: Any) -> None:
    from funds.models import Budget

    seed_relief(verbose=lambda _: None)  # no woman of working age yet: no care application
    assert not Application.objects.filter(track="care").exists()
    Budget.objects.filter(purpose__code="care").delete()  # as a demo made before this budget
    _women(4)
    assert seed_relief(verbose=lambda _: None).created == 4
    assert Budget.objects.filter(purpose__code="care").count() == 1
    assert Application.objects.filter(track="care").count() == 4
    assert seed_relief(verbose=lambda _: None).created == 0
