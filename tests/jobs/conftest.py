"""Fixtures of 阳光就业: Eve's verified company at the county federation, a competitor with its own
login (Frank), and an open posting of Eve's that asks for forklift driving.

Rows are made with the models, not the services, so that page tests stay fast and do not depend on
the occupation coder; the services have their own tests."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.utils import timezone
from stdnum.cn import uscc

from accounts.models import Role, User
from households.models import Household, Member
from jobs.models import Employer, EmployerMembership, Industry, JobPosting, PhysicalDemand, PostingSkill
from skills.models import Skill
from tests.factories import UserFactory

_uscc_sequence = itertools.count(1)


def fresh_uscc() -> str:
    """A valid, never-repeated unified social credit code of a company registered in 鄂托克旗."""
    base = f"911506247{next(_uscc_sequence):08d}"
    return base + uscc.calc_check_digit(base)


def make_employer(user: User, org_unit: Any, *, name: str, status: str = Employer.Status.VERIFIED) -> Employer:
    employer = Employer.objects.create(
        name=name,
        uscc=fresh_uscc(),
        contact_name="张经理",
        contact_phone="13947701234",
        region_id="150624",
        address="鄂托克旗棋盘井工业园",
        industry=Industry.MINING,
        org_unit=org_unit,
        status=status,
        verified_at=timezone.now() if status == Employer.Status.VERIFIED else None,
    )
    EmployerMembership.objects.create(user=user, employer=employer)
    return employer


def make_posting(employer: Employer, **values: Any) -> JobPosting:
    defaults: dict[str, Any] = {
        "title": "叉车司机",
        "description": "负责仓库货物装卸，两班倒。",
        "headcount": 2,
        "region_id": "150624",
        "salary_min": 4500,
        "salary_max": 6500,
        "physical_demand": PhysicalDemand.MODERATE,
        "accommodation": True,
        "valid_until": timezone.localdate() + dt.timedelta(days=30),
        "state": JobPosting.State.PUBLISHED,
        "published_at": timezone.now(),
    }
    defaults.update(values)
    return JobPosting.objects.create(employer=employer, **defaults)


@pytest.fixture
def employer(tree: Any, people: Any) -> Employer:
    """Eve's company, verified, watched by the county federation."""
    return make_employer(people.eve, tree.county, name="鄂托克旗利民煤业有限公司")


@pytest.fixture
def frank(db: Any) -> User:
    return UserFactory(username="frank", role=Role.EMPLOYER, full_name="弗兰克")


@pytest.fixture
def other_employer(tree: Any, frank: User) -> Employer:
    return make_employer(frank, tree.county, name="棋盘井物流有限公司")


@pytest.fixture
def posting(employer: Employer) -> JobPosting:
    """An open posting of Eve's company: forklift driving required, cleaning nice to have."""
    posting = make_posting(employer)
    PostingSkill.objects.create(posting=posting, phrase="开叉车", skill=Skill.objects.get(code="logistics.forklift"))
    PostingSkill.objects.create(
        posting=posting, phrase="会保洁", skill=Skill.objects.get(code="housekeeping.cleaning"), required=False
    )
    PostingSkill.objects.create(posting=posting, phrase="会开铲运机", skill=None)
    return posting


@pytest.fixture
def wang(household_a: Household) -> Member:
    """Wang as a member of the archive (head of household A, full work capacity, a login)."""
    return household_a.members.get(relation=Member.Relation.HEAD)
