"""The matching pages, through the test client: the worker's 我的推荐岗位, an employer's ranked
candidates per posting, the organizer's view per household and the skill gaps. Who may open what
(and the 404/403 for everyone else), what each page says (percent, reasons, skills), what employers
never see, and a query count that does not grow with the rows.

Matches are made by the matching services, as in production (no rows inserted by hand). Pages are
requested in English so that assertions hold whatever the Chinese catalogue says.
"""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from households.models import Household, Member, MemberSkill
from jobs import services as job_services
from jobs.models import Employer, JobPosting, PhysicalDemand, PostingSkill
from matching import selectors, services
from skills.models import Skill
from tests.factories import HouseholdFactory, MemberFactory, UserFactory
from tests.jobs.conftest import make_employer, make_posting

pytestmark = pytest.mark.django_db

FORKLIFT = "logistics.forklift"
WELDING = "manufacturing.arc_welding"
CLEANING = "housekeeping.cleaning"


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def new_member(**values: Any) -> Member:
    return cast(Member, MemberFactory(**values))


def new_user(**values: Any) -> User:
    return cast(User, UserFactory(**values))


def skill(code: str) -> Skill:
    return Skill.objects.get(code=code)


def give_skills(member: Member, *codes: str) -> Member:
    for code in codes:
        found = skill(code)
        MemberSkill.objects.create(member=member, phrase=found.name_zh, skill=found)
    return member


def ask_skills(posting: JobPosting, *codes: str, preferred: tuple[str, ...] = ()) -> JobPosting:
    for code in codes:
        PostingSkill.objects.create(posting=posting, phrase=skill(code).name_zh, skill=skill(code))
    for code in preferred:
        PostingSkill.objects.create(posting=posting, phrase=skill(code).name_zh, skill=skill(code), required=False)
    return posting


def page_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def employer(tree: Any, people: Any) -> Employer:
    """Eve's company, verified, watched by the county federation."""
    return make_employer(people.eve, tree.county, name="鄂托克旗利民煤业有限公司")


@pytest.fixture
def other_employer(tree: Any, db: Any) -> Employer:
    frank = new_user(username="frank", role="employer", full_name="弗兰克")
    return make_employer(frank, tree.county, name="棋盘井物流有限公司")


@pytest.fixture
def wang(household_a: Household) -> Member:
    """Wang, head of household A: full work capacity, can drive a forklift, agreed to be found."""
    member = household_a.members.get(relation=Member.Relation.HEAD)
    member.consent_to_be_found = True
    member.phone = "13847700001"
    member.save(update_fields=["consent_to_be_found", "phone"])
    return give_skills(member, FORKLIFT)


@pytest.fixture
def posting(employer: Employer) -> JobPosting:
    """An open forklift job of Eve's company that also asks for welding (which Wang lacks)."""
    return ask_skills(make_posting(employer, title="叉车司机"), FORKLIFT, WELDING, preferred=(CLEANING,))


@pytest.fixture
def matched(wang: Member, posting: JobPosting) -> JobPosting:
    services.refresh_posting(posting.pk)
    return posting


# --- who may open which page -----------------------------------------------------------------------


