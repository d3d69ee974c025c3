"""Liveness and readiness, for a load balancer or an orchestrator.

``/healthz`` (liveness) stays trivial: the process answers. It never touches the database or the
broker, so a database outage does not get healthy web processes restarted in a loop.

``/readyz`` (readiness) says whether this process can serve: the database answers, the broker
answers, and the field keys still decrypt the stored canary. Each check runs in its own thread with
a time limit (``READINESS_TIMEOUT``), so a database or a broker that hangs makes the answer "not
ready" in about that time instead of never. The outbox's backlog is reported (not judged): tasks
waiting there are safe, and an operator wants to know how many and since when.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import connection


def _database() -> None:
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                timeout_ms = int(float(settings.READINESS_TIMEOUT) * 1000)
                cursor.execute("SELECT set_config('statement_timeout', %s, false)", [str(timeout_ms)])
            cursor.execute("SELECT 1")
    finally:
        connection.close()


def _broker() -> str | None:
    if current_app.conf.task_always_eager:
        return "not configured (tasks run in-process)"
    url = str(current_app.conf.broker_url)
    timeout = float(settings.READINESS_TIMEOUT)
    if url.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
        return None
    from kombu import Connection

    with Connection(url, connect_timeout=timeout) as conn:
        conn.ensure_connection(max_retries=1, timeout=timeout)
    return None


def _field_keys() -> str | None:
    from core.checks import verify_encryption_keys

    try:
        errors = verify_encryption_keys()
    finally:
        connection.close()
    if errors:
        raise RuntimeError("; ".join(str(e.id) for e in errors))
    return None


def _outbox() -> dict[str, Any]:
    from core import outbox

    try:
        return outbox.backlog()
    finally:
        connection.close()


CHECKS: dict[str, Callable[[], Any]] = {"database": _database, "broker": _broker, "field_keys": _field_keys}


def readiness() -> tuple[bool, dict[str, Any]]:
    """(ready, report). Every check runs at once, each within ``READINESS_TIMEOUT`` seconds."""
    timeout = float(settings.READINESS_TIMEOUT)
    pool = ThreadPoolExecutor(max_workers=len(CHECKS) + 1, thread_name_prefix="readiness")
    started = time.monotonic()
    futures = {name: pool.submit(check) for name, check in CHECKS.items()}
    backlog = pool.submit(_outbox)
    report: dict[str, Any] = {}
    ready = True
    for name, future in futures.items():
        left = max(0.0, timeout - (time.monotonic() - started))
        try:
            note = future.result(timeout=left)
        except FutureTimeout:
            ready = False
            report[name] = {"ok": False, "error": f"no answer within {timeout:g} s"}
        except Exception as exc:  # the check failed: say which kind of failure, not its details
            ready = False
            report[name] = {"ok": False, "error": type(exc).__name__}
        else:
            report[name] = {"ok": True, **({"note": note} if note else {})}
    try:
        report["outbox"] = backlog.result(timeout=max(0.0, timeout - (time.monotonic() - started)))
    except Exception:
        report["outbox"] = {"error": "unknown"}
    # A check that hangs is left to finish (or time out on its socket) in its thread; nobody waits.
    pool.shutdown(wait=False, cancel_futures=True)
    return ready, report
