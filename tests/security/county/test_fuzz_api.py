"""The API fuzzed from its own OpenAPI schema by schemathesis, as anonymous, a worker, an employer,
a helper, an organizer, an auditor and the admin of the seeded county, on PostgreSQL: no answer
may be a server error (schemathesis's ``not_a_server_error`` check).

For every operation and role, schemathesis generates requests that follow the schema (positive)
and requests that break it (negative); ids in paths are drawn from the small numbers that the
seeded rows carry, so that many requests reach a real record. Each request runs in a savepoint
that is rolled back: every one sees the same county. Generation is derandomised: CI sends the same
requests on every run (a new endpoint brings its own). Run more with ``FUZZ_EXAMPLES=50`` (and a
``FUZZ_SEED`` for other requests than CI's); ``FUZZ_ON_SQLITE=1`` runs it on SQLite as well.

Failures are collected, not raised one by one, so a run lists every operation that failed, with
the request that made it fail.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from django.db import connection, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode

from tests.security.county.world import ROLES, County
from tests.security.openapi import schema as openapi_schema

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))  # per operation, role and mode
FUZZ_SEED = os.environ.get("FUZZ_SEED")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql" and not os.environ.get("FUZZ_ON_SQLITE"),
        reason="the API fuzzer runs on PostgreSQL, where the outside test found its 500s (FUZZ_ON_SQLITE=1 to force)",
    ),
]


def _schema() -> Any:
    # Rendered to plain JSON first: the generator's dict holds lazy translations.
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = json.loads(OpenApiJsonRenderer().render(openapi_schema(), renderer_context={}))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.config.update(base_url="http://testserver")
    return loaded


def _send(client: Client, case: Any) -> tuple[schemathesis.Response, float]:
    """Send one generated case through Django's test client and wrap the answer for the checks."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    prepared = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        headers=kwargs.get("headers"),
        params=kwargs.get("params"),
        data=kwargs.get("data"),
        json=kwargs.get("json"),
        files=kwargs.get("files"),
        cookies=kwargs.get("cookies"),
    ).prepare()
    parts = urlsplit(prepared.url or "")
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    extra = {
        f"HTTP_{name.upper().replace('-', '_')}": value
        for name, value in prepared.headers.items()
        if name.lower() not in ("content-type", "content-length", "cookie", "authorization")
    }
    body = prepared.body or b""
    started = time.perf_counter()
    with transaction.atomic():
        answer = client.generic(
            prepared.method or "GET",
            path,
            data=body.encode() if isinstance(body, str) else body,
            content_type=prepared.headers.get("Content-Type", ""),
            **extra,
        )
        transaction.set_rollback(True)
    elapsed = time.perf_counter() - started
    headers = {k.lower(): [v] for k, v in answer.headers.items()}
    content = b"".join(answer.streaming_content) if answer.streaming else answer.content  # type: ignore[attr-defined]
    return schemathesis.Response(answer.status_code, headers, content, prepared, elapsed, True), elapsed


def _strategy(operation: Any, mode: GenerationMode) -> Any:
    strategy = operation.as_strategy(generation_mode=mode)
    names = [p.name for p in operation.path_parameters]
    if not names:
        return strategy

    def with_ids(pair: tuple[Any, list[int]]) -> Any:
        case, numbers = pair
        # Small numbers name real rows of the seeded county (and, for a negative case, the schema
        # generator's own value stays when the parameter is not an id).
        if mode == GenerationMode.POSITIVE:
            for name, number in zip(names, numbers, strict=False):
                case.path_parameters[name] = number
        return case

    return st.tuples(strategy, st.lists(st.integers(1, 40), min_size=len(names), max_size=len(names))).map(with_ids)


@pytest.mark.parametrize("role", ROLES)
def test_no_generated_request_gets_a_server_error(county: County, db: Any, role: str) -> None:
    client = Client(raise_request_exception=False)
    user = county.user(role)
    if user is not None:
        client.force_login(user)
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    for result in _schema().get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=FUZZ_SEED is None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=_strategy(operation, mode))
            def run(case: Any) -> None:
                response, _elapsed = _send(client, case)
                statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=[not_a_server_error])
                except (FailureGroup, AssertionError, Exception) as exc:
                    if response.status_code >= 500:
                        failures.append(f"{role} {case.method} {response.request.url} -> {response.status_code}")
                    elif not isinstance(exc, FailureGroup | AssertionError):
                        raise

            if FUZZ_SEED is not None:
                run = seed(int(FUZZ_SEED))(run)
            run()
    print(f"\n{role}: {sum(statuses.values())} requests, by status {dict(sorted(statuses.items()))}")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(sorted(set(failures))[:200])
