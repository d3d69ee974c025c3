"""Reports as Excel workbooks laid out for printing and handing on.

Every sheet opens with a title, the unit, the period, who produced it and when; the table's header
repeats on every printed page, the page is A4 (landscape when the table is wide) and fitted to its
width, and the footer numbers the pages. Figures are written as numbers with a number format (never
formulas: the workbook reads the same in any program and cannot be recomputed into something else),
and any text a person typed is stored as text even when it starts with "=".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from accounts.models import OrgUnit, User
from assessment import engine, registry
from assessment.registry import Indicator, MeasureUnit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="EEEEEE")
FORMATS = {
    MeasureUnit.YUAN: "#,##0.00",
    MeasureUnit.PERCENT: '0.00"%"',
}
COUNT_FORMAT = "#,##0"
# Landscape once a table is wider than this many columns.
PORTRAIT_COLUMNS = 6


@dataclass
class Column:
    title: str
    width: float = 14
    number_format: str = ""  # "" for text


@dataclass
class Sheet:
    name: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    indents: list[int] = field(default_factory=list)  # per row: the first cell's indent
    notes: list[str] = field(default_factory=list)  # lines under the table
    dash_for_missing: bool = True  # a figure that cannot be computed shows "–" (a template leaves it empty)


@dataclass(frozen=True)
class Header:
    title: str
    unit: str
    period: str
    produced_by: str
    produced_at: str


def header_for(title: str, unit: OrgUnit | None, period: str, user: User) -> Header:
    return Header(
        title=title,
        unit=unit.name if unit else "",
        period=period,
        produced_by=user.display_name,
        produced_at=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    )


def set_text(sheet: Worksheet, row: int, column: int, value: str) -> None:
    """A text cell that stays text: openpyxl would store "=…" as a formula."""
    cell = sheet.cell(row=row, column=column, value=value)
    cell.data_type = "s"


def _write_sheet(book: Workbook, header: Header, spec: Sheet, first: bool) -> None:
    sheet = book.active if first else book.create_sheet()
    assert sheet is not None
    sheet.title = spec.name[:31]
    width = max(len(spec.columns), 2)
    set_text(sheet, 1, 1, header.title)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=15)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.row_dimensions[1].height = 26
    meta = [
        (_("Union unit"), header.unit),
        (_("Period"), header.period),
        (_("Produced by"), header.produced_by),
        (_("Produced on"), header.produced_at),
    ]
    for offset, (label, value) in enumerate(meta, start=2):
        set_text(sheet, offset, 1, label)
        sheet.cell(row=offset, column=1).font = Font(bold=True)
        set_text(sheet, offset, 2, value)
        if width > 2:
            sheet.merge_cells(start_row=offset, start_column=2, end_row=offset, end_column=width)
    head_row = len(meta) + 3
    for index, column in enumerate(spec.columns, start=1):
        set_text(sheet, head_row, index, str(column.title))
        cell = sheet.cell(row=head_row, column=index)
        cell.font, cell.fill, cell.border = Font(bold=True), HEAD_FILL, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for offset, values in enumerate(spec.rows, start=1):
        row = head_row + offset
        for index, (column, value) in enumerate(zip(spec.columns, values, strict=False), start=1):
            if isinstance(value, Promise):  # a translated label, still lazy
                value = str(value)
            if value is None and not spec.dash_for_missing:
                cell = sheet.cell(row=row, column=index)
            elif isinstance(value, str) or value is None:
                set_text(sheet, row, index, value if value is not None else "–")
                cell = sheet.cell(row=row, column=index)
                if value is None:
                    cell.alignment = Alignment(horizontal="right")
            else:
                cell = sheet.cell(row=row, column=index, value=float(value) if isinstance(value, Decimal) else value)
                cell.number_format = column.number_format or COUNT_FORMAT
            cell.border = BOX
        if offset - 1 < len(spec.indents) and spec.indents[offset - 1]:
            sheet.cell(row=row, column=1).alignment = Alignment(indent=spec.indents[offset - 1])
    last = head_row + len(spec.rows)
    for offset, note in enumerate(spec.notes, start=2):
        set_text(sheet, last + offset, 1, note)
        sheet.cell(row=last + offset, column=1).font = Font(italic=True, color="555555")
    sheet.freeze_panes = sheet.cell(row=head_row + 1, column=2)
    sheet.print_title_rows = f"{head_row}:{head_row}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if len(spec.columns) > PORTRAIT_COLUMNS else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.oddFooter.center.text = _("Page &P of &N")
    sheet.oddHeader.right.text = header.title[:80]


def workbook(header: Header, sheets: Sequence[Sheet]) -> bytes:
    book = Workbook()
    for index, spec in enumerate(sheets):
        _write_sheet(book, header, spec, first=index == 0)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the figures of a unit and the units below it ---------------------------------------------------


def number_format(indicator: Indicator) -> str:
    return FORMATS.get(indicator.unit, COUNT_FORMAT)


def indicator_columns(indicators: Sequence[Indicator]) -> list[Column]:
    return [Column(f"{i.name}（{i.unit.label}）", 13, number_format(i)) for i in indicators]


def figures_sheets(
    *,
    unit: OrgUnit,
    indicators: Sequence[Indicator],
    children: Sequence[OrgUnit],
    figure: Any,
    own_figure: Any = None,
    targets: dict[str, Decimal] | None = None,
) -> list[Sheet]:
    """A summary sheet (one row per indicator: the unit's figure, its own records, the target,
    achieved) and one sheet per group of indicators with a row per unit (the unit, its own records,
    each unit directly below it). ``figure(unit, code)`` gives an ``engine.Figure`` or ``None``."""
    from assessment import scoring

    summary = Sheet(
        _("Summary"),
        [
            Column(_("Indicator"), 30),
            Column(_("Measure"), 8),
            Column(_("Whole unit"), 14, "#,##0.##"),
            Column(_("Own records"), 14, "#,##0.##"),
            Column(_("Target"), 12, "#,##0.##"),
            Column(_("Achieved (%)"), 12, "0.00"),
        ],
        notes=[_("Whole unit: the unit's own records and every unit below it. Ratios are computed from summed parts.")],
    )
    for indicator in indicators:
        value = _value(figure(unit, indicator.code))
        own = _value(own_figure(unit, indicator.code)) if own_figure else None
        target = (targets or {}).get(indicator.code)
        done = scoring.achieved(value, target, lower_is_better=indicator.lower_is_better)
        summary.rows.append([indicator.name, indicator.unit.label, value, own, target, done])
    sheets = [summary]
    for group in registry.Group:
        members = [i for i in indicators if i.group == group]
        if not members:
            continue
        sheet = Sheet(
            str(group.label).split("（")[0].split(" (")[0], [Column(_("Union unit"), 26), *indicator_columns(members)]
        )
        sheet.rows.append([unit.name, *(_value(figure(unit, i.code)) for i in members)])
        sheet.indents.append(0)
        if own_figure and children:
            sheet.rows.append(
                [_("%(name)s: own records") % {"name": unit.name}, *(_value(own_figure(unit, i.code)) for i in members)]
            )
            sheet.indents.append(1)
        for child in children:
            sheet.rows.append([child.name, *(_value(figure(child, i.code)) for i in members)])
            sheet.indents.append(1)
        sheets.append(sheet)
    return sheets


def _value(figure: engine.Figure | None) -> Decimal | None:
    return figure.value if figure is not None else None


# --- targets ------------------------------------------------------------------------------------------


def targets_template(
    *, header: Header, units: Sequence[OrgUnit], indicators: Sequence[Indicator], existing: dict[tuple[int, str], Any]
) -> bytes:
    """The import template, filled with the targets already set: one row per unit and indicator.
    The columns are found by their header when read back (``importing.HEADERS``)."""
    sheet = Sheet(
        _("Targets"),
        [
            Column("单位代码", 14),
            Column("单位名称", 26),
            Column("指标代码", 28),
            Column("指标名称", 30),
            Column("计量单位", 10),
            Column("目标值", 12, "#,##0.##"),
            Column("说明", 30),
        ],
        notes=[
            _("Fill in 目标值 (target) and 说明 (note); keep 单位代码 and 指标代码."),
            _("Percent targets are numbers from 0 to 100; an empty target is left as it is."),
            _("The whole file is checked before anything is saved: any bad row and nothing is imported."),
        ],
        dash_for_missing=False,
    )
    for unit in units:
        for indicator in indicators:
            target = existing.get((unit.pk, indicator.code))
            sheet.rows.append(
                [
                    unit.code or "",
                    unit.name,
                    indicator.code,
                    indicator.name_zh,
                    indicator.unit.label,
                    target.value if target is not None else None,
                    target.note if target is not None else "",
                ]
            )
    return workbook(header, [sheet])
