"""Fairs tell people: each attendee their interview times when scheduled or moved (once per
change), employers the decision on their booth, everyone the day before; units without their
yearly graduate fair are reminded monthly from June."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fairs import services
from fairs.models import Booth, JobFair
from notifications.models import Notification
from tests.fairs.conftest import FairWorld, make_fair, register

pytestmark = pytest.mark.django_db


def told(user: Any, kind: str) -> list[dict[str, Any]]:
    return [n.context for n in Notification.objects.filter(recipient=user, kind=kind).order_by("pk")]


def test_an_attendee_hears_their_interview_times_once_per_change(world: FairWorld, people: Any) -> None:
    register(world.fair, world.wang)
    services.fair_schedule(fair=world.fair, by=people.alice)
    [first] = told(people.wang, "fair.interviews")
    assert first["times"] in ("09:00 鄂托克旗利民煤业有限公司", "09:15 鄂托克旗利民煤业有限公司")
    services.fair_schedule(fair=world.fair, by=people.alice, reason="again")  # nothing changed for him
    assert len(told(people.wang, "fair.interviews")) == 1


def test_a_booth_decision_reaches_the_employer(world: FairWorld, people: Any) -> None:
    services.booth_decide(booth=world.pending, by=people.alice, approve=True, code="A02")
    assert told(world.frank, "fair.booth") == [
        {"fair": world.fair.name, "verdict": "approved", "code": "A02", "note": ""}
    ]
    assert told(people.eve, "fair.booth") == []


def test_the_day_before_attendees_and_employers_are_reminded_once(world: FairWorld, people: Any) -> None:
    register(world.fair, world.wang)
    services.fair_schedule(fair=world.fair, by=people.alice)
    eve_before = len(told(people.eve, "fair.tomorrow"))
    day_before = world.fair.starts_on - dt.timedelta(days=1)
    assert services.tomorrow_reminders_send(today=day_before - dt.timedelta(days=1)) == 0
    sent = services.tomorrow_reminders_send(today=day_before)
    assert sent == 2  # Wang (his interviews) and Eve (her booth)
    assert services.tomorrow_reminders_send(today=day_before) == 0  # twice: nothing twice
    [wang] = told(people.wang, "fair.interviews_tomorrow")
    assert wang["venue"] == "鄂托克旗体育馆" and "鄂托克旗利民煤业有限公司" in wang["times"]
    assert len(told(people.eve, "fair.tomorrow")) == eve_before + 1
    assert told(world.frank, "fair.tomorrow") == []  # his booth is not approved


def test_units_without_a_graduate_fair_are_reminded_monthly_from_june(world: FairWorld, people: Any, tree: Any) -> None:
    JobFair.objects.filter(pk=world.fair.pk).update(org_unit=tree.town_a)  # town A has one (this year's)
    year = world.fair.starts_on.year
    assert services.graduate_fair_reminders_send(today=dt.date(year, 5, 20)) == 0  # not before June
    june = dt.date(year, 6, 3)
    services.graduate_fair_reminders_send(today=june)
    told_units = set(Notification.objects.filter(kind="fair.graduate_missing").values_list("context__unit", flat=True))
    assert tree.town_b.name in told_units and tree.town_a.name not in told_units
    assert tree.county.name not in told_units  # the county counts the fair of a unit below it
    assert told(people.bob, "fair.graduate_missing") == [{"unit": tree.town_b.name, "year": year}]
    services.graduate_fair_reminders_send(today=june + dt.timedelta(days=1))
    assert len(told(people.bob, "fair.graduate_missing")) == 1  # monthly, not daily
    services.graduate_fair_reminders_send(today=dt.date(year, 7, 1))
    assert len(told(people.bob, "fair.graduate_missing")) == 2


def test_no_reminder_for_a_draft_fair(tree: Any, people: Any, world: FairWorld) -> None:
    draft = make_fair(tree.county, state=JobFair.State.DRAFT, name="草稿招聘会")
    Booth.objects.create(fair=draft, employer=world.eve_co, code="A01", status=Booth.Status.APPROVED)
    services.tomorrow_reminders_send(today=draft.starts_on - dt.timedelta(days=1))
    assert not Notification.objects.filter(context__fair="草稿招聘会").exists()
