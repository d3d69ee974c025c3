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
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, overload

from django.db import connections
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from core import crypto
from households.models import HardshipCause, Household, Member
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
INCOME_POINTS = RULE_POINTS["income"]
DIBAO_POINTS = RULE_POINTS["dibao"]
DEPENDANT_POINTS = RULE_POINTS["dependants"]
CAUSE_POINTS = {
    "illness": RULE_POINTS["illness"],
    "disability": RULE_POINTS["disability"],
    "disaster": RULE_POINTS["disaster"],
    "accident": RULE_POINTS["disaster"],
    "single_parent": RULE_POINTS["single_parent"],
    "elderly_care": RULE_POINTS["elderly_care"],
}


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


@dataclass(slots=True)
class Candidate:
    household_id: int
    number: str
    org_unit_id: int
    score: int
    # What the score was computed from: (income fen, line fen, on 低保, causes, members, dependants).
    inputs: tuple[int | None, int | None, bool, frozenset[str], int, int]
    received_this_year: int = 0  # fen, from warmth
    rank: int = 0
    reached: bool = False  # within the campaign's remaining budget
    head_name: str = ""

    @property
    def reason_codes(self) -> list[tuple[str, dict[str, int]]]:
        return explain(*self.inputs)

    @property
    def reasons(self) -> list[str]:
        """Why, in the reader's language (worked out only for the rows shown)."""
        return [_reason_text(code, params) for code, params in self.reason_codes]


def need_score(
    income: int | None, line: int | None, dibao: bool, causes: frozenset[str], members: int, dependants: int
) -> int:
    """The rule of the module docstring, on whole fen (``income``: a month per head). Kept free of
    allocations: it runs once per household of the county on every ranking."""
    points = 0
    if income is None or line is None:
        points += UNKNOWN_INCOME_POINTS
    elif income <= line:
        points += round(INCOME_POINTS * (line - income) / line)
    if dibao:
        points += DIBAO_POINTS
    if causes:
        points += causes_points(causes)
    if members and dependants:
        points += round(DEPENDANT_POINTS * min(dependants, members) / members)
    return min(points, 100)


@functools.lru_cache(maxsize=512)
def causes_points(causes: frozenset[str]) -> int:
    """Points for a set of causes; a county has few distinct sets, so each is counted once."""
    points = sum(CAUSE_POINTS.get(code, 0) for code in causes)
    if "disaster" in causes and "accident" in causes:
        points -= CAUSE_POINTS["accident"]  # disaster or accident: counted once
    return points


def explain(
    income: int | None, line: int | None, dibao: bool, causes: frozenset[str], members: int, dependants: int
) -> list[tuple[str, dict[str, int]]]:
    """The reasons behind ``need_score`` for the same inputs, as codes and figures."""
    reasons: list[tuple[str, dict[str, int]]] = []
    if income is None or line is None:
        reasons.append(("unknown", {}))
    elif income <= line:
        reasons.append(("below", {"pct": round((line - income) * 100 / line)}))
    if dibao:
        reasons.append(("dibao", {}))
    for code in ("illness", "disability"):
        if code in causes:
            reasons.append((code, {}))
    if "disaster" in causes or "accident" in causes:
        reasons.append(("disaster", {}))
    if members and dependants:
        reasons.append(("dependants", {"n": dependants, "m": members}))
    for code in ("single_parent", "elderly_care"):
        if code in causes:
            reasons.append((code, {}))
    return reasons


def score_household(
    *,
    income: int | None,
    line: int | None,
    dibao: bool,
    causes: set[str] | frozenset[str],
    members: int,
    dependants: int,
) -> tuple[int, list[tuple[str, dict[str, int]]]]:
    """The score and its reasons for one household (tests and explanations)."""
    inputs = (income, line, dibao, frozenset(causes), members, dependants)
    return need_score(*inputs), explain(*inputs)


