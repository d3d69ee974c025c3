"""The three hottest pages under load, and what bounds them (issue 17, finding 11).

    python benchmarks/bench_pages_load.py [--users 10 50] [--seconds 15] [--workers 4] [--profile 30]

Seeds the demo county (``web.demo.seed``: 2,100 households, ~1,700 postings, stored matches) on a
throw-away database (SQLite, or PostgreSQL with ``BENCH_DATABASE_URL``), serves it with gunicorn
(sync workers, ``DEBUG`` off, as in production) and sends logged-in requests from N simulated users (threads, each
with its own session, one request after another) for a fixed time per page:

* ``/matching/``   the demo worker's 我的推荐岗位;
* ``/jobs/``       the job search, as the demo worker;
* ``/households/`` the county organizer's household list.

It prints requests per second and latency percentiles per page and number of users; then it
profiles each page in-process (Django's test client, cProfile) and prints, per request, the SQL
time and count, the time spent rendering templates, and the functions that take the most time, so
that the figures say what bounds each page. The load generator runs on the same machine as the
server: on a 2-core machine they compete for the same cores, which the figures include.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import os
import pstats
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from _setup import ROOT, percentile, start

PAGES = [("/matching/", "worker_demo"), ("/jobs/", "worker_demo"), ("/households/", "org_county")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def login(port: int, username: str, password: str) -> str:
    """A session cookie for ``username``, through the login form."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    response.read()
    csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    assert csrf, "no CSRF cookie"
    body = f"username={username}&password={password}&csrfmiddlewaretoken={csrf[1]}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf[1]}"},
    )
    response = conn.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    assert session, f"login of {username} failed ({response.status})"
    return session[1]


def load(port: int, path: str, cookies: list[str], seconds: float) -> dict[str, Any]:
    """Each user requests ``path`` again and again for ``seconds``; latencies of the answers."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def user(cookie: str) -> None:
        nonlocal errors
        while time.monotonic() < stop_at:
            started = time.monotonic()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                conn.close()
            except OSError:
                ok = False
            elapsed = time.monotonic() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1

    threads = [threading.Thread(target=user, args=(c,)) for c in cookies]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - began
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / wall,
        "p50": percentile(latencies, 0.5) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
    }


def profile(path: str, username: str, requests: int) -> None:
    """Per request: total, SQL (count, time), template rendering; the top functions by own time."""
    from django.db import connection
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    client.get(path)  # warm caches (the skill resolver, the matching market, compiled templates)
    queries = {"n": 0, "t": 0.0}

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries["n"] += 1
            queries["t"] += time.perf_counter() - started

    profiler = cProfile.Profile()
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        profiler.enable()
        for _ in range(requests):
            assert client.get(path).status_code == 200
        profiler.disable()
        total = (time.perf_counter() - started) / requests
    stats = pstats.Stats(profiler)
    # Cumulative time under the template backend's render: the templates and what they evaluate.
    templates = max(
        (row[3] for func, row in stats.stats.items() if func[2] == "render" and "template/backends" in func[0]),
        default=0.0,
    )
    print(
        f"{path:<14} {total * 1000:7.1f} ms/request   SQL {queries['n'] / requests:5.1f} queries "
        f"{queries['t'] / requests * 1000:6.1f} ms   templates {templates / requests * 1000:6.1f} ms (profiled)"
    )
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(12)
    lines = [line for line in out.getvalue().splitlines() if re.match(r"\s+\d", line)]
    for line in lines[:12]:
        print("    " + line.strip())


def production_like() -> None:
    """DEBUG off, as served in production (the server and this process): fresh keys, no HTTPS
    redirect (plain HTTP on the loopback), static files collected into a temporary folder."""
    import secrets
    import tempfile

    from cryptography.fernet import Fernet

    os.environ.update(
        {
            "DEBUG": "False",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "FIELD_HASH_KEY": secrets.token_urlsafe(32),
            "SECURE_SSL_REDIRECT": "False",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "STATIC_ROOT": tempfile.mkdtemp(prefix="relief-bench-static-"),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--profile", type=int, default=30, help="requests per page in the profile (0: none)")
    parser.add_argument("--households", type=int, default=2100)
    args = parser.parse_args()

    production_like()
    workdir = start()
    from django.core.management import call_command

    from web import demo

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG is off: hashed static files

    began = time.monotonic()
    demo.seed(households=args.households, verbose=lambda s: None)
    print(f"demo county seeded in {time.monotonic() - began:.0f} s ({os.environ['DATABASE_URL'].split(':')[0]})")

    port = free_port()
    env = dict(os.environ, OUTBOX_RELAY_THREAD="False", PYTHONPATH=str(ROOT))
    log = (workdir / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "web.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while b"Booting worker" not in Path(log.name).read_bytes() and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(3)  # every worker booted and warmed up
        print(f"gunicorn: {args.workers} sync workers; load generator: threads on the same machine")
        heads = ("users", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms")
        print(f"{'page':<14} " + " ".join(f"{h:>8}" for h in heads))
        sessions: dict[str, list[str]] = {}
        for path, username in PAGES:
            if username not in sessions:
                sessions[username] = [login(port, username, demo.DEMO_PASSWORD) for _ in range(max(args.users))]
            load(port, path, sessions[username][:2], 3)  # warm every worker's caches
            for users in args.users:
                r = load(port, path, sessions[username][:users], args.seconds)
                print(
                    f"{path:<14} {users:>8} {r['requests']:>8} {r['errors']:>8} {r['rps']:>8.1f} "
                    f"{r['p50']:>8.0f} {r['p95']:>8.0f} {r['p99']:>8.0f}"
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.profile:
        print(f"\nIn-process profile, {args.profile} requests per page (cProfile inflates Python time):")
        for path, username in PAGES:
            profile(path, username, args.profile)


if __name__ == "__main__":
    main()
