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
from typing import Any

from django.db import connections
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from core import crypto
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


def _reason_text(code: str, params: dict[str, int]) -> str:
    texts = {
        "unknown": _("income or 低保 line unknown"),
        "below": _("income %(pct)s%% below the line"),
        "dibao": _("on 低保"),
        "illness": _("illness"),
        "disability": _("disability"),
        "disaster": _("disaster or accident"),
        "dependants": _("%(n)s of %(m)s to keep"),
        "single_parent": _("single parent"),
        "elderly_care": _("elderly care"),
    }
    return texts[code] % params if params else texts[code]


@dataclass
class Candidate:
    household_id: int
    number: str
    org_unit_id: int
    score: int
    reason_codes: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    received_this_year: int = 0  # fen, from warmth
    rank: int = 0
    reached: bool = False  # within the campaign's remaining budget
    head_name: str = ""

    @property
    def reasons(self) -> list[str]:
        """Why, in the reader's language (translated only for the rows shown)."""
        return [_reason_text(code, params) for code, params in self.reason_codes]


def score_household(
    *,
    income: int | None,
    line: int | None,
    dibao: bool,
    causes: set[str],
    members: int,
    dependants: int,
) -> tuple[int, list[tuple[str, dict[str, int]]]]:
    """The rule of the module docstring, on whole fen (``income``: a month per head)."""
    points = 0
    reasons: list[tuple[str, dict[str, int]]] = []
    if income is None or line is None:
        points += UNKNOWN_INCOME_POINTS
        reasons.append(("unknown", {}))
    elif income <= line:
        share = (line - income) / line
        points += round(RULE_POINTS["income"] * share)
        reasons.append(("below", {"pct": round(share * 100)}))
    if dibao:
        points += RULE_POINTS["dibao"]
        reasons.append(("dibao", {}))
    if "illness" in causes:
        points += RULE_POINTS["illness"]
        reasons.append(("illness", {}))
    if "disability" in causes:
        points += RULE_POINTS["disability"]
        reasons.append(("disability", {}))
    if "disaster" in causes or "accident" in causes:
        points += RULE_POINTS["disaster"]
        reasons.append(("disaster", {}))
    if members and dependants:
        points += round(RULE_POINTS["dependants"] * min(dependants, members) / members)
        reasons.append(("dependants", {"n": dependants, "m": members}))
    if "single_parent" in causes:
        points += RULE_POINTS["single_parent"]
        reasons.append(("single_parent", {}))
    if "elderly_care" in causes:
        points += RULE_POINTS["elderly_care"]
        reasons.append(("elderly_care", {}))
    return min(points, 100), reasons


def _rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` query as the database sends them: the ranking reads 100,000
    rows, and Django's per-value converters cost more than the scoring (the one encrypted column
    is decrypted by the caller)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _income_fen(token: str | None) -> int | None:
    if not token:
        return None
    return int(Decimal(crypto.decrypt(token)) * 100)


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
    base = households.filter(state=Household.State.ACTIVE).order_by()
    rows = _rows(base.values_list("id", "number", "org_unit_id", "region_id", "income_per_head", "dibao_status"))
    ids = base.values("pk")
    causes: dict[int, set[str]] = {}
    for household_id, code in _rows(
        Household.hardship_causes.through.objects.filter(household_id__in=ids)
        .order_by()
        .values_list("household_id", "hardshipcause__code")
    ):
        causes.setdefault(household_id, set()).add(code)
    young = on.replace(year=on.year - 16)
    old = on.replace(year=on.year - 60)
    sizes: dict[int, tuple[int, int]] = {
        household_id: (n, dep)
        for household_id, n, dep in _rows(
            Member.objects.filter(household_id__in=ids, is_current=True)
            .order_by()
            .values("household_id")
            .annotate(
                n=Count("id"),
                dep=Count(
                    "id",
                    filter=Q(birth_date__gt=young) | Q(birth_date__lte=old) | Q(work_capacity=Member.WorkCapacity.NONE),
                ),
            )
            .values_list("household_id", "n", "dep")
        )
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
    receiving = Household.DibaoStatus.RECEIVING.value
    ranked: list[Candidate] = []
    over_cap = 0
    no_causes: set[str] = set()
    for household_id, number, unit_id, region_id, income, dibao_status in rows:
        if household_id in exclude_ids:
            continue
        got = received.get(household_id, 0)
        if yearly_cap is not None and got + per_household > yearly_cap:
            over_cap += 1
            continue
        members, dependants = sizes.get(household_id, (0, 0))
        score, reasons = score_household(
            income=_income_fen(income),
            line=table.get(region_id),
            dibao=dibao_status == receiving,
            causes=causes.get(household_id, no_causes),
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
