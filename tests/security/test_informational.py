"""Finding 11: a Content-Security-Policy without inline script, ``Cache-Control: no-store`` on
answers that carry personal data, dates before 1900 refused for visits and registrations, and
pairing errors that do not tell a user's role or unit by id."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from households.models import Household, Pairing, Visit
from tests.factories import UserFactory


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- CSP and caching -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/households/", "/api/v1/households/", "/api/docs/", "/accounts/login/"])
def test_every_answer_carries_a_policy_that_allows_no_inline_script(people: Any, url: str) -> None:
    answer = _client(people.olga).get(url)

    policy = answer.headers["Content-Security-Policy"]
    scripts = re.search(r"script-src ([^;]+)", policy)
    assert scripts is not None
    assert "'unsafe-inline'" not in scripts.group(1) and "'unsafe-eval'" not in scripts.group(1)
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_no_template_holds_an_inline_script_or_event_handler() -> None:
    """Script only from files: the policy above would block anything else."""
    offenders = []
    for root in [Path(settings.BASE_DIR)]:
        for template in root.glob("*/templates/**/*.html"):
            text = template.read_text(encoding="utf-8")
            for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
                if 'type="application/json"' not in match.group(0):
                    offenders.append(f"{template}: {match.group(0)}")
            if re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text:
                offenders.append(f"{template}: an inline event handler or javascript: link")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize(
    "url", ["/households/", "/api/v1/households/", "/api/v1/me/", "/jobs/", "/accounts/access-log/"]
)
def test_answers_with_personal_data_are_never_stored_by_a_cache(people: Any, household_a: Household, url: str) -> None:
    answer = _client(people.alice).get(url)
    assert "no-store" in answer.headers["Cache-Control"]


def test_a_household_page_is_never_stored(people: Any, household_a: Household) -> None:
    answer = _client(people.hana).get(reverse("households:detail", args=[household_a.pk]))
    assert answer.status_code == 200
    assert "no-store" in answer.headers["Cache-Control"]


# --- dates before 1900 --------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["1899-12-31", "0001-01-01"])
def test_a_visit_before_1900_is_refused_and_nothing_is_written(people: Any, household_a: Household, day: str) -> None:
    answer = _client(people.hana).post(
        "/api/v1/visits/",
        {"household": household_a.pk, "visited_on": day, "summary": "上门走访"},
        content_type="application/json",
    )

    assert answer.status_code == 400
    assert "1900" in answer.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.parametrize("day", ["1899-12-31", "0001-01-01"])
def test_a_registration_date_before_1900_is_refused(people: Any, tree: Any, day: str) -> None:
    before = Household.objects.count()
    answer = _client(people.olga).post(
        "/api/v1/households/",
        {"org_unit": tree.station_a.pk, "region": "150624", "address": "乌兰镇", "registered_on": day},
        content_type="application/json",
    )

    assert answer.status_code == 400
    assert "1900" in answer.content.decode()
    assert Household.objects.count() == before


# --- pairing errors -----------------------------------------------------------------------------------


def test_pairing_errors_do_not_tell_who_an_id_belongs_to(people: Any, household_a: Household, tree: Any) -> None:
    """Whoever the id names (a worker, an organizer, a helper out of reach, nobody), the answer is
    the same: probing ids must not reveal roles or units."""
    far_helper = UserFactory(role=Role.HELPER, org_unit=tree.town_b)
    client = _client(people.olga)
    answers = {
        name: client.post(
            "/api/v1/pairings/", {"household": household_a.pk, "helper": pk}, content_type="application/json"
        )
        for name, pk in {
            "worker": people.wang.pk,
            "organizer": people.bob.pk,
            "far helper": far_helper.pk,
            "nobody": 999_999,
        }.items()
    }

    bodies = {name: (a.status_code, a.json()) for name, a in answers.items()}
    assert len({repr(b) for b in bodies.values()}) == 1, bodies
    assert next(iter(bodies.values()))[0] == 400
    assert Pairing.objects.filter(household=household_a).count() == 1


def test_pairing_a_household_out_of_reach_is_not_found_like_a_missing_one(people: Any, household_b: Household) -> None:
    client = _client(people.olga)
    out_of_reach = client.post(
        "/api/v1/pairings/", {"household": household_b.pk, "helper": people.hana.pk}, content_type="application/json"
    )
    missing = client.post(
        "/api/v1/pairings/", {"household": 999_999, "helper": people.hana.pk}, content_type="application/json"
    )
    assert (out_of_reach.status_code, out_of_reach.json()) == (missing.status_code, missing.json())
