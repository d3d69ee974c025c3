"""Shared start-up for benchmark scripts: Django on a throw-away database.

By default a fresh SQLite file in a temporary folder (the embedded default); set
``BENCH_DATABASE_URL`` to measure on PostgreSQL instead (the database must exist and be empty or
disposable: the script migrates it and fills it).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start(*, broker: str = "") -> Path:
    """Django on a fresh database; Celery tasks run eagerly unless a ``broker`` URL is given."""
    sys.path.insert(0, str(ROOT))
    workdir = Path(tempfile.mkdtemp(prefix="relief-bench-"))
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "web.settings")
    os.environ["CELERY_BROKER_URL"] = broker
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return workdir


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far, from ``/proc``: a PostgreSQL backend's
    (``SELECT pg_backend_pid()``), so that a benchmark counts the database's work beside its own."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
