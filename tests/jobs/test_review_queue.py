"""The organizer's posting review queue at volume: pages of 8 compact rows (issue 19) with the
queue's size, a filter by title or employer and by verified employers, four orders, and a decision
made in place (htmx swaps the row and the page keeps its place; without htmx the queue reloads at
the same page and filter)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobs.models import Employer, JobPosting
from tests.jobs.conftest import make_employer, make_posting

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def waiting(employer: Employer, n: int, *, title: str = "待审岗位", salary: int = 4000) -> list[JobPosting]:
    start = timezone.now() - dt.timedelta(days=30)
    return [
        make_posting(
            employer,
            title=f"{title}{i:03d}",
            state=JobPosting.State.REVIEW,
            published_at=None,
            submitted_at=start + dt.timedelta(hours=i),
            salary_min=salary,
            salary_max=salary + i,
        )
        for i in range(n)
    ]


def forms_on(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'action="/jobs/review/postings/(\d+)/', html)]


def test_the_queue_shows_eight_a_page_oldest_first_with_its_size(
    client: Client, people: Any, employer: Employer
) -> None:
    postings = waiting(employer, 45)
    client.force_login(people.alice)
    first = client.get(reverse("jobs:review_postings")).content.decode()
    assert forms_on(first) == [p.pk for p in postings[:8]]
    assert "45 waiting" in first
    assert "Page 1 of 6" in first
    last = client.get(reverse("jobs:review_postings") + "?page=6").content.decode()
    assert forms_on(last) == [p.pk for p in postings[40:]]


def test_each_row_is_compact_and_its_decision_form_opens_in_place(
    client: Client, people: Any, employer: Employer
) -> None:
    posting = waiting(employer, 1)[0]
    client.force_login(people.alice)
    html = client.get(reverse("jobs:review_postings")).content.decode()
    row = html[html.index(f'id="review-{posting.pk}"') :]
    details = row.index('<details class="action review-decide">')
    # The form (and the long description) sit inside the closed <details>: the row is a few lines.
    assert details < row.index(f'action="/jobs/review/postings/{posting.pk}/') < row.index("</details>")
    assert "<summary" in row[details : row.index("</details>")]


def test_the_organizer_filters_by_title_or_employer_and_by_unverified_employers(
    client: Client, people: Any, tree: Any, employer: Employer, frank: Any
) -> None:
    waiting(employer, 3, title="叉车司机")
    pending = make_employer(frank, tree.county, name="待认证物流公司", status=Employer.Status.PENDING)
    theirs = waiting(pending, 2, title="仓库管理员")
    client.force_login(people.alice)
    url = reverse("jobs:review_postings")
    assert "2 from unverified employers" in client.get(url).content.decode()
    by_name = client.get(url, {"q": "待认证"}).content.decode()
    assert forms_on(by_name) == [p.pk for p in theirs]
    assert "2 postings match." in by_name
    assert forms_on(client.get(url, {"q": "仓库"}).content.decode()) == [p.pk for p in theirs]
    assert forms_on(client.get(url, {"employer": "unverified"}).content.decode()) == [p.pk for p in theirs]
    assert len(forms_on(client.get(url, {"employer": "verified"}).content.decode())) == 3
    nothing = client.get(url, {"q": "没有这个岗位"}).content.decode()
    assert forms_on(nothing) == [] and "No waiting posting matches." in nothing


def test_the_organizer_orders_the_queue(client: Client, people: Any, employer: Employer) -> None:
    postings = waiting(employer, 5)
    client.force_login(people.alice)
    url = reverse("jobs:review_postings")
    assert forms_on(client.get(url, {"order": "newest"}).content.decode()) == [p.pk for p in reversed(postings)]
    assert forms_on(client.get(url, {"order": "salary"}).content.decode()) == [p.pk for p in reversed(postings)]


@pytest.mark.parametrize(
    "query", [{"order": "drop table"}, {"employer": "x" * 500}, {"page": "-1"}, {"q": "x" * 5000}, {"page": "9999"}]
)
def test_odd_filters_fall_back_to_the_default_queue(
    client: Client, people: Any, employer: Employer, query: dict[str, str]
) -> None:
    waiting(employer, 3)
    client.force_login(people.alice)
    response = client.get(reverse("jobs:review_postings"), query)
    assert response.status_code == 200


def test_a_decision_with_htmx_swaps_the_row_and_updates_the_count(
    client: Client, people: Any, employer: Employer
) -> None:
    first, _second = waiting(employer, 2)
    client.force_login(people.alice)
    response = client.post(reverse("jobs:posting_review", args=[first.pk]), {"decision": "approve"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="review-{first.pk}"' in html and "is published." in html
    assert 'id="review-counts" hx-swap-oob="true"' in html and "1 waiting" in html
    assert "<html" not in html  # the row alone, not the page
    first.refresh_from_db()
    assert first.state == JobPosting.State.PUBLISHED
    # Nothing waits in the session for the next page: the outcome was said in place.
    assert "is published." not in client.get(reverse("jobs:review_postings")).content.decode()


def test_a_refusal_without_a_note_comes_back_in_the_row_and_writes_nothing(
    client: Client, people: Any, employer: Employer
) -> None:
    [posting] = waiting(employer, 1)
    client.force_login(people.alice)
    response = client.post(reverse("jobs:posting_review", args=[posting.pk]), {"decision": "reject"}, **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="review-{posting.pk}"' in html and "Tell the employer what to change." in html
    assert '<details class="action review-decide" open>' in html  # the error shows, the form stays open
    assert "<html" not in html
    posting.refresh_from_db()
    assert posting.state == JobPosting.State.REVIEW


def test_without_htmx_the_queue_reloads_at_the_same_page_and_filter(
    client: Client, people: Any, employer: Employer
) -> None:
    postings = waiting(employer, 30)
    client.force_login(people.alice)
    place = "?q=%E5%BE%85%E5%AE%A1&order=newest&page=2"
    action = f"/jobs/review/postings/{postings[17].pk}/{place}"  # newest first, 8 a page: page 2 is 21 to 14
    page = client.get(reverse("jobs:review_postings") + place).content.decode()
    assert f'action="{action.replace("&", "&amp;")}"' in page
    response = client.post(action, {"decision": "approve"})
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:review_postings") + place


def test_employers_to_verify_come_eight_a_page_with_the_decision_form_in_place(
    client: Client, people: Any, tree: Any
) -> None:
    from tests.factories import UserFactory

    pending = [
        make_employer(
            UserFactory(role="employer"), tree.county, name=f"待审公司{i:02d}", status=Employer.Status.PENDING
        )
        for i in range(10)
    ]
    client.force_login(people.alice)
    first = client.get(reverse("jobs:review_employers")).content.decode()
    actions = re.findall(r'action="/jobs/review/employers/(\d+)/"', first)
    assert len(actions) == 8 and "Page 1 of 2" in first
    row = first[first.index(f'id="employer-{pending[0].pk}"') :]
    assert row.index('<details class="action review-decide">') < row.index('action="/jobs/review/employers/')
    second = client.get(reverse("jobs:review_employers") + "?page=2").content.decode()
    assert len(re.findall(r'action="/jobs/review/employers/(\d+)/"', second)) == 2
