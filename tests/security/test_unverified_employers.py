"""Finding 1: anyone may register a company, so a company the union has not verified (or one
waiting for a new check, suspended or rejected) is shown nobody: no candidate search, candidate
profile, ranked candidates, invitation, applicant, hire or interview list. Sign-up is throttled
per client address, on the page as on the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from fairs.models import Attendee, Booth, Interview
from households.models import Member
from jobs.models import Application, Employer, Placement
from matching.models import Match
from tests.fairs.conftest import make_fair
from tests.jobs.conftest import fresh_uscc, make_employer, make_posting
from tests.security.conftest import basic

NOT_VERIFIED = [Employer.Status.PENDING, Employer.Status.REJECTED, Employer.Status.SUSPENDED]


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _register_payload(**values: Any) -> dict[str, Any]:
    payload = {
        "name": "某某人力资源有限公司",
        "uscc": fresh_uscc(),
        "contact_name": "马经理",
        "contact_phone": "13947719999",
        "region": "150624",
        "industry": "services",
        "username": "hr_spider",
        "password": "a-Long-enough-pass-2026",
    }
    payload.update(values)
    return payload


def test_a_company_registered_through_the_api_finds_nobody(client: Client, tree: Any, seeker: Member) -> None:
    answer = client.post("/api/v1/employers/register/", _register_payload(), content_type="application/json")
    assert answer.status_code == 201, answer.content
    auth = basic("hr_spider", "a-Long-enough-pass-2026")

    search = client.get("/api/v1/candidates/", HTTP_ACCEPT_LANGUAGE="en", **auth)
    detail = client.get(f"/api/v1/candidates/{seeker.pk}/", **auth)

    assert search.status_code == 403
    assert "verif" in search.json()["detail"]
    assert detail.status_code == 404
    for response in (search, detail):
        assert seeker.name not in response.content.decode()


@pytest.mark.parametrize("status", NOT_VERIFIED)
def test_candidate_pages_show_nobody_to_a_company_that_is_not_verified(
    tree: Any, people: Any, seeker: Member, status: str
) -> None:
    make_employer(people.eve, tree.county, name="利民煤业", status=status)
    client = _signed_in(people.eve)

    search = client.get(reverse("jobs:candidates"), HTTP_ACCEPT_LANGUAGE="en")
    detail = client.get(reverse("jobs:candidate", args=[seeker.pk]))

    assert search.status_code == 403
    assert seeker.name not in search.content.decode()
    assert "verified" in search.content.decode()  # the page says why, in the reader's language
    assert detail.status_code == 404


def test_a_verified_company_still_finds_consenting_people(tree: Any, people: Any, seeker: Member) -> None:
    make_employer(people.eve, tree.county, name="利民煤业")
    client = _signed_in(people.eve)

    assert seeker.name in client.get(reverse("jobs:candidates")).content.decode()
    assert client.get(f"/api/v1/candidates/{seeker.pk}/").json()["name"] == seeker.name


def test_ranked_candidates_need_a_verified_company(tree: Any, pending_user: User, pending_company: Employer) -> None:
    """A company waiting for a new check keeps its postings and their stored matches: hidden."""
    posting = make_posting(pending_company)
    seeker = Member.objects.get(pk=_consenting(tree).pk)
    Match.objects.create(
        member=seeker, posting=posting, score=0.9, explanation={}, engine_version="t", computed_at=timezone.now()
    )
    client = _signed_in(pending_user)

    page = client.get(reverse("matching:candidates", args=[posting.pk]))
    api = client.get(f"/api/v1/matches/for-posting/{posting.pk}/")

    assert page.status_code in (403, 404)
    assert seeker.name not in page.content.decode()
    assert api.status_code in (403, 404)
    assert seeker.name not in api.content.decode()


def _consenting(tree: Any) -> Member:
    from tests.factories import HouseholdFactory, MemberFactory

    return MemberFactory(household=HouseholdFactory(org_unit=tree.station_a), name="乌云", consent_to_be_found=True)


def test_a_company_sent_back_for_a_check_no_longer_sees_its_applicants(tree: Any, people: Any, seeker: Member) -> None:
    company = make_employer(people.eve, tree.county, name="利民煤业")
    posting = make_posting(company)
    application = Application.objects.create(posting=posting, member=seeker, state=Application.State.APPLIED)
    Placement.objects.create(
        application=application,
        member=seeker,
        employer=company,
        posting=posting,
        start_date=timezone.localdate(),
        monthly_wage=5000,
    )
    company.status = Employer.Status.PENDING  # e.g. a new credit code
    company.save()
    client = _signed_in(people.eve)

    responses = [
        client.get(reverse("jobs:pipeline", args=[posting.pk])),
        client.get("/api/v1/applications/"),
        client.get(f"/api/v1/applications/{application.pk}/"),
        client.get(f"/api/v1/postings/{posting.pk}/applicants/"),
        client.get("/api/v1/placements/"),
        client.get(reverse("home")),
    ]

    for response in responses:
        assert seeker.name not in response.content.decode(), response.request["PATH_INFO"]
    assert responses[2].status_code == 404


def test_an_unverified_company_cannot_invite(tree: Any, pending_user: User, pending_company: Employer) -> None:
    posting = make_posting(pending_company)
    seeker = _consenting(tree)
    client = _signed_in(pending_user)

    answer = client.post(
        f"/api/v1/postings/{posting.pk}/invite/", {"member": seeker.pk}, content_type="application/json"
    )

    assert answer.status_code in (403, 404)
    assert not Application.objects.filter(member=seeker).exists()


def test_a_suspended_company_no_longer_sees_who_it_interviews_at_a_fair(tree: Any, people: Any, seeker: Member) -> None:
    company = make_employer(people.eve, tree.county, name="利民煤业")
    fair = make_fair(tree.county)
    booth = Booth.objects.create(fair=fair, employer=company, code="A01", status=Booth.Status.APPROVED, slot_count=2)
    attendee = Attendee.objects.create(fair=fair, member=seeker)
    interview = Interview.objects.create(fair=fair, booth=booth, attendee=attendee, slot=0, seat=0)
    company.status = Employer.Status.SUSPENDED
    company.save()
    client = _signed_in(people.eve)

    listing = client.get(f"/api/v1/fairs/booths/{booth.pk}/interviews/")
    page = client.get(reverse("fairs:booth", args=[booth.pk]))
    outcome = client.post(
        f"/api/v1/fairs/interviews/{interview.pk}/outcome/", {"outcome": "offer"}, content_type="application/json"
    )

    for response in (listing, page):
        assert seeker.name not in response.content.decode()
    assert outcome.status_code == 404
    interview.refresh_from_db()
    assert interview.outcome == ""


def test_the_sign_up_page_is_throttled_per_address_like_the_api(client: Client, tree: Any, settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "signup": "3/hour"},
    }
    url = reverse("jobs:employer_register")
    codes = [client.post(url, {"name": f"公司{n}"}, REMOTE_ADDR="203.0.113.9").status_code for n in range(4)]
    api = client.post(
        "/api/v1/employers/register/", _register_payload(), content_type="application/json", REMOTE_ADDR="203.0.113.9"
    )
    elsewhere = client.post(url, {"name": "公司"}, REMOTE_ADDR="198.51.100.7")

    assert codes[:3] == [400, 400, 400]
    assert codes[3] == 429
    assert api.status_code == 429  # one budget per address for the page and the API
    assert elsewhere.status_code == 400
    assert not Employer.objects.exists()
