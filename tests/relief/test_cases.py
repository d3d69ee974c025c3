"""The case type of the relief registry (issue 18): a case opened for a member, followed by dated
steps with the next action due, documents checked by content and size, closed with an outcome
that meets the plan goal; overdue cases on the helper's and the unit's lists; every bad input of
the issue refused with a clear error and nothing written.

A throw-away case track (``test_arrears``) proves the plug-in shape: the core knows no track."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.errors import Conflict, InvalidInput, NotFound
from households.models import Household, PlanGoal
from notifications.models import Notification
from relief import case_selectors, case_services, registry
from relief.case_services import cases_stalled_send
from relief.models import Case, CaseDocument, CaseStep
from relief.registry import Eligibility, Kind, Pays, Prepared, Track
from tests.conftest import People, Tree
from tests.relief.conftest import plan_goal

TODAY = timezone.localdate()
PDF = b"%PDF-1.4 an arrears agreement"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
EXE = b"MZ\x90\x00 not a document at all"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def case_track() -> Iterator[Track]:
    closed: list[int] = []
    track = registry.register(
        Track(
            code="test_arrears",
            name_zh="测试欠缴",
            name_en="Test arrears",
            kind=Kind.CASE,
            pays=Pays.NONE,
            case_kinds=(("arrears", "欠缴"), ("transfer", "接续转移")),
            goal_track="insurance",
            eligibility=lambda m, on: Eligibility.yes(),
            prepare=lambda m, d, on: Prepared(),
            on_case_closed=lambda case: closed.append(case.pk),
            extra={"closed": closed},
        )
    )
    yield track
    registry.tracks.unregister("test_arrears")


def _open(people: People, household: Household, **kwargs: Any) -> Case:
    values: dict[str, Any] = {
        "by": people.hana,
        "track": "test_arrears",
        "kind": "arrears",
        "member": household.members.first(),
        "summary": "单位欠缴养老保险 14 个月",
        "office": "hrss",
        "opened_on": TODAY - dt.timedelta(days=30),
        "next_action": "约谈单位负责人",
        "next_action_due": TODAY - dt.timedelta(days=10),
    }
    values.update(kwargs)
    return case_services.case_open(**values)


def test_a_case_is_followed_to_an_achieved_outcome_that_meets_the_plan_goal(
    case_track: Track, people: People, household_a: Household
) -> None:
    goal = plan_goal(household_a, "insurance")
    case = _open(people, household_a)
    assert case.helper == people.hana and case.org_unit == household_a.org_unit
    step = case_services.case_add_step(
        case=case,
        by=people.hana,
        on=TODAY - dt.timedelta(days=5),
        action="人社局劳动监察大队立案",
        next_action="跟进补缴",
        next_action_due=TODAY + dt.timedelta(days=20),
    )
    case.refresh_from_db()
    assert case.next_action == "跟进补缴" and case.next_action_due == step.next_action_due
    closed = case_services.case_close(case=case, by=people.olga, outcome="achieved", note="单位已补缴")
    goal.refresh_from_db()
    assert closed.state == Case.State.CLOSED and closed.goal == goal
    assert goal.status == PlanGoal.Status.MET
    assert case_track.extra["closed"] == [case.pk]  # the track's hook ran


def test_a_case_not_achieved_leaves_the_goal_open(case_track: Track, people: People, household_a: Household) -> None:
    goal = plan_goal(household_a, "insurance")
    case = _open(people, household_a)
    case_services.case_close(case=case, by=people.hana, outcome="not_achieved", note="单位已注销")
    goal.refresh_from_db()
    assert goal.status != PlanGoal.Status.MET


def test_a_step_dated_before_the_case_opened_is_refused(
    case_track: Track, people: People, household_a: Household
) -> None:
    case = _open(people, household_a)
    with pytest.raises(InvalidInput) as refused:
        case_services.case_add_step(case=case, by=people.hana, on=case.opened_on - dt.timedelta(days=1), action="x")
    assert refused.value.code == "before_opened" and refused.value.field == "on"
    assert "before the case was opened" in refused.value.message
    assert not CaseStep.objects.exists()
    case.refresh_from_db()
    assert case.next_action == "约谈单位负责人"


def test_closing_without_an_outcome_is_refused(case_track: Track, people: People, household_a: Household) -> None:
    goal = plan_goal(household_a, "insurance")
    case = _open(people, household_a)
    with pytest.raises(InvalidInput) as refused:
        case_services.case_close(case=case, by=people.hana, outcome="")
    assert refused.value.code == "no_outcome" and refused.value.field == "outcome"
    case.refresh_from_db()
    goal.refresh_from_db()
    assert case.state == Case.State.OPEN and case.closed_on is None and goal.status != PlanGoal.Status.MET


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("欠缴协议.pdf", EXE, "wrong_type"),  # named like a PDF, an executable by its content
        ("照片.png", b"GIF89a" + b"\0" * 32, "wrong_type"),
        ("扫描件.pdf", b"%PDF-1.4" + b"\0" * (10 * 1024 * 1024), "too_large"),
    ],
)
def test_a_document_of_the_wrong_type_or_over_10_mb_is_refused(
    case_track: Track, people: People, household_a: Household, name: str, content: bytes, code: str
) -> None:
    case = _open(people, household_a)
    with pytest.raises(InvalidInput) as refused:
        case_services.case_add_document(case=case, by=people.hana, upload=SimpleUploadedFile(name, content))
    assert refused.value.code == code
    assert not CaseDocument.objects.exists()


def test_a_pdf_and_a_png_are_kept_by_their_content(case_track: Track, people: People, household_a: Household) -> None:
    case = _open(people, household_a)
    pdf = case_services.case_add_document(
        case=case, by=people.hana, upload=SimpleUploadedFile("agreement", PDF), title="补缴协议"
    )
    png = case_services.case_add_document(case=case, by=people.hana, upload=SimpleUploadedFile("p.bin", PNG))
    assert (pdf.content_type, png.content_type) == ("application/pdf", "image/png")
    assert pdf.file.name.endswith(".pdf") and png.file.name.endswith(".png")


def test_a_sibling_units_organizer_cannot_open_a_case(
    case_track: Track, people: People, household_a: Household
) -> None:
    with pytest.raises(NotFound):
        _open(people, household_a, by=people.bob)
    assert not Case.objects.exists()


def test_a_sibling_units_organizer_gets_404_on_the_api_and_the_page(
    case_track: Track, people: People, household_a: Household
) -> None:
    member = household_a.members.first()
    api = APIClient()
    api.force_authenticate(people.bob)
    answer = api.post(
        "/api/v1/relief/cases/",
        {"track": "test_arrears", "kind": "arrears", "member": member.pk, "summary": "x", "office": "hrss"},
        format="json",
    )
    assert answer.status_code == 404
    case = _open(people, household_a)
    for url in ("/api/v1/relief/cases/{}/", "/api/v1/relief/cases/{}/steps/"):
        method = api.get if url.endswith("/{}/") else api.post
        assert method(url.format(case.pk), {"action": "x"}, format="json").status_code == 404
    client = Client()
    client.force_login(people.bob)
    assert client.get(reverse("relief:case", args=[case.pk])).status_code == 404
    assert client.post(reverse("relief:case_close", args=[case.pk]), {"outcome": "achieved"}).status_code == 404
    assert Case.objects.count() == 1 and not CaseStep.objects.exists()


def test_a_closed_case_takes_no_more_steps(case_track: Track, people: People, household_a: Household) -> None:
    case = _open(people, household_a)
    case_services.case_close(case=case, by=people.hana, outcome="withdrawn")
    with pytest.raises(Conflict):
        case_services.case_add_step(case=case, by=people.hana, action="x")


def test_a_case_names_a_kind_of_its_track_and_a_counterpart(
    case_track: Track, people: People, household_a: Household
) -> None:
    with pytest.raises(InvalidInput):
        _open(people, household_a, kind="mortgage")
    with pytest.raises(InvalidInput):
        _open(people, household_a, office="", counterpart_name="")
    with pytest.raises(InvalidInput):
        _open(people, household_a, next_action_due=TODAY - dt.timedelta(days=40))
    assert not Case.objects.exists()


def test_overdue_cases_are_on_the_helpers_list_and_the_units_list_and_reach_the_helper_once(
    case_track: Track, people: People, tree: Tree, household_a: Household, household_b: Household
) -> None:
    late = _open(people, household_a)
    _open(people, household_a, next_action_due=TODAY + dt.timedelta(days=3))  # not yet due
    foreign = _open(people, household_b, by=people.bob)  # 棋盘井's own case
    assert list(case_selectors.helper_overdue_for(people.hana)) == [late]
    assert list(case_selectors.unit_overdue_for(people.olga)) == [late]
    assert set(case_selectors.unit_overdue_for(people.alice)) == {late, foreign}
    assert list(case_selectors.unit_overdue_for(people.bob)) == [foreign]
    assert list(case_selectors.unit_overdue_for(people.alice, unit=tree.town_b)) == [foreign]
    assert cases_stalled_send(today=TODAY) == 2  # hana's and bob's (bob opened a case without a helper)
    assert cases_stalled_send(today=TODAY) == 0  # idempotent
    note = Notification.objects.get(recipient=people.hana, kind="case.stalled")
    assert note.context["household"] == household_a.number and note.link == reverse("relief:case", args=[late.pk])
    # a step that sets a new next action takes the case off the list
    case_services.case_add_step(
        case=late, by=people.hana, action="电话催办", next_action="复查", next_action_due=TODAY + dt.timedelta(days=7)
    )
    assert not case_selectors.helper_overdue_for(people.hana).exists()


def test_the_api_opens_follows_and_closes_a_case(case_track: Track, people: People, household_a: Household) -> None:
    goal = plan_goal(household_a, "insurance")
    api = APIClient()
    api.force_authenticate(people.hana)
    member = household_a.members.first()
    opened = api.post(
        "/api/v1/relief/cases/",
        {
            "track": "test_arrears",
            "kind": "arrears",
            "member": member.pk,
            "summary": "单位欠缴",
            "office": "hrss",
            "opened_on": (TODAY - dt.timedelta(days=3)).isoformat(),
        },
        format="json",
    )
    assert opened.status_code == 201, opened.content
    pk = opened.json()["id"]
    early = api.post(
        f"/api/v1/relief/cases/{pk}/steps/",
        {"on": (TODAY - dt.timedelta(days=4)).isoformat(), "action": "x"},
        format="json",
    )
    assert early.status_code == 400 and not CaseStep.objects.exists()
    bad = api.post(
        f"/api/v1/relief/cases/{pk}/documents/", {"file": SimpleUploadedFile("a.pdf", EXE)}, format="multipart"
    )
    assert bad.status_code == 400 and not CaseDocument.objects.exists()
    good = api.post(
        f"/api/v1/relief/cases/{pk}/documents/", {"file": SimpleUploadedFile("a.pdf", PDF)}, format="multipart"
    )
    assert good.status_code == 201
    assert api.post(f"/api/v1/relief/cases/{pk}/close/", {}, format="json").status_code == 400
    closed = api.post(f"/api/v1/relief/cases/{pk}/close/", {"outcome": "achieved"}, format="json")
    assert closed.status_code == 200 and closed.json()["state"] == "closed" and closed.json()["goal"] == goal.pk
    mine = api.get("/api/v1/relief/cases/overdue/?mine=1")
    assert mine.status_code == 200 and mine.json()["count"] == 0


def test_the_pages_open_follow_and_close_a_case(case_track: Track, people: People, household_a: Household) -> None:
    client = Client()
    client.force_login(people.hana)
    member = household_a.members.first()
    assert client.get(reverse("relief:case_open", args=["test_arrears"])).status_code == 200
    answer = client.post(
        reverse("relief:case_open", args=["test_arrears"]),
        {
            "member": member.pk,
            "kind": "arrears",
            "summary": "单位欠缴",
            "office": "hrss",
            "opened_on": TODAY.isoformat(),
            "next_action": "约谈",
            "next_action_due": (TODAY + dt.timedelta(days=7)).isoformat(),
        },
    )
    case = Case.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("relief:case", args=[case.pk])
    early = client.post(
        reverse("relief:case_step", args=[case.pk]),
        {"on": (TODAY - dt.timedelta(days=1)).isoformat(), "action": "x"},
    )
    assert early.status_code == 400 and early.context["step_form"].errors["on"]
    wrong = client.post(reverse("relief:case_document", args=[case.pk]), {"upload": SimpleUploadedFile("x.pdf", EXE)})
    assert wrong.status_code == 400 and not CaseDocument.objects.exists()
    no_outcome = client.post(reverse("relief:case_close", args=[case.pk]), {"on": TODAY.isoformat()})
    assert no_outcome.status_code == 400 and no_outcome.context["close_form"].errors["outcome"]
    client.post(reverse("relief:case_document", args=[case.pk]), {"upload": SimpleUploadedFile("x.pdf", PDF)})
    document = CaseDocument.objects.get()
    got = client.get(reverse("relief:case_document_file", args=[case.pk, document.pk]))
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("relief:cases") + "?mine=1").status_code == 200
    assert client.get(reverse("relief:case", args=[case.pk])).status_code == 200


def test_the_dashboard_counts_the_overdue_cases(case_track: Track, people: People, household_a: Household) -> None:
    _open(people, household_a)
    client = Client()
    client.force_login(people.hana)
    page = client.get("/").content.decode()
    assert 'data-tile="my_overdue_cases"' in page and 'data-tile="unit_overdue_cases"' in page
    from relief.dashboard import tiles_for

    counts = {t["key"]: t["count"] for t in tiles_for(people.hana)}
    assert counts["my_overdue_cases"] == 1 and counts["unit_overdue_cases"] == 1


def test_every_case_track_has_its_page_and_an_open_form(people: People, household_a: Household) -> None:
    client = Client()
    client.force_login(people.olga)
    assert client.get(reverse("relief:index")).status_code == 200
    for entry in registry.tracks.case_tracks():
        assert client.get(reverse("relief:track", args=[entry.code])).status_code == 200, entry.code
        assert client.get(reverse("relief:case_open", args=[entry.code])).status_code == 200, entry.code
    assert {"restructuring", "insurance", "migrant"} <= {t.code for t in registry.tracks.case_tracks()}
    assert client.get(reverse("relief:track", args=["care"])).status_code == 200
