"""Finding 7: ``/healthz`` stays trivial (liveness) and ``/readyz`` checks the database, the broker and
the field-key canary, each within a time limit. The broker that is down or hangs is checked with
real processes in test_broker_outage.py; here each failure is simulated."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.checks import Error
from django.db import OperationalError

from core import health

pytestmark = pytest.mark.django_db


def test_a_healthy_process_is_ready(client: Any) -> None:
    answer = client.get("/readyz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ready"
    assert {name: check["ok"] for name, check in body["checks"].items() if name != "outbox"} == {
        "database": True,
        "broker": True,
        "field_keys": True,
    }
    assert body["checks"]["outbox"] == {"waiting": 0, "oldest_seconds": 0}
    assert answer["Cache-Control"].startswith("max-age=0")


def test_a_database_that_fails_makes_the_process_not_ready_but_still_alive(client: Any, monkeypatch: Any) -> None:
    def down() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", down)
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert "refused" not in answer.content.decode()  # the kind of failure, not its details
    assert client.get("/healthz").status_code == 200


def test_a_check_that_hangs_is_cut_at_the_time_limit(client: Any, monkeypatch: Any, settings: Any) -> None:
    settings.READINESS_TIMEOUT = 0.5
    monkeypatch.setitem(health.CHECKS, "broker", lambda: time.sleep(3))
    started = time.monotonic()
    answer = client.get("/readyz")
    assert time.monotonic() - started < 1.5
    assert answer.status_code == 503
    assert answer.json()["checks"]["broker"] == {"ok": False, "error": "no answer within 0.5 s"}
    assert answer.json()["checks"]["database"]["ok"]


def test_field_keys_that_no_longer_read_the_canary_make_it_not_ready(client: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(
        "core.checks.verify_encryption_keys", lambda: [Error("cannot decrypt the canary", id="core.E001")]
    )
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["field_keys"] == {"ok": False, "error": "RuntimeError"}
