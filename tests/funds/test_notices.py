"""A payment request waits with the organizers who may approve it (never its maker, within their
limit), in their daily digest."""

from __future__ import annotations

from typing import Any

import pytest

from notifications.models import Notification
from tests.funds.conftest import FundWorld, request_for, yuan

pytestmark = pytest.mark.django_db


def told(user: Any) -> list[dict[str, Any]]:
    return [n.context for n in Notification.objects.filter(recipient=user, kind="payment.waiting")]


def test_a_small_request_waits_with_the_nearest_organizers_who_may_approve_it(world: FundWorld, people: Any) -> None:
    request_for(world, people.hana, yuan(800))
    # Station A has no organizer; town A's (Olga) may approve ¥800.
    assert told(people.olga) == [{"amount": "¥800.00", "payee": "王强"}]
    assert told(people.alice) == [] and told(people.hana) == []


def test_a_large_request_goes_up_to_whoever_may_approve_that_much(world: FundWorld, people: Any) -> None:
    request_for(world, people.hana, yuan(50_000))  # above a town's limit
    assert told(people.olga) == []
    assert [c["amount"] for c in told(people.alice)] == ["¥50,000.00"]


def test_the_maker_is_never_asked_to_approve_their_own_request(world: FundWorld, people: Any) -> None:
    request_for(world, people.olga, yuan(800))
    assert told(people.olga) == []
    assert len(told(people.alice)) == 1
