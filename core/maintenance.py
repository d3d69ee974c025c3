"""Database upkeep that keeps the query planner honest.

SQLite has no autovacuum-analyze: without statistics its planner picks the unit index for the
county-wide household list and sorts 100,000 rows for a page of 50. ``ANALYZE`` after bulk
writes (imports, demo data) and nightly (Celery beat) fixes that. On PostgreSQL autovacuum does
this already; the explicit run after a large import just makes it immediate.
"""

from __future__ import annotations

from django.db import connection


def analyze_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
