"""Shared fixtures: a small union tree and named personas for permission tests.

    county (旗总工会)
    ├── town_a (乌兰镇工会)      ── station_a (乌兰镇帮扶站)
    └── town_b (棋盘井镇工会)

Alice organizes the county, Olga organizes town A, Bob organizes town B (A's sibling), Hana helps
at station A, Aude audits the county, Wang is a worker in a town-A household, Eve an employer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import translation
from pytest_django.plugin import blocking_manager_key

from accounts.models import OrgUnit, Role, User
from households.models import Household, Member
from tests.factories import HouseholdFactory, MemberFactory, OrgUnitFactory, PairingFactory, UserFactory
from web.reference import ensure_reference_data

# Playwright's sync API runs an event loop in the test thread; Django's ORM then refuses to run
# unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: Any) -> None:
    # Connections made by other threads (the live server, an in-process Celery worker) must not
    # outlive their work, or PostgreSQL refuses to drop the test database at the end of the run.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Login-failure counters live in the cache; each test starts with none."""
    cache.clear()


@pytest.fixture(autouse=True)
def _celery_joins_allowed() -> Any:
    """A Celery worker started inside the test process (``celery.contrib.testing.worker``) marks the
    process as a worker's, where ``result.get()`` is refused, and may leave that mark behind; each
    test starts and ends as the ordinary process it is."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield
    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _no_cached_market() -> Any:
    """The process's cached matching market holds rows of the database it was built from; each test's
    rows are rolled back after it, change log included, so no market outlives its test (one taking in
    the few rows a later test changed would keep the rolled-back ones)."""
    from matching import services

    services.forget_market()
    yield
    services.forget_market()


@pytest.fixture(autouse=True)
def _english_messages() -> Any:
    """Service messages are asserted in English; pages pick their language per request anyway."""
    with translation.override("en"):
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Any:
    """A transactional test (live server, real Celery worker, concurrency) ends with a flush that
    empties every table, including the reference data the migrations loaded. Reload it once that
    flush is done, so the tests that follow find regions, occupations and skills as on a real
    database. (Serialized rollback cannot do this reliably: under Playwright the test thread runs
    in another async context with another connection, which holds no serialized copy.)"""
    yield
    if nextitem is None:
        return  # the session's teardown has dropped the test database already
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    if (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & names:
        with item.config.stash[blocking_manager_key].unblock():
            ensure_reference_data()
            # Under Playwright this ran on a connection of another async context; close it now.
            connections.close_all()


@dataclass
class Tree:
    county: OrgUnit
    town_a: OrgUnit
    station_a: OrgUnit
    town_b: OrgUnit


@dataclass
class People:
    alice: User  # county organizer
    olga: User  # town A organizer
    bob: User  # town B organizer (sibling of A)
    hana: User  # helper at station A
    aude: User  # county auditor
    wang: User  # worker, head of a household in station A
    eve: User  # employer
    root: User  # administrator


@pytest.fixture
def tree(db: Any) -> Tree:
    county = OrgUnitFactory(name="鄂托克旗总工会", kind=OrgUnit.Kind.FEDERATION)
    town_a = OrgUnitFactory(name="乌兰镇工会", kind=OrgUnit.Kind.GRASSROOTS_UNION, parent=county)
    station_a = OrgUnitFactory(name="乌兰镇帮扶站", kind=OrgUnit.Kind.STATION, parent=town_a)
    town_b = OrgUnitFactory(name="棋盘井镇工会", kind=OrgUnit.Kind.GRASSROOTS_UNION, parent=county)
    return Tree(county=county, town_a=town_a, station_a=station_a, town_b=town_b)


@pytest.fixture
def people(tree: Tree) -> People:
    return People(
        alice=UserFactory(username="alice", role=Role.ORGANIZER, org_unit=tree.county, full_name="阿丽"),
        olga=UserFactory(username="olga", role=Role.ORGANIZER, org_unit=tree.town_a, full_name="奥尔嘉"),
        bob=UserFactory(username="bob", role=Role.ORGANIZER, org_unit=tree.town_b, full_name="宝音"),
        hana=UserFactory(username="hana", role=Role.HELPER, org_unit=tree.station_a, full_name="哈娜"),
        aude=UserFactory(username="aude", role=Role.AUDITOR, org_unit=tree.county, full_name="奥德"),
        wang=UserFactory(username="wang", role=Role.WORKER, phone="13847700001", full_name="王强"),
        eve=UserFactory(username="eve", role=Role.EMPLOYER, full_name="伊娃"),
        root=UserFactory(username="root", role=Role.ADMIN, is_superuser=True, is_staff=True),
    )


@pytest.fixture
def household_a(tree: Tree, people: People) -> Household:
    """An active household of station A, headed by Wang, paired with Hana."""
    household = HouseholdFactory(org_unit=tree.station_a)
    MemberFactory(household=household, name="王强", relation=Member.Relation.HEAD, user=people.wang)
    PairingFactory(household=household, helper=people.hana, helping_unit=tree.station_a)
    return household


@pytest.fixture
def household_b(tree: Tree) -> Household:
    household = HouseholdFactory(org_unit=tree.town_b)
    MemberFactory(household=household, name="李梅", relation=Member.Relation.HEAD)
    return household


@pytest.fixture
def eager_tasks() -> Any:
    """Run Celery tasks in-process for a test about what a task does (not about the broker: the
    real round trip through Redis has its own test in tests/households/test_import.py)."""
    from web.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def broker_configured() -> bool:
    return not settings.CELERY_TASK_ALWAYS_EAGER
