"""Scale (issue 20): how the nightly re-match, one refresh and the matched-jobs API grow with the region.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/relief_bench \\
    BENCH_BROKER_URL=redis://127.0.0.1:6379/9 \\
        python benchmarks/bench_scale.py --seekers 25000 [--results var/scale.jsonl]
    python benchmarks/bench_scale.py --fit var/scale.jsonl      # the growth, from the sizes measured
    ... bench_scale.py --small                                  # 2,000 seekers: the CI run
    ... bench_scale.py --write-only [--repeat 3]                # the write path alone, over a full run's rows

One size per run, on a disposable PostgreSQL database (it is migrated, emptied and filled) and a Redis
database the script may purge. The region is synthetic and skewed as a real one is: ``--counties``
county codes of Inner Mongolia, weighted like town sizes (a few big, many small: weight 1/rank^0.8),
one seeker per household, a posting for every five seekers (``--postings`` to change it).

Measured, with real Celery worker processes (prefork) on the broker, never eager:
- the full re-match (``matching.services.rematch_all``: the plan, the postings' thresholds in parts,
  then its chunks, both taken by the workers) with 1 worker and with 2, each over the rows of the run before (as
  every night); a first run fills the empty table. Wall time, rows written, rows/s, peak memory of each
  worker process;
- the matched-jobs API (``GET /api/v1/matches/mine/``) p50/p95 while a fourth re-match runs (2 workers;
  the requests come from this process, so that run is not one of the compared ones);
- writing stored rows alone (``_replace``) with real explanations: into an emptied range, over
  themselves unchanged, and with every score changed;
- one posting and one member refreshed: with the market cached, and after edits of each (taken into the
  cached market);
- the size of ``matching_match`` with its indexes, and the query plans of the two ranked lists.

Each run appends its figures as one JSON line to ``--results``; ``--fit`` fits time = a * n^b by least
squares on log-log and extrapolates to a million seekers. Targets (issue 20): >= 100,000 rows/s
written, 2 workers <= 0.7 x 1 worker's time, a refresh under 50 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _setup import ROOT, percentile, start

TARGET_ROWS_S = 100_000
TARGET_SPEEDUP = 0.7
TARGET_REFRESH_MS = 50.0


# --- the region ----------------------------------------------------------------------------------------


def county_codes(counties: int) -> list[str]:
    from core.models import Region

    codes = list(
        Region.objects.filter(level=Region.Level.COUNTY, code__startswith="15")
        .order_by("code")
        .values_list("code", flat=True)
    )
    if len(codes) < counties:
        raise SystemExit(f"the region table holds {len(codes)} counties of Inner Mongolia, fewer than {counties}")
    return codes[:counties]


def skewed(codes: list[str], rng: random.Random, *, draws: int = 5000) -> list[str]:
    """Codes repeated as often as their weight (1/rank^0.8), shuffled so rank is not code order."""
    order = codes[:]
    rng.shuffle(order)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(order))]
    return rng.choices(order, weights=weights, k=draws)


# --- Celery workers --------------------------------------------------------------------------------------


class Worker:
    """``celery -A web worker -P prefork -c N`` in its own process group, on the bench database."""

    def __init__(self, concurrency: int, env: dict[str, str]) -> None:
        self.log = Path(tempfile.mkstemp(prefix="bench-worker-", suffix=".log")[1])
        command = [sys.executable, "-m", "celery", "-A", "web", "worker", "-l", "warning", "-P", "prefork"]
        command += ["-c", str(concurrency), "-n", f"bench-{uuid.uuid4().hex[:6]}@%h", "--without-gossip"]
        command += ["--without-mingle", "--without-heartbeat"]
        with self.log.open("wb") as out:
            self.popen = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.concurrency = concurrency
        deadline = time.monotonic() + 120
        while len(self.children()) < concurrency:
            if self.popen.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the Celery worker did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)
        time.sleep(1.0)  # connected to the broker

    def children(self) -> list[int]:
        try:
            return [int(p) for p in Path(f"/proc/{self.popen.pid}/task/{self.popen.pid}/children").read_text().split()]
        except OSError:
            return []

    def peak_rss_mb(self) -> list[float]:
        """Peak resident memory (VmHWM) of each pool process."""
        peaks = []
        for pid in self.children():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) / 1024)
        return peaks

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, 15)
        try:
            self.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, 9)
            self.popen.wait(timeout=10)
        self.log.unlink(missing_ok=True)


@contextlib.contextmanager
def workers(concurrency: int, env: dict[str, str]) -> Iterator[Worker]:
    worker = Worker(concurrency, env)
    try:
        yield worker
    finally:
        worker.stop()


# --- measurements ----------------------------------------------------------------------------------------


def rematch(chunk: int, *, during: Any = None) -> dict[str, Any]:
    """One full re-match through the workers; returns its figures. ``during`` runs in a thread while
    the chunks are being written (the API measured under load) and returns its own figures."""
    from django.db import connection

    from matching import services
    from matching.models import RematchRun

    services.forget_market()
    started = time.perf_counter()
    chunks = services.rematch_all(chunk_size=chunk)
    planned = time.perf_counter() - started
    run = RematchRun.objects.order_by("-pk").first()
    assert run is not None
    side: dict[str, Any] = {}
    thread = None
    if during is not None:
        thread = threading.Thread(target=lambda: side.update(during(run.pk)), daemon=True)
        thread.start()
    while True:
        run.refresh_from_db()
        if run.state != RematchRun.State.RUNNING:
            break
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    if thread is not None:
        thread.join()
    connection.close()
    written = sum(run.chunks.values_list("written", flat=True))
    return {
        "state": run.state,
        "chunks": chunks,
        "plan_s": round(planned, 2),
        "seconds": round(seconds, 2),
        "rows": written,
        "rows_per_s": round(written / seconds),
        **side,
    }


def api_while_running(run_pk: int) -> dict[str, Any]:
    """The worker's matched jobs, asked again and again until the run is over (another thread)."""
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from matching.models import RematchRun

    clients = []
    for user in User.objects.filter(username__startswith="worker").order_by("id")[:50]:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)
        clients.append(client)
    times: list[float] = []
    n = 0
    try:
        while RematchRun.objects.filter(pk=run_pk, state=RematchRun.State.RUNNING).exists():
            client = clients[n % len(clients)]
            began = time.perf_counter()
            response = client.get("/api/v1/matches/mine/")
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
            n += 1
            time.sleep(0.02)
    finally:
        connection.close()
    return {
        "api_requests": len(times),
        "api_p50_ms": round(statistics.median(times), 1) if times else None,
        "api_p95_ms": round(percentile(times, 0.95), 1) if times else None,
    }


