"""Finding 1: one worker hired by two employers at the same moment.

Each hire closes the worker's other open applications; two hires that lock their own application
first and then the other's wait on each other in a circle, and PostgreSQL kills one with "deadlock
detected" (a 500). With one lock order (the worker's household and member first) the second hire
waits, then finds its application closed: a clear refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jobs import services
from jobs.models import Application, Placement
from tests.factories import HouseholdFactory, MemberFactory, UserFactory
from tests.jobs.conftest import make_employer, make_posting
from tests.reliability.races import postgres_only, race, verdict

pytestmark = postgres_only

PAIRS = 8


def test_a_worker_hired_by_two_employers_at_once_is_hired_once_and_nobody_sees_an_error(tree: Any) -> None:
    bosses = [UserFactory(username=f"boss{n}", role="employer") for n in range(2)]
    companies = [make_employer(b, tree.county, name=f"公司{n}") for n, b in enumerate(bosses)]
    calls = []
    members = []
    for _pair in range(PAIRS):
        member = MemberFactory(household=HouseholdFactory(org_unit=tree.station_a))
        members.append(member)
        for boss, company in zip(bosses, companies, strict=True):
            posting = make_posting(company, headcount=5)
            application = Application.objects.create(posting=posting, member=member, state=Application.State.OFFERED)
            calls.append(
                lambda a=application, b=boss: services.application_hire(
                    application=a, by=b, start_date=dt.date.today(), monthly_wage=5000
                )
            )

    outcomes = [verdict(o) for o in race(calls)]

    errors = [o for o in outcomes if o.startswith("error")]
    assert not errors, errors
    for n, member in enumerate(members):
        assert sorted(outcomes[2 * n : 2 * n + 2]) == ["done", "refused"], outcomes
        assert Placement.objects.filter(member=member).count() == 1
        states = sorted(Application.objects.filter(member=member).values_list("state", flat=True))
        assert states == [Application.State.CLOSED, Application.State.HIRED]


@pytest.fixture(autouse=True)
def _no_match_refresh(eager_tasks: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hire refreshes matches on commit; that is not what this race is about."""
    monkeypatch.setattr("core.tasks.enqueue_on_commit", lambda *a, **k: None)
    monkeypatch.setattr("jobs.services.enqueue_on_commit", lambda *a, **k: None)
    monkeypatch.setattr("households.services.enqueue_on_commit", lambda *a, **k: None)
