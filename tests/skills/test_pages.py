"""The skill catalogue page and the htmx endpoints of the profile form."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_catalogue_needs_a_login(client: Client) -> None:
    response = client.get(reverse("skills:catalogue"))
    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["alice", "wang", "eve", "aude"])
def test_every_signed_in_person_may_read_the_catalogue(client: Client, people: Any, persona: str) -> None:
    client.force_login(getattr(people, persona))
    response = client.get(reverse("skills:catalogue"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count > 100


def test_the_catalogue_searches_names_and_synonyms(client: Client, people: Any) -> None:
    client.force_login(people.wang)
    page = client.get(reverse("skills:catalogue"), {"q": "开叉车"}).content.decode()
    assert "叉车驾驶" in page
    by_category = client.get(reverse("skills:catalogue"), {"category": "care"})
    assert {s.category for s in by_category.context["page"].object_list} == {"care"}


def test_suggest_returns_options_for_what_was_typed(client: Client, people: Any) -> None:
    client.force_login(people.wang)
    response = client.get(reverse("skills:suggest"), {"q": "叉车"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="Forklift operation">' in html  # the English page gets English names
    assert "<html" not in html
    assert html.count("<option") <= 10


def test_suggest_reads_the_profile_forms_field_and_stays_quiet_on_nothing(client: Client, people: Any) -> None:
    client.force_login(people.wang)
    assert "<option" in client.get(reverse("skills:suggest"), {"phrase": "叉车"}).content.decode()
    assert "<option" not in client.get(reverse("skills:suggest"), {"q": " "}).content.decode()


def test_suggest_gives_chinese_names_on_chinese_pages(people: Any) -> None:
    client = Client()
    client.force_login(people.wang)
    html = client.get(reverse("skills:suggest"), {"q": "forklift"}).content.decode()
    assert '<option value="叉车驾驶">' in html


def test_resolve_says_how_a_phrase_is_understood(client: Client, people: Any) -> None:
    client.force_login(people.wang)
    known = client.get(reverse("skills:resolve"), {"phrase": "开叉车"}).content.decode()
    assert "Understood as: Forklift operation" in known  # the skill's name follows the page language
    unknown = client.get(reverse("skills:resolve"), {"phrase": "给羊接生的活"}).content.decode()
    assert "Not a known skill yet" in unknown
    assert client.get(reverse("skills:resolve"), {"phrase": ""}).content.decode().strip() == ""
