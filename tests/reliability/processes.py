"""Real processes for the kill and broker tests: a Celery worker (or a gunicorn server) started as a
subprocess against the test database and the test broker, killed with SIGKILL at a chosen moment.

They need PostgreSQL (the subprocess must reach the test database, which SQLite keeps in memory)
and a real broker; the marker ``processes`` selects them, and they are skipped with a message
elsewhere. Every wait is bounded."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

needs_processes = [
    pytest.mark.processes,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="starts real worker processes against the test database: needs PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.skipif(
        settings.CELERY_TASK_ALWAYS_EAGER,
        reason="kills real Celery workers: needs a broker (set CELERY_BROKER_URL to a Redis database)",
    ),
]


def database_url_of_tests() -> str:
    """The URL of the database the tests run on (pytest-django's ``test_…`` copy)."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def process_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url_of_tests(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CONN_MAX_AGE": "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def wait_for(predicate: Callable[[], Any], *, timeout: float, interval: float = 0.05, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what or predicate}")


@dataclass
class Process:
    popen: subprocess.Popen[bytes]
    log: Path
    name: str = ""
    killed: bool = field(default=False)
    base_url: str = ""

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.popen.pid}/task/{self.popen.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def kill(self) -> None:
        """SIGKILL the whole process group: the worker and its pool children, as a crash would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)
        self.killed = True


@contextlib.contextmanager
def spawn(command: list[str], *, ready: str, env: dict[str, str], timeout: float = 90) -> Iterator[Process]:
    """Start ``command`` in its own process group, wait until its log shows ``ready``, and make
    sure it is gone afterwards."""
    log = Path(tempfile.mkstemp(prefix="relief-proc-", suffix=".log")[1])
    with log.open("wb") as out:
        popen = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    process = Process(popen, log, name=command[2] if len(command) > 2 else command[0])
    try:

        def is_ready() -> bool:
            if popen.poll() is not None:
                raise AssertionError(f"{command} exited with {popen.returncode}:\n{process.output()[-3000:]}")
            return ready in process.output()

        wait_for(is_ready, timeout=timeout, interval=0.2, what=f"{command[:4]} to start")
        yield process
    finally:
        if popen.poll() is None:
            process.kill()
        with contextlib.suppress(OSError):
            log.unlink()


def celery_worker(
    *, pool: str = "prefork", concurrency: int = 1, **env: str
) -> contextlib.AbstractContextManager[Process]:
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "web",
        "worker",
        "-l",
        "info",
        "-P",
        pool,
        "-c",
        str(concurrency),
        "-n",
        name,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    return spawn(command, ready="ready.", env=process_env(**env))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def purge_broker() -> None:
    """Drop messages earlier tests left in the queue (they point at rows of rolled-back tests), and
    those a killed worker held unacknowledged (Redis would give them back an hour later)."""
    import redis

    from web.celery import app

    app.control.purge()
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        client.delete("unacked", "unacked_index", "unacked_mutex")
    finally:
        client.close()


def broker_is_empty() -> bool:
    """No message waiting in the default queue and none delivered but unacknowledged (Redis)."""
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        return not client.llen("celery") and not client.hlen("unacked")
    finally:
        client.close()


def gunicorn(*, workers: int = 2, timeout: int = 30, **env: str) -> contextlib.AbstractContextManager[Process]:
    """The web application served as in production (sync workers), on a free port."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "web.wsgi",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        "2",
    ]
    manager = spawn(command, ready="Booting worker", env=process_env(**env))

    @contextlib.contextmanager
    def served() -> Iterator[Process]:
        with manager as process:
            process.base_url = f"http://127.0.0.1:{port}"
            yield process

    return served()


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float

    def json(self) -> Any:
        import json

        return json.loads(self.body)


class Browser:
    """A person's session over real HTTP: cookies, the CSRF token, a bounded wait for every answer."""

    def __init__(self, base_url: str) -> None:
        from http.cookiejar import CookieJar
        from urllib.request import HTTPCookieProcessor, build_opener

        self.base_url = base_url
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def send(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        json_body: Any = None,
        body: bytes | None = None,
        content_type: str = "",
        timeout: float = 60,
    ) -> Answer:
        import json
        from urllib.error import HTTPError
        from urllib.parse import urlencode
        from urllib.request import Request

        headers = {"X-CSRFToken": self.cookie("csrftoken"), "Referer": self.base_url + "/"}
        if form is not None:
            body, content_type = urlencode(form).encode(), "application/x-www-form-urlencoded"
        elif json_body is not None:
            body, content_type = json.dumps(json_body).encode(), "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        request = Request(self.base_url + path, data=body, method=method, headers=headers)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return Answer(response.status, response.read(), time.monotonic() - started)
        except HTTPError as error:
            return Answer(error.code, error.read(), time.monotonic() - started)

    def login(self, username: str, password: str) -> None:
        self.send("GET", "/accounts/login/")
        answer = self.send(
            "POST",
            "/accounts/login/",
            form={"username": username, "password": password, "csrfmiddlewaretoken": self.cookie("csrftoken")},
        )
        assert self.cookie("sessionid"), f"login failed ({answer.status})"


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@contextlib.contextmanager
def hanging_server() -> Iterator[int]:
    """A TCP server that accepts connections and never answers (a broker that froze)."""
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _addr = listener.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in held:
            conn.close()
        listener.close()
