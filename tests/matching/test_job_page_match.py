"""Finding 9 of issue 19: a worker who opens a job (from 我的推荐岗位 or anywhere) sees how well it
fits them and why, from the stored match; a worker without a match, an employer and union staff
see no score; no occupation code is shown to a worker. ``jobs`` cannot import ``matching``: the
panel comes through ``jobs.panels`` (registered by ``matching``)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from households.models import Household, Member
from jobs import panels
from jobs.models import Employer, JobPosting
from matching import selectors, services
from skills.models import Occupation
from tests.jobs.conftest import make_employer, make_posting
from tests.matching.test_pages import CLEANING, FORKLIFT, WELDING, ask_skills, give_skills, new_member

pytestmark = pytest.mark.django_db
CSCO = re.compile(r"\b\d-\d{2}-\d{2}-\d{2}\b")


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def employer(tree: Any, people: Any) -> Employer:
    return make_employer(people.eve, tree.county, name="鄂托克旗利民煤业有限公司")


@pytest.fixture
def wang(household_a: Household) -> Member:
    member = household_a.members.get(relation=Member.Relation.HEAD)
    member.consent_to_be_found = True
    member.save(update_fields=["consent_to_be_found"])
    return give_skills(member, FORKLIFT)


@pytest.fixture
def matched(wang: Member, employer: Employer) -> JobPosting:
    posting = ask_skills(make_posting(employer, title="叉车司机"), FORKLIFT, WELDING, preferred=(CLEANING,))
    occupation = Occupation.objects.filter(code__regex=r"^\d-\d{2}-\d{2}-\d{2}$").first()
    assert occupation is not None  # the taxonomy is seeded by its migration
    posting.occupation = occupation
    posting.save(update_fields=["occupation"])
    services.refresh_posting(posting.pk)
    return posting


def _detail(client: Client, posting: JobPosting) -> str:
    response = client.get(reverse("jobs:detail", args=[posting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_matched_worker_sees_the_score_and_reasons_on_the_job(
    client: Client, people: Any, matched: JobPosting
) -> None:
    row = selectors.my_match_for_posting(people.wang, matched)
    assert row is not None and row.reasons
    client.force_login(people.wang)
    html = _detail(client, matched)
    assert 'id="my-match"' in html and "How this job fits you" in html
    assert f"{row.percent}% match" in html
    assert all(str(reason) in html for reason in row.reasons)
    assert "Skills missing" in html and "Arc welding" in html


def test_a_worker_without_a_match_sees_no_score(
    client: Client, tree: Any, people: Any, matched: JobPosting, employer: Employer
) -> None:
    other = make_posting(employer, title="保洁员")  # never matched: no stored row for Wang
    client.force_login(people.wang)
    html = _detail(client, other)
    assert 'id="my-match"' not in html and "% match" not in html
    assert selectors.my_match_for_posting(people.wang, other) is None


def test_another_worker_does_not_see_wangs_match(client: Client, tree: Any, matched: JobPosting) -> None:
    from tests.factories import HouseholdFactory, UserFactory

    li = UserFactory(username="li", role="worker", phone="13847700002")
    new_member(household=HouseholdFactory(org_unit=tree.station_a), name="李", relation="head", user=li)
    client.force_login(li)
    html = _detail(client, matched)
    assert 'id="my-match"' not in html and "% match" not in html


@pytest.mark.parametrize("persona", ["eve", "alice", "hana"])
def test_employers_and_staff_never_see_a_workers_score_on_the_job(
    client: Client, people: Any, matched: JobPosting, persona: str
) -> None:
    client.force_login(getattr(people, persona))
    html = _detail(client, matched)
    assert 'id="my-match"' not in html and "% match" not in html
    assert selectors.my_match_for_posting(getattr(people, persona), matched) is None


def test_no_occupation_code_on_a_workers_job_page(client: Client, people: Any, matched: JobPosting) -> None:
    client.force_login(people.wang)
    html = _detail(client, matched)
    assert matched.occupation is not None
    assert not CSCO.search(html) and matched.occupation.code not in html
    assert matched.occupation.name in html


def test_staff_still_see_the_occupation_code(client: Client, people: Any, matched: JobPosting) -> None:
    client.force_login(people.alice)
    assert matched.occupation is not None and matched.occupation.code in _detail(client, matched)


def test_skills_are_grouped_under_words_not_outlined_tags(client: Client, people: Any, matched: JobPosting) -> None:
    client.force_login(people.wang)
    html = _detail(client, matched)
    assert "Required skills" in html and "A plus, not required" in html
    assert "Outlined tags" not in html


def test_the_panel_registry_refuses_a_second_panel_under_one_name() -> None:
    def other(request: Any, posting: Any) -> str:
        return "x"

    with pytest.raises(ValueError, match="already registered"):
        panels.register_posting_panel("my_match", other)


def test_without_the_matching_panel_the_job_page_has_no_score(client: Client, people: Any, matched: JobPosting) -> None:
    from matching.panels import my_match_panel

    panels.unregister_posting_panel("my_match")
    try:
        client.force_login(people.wang)
        assert 'id="my-match"' not in _detail(client, matched)
    finally:
        panels.register_posting_panel("my_match", my_match_panel)
