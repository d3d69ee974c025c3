"""A fair's reminders: 10,000 notifications queued and delivered to the console channel by two
Celery workers.

    BENCH_BROKER_URL=redis://127.0.0.1:6379/11 python benchmarks/bench_notifications.py [--count 10000]
    (BENCH_DATABASE_URL=postgres://.../relief_bench_notify to measure on PostgreSQL)

Target (issue 15): under 30 s from the commit of the event to the last message handed to the
channel. 10,000 workers with mobile numbers are told "tomorrow at the fair: your interviews ..."
through ``notify_each`` in one transaction (one notification and one SMS outbox row each); on commit
the delivery tasks (50 rows each) go to the broker, and two worker processes (``--pool=solo``)
claim and send every row to the console backend, whose lines go to a file and are counted. The
messages are marked urgent so that quiet hours do not hold them when the benchmark runs at night.
Without BENCH_BROKER_URL the tasks run eagerly in this process (no workers) and the script says so.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _setup import ROOT, start

TARGET_S = 30.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    broker = os.environ.get("BENCH_BROKER_URL", "")
    os.environ.update({"NOTIFY_SMS": "console", "NOTIFY_WECHAT": "off", "NOTIFY_EMAIL": "off", "LOG_LEVEL": "WARNING"})
    workdir = start(broker=broker)

    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.db.models import Count

    from accounts.models import Role, User
    from notifications.models import Delivery
    from notifications.services import Notice, notify_each
    from web.celery import app

    password = make_password("bench-pass-2026")
    User.objects.bulk_create(
        [
            User(username=f"bench{n}", full_name=f"工人{n}", role=Role.WORKER, phone=f"138{n:08d}", password=password)
            for n in range(args.count)
        ],
        batch_size=2000,
    )
    people = list(User.objects.filter(username__startswith="bench").values_list("pk", flat=True))
    print(f"{len(people):,} workers with mobile numbers ({connection.vendor})")

    log = Path(tempfile.mkdtemp(prefix="relief-bench-console-")) / "console.txt"
    workers: list[subprocess.Popen[bytes]] = []
    if broker:
        app.control.purge()
        env = {**os.environ}  # the same database (start() set DATABASE_URL) and broker
        with log.open("wb") as out:
            for n in range(args.workers):
                workers.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "celery",
                            "-A",
                            "web",
                            "worker",
                            "--pool=solo",
                            "--loglevel=WARNING",
                            "--without-gossip",
                            "--without-mingle",
                            "--without-heartbeat",
                            "-n",
                            f"bench{n}@%h",
                        ],
                        cwd=ROOT,
                        env=env,
                        stdout=out,
                        stderr=out,  # the worker logs what the console backend prints
                    )
                )
        time.sleep(4)  # let both workers connect before the burst

    context = {"fair": "2026年春风行动招聘会", "venue": "鄂托克旗体育馆", "times": "09:00 利民物流, 10:30 草原食品"}
    try:
        t0 = time.perf_counter()
        with transaction.atomic():
            made = notify_each(
                "fair.interviews_tomorrow",
                [Notice(pk, context, "/fairs/", "fair:1:tomorrow") for pk in people],
                urgent=True,
            )
        queued = time.perf_counter() - t0
        print(f"{len(made):,} notifications and their outbox rows written and queued in {queued:.2f} s")
        final = list(Delivery.FINAL)
        while Delivery.objects.exclude(state__in=final).exists():
            if time.perf_counter() - t0 > 600:
                raise SystemExit("not delivered after 600 s")
            time.sleep(0.2)
        total = time.perf_counter() - t0
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    states = dict(Delivery.objects.values_list("state").annotate(n=Count("pk")))
    how = (
        f"{args.workers} Celery workers on {broker}"
        if broker
        else "eager tasks in this process (no broker, no workers)"
    )
    lines = sum(1 for line in log.open(encoding="utf-8") if "[sms → " in line) if broker else states.get("sent", 0)
    print(f"delivered by {how}: {states}")
    print(f"console lines written by the workers: {lines:,}")
    print(f"delivery, from the commit to the last message: {total - queued:.1f} s")
    print(f"in all, from the event to the last message: {total:.1f} s ({args.count / total:,.0f} messages/s)")
    print(f"[target {TARGET_S:.0f} s]: {'ok' if total <= TARGET_S else 'MISSED'}")
    print(f"(database and console log under {workdir} and {log.parent})")


if __name__ == "__main__":
    main()
