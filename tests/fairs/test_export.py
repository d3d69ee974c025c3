"""The report's Excel file holds what others typed as text, never as a formula Excel would run."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.fairs.conftest import FairWorld

pytestmark = pytest.mark.django_db


def test_an_employer_name_that_looks_like_a_formula_is_exported_as_text(world: FairWorld, people: Any) -> None:
    world.eve_co.name = '=HYPERLINK("http://example.com/steal","点此查看")'
    world.eve_co.save(update_fields=["name"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people.alice)
    response = client.get(reverse("fairs:report", args=[world.fair.pk]) + "?format=xlsx")
    sheet = load_workbook(BytesIO(response.content))["By booth"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == world.eve_co.name]
    assert cells and all(cell.data_type == "s" for cell in cells)
