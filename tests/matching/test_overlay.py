"""The cached market takes in one refreshed posting or member instead of being rebuilt: the stored
matches come out as a rebuild's. A change it was not told of (another process's) is noticed: a few
such rows are read and taken in when the market next needs their side (``services._caught_up``),
more make it rebuild (or a refresh ask the stored rows) as before."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from households.models import Household, Member
from jobs.models import Employer, JobPosting
from jobs.selectors import open_postings
from matching import engine, services
from matching.models import Match
from tests.factories import HouseholdFactory, MemberFactory
from tests.jobs.conftest import make_employer, make_posting
from tests.matching.world import CLEANING, FORKLIFT, WELDING, ask_skills, fresh_market, give_skills, prefer

pytestmark = pytest.mark.django_db
__all__ = ["fresh_market"]


@pytest.fixture
def employer(tree: Any, people: Any) -> Employer:
    return make_employer(people.eve, tree.county, name="鄂托克旗利民物流有限公司")


class World:
    def __init__(self, employer: Employer, household_a: Household, household_b: Household) -> None:
        self.employer = employer
        self.wang = give_skills(household_a.members.get(relation=Member.Relation.HEAD), FORKLIFT)
        self.welder = give_skills(household_b.members.get(), WELDING)
        self.town = [
            give_skills(MemberFactory(household=HouseholdFactory(org_unit=household_a.org_unit)), FORKLIFT, *extra)
            for extra in ((), (CLEANING,), (WELDING,))
        ]
        prefer(self.town[0], expected_salary=8000)
        self.postings = [
            ask_skills(make_posting(employer), FORKLIFT, preferred=(CLEANING,)),
            ask_skills(make_posting(employer, salary_max=9000), FORKLIFT),
            ask_skills(make_posting(employer, title="电焊工", description="焊接钢结构"), WELDING),
        ]

    @property
    def members(self) -> list[Member]:
        return [self.wang, self.welder, *self.town]

    def refresh_all(self, *, rebuild: bool) -> None:
        """Every posting and member refreshed; with ``rebuild``, each against a market built afresh."""
        for posting in JobPosting.objects.filter(employer=self.employer).order_by("pk"):
            if rebuild:
                services.forget_market()
            services.refresh_posting(posting.pk)
        for member in self.members:
            if rebuild:
                services.forget_market()
            services.refresh_member(member.pk)


@pytest.fixture
def world(employer: Employer, household_a: Household, household_b: Household) -> World:
    return World(employer, household_a, household_b)


def edit_posting(world: World) -> tuple[str, int]:
    posting = world.postings[0]
    posting.salary_max, posting.description = 9500, "叉车司机，仓库装卸"
    posting.save()
    return "posting", posting.pk


def close_posting(world: World) -> tuple[str, int]:
    posting = world.postings[1]
    posting.state = JobPosting.State.WITHDRAWN
    posting.save()
    return "posting", posting.pk


def reopen_posting(world: World) -> tuple[str, int]:
    close_posting(world)
    posting = world.postings[1]
    services.refresh_posting(posting.pk)
    posting.state = JobPosting.State.PUBLISHED
    posting.salary_max = 7000
    posting.save()
    return "posting", posting.pk


def new_posting(world: World) -> tuple[str, int]:
    posting = ask_skills(make_posting(world.employer, title="仓库叉车工"), FORKLIFT, WELDING)
    return "posting", posting.pk


def edit_skills(world: World) -> tuple[str, int]:
    give_skills(world.wang, WELDING)
    world.wang.skills.filter(skill__code=FORKLIFT).delete()
    return "member", world.wang.pk


def member_leaves(world: World) -> tuple[str, int]:
    member = world.town[1]
    member.is_current = False
    member.save()
    return "member", member.pk


def pairs() -> set[tuple[int, int]]:
    return set(Match.objects.values_list("member_id", "posting_id"))


def scores() -> dict[tuple[int, int], float]:
    return {(m, p): s for m, p, s in Match.objects.values_list("member_id", "posting_id", "score")}


CHANGES = [edit_posting, close_posting, reopen_posting, new_posting, edit_skills, member_leaves]


def refreshed_without_rebuild(
    world: World, change: Callable[[World], tuple[str, int]]
) -> tuple[Any, set[tuple[int, int]], dict[tuple[int, int], float]]:
    """Everyone refreshed, then ``change`` made and its row refreshed, then everyone again, all on the
    market built first: that market, and the stored pairs and scores the change left."""
    world.refresh_all(rebuild=False)
    built = services.market(current="both")
    before = scores()

    kind, pk = change(world)
    (services.refresh_posting if kind == "posting" else services.refresh_member)(pk)
    world.refresh_all(rebuild=False)

    assert services.market(current="both") is built, "the change was taken in, not rebuilt"
    taken_in, taken_in_scores = pairs(), scores()
    assert taken_in_scores != before, "the change moved the stored matches"
    return built, taken_in, taken_in_scores


@pytest.mark.parametrize("change", CHANGES)
def test_a_row_taken_in_stores_the_matches_a_rebuild_stores(
    world: World, change: Callable[[World], tuple[str, int]]
) -> None:
    _built, taken_in, taken_in_scores = refreshed_without_rebuild(world, change)
    world.refresh_all(rebuild=True)
    assert taken_in == pairs()
    # The rarity and TF-IDF weights stay the build's until the next rebuild: close, not equal.
    for pair, score in scores().items():
        assert taken_in_scores[pair] == pytest.approx(score, abs=0.05)


# With one match a side, whether a row enters the other side's best lists is decided by the
# thresholds (from the market's best lists, ``services.MarketBest``); with fifty, by nobody here.
# A rebuilt market weighs skills by their rarity now, which can swap a best-of-one: the reference
# is the full re-match of the same market (``rematch_chunk`` of everyone, the nightly's rows).
@pytest.mark.parametrize("per_side", [1, 2])
@pytest.mark.parametrize("change", CHANGES)
def test_refreshes_store_what_a_full_rematch_of_their_market_stores(
    settings: Any, world: World, change: Callable[[World], tuple[str, int]], per_side: int
) -> None:
    settings.MATCHES_PER_SIDE = per_side
    Member.objects.filter(pk__in=[world.wang.pk, world.town[2].pk]).update(consent_to_be_found=True)
    built, taken_in, taken_in_scores = refreshed_without_rebuild(world, change)
    assert built.best is not None, "the thresholds came from the market"
    services.rematch_chunk([m.pk for m in world.members])
    assert services.market(current="both") is built
    assert taken_in == pairs()
    for pair, score in scores().items():
        assert taken_in_scores[pair] == pytest.approx(score, abs=services.TOLERANCE)


def test_a_row_the_fitted_space_lacks_makes_the_market_rebuilt(world: World) -> None:
    world.refresh_all(rebuild=False)
    built = services.market(current="both")
    posting = ask_skills(make_posting(world.employer, region_id="150602"), FORKLIFT)  # a county no one else has

    services.refresh_posting(posting.pk)

    assert services.market(current="both") is not built


def stamp_another_posting(world: World) -> None:
    world.postings[2].save()


def add_a_skill_elsewhere(world: World) -> None:
    give_skills(world.welder, CLEANING)


def edit_a_household(world: World) -> None:
    world.welder.household.save()


def edit_the_same_posting_again(world: World) -> None:
    posting = JobPosting.objects.get(pk=world.postings[0].pk)
    posting.salary_min = 5000
    posting.save()


def close_one_without_stamping(world: World) -> None:
    JobPosting.objects.filter(pk=world.postings[2].pk).update(state=JobPosting.State.WITHDRAWN)


@pytest.mark.parametrize(
    "other",
    [
        stamp_another_posting,
        add_a_skill_elsewhere,
        edit_a_household,
        edit_the_same_posting_again,
        close_one_without_stamping,
    ],
)
@pytest.mark.parametrize("catch_up", [0, 64])
def test_a_change_not_taken_in_is_still_noticed(
    settings: Any, world: World, other: Callable[[World], None], catch_up: int
) -> None:
    settings.MATCHING_CATCH_UP = catch_up
    world.refresh_all(rebuild=False)
    built = services.market(current="both")
    edit_posting(world)
    services.refresh_posting(world.postings[0].pk)
    assert services.market(current="both") is built

    other(world)  # another process: nobody refreshes here

    if not catch_up:
        assert services.market(current="both") is not built
        return
    assert services.market(current="both") is built, "the few rows changed were taken in, not rebuilt"
    assert_holds_the_database(built)


def assert_holds_the_database(cached: services.CachedMarket) -> None:
    """The market's rows are those a market built now would read (the objects, the rows they are in,
    whether each person agreed to be found)."""
    seekers = engine.build_seekers()
    postings = engine.build_postings()
    assert cached.postings == {int(p.id): p for p in postings}
    assert cached.seekers == {int(s.id): s for s in seekers.seekers}
    assert {pk: f.consent for pk, f in cached.facts.items()} == {pk: f.consent for pk, f in seekers.facts.items()}
    assert all(cached.market.postings[row] is cached.postings[pk] for pk, row in cached.posting_rows.items())
    assert all(cached.market.seekers[row] is cached.seekers[pk] for pk, row in cached.seeker_rows.items())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the N-th and N+1-th through one index are PostgreSQL's")
def test_postgresqls_thresholds_are_the_subquerys(settings: Any, world: World) -> None:
    settings.MATCHES_PER_SIDE = 2
    now = timezone.now()
    target = world.postings[0].pk
    others = [p.pk for p in world.postings[1:]] + [make_posting(world.employer).pk for _ in range(2)]
    # Per member: fewer than N rows, the posting among the best, below them, tied with the N-th, absent.
    layouts = {
        world.wang.pk: {target: 0.9, others[0]: 0.5},
        world.welder.pk: {target: 0.9, others[0]: 0.8, others[1]: 0.7, others[2]: 0.6},
        world.town[0].pk: {target: 0.1, others[0]: 0.8, others[1]: 0.7, others[2]: 0.6},
        world.town[1].pk: {target: 0.7, others[0]: 0.8, others[1]: 0.7, others[2]: 0.6},
        world.town[2].pk: {others[0]: 0.8, others[1]: 0.7, others[2]: 0.6},
    }
    Match.objects.bulk_create(
        Match(member_id=m, posting_id=p, score=score, explanation={}, engine_version="t", computed_at=now)
        for m, rows in layouts.items()
        for p, score in rows.items()
    )
    ids = [*layouts, 999_999]

    found = services._member_thresholds(ids, exclude_posting=target)

    assert found == services._member_thresholds_any(ids, exclude_posting=target, n=2)
    assert found == {world.welder.pk: 0.7, world.town[0].pk: 0.7, world.town[1].pk: 0.7, world.town[2].pk: 0.7}


def every_nth(cached: services.CachedMarket) -> dict[str, list[list[int]]]:
    """Each row's N-th best but one, for every row left out in turn (and none), from each best list."""
    best = services._market_best(cached)
    n = services.per_side()
    seekers = np.arange(len(cached.market.seekers))
    postings = np.arange(len(cached.market.postings))
    return {
        "seekers": [best.seekers.nth_without(seekers, int(p), n).tolist() for p in [-1, *postings]],
        "postings": [best.postings.nth_without(postings, int(s), n).tolist() for s in [-1, *seekers]],
        "consenting": [best.consenting.nth_without(postings, int(s), n).tolist() for s in [-1, *seekers]],
    }


