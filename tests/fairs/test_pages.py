"""The fairs pages and API, per role: what each sees and may do."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from fairs import services
from fairs.models import Attendee, Booth, CheckIn, Interview, JobFair
from households.models import TargetGroup
from jobs.models import Placement
from tests.fairs.conftest import FairWorld, make_fair, on_the_day, register, today

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_an_organizer_sets_up_a_fair_with_a_booth_map(world: FairWorld, people: Any, tree: Any) -> None:
    day = today() + dt.timedelta(days=20)
    response = client_for(people.alice).post(
        reverse("fairs:create"),
        {
            "name": "跨区域劳务协作招聘会",
            "kind": "cross_regional",
            "org_unit": tree.county.pk,
            "starts_on": day,
            "ends_on": day,
            "interviews_start": "09:30",
            "venue": "棋盘井镇文化广场",
            "booth_codes": "A01-A03, B01",
            "target_groups": [TargetGroup.objects.get(code="migrant").pk],
            "registration_opens": today(),
            "registration_closes": day - dt.timedelta(days=1),
            "capacity": 200,
            "max_interviews": 3,
            "gap_minutes": 10,
        },
    )
    fair = JobFair.objects.get(name="跨区域劳务协作招聘会")
    assert response.status_code == 302 and response["Location"] == reverse("fairs:detail", args=[fair.pk])
    assert fair.booth_codes == ["A01", "A02", "A03", "B01"] and fair.target_groups.count() == 1


def test_a_fair_whose_registration_closes_before_it_opens_is_refused_on_the_page(people: Any, tree: Any) -> None:
    day = today() + dt.timedelta(days=20)
    response = client_for(people.alice).post(
        reverse("fairs:create"),
        {
            "name": "错误",
            "kind": "general",
            "org_unit": tree.county.pk,
            "starts_on": day,
            "ends_on": day,
            "interviews_start": "09:00",
            "venue": "体育馆",
            "registration_opens": day,
            "registration_closes": today(),
            "capacity": 10,
            "max_interviews": 3,
            "gap_minutes": 10,
        },
    )
    assert response.status_code == 400 and "Registration closes before it opens." in response.content.decode()
    assert not JobFair.objects.filter(name="错误").exists()


def test_workers_and_auditors_cannot_set_up_fairs(people: Any) -> None:
    assert client_for(people.wang).get(reverse("fairs:create")).status_code == 403
    assert client_for(people.aude).get(reverse("fairs:create")).status_code == 403


def test_a_worker_registers_and_sees_the_schedule_and_a_qr_code(world: FairWorld, people: Any) -> None:
    client = client_for(people.wang)
    page = client.get(reverse("fairs:detail", args=[world.fair.pk])).content.decode()
    assert "Register for this fair" in page
    response = client.post(reverse("fairs:register", args=[world.fair.pk]))
    assert response.status_code == 302
    attendee = Attendee.objects.get(fair=world.fair, member=world.wang)
    services.fair_schedule(fair=world.fair, by=people.alice)
    mine = client.get(reverse("fairs:mine", args=[world.fair.pk])).content.decode()
    assert "<svg" in mine and attendee.code in mine and "A01" in mine and "鄂托克旗利民煤业有限公司" in mine


def test_a_worker_cannot_see_another_persons_schedule(world: FairWorld, people: Any) -> None:
    li = register(world.fair, world.li)
    register(world.fair, world.wang)
    response = client_for(people.wang).get(reverse("fairs:mine", args=[world.fair.pk]) + f"?attendee={li.pk}")
    assert response.status_code == 404


def test_an_employer_applies_for_a_booth_on_the_page(world: FairWorld, people: Any) -> None:
    fair = make_fair(world.fair.org_unit, name="春风行动招聘会", kind="general")
    client = client_for(people.eve)
    assert "Apply for a booth" in client.get(reverse("fairs:detail", args=[fair.pk])).content.decode()
    response = client.post(
        reverse("fairs:booth_apply", args=[fair.pk]),
        {"postings": [world.posting.pk], "slot_count": 6, "slot_minutes": 20, "slot_capacity": 1},
    )
    assert response.status_code == 302
    booth = Booth.objects.get(fair=fair)
    assert (booth.slot_count, booth.slot_minutes, booth.status) == (6, 20, Booth.Status.PENDING)


def test_an_employer_sees_only_its_own_interview_list(world: FairWorld, people: Any) -> None:
    attendee = register(world.fair, world.li)
    Interview.objects.create(fair=world.fair, booth=world.booth, attendee=attendee, slot=0, score=0.8)
    page = client_for(people.eve).get(reverse("fairs:booth", args=[world.booth.pk])).content.decode()
    assert "李娜" in page and "Record outcome" in page and world.li.id_number not in page
    assert client_for(world.frank).get(reverse("fairs:booth", args=[world.booth.pk])).status_code == 404


def test_an_employer_records_a_hire_on_the_page_and_it_shows_in_placements(world: FairWorld, people: Any) -> None:
    on_the_day(world.fair)
    attendee = register(world.fair, world.li)
    interview = Interview.objects.create(fair=world.fair, booth=world.booth, attendee=attendee, slot=0, score=0.8)
    prefix = f"i{interview.pk}"
    response = client_for(people.eve).post(
        reverse("fairs:outcome", args=[interview.pk]),
        {
            f"{prefix}-outcome": "hired",
            f"{prefix}-posting": world.posting.pk,
            f"{prefix}-start_date": today(),
            f"{prefix}-monthly_wage": 5000,
        },
    )
    assert response.status_code == 302
    assert Placement.objects.filter(member=world.li, employer=world.eve_co).exists()
    placements = client_for(people.alice).get(reverse("jobs:placements")).content.decode()
    assert "李娜" in placements


def test_another_employer_posting_an_outcome_gets_not_found_and_nothing_is_written(
    world: FairWorld, people: Any
) -> None:
    on_the_day(world.fair)
    attendee = register(world.fair, world.li)
    interview = Interview.objects.create(fair=world.fair, booth=world.booth, attendee=attendee, slot=0, score=0.8)
    response = client_for(world.frank).post(
        reverse("fairs:outcome", args=[interview.pk]), {f"i{interview.pk}-outcome": "offer"}
    )
    assert response.status_code == 404
    interview.refresh_from_db()
    assert interview.outcome == ""


def test_the_organizer_approves_and_schedules_from_the_fair_page(world: FairWorld, people: Any) -> None:
    client = client_for(people.alice)
    client.post(reverse("fairs:booth_decide", args=[world.pending.pk]), {"code": "B01", "decision": "approve"})
    world.pending.refresh_from_db()
    assert world.pending.code == "B01"
    register(world.fair, world.li)
    response = client.post(reverse("fairs:schedule", args=[world.fair.pk]), follow=True)
    page = response.content.decode()
    assert "interviews scheduled: objective" in page and "greedy baseline" in page
    assert Interview.objects.filter(fair=world.fair).count() == 2  # Li at both booths


def test_a_schedule_request_without_approved_booths_shows_the_error(world: FairWorld, people: Any) -> None:
    fair = make_fair(world.fair.org_unit, name="空招聘会")
    response = client_for(people.alice).post(reverse("fairs:schedule", args=[fair.pk]), follow=True)
    assert "no approved booths" in response.content.decode()


def test_the_checkin_page_and_the_sync_api_count_a_person_once(world: FairWorld, people: Any) -> None:
    on_the_day(world.fair)
    attendee = register(world.fair, world.wang)
    client = client_for(people.hana)
    page = client.get(reverse("fairs:checkin", args=[world.fair.pk])).content.decode()
    url = reverse("fair-checkin", args=[world.fair.pk])
    assert "fairs/checkin.js" in page and f'data-sync-url="{url}"' in page
    token = services.checkin_token(attendee)
    body = {"scans": [{"id": "x1", "code": token}, {"id": "x2", "code": token}]}
    first = client.post(url, body, content_type="application/json").json()
    again = client.post(url, body, content_type="application/json").json()
    assert [r["status"] for r in first["results"]] == ["checked_in", "repeat"]
    assert [r["status"] for r in again["results"]] == ["already_synced", "already_synced"]
    assert CheckIn.objects.count() == 2
    assert Attendee.objects.filter(checked_in_at__isnull=False).count() == 1


def test_a_tampered_code_through_the_api_is_answered_invalid(world: FairWorld, people: Any) -> None:
    on_the_day(world.fair)
    attendee = register(world.fair, world.wang)
    token = services.checkin_token(attendee)
    url = reverse("fair-checkin", args=[world.fair.pk])
    response = client_for(people.hana).post(
        url, {"scans": [{"id": "t1", "code": "x" + token[1:]}]}, content_type="application/json"
    )
    assert response.json()["results"][0]["status"] == "invalid"
    assert not CheckIn.objects.exists()


def test_workers_cannot_use_the_checkin_api(world: FairWorld, people: Any) -> None:
    attendee = register(world.fair, world.wang)
    url = reverse("fair-checkin", args=[world.fair.pk])
    response = client_for(people.wang).post(
        url, {"scans": [{"id": "w1", "code": attendee.code}]}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_the_report_counts_by_target_group_and_unit_and_exports_to_excel(world: FairWorld, people: Any) -> None:
    on_the_day(world.fair)
    world.wang.household.target_groups.add(TargetGroup.objects.get(code="dibao_able"))
    attendee = register(world.fair, world.wang)
    register(world.fair, world.li)
    services.checkin_scan(fair=world.fair, by=people.hana, scan_id="r1", code=attendee.code)
    interview = Interview.objects.create(fair=world.fair, booth=world.booth, attendee=attendee, slot=0, score=0.6)
    services.interview_record_outcome(interview=interview, by=people.eve, outcome="offer")
    client = client_for(people.alice)
    page = client.get(reverse("fairs:report", args=[world.fair.pk])).content.decode()
    assert "By target group" in page and "乌兰镇帮扶站" in page
    response = client.get(reverse("fairs:report", args=[world.fair.pk]) + "?format=xlsx")
    book = load_workbook(BytesIO(response.content))
    summary = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert summary[5][:6] == ["Registrations", "Check-ins", "Interviews scheduled", "Interviewed", "Offers", "Hires"]
    assert summary[6][:6] == [2, 1, 1, 1, 1, 0]
    groups = [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    assert groups[1][1:] == [1, 1, 1, 1, 1, 0]
    api = client.get(reverse("fair-report", args=[world.fair.pk])).json()
    assert api["total"]["offers"] == 1


def test_a_sibling_units_organizer_cannot_see_the_report_of_a_town_fair(
    world: FairWorld, people: Any, tree: Any
) -> None:
    fair = make_fair(tree.town_a, name="乌兰镇招聘会")
    assert client_for(people.bob).get(reverse("fairs:report", args=[fair.pk])).status_code == 404
    assert client_for(people.olga).get(reverse("fairs:report", args=[fair.pk])).status_code == 200


def test_the_graduate_rule_warns_units_and_lists_graduates_not_invited(
    world: FairWorld, people: Any, tree: Any
) -> None:
    client = client_for(people.alice)
    page = client.get(reverse("fairs:graduates")).content.decode()
    # The county's own graduate fair counts for the county, not for the towns below it.
    assert f"{tree.town_b.name} has no graduate fair scheduled" in page
    assert f"{tree.county.name} has no graduate fair" not in page
    assert "王强" in page  # graduated this year, registered for no fair
    register(world.fair, world.wang)
    assert "王强" not in client.get(reverse("fairs:graduates")).content.decode()


def test_the_api_lists_a_workers_registrations_with_the_signed_code(world: FairWorld, people: Any) -> None:
    attendee = register(world.fair, world.wang)
    rows = client_for(people.wang).get(reverse("fair-mine-list")).json()
    assert len(rows) == 1 and rows[0]["registration"]["id"] == attendee.pk
    assert services._attendee_from(world.fair, rows[0]["qr"]) == attendee


def test_a_fair_without_approved_booths_refuses_a_schedule_through_the_api(world: FairWorld, people: Any) -> None:
    fair = make_fair(world.fair.org_unit, name="空")
    response = client_for(people.alice).post(reverse("fair-schedule", args=[fair.pk]))
    assert response.status_code == 409 and "no approved booths" in response.json()["detail"]


def test_a_helper_registers_a_member_through_the_api_and_a_worker_registers_themselves(
    world: FairWorld, people: Any
) -> None:
    url = reverse("fair-register", args=[world.fair.pk])
    by_helper = client_for(people.hana).post(url, {"member": world.li.pk}, content_type="application/json")
    assert by_helper.status_code == 201 and by_helper.json()["via"] == "helper"
    by_worker = client_for(people.wang).post(url, {}, content_type="application/json")
    assert by_worker.status_code == 201 and by_worker.json()["via"] == "self"
    again = client_for(people.wang).post(url, {}, content_type="application/json")
    assert again.status_code == 409
    assert Attendee.objects.filter(fair=world.fair).count() == 2


def test_registering_after_the_window_through_the_api_is_a_clear_400(world: FairWorld, people: Any) -> None:
    world.fair.registration_closes = today() - dt.timedelta(days=2)
    world.fair.save()
    response = client_for(people.wang).post(
        reverse("fair-register", args=[world.fair.pk]), {}, content_type="application/json"
    )
    assert response.status_code == 400 and "closed on" in response.json()["detail"]
    assert not Attendee.objects.exists()


def test_assigning_a_taken_booth_through_the_api_is_a_409(world: FairWorld, people: Any) -> None:
    url = reverse("fair-booth-decide", args=[world.pending.pk])
    response = client_for(people.alice).post(url, {"approve": True, "code": "A01"}, content_type="application/json")
    assert response.status_code == 409 and "already given" in response.json()["detail"]
    world.pending.refresh_from_db()
    assert world.pending.code is None


def test_an_employer_books_someone_who_came_to_the_booth_and_records_the_outcome(world: FairWorld, people: Any) -> None:
    on_the_day(world.fair)
    attendee = register(world.fair, world.zhao)
    client = client_for(people.eve)
    response = client.post(reverse("fairs:booth_walk_in", args=[world.booth.pk]), {"code": attendee.code, "slot": 1})
    assert response.status_code == 302
    interview = Interview.objects.get(attendee=attendee, booth=world.booth)
    assert (interview.slot, interview.state) == (1, Interview.State.CONFIRMED)
    services.interview_record_outcome(interview=interview, by=people.eve, outcome="interviewed")
    taken = client.post(
        reverse("fair-booth-walk-in", args=[world.booth.pk]), {"code": register(world.fair, world.li).code, "slot": 1}
    )
    assert taken.status_code == 409 and "full" in taken.json()["detail"]
    assert Interview.objects.filter(booth=world.booth).count() == 1


def test_a_walk_in_with_an_unknown_code_books_nothing(world: FairWorld, people: Any) -> None:
    response = client_for(people.eve).post(
        reverse("fair-booth-walk-in", args=[world.booth.pk]), {"code": "ZZZZ2345", "slot": 0}
    )
    assert response.status_code == 400 and "No registration" in response.json()["detail"]
    assert not Interview.objects.exists()


def test_organizers_are_warned_on_the_fair_list_about_units_without_a_graduate_fair(
    world: FairWorld, people: Any
) -> None:
    page = client_for(people.alice).get(reverse("fairs:list")).content.decode()
    assert "units have no graduate fair scheduled this year" in page  # town A and town B
    assert "graduate-rule-warning" not in client_for(people.wang).get(reverse("fairs:list")).content.decode()


def test_a_station_helper_sees_only_their_own_people_among_a_county_fairs_attendees(
    world: FairWorld, people: Any, household_b: Any
) -> None:
    register(world.fair, world.li)  # station A
    register(world.fair, household_b.members.get())  # town B
    page = client_for(people.hana).get(reverse("fairs:detail", args=[world.fair.pk])).content.decode()
    assert "李娜" in page and "李梅" not in page
    county = client_for(people.aude).get(reverse("fairs:detail", args=[world.fair.pk])).content.decode()
    assert "李娜" in county and "李梅" in county


def test_a_worker_registering_after_the_window_sees_why_on_the_fair_page(world: FairWorld, people: Any) -> None:
    world.fair.registration_opens = world.fair.registration_closes = today() - dt.timedelta(days=1)
    world.fair.save()
    response = client_for(people.wang).post(reverse("fairs:register", args=[world.fair.pk]), follow=True)
    assert response.status_code == 200 and "Registration for this fair closed on" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("fairs:detail", args=[world.fair.pk])
    assert not Attendee.objects.exists()
