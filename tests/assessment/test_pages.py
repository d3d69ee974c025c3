"""The assessment's pages: who may open them, what they show, their Excel downloads laid out for
printing (numbers as numbers, text never a formula), and a constant number of queries."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import OrgUnit, User
from assessment import services
from assessment.models import Evidence, HouseholdReview, Scorecard, Target, WorkTask
from assessment.periods import Period, last_closed_month
from tests.assessment.conftest import exited, households, open_card, submitted
from tests.conftest import People, Tree
from tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def workbook(response: Any) -> Any:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))


def test_the_dashboard_shows_tiles_and_four_charts_each_with_its_table(coded: Tree, people: People) -> None:
    households(coded.station_a, 3, activated_on=dt.date(YEAR - 1, 1, 1))
    services.snapshot_month(period=last_closed_month())
    response = client_for(people.alice).get(reverse("assessment:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert [c.id for c in response.context["charts"]] == ["trend", "targets", "coverage", "funds"]
    for chart in ("trend", "targets", "coverage", "funds"):
        assert f'id="{chart}"' in page and f'data-chart="{chart}"' in page and f'id="{chart}-table"' in page
    assert "vendor/echarts/echarts.common.min.js" in page and "cdn" not in page.lower()
    assert "考核" in page  # Chinese by default


def test_the_pages_open_for_staff_and_refuse_workers_and_employers(coded: Tree, people: People) -> None:
    pages = [
        reverse("assessment:dashboard"),
        reverse("assessment:unit", args=["C"]),
        reverse("assessment:targets"),
        reverse("assessment:scorecards"),
        reverse("assessment:report"),
        reverse("assessment:work_plans"),
        reverse("assessment:reviews"),
        reverse("assessment:scheme"),
    ]
    alice = client_for(people.alice)
    for url in pages:
        assert alice.get(url).status_code == 200, url
        assert client_for(people.wang).get(url).status_code == 403, url
        assert client_for(people.eve).get(url).status_code == 403, url
    assert client_for(people.olga).get(reverse("assessment:unit", args=["TB"])).status_code == 404
    assert client_for(people.olga).get(reverse("assessment:dashboard"), {"unit": "C"}).status_code == 404
    assert client_for(people.aude).get(reverse("assessment:dashboard")).status_code == 200
    assert client_for(people.aude).get(reverse("assessment:targets_import")).status_code == 403


def test_a_units_page_and_its_excel_are_laid_out_for_printing(coded: Tree, people: People) -> None:
    OrgUnit.objects.filter(pk=coded.town_b.pk).update(name='=HYPERLINK("http://x")')
    exited(coded.station_a, dt.date(YEAR - 1, 5, 1), 2)
    services.target_set(by=people.alice, unit=coded.town_a, year=YEAR - 1, indicator="households_exited", value=4)
    alice = client_for(people.alice)
    page = alice.get(reverse("assessment:unit", args=["C"]), {"year": YEAR - 1})
    assert page.status_code == 200 and b"data-print" in page.content
    book = workbook(alice.get(reverse("assessment:unit", args=["TA"]), {"year": YEAR - 1, "format": "xlsx"}))
    summary = book.worksheets[0]
    assert summary["A1"].value and summary.print_title_rows and summary.page_setup.fitToWidth == 1
    assert (summary["B2"].value, summary["B3"].value, summary["B4"].value) == ("乌兰镇工会", f"{YEAR - 1}年", "阿丽")
    values = {row[0].value: row for row in summary.iter_rows(min_row=8) if row[0].value}
    exits = values["脱困家庭"]
    assert exits[2].value == 2 and exits[2].data_type == "n" and exits[4].value == 4 and exits[5].value == 50
    county = workbook(alice.get(reverse("assessment:unit", args=["C"]), {"year": YEAR - 1, "format": "xlsx"}))
    cells = [c for ws in county.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any(c.data_type == "f" for c in cells)
    assert any(c.value == '=HYPERLINK("http://x")' and c.data_type == "s" for c in cells)


def test_the_targets_page_warns_and_the_breakdown_saves_all_children_together(coded: Tree, people: People) -> None:
    services.target_set(by=people.root, unit=coded.county, year=YEAR, indicator="placements", value=10)
    alice = client_for(people.alice)
    url = reverse("assessment:target_breakdown", args=["placements"])
    form = {f"u{coded.town_a.pk}-value": "6", f"u{coded.town_a.pk}-note": "", f"u{coded.town_b.pk}-value": "3"}
    assert alice.post(url, form).status_code == 302
    assert sorted(Target.objects.filter(year=YEAR).values_list("org_unit__code", "value")) == [
        ("C", 10),
        ("TA", 6),
        ("TB", 3),
    ]
    page = alice.get(reverse("assessment:targets"), **EN).content.decode()
    assert "1 short of 10" in page
    bad = alice.post(url, {f"u{coded.town_a.pk}-value": "-4", f"u{coded.town_b.pk}-value": "3"})
    assert bad.status_code == 400
    # Olga breaks her town's targets down to her station; the county's breakdown is out of her reach.
    olga = client_for(people.olga)
    assert olga.post(url + "?unit=TA", {f"u{coded.station_a.pk}-value": "2"}).status_code == 302
    assert Target.objects.get(org_unit=coded.station_a).value == 2
    assert olga.post(url + "?unit=C", form).status_code == 404


def test_the_import_page_lists_every_problem(coded: Tree, people: People) -> None:
    from tests.assessment.test_targets import row, sheet

    upload = SimpleUploadedFile("t.xlsx", sheet(row("TA", "placements", 3), row("XX", "bogus", "x")))
    response = client_for(people.alice).post(reverse("assessment:targets_import"), {"year": YEAR, "file": upload}, **EN)
    assert response.status_code == 400
    assert [(p["row"], p["column"]) for p in response.context["problems"]] == [
        (4, "A (单位代码)"),
        (4, "C (指标代码)"),
    ]
    assert not Target.objects.exists()


def test_the_scorecard_page_walks_through_self_assessment_inspection_and_acceptance(
    coded: Tree, people: People, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    card = open_card(people, coded)
    olga, alice = client_for(people.olga), client_for(people.alice)
    page = olga.get(reverse("assessment:scorecard", args=[card.pk]))
    assert page.context["page"].may_write and not page.context["page"].may_decide
    saved = olga.post(
        reverse("assessment:scorecard_write", args=[card.pk]), {"self_assessment": "总结", "note-placements": "说明"}
    )
    assert saved.status_code == 302
    upload = SimpleUploadedFile("evidence.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50)
    assert (
        olga.post(reverse("assessment:evidence_add", args=[card.pk]), {"file": upload, "line": ""}).status_code == 302
    )
    wrong = SimpleUploadedFile("evidence.png", b"GIF89a")
    refused = olga.post(reverse("assessment:evidence_add", args=[card.pk]), {"file": wrong, "line": ""})
    assert refused.status_code == 400 and Evidence.objects.count() == 1
    evidence = Evidence.objects.get()
    assert client_for(people.bob).get(reverse("assessment:evidence", args=[evidence.pk])).status_code == 404
    download = alice.get(reverse("assessment:evidence", args=[evidence.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert (
        olga.post(
            reverse("assessment:scorecard_write", args=[card.pk]), {"self_assessment": "总结", "submit": "1"}
        ).status_code
        == 302
    )
    assert olga.post(reverse("assessment:scorecard_accept", args=[card.pk])).status_code == 403
    assert alice.get(reverse("assessment:scorecard", args=[card.pk])).context["page"].may_decide
    no_reason = alice.post(reverse("assessment:scorecard_return", args=[card.pk]), {"reason": ""})
    assert no_reason.status_code == 400
    assert (
        alice.post(
            reverse("assessment:finding_add", args=[card.pk]), {"found_on": str(timezone.localdate()), "text": "好"}
        ).status_code
        == 302
    )
    assert alice.post(reverse("assessment:scorecard_accept", args=[card.pk]), {"note": "通过"}).status_code == 302
    card.refresh_from_db()
    assert card.state == Scorecard.State.ACCEPTED and card.frozen_at
    frozen = olga.post(reverse("assessment:scorecard_write", args=[card.pk]), {"self_assessment": "再改"})
    assert frozen.status_code == 400 and "数据已锁定" in frozen.context["write_form"].non_field_errors()[0]
    book = workbook(alice.get(reverse("assessment:scorecard", args=[card.pk]), {"format": "xlsx"}))
    assert book.worksheets[0].page_setup.orientation == "landscape"


def test_the_ranking_page_and_its_excel(coded: Tree, people: People) -> None:
    submitted(people, coded)
    alice = client_for(people.alice)
    page = alice.get(reverse("assessment:scorecards"))
    assert [c.scorecard.org_unit for c in page.context["ranking"]] == [coded.town_a, coded.town_b]
    book = workbook(alice.get(reverse("assessment:scorecards"), {"format": "xlsx"}))
    units = [r[1].value for r in book.worksheets[0].iter_rows(min_row=8) if isinstance(r[0].value, int)]
    assert units == ["乌兰镇工会", "棋盘井镇工会"]


def test_the_report_page_is_built_from_snapshots_and_downloads(coded: Tree, people: People) -> None:
    households(coded.station_a, 2, activated_on=dt.date(YEAR - 1, 1, 1))
    services.snapshot_month(period=Period.month(YEAR - 1, 1))
    alice = client_for(people.alice)
    response = alice.get(reverse("assessment:report"), {"from": f"{YEAR - 1}-01", "to": f"{YEAR - 1}-02"})
    assert response.status_code == 200
    assert [m.key for m in response.context["data"].missing] == [f"{YEAR - 1}-02"]
    book = workbook(
        alice.get(reverse("assessment:report"), {"from": f"{YEAR - 1}-01", "to": f"{YEAR - 1}-01", "format": "xlsx"})
    )
    sheet = book.worksheets[1]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=8)]
    assert rows[0][0] == "鄂托克旗总工会" and rows[0][1] == 2
    bad = alice.get(reverse("assessment:report"), {"from": "2025-13"})
    assert bad.status_code == 200 and list(bad.context["messages"])


def test_work_plan_tasks_and_the_owners_list_with_overdue_first(coded: Tree, people: People) -> None:
    olga = client_for(people.olga)
    assert olga.post(reverse("assessment:work_plans"), {"title": "计划", "summary": ""}).status_code == 302
    plan = people.olga.org_unit.work_plans.get()  # type: ignore[union-attr]
    today = timezone.localdate()
    overdue = today - dt.timedelta(days=2) if (today - dt.timedelta(days=2)).year == YEAR else today
    later = today + dt.timedelta(days=10) if (today + dt.timedelta(days=10)).year == YEAR else today
    for title, deadline in (("逾期任务", overdue), ("后续任务", later)):
        response = olga.post(
            reverse("assessment:work_plan", args=[plan.pk]),
            {"kind": "measure", "title": title, "owner": people.hana.pk, "deadline": str(deadline)},
        )
        assert response.status_code == 302
    hana = client_for(people.hana)
    mine = hana.get(reverse("assessment:my_tasks"))
    assert next(t.title for t in mine.context["tasks"]) == "逾期任务"
    assert [t.title for t in mine.context["overdue"]] == (["逾期任务"] if overdue < today else [])
    task = WorkTask.objects.get(title="逾期任务")
    assert (
        hana.post(
            reverse("assessment:task_progress", args=[task.pk]),
            {"status": "in_progress", "progress": "50", "next": "mine"},
        ).status_code
        == 302
    )
    task.refresh_from_db()
    assert task.progress == 50
    assert (
        client_for(people.bob)
        .post(reverse("assessment:task_progress", args=[task.pk]), {"status": "done", "progress": "1"})
        .status_code
        == 404
    )


def test_the_review_worklist_and_form(coded: Tree, people: People, household_a: Any) -> None:
    hana = client_for(people.hana)
    page = hana.get(reverse("assessment:reviews"))
    assert [h.pk for h in page.context["page"].object_list] == [household_a.pk]
    bad = hana.post(
        reverse("assessment:review", args=[household_a.pk]),
        {"outcome": "update", "causes_checked": "on", "income_checked": "on", "plan_checked": "on"},
    )
    assert bad.status_code == 400 and not HouseholdReview.objects.exists()  # "update" needs a note
    done = hana.post(
        reverse("assessment:review", args=[household_a.pk]),
        {"outcome": "continue", "causes_checked": "on", "income_checked": "on", "plan_checked": "on"},
    )
    assert done.status_code == 302 and HouseholdReview.objects.get().year == YEAR
    assert list(hana.get(reverse("assessment:reviews")).context["page"].object_list) == []
    units = {u: f.value for u, f in hana.get(reverse("assessment:reviews")).context["units"]}
    assert units[coded.station_a] == 100
    assert client_for(people.bob).get(reverse("assessment:review", args=[household_a.pk])).status_code == 404


def test_the_review_worklist_comes_ten_a_page_with_the_count(coded: Tree, people: People, household_a: Any) -> None:
    # 50 a page was up to 15 phone screens (issue 19): ten a page, as the households list.
    households(coded.station_a, 11)
    hana = client_for(people.hana)
    url = reverse("assessment:reviews")
    first = hana.get(url, **EN)
    assert len(first.context["page"].object_list) == 10 and first.context["page"].paginator.count == 12
    assert "12 households" in first.content.decode()
    second = hana.get(url, {"page": 2})
    shown = {h.pk for h in first.context["page"].object_list} | {h.pk for h in second.context["page"].object_list}
    assert len(second.context["page"].object_list) == 2 and len(shown) == 12
    # Not a number: the first page; past the end: the last page, as every paginated list answers.
    assert hana.get(url, {"page": "abc"}).context["page"].number == 1
    assert hana.get(url, {"page": "999999"}).context["page"].number == 2


def test_the_dashboard_and_the_ranking_ask_a_constant_number_of_queries(coded: Tree, people: People) -> None:
    open_card(people, coded)
    alice = client_for(people.alice)
    with CaptureQueriesContext(connection) as small:
        alice.get(reverse("assessment:dashboard"))
        alice.get(reverse("assessment:scorecards"))
    for i in range(6):
        unit = OrgUnitFactory(name=f"新站{i}", kind=OrgUnit.Kind.STATION, parent=coded.town_b)
        households(unit, 3)
    services.scheme_save(
        by=people.bob, year=YEAR, title="棋盘井考核", lines=[services.LineInput("households_exited", 100)]
    )
    services.scorecards_open(by=people.bob, scheme=people.bob.org_unit.assessment_schemes.get())  # type: ignore[union-attr]
    with CaptureQueriesContext(connection) as large:
        alice.get(reverse("assessment:dashboard"))
        response = alice.get(reverse("assessment:scorecards"))
    assert len(response.context["ranking"]) == 8
    assert len(large) == len(small)


def test_a_breakdown_with_no_targets_below_yet_shows_a_total_of_nought(coded: Tree, people: People) -> None:
    """Found by the security matrix: the units below add up to the integer 0 when none has a
    target, which the figure filter could not show (a 500)."""
    services.target_set(by=people.root, unit=coded.county, year=YEAR, indicator="placements", value=10)
    page = client_for(people.alice).get(reverse("assessment:target_breakdown", args=["placements"]), **EN)
    assert page.status_code == 200
    assert "The units below add up to 0." in page.content.decode()
