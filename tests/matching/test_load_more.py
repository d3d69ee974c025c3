"""我的推荐岗位 and a posting's ranked candidates show ten at a time with how many there are; "show
10 more" reloads with twenty without JavaScript, or (htmx) answers with the next ten alone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from households.models import Member
from jobs.models import Employer, JobPosting
from matching import services
from tests.factories import HouseholdFactory
from tests.jobs.conftest import make_employer, make_posting
from tests.matching.test_pages import CLEANING, FORKLIFT, WELDING, ask_skills, give_skills, new_member

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def employer(tree: Any, people: Any) -> Employer:
    return make_employer(people.eve, tree.county, name="鄂托克旗利民煤业有限公司")


@pytest.fixture
def wang(household_a: Any) -> Member:
    member = household_a.members.get(relation=Member.Relation.HEAD)
    return give_skills(member, FORKLIFT)


@pytest.fixture
def posting(employer: Employer) -> JobPosting:
    return ask_skills(make_posting(employer, title="叉车司机"), FORKLIFT, WELDING, preferred=(CLEANING,))


def job_links(html: str) -> list[str]:
    return re.findall(r'<h2 class="posting-title" id="match-(\d+)"', html)


@pytest.fixture
def many_jobs(employer: Employer, wang: Member) -> list[JobPosting]:
    postings = [ask_skills(make_posting(employer, title=f"叉车司机{i:02d}"), FORKLIFT) for i in range(25)]
    services.refresh_member(wang.pk)
    return postings


def test_the_worker_sees_ten_jobs_and_how_many_fit(client: Client, people: Any, many_jobs: Any) -> None:
    client.force_login(people.wang)
    html = client.get(reverse("matching:mine")).content.decode()
    assert len(job_links(html)) == 10
    assert "Showing 10 of 25" in html
    assert 'href="?shown=20"' in html and 'hx-get="?shown=20"' in html


def test_without_javascript_the_link_shows_twenty(client: Client, people: Any, many_jobs: Any) -> None:
    client.force_login(people.wang)
    html = client.get(reverse("matching:mine"), {"shown": "20"}).content.decode()
    assert len(job_links(html)) == 20 and "Showing 20 of 25" in html


def test_with_htmx_the_link_brings_the_next_ten_alone(client: Client, people: Any, many_jobs: Any) -> None:
    client.force_login(people.wang)
    first = job_links(client.get(reverse("matching:mine")).content.decode())
    more = client.get(reverse("matching:mine"), {"shown": "20"}, **HTMX).content.decode()
    assert "<html" not in more
    second = job_links(more)
    assert len(second) == 10 and not set(first) & set(second)
    last = client.get(reverse("matching:mine"), {"shown": "30"}, **HTMX).content.decode()
    assert len(job_links(last)) == 5 and "Showing 25 of 25" in last and "shown=40" not in last


@pytest.mark.parametrize("shown", ["-5", "abc", "99999999999999999999999", "1e3", "0"])
def test_an_odd_batch_size_shows_the_first_ten(client: Client, people: Any, many_jobs: Any, shown: str) -> None:
    client.force_login(people.wang)
    response = client.get(reverse("matching:mine"), {"shown": shown})
    assert response.status_code == 200 and len(job_links(response.content.decode())) == 10


def test_the_employer_sees_ten_candidates_then_ten_more(
    client: Client, people: Any, tree: Any, posting: JobPosting
) -> None:
    for _ in range(14):
        member = new_member(household=HouseholdFactory(org_unit=tree.station_a), consent_to_be_found=True)
        give_skills(member, FORKLIFT, WELDING, CLEANING)
    services.refresh_posting(posting.pk)
    client.force_login(people.eve)
    url = reverse("matching:candidates", args=[posting.pk])
    html = client.get(url).content.decode()
    assert html.count('class="card candidate-match"') == 10
    assert "14 people" in html and "Showing 10 of 14" in html
    more = client.get(url, {"shown": "20"}, **HTMX).content.decode()
    assert more.count('class="card candidate-match"') == 4 and "<html" not in more
