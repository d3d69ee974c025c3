"""Targets cascade down the tree: set by a unit above, never by the unit itself or a unit beside it;
children's targets that do not add up are flagged; Excel import is all or nothing, with the row,
the column and the reason of every problem."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from accounts.models import OrgUnit
from assessment import registry, selectors, services
from assessment.exporting import header_for, targets_template
from assessment.models import Target
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.assessment.conftest import submitted
from tests.conftest import People, Tree

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def test_the_level_above_sets_a_units_target_and_can_change_it(coded: Tree, people: People) -> None:
    target = services.target_set(
        by=people.alice, unit=coded.town_a, year=YEAR, indicator="households_exited", value="30", note="市总下达"
    )
    assert (target.value, target.set_by, target.note) == (Decimal("30.00"), people.alice, "市总下达")
    services.target_set(by=people.olga, unit=coded.station_a, year=YEAR, indicator="households_exited", value=12)
    services.target_set(by=people.alice, unit=coded.town_a, year=YEAR, indicator="households_exited", value=32)
    assert Target.objects.get(org_unit=coded.town_a).value == 32
    assert target.history.count() == 2  # who changed what, kept


@pytest.mark.parametrize(
    ("who", "unit", "error"),
    [
        ("olga", "town_a", Forbidden),  # for itself
        ("alice", "county", Forbidden),  # the top unit for itself (the city sets it: an administrator enters it)
        ("olga", "town_b", NotFound),  # for a sibling: outside its subtree
        ("olga", "county", NotFound),  # for the unit above
        ("hana", "station_a", Forbidden),  # a helper sets no targets
        ("aude", "town_a", Forbidden),  # an auditor reads only
    ],
)
def test_a_target_set_by_a_unit_for_itself_or_outside_its_subtree_is_refused_and_nothing_is_written(
    coded: Tree, people: People, who: str, unit: str, error: type[Exception]
) -> None:
    with pytest.raises(error) as refused:
        services.target_set(
            by=getattr(people, who), unit=getattr(coded, unit), year=YEAR, indicator="placements", value=5
        )
    assert refused.value.message  # type: ignore[attr-defined]
    assert not Target.objects.exists()


def test_an_administrator_enters_the_top_units_targets_for_the_city(coded: Tree, people: People) -> None:
    services.target_set(by=people.root, unit=coded.county, year=YEAR, indicator="placements", value=100)
    assert Target.objects.get().org_unit == coded.county


@pytest.mark.parametrize(
    ("indicator", "value", "field"),
    [
        ("no_such_indicator", "5", "indicator"),
        ("placements", "-1", "value"),
        ("placements", "abc", "value"),
        ("placements", "2.5", "value"),  # people are whole
        ("one_skill_coverage", "120", "value"),  # a percent is at most 100
        ("placements", "", "value"),
    ],
)
def test_a_bad_target_value_or_indicator_is_refused(
    coded: Tree, people: People, indicator: str, value: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.target_set(by=people.alice, unit=coded.town_a, year=YEAR, indicator=indicator, value=value)
    assert refused.value.field == field
    assert not Target.objects.exists()


def test_a_bad_year_is_refused(coded: Tree, people: People) -> None:
    with pytest.raises(InvalidInput):
        services.target_set(by=people.alice, unit=coded.town_a, year="20x6", indicator="placements", value=1)
    assert not Target.objects.exists()


def test_targets_of_an_accepted_scorecard_are_frozen(coded: Tree, people: People) -> None:
    card = submitted(people, coded)
    services.scorecard_accept(by=people.alice, scorecard=card)
    with pytest.raises(Conflict):
        services.target_set(by=people.alice, unit=coded.town_a, year=YEAR, indicator="placements", value=9)
    assert not Target.objects.filter(org_unit=coded.town_a).exists()


def test_the_page_warns_when_the_childrens_targets_do_not_add_up(coded: Tree, people: People) -> None:
    services.target_set(by=people.root, unit=coded.county, year=YEAR, indicator="households_exited", value=50)
    services.target_set(by=people.alice, unit=coded.town_a, year=YEAR, indicator="households_exited", value=30)
    services.target_set(by=people.alice, unit=coded.town_b, year=YEAR, indicator="households_exited", value=15)
    services.target_set(by=people.root, unit=coded.county, year=YEAR, indicator="placements", value=10)
    services.target_set(by=people.alice, unit=coded.town_a, year=YEAR, indicator="placements", value=6)
    services.target_set(by=people.alice, unit=coded.town_b, year=YEAR, indicator="placements", value=6)
    services.target_set(by=people.root, unit=coded.county, year=YEAR, indicator="one_skill_coverage", value=80)
    services.target_set(by=people.alice, unit=coded.town_a, year=YEAR, indicator="one_skill_coverage", value=70)
    grid = selectors.target_grid_for(people.alice, coded.county, YEAR)
    warnings = {w.indicator.code: w for w in grid.warnings}
    assert set(warnings) == {"households_exited", "placements"}  # a ratio is not added up
    assert not warnings["households_exited"].over and warnings["households_exited"].difference == 5
    assert warnings["placements"].over and warnings["placements"].difference == 2
    services.target_set(by=people.alice, unit=coded.town_b, year=YEAR, indicator="households_exited", value=20)
    grid = selectors.target_grid_for(people.alice, coded.county, YEAR)
    assert {w.indicator.code for w in grid.warnings} == {"placements"}


# --- import -------------------------------------------------------------------------------------------


def sheet(*rows: list[Any], header: list[str] | None = None) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["2026年度目标任务"])
    ws.append(header or ["单位代码", "单位名称", "指标代码", "指标名称", "计量单位", "目标值", "说明"])
    for row in rows:
        ws.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def row(unit: str, indicator: str, value: Any, note: str = "") -> list[Any]:
    return [unit, "", indicator, "", "", value, note]


def test_targets_are_imported_from_the_template(coded: Tree, people: People) -> None:
    services.target_set(by=people.alice, unit=coded.town_a, year=YEAR, indicator="placements", value=1)
    result = services.targets_import(
        by=people.alice,
        year=YEAR,
        file=sheet(
            row("TA", "placements", 12, "按上年实绩"),
            row("TB", "placements", 8),
            row("SA", "households_exited", "5"),
            row("TB", "one_skill_coverage", "75%"),
            row("TB", "households_new", None),  # no target on the row: left as it is
            [None, None, None, None, None, None, None],
        ),
    )
    assert (result.created, result.updated) == (3, 1)
    assert Target.objects.get(org_unit=coded.town_a, indicator="placements").note == "按上年实绩"
    assert Target.objects.get(org_unit=coded.town_b, indicator="one_skill_coverage").value == 75


def problems(error: InvalidInput) -> list[tuple[int, str, str]]:
    return [(p["row"], p["column"], p["reason"]) for p in error.details]


def test_an_import_with_an_unknown_unit_or_indicator_writes_nothing_and_says_where(coded: Tree, people: People) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.targets_import(
            by=people.alice,
            year=YEAR,
            file=sheet(
                row("TA", "placements", 12),  # good, but nothing is written
                row("XX", "placements", 3),
                row("TB", "exits_per_year", 4),
                row("TB", "placements", -2),
                row("C", "placements", 9),  # its own unit
                row("TA", "placements", 13),  # twice
            ),
        )
    found = problems(refused.value)
    assert (4, "A (单位代码)", "No unit below yours has the code “XX”.") in found
    assert (5, "C (指标代码)", "No indicator has the code “exits_per_year”.") in found
    assert any(r == 6 and c == "F (目标值)" for r, c, _reason in found)
    assert any(r == 7 and c == "A (单位代码)" and "set by a unit above" in reason for r, c, reason in found)
    assert any(r == 8 and "row 3" in reason for r, _c, reason in found)
    assert "nothing was imported" in refused.value.message
    assert not Target.objects.exists()


def test_an_import_reaching_beside_its_subtree_is_refused(coded: Tree, people: People) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.targets_import(
            by=people.olga, year=YEAR, file=sheet(row("SA", "placements", 2), row("TB", "placements", 3))
        )
    assert [(r, c) for r, c, _reason in problems(refused.value)] == [(4, "A (单位代码)")]
    assert not Target.objects.exists()


def test_a_file_that_is_not_a_workbook_or_lacks_a_column_is_refused(coded: Tree, people: People) -> None:
    with pytest.raises(InvalidInput, match="not an Excel"):
        services.targets_import(by=people.alice, year=YEAR, file=b"unit,indicator\nTA,placements\n")
    with pytest.raises(InvalidInput) as refused:
        services.targets_import(
            by=people.alice, year=YEAR, file=sheet(["TA", "placements"], header=["单位代码", "指标代码"])
        )
    assert problems(refused.value) == [(2, "目标值", "Column missing.")]
    assert not Target.objects.exists()


def test_the_downloaded_template_imports_back_unchanged(coded: Tree, people: People) -> None:
    services.target_set(by=people.alice, unit=coded.town_a, year=YEAR, indicator="placements", value=7, note="=SUM(A1)")
    existing = {(t.org_unit_id, t.indicator): t for t in Target.objects.all()}
    content = targets_template(
        header=header_for("targets", coded.county, str(YEAR), people.alice),
        units=[coded.town_a, coded.town_b],
        indicators=registry.indicators(),
        existing=existing,
    )
    book = load_workbook(BytesIO(content))
    ws = book.active
    assert ws is not None
    cells = [c for r in ws.iter_rows() for c in r if c.value is not None]
    assert not any(c.data_type == "f" for c in cells)  # no formulas, even from a note starting with "="
    assert any(c.value == "=SUM(A1)" and c.data_type == "s" for c in cells)
    result = services.targets_import(by=people.alice, year=YEAR, file=content)
    assert (result.created, result.updated) == (0, 1)
    assert Target.objects.get().note == "=SUM(A1)"
    assert OrgUnit.objects.get(pk=coded.town_a.pk).code == "TA"
