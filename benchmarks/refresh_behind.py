"""Refreshes after rows were changed behind this process's cached market (by "another process": edits
written here through the ORM without a refresh, which the market sees only in the change log), on a
database ``bench_scale.py`` filled already. For an A/B comparison run it against two checkouts
alternately on the same database (``--code``: the checkout whose ``matching`` is imported; run
from that directory, as the installed package is found from the working directory first).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_multi \\
        python benchmarks/refresh_behind.py [--code DIR] [--changed 1,8,32] [--refreshes 10]

For each N of ``--changed``, three cases, each starting from a market current on both sides:

* ``members``: N members get a skill elsewhere, then ``--refreshes`` other members are refreshed here;
* ``postings``: N postings are edited elsewhere, then as many other postings are refreshed here;
* ``both``: N of each, then one posting and one member refreshed here.

Prints one JSON line: per case, the first refresh after the changes and the median of the others
(wall and CPU ms; CPU: this process's plus its PostgreSQL backend's, from ``/proc``), with the load.
The edits are left in the database (each round edits other rows).
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--code", default=str(ROOT))
    parser.add_argument("--changed", default="1,8,32")
    parser.add_argument("--refreshes", type=int, default=10)
    parser.add_argument("--offset", type=int, default=0, help="where in the ids this round's rows start")
    args = parser.parse_args()
    sys.path.insert(0, args.code)
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "web.settings")
    os.environ["CELERY_BROKER_URL"] = ""
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from households.models import MemberSkill
    from jobs.models import JobPosting
    from matching import engine, services

    assert Path(services.__file__).is_relative_to(args.code), services.__file__
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    member_ids = sorted(engine.seekers_queryset().values_list("pk", flat=True))
    posting_ids = sorted(engine.open_postings().values_list("pk", flat=True))
    skills = list(MemberSkill.objects.filter(skill__isnull=False).values_list("skill_id", "phrase").distinct()[:200])
    out: dict[str, Any] = {"code": args.code, "seekers": len(member_ids), "postings": len(posting_ids)}
    # Rows taken in turn from a shuffled order (fixed seed), so that each case edits and refreshes others.
    import random

    rng = random.Random(20)
    rng.shuffle(member_ids)
    rng.shuffle(posting_ids)
    next_m, next_p = args.offset, args.offset

    def take(ids: list[int], start: int, k: int) -> tuple[list[int], int]:
        return [ids[(start + i) % len(ids)] for i in range(k)], start + k

    def edit_members(ids: list[int]) -> None:
        for pk in ids:
            held = set(MemberSkill.objects.filter(member_id=pk).values_list("skill_id", flat=True))
            skill_id, phrase = next((s, p) for s, p in skills if s not in held)
            MemberSkill.objects.create(member_id=pk, skill_id=skill_id, phrase=phrase)

    def edit_postings(ids: list[int]) -> None:
        now = timezone.now()
        for k, pk in enumerate(ids):
            JobPosting.objects.filter(pk=pk).update(salary_max=9000 + 10 * k, updated_at=now)

    def timed(call: Any, key: int) -> tuple[float, float]:
        wall, cpu, db = time.perf_counter(), time.process_time(), backend_cpu(pid)
        call(key)
        return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu + backend_cpu(pid) - db) * 1000

    services.forget_market()
    began = time.perf_counter()
    services.market()
    out["build_s"] = round(time.perf_counter() - began, 2)
    # Warm: the lists the refreshes below read filled (as in a worker that has run for a while).
    for pk in member_ids[-20:]:
        services.refresh_member(pk)
    for pk in posting_ids[-20:]:
        services.refresh_posting(pk)
    for n in [int(x) for x in args.changed.split(",")]:
        for case in ("members", "postings", "both"):
            services.market(current="both")  # current on both sides (rebuilt or caught up: not timed)
            edited_m: list[int] = []
            edited_p: list[int] = []
            if case in ("members", "both"):
                edited_m, next_m = take(member_ids, next_m, n)
                edit_members(edited_m)
            if case in ("postings", "both"):
                edited_p, next_p = take(posting_ids, next_p, n)
                edit_postings(edited_p)
            if case == "members":
                keys, next_m = take(member_ids, next_m, args.refreshes)
                runs = [timed(services.refresh_member, pk) for pk in keys]
            elif case == "postings":
                keys, next_p = take(posting_ids, next_p, args.refreshes)
                runs = [timed(services.refresh_posting, pk) for pk in keys]
            else:
                (p,), next_p = take(posting_ids, next_p, 1)
                (m,), next_m = take(member_ids, next_m, 1)
                runs = [timed(services.refresh_posting, p), timed(services.refresh_member, m)]
            name = f"{case}_{n}"
            out[f"{name}_first_ms"] = [round(runs[0][0], 1), round(runs[0][1], 1)]  # wall, CPU
            rest = runs[1:]
            out[f"{name}_then_ms"] = [
                round(statistics.median(w for w, _c in rest), 1),
                round(statistics.median(c for _w, c in rest), 1),
            ]
    out["load"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
