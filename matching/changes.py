"""What changed behind a cached market since it last looked: the rows of ``MarketChange`` that the
database's triggers wrote (migration 0007) and that a snapshot of the log did not see yet.

A cached market keeps, per side, the snapshot it last found everything taken in at (``Seen``), and
for each row a refresh took in since, the snapshot that refresh read the row at. The side is
current when each change the old snapshot did not see is seen by the snapshot of its row's
refresh. Reading the changes is one statement over two index ranges (the log's ids after the last
one seen, its transactions from the oldest one running then), so a check costs the changes since
the last check, not the region's size.

On PostgreSQL a log row's id is taken when it is written, not when its transaction commits: a
transaction running when the snapshot was taken may commit rows with ids below ones already seen.
So a snapshot is PostgreSQL's own (``pg_current_snapshot()``: the oldest transaction still
running, the next one to start, those running in between) and a change is seen by it as its
transaction is. SQLite has one writer at a time: a snapshot is the last id."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils import timezone

from matching.models import MarketChange

TABLE = MarketChange._meta.db_table


@dataclass(frozen=True)
class Snapshot:
    last: int  # the latest log id visible (all of them on SQLite, this transaction's on PostgreSQL)
    xmin: int | None = None  # PostgreSQL: transactions below this one had ended
    xmax: int | None = None  # ... this one and later ones had not started
    running: frozenset[int] = frozenset()  # ... and these were running
    own: int | None = None  # ... this one is the reader's own (its changes up to ``last`` are seen)

    def sees(self, change_id: int, xid: int | None) -> bool:
        """Whether a change (its log id and transaction) had committed, or was the reader's own, when
        the snapshot was taken."""
        if xid is None or self.xmin is None or self.xmax is None or xid == self.own:
            return change_id <= self.last
        if xid < self.xmin:
            return True
        return xid < self.xmax and xid not in self.running


def _pg_snapshot(text: str, own: str | None, last: int | None) -> Snapshot:
    xmin, xmax, running = text.split(":")
    return Snapshot(
        last=int(last or 0),
        xmin=int(xmin),
        xmax=int(xmax),
        running=frozenset(int(x) for x in running.split(",") if x),
        own=int(own) if own else None,
    )


def now() -> Snapshot:
    """The log's snapshot now (one statement, no table scanned): taken before a row is read, every
    change it sees is in what is read afterwards."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned()::text, "
                f"(SELECT max(id) FROM {TABLE})"
            )
            text, own, last = cursor.fetchone()
            return _pg_snapshot(text, own, last)
        cursor.execute(f"SELECT max(id) FROM {TABLE}")
        (last,) = cursor.fetchone()
        return Snapshot(last=int(last or 0))


def since(snapshot: Snapshot, side: str) -> tuple[Snapshot, list[tuple[int, int, int | None]]]:
    """One side's changes ``snapshot`` did not see, as (log id, target, xid), and the snapshot they
    were read at (which sees them all), in one statement."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Unseen: written after the last id seen, or by a transaction running then or later.
            cursor.execute(
                f"SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned()::text, "
                f"(SELECT max(id) FROM {TABLE}), ARRAY(SELECT ARRAY[id, target, xid] FROM {TABLE} "
                "WHERE side = %s AND (xid >= %s OR id > %s))",
                [side, snapshot.xmin if snapshot.xmin is not None else 0, snapshot.last],
            )
            text, own, last, rows = cursor.fetchone()
            found = [(int(i), int(t), int(x)) for i, t, x in rows or []]
            return _pg_snapshot(text, own, last), [c for c in found if not snapshot.sees(c[0], c[2])]
        cursor.execute(
            f"SELECT max(id), NULL, NULL FROM {TABLE} UNION ALL "
            f"SELECT id, target, xid FROM {TABLE} WHERE side = %s AND id > %s",
            [side, snapshot.last],
        )
        (last, _t, _x), *rows = cursor.fetchall()
        return Snapshot(last=int(last or 0)), [(int(i), int(t), None) for i, t, _x in rows]


@dataclass
class Seen:
    """What a cached market holds of one side: every change ``snapshot`` sees, and the change of each
    row taken in since (``taken_in``: the row's target -> the snapshot its refresh read it at)."""

    snapshot: Snapshot
    taken_in: dict[int, Snapshot] = field(default_factory=dict)
    checked_at: float = field(default_factory=time.monotonic)

    def current(self, side: str) -> bool:
        """Whether every change since ``snapshot`` was taken in; if so, ``snapshot`` moves on. A side
        not checked for half of ``MATCHING_CHANGES_KEEP`` is not: its changes may be pruned."""
        found = self.unseen(side)
        if found is None or found[1]:
            return False
        self.moved_on(found[0])
        return True

    def unseen(self, side: str) -> tuple[Snapshot, list[int]] | None:
        """The rows (targets) of ``side`` with a change since ``snapshot`` that no refresh here took
        in, each once in the order first logged, and the snapshot they were read at: once those rows
        are read again after it and taken in, ``moved_on`` it. None when the side was not checked for
        half of ``MATCHING_CHANGES_KEEP`` (its changes may be pruned: rebuild)."""
        if time.monotonic() - self.checked_at > keep() / 2:
            return None
        then, unseen = since(self.snapshot, side)
        rows: dict[int, None] = {}
        for change_id, target, xid in unseen:
            read = self.taken_in.get(target)
            if read is None or not read.sees(change_id, xid):
                rows[target] = None
        return then, list(rows)

    def moved_on(self, then: Snapshot) -> None:
        """Every change ``then`` sees is in the market."""
        self.snapshot, self.checked_at = then, time.monotonic()


def keep() -> float:
    return float(getattr(settings, "MATCHING_CHANGES_KEEP", 86400))


def prune() -> int:
    """Delete the log's rows older than ``MATCHING_CHANGES_KEEP`` (the nightly re-match): every cached
    market has read them, or is rebuilt before it reads again. (A transaction kept open for longer
    than half that between its write and its commit could have its change pruned unread.)"""
    deleted, _by_model = MarketChange.objects.filter(at__lt=timezone.now() - dt.timedelta(seconds=keep())).delete()
    return deleted
