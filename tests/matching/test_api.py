"""The matching API under /api/v1/matches/: each side sees what it may (the worker their own jobs,
the employer people who agreed to be found or applied, never another company's posting, staff their
reach), each row says why, what an employer never sees of a person, and query counts that do not grow
with the rows."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from households.models import Household, Member
from jobs import services as job_services
from jobs.models import Employer, JobPosting
from matching import services
from ml.matching import ENGINE_VERSION
from tests.factories import HouseholdFactory, MemberFactory, UserFactory
from tests.jobs.conftest import make_employer, make_posting
from tests.matching.world import CLEANING, FORKLIFT, WELDING, ask_skills, fresh_market, give_skills, prefer

pytestmark = pytest.mark.django_db
__all__ = ["fresh_market"]

API = "/api/v1/matches"
ROW_FIELDS = {"score", "percent", "reasons", "matched", "missing", "applied", "engine_version", "computed_at"}
NEVER_FOR_EMPLOYERS = {"id_number", "household", "monthly_income", "income_per_head", "health", "phone", "address"}


@pytest.fixture
def employer(tree: Any, people: Any) -> Employer:
    return make_employer(people.eve, tree.county, name="鄂托克旗利民物流有限公司")


@pytest.fixture
def rival(tree: Any) -> Employer:
    frank = UserFactory(username="frank", role="employer")
    return make_employer(frank, tree.county, name="棋盘井物流有限公司")


@pytest.fixture
def wang(household_a: Household) -> Member:
    member = give_skills(household_a.members.get(relation=Member.Relation.HEAD), FORKLIFT)
    prefer(member, expected_salary=5000)
    return member


@pytest.fixture
def posting(employer: Employer, wang: Member) -> JobPosting:
    posting = ask_skills(make_posting(employer, title="叉车司机"), FORKLIFT, WELDING, preferred=(CLEANING,))
    services.refresh_posting(posting.pk)
    return posting


def as_user(user: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")  # messages are asserted in English
    client.force_authenticate(user)
    return client


def get(user: Any, url: str) -> Any:
    response = as_user(user).get(url, HTTP_ACCEPT_LANGUAGE="en")
    return response


# --- the worker ----------------------------------------------------------------------------------------


def test_the_worker_gets_their_matched_jobs_explained(people: Any, posting: JobPosting) -> None:
    response = get(people.wang, f"{API}/mine/")

    assert response.status_code == 200
    [row] = response.json()
    assert set(row) >= ROW_FIELDS
    assert row["posting"]["id"] == posting.pk and row["posting"]["title"] == "叉车司机"
    assert row["percent"] == round(row["score"] * 100)
    assert row["engine_version"] == ENGINE_VERSION
    assert [s["code"] for s in row["matched"]] == [FORKLIFT]
    assert [s["code"] for s in row["missing"]] == [WELDING]
    assert row["missing"][0]["name"]
    reasons = " ".join(row["reasons"])
    assert "required skills" in reasons and "your county" in reasons and "meets your expected ¥5,000" in reasons


def test_the_fast_rendering_of_my_matches_is_the_documented_one(people: Any, wang: Member, posting: JobPosting) -> None:
    from matching import selectors
    from matching.api import PostingMatchSerializer

    job_services.application_apply(posting=posting, member=wang, by=people.wang)
    documented = PostingMatchSerializer(selectors.my_matches(people.wang), many=True).data
    assert get(people.wang, f"{API}/mine/").json() == json.loads(json.dumps(documented))


def test_the_worker_sees_open_postings_only(people: Any, posting: JobPosting) -> None:
    JobPosting.objects.filter(pk=posting.pk).update(state=JobPosting.State.WITHDRAWN)  # before any refresh
    assert get(people.wang, f"{API}/mine/").json() == []


def test_a_worker_with_no_feasible_job_gets_an_empty_list(people: Any, wang: Member) -> None:
    services.refresh_member(wang.pk)
    response = get(people.wang, f"{API}/mine/")
    assert response.status_code == 200 and response.json() == []


def test_only_workers_have_matched_jobs(people: Any, posting: JobPosting) -> None:
    assert get(people.eve, f"{API}/mine/").status_code == 403
    assert get(people.alice, f"{API}/mine/").status_code == 403


def test_an_application_is_flagged(people: Any, wang: Member, posting: JobPosting) -> None:
    job_services.application_apply(posting=posting, member=wang, by=people.wang)
    assert get(people.wang, f"{API}/mine/").json()[0]["applied"] is True


def test_my_matches_take_the_same_queries_for_one_row_or_many(people: Any, employer: Employer, wang: Member) -> None:
    def count() -> int:
        client = as_user(people.wang)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}/mine/").status_code == 200
        return len(queries)

    ask_skills(make_posting(employer), FORKLIFT)
    services.refresh_member(wang.pk)
    one = count()
    for code in (WELDING, CLEANING):
        ask_skills(make_posting(employer), FORKLIFT, code)
    services.refresh_member(wang.pk)

    assert len(get(people.wang, f"{API}/mine/").json()) == 3
    assert count() == one


# --- the employer --------------------------------------------------------------------------------------


@pytest.fixture
def town(household_a: Household) -> dict[str, Member]:
    def person(**values: Any) -> Member:
        return give_skills(MemberFactory(household=HouseholdFactory(org_unit=household_a.org_unit), **values), FORKLIFT)

    return {"findable": person(consent_to_be_found=True, name="赵敏"), "private": person(name="钱伟")}


def test_the_employer_ranks_only_people_who_agreed_to_be_found_or_applied(
    people: Any, employer: Employer, wang: Member, town: dict[str, Member]
) -> None:
    posting = ask_skills(make_posting(employer), FORKLIFT)
    job_services.application_apply(posting=posting, member=wang, by=people.wang)  # Wang did not agree, but applied
    services.refresh_posting(posting.pk)

    response = get(people.eve, f"{API}/for-posting/{posting.pk}/")

    assert response.status_code == 200
    rows = response.json()
    assert {r["candidate"]["name"] for r in rows} == {"赵敏", "王强"}
    assert {r["candidate"]["name"]: r["applied"] for r in rows} == {"赵敏": False, "王强": True}
    for row in rows:
        assert set(row) >= ROW_FIELDS
        assert not NEVER_FOR_EMPLOYERS & set(row["candidate"])
        assert all("your county" not in reason for reason in row["reasons"])


def test_an_employer_cannot_rank_candidates_for_another_companys_posting(
    people: Any, rival: Employer, town: dict[str, Member]
) -> None:
    theirs = ask_skills(make_posting(rival), FORKLIFT)
    services.refresh_posting(theirs.pk)

    response = get(people.eve, f"{API}/for-posting/{theirs.pk}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_workers_cannot_rank_candidates(people: Any, posting: JobPosting) -> None:
    assert get(people.wang, f"{API}/for-posting/{posting.pk}/").status_code == 404


def test_an_organizer_in_reach_sees_the_people_of_their_reach_too(
    people: Any, employer: Employer, town: dict[str, Member]
) -> None:
    posting = ask_skills(make_posting(employer), FORKLIFT)
    services.refresh_posting(posting.pk)

    names = {r["candidate"]["name"] for r in get(people.alice, f"{API}/for-posting/{posting.pk}/").json()}

    assert {"赵敏", "钱伟"} <= names
    assert get(people.bob, f"{API}/for-posting/{posting.pk}/").status_code == 404  # the county's employer


def test_candidates_take_the_same_queries_for_one_row_or_many(
    people: Any, employer: Employer, household_a: Household
) -> None:
    posting = ask_skills(make_posting(employer), FORKLIFT)

    def count() -> int:
        services.refresh_posting(posting.pk)
        client = as_user(people.eve)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}/for-posting/{posting.pk}/").status_code == 200
        return len(queries)

    give_skills(
        MemberFactory(household=HouseholdFactory(org_unit=household_a.org_unit), consent_to_be_found=True), FORKLIFT
    )
    one = count()
    for _ in range(4):
        give_skills(
            MemberFactory(household=HouseholdFactory(org_unit=household_a.org_unit), consent_to_be_found=True),
            FORKLIFT,
            WELDING,
        )

    assert count() == one
    assert len(get(people.eve, f"{API}/for-posting/{posting.pk}/").json()) == 5


# --- organizers ----------------------------------------------------------------------------------------


def test_a_helper_sees_the_household_with_who_can_reach_a_job_and_what_blocks_them(
    people: Any, employer: Employer, wang: Member, household_a: Household
) -> None:
    grandma = MemberFactory(
        household=household_a, relation=Member.Relation.PARENT, work_capacity=Member.WorkCapacity.PARTIAL, name="王奶奶"
    )
    posting = ask_skills(make_posting(employer), FORKLIFT, WELDING)
    services.refresh_posting(posting.pk)
    services.refresh_member(grandma.pk)

    response = get(people.hana, f"{API}/household/{household_a.pk}/")

    assert response.status_code == 200
    by_name = {m["member"]["name"]: m for m in response.json()["members"]}
    assert by_name["王强"]["reachable"] is True
    assert [s["code"] for s in by_name["王强"]["blocking"]] == [WELDING]
    assert by_name["王强"]["matches"][0]["posting"]["id"] == posting.pk
    assert by_name["王奶奶"]["reachable"] is False and by_name["王奶奶"]["matches"] == []


def test_a_household_out_of_reach_is_not_found(people: Any, posting: JobPosting, household_a: Household) -> None:
    assert get(people.bob, f"{API}/household/{household_a.pk}/").status_code == 404
    assert get(people.eve, f"{API}/household/{household_a.pk}/").status_code == 404
    assert get(people.wang, f"{API}/household/{household_a.pk}/").status_code == 404


def test_the_organizer_sees_the_skills_that_block_the_most_people_and_who_has_no_job(
    people: Any, employer: Employer, wang: Member, household_a: Household, household_b: Household
) -> None:
    others = [
        give_skills(MemberFactory(household=HouseholdFactory(org_unit=household_a.org_unit)), FORKLIFT)
        for _ in range(2)
    ]
    stranded = MemberFactory(household=HouseholdFactory(org_unit=household_a.org_unit), name="孙立")
    Member.objects.filter(pk=stranded.pk).update(work_capacity=Member.WorkCapacity.PARTIAL)
    posting = ask_skills(make_posting(employer), FORKLIFT, WELDING)
    ask_skills(make_posting(employer, title="保洁员"), CLEANING, FORKLIFT)
    services.refresh_posting(posting.pk)
    for member in [wang, *others, household_b.members.get()]:
        services.refresh_member(member.pk)

    blocking = get(people.alice, f"{API}/blocking-skills/").json()
    unreachable = {m["name"] for m in get(people.alice, f"{API}/unreachable/").json()}

    counts = {b["skill"]["code"]: b["people"] for b in blocking}
    # Li Mei (household B, no skills) can reach both jobs: nothing forbids it, everything is missing.
    assert counts == {WELDING: 4, CLEANING: 4, FORKLIFT: 1}
    assert blocking[-1]["skill"]["code"] == FORKLIFT
    assert unreachable == {"孙立"}  # partial capacity, and no light work anywhere
    assert {m["name"] for m in get(people.olga, f"{API}/unreachable/").json()} == {"孙立"}
    assert get(people.bob, f"{API}/unreachable/").json() == []  # town B: Sun Li is not Bob's


def test_workers_and_employers_cannot_see_the_gaps(people: Any, posting: JobPosting) -> None:
    for user in (people.wang, people.eve):
        assert get(user, f"{API}/blocking-skills/").status_code == 403
        assert get(user, f"{API}/unreachable/").status_code == 403


def test_the_schema_documents_the_matching_endpoints(people: Any) -> None:
    response = get(people.alice, "/api/schema/")
    if response.status_code == 404:
        pytest.skip("no schema endpoint at this address")
    text = response.content.decode()
    assert "/api/v1/matches/mine/" in text and "/api/v1/matches/for-posting/{posting_pk}/" in text


def test_a_large_reach_has_its_skill_gaps_estimated_from_an_even_sample(
    monkeypatch: Any, people: Any, employer: Employer, household_a: Household
) -> None:
    from matching import selectors

    town = [
        give_skills(MemberFactory(household=HouseholdFactory(org_unit=household_a.org_unit)), FORKLIFT)
        for _ in range(6)
    ]
    posting = ask_skills(make_posting(employer), FORKLIFT, WELDING)
    services.refresh_posting(posting.pk)
    exact = {s.code: n for s, n in selectors.blocking_skills(people.olga)}
    monkeypatch.setattr(selectors, "BLOCKING_SAMPLE", 3)

    estimated = {s.code: n for s, n in selectors.blocking_skills(people.olga)}

    assert len(town) + 1 == 7  # the town's six, and Wang (no skill at all: he lacks forklift driving too)
    assert exact == {WELDING: 7, FORKLIFT: 1}
    # Every third person of seven (Wang among them), each counting for 7/3.
    assert estimated == {WELDING: 7, FORKLIFT: 2}
