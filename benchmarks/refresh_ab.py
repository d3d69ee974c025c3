"""Refreshes against a database ``bench_scale.py`` filled already (nothing is emptied or migrated):
what one refresh costs with this checkout's code. For an A/B comparison run it from two checkouts
alternately on the same database (never at the same time as another script on it).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/relief_bench \\
        python benchmarks/refresh_ab.py [--sample 40] [--label B]

Prints one JSON line: the market's build (wall and CPU s), the best lists' fill where the checkout
fills them ahead of the refreshes (``lists_s``), the first refresh of the benchmark's posting and
member after that, ``bench_scale.refreshes`` (medians, as ``--refresh-only`` prints them), then
``--sample`` postings and as many members spread over the ids, each refreshed once with the market
cached, then as many others of each (``_later``): wall and CPU medians (CPU: this process's plus
its PostgreSQL backend's, from ``/proc``), with the load average.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from _setup import backend_cpu

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--label", default=str(ROOT))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "web.settings")
    os.environ["CELERY_BROKER_URL"] = ""
    import django

    django.setup()
    import bench_scale
    from django.db import connection

    from households.models import Member
    from jobs.models import JobPosting
    from matching import engine, services

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    member_ids = sorted(engine.seekers_queryset().values_list("pk", flat=True))
    posting_ids = sorted(JobPosting.objects.values_list("pk", flat=True))
    posting, member = posting_ids[len(posting_ids) // 2], member_ids[len(member_ids) // 2]
    assert Member.objects.filter(pk=member).exists()
    out: dict[str, Any] = {"label": args.label, "seekers": len(member_ids), "postings": len(posting_ids)}

    def timed(call: Any, key: int) -> tuple[float, float]:
        wall, cpu, db = time.perf_counter(), time.process_time(), backend_cpu(pid)
        call(key)
        return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu + backend_cpu(pid) - db) * 1000

    services.forget_market()
    began, cpu = time.perf_counter(), time.process_time()
    services.market()
    out["build_s"] = round(time.perf_counter() - began, 2)
    out["build_cpu_s"] = round(time.process_time() - cpu, 2)
    if "lists" in inspect.signature(services.market).parameters:  # a checkout that fills them ahead
        began, cpu = time.perf_counter(), time.process_time()
        services.market(lists=True)
        out["lists_s"] = round(time.perf_counter() - began, 2)
        out["lists_cpu_s"] = round(time.process_time() - cpu, 2)
    out["first_posting_ms"] = round(timed(services.refresh_posting, posting)[0])
    out["first_member_ms"] = round(timed(services.refresh_member, member)[0])
    out.update(bench_scale.refreshes(posting, member))
    step_p = max(1, len(posting_ids) // args.sample)
    step_m = max(1, len(member_ids) // args.sample)
    for name, call, ids in (
        ("postings", services.refresh_posting, posting_ids[::step_p][: args.sample]),
        ("members", services.refresh_member, member_ids[::step_m][: args.sample]),
        # Others again, after those: what a worker that has refreshed for a while spends.
        ("postings_later", services.refresh_posting, posting_ids[step_p // 2 :: step_p][: args.sample]),
        ("members_later", services.refresh_member, member_ids[step_m // 2 :: step_m][: args.sample]),
    ):
        walls, cpus = zip(*(timed(call, key) for key in ids), strict=True)
        out[f"{name}_wall_median_ms"] = round(statistics.median(walls), 1)
        out[f"{name}_cpu_median_ms"] = round(statistics.median(cpus), 1)
        out[f"{name}_wall_p90_ms"] = round(sorted(walls)[int(0.9 * (len(walls) - 1))], 1)
    out["load"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
