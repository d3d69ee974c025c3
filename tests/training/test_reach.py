"""Every training URL and API endpoint, tried by the personas who must not reach a record of town B
(Li Mei, enrolled by Bob in a course that town B runs): each answer is 403 or 404, never 200 with
her data and never 500, and nothing is written. Malformed ids answer 404, never 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from households.models import Household
from tests.training.conftest import TrainingWorld, make_cohort, make_course
from training import services
from training.models import Attendance, Certificate, Completion, Enrolment, Session

API = "/api/v1/training"
HUGE = "99999999999999999999999"


@pytest.fixture
def town_b_enrolment(world: TrainingWorld, tree: Any, people: Any, household_b: Household) -> Enrolment:
    course = make_course(tree.town_b, [world.forklift], title="棋盘井叉车班")
    cohort = make_cohort(course, seats=5)
    Session.objects.create(cohort=cohort, starts_at=timezone.now())
    return services.enrolment_create(cohort=cohort, member=household_b.members.get(), by=people.bob)


def _page(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _api(user: Any) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


def _writes(e: Enrolment) -> list[tuple[str, str, dict[str, Any]]]:
    session = e.cohort.sessions.get()
    form = {"present": "on", "passed": "1", "completed_on": timezone.localdate().isoformat()}
    return [
        ("page", f"/training/enrolments/{e.pk}/cancel/", {}),
        ("page", f"/training/enrolments/{e.pk}/complete/", form),
        ("page", f"/training/enrolments/{e.pk}/certificate/", {"number": "X-1", "issuer": "人社局"}),
        ("page", f"/training/sessions/{session.pk}/attendance/{e.pk}/", form),
        ("api", f"{API}/enrolments/{e.pk}/cancel/", {}),
        ("api", f"{API}/enrolments/{e.pk}/attendance/", {"session": session.pk}),
        ("api", f"{API}/enrolments/{e.pk}/completion/", {"passed": True}),
        ("api", f"{API}/enrolments/{e.pk}/certificate/", {"number": "X-1", "issuer": "人社局"}),
    ]


@pytest.mark.parametrize("who", ["olga", "hana", "aude", "wang", "eve"])
def test_nobody_outside_town_b_changes_its_enrolment_through_a_page_or_the_api(
    who: str, town_b_enrolment: Enrolment, people: Any, wang: Any
) -> None:
    user = getattr(people, who)
    for kind, url, body in _writes(town_b_enrolment):
        answer = _page(user).post(url, body) if kind == "page" else _api(user).post(url, body, format="json")
        assert answer.status_code in (403, 404), (who, url, answer.status_code)
    assert Enrolment.objects.get(pk=town_b_enrolment.pk).state == Enrolment.State.ENROLLED
    assert not Attendance.objects.exists() and not Completion.objects.exists() and not Certificate.objects.exists()


@pytest.mark.parametrize("who", ["olga", "hana", "wang", "eve"])
def test_nobody_outside_town_b_reads_its_trainee(who: str, town_b_enrolment: Enrolment, people: Any, wang: Any) -> None:
    user = getattr(people, who)
    e = town_b_enrolment
    for url in (f"{API}/enrolments/{e.pk}/", f"{API}/advice/?member={e.member_id}"):
        assert _api(user).get(url).status_code in (403, 404), (who, url)
    for url in (f"{API}/enrolments/", f"{API}/certificates/"):
        answer = _api(user).get(url)
        assert answer.status_code == 200 and e.member.name not in answer.content.decode(), (who, url)
    for url in (f"/training/cohorts/{e.cohort_id}/", f"/training/sessions/{e.cohort.sessions.get().pk}/"):
        answer = _page(user).get(url)
        assert answer.status_code in (200, 403, 404), (who, url)
        assert e.member.name not in answer.content.decode(), (who, url)


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/cohorts/abc/",
        f"{API}/cohorts/{HUGE}/",
        f"{API}/courses/abc/",
        f"{API}/enrolments/abc/",
        f"{API}/enrolments/{HUGE}/",
        f"{API}/certificates/abc/",
        f"{API}/advice/?member=abc",
        f"{API}/advice/?member={HUGE}",
        "/training/cohorts/" + HUGE + "/",
        "/training/courses/" + HUGE + "/",
    ],
)
def test_a_malformed_or_unknown_id_answers_404_not_500(url: str, world: TrainingWorld, people: Any) -> None:
    client = _api(people.alice) if url.startswith(API) else _page(people.alice)
    assert client.get(url).status_code == 404


def test_a_malformed_enrolment_id_in_a_post_answers_404_not_500(world: TrainingWorld, people: Any) -> None:
    assert _api(people.alice).post(f"{API}/enrolments/abc/cancel/", {}, format="json").status_code == 404
    assert _api(people.alice).post(f"{API}/cohorts/abc/enrol/", {}, format="json").status_code == 404


def test_the_selectors_treat_a_malformed_id_as_not_found(world: TrainingWorld, people: Any) -> None:
    from core.errors import NotFound
    from training import selectors

    for get in (
        selectors.cohort_get_for,
        selectors.course_get_for,
        selectors.enrolment_get_for,
        selectors.session_get_for,
    ):
        for bad in ("abc", "", None, "1.5", -1):
            with pytest.raises(NotFound):
                get(people.alice, bad)


def test_an_employer_is_refused_skill_advice(world: TrainingWorld, people: Any) -> None:
    assert _api(people.eve).get(f"{API}/advice/").status_code == 403


def test_a_staff_list_of_more_than_the_batch_limit_is_refused_before_looking_anyone_up(
    world: TrainingWorld, people: Any, django_assert_max_num_queries: Any
) -> None:
    ids = list(range(1, services.MAX_BATCH + 2))
    with django_assert_max_num_queries(12):
        answer = _api(people.alice).post(f"{API}/cohorts/{world.cohort.pk}/enrol/", {"members": ids}, format="json")
    assert answer.status_code == 400
    assert not Enrolment.objects.exists()
