"""把有限的资金用于最困难的职工: the need ranking of a warmth campaign, the rule written once.

A household's need score (0-100) adds:

* income: at or below its region's 低保 line, up to 40 points by how far below (40 at no income);
  above the line, nothing; income or line unknown, 10 points (and the reason says so);
* on 低保 (receiving): 10 points;
* illness: 12 points; disability: 12 points; disaster or accident: 8 points;
* dependants (children under 16, people 60 and over, anyone unable to work): up to 20 points, by
  their share of the household;
* single parent: 5 points; heavy elderly care: 3 points.

The page shows this text and each household's reasons. The ranking reads every household in the
campaign's reach in four queries (households, causes, member counts, what each already received
from warmth this year) and scores them in Python: income per head is encrypted, so the database
cannot order by it. ``benchmarks/bench_relief.py`` measures it on 100,000 households.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from households.models import Household, Member
from relief.models import Application
from relief.rules import LineTable

RULE_POINTS = {
    "income": 40,
    "dibao": 10,
    "illness": 12,
    "disability": 12,
    "disaster": 8,
    "dependants": 20,
    "single_parent": 5,
    "elderly_care": 3,
}
UNKNOWN_INCOME_POINTS = 10


@dataclass
class Candidate:
    household_id: int
    number: str
    org_unit_id: int
    score: int
    reasons: list[str] = field(default_factory=list)
    received_this_year: int = 0  # fen, from warmth
    rank: int = 0
    reached: bool = False  # within the campaign's remaining budget
    head_name: str = ""


def score_household(
    *,
    income: Decimal | None,
    line: int | None,
    dibao: bool,
    causes: set[str],
    members: int,
    dependants: int,
) -> tuple[int, list[str]]:
    points = 0
    reasons: list[str] = []
    if income is None or line is None:
        points += UNKNOWN_INCOME_POINTS
        reasons.append(_("income or 低保 line unknown"))
    else:
        income_fen = int(income * 100)
        if income_fen <= line:
            share = (line - income_fen) / line
            got = round(RULE_POINTS["income"] * share)
            points += got
            reasons.append(_("income %(pct)s%% below the line") % {"pct": round(share * 100)})
    if dibao:
        points += RULE_POINTS["dibao"]
        reasons.append(_("on 低保"))
    if "illness" in causes:
        points += RULE_POINTS["illness"]
        reasons.append(_("illness"))
    if "disability" in causes:
        points += RULE_POINTS["disability"]
        reasons.append(_("disability"))
    if causes & {"disaster", "accident"}:
        points += RULE_POINTS["disaster"]
        reasons.append(_("disaster or accident"))
    if members and dependants:
        points += round(RULE_POINTS["dependants"] * min(dependants, members) / members)
        reasons.append(_("%(n)s of %(m)s to keep") % {"n": dependants, "m": members})
    if "single_parent" in causes:
        points += RULE_POINTS["single_parent"]
        reasons.append(_("single parent"))
    if "elderly_care" in causes:
        points += RULE_POINTS["elderly_care"]
        reasons.append(_("elderly care"))
    return min(points, 100), reasons


def candidates(
    households: QuerySet[Household],
    *,
    on: dt.date,
    year_period: str,
    yearly_cap: int | None,
    per_household: int,
    remaining: int,
    exclude_ids: set[int] | None = None,
) -> tuple[list[Candidate], int]:
    """Rank ``households`` (active ones, in the caller's reach) by need. Households that could not
    take this campaign's gift without going over the yearly cap are left out; their number is
    returned beside the list. ``reached`` marks the candidates the ``remaining`` budget covers,
    from the top."""
    exclude_ids = exclude_ids or set()
    base = households.filter(state=Household.State.ACTIVE)
    rows = list(base.values_list("id", "number", "org_unit_id", "region_id", "income_per_head", "dibao_status"))
    ids = base.values("pk")
    causes: dict[int, set[str]] = {}
    for household_id, code in Household.hardship_causes.through.objects.filter(household_id__in=ids).values_list(
        "household_id", "hardshipcause__code"
    ):
        causes.setdefault(household_id, set()).add(code)
    young = on.replace(year=on.year - 16)
    old = on.replace(year=on.year - 60)
    sizes: dict[int, tuple[int, int]] = {
        row["household_id"]: (row["n"], row["dep"])
        for row in Member.objects.filter(household_id__in=ids, is_current=True)
        .values("household_id")
        .annotate(
            n=Count("id"),
            dep=Count(
                "id",
                filter=Q(birth_date__gt=young) | Q(birth_date__lte=old) | Q(work_capacity=Member.WorkCapacity.NONE),
            ),
        )
        .order_by()
    }
    received: dict[int, int] = {
        row["household_id"]: int(row["cash"] or 0) + int(row["goods"] or 0)
        for row in Application.objects.filter(
            track="warmth", period=year_period, state__in=Application.COUNTED_STATES, household_id__in=ids
        )
        .values("household_id")
        .annotate(cash=Sum("amount"), goods=Sum("goods_value"))
        .order_by()
    }
    table = LineTable(on.year)
    ranked: list[Candidate] = []
    over_cap = 0
    for household_id, number, unit_id, region_id, income, dibao_status in rows:
        if household_id in exclude_ids:
            continue
        got = received.get(household_id, 0)
        if yearly_cap is not None and got + per_household > yearly_cap:
            over_cap += 1
            continue
        members, dependants = sizes.get(household_id, (0, 0))
        score, reasons = score_household(
            income=income,
            line=table.get(region_id),
            dibao=dibao_status == Household.DibaoStatus.RECEIVING,
            causes=causes.get(household_id, set()),
            members=members,
            dependants=dependants,
        )
        ranked.append(Candidate(household_id, number, unit_id, score, reasons, got))
    # Highest need first; among equals, whoever received less this year, then the older archive.
    ranked.sort(key=lambda c: (-c.score, c.received_this_year, c.household_id))
    reach = remaining // per_household if per_household > 0 else 0
    for index, candidate in enumerate(ranked, start=1):
        candidate.rank = index
        candidate.reached = index <= reach
    return ranked, over_cap


def name_heads(rows: list[Candidate]) -> None:
    """Fill in the heads' names of the rows a page shows (one query)."""
    heads = dict(
        Member.objects.filter(
            household_id__in=[c.household_id for c in rows], relation=Member.Relation.HEAD, is_current=True
        ).values_list("household_id", "name")
    )
    for candidate in rows:
        candidate.head_name = heads.get(candidate.household_id, "")