def _rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` query as the database sends them: the ranking reads 100,000
    rows, and Django's per-value converters cost more than the scoring (the one encrypted column
    is decrypted by the caller)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _incomes_fen(tokens: list[str | None]) -> list[int | None]:
    """Income per head (fen) from the stored tokens, decrypted in one batch."""
    present = [t for t in tokens if t]
    plain = iter(crypto.decrypt_many(present))  # type: ignore[arg-type]
    return [_fen(next(plain)) if t else None for t in tokens]


def _fen(text: str) -> int:
    """``int(Decimal(text) * 100)`` (whole fen, cut toward zero) for the plain "1234.5" that the
    archive stores, without a Decimal per household; anything else goes through Decimal."""
    whole, dot, cents = text.partition(".")
    if whole.isdigit() and (not dot or cents.isdigit()):
        return int(whole) * 100 + int((cents + "00")[:2])
    return int(Decimal(text) * 100)


def candidates(
    households: QuerySet[Household],
    *,
    on: dt.date,
    year_period: str,
    yearly_cap: int | None,
    per_household: int,
    remaining: int,
    exclude_ids: set[int] | None = None,
) -> tuple[Ranking, int]:
    """Rank ``households`` (active ones, in the caller's reach) by need. Households that could not
    take this campaign's gift without going over the yearly cap are left out; their number is
    returned beside the list. ``reached`` marks the candidates the ``remaining`` budget covers,
    from the top."""
    exclude_ids = exclude_ids or set()
    base = households.filter(state=Household.State.ACTIVE).order_by()
    rows = _rows(base.values_list("id", "number", "org_unit_id", "region_id", "income_per_head", "dibao_status"))
    ids = base.values("pk")
    codes = dict(HardshipCause.objects.values_list("pk", "code"))
    causes: dict[int, set[str]] = {}
    for household_id, cause_id in _rows(
        Household.hardship_causes.through.objects.filter(household_id__in=ids)
        .order_by()
        .values_list("household_id", "hardshipcause_id")
    ):
        causes.setdefault(household_id, set()).add(codes[cause_id])
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
    rows_out: list[_Row] = []
    over_cap = 0
    incomes = _incomes_fen([row[4] for row in rows])
    empty: frozenset[str] = frozenset()
    frozen = {household_id: frozenset(codes) for household_id, codes in causes.items()}
    lines: dict[str, int | None] = {}
    for (household_id, number, unit_id, region_id, _token, dibao_status), income in zip(rows, incomes, strict=True):
        if household_id in exclude_ids:
            continue
        got = received.get(household_id, 0)
        if yearly_cap is not None and got + per_household > yearly_cap:
            over_cap += 1
            continue
        members, dependants = sizes.get(household_id, (0, 0))
        if region_id not in lines:
            lines[region_id] = table.get(region_id)
        inputs = (
            income,
            lines[region_id],
            dibao_status == receiving,
            frozen.get(household_id, empty),
            members,
            dependants,
        )
        # Sorted as it stands: highest need first; among equals, whoever received less this year,
        # then the older archive.
        rows_out.append((-need_score(*inputs), got, household_id, number, unit_id, inputs))
    rows_out.sort()
    reach = remaining // per_household if per_household > 0 else 0
    return Ranking(rows_out, reach), over_cap


_Row = tuple[int, int, int, str, int, tuple[int | None, int | None, bool, frozenset[str], int, int]]


class Ranking(Sequence[Candidate]):
    """The ranked candidates. A county has 100,000 households and a page shows a few dozen, so
    a row becomes a ``Candidate`` only when it is read."""

    def __init__(self, rows: list[_Row], reach: int) -> None:
        self._rows = rows
        self.reach = min(reach, len(rows))

    def __len__(self) -> int:
        return len(self._rows)

    def _candidate(self, index: int) -> Candidate:
        negative, got, household_id, number, unit_id, inputs = self._rows[index]
        return Candidate(
            household_id, number, unit_id, -negative, inputs, got, rank=index + 1, reached=index < self.reach
        )

    @overload
    def __getitem__(self, index: int) -> Candidate: ...

    @overload
    def __getitem__(self, index: slice) -> list[Candidate]: ...

    def __getitem__(self, index: int | slice) -> Candidate | list[Candidate]:
        if isinstance(index, slice):
            return [self._candidate(i) for i in range(*index.indices(len(self._rows)))]
        if index < 0:
            index += len(self._rows)
        if not 0 <= index < len(self._rows):
            raise IndexError(index)
        return self._candidate(index)

    def scores(self) -> dict[int, int]:
        """Each ranked household's need score."""
        return {row[2]: -row[0] for row in self._rows}

    def reached_ids(self) -> list[int]:
        """The households the budget reaches, from the top."""
        return [row[2] for row in self._rows[: self.reach]]


def name_heads(rows: list[Candidate]) -> None:
    """Fill in the heads' names of the rows a page shows (one query)."""
    heads = dict(
        Member.objects.filter(
            household_id__in=[c.household_id for c in rows], relation=Member.Relation.HEAD, is_current=True
        ).values_list("household_id", "name")
    )
    for candidate in rows:
        candidate.head_name = heads.get(candidate.household_id, "")
