"""创业援助: schedules, the whole service path of a union loan, and the organizers' reads over a
county's loans.

    python benchmarks/bench_ventures.py [--loans 5000] [--journeys 200] [--requests 30]

Prints: schedules built per second (pure arithmetic, zero-rate and annuity); the time of one
venture from application to its first repayment through the services (apply, two reviews, the
payment request, its approval, the payout with its schedule, a repayment: every yuan through
``funds.services``); then, over ``--loans`` loans with 12-24 instalments each, the portfolio and
overdue pages for the county organizer (p50/p95 server time, SQL queries per page, which should
not grow with the number of loans) and the ``ventures.mark_overdue`` task (first and repeated run).
On the embedded default unless BENCH_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

from _setup import percentile, start


def bench_schedules(n: int = 20_000) -> None:
    from ventures import schedule

    rng = random.Random(3)
    cases = [
        (rng.randrange(1_000_00, 300_000_00), rng.choice([0, 0, 435, 600]), rng.choice([12, 24, 36]), rng.randrange(4))
        for _ in range(n)
    ]
    started = time.perf_counter()
    for principal, rate, term, grace in cases:
        lines = schedule.build(principal=principal, annual_rate_bp=rate, term=term, grace=grace, start=dt.date.today())
        assert sum(line.principal for line in lines) == principal
    seconds = time.perf_counter() - started
    print(f"schedules: {n:,} built and checked in {seconds:.2f} s ({n / seconds:,.0f} per second)")


def world() -> dict:
    from accounts.models import OrgUnit, Role, User
    from funds import services as funds_services
    from funds.models import FundSource, Purpose
    from funds.purposes import ensure_purposes
    from ventures import services
    from ventures.models import LoanProduct

    ensure_purposes()
    county = OrgUnit.objects.create(name="鄂托克旗总工会", kind=OrgUnit.Kind.FEDERATION, code="ETK")
    towns = [
        OrgUnit.objects.create(name=f"镇工会{i}", kind=OrgUnit.Kind.GRASSROOTS_UNION, parent=county) for i in range(6)
    ]
    stations = [
        OrgUnit.objects.create(name=f"帮扶站{i}", kind=OrgUnit.Kind.STATION, parent=towns[i % 6]) for i in range(24)
    ]
    alice = User.objects.create(username="county", role=Role.ORGANIZER, org_unit=county)
    olga = User.objects.create(username="town0", role=Role.ORGANIZER, org_unit=towns[0])
    hana = User.objects.create(username="helper0", role=Role.HELPER, org_unit=stations[0])
    fund = funds_services.fund_source_create(
        by=alice, name="帮扶资金", kind=FundSource.Kind.UNION_BUDGET, org_unit=county
    )
    funds_services.contribution_record(source=fund, amount=100_000_000_00, by=alice, idempotency_key="bench-in")
    budget = funds_services.budget_create(
        by=alice,
        source=fund,
        year=dt.date.today().year,
        org_unit=county,
        purpose=Purpose.objects.get(code="entrepreneurship"),
        amount=50_000_000_00,
    )
    product = services.product_create(
        by=alice,
        data=services.ProductInput("无息贷款", LoanProduct.Kind.INTEREST_FREE, 50_000_00, 20_000_00, term_months=12),
    )
    bank = services.product_create(
        by=alice,
        data=services.ProductInput(
            "贴息贷款", LoanProduct.Kind.SUBSIDISED, 300_000_00, 100_000_00, 24, 3, 435, 10_000, 3_000_00
        ),
    )
    return {
        "county": county,
        "stations": stations,
        "alice": alice,
        "olga": olga,
        "hana": hana,
        "budget": budget,
        "product": product,
        "bank": bank,
    }


def household(station: object, n: int, helper: object = None) -> object:
    from core import crypto
    from households.id_numbers import make_id_number
    from households.models import Household, Member, Pairing

    home = Household.objects.create(
        number=f"150624-2026-{n:07d}", org_unit=station, region_id="150624", address="乌兰镇", state="active"
    )
    birth = dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28)
    number = make_id_number("150624", birth, n % 1000)
    member = Member.objects.create(
        household=home,
        name=f"户主{n}",
        relation=Member.Relation.HEAD,
        id_number=number,
        id_number_hash=crypto.keyed_hash(f"{number}:{n}"),
        sex="M",
        birth_date=birth,
    )
    if helper is not None:
        Pairing.objects.create(household=home, helper=helper, helping_unit=station)
    return member


def bench_journeys(w: dict, journeys: int) -> None:
    from funds import ledger
    from funds import services as funds_services
    from ventures import services

    times = []
    for n in range(journeys):
        member = household(w["stations"][0], 900_000 + n, w["hana"])
        started = time.perf_counter()
        venture = services.venture_create(
            by=w["hana"],
            member=member,
            product=w["product"],
            submit=True,
            data=services.VentureInput("小店", "早餐", "乌兰镇", 30_000_00, 12_000_00, 8_000_00, 5_000_00, 1),
        )
        venture = services.venture_review(venture=venture, by=w["hana"], approve=True)
        venture = services.venture_review(venture=venture, by=w["olga"], approve=True)
        loan = services.loan_open(venture=venture, by=w["olga"], budget=w["budget"])
        funds_services.payment_request_approve(request=loan.payment_request, by=w["alice"])
        loan = services.loan_disburse(loan=loan, by=w["olga"], idempotency_key=f"bench-pay-{n}")
        services.loan_repay(loan=loan, by=w["hana"], amount=1_000_00, idempotency_key=f"bench-repay-{n}")
        times.append((time.perf_counter() - started) * 1000)
    assert ledger.budget_used(w["budget"]) == journeys * 12_000_00
    print(
        f"journey (apply → 2 reviews → request → approve → payout + schedule → repayment): {journeys} ventures, "
        f"p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms each"
    )


def fill_loans(w: dict, loans: int) -> None:
    """Bank loans in bulk (a union loan's payout is measured above, through the services)."""
    from django.db import transaction

    from ventures import schedule
    from ventures.models import Instalment, Loan, Repayment, Venture

    rng = random.Random(11)
    today = dt.date.today()
    with transaction.atomic():
        members = [household(w["stations"][n % 24], n) for n in range(loans)]
        ventures = Venture.objects.bulk_create(
            [
                Venture(
                    member=m,
                    org_unit=w["stations"][n % 24],
                    product=w["bank"],
                    business_name=f"项目{n}",
                    business="经营",
                    address="乌兰镇",
                    total_cost=200_000_00,
                    amount=rng.randrange(20_000, 150_000) * 100,
                    state=Venture.State.APPROVED,
                    created_by=w["alice"],
                )
                for n, m in enumerate(members)
            ],
            batch_size=2000,
        )
        loan_rows = Loan.objects.bulk_create(
            [
                Loan(
                    venture=v,
                    kind="subsidised",
                    principal=v.amount,
                    annual_rate_bp=435,
                    term_months=24,
                    grace_months=0,
                    bank_name="农商银行",
                    disbursed_on=schedule.add_months(today, -rng.randrange(1, 20)),
                    state=Loan.State.ACTIVE,
                    created_by=w["alice"],
                )
                for v in ventures
            ],
            batch_size=2000,
        )
        instalments, repayments = [], []
        for n, loan in enumerate(loan_rows):
            assert loan.disbursed_on is not None
            lines = schedule.build(
                principal=loan.principal, annual_rate_bp=435, term=24, grace=0, start=loan.disbursed_on
            )
            paid_up_to = sum(1 for line in lines if line.due_on < today) - (1 if n % 7 == 0 else 0)
            for line in lines:
                paid = line.amount if line.number <= paid_up_to else 0
                instalments.append(
                    Instalment(
                        loan=loan,
                        number=line.number,
                        due_on=line.due_on,
                        principal=line.principal,
                        interest=line.interest,
                        amount=line.amount,
                        paid=paid,
                        state="paid" if paid else "due",
                    )
                )
            done = sum(line.amount for line in lines[: max(paid_up_to, 0)])
            if done:
                repayments.append(
                    Repayment(loan=loan, amount=done, paid_on=today, idempotency_key=f"b{n}", recorded_by=w["alice"])
                )
        Instalment.objects.bulk_create(instalments, batch_size=5000)
        Repayment.objects.bulk_create(repayments, batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loans", type=int, default=5_000)
    parser.add_argument("--journeys", type=int, default=200)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    bench_schedules()
    start()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.maintenance import analyze_database
    from ventures import services
    from ventures.models import Instalment

    w = world()
    bench_journeys(w, args.journeys)
    started = time.perf_counter()
    fill_loans(w, args.loans)
    analyze_database()
    rows = Instalment.objects.count()
    took = time.perf_counter() - started
    print(f"filled {args.loans:,} loans, {rows:,} instalments in {took:.0f} s ({connection.vendor})")

    started = time.perf_counter()
    alerts = services.mark_overdue()
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = services.mark_overdue()
    second = time.perf_counter() - started
    print(f"mark_overdue: {alerts:,} alerts in {first:.2f} s; repeated run {again} alerts in {second:.2f} s")

    client = Client()
    client.force_login(w["alice"])
    print(f"{'page':<22} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    pages = [
        ("portfolio", "/ventures/portfolio/"),
        ("overdue (page 1)", "/ventures/overdue/"),
        ("overdue (page 20)", "/ventures/overdue/?page=20"),
        ("all ventures", "/ventures/all/"),
    ]
    for name, url in pages:
        client.get(url)
        times, queries = [], set()
        for _ in range(args.requests):
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.status_code
            queries.add(len(captured.captured_queries))
        print(
            f"{name:<22} {statistics.median(times):>8.1f} {percentile(times, 0.95):>8.1f} "
            f"{'/'.join(map(str, sorted(queries))):>8}"
        )


if __name__ == "__main__":
    main()
