"""The assessment's test world: the shared tree (county ─ town A ─ station A, town B) with unit codes,
and helpers that put dated records at chosen units.

    county  "C"   Alice organizes, Aude audits
    ├── town_a "TA"   Olga organizes
    │   └── station_a "SA"   Hana helps
    └── town_b "TB"   Bob organizes (A's sibling)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import OrgUnit
from assessment import services
from assessment.models import Scheme, Scorecard, ScoringRule
from households.models import Household
from tests.conftest import People, Tree
from tests.factories import HouseholdFactory
from tests.funds import conftest as funds_fixtures
from tests.ventures import conftest as ventures_fixtures

TODAY = timezone.localdate
CODES = {"county": "C", "town_a": "TA", "station_a": "SA", "town_b": "TB"}


@pytest.fixture
def coded(tree: Tree) -> Tree:
    for name, code in CODES.items():
        unit = getattr(tree, name)
        OrgUnit.objects.filter(pk=unit.pk).update(code=code)
        unit.code = code
    return tree


def households(unit: OrgUnit, n: int = 1, **fields: Any) -> list[Household]:
    return [HouseholdFactory(org_unit=unit, **fields) for _ in range(n)]


def exited(unit: OrgUnit, on: dt.date, n: int = 1, activated: dt.date | None = None) -> list[Household]:
    return households(
        unit,
        n,
        state=Household.State.EXITED,
        activated_on=activated or on - dt.timedelta(days=200),
        exited_on=on,
        next_visit_due=None,
    )


def scheme_for(by: Any, unit: OrgUnit, year: int, lines: list[tuple[str, Any, str, Any]] | None = None) -> Scheme:
    lines = lines or [
        ("households_exited", 60, ScoringRule.LINEAR, 100),
        ("placements", 40, ScoringRule.PASS_FAIL, 100),
    ]
    return services.scheme_save(
        by=by,
        unit=unit,
        year=year,
        title=f"{year} 考核",
        lines=[services.LineInput(code, weight, rule, cap) for code, weight, rule, cap in lines],
    )


def open_card(people: People, tree: Tree, year: int | None = None) -> Scorecard:
    """Town A's scorecard under the county's scheme (opened by Alice)."""
    year = year or TODAY().year
    scheme = scheme_for(people.alice, tree.county, year)
    services.scorecards_open(by=people.alice, scheme=scheme)
    return Scorecard.objects.get(org_unit=tree.town_a, year=year)


def submitted(people: People, tree: Tree, year: int | None = None) -> Scorecard:
    card = open_card(people, tree, year)
    services.scorecard_write(by=people.olga, scorecard=card, self_assessment="完成情况良好")
    return services.scorecard_submit(by=people.olga, scorecard=card)


def d(value: str) -> Decimal:
    return Decimal(value)


# The fund world (and the SQLite ledger triggers) of tests/funds, and the loan products of
# tests/ventures, for this folder too.

_ledger_triggers = funds_fixtures._ledger_triggers
purposes = funds_fixtures.purposes
world = funds_fixtures.world
products = ventures_fixtures.products


def hire(member: Any, start: dt.date, *, employer: Any = None, people: People | None = None, **fields: Any) -> Any:
    """A placement of ``member`` starting on ``start`` (rows made directly: the jobs services have
    their own tests)."""
    from jobs.models import Application, Employer, Placement
    from tests.jobs.conftest import make_employer, make_posting

    if employer is None:
        assert people is not None
        employer = Employer.objects.filter(memberships__user=people.eve).first() or make_employer(
            people.eve, member.household.org_unit, name="鄂托克旗利民煤业有限公司"
        )
    posting = make_posting(employer)
    application = Application.objects.create(posting=posting, member=member, state=Application.State.HIRED)
    return Placement.objects.create(
        application=application,
        member=member,
        employer=employer,
        posting=posting,
        start_date=start,
        monthly_wage=4000,
        **fields,
    )
