"""The migration that keys stored matches by (member, posting): rows kept both ways, the right key
and no surrogate id after it, and a pair still written once only."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from matching.models import Match

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("matching", "0008_rematch_threshold_parts")
AFTER = ("matching", "0009_match_keyed_by_pair")


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _columns() -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, Match._meta.db_table)]


def _primary_key() -> list[str]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Match._meta.db_table)
    (columns,) = [c["columns"] for c in found.values() if c["primary_key"]]
    return columns


def _rows() -> set[tuple[int, int, float]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT member_id, posting_id, score FROM {Match._meta.db_table}")
        return {(m, p, s) for m, p, s in cursor.fetchall()}


def test_the_stored_matches_survive_the_key_change_both_ways() -> None:
    # Stored matches have no foreign-key constraint: the pairs need no people or postings here.
    now = timezone.now()
    Match.objects.bulk_create(
        Match(member_id=m, posting_id=p, score=round(0.1 * m + 0.01 * p, 2), engine_version="t", computed_at=now)
        for m in (1, 2, 3)
        for p in (7, 8)
    )
    stored = _rows()
    assert len(stored) == 6
    assert _primary_key() == ["member_id", "posting_id"]
    assert "id" not in _columns()
    try:
        _migrate(BEFORE)
        assert _rows() == stored
        assert "id" in _columns() and _primary_key() == ["id"]
        _migrate(AFTER)
        assert _rows() == stored
        assert _primary_key() == ["member_id", "posting_id"] and "id" not in _columns()
    finally:
        _migrate(AFTER)  # whatever failed above, the next tests find the schema as it is
    with pytest.raises(IntegrityError), transaction.atomic():  # the key still refuses a pair twice
        Match.objects.create(member_id=1, posting_id=7, score=0.5, engine_version="t", computed_at=now)
