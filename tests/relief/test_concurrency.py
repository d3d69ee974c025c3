"""Races on PostgreSQL: threads released together by a barrier, each on its own connection.

SQLite lets one writer in at a time, so these run on PostgreSQL only (as the funds and fairs
races do)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from core.errors import Conflict
from relief import services
from relief.models import Application
from relief.warmth import services as warmth_services
from tests.funds.conftest import yuan
from tests.relief.conftest import ReliefWorld, household_with_head, make_campaign, proof, student_aid_data

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite lets one writer in at a time, so no two requests ever run at once",
    ),
]


def race(calls: list[Callable[[], Any]]) -> list[str]:
    barrier = threading.Barrier(len(calls), timeout=30)
    outcomes: dict[int, str] = {}

    def run(n: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            call()
            outcomes[n] = "done"
        except Conflict as exc:
            outcomes[n] = f"refused:{exc.code}"
        except Exception as exc:  # surfaced in the assertion, not lost in the thread
            outcomes[n] = f"error: {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(outcomes.values())


def test_fifty_simultaneous_approvals_against_a_budget_for_ten_approve_exactly_ten(
    relief: ReliefWorld, people: Any, tree: Any
) -> None:
    campaign = make_campaign(relief, people, limit=yuan(5_000), cash=yuan(500), goods=[])
    households = [household_with_head(tree) for _ in range(50)]
    outcomes = warmth_services.campaign_list_households(
        campaign=campaign, by=people.olga, household_ids=[h.pk for h in households]
    )
    applications = [o.application for o in outcomes]
    assert all(a is not None for a in applications)
    applications = [services.application_review(application=a, by=people.hana, approve=True) for a in applications]  # type: ignore[arg-type]
    results = race(
        [lambda a=a: services.application_review(application=a, by=people.alice, approve=True) for a in applications]
    )
    assert results == ["done"] * 10 + ["refused:campaign_budget_spent"] * 40, results
    approved = Application.objects.filter(warmth_delivery__campaign=campaign, state=Application.State.APPROVED)
    assert approved.count() == 10
    assert sum(a.total for a in approved) == campaign.limit
    assert Application.objects.filter(warmth_delivery__campaign=campaign, cash_request__isnull=False).count() == 10


def test_two_applications_for_one_student_at_once_make_one_award(relief: ReliefWorld, people: Any) -> None:
    results = race(
        [
            lambda: services.application_create(
                by=people.wang,
                track="student_aid",
                member=relief.son,
                data=student_aid_data(),
                files={"enrolment_proof": proof()},
            )
            for _ in range(5)
        ]
    )
    assert results[0] == "done" and all(r.startswith("refused") for r in results[1:]), results
    assert Application.objects.filter(track="student_aid").count() == 1
