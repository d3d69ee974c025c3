"""The training demo: at least 150 courses with cohorts, enrolments, completions and certificates,
made through the services; a second run creates nothing."""

from __future__ import annotations

from typing import Any

from households.models import MemberSkill
from tests.factories import HouseholdFactory, MemberFactory
from training.demo import seed_training
from training.models import Certificate, Cohort, Completion, Course, Enrolment
from web.demo import ensure_units, ensure_users


def test_the_demo_fills_the_catalogue_and_runs_courses_to_certificates(db: Any) -> None:
    units = ensure_units()
    ensure_users(units, "!")
    for n in range(40):
        MemberFactory(household=HouseholdFactory(org_unit=units["ETK-WL-1"]), name=f"演示{n}")
    result = seed_training(verbose=lambda _text: None)
    assert result.created > 0
    assert Course.objects.count() >= 150
    assert Cohort.objects.count() >= Course.objects.count()
    assert Enrolment.objects.filter(state="waiting").exists()
    assert Completion.objects.exists() and Certificate.objects.exists()
    certificate = Certificate.objects.first()
    assert certificate is not None
    assert MemberSkill.objects.filter(member=certificate.member, certified=True, source="training").exists()
    # Seats were never exceeded.
    for cohort in Cohort.objects.all():
        assert Enrolment.objects.filter(cohort=cohort, state__in=Enrolment.HOLDS_SEAT).count() <= cohort.seats
    assert seed_training(verbose=lambda _text: None).created == 0
