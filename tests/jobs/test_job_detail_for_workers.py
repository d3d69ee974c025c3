"""A job as a worker reads it: one place of work, no occupation code, the skills under "required"
and "a plus", and the employer's phone once the worker has applied."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from jobs.models import Application, JobPosting
from skills.models import Occupation

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_worker_reads_one_place_no_code_and_plain_skill_groups(
    client: Client, people: Any, posting: JobPosting, wang: Any
) -> None:
    occupation = Occupation.objects.filter(code__contains="-").first()
    if occupation is not None:
        posting.occupation = occupation
    posting.address = "棋盘井镇工业园区3号"
    posting.save()
    client.force_login(people.wang)
    html = client.get(reverse("jobs:detail", args=[posting.pk])).content.decode()
    assert html.count("Workplace") == 1 and f"{posting.region.name} · 棋盘井镇工业园区3号" in html
    if occupation is not None:
        assert occupation.code not in html
    assert "Outlined tags" not in html
    assert 'class="skills-required"' in html and 'class="skills-preferred"' in html
    client.force_login(people.alice)
    if occupation is not None:
        assert occupation.code in client.get(reverse("jobs:detail", args=[posting.pk])).content.decode()


def test_the_employers_phone_shows_once_the_worker_has_applied(
    client: Client, people: Any, posting: JobPosting, wang: Any
) -> None:
    phone = posting.employer.contact_phone
    client.force_login(people.wang)
    assert phone not in client.get(reverse("jobs:detail", args=[posting.pk])).content.decode()
    application = Application.objects.create(posting=posting, member=wang)
    html = client.get(reverse("jobs:detail", args=[posting.pk])).content.decode()
    assert phone in html and 'href="tel:' in html
    application.state = Application.State.WITHDRAWN
    application.save()
    assert phone not in client.get(reverse("jobs:detail", args=[posting.pk])).content.decode()
