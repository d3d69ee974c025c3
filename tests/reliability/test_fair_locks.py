"""Finding 2: a fair's schedule being rebuilt while walk-ins are booked at its booths.

The schedule locks the fair; a walk-in locked its booth and then (through ``select_related`` without
``of=``) the fair; at commit the schedule's deferred foreign-key checks need the booth and attendee
rows the walk-in holds. Both wait; PostgreSQL kills one (a 500, or a reschedule task lost). With
one lock order (fair, booths, attendees), ``of=`` on every lock and transient errors retried,
everybody gets an answer: a schedule, a seat, or "the slot is full"."""

from __future__ import annotations

from typing import Any

from fairs import services
from fairs.models import Booth, Interview
from fairs.tasks import reschedule
from tests.factories import HouseholdFactory, MemberFactory, UserFactory
from tests.fairs.conftest import FairWorld, match, on_the_day, register
from tests.jobs.conftest import make_employer, make_posting
from tests.reliability.races import postgres_only, race, verdict

pytestmark = postgres_only


def test_schedules_reschedule_tasks_and_walk_ins_at_once_all_get_an_answer(
    world: FairWorld, people: Any, tree: Any
) -> None:
    fair = on_the_day(world.fair)
    booths = [world.booth]
    for n in range(3):
        boss = UserFactory(username=f"boss{n}", role="employer")
        company = make_employer(boss, tree.county, name=f"公司{n}")
        booth = Booth.objects.create(
            fair=fair, employer=company, code=f"B0{n + 2}", status=Booth.Status.APPROVED, slot_count=4, slot_capacity=2
        )
        posting = make_posting(company)
        booth.postings.set([posting])
        booths.append(booth)
    registered = [register(fair, MemberFactory(household=HouseholdFactory(org_unit=tree.station_a))) for _ in range(30)]
    for n, attendee in enumerate(registered):
        for booth in booths:
            match(attendee.member, booth.postings.get(), 0.3 + (n % 7) / 10)
    services.fair_schedule(fair=fair, by=people.alice)
    walkers = [MemberFactory(household=HouseholdFactory(org_unit=tree.station_a)) for _ in range(24)]

    def walk_in(member: Any, booth: Booth, slot: int) -> Interview:
        attendee = services.attendee_register(fair=fair, member=member, by=people.alice, walk_in=True)
        return services.interview_book(booth=booth, attendee=attendee, slot=slot, by=people.alice)

    calls: list[Any] = []
    for n in range(8):
        calls.append(lambda: services.fair_schedule(fair=fair, by=people.alice, reason="again"))
        calls.append(lambda: reschedule.apply(args=[fair.pk, people.alice.pk, "a cancellation"]).get())
        for k in range(3):
            member, booth = walkers[3 * n + k], booths[(n + k) % len(booths)]
            calls.append(lambda m=member, b=booth, s=k % booth.slot_count: walk_in(m, b, s))

    outcomes = [verdict(o) for o in race(calls)]

    errors = [o for o in outcomes if o.startswith("error")]
    assert not errors, errors
    assert outcomes.count("done") >= 16, outcomes  # every schedule and task; walk-ins where a seat was free
    seats = list(
        Interview.objects.filter(fair=fair)
        .exclude(state=Interview.State.CANCELLED)
        .values_list("booth_id", "slot", "seat")
    )
    assert len(seats) == len(set(seats)), "a seat was given twice"
