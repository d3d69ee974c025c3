"""Coverage and demand figures per unit, counted in the background and read by the pages.

Counting a county's coverage (every capable member, every household) and its demand (each person's
three best skills to learn, from the skill-gap index) took 0.3 to 0.9 s per view on the demo county
and grows with the archive. The figures change slowly (a certificate, a new cohort), so they are
counted per unit by the beat task ``training.refresh_reports`` and stored in ``UnitReport``; a page
reads a few rows and says "as of" when they were counted. A report that is missing (a new unit, a
fresh install) or older than ``MAX_AGE`` (the beat is not running) is counted again when a page asks.

* Coverage is stored as each unit's *own* counts, all units in one pass over the members and
  households (two statements, ``selectors.coverage_sources``); a reader's table is rolled up from
  them by ``accounts.rollup.rollup_stored``, so one set of rows serves every reach.
* Demand is stored per unit over its subtree (``selectors.demand_rows``): it is not additive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from accounts import rollup
from accounts.models import OrgUnit
from households.models import Household, Member
from training import selectors
from training.models import UnitReport

# The beat refreshes every 30 minutes (web/settings.py); a report older than twice that means the
# beat is not running, and the page counts again rather than show old figures for ever.
MAX_AGE = dt.timedelta(hours=1)


def is_stale(report: UnitReport, *, now: dt.datetime | None = None) -> bool:
    return report.computed_at < (now or timezone.now()) - MAX_AGE


# --- counting ------------------------------------------------------------------------------------------


def refresh_coverage() -> tuple[dict[int, dict[str, int]], dt.datetime]:
    """Count every unit's own coverage figures and store them (one row per unit); return them and
    when they were counted."""
    table = rollup.rollup_sources(
        selectors.coverage_sources(Member.objects.all(), Household.objects.all()), tops=None, keep_empty=True
    )
    now = timezone.now()
    own = {row.unit.pk: {name: int(value) for name, value in row.own.items()} for row in table.rows}
    # One statement for every unit: a report in place is replaced (the unique unit and kind).
    UnitReport.objects.bulk_create(
        [
            UnitReport(unit_id=unit_id, kind=UnitReport.Kind.COVERAGE, payload={"own": figures}, computed_at=now)
            for unit_id, figures in own.items()
        ],
        update_conflicts=True,
        unique_fields=["unit", "kind"],
        update_fields=["payload", "computed_at"],
    )
    return own, now


def refresh_demand(unit: OrgUnit) -> UnitReport:
    """Count the demand rows of ``unit`` (and below) and store them."""
    rows = [
        {
            "skill": row.skill.code,
            "advised": row.advised,
            "holders": row.holders,
            "open_seats": row.open_seats,
            "posting_seats": row.posting_seats,
        }
        for row in selectors.demand_rows(unit)
    ]
    report, _created = UnitReport.objects.update_or_create(
        unit=unit, kind=UnitReport.Kind.DEMAND, defaults={"payload": {"rows": rows}, "computed_at": timezone.now()}
    )
    return report


def refresh_all() -> int:
    """Every unit's coverage and demand, counted again (the beat task). Idempotent: a unit keeps one
    report of each kind, replaced in place. Returns the number of reports written."""
    own, _when = refresh_coverage()
    written = len(own)
    for unit in OrgUnit.objects.order_by("path"):
        refresh_demand(unit)
        written += 1
    return written


# --- reading (counting first when missing or stale) ------------------------------------------------


def coverage_figures(units: Sequence[OrgUnit]) -> tuple[Mapping[int, Mapping[str, Any]], dt.datetime | None]:
    """The stored own coverage figures of ``units`` and when the oldest was counted; counted again
    for the whole tree first when one is missing or stale."""
    if not units:
        return {}, None
    ids = [u.pk for u in units]
    reports = list(UnitReport.objects.filter(kind=UnitReport.Kind.COVERAGE, unit_id__in=ids))
    now = timezone.now()
    if len(reports) < len(ids) or any(is_stale(r, now=now) for r in reports):
        counted, when = refresh_coverage()
        wanted = set(ids)
        return {pk: figures for pk, figures in counted.items() if pk in wanted}, when
    own = {r.unit_id: r.payload.get("own", {}) for r in reports}
    return own, min((r.computed_at for r in reports), default=None)


def demand_figures(unit: OrgUnit) -> tuple[list[dict[str, Any]], dt.datetime]:
    """The stored demand rows of ``unit`` and when they were counted; counted now when missing or stale."""
    report = UnitReport.objects.filter(kind=UnitReport.Kind.DEMAND, unit=unit).first()
    if report is None or is_stale(report):
        report = refresh_demand(unit)
    return list(report.payload.get("rows", [])), report.computed_at