def write_alone(members: int) -> dict[str, Any]:
    """Stored rows of ``members`` seekers read back and written again through ``_replace`` (the
    re-match's write: COPY into a staging table, then delete what differs and insert what is new),
    in parts of 1,000 seekers: into a range just emptied (its deleted rows still in the table and
    its indexes, as within one night), into that range emptied and vacuumed (a first fill, or a
    night after autovacuum), over themselves unchanged, and all changed. Each case also gives the
    write-ahead log it wrote per row: bytes the server had to produce, whatever the load."""
    from django.db import connection
    from django.db.models import Q

    from matching import services
    from matching.models import Match

    ids = list(Match.objects.order_by().values_list("member_id", flat=True).distinct()[:members])
    rows = [
        services.Row(m.member_id, m.posting_id, m.score, m.engine_version, m.computed_at, m.explanation)
        for m in Match.objects.filter(member_id__in=ids).order_by("member_id", "posting_id")
    ]
    changed = [row._replace(score=round(row.score + 1e-6, 6)) for row in rows]
    parts = [set(ids[i : i + 1000]) for i in range(0, len(ids), 1000)]
    out: dict[str, Any] = {"write_rows": len(rows)}

    def wal() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")
            return int(cursor.fetchone()[0])

    for label, batch in (("empty", rows), ("vacuumed", rows), ("unchanged", rows), ("changed", changed)):
        if label in ("empty", "vacuumed"):
            Match.objects.filter(member_id__in=ids).delete()
        if label == "vacuumed":
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM {connection.ops.quote_name(Match._meta.db_table)}")
        logged = wal()
        started = time.perf_counter()
        for part in parts:
            services._replace(Q(member_id__in=part), [r for r in batch if r.member_id in part])
        out[f"write_{label}_rows_per_s"] = round(len(batch) / (time.perf_counter() - started))
        out[f"write_{label}_wal_bytes_per_row"] = round((wal() - logged) / max(1, len(batch)))
    return out


