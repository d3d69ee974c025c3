"""Fixtures of 技能培训: a forklift course run by the county federation, with an open cohort of a
few seats and two sessions; Wang (a worker of station A) and more members to fill it.

Rows are made with the models (fast, independent of the services under test); the services have
their own tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from households.models import Household, Member
from skills.models import Skill
from tests.factories import HouseholdFactory, MemberFactory
from training.models import Cohort, Course, Provider, Session


@dataclass
class TrainingWorld:
    provider: Provider
    course: Course
    cohort: Cohort
    sessions: list[Session]
    forklift: Skill
    welding: Skill


def make_course(org_unit: Any, skills: list[Skill], **values: Any) -> Course:
    provider = values.pop("provider", None) or Provider.objects.get_or_create(name="鄂托克旗职业技能培训学校")[0]
    defaults: dict[str, Any] = {
        "title": "叉车司机培训",
        "provider": provider,
        "org_unit": org_unit,
        "region_id": "150624",
        "venue": "乌兰镇职业学校",
        "hours": 40,
        "cost": 1200,
        "subsidised": True,
    }
    defaults.update(values)
    course = Course.objects.create(**defaults)
    course.skills.set(skills)
    return course


def make_cohort(course: Course, *, seats: int = 3, days_to_deadline: int = 5, **values: Any) -> Cohort:
    today = timezone.localdate()
    deadline = today + dt.timedelta(days=days_to_deadline)
    defaults: dict[str, Any] = {
        "name": "第1期",
        "starts_on": deadline + dt.timedelta(days=2),
        "ends_on": deadline + dt.timedelta(days=12),
        "enrolment_deadline": deadline,
        "seats": seats,
    }
    defaults.update(values)
    return Cohort.objects.create(course=course, **defaults)


@pytest.fixture
def world(tree: Any) -> TrainingWorld:
    forklift = Skill.objects.get(code="logistics.forklift")
    welding = Skill.objects.get(code="manufacturing.arc_welding")
    course = make_course(tree.county, [forklift])
    cohort = make_cohort(course)
    now = timezone.now()
    sessions = [
        Session.objects.create(cohort=cohort, starts_at=now + dt.timedelta(days=8), topic="安全操作"),
        Session.objects.create(cohort=cohort, starts_at=now + dt.timedelta(days=9), topic="实操"),
    ]
    return TrainingWorld(
        provider=course.provider, course=course, cohort=cohort, sessions=sessions, forklift=forklift, welding=welding
    )


@pytest.fixture
def wang(household_a: Household) -> Member:
    return household_a.members.get(relation=Member.Relation.HEAD)


@pytest.fixture
def station_members(tree: Any) -> list[Member]:
    """Six more able members of households at station A (Hana's reach)."""
    return [MemberFactory(household=HouseholdFactory(org_unit=tree.station_a), name=f"学员{n}") for n in range(6)]


@pytest.fixture(autouse=True)
def _fresh_advice_index() -> Any:
    """The advice index is cached per process; tests roll the database back under it."""
    from training import advice

    advice.forget()
    yield
    advice.forget()


def forklift_postings(tree: Any, people: Any, skill: Skill, *, count: int = 2, salary: int = 6000) -> list[Any]:
    """Open postings of a verified employer in 鄂托克旗 that require ``skill``."""
    from jobs.models import PostingSkill
    from tests.jobs.conftest import make_employer, make_posting

    employer = make_employer(people.eve, tree.county, name="鄂托克旗物流园有限公司")
    postings = []
    for n in range(count):
        posting = make_posting(employer, title=f"叉车司机{n}", salary_min=salary - 1000, salary_max=salary)
        PostingSkill.objects.create(posting=posting, skill=skill, phrase=skill.name_zh, required=True)
        postings.append(posting)
    return postings
