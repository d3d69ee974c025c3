"""送温暖's need ranking over 100,000 households, and the household page's relief list.

    python benchmarks/bench_relief.py [--households 100000] [--runs 5]

Targets (issue 13): the warmth candidate ranking for 100,000 households under 2 s (the county
organizer's campaign: every active household of the county scored, the yearly cap applied, the
budget's reach marked), and the household page's "received" list in a constant number of queries
whatever the household received. Runs on the embedded default unless BENCH_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time

from _setup import start


def fill(households: int) -> None:
    from django.db import transaction

    from accounts.models import OrgUnit, Role, User
    from core import crypto
    from funds.models import Budget, FundSource, Purpose
    from households.id_numbers import make_id_number
    from households.models import HardshipCause, Household, Member
    from relief.models import DibaoLine
    from relief.warmth.models import Campaign

    rng = random.Random(13)
    county = OrgUnit.objects.create(name="鄂托克旗总工会", kind=OrgUnit.Kind.FEDERATION, code="ETK")
    towns = [
        OrgUnit.objects.create(name=f"镇工会{i}", kind=OrgUnit.Kind.GRASSROOTS_UNION, parent=county) for i in range(6)
    ]
    stations = [
        OrgUnit.objects.create(name=f"帮扶站{i}", kind=OrgUnit.Kind.STATION, parent=towns[i % 6]) for i in range(24)
    ]
    organizer = User.objects.create(username="county", role=Role.ORGANIZER, org_unit=county)
    causes = list(HardshipCause.objects.all())
    today = dt.date.today()
    DibaoLine.objects.create(region_id="150624", year=today.year, monthly_per_head=88_000)
    with transaction.atomic():
        Household.objects.bulk_create(
            [
                Household(
                    number=f"150624-2025-{i:07d}",
                    org_unit=stations[i % 24],
                    region_id="150624",
                    address=f"乌兰镇团结路{i}号",
                    income_per_head=str(rng.randrange(100, 1600)),
                    dibao_status=rng.choice(["none", "none", "receiving", "applying"]),
                    state=rng.choice([Household.State.ACTIVE] * 9 + [Household.State.EXITED]),
                    registered_on=today,
                )
                for i in range(households)
            ],
            batch_size=2000,
        )
        ids = list(Household.objects.order_by("id").values_list("id", flat=True))
        Household.hardship_causes.through.objects.bulk_create(
            [
                Household.hardship_causes.through(household_id=h, hardshipcause_id=c.pk)
                for h in ids
                for c in rng.sample(causes, k=rng.choice([1, 1, 2, 3]))
            ],
            batch_size=5000,
        )
        members = []
        n = 0
        for household_id in ids:
            for relation, age in (
                [("head", rng.randrange(28, 60))]
                + [("child", rng.randrange(1, 25)) for _ in range(rng.choice([0, 1, 1, 2]))]
                + ([("parent", rng.randrange(60, 85))] if rng.random() < 0.2 else [])
            ):
                birth = dt.date(today.year - age, 1 + n % 12, 1 + n % 28)
                number = make_id_number("150624" if birth.year >= 2001 else "152725", birth, (n // 480) % 1000)
                members.append(
                    Member(
                        household_id=household_id,
                        name=f"成员{n}",
                        relation=relation,
                        id_number=number,
                        id_number_hash=crypto.keyed_hash(f"{number}:{n}"),
                        sex="M" if n % 2 else "F",
                        birth_date=birth,
                        work_capacity=rng.choice(["full", "full", "partial", "none"]),
                    )
                )
                n += 1
        Member.objects.bulk_create(members, batch_size=2000)
        fund = FundSource.objects.create(
            name="旗总工会帮扶资金", kind="union_budget", org_unit=county, created_by=organizer
        )
        budget = Budget.objects.create(
            source=fund,
            year=today.year,
            org_unit=county,
            purpose=Purpose.objects.get(code="warmth"),
            amount=5_000_000_00,
            created_by=organizer,
        )
        Campaign.objects.create(
            name="冬季送温暖",
            occasion="winter",
            org_unit=county,
            budget=budget,
            limit=1_000_000_00,
            cash_per_household=500_00,
            goods=[{"name": "大米 10kg", "quantity": 1, "unit_value": 60_00}],
            opens_on=today,
            closes_on=today,
            created_by=organizer,
        )


def _benefits(household: object, n: int) -> None:
    from accounts.models import User
    from relief.models import Application, Benefit

    user = User.objects.get(username="county")
    member = household.members.first()  # type: ignore[attr-defined]
    for i in range(n):
        application = Application.objects.create(
            track="assistance",
            member=member,
            household=household,
            org_unit=household.org_unit,  # type: ignore[attr-defined]
            period="2026",
            summary=f"转介{i}",
            channel="online",
            state="given",
            created_by=user,
        )
        Benefit.objects.create(
            application=application,
            track="assistance",
            member=member,
            household=household,
            org_unit=household.org_unit,
            kind="none",
            period="2026",  # type: ignore[attr-defined]
            received_on=dt.date.today(),
            summary=f"转介{i}",
            recorded_by=user,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    start()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User
    from core.maintenance import analyze_database
    from households.models import Household
    from relief.warmth import selectors
    from relief.warmth.models import Campaign

    t0 = time.perf_counter()
    fill(args.households)
    analyze_database()
    print(f"filled {args.households:,} households in {time.perf_counter() - t0:.0f} s ({connection.vendor})")
    organizer = User.objects.get(username="county")
    campaign = Campaign.objects.get()
    times, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        standing = selectors.standing_for(organizer, campaign)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(
        f"warmth ranking of {len(standing.candidates):,} candidates: p50 {statistics.median(times):.2f} s, "
        f"worst {max(times):.2f} s over {args.runs} runs [target < 2 s]; the budget reaches {standing.reach:,}"
    )
    # CPU time of this process (the database is in-process on SQLite): what the ranking costs when
    # the machine's two cores are not shared with other work.
    print(f"  CPU time of the ranking: p50 {statistics.median(cpu):.2f} s, worst {max(cpu):.2f} s")
    # Other work on the machine slows every figure: say how busy it was while measuring.
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    client = Client()
    client.force_login(organizer)
    started = time.perf_counter()
    response = client.get(reverse("relief:warmth:campaign", args=[campaign.pk]))
    assert response.status_code == 200
    print(f"the campaign page (ranking, and the rows the budget reaches): {time.perf_counter() - started:.2f} s")

    household = Household.objects.order_by("id").first()
    counts = []
    for extra in (0, 1, 10, 50):
        _benefits(household, extra)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("households:detail", args=[household.pk]))  # type: ignore[union-attr]
        assert page.status_code == 200
        counts.append(len(captured.captured_queries))
    print(f"household page queries with 0, 1, 11 and 61 benefits received: {counts} [target: constant]")


if __name__ == "__main__":
    main()
