"""技能培训's two county reports over 100,000 households: /training/coverage/ and /training/demand/.

    python benchmarks/bench_training_pages.py [--households 100000] [--requests 20] [--small]

Target (issue 19, finding 10): both pages under 200 ms (p95 server time, the whole request through
Django's test client) for the county organizer. The households are bench_assessment's (the demo
county's 21 units, one member each, a third of them certified), with 12 postings and 24 open
cohorts teaching the postings' skills, so that demand has skills to rank. The pages read the
figures precomputed per unit (``training.reports``); the script also times what the beat task
``training.refresh_reports`` costs (every unit's coverage and demand), and the first view of a page
whose report is missing (it is counted then). ``--small`` is 2,000 households and 5 requests, for
CI. SQLite by default; PostgreSQL when BENCH_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from typing import Any

from _setup import percentile, start

TARGET_MS = 200.0


def market() -> None:
    """Postings requiring a few skills each, and open cohorts teaching them (county and online)."""
    from django.utils import timezone

    from accounts.models import OrgUnit
    from jobs.models import Employer, JobPosting, PostingSkill
    from skills.models import Skill
    from training.models import Cohort, Course, Provider

    rng = random.Random(19)
    skills = list(Skill.objects.filter(is_active=True).order_by("code")[:60])
    employer = Employer.objects.get()
    county = OrgUnit.objects.get(code="ETK")
    today = timezone.localdate()
    for n in range(12):
        posting = JobPosting.objects.create(
            employer=employer,
            title=f"岗位{n}",
            description="招聘",
            headcount=rng.randrange(5, 80),
            region_id="150624",
            salary_min=4000,
            salary_max=6000,
            valid_until=today + dt.timedelta(days=60),
            state=JobPosting.State.PUBLISHED,
        )
        for skill in rng.sample(skills, 3):
            PostingSkill.objects.create(posting=posting, phrase=skill.name_zh, skill=skill, required=True)
    provider = Provider.objects.create(name="鄂托克旗职业技能培训学校")
    for n in range(24):
        course = Course.objects.create(
            title=f"课程{n}",
            provider=provider,
            org_unit=county,
            region_id="150624",
            mode=Course.Mode.ONLINE if n % 6 == 0 else Course.Mode.ON_SITE,
            venue="乌兰镇职业学校",
            hours=40,
            cost=1200,
            subsidised=True,
        )
        course.skills.set(rng.sample(skills, 2))
        deadline = today + dt.timedelta(days=rng.randrange(3, 40))
        Cohort.objects.create(
            course=course,
            name="第1期",
            starts_on=deadline + dt.timedelta(days=2),
            ends_on=deadline + dt.timedelta(days=30),
            enrolment_deadline=deadline,
            seats=rng.randrange(10, 60),
        )


def measure(client: Any, url: str, requests: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(requests):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return times, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--small", action="store_true", help="2,000 households and 5 requests (CI)")
    args = parser.parse_args()
    if args.small:
        args.households, args.requests = 2_000, 5
    start()
    from bench_assessment import fill, world
    from django.db import connection
    from django.test import Client

    from accounts.models import OrgUnit
    from core.maintenance import analyze_database
    from households.models import Household, Member
    from training import reports
    from training.models import UnitReport

    organizer, _year = world()
    market()
    t0 = time.perf_counter()
    fill(args.households, rng=random.Random(14))
    analyze_database()
    print(
        f"filled {Household.objects.count():,} households ({Member.objects.count():,} members) over "
        f"{OrgUnit.objects.count()} units in {time.perf_counter() - t0:.0f} s ({connection.vendor})"
    )
    client = Client()
    client.force_login(organizer)
    town = OrgUnit.objects.get(code="ETK-WL")
    pages = {
        "coverage (county)": "/training/coverage/",
        "coverage, page 3": "/training/coverage/?page=3",
        "demand (county)": "/training/demand/",
        "demand (a town)": f"/training/demand/?unit={town.pk}",
    }
    # The first view with no report yet: what a fresh install (or a stopped beat) costs once.
    for name in ("coverage (county)", "demand (county)"):
        UnitReport.objects.all().delete()
        t0 = time.perf_counter()
        client.get(pages[name])
        print(f"first view, report counted then: {name:<20} {(time.perf_counter() - t0) * 1000:8.0f} ms")
    t0 = time.perf_counter()
    written = reports.refresh_all()
    print(f"beat task training.refresh_reports: {written} reports in {time.perf_counter() - t0:.1f} s")
    print(f"{'page':<22} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    worst = 0.0
    for name, url in pages.items():
        measure(client, url, 1)  # warm
        times, queries = measure(client, url, args.requests)
        p95 = percentile(times, 0.95)
        worst = max(worst, p95)
        print(f"{name:<22} {statistics.median(times):>8.1f} {p95:>8.1f} {queries:>8}")
    print(f"worst p95: {worst:.1f} ms [target {TARGET_MS:.0f} ms] -> {'OK' if worst < TARGET_MS else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
