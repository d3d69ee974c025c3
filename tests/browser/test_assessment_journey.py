"""考核 in a real browser, on a phone: the county organizer's dashboard draws its four charts (offline,
from the vendored ECharts, in Chinese) with a table view of each; town A writes its self-assessment,
attaches evidence and submits it; the county records a finding and accepts it, and the figures are
frozen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from assessment import services
from assessment.models import Evidence, Scorecard
from assessment.periods import last_closed_month
from tests.assessment.conftest import CODES, coded, exited, households, open_card
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = 390
__all__ = ["coded"]  # the tree with unit codes (tests/assessment/conftest.py), as a fixture here too


def fits_the_phone(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth") <= PHONE)


def test_the_county_dashboard_draws_its_charts_with_a_table_of_each(
    phone_page: Any, live_server: Any, coded: Any, people: Any
) -> None:
    page = phone_page
    last = last_closed_month()
    households(coded.station_a, 4, activated_on=last.start - dt.timedelta(days=90))
    households(coded.town_b, 2, activated_on=last.start - dt.timedelta(days=90))
    exited(coded.town_b, last.start + dt.timedelta(days=3), activated=last.start - dt.timedelta(days=90))
    services.snapshot_month(period=last)
    services.target_set(
        by=people.alice, unit=coded.town_a, year=timezone.localdate().year, indicator="households_exited", value=3
    )
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    log_in(page, "alice")
    page.goto("/assessment/")
    page.wait_for_selector("[data-chart='funds'][data-rendered='true']")
    for chart in ("trend", "targets", "coverage", "funds"):
        figure = page.locator(f"[data-chart='{chart}']")
        assert figure.get_attribute("data-rendered") == "true"
        assert figure.locator("svg").count() >= 1, f"{chart} has no drawing"
    assert "考核总览" in page.inner_text("h1")
    assert "在档困难职工家庭" in page.locator("[data-chart='trend']").inner_text()  # the legend, in Chinese
    assert fits_the_phone(page), "the dashboard scrolls sideways on a phone"
    # The same numbers as a table: the button swaps the chart for its table, and back.
    table = page.locator("#targets-table")
    assert not table.is_visible()
    page.locator("[aria-controls='targets-table']").click()
    assert table.is_visible() and "乌兰镇工会" in table.inner_text()
    assert not page.locator("[data-chart='targets']").is_visible()
    page.locator("[aria-controls='targets-table']").click()
    assert page.locator("[data-chart='targets']").is_visible()
    assert all(url.startswith(live_server.url) for url in requested), "no CDN: everything comes from the server"
    # The report and the unit pages fit the phone too.
    for url in ("/assessment/units/C/", "/assessment/targets/", "/assessment/scorecards/", "/assessment/report/"):
        page.goto(url)
        assert fits_the_phone(page), f"{url} scrolls sideways on a phone"


def test_a_town_assesses_itself_and_the_county_inspects_and_accepts(
    phone_page: Any, coded: Any, people: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    page = phone_page
    card = open_card(people, coded)
    evidence = tmp_path / "upload" / "年度工作总结.pdf"
    evidence.parent.mkdir()
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")

    log_in(page, "olga")
    page.goto(f"/assessment/scorecards/{card.pk}/")
    page.fill("#note-placements", "全年安置就业12人")
    page.fill("[name=self_assessment]", "本年度完成脱困、就业安置等主要目标。")
    page.click("#self-assessment button[type=submit]:not([name])")
    page.wait_for_load_state("networkidle")
    page.set_input_files("input[name=file]", str(evidence))
    page.click("form[action$='/evidence/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".evidence-list a").inner_text() == "年度工作总结.pdf"
    page.click("#self-assessment button[name=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#card-state") == "已提交自评"
    assert fits_the_phone(page)

    page.context.clear_cookies()
    log_in(page, "alice")
    page.goto(f"/assessment/scorecards/{card.pk}/")
    page.locator("details:has(form[action$='/findings/']) summary").click()
    page.fill("form[action$='/findings/'] [name=text]", "抽查档案3户，资料齐全。")
    page.click("form[action$='/findings/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "抽查档案3户" in page.inner_text(".timeline")
    page.fill("#accept-form [name=note]", "经检查，同意验收。")
    page.click("#accept-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#card-state") == "已验收"
    card.refresh_from_db()
    assert card.state == Scorecard.State.ACCEPTED and card.frozen_at is not None
    assert Evidence.objects.get().scorecard == card

    page.context.clear_cookies()
    log_in(page, "olga")
    page.goto(f"/assessment/scorecards/{card.pk}/")
    assert page.locator("#self-assessment").count() == 0  # frozen: nothing to edit
    assert CODES["town_a"] == "TA"
