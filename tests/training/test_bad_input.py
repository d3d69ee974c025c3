"""Bad input to the catalogue and enrolment that must be refused with a clear error and leave
nothing half-written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.errors import InvalidInput
from households.models import Member
from tests.training.conftest import TrainingWorld
from training import services
from training.models import Cohort, Course, Enrolment, Provider, Session

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _course_form(tree: Any, **values: str) -> dict[str, Any]:
    form = {
        "title": "育婴员培训",
        "new_provider": "乌兰镇家政学校",
        "provider_kind": "school",
        "org_unit": tree.town_a.pk,
        "skills": "月嫂",
        "level": "basic",
        "mode": "on_site",
        "region": "150624",
        "hours": "40",
        "cost": "0",
        "min_age": "16",
        "max_age": "55",
    }
    form.update(values)
    return form


def test_a_course_refused_leaves_no_new_provider_behind_and_can_be_sent_again(
    world: TrainingWorld, tree: Any, people: Any
) -> None:
    client = _client(people.olga)
    refused = client.post(reverse("training:course_new"), _course_form(tree, min_age="50", max_age="20"), **EN)
    assert refused.status_code == 400 and "age range" in refused.content.decode()
    assert not Provider.objects.filter(name="乌兰镇家政学校").exists()
    assert not Course.objects.filter(title="育婴员培训").exists()
    again = client.post(reverse("training:course_new"), _course_form(tree), **EN)
    assert again.status_code == 302
    assert Course.objects.get(title="育婴员培训").provider.name == "乌兰镇家政学校"


def test_a_new_provider_with_a_taken_name_is_refused_on_its_field(world: TrainingWorld, tree: Any, people: Any) -> None:
    answer = _client(people.olga).post(
        reverse("training:course_new"), _course_form(tree, new_provider=world.provider.name), **EN
    )
    assert answer.status_code == 400
    assert answer.context["form"].errors["new_provider"] == ["A provider with this name exists already."]
    assert not Course.objects.filter(title="育婴员培训").exists()


def test_more_class_days_than_the_cohort_has_days_are_refused_and_nothing_written(
    world: TrainingWorld, people: Any
) -> None:
    today = timezone.localdate()
    answer = _client(people.alice).post(
        reverse("training:cohort_new", args=[world.course.pk]),
        {
            "name": "短班",
            "starts_on": (today + dt.timedelta(days=10)).isoformat(),
            "ends_on": (today + dt.timedelta(days=11)).isoformat(),
            "enrolment_deadline": today.isoformat(),
            "seats": "20",
            "sessions": "5",
        },
        **EN,
    )
    assert answer.status_code == 400 and "Every class day" in answer.content.decode()
    assert not Cohort.objects.filter(name="短班").exists()
    assert Session.objects.count() == len(world.sessions)


def test_no_one_enrols_in_a_cohort_of_a_course_withdrawn_from_the_catalogue(
    world: TrainingWorld, wang: Member, people: Any
) -> None:
    Course.objects.filter(pk=world.course.pk).update(is_active=False)
    with pytest.raises(InvalidInput, match="no longer in the catalogue"):
        services.enrolment_create(cohort=world.cohort, member=wang, by=people.wang)
    assert not Enrolment.objects.exists()
