"""Stored matches at full size: writing a full re-match's results, and the worker's matched jobs API.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/relief_bench \
        python benchmarks/bench_matches_api.py [--seekers 100000] [--postings 20000] [--per-side 50]

Targets (issue 5): ``GET /api/v1/matches/mine/`` p95 under 25 ms with 100,000 seekers x 20,000
postings worth of matches in PostgreSQL; the time to write a full re-match's results, measured and
reported. The rows are synthetic but shaped like the real ones (each seeker's best ``per-side``
postings and each posting's best ``per-side`` seekers, with an explanation of the usual size); they
are written the way ``matching.services`` writes them (``COPY`` on PostgreSQL, multi-row INSERTs of
prepared values elsewhere, in chunks of seekers, each chunk deleting its old rows first in one
transaction), and a slice is also written with multi-row INSERTs and with ``bulk_create`` for comparison.
Target (issue 20): a re-match written at 100,000 rows/s or more on PostgreSQL. Then, with a real
market built from the members' and postings' skills: one posting and one member refreshed against the
whole other side.

Server time is measured around Django's test client (the whole request: middleware, selector,
serializer), as in the other benchmarks; the database must be disposable (it is migrated and filled).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from typing import Any

from _setup import percentile, start

TARGET_P95_MS = 25.0
TARGET_ROWS_S = 100_000
REGIONS = ["150624"] * 6 + ["150602", "150621", "150622", "150623", "150625", "150626", "150627"]


def fill_people_and_postings(
    seekers: int, postings: int, rng: random.Random, *, regions: list[str] | None = None
) -> tuple[list[int], list[int]]:
    """Households with one seeker each, their skills and preferences, employers and published postings
    with skills. ``regions``: the county codes to draw homes and workplaces from (repeats weigh)."""
    from django.db import transaction
    from django.utils import timezone
    from stdnum.cn.uscc import calc_check_digit

    from accounts.models import OrgUnit, Role, User
    from core import crypto
    from households.id_numbers import make_id_number
    from households.models import Household, JobPreference, Member, MemberSkill
    from jobs.models import Employer, JobPosting, PostingSkill
    from skills.models import Skill

    regions = regions or REGIONS
    skills = list(Skill.objects.filter(is_active=True).values_list("id", flat=True))
    common = skills[:60]  # a few skills most people and postings share, the rest rarer
    county = OrgUnit.objects.create(name="鄂托克旗总工会", kind=OrgUnit.Kind.FEDERATION, code="ETK", region_id="150624")
    stations = [OrgUnit.objects.create(name=f"帮扶站{i}", kind=OrgUnit.Kind.STATION, parent=county) for i in range(24)]
    today, now = timezone.localdate(), timezone.now()

    def pick_skills(n: int) -> set[int]:
        return {rng.choice(common) if rng.random() < 0.6 else rng.choice(skills) for _ in range(n)}

    with transaction.atomic():
        Household.objects.bulk_create(
            [
                Household(
                    number=f"150624-2025-{i:07d}",
                    org_unit=stations[i % 24],
                    region_id=rng.choice(regions),
                    address=f"团结路{i}号",
                    state=Household.State.ACTIVE,
                )
                for i in range(seekers)
            ],
            batch_size=5000,
        )
        household_ids = list(Household.objects.order_by("id").values_list("id", flat=True))
        members = []
        for n, household_id in enumerate(household_ids):
            birth = dt.date(1965 + n % 35, 1 + n % 12, 1 + n % 28)
            number = make_id_number("152725", birth, (n // 480) % 1000)
            members.append(
                Member(
                    household_id=household_id,
                    name=f"求职者{n}",
                    relation=Member.Relation.HEAD,
                    id_number=number,
                    id_number_hash=crypto.keyed_hash(f"{number}:{n}"),
                    sex="M",
                    birth_date=birth,
                    work_capacity=Member.WorkCapacity.PARTIAL if n % 7 == 0 else Member.WorkCapacity.FULL,
                    consent_to_be_found=n % 3 == 0,
                )
            )
        Member.objects.bulk_create(members, batch_size=5000)
        member_ids = list(Member.objects.order_by("id").values_list("id", flat=True))
        MemberSkill.objects.bulk_create(
            [
                MemberSkill(member_id=m, phrase="技能", skill_id=s)
                for m in member_ids
                for s in pick_skills(rng.randint(1, 4))
            ],
            batch_size=10000,
        )
        JobPreference.objects.bulk_create(
            [
                JobPreference(
                    member_id=m, willing_to_relocate=rng.random() < 0.3, expected_salary=rng.randrange(3000, 9000, 100)
                )
                for m in member_ids
                if rng.random() < 0.5
            ],
            batch_size=10000,
        )
        employers = []
        for i in range(max(20, postings // 100)):
            body = f"91150624MA{i:07d}"
            employers.append(
                Employer(
                    name=f"公司{i}",
                    uscc=body + calc_check_digit(body),
                    contact_name="联系人",
                    contact_phone="13947700000",
                    region_id="150624",
                    industry="other",
                    org_unit=county,
                    status=Employer.Status.VERIFIED,
                )
            )
        Employer.objects.bulk_create(employers)
        employer_ids = list(Employer.objects.values_list("id", flat=True))
        JobPosting.objects.bulk_create(
            [
                JobPosting(
                    employer_id=rng.choice(employer_ids),
                    title=f"岗位{i}",
                    description="负责日常工作",
                    headcount=rng.randint(1, 5),
                    region_id=rng.choice(regions),
                    salary_min=3000,
                    salary_max=rng.randrange(3500, 12000, 100),
                    physical_demand=rng.choice(["light", "moderate", "heavy"]),
                    recruits_other_regions=rng.random() < 0.4,
                    valid_until=today + dt.timedelta(days=60),
                    state=JobPosting.State.PUBLISHED,
                    published_at=now,
                    employer_verified=True,  # bulk_create skips save(): set the copy by hand
                )
                for i in range(postings)
            ],
            batch_size=5000,
        )
        posting_ids = list(JobPosting.objects.order_by("id").values_list("id", flat=True))
        PostingSkill.objects.bulk_create(
            [
                PostingSkill(posting_id=p, phrase="技能", skill_id=s, required=k % 3 != 2)
                for p in posting_ids
                for k, s in enumerate(pick_skills(rng.randint(1, 5)))
            ],
            batch_size=10000,
        )
        # Workers with a login, for the API.
        for n, member_id in enumerate(member_ids[:: max(1, len(member_ids) // 300)][:300]):
            user = User.objects.create(username=f"worker{n}", role=Role.WORKER)
            Member.objects.filter(pk=member_id).update(user=user)
    return member_ids, posting_ids


def explanation(rng: random.Random, skills: list[str]) -> dict[str, Any]:
    """An explanation of the usual size and shape (see ``ml.matching.Explanation``)."""
    required = rng.sample(skills, rng.randint(1, 4))
    cut = rng.randint(0, len(required))
    return {
        "matched_required": required[:cut],
        "missing_required": required[cut:],
        "matched_preferred": rng.sample(skills, rng.randint(0, 1)),
        "location": rng.choice(["same_region", "same_region", "preferred_region", "relocation"]),
        "capacity": rng.choice(["full_capacity", "light_work_ok"]),
        "salary": rng.choice(["meets", "below", "unknown"]),
        "salary_gap": rng.choice([0, 0, 500, 1200]),
        "occupation": rng.choice(["same", "group", "related", "none", "unknown"]),
        "text_similarity": round(rng.random(), 4),
        "no_resolved_skills": False,
        "parts": {k: round(rng.random() / 7, 4) for k in ("required", "certified", "preferred", "occupation")}
        | {k: round(rng.random() / 7, 4) for k in ("text", "salary", "location")},
        "expected_salary": rng.choice([None, 5000, 6000]),
        "salary_min": 3000,
        "salary_max": rng.randrange(3500, 12000, 100),
        "seeker_region": "150624",
        "posting_region": "150624",
    }


def rematch_pairs(
    member_ids: list[int], posting_ids: list[int], per_side: int, rng: random.Random
) -> dict[int, set[int]]:
    """Each seeker's best ``per_side`` postings and each posting's best ``per_side`` seekers: the union."""
    pairs: dict[int, set[int]] = {m: set(rng.sample(posting_ids, per_side)) for m in member_ids}
    for p in posting_ids:
        for m in rng.sample(member_ids, per_side):
            pairs[m].add(p)
    return pairs


def write_full_rematch(pairs: dict[int, set[int]], chunk: int, rng: random.Random) -> tuple[int, float, float]:
    """As ``rematch_chunk`` writes: per chunk of seekers, delete their rows and insert the new ones in
    one transaction (``matching.services._replace``). Returns rows, seconds, and rows/s."""
    from django.db.models import Q
    from django.utils import timezone

    from matching import services
    from matching.models import Match
    from skills.models import Skill

    codes = list(Skill.objects.values_list("code", flat=True)[:300])
    pool = [explanation(rng, codes) for _ in range(2000)]
    now = timezone.now()
    members = sorted(pairs)
    total, started = 0, time.perf_counter()
    for i in range(0, len(members), chunk):
        ids = members[i : i + chunk]
        rows = [
            Match(
                member_id=m,
                posting_id=p,
                score=round(rng.random(), 6),
                explanation=pool[(m * 31 + p) % len(pool)],
                engine_version="1",
                computed_at=now,
            )
            for m in ids
            for p in pairs[m]
        ]
        total += services._replace(Q(member_id__in=ids), rows)
    seconds = time.perf_counter() - started
    return total, seconds, total / seconds


def write_slice_with(way: str, pairs: dict[int, set[int]], members: int, rng: random.Random) -> float:
    """Rows/s of another way of writing the same shape, for comparison: ``values`` (the multi-row
    INSERTs SQLite takes) or ``bulk_create`` (batches of 2,000)."""
    from django.db import transaction
    from django.utils import timezone

    from matching import services
    from matching.models import Match
    from skills.models import Skill

    codes = list(Skill.objects.values_list("code", flat=True)[:300])
    now = timezone.now()
    ids = sorted(pairs)[:members]
    rows = [
        Match(
            member_id=m,
            posting_id=p,
            score=rng.random(),
            explanation=explanation(rng, codes),
            engine_version="1",
            computed_at=now,
        )
        for m in ids
        for p in pairs[m]
    ]
    started = time.perf_counter()
    with transaction.atomic():
        Match.objects.filter(member_id__in=ids).delete()
        if way == "values":
            services._insert_values(rows)
        else:
            Match.objects.bulk_create(rows, batch_size=2000)
    return len(rows) / (time.perf_counter() - started)


def measure_api(requests: int) -> tuple[list[float], set[int], int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    users = list(User.objects.filter(username__startswith="worker").order_by("id"))
    times: list[float] = []
    queries: set[int] = set()
    rows = 0
    clients = []
    for user in users:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)
        clients.append(client)
    for client in clients[:5]:  # warm up: templates, translations, connection
        client.get("/api/v1/matches/mine/")
    for n in range(requests):
        client = clients[n % len(clients)]
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/api/v1/matches/mine/")
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        rows = max(rows, len(response.json()))
        queries.add(len(captured))
    return times, queries, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seekers", type=int, default=100_000)
    parser.add_argument("--postings", type=int, default=20_000)
    parser.add_argument("--per-side", type=int, default=50)
    parser.add_argument("--chunk", type=int, default=5000, help="seekers per chunk (MATCHING_CHUNK_SIZE)")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rewrite", type=int, default=10_000, help="seekers re-written over their old rows")
    parser.add_argument("--skip-refresh", action="store_true", help="do not build a market nor refresh rows")
    parser.add_argument(
        "--reuse", action="store_true", help="the database is already filled by an earlier run: measure the reads"
    )
    args = parser.parse_args()
    start()
    from django.db import connection

    rng = random.Random(11)
    print(f"database: {connection.vendor}; {args.seekers:,} seekers x {args.postings:,} postings")
    if args.reuse:
        from households.models import Member
        from jobs.models import JobPosting

        member_ids = list(Member.objects.order_by("id").values_list("id", flat=True))
        posting_ids = list(JobPosting.objects.order_by("id").values_list("id", flat=True))
    else:
        started = time.perf_counter()
        member_ids, posting_ids = fill_people_and_postings(args.seekers, args.postings, rng)
        print(f"people, skills and postings written in {time.perf_counter() - started:.1f} s")
    if not args.reuse:
        pairs = rematch_pairs(member_ids, posting_ids, args.per_side, rng)
        rows, seconds, rate = write_full_rematch(pairs, args.chunk, rng)
        how = "COPY" if connection.vendor == "postgresql" else "multi-row INSERTs"
        verdict = "OK" if rate >= TARGET_ROWS_S or connection.vendor != "postgresql" else "UNDER TARGET"
        print(
            f"full re-match written: {rows:,} rows in {seconds:.1f} s = {rate:,.0f} rows/s "
            f"({how}, chunks of {args.chunk:,} seekers; target {TARGET_ROWS_S:,} rows/s on PostgreSQL) {verdict}"
        )
        some = {m: pairs[m] for m in sorted(pairs)[: args.rewrite]}
        again_rows, again_s, again_rate = write_full_rematch(some, args.chunk, rng)
        print(
            f"{len(some):,} seekers written again over their old rows (delete + insert): {again_rows:,} rows "
            f"in {again_s:.1f} s = {again_rate:,.0f} rows/s"
        )
        values_rate = write_slice_with("values", pairs, 2000, rng)
        print(f"for comparison, multi-row INSERTs: {values_rate:,.0f} rows/s")
        bulk_rate = write_slice_with("bulk_create", pairs, 2000, rng)
        print(f"for comparison, bulk_create: {bulk_rate:,.0f} rows/s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a load: the planner needs the counts
                cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('matching_match'))")
                print(f"matching_match on disk, with its indexes: {cursor.fetchone()[0]}")

    times, queries, shown = measure_api(args.requests)
    p50, p95 = statistics.median(times), percentile(times, 0.95)
    verdict = "OK" if p95 <= TARGET_P95_MS else "OVER TARGET"
    print(
        f"GET /api/v1/matches/mine/ ({shown} rows a page): p50 {p50:.1f} ms, p95 {p95:.1f} ms "
        f"(target {TARGET_P95_MS:.0f} ms) {verdict}; SQL queries per request: {sorted(queries)}"
    )

    if not args.skip_refresh:
        from matching import services

        started = time.perf_counter()
        cached = services.market()
        print(
            f"market built from the database: {len(cached.seekers):,} seekers x {len(cached.postings):,} postings "
            f"in {time.perf_counter() - started:.1f} s"
        )
        for label, call, key in (
            ("refresh_posting (one posting against every seeker)", services.refresh_posting, posting_ids[7]),
            ("refresh_member (one member against every posting)", services.refresh_member, member_ids[7]),
        ):
            durations = []
            for _ in range(5):
                started = time.perf_counter()
                written = call(key)
                durations.append((time.perf_counter() - started) * 1000)
            print(f"{label}: {written} rows, median {statistics.median(durations):.0f} ms (market cached)")


if __name__ == "__main__":
    main()
