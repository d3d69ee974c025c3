"""An employer reads where each candidate's application stands (hired, not selected), not "applied"
for everyone who ever applied; and two postings of one title are told apart in the invite list."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from households.models import Member
from jobs.models import Application
from matching import services
from tests.factories import HouseholdFactory
from tests.jobs.conftest import make_employer, make_posting
from tests.matching.test_pages import FORKLIFT, ask_skills, give_skills, new_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_employer_reads_each_applications_state(client: Client, people: Any, tree: Any) -> None:
    employer = make_employer(people.eve, tree.county, name="鄂托克旗利民煤业有限公司")
    posting = ask_skills(make_posting(employer, title="叉车司机"), FORKLIFT)
    people_by_state = {}
    for state in ("applied", "hired", "rejected"):
        member = new_member(household=HouseholdFactory(org_unit=tree.station_a), consent_to_be_found=True)
        give_skills(member, FORKLIFT)
        Application.objects.create(posting=posting, member=member, state=state)
        people_by_state[state] = member
    services.refresh_posting(posting.pk)
    client.force_login(people.eve)
    html = client.get(reverse("matching:candidates", args=[posting.pk])).content.decode()
    badges = dict(re.findall(r'id="candidate-(\d+)".*?<span class="badge badge-application-(\w+)">', html, re.S))
    assert badges == {str(m.pk): state for state, m in people_by_state.items()}


def test_two_postings_of_one_title_are_told_apart_in_the_invite_list(
    client: Client, people: Any, tree: Any, household_a: Any
) -> None:
    employer = make_employer(people.eve, tree.county, name="鄂托克旗利民煤业有限公司")
    make_posting(employer, title="叉车司机", salary_min=4000, salary_max=5000, published_at=timezone.now())
    make_posting(employer, title="叉车司机", salary_min=5500, salary_max=7000, published_at=timezone.now())
    wang = household_a.members.get(relation=Member.Relation.HEAD)
    wang.consent_to_be_found = True
    wang.save(update_fields=["consent_to_be_found"])
    client.force_login(people.eve)
    html = client.get(reverse("jobs:candidate", args=[wang.pk])).content.decode()
    options = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', html)
    forklift = [o for o in options if o.startswith("叉车司机")]
    assert len(forklift) == 2 and len(set(forklift)) == 2
    assert any("¥4000–5000" in o for o in forklift) and any("¥5500–7000" in o for o in forklift)