def test_the_matching_pages_need_a_login(client: Client, matched: JobPosting, household_a: Household) -> None:
    for url in (
        reverse("matching:mine"),
        reverse("matching:candidates", args=[matched.pk]),
        reverse("matching:household", args=[household_a.pk]),
        reverse("matching:gaps"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_only_workers_have_jobs_matched_to_them(client: Client, people: Any, matched: JobPosting) -> None:
    for user in (people.eve, people.alice):
        client.force_login(user)
        assert client.get(reverse("matching:mine")).status_code == 403


def test_an_employer_cannot_open_the_candidates_of_another_companys_posting(
    client: Client, people: Any, wang: Member, other_employer: Employer
) -> None:
    theirs = ask_skills(make_posting(other_employer), FORKLIFT)
    services.refresh_posting(theirs.pk)
    client.force_login(people.eve)
    assert client.get(reverse("matching:candidates", args=[theirs.pk])).status_code == 404


def test_workers_and_organizers_out_of_reach_cannot_open_ranked_candidates(
    client: Client, people: Any, matched: JobPosting
) -> None:
    url = reverse("matching:candidates", args=[matched.pk])
    client.force_login(people.wang)
    assert client.get(url).status_code == 404
    client.force_login(people.bob)  # organizer of town B: Eve's company is watched by the county
    assert client.get(url).status_code == 404
    client.force_login(people.alice)  # the county organizer watches the company
    assert client.get(url).status_code == 200


def test_a_household_outside_the_unit_is_not_found(
    client: Client, people: Any, wang: Member, matched: JobPosting
) -> None:
    url = reverse("matching:household", args=[wang.household_id])
    for user in (people.bob, people.eve, people.wang):
        client.force_login(user)
        assert client.get(url).status_code == 404, user.username
    for user in (people.alice, people.hana):
        client.force_login(user)
        assert client.get(url).status_code == 200, user.username


def test_workers_and_employers_cannot_open_the_skill_gaps(client: Client, people: Any, matched: JobPosting) -> None:
    for user in (people.wang, people.eve):
        client.force_login(user)
        assert client.get(reverse("matching:gaps")).status_code == 403, user.username


# --- the worker: 我的推荐岗位 ------------------------------------------------------------------------------


def test_a_worker_sees_a_matched_job_with_its_percent_reasons_and_skills(
    client: Client, people: Any, matched: JobPosting
) -> None:
    client.force_login(people.wang)
    [row] = selectors.my_matches(people.wang)
    page = page_of(client, reverse("matching:mine"))
    assert "Jobs matched to you" in page
    assert matched.title in page and reverse("jobs:detail", args=[matched.pk]) in page
    assert f"{row.percent}% match" in page
    assert row.reasons and all(str(reason) in page for reason in row.reasons)
    assert "Skills that match" in page and "Forklift operation" in page
    assert "Skills missing" in page and "Arc welding" in page
    assert "add it to your skills" in page  # the hint beside what is missing
    assert "Already applied" not in page


def test_a_job_the_worker_applied_to_says_so(client: Client, people: Any, wang: Member, matched: JobPosting) -> None:
    job_services.application_apply(posting=matched, member=wang, by=people.wang)
    services.refresh_member(wang.pk)
    client.force_login(people.wang)
    page = page_of(client, reverse("matching:mine"))
    assert "Already applied" in page and matched.title in page


def test_the_best_match_comes_first(client: Client, people: Any, employer: Employer, wang: Member) -> None:
    give_skills(wang, WELDING)
    weaker = ask_skills(make_posting(employer, title="仓库保管员"), FORKLIFT, CLEANING)
    better = ask_skills(make_posting(employer, title="焊工叉车两用工"), FORKLIFT, WELDING)
    services.refresh_member(wang.pk)
    client.force_login(people.wang)
    page = page_of(client, reverse("matching:mine"))
    assert page.index(better.title) < page.index(weaker.title)


def test_a_worker_who_switched_off_being_found_is_told_where_to_change_it(
    client: Client, people: Any, wang: Member, matched: JobPosting
) -> None:
    wang.consent_to_be_found = False
    wang.save(update_fields=["consent_to_be_found"])
    client.force_login(people.wang)
    page = page_of(client, reverse("matching:mine"))
    assert "Employers cannot find you" in page
    assert f'href="{reverse("me:home")}#prefs-title"' in page
    assert matched.title in page  # the worker still sees the jobs that fit


def test_a_worker_who_is_findable_is_told_so(client: Client, people: Any, matched: JobPosting) -> None:
    client.force_login(people.wang)
    page = page_of(client, reverse("matching:mine"))
    assert "Employers can find you" in page and "Switch off being found" in page


def test_a_worker_without_matches_is_told_how_to_get_some(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.wang)
    page = page_of(client, reverse("matching:mine"))
    assert "No jobs match you yet" in page
    assert f'href="{reverse("jobs:search")}"' in page
    assert f'href="{reverse("me:home")}#skills-title"' in page


def test_a_closed_job_leaves_the_workers_matches(
    client: Client, people: Any, wang: Member, matched: JobPosting
) -> None:
    JobPosting.objects.filter(pk=matched.pk).update(state=JobPosting.State.WITHDRAWN)
    services.refresh_posting(matched.pk)
    client.force_login(people.wang)
    page = page_of(client, reverse("matching:mine"))
    assert matched.title not in page and "No jobs match you yet" in page


def test_a_login_without_an_archive_entry_is_told_to_ask_the_helper(client: Client, db: Any) -> None:
    client.force_login(new_user(username="lonely", role="worker"))
    page = page_of(client, reverse("matching:mine"))
    assert "not linked to a household archive" in page


# --- the employer: ranked candidates ---------------------------------------------------------------


def test_an_employer_sees_ranked_candidates_with_reasons_and_never_id_or_contact_details(
    client: Client, people: Any, wang: Member, matched: JobPosting
) -> None:
    client.force_login(people.eve)
    [row] = selectors.candidates_for_posting(people.eve, matched.pk)
    page = page_of(client, reverse("matching:candidates", args=[matched.pk]))
    assert wang.name in page and f"{row.percent}% match" in page
    assert all(str(reason) in page for reason in row.reasons)
    assert "Forklift operation" in page and "Arc welding" in page
    assert reverse("jobs:candidate", args=[wang.pk]) in page
    assert reverse("jobs:candidate_invite", args=[wang.pk]) in page  # not applied yet: an invitation
    household = wang.household
    for secret in (wang.id_number, wang.id_number_masked, wang.phone, household.number, household.address):
        assert secret not in page, secret


def test_people_who_neither_agreed_to_be_found_nor_applied_are_not_ranked(
    client: Client, people: Any, wang: Member, matched: JobPosting
) -> None:
    neighbours = HouseholdFactory(org_unit=wang.household.org_unit)
    shy = give_skills(new_member(household=neighbours, name="赵默"), FORKLIFT)
    services.refresh_member(shy.pk)
    client.force_login(people.eve)
    page = page_of(client, reverse("matching:candidates", args=[matched.pk]))
    assert wang.name in page and shy.name not in page


def test_an_applicant_who_did_not_agree_to_be_found_is_ranked_as_applied(
    client: Client, people: Any, wang: Member, matched: JobPosting
) -> None:
    wang.consent_to_be_found = False
    wang.save(update_fields=["consent_to_be_found"])
    job_services.application_apply(posting=matched, member=wang, by=people.wang)
    services.refresh_posting(matched.pk)
    client.force_login(people.eve)
    page = page_of(client, reverse("matching:candidates", args=[matched.pk]))
    assert wang.name in page and "Applied" in page
    assert reverse("jobs:pipeline", args=[matched.pk]) in page
    assert reverse("jobs:candidate_invite", args=[wang.pk]) not in page


def test_the_invitation_from_the_ranking_reaches_the_worker(
    client: Client, people: Any, wang: Member, matched: JobPosting
) -> None:
    client.force_login(people.eve)
    response = client.post(reverse("jobs:candidate_invite", args=[wang.pk]), {"posting_id": matched.pk})
    assert response.status_code == 302
    assert wang.applications.get(posting=matched).state == "invited"


def test_the_employer_reaches_the_ranking_from_the_postings_list_and_the_posting(
    client: Client, people: Any, matched: JobPosting
) -> None:
    client.force_login(people.eve)
    url = reverse("matching:candidates", args=[matched.pk])
    assert url in page_of(client, reverse("jobs:postings"))
    assert url in page_of(client, reverse("jobs:detail", args=[matched.pk]))


def test_an_organizer_sees_the_ranking_without_an_invitation_button(
    client: Client, people: Any, wang: Member, matched: JobPosting
) -> None:
    client.force_login(people.alice)
    page = page_of(client, reverse("matching:candidates", args=[matched.pk]))
    assert wang.name in page
    assert reverse("jobs:candidate_invite", args=[wang.pk]) not in page
    assert f"{reverse('jobs:detail', args=[matched.pk])}?member={wang.pk}#apply-for" in page  # the member's id


# --- organizers and helpers: per household and the gaps ---------------------------------------------


@pytest.fixture
def grandma(household_a: Household) -> Member:
    """Light work only, and no job here is light: nothing within reach."""
    member = new_member(
        household=household_a, name="王奶奶", relation=Member.Relation.PARENT, work_capacity=Member.WorkCapacity.PARTIAL
    )
    return give_skills(member, CLEANING)


def test_the_household_page_shows_who_can_reach_a_job_and_what_stands_in_the_way(
    client: Client, people: Any, wang: Member, grandma: Member, matched: JobPosting
) -> None:
    services.refresh_member(grandma.pk)
    client.force_login(people.hana)
    page = page_of(client, reverse("matching:household", args=[wang.household_id]))
    assert wang.name in page and grandma.name in page
    assert "A job is within reach" in page and "No job within reach" in page
    assert matched.title in page and "% match" in page
    assert "Skills that stand in the way" in page and "Arc welding" in page


def test_the_household_detail_links_to_its_jobs_within_reach(
    client: Client, people: Any, household_a: Household
) -> None:
    client.force_login(people.alice)
    page = page_of(client, reverse("households:detail", args=[household_a.pk]))
    assert reverse("matching:household", args=[household_a.pk]) in page


def test_the_gaps_page_lists_people_without_a_reachable_job_and_the_blocking_skills(
    client: Client, people: Any, wang: Member, grandma: Member, matched: JobPosting
) -> None:
    services.refresh_member(grandma.pk)
    client.force_login(people.alice)
    page = page_of(client, reverse("matching:gaps"))
    unreachable = page[page.index('id="unreachable-title"') :]
    assert grandma.name in unreachable and wang.name not in unreachable
    blocking = page[page.index('id="blocking-title"') : page.index('id="unreachable-title"')]
    assert "Arc welding" in blocking


def test_organizers_find_the_gaps_from_their_home_and_the_top_bar(client: Client, people: Any) -> None:
    client.force_login(people.alice)
    assert page_of(client, reverse("home")).count(f'href="{reverse("matching:gaps")}"') >= 2


def test_workers_find_their_matches_from_the_top_bar_and_their_page(
    client: Client, people: Any, household_a: Household
) -> None:
    client.force_login(people.wang)
    assert page_of(client, reverse("me:home")).count(f'href="{reverse("matching:mine")}"') >= 2


# --- query counts do not grow with the rows --------------------------------------------------------


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_workers_page_costs_the_same_queries_for_two_jobs_or_six(
    client: Client, people: Any, employer: Employer, wang: Member
) -> None:
    def add_postings(n: int) -> None:
        for i in range(n):
            ask_skills(make_posting(employer, title=f"叉车司机{i}"), FORKLIFT, WELDING, preferred=(CLEANING,))
        services.refresh_member(wang.pk)

    client.force_login(people.wang)
    url = reverse("matching:mine")
    add_postings(2)
    few = queries_for(client, url)
    add_postings(4)
    assert len(selectors.my_matches(people.wang)) == 6
    assert queries_for(client, url) == few


def test_the_ranking_costs_the_same_queries_for_two_candidates_or_six(
    client: Client, people: Any, tree: Any, posting: JobPosting
) -> None:
    def add_people(n: int) -> None:
        for _ in range(n):
            member = new_member(household=HouseholdFactory(org_unit=tree.station_a), consent_to_be_found=True)
            give_skills(member, FORKLIFT, CLEANING)
        services.refresh_posting(posting.pk)

    client.force_login(people.eve)
    url = reverse("matching:candidates", args=[posting.pk])
    add_people(2)
    few = queries_for(client, url)
    add_people(4)
    assert len(selectors.candidates_for_posting(people.eve, posting.pk)) == 6
    assert queries_for(client, url) == few


def test_the_household_and_gaps_pages_cost_the_same_queries_as_members_grow(
    client: Client, people: Any, employer: Employer, household_a: Household, wang: Member
) -> None:
    ask_skills(make_posting(employer), FORKLIFT, WELDING)
    ask_skills(make_posting(employer, title="保洁员", physical_demand=PhysicalDemand.MODERATE), CLEANING)

    def add_members(n: int) -> None:
        for i in range(n):
            member = new_member(household=household_a, name=f"王家{i}", relation=Member.Relation.CHILD)
            give_skills(member, CLEANING)
            services.refresh_member(member.pk)
            partial = new_member(
                household=household_a,
                name=f"王家轻{i}",
                relation=Member.Relation.CHILD,
                work_capacity=Member.WorkCapacity.PARTIAL,
            )
            services.refresh_member(partial.pk)

    services.refresh_member(wang.pk)
    client.force_login(people.alice)
    urls = [reverse("matching:household", args=[household_a.pk]), reverse("matching:gaps")]
    add_members(1)
    few = [queries_for(client, url) for url in urls]
    add_members(3)
    assert [queries_for(client, url) for url in urls] == few
