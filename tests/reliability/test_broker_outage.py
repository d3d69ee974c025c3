"""Findings 5, 6 and 7 with real processes: the web application served by gunicorn against the test
database, and a broker that is down (nothing listens) or hangs (accepts connections and never
answers).

Before the fix a write's background task was lost when the broker was down (the import upload even
answered 500 after committing its job), and a hanging broker held every write until gunicorn killed
the worker, starving the other pages. Now the task is written to the outbox with the change, the
request answers at once, readiness says the broker is away, and once the broker is back the tasks
are sent and run."""

from __future__ import annotations

import subprocess
import sys
import threading
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password

from core.models import OutboxMessage
from households.models import ImportJob, Member
from matching.models import Match
from skills.models import Skill
from tests.households.test_import import household_row, member_row, workbook_bytes
from tests.jobs.conftest import make_employer, make_posting
from tests.matching.world import FORKLIFT, ask_skills
from tests.reliability.processes import (
    ROOT,
    Browser,
    celery_worker,
    free_port,
    gunicorn,
    hanging_server,
    multipart,
    needs_processes,
    process_env,
    purge_broker,
    wait_for,
)

pytestmark = needs_processes

PASSWORD = "outage-pass-2026"


@pytest.fixture
def organizer(people: Any, settings: Any) -> Any:
    """Alice with a password the gunicorn processes can check (the tests hash with MD5 for speed)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    people.alice.password = make_password(PASSWORD)
    people.alice.save(update_fields=["password"])
    return people.alice


@pytest.fixture
def forklift_market(tree: Any, people: Any, household_a: Any) -> Member:
    make_posting_with_forklift = ask_skills(
        make_posting(make_employer(people.eve, tree.county, name="利民物流")), FORKLIFT
    )
    assert make_posting_with_forklift.pk
    return household_a.members.get(user=people.wang)


def test_with_the_broker_down_writes_answer_at_once_and_their_tasks_run_when_it_is_back(
    organizer: Any, forklift_market: Member, tree: Any
) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/9"
    with gunicorn(CELERY_BROKER_URL=dead) as web:
        browser = Browser(web.base_url)
        browser.login("alice", PASSWORD)

        added = browser.send("POST", f"/api/v1/members/{forklift_market.pk}/skills/", json_body={"skill": FORKLIFT})
        assert added.status == 201, added.body[:300]
        assert added.seconds < 5

        body, content_type = multipart(
            {
                "org_unit": str(tree.station_a.pk),
                "mode": "all_or_nothing",
                "csrfmiddlewaretoken": browser.cookie("csrftoken"),
            },
            {"file": ("archive.xlsx", workbook_bytes([household_row("H-900")], [member_row("H-900")]))},
        )
        uploaded = browser.send("POST", "/households/import/", body=body, content_type=content_type)
        assert uploaded.status in (200, 302), uploaded.body[:300]  # the job page, not a 500
        job = ImportJob.objects.get()
        assert job.status == ImportJob.Status.QUEUED

        ready = browser.send("GET", "/readyz")
        assert ready.status == 503 and not ready.json()["checks"]["broker"]["ok"]
        assert ready.json()["checks"]["database"]["ok"]
        assert ready.seconds < 5
        assert browser.send("GET", "/healthz").status == 200

    waiting = sorted((m.task_name, m.args) for m in OutboxMessage.objects.all())
    assert ("households.import_archive", [job.pk]) in waiting
    assert ("matching.refresh_member", [forklift_market.pk]) in waiting
    assert not Match.objects.filter(member=forklift_market).exists()

    # The broker is back: the relay sends what waited, a worker runs it.
    purge_broker()
    relayed = subprocess.run(
        [sys.executable, "manage.py", "relay_outbox", "--now"],
        cwd=ROOT,
        env=process_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert relayed.returncode == 0, relayed.stdout + relayed.stderr
    assert not OutboxMessage.objects.exists()
    with celery_worker():
        wait_for(lambda: ImportJob.objects.get().is_finished, timeout=120, interval=0.5, what="the import")
        wait_for(
            lambda: Match.objects.filter(member=forklift_market).exists(), timeout=60, interval=0.5, what="matches"
        )
    assert ImportJob.objects.get().status == ImportJob.Status.DONE


def test_a_broker_that_never_answers_holds_no_request_and_no_page(organizer: Any, forklift_market: Member) -> None:
    with hanging_server() as port, gunicorn(CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/9", workers=2) as web:
        browser = Browser(web.base_url)
        browser.login("alice", PASSWORD)
        answers: list[Any] = []

        codes = list(Skill.objects.filter(is_active=True).exclude(code=FORKLIFT).values_list("code", flat=True)[:4])

        def write(n: int) -> None:
            body = {"skill": codes[n]}
            answers.append(
                ("write", browser.send("POST", f"/api/v1/members/{forklift_market.pk}/skills/", json_body=body))
            )

        def read() -> None:
            answers.append(("read", browser.send("GET", "/jobs/")))

        threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
        threads += [threading.Thread(target=read) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)
        assert len(answers) == 9
        assert sorted((kind, a.status) for kind, a in answers) == [("read", 200)] * 5 + [("write", 201)] * 4, [
            (kind, a.status, a.body[:200]) for kind, a in answers
        ]
        assert max(a.seconds for _kind, a in answers) < 10, [round(a.seconds, 1) for _k, a in answers]

        ready = browser.send("GET", "/readyz")
        assert ready.status == 503
        # Cut by the readiness deadline or by the broker client's own socket timeout, whichever is first.
        assert ready.json()["checks"]["broker"]["ok"] is False
        assert ready.json()["checks"]["broker"]["error"] in ("no answer within 2 s", "TimeoutError")
        assert ready.seconds < 5
        # The tasks wait in the outbox. The web processes' relays tried the frozen broker and gave up
        # within its socket timeout (a row records the failed attempt); so does a relay by hand.
        assert OutboxMessage.objects.filter(task_name="matching.refresh_member").count() == 4
        wait_for(
            lambda: OutboxMessage.objects.filter(attempts__gte=1).exists(),
            timeout=30,
            interval=0.2,
            what="the web processes' relays to give up",
        )
        relayed = subprocess.run(
            [sys.executable, "manage.py", "relay_outbox", "--now"],
            cwd=ROOT,
            env=process_env(CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/9"),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert relayed.returncode != 0
    assert "stay in the outbox" in relayed.stderr
    assert OutboxMessage.objects.filter(task_name="matching.refresh_member").count() == 4
    assert OutboxMessage.objects.exclude(last_error="").exists()
