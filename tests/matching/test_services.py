"""Keeping stored matches: the hard constraints (work capacity, where), one row refreshed against the
other side, the union of both sides' best lists, the full re-match, idempotency and what is stored
with each match (score, explanation facts, engine version)."""

from __future__ import annotations

import dataclasses
import threading
import time
import types
from typing import Any, cast

import numpy as np
import orjson
import pytest
import scipy.sparse as sp
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from households.models import Household, Member
from jobs.models import Employer, JobPosting, PhysicalDemand
from matching import engine, services
from matching.models import Match
from ml.matching import ENGINE_VERSION, PARTS
from tests.factories import HouseholdFactory, MemberFactory
from tests.jobs.conftest import make_employer, make_posting
from tests.matching.world import (
    CLEANING,
    FORKLIFT,
    WELDING,
    ask_skills,
    fresh_market,
    give_skills,
    prefer,
    snapshot,
    stored,
)

pytestmark = pytest.mark.django_db
__all__ = ["fresh_market"]

OTHER_COUNTY = "150602"  # 东胜区, another county of the same city


@pytest.fixture
def employer(tree: Any, people: Any) -> Employer:
    return make_employer(people.eve, tree.county, name="鄂托克旗利民物流有限公司")


@pytest.fixture
def wang(household_a: Household) -> Member:
    return give_skills(household_a.members.get(relation=Member.Relation.HEAD), FORKLIFT)


def forklift_job(employer: Employer, **values: Any) -> JobPosting:
    return ask_skills(make_posting(employer, **values), FORKLIFT, preferred=(CLEANING,))


# --- the hard constraints ------------------------------------------------------------------------------


def test_partial_capacity_never_sees_moderate_or_heavy_work(employer: Employer, wang: Member) -> None:
    Member.objects.filter(pk=wang.pk).update(work_capacity=Member.WorkCapacity.PARTIAL)
    heavy = forklift_job(employer, title="装卸工", physical_demand=PhysicalDemand.HEAVY)
    moderate = forklift_job(employer, physical_demand=PhysicalDemand.MODERATE)
    light = forklift_job(employer, title="仓库记账员", physical_demand=PhysicalDemand.LIGHT)

    services.refresh_member(wang.pk)
    for posting in (heavy, moderate, light):
        services.refresh_posting(posting.pk)
    services.rematch_chunk([wang.pk])

    assert stored(member=wang) == {(wang.pk, light.pk)}
    assert Match.objects.get(member=wang).explanation["capacity"] == "light_work_ok"


def test_no_work_capacity_means_no_matches_at_all(employer: Employer, wang: Member) -> None:
    forklift_job(employer, physical_demand=PhysicalDemand.LIGHT)
    services.refresh_member(wang.pk)
    assert stored(member=wang)
    Member.objects.filter(pk=wang.pk).update(work_capacity=Member.WorkCapacity.NONE)

    assert services.refresh_member(wang.pk) == 0
    assert not stored(member=wang)


def test_another_county_only_when_the_seeker_relocates_and_the_employer_recruits_there(
    employer: Employer, wang: Member
) -> None:
    stays_home = forklift_job(employer, region_id=OTHER_COUNTY, recruits_other_regions=False)
    recruits = forklift_job(employer, region_id=OTHER_COUNTY, recruits_other_regions=True)

    services.refresh_member(wang.pk)
    assert not stored(member=wang), "neither: Wang has not said he would move"

    prefer(wang, willing_to_relocate=True)
    services.refresh_member(wang.pk)
    assert stored(member=wang) == {(wang.pk, recruits.pk)}
    assert Match.objects.get(member=wang).explanation["location"] == "relocation"
    assert stays_home.pk not in {p for _m, p in stored()}


def test_a_county_the_seeker_chose_is_within_reach(employer: Employer, wang: Member) -> None:
    there = forklift_job(employer, region_id=OTHER_COUNTY)
    prefer(wang, regions=[OTHER_COUNTY])

    services.refresh_posting(there.pk)

    assert stored(member=wang) == {(wang.pk, there.pk)}
    assert Match.objects.get().explanation["location"] == "preferred_region"


def test_a_seeker_with_no_feasible_posting_gets_an_empty_list(employer: Employer, wang: Member) -> None:
    forklift_job(employer, region_id=OTHER_COUNTY)
    assert services.refresh_member(wang.pk) == 0
    assert not stored()


def test_people_who_are_not_seeking_work_are_not_matched(employer: Employer, household_a: Household) -> None:
    retired = MemberFactory(
        household=household_a, relation=Member.Relation.PARENT, employment_status=Member.EmploymentStatus.RETIRED
    )
    employed_looking = MemberFactory(
        household=household_a, relation=Member.Relation.SPOUSE, employment_status=Member.EmploymentStatus.EMPLOYED
    )
    prefer(employed_looking, desired_work="叉车司机")
    closed = MemberFactory(household=HouseholdFactory(org_unit=household_a.org_unit, state=Household.State.CLOSED))

    seekers = set(engine.seekers_queryset().values_list("pk", flat=True))

    assert employed_looking.pk in seekers  # stated preferences: looking for (better) work
    assert retired.pk not in seekers
    assert closed.pk not in seekers


# --- one row against the other side ----------------------------------------------------------------------


