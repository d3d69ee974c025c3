"""Coverage and demand precomputed per unit (``training.reports``, issue 19 finding 10): the stored
figures equal a direct count, a stale or missing report is counted again, and the beat task can run
twice without changing anything."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from households.models import Household, Member, MemberSkill
from tests.factories import HouseholdFactory, MemberFactory
from tests.training.conftest import TrainingWorld, forklift_postings
from training import reports, selectors, tasks
from training.models import UnitReport

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def wang(household_a: Household) -> Member:
    return household_a.members.get(relation=Member.Relation.HEAD)


@pytest.fixture
def county_people(tree: Any, world: TrainingWorld, household_a: Household, household_b: Household) -> list[Member]:
    """People spread over every level of the tree, some certified, one household fully covered, one
    exited household (not counted) and one member past working age (not counted)."""
    made = [
        MemberFactory(household=HouseholdFactory(org_unit=unit), name=f"人{n}")
        for n, unit in enumerate([tree.county, tree.town_a, tree.station_a, tree.station_a, tree.town_b])
    ]
    MemberSkill.objects.create(member=made[1], skill=world.forklift, phrase="叉车", certified=True)
    MemberSkill.objects.create(member=made[3], skill=world.forklift, phrase="叉车", certified=True)
    MemberSkill.objects.create(member=made[4], skill=world.welding, phrase="电焊", certified=False)
    MemberFactory(household=HouseholdFactory(org_unit=tree.station_a, state=Household.State.EXITED), name="退出")
    MemberFactory(
        household=made[2].household, name="老人", relation=Member.Relation.PARENT, birth_date=dt.date(1940, 1, 1)
    )
    return made


def _as_numbers(coverage: selectors.Coverage) -> tuple[Any, list[Any]]:
    def figures(row: selectors.CoverageRow) -> tuple[Any, ...]:
        values = dataclasses.asdict(row)
        values["unit"] = row.unit.pk if row.unit else None
        return tuple(sorted(values.items()))

    return figures(coverage.total), [figures(row) for row in coverage.units]


@pytest.mark.parametrize("who", ["alice", "olga", "hana", "bob", "aude"])
def test_stored_coverage_equals_a_direct_count_for_every_reach(
    people: Any, county_people: list[Member], who: str
) -> None:
    user = getattr(people, who)
    direct = selectors.coverage_for(user)
    stored = selectors.coverage_report_for(user)
    assert stored.as_of is not None and direct.as_of is None
    assert _as_numbers(stored) == _as_numbers(direct)
    # And once more from the rows now stored (the first read counted them).
    assert UnitReport.objects.filter(kind=UnitReport.Kind.COVERAGE).exists()
    assert _as_numbers(selectors.coverage_report_for(user)) == _as_numbers(direct)


def test_the_county_total_is_what_the_fixture_holds(people: Any, county_people: list[Member]) -> None:
    # The direct count is the reference above; this checks the reference itself against the fixture
    # (household_a's and household_b's heads, five new people; the exited and the old not counted).
    total = selectors.coverage_report_for(people.alice).total
    assert (total.capable, total.covered) == (7, 2)


def test_a_worker_or_employer_reads_no_stored_coverage(people: Any, county_people: list[Member]) -> None:
    for user in (people.wang, people.eve):
        assert selectors.coverage_report_for(user).total.capable == 0


def test_stored_demand_equals_a_direct_count(
    world: TrainingWorld, wang: Member, tree: Any, people: Any, county_people: list[Member]
) -> None:
    forklift_postings(tree, people, world.forklift, count=2)
    direct = selectors.demand_for(people.alice, tree.county)
    stored, as_of = selectors.demand_report_for(people.alice, tree.county)
    assert direct and as_of is not None
    assert [dataclasses.astuple(r) for r in stored] == [dataclasses.astuple(r) for r in direct]


def test_a_stale_report_is_counted_again_and_a_fresh_one_is_not(
    world: TrainingWorld, people: Any, tree: Any, county_people: list[Member]
) -> None:
    selectors.coverage_report_for(people.alice)
    selectors.demand_report_for(people.alice, tree.county)
    # A certificate after the count: a fresh report does not show it yet (it is as of its time)...
    MemberSkill.objects.create(member=county_people[0], skill=world.forklift, phrase="叉车", certified=True)
    assert selectors.coverage_report_for(people.alice).total.covered == 2
    # ... and once the reports are older than MAX_AGE, the next read counts again.
    old = timezone.now() - reports.MAX_AGE - dt.timedelta(minutes=1)
    UnitReport.objects.update(computed_at=old)
    coverage = selectors.coverage_report_for(people.alice)
    assert coverage.total.covered == 3 and coverage.as_of is not None and coverage.as_of > old
    _rows, as_of = selectors.demand_report_for(people.alice, tree.county)
    assert as_of > old
    assert not UnitReport.objects.filter(computed_at__lte=old, unit=tree.county).exists()


def test_a_missing_unit_report_is_counted_when_asked(people: Any, tree: Any, county_people: list[Member]) -> None:
    selectors.coverage_report_for(people.alice)
    UnitReport.objects.filter(unit=tree.station_a).delete()
    assert selectors.coverage_report_for(people.olga).total.capable == 4
    assert UnitReport.objects.filter(unit=tree.station_a, kind=UnitReport.Kind.COVERAGE).exists()


def test_the_beat_task_is_idempotent(people: Any, tree: Any, county_people: list[Member]) -> None:
    units = 4
    assert tasks.refresh_reports.apply().get() == 2 * units
    first = {(r.unit_id, r.kind): r.payload for r in UnitReport.objects.all()}
    assert len(first) == 2 * units
    assert tasks.refresh_reports.apply().get() == 2 * units
    again = {(r.unit_id, r.kind): r.payload for r in UnitReport.objects.all()}
    assert again == first and UnitReport.objects.count() == 2 * units


def test_the_beat_schedules_the_task() -> None:
    from django.conf import settings

    assert any(e["task"] == "training.refresh_reports" for e in settings.CELERY_BEAT_SCHEDULE.values())


def test_the_pages_say_as_of_when_the_figures_were_counted(
    world: TrainingWorld, people: Any, tree: Any, county_people: list[Member]
) -> None:
    client = Client()
    client.force_login(people.alice)
    for url in (reverse("training:coverage"), reverse("training:demand")):
        page = client.get(url, **EN)
        assert page.status_code == 200
        assert "Figures as of" in page.content.decode()


def test_demand_for_a_unit_out_of_reach_is_not_found_even_when_stored(
    people: Any, tree: Any, county_people: list[Member]
) -> None:
    from core.errors import NotFound

    reports.refresh_demand(tree.town_a)
    with pytest.raises(NotFound):
        selectors.demand_report_for(people.bob, tree.town_a)


def test_demand_shows_the_first_skills_and_the_rest_when_asked(
    world: TrainingWorld, wang: Member, tree: Any, people: Any, monkeypatch: Any
) -> None:
    from training import views

    forklift_postings(tree, people, world.forklift, count=2)
    monkeypatch.setattr(views, "DEMAND_SHOWN", 0)
    client = Client()
    client.force_login(people.alice)
    first = client.get(reverse("training:demand"), **EN)
    assert first.context["rows"] == [] and first.context["hidden"] == 1
    assert "Show 1 more skill" in first.content.decode()
    every = client.get(reverse("training:demand") + f"?unit={tree.county.pk}&all=1", **EN)
    assert [r.skill for r in every.context["rows"]] == [world.forklift] and every.context["hidden"] == 0
