"""Every "by unit" table of the product rolls up the tree the same way: a unit's row covers its whole
subtree, its own records are a line of their own, and a parent is its own plus its children's.
(The tables live in jobs, training, ventures and fairs; they share ``accounts.rollup``.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from fairs.models import Attendee, JobFair
from fairs.selectors import fair_report
from households.models import Member
from jobs.selectors import placement_counts_for
from tests.assessment.conftest import hire, households
from tests.conftest import People, Tree
from tests.factories import MemberFactory
from training.selectors import coverage_for
from ventures.selectors import portfolio_for

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def members_at(tree: Tree) -> tuple[Member, Member, Member]:
    """A capable member at town A itself, one at station A, one at town B."""
    return (
        MemberFactory(household=households(tree.town_a)[0]),
        MemberFactory(household=households(tree.station_a)[0]),
        MemberFactory(household=households(tree.town_b)[0]),
    )


def test_placements_by_unit_roll_up_with_the_towns_own_line(tree: Tree, people: People) -> None:
    own, station, other = members_at(tree)
    for member in (own, station, station, other):
        hire(member, TODAY(), people=people)
    lines = [(line.unit, line.is_own, line.values["count"]) for line in placement_counts_for(people.alice).by_unit]
    assert lines == [
        (tree.county, False, 4),
        (tree.town_a, False, 3),
        (tree.town_a, True, 1),
        (tree.station_a, False, 2),
        (tree.town_b, False, 1),
    ]


def test_skills_coverage_by_unit_rolls_up(tree: Tree, people: People) -> None:
    members_at(tree)
    rows = {(row.unit, row.is_own): row for row in coverage_for(people.alice).units}
    assert rows[(tree.county, False)].capable == 3
    assert rows[(tree.town_a, False)].capable == 2 and rows[(tree.town_a, True)].capable == 1
    assert rows[(tree.station_a, False)].capable == 1 and rows[(tree.town_a, False)].households == 2
    assert coverage_for(people.olga).total.capable == 2


def test_a_fairs_report_by_unit_rolls_up(tree: Tree, people: People) -> None:
    own, station, other = members_at(tree)
    fair = JobFair.objects.create(
        name="春风行动",
        org_unit=tree.county,
        starts_on=TODAY(),
        ends_on=TODAY(),
        registration_opens=TODAY() - dt.timedelta(days=10),
        registration_closes=TODAY(),
        capacity=50,
    )
    for member in (own, station, other):
        Attendee.objects.create(fair=fair, member=member, checked_in_at=timezone.now() if member != other else None)
    rows = {(row.unit, row.is_own): row.counts for row in fair_report(people.alice, fair).by_unit}
    assert rows[(tree.county, False)]["registrations"] == 3 and rows[(tree.county, False)]["check_ins"] == 2
    assert rows[(tree.town_a, False)]["registrations"] == 2 and rows[(tree.town_a, True)]["registrations"] == 1
    assert rows[(tree.station_a, False)]["check_ins"] == 1 and rows[(tree.town_b, False)]["check_ins"] == 0


def test_the_ventures_portfolio_rolls_up(world: Any, people: People, products: Any, tree: Tree) -> None:
    from tests.funds.conftest import yuan
    from tests.ventures.conftest import disbursed

    disbursed(world, people, products["free"], yuan(12_000))
    report = portfolio_for(people.alice)
    lines = [(line.unit, line.depth, line.is_own, line.loans, line.disbursed) for line in report.lines]
    assert lines == [
        (tree.county, 0, False, 1, yuan(12_000)),
        (tree.town_a, 1, False, 1, yuan(12_000)),
        (tree.station_a, 2, False, 1, yuan(12_000)),
    ]
    assert report.total.disbursed == yuan(12_000)
