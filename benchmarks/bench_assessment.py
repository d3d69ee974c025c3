"""考核 over a county of 100,000 households: the county's scorecards and indicators, and a month's
snapshot of the whole tree.

    python benchmarks/bench_assessment.py [--households 100000] [--requests 20]

Targets (issue 14): the county scorecard under 1 s with a constant number of queries (whatever the
number of households and units), and one month's snapshot for the whole tree under 30 s. The tree
is the demo county's 21 units; the households, their members, pairings, visits, plan goals and
hires are spread over its stations with dates over three years, so that every indicator has rows
to count. Server time is measured around Django's test client (the whole request), on the embedded
default unless BENCH_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from typing import Any

from _setup import percentile, start


def fill(households: int, *, first: int = 0, rng: random.Random) -> None:
    """``households`` more households (numbered from ``first``) with a member, a pairing, a visit, a
    plan goal, and a hire for one in ten."""
    from django.db import transaction

    from accounts.models import OrgUnit, Role, User
    from core import crypto
    from households.id_numbers import make_id_number
    from households.models import Household, Member, MemberSkill, Pairing, PlanGoal, ReliefPlan, Visit
    from jobs.models import Application, Employer, JobPosting, Placement
    from skills.models import Skill

    stations = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.STATION).order_by("pk"))
    towns = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.GRASSROOTS_UNION).order_by("pk"))
    helpers = list(User.objects.filter(role=Role.HELPER).order_by("pk"))
    skill = Skill.objects.filter(is_active=True).order_by("pk").first()
    posting = JobPosting.objects.select_related("employer").first()
    assert posting is not None and skill is not None
    employer: Employer = posting.employer
    today = dt.date.today()
    with transaction.atomic():
        rows = []
        for i in range(first, first + households):
            unit = towns[i % len(towns)] if i % 50 == 0 else stations[i % len(stations)]
            activated = today - dt.timedelta(days=rng.randrange(30, 3 * 365))
            state = rng.choices(["active", "exited", "closed", "draft"], [80, 13, 3, 4])[0]
            exited = activated + dt.timedelta(days=rng.randrange(20, 400)) if state == "exited" else None
            if exited and exited >= today:
                exited = today - dt.timedelta(days=1)
            rows.append(
                Household(
                    number=f"150624-B-{i:07d}",
                    org_unit=unit,
                    region_id="150624",
                    address=f"乌兰镇团结路{i}号",
                    income_per_head=str(rng.randrange(300, 1500)),
                    state=state,
                    registered_on=activated,
                    activated_on=None if state == "draft" else activated,
                    exited_on=exited,
                    closed_on=today - dt.timedelta(days=rng.randrange(1, 200)) if state == "closed" else None,
                    next_visit_due=today + dt.timedelta(days=rng.randrange(-30, 90)) if state == "active" else None,
                )
            )
        Household.objects.bulk_create(rows, batch_size=2000)
        created = list(
            Household.objects.filter(number__startswith="150624-B-")
            .order_by("id")
            .values_list("id", "org_unit_id", "activated_on")[first:]
        )
        members = []
        for n, (household_id, _unit, _activated) in enumerate(created, start=first):
            birth = dt.date(1966 + n % 35, 1 + n % 12, 1 + n % 28)
            number = make_id_number("150624" if birth.year >= 2001 else "152725", birth, (n // 480) % 1000)
            members.append(
                Member(
                    household_id=household_id,
                    name=f"户主{n}",
                    relation=Member.Relation.HEAD,
                    id_number=number,
                    id_number_hash=crypto.keyed_hash(f"{number}:{n}"),
                    sex="M" if n % 2 else "F",
                    birth_date=birth,
                    graduation_year=today.year - 1 if n % 17 == 0 else None,
                )
            )
        Member.objects.bulk_create(members, batch_size=2000)
        member_ids = list(
            Member.objects.filter(household__number__startswith="150624-B-")
            .order_by("id")
            .values_list("id", "household_id")
        )[first:]
        MemberSkill.objects.bulk_create(
            [MemberSkill(member_id=m, skill=skill, phrase="电工", certified=True) for m, _h in member_ids[::3]],
            batch_size=5000,
        )
        Pairing.objects.bulk_create(
            [
                Pairing(
                    household_id=h,
                    helper=helpers[h % len(helpers)],
                    helping_unit=helpers[h % len(helpers)].org_unit,
                    started_on=a or today,
                )
                for h, _u, a in created
                if h % 29
            ],
            batch_size=5000,
        )
        Visit.objects.bulk_create(
            [
                Visit(
                    household_id=h,
                    visited_by=helpers[h % len(helpers)],
                    visited_on=(a or today) + dt.timedelta(days=20),
                    summary="走访",
                    next_visit_due=(a or today) + dt.timedelta(days=110),
                )
                for h, _u, a in created
                if a
            ],
            batch_size=5000,
        )
        ReliefPlan.objects.bulk_create(
            [ReliefPlan(household_id=h, status="completed") for h, _u, _a in created], batch_size=5000
        )
        plans = list(
            ReliefPlan.objects.filter(household__number__startswith="150624-B-")
            .order_by("id")
            .values_list("id", flat=True)
        )[first:]
        PlanGoal.objects.bulk_create(
            [
                PlanGoal(
                    plan_id=p,
                    track="job",
                    title="稳定就业",
                    due_on=today - dt.timedelta(days=rng.randrange(1, 700)),
                    status="met" if p % 3 else "open",
                    met_on=today - dt.timedelta(days=rng.randrange(700, 900)) if p % 3 else None,
                )
                for p in plans
            ],
            batch_size=5000,
        )
        hired = member_ids[::10]
        Application.objects.bulk_create(
            [Application(posting=posting, member_id=m, state=Application.State.HIRED) for m, _h in hired],
            batch_size=5000,
        )
        applications = dict(
            Application.objects.filter(member_id__in=[m for m, _h in hired]).values_list("member_id", "id")
        )
        Placement.objects.bulk_create(
            [
                Placement(
                    application_id=applications[m],
                    member_id=m,
                    employer=employer,
                    posting=posting,
                    start_date=today - dt.timedelta(days=rng.randrange(1, 900)),
                    monthly_wage=4000,
                )
                for m, _h in hired
            ],
            batch_size=5000,
        )


def world() -> Any:
    """The demo county's 21 units and its staff, an employer with a posting, the county's scheme
    with a scorecard for each of the 10 units below it, and targets for them."""
    from django.utils import timezone

    from accounts.models import Role, User
    from assessment import services
    from assessment.demo import SCHEME
    from jobs.models import Employer, EmployerMembership, JobPosting
    from web.demo import ensure_units, ensure_users

    units = ensure_units()
    ensure_users(units, "!")
    county = units["ETK"]
    organizer = User.objects.get(username="org_county")
    admin = User.objects.get(role=Role.ADMIN)
    employer = Employer.objects.create(
        name="鄂托克旗利民煤业有限公司",
        uscc="91150624MA0000001X",
        contact_name="张经理",
        contact_phone="13947701234",
        region_id="150624",
        industry="mining",
        org_unit=county,
        status=Employer.Status.VERIFIED,
    )
    EmployerMembership.objects.create(user=User.objects.get(username="employer_demo"), employer=employer)
    JobPosting.objects.create(
        employer=employer,
        title="井下电工",
        description="持证上岗",
        headcount=500,
        region_id="150624",
        salary_min=5000,
        salary_max=7000,
        valid_until=timezone.localdate() + dt.timedelta(days=60),
        state=JobPosting.State.PUBLISHED,
    )
    year = timezone.localdate().year
    scheme = services.scheme_save(
        by=organizer,
        year=year,
        title="年度考核",
        lines=[services.LineInput(line.indicator, line.weight, line.rule, line.cap) for line in SCHEME],
    )
    services.scorecards_open(by=organizer, scheme=scheme)
    for child in county.children.all():
        for line in SCHEME:
            services.target_set(by=organizer, unit=child, year=year, indicator=line.indicator, value=50)
        services.target_set(by=admin, unit=county, year=year, indicator="households_exited", value=600)
    return organizer, year


def measure(client: Any, url: str, requests: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    for _ in range(requests):
        connection.queries_log.clear()  # the fill's queries would leave no room to count these
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return times, queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    start()
    from django.db import connection
    from django.test import Client

    from accounts.models import OrgUnit
    from assessment import services
    from assessment.models import Scorecard
    from assessment.periods import Period, last_closed_month
    from core.maintenance import analyze_database
    from households.models import Household

    rng = random.Random(14)
    organizer, year = world()
    client = Client()
    client.force_login(organizer)
    town = Scorecard.objects.get(org_unit__code="ETK-WL", year=year)
    pages = {
        "county scorecards, ranked": f"/assessment/scorecards/?year={year}",
        "a town's scorecard": f"/assessment/scorecards/{town.pk}/",
        "the county's indicators (API)": f"/api/v1/assessment/units/ETK/?year={year}",
        "the county dashboard": f"/assessment/?year={year}",
    }
    small = max(1, args.households // 10)
    fill(small, rng=rng)
    analyze_database()
    few = {name: measure(client, url, 1)[1] for name, url in pages.items()}
    t0 = time.perf_counter()
    fill(args.households - small, first=small, rng=rng)
    analyze_database()
    print(
        f"filled {Household.objects.count():,} households over {OrgUnit.objects.count()} units "
        f"in {time.perf_counter() - t0:.0f} s ({connection.vendor})"
    )
    for name, url in pages.items():
        measure(client, url, 1)  # warm
        times, queries = measure(client, url, args.requests)
        print(
            f"{name:32} p50 {statistics.median(times) * 1000:7.1f} ms  p95 {percentile(times, 0.95) * 1000:7.1f} ms"
            f"  queries {queries} (with {small:,} households: {few[name]})"
        )
    for label, month in (("the month just ended", last_closed_month()), ("a month two years back", None)):
        period = month or Period.month(year - 2, last_closed_month().start.month)
        t0 = time.perf_counter()
        rows = services.snapshot_month(period=period)
        print(f"snapshot of {label} ({period.key}): {rows:,} values, whole tree, {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    rows = services.snapshot_month(period=last_closed_month())
    print(f"the same month again (idempotent): {rows:,} values in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
