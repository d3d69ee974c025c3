"""The relief API: the registered tracks, applying, deciding and paying with an idempotency key."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from funds.models import LedgerTransaction
from relief.models import Application, Benefit
from tests.relief.conftest import ReliefWorld, apply_student_aid

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_tracks_are_listed_with_code_names_and_whether_each_pays(relief: ReliefWorld, people: Any) -> None:
    rows = api(people.wang).get("/api/v1/relief/tracks/").json()
    by_code = {r["code"]: r for r in rows}
    assert {"warmth", "student_aid", "medical", "assistance"} <= set(by_code)
    assert by_code["student_aid"]["name_zh"] == "金秋助学" and by_code["student_aid"]["pays"] is True
    assert by_code["warmth"]["pays_how"] == "cash_or_goods"
    assert {f["name"] for f in by_code["medical"]["form_fields"]} >= {"bill_total", "insured_paid", "self_paid"}
    assert api(people.wang).get("/api/v1/relief/tracks/nope/").status_code == 404


def test_employers_see_no_tracks_and_only_staff_see_a_worklist(relief: ReliefWorld, people: Any) -> None:
    """Found by the security matrix: the worklist answered 200 (empty) to workers and employers."""
    assert api(people.eve).get("/api/v1/relief/tracks/").status_code == 403
    assert api(people.eve).get("/api/v1/relief/tracks/warmth/").status_code == 403
    assert api(people.wang).get("/api/v1/relief/tracks/student_aid/worklist/").status_code == 403
    assert api(people.eve).get("/api/v1/relief/tracks/student_aid/worklist/").status_code == 403
    assert api(people.aude).get("/api/v1/relief/tracks/student_aid/worklist/").status_code == 200


def test_apply_review_and_pay_through_the_api(relief: ReliefWorld, people: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api(people.wang).post(
        "/api/v1/relief/applications/",
        {
            "track": "student_aid",
            "member": relief.son.pk,
            "school": "内蒙古大学",
            "level": "college",
            "admission_year": 2025,
            "enrolment_proof": SimpleUploadedFile("card.png", b"\x89PNG card", content_type="image/png"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    for user in (people.hana, people.olga):
        state = Application.objects.get(pk=pk).state
        decided = api(user).post(
            f"/api/v1/relief/applications/{pk}/review/", {"approve": True, "expected_state": state}, format="json"
        )
        assert decided.status_code == 200, decided.json()
    own = api(people.olga).post(f"/api/v1/relief/applications/{pk}/approve-payment/")
    assert own.status_code == 403
    assert api(people.alice).post(f"/api/v1/relief/applications/{pk}/approve-payment/").status_code == 200
    no_key = api(people.olga).post(f"/api/v1/relief/applications/{pk}/pay/")
    assert no_key.status_code == 400 and not Benefit.objects.exists()
    first = api(people.olga).post(f"/api/v1/relief/applications/{pk}/pay/", HTTP_IDEMPOTENCY_KEY="api-pay-1")
    again = api(people.olga).post(f"/api/v1/relief/applications/{pk}/pay/", HTTP_IDEMPOTENCY_KEY="api-pay-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert LedgerTransaction.objects.filter(purpose__code="student_aid").count() == 1
    other = api(people.olga).post(f"/api/v1/relief/applications/{pk}/pay/", HTTP_IDEMPOTENCY_KEY="api-pay-2")
    assert other.status_code == 409
    benefits = api(people.wang).get("/api/v1/relief/benefits/").json()["results"]
    assert [b["amount_fen"] for b in benefits] == [300_000]  # college, living at home


def test_an_ineligible_application_by_api_names_the_reason(relief: ReliefWorld, people: Any) -> None:
    response = api(people.wang).post(
        "/api/v1/relief/applications/", {"track": "student_aid", "member": relief.wang.pk, "details": {}}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "ineligible"
    assert "14 至 29 岁" in response.json()["detail"]  # the API answers in Chinese by default
    assert not Application.objects.exists()


def test_an_unknown_track_or_someone_elses_member_is_not_found(
    relief: ReliefWorld, people: Any, household_b: Any
) -> None:
    unknown = api(people.wang).post(
        "/api/v1/relief/applications/", {"track": "nope", "member": relief.son.pk}, format="json"
    )
    assert unknown.status_code == 404
    other = api(people.wang).post(
        "/api/v1/relief/applications/", {"track": "medical", "member": household_b.members.first().pk}, format="json"
    )
    assert other.status_code == 404
    assert not Application.objects.exists()


def test_worklists_and_received_by_unit(relief: ReliefWorld, people: Any, tree: Any) -> None:
    from tests.relief.conftest import paid

    rows = api(people.hana).get("/api/v1/relief/tracks/student_aid/worklist/").json()
    assert [r["id"] for r in rows] == [relief.son.pk]
    paid(apply_student_aid(relief, people), people)
    received = api(people.olga).get(f"/api/v1/relief/received/?unit={tree.town_a.pk}&track=student_aid").json()
    assert received == [
        {
            "track": "student_aid",
            "track_name": "金秋助学",  # the API answers in Chinese by default
            "benefits": 1,
            "households": 1,
            "people": 1,
            "cash_fen": 460_000,
            "goods_fen": 0,
        }
    ]
    assert api(people.bob).get(f"/api/v1/relief/received/?unit={tree.town_a.pk}").status_code == 404


def test_the_warmth_ranking_by_api(relief: ReliefWorld, people: Any) -> None:
    from tests.relief.conftest import make_campaign

    campaign = make_campaign(relief, people)
    body = api(people.olga).get(f"/api/v1/relief/warmth/campaigns/{campaign.pk}/ranking/").json()
    assert body["remaining_fen"] == campaign.limit and body["candidates"][0]["household"] == relief.household.pk
    assert api(people.bob).get(f"/api/v1/relief/warmth/campaigns/{campaign.pk}/ranking/").status_code == 404
