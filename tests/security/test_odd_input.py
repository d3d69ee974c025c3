"""Findings 3 and 4: odd input is a clear 4xx, never a 500. NUL is refused at the edge (400) in
the path, the query string, form fields, JSON bodies, cookies and Basic credentials; ids, whole
numbers and years are read by one layer (``core.params``) that ignores "²", 10**30 and the like;
JSON nested past 32 levels is a 400. The sweeps below send every odd value to every query
parameter the API's schema declares and to the parameters the pages read, as each role."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from funds.models import Budget
from households.models import Household, MemberSkill
from tests.security.conftest import basic
from tests.security.openapi import operations

# Values that once reached int(), timedelta() or the database as they were.
ODD = {
    "superscript": "²",
    "arabic_digits": "١٢",
    "fullwidth": "１２",
    "huge": "9" * 30,
    "very_long": "9" * 5000,
    "negative": "-1",
    "float": "1e309",
    "text": "abc",
    "long_text": "长" * 3000,
    "quarter": "2026-Q²",
}
NUL = "a\x00b"

# Query parameters the pages read (request.GET): the page sweep sends each with each odd value.
PAGE_PARAMS = [
    "q", "unit", "year", "page", "state", "kind", "fund", "purpose", "user", "who", "title",
    "required_skills", "preferred_skills", "skill", "member", "household", "posting", "days",
    "within_days", "min_salary", "region", "occupation", "category", "level", "limit", "loan",
    "cohort", "attendee", "target_group", "cause", "no_helper", "overdue_visit", "light_work",
    "for_graduates", "to_verify", "all", "desired_work", "period",
]  # fmt: skip


def _personas(people: Any) -> dict[str, User]:
    return {"admin": people.root, "organizer": people.olga, "helper": people.hana, "worker": people.wang}


def _client(user: User | None) -> Client:
    client = Client(raise_request_exception=False)  # a 500 is reported with the others, not raised
    if user is not None:
        client.force_login(user)
    return client


# --- NUL at the edge ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/me/", "/api/v1/households/", "/api/v1/postings/?q=x"])
def test_nul_in_basic_credentials_is_a_400_without_login(client: Client, db: Any, url: str) -> None:
    import base64

    header = "Basic " + base64.b64encode(b"a\x00b:pw").decode()

    answer = client.get(url, HTTP_AUTHORIZATION=header)

    assert answer.status_code == 400
    assert "NUL" in answer.json()["detail"]


def test_nul_in_basic_credentials_on_the_public_register_endpoint(client: Client, tree: Any) -> None:
    import base64

    header = "Basic " + base64.b64encode(b"a\x00b:pw").decode()
    answer = client.post("/api/v1/employers/register/", {}, content_type="application/json", HTTP_AUTHORIZATION=header)
    assert answer.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/postings/?q=%00",
        "/api/v1/postings/?q%00=1",
        "/jobs/?q=%00",
        "/households/?q=a%00b",
        "/api/v1/households/1%00/",
        "/households/1%00/",
    ],
)
def test_nul_in_the_path_or_the_query_string_is_a_400(people: Any, household_a: Household, url: str) -> None:
    answer = _client(people.olga).get(url)
    assert answer.status_code in (400, 404)  # Django's URL resolver may refuse a NUL path itself
    if "?" in url:
        assert answer.status_code == 400


def test_nul_in_a_form_field_is_a_400_and_nothing_is_written(people: Any, tree: Any) -> None:
    before = Household.objects.count()

    answer = _client(people.olga).post(
        reverse("households:create"),
        {"address": NUL, "region": "150624", "org_unit": tree.station_a.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert answer.status_code == 400
    assert "NUL character" in answer.content.decode()  # refused at the edge, not by the form
    assert Household.objects.count() == before


def test_nul_in_a_json_slug_field_is_a_400_and_nothing_is_written(people: Any, household_a: Household) -> None:
    member = household_a.members.get()
    client = _client(people.hana)

    skill = client.post(
        f"/api/v1/members/{member.pk}/skills/", '{"skill": "a\\u0000b"}', content_type="application/json"
    )
    budget = client.post(
        "/api/v1/budgets/",
        json.dumps({"purpose": NUL, "year": 2026, "amount": "100.00", "org_unit": 1}),
        content_type="application/json",
    )

    assert skill.status_code == 400 and "NUL" in skill.json()["detail"]
    assert budget.status_code == 400 and "NUL" in budget.json()["detail"]
    assert not MemberSkill.objects.filter(member=member).exists()
    assert not Budget.objects.exists()


def test_an_escaped_backslash_before_u0000_is_text_not_nul(people: Any, household_a: Household) -> None:
    """\\\\u0000 in JSON is the six characters "\\u0000": a person may write that."""
    answer = _client(people.hana).post(
        "/api/v1/visits/",
        f'{{"household": {household_a.pk}, "visited_on": "2026-01-05", "summary": "wrote \\\\u0000 on the form"}}',
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["summary"] == "wrote \\u0000 on the form"


def test_nul_in_a_cookie_is_a_400(client: Client, db: Any) -> None:
    client.cookies["sessionid"] = NUL
    assert client.get("/api/v1/me/").status_code == 400


# --- nesting and size ----------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [40, 1000, 100_000])
def test_json_nested_deeply_is_a_400_on_a_write_endpoint(people: Any, household_a: Household, depth: int) -> None:
    body = "[" * depth + "]" * depth
    before = Household.objects.count()

    create = _client(people.olga).post("/api/v1/households/", body, content_type="application/json")
    nested = _client(people.olga).post(
        "/api/v1/households/", '{"address": ' + body + "}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert create.status_code == 400
    assert nested.status_code == 400
    assert "nested" in nested.json()["detail"]
    assert Household.objects.count() == before


def test_every_write_endpoint_refuses_json_nested_1000_deep(people: Any, household_a: Household) -> None:
    """The parser is the API's default; a view with parsers of its own would not have the limit."""
    client = _client(people.root)
    body = "[" * 1000 + "]" * 1000
    failures = []
    for op in operations():
        if not op.has_body or op.method == "GET":
            continue
        url = op.url(**dict.fromkeys(op.path_params, household_a.pk))
        status = client.generic(op.method, url, body, content_type="application/json").status_code
        if status != 400 and status != 404:  # 404: the id names nothing of that kind
            failures.append(f"{op.key} -> {status}")
    assert not failures, "\n".join(failures)


