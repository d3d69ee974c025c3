"""Ventures tell people: the decision on an application, an instalment due within three days (once),
an instalment overdue (the borrower, and the household's helper in the daily digest)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from notifications.models import Delivery, Notification
from notifications.services import digests_send
from tests.conftest import People
from tests.funds.conftest import FundWorld, yuan
from tests.ventures.conftest import applied, approved_venture, disbursed
from ventures import services
from ventures.models import LoanProduct

pytestmark = pytest.mark.django_db

Products = dict[str, LoanProduct]


def told(user: Any, kind: str) -> list[dict[str, Any]]:
    return [n.context for n in Notification.objects.filter(recipient=user, kind=kind).order_by("pk")]


def test_the_applicant_hears_the_final_decision_only(world: FundWorld, people: People, products: Products) -> None:
    venture = applied(world, people, products["free"], yuan(12_000))
    services.venture_review(venture=venture, by=people.hana, approve=True)
    assert told(people.wang, "venture.decided") == []  # a step of the chain, not the decision
    services.venture_review(venture=venture, by=people.olga, approve=False, note="经营计划不完整")
    assert told(people.wang, "venture.decided") == [
        {"business": venture.business_name, "verdict": "refused", "note": "经营计划不完整"}
    ]


def test_an_approval_is_told_too(world: FundWorld, people: People, products: Products) -> None:
    approved_venture(world, people, products["free"], yuan(10_000))
    assert [c["verdict"] for c in told(people.wang, "venture.decided")] == ["approved"]


def test_an_instalment_due_in_three_days_is_announced_once(
    world: FundWorld, people: People, products: Products
) -> None:
    loan = disbursed(world, people, products["free"])
    first = loan.instalments.order_by("number").first()
    assert first is not None
    assert services.due_reminders_send(today=first.due_on - dt.timedelta(days=4)) == 0
    assert services.due_reminders_send(today=first.due_on - dt.timedelta(days=3)) == 1
    assert services.due_reminders_send(today=first.due_on - dt.timedelta(days=2)) == 0  # once, not daily
    [due] = told(people.wang, "loan.instalment_due")
    assert (due["number"], due["due"]) == (1, first.due_on.isoformat())


def test_an_overdue_instalment_tells_the_borrower_and_the_helpers_digest(
    world: FundWorld, people: People, products: Products
) -> None:
    disbursed(world, people, products["free"])
    later = timezone.localdate() + dt.timedelta(days=75)
    services.mark_overdue(today=later)
    services.mark_overdue(today=later)
    assert len(told(people.wang, "loan.instalment_overdue")) == 2
    for_hana = Notification.objects.filter(recipient=people.hana, kind="loan.overdue_helper")
    assert for_hana.count() == 2
    assert not Delivery.objects.filter(notification__in=for_hana).exists()  # staff: in the digest instead

    assert digests_send() >= 1
    [digest] = Notification.objects.filter(recipient=people.hana, kind="digest.daily")
    assert "2" in digest.context["summary"] and digest.context["count"] >= 2
    assert Delivery.objects.filter(notification=digest).exists()  # the digest itself goes out
    assert digests_send() == 0  # run twice: nothing twice
    assert not for_hana.filter(digested_at__isnull=True).exists()
