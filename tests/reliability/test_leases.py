"""Session leases (``core.db.session_lease``) on PostgreSQL: a lease released by its holder a moment
later is had by a caller willing to wait, and a session whose client vanished mid-statement gives
its lease up within seconds (``client_connection_check_interval``), not when the statement ends.

The second is what a re-match chunk handed back after ``kill -9`` of its pool child meets: the dead
child's backend is still inside a long write, holding the chunk's lease."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from urllib.parse import quote

import pytest
from django.db import connection

from core.db import lease_is_free, session_lease
from tests.reliability.races import postgres_only

pytestmark = postgres_only

NS = "tests.lease"


def hold_for(seconds: float, key: int, taken: threading.Event) -> None:
    try:
        with session_lease(NS, key) as held:
            assert held
            taken.set()
            time.sleep(seconds)
    finally:
        connection.close()


def test_a_waiting_caller_gets_the_lease_once_its_holder_lets_go() -> None:
    taken = threading.Event()
    holder = threading.Thread(target=hold_for, args=(0.6, 41, taken), daemon=True)
    holder.start()
    assert taken.wait(10)
    with session_lease(NS, 41) as held_at_once:
        assert not held_at_once
    started = time.monotonic()
    with session_lease(NS, 41, wait=10) as held:
        assert held
    assert time.monotonic() - started < 5
    holder.join(5)


def test_a_caller_that_waits_too_little_is_told_no() -> None:
    taken = threading.Event()
    holder = threading.Thread(target=hold_for, args=(2.0, 42, taken), daemon=True)
    holder.start()
    assert taken.wait(10)
    started = time.monotonic()
    with session_lease(NS, 42, wait=0.3) as held:
        assert not held
    assert time.monotonic() - started < 1.5
    holder.join(5)


def test_a_session_killed_mid_statement_gives_its_lease_up_within_seconds() -> None:
    """A separate process takes the lease through the project's settings, starts a 60-second
    statement and is killed with SIGKILL; the lease is free again long before the statement would
    have ended."""
    script = textwrap.dedent(
        f"""
        import django, os, sys
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "web.settings")
        django.setup()
        from django.db import connection
        from core.db import session_lease
        with session_lease({NS!r}, 43) as held:
            assert held
            print("held", flush=True)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(60)")
        """
    )
    env = dict(os.environ, DATABASE_URL=_url_of_test_database())
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "held"
        time.sleep(0.5)  # inside pg_sleep
        assert lease_is_free(NS, 43) is False
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        started = time.monotonic()
        with session_lease(NS, 43, wait=20) as held:
            assert held, "the killed session kept its lease"
        assert time.monotonic() - started < 10
    finally:
        if child.poll() is None:
            child.kill()


def _url_of_test_database() -> str:
    settings = connection.settings_dict
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings.get("PASSWORD") else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        f"/{settings['NAME']}"
    )


@pytest.mark.parametrize("wait", [0.0, 0.5])
def test_a_free_lease_is_had_at_once(wait: float) -> None:
    started = time.monotonic()
    with session_lease(NS, 44, wait=wait) as held:
        assert held
    assert time.monotonic() - started < 0.4
