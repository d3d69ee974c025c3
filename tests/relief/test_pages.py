"""The relief pages: what each role sees and may do, from the worker on a phone to the auditor."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from relief.models import Application
from tests.relief.conftest import ReliefWorld, apply_student_aid, approve_all, make_campaign, paid, proof

pytestmark = pytest.mark.django_db


def test_every_relief_page_opens_for_an_organizer(relief: ReliefWorld, people: Any, client: Any) -> None:
    campaign = make_campaign(relief, people)
    application = apply_student_aid(relief, people)
    client.force_login(people.olga)
    urls = [
        reverse("relief:index"),
        reverse("relief:queue"),
        reverse("relief:payments"),
        reverse("relief:application", args=[application.pk]),
        reverse("relief:warmth:campaigns"),
        reverse("relief:warmth:campaign", args=[campaign.pk]),
        reverse("relief:warmth:campaign_create"),
        reverse("relief:assistance:referrals"),
        reverse("relief:medical:cover", args=[relief.son.pk]),
        *[reverse("relief:track", args=[code]) for code in ("warmth", "student_aid", "medical", "assistance")],
        *[reverse("relief:apply", args=[code]) for code in ("warmth", "student_aid", "medical", "assistance")],
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_worker_applies_on_the_page_and_follows_the_application(
    relief: ReliefWorld, people: Any, client: Any
) -> None:
    client.force_login(people.wang)
    form = client.get(reverse("relief:apply", args=["student_aid"]))
    assert form.status_code == 200 and "王小明" in form.content.decode()
    response = client.post(
        reverse("relief:apply", args=["student_aid"]),
        {
            "member": relief.son.pk,
            "school": "内蒙古大学",
            "level": "college",
            "admission_year": 2025,
            "enrolment_proof": proof(),
        },
    )
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("relief:application", args=[application.pk])
    mine = client.get(reverse("relief:mine")).content.decode()
    assert "内蒙古大学" in mine
    assert client.get(reverse("relief:queue")).status_code == 403  # a worker reviews nothing


def test_a_bad_application_on_the_page_shows_the_error_and_writes_nothing(
    relief: ReliefWorld, people: Any, client: Any
) -> None:
    client.force_login(people.wang)
    response = client.post(
        reverse("relief:apply", args=["student_aid"]),
        {
            "member": relief.wang.pk,
            "school": "x",
            "level": "college",
            "admission_year": 2025,
            "enrolment_proof": proof(),
        },
    )
    assert response.status_code == 400 and "不符合金秋助学条件" in response.content.decode()
    assert not Application.objects.exists()


def test_a_refusal_reason_is_shown_to_the_worker(relief: ReliefWorld, people: Any, client: Any) -> None:
    from relief import services

    application = apply_student_aid(relief, people)
    services.application_review(application=application, by=people.hana, approve=False, note="请补交在读证明")
    client.force_login(people.wang)
    page = client.get(reverse("relief:application", args=[application.pk])).content.decode()
    assert "请补交在读证明" in page


def test_staff_outside_the_unit_and_other_workers_cannot_see_an_application(
    relief: ReliefWorld, people: Any, client: Any, household_b: Any
) -> None:
    application = apply_student_aid(relief, people)
    client.force_login(people.bob)
    assert client.get(reverse("relief:application", args=[application.pk])).status_code == 404
    assert (
        client.post(
            reverse("relief:review", args=[application.pk]), {"expected_state": "helper_review", "decision": "approve"}
        ).status_code
        == 404
    )
    assert application.decisions.count() == 0


def test_the_auditor_reads_but_decides_nothing(relief: ReliefWorld, people: Any, client: Any) -> None:
    application = apply_student_aid(relief, people)
    client.force_login(people.aude)
    page = client.get(reverse("relief:application", args=[application.pk]))
    assert page.status_code == 200 and 'name="decision"' not in page.content.decode()
    response = client.post(
        reverse("relief:review", args=[application.pk]), {"expected_state": "helper_review", "decision": "approve"}
    )
    assert response.status_code == 404
    assert application.decisions.count() == 0


def test_review_and_payment_through_the_pages(relief: ReliefWorld, people: Any, client: Any) -> None:
    application = apply_student_aid(relief, people)
    for user in (people.hana, people.olga):
        client.force_login(user)
        state = Application.objects.get().state
        client.post(reverse("relief:review", args=[application.pk]), {"expected_state": state, "decision": "approve"})
    application.refresh_from_db()
    assert application.state == Application.State.APPROVED
    page = client.get(reverse("relief:application", args=[application.pk])).content.decode()
    assert "须由另一位组织者批准" in page  # Olga asked for the payment: another organizer approves it
    client.force_login(people.alice)
    client.post(reverse("relief:payment_approve", args=[application.pk]))
    client.force_login(people.olga)
    client.post(reverse("relief:pay", args=[application.pk]), {"idempotency_key": "page-twice"})
    client.post(reverse("relief:pay", args=[application.pk]), {"idempotency_key": "page-twice"})
    application.refresh_from_db()
    assert application.state == Application.State.GIVEN
    from funds.models import LedgerTransaction

    assert LedgerTransaction.objects.filter(purpose__code="student_aid").count() == 1


def test_the_household_page_and_the_workers_page_list_what_was_received(
    relief: ReliefWorld, people: Any, client: Any
) -> None:
    paid(apply_student_aid(relief, people), people)
    client.force_login(people.olga)
    page = client.get(reverse("households:detail", args=[relief.household.pk])).content.decode()
    assert "内蒙古师范大学" in page and "¥4,600.00" in page
    client.force_login(people.wang)
    assert "¥4,600.00" in client.get(reverse("me:home")).content.decode()
    assert "¥4,600.00" in client.get(reverse("relief:mine")).content.decode()


def test_listing_the_top_of_a_campaigns_ranking_from_its_page(
    relief: ReliefWorld, people: Any, client: Any, tree: Any
) -> None:
    from tests.relief.conftest import household_with_head

    for _ in range(3):
        household_with_head(tree, income="200.00")
    campaign = make_campaign(relief, people, limit=yuan_of(1_120), cash=yuan_of(500))
    client.force_login(people.olga)
    page = client.get(reverse("relief:warmth:campaign", args=[campaign.pk])).content.decode()
    assert "预算覆盖到这里" in page  # the budget reaches down to here
    client.post(reverse("relief:warmth:campaign_list", args=[campaign.pk]), {"top": "1"})
    assert Application.objects.filter(track="warmth").count() == 2  # ¥1,120 reaches two ¥560 gifts


def yuan_of(n: int) -> int:
    return n * 100


def test_approved_application_pages_for_the_payer(relief: ReliefWorld, people: Any, client: Any) -> None:
    application = approve_all(apply_student_aid(relief, people), people)
    client.force_login(people.alice)
    page = client.get(reverse("relief:application", args=[application.pk])).content.decode()
    assert reverse("relief:payment_approve", args=[application.pk]) in page
