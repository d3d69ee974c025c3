"""The assessment API: a unit's indicators exactly as the issue specifies, targets (set, import),
scorecards, snapshots, work plans and tasks, reviews; refusals as clear answers."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import Workbook
from rest_framework.test import APIClient

from accounts.models import User
from assessment import services
from assessment.models import HouseholdReview, Scorecard, Target, WorkTask
from assessment.periods import Period
from tests.assessment.conftest import exited, hire, households, open_card, submitted
from tests.conftest import People, Tree
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/assessment"
YEAR = timezone.localdate().year
LAST = YEAR - 1


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def by_code(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in body["indicators"]}


def test_a_units_indicators_roll_up_and_have_exactly_the_specified_shape(coded: Tree, people: People) -> None:
    households(coded.county, 1, activated_on=dt.date(LAST, 1, 1))  # the county's own record
    households(coded.station_a, 2, activated_on=dt.date(LAST, 1, 1))
    households(coded.town_b, 3, activated_on=dt.date(LAST, 1, 1))
    exited(coded.station_a, dt.date(LAST, 5, 1))
    exited(coded.town_b, dt.date(LAST, 6, 1), 2)
    exited(coded.town_b, dt.date(LAST - 1, 6, 1))  # not in the year
    for household in households(coded.town_a, 1, activated_on=dt.date(LAST, 1, 1)):
        hire(MemberFactory(household=household), dt.date(LAST, 3, 1), people=people)
    services.target_set(by=people.root, unit=coded.county, year=LAST, indicator="households_exited", value=4)
    response = api(people.alice).get(f"{API}/units/C/", {"year": LAST})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"unit", "year", "indicators", "children"}
    assert (body["unit"], body["year"], body["children"]) == ("C", LAST, ["TA", "TB"])
    for row in body["indicators"]:
        assert set(row) == {"code", "name", "value", "target", "achieved", "adds_up"}
    county = by_code(body)
    assert county["households_exited"] == {
        "code": "households_exited",
        "name": "脱困家庭",
        "value": 3.0,
        "target": 4.0,
        "achieved": 75.0,
        "adds_up": True,
    }
    assert county["one_skill_coverage"]["adds_up"] is False
    children = [by_code(api(people.alice).get(f"{API}/units/{code}/", {"year": LAST}).json()) for code in ("TA", "TB")]
    for code in ("households_active", "households_exited", "placements"):
        own = 1 if code == "households_active" else 0
        assert county[code]["value"] == own + sum(child[code]["value"] for child in children), code
    assert county["households_active"]["value"] == 7 and county["placements"]["value"] == 1


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("olga", "TB", 404),  # a sibling
        ("olga", "C", 404),  # the unit above
        ("olga", "nope", 404),
        ("wang", "C", 404),  # a worker
        ("hana", "SA", 200),
        ("aude", "TB", 200),
    ],
)
def test_units_out_of_reach_are_not_found(coded: Tree, people: People, who: str, path: str, status: int) -> None:
    assert api(getattr(people, who)).get(f"{API}/units/{path}/").status_code == status


def test_a_bad_year_is_a_clear_400(coded: Tree, people: People) -> None:
    response = api(people.alice).get(f"{API}/units/C/", {"year": "twenty"})
    assert response.status_code == 400 and response.json()["field"] == "year"


def test_targets_are_set_listed_and_refused_over_the_api(coded: Tree, people: People) -> None:
    client = api(people.olga)
    ok = client.post(
        f"{API}/targets/", {"unit": "SA", "year": YEAR, "indicator": "placements", "value": "6"}, format="json"
    )
    assert ok.status_code == 201 and ok.json()["unit"] == "SA"
    own = client.post(
        f"{API}/targets/", {"unit": "TA", "year": YEAR, "indicator": "placements", "value": "6"}, format="json"
    )
    assert own.status_code == 403 and "由上级单位下达" in own.json()["detail"]  # in Chinese by default
    sibling = client.post(
        f"{API}/targets/", {"unit": "TB", "year": YEAR, "indicator": "placements", "value": "6"}, format="json"
    )
    assert sibling.status_code == 404
    unknown = client.post(
        f"{API}/targets/", {"unit": "SA", "year": YEAR, "indicator": "nope", "value": "6"}, format="json"
    )
    assert unknown.status_code == 400 and unknown.json()["field"] == "indicator"
    assert Target.objects.count() == 1
    listed = api(people.alice).get(f"{API}/targets/", {"year": YEAR}).json()["results"]
    assert [(t["unit"], t["indicator"], t["value"]) for t in listed] == [("SA", "placements", "6.00")]
    assert api(people.bob).get(f"{API}/targets/", {"year": YEAR}).json()["results"] == []


def test_a_target_import_over_the_api_answers_row_column_and_reason(coded: Tree, people: People) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["单位代码", "指标代码", "目标值"])
    ws.append(["TA", "placements", 5])
    ws.append(["ZZ", "placements", 5])
    out = BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "targets.xlsx"
    response = api(people.alice).post(f"{API}/targets/import/", {"year": YEAR, "file": out}, format="multipart")
    assert response.status_code == 400
    assert response.json()["details"] == [
        {"row": 3, "column": "A (单位代码)", "reason": "您的下级单位中没有代码为“ZZ”的单位。"}
    ]
    assert not Target.objects.exists()


def test_the_scorecard_flow_over_the_api(coded: Tree, people: People, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    card = open_card(people, coded)
    olga, alice = api(people.olga), api(people.alice)
    written = olga.post(
        f"{API}/scorecards/{card.pk}/self-assessment/",
        {"self_assessment": "总结", "notes": {"placements": "说明"}},
        format="json",
    )
    assert (
        written.status_code == 200
        and {line["indicator"]: line["note"] for line in written.json()["lines"]}["placements"] == "说明"
    )
    bad = olga.post(
        f"{API}/scorecards/{card.pk}/evidence/",
        {"file": ("x.pdf", b"not a pdf")},
        format="multipart",
    )
    assert bad.status_code == 400
    assert olga.post(f"{API}/scorecards/{card.pk}/submit/").status_code == 200
    assert olga.post(f"{API}/scorecards/{card.pk}/accept/", {}, format="json").status_code == 403
    assert api(people.bob).post(f"{API}/scorecards/{card.pk}/accept/", {}, format="json").status_code == 404
    finding = alice.post(
        f"{API}/scorecards/{card.pk}/findings/", {"found_on": str(timezone.localdate()), "text": "齐全"}, format="json"
    )
    assert finding.status_code == 201
    accepted = alice.post(f"{API}/scorecards/{card.pk}/accept/", {"note": "通过"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted" and accepted.json()["frozen_at"]
    again = olga.post(f"{API}/scorecards/{card.pk}/self-assessment/", {"self_assessment": "改"}, format="json")
    assert again.status_code == 409
    ranking = alice.get(f"{API}/scorecards/", {"year": YEAR}).json()
    assert [(c["unit"], c["rank"], c["state"]) for c in ranking] == [("TA", 1, "accepted"), ("TB", 2, "in_progress")]
    assert api(people.wang).get(f"{API}/scorecards/").status_code == 403


def test_returning_without_a_reason_is_refused_over_the_api(coded: Tree, people: People) -> None:
    card = submitted(people, coded)
    response = api(people.alice).post(f"{API}/scorecards/{card.pk}/return/", {"reason": ""}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "reason"
    card.refresh_from_db()
    assert card.state == Scorecard.State.SUBMITTED


def test_snapshots_over_the_api(coded: Tree, people: People) -> None:
    households(coded.station_a, 2, activated_on=dt.date(LAST, 1, 1))
    services.snapshot_month(period=Period.month(LAST, 2))
    rows = (
        api(people.olga)
        .get(
            f"{API}/snapshots/",
            {"unit": "TA", "from": f"{LAST}-01", "to": f"{LAST}-12", "indicator": "households_active"},
        )
        .json()["results"]
    )
    assert rows == [
        {
            "unit": "TA",
            "indicator": "households_active",
            "month": f"{LAST}-02",
            "value": 2.0,
            "numerator": 2,
            "denominator": None,
            "own_value": 0.0,
            "own_numerator": 0,
            "own_denominator": None,
            "computed_at": rows[0]["computed_at"],
        }
    ]
    assert api(people.olga).get(f"{API}/snapshots/", {"unit": "TB"}).status_code == 404
    assert api(people.olga).get(f"{API}/snapshots/", {"from": "2025-13"}).status_code == 400


def test_work_plans_and_tasks_over_the_api(coded: Tree, people: People) -> None:
    olga = api(people.olga)
    plan = olga.post(f"{API}/work-plans/", {"year": YEAR, "title": "乌兰镇工作计划", "summary": "重点"}, format="json")
    assert plan.status_code == 201 and plan.json()["unit"] == "TA"
    plan_id = plan.json()["id"]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    deadline = yesterday if yesterday.year == YEAR else timezone.localdate()
    task = olga.post(
        f"{API}/work-plans/{plan_id}/tasks/",
        {"kind": "measure", "title": "入户复核", "owner": people.hana.pk, "deadline": str(deadline)},
        format="json",
    )
    assert task.status_code == 201
    outsider = olga.post(
        f"{API}/work-plans/{plan_id}/tasks/",
        {"kind": "measure", "title": "越权", "owner": people.bob.pk, "deadline": str(deadline)},
        format="json",
    )
    assert outsider.status_code == 400 and outsider.json()["field"] == "owner"
    mine = api(people.hana).get(f"{API}/tasks/").json()["results"]
    assert [(t["title"], t["overdue"]) for t in mine] == [("入户复核", deadline < timezone.localdate())]
    done = api(people.hana).post(
        f"{API}/tasks/{mine[0]['id']}/progress/", {"status": "done", "progress": 40}, format="json"
    )
    assert done.status_code == 200 and (done.json()["progress"], done.json()["overdue"]) == (100, False)
    assert (
        api(people.bob)
        .post(f"{API}/tasks/{mine[0]['id']}/progress/", {"status": "done", "progress": 1}, format="json")
        .status_code
        == 404
    )
    assert WorkTask.objects.get().status == "done"


def test_a_household_review_over_the_api(coded: Tree, people: People, household_a: Any) -> None:
    hana = api(people.hana)
    partial = hana.post(
        f"{API}/reviews/",
        {
            "household": household_a.pk,
            "outcome": "continue",
            "causes_checked": True,
            "income_checked": False,
            "plan_checked": True,
        },
        format="json",
    )
    assert partial.status_code == 400 and not HouseholdReview.objects.exists()
    done = hana.post(
        f"{API}/reviews/",
        {
            "household": household_a.pk,
            "outcome": "continue",
            "causes_checked": True,
            "income_checked": True,
            "plan_checked": True,
        },
        format="json",
    )
    assert done.status_code == 201 and HouseholdReview.objects.get().reviewer == people.hana
    assert (
        api(people.bob)
        .post(
            f"{API}/reviews/",
            {
                "household": household_a.pk,
                "outcome": "continue",
                "causes_checked": True,
                "income_checked": True,
                "plan_checked": True,
            },
            format="json",
        )
        .status_code
        == 404
    )