def test_a_posting_that_closes_loses_its_matches(employer: Employer, wang: Member) -> None:
    posting = forklift_job(employer)
    services.refresh_posting(posting.pk)
    assert stored(posting=posting)

    JobPosting.objects.filter(pk=posting.pk).update(state=JobPosting.State.WITHDRAWN)
    assert services.refresh_posting(posting.pk) == 0
    assert not stored(posting=posting)


def test_a_member_who_leaves_the_household_loses_their_matches(employer: Employer, wang: Member) -> None:
    forklift_job(employer)
    services.refresh_member(wang.pk)
    Member.objects.filter(pk=wang.pk).update(is_current=False)

    services.refresh_member(wang.pk)

    assert not stored(member=wang)


def test_refreshing_twice_stores_the_same_rows(employer: Employer, wang: Member, household_b: Household) -> None:
    give_skills(household_b.members.get(), WELDING)
    for _ in range(3):
        forklift_job(employer)
    posting = forklift_job(employer, title="电焊工")
    ask_skills(posting, WELDING)

    services.refresh_posting(posting.pk)
    services.refresh_member(wang.pk)
    first = snapshot()
    services.refresh_posting(posting.pk)
    services.refresh_member(wang.pk)

    assert first and snapshot() == first


def test_each_match_stores_its_score_explanation_and_engine_version(employer: Employer, wang: Member) -> None:
    prefer(wang, expected_salary=8000)
    posting = forklift_job(employer, salary_min=4500, salary_max=6500)
    ask_skills(posting, WELDING)

    services.refresh_posting(posting.pk)

    match = Match.objects.get()
    assert match.engine_version == ENGINE_VERSION
    assert 0 < match.score <= 1
    facts = match.explanation
    assert facts["matched_required"] == [FORKLIFT]
    assert facts["missing_required"] == [WELDING]
    assert facts["location"] == "same_region"
    assert facts["salary"] == "below" and facts["salary_gap"] == 1500
    assert facts["expected_salary"] == 8000 and facts["salary_max"] == 6500
    assert set(facts["parts"]) >= {"required", "location", "salary"}
    assert sum(facts["parts"].values()) == pytest.approx(match.score, abs=1e-3)


def test_a_posting_with_no_understood_skill_is_matched_on_its_text_and_flagged(
    employer: Employer, wang: Member
) -> None:
    prefer(wang, desired_work="叉车司机 仓库 装卸")
    posting = make_posting(employer, title="叉车司机", description="仓库叉车装卸，两班倒")

    services.refresh_posting(posting.pk)

    assert Match.objects.get(member=wang, posting=posting).explanation["no_resolved_skills"] is True


def test_the_better_fit_scores_higher(employer: Employer, wang: Member) -> None:
    fits = forklift_job(employer)
    other = ask_skills(make_posting(employer, title="电焊工"), WELDING)

    services.refresh_member(wang.pk)

    scores = dict(Match.objects.filter(member=wang).values_list("posting_id", "score"))
    assert scores[fits.pk] > scores[other.pk]


# --- the union of both sides' best lists ----------------------------------------------------------------


def _town(household_a: Household, n: int, **values: Any) -> list[Member]:
    return [
        give_skills(MemberFactory(household=HouseholdFactory(org_unit=household_a.org_unit), **values), FORKLIFT)
        for _ in range(n)
    ]


def test_a_posting_keeps_its_best_people_and_its_best_among_those_who_agreed_to_be_found(
    settings: Any, employer: Employer, wang: Member, household_a: Household
) -> None:
    settings.MATCHES_PER_SIDE = 2
    strong = _town(household_a, 3)
    for member in strong:
        give_skills(member, CLEANING)  # the preferred skill too: they rank first
        prefer(member, expected_salary=8000)  # and the better-paid jobs below suit them better
    findable = _town(household_a, 1, consent_to_be_found=True)[0]
    posting = forklift_job(employer)
    # Everyone already has two better jobs, so only the posting's own lists can keep them.
    for _ in range(2):
        ask_skills(make_posting(employer, salary_max=9000), FORKLIFT, CLEANING)
    for member in [*strong, findable, wang]:
        services.refresh_member(member.pk)

    services.refresh_posting(posting.pk)

    kept = {m for m, _p in stored(posting=posting)}
    assert findable.pk in kept  # the best of those an employer may see
    assert len(kept & {m.pk for m in strong}) == 2


def test_a_new_posting_enters_the_list_of_a_person_with_few_matches(
    settings: Any, employer: Employer, wang: Member, household_a: Household
) -> None:
    """The posting's own best people are others; it still reaches Wang, who has fewer than N."""
    settings.MATCHES_PER_SIDE = 1
    _town(household_a, 2)
    posting = forklift_job(employer)

    services.refresh_posting(posting.pk)

    assert (wang.pk, posting.pk) in stored()


def test_the_full_rematch_stores_each_sides_best_and_is_idempotent(
    settings: Any, eager_tasks: Any, employer: Employer, wang: Member, household_a: Household
) -> None:
    settings.MATCHES_PER_SIDE = 2
    people = [wang, *_town(household_a, 4)]
    postings = [forklift_job(employer) for _ in range(4)]
    JobPosting.objects.filter(pk=postings[0].pk).update(state=JobPosting.State.WITHDRAWN)
    Match.objects.create(
        member=wang, posting=postings[0], score=0.9, explanation={}, engine_version="0", computed_at="2026-01-01T00:00Z"
    )

    chunks = services.rematch_all(chunk_size=2)

    assert chunks == 3
    pairs = stored()
    assert all(p != postings[0].pk for _m, p in pairs), "a closed posting's rows are cleared"
    for member in people:
        assert len([p for m, p in pairs if m == member.pk]) >= 2
    for posting in postings[1:]:
        assert len([m for m, p in pairs if p == posting.pk]) >= 2
    first = snapshot()
    services.rematch_all(chunk_size=3)
    assert snapshot() == first


