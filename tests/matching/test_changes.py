"""The change log the cached market reads (``matching.changes``, the triggers of migration 0007): every
way of changing a table behind the market is logged, and a change is noticed however its
transaction's commit and its log id are ordered."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from households.models import Household, Member, MemberSkill
from jobs.models import JobPosting, PostingSkill
from matching import changes, services
from matching.models import MarketChange
from tests.jobs.conftest import make_posting
from tests.matching.test_overlay import World, edit_posting, employer, world
from tests.matching.world import CLEANING, FORKLIFT, ask_skills, fresh_market, give_skills, prefer, skill

pytestmark = pytest.mark.django_db
__all__ = ["employer", "fresh_market", "world"]  # the fixtures of test_overlay, shared


def test_a_snapshot_sees_what_had_committed_when_it_was_taken() -> None:
    sqlite = changes.Snapshot(last=10)
    assert sqlite.sees(10, None) and not sqlite.sees(11, None)
    # PostgreSQL: transactions below 100 had ended, 103 was running, 105 is the reader's own
    # (its changes up to log id 50 made before the snapshot), 110 and later had not started.
    pg = changes.Snapshot(last=50, xmin=100, xmax=110, running=frozenset({103}), own=105)
    assert pg.sees(1, 99) and pg.sees(60, 99), "ended before: seen, whatever its log id"
    assert pg.sees(7, 104)
    assert not pg.sees(2, 103), "running then: not seen, though its log id is low"
    assert not pg.sees(3, 110) and not pg.sees(4, 200)
    assert pg.sees(50, 105) and not pg.sees(51, 105), "the reader's own: up to the snapshot"


def logged_since(mark: int) -> set[tuple[str, int]]:
    return set(MarketChange.objects.filter(pk__gt=mark).values_list("side", "target"))


def test_every_way_of_changing_a_table_behind_the_market_is_logged(world: World) -> None:
    wang, posting = world.wang, world.postings[0]
    mark = changes.now().last

    Member.objects.filter(pk=wang.pk).update(major="焊接")  # no stamp
    assert logged_since(mark) == {("s", wang.pk)}

    mark = changes.now().last
    MemberSkill.objects.filter(member=world.welder).delete()
    prefer(world.town[1], regions=["150624"])
    Household.objects.filter(pk=wang.household_id).update(state=Household.State.CLOSED)
    assert logged_since(mark) == {("s", world.welder.pk), ("s", world.town[1].pk), ("s", -wang.household_id)}

    mark = changes.now().last
    with connection.cursor() as cursor:  # raw SQL too
        cursor.execute("UPDATE jobs_jobposting SET employer_verified = FALSE WHERE id = %s", [posting.pk])
    PostingSkill.objects.create(posting=world.postings[1], phrase="保洁", skill=skill(CLEANING), required=False)
    assert logged_since(mark) == {("p", posting.pk), ("p", world.postings[1].pk)}

    mark = changes.now().last
    MemberSkill.objects.filter(member=world.town[0]).update(member=world.welder)  # moved: both people
    assert logged_since(mark) == {("s", world.town[0].pk), ("s", world.welder.pk)}


def test_the_changes_read_are_those_the_snapshot_did_not_see(world: World) -> None:
    before = changes.now()
    give_skills(world.welder, CLEANING)
    ask_skills(world.postings[2], FORKLIFT)

    then, seekers = changes.since(before, MarketChange.SEEKERS)
    assert {target for _id, target, _xid in seekers} == {world.welder.pk}
    assert changes.since(then, MarketChange.SEEKERS)[1] == [], "seen once"
    assert {target for _id, target, _xid in changes.since(before, MarketChange.POSTINGS)[1]} == {world.postings[2].pk}


def test_a_market_of_yesterday_is_rebuilt(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A posting past its ``valid_until`` closes by the date alone: nothing is written, nothing logged."""
    JobPosting.objects.filter(pk=world.postings[0].pk).update(valid_until=timezone.localdate())
    built = services.market(current="both")
    assert services.market(current="both") is built

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(services.timezone, "localdate", lambda: tomorrow)

    again = services.market(current="seekers")
    assert again is not built
    assert world.postings[0].pk not in again.postings


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="transactions committing out of order are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_after_a_later_one_is_still_noticed(world: World, settings: Any) -> None:
    """Another process's transaction writes (its log id is the lower one) and commits only after this
    process took in a later change and found its market current: the change is still read then."""
    import psycopg

    settings.MATCHING_CATCH_UP = 0  # what is noticed is rebuilt, not taken in
    world.refresh_all(rebuild=False)
    built = services.market(current="both")
    db = connection.settings_dict
    other = psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        password=db["PASSWORD"] or None,
    )
    try:
        other.execute("UPDATE households_member SET major = '电焊' WHERE id = %s", [world.welder.pk])
        earlier = MarketChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

        edit_posting(world)
        services.refresh_posting(world.postings[0].pk)
        assert MarketChange.objects.filter(pk__gt=earlier).exists()
        assert services.market(current="both") is built, "the other change is not committed yet"

        other.commit()
    finally:
        other.close()

    assert services.market(current="both") is not built


def test_an_overlay_covers_its_row_up_to_its_read_only(world: World, settings: Any) -> None:
    """The same posting changed again after its refresh read it: not taken in, so the market is rebuilt
    (on SQLite and PostgreSQL alike, within one transaction as the tests run)."""
    settings.MATCHING_CATCH_UP = 0  # what is noticed is rebuilt, not taken in
    world.refresh_all(rebuild=False)
    built = services.market(current="both")
    edit_posting(world)
    services.refresh_posting(world.postings[0].pk)
    assert services.market(current="both") is built

    JobPosting.objects.filter(pk=world.postings[0].pk).update(headcount=5)

    assert services.market(current="both") is not built


def test_a_posting_added_by_another_process_is_noticed(world: World, settings: Any) -> None:
    settings.MATCHING_CATCH_UP = 0  # what is noticed is rebuilt, not taken in
    world.refresh_all(rebuild=False)
    built = services.market(current="both")

    make_posting(world.employer, salary_max=7000)  # nobody refreshes it here

    assert services.market(current="postings") is not built


def test_old_changes_are_pruned_and_a_market_not_checked_for_long_is_rebuilt(world: World, settings: Any) -> None:
    built = services.market(current="both")
    logged = MarketChange.objects.count()
    assert logged
    MarketChange.objects.filter(pk__in=MarketChange.objects.order_by("pk").values("pk")[:2]).update(
        at=timezone.now() - dt.timedelta(seconds=settings.MATCHING_CHANGES_KEEP + 60)
    )

    assert changes.prune() == 2
    assert MarketChange.objects.count() == logged - 2
    assert services.market(current="both") is built

    settings.MATCHING_CHANGES_KEEP = 0  # its changes could have been pruned unread
    assert services.market(current="both") is not built
