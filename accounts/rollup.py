"""Figures by union unit, rolled up the tree: the one query shape behind every "by unit" table.

A unit's figure covers its whole subtree: the records held by the unit itself (its "own" row) plus
those of every unit below it. Every table of the product that shows figures by unit (placements,
skills coverage, the ventures portfolio, a fair's report, the assessment's indicators) asks this
module, so that a parent's figure is its own plus its children's by construction, at any depth.

How, in one SQL statement per set of measures (never a query per unit):

1. the records are grouped by the unit that holds them (one pass over the records, which can use
   the index on their unit column), giving each measure per unit;
2. that small result is joined to the unit table twice: once to find the holding unit's path, and
   once to every unit whose path is a prefix of it (``holder.path LIKE ancestor.path || '%'``, the
   materialised path of ``OrgUnit``), and summed per ancestor. The own figure is the part where the
   ancestor is the holder itself.

Only additive measures make sense here (``Count``, ``Sum``, each with an optional ``filter=``): a
ratio is rolled up as its numerator and its denominator, each summed, and divided afterwards, never
averaged. A record is held by exactly one unit, so counts of distinct records add up too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import Aggregate, Count, F, Q, QuerySet

from accounts.models import OrgUnit

if TYPE_CHECKING:
    from accounts.models import User

ROWS = "rows"  # the hidden measure every roll-up carries: how many records a unit's subtree holds

Number = int | Decimal


@dataclass
class RollupRow:
    """One unit of a roll-up table: ``total`` over its subtree, ``own`` over its own records."""

    unit: OrgUnit
    depth: int  # below the table's top units (0 for a top unit)
    total: dict[str, Number]
    own: dict[str, Number]
    has_children: bool = False  # other rows of the table sit below it

    @property
    def rows(self) -> int:
        return int(self.total.get(ROWS, 0))

    @property
    def own_rows(self) -> int:
        return int(self.own.get(ROWS, 0))


@dataclass
class RollupLine:
    """A line to show: a unit's subtree (``is_own`` False), or the unit's own records (True), shown
    under a unit that has units below it so that the reader sees what the unit holds itself."""

    unit: OrgUnit
    depth: int
    values: dict[str, Number]
    is_own: bool = False
    has_children: bool = False


@dataclass
class Rollup:
    measures: tuple[str, ...]
    rows: list[RollupRow] = field(default_factory=list)  # in tree order

    def __post_init__(self) -> None:
        self._by_id = {row.unit.pk: row for row in self.rows}

    def __bool__(self) -> bool:
        return bool(self.rows)

    def row(self, unit: OrgUnit | int) -> RollupRow | None:
        return self._by_id.get(unit if isinstance(unit, int) else unit.pk)

    def value(self, unit: OrgUnit | int, measure: str, *, own: bool = False) -> Number:
        row = self.row(unit)
        if row is None:
            return 0
        return (row.own if own else row.total).get(measure, 0)

    def children(self, unit: OrgUnit | int) -> list[RollupRow]:
        pk = unit if isinstance(unit, int) else unit.pk
        return [row for row in self.rows if row.unit.parent_id == pk]

    @property
    def tops(self) -> list[RollupRow]:
        return [row for row in self.rows if row.depth == 0]

    @property
    def grand_total(self) -> dict[str, Number]:
        """The table's total: the sum of its top units (each covers its whole subtree)."""
        total: dict[str, Number] = dict.fromkeys((*self.measures, ROWS), 0)
        for row in self.tops:
            for name, value in row.total.items():
                total[name] = total.get(name, 0) + value
        return total

    def lines(self, *, own_rows: bool = True) -> Iterator[RollupLine]:
        """What a table shows, in tree order: each unit with its subtree's figures and, right under
        a unit that has units below it and records of its own, a line for those own records."""
        for row in self.rows:
            yield RollupLine(row.unit, row.depth, row.total, has_children=row.has_children)
            if own_rows and row.has_children and row.own_rows:
                yield RollupLine(row.unit, row.depth + 1, row.own, is_own=True)


def reach_tops(user: User) -> list[OrgUnit] | None:
    """The top units of a table for ``user``: a staff member's own unit; ``None`` (the whole tree,
    wherever the records are) for an administrator and for the roles whose records are scoped
    otherwise (an employer's hires, a worker's own)."""
    from accounts import visibility

    if visibility.is_unit_staff(user) and user.org_unit is not None:
        return [user.org_unit]
    return None