def refreshes(posting_id: int, member_id: int) -> dict[str, Any]:
    """One posting and one member refreshed with the market cached (median of five), then after edits
    stamped as the services stamp them (median of three rounds): the posting edited, then it and the
    member refreshed; a skill added to the member, then they and the posting refreshed. The cached
    market takes in each edited row (``matching.services``' overlay) instead of being rebuilt."""
    from django.utils import timezone

    from households.models import MemberSkill
    from jobs.models import JobPosting
    from matching import services

    def ms(call: Any, key: int) -> float:
        began = time.perf_counter()
        call(key)
        return (time.perf_counter() - began) * 1000

    services.forget_market()
    began = time.perf_counter()
    services.market()
    build = time.perf_counter() - began
    out: dict[str, Any] = {"market_build_s": round(build, 2)}
    began = time.perf_counter()
    services.market(lists=True)  # what a refresh asks for: every row's best lists filled
    out["market_lists_s"] = round(time.perf_counter() - began, 2)
    out["refresh_posting_first_ms"] = round(ms(services.refresh_posting, posting_id))
    out["refresh_member_first_ms"] = round(ms(services.refresh_member, member_id))
    out["refresh_posting_cached_ms"] = round(
        statistics.median(ms(services.refresh_posting, posting_id) for _ in range(5))
    )
    out["refresh_member_cached_ms"] = round(statistics.median(ms(services.refresh_member, member_id) for _ in range(5)))
    rounds: dict[str, list[float]] = {}
    for k in range(3):
        JobPosting.objects.filter(pk=posting_id).update(salary_max=9900 + 100 * k, updated_at=timezone.now())
        rounds.setdefault("refresh_posting_after_edit_ms", []).append(ms(services.refresh_posting, posting_id))
        rounds.setdefault("refresh_member_after_posting_edit_ms", []).append(ms(services.refresh_member, member_id))
        held = MemberSkill.objects.filter(member_id=member_id).values("skill_id")
        skill = MemberSkill.objects.filter(skill__isnull=False).exclude(skill_id__in=held).order_by("id").first()
        if skill is not None:  # a skill someone else holds, new to this member
            MemberSkill.objects.create(member_id=member_id, skill_id=skill.skill_id, phrase=skill.phrase)
            rounds.setdefault("refresh_member_after_edit_ms", []).append(ms(services.refresh_member, member_id))
            rounds.setdefault("refresh_posting_after_member_edit_ms", []).append(
                ms(services.refresh_posting, posting_id)
            )
    out.update({name: round(statistics.median(values)) for name, values in rounds.items()})
    out["refresh_load"] = round(os.getloadavg()[0], 1)
    return out


def refresh_line(figures: dict[str, Any]) -> str:
    return (
        f"market built in {figures['market_build_s']} s, its best lists filled in {figures['market_lists_s']} s; "
        f"the first refreshes then: posting {figures['refresh_posting_first_ms']} ms, member "
        f"{figures['refresh_member_first_ms']} ms; refresh with the market cached: posting "
        f"{figures['refresh_posting_cached_ms']} ms, member {figures['refresh_member_cached_ms']} ms; after an edit "
        f"(taken into the cached market): the posting {figures['refresh_posting_after_edit_ms']} ms, a member then "
        f"{figures['refresh_member_after_posting_edit_ms']} ms; a member after their edit "
        f"{figures.get('refresh_member_after_edit_ms', '-')} ms, a posting then "
        f"{figures.get('refresh_posting_after_member_edit_ms', '-')} ms (target {TARGET_REFRESH_MS:.0f} ms; "
        f"load {figures['refresh_load']})"
    )


