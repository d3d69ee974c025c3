"""A re-match chunk's own cost (issue 20): CPU per stage for one part of seekers, and the rows it stores.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/relief_bench \\
        python benchmarks/bench_chunk.py --seekers 10000 [--part 1000] [--repeat 3] [--dump rows.txt] [--profile] \\
        [--whole [--chunk 5000]]

The region is bench_scale.py's (skewed counties, a posting for every five seekers), filled once: a
database that already holds seekers is reused as it is (``--fill`` to fill it again), so that two
versions of the code can be compared on the same data. For the first ``--part`` seekers (by id) the
script runs what ``matching.services.rematch_chunk`` runs for one part and prints process CPU seconds
per stage: the rows (``_rows_of_members``: the rankings, the choice of postings, the explanations),
of which the rankings alone (``Market.postings_for_many``, timed apart), and the write (``_replace``,
in a transaction rolled back, with the PostgreSQL backend's CPU beside it); rows per CPU second of
the chunk's own work. ``--whole`` then runs ``rematch_chunk`` itself over the part, committed (wall
time too), or over the first ``--chunk`` seekers (written in parts of ``MATCHING_WRITE_PART``, an
environment variable). Each stage starts after a full collection, so that one stage's garbage is not
collected on the next one's clock. ``--dump`` writes every row but ``computed_at`` as text (member, posting, score,
engine version, the explanation's JSON exactly as written), one a line, for an exact comparison of
two versions: run this script from a worktree of each and ``cmp`` the files.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import random
import time
from pathlib import Path

from _setup import backend_cpu, start


def load() -> str:
    path = Path("/proc/loadavg")
    return " ".join(path.read_text().split()[:3]) if path.exists() else ""


def fill(seekers: int, postings: int, counties: int) -> None:
    from bench_matches_api import fill_people_and_postings
    from bench_scale import county_codes, skewed
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        call_command("migrate", verbosity=0)
    rng = random.Random(20)
    began = time.perf_counter()
    fill_people_and_postings(seekers, postings, rng, regions=skewed(county_codes(counties), rng))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    took = time.perf_counter() - began
    print(f"filled {seekers:,} seekers x {postings:,} postings in {counties} counties in {took:.0f} s")


def whole_chunk(part: list[int], thresholds: list[list[float]], pid: int | None) -> None:
    """``rematch_chunk`` itself over these seekers, committed: into an emptied range, then over their
    rows unchanged (as every night after the first). Wall time as well as CPU: the commit and the
    database's work included. The chunk is written in parts of ``MATCHING_WRITE_PART`` seekers."""
    from django.conf import settings

    from matching import services
    from matching.models import Match

    print(f"a chunk of {len(part):,} seekers, written in parts of {settings.MATCHING_WRITE_PART:,}")

    Match.objects.filter(member_id__in=part).delete()
    for label in ("into an emptied range", "over its rows unchanged"):
        gc.collect()
        before = backend_cpu(pid) if pid else 0.0
        began, cpu = time.perf_counter(), time.process_time()
        stored = services.rematch_chunk(part, thresholds)
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
        backend = backend_cpu(pid) - before if pid else 0.0
        print(
            f"rematch_chunk, {label}: {stored:,} rows in {wall:.2f} s ({stored / wall:,.0f} rows/s), CPU {cpu:.2f} s, "
            f"backend {backend:.2f} s (load {load()})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seekers", type=int, default=10_000)
    parser.add_argument("--postings", type=int, default=0, help="default: one for every five seekers")
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--part", type=int, default=1000, help="seekers in the part measured")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fill", action="store_true", help="fill the database again even if it holds seekers")
    parser.add_argument("--dump", type=Path, help="write the part's rows (all columns but computed_at) here")
    parser.add_argument("--whole", action="store_true", help="then rematch_chunk itself over the part, committed")
    parser.add_argument("--chunk", type=int, default=0, help="--whole over this many seekers (default: --part)")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions of the rows stage")
    args = parser.parse_args()

    if not os.environ.get("BENCH_DATABASE_URL"):
        print("note: no BENCH_DATABASE_URL: a throw-away SQLite database (the write is then INSERTs, not COPY)")
        args.fill = True
    start()
    from django.db import connection, transaction
    from django.db.models import Q

    from households.models import Member
    from matching import services

    if args.fill or not Member.objects.exists():
        fill(args.seekers, args.postings or max(1, args.seekers // 5), args.counties)
    pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]

    cached = services.market(current="both")
    thresholds = services.posting_thresholds(cached)
    limits = ({int(t[0]): float(t[1]) for t in thresholds}, {int(t[0]): float(t[2]) for t in thresholds})
    part = sorted(cached.seekers)[: args.part]
    print(
        f"market: {len(cached.seekers):,} seekers, {len(cached.postings):,} postings; a part of {len(part):,} seekers"
    )
    now = services.timezone.now()
    for round_ in range(max(1, args.repeat)):
        gc.collect()
        cpu = time.process_time()
        cached.market.postings_for_many(part, top_k=services.scan_depth())
        rankings = time.process_time() - cpu
        profile = cProfile.Profile() if args.profile and round_ == 0 else None
        gc.collect()
        cpu = time.process_time()
        if profile is not None:
            profile.enable()
        rows = services._rows_of_members(cached, part, limits, now)
        if profile is not None:
            profile.disable()
        built = time.process_time() - cpu
        gc.collect()
        before = backend_cpu(pid) if pid else 0.0
        cpu = time.process_time()
        with transaction.atomic():
            services._replace(Q(member_id__in=part), rows)
            transaction.set_rollback(True)  # the next round writes the same range again
        write = time.process_time() - cpu
        backend = backend_cpu(pid) - before if pid else 0.0
        own = built + write
        print(
            f"{len(rows):,} rows: rows {built:.2f} s CPU (the rankings alone {rankings:.2f} s), write {write:.2f} s "
            f"(backend {backend:.2f} s); {len(rows) / own:,.0f} rows per CPU second of this process, "
            f"{len(rows) / (own + backend):,.0f} with the backend's (load {load()})"
        )
        if profile is not None:
            pstats.Stats(profile).sort_stats("tottime").print_stats(18)
    if args.whole:
        whole_chunk(sorted(cached.seekers)[: args.chunk or args.part], thresholds, pid)
    if args.dump:
        from core.fields import JSONTextField

        with args.dump.open("w") as out:
            for r in sorted(rows, key=lambda r: (r.member_id, r.posting_id)):
                text = r.explanation if isinstance(r.explanation, str) else JSONTextField.encode(r.explanation)
                out.write(f"{r.member_id}\t{r.posting_id}\t{r.score!r}\t{r.engine_version}\t{text}\n")
        print(f"rows written to {args.dump}")


if __name__ == "__main__":
    main()