def units_under(tops: Sequence[OrgUnit] | None) -> list[OrgUnit]:
    """Every unit of the tops' subtrees (the whole tree for ``None``), in tree order."""
    units = OrgUnit.objects.all()
    if tops is not None:
        if not tops:
            return []
        prefix = Q()
        for top in tops:
            prefix |= Q(path__startswith=top.path)
        units = units.filter(prefix)
    return list(units.order_by("path"))


@dataclass(frozen=True)
class Source:
    """Records to count for a roll-up: ``unit`` is the lookup from them to the ``OrgUnit`` that
    holds them ("org_unit", "member__household__org_unit"); ``measures`` are additive aggregates
    (``Count``, ``Sum``, with an optional ``filter=``)."""

    queryset: QuerySet[Any]
    unit: str
    measures: Mapping[str, Aggregate]


def rollup(
    queryset: QuerySet[Any],
    *,
    unit: str,
    measures: Mapping[str, Aggregate],
    tops: Sequence[OrgUnit] | None = None,
    units: Sequence[OrgUnit] | None = None,
    keep_empty: bool = True,
) -> Rollup:
    """``measures`` of ``queryset``'s records for every unit of the tops' subtrees (the whole tree
    for ``tops=None``), each over the unit's subtree and over its own records.

    ``units``, when the caller already holds them (several roll-ups over one tree), are the
    table's units in tree order; they save a query. ``keep_empty=False`` leaves out the units whose
    subtree holds no record (a fair's report lists the units its attendees come from, and the
    units above them, not the whole county)."""
    return rollup_sources([Source(queryset, unit, measures)], tops=tops, units=units, keep_empty=keep_empty)


def rollup_sources(
    sources: Sequence[Source],
    *,
    tops: Sequence[OrgUnit] | None = None,
    units: Sequence[OrgUnit] | None = None,
    keep_empty: bool = True,
) -> Rollup:
    """Several kinds of records (loans, repayments, write-offs...) as one table: one statement per
    source, the measures of all of them on each row. Measure names must not repeat."""
    names = tuple(name for source in sources for name in source.measures)
    if len(set(names)) != len(names) or ROWS in names:
        raise ValueError(f"Measure names repeat or use the reserved name {ROWS!r}: {names}")
    table_units = list(units) if units is not None else units_under(tops)
    if not table_units:
        return Rollup(measures=names)
    total: dict[int, dict[str, Number]] = {u.pk: dict.fromkeys((*names, ROWS), 0) for u in table_units}
    own: dict[int, dict[str, Number]] = {u.pk: dict.fromkeys((*names, ROWS), 0) for u in table_units}
    if tops is not None:
        # Only the records held inside the table: a town's table does not read the whole county.
        ids = [u.pk for u in table_units]
        sources = [Source(s.queryset.filter(**{f"{s.unit}__in": ids}), s.unit, s.measures) for s in sources]
    for source in sources:
        for unit_id, (subtree, mine) in _rolled_sums(source, tops=tops).items():
            if unit_id not in total:
                continue  # above the table's tops: the join reaches it, the table does not show it
            for name, value in subtree.items():
                total[unit_id][name] += value
            for name, value in mine.items():
                own[unit_id][name] += value
    return _table(names, table_units, total, own, tops=tops, keep_empty=keep_empty)


def _top_depths(tops: Sequence[OrgUnit] | None) -> Any:
    """A function giving, for a unit of the table, the depth of the top unit it sits under."""
    if tops is None:
        return lambda _unit: 0
    ordered = sorted(tops, key=lambda t: len(t.path), reverse=True)

    def depth_of_top(u: OrgUnit) -> int:
        for top in ordered:
            if u.path.startswith(top.path):
                return top.depth
        return u.depth

    return depth_of_top


