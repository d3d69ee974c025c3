"""A small fund world on the shared personas (tests/conftest.py).

The county federation's union-budget fund holds ¥500,000; it gives town A a budget of ¥100,000
for the year's entrepreneurship aid. Hana (helper at station A, below town A) asks, Olga (town A)
or Alice (county) approves, and Wang's household at station A is paid.
"""

from __future__ import annotations

import importlib
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from funds import services
from funds.models import Budget, FundSource, LedgerTransaction, PaymentRequest, Purpose
from funds.purposes import ensure_purposes
from households.models import Household, Member
from tests.conftest import People, Tree

YEAR = timezone.localdate().year
PERIOD = f"{YEAR}-Q4"
_keys = itertools.count(1)


def key(label: str = "k") -> str:
    """A fresh idempotency key, as a page or a client would make one per attempt."""
    return f"test-{label}-{next(_keys)}"


def yuan(n: int) -> int:
    return n * 100


@dataclass
class FundWorld:
    fund: FundSource
    budget: Budget  # town A, entrepreneurship, ¥100,000
    purpose: Purpose
    wang: Member


_invariants = importlib.import_module("funds.migrations.0002_ledger_invariants")


def _sqlite_triggers_installed() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'funds_%%'")
        return cursor.fetchone()[0] == len(_invariants.SQLITE)


@pytest.fixture(autouse=True)
def _ledger_triggers(request: Any) -> Any:
    """A transactional test ends with a flush, which on SQLite is ``DELETE FROM`` every table: the
    ledger's append-only triggers refuse it (as they should). After such a test the triggers are
    dropped so that the flush can empty the tables, and every test of this folder puts them back
    first (``CREATE TRIGGER IF NOT EXISTS``). PostgreSQL flushes with TRUNCATE, which fires no
    row triggers, so nothing is done there."""
    if connection.vendor != "sqlite" or "django_db" not in {m.name for m in request.node.iter_markers()}:
        yield
        return
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    if not _sqlite_triggers_installed():
        with connection.cursor() as cursor:
            for statement in _invariants.SQLITE:
                cursor.execute(statement)
    yield
    if transactional:
        with connection.cursor() as cursor:
            for statement in _invariants.SQLITE_DROP:
                cursor.execute(statement)


@pytest.fixture
def purposes(db: Any) -> None:
    ensure_purposes()


@pytest.fixture
def world(purposes: None, tree: Tree, people: People, household_a: Household) -> FundWorld:
    fund = services.fund_source_create(
        by=people.alice, name="旗总工会帮扶资金", kind=FundSource.Kind.UNION_BUDGET, org_unit=tree.county
    )
    services.contribution_record(source=fund, amount=yuan(500_000), by=people.alice, idempotency_key=key("in"))
    purpose = Purpose.objects.get(code="entrepreneurship")
    budget = services.budget_create(
        by=people.alice, source=fund, year=YEAR, org_unit=tree.town_a, purpose=purpose, amount=yuan(100_000)
    )
    return FundWorld(fund=fund, budget=budget, purpose=purpose, wang=household_a.members.get(user=people.wang))


def request_for(world: FundWorld, by: User, amount: int, **kwargs: Any) -> PaymentRequest:
    kwargs.setdefault("payee", world.wang)
    kwargs.setdefault("period", PERIOD)
    return services.payment_request_create(by=by, budget=world.budget, amount=amount, **kwargs)


def approved(world: FundWorld, people: People, amount: int, **kwargs: Any) -> PaymentRequest:
    request = request_for(world, people.hana, amount, **kwargs)
    return services.payment_request_approve(request=request, by=people.alice)


def paid(world: FundWorld, people: People, amount: int, **kwargs: Any) -> LedgerTransaction:
    request = approved(world, people, amount, **kwargs)
    return services.payment_request_pay(request=request, by=people.olga, idempotency_key=key("pay"))
