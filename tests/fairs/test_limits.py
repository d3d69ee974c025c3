"""Numbers and texts too large for their columns are refused with a clear message before anything
is written (PostgreSQL would otherwise answer a 500 for an integer out of range or a long text)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.errors import InvalidInput
from fairs import services
from fairs.models import Booth, JobFair
from tests.fairs.conftest import FairWorld, make_fair, today

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    client.force_login(user)
    return client


def fair_body(tree: Any, **values: Any) -> dict[str, Any]:
    day = today() + dt.timedelta(days=30)
    body: dict[str, Any] = {
        "name": "超大招聘会",
        "kind": "general",
        "org_unit": tree.county.pk,
        "starts_on": day.isoformat(),
        "ends_on": day.isoformat(),
        "registration_opens": today().isoformat(),
        "registration_closes": (day - dt.timedelta(days=1)).isoformat(),
        "capacity": 100,
        "venue": "体育馆",
    }
    body.update(values)
    return body


def test_a_huge_capacity_is_refused_through_the_api_and_nothing_is_written(people: Any, tree: Any) -> None:
    response = client_for(people.alice).post(
        reverse("fair-list"), fair_body(tree, capacity=10**12), content_type="application/json"
    )
    assert response.status_code == 400 and "capacity" in response.json()
    assert not JobFair.objects.exists()


def test_a_huge_capacity_is_refused_on_the_page(people: Any, tree: Any) -> None:
    body = fair_body(tree, capacity=10**12, interviews_start="09:00", max_interviews=3, gap_minutes=10)
    response = client_for(people.alice).post(reverse("fairs:create"), body)
    assert response.status_code == 400
    assert not JobFair.objects.exists()


def test_the_service_refuses_a_capacity_or_a_stream_address_beyond_its_column(people: Any, tree: Any) -> None:
    day = today() + dt.timedelta(days=30)
    data: dict[str, Any] = {
        "name": "线上招聘会",
        "kind": JobFair.Kind.ONLINE,
        "org_unit": tree.county,
        "starts_on": day,
        "ends_on": day,
        "registration_opens": today(),
        "registration_closes": day,
        "capacity": 10**12,
    }
    with pytest.raises(InvalidInput) as capacity:
        services.fair_create(by=people.alice, data=services.FairInput(**data))
    assert capacity.value.field == "capacity"
    data["capacity"], long_url = 10, "https://live.example.cn/" + "x" * 300
    with pytest.raises(InvalidInput) as url:
        services.fair_create(by=people.alice, data=services.FairInput(stream_url=long_url, **data))
    assert url.value.field == "stream_url"
    assert not JobFair.objects.exists()


def test_a_booth_code_longer_than_its_column_is_refused_at_a_fair_without_a_map(world: FairWorld, people: Any) -> None:
    fair = make_fair(world.fair.org_unit, name="线上招聘会", kind=JobFair.Kind.ONLINE, booth_codes=[])
    booth = Booth.objects.create(fair=fair, employer=world.frank_co)
    with pytest.raises(InvalidInput):
        services.booth_decide(booth=booth, by=people.alice, approve=True, code="X" * 40)
    response = client_for(people.alice).post(
        reverse("fair-booth-decide", args=[booth.pk]),
        {"approve": True, "code": "X" * 40},
        content_type="application/json",
    )
    assert response.status_code == 400
    booth.refresh_from_db()
    assert (booth.status, booth.code) == (Booth.Status.PENDING, None)