def _as_number(value: Any) -> Number:
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _rolled_sums(
    source: Source, *, tops: Sequence[OrgUnit] | None
) -> dict[int, tuple[dict[str, Number], dict[str, Number]]]:
    """{ancestor unit id: (subtree sums, own sums)} in one statement (see the module docstring)."""
    queryset, unit, measures = source.queryset, source.unit, source.measures
    if queryset.query.is_empty():
        return {}
    names = (*measures, ROWS)
    aliases = [f"m{i}" for i in range(len(names))]
    aggregates: dict[str, Any] = dict(zip(aliases, measures.values(), strict=False))
    aggregates[aliases[-1]] = Count("pk")
    grouped = queryset.order_by().values(rollup_unit=F(unit)).annotate(**aggregates)
    connection = connections[queryset.db]
    inner_sql, inner_params = grouped.query.get_compiler(using=queryset.db).as_sql()
    qn = connection.ops.quote_name
    table = qn(OrgUnit._meta.db_table)
    path, pk = qn("path"), qn("id")
    sums = ", ".join(f"SUM(d.{qn(a)})" for a in aliases)
    owns = ", ".join(f"SUM(CASE WHEN a.{pk} = d.{qn('rollup_unit')} THEN d.{qn(a)} ELSE 0 END)" for a in aliases)
    where, params = "", list(inner_params)
    if tops is not None:
        where = "WHERE " + " OR ".join(f"a.{path} LIKE %s" for _ in tops)
        params += [_like_prefix(top.path) for top in tops]
    sql = (
        f"SELECT a.{pk}, {sums}, {owns} FROM ({inner_sql}) d "
        f"INNER JOIN {table} u ON u.{pk} = d.{qn('rollup_unit')} "
        f"INNER JOIN {table} a ON u.{path} LIKE (a.{path} || '%%') "
        f"{where} GROUP BY a.{pk}"
    )
    result: dict[int, tuple[dict[str, Number], dict[str, Number]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for record in cursor.fetchall():
            n = len(names)
            total = {name: _as_number(v) for name, v in zip(names, record[1 : 1 + n], strict=True)}
            own = {name: _as_number(v) for name, v in zip(names, record[1 + n : 1 + 2 * n], strict=True)}
            result[int(record[0])] = (total, own)
    return result


def _like_prefix(path: str) -> str:
    # Paths hold digits and dots only, so nothing needs escaping for LIKE.
    return f"{path}%"


def rollup_stored(
    own: Mapping[int, Mapping[str, Number]],
    measures: Sequence[str],
    *,
    tops: Sequence[OrgUnit] | None = None,
    units: Sequence[OrgUnit] | None = None,
    keep_empty: bool = True,
) -> Rollup:
    """The same table as ``rollup_sources`` from figures already counted per unit (each unit's own
    records, kept by a background task): each unit's subtree is summed here, over the small unit
    table, instead of over the records. ``own`` maps a unit id to its own measures (and ``ROWS``);
    a unit missing from it holds nothing."""
    names = tuple(measures)
    table_units = list(units) if units is not None else units_under(tops)
    if not table_units:
        return Rollup(measures=names)
    empty: dict[str, Number] = dict.fromkeys((*names, ROWS), 0)
    own_of: dict[int, dict[str, Number]] = {
        u.pk: {**empty, **{k: v for k, v in own.get(u.pk, {}).items() if k in empty}} for u in table_units
    }
    total: dict[int, dict[str, Number]] = {u.pk: dict(empty) for u in table_units}
    by_path = {u.path: u.pk for u in table_units}
    for u in table_units:
        # Every ancestor of u inside the table: the prefixes of its materialised path ("0001.0007.").
        parts = u.path.split(".")[:-1]
        for i in range(1, len(parts) + 1):
            ancestor = by_path.get(".".join(parts[:i]) + ".")
            if ancestor is not None:
                for name, value in own_of[u.pk].items():
                    total[ancestor][name] += value
    return _table(names, table_units, total, own_of, tops=tops, keep_empty=keep_empty)


def _table(
    names: tuple[str, ...],
    table_units: Sequence[OrgUnit],
    total: dict[int, dict[str, Number]],
    own: dict[int, dict[str, Number]],
    *,
    tops: Sequence[OrgUnit] | None,
    keep_empty: bool,
) -> Rollup:
    """The table's rows from each unit's subtree totals and own figures."""
    top_depth = _top_depths(tops)
    rows = [
        RollupRow(unit=u, depth=u.depth - top_depth(u), total=total[u.pk], own=own[u.pk])
        for u in table_units
        if keep_empty or total[u.pk][ROWS]
    ]
    # A unit's subtree holds at least what a child's does, so a kept row's parent is kept too.
    parents = {row.unit.parent_id for row in rows if row.depth > 0}
    for row in rows:
        row.has_children = row.unit.pk in parents
    return Rollup(measures=names, rows=rows)
