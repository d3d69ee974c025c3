"""The household list for a top-unit organizer over 100,000 households.

    python benchmarks/bench_household_list.py [--households 100000] [--requests 40]

Targets (issue 2): p95 server time 100 ms, and a constant number of SQL queries per page whatever
the number of rows. Server time is measured around Django's test client (the whole request:
middleware, selector, template), on the embedded default unless BENCH_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

from _setup import percentile, start


def fill(households: int) -> None:
    from django.db import transaction

    from accounts.models import OrgUnit, Role, User
    from core import crypto
    from households.id_numbers import make_id_number
    from households.models import HardshipCause, Household, Member, Pairing, TargetGroup

    rng = random.Random(5)
    county = OrgUnit.objects.create(name="鄂托克旗总工会", kind=OrgUnit.Kind.FEDERATION, code="ETK")
    towns = [
        OrgUnit.objects.create(name=f"镇工会{i}", kind=OrgUnit.Kind.GRASSROOTS_UNION, parent=county) for i in range(6)
    ]
    stations = [
        OrgUnit.objects.create(name=f"帮扶站{i}", kind=OrgUnit.Kind.STATION, parent=towns[i % 6]) for i in range(24)
    ]
    helpers = [
        User.objects.create(username=f"helper{i}", role=Role.HELPER, org_unit=stations[i % 24], full_name=f"帮扶员{i}")
        for i in range(96)
    ]
    User.objects.create(username="county", role=Role.ORGANIZER, org_unit=county)
    groups = list(TargetGroup.objects.all())
    causes = list(HardshipCause.objects.all())
    today = dt.date.today()
    states = [Household.State.ACTIVE] * 8 + [Household.State.EXITED, Household.State.DRAFT]
    with transaction.atomic():
        rows = [
            Household(
                number=f"150624-2025-{i:07d}",
                org_unit=stations[i % 24],
                region_id="150624",
                address=f"乌兰镇团结路{i}号",
                income_per_head=str(rng.randrange(300, 1500)),
                state=rng.choice(states),
                registered_on=today,
                next_visit_due=today + dt.timedelta(days=rng.randrange(-20, 90)),
            )
            for i in range(households)
        ]
        Household.objects.bulk_create(rows, batch_size=2000)
        ids = list(Household.objects.order_by("id").values_list("id", flat=True))
        Household.target_groups.through.objects.bulk_create(
            [Household.target_groups.through(household_id=h, targetgroup_id=rng.choice(groups).pk) for h in ids],
            batch_size=5000,
        )
        Household.hardship_causes.through.objects.bulk_create(
            [Household.hardship_causes.through(household_id=h, hardshipcause_id=rng.choice(causes).pk) for h in ids],
            batch_size=5000,
        )
        members = []
        for n, household_id in enumerate(ids):
            birth = dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28)
            number = make_id_number("150624" if birth.year >= 2001 else "152725", birth, (n // 480) % 1000)
            members.append(
                Member(
                    household_id=household_id,
                    name=f"户主{n}",
                    relation=Member.Relation.HEAD,
                    id_number=number,
                    id_number_hash=crypto.keyed_hash(f"{number}:{n}"),
                    sex="M",
                    birth_date=birth,
                )
            )
        Member.objects.bulk_create(members, batch_size=2000)
        Pairing.objects.bulk_create(
            [
                Pairing(household_id=h, helper=helpers[h % 96], helping_unit=helpers[h % 96].org_unit)
                for h in ids
                if h % 33
            ],
            batch_size=5000,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    start()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User
    from core.maintenance import analyze_database

    t0 = time.perf_counter()
    fill(args.households)
    analyze_database()  # what the nightly beat task (and every large import) does
    print(f"filled {args.households:,} households in {time.perf_counter() - t0:.0f} s ({connection.vendor})")
    client = Client()
    client.force_login(User.objects.get(username="county"))
    url = reverse("households:list")
    from households.views import PAGE_SIZE

    pages = max(1, args.households // PAGE_SIZE)
    scenarios = {
        "first page": lambda i: {},
        "a deep page": lambda i: {"page": str(1 + (i * 97) % pages)},
        "state=active": lambda i: {"state": "active"},
        "target group": lambda i: {"target_group": "migrant"},
        "overdue visits": lambda i: {"overdue_visit": "1"},
        "no helper": lambda i: {"no_helper": "1"},
        "search by name": lambda i: {"q": f"户主{(i * 7919) % args.households}"},
    }
    client.get(url)  # warm-up
    print(f"{'scenario':<16} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    worst_p95 = 0.0
    query_counts = set()
    for name, params in scenarios.items():
        times, queries = [], set()
        for i in range(args.requests):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url, params(i))
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            queries.add(len(captured.captured_queries))
        p95 = percentile(times, 0.95)
        worst_p95 = max(worst_p95, p95)
        query_counts |= queries
        print(f"{name:<16} {statistics.median(times):>8.1f} {p95:>8.1f} {'/'.join(map(str, sorted(queries))):>8}")
    print(f"worst p95: {worst_p95:.1f} ms [target 100 ms]; queries per page: {sorted(query_counts)} [target: constant]")


if __name__ == "__main__":
    main()
