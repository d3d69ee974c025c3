"""我的申请: what the worker must answer (offers, interviews, invitations) comes first, with the
buttons to answer; the rest follows."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jobs.models import Application, Employer
from tests.jobs.conftest import make_posting

pytestmark = pytest.mark.django_db


def test_invitations_interviews_and_offers_come_first_with_their_answers(
    client: Client, people: Any, employer: Employer, wang: Any
) -> None:
    states = ["applied", "invited", "rejected", "interview", "viewed", "offered"]
    apps = {
        state: Application.objects.create(
            posting=make_posting(employer, title=f"岗位-{state}"), member=wang, state=state
        )
        for state in states
    }
    client.force_login(people.wang)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("jobs:my_applications")).content.decode()
    first = html.index('id="act-first-title"')
    others = html.index("Other applications")
    order = sorted(states, key=lambda s: html.index(f'id="application-{apps[s].pk}-title"'))
    assert order[:3] == ["offered", "interview", "invited"]
    for state in ("offered", "interview", "invited"):
        assert first < html.index(f'id="application-{apps[state].pk}-title"') < others
    for state in ("applied", "viewed", "rejected"):
        assert html.index(f'id="application-{apps[state].pk}-title"') > others
    invited = html[html.index(f'id="application-{apps["invited"].pk}-title"') :]
    assert "Accept and apply" in invited.split("</section>")[0] and "Decline" in invited.split("</section>")[0]
    assert "3 waiting for you" in html


def test_with_nothing_to_answer_there_is_no_first_section(
    client: Client, people: Any, employer: Employer, wang: Any
) -> None:
    Application.objects.create(posting=make_posting(employer), member=wang, state="applied")
    client.force_login(people.wang)
    html = client.get(reverse("jobs:my_applications")).content.decode()
    assert 'id="act-first-title"' not in html
