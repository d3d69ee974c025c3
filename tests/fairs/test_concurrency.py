"""Races on PostgreSQL: threads released together by a barrier, each on its own connection.

SQLite lets one writer in at a time, so these run on PostgreSQL only (as the funds race does)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from core.errors import Conflict
from fairs import services
from fairs.models import Booth, Interview
from jobs.models import JobPosting
from tests.factories import MemberFactory, UserFactory
from tests.fairs.conftest import FairWorld, register
from tests.jobs.conftest import make_employer, make_posting

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite lets one writer in at a time, so no two requests ever run at once",
    ),
]


def race(calls: list[Callable[[], Any]]) -> list[str]:
    barrier = threading.Barrier(len(calls), timeout=20)
    outcomes: dict[int, str] = {}

    def run(n: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            call()
            outcomes[n] = "done"
        except Conflict:
            outcomes[n] = "refused"
        except Exception as exc:  # surfaced in the assertion, not lost in the thread
            outcomes[n] = f"error: {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes.values())


def test_ten_organizers_giving_one_booth_code_to_ten_employers_at_once_give_it_once(
    world: FairWorld, people: Any, tree: Any
) -> None:
    booths = [world.pending]
    for n in range(9):
        user = UserFactory(username=f"boss{n}", role="employer")
        company = make_employer(user, tree.county, name=f"公司{n}")
        booth = Booth.objects.create(fair=world.fair, employer=company)
        booth.postings.set([make_posting(company)])
        booths.append(booth)
    outcomes = race(
        [lambda b=b: services.booth_decide(booth=b, by=people.alice, approve=True, code="A02") for b in booths]
    )
    assert outcomes == ["done"] + ["refused"] * 9, outcomes
    assert Booth.objects.filter(fair=world.fair, code="A02").count() == 1


def test_ten_attendees_booked_into_one_single_seat_slot_at_once_get_it_once(
    world: FairWorld, people: Any, tree: Any
) -> None:
    attendees = [register(world.fair, MemberFactory()) for _ in range(10)]
    outcomes = race(
        [lambda a=a: services.interview_book(booth=world.booth, attendee=a, slot=1, by=people.eve) for a in attendees]
    )
    assert outcomes == ["done"] + ["refused"] * 9, outcomes
    assert Interview.objects.filter(booth=world.booth, slot=1).count() == 1
    assert JobPosting.objects.exists()  # the world was not flushed under the threads


def test_walk_ins_at_once_fill_a_many_seat_slot_one_seat_each(world: FairWorld, people: Any) -> None:
    world.booth.slot_capacity = 8
    world.booth.save(update_fields=["slot_capacity"])
    attendees = [register(world.fair, MemberFactory()) for _ in range(9)]
    outcomes = race(
        [lambda a=a: services.interview_book(booth=world.booth, attendee=a, slot=1, by=people.eve) for a in attendees]
    )
    # The booth's lock serialises bookings, so each walk-in gets a seat of its own and only the ninth is refused.
    assert outcomes == ["done"] * 8 + ["refused"], outcomes
    seats = sorted(Interview.objects.filter(booth=world.booth, slot=1).values_list("seat", flat=True))
    assert seats == list(range(8))
