"""Finding 9: a verified company that renames itself keeps the name the union verified until the
union checks the new one; its postings, the search and every page show the verified name
meanwhile. (A new credit code already sent a company back for a check.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jobs import services
from jobs.models import Employer
from tests.jobs.conftest import make_employer, make_posting

NEW_NAME = "中国石油天然气股份有限公司鄂尔多斯分公司"


@pytest.fixture
def company(tree: Any, people: Any) -> Employer:
    return make_employer(people.eve, tree.county, name="利民煤业有限公司")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_rename_through_the_api_waits_for_the_union(company: Employer, people: Any) -> None:
    posting = make_posting(company)

    answer = _client(people.eve).patch(
        f"/api/v1/employers/{company.pk}/", {"name": NEW_NAME}, content_type="application/json"
    )

    assert answer.status_code == 200
    assert answer.json()["name"] == "利民煤业有限公司"
    assert answer.json()["pending_name"] == NEW_NAME
    company.refresh_from_db()
    assert company.name == "利民煤业有限公司" and company.status == Employer.Status.VERIFIED
    search = _client(people.wang).get("/api/v1/postings/", {"q": "中国石油"}).json()
    assert search["results"] == []  # nobody finds the company under the name it gave itself
    shown = _client(people.wang).get(f"/api/v1/postings/{posting.pk}/").json()
    assert shown["employer_name"] == "利民煤业有限公司"


def test_a_rename_through_the_page_waits_for_the_union_and_says_so(company: Employer, people: Any) -> None:
    from tests.jobs.test_pages import register_data

    data = register_data(name=NEW_NAME, uscc=company.uscc, contact_phone=company.contact_phone)
    _client(people.eve).post(reverse("jobs:company_edit"), data)
    page = _client(people.eve).get(reverse("jobs:company"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    company.refresh_from_db()
    assert company.name == "利民煤业有限公司"
    assert company.pending_name == NEW_NAME
    assert NEW_NAME in page and "waiting for the union" in page


def test_the_organizer_sees_the_new_name_in_the_queue_and_approves_it(company: Employer, people: Any) -> None:
    services.employer_update(
        employer=company, by=people.eve, data=services.EmployerInput(**{**_input(company), "name": NEW_NAME})
    )

    queue = _client(people.alice).get(reverse("jobs:review_employers")).content.decode()
    services.employer_verify(employer=company, by=people.alice, approve=True)

    assert NEW_NAME in queue
    company.refresh_from_db()
    assert (company.name, company.pending_name, company.status) == (NEW_NAME, "", Employer.Status.VERIFIED)


def test_a_refused_rename_keeps_the_verified_name(company: Employer, people: Any) -> None:
    services.employer_update(
        employer=company, by=people.eve, data=services.EmployerInput(**{**_input(company), "name": NEW_NAME})
    )

    services.employer_verify(employer=company, by=people.alice, approve=False, note="营业执照上的名称不符")

    company.refresh_from_db()
    assert (company.name, company.pending_name) == ("利民煤业有限公司", "")
    assert company.status == Employer.Status.VERIFIED  # the company itself stays verified
    assert company.status_note == "营业执照上的名称不符"


def test_a_company_not_yet_verified_renames_itself_at_once(tree: Any, people: Any) -> None:
    company = make_employer(people.eve, tree.county, name="旧名称", status=Employer.Status.PENDING)

    services.employer_update(
        employer=company, by=people.eve, data=services.EmployerInput(**{**_input(company), "name": NEW_NAME})
    )

    company.refresh_from_db()
    assert (company.name, company.pending_name) == (NEW_NAME, "")


def _input(company: Employer) -> dict[str, Any]:
    return {
        "name": company.name,
        "uscc": company.uscc,
        "contact_name": company.contact_name,
        "contact_phone": company.contact_phone,
        "region_code": company.region_id,
        "industry": company.industry,
        "address": company.address,
        "description": company.description,
    }
