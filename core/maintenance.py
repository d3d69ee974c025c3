"""Database upkeep that keeps the query planner honest.

SQLite has no autovacuum-analyze: without statistics its planner picks the unit index for the
county-wide household list and sorts 100,000 rows for a page of 50. ``ANALYZE`` after bulk
writes (imports, demo data) and nightly (Celery beat) fixes that. On PostgreSQL autovacuum does
this in time; running ``VACUUM ANALYZE`` right after a large import also refreshes the visibility
map at once, so the list's counts become index-only scans without waiting for it.
"""

from __future__ import annotations

from django.db import connection


def analyze_database() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM (ANALYZE)")  # not allowed inside a transaction
        else:
            cursor.execute("ANALYZE")
