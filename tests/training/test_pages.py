"""The training pages: a worker from advice to a seat and a QR code; staff rosters, attendance by
tick box and by scan, completion and certificate entry, coverage and demand; who may open what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from households.models import JobPreference, Member, MemberSkill
from tests.training.conftest import TrainingWorld, forklift_postings
from training import services
from training.models import Attendance, Certificate, Enrolment

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_worker_is_told_which_skill_opens_how_many_jobs_and_where_to_learn_it(
    world: TrainingWorld, wang: Member, tree: Any, people: Any
) -> None:
    forklift_postings(tree, people, world.forklift, count=3, salary=6000)
    preference = JobPreference.objects.create(member=wang, expected_salary=5500)
    assert preference.pk
    page = _client(people.wang).get(reverse("training:home"), **EN)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Learning 叉车驾驶 opens 3 jobs in your region paying at least what you expect." in text
    assert reverse("training:course", args=[world.course.pk]) in text


def test_jobs_paying_less_than_expected_are_not_counted(
    world: TrainingWorld, wang: Member, tree: Any, people: Any
) -> None:
    forklift_postings(tree, people, world.forklift, count=2, salary=4000)
    JobPreference.objects.create(member=wang, expected_salary=5500)
    page = _client(people.wang).get(reverse("training:home"), **EN)
    assert "叉车驾驶 opens" not in page.content.decode()


def test_a_worker_enrols_from_the_course_page_and_sees_their_code(
    world: TrainingWorld, wang: Member, people: Any
) -> None:
    client = _client(people.wang)
    course_page = client.get(reverse("training:course", args=[world.course.pk]), **EN)
    assert "Enrol" in course_page.content.decode()
    answer = client.post(reverse("training:enrol", args=[world.cohort.pk]), **EN)
    assert answer.status_code == 302 and answer["Location"] == reverse("training:mine")
    enrolment = Enrolment.objects.get(member=wang)
    mine = client.get(reverse("training:mine"), **EN).content.decode()
    assert "<svg" in mine and services.attendance_token(enrolment) in mine


def test_the_course_page_names_why_a_worker_may_not_enrol(world: TrainingWorld, wang: Member, people: Any) -> None:
    world.course.max_age = 20
    world.course.save()
    page = _client(people.wang).get(reverse("training:course", args=[world.course.pk]), **EN).content.decode()
    assert "This course is for ages 16 to 20" in page
    answer = _client(people.wang).post(reverse("training:enrol", args=[world.cohort.pk]), **EN)
    assert answer.status_code == 302
    assert not Enrolment.objects.exists()


def test_workers_cannot_open_staff_pages(world: TrainingWorld, people: Any) -> None:
    client = _client(people.wang)
    assert client.get(reverse("training:cohorts")).status_code == 403
    assert client.get(reverse("training:coverage")).status_code == 403
    assert client.get(reverse("training:cohort", args=[world.cohort.pk])).status_code == 404
    assert client.get(reverse("training:session", args=[world.sessions[0].pk])).status_code == 404


def test_an_employer_cannot_see_the_catalogue(world: TrainingWorld, people: Any) -> None:
    assert _client(people.eve).get(reverse("training:catalogue")).status_code == 403


def test_a_helper_enrols_a_list_from_the_roster(
    world: TrainingWorld, station_members: list[Member], people: Any
) -> None:
    client = _client(people.hana)
    page = client.get(reverse("training:cohort", args=[world.cohort.pk]), **EN)
    pick = reverse("training:enrol_pick", args=[world.cohort.pk])
    assert page.status_code == 200 and pick in page.content.decode()
    found = client.get(pick, {"q": "学员"}, **EN)
    assert station_members[0].name in found.content.decode()
    answer = client.post(
        reverse("training:enrol_others", args=[world.cohort.pk]),
        {"members": [m.pk for m in station_members[:4]]},
        **EN,
    )
    assert answer.status_code == 302
    assert Enrolment.objects.filter(state="enrolled").count() == 3
    assert Enrolment.objects.filter(state="waiting").count() == 1


def test_a_helper_only_sees_their_own_people_on_a_county_roster(
    world: TrainingWorld, station_members: list[Member], household_b: Any, people: Any
) -> None:
    services.enrolment_create(cohort=world.cohort, member=station_members[0], by=people.hana)
    services.enrolment_create(cohort=world.cohort, member=household_b.members.get(), by=people.bob)
    hana = _client(people.hana).get(reverse("training:cohort", args=[world.cohort.pk]), **EN).content.decode()
    alice = _client(people.alice).get(reverse("training:cohort", args=[world.cohort.pk]), **EN).content.decode()
    assert station_members[0].name in hana and "李梅" not in hana
    assert station_members[0].name in alice and "李梅" in alice


def test_attendance_by_tick_box_and_by_scan(world: TrainingWorld, wang: Member, people: Any) -> None:
    enrolment = services.enrolment_create(cohort=world.cohort, member=wang, by=people.wang)
    client = _client(people.hana)
    session = world.sessions[0]
    roster = client.get(reverse("training:session", args=[session.pk]), **EN)
    assert roster.status_code == 200 and "王强" in roster.content.decode()
    tick = client.post(
        reverse("training:attendance", args=[session.pk, enrolment.pk]), {"present": "on"}, HTTP_HX_REQUEST="true"
    )
    assert tick.status_code == 200 and "checked" in tick.content.decode()
    assert Attendance.objects.filter(session=session, enrolment=enrolment).exists()
    untick = client.post(reverse("training:attendance", args=[session.pk, enrolment.pk]), {}, HTTP_HX_REQUEST="true")
    assert "checked" not in untick.content.decode()
    assert not Attendance.objects.exists()
    scanned = client.post(
        reverse("training:scan", args=[world.sessions[1].pk]), {"token": services.attendance_token(enrolment)}, **EN
    )
    assert scanned.status_code == 302
    assert Attendance.objects.get().method == Attendance.Method.QR
    bad = client.post(reverse("training:scan", args=[world.sessions[1].pk]), {"token": "nonsense"}, **EN)
    assert bad.status_code == 400 and "not a trainee" in bad.content.decode()


def test_an_organizer_records_completion_and_a_certificate_from_the_roster(
    world: TrainingWorld, wang: Member, people: Any
) -> None:
    enrolment = services.enrolment_create(cohort=world.cohort, member=wang, by=people.wang)
    today = timezone.localdate()
    world.cohort.starts_on = today - dt.timedelta(days=5)
    world.cohort.enrolment_deadline = today - dt.timedelta(days=6)
    world.cohort.save()
    client = _client(people.alice)
    done = client.post(
        reverse("training:complete", args=[enrolment.pk]),
        {"passed": "1", "score": "88", "completed_on": today.isoformat()},
        **EN,
    )
    assert done.status_code == 302
    certified = client.post(
        reverse("training:certify", args=[enrolment.pk]),
        {"number": "CERT-9", "issuer": "人社局", "issued_on": today.isoformat()},
        **EN,
    )
    assert certified.status_code == 302
    assert Certificate.objects.get().number == "CERT-9"
    assert MemberSkill.objects.get(member=wang, skill=world.forklift).certified
    mine = _client(people.wang).get(reverse("training:mine"), **EN).content.decode()
    assert "CERT-9" in mine


def test_coverage_counts_capable_members_and_lists_those_without_a_certificate_with_a_cohort(
    world: TrainingWorld, wang: Member, station_members: list[Member], people: Any
) -> None:
    MemberSkill.objects.create(member=station_members[0], skill=world.forklift, phrase="叉车", certified=True)
    page = _client(people.olga).get(reverse("training:coverage"), **EN)
    assert page.status_code == 200
    report = page.context["report"]
    assert report.total.capable == 7 and report.total.covered == 1
    listed = {row["member"].pk: row["cohort"] for row in page.context["rows"]}
    assert station_members[0].pk not in listed and wang.pk in listed
    assert listed[wang.pk] == world.cohort


@pytest.mark.parametrize("role", ["alice", "hana"])
def test_demand_ranks_skills_that_would_help_the_most_people(
    world: TrainingWorld, wang: Member, tree: Any, people: Any, role: str
) -> None:
    forklift_postings(tree, people, world.forklift, count=2)
    page = _client(getattr(people, role)).get(reverse("training:demand"), **EN)
    assert page.status_code == 200
    rows = page.context["rows"]
    assert rows and rows[0].skill == world.forklift and rows[0].advised == 1 and rows[0].posting_seats == 4


def test_an_organizer_adds_a_course_and_its_first_cohort(world: TrainingWorld, tree: Any, people: Any) -> None:
    client = _client(people.olga)
    assert client.get(reverse("training:course_new"), **EN).status_code == 200
    answer = client.post(
        reverse("training:course_new"),
        {
            "title": "育婴员培训",
            "new_provider": "乌兰镇家政学校",
            "provider_kind": "school",
            "org_unit": tree.town_a.pk,
            "skills": "月嫂、养老护理",
            "level": "basic",
            "mode": "on_site",
            "region": "150624",
            "hours": "40",
            "cost": "0",
            "subsidised": "on",
            "min_age": "16",
            "max_age": "55",
        },
        **EN,
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    from training.models import Course

    course = Course.objects.get(title="育婴员培训")
    assert {s.code for s in course.skills.all()} == {"care.maternity_nurse", "care.elderly_care"}
    today = timezone.localdate()
    cohort_answer = client.post(
        reverse("training:cohort_new", args=[course.pk]),
        {
            "name": "第1期",
            "starts_on": (today + dt.timedelta(days=10)).isoformat(),
            "ends_on": (today + dt.timedelta(days=15)).isoformat(),
            "enrolment_deadline": (today + dt.timedelta(days=5)).isoformat(),
            "seats": "20",
            "sessions": "3",
        },
        **EN,
    )
    assert cohort_answer.status_code == 302
    assert course.cohorts.get().sessions.count() == 3


def test_a_cohort_ending_before_it_starts_is_refused_and_nothing_written(world: TrainingWorld, people: Any) -> None:
    today = timezone.localdate()
    answer = _client(people.alice).post(
        reverse("training:cohort_new", args=[world.course.pk]),
        {
            "name": "坏的",
            "starts_on": (today + dt.timedelta(days=10)).isoformat(),
            "ends_on": (today + dt.timedelta(days=5)).isoformat(),
            "enrolment_deadline": today.isoformat(),
            "seats": "20",
            "sessions": "0",
        },
        **EN,
    )
    assert answer.status_code == 400 and "cannot end before it starts" in answer.content.decode()
    assert world.course.cohorts.count() == 1


def test_a_helper_cannot_add_courses_and_an_organizer_not_outside_their_reach(
    world: TrainingWorld, people: Any
) -> None:
    assert _client(people.hana).get(reverse("training:course_new")).status_code == 403
    assert _client(people.bob).get(reverse("training:cohort_new", args=[world.course.pk])).status_code == 404


def test_a_helper_sees_the_open_cohorts_to_enrol_people_but_not_a_closed_one_elsewhere(
    world: TrainingWorld, tree: Any, people: Any
) -> None:
    from tests.training.conftest import make_cohort as cohort_of
    from tests.training.conftest import make_course as course_of

    closed = cohort_of(course_of(tree.town_b, [world.forklift], title="棋盘井电焊班"), name="往期", days_to_deadline=-3)
    listed = {c.pk for c in _client(people.hana).get(reverse("training:cohorts"), **EN).context["page"].object_list}
    assert world.cohort.pk in listed and closed.pk not in listed
    assert closed.pk in {c.pk for c in _client(people.bob).get(reverse("training:cohorts")).context["page"].object_list}
