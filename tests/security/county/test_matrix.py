"""The role x endpoint x owner matrix (tables in tests/security/matrix/), generated from the URL conf
and the API schema: every page and every API operation that names an object or writes has an
entry, and every entry is sent as every role against another owner's object of the seeded county.

A cell fails when a role outside the entry's ``may`` gets a 2xx (a page: 200), when any request
writes to the database although refused (a redirect that changed something is a write), or when
anything answers 5xx. Each request runs in a savepoint that is rolled back."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security import matrix
from tests.security.county.world import ROLES, County
from tests.security.openapi import operations

# Tables a refused request may still write: the session (a login page, a flash message).
HARMLESS_WRITES = ("django_session",)
_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _page_routes() -> dict[str, bool]:
    """Every named page of the URL conf (not the API, the admin or Django's own), and whether its
    route takes arguments."""

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> dict[str, bool]:
        found: dict[str, bool] = {}
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
                found |= walk(pattern, prefix + str(pattern.pattern), inner or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                route = prefix + str(pattern.pattern)
                if not route.startswith(("api/", "admin/")):
                    found[f"{namespace}:{pattern.name}" if namespace else pattern.name] = bool(
                        pattern.pattern.converters
                    )
        return found

    return walk(get_resolver(), "", "")


def _api_endpoints() -> set[str]:
    return {op.key for op in operations() if op.is_detail or op.is_write}


def test_every_endpoint_has_an_entry_and_every_entry_an_endpoint() -> None:
    entries = matrix.load()
    pages = _page_routes()
    wanted = _api_endpoints() | set(pages)
    missing = sorted(wanted - set(entries))
    stale = sorted(set(entries) - wanted - {op.key for op in operations()})
    assert not missing, (
        "These endpoints have no entry in tests/security/matrix/APP.py (say which roles may use "
        "another owner's object through them; see tests/security/matrix/__init__.py):\n  " + "\n  ".join(missing)
    )
    assert not stale, "These entries name no endpoint (renamed or removed?):\n  " + "\n  ".join(stale)
    for entry in entries.values():
        if entry.is_page and pages[entry.endpoint] and entry.kind is None and entry.args is None:
            pytest.fail(f"{entry.endpoint} takes arguments: name its object's kind or give args")
        if entry.kind is not None and entry.kind not in _kinds():
            pytest.fail(f"{entry.endpoint}: no kind {entry.kind!r} in tests/security/county/kinds.py")


def _kinds() -> set[str]:
    from tests.security.county.kinds import FINDERS

    return set(FINDERS)


# --- sending --------------------------------------------------------------------------------------------


def _path_value(obj: Any, name: str) -> Any:
    return obj.code if name == "code" and hasattr(obj, "code") else obj.pk


def _requests(entry: matrix.Entry, foreign: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(method, url, body) of every request an entry stands for."""
    body = entry.body(foreign) if entry.body is not None else None
    if not entry.is_page:
        method, path = entry.endpoint.split(" ", 1)
        obj = foreign[entry.kind] if entry.kind else None
        url = re.sub(r"{(\w+)}", lambda m: str(_path_value(obj, m.group(1))), path)
        return [(method, url, body if body is not None else ({} if method != "GET" else None))]
    if entry.args is not None:
        url = reverse(entry.endpoint, args=entry.args(foreign))
    elif entry.kind is not None:
        url = reverse(entry.endpoint, args=[foreign[entry.kind].pk])
    else:
        url = reverse(entry.endpoint)
    return [("GET", url, None), ("POST", url, body or {})]


def _send(client: Client, method: str, url: str, body: Any, page: bool) -> tuple[int, list[str]]:
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        if method == "GET":
            answer = client.get(url)
        elif page:
            answer = client.post(url, body or {})
        else:
            answer = client.generic(method, url, json.dumps(body or {}), content_type="application/json")
        transaction.set_rollback(True)
    writes = []
    for query in queries.captured_queries:
        found = _WRITE.match(query["sql"])
        if found and found.group(2) not in HARMLESS_WRITES:
            writes.append(f"{found.group(1).split()[0].upper()} {found.group(2)}")
    return answer.status_code, writes


def _judge(entry: matrix.Entry, role: str, method: str, status: int, writes: list[str]) -> str | None:
    if status >= 500:
        return f"answered {status}"
    if entry.opens is not None:  # a page without an object
        if role in entry.opens:
            return None
        allowed = False
    else:
        allowed = role in entry.may
    if allowed:
        # The table says who may: a read they may make must work (it keeps the table exact).
        if method == "GET" and status >= 400 and status != 405:
            return f"answered {status} to a role the entry allows"
        return None
    if 200 <= status < 300:
        return f"answered {status} to a role outside {sorted(entry.may if entry.opens is None else entry.opens)}"
    if writes:
        return f"answered {status} but wrote: {', '.join(sorted(set(writes)))}"
    return None


def test_the_matrix_sees_a_write_and_a_refusal(county: County, db: Any) -> None:
    """The judge is only as good as what it sees: an allowed write is seen as one, and the same
    request by a role outside ``may`` is a failure when it succeeds."""
    client = Client(raise_request_exception=False)
    client.force_login(county.users["admin"])
    household = county.foreign["household"]
    status, writes = _send(
        client,
        "POST",
        "/api/v1/visits/",
        {"household": household.pk, "visited_on": "2026-01-05", "summary": "x"},
        False,
    )
    entry = matrix.api("POST /api/v1/visits/")
    assert status == 201 and any(w.endswith("households_visit") for w in writes)
    assert _judge(entry, "admin", "POST", status, writes) is None
    assert _judge(entry, "helper", "POST", status, writes) is not None
    assert _judge(entry, "helper", "POST", 302, writes) is not None  # refused in words, written all the same


@pytest.mark.parametrize("role", ROLES)
def test_no_role_reaches_another_owners_objects(county: County, db: Any, role: str) -> None:
    client = Client(raise_request_exception=False)
    user = county.user(role)
    if user is not None:
        client.force_login(user)
    # Restored before each request: a logout (or a new session) must not stick to the next one.
    signed_in = {name: morsel.value for name, morsel in client.cookies.items()}
    failures = []
    for entry in matrix.load().values():
        for method, url, body in _requests(entry, county.foreign):
            client.cookies.clear()
            for name, value in signed_in.items():
                client.cookies[name] = value
            status, writes = _send(client, method, url, body, entry.is_page)
            problem = _judge(entry, role, method, status, writes)
            if problem:
                where = entry.endpoint if entry.is_page else entry.endpoint.split(" ", 1)[1]
                failures.append(f"{role:<9} {method:<6} {where} ({url}): {problem}")
    assert not failures, f"{len(failures)} cells fail:\n" + "\n".join(failures)
