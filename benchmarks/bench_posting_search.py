"""Posting search over 50,000 postings, as a worker uses it.

    python benchmarks/bench_posting_search.py [--postings 50000] [--requests 30] [--explain]

Target (issue 3): p95 server time 50 ms per page, and a constant number of SQL queries per page
whatever the filter or the page. Measures the search page (``jobs:search``) when it exists and the
API (``GET /api/v1/postings/``) always: the whole request through Django's test client, on the
embedded default unless BENCH_DATABASE_URL is set. ``--explain`` prints the query plan of the
slowest statement of each scenario.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from typing import Any

from _setup import percentile, start

TARGET_MS = 50.0
REGIONS = ["150624"] * 6 + ["150602", "150621", "150622", "150623", "150625", "150626", "150627", "150102", "150202"]


def fill(postings: int) -> None:
    from django.db import transaction
    from django.utils import timezone
    from stdnum.cn.uscc import calc_check_digit

    from accounts.models import OrgUnit, Role, User
    from core import crypto
    from households.id_numbers import make_id_number
    from households.models import Household, Member
    from jobs.models import Employer, JobPosting, PostingSkill
    from skills.models import Occupation
    from skills.understanding import occupation_coder, skills_understand_many
    from web.demo import BRANDS, JOBS

    rng = random.Random(3)
    now, today = timezone.now(), timezone.localdate()
    county = OrgUnit.objects.create(name="鄂托克旗总工会", kind=OrgUnit.Kind.FEDERATION, code="ETK", region_id="150624")
    worker = User.objects.create(username="worker", role=Role.WORKER, full_name="王强")
    household = Household.objects.create(
        number="150624-2025-0000001",
        org_unit=county,
        region_id="150624",
        address="乌兰镇团结路1号",
        state=Household.State.ACTIVE,
    )
    number = make_id_number("152725", dt.date(1985, 3, 14), 31)
    Member.objects.create(
        household=household,
        name="王强",
        relation=Member.Relation.HEAD,
        id_number=number,
        id_number_hash=crypto.keyed_hash(number),
        sex="M",
        birth_date=dt.date(1985, 3, 14),
        user=worker,
    )
    jobs = list(JOBS.values())
    phrases = sorted({p for job in jobs for p in (*job.required, *job.preferred)})
    skill_of = {p: s for p, s in skills_understand_many(phrases).items() if s is not None}
    coder = occupation_coder()
    occupations = dict(Occupation.objects.values_list("code", "id"))
    occupation_of = {job.title: occupations.get(coder.code(job.title).code or "") for job in jobs}
    with transaction.atomic():
        employers = []
        for i in range(max(50, postings // 100)):
            body = f"91{rng.choice(REGIONS[:8])}MA{i:07d}"
            employers.append(
                Employer(
                    name=f"{rng.choice(BRANDS)}{rng.choice(['物流', '煤业', '建筑', '餐饮', '羊绒'])}有限公司{i}",
                    uscc=body + calc_check_digit(body),
                    contact_name="联系人",
                    contact_phone="13947700000",
                    region_id=body[2:8],
                    industry="other",
                    org_unit=county,
                    status=Employer.Status.VERIFIED if i % 20 else Employer.Status.PENDING,
                )
            )
        Employer.objects.bulk_create(employers, batch_size=2000)
        rows, skills = [], []
        for i in range(postings):
            job = rng.choice(jobs)
            state = rng.choices(["published", "expired", "filled", "draft", "withdrawn"], [80, 8, 6, 4, 2])[0]
            low = job.low + rng.randrange(-5, 6) * 100
            rows.append(
                JobPosting(
                    employer=employers[i % len(employers)],
                    title=job.title,
                    description="工作地点：棋盘井工业园区。五险一金，包吃住。",
                    occupation_id=occupation_of[job.title],
                    headcount=rng.choice([1, 2, 3, 5, 10]),
                    region_id=rng.choice(REGIONS),
                    salary_min=low,
                    salary_max=max(low, job.high + rng.randrange(-5, 6) * 100),
                    physical_demand=job.demand,
                    education=job.education,
                    for_graduates=job.graduates and rng.random() < 0.8,
                    valid_until=today
                    + dt.timedelta(days=rng.randrange(-200, 150) if state == "expired" else rng.randrange(0, 150)),
                    state=state,
                    employer_verified=employers[i % len(employers)].is_verified,
                    published_at=None if state == "draft" else now - dt.timedelta(minutes=rng.randrange(0, 200_000)),
                )
            )
            for phrase in (*job.required, *job.preferred[:1]):
                skills.append((i, phrase))
        JobPosting.objects.bulk_create(rows, batch_size=2000)
        seen: set[tuple[int, int]] = set()
        skill_rows = []
        for index, phrase in skills:
            skill_id = skill_of.get(phrase)
            if skill_id is not None and (index, skill_id) in seen:
                continue
            seen.add((index, skill_id or 0))
            skill_rows.append(PostingSkill(posting=rows[index], phrase=phrase, skill_id=skill_id))
        PostingSkill.objects.bulk_create(skill_rows, batch_size=5000)


def measure(client: Any, url: str, scenarios: dict[str, Any], requests: int, explain: bool) -> tuple[float, set[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    worst_p95, query_counts = 0.0, set()
    print(f"{'scenario':<24} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  slowest statement")
    for name, params in scenarios.items():
        times, queries = [], set()
        slowest: tuple[float, str] = (0.0, "")
        for i in range(requests):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url, params(i))
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            queries.add(len(captured.captured_queries))
            for query in captured.captured_queries:
                if float(query["time"]) * 1000 > slowest[0]:
                    slowest = (float(query["time"]) * 1000, query["sql"])
        p95 = percentile(times, 0.95)
        worst_p95 = max(worst_p95, p95)
        query_counts |= queries
        flag = "" if p95 <= TARGET_MS else "  <-- over target"
        print(
            f"{name:<24} {statistics.median(times):>8.1f} {p95:>8.1f} {'/'.join(map(str, sorted(queries))):>8}"
            f"  {slowest[0]:.1f} ms: {slowest[1][:90]}{flag}"
        )
        if explain:
            _explain(slowest[1])
    return worst_p95, query_counts


def _explain(sql: str) -> None:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        for row in cursor.fetchall():
            print("      ", " | ".join(str(c) for c in row))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postings", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--explain", action="store_true", help="print the plan of each scenario's slowest query")
    args = parser.parse_args()
    start()
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from accounts.models import User
    from core.maintenance import analyze_database
    from core.pagination import SEARCH_CAP
    from jobs.selectors import posting_search

    t0 = time.perf_counter()
    fill(args.postings)
    analyze_database()  # what the nightly beat task (and the demo loader) does
    open_count = posting_search().count()
    took = time.perf_counter() - t0
    print(f"filled {args.postings:,} postings ({open_count:,} open) in {took:.0f} s ({connection.vendor})")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(username="worker"))

    def scenarios(page_size: int) -> dict[str, Any]:
        pages = max(1, min(open_count, SEARCH_CAP) // page_size)  # the search pages stop at the cap
        common, rare = ["司机", "工", "煤业"], ["收银", "护理", "厨师", "Java"]
        return {
            "no filter": lambda i: {},
            "keyword, common": lambda i: {"q": common[i % len(common)]},
            "keyword, rare or absent": lambda i: {"q": rare[i % len(rare)]},
            "region (county)": lambda i: {"region": "150624"},
            "skill": lambda i: {
                "skill": ["logistics.forklift", "catering.chinese_cooking", "mining.coal_mining"][i % 3]
            },
            "min salary 8000": lambda i: {"min_salary": "8000"},
            "light work + graduates": lambda i: {"light_work": "1", "for_graduates": "1"},
            "the last page": lambda i: {"page": str(pages - i % 2)},
        }

    targets = [("API GET /api/v1/postings/", "/api/v1/postings/", 50)]
    try:
        targets.insert(0, ("page jobs:search", reverse("jobs:search"), 20))
    except NoReverseMatch:
        print("(the search page jobs:search does not exist yet: measuring the API only)")
    verdicts = []
    for label, url, page_size in targets:
        client.get(url)  # warm-up: the resolver and the templates
        print(f"\n{label} ({page_size} a page)")
        worst, counts = measure(client, url, scenarios(page_size), args.requests, args.explain)
        verdicts.append(
            f"{label}: worst p95 {worst:.1f} ms [target {TARGET_MS:.0f} ms]; queries per page "
            f"{sorted(counts)} [target: constant]"
        )
    print()
    for verdict in verdicts:
        print(verdict)


if __name__ == "__main__":
    main()
