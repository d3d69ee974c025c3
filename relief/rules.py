"""The pieces eligibility rules are written from, evaluated on the archive: the 低保 line of a
household's region and year, income per head against it, causes, target groups, members' status,
age and school. A track's rule combines them and says why, in words a worker understands.

Income per head is encrypted at rest (``core.crypto``); these functions read it from the household
row the caller loaded, and never log it: the application keeps the reasons, not the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from funds.money import format_yuan
from households.models import Household, Member
from relief.models import DibaoLine
from relief.registry import Eligibility, Prepared

APPLYING_STATES = (Household.State.ACTIVE,)


def line_for(region_code: str | None, year: int) -> int | None:
    """The 低保 line (fen per head per month) of the region for the year: the region's own, else
    the nearest region above with one (a county without its own line uses its city's)."""
    return _lines(year).get(region_code or "") or _inherited(region_code, year)


def _lines(year: int) -> dict[str, int]:
    return dict(DibaoLine.objects.filter(year=year).values_list("region_id", "monthly_per_head"))


def _inherited(region_code: str | None, year: int) -> int | None:
    from core.models import Region

    lines = _lines(year)
    code = region_code
    seen = 0
    while code and seen < 5:  # province > city > county: three levels, never a loop
        parent = Region.objects.filter(code=code).values_list("parent_id", flat=True).first()
        if parent and parent in lines:
            return lines[parent]
        code = parent
        seen += 1
    return None


class LineTable:
    """Every line of a year, read once: for rules evaluated over many households (rankings,
    worklists) without a query per household."""

    def __init__(self, year: int) -> None:
        from core.models import Region

        self.year = year
        self.lines = _lines(year)
        self.parents = dict(Region.objects.filter(level__lt=3).values_list("code", "parent_id"))
        self._cache: dict[str, int | None] = {}

    def get(self, region_code: str) -> int | None:
        if region_code not in self._cache:
            self._cache[region_code] = self._find(region_code)
        return self._cache[region_code]

    def _find(self, region_code: str) -> int | None:
        if region_code in self.lines:
            return self.lines[region_code]
        # County codes end in two digits after the city's: 150624 -> city 150600 -> province 150000.
        for parent in (region_code[:4] + "00", region_code[:2] + "0000"):
            if parent in self.lines:
                return self.lines[parent]
        return None


def income_fen(household: Household) -> int | None:
    value = household.income_per_head
    if value is None:
        return None
    return int((Decimal(value) * 100).to_integral_value())


def below_line(household: Household, on: dt.date, *, table: LineTable | None = None) -> tuple[bool | None, str]:
    """Is the household's income per head at or below its region's line? ``None`` when either is
    unknown, with the reason."""
    line = table.get(household.region_id) if table is not None else line_for(household.region_id, on.year)
    if line is None:
        return None, _("No 低保 line is set for the household's region in %(year)s.") % {"year": on.year}
    income = income_fen(household)
    if income is None:
        return None, _("The household's income per head is not recorded.")
    if income <= line:
        return True, _("Income per head is at or below the 低保 line of %(line)s a month.") % {
            "line": format_yuan(line)
        }
    return False, _("Income per head is above the 低保 line of %(line)s a month.") % {"line": format_yuan(line)}


def cause_codes(household: Household) -> set[str]:
    return {c.code for c in household.hardship_causes.all()}


def group_codes(household: Household) -> set[str]:
    return {g.code for g in household.target_groups.all()}


def in_archive(member: Member) -> tuple[bool, str]:
    household = member.household
    if not member.is_current:
        return False, _("%(name)s no longer lives in the household.") % {"name": member.name}
    if household.state not in APPLYING_STATES:
        return False, _("The household's archive is not active (%(state)s).") % {"state": household.get_state_display()}
    return True, ""


# --- case tracks: anyone in the archive may have a case; a case track takes no applications -------------


def case_eligibility(member: Member, on: dt.date) -> Eligibility:
    ok, why = in_archive(member)
    return Eligibility.yes(_("In the archive.")) if ok else Eligibility.no(why)


def case_prepare(member: Member, data: dict[str, Any], on: dt.date) -> Prepared:
    return Prepared()  # never called: a case track takes no applications


def working_age(member: Member, on: dt.date) -> bool:
    return 16 <= member.age_on(on) < 60


def able_to_work(member: Member, on: dt.date) -> bool:
    return (
        member.is_current
        and working_age(member, on)
        and member.work_capacity in (Member.WorkCapacity.FULL, Member.WorkCapacity.PARTIAL)
    )


def dependants(members: Iterable[Member], on: dt.date) -> int:
    """Members others must keep: children under 16, the old (60 and over), those unable to work."""
    return sum(
        1
        for m in members
        if m.is_current and (m.age_on(on) < 16 or m.age_on(on) >= 60 or m.work_capacity == Member.WorkCapacity.NONE)
    )
