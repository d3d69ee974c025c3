"""The ventures demo on a small county with the demo's unit codes and staff names: ventures at
every stage, all money through the services, and a second run that creates nothing."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from accounts.models import OrgUnit, Role
from funds import ledger, selectors
from funds import services as funds_services
from funds.models import FundSource, LedgerTransaction
from households.models import Member
from tests.factories import HouseholdFactory, MemberFactory, OrgUnitFactory, PairingFactory, UserFactory
from ventures.demo import GOV_FUND, seed_ventures
from ventures.models import Instalment, Loan, OverdueAlert, SubsidyClaim, Venture
from ventures.services import loan_outstanding

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(purposes: None) -> None:
    etk = OrgUnitFactory(name="鄂托克旗总工会", kind=OrgUnit.Kind.FEDERATION, code="ETK")
    org_county = UserFactory(username="org_county", role=Role.ORGANIZER, org_unit=etk)
    for code in ("ETK-WL", "ETK-QP"):
        town = OrgUnitFactory(name=code, kind=OrgUnit.Kind.GRASSROOTS_UNION, parent=etk, code=code)
        station = OrgUnitFactory(name=f"{code}-1", kind=OrgUnit.Kind.STATION, parent=town, code=f"{code}-1")
        UserFactory(username="org_wulan" if code == "ETK-WL" else "org_qpj", role=Role.ORGANIZER, org_unit=town)
        helper = UserFactory(username=f"helper_{code}", role=Role.HELPER, org_unit=station)
        for n in range(10):
            household = HouseholdFactory(org_unit=station)
            user = UserFactory(username="worker_demo", role=Role.WORKER) if code == "ETK-WL" and n == 0 else None
            MemberFactory(household=household, relation=Member.Relation.HEAD, user=user)
            PairingFactory(household=household, helper=helper, helping_unit=station)
    fund = funds_services.fund_source_create(
        by=org_county, name=GOV_FUND, kind=FundSource.Kind.GOVERNMENT, org_unit=etk
    )
    funds_services.contribution_record(source=fund, amount=800_000_00, by=org_county, idempotency_key="demo-in")


def test_the_demo_has_ventures_at_every_stage_with_every_yuan_on_the_ledger(county: Any) -> None:
    assert seed_ventures(verbose=lambda _: None).created == 17
    states = Counter(Venture.objects.values_list("state", flat=True))
    assert set(states) == {"draft", "helper_review", "organizer_review", "upper_review", "refused", "approved"}
    loans = Counter(Loan.objects.values_list("state", flat=True))
    assert set(loans) == {"awaiting_payment", "active", "repaid", "written_off"}
    assert Instalment.objects.filter(state="overdue").exists() and OverdueAlert.objects.exists()
    assert SubsidyClaim.objects.filter(state="paid").count() == 2
    assert Venture.objects.filter(member__user__username="worker_demo", loan__state="active").exists()
    kinds = set(LedgerTransaction.objects.values_list("kind", flat=True))
    assert {"loan", "repayment", "write_off", "grant", "in_kind"} <= kinds
    fund = FundSource.objects.get(name=GOV_FUND)
    line = selectors.fund_line(fund)
    assert line.balanced and line.cash_explained
    union_loans = Loan.objects.filter(kind="interest_free", state="active")
    assert line.receivable == sum(loan_outstanding(loan) for loan in union_loans)
    assert ledger.fund_entries_total(fund) == 0
    assert seed_ventures(verbose=lambda _: None).created == 0
