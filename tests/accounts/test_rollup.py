"""The roll-up behind every "by unit" table: a parent's figure is its own plus its children's."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext

from accounts.models import OrgUnit
from accounts.rollup import ROWS, Source, reach_tops, rollup, rollup_sources
from households.models import Household, Member
from tests.conftest import People, Tree
from tests.factories import HouseholdFactory, MemberFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def households(unit: OrgUnit, n: int, **fields: Any) -> list[Household]:
    return [HouseholdFactory(org_unit=unit, **fields) for _ in range(n)]


@pytest.fixture
def spread(tree: Tree) -> Tree:
    households(tree.county, 1)
    households(tree.town_a, 1)
    households(tree.station_a, 2)
    households(tree.station_a, 1, state=Household.State.DRAFT)
    households(tree.town_b, 3)
    return tree


def test_each_unit_counts_its_whole_subtree_and_its_own_records_apart(spread: Tree) -> None:
    table = rollup(Household.objects.all(), unit="org_unit", measures={"n": Count("pk")})
    assert [(r.unit, r.depth, r.total["n"], r.own["n"]) for r in table.rows] == [
        (spread.county, 0, 8, 1),
        (spread.town_a, 1, 4, 1),
        (spread.station_a, 2, 3, 3),
        (spread.town_b, 1, 3, 3),
    ]
    for row in table.rows:
        children = sum(child.total["n"] for child in table.children(row.unit))
        assert row.total["n"] == row.own["n"] + children
    assert table.grand_total["n"] == 8


def test_filtered_and_summed_measures_roll_up_the_same_way(spread: Tree) -> None:
    table = rollup(
        Household.objects.all(),
        unit="org_unit",
        measures={"active": Count("pk", filter=Q(state=Household.State.ACTIVE)), "ids": Sum("reentry_count")},
    )
    assert table.value(spread.county, "active") == 7
    assert table.value(spread.town_a, "active") == 3 and table.value(spread.station_a, "active") == 2
    assert table.value(spread.county, "ids") == 0


def test_a_table_under_one_unit_starts_at_depth_zero_and_ignores_the_rest(spread: Tree, people: People) -> None:
    table = rollup(Household.objects.all(), unit="org_unit", measures={"n": Count("pk")}, tops=reach_tops(people.olga))
    assert [(r.unit, r.depth, r.total["n"]) for r in table.rows] == [(spread.town_a, 0, 4), (spread.station_a, 1, 3)]
    assert table.grand_total["n"] == 4


def test_empty_units_are_left_out_on_request_but_the_units_above_records_stay(tree: Tree) -> None:
    households(tree.station_a, 2)
    table = rollup(Household.objects.all(), unit="org_unit", measures={"n": Count("pk")}, keep_empty=False)
    assert [r.unit for r in table.rows] == [tree.county, tree.town_a, tree.station_a]
    assert [(line.unit, line.is_own) for line in table.lines()] == [
        (tree.county, False),
        (tree.town_a, False),
        (tree.station_a, False),
    ]


def test_a_units_own_records_get_their_own_line_under_it(spread: Tree) -> None:
    table = rollup(Household.objects.all(), unit="org_unit", measures={"n": Count("pk")})
    lines = [(line.unit, line.depth, line.is_own, line.values["n"]) for line in table.lines()]
    assert lines == [
        (spread.county, 0, False, 8),
        (spread.county, 1, True, 1),
        (spread.town_a, 1, False, 4),
        (spread.town_a, 2, True, 1),
        (spread.station_a, 2, False, 3),
        (spread.town_b, 1, False, 3),
    ]


def test_ids_past_the_padding_do_not_leak_into_a_sibling_whose_id_is_their_prefix(tree: Tree) -> None:
    def unit_with_id(pk: int) -> OrgUnit:
        # ``save`` derives the path from an id it chose itself; here the id is chosen, so is the path.
        unit = OrgUnitFactory(pk=pk, parent=tree.county, kind=OrgUnit.Kind.STATION)
        OrgUnit.objects.filter(pk=pk).update(path=unit._compute_path(), depth=1)
        unit.refresh_from_db()
        return unit

    short, long = unit_with_id(1000), unit_with_id(10001)
    assert long.path.startswith(short.path[:-1])  # "…1000" is a prefix of "…10001" without the dot
    households(short, 1)
    households(long, 2)
    table = rollup(Household.objects.all(), unit="org_unit", measures={"n": Count("pk")})
    assert table.value(short, "n") == 1 and table.value(long, "n") == 2 and table.value(tree.county, "n") == 3


def test_one_statement_per_source_whatever_the_number_of_units(tree: Tree) -> None:
    for i in range(12):
        station = OrgUnitFactory(parent=tree.town_b, kind=OrgUnit.Kind.STATION, name=f"站{i}")
        for household in households(station, 2):
            MemberFactory(household=household)
    units = list(OrgUnit.objects.order_by("path"))
    with CaptureQueriesContext(connection) as queries:
        table = rollup_sources(
            [
                Source(Household.objects.all(), "org_unit", {"households": Count("pk")}),
                Source(Member.objects.all(), "household__org_unit", {"members": Count("pk")}),
            ],
            units=units,
        )
    assert len(queries) == 2
    assert table.value(tree.town_b, "households") == 24 and table.value(tree.county, "members") == 24
    assert table.value(tree.town_b, ROWS) == 48


def test_an_empty_queryset_asks_nothing_and_gives_zeros(tree: Tree) -> None:
    units = list(OrgUnit.objects.order_by("path"))
    with CaptureQueriesContext(connection) as queries:
        table = rollup(Household.objects.none(), unit="org_unit", measures={"n": Count("pk")}, units=units)
    assert len(queries) == 0 and table.value(tree.county, "n") == 0 and len(table.rows) == 4


def test_measure_names_may_not_repeat(tree: Tree) -> None:
    with pytest.raises(ValueError):
        rollup_sources(
            [
                Source(Household.objects.all(), "org_unit", {"n": Count("pk")}),
                Source(Member.objects.all(), "household__org_unit", {"n": Count("pk")}),
            ]
        )
