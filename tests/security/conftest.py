"""Fixtures of the security tests: companies in each state of verification, a consenting worker
an employer could find, and the Basic-auth header the API tests send."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from accounts.models import Role, User
from households.models import Household, Member
from jobs.models import Employer
from tests.factories import HouseholdFactory, MemberFactory, UserFactory
from tests.jobs.conftest import make_employer


def basic(username: str, password: str = "pass-word-123") -> dict[str, str]:
    """The header of HTTP Basic authentication (the test client passes it as HTTP_AUTHORIZATION)."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def seeker(tree: Any) -> Member:
    """A worker of station A who agreed to be found by employers."""
    household = HouseholdFactory(org_unit=tree.station_a, state=Household.State.ACTIVE)
    return MemberFactory(household=household, name="高娜仁", consent_to_be_found=True)


@pytest.fixture
def pending_user(db: Any) -> User:
    return UserFactory(username="pat", role=Role.EMPLOYER, full_name="帕特")


@pytest.fixture
def pending_company(tree: Any, pending_user: User) -> Employer:
    """A company that registered itself and waits for the union's check."""
    return make_employer(pending_user, tree.county, name="待审核贸易有限公司", status=Employer.Status.PENDING)