def plans() -> dict[str, str]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of the two ranked lists' queries, for one worker and one posting."""
    from accounts.models import User
    from matching import selectors
    from matching.models import Match

    user = User.objects.filter(username__startswith="worker").order_by("id").first()
    assert user is not None
    posting_id = Match.objects.order_by("posting_id").values_list("posting_id", flat=True).first()
    worker_qs = selectors._my_matches_queryset(user).order_by("-score")[:10]
    posting_qs = Match.objects.filter(posting_id=posting_id).order_by("-score")[:10]
    return {
        "worker": worker_qs.explain(analyze=True, buffers=True),
        "posting": posting_qs.explain(analyze=True, buffers=True),
    }


def sizes() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have by now: the planner needs the counts
        cursor.execute(
            "SELECT pg_total_relation_size('matching_match'), pg_relation_size('matching_match'), "
            "pg_database_size(current_database())"
        )
        total, heap, database = cursor.fetchone()
    return {
        "matches_mb": round(total / 2**20),
        "matches_heap_mb": round(heap / 2**20),
        "database_mb": round(database / 2**20),
    }


# --- one size ----------------------------------------------------------------------------------------------


def measure(args: argparse.Namespace) -> dict[str, Any]:
    broker = os.environ.get("BENCH_BROKER_URL", "")
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres") or not broker:
        print(
            "skipped: set BENCH_DATABASE_URL (a disposable PostgreSQL database) and BENCH_BROKER_URL (a Redis database)"
        )
        return {}
    start(broker=broker)
    from bench_matches_api import fill_people_and_postings
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from web.celery import app

    if connection.vendor != "postgresql":
        raise SystemExit("the scale benchmark runs on PostgreSQL")
    with connection.cursor() as cursor:  # an empty database, with the reference data its migrations load
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    app.control.purge()
    rng = random.Random(20)
    postings = args.postings or max(1, args.seekers // 5)
    chunk = args.chunk or max(500, args.seekers // 20)
    regions = skewed(county_codes(args.counties), rng)
    print(f"{args.seekers:,} seekers x {postings:,} postings in {args.counties} counties (skewed); chunks of {chunk:,}")
    began = time.perf_counter()
    member_ids, posting_ids = fill_people_and_postings(args.seekers, postings, rng, regions=regions)
    figures: dict[str, Any] = {"seekers": args.seekers, "postings": postings, "counties": args.counties, "chunk": chunk}
    figures["fill_s"] = round(time.perf_counter() - began, 1)
    print(f"filled in {figures['fill_s']} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a load
    connection.close()

    if args.refresh_only:
        return refresh_only(args, figures, member_ids, posting_ids, chunk)
    if args.rankings_only:
        return rankings_only(figures)
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": settings.DATABASES["default"].get("URL", "") or os.environ["DATABASE_URL"],
            "CELERY_BROKER_URL": broker,
            "PYTHONUNBUFFERED": "1",
        }
    )
    with workers(2, env):
        first = rematch(chunk)
    print(
        f"first re-match (2 workers, empty table): {first['rows']:,} rows in {first['seconds']} s "
        f"= {first['rows_per_s']:,} rows/s"
    )
    for n in (1, 2):
        with workers(n, env) as worker:
            result = rematch(chunk)
            result["worker_peak_mb"] = [round(mb) for mb in worker.peak_rss_mb()]
        figures[f"rematch_{n}_worker"] = result
        print(
            f"re-match with {n} worker(s) ({result['state']}): {result['rows']:,} rows in {result['seconds']} s "
            f"(plan {result['plan_s']} s) = {result['rows_per_s']:,} rows/s; peak memory per worker process "
            f"{result['worker_peak_mb']} MB"
        )
    with workers(2, env):
        loaded = rematch(chunk, during=api_while_running)
    figures["api_during_rematch"] = {k: loaded[k] for k in ("api_requests", "api_p50_ms", "api_p95_ms", "seconds")}
    print(
        f"matched-jobs API while a 2-worker re-match runs (it took {loaded['seconds']} s meanwhile): "
        f"p50 {loaded['api_p50_ms']} ms, p95 {loaded['api_p95_ms']} ms ({loaded['api_requests']} requests)"
    )
    ratio = figures["rematch_2_worker"]["seconds"] / figures["rematch_1_worker"]["seconds"]
    figures["two_workers_ratio"] = round(ratio, 2)
    print(
        f"2 workers take {ratio:.2f} x the time of 1 (target <= {TARGET_SPEEDUP}) "
        f"{'OK' if ratio <= TARGET_SPEEDUP else 'OVER TARGET'}"
    )

    figures.update(write_alone(min(5000, args.seekers)))
    rate = figures["write_empty_rows_per_s"]
    print(
        f"stored rows written alone ({figures['write_rows']:,} rows with their real explanations, parts of 1,000 "
        f"seekers): into an emptied range {rate:,} rows/s (target {TARGET_ROWS_S:,}) "
        f"{'OK' if rate >= TARGET_ROWS_S else 'UNDER TARGET'}; emptied and vacuumed "
        f"{figures['write_vacuumed_rows_per_s']:,} rows/s; over themselves unchanged "
        f"{figures['write_unchanged_rows_per_s']:,} rows/s; every score changed "
        f"{figures['write_changed_rows_per_s']:,} rows/s"
    )

    figures.update(refreshes(posting_ids[len(posting_ids) // 2], member_ids[len(member_ids) // 2]))
    print(refresh_line(figures))
    figures.update(sizes())
    print(
        f"matching_match: {figures['matches_mb']:,} MB with indexes ({figures['matches_heap_mb']:,} MB rows); "
        f"database {figures['database_mb']:,} MB"
    )
    if args.plans:
        for name, plan in plans().items():
            print(f"--- EXPLAIN (ANALYZE, BUFFERS): the {name}'s ranked list\n{plan}")
    return figures


def write_only(args: argparse.Namespace) -> dict[str, Any]:
    """The write path alone (``write_alone``), over the rows a full run left: seconds instead of the
    full run's minutes, for comparing changes to the write path. The rows are not rebuilt, so
    compare runs over one database."""
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
        print("skipped: set BENCH_DATABASE_URL (the PostgreSQL database of a full run)")
        return {}
    start()
    from matching.models import Match

    if not Match.objects.exists():
        raise SystemExit("no stored matches: run the full benchmark on this database first")
    loadavg = Path("/proc/loadavg")
    runs = []
    for _ in range(max(1, args.repeat)):
        figures = write_alone(min(5000, args.seekers))
        figures["load"] = " ".join(loadavg.read_text().split()[:3]) if loadavg.exists() else ""
        runs.append(figures)
        print(
            f"write path alone ({figures['write_rows']:,} rows, parts of 1,000 seekers): into an emptied range "
            f"{figures['write_empty_rows_per_s']:,} rows/s, emptied and vacuumed "
            f"{figures['write_vacuumed_rows_per_s']:,}, over rows unchanged "
            f"{figures['write_unchanged_rows_per_s']:,}, every score changed {figures['write_changed_rows_per_s']:,} "
            f"(write-ahead log per row: {figures['write_empty_wal_bytes_per_row']}, "
            f"{figures['write_vacuumed_wal_bytes_per_row']}, {figures['write_unchanged_wal_bytes_per_row']}, "
            f"{figures['write_changed_wal_bytes_per_row']} bytes) "
            f"(load {figures['load']})"
        )
    best = {key: max(run[key] for run in runs) for key in runs[0] if key.endswith("_rows_per_s")}
    if len(runs) > 1:
        shown = ", ".join(f"{key} {value:,}" for key, value in best.items())
        print(f"best of the runs (the least disturbed by other work): {shown}")
    return {**runs[0], **best, "write_runs": runs}


def refresh_only(
    args: argparse.Namespace, figures: dict[str, Any], member_ids: list[int], posting_ids: list[int], chunk: int
) -> dict[str, Any]:
    """``--refresh-only``: the stored rows from one re-match run in this process (no workers), then
    the refreshes alone."""
    from matching import services

    began = time.perf_counter()
    for start_at in range(0, len(member_ids), chunk):
        services.rematch_chunk(member_ids[start_at : start_at + chunk])
    print(f"re-matched in this process in {time.perf_counter() - began:.1f} s")
    figures.update(refreshes(posting_ids[len(posting_ids) // 2], member_ids[len(member_ids) // 2]))
    print(refresh_line(figures))
    return figures


def rankings_only(figures: dict[str, Any]) -> dict[str, Any]:
    """``--rankings-only``: the night's scoring alone, in this process, on the region the full run
    builds: the market built from the database, the plan's thresholds (every posting's ranking) and
    every seeker's ranking chunk by chunk, as the re-match computes them, without the explanations
    and the writes (linear in the rows stored, measured by the full run). For the sizes a full run
    cannot reach on one machine: the part of the night that grows fastest, measured, not assumed."""
    import resource

    from django.conf import settings

    from matching import services

    def rss_mb() -> float:
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    loadavg = Path("/proc/loadavg")
    before = rss_mb()
    began, cpu = time.perf_counter(), time.process_time()
    cached = services.market()
    figures["market_build_s"] = round(time.perf_counter() - began, 1)
    figures["market_mb"] = round(rss_mb() - before)
    market = cached.market
    figures["feasible_pairs"] = market.feasible_pairs()
    print(
        f"market built in {figures['market_build_s']} s ({len(market.seekers):,} seekers, {len(market.postings):,} "
        f"postings; peak RSS grew {figures['market_mb']:,} MB); feasible pairs {figures['feasible_pairs']:,}"
    )
    began, cpu = time.perf_counter(), time.process_time()
    whole = services.posting_thresholds(cached)
    figures["thresholds_s"] = round(time.perf_counter() - began, 1)
    figures["thresholds_cpu_s"] = round(time.process_time() - cpu, 1)
    print(
        f"the plan's thresholds (every posting's ranking): {figures['thresholds_s']} s, "
        f"CPU {figures['thresholds_cpu_s']} s"
    )
    threshold_parts(cached, figures, whole)
    ids = list(cached.seekers)
    part = max(1, int(settings.MATCHING_WRITE_PART))  # a chunk ranks its members part by part
    ranked = 0
    began, cpu = time.perf_counter(), time.process_time()
    for at in range(0, len(ids), part):
        found = market.postings_for_many(ids[at : at + part], top_k=services.scan_depth())
        ranked += sum(len(row) for row in found.values())
    figures["rankings_s"] = round(time.perf_counter() - began, 1)
    figures["rankings_cpu_s"] = round(time.process_time() - cpu, 1)
    figures["ranked_pairs"] = ranked
    figures["rankings_peak_mb"] = rss_mb()
    figures["load"] = " ".join(loadavg.read_text().split()[:3]) if loadavg.exists() else ""
    print(
        f"every seeker's ranking, parts of {part:,}: {figures['rankings_s']} s, CPU {figures['rankings_cpu_s']} s "
        f"({ranked:,} ranked pairs kept); the process's peak RSS {figures['rankings_peak_mb']:,} MB "
        f"(load {figures['load']})"
    )
    return figures


def threshold_parts(cached: Any, figures: dict[str, Any], whole: list[list[float]]) -> None:
    """What a re-match does with the thresholds since they are split: the planner only cuts the
    postings into parts (``services.threshold_parts``), and workers rank a part each
    (``posting_thresholds`` of its postings). Measured one part after the other in this process: the
    CPU of the cut (the planner's share), of each part (what one task costs a worker), their sum (the
    overhead of splitting), and that the parts put together are exactly the whole computation's."""
    from django.conf import settings

    from matching import services

    cpu = time.process_time()
    parts = services.threshold_parts(cached)
    figures["threshold_cut_cpu_s"] = round(time.process_time() - cpu, 2)
    each, rows = [], []
    for part in parts:
        cpu = time.process_time()
        rows += services.posting_thresholds(cached, part)
        each.append(time.process_time() - cpu)
    if sorted(rows) != sorted(whole):
        raise SystemExit("the threshold parts put together differ from the whole computation")
    figures["threshold_parts"] = len(parts)
    figures["threshold_pairs_per_part"] = int(settings.REMATCH_THRESHOLD_PAIRS)
    figures["threshold_parts_cpu_s"] = round(sum(each), 1)
    figures["threshold_part_max_cpu_s"] = round(max(each, default=0), 2)
    figures["threshold_part_median_cpu_s"] = round(statistics.median(each), 2) if each else 0
    print(
        f"the thresholds in {len(parts)} parts of at most {figures['threshold_pairs_per_part']:,} pairs: the "
        f"planner's cut CPU {figures['threshold_cut_cpu_s']} s; the parts CPU {figures['threshold_parts_cpu_s']} s "
        f"in all, {figures['threshold_part_median_cpu_s']} s median, {figures['threshold_part_max_cpu_s']} s the "
        f"largest; equal to the whole computation (load {' '.join(Path('/proc/loadavg').read_text().split()[:3])})"
    )


# --- growth ----------------------------------------------------------------------------------------------


def fit(path: Path) -> None:
    """time (or size) = a * seekers^b, least squares on logs, per measured quantity."""
    runs = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    runs.sort(key=lambda r: r["seekers"])
    if len(runs) < 2:
        raise SystemExit(f"{path}: {len(runs)} size(s) measured; the fit needs two or more")
    quantities = {
        "re-match, 1 worker (s)": lambda r: r["rematch_1_worker"]["seconds"],
        "re-match, 2 workers (s)": lambda r: r["rematch_2_worker"]["seconds"],
        "rows written": lambda r: r["rematch_1_worker"]["rows"],
        "peak memory per worker (MB)": lambda r: max(r["rematch_1_worker"]["worker_peak_mb"]),
        "market build (s)": lambda r: r["market_build_s"],
        "refresh after an edit (ms)": lambda r: r["refresh_posting_after_edit_ms"],
        "matches table with indexes (MB)": lambda r: r["matches_mb"],
        "feasible pairs": lambda r: r["feasible_pairs"],
        "the plan's thresholds, CPU (s)": lambda r: r["thresholds_cpu_s"],
        "the planner's cut into threshold parts, CPU (s)": lambda r: r["threshold_cut_cpu_s"],
        "the threshold parts in all, CPU (s)": lambda r: r["threshold_parts_cpu_s"],
        "the largest threshold part, CPU (s)": lambda r: r["threshold_part_max_cpu_s"],
        "every seeker's ranking, CPU (s)": lambda r: r["rankings_cpu_s"],
        "market in memory (MB)": lambda r: r["market_mb"],
    }
    print("sizes measured: " + ", ".join(f"{r['seekers']:,}" for r in runs))
    for name, get in quantities.items():
        # A --rankings-only run holds only the scoring's figures: each quantity over the runs that have it.
        have = []
        for r in runs:
            with contextlib.suppress(KeyError, TypeError):
                have.append((r["seekers"], get(r)))
        if len({n for n, _v in have}) < 2:
            continue
        xs = [math.log(n) for n, _v in have]
        ys = [math.log(max(v, 1e-9)) for _n, v in have]
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
        a = math.exp(my - b * mx)
        values = ", ".join(f"{n:,}: {v:,}" for n, v in have)
        print(f"{name} ({values}) -> grows as n^{b:.2f}; at 1,000,000 seekers about {a * 1e6**b:,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seekers", type=int, default=25_000)
    parser.add_argument("--postings", type=int, default=0, help="default: one for every five seekers")
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--chunk", type=int, default=0, help="seekers per chunk; default seekers/20, at least 500")
    parser.add_argument("--small", action="store_true", help="2,000 seekers x 400 postings in 20 counties (CI)")
    parser.add_argument(
        "--refresh-only", action="store_true", help="only the refreshes (the rows re-matched in this process)"
    )
    parser.add_argument(
        "--rankings-only",
        action="store_true",
        help="only the night's scoring in this process (market, thresholds, every seeker's ranking): for large sizes",
    )
    parser.add_argument("--plans", action="store_true", help="print the query plans of the ranked lists")
    parser.add_argument("--results", type=Path, help="append this size's figures as a JSON line")
    parser.add_argument("--fit", type=Path, help="fit the growth from a results file, measure nothing")
    parser.add_argument(
        "--write-only",
        action="store_true",
        help="measure only the write path, over the stored matches a full run of this script left in the database",
    )
    parser.add_argument("--repeat", type=int, default=1, help="with --write-only: measure this many times")
    args = parser.parse_args()
    if args.fit:
        fit(args.fit)
        return
    if args.small:
        args.seekers, args.postings, args.counties = 2000, 400, 20
    figures = write_only(args) if args.write_only else measure(args)
    if figures and args.results:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        with args.results.open("a") as out:
            out.write(json.dumps(figures, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