def test_a_chunk_written_in_parts_stores_what_one_write_stores(
    settings: Any, employer: Employer, wang: Member, household_a: Household
) -> None:
    settings.MATCHES_PER_SIDE = 2
    people = [wang.pk, *(m.pk for m in _town(household_a, 4))]
    for k in range(3):
        forklift_job(employer, salary_max=5000 + 500 * k)
    settings.MATCHING_WRITE_PART = 1000
    services.rematch_chunk(people)
    whole = snapshot()
    Match.objects.all().delete()
    settings.MATCHING_WRITE_PART = 2

    written = services.rematch_chunk(people)

    assert snapshot() == whole
    assert written == len(whole)


def test_a_chunk_that_fails_in_a_later_part_leaves_every_part_as_it_was(
    settings: Any, monkeypatch: pytest.MonkeyPatch, employer: Employer, wang: Member, household_a: Household
) -> None:
    """The parts are one transaction: the rows of the parts written before the failure are taken back
    too, and whatever ``then`` marks (a run's chunk done) is not marked."""
    people = [wang.pk, *(m.pk for m in _town(household_a, 3))]
    forklift_job(employer)
    services.rematch_chunk(people)
    before = snapshot()
    forklift_job(employer, title="叉车司机（夜班）")
    services.forget_market()
    settings.MATCHING_WRITE_PART = 2
    original = services._rows_of_members
    calls: list[int] = []

    def second_part_fails(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the worker failed in the second part")
        return original(*args)

    monkeypatch.setattr(services, "_rows_of_members", second_part_fails)
    marked: list[bool] = []
    with pytest.raises(RuntimeError):
        services.rematch_chunk(people, then=lambda written: marked.append(True))

    assert len(calls) == 2
    assert snapshot() == before
    assert not marked


def _chunk_of_three_parts(
    settings: Any, employer: Employer, wang: Member, household_a: Household
) -> tuple[list[int], list[tuple[Any, ...]]]:
    """Five people whose re-match is written in three parts, their rows stored, then a second
    posting the next re-match would add: the rows as they were, to compare after a failure."""
    people = [wang.pk, *(m.pk for m in _town(household_a, 4))]
    forklift_job(employer)
    services.rematch_chunk(people)
    before = snapshot()
    forklift_job(employer, title="叉车司机（夜班）")
    services.forget_market()
    settings.MATCHING_WRITE_PART = 2
    return people, before


def _builder_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("rematch-rows")]


def test_the_next_part_is_built_while_a_part_is_written_and_two_parts_at_most_are_held(
    settings: Any, monkeypatch: pytest.MonkeyPatch, employer: Employer, wang: Member, household_a: Household
) -> None:
    """Each part's write waits until the next part's rows are being built (it would wait in vain if
    they were built after it), and no part's rows are built before the write of the part two
    before it is over."""
    people, _before = _chunk_of_three_parts(settings, employer, wang, household_a)
    services.rematch_chunk(people)
    whole = snapshot()
    Match.objects.all().delete()
    build, replace = services._rows_of_members, services._replace
    events: list[str] = []
    started = [threading.Event() for _ in range(3)]

    def building(cached: Any, part: list[int], *args: Any) -> Any:
        k = len([e for e in events if e.startswith("build")])
        events.append(f"build {k}")
        started[k].set()
        return build(cached, part, *args)

    def writing(delete: Q, rows: Any) -> int:
        k = len([e for e in events if e.startswith("write")])
        events.append(f"write {k}")
        if k + 1 < len(started):
            assert started[k + 1].wait(timeout=10), "the next part was not being built during this write"
        written = replace(delete, rows)
        events.append(f"written {k}")
        return written

    monkeypatch.setattr(services, "_rows_of_members", building)
    monkeypatch.setattr(services, "_replace", writing)
    stored_ = services.rematch_chunk(people)

    assert snapshot() == whole and stored_ == len(whole)
    assert events.index("build 2") > events.index("written 0")
    assert not _builder_threads()