def test_a_body_over_the_size_limit_is_refused_before_it_is_read(people: Any, settings: Any) -> None:
    settings.REQUEST_MAX_BYTES = 1024
    answer = _client(people.olga).post("/api/v1/households/", "x" * 2048, content_type="application/json")
    assert answer.status_code == 413


# --- the sweeps ----------------------------------------------------------------------------------------


def _api_urls() -> list[tuple[str, dict[str, str]]]:
    """Every GET operation of the schema, its path parameters and every query parameter set to one
    odd value at a time (the value goes in as ``{}``)."""
    out = []
    for op in operations():
        if op.method != "GET":
            continue
        path = op.url(**dict.fromkeys(op.path_params, "{}"))
        out.append((path, {name: "{}" for name, _type in op.query}))
    return out


# The sweeps send these (each request carries one value in every parameter at once).
SWEEP = ["superscript", "huge", "very_long", "text", "negative", "quarter"]


@pytest.mark.parametrize("role", ["admin", "organizer", "worker"])
def test_no_api_query_parameter_or_id_answers_500(people: Any, household_a: Household, role: str) -> None:
    client = _client(_personas(people)[role])
    failures = []
    for odd in SWEEP:
        value = ODD[odd]
        for path, query in _api_urls():
            url = path.replace("{}", quote(value, safe=""))
            if query:
                url += "?" + urlencode(dict.fromkeys(query, value))
            status = client.get(url).status_code
            if status >= 500:
                failures.append(f"{role} GET {url[:120]} -> {status}")
    assert not failures, "\n".join(failures)


def test_nul_in_any_api_query_parameter_is_a_400(people: Any) -> None:
    client = _client(people.olga)
    failures = []
    for path, query in _api_urls():
        if "{}" in path or not query:
            continue
        status = client.get(path + "?" + urlencode(dict.fromkeys(query, NUL))).status_code
        if status != 400:
            failures.append(f"GET {path} -> {status}")
    assert not failures, "\n".join(failures)


def _page_urls() -> list[str]:
    """Every page without path parameters (the API, the admin and i18n have their own tests)."""

    def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[str]:
        names = []
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
                names += walk(pattern, prefix + str(pattern.pattern), inner or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.converters:
                route = prefix + str(pattern.pattern)
                if not route.startswith(("api/", "admin/", "i18n/", "accounts/logout")):
                    names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)
        return names

    return [reverse(name) for name in walk(get_resolver())]


@pytest.mark.parametrize("role", ["admin", "organizer", "helper", "worker", "anonymous"])
def test_no_page_parameter_answers_500(people: Any, household_a: Household, role: str) -> None:
    client = _client(_personas(people).get(role))
    failures = []
    for odd in ("superscript", "huge", "very_long", "long_text"):
        query = urlencode(dict.fromkeys(PAGE_PARAMS, ODD[odd]))
        for url in _page_urls():
            status = client.get(f"{url}?{query}").status_code
            if status >= 500:
                failures.append(f"{role} GET {url}?…={odd} -> {status}")
    assert not failures, "\n".join(failures)


def test_the_listed_patterns_answer_4xx(people: Any, household_a: Household) -> None:
    """The instances the outside test named, as it sent them."""
    worker = _client(people.wang)
    organizer = _client(people.olga)
    assert worker.get("/api/v1/postings/?q=%00").status_code == 400
    assert worker.get("/jobs/?q=%00").status_code == 400
    for url in ("/households/?unit=²", "/api/v1/placements/counts/?year=²", "/api/v1/postings/?min_salary=²"):
        assert organizer.get(url).status_code < 500, url
    for days in ("²", "9" * 30):
        assert organizer.get(f"/api/v1/applications/stalled/?days={days}").status_code == 200
        assert organizer.get(f"/api/v1/retention-checks/?within_days={days}").status_code == 200


def test_basic_auth_header_helper_is_what_the_client_sends(people: Any) -> None:
    assert _client(None).get("/api/v1/me/", **basic("olga")).json()["username"] == "olga"
