"""Demo data for the fund ledger: the county's five kinds of fund with the money put in, this
year's budgets for its towns and purposes, and a plausible year of payments made through the
services (so every rule holds): festival warmth, student aid, medical relief, interest-free
venture loans with their first repayments, support in kind bought from a supplier, a payment
posted twice and reversed, and a few requests still waiting for approval or for payment.

Needs the demo's units, staff and archive (``web.demo.seed``); skipped when the county's union
fund already exists. Written only through ``funds.services``: the demo is a test of the rules too.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import OrgUnit, Role, User
from core.errors import Conflict
from funds import services
from funds.approval import within_limit
from funds.models import AnomalyFlag, Budget, FundSource, LedgerTransaction, PaymentRequest, Purpose
from funds.purposes import ensure_purposes
from households.models import Household, Member

COUNTY_FUND = "旗总工会帮扶专项资金"

# name, kind, managing unit, money put in (yuan), what the money in is
FUNDS = [
    (COUNTY_FUND, FundSource.Kind.UNION_BUDGET, "ETK", 1_200_000, "年度工会经费划拨"),
    ("市财政困难职工帮扶资金", FundSource.Kind.GOVERNMENT, "ETK", 800_000, "市财政专项拨款"),
    ("能源化工企业送温暖基金", FundSource.Kind.ENTERPRISE_WARMTH, "ETK-EN", 300_000, "园区企业捐赠"),
    ("乌兰镇爱心捐赠", FundSource.Kind.DONATION, "ETK-WL", 50_000, "社会爱心人士捐款"),
    ("金秋助学众筹", FundSource.Kind.CROWDFUNDING, "ETK", 60_000, "网络众筹"),
]
# fund, unit, purpose, amount (yuan): this year's budgets
BUDGETS = [
    (COUNTY_FUND, "ETK-WL", "warmth", 120_000),
    (COUNTY_FUND, "ETK-QP", "warmth", 110_000),
    (COUNTY_FUND, "ETK-MX", "warmth", 80_000),
    (COUNTY_FUND, "ETK-MK", "warmth", 40_000),
    (COUNTY_FUND, "ETK-SM", "warmth", 30_000),
    (COUNTY_FUND, "ETK-AB", "warmth", 30_000),
    (COUNTY_FUND, "ETK-WL", "entrepreneurship", 200_000),
    (COUNTY_FUND, "ETK-QP", "entrepreneurship", 150_000),
    ("市财政困难职工帮扶资金", "ETK", "medical", 300_000),
    ("市财政困难职工帮扶资金", "ETK", "assistance", 200_000),
    ("能源化工企业送温暖基金", "ETK-EN", "warmth", 120_000),
    ("乌兰镇爱心捐赠", "ETK-WL-1", "assistance", 30_000),
    ("金秋助学众筹", "ETK", "student_aid", 50_000),
]
# purpose, period suffix, amounts to choose from (yuan), how many payments, kind
PAYMENTS = [
    ("warmth", "01", [500, 800, 1_000, 1_500], 40, PaymentRequest.Kind.GRANT),  # Spring Festival
    ("student_aid", "08", [2_000, 3_000, 5_000], 12, PaymentRequest.Kind.GRANT),  # golden autumn
    ("medical", "Q2", [3_000, 5_000, 8_000, 12_000], 10, PaymentRequest.Kind.GRANT),
    ("assistance", "Q3", [600, 1_000, 2_000], 12, PaymentRequest.Kind.GRANT),
    ("entrepreneurship", "Q2", [20_000, 30_000, 50_000], 6, PaymentRequest.Kind.LOAN),
]


@dataclass
class FundsDemoResult:
    created: bool
    funds: int = 0
    budgets: int = 0
    transactions: int = 0
    flags: int = 0
    waiting: int = 0


def _result(created: bool) -> FundsDemoResult:
    return FundsDemoResult(
        created=created,
        funds=FundSource.objects.count(),
        budgets=Budget.objects.count(),
        transactions=LedgerTransaction.objects.count(),
        flags=AnomalyFlag.objects.count(),
        waiting=PaymentRequest.objects.filter(state=PaymentRequest.State.REQUESTED).count(),
    )


class _Staff:
    """Who asks, approves and pays for a unit: a helper of a station below it, an organizer of the
    unit (or the nearest unit above with one) within the limit, the county above that."""

    def __init__(self) -> None:
        self.organizers = {u.org_unit_id: u for u in User.objects.filter(role=Role.ORGANIZER, org_unit__isnull=False)}
        self.helpers: dict[int, list[User]] = {}
        for helper in User.objects.filter(role=Role.HELPER, org_unit__isnull=False).order_by("username"):
            self.helpers.setdefault(helper.org_unit_id, []).append(helper)  # type: ignore[arg-type]
        self.county = User.objects.get(username="org_county")

    def helper(self, unit: OrgUnit, rng: random.Random) -> User:
        for candidate in [unit, *reversed(list(unit.ancestors()))]:
            if self.helpers.get(candidate.pk):
                return rng.choice(self.helpers[candidate.pk])
        return self.county

    def approver(self, unit: OrgUnit, amount: int, requester: User) -> User | None:
        """The nearest organizer above whose limit covers the amount; never the requester."""
        for candidate in [unit, *reversed(list(unit.ancestors()))]:
            organizer = self.organizers.get(candidate.pk)
            if organizer is not None and organizer != requester and within_limit(organizer, amount):
                return organizer
        return None


def _members_under(unit: OrgUnit) -> list[Member]:
    return list(
        Member.objects.filter(
            household__org_unit__path__startswith=unit.path,
            household__state=Household.State.ACTIVE,
            relation=Member.Relation.HEAD,
            is_current=True,
        )
        .select_related("household__org_unit")
        .order_by("pk")[:400]
    )


def _key(label: str) -> str:
    return f"demo:{label}"


@transaction.atomic
def seed_funds(*, seed_value: int = 2028, verbose: Callable[[str], None] = print) -> FundsDemoResult:
    if FundSource.objects.filter(name=COUNTY_FUND, org_unit__code="ETK").exists():
        return _result(False)
    units = {u.code: u for u in OrgUnit.objects.filter(code__startswith="ETK") if u.code}
    if "ETK" not in units or not User.objects.filter(username="org_county").exists():
        verbose("funds: the demo's units and staff are missing; run the archive demo first.")
        return _result(False)
    ensure_purposes()
    rng = random.Random(seed_value)
    year = timezone.localdate().year
    staff = _Staff()
    purposes = {p.code: p for p in Purpose.objects.all()}

    funds: dict[str, FundSource] = {}
    for name, kind, unit_code, money_in, memo in FUNDS:
        unit = units[unit_code]
        manager = staff.organizers.get(unit.pk, staff.county)
        fund = services.fund_source_create(by=manager, name=name, kind=kind, org_unit=unit)
        services.contribution_record(
            source=fund,
            amount=money_in * 100,
            by=manager,
            idempotency_key=_key(f"in:{name}"),
            memo=memo,
            period=str(year),
        )
        funds[name] = fund
    budgets: dict[str, list[Budget]] = {}
    for fund_name, unit_code, purpose_code, amount in BUDGETS:
        fund = funds[fund_name]
        budget = services.budget_create(
            by=staff.organizers.get(fund.org_unit_id, staff.county),
            source=fund,
            year=year,
            org_unit=units[unit_code],
            purpose=purposes[purpose_code],
            amount=amount * 100,
        )
        budgets.setdefault(purpose_code, []).append(budget)

    paid: list[tuple[LedgerTransaction, PaymentRequest]] = []
    n = 0
    for purpose_code, suffix, amounts, count, payment_kind in PAYMENTS:
        for _ in range(count):
            budget = rng.choice(budgets[purpose_code])
            members = _members_under(budget.org_unit)
            if not members:
                continue
            member = rng.choice(members)
            amount = rng.choice(amounts)
            requester = staff.helper(member.household.org_unit, rng)
            try:
                request = services.payment_request_create(
                    by=requester,
                    budget=budget,
                    amount=amount * 100,
                    period=f"{year}-{suffix}",
                    payee=member,
                    kind=payment_kind,
                    memo={"warmth": "春节送温暖", "student_aid": "金秋助学", "loan": "创业无息贷款"}.get(
                        purpose_code if payment_kind != PaymentRequest.Kind.LOAN else "loan", ""
                    ),
                )
            except Conflict:
                continue  # this budget is spent: as in life, the request is not made
            approver = staff.approver(request.org_unit, request.amount, requester)
            if approver is None:
                continue
            services.payment_request_approve(request=request, by=approver)
            n += 1
            txn = services.payment_request_pay(request=request, by=staff.county, idempotency_key=_key(f"pay:{n}"))
            paid.append((txn, request))

    # Venture loans: first repayments.
    for txn, _request in [p for p in paid if p[0].kind == LedgerTransaction.Kind.LOAN][:4]:
        assert txn.payee is not None
        services.repayment_record(
            source=txn.source,
            payee=txn.payee,
            purpose=purposes["entrepreneurship"],
            amount=rng.choice([2_000, 5_000]) * 100,
            by=staff.county,
            idempotency_key=_key(f"repay:{txn.pk}"),
            period=f"{year}-Q4",
            memo="按期还款",
        )

    # A warmth payment entered twice: flagged as a duplicate, then reversed.
    _first, first_request = next(p for p in paid if p[0].kind == LedgerTransaction.Kind.GRANT)
    assert first_request.payee is not None
    twice = services.payment_request_create(
        by=first_request.requested_by,
        budget=first_request.budget,
        amount=first_request.amount,
        period=first_request.period,
        payee=first_request.payee,
        memo=first_request.memo,
    )
    services.payment_request_approve(request=twice, by=staff.county)
    duplicate = services.payment_request_pay(request=twice, by=staff.county, idempotency_key=_key("pay:twice"))
    services.transaction_reverse(txn=duplicate, by=staff.county, reason="重复录入, 冲正")

    # Support in kind bought from a supplier outside the archive: flagged for the auditor.
    loans = budgets["entrepreneurship"][0]
    station = units.get("ETK-WL-1", loans.org_unit)
    in_kind = services.payment_request_create(
        by=staff.helper(station, rng),
        budget=loans,
        amount=8_600 * 100,
        period=f"{year}-Q3",
        payee_name="鄂托克旗农牧机械销售部",
        kind=PaymentRequest.Kind.IN_KIND,
        org_unit=station,
        memo="创业扶持: 购置饲草粉碎机一台",
    )
    services.payment_request_approve(request=in_kind, by=staff.county)
    services.payment_request_pay(request=in_kind, by=staff.county, idempotency_key=_key("pay:in-kind"))

    # The queue: two requests waiting for a checker, one approved and not paid yet.
    for budget in budgets["warmth"][:3]:
        members = _members_under(budget.org_unit)
        if members:
            member = rng.choice(members)
            request = services.payment_request_create(
                by=staff.helper(member.household.org_unit, rng),
                budget=budget,
                amount=rng.choice([800, 1_000]) * 100,
                period=f"{year}-12",
                payee=member,
                memo="冬季送温暖",
            )
    services.payment_request_approve(request=request, by=staff.county)

    result = _result(True)
    verbose(
        f"funds: {result.funds} funds, {result.budgets} budgets, {result.transactions} postings, "
        f"{result.flags} flags, {result.waiting} requests waiting for approval"
    )
    return result
