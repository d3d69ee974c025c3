"""A fair's report as an Excel workbook: totals, by target group, by union unit, by booth, and the
schedule's figures. Counts only: no names, no ID numbers."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from fairs.selectors import METRICS, FairReport, Row


def metric_labels() -> list[str]:
    return [_("Registrations"), _("Check-ins"), _("Interviews scheduled"), _("Interviewed"), _("Offers"), _("Hires")]


def report_workbook(report: FairReport) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Summary")
    fair = report.fair
    sheet.append([_("Job fair"), fair.name])
    sheet.append([_("Kind"), fair.get_kind_display()])
    sheet.append([_("Days"), f"{fair.starts_on:%Y-%m-%d} – {fair.ends_on:%Y-%m-%d}"])
    sheet.append([_("Organizing unit"), fair.org_unit.name])
    sheet.append([])
    sheet.append(metric_labels())
    sheet.append([report.total.counts[m] for m in METRICS])
    if report.run is not None:
        sheet.append([])
        sheet.append([_("Schedule objective"), _("Greedy baseline"), _("Upper bound"), _("Gap to the bound (%)")])
        sheet.append([report.run.objective, report.run.greedy, report.run.bound, round(report.run.gap_percent, 3)])

    def table(title: str, first: str, rows: list[Row]) -> None:
        ws = book.create_sheet(title[:31])
        ws.append([first, *metric_labels()])
        for row in rows:
            ws.append([row.label, *(row.counts[m] for m in METRICS)])

    table(_("By target group"), _("Target group"), report.by_group)
    table(_("By union unit"), _("Union unit"), report.by_unit)
    ws = book.create_sheet(_("By booth")[:31])
    ws.append([_("Booth"), _("Employer"), _("Interviews scheduled"), _("Offers"), _("Hires")])
    for booth_row in report.booths:
        ws.append(list(booth_row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()
