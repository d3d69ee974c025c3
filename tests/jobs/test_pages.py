"""The 阳光就业 pages, driven through the test client: who may open what, the three journeys (a
worker applies, an employer hires, organizers verify and review), and the bad input named in the
issue, each with its clear error and nothing written.

Pages are requested in English so that assertions hold whatever the Chinese catalogue says.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from core.pagination import CappedPaginator
from households.models import Household, Member, PlanGoal
from jobs.models import (
    Application,
    ApplicationEvent,
    Employer,
    EmployerMembership,
    EmploymentService,
    JobPosting,
    Placement,
    PostingSkill,
    RetentionCheck,
)
from tests.factories import MemberFactory, PlanGoalFactory, ReliefPlanFactory
from tests.jobs.conftest import fresh_uscc, make_posting

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def flashed(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def apply(client: Client, posting: JobPosting, message: str = "") -> Any:
    return client.post(reverse("jobs:apply", args=[posting.pk]), {"message": message})


def posting_data(**values: Any) -> dict[str, Any]:
    data = {
        "title": "电焊工",
        "description": "厂区设备维修焊接",
        "required_skills": "电焊、开叉车\n会开铲运机",
        "preferred_skills": "吃苦耐劳",
        "headcount": "3",
        "salary_min": "5000",
        "salary_max": "8000",
        "region_code": "150624",
        "address": "棋盘井工业园",
        "physical_demand": "heavy",
        "education": "",
        "valid_until": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
    }
    data.update(values)
    return data


# --- who may open which page -----------------------------------------------------------------------


def test_the_job_pages_need_a_login(client: Client, posting: JobPosting) -> None:
    for url in (reverse("jobs:search"), reverse("jobs:detail", args=[posting.pk]), reverse("jobs:postings")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["alice", "hana", "aude", "wang", "eve", "root"])
def test_every_signed_in_role_finds_and_opens_open_postings(
    client: Client, people: Any, household_a: Household, posting: JobPosting, persona: str
) -> None:
    client.force_login(getattr(people, persona))
    search = client.get(reverse("jobs:search"))
    assert search.status_code == 200
    assert "叉车司机" in search.content.decode()
    detail = client.get(reverse("jobs:detail", args=[posting.pk]))
    assert detail.status_code == 200
    assert "鄂托克旗利民煤业有限公司" in detail.content.decode()


def test_search_cards_show_what_a_worker_filters_on(client: Client, people: Any, posting: JobPosting) -> None:
    client.force_login(people.wang)
    page = client.get(reverse("jobs:search")).content.decode()
    for text in ("¥4500–6500", "Moderate work", "Board and lodging", "Forklift operation", "Cleaning", "会开铲运机"):
        assert text in page, text
    # Written as people read dates aloud (the language's DATE_FORMAT: 2027年1月4日 in Chinese).
    assert f"Open until {date_filter(posting.valid_until, 'DATE_FORMAT')}" in page


def test_search_filters_by_skill_region_salary_light_work_and_graduates(
    client: Client, people: Any, employer: Employer, posting: JobPosting
) -> None:
    light = make_posting(
        employer,
        title="超市理货员",
        salary_min=3000,
        salary_max=3800,
        physical_demand="light",
        for_graduates=True,
        region_id="150602",
    )
    client.force_login(people.wang)

    def titles(**params: Any) -> set[str]:
        page = client.get(reverse("jobs:search"), params).context["page"]
        return {p.title for p in page.object_list}

    assert titles() == {"叉车司机", "超市理货员"}
    assert titles(skill="logistics.forklift") == {"叉车司机"}
    assert titles(skill="叉车驾驶") == {"叉车司机"}  # the name picked from the suggestions
    assert titles(skill="开叉车") == {"叉车司机"}  # the worker's own words, understood
    assert titles(region="150624") == {"叉车司机"}
    assert titles(region="150602") == {"超市理货员"}
    assert titles(min_salary="5000") == {"叉车司机"}
    assert titles(light_work="on") == {"超市理货员"}
    assert titles(for_graduates="on") == {light.title}
    assert titles(q="利民") == {"叉车司机", "超市理货员"}
    assert titles(q="理货") == {"超市理货员"}


def test_a_broad_search_says_there_are_more_and_its_last_page_asks_to_narrow_it(
    client: Client, people: Any, employer: Employer, posting: JobPosting, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    for n in range(3):
        make_posting(employer, title=f"装卸工{n}")
    client.force_login(people.wang)
    first = client.get(reverse("jobs:search")).content.decode()
    assert "more than 2 open jobs" in first
    last = client.get(reverse("jobs:search"), {"page": 99}).content.decode()
    assert "Narrow the search to see the others." in last
    narrowed = client.get(reverse("jobs:search"), {"q": "装卸工1"}).content.decode()
    assert "1 open job" in narrowed and "more than" not in narrowed


def test_the_search_and_the_pipeline_take_as_many_queries_for_many_rows_as_for_one(
    client: Client, people: Any, employer: Employer, posting: JobPosting, wang: Member, household_b: Household
) -> None:
    from skills.models import Skill

    forklift = Skill.objects.get(code="logistics.forklift")
    Application.objects.create(posting=posting, member=wang)
    client.force_login(people.eve)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    search, pipeline = reverse("jobs:search"), reverse("jobs:pipeline", args=[posting.pk])
    before = (queries(search), queries(pipeline))
    for n in range(5):
        extra = make_posting(employer, title=f"岗位{n}")
        PostingSkill.objects.create(posting=extra, phrase="叉车", skill=forklift)
        member = MemberFactory(household=household_b, relation=Member.Relation.CHILD)
        member.skills.create(phrase="叉车", skill=forklift)
        Application.objects.create(posting=posting, member=member)
    assert (queries(search), queries(pipeline)) == before


def test_search_offers_the_counties_of_the_workers_city(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.wang)
    form = client.get(reverse("jobs:search")).context["filter_form"]
    codes = [code for code, _label in form.fields["region"].choices]
    assert codes[0] == ""  # anywhere
    assert "150624" in codes and "150602" in codes
    assert all(code.startswith("1506") and code != "150600" for code in codes[1:])


def test_postings_that_are_not_open_are_not_found_by_workers(
    client: Client, people: Any, employer: Employer, posting: JobPosting
) -> None:
    draft = make_posting(employer, title="草稿岗位", state=JobPosting.State.DRAFT, published_at=None)
    expired = make_posting(employer, title="过期岗位", valid_until=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(people.wang)
    page = client.get(reverse("jobs:search")).content.decode()
    assert "草稿岗位" not in page and "过期岗位" not in page
    for hidden in (draft, expired):
        assert client.get(reverse("jobs:detail", args=[hidden.pk])).status_code == 404


def test_worker_pages_are_forbidden_to_other_roles(client: Client, people: Any) -> None:
    for persona in ("eve", "alice", "hana"):
        client.force_login(getattr(people, persona))
        assert client.get(reverse("jobs:my_applications")).status_code == 403, persona


def test_employer_pages_render_for_the_employer(client: Client, people: Any, posting: JobPosting, wang: Member) -> None:
    client.force_login(people.eve)
    urls = [
        reverse("jobs:company"),
        reverse("jobs:company_edit"),
        reverse("jobs:postings"),
        reverse("jobs:posting_create"),
        reverse("jobs:posting_edit", args=[posting.pk]),
        reverse("jobs:pipeline", args=[posting.pk]),
        reverse("jobs:candidates"),
        reverse("jobs:detail", args=[posting.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b'<html lang="en">' in response.content, url


def test_employer_pages_are_forbidden_to_other_roles(client: Client, people: Any, household_a: Household) -> None:
    for persona in ("wang", "alice", "hana", "aude"):
        client.force_login(getattr(people, persona))
        for name in ("company", "company_edit", "postings", "posting_create", "candidates"):
            assert client.get(reverse(f"jobs:{name}")).status_code == 403, (persona, name)


def test_employer_records_are_not_found_for_other_roles(
    client: Client, people: Any, posting: JobPosting, wang: Member
) -> None:
    wang.consent_to_be_found = True
    wang.save()
    for persona in ("wang", "alice", "hana"):
        client.force_login(getattr(people, persona))
        for url in (
            reverse("jobs:posting_edit", args=[posting.pk]),
            reverse("jobs:pipeline", args=[posting.pk]),
            reverse("jobs:candidate", args=[wang.pk]),
        ):
            assert client.get(url).status_code == 404, (persona, url)


def test_organizer_pages_render_for_the_county_organizer(client: Client, people: Any, posting: JobPosting) -> None:
    client.force_login(people.alice)
    for name in (
        "review_employers",
        "review_postings",
        "stalled",
        "placements",
        "follow_ups",
        "services",
        "service_create",
    ):
        response = client.get(reverse(f"jobs:{name}"))
        assert response.status_code == 200, name


def test_helpers_follow_up_and_record_services_but_do_not_verify_or_review(
    client: Client, people: Any, household_a: Household
) -> None:
    client.force_login(people.hana)
    for name in ("stalled", "placements", "follow_ups", "services", "service_create"):
        assert client.get(reverse(f"jobs:{name}")).status_code == 200, name
    for name in ("review_employers", "review_postings"):
        assert client.get(reverse(f"jobs:{name}")).status_code == 403, name


def test_organizer_pages_are_forbidden_to_workers_and_employers(
    client: Client, people: Any, household_a: Household, employer: Employer
) -> None:
    for persona in ("wang", "eve"):
        client.force_login(getattr(people, persona))
        for name in (
            "review_employers",
            "review_postings",
            "stalled",
            "placements",
            "follow_ups",
            "services",
            "service_create",
        ):
            assert client.get(reverse(f"jobs:{name}")).status_code == 403, (persona, name)


def test_the_auditor_reads_the_follow_ups_but_records_nothing(
    client: Client, people: Any, household_a: Household
) -> None:
    client.force_login(people.aude)
    assert client.get(reverse("jobs:follow_ups")).status_code == 200
    assert client.get(reverse("jobs:service_create")).status_code == 403


def test_navigation_shows_each_role_its_job_pages(
    client: Client, people: Any, household_a: Household, employer: Employer
) -> None:
    client.force_login(people.wang)
    worker = client.get(reverse("jobs:search")).content.decode()
    assert f'href="{reverse("jobs:my_applications")}"' in worker
    assert f'href="{reverse("jobs:postings")}"' not in worker
    client.force_login(people.eve)
    employer_nav = client.get(reverse("jobs:search")).content.decode()
    for name in ("company", "postings", "candidates"):
        assert f'href="{reverse(f"jobs:{name}")}"' in employer_nav, name
    assert f'href="{reverse("households:list")}"' not in employer_nav
    client.force_login(people.alice)
    organizer = client.get(reverse("home")).content.decode()
    for name in ("review_employers", "review_postings", "stalled", "placements", "follow_ups", "services"):
        assert f'href="{reverse(f"jobs:{name}")}"' in organizer, name
    client.force_login(people.hana)
    helper = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("jobs:follow_ups")}"' in helper
    assert f'href="{reverse("jobs:review_employers")}"' not in helper


# --- a worker applies ------------------------------------------------------------------------------


def test_applying_through_the_page_writes_an_application(
    client: Client, people: Any, posting: JobPosting, wang: Member
) -> None:
    client.force_login(people.wang)
    detail = client.get(reverse("jobs:detail", args=[posting.pk])).content.decode()
    assert f'action="{reverse("jobs:apply", args=[posting.pk])}"' in detail
    response = apply(client, posting, "下周一可以上岗")
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:my_applications")
    application = Application.objects.get(posting=posting, member=wang)
    assert application.state == Application.State.APPLIED
    assert application.via == Application.Via.SELF
    assert application.message == "下周一可以上岗"
    assert application.events.get().actor == people.wang
    mine = client.get(reverse("jobs:my_applications")).content.decode()
    assert "叉车司机" in mine and "badge-application-applied" in mine
    # The posting now says so instead of offering the form again.
    again = client.get(reverse("jobs:detail", args=[posting.pk])).content.decode()
    assert "You applied on" in again
    assert f'action="{reverse("jobs:apply", args=[posting.pk])}"' not in again


def test_applying_twice_shows_the_error_and_writes_nothing(
    client: Client, people: Any, posting: JobPosting, wang: Member
) -> None:
    client.force_login(people.wang)
    apply(client, posting)
    response = apply(client, posting, "再投一次")
    assert response.status_code == 400
    assert "王强 has already applied for this job." in response.content.decode()
    assert Application.objects.filter(posting=posting).count() == 1
    assert ApplicationEvent.objects.count() == 1


def test_applying_to_an_expired_posting_writes_nothing(
    client: Client, people: Any, employer: Employer, wang: Member
) -> None:
    expired = make_posting(employer, valid_until=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(people.wang)
    assert apply(client, expired).status_code == 404
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "state",
    [
        JobPosting.State.DRAFT,
        JobPosting.State.REVIEW,
        JobPosting.State.FILLED,
        JobPosting.State.WITHDRAWN,
        JobPosting.State.EXPIRED,
    ],
)
def test_applying_to_a_posting_that_is_not_published_writes_nothing(
    client: Client, people: Any, employer: Employer, wang: Member, state: str
) -> None:
    closed = make_posting(employer, state=state)
    client.force_login(people.wang)
    assert apply(client, closed).status_code == 404
    assert not Application.objects.exists()


def test_an_organizer_applying_to_an_unpublished_posting_gets_the_clear_error(
    client: Client, people: Any, employer: Employer, wang: Member
) -> None:
    draft = make_posting(employer, state=JobPosting.State.DRAFT, published_at=None)
    client.force_login(people.alice)
    response = client.post(
        reverse("jobs:apply_for", args=[draft.pk]), {"member_id": wang.pk, "consent_note": "电话同意"}
    )
    assert response.status_code == 400
    assert "This job is not open for applications." in response.content.decode()
    assert not Application.objects.exists()


def test_a_job_too_heavy_for_partial_work_capacity_is_refused_with_the_reason(
    client: Client, people: Any, posting: JobPosting, wang: Member
) -> None:
    wang.work_capacity = Member.WorkCapacity.PARTIAL
    wang.save()
    client.force_login(people.wang)
    response = apply(client, posting)
    assert response.status_code == 400
    assert "it needs full work capacity" in response.content.decode()
    assert not Application.objects.exists()


def test_a_helper_applies_for_a_household_member_with_consent_recorded(
    client: Client, people: Any, posting: JobPosting, wang: Member
) -> None:
    client.force_login(people.hana)
    detail = client.get(reverse("jobs:detail", args=[posting.pk]))
    choices = dict(detail.context["apply_for_form"].fields["member_id"].choices)
    assert wang.pk in choices
    url = reverse("jobs:apply_for", args=[posting.pk])
    missing = client.post(url, {"member_id": wang.pk, "consent_note": ""})
    assert missing.status_code == 400
    assert "Record how 王强 agreed to this application." in missing.content.decode()
    assert not Application.objects.exists()
    done = client.post(url, {"member_id": wang.pk, "consent_note": "5月3日入户时本人同意"})
    assert done.status_code == 302
    application = Application.objects.get(member=wang)
    assert application.via == Application.Via.HELPER
    assert application.consent_note == "5月3日入户时本人同意"
    assert application.consent_recorded_at is not None


def test_a_helper_cannot_apply_for_someone_outside_their_reach(
    client: Client, people: Any, posting: JobPosting, household_b: Household
) -> None:
    other = household_b.members.get()
    client.force_login(people.hana)
    detail = client.get(reverse("jobs:detail", args=[posting.pk]))
    assert other.pk not in dict(detail.context["apply_for_form"].fields["member_id"].choices)
    response = client.post(
        reverse("jobs:apply_for", args=[posting.pk]), {"member_id": other.pk, "consent_note": "同意"}
    )
    assert response.status_code == 400  # not among the choices
    assert not Application.objects.exists()


def test_the_worker_withdraws_an_application(client: Client, people: Any, posting: JobPosting, wang: Member) -> None:
    client.force_login(people.wang)
    apply(client, posting)
    application = Application.objects.get()
    response = client.post(
        reverse("jobs:application_move", args=[application.pk]), {"to_state": "withdrawn", "note": "已找到工作"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == Application.State.WITHDRAWN
    assert application.events.last().note == "已找到工作"  # type: ignore[union-attr]


def test_the_worker_accepts_one_invitation_and_declines_another(
    client: Client, people: Any, employer: Employer, posting: JobPosting, wang: Member
) -> None:
    second = make_posting(employer, title="装载机司机")
    invited = [
        Application.objects.create(
            posting=p,
            member=wang,
            via=Application.Via.INVITATION,
            state=Application.State.INVITED,
            created_by=people.eve,
        )
        for p in (posting, second)
    ]
    client.force_login(people.wang)
    page = client.get(reverse("jobs:my_applications")).content.decode()
    assert "Accept and apply" in page and "Decline" in page
    client.post(reverse("jobs:application_move", args=[invited[0].pk]), {"to_state": "applied"})
    client.post(reverse("jobs:application_move", args=[invited[1].pk]), {"to_state": "withdrawn"})
    states = {a.posting_id: a.state for a in Application.objects.all()}
    assert states == {posting.pk: Application.State.APPLIED, second.pk: Application.State.WITHDRAWN}


def test_accepting_an_invitation_to_work_too_heavy_for_the_worker_is_refused(
    client: Client, people: Any, posting: JobPosting, wang: Member
) -> None:
    wang.work_capacity = Member.WorkCapacity.PARTIAL
    wang.save()
    invitation = Application.objects.create(
        posting=posting, member=wang, via=Application.Via.INVITATION, state=Application.State.INVITED
    )
    client.force_login(people.wang)
    response = client.post(reverse("jobs:application_move", args=[invitation.pk]), {"to_state": "applied"})
    assert "it needs full work capacity" in " ".join(flashed(response))
    invitation.refresh_from_db()
    assert invitation.state == Application.State.INVITED
    assert not ApplicationEvent.objects.exists()


def test_a_worker_cannot_move_someone_elses_application(
    client: Client, people: Any, posting: JobPosting, household_b: Household, wang: Member
) -> None:
    other = Application.objects.create(posting=posting, member=household_b.members.get())
    client.force_login(people.wang)
    response = client.post(reverse("jobs:application_move", args=[other.pk]), {"to_state": "withdrawn"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.state == Application.State.APPLIED


# --- employers -------------------------------------------------------------------------------------


def register_data(**values: Any) -> dict[str, Any]:
    data = {
        "name": "鄂托克旗草原羊绒制品有限公司",
        "uscc": fresh_uscc(),
        "contact_name": "白女士",
        "contact_phone": "139 4770 8888",
        "region_code": "150624",
        "industry": "textiles",
        "address": "乌兰镇",
        "description": "羊绒衫加工",
        "username": "cashmere",
        "password": "a-long-pass-phrase",
        "password_again": "a-long-pass-phrase",
    }
    data.update(values)
    return data


def test_the_login_page_links_to_company_registration(client: Client) -> None:
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("jobs:employer_register")}"' in page


def test_a_company_registers_itself_and_waits_for_verification(client: Client, tree: Any) -> None:
    response = client.post(reverse("jobs:employer_register"), register_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("jobs:company")
    employer = Employer.objects.get()
    assert employer.status == Employer.Status.PENDING
    assert employer.contact_phone == "13947708888"
    user = EmployerMembership.objects.get(employer=employer).user
    assert user.username == "cashmere" and user.role == Role.EMPLOYER
    assert response.context["user"] == user  # logged in
    assert "Waiting for verification" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"uscc": "91150624123456789X"}, "is not a valid unified social credit code"),
        ({"password_again": "something-else"}, "The two passwords differ."),
        ({"industry": ""}, "This field is required."),
        ({"region_code": "", "region_other": "999999"}, "Unknown region code"),
        ({"password": "123", "password_again": "123"}, "This password is too short"),
    ],
)
def test_a_bad_registration_says_what_is_wrong_and_writes_nothing(
    client: Client, tree: Any, change: dict[str, str], message: str
) -> None:
    response = client.post(reverse("jobs:employer_register"), register_data(**change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Employer.objects.exists()
    assert not User.objects.filter(username="cashmere").exists()


def test_registering_a_credit_code_twice_is_refused(client: Client, employer: Employer) -> None:
    response = client.post(reverse("jobs:employer_register"), register_data(uscc=employer.uscc))
    assert response.status_code == 400
    assert "already registered" in response.content.decode()
    assert Employer.objects.count() == 1


def test_the_employer_edits_the_company(client: Client, people: Any, employer: Employer) -> None:
    client.force_login(people.eve)
    data = register_data(uscc=employer.uscc, name="利民煤业（新名）")
    response = client.post(reverse("jobs:company_edit"), data)
    assert response.status_code == 302
    employer.refresh_from_db()
    # Same credit code: still verified; the new name waits for the union (tests/security).
    assert (employer.name, employer.pending_name) == ("鄂托克旗利民煤业有限公司", "利民煤业（新名）")
    assert employer.status == Employer.Status.VERIFIED


def test_an_employer_user_without_a_company_is_told_so(client: Client, people: Any) -> None:
    client.force_login(people.eve)
    assert "not linked to a company" in client.get(reverse("jobs:company")).content.decode()
    assert client.get(reverse("jobs:posting_create")).status_code == 404


def test_the_employer_posts_a_job_with_skills_and_sends_it_for_review(
    client: Client, people: Any, employer: Employer
) -> None:
    client.force_login(people.eve)
    response = client.post(reverse("jobs:posting_create"), {**posting_data(), "send_for_review": "1"}, follow=True)
    posting = JobPosting.objects.get(title="电焊工")
    assert response.redirect_chain[-1][0] == reverse("jobs:detail", args=[posting.pk])
    assert posting.state == JobPosting.State.REVIEW
    assert posting.headcount == 3 and posting.salary_max == 8000
    skills = {s.phrase: (s.skill.code if s.skill else None, s.required) for s in posting.skills.all()}
    assert skills["电焊"] == ("manufacturing.arc_welding", True)
    assert skills["开叉车"] == ("logistics.forklift", True)
    assert skills["会开铲运机"][0] is None  # kept as written, for the union to map
    assert "吃苦耐劳" not in skills  # a quality, not a skill
    page = response.content.decode()
    assert "waiting for the union to map it" in page
    assert "Arc welding" in page


def test_a_draft_is_saved_and_sent_for_review_later(client: Client, people: Any, employer: Employer) -> None:
    client.force_login(people.eve)
    client.post(reverse("jobs:posting_create"), posting_data())
    posting = JobPosting.objects.get()
    assert posting.state == JobPosting.State.DRAFT
    client.post(reverse("jobs:posting_submit", args=[posting.pk]))
    posting.refresh_from_db()
    assert posting.state == JobPosting.State.REVIEW


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"salary_min": "9000", "salary_max": "8000"}, "The minimum salary (9000) is above the maximum (8000)."),
        ({"headcount": "0"}, "At least one person must be wanted."),
        ({"valid_until": "2020-01-01"}, "The closing date has already passed."),
        ({"title": ""}, "Enter the job title."),
    ],
)
def test_a_bad_posting_says_what_is_wrong_and_writes_nothing(
    client: Client, people: Any, employer: Employer, change: dict[str, str], message: str
) -> None:
    client.force_login(people.eve)
    response = client.post(reverse("jobs:posting_create"), posting_data(**change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not JobPosting.objects.exists()
    assert not PostingSkill.objects.exists()


def test_editing_a_published_posting_sends_it_back_for_review(client: Client, people: Any, posting: JobPosting) -> None:
    client.force_login(people.eve)
    form = client.get(reverse("jobs:posting_edit", args=[posting.pk])).context["form"]
    assert form.initial["required_skills"] == "开叉车\n会开铲运机"
    response = client.post(
        reverse("jobs:posting_edit", args=[posting.pk]), posting_data(title="叉车司机", salary_max="7000")
    )
    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.salary_max == 7000
    assert posting.state == JobPosting.State.REVIEW


def test_an_employer_editing_another_companys_posting_gets_not_found(
    client: Client, frank: User, other_employer: Employer, posting: JobPosting
) -> None:
    client.force_login(frank)
    assert client.get(reverse("jobs:posting_edit", args=[posting.pk])).status_code == 404
    assert client.post(reverse("jobs:posting_edit", args=[posting.pk]), posting_data(title="改")).status_code == 404
    assert client.post(reverse("jobs:posting_withdraw", args=[posting.pk])).status_code == 404
    assert client.post(reverse("jobs:posting_submit", args=[posting.pk])).status_code == 404
    assert client.get(reverse("jobs:pipeline", args=[posting.pk])).status_code == 404
    posting.refresh_from_db()
    assert posting.title == "叉车司机" and posting.state == JobPosting.State.PUBLISHED
    # The public posting itself is open to everyone, without the employer's buttons.
    detail = client.get(reverse("jobs:detail", args=[posting.pk])).content.decode()
    assert reverse("jobs:posting_edit", args=[posting.pk]) not in detail


def test_the_employer_withdraws_a_posting_and_open_applications_close(
    client: Client, people: Any, posting: JobPosting, wang: Member
) -> None:
    application = Application.objects.create(posting=posting, member=wang)
    client.force_login(people.eve)
    client.post(reverse("jobs:posting_withdraw", args=[posting.pk]))
    posting.refresh_from_db()
    application.refresh_from_db()
    assert posting.state == JobPosting.State.WITHDRAWN
    assert application.state == Application.State.CLOSED


def test_the_posting_form_hint_says_how_each_skill_and_the_title_are_understood(client: Client, people: Any) -> None:
    client.force_login(people.eve)
    skills = client.get(reverse("jobs:posting_hint"), {"required_skills": "开叉车、会开铲运机\n吃苦耐劳"})
    page = skills.content.decode()
    assert "“开叉车” → <strong>Forklift operation</strong>" in page
    assert "“会开铲运机” →" in page and "the union will map it" in page
    assert "a quality, not a skill" in page
    title = client.get(reverse("jobs:posting_hint"), {"title": "叉车司机"}).content.decode()
    assert "Understood as: 起重装卸机械操作工 (6-30-05-01)" in title


# --- the pipeline ----------------------------------------------------------------------------------


def move(client: Client, application: Application, to_state: str) -> Any:
    return client.post(reverse("jobs:application_move", args=[application.pk]), {"to_state": to_state})


def test_the_employer_moves_an_applicant_to_a_hire_which_closes_the_workers_other_applications(
    client: Client, people: Any, posting: JobPosting, other_employer: Employer, wang: Member, household_a: Household
) -> None:
    plan = ReliefPlanFactory(household=household_a)
    goal = PlanGoalFactory(plan=plan, member=wang)
    elsewhere = make_posting(other_employer, title="仓库保管员")
    client.force_login(people.wang)
    apply(client, posting)
    apply(client, elsewhere)
    application = Application.objects.get(posting=posting)
    other = Application.objects.get(posting=elsewhere)

    client.force_login(people.eve)
    for state in ("viewed", "interview", "offered"):
        response = move(client, application, state)
        assert response["Location"] == reverse("jobs:pipeline", args=[posting.pk])
        application.refresh_from_db()
        assert application.state == state
    pipeline = client.get(reverse("jobs:pipeline", args=[posting.pk])).content.decode()
    assert f'action="{reverse("jobs:application_hire", args=[application.pk])}"' in pipeline
    start = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        reverse("jobs:application_hire", args=[application.pk]),
        {"start_date": start.isoformat(), "monthly_wage": "5800"},
    )
    assert response.status_code == 302

    application.refresh_from_db()
    other.refresh_from_db()
    assert application.state == Application.State.HIRED
    assert other.state == Application.State.CLOSED
    placement = Placement.objects.get()
    assert (placement.member, placement.monthly_wage, placement.start_date) == (wang, 5800, start)
    assert sorted(RetentionCheck.objects.values_list("months", flat=True)) == [1, 3, 6]
    wang.refresh_from_db()
    goal.refresh_from_db()
    assert wang.employment_status == Member.EmploymentStatus.EMPLOYED
    assert wang.monthly_income == Decimal("5800.00")
    assert goal.status == PlanGoal.Status.MET
    events = list(application.events.values_list("from_state", "to_state", "actor__username"))
    assert events == [
        ("", "applied", "wang"),
        ("applied", "viewed", "eve"),
        ("viewed", "interview", "eve"),
        ("interview", "offered", "eve"),
        ("offered", "hired", "eve"),
    ]
    # The worker sees it on their page, with the closed one.
    client.force_login(people.wang)
    mine = client.get(reverse("jobs:my_applications")).content.decode()
    assert "badge-application-hired" in mine and "badge-application-closed" in mine


def test_a_transition_the_state_machine_does_not_allow_is_refused(
    client: Client, people: Any, posting: JobPosting, wang: Member
) -> None:
    application = Application.objects.create(posting=posting, member=wang, state=Application.State.OFFERED)
    client.force_login(people.eve)
    response = move(client, application, "interview")
    assert "cannot become" in " ".join(flashed(response))
    application.refresh_from_db()
    assert application.state == Application.State.OFFERED
    assert not ApplicationEvent.objects.exists()
    hire = client.post(
        reverse("jobs:application_hire", args=[application.pk]), {"start_date": "2020-01-01", "monthly_wage": "5000"}
    )
    assert "The start date must be within" in " ".join(flashed(hire))
    assert not Placement.objects.exists()


def test_hiring_beyond_the_headcount_is_refused(
    client: Client, people: Any, employer: Employer, wang: Member, household_b: Household
) -> None:
    one_seat = make_posting(employer, headcount=1)
    first = Application.objects.create(
        posting=one_seat, member=household_b.members.get(), state=Application.State.OFFERED
    )
    second = Application.objects.create(posting=one_seat, member=wang, state=Application.State.OFFERED)
    client.force_login(people.eve)
    data = {"start_date": timezone.localdate().isoformat(), "monthly_wage": "5000"}
    client.post(reverse("jobs:application_hire", args=[first.pk]), data)
    response = client.post(reverse("jobs:application_hire", args=[second.pk]), data)
    assert Placement.objects.count() == 1
    second.refresh_from_db()
    assert second.state == Application.State.CLOSED  # the posting filled, open applications closed
    assert flashed(response)


def test_an_employer_cannot_move_the_applicants_of_another_company(
    client: Client, frank: User, other_employer: Employer, posting: JobPosting, wang: Member
) -> None:
    application = Application.objects.create(posting=posting, member=wang)
    client.force_login(frank)
    assert move(client, application, "viewed").status_code == 404
    assert client.post(reverse("jobs:application_hire", args=[application.pk]), {}).status_code == 404
    application.refresh_from_db()
    assert application.state == Application.State.APPLIED


def test_employer_pages_never_show_id_numbers_households_or_incomes(
    client: Client, people: Any, posting: JobPosting, wang: Member, household_a: Household
) -> None:
    wang.monthly_income = Decimal("1234.56")
    wang.health = "腰椎间盘突出"
    wang.consent_to_be_found = True
    wang.save()
    Application.objects.create(posting=posting, member=wang, message="能吃苦")
    client.force_login(people.eve)
    pages = [
        client.get(reverse("jobs:pipeline", args=[posting.pk])),
        client.get(reverse("jobs:candidate", args=[wang.pk])),
        client.get(reverse("jobs:candidates")),
        client.get(reverse("home")),
    ]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        assert "王强" in html
        for secret in (
            wang.id_number,
            wang.id_number_masked,
            wang.id_number[-6:],
            household_a.number,
            household_a.address,
            "1234.56",
            "650.00",
            "腰椎间盘突出",
            reverse("households:list"),
        ):
            assert secret not in html, secret


def test_an_employer_opening_someone_who_neither_applied_nor_consented_gets_not_found(
    client: Client, people: Any, posting: JobPosting, wang: Member, household_b: Household
) -> None:
    stranger = household_b.members.get()
    client.force_login(people.eve)
    assert client.get(reverse("jobs:candidate", args=[stranger.pk])).status_code == 404
    assert (
        client.post(reverse("jobs:candidate_invite", args=[stranger.pk]), {"posting_id": posting.pk}).status_code == 404
    )
    assert not Application.objects.exists()
    # Once the person agrees to be found, or applies, the profile opens.
    stranger.consent_to_be_found = True
    stranger.save()
    assert client.get(reverse("jobs:candidate", args=[stranger.pk])).status_code == 200
    Application.objects.create(posting=posting, member=wang)
    assert client.get(reverse("jobs:candidate", args=[wang.pk])).status_code == 200


def test_the_employer_finds_consenting_candidates_by_skill_and_invites_one(
    client: Client, people: Any, posting: JobPosting, wang: Member, household_b: Household
) -> None:
    from skills.models import Skill

    wang.consent_to_be_found = True
    wang.save()
    wang.skills.create(phrase="开叉车", skill=Skill.objects.get(code="logistics.forklift"))
    hidden = household_b.members.get()  # no consent
    hidden.skills.create(phrase="叉车", skill=Skill.objects.get(code="logistics.forklift"))
    client.force_login(people.eve)
    found = client.get(reverse("jobs:candidates"), {"skill": "叉车驾驶"})
    assert [m.pk for m in found.context["page"].object_list] == [wang.pk]
    response = client.post(
        reverse("jobs:candidate_invite", args=[wang.pk]), {"posting_id": posting.pk, "message": "欢迎来面试"}
    )
    assert response.status_code == 302
    invitation = Application.objects.get()
    assert (invitation.member, invitation.state, invitation.via) == (wang, "invited", "invitation")
    again = client.post(reverse("jobs:candidate_invite", args=[wang.pk]), {"posting_id": posting.pk})
    assert again.status_code == 400  # already among the applicants: no longer offered
    assert Application.objects.count() == 1


def test_the_candidates_come_ten_a_page_with_the_count(
    client: Client, people: Any, posting: JobPosting, household_a: Household
) -> None:
    # 20 a page were 9 phone screens on the demo (issue 19): ten a page, the total in the title.
    for n in range(12):
        MemberFactory(household=household_a, name=f"候选{n}", relation="other", consent_to_be_found=True)
    client.force_login(people.eve)
    url = reverse("jobs:candidates")
    first = client.get(url)
    total = first.context["page"].paginator.count
    assert total >= 12 and len(first.context["page"].object_list) == 10
    assert f"{total} people" in first.content.decode() and "Page 1 of" in first.content.decode()
    second = client.get(url, {"page": 2})
    shown = {m.pk for m in first.context["page"].object_list} | {m.pk for m in second.context["page"].object_list}
    assert len(shown) == 10 + len(second.context["page"].object_list) == min(total, 20)
    # Not a number: the first page; past the end: the last page, as every paginated list answers.
    assert client.get(url, {"page": "abc"}).context["page"].number == 1
    last = client.get(url, {"page": "999999"}).context["page"]
    assert last.number == last.paginator.num_pages


# --- organizers and helpers ------------------------------------------------------------------------


def test_the_organizer_verifies_an_employer_and_a_rejection_needs_a_reason(
    client: Client, people: Any, tree: Any, frank: User
) -> None:
    from tests.jobs.conftest import make_employer

    pending = make_employer(frank, tree.county, name="待审公司", status=Employer.Status.PENDING)
    client.force_login(people.alice)
    assert "待审公司" in client.get(reverse("jobs:review_employers")).content.decode()
    url = reverse("jobs:employer_verify", args=[pending.pk])
    refused = client.post(url, {"decision": "reject", "note": ""})
    assert refused.status_code == 400
    assert "Say why the employer is not verified." in refused.content.decode()
    pending.refresh_from_db()
    assert pending.status == Employer.Status.PENDING
    assert client.post(url, {"decision": "approve", "note": "营业执照已核"}).status_code == 302
    pending.refresh_from_db()
    assert pending.status == Employer.Status.VERIFIED and pending.verified_by == people.alice


def test_an_organizer_of_another_town_cannot_verify_the_countys_employers(
    client: Client, people: Any, tree: Any, frank: User
) -> None:
    from tests.jobs.conftest import make_employer

    pending = make_employer(frank, tree.county, name="待审公司", status=Employer.Status.PENDING)
    client.force_login(people.bob)
    assert "待审公司" not in client.get(reverse("jobs:review_employers")).content.decode()
    assert client.post(reverse("jobs:employer_verify", args=[pending.pk]), {"decision": "approve"}).status_code == 404
    pending.refresh_from_db()
    assert pending.status == Employer.Status.PENDING


def test_the_organizer_publishes_a_posting_or_sends_it_back(client: Client, people: Any, employer: Employer) -> None:
    first = make_posting(employer, title="待审岗位一", state=JobPosting.State.REVIEW, published_at=None)
    second = make_posting(employer, title="待审岗位二", state=JobPosting.State.REVIEW, published_at=None)
    client.force_login(people.alice)
    page = client.get(reverse("jobs:review_postings")).content.decode()
    assert "待审岗位一" in page and "待审岗位二" in page
    client.post(reverse("jobs:posting_review", args=[first.pk]), {"decision": "approve"})
    no_note = client.post(reverse("jobs:posting_review", args=[second.pk]), {"decision": "reject"})
    assert no_note.status_code == 400
    assert "Tell the employer what to change." in no_note.content.decode()
    client.post(reverse("jobs:posting_review", args=[second.pk]), {"decision": "reject", "note": "薪资写清楚"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == JobPosting.State.PUBLISHED
    assert (second.state, second.review_note) == (JobPosting.State.DRAFT, "薪资写清楚")
    client.force_login(people.eve)
    assert "薪资写清楚" in client.get(reverse("jobs:detail", args=[second.pk])).content.decode()


def test_stalled_applications_are_listed_for_the_organizer(
    client: Client, people: Any, posting: JobPosting, wang: Member
) -> None:
    Application.objects.create(posting=posting, member=wang, employer_touched_at=timezone.now() - dt.timedelta(days=45))
    client.force_login(people.alice)
    page = client.get(reverse("jobs:stalled")).content.decode()
    assert "王强" in page and "叉车司机" in page
    client.force_login(people.bob)  # another town: not in reach
    assert "王强" not in client.get(reverse("jobs:stalled")).content.decode()


def hire(posting: JobPosting, member: Member, by: User, start: dt.date) -> Placement:
    from jobs import services

    application = Application.objects.create(posting=posting, member=member, state=Application.State.OFFERED)
    return services.application_hire(application=application, by=by, start_date=start, monthly_wage=5000)


def test_placements_are_counted_by_unit(client: Client, people: Any, posting: JobPosting, wang: Member) -> None:
    hire(posting, wang, people.eve, timezone.localdate())
    client.force_login(people.alice)
    response = client.get(reverse("jobs:placements"))
    assert response.context["counts"].total == 1
    page = response.content.decode()
    assert "乌兰镇帮扶站" in page and "鄂托克旗利民煤业有限公司" in page


def test_the_helper_records_a_follow_up_that_is_due(
    client: Client, people: Any, posting: JobPosting, wang: Member
) -> None:
    hire(posting, wang, people.eve, timezone.localdate() - dt.timedelta(days=40))
    client.force_login(people.hana)
    response = client.get(reverse("jobs:follow_ups"))
    rows = response.context["rows"]
    assert [check.months for check, _form in rows] == [1]
    check = rows[0][0]
    missing = client.post(reverse("jobs:follow_up_record", args=[check.pk]), {"outcome": ""})
    assert missing.status_code == 400
    done = client.post(reverse("jobs:follow_up_record", args=[check.pk]), {"outcome": "still_employed", "note": "稳定"})
    assert done.status_code == 302
    check.refresh_from_db()
    assert (check.outcome, check.done_by) == ("still_employed", people.hana)


def test_the_follow_ups_come_ten_a_page_and_a_decision_keeps_the_page(
    client: Client, people: Any, posting: JobPosting, wang: Member
) -> None:
    # A long list stays within 8 phone screens (issue 19): ten a page, the total shown, forms folded.
    placement = hire(posting, wang, people.eve, timezone.localdate() - dt.timedelta(days=40))
    for months in range(7, 18):  # with the 1-month check: 12 due
        RetentionCheck.objects.create(placement=placement, months=months, due_on=timezone.localdate())
    client.force_login(people.alice)
    first = client.get(reverse("jobs:follow_ups"))
    assert len(first.context["rows"]) == 10 and first.context["page"].paginator.count == 12
    assert "Page 1 of 2" in first.content.decode() and "<details" in first.content.decode()
    second = client.get(reverse("jobs:follow_ups"), {"page": 2})
    shown = {check.pk for check, _form in first.context["rows"]} | {c.pk for c, _f in second.context["rows"]}
    assert len(second.context["rows"]) == 2 and len(shown) == 12
    # A page that is not a number shows the first; one past the end shows the last, as every list does.
    assert client.get(reverse("jobs:follow_ups"), {"page": "abc"}).context["page"].number == 1
    assert client.get(reverse("jobs:follow_ups"), {"page": "999999"}).context["page"].number == 2
    check = second.context["rows"][0][0]
    done = client.post(
        reverse("jobs:follow_up_record", args=[check.pk]) + "?page=2", {"outcome": "still_employed", "note": ""}
    )
    assert done.status_code == 302 and done.url == reverse("jobs:follow_ups") + "?page=2"


def test_the_helper_records_an_employment_service(
    client: Client, people: Any, posting: JobPosting, wang: Member
) -> None:
    client.force_login(people.hana)
    form = client.get(reverse("jobs:service_create"), {"posting": posting.pk}).context["form"]
    assert form.initial["posting_id"] == str(posting.pk)
    url = reverse("jobs:service_create")
    data = {
        "member_id": wang.pk,
        "kind": "job_introduction",
        "held_on": timezone.localdate().isoformat(),
        "outcome": "",
        "posting_id": posting.pk,
    }
    missing = client.post(url, data)
    assert missing.status_code == 400
    assert "Write down what came of it." in missing.content.decode()
    assert not EmploymentService.objects.exists()
    assert client.post(url, {**data, "outcome": "推荐叉车司机岗位，本人有意向"}).status_code == 302
    service = EmploymentService.objects.get()
    assert (service.member, service.posting, service.provided_by) == (wang, posting, people.hana)
    assert "推荐叉车司机岗位" in client.get(reverse("jobs:services")).content.decode()


# --- dashboards ------------------------------------------------------------------------------------


def test_the_employer_dashboard_shows_the_company_postings_and_new_applicants(
    client: Client, people: Any, employer: Employer, posting: JobPosting, wang: Member
) -> None:
    make_posting(employer, title="草稿", state=JobPosting.State.DRAFT)
    Application.objects.create(posting=posting, member=wang)
    client.force_login(people.eve)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    tiles = {t["key"]: t["count"] for t in response.context["tiles"]}
    assert tiles == {"draft": 1, "review": 0, "published": 1, "filled": 0}
    assert response.context["new_applicant_count"] == 1
    page = response.content.decode()
    assert "Verified" in page
    assert reverse("jobs:pipeline", args=[posting.pk]) in page


def test_the_organizer_dashboard_adds_the_job_queues(
    client: Client, people: Any, tree: Any, frank: User, posting: JobPosting, wang: Member
) -> None:
    from tests.jobs.conftest import make_employer

    make_employer(frank, tree.county, name="待审公司", status=Employer.Status.PENDING)
    Application.objects.create(posting=posting, member=wang, employer_touched_at=timezone.now() - dt.timedelta(days=45))
    client.force_login(people.alice)
    tiles = {t["key"]: t for t in client.get(reverse("home")).context["job_tiles"]}
    assert tiles["employers_to_verify"]["count"] == 1
    assert tiles["employers_to_verify"]["url"] == reverse("jobs:review_employers")
    assert tiles["stalled_applications"]["count"] == 1
    assert tiles["postings_to_review"]["count"] == 0
    client.force_login(people.hana)
    helper_tiles = {t["key"] for t in client.get(reverse("home")).context["job_tiles"]}
    assert helper_tiles == {"stalled_applications", "follow_ups_due"}


def test_a_worker_in_the_archive_without_a_login_link_is_told_so(client: Client, tree: Any) -> None:
    from tests.factories import UserFactory

    lonely = UserFactory(username="lonely", role=Role.WORKER)
    client.force_login(lonely)
    page = client.get(reverse("jobs:my_applications")).content.decode()
    assert "not linked to a household archive" in page


def test_members_without_work_capacity_are_not_offered_to_helpers(
    client: Client, people: Any, posting: JobPosting, household_a: Household
) -> None:
    grandma = MemberFactory(
        household=household_a, name="王奶奶", relation=Member.Relation.PARENT, work_capacity=Member.WorkCapacity.NONE
    )
    client.force_login(people.hana)
    detail = client.get(reverse("jobs:detail", args=[posting.pk]))
    assert grandma.pk not in dict(detail.context["apply_for_form"].fields["member_id"].choices)