def test_a_failure_building_the_next_part_during_a_write_leaves_the_chunk_undone(
    settings: Any, monkeypatch: pytest.MonkeyPatch, employer: Employer, wang: Member, household_a: Household
) -> None:
    people, before = _chunk_of_three_parts(settings, employer, wang, household_a)
    build, replace = services._rows_of_members, services._replace
    writing_first = threading.Event()
    calls: list[int] = []

    def second_part_fails(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            assert writing_first.wait(timeout=10)
            raise RuntimeError("the builder failed in the second part")
        return build(*args)

    def writing(delete: Q, rows: Any) -> int:
        writing_first.set()
        return replace(delete, rows)

    monkeypatch.setattr(services, "_rows_of_members", second_part_fails)
    monkeypatch.setattr(services, "_replace", writing)
    marked: list[bool] = []
    with pytest.raises(RuntimeError, match="the builder failed"):
        services.rematch_chunk(people, then=lambda written: marked.append(True))

    assert len(calls) == 2
    assert snapshot() == before
    assert not marked
    assert not _builder_threads()


def test_a_failed_write_while_the_next_part_is_built_leaves_the_chunk_undone_and_no_builder_running(
    settings: Any, monkeypatch: pytest.MonkeyPatch, employer: Employer, wang: Member, household_a: Household
) -> None:
    people, before = _chunk_of_three_parts(settings, employer, wang, household_a)
    build, replace = services._rows_of_members, services._replace
    second_started, second_built = threading.Event(), threading.Event()
    calls: list[int] = []

    def slow_second_part(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            second_started.set()
            time.sleep(0.2)  # still building when the write fails
            rows = build(*args)
            second_built.set()
            return rows
        return build(*args)

    def first_write_fails(delete: Q, rows: Any) -> int:
        assert second_started.wait(timeout=10)
        replace(delete, rows)
        raise DatabaseError("the connection broke after the first part's rows were written")

    monkeypatch.setattr(services, "_rows_of_members", slow_second_part)
    monkeypatch.setattr(services, "_replace", first_write_fails)
    marked: list[bool] = []
    with pytest.raises(DatabaseError):
        services.rematch_chunk(people, then=lambda written: marked.append(True))

    assert second_built.is_set()  # waited for, not left running
    assert len(calls) == 2  # and no third part started
    assert not _builder_threads()
    assert snapshot() == before
    assert not marked


def test_a_query_while_building_a_part_in_the_helper_thread_fails_and_writes_nothing(
    settings: Any, monkeypatch: pytest.MonkeyPatch, employer: Employer, wang: Member, household_a: Household
) -> None:
    """The helper thread's connection would be outside the chunk's transaction."""
    people, before = _chunk_of_three_parts(settings, employer, wang, household_a)
    build = services._rows_of_members
    calls: list[int] = []

    def second_part_queries(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            Member.objects.count()
        return build(*args)

    monkeypatch.setattr(services, "_rows_of_members", second_part_queries)
    with pytest.raises(RuntimeError, match="no query there"):
        services.rematch_chunk(people)

    assert snapshot() == before


def test_the_market_is_built_once_and_reused_until_the_other_side_changes_more_than_it_takes_in(
    settings: Any, employer: Employer, wang: Member, household_b: Household
) -> None:
    posting = forklift_job(employer)
    services.refresh_posting(posting.pk)
    built = services.market(current="seekers")

    services.refresh_posting(posting.pk)
    assert services.market(current="seekers") is built

    other = give_skills(household_b.members.get(), FORKLIFT)
    assert services.market(current="seekers") is built, "one row changed elsewhere: taken in"
    assert FORKLIFT in built.seekers[other.pk].skills

    settings.MATCHING_CATCH_UP = 0
    give_skills(other, WELDING)
    assert services.market(current="seekers") is not built


def test_seekers_and_postings_are_read_in_a_fixed_number_of_queries(
    employer: Employer, wang: Member, household_a: Household
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            engine.build_seekers()
            engine.build_postings()
        return len(queries)

    forklift_job(employer)
    few = count()
    _town(household_a, 5)
    for _ in range(5):
        forklift_job(employer)

    assert count() == few


# --- the fast paths agree with the engine ------------------------------------------------------------


def test_the_batched_rows_and_reused_vectors_agree_with_the_engine(
    employer: Employer, wang: Member, household_a: Household, household_b: Household
) -> None:
    """``matching.services`` explains many pairs at once and lets the engine reuse the market's own
    vectors (a full re-match would take ten times longer without). Both must give the engine's answers:
    the rows of every pair, each way round, equal ``_match``'s through ``Market.explain``."""
    prefer(wang, expected_salary=9000, desired_work="叉车司机", willing_to_relocate=True)
    partial = give_skills(
        MemberFactory(household=household_a, relation=Member.Relation.SPOUSE, work_capacity="partial"), CLEANING
    )
    prefer(partial, expected_salary=3000, regions=[OTHER_COUNTY])
    give_skills(household_b.members.get(), WELDING, FORKLIFT, certified=True)
    forklift_job(employer)
    forklift_job(employer, region_id=OTHER_COUNTY, recruits_other_regions=True, salary_max=12000)
    ask_skills(
        make_posting(employer, title="保洁", physical_demand=PhysicalDemand.LIGHT, region_id=OTHER_COUNTY), CLEANING
    )
    make_posting(employer, title="仓库叉车工", description="叉车 装卸")  # no skill understood
    ask_skills(make_posting(employer, title="电焊工"), WELDING, preferred=(FORKLIFT,))

    cached = services.market()
    now = timezone.now()
    postings = list(cached.postings.values())
    for seeker in cached.seekers.values():
        plain_ranking = cached.market.postings_for(seeker, top_k=50)
        facts = cached.facts[int(seeker.id)]
        pairs = [(seeker, facts, p, 0.5) for p in postings]
        slow = [row for s, f, p, score in pairs if (row := services._match(cached, s, f, p, score, now))]
        with services._vectors_reused(cached):
            assert cached.market.postings_for(seeker, top_k=50) == plain_ranking
            assert services._rows_of_pairs(cached, pairs, now) == slow
    seekers = list(cached.seekers.values())
    # A fresher copy of a posting than the market's (one edited since): vectorised on its own.
    edited = dataclasses.replace(postings[0], salary_max=15000, required=(WELDING,))
    compared = []
    for posting in [*postings, edited]:
        plain = cached.market.seekers_for(posting, top_k=50)
        with services._vectors_reused(cached):
            assert cached.market.seekers_for(posting, top_k=50) == plain
        pairs = [(s, cached.facts[int(s.id)], posting, 0.25) for s in seekers]
        slow = [row for s, f, p, score in pairs if (row := services._match(cached, s, f, p, score, now))]
        assert services._rows_of_pairs(cached, pairs, now) == slow
        compared.append((len(slow), len(pairs)))
    assert any(rows for rows, _pairs in compared) and any(rows < pairs for rows, pairs in compared), (
        "feasible and infeasible pairs were both compared"
    )


def test_the_parts_of_many_pairs_add_up_bit_for_bit_as_one_row_against_the_other_side() -> None:
    """``_part_sums`` gives every pair of a part the sums main's code got from one seeker's (or one
    posting's) vector times the other side's rows, bit for bit: the stored figures are rounded from
    them, and a sum added in another order differs in its last bits (enough, now and then, to round
    the other way). Rows whose columns are stored out of order, as the market's are."""
    rng = np.random.default_rng(20)
    width = 70
    space = types.SimpleNamespace(offsets={name: (10 * i, 10 * i + 10) for i, name in enumerate(PARTS)})

    def shuffled(rows: int) -> sp.csr_matrix:
        dense = rng.lognormal(0, 3, (rows, width)) * (rng.random((rows, width)) < 0.6)
        matrix = sp.csr_matrix(dense)
        for r in range(rows):  # each row's columns in a stored order of their own
            lo, hi = matrix.indptr[r], matrix.indptr[r + 1]
            order = lo + rng.permutation(hi - lo)
            matrix.indices[lo:hi], matrix.data[lo:hi] = matrix.indices[order], matrix.data[order]
        matrix.has_sorted_indices = False
        return matrix

    def main_sums(rows: sp.csr_matrix, vector: sp.csr_matrix) -> np.ndarray:  # main's ``_part_sums``
        product = rows.multiply(vector).tocoo()
        part_of = np.full(width, -1)
        for i, name in enumerate(PARTS):
            part_of[slice(*space.offsets[name])] = i
        which = part_of[product.col]
        sums = np.zeros((rows.shape[0], len(PARTS)))
        np.add.at(sums, (product.row[which >= 0], which[which >= 0]), product.data[which >= 0])
        return sums

    seekers, postings = shuffled(30), shuffled(40)
    seeker_of, posting_of = np.repeat(np.arange(30), 40), np.tile(np.arange(40), 30)
    by_seeker = services._part_sums(space, postings, posting_of, seekers, seeker_of).reshape(30, 40, len(PARTS))
    by_posting = services._part_sums(space, seekers, seeker_of, postings, posting_of).reshape(30, 40, len(PARTS))
    for s in range(30):
        assert np.array_equal(by_seeker[s], main_sums(postings, seekers[s])), s
    for p in range(40):
        assert np.array_equal(by_posting[:, p], main_sums(seekers, postings[p])), p
    assert not np.array_equal(by_seeker, by_posting), "the two orders differ on these figures"


def test_a_part_of_many_seekers_stores_what_the_engine_explains_pair_by_pair(
    settings: Any, employer: Employer, household_a: Household
) -> None:
    """The re-match explains a whole part of seekers at once (one product over every pair, each
    seeker's related skills looked up once); each row must be the one ``Market.explain`` gives for
    that pair, value for value and of the same types: with and without skills, with a related
    skill's credit, required skills missing, with and without consent to be found."""
    settings.MATCHES_PER_SIDE = 3
    nurse, elderly = "care.home_elderly_care", "care.elderly_care"
    people = [
        give_skills(MemberFactory(household=HouseholdFactory(org_unit=household_a.org_unit), **values), *codes)
        for codes, values in cast(
            list[tuple[tuple[str, ...], dict[str, Any]]],
            [
                ((FORKLIFT,), {}),
                ((FORKLIFT, CLEANING), {"consent_to_be_found": True}),
                ((elderly,), {}),  # related to the home care a posting asks for
                ((elderly, CLEANING), {"consent_to_be_found": True, "work_capacity": "partial"}),
                ((), {}),  # no skills
                ((WELDING,), {"consent_to_be_found": True}),
            ],
        )
    ]
    prefer(people[0], expected_salary=6000)
    prefer(people[3], expected_salary=20000)
    forklift_job(employer, salary_max=7000)
    ask_skills(make_posting(employer, title="居家养老护理员", physical_demand=PhysicalDemand.LIGHT), nurse, CLEANING)
    ask_skills(make_posting(employer, title="电焊工", salary_max=5000), WELDING, FORKLIFT)
    make_posting(employer, title="仓库叉车工", description="叉车 装卸")  # no skill understood
    cached = services.market()
    thresholds = services.posting_thresholds(cached)
    limits = ({int(t[0]): float(t[1]) for t in thresholds}, {int(t[0]): float(t[2]) for t in thresholds})
    ids = [m.pk for m in people]
    now = timezone.now()

    rows = services._rows_of_members(cached, ids, limits, now)

    def chosen(member: int, rank: int, posting: int, score: float) -> bool:
        overall, among_consenting = limits[0].get(posting, 0.0), limits[1].get(posting, 0.0)
        return (
            rank < 3
            or score >= overall - services.TOLERANCE
            or (cached.facts[member].consent and score >= among_consenting - services.TOLERANCE)
        )

    ranked = cached.market.postings_for_many(ids, top_k=services.scan_depth())
    reference = [
        services._match(cached, cached.seekers[m], cached.facts[m], cached.postings[int(pid)], score, now)
        for m in ids
        for rank, (pid, score) in enumerate(ranked.get(m, []))
        if chosen(m, rank, int(pid), score)
    ]
    # Equal values of equal types (1 is not 1.0 in the JSON text); the keys' order is the stored rows'
    # own, compared with main's by benchmarks/bench_chunk.py --dump.
    assert [orjson.dumps(r._asdict(), option=orjson.OPT_SORT_KEYS) for r in rows] == [
        orjson.dumps(r._asdict(), option=orjson.OPT_SORT_KEYS) for r in reference if r
    ]
    assert rows == [r for r in reference if r]
    explained = [r.explanation for r in rows]
    assert any(e["related_required"] for e in explained), "a related skill's credit was compared"
    assert any(e["missing_required"] and not e["related_required"] for e in explained)
    assert any(not e["matched_required"] and not e["missing_required"] for e in explained)
    assert {r.member_id for r in rows} >= {people[3].pk, people[4].pk}
    assert any(e["salary"] == "below" for e in explained) and any(e["salary"] == "meets" for e in explained)


# --- the words -----------------------------------------------------------------------------------------


def test_the_reasons_say_why_in_plain_words() -> None:
    from matching.explain import reasons

    skills = {FORKLIFT: skill_named(FORKLIFT), WELDING: skill_named(WELDING)}
    facts = {
        "matched_required": [FORKLIFT],
        "missing_required": [WELDING],
        "matched_preferred": [],
        "location": "relocation",
        "capacity": "light_work_ok",
        "salary": "below",
        "salary_gap": 1500,
        "expected_salary": 8000,
        "salary_max": 6500,
        "occupation": "group",
        "no_resolved_skills": False,
    }

    worker = reasons(facts, skills)
    employer = reasons(facts, skills, for_worker=False)

    assert worker == [
        "You have the required skills: Forklift operation.",
        "Required skills you lack: Arc welding.",
        "You will work in another region, and this employer recruits from other regions.",
        "Light work: it suits partial work capacity.",
        "The pay (up to ¥6,500 a month) is ¥1,500 below what you expect (¥8,000).",
        "It is close to the kind of work you want.",
    ]
    assert employer[0] == "Has the required skills: Forklift operation."
    assert not any("you" in sentence.lower().split() for sentence in employer)
    flagged = reasons({**facts, "no_resolved_skills": True, "matched_required": [], "missing_required": []}, skills)
    assert flagged[0] == "This posting lists no skill the system understands; matched on its description."


def skill_named(code: str) -> Any:
    from skills.models import Skill

    return Skill.objects.get(code=code)


# --- the write path (COPY on PostgreSQL, multi-row INSERTs elsewhere) -------------------------------------


def _rows(member: Member, postings: list[JobPosting], explanation: dict[str, Any]) -> list[Match]:
    from django.utils import timezone

    now = timezone.now()
    return [
        Match(member=member, posting=p, score=0.5, explanation=explanation, engine_version="t", computed_at=now)
        for p in postings
    ]


def test_written_rows_come_back_as_they_were_sent(employer: Employer, wang: Member) -> None:
    """Text that the COPY text format must escape (tab, newline, backslash, quotes) and Chinese."""
    postings = [forklift_job(employer, title=f"叉车司机{i}") for i in range(3)]
    awkward = {"why": 'tab\there\nline "q" \\ back', "skills": ["叉车"], "n": 1.5, "none": None}
    Match.objects.filter(member=wang).delete()
    written = services._replace(Q(member_id=wang.pk), _rows(wang, postings, awkward))
    assert written == 3
    stored_rows = list(Match.objects.filter(member=wang).order_by("posting_id"))
    assert [m.posting_id for m in stored_rows] == sorted(p.pk for p in postings)
    assert all(m.explanation == awkward and m.engine_version == "t" for m in stored_rows)


def test_a_failed_write_keeps_the_old_rows(employer: Employer, wang: Member) -> None:
    """The delete and the write are one transaction: a write that fails (here a duplicate pair, which
    the unique constraint refuses) leaves the rows that were there, not none."""
    from django.db import IntegrityError

    postings = [forklift_job(employer, title=f"叉车司机{i}") for i in range(2)]
    Match.objects.filter(member=wang).delete()
    services._replace(Q(member_id=wang.pk), _rows(wang, postings, {"v": 1}))
    twice = _rows(wang, [postings[0], postings[0]], {"v": 2})
    with pytest.raises(IntegrityError):
        services._replace(Q(member_id=wang.pk), twice)
    assert sorted(Match.objects.filter(member=wang).values_list("explanation", flat=True), key=str) == [
        {"v": 1},
        {"v": 1},
    ]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's; SQLite takes multi-row INSERTs")
def test_postgresql_writes_with_copy(employer: Employer, wang: Member) -> None:
    postings = [forklift_job(employer, title=f"叉车司机{i}") for i in range(2)]
    Match.objects.filter(member=wang).delete()
    with CaptureQueriesContext(connection) as captured:
        services._replace(Q(member_id=wang.pk), _rows(wang, postings, {}))
    statements = [q["sql"] for q in captured.captured_queries]
    assert not any("VALUES" in s and "matching_match" in s for s in statements), statements
    assert stored(member=wang) == {(wang.pk, p.pk) for p in postings}


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the merge through a staging table is PostgreSQL's")
@pytest.mark.parametrize("small_write", [0, 5000], ids=["merge", "one statement"])
def test_rows_found_again_unchanged_are_left_alone_and_changed_ones_replaced(
    employer: Employer, wang: Member, monkeypatch: pytest.MonkeyPatch, small_write: int
) -> None:
    """Written again, a row with the same score and explanation keeps its physical row (and stamp);
    a changed one is replaced, a vanished one deleted, a new one added: through the staging table's
    merge, and through the one statement of a refresh's few rows (``_write_small``)."""
    monkeypatch.setattr(services, "SMALL_WRITE", small_write)
    same, changed, gone, new = (forklift_job(employer, title=f"叉车司机{i}") for i in range(4))
    Match.objects.filter(member=wang).delete()
    services._replace(Q(member_id=wang.pk), _rows(wang, [same, changed, gone], {"v": 1}))

    def physical() -> dict[int, tuple[str, Any]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT posting_id, ctid::text, computed_at FROM matching_match WHERE member_id = %s", [wang.pk]
            )
            return {posting: (ctid, at) for posting, ctid, at in cursor.fetchall()}

    before = physical()
    again = [*_rows(wang, [same], {"v": 1}), *_rows(wang, [changed, new], {"v": 2})]
    assert services._replace(Q(member_id=wang.pk), again) == 3

    after = physical()
    assert set(after) == {same.pk, changed.pk, new.pk}
    assert after[same.pk] == before[same.pk], "unchanged: not rewritten"
    assert after[changed.pk] != before[changed.pk]
    explanations = dict(Match.objects.filter(member=wang).values_list("posting_id", "explanation"))
    assert explanations == {same.pk: {"v": 1}, changed.pk: {"v": 2}, new.pk: {"v": 2}}


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's statistics are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_table_emptied_and_analysed_is_analysed_again_once_rows_are_written(employer: Employer, wang: Member) -> None:
    """Statistics that say "empty" after a purge made the planner scan a whole index per refresh; the
    first write that finds fewer rows in the statistics than it wrote analyses the table (outside
    the transaction), a write inside a caller's transaction leaves that to later."""

    def estimated() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'matching_match'::regclass")
            return float(cursor.fetchone()[0])

    postings = [forklift_job(employer, title=f"叉车司机{i}") for i in range(3)]
    Match.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE matching_match")
    assert estimated() <= 0
    with transaction.atomic():
        services._replace(Q(member_id=wang.pk), _rows(wang, postings[:1], {}))
    assert estimated() <= 0, "not inside the caller's transaction"
    services._replace(Q(member_id=wang.pk), _rows(wang, postings, {}))
    assert estimated() >= 3


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the direct COPY is PostgreSQL's")
def test_a_scope_without_rows_is_copied_straight_into_the_table(
    employer: Employer, wang: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first fill (nothing stored for the scope) skips the staging table and its merge; a write over
    stored rows still merges them. Both leave exactly the rows written, with their values. (Writes
    of more rows than a refresh's: a refresh's few are one statement, ``_write_small``.)"""
    monkeypatch.setattr(services, "SMALL_WRITE", 0)
    postings = [forklift_job(employer, title=f"叉车司机{i}") for i in range(3)]
    Match.objects.filter(member=wang).delete()
    first = _rows(wang, postings[:2], {"v": 1, "why": "tab\there 叉车"})
    with CaptureQueriesContext(connection) as captured:
        assert services._replace(Q(member_id=wang.pk), first) == 2
    assert not any("TEMPORARY" in q["sql"] for q in captured.captured_queries), "no staging table"
    assert set(Match.objects.filter(member=wang).values_list("posting_id", "score", "engine_version")) == {
        (p.pk, 0.5, "t") for p in postings[:2]
    }
    assert all(m.explanation == {"v": 1, "why": "tab\there 叉车"} for m in Match.objects.filter(member=wang))

    with CaptureQueriesContext(connection) as captured:
        assert services._replace(Q(member_id=wang.pk), _rows(wang, postings[1:], {"v": 2})) == 2
    assert any("TEMPORARY" in q["sql"] for q in captured.captured_queries), "stored rows: merged"
    assert dict(Match.objects.filter(member=wang).values_list("posting_id", "explanation")) == {
        postings[1].pk: {"v": 2},
        postings[2].pk: {"v": 2},
    }


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the direct COPY is PostgreSQL's")
def test_a_failed_write_into_an_empty_scope_leaves_nothing_and_touches_no_other_row(
    employer: Employer, wang: Member, household_b: Household
) -> None:
    """The direct COPY is in the caller's transaction like the merge: a refused row (a pair twice) or a
    failure after the rows went in (``then``) leaves the scope empty and the other rows as they were."""
    from django.db import IntegrityError

    postings = [forklift_job(employer, title=f"叉车司机{i}") for i in range(2)]
    other = household_b.members.first()
    assert other is not None
    Match.objects.all().delete()
    services._replace(Q(member_id=other.pk), _rows(other, postings, {"v": "other"}))
    before = snapshot()

    with pytest.raises(IntegrityError):
        services._replace(Q(member_id=wang.pk), _rows(wang, [postings[0], postings[1], postings[0]], {"v": 1}))
    assert not Match.objects.filter(member=wang).exists()

    def fail() -> None:
        raise RuntimeError("the chunk could not be marked done")

    with pytest.raises(RuntimeError):
        services._replace(Q(member_id=wang.pk), _rows(wang, postings, {"v": 1}), then=fail)
    assert not Match.objects.filter(member=wang).exists()
    assert snapshot() == before


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and the direct COPY are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_empty_scope_leave_one_row_per_pair(employer: Employer, wang: Member) -> None:
    """Both find the scope empty; the second one's COPY waits for the first at a pair both write, is
    refused once the first commits, and merges over the first one's rows instead: no pair twice, and
    the scope ends as the second writer wrote it."""
    import threading
    import time

    from django.db import connections

    postings = [forklift_job(employer, title=f"叉车司机{i}") for i in range(3)]
    Match.objects.filter(member=wang).delete()
    written, release, errors = threading.Event(), threading.Event(), []

    def writer(rows: list[Match], then: Any = None) -> None:
        try:
            services._replace(Q(member_id=wang.pk), rows, then=then)
        except Exception as error:  # reported to the test thread
            errors.append(error)
        finally:
            connections.close_all()

    def hold() -> None:
        written.set()
        assert release.wait(10)

    first = threading.Thread(target=writer, args=(_rows(wang, postings[:2], {"v": 1}), hold))
    first.start()
    assert written.wait(10)
    second = threading.Thread(target=writer, args=(_rows(wang, postings[1:], {"v": 2}),))
    second.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the second writer waits on the first one's row lock
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    break
            time.sleep(0.02)
        else:
            pytest.fail("the second writer never waited for the first")
    finally:
        release.set()
        first.join(10)
        second.join(10)
    assert errors == []
    pairs = list(Match.objects.filter(member=wang).values_list("posting_id", "explanation"))
    assert sorted(pairs, key=lambda pair: pair[0]) == [(p.pk, {"v": 2}) for p in postings[1:]]


def test_written_again_over_themselves_rows_stay_one_per_pair(employer: Employer, wang: Member) -> None:
    """The insert leaves pairs found again to the unique index: writing the same rows twice, and then
    a set that overlaps, never doubles a pair nor drops one."""
    postings = [forklift_job(employer, title=f"叉车司机{i}") for i in range(3)]
    Match.objects.filter(member=wang).delete()
    services._replace(Q(member_id=wang.pk), _rows(wang, postings[:2], {"v": 1}))
    services._replace(Q(member_id=wang.pk), _rows(wang, postings[:2], {"v": 1}))
    services._replace(Q(member_id=wang.pk), _rows(wang, postings[1:], {"v": 1}))
    assert sorted(Match.objects.filter(member=wang).values_list("posting_id", flat=True)) == sorted(
        p.pk for p in postings[1:]
    )


# --- derived rows without database foreign keys ----------------------------------------------------------
# ``Match`` keeps its member and posting as plain columns (no constraint, no lock per row written): the
# cascade is Django's, and a row written for a posting deleted meanwhile must stay invisible and be cleared.


def test_deleting_a_posting_or_a_member_still_deletes_their_matches(employer: Employer, wang: Member) -> None:
    job = forklift_job(employer)
    other = forklift_job(employer, title="叉车司机（夜班）")
    services.refresh_member(wang.pk)
    assert stored(member=wang) == {(wang.pk, job.pk), (wang.pk, other.pk)}

    job.delete()
    assert stored(member=wang) == {(wang.pk, other.pk)}
    wang.delete()
    assert not Match.objects.filter(member_id=wang.pk).exists()


def test_a_row_written_for_a_posting_deleted_meanwhile_is_never_shown_and_is_cleared(
    employer: Employer, wang: Member
) -> None:
    """A re-match chunk computed before a posting was deleted writes its rows after: nothing refuses
    them, so the worker's list must not show them (nor fail) and the next re-match removes them."""
    from matching import selectors

    kept, gone = forklift_job(employer), forklift_job(employer, title="叉车司机（夜班）")
    rows = _rows(wang, [kept, gone], {"matched_required": [], "missing_required": []})
    gone_pk = gone.pk
    gone.delete()
    Match.objects.filter(member=wang).delete()
    services._replace(Q(member_id=wang.pk), rows)
    assert stored(member=wang) == {(wang.pk, kept.pk), (wang.pk, gone_pk)}

    assert wang.user is not None
    shown = selectors.my_matches(wang.user)
    assert [row.posting.pk for row in shown] == [kept.pk]
    assert selectors.my_matches_count(wang.user) == 1

    services.rematch_plan()
    assert (wang.pk, gone_pk) not in stored(member=wang)


def test_the_explanation_is_stored_as_compact_json_text(employer: Employer, wang: Member) -> None:
    job = forklift_job(employer)
    explanation = {"matched_required": ["叉车"], "parts": {"required": 0.25}, "none": None}
    Match.objects.filter(member=wang).delete()
    services._replace(Q(member_id=wang.pk), _rows(wang, [job], explanation))
    with connection.cursor() as cursor:
        cursor.execute("SELECT explanation FROM matching_match WHERE member_id = %s", [wang.pk])
        (raw,) = cursor.fetchone()
    assert raw == '{"matched_required":["叉车"],"parts":{"required":0.25},"none":null}'
    assert Match.objects.get(member=wang).explanation == explanation
