"""A real Celery worker, on the real broker and PostgreSQL, killed with SIGKILL in the middle of an
SMS call and started again: every message reaches the provider exactly once.

The provider is the local fake of Tencent Cloud SMS, slowed to 0.3 s an answer so that the kill
lands while a call is in flight (the row then stays ``sending``). After the restart the sweeper,
run here as beat would run it, re-queues the rows whose task died with the worker and settles the
in-flight row by asking the provider's status reports for its key; nothing is sent twice and
nothing is lost. Bounded: about 30 s, at most 150 s."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction

from accounts.models import Role
from notifications import delivery
from notifications.models import Delivery
from notifications.services import Notice, notify_each
from tests.conftest import broker_configured
from tests.factories import UserFactory
from tests.notifications.conftest import tencent_options
from tests.notifications.fakes import FakeProviders

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
KIND = "fair.interviews_tomorrow"
MESSAGES = 30


def _wait(condition: Callable[[], bool], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")
        time.sleep(0.02)


def _database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_env(providers: FakeProviders) -> dict[str, str]:
    options = tencent_options(providers, templates={KIND: "300001"})
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "web.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CONN_MAX_AGE": "0",
        "NOTIFY_SMS": "tencent",
        "NOTIFY_WECHAT": "off",
        "NOTIFY_EMAIL": "off",
        "TENCENT_SMS_SECRET_ID": options["secret_id"],
        "TENCENT_SMS_SECRET_KEY": options["secret_key"],
        "TENCENT_SMS_APP_ID": options["app_id"],
        "TENCENT_SMS_SIGN_NAME": options["sign_name"],
        "TENCENT_SMS_ENDPOINT": options["endpoint"],
        "TENCENT_SMS_SCHEME": "http",
        "TENCENT_SMS_TEMPLATES": json.dumps(options["templates"]),
    }


@pytest.fixture
def start_worker(worker_env: dict[str, str]) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
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
            ],
            cwd=ROOT,
            env=worker_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.mark.skipif(not broker_configured(), reason="needs a Celery broker (CELERY_BROKER_URL): a real worker")
def test_a_worker_killed_mid_delivery_and_restarted_sends_each_message_exactly_once(
    providers: FakeProviders, start_worker: Any, settings: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL run: the worker process shares the test database")
    from web.celery import app

    settings.NOTIFICATION_CHANNELS = {
        "sms": {
            "BACKEND": "notifications.channels.tencent_sms.TencentSmsBackend",
            "OPTIONS": tencent_options(providers, templates={KIND: "300001"}),
        }
    }
    settings.NOTIFICATIONS_LEASE = 3
    settings.NOTIFICATIONS_REQUEUE_AFTER = 2
    app.control.purge()  # nothing left on this broker by earlier tests
    providers.delay = 0.3
    people = [
        UserFactory(role=Role.WORKER, phone=f"1384770{2000 + n:04d}", full_name=f"工人{n}") for n in range(MESSAGES)
    ]
    with transaction.atomic():  # the event; delivery is queued when it commits
        notify_each(
            KIND,
            [Notice(u, {"fair": "春风行动招聘会", "venue": "体育馆", "times": "09:00"}, "/fairs/") for u in people],
            urgent=True,  # no quiet hours, whatever the hour of the test run
        )
    keys = set(Delivery.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == MESSAGES

    worker = start_worker()
    _wait(lambda: len(providers.sms) >= 8, seconds=60, what="the worker to send some messages")
    seen = len(providers.sms)
    _wait(lambda: len(providers.sms) > seen, seconds=10, what="the next call")
    worker.send_signal(signal.SIGKILL)  # the provider holds this call for 0.3 s: it is in flight
    worker.wait(timeout=10)

    in_flight = Delivery.objects.filter(state=Delivery.State.SENDING)
    assert in_flight.count() == 1, "the kill should leave exactly the row being sent in flight"
    sent_before = Delivery.objects.filter(state=Delivery.State.SENT).count()
    assert 0 < sent_before < MESSAGES

    start_worker()
    deadline = time.monotonic() + 90
    while Delivery.objects.exclude(state__in=Delivery.FINAL).exists():
        assert time.monotonic() < deadline, "the outbox did not drain within 90 s"
        delivery.sweep()  # what beat runs every minute
        time.sleep(0.5)

    counts = Counter(providers.sms_keys())
    assert set(counts) == keys, "every message reached the provider"
    assert set(counts.values()) == {1}, f"some were sent twice: {[k for k, n in counts.items() if n > 1]}"
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}
    app.control.purge()
