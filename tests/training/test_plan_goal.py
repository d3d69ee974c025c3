"""A certificate meets the plan's training goal ("masters at least one employable skill")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from households.models import Member, PlanGoal
from tests.factories import PlanGoalFactory, ReliefPlanFactory
from tests.training.conftest import TrainingWorld
from training import services

pytestmark = pytest.mark.django_db


def test_a_certificate_meets_the_open_training_goal(world: TrainingWorld, wang: Member, people: Any) -> None:
    plan = ReliefPlanFactory(household=wang.household)
    training = PlanGoalFactory(plan=plan, track="training", member=wang, title="掌握一门就业技能")
    job = PlanGoalFactory(plan=plan, track="job", member=wang, title="实现就业")
    enrolment = services.enrolment_create(cohort=world.cohort, member=wang, by=people.wang)
    today = timezone.localdate()
    world.cohort.starts_on, world.cohort.ends_on = today - dt.timedelta(days=10), today - dt.timedelta(days=1)
    world.cohort.enrolment_deadline = today - dt.timedelta(days=12)
    world.cohort.save()
    services.completion_record(enrolment=enrolment, by=people.alice, passed=True, score=88)
    services.certificate_issue(enrolment=enrolment, by=people.alice, number="NM-2026-0777", issuer="鄂尔多斯市人社局")
    training.refresh_from_db()
    job.refresh_from_db()
    assert training.status == PlanGoal.Status.MET and "NM-2026-0777" in training.evidence
    assert job.status == PlanGoal.Status.OPEN
