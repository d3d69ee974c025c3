"""Fixtures of the job fairs: a graduate fair of the county federation open for registration, Eve's
company (verified) with an approved booth, Frank's company with a pending application, and three
workers of household A's station with stored match scores.

Rows are made with the models where the services are not what is tested, so that each test reads
as the one rule it checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Role, User
from fairs.models import Attendee, Booth, JobFair
from households.models import Household, Member
from jobs.models import Employer, JobPosting
from matching.models import Match
from tests.factories import HouseholdFactory, MemberFactory, UserFactory
from tests.jobs.conftest import make_employer, make_posting


def today() -> dt.date:
    return timezone.localdate()


def make_fair(org_unit: Any, **values: Any) -> JobFair:
    day = today()
    defaults: dict[str, Any] = {
        "name": "2026年高校毕业生专场招聘会",
        "kind": JobFair.Kind.GRADUATE,
        "starts_on": day + dt.timedelta(days=7),
        "ends_on": day + dt.timedelta(days=7),
        "venue": "鄂托克旗体育馆",
        "booth_codes": ["A01", "A02", "A03", "B01"],
        "registration_opens": day - dt.timedelta(days=3),
        "registration_closes": day + dt.timedelta(days=5),
        "capacity": 100,
        "max_interviews": 2,
        "gap_minutes": 0,
    }
    defaults.update(values)
    return JobFair.objects.create(org_unit=org_unit, **defaults)


def on_the_day(fair: JobFair) -> JobFair:
    """The fair's day has come (outcomes are recorded at the booth, on the day or after)."""
    fair.starts_on = fair.ends_on = today()
    fair.save(update_fields=["starts_on", "ends_on"])
    return fair


def match(member: Member, posting: JobPosting, score: float) -> Match:
    return Match.objects.create(
        member=member, posting=posting, score=score, explanation={}, engine_version="test", computed_at=timezone.now()
    )


@dataclass
class FairWorld:
    fair: JobFair
    eve_co: Employer
    frank_co: Employer
    posting: JobPosting
    frank_posting: JobPosting
    booth: Booth  # Eve's, approved, A01, 2 slots of 15 minutes, one seat each
    pending: Booth  # Frank's, waiting
    frank: User
    wang: Member
    li: Member
    zhao: Member


@pytest.fixture
def world(tree: Any, people: Any, household_a: Household) -> FairWorld:
    fair = make_fair(tree.county)
    eve_co = make_employer(people.eve, tree.county, name="鄂托克旗利民煤业有限公司")
    frank = UserFactory(username="frank", role=Role.EMPLOYER, full_name="弗兰克")
    frank_co = make_employer(frank, tree.county, name="棋盘井物流有限公司")
    posting = make_posting(eve_co, headcount=3)
    frank_posting = make_posting(frank_co, title="仓库管理员")
    booth = Booth.objects.create(
        fair=fair, employer=eve_co, code="A01", status=Booth.Status.APPROVED, slot_count=2, slot_minutes=15
    )
    booth.postings.set([posting])
    pending = Booth.objects.create(fair=fair, employer=frank_co)
    pending.postings.set([frank_posting])
    wang = household_a.members.get(relation=Member.Relation.HEAD)
    wang.graduation_year = today().year
    wang.save()
    li = MemberFactory(household=HouseholdFactory(org_unit=tree.station_a), name="李娜")
    zhao = MemberFactory(household=HouseholdFactory(org_unit=tree.station_a), name="赵磊")
    for member, score in ((wang, 0.6), (li, 0.8), (zhao, 0.7)):
        match(member, posting, score)
        match(member, frank_posting, score / 2)
    return FairWorld(fair, eve_co, frank_co, posting, frank_posting, booth, pending, frank, wang, li, zhao)


def register(fair: JobFair, member: Member, **values: Any) -> Attendee:
    return Attendee.objects.create(fair=fair, member=member, **values)
