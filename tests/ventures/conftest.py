"""A small ventures world on the shared personas (tests/conftest.py) and the fund world of
tests/funds/conftest.py: the county's union fund gives town A ¥100,000 for entrepreneurship aid.

Wang (a worker at station A, paired with Hana) applies; Hana (his helper) reviews first, Olga
(town A's organizer) second, Alice (the county, the unit above) third when the amount is above
the product's threshold. Olga asks for the loan's payment; Alice approves it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import People
from tests.funds import conftest as funds_fixtures
from tests.funds.conftest import FundWorld, key, yuan
from ventures import services
from ventures.models import Loan, LoanProduct, Venture
from ventures.services import ProductInput, VentureInput

# The fund world and the SQLite ledger triggers of tests/funds, for this folder too.
_ledger_triggers = funds_fixtures._ledger_triggers
purposes = funds_fixtures.purposes
world = funds_fixtures.world


@pytest.fixture
def products(db: Any, people: People) -> dict[str, LoanProduct]:
    by = people.alice
    return {
        "free": services.product_create(
            by=by,
            data=ProductInput(
                name="工会无息创业贷款",
                kind=LoanProduct.Kind.INTEREST_FREE,
                cap=yuan(50_000),
                review_threshold=yuan(20_000),
                term_months=12,
                grace_months=0,
            ),
        ),
        "bank": services.product_create(
            by=by,
            data=ProductInput(
                name="创业担保贴息贷款",
                kind=LoanProduct.Kind.SUBSIDISED,
                cap=yuan(200_000),
                review_threshold=yuan(100_000),
                term_months=24,
                grace_months=3,
                annual_rate_bp=435,
                subsidy_share_bp=5_000,
                subsidy_cap=yuan(2_000),
            ),
        ),
        "goods": services.product_create(
            by=by,
            data=ProductInput(
                name="生产资料扶持", kind=LoanProduct.Kind.IN_KIND, cap=yuan(20_000), review_threshold=yuan(10_000)
            ),
        ),
    }


def venture_input(amount: int = yuan(10_000), **kwargs: Any) -> VentureInput:
    values: dict[str, Any] = {
        "business_name": "王记牛肉面",
        "business": "牛肉面馆, 早餐和午餐",
        "address": "乌兰镇新华街 12 号",
        "total_cost": max(amount * 2, yuan(30_000)),
        "own_funds": yuan(8_000),
        "amount": amount,
        "expected_monthly_income": yuan(6_000),
        "jobs_expected": 2,
    }
    values.update(kwargs)
    return VentureInput(**values)


def applied(world: FundWorld, people: People, product: LoanProduct, amount: int = yuan(10_000)) -> Venture:
    return services.venture_create(
        by=people.wang, member=world.wang, product=product, data=venture_input(amount), submit=True
    )


def approved_venture(world: FundWorld, people: People, product: LoanProduct, amount: int = yuan(10_000)) -> Venture:
    venture = applied(world, people, product, amount)
    venture = services.venture_review(venture=venture, by=people.hana, approve=True)
    venture = services.venture_review(venture=venture, by=people.olga, approve=True)
    if venture.state == Venture.State.UPPER_REVIEW:
        venture = services.venture_review(venture=venture, by=people.alice, approve=True)
    return venture


def disbursed(world: FundWorld, people: People, product: LoanProduct, amount: int = yuan(12_000)) -> Loan:
    """A union loan approved, its payment approved by Alice and paid out by Olga."""
    from funds import services as funds_services

    venture = approved_venture(world, people, product, amount)
    loan = services.loan_open(venture=venture, by=people.olga, budget=world.budget)
    assert loan.payment_request is not None
    funds_services.payment_request_approve(request=loan.payment_request, by=people.alice)
    return services.loan_disburse(loan=loan, by=people.olga, idempotency_key=key("disburse"))


def bank_loan(world: FundWorld, people: People, product: LoanProduct, amount: int = yuan(60_000)) -> Loan:
    venture = approved_venture(world, people, product, amount)
    return services.loan_open(
        venture=venture,
        by=people.olga,
        bank_name="鄂托克农商银行",
        disbursed_on=timezone.localdate() - dt.timedelta(days=100),
    )
