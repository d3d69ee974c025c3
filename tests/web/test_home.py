"""The start page, the shared layout, login and the error pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from households.models import Household
from tests.factories import HouseholdFactory
from tests.fairs.conftest import make_fair

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_an_anonymous_visitor_gets_the_front_page_with_a_way_to_log_in(client: Client) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert reverse("accounts:login") in response.content.decode()
    assert "/households/" not in response.content.decode()  # no link into the archive


def test_pages_are_chinese_by_default(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()
    assert 'name="viewport"' in response.content.decode()


def test_login_page_asks_for_username_or_mobile_number(english: Client) -> None:
    page = english.get(reverse("accounts:login")).content.decode()
    assert '<label for="id_username">Username or mobile number' in page
    assert 'name="password"' in page


def test_logging_in_with_the_mobile_number_reaches_the_worker_page(
    english: Client, people: Any, household_a: Household
) -> None:
    response = english.post(
        reverse("accounts:login"), {"username": "13847700001", "password": "pass-word-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("me:home")
    assert household_a.number in response.content.decode()


def test_a_bad_login_says_so(english: Client, people: Any) -> None:
    response = english.post(reverse("accounts:login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "The username, mobile number or password is wrong." in response.content.decode()


def test_the_language_switch_turns_the_pages_english(client: Client, people: Any) -> None:
    client.force_login(people.alice)
    page = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("set_language")}"' in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


def test_organizer_dashboard_counts_and_links_to_filtered_lists(
    english: Client, people: Any, tree: Any, household_a: Household, household_b: Household
) -> None:
    HouseholdFactory(org_unit=tree.town_b, state=Household.State.DRAFT)
    household_b.next_visit_due = timezone.localdate().replace(year=2020)
    household_b.save()
    english.force_login(people.alice)
    response = english.get(reverse("home"))
    assert response.status_code == 200
    tiles = {t["key"]: t for t in response.context["tiles"]}
    assert tiles["active"]["count"] == 2
    assert tiles["draft"]["count"] == 1
    assert tiles["no_helper"]["count"] == 1
    assert tiles["overdue_visit"]["count"] == 1
    assert tiles["exit_pending"]["url"] == reverse("households:exits")
    page = response.content.decode()
    list_url = reverse("households:list")
    for query in ("state=active", "state=draft", "no_helper=1", "overdue_visit=1"):
        assert f'href="{list_url}?{query}"' in page


def test_helper_dashboard_has_no_exit_decisions(english: Client, people: Any, household_a: Household) -> None:
    english.force_login(people.hana)
    response = english.get(reverse("home"))
    assert response.status_code == 200
    assert "exit_pending" not in {t["key"] for t in response.context["tiles"]}
    assert reverse("households:exits") not in response.content.decode()


def test_auditor_dashboard_renders(english: Client, people: Any, household_a: Household) -> None:
    english.force_login(people.aude)
    response = english.get(reverse("home"))
    assert response.status_code == 200
    assert reverse("households:create") not in response.content.decode()


def test_an_employer_login_without_a_company_is_told_to_contact_the_union(english: Client, people: Any) -> None:
    english.force_login(people.eve)
    response = english.get(reverse("home"))
    assert response.status_code == 200
    assert "not linked to a company" in response.content.decode()
    assert reverse("households:list") not in response.content.decode()


def test_employer_home_is_the_company_dashboard(english: Client, people: Any, tree: Any) -> None:
    from jobs.models import Employer, EmployerMembership

    employer = Employer.objects.create(
        name="利民煤业",
        uscc="91150624701234560" + "8",
        contact_name="张",
        contact_phone="13947701234",
        region_id="150624",
        industry="mining",
        org_unit=tree.county,
    )
    EmployerMembership.objects.create(user=people.eve, employer=employer)
    english.force_login(people.eve)
    response = english.get(reverse("home"))
    page = response.content.decode()
    assert "利民煤业" in page and "Waiting for verification" in page
    assert f'href="{reverse("jobs:posting_create")}"' in page
    assert reverse("households:list") not in page


def test_worker_is_sent_to_their_own_page(english: Client, people: Any) -> None:
    english.force_login(people.wang)
    response = english.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("me:home")


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def test_navigation_follows_the_role(english: Client, people: Any) -> None:
    english.force_login(people.alice)
    organizer = english.get(reverse("home")).content.decode()
    assert f'href="{reverse("households:create")}"' in organizer
    assert f'href="{reverse("households:exits")}"' in organizer
    for name in ("households:import", "households:export"):
        url = _url_or_none(name)  # built by another page; linked once it exists
        if url:
            assert f'href="{url}"' in organizer
    english.force_login(people.aude)
    auditor = english.get(reverse("home")).content.decode()
    assert f'href="{reverse("households:list")}"' in auditor
    assert f'href="{reverse("households:create")}"' not in auditor
    for name in ("households:import", "households:export"):
        url = _url_or_none(name)
        if url:
            assert f'href="{url}"' not in auditor


def test_logout_is_a_post_form(english: Client, people: Any) -> None:
    english.force_login(people.alice)
    page = english.get(reverse("home")).content.decode()
    assert f'<form method="post" action="{reverse("accounts:logout")}">' in page


def test_password_change_page_renders(english: Client, people: Any) -> None:
    english.force_login(people.hana)
    response = english.get(reverse("accounts:password_change"))
    assert response.status_code == 200
    assert 'name="new_password1"' in response.content.decode()


def test_the_server_error_page_renders_without_a_request() -> None:
    html = render_to_string("500.html")
    assert "<html" in html and "/static/css/app.css" in html


def test_health_answers_ok(client: Client) -> None:
    response = client.get(reverse("health"))
    assert response.json() == {"status": "ok"}


def test_the_dashboard_counts_training_fairs_and_ventures_in_reach(english: Client, people: Any, tree: Any) -> None:
    make_fair(tree.town_a, name="乌兰镇专场")
    make_fair(tree.town_b, name="棋盘井镇专场")
    make_fair(tree.county, name="去年的专场", starts_on=dt.date(2020, 5, 1), ends_on=dt.date(2020, 5, 1))
    english.force_login(people.olga)
    tiles = {str(t["label"]): t for t in english.get(reverse("home")).context["programme_tiles"]}
    # Town A's organizer reaches her own fair and the county's (past); not town B's.
    assert tiles["Upcoming job fairs"]["count"] == 1 and tiles["Upcoming job fairs"]["url"] == reverse("fairs:list")
    assert tiles["Venture applications waiting"]["url"] == reverse("ventures:queue")
    assert {"Capable members without a certified skill", "Overdue repayments"} <= set(tiles)

    english.force_login(people.aude)
    labels = {str(t["label"]) for t in english.get(reverse("home")).context["programme_tiles"]}
    assert "Upcoming job fairs" in labels and "Venture applications waiting" not in labels  # auditors do not review
