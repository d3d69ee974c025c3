"""A fair's report as an Excel workbook: totals, by target group, by union unit, by booth, and the
schedule's figures. Counts only: no names, no ID numbers. Rows go through ``core.spreadsheets``
(names typed by others, an employer's or a fair's, stay text and never become formulas)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment

from core.spreadsheets import append_row as _append
from core.spreadsheets import workbook_bytes, xlsx_download
from fairs.selectors import METRICS, FairReport, Row


def metric_labels() -> list[str]:
    return [_("Registrations"), _("Check-ins"), _("Interviews scheduled"), _("Interviewed"), _("Offers"), _("Hires")]


def report_workbook(report: FairReport) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Summary")
    fair = report.fair
    _append(sheet, [_("Job fair"), fair.name])
    _append(sheet, [_("Kind"), fair.get_kind_display()])
    _append(sheet, [_("Days"), f"{fair.starts_on:%Y-%m-%d} – {fair.ends_on:%Y-%m-%d}"])
    _append(sheet, [_("Organizing unit"), fair.org_unit.name])
    _append(sheet, [])
    _append(sheet, metric_labels())
    _append(sheet, [report.total.counts[m] for m in METRICS])
    if report.run is not None:
        _append(sheet, [])
        _append(sheet, [_("Schedule objective"), _("Greedy baseline"), _("Upper bound"), _("Gap to the bound (%)")])
        _append(sheet, [report.run.objective, report.run.greedy, report.run.bound, round(report.run.gap_percent, 3)])

    def table(title: str, first: str, rows: list[Row]) -> None:
        ws = book.create_sheet(title[:31])
        _append(ws, [first, *metric_labels()])
        for row in rows:
            _append(ws, [row.label, *(row.counts[m] for m in METRICS)])
            if row.depth:  # a unit below another: indented under it, as on the page
                ws.cell(row=ws.max_row, column=1).alignment = Alignment(indent=row.depth)

    table(_("By target group"), _("Target group"), report.by_group)
    table(_("By union unit"), _("Union unit"), report.by_unit)
    ws = book.create_sheet(_("By booth")[:31])
    _append(ws, [_("Booth"), _("Employer"), _("Interviews scheduled"), _("Offers"), _("Hires")])
    for booth_row in report.booths:
        _append(ws, list(booth_row))
    return workbook_bytes(book)


def report_download(report: FairReport) -> HttpResponse:
    """The workbook as a download (the report page and the API both offer it)."""
    return xlsx_download(report_workbook(report), f"fair-{report.fair.pk}-report.xlsx")