def test_the_best_lists_kept_by_the_overlay_are_those_of_the_market_as_it_is(
    settings: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MATCHES_PER_SIDE = 1
    Member.objects.filter(pk__in=[world.wang.pk, world.town[0].pk]).update(consent_to_be_found=True)
    world.refresh_all(rebuild=False)
    cached = services.market(current="both")
    assert cached.best is not None, "the refreshes took their thresholds from the market"
    every_nth(cached)  # every list filled
    filled = [lists.filled for lists in (cached.best.seekers, cached.best.postings, cached.best.consenting)]
    for change in CHANGES:
        kind, pk = change(world)
        (services.refresh_posting if kind == "posting" else services.refresh_member)(pk)
    assert services.market(current="both") is cached, "each change was taken in, not rebuilt"
    Member.objects.filter(pk=world.wang.pk).update(consent_to_be_found=False)
    services.refresh_member(world.wang.pk)
    welding = JobPosting.objects.get(pk=world.postings[2].pk)
    welding.state = JobPosting.State.WITHDRAWN
    welding.save()
    services.refresh_posting(welding.pk)
    kept = every_nth(cached)
    assert [lists.filled for lists in (cached.best.seekers, cached.best.postings, cached.best.consenting)] == filled, (
        "the lists were kept, not filled again"
    )

    cached.best = None  # the same market's lists filled afresh: one posting at a time, then by blocks
    assert every_nth(cached) == kept
    monkeypatch.setattr(services, "FILL_ONE_BY_ONE", 0)
    cached.best = None
    assert every_nth(cached) == kept


def test_thresholds_come_from_the_stored_rows_while_the_market_misses_a_change(
    settings: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MATCHES_PER_SIDE = 1
    settings.MATCHING_CATCH_UP = 0  # nothing changed behind the market is taken in
    world.refresh_all(rebuild=False)
    asked: list[str] = []

    def noted(name: str, real: Callable[..., dict[int, float]]) -> Callable[..., dict[int, float]]:
        def call(*args: Any, **kwargs: Any) -> dict[int, float]:
            asked.append(name)
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(services, "_member_thresholds", noted("members", services._member_thresholds))
    monkeypatch.setattr(services, "_posting_thresholds", noted("postings", services._posting_thresholds))
    edit_posting(world)
    services.refresh_posting(world.postings[0].pk)
    services.refresh_member(world.town[0].pk)
    assert asked == [], "everything was taken in: the market's own lists answer"

    add_a_skill_elsewhere(world)  # another process: the seekers' side misses it
    services.refresh_member(world.town[0].pk)
    assert asked == ["postings"], "the postings' lists rank seekers: not current"
    services.refresh_posting(world.postings[0].pk)  # its market is rebuilt (seekers changed): current again
    assert asked == ["postings"]

    close_one_without_stamping(world)  # another process: now the postings' side misses a change
    services.refresh_posting(world.postings[0].pk)
    assert asked == ["postings", "members"], "the seekers' lists rank postings: not current"


def asking_the_stored_rows(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stored rows' threshold queries ("members", "postings") as refreshes call them."""
    asked: list[str] = []

    def noted(name: str, real: Callable[..., dict[int, float]]) -> Callable[..., dict[int, float]]:
        def call(*args: Any, **kwargs: Any) -> dict[int, float]:
            asked.append(name)
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(services, "_member_thresholds", noted("members", services._member_thresholds))
    monkeypatch.setattr(services, "_posting_thresholds", noted("postings", services._posting_thresholds))
    return asked


def in_another_process(work: Callable[[], Any]) -> Any:
    """``work`` done by another worker: its own market, built from the database, refreshes there; this
    process's market is not told."""
    mine = services._cached
    services.forget_market()
    try:
        return work()
    finally:
        services._cached = mine


def others_change_and_refresh(world: World) -> None:
    """Several rows of both sides changed and refreshed by another worker (each as ``CHANGES`` does)."""
    for change in (edit_posting, close_posting, new_posting, edit_skills, member_leaves):
        kind, pk = change(world)
        (services.refresh_posting if kind == "posting" else services.refresh_member)(pk)


@pytest.mark.parametrize("per_side", [1, 2])
def test_rows_another_process_refreshed_are_taken_in_and_refreshes_here_store_a_rematchs_rows(
    settings: Any, world: World, monkeypatch: pytest.MonkeyPatch, per_side: int
) -> None:
    settings.MATCHES_PER_SIDE = per_side
    Member.objects.filter(pk__in=[world.wang.pk, world.town[2].pk]).update(consent_to_be_found=True)
    world.refresh_all(rebuild=False)
    built = services.market(current="both")
    before = scores()

    in_another_process(lambda: others_change_and_refresh(world))
    assert services._cached is built
    asked = asking_the_stored_rows(monkeypatch)
    world.refresh_all(rebuild=False)

    assert services.market(current="both") is built, "the other process's rows were taken in, not rebuilt"
    assert asked == [], "the market's own lists answered every refresh"
    assert_holds_the_database(built)
    taken_in, taken_in_scores = pairs(), scores()
    assert taken_in_scores != before, "the changes moved the stored matches"
    services.rematch_chunk([m.pk for m in world.members])
    assert services.market(current="both") is built
    assert taken_in == pairs()
    for pair, score in scores().items():
        assert taken_in_scores[pair] == pytest.approx(score, abs=services.TOLERANCE)


def test_the_lists_after_taking_in_another_process_rows_are_the_markets_own(
    settings: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MATCHES_PER_SIDE = 1
    Member.objects.filter(pk__in=[world.wang.pk, world.town[0].pk]).update(consent_to_be_found=True)
    world.refresh_all(rebuild=False)
    cached = services.market(current="both")
    before = every_nth(cached)  # every list filled

    def edits() -> None:  # not refreshed anywhere yet: edits a web process made, tasks still queued
        edit_posting(world)
        edit_skills(world)
        Member.objects.filter(pk=world.wang.pk).update(consent_to_be_found=False)
        new_posting(world)

    in_another_process(edits)
    services.refresh_member(world.welder.pk)

    assert services.market(current="both") is cached
    assert_holds_the_database(cached)
    assert cached.best is not None
    kept = every_nth(cached)
    assert kept != before, "the edits moved the lists"
    cached.best = None  # the same market's lists filled afresh
    assert every_nth(cached) == kept


@pytest.mark.parametrize("limit", [1, 2])
def test_more_rows_changed_behind_the_market_than_it_takes_in_fall_back(
    settings: Any, world: World, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    settings.MATCHES_PER_SIDE = 1
    settings.MATCHING_CATCH_UP = limit
    world.refresh_all(rebuild=False)
    built = services.market(current="both")
    asked = asking_the_stored_rows(monkeypatch)

    add_a_skill_elsewhere(world)  # two people changed by another process, not refreshed here
    give_skills(world.town[2], CLEANING)
    services.refresh_member(world.town[0].pk)

    assert services.market(current="postings") is built, "the postings' side is current"
    if limit == 1:
        assert asked == ["postings"], "two seekers changed, one is taken in: the stored rows answer"
        assert services.market(current="both") is not built, "and the market is rebuilt when both must be current"
    else:
        assert asked == []
        assert services.market(current="both") is built
        assert_holds_the_database(built)


def reads_of(table: str, queries: Any) -> int:
    return sum(f'FROM "{table}"' in q["sql"] for q in queries)


@pytest.mark.parametrize("side", ["member", "posting"])
def test_a_refresh_reads_its_row_and_the_rows_of_its_side_changed_behind_the_market_at_once(
    settings: Any, world: World, monkeypatch: pytest.MonkeyPatch, side: str
) -> None:
    settings.MATCHES_PER_SIDE = 1
    world.refresh_all(rebuild=False)
    built = services.market(current="both")
    asked = asking_the_stored_rows(monkeypatch)

    if side == "member":  # two people changed by another process, not refreshed here
        add_a_skill_elsewhere(world)
        give_skills(world.town[2], CLEANING)
    else:
        edit_posting(world)
        edit_the_same_posting_again(world)
        ask_skills(JobPosting.objects.get(pk=world.postings[2].pk), CLEANING)
    with CaptureQueriesContext(connection) as queries:
        if side == "member":
            services.refresh_member(world.town[0].pk)
        else:
            services.refresh_posting(world.postings[1].pk)

    skills = "households_memberskill" if side == "member" else "jobs_postingskill"
    assert reads_of(skills, queries.captured_queries) == 1, "one read of the side's rows, the refresh's and the changed"
    assert asked == [], "the changed rows were taken in: the market's lists answered"
    assert services.market(current="both") is built
    assert_holds_the_database(built)


def test_a_small_read_names_its_ids_and_reads_what_the_subquery_reads(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefer(world.wang, expected_salary=6000)
    members = engine.seekers_queryset().filter(pk__in=[m.pk for m in world.members])
    postings = open_postings().filter(pk__in=[p.pk for p in world.postings])
    with CaptureQueriesContext(connection) as queries:
        seekers, open_ = engine.build_seekers(members), engine.build_postings(postings)

    related = ("households_memberskill", "households_jobpreference_", "jobs_postingskill")
    nested = [
        q["sql"]
        for q in queries.captured_queries
        if any(f'FROM "{table}' in q["sql"] for table in related) and q["sql"].count("SELECT") > 1
    ]
    assert nested == [], "the related queries name the ids read, not the rows' filter again"
    monkeypatch.setattr(engine, "IDS_INLINE", 0)  # as a market's build reads them
    assert (seekers, open_) == (engine.build_seekers(members), engine.build_postings(postings))
    assert seekers.seekers and open_


def the_same(one: services.CachedMarket, two: services.CachedMarket) -> None:
    """Two cached markets hold the same rows and the same best lists, exactly."""
    for name in ("_a", "_b"):
        left, right = getattr(one.market, name), getattr(two.market, name)
        assert (left.indptr == right.indptr).all() and (left.indices == right.indices).all()
        assert (left.data == right.data).all()
    assert one.market.seekers == two.market.seekers and one.market.postings == two.market.postings
    assert (one.seekers, one.postings, one.seeker_rows, one.posting_rows) == (
        two.seekers,
        two.postings,
        two.seeker_rows,
        two.posting_rows,
    )
    assert one.best is not None and two.best is not None
    assert (one.best.consent == two.best.consent).all()
    for name in ("seekers", "postings", "consenting"):
        left_lists, right_lists = getattr(one.best, name), getattr(two.best, name)
        for part in ("others", "micros", "length", "state"):
            assert (getattr(left_lists, part) == getattr(right_lists, part)).all(), (name, part)


def test_rows_taken_in_together_are_taken_in_as_one_by_one(settings: Any, world: World) -> None:
    settings.MATCHES_PER_SIDE = 1
    Member.objects.filter(pk__in=[world.wang.pk, world.town[0].pk]).update(consent_to_be_found=True)
    world.refresh_all(rebuild=False)
    markets = []
    for _ in range(2):  # the same market twice, its lists filled
        services.forget_market()
        markets.append(services.market(current="both"))
        every_nth(markets[-1])
    together, one_by_one = markets

    def edits() -> None:  # rows of both sides changed elsewhere, not refreshed
        edit_posting(world)
        close_posting(world)
        new_posting(world)
        edit_skills(world)
        member_leaves(world)
        add_a_skill_elsewhere(world)
        give_skills(world.town[2], CLEANING)
        Member.objects.filter(pk=world.town[0].pk).update(consent_to_be_found=False)

    in_another_process(edits)
    postings = {int(p.id): p for p in engine.build_postings()}
    built = engine.build_seekers()
    seekers = {int(s.id): s for s in built.seekers}
    posting_ids = list(dict.fromkeys([*(p.pk for p in world.postings), *postings]))
    found_postings = [(pk, postings.get(pk)) for pk in posting_ids]
    found_seekers = [(pk, seekers.get(pk), built.facts.get(pk)) for pk in (m.pk for m in world.members)]
    before = together.market._a.copy()

    assert services._take_in_postings(together, found_postings)
    assert services._take_in_seekers(together, found_seekers)
    for pk, posting in found_postings:
        assert services._take_in_posting(one_by_one, pk, posting)()
    for pk, seeker, facts in found_seekers:
        assert services._take_in_seeker(one_by_one, pk, seeker, facts)()

    the_same(together, one_by_one)
    assert (together.market._a != before).nnz, "the seekers' rows changed"
    kept = every_nth(together)
    assert kept == every_nth(one_by_one)
    together.best = None  # and the market's own lists, filled afresh
    assert every_nth(together) == kept


def test_a_refreshs_market_comes_with_every_list_filled_as_first_use_fills_it(settings: Any, world: World) -> None:
    settings.MATCHES_PER_SIDE = 1
    Member.objects.filter(pk__in=[world.wang.pk, world.town[0].pk]).update(consent_to_be_found=True)
    world.refresh_all(rebuild=False)
    services.forget_market()
    assert services.market(current="both").best is None, "a re-match's market does without them"
    cached = services.market(current="both", lists=True)

    assert cached.best is not None
    sizes = [len(cached.market.seekers), len(cached.market.postings), len(cached.market.postings)]
    lists = (cached.best.seekers, cached.best.postings, cached.best.consenting)
    assert [one.filled for one in lists] == sizes
    assert cached.market._a_csc is not None and cached.market._b_csc is not None
    ahead = {
        name: [getattr(one, part)[:size].copy() for part in ("others", "micros", "length", "state")]
        for name, one, size in zip(("seekers", "postings", "consenting"), lists, sizes, strict=True)
    }
    world.refresh_all(rebuild=False)
    assert services.market(current="both", lists=True) is cached
    assert [one.filled for one in lists] == sizes, "no refresh filled a list"

    cached.best = None  # the same market's lists, each filled on first use
    every_nth(cached)
    assert cached.best is not None
    for name, size in zip(("seekers", "postings", "consenting"), sizes, strict=True):
        one = getattr(cached.best, name)
        assert [getattr(one, part)[:size].tolist() for part in ("others", "micros", "length", "state")] == [
            part.tolist() for part in ahead[name]
        ], name


def test_a_market_past_the_fill_ahead_bound_fills_its_lists_on_first_use(settings: Any, world: World) -> None:
    settings.MATCHES_PER_SIDE = 1
    world.refresh_all(rebuild=False)
    services.forget_market()
    settings.MATCHING_FILL_AHEAD_PAIRS = services.market(current="both").market.feasible_pairs() - 1
    cached = services.market(current="both", lists=True)
    assert cached.best is None, "too large to fill ahead"

    nth = every_nth(cached)  # filled on first use
    settings.MATCHING_FILL_AHEAD_PAIRS += 1
    services.forget_market()
    filled = services.market(current="both", lists=True)
    assert filled.best is not None and filled.best.seekers.filled == len(filled.market.seekers)
    assert every_nth(filled) == nth
