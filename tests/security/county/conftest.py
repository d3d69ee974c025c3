"""A seeded county for the sweeps of this folder (the API fuzzer and the role x endpoint x owner
matrix): the demo's union tree, households, companies, postings, applications, funds, training and
fairs (``web.demo.seed`` with 30 households), a login for each role, and one object of every kind
that belongs to someone none of those logins may reach (``tests.security.county.world``).

Seeding takes seconds, so it is done once for the folder, inside a transaction that is rolled back
when the folder is done; each test runs inside it as usual (a savepoint), and each request the
sweeps send runs in a savepoint of its own that is rolled back, so every request sees the same
county."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from tests.security.county.world import County, build_county


@pytest.fixture(scope="package")
def county(django_db_setup: Any, django_db_blocker: Any) -> Iterator[County]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_county()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
