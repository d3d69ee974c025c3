"""Targets from a spreadsheet: checked whole, written all together or not at all.

The template (``exporting.targets_template``) has a title row, a header row and one row per unit
and indicator. Columns are found by their header (Chinese or English), so a column added by hand or
moved is no problem; the name columns are for the reader and are not read. Every problem is
reported with its row, its column and the reason."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import IO, Any
from zipfile import BadZipFile

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from accounts.models import OrgUnit
from assessment import registry
from assessment.registry import MeasureUnit
from core.errors import InvalidInput

MAX_ROWS = 5000
# header texts a column is recognised by (lower case)
HEADERS: dict[str, tuple[str, ...]] = {
    "unit": ("单位代码", "unit code"),
    "indicator": ("指标代码", "indicator code"),
    "value": ("目标值", "target"),
    "note": ("说明", "备注", "note"),
}
REQUIRED = ("unit", "indicator", "value")
HEADER_SEARCH_ROWS = 10  # the template's title and who-when lines come first


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # "C (指标代码)"; empty for a problem with the whole file
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass(frozen=True)
class TargetRow:
    row: int
    unit: OrgUnit
    indicator: registry.Indicator
    value: Decimal
    note: str


def column_label(index: int, header: str) -> str:
    return f"{get_column_letter(index + 1)} ({header})"


def read_rows(file: IO[bytes] | bytes) -> tuple[int, dict[str, tuple[int, str]], list[tuple[int, tuple[Any, ...]]]]:
    """(header row number, {field: (column index, header text)}, [(row number, cells)])."""
    try:
        data = file if isinstance(file, bytes) else file.read()
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InvalidInput(
            _("This is not an Excel (.xlsx) file. Download the template and fill it in."), field="file"
        ) from exc
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 10))
    for number, cells in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        texts = [str(c).strip().lower() if c is not None else "" for c in cells]
        found = {
            key: (index, str(cells[index]).strip())
            for key, names in HEADERS.items()
            for index, text in enumerate(texts)
            if text in names
        }
        if "unit" in found or "indicator" in found:
            missing = [key for key in REQUIRED if key not in found]
            if missing:
                names = "、".join(HEADERS[key][0] for key in missing)
                raise InvalidInput(
                    _("Row %(row)s: the columns %(names)s are missing. Use the template.")
                    % {"row": number, "names": names},
                    field="file",
                    details=[Problem(number, HEADERS[key][0], _("Column missing.")).as_dict() for key in missing],
                )
            body = [(n, tuple(r)) for n, r in enumerate(rows[number:], start=number + 1)]
            if len(body) > MAX_ROWS:
                raise InvalidInput(_("At most %(n)s rows at a time.") % {"n": MAX_ROWS}, field="file")
            return number, found, body
    raise InvalidInput(
        _("No header row with 单位代码 and 指标代码 in the first ten rows. Use the template."), field="file"
    )


def parse_value(raw: Any, indicator: registry.Indicator) -> tuple[Decimal | None, str]:
    """The target in the indicator's unit, or a reason it is not one."""
    if raw is None or str(raw).strip() == "":
        return None, _("The target is empty.")
    text = str(raw).strip().rstrip("%").replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, _("“%(value)s” is not a number.") % {"value": str(raw)[:40]}
    if not value.is_finite() or value < 0:
        return None, _("A target is a number of zero or more.")
    if indicator.is_ratio and value > 100:
        return None, _("A percent target is at most 100.")
    if indicator.unit not in (MeasureUnit.YUAN, MeasureUnit.PERCENT) and value != value.to_integral_value():
        return None, _("This indicator counts whole %(unit)s.") % {"unit": indicator.unit.label}
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        return None, _("At most two decimals.")
    if value >= Decimal("1e12"):
        return None, _("The target is too large.")
    return value.quantize(Decimal("0.01")), ""
