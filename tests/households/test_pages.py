"""The archive pages (一户一档) and the worker's own page, driven through the test client.

Pages are requested in English so that assertions hold whatever the Chinese catalogue says.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from core.models import SensitiveAccess
from households import services
from households.models import (
    ExitRequest,
    HardshipCause,
    Household,
    JobPreference,
    Member,
    MemberSkill,
    PlanGoal,
    ReliefPlan,
    TargetGroup,
    Visit,
)
from households.views import PAGE_SIZE
from tests.factories import (
    HouseholdFactory,
    MemberFactory,
    PairingFactory,
    PlanGoalFactory,
    ReliefPlanFactory,
    UserFactory,
    fresh_id_number,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def plan_a(household_a: Household) -> ReliefPlan:
    plan: ReliefPlan = ReliefPlanFactory.create(household=household_a)
    PlanGoalFactory(plan=plan, title="户主实现稳定就业")
    return plan


def wang_member(household: Household) -> Member:
    return household.members.get(relation=Member.Relation.HEAD)


def household_urls(household: Household) -> list[str]:
    member = household.members.get()
    return [
        reverse("households:detail", args=[household.pk]),
        reverse("households:edit", args=[household.pk]),
        reverse("households:member_add", args=[household.pk]),
        reverse("households:member_edit", args=[member.pk]),
        reverse("households:member_reveal", args=[member.pk]),
        reverse("households:plan_create", args=[household.pk]),
        reverse("households:visit_record", args=[household.pk]),
        reverse("households:pairing_assign", args=[household.pk]),
        reverse("households:close", args=[household.pk]),
    ]


# --- who may open which page -----------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login_page(client: Client, household_a: Household) -> None:
    response = client.get(reverse("households:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_every_archive_page_renders_for_the_county_organizer(
    client: Client, people: Any, household_a: Household, plan_a: ReliefPlan
) -> None:
    client.force_login(people.alice)
    urls = [
        reverse("households:list"),
        reverse("households:create"),
        reverse("households:exits"),
        reverse("households:goal_add", args=[household_a.pk]),
        reverse("households:measure_add", args=[household_a.pk]),
        reverse("households:goal_status", args=[plan_a.goals.get().pk]),
        reverse("households:exit_request", args=[household_a.pk]),
        *household_urls(household_a),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b'<html lang="en">' in response.content, url


def test_helper_works_on_the_archive_but_cannot_manage_pairing(
    client: Client, people: Any, household_a: Household
) -> None:
    client.force_login(people.hana)
    for name in ("detail", "edit", "visit_record", "member_add"):
        assert client.get(reverse(f"households:{name}", args=[household_a.pk])).status_code == 200, name
    assert client.get(reverse("households:pairing_assign", args=[household_a.pk])).status_code == 403
    assert client.get(reverse("households:close", args=[household_a.pk])).status_code == 403
    assert client.get(reverse("households:exits")).status_code == 403


def test_auditor_reads_the_archive_and_its_history_but_changes_nothing(
    client: Client, people: Any, household_a: Household
) -> None:
    client.force_login(people.aude)
    detail = client.get(reverse("households:detail", args=[household_a.pk]))
    assert detail.status_code == 200
    assert b"Change history" in detail.content
    assert b"Show full ID number" not in detail.content
    assert b"Record a visit" not in detail.content
    assert client.get(reverse("households:list")).status_code == 200
    assert client.get(reverse("households:create")).status_code == 403
    assert client.get(reverse("households:edit", args=[household_a.pk])).status_code == 403
    response = client.post(reverse("households:edit", args=[household_a.pk]), {"address": "改"})
    assert response.status_code == 403


def test_helper_sees_no_change_history(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.hana)
    response = client.get(reverse("households:detail", args=[household_a.pk]))
    assert b"Change history" not in response.content


def test_organizer_of_a_sibling_town_gets_not_found_on_every_household_url(
    client: Client, people: Any, household_a: Household
) -> None:
    client.force_login(people.bob)
    for url in household_urls(household_a):
        assert client.get(url).status_code == 404, url
    member = household_a.members.get()
    assert client.post(reverse("households:activate", args=[household_a.pk])).status_code == 404
    assert (
        client.post(reverse("households:member_reveal", args=[member.pk]), {"purpose": "verify_identity"}).status_code
        == 404
    )
    assert client.post(reverse("households:edit", args=[household_a.pk]), {"address": "x"}).status_code == 404
    assert not SensitiveAccess.objects.exists()


def test_sibling_town_list_shows_only_its_own_households(
    client: Client, people: Any, household_a: Household, household_b: Household
) -> None:
    client.force_login(people.bob)
    content = client.get(reverse("households:list")).content.decode()
    assert household_b.number in content
    assert household_a.number not in content


def test_worker_gets_not_found_on_household_records_and_forbidden_on_lists(
    client: Client, people: Any, household_a: Household, household_b: Household
) -> None:
    client.force_login(people.wang)
    # Not even their own household through the staff pages: their page is /me/.
    for url in household_urls(household_a) + household_urls(household_b):
        assert client.get(url).status_code == 404, url
    for name in ("list", "create", "exits"):
        assert client.get(reverse(f"households:{name}")).status_code == 403, name


def test_employer_cannot_open_the_archive(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.eve)
    assert client.get(reverse("households:list")).status_code == 403
    assert client.get(reverse("households:detail", args=[household_a.pk])).status_code == 404
    assert client.get(reverse("me:home")).status_code == 403


def test_not_found_page_uses_the_site_layout(client: Client, people: Any) -> None:
    client.force_login(people.alice)
    response = client.get(reverse("households:detail", args=[999999]))
    assert response.status_code == 404
    assert b"Not found" in response.content
    assert b"site-nav" in response.content


def test_actions_need_a_csrf_token(people: Any, household_a: Household) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.olga)
    response = client.post(reverse("households:close", args=[household_a.pk]), {"reason": "搬迁"})
    assert response.status_code == 403
    household_a.refresh_from_db()
    assert household_a.state == Household.State.ACTIVE


def test_button_actions_refuse_get(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.alice)
    assert client.get(reverse("households:activate", args=[household_a.pk])).status_code == 405


# --- the list --------------------------------------------------------------------------------------


def _households(n: int, unit: Any, helper: Any) -> None:
    groups = list(TargetGroup.objects.all()[:2])
    for i in range(n):
        household: Household = HouseholdFactory.create(
            org_unit=unit, next_visit_due=timezone.localdate() - dt.timedelta(days=i)
        )
        household.target_groups.set(groups)
        MemberFactory(household=household, relation=Member.Relation.HEAD)
        MemberFactory(household=household, relation=Member.Relation.CHILD)
        PairingFactory(household=household, helper=helper, helping_unit=unit)


def test_the_list_takes_the_same_number_of_queries_for_3_or_30_households(
    client: Client, people: Any, tree: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(people.alice)
    _households(3, tree.station_a, people.hana)
    client.get(reverse("households:list"))  # warm the session and the lookups
    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse("households:list"))
    assert response.status_code == 200
    _households(27, tree.station_a, people.hana)
    with django_assert_max_num_queries(len(three.captured_queries)):
        response = client.get(reverse("households:list"))
    # 30 households, a page of them (PAGE_SIZE): the same queries as for 3.
    assert response.content.decode().count('data-label="Archive number"') == PAGE_SIZE


def test_the_list_paginates_by_10(client: Client, people: Any, tree: Any) -> None:
    client.force_login(people.alice)
    for _ in range(11):
        HouseholdFactory(org_unit=tree.town_b)
    first = client.get(reverse("households:list")).content.decode()
    assert PAGE_SIZE == 10
    assert first.count('data-label="Archive number"') == 10
    second = client.get(reverse("households:list"), {"page": 2}).content.decode()
    assert second.count('data-label="Archive number"') == 1


def test_the_exit_requests_come_ten_a_page_with_the_count(client: Client, people: Any, tree: Any) -> None:
    # Every pending request with its open form was 9 phone screens on the demo (issue 19).
    for n in range(12):
        ExitRequest.objects.create(
            household=HouseholdFactory(org_unit=tree.station_a), requested_by=people.hana, reason=f"目标达成{n}"
        )
    client.force_login(people.alice)
    url = reverse("households:exits")
    first = client.get(url)
    assert len(first.context["requests"]) == PAGE_SIZE and first.context["page"].paginator.count == 12
    html = first.content.decode()
    assert "data-count>12<" in html and "Page 1 of 2" in html and '<details class="action">' in html
    second = client.get(url, {"page": 2})
    shown = {r.pk for r, _form in first.context["requests"]} | {r.pk for r, _form in second.context["requests"]}
    assert len(second.context["requests"]) == 2 and len(shown) == 12
    # Not a number: the first page; past the end: the last page, as the households list answers.
    assert client.get(url, {"page": "abc"}).context["page"].number == 1
    assert client.get(url, {"page": "999999"}).context["page"].number == 2


def test_the_list_filters_and_searches(
    client: Client, people: Any, household_a: Household, household_b: Household
) -> None:
    client.force_login(people.alice)
    by_name = client.get(reverse("households:list"), {"q": "李梅"}).content.decode()
    assert household_b.number in by_name and household_a.number not in by_name
    no_helper = client.get(reverse("households:list"), {"no_helper": "1"}).content.decode()
    assert household_b.number in no_helper and household_a.number not in no_helper
    household_b.next_visit_due = timezone.localdate() - dt.timedelta(days=3)
    household_b.save()
    overdue = client.get(reverse("households:list"), {"overdue_visit": "1"}).content.decode()
    assert household_b.number in overdue and household_a.number not in overdue
    assert "overdue" in overdue


# --- creating and editing a household --------------------------------------------------------------


def _household_post(unit: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "org_unit": unit.pk,
        "region_code": "150624",
        "region_other": "",
        "address": "乌兰镇新华街8号",
        "target_groups": ["dibao_able", "migrant"],
        "hardship_causes": ["illness"],
        "hardship_note": "户主患病",
        "income_per_head": "512.50",
        "dibao_status": "receiving",
    }
    data.update(changes)
    return data


def test_organizer_creates_a_draft_household_through_the_form(client: Client, people: Any, tree: Any) -> None:
    client.force_login(people.olga)
    response = client.post(reverse("households:create"), _household_post(tree.station_a))
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("households:detail", args=[household.pk])
    assert household.state == Household.State.DRAFT
    assert household.org_unit == tree.station_a
    assert household.income_per_head == Decimal("512.50")
    assert household.dibao_status == Household.DibaoStatus.RECEIVING
    assert sorted(household.target_groups.values_list("code", flat=True)) == ["dibao_able", "migrant"]
    assert list(household.hardship_causes.values_list("code", flat=True)) == ["illness"]
    assert household.number.startswith("150624-")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"income_per_head": "-20"}, "cannot be negative"),
        ({"address": "  "}, "Enter the address."),
        ({"region_other": "999999"}, "Unknown region code"),
    ],
)
def test_bad_household_input_is_refused_with_its_message_and_writes_nothing(
    client: Client, people: Any, tree: Any, changes: dict[str, str], message: str
) -> None:
    client.force_login(people.olga)
    response = client.post(reverse("households:create"), _household_post(tree.station_a, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Household.objects.exists()


def test_a_unit_outside_the_organizers_reach_cannot_be_chosen(client: Client, people: Any, tree: Any) -> None:
    client.force_login(people.olga)
    response = client.post(reverse("households:create"), _household_post(tree.town_b))
    assert response.status_code == 400
    assert not Household.objects.exists()


def test_editing_a_household_saves_the_changes(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.hana)
    data = _household_post(household_a.org_unit, address="新地址1号", income_per_head="700")
    response = client.post(reverse("households:edit", args=[household_a.pk]), data)
    assert response.status_code == 302
    household_a.refresh_from_db()
    assert household_a.address == "新地址1号"
    assert household_a.income_per_head == Decimal("700.00")


# --- members and the ID number ---------------------------------------------------------------------


def _member_post(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "王小明",
        "relation": "child",
        "id_number": fresh_id_number(birth=dt.date(2003, 5, 1)),
        "phone": "",
        "ethnicity": "蒙古族",
        "education": "college",
        "graduation_year": "2025",
        "major": "机电一体化",
        "work_capacity": "full",
        "employment_status": "unemployed",
        "health": "",
        "monthly_income": "",
    }
    data.update(changes)
    return data


def test_a_member_is_added_through_the_form(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.hana)
    response = client.post(reverse("households:member_add", args=[household_a.pk]), _member_post())
    assert response.status_code == 302
    member = household_a.members.get(name="王小明")
    assert member.education == Member.Education.COLLEGE
    assert member.birth_date == dt.date(2003, 5, 1)


def test_a_bad_id_number_is_refused_next_to_the_field(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.hana)
    response = client.post(
        reverse("households:member_add", args=[household_a.pk]), _member_post(id_number="15062420030501001")
    )
    assert response.status_code == 400
    assert "18 characters" in response.content.decode()
    assert household_a.members.count() == 1


def test_the_edit_form_never_shows_the_full_id_number(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.hana)
    member = wang_member(household_a)
    page = client.get(reverse("households:member_edit", args=[member.pk])).content.decode()
    assert member.id_number not in page
    assert member.id_number_masked in page
    response = client.post(
        reverse("households:member_edit", args=[member.pk]),
        _member_post(name="王强", relation="head", id_number="", employment_status="employed"),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.employment_status == Member.EmploymentStatus.EMPLOYED
    assert member.relation == Member.Relation.HEAD


def test_the_detail_page_shows_only_masked_id_numbers(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.alice)
    member = wang_member(household_a)
    page = client.get(reverse("households:detail", args=[household_a.pk])).content.decode()
    assert member.id_number not in page
    assert member.id_number_masked in page
    assert "Show full ID number" in page


def test_revealing_an_id_number_returns_it_and_logs_exactly_one_access(
    client: Client, people: Any, household_a: Household
) -> None:
    client.force_login(people.hana)
    member = wang_member(household_a)
    url = reverse("households:member_reveal", args=[member.pk])
    form = client.get(url, HTTP_HX_REQUEST="true")
    assert form.status_code == 200
    assert b"<html" not in form.content and b'name="purpose"' in form.content
    assert not SensitiveAccess.objects.exists()
    response = client.post(
        url, {"purpose": "verify_identity", "note": "核对低保材料"}, HTTP_HX_REQUEST="true", REMOTE_ADDR="10.0.0.7"
    )
    assert response.status_code == 200
    assert member.id_number in response.content.decode()
    assert b"<html" not in response.content
    assert response["Cache-Control"] == "no-store"
    access = SensitiveAccess.objects.get()
    assert (access.user, access.record_id, access.field) == (people.hana, str(member.pk), "id_number")
    assert (access.purpose, access.note, access.ip_address) == ("verify_identity", "核对低保材料", "10.0.0.7")


def test_revealing_without_a_purpose_is_refused_and_not_logged(
    client: Client, people: Any, household_a: Household
) -> None:
    client.force_login(people.hana)
    member = wang_member(household_a)
    response = client.post(
        reverse("households:member_reveal", args=[member.pk]), {"purpose": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "Say why you need the full number." in response.content.decode()
    assert member.id_number not in response.content.decode()
    assert not SensitiveAccess.objects.exists()


def test_the_auditor_cannot_reveal_an_id_number(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.aude)
    member = wang_member(household_a)
    url = reverse("households:member_reveal", args=[member.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"purpose": "audit"})
    assert response.status_code == 403
    assert member.id_number not in response.content.decode()
    assert not SensitiveAccess.objects.exists()


# --- lifecycle: pairing, activation, plan, visit, exit, close, re-entry ----------------------------


def test_a_draft_is_paired_and_activated_through_the_pages(client: Client, people: Any, tree: Any) -> None:
    household = services.household_create(
        by=people.olga, org_unit=tree.station_a, region_code="150624", address="乌兰镇1号"
    )
    client.force_login(people.olga)
    activate = reverse("households:activate", args=[household.pk])
    refused = client.post(activate, follow=True)
    assert "Add the head of household" in refused.content.decode()
    client.post(reverse("households:member_add", args=[household.pk]), _member_post(relation="head"))
    response = client.post(
        reverse("households:pairing_assign", args=[household.pk]), {"helper": people.hana.pk, "helping_unit": ""}
    )
    assert response.status_code == 302
    assert household.pairings.get(ended_on__isnull=True).helper == people.hana
    client.post(activate)
    household.refresh_from_db()
    assert household.state == Household.State.ACTIVE


def test_pairing_with_a_helper_outside_reach_is_refused(
    client: Client, people: Any, tree: Any, household_b: Household
) -> None:
    client.force_login(people.bob)
    response = client.post(reverse("households:pairing_assign", args=[household_b.pk]), {"helper": people.hana.pk})
    assert response.status_code == 400
    assert not household_b.pairings.exists()


def test_plan_goal_visit_and_exit_run_through_the_pages(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.hana)
    detail = reverse("households:detail", args=[household_a.pk])
    data = {
        "summary": "帮助户主再就业",
        "review_on": "",
        "goals-TOTAL_FORMS": "5",
        "goals-INITIAL_FORMS": "0",
        "goals-MIN_NUM_FORMS": "0",
        "goals-MAX_NUM_FORMS": "5",
        "goals-0-track": "job",
        "goals-0-title": "户主稳定就业",
        "goals-0-due_on": "2030-01-31",
        "goals-1-track": "training",
        "goals-1-title": "儿子取得叉车证",
        "goals-1-due_on": "",
    }
    assert client.post(reverse("households:plan_create", args=[household_a.pk]), data).status_code == 302
    plan = household_a.plans.get(status=ReliefPlan.Status.ACTIVE)
    assert [g.title for g in plan.goals.all()] == ["户主稳定就业", "儿子取得叉车证"]

    page = client.get(detail).content.decode()
    assert "户主稳定就业" in page and "2030-01-31" in page
    assert "Request exit from hardship" not in page  # goals still open

    goal, second = plan.goals.all()
    refused = client.post(reverse("households:goal_status", args=[goal.pk]), {"status": "met", "evidence": ""})
    assert refused.status_code == 400
    assert "Say how the goal was met." in refused.content.decode()
    for g in (goal, second):
        response = client.post(
            reverse("households:goal_status", args=[g.pk]), {"status": "met", "evidence": "劳动合同"}
        )
        assert response.status_code == 302
    assert set(plan.goals.values_list("status", flat=True)) == {PlanGoal.Status.MET}

    response = client.post(
        reverse("households:visit_record", args=[household_a.pk]),
        {
            "visited_on": timezone.localdate().isoformat(),
            "kind": "home",
            "summary": "已就业，收入稳定",
            "needs": "",
            "next_visit_due": "",
        },
    )
    assert response.status_code == 302
    assert Visit.objects.filter(household=household_a).count() == 1

    assert "Request exit from hardship" in client.get(detail).content.decode()
    response = client.post(reverse("households:exit_request", args=[household_a.pk]), {"reason": "目标全部达成"})
    assert response.status_code == 302
    exit_request = ExitRequest.objects.get()

    client.force_login(people.alice)
    exits = client.get(reverse("households:exits")).content.decode()
    assert household_a.number in exits
    assert client.get(reverse("households:exit_decide", args=[exit_request.pk])).status_code == 200
    response = client.post(
        reverse("households:exit_decide", args=[exit_request.pk]), {"decision": "reject", "note": ""}
    )
    assert response.status_code == 400
    assert "Say why the exit is refused." in response.content.decode()
    response = client.post(
        reverse("households:exit_decide", args=[exit_request.pk]), {"decision": "approve", "note": "同意"}
    )
    assert response.status_code == 302
    household_a.refresh_from_db()
    assert household_a.state == Household.State.EXITED

    response = client.post(reverse("households:reenter", args=[household_a.pk]), {"reason": "户主再次失业"})
    assert response.status_code == 302
    household_a.refresh_from_db()
    assert household_a.state == Household.State.ACTIVE
    assert household_a.reentry_count == 1


def test_a_helper_cannot_decide_an_exit(
    client: Client, people: Any, household_a: Household, plan_a: ReliefPlan
) -> None:
    plan_a.goals.update(status=PlanGoal.Status.MET, met_on=timezone.localdate(), evidence="合同")
    request = services.exit_request(household=household_a, by=people.hana, reason="达标")
    client.force_login(people.hana)
    response = client.post(reverse("households:exit_decide", args=[request.pk]), {"decision": "approve"})
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == ExitRequest.Status.PENDING


def test_goals_and_measures_are_added_and_updated(
    client: Client, people: Any, household_a: Household, plan_a: ReliefPlan
) -> None:
    client.force_login(people.olga)
    response = client.post(
        reverse("households:goal_add", args=[household_a.pk]),
        {"track": "medical", "title": "纳入大病保险", "due_on": "", "member_id": ""},
    )
    assert response.status_code == 302
    goal = plan_a.goals.get(title="纳入大病保险")
    response = client.post(
        reverse("households:measure_add", args=[household_a.pk]),
        {"track": "medical", "description": "协助办理大病保险", "goal": goal.pk, "due_on": ""},
    )
    assert response.status_code == 302
    measure = plan_a.measures.get()
    assert measure.goal == goal
    client.post(reverse("households:measure_status", args=[measure.pk]), {"status": "done"})
    measure.refresh_from_db()
    assert measure.status == "done" and measure.done_on == timezone.localdate()


def test_closing_needs_a_reason(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.olga)
    url = reverse("households:close", args=[household_a.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Give the reason for closing." in response.content.decode()
    assert client.post(url, {"reason": "举家迁出"}).status_code == 302
    household_a.refresh_from_db()
    assert household_a.state == Household.State.CLOSED


# --- the worker's own page -------------------------------------------------------------------------


def test_worker_sees_their_household_plan_and_helper(
    client: Client, people: Any, household_a: Household, plan_a: ReliefPlan
) -> None:
    people.hana.phone = "13947700002"
    people.hana.save()
    client.force_login(people.wang)
    page = client.get(reverse("me:home")).content.decode()
    assert household_a.number in page
    assert "户主实现稳定就业" in page
    assert "哈娜" in page and "13947700002" in page
    assert wang_member(household_a).id_number_masked not in page  # no ID numbers on this page


def test_home_sends_the_worker_to_their_page(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.wang)
    assert client.get(reverse("home"))["Location"] == reverse("me:home")


def test_a_worker_without_an_archive_entry_gets_a_friendly_page(client: Client) -> None:
    worker: User = UserFactory.create(role=Role.WORKER)
    client.force_login(worker)
    response = client.get(reverse("me:home"))
    assert response.status_code == 200
    assert "contact your responsible helper" in response.content.decode()


def test_staff_have_no_worker_page(client: Client, people: Any) -> None:
    client.force_login(people.alice)
    assert client.get(reverse("me:home")).status_code == 403


def test_worker_adds_a_skill_that_is_understood(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.wang)
    response = client.post(reverse("me:skill_add"), {"phrase": "开叉车", "level": "skilled", "years": "3"}, follow=True)
    entry = MemberSkill.objects.get()
    assert entry.skill is not None and entry.skill.code == "logistics.forklift"
    assert (entry.phrase, entry.level, entry.years, entry.source) == ("开叉车", "skilled", 3, "self")
    assert "understood as" in response.content.decode()


def test_worker_adds_a_skill_nobody_knows_yet(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.wang)
    response = client.post(reverse("me:skill_add"), {"phrase": "给羊接生", "level": "basic", "years": ""})
    assert response.status_code == 302
    entry = MemberSkill.objects.get()
    assert entry.skill is None and entry.phrase == "给羊接生"


def test_a_skill_without_words_is_refused(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.wang)
    response = client.post(reverse("me:skill_add"), {"phrase": " ", "level": "basic"})
    assert response.status_code == 400
    assert "Name the skill." in response.content.decode()
    assert not MemberSkill.objects.exists()


def test_worker_removes_own_uncertified_skill_but_not_a_certified_one(
    client: Client, people: Any, household_a: Household
) -> None:
    member = wang_member(household_a)
    own = services.member_skill_add(member=member, by=people.wang, phrase="电焊")
    certified = services.member_skill_add(
        member=member, by=people.hana, phrase="叉车", certified=True, certificate_number="A-1"
    )
    client.force_login(people.wang)
    page = client.get(reverse("me:home")).content.decode()
    assert reverse("me:skill_remove", args=[own.pk]) in page
    assert reverse("me:skill_remove", args=[certified.pk]) not in page
    assert client.post(reverse("me:skill_remove", args=[own.pk])).status_code == 302
    assert client.post(reverse("me:skill_remove", args=[certified.pk])).status_code == 403
    assert list(MemberSkill.objects.all()) == [certified]


def test_worker_cannot_touch_another_households_skills(
    client: Client, people: Any, household_a: Household, household_b: Household
) -> None:
    other = services.member_skill_add(member=household_b.members.get(), by=people.bob, phrase="电焊")
    client.force_login(people.wang)
    assert client.post(reverse("me:skill_remove", args=[other.pk])).status_code == 404
    assert MemberSkill.objects.filter(pk=other.pk).exists()


def test_worker_edits_job_preferences_and_consent(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.wang)
    page = client.get(reverse("me:home")).content.decode()
    assert "switch it off here at any time" in page
    consent_box = re.search(r'<input[^>]*name="consent_to_be_found"[^>]*>', page)
    assert consent_box is not None and "checked" not in consent_box.group(0)  # off by default
    response = client.post(
        reverse("me:preferences"),
        {
            "desired_work": "叉车司机",
            "expected_salary": "4500",
            "willing_to_relocate": "on",
            "full_time": "on",
            "consent_to_be_found": "on",
        },
    )
    assert response.status_code == 302
    member = wang_member(household_a)
    preference = JobPreference.objects.get(member=member)
    assert (preference.desired_work, preference.expected_salary) == ("叉车司机", 4500)
    assert preference.willing_to_relocate and preference.full_time
    assert member.consent_to_be_found and member.consent_changed_at is not None

    client.post(reverse("me:preferences"), {"desired_work": "叉车司机", "expected_salary": ""})
    preference.refresh_from_db()
    member.refresh_from_db()
    assert preference.expected_salary is None
    assert not member.consent_to_be_found
    assert not preference.full_time


def test_worker_names_the_places_they_want_to_work(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.wang)
    page = client.get(reverse("me:home")).content.decode()
    assert 'value="150602"' in page  # 东胜区, in the household's own city (Ordos)
    assert 'value="110105"' not in page  # not every county of China
    client.post(reverse("me:preferences"), {"regions": ["150602", "150624"], "full_time": "on"})
    preference = JobPreference.objects.get(member=wang_member(household_a))
    assert sorted(r.code for r in preference.regions.all()) == ["150602", "150624"]
    response = client.post(reverse("me:preferences"), {"regions": ["999999"]})
    assert response.status_code == 400  # not one of the offered places
    assert sorted(r.code for r in preference.regions.all()) == ["150602", "150624"]


def test_an_implausible_salary_is_refused(client: Client, people: Any, household_a: Household) -> None:
    client.force_login(people.wang)
    response = client.post(reverse("me:preferences"), {"desired_work": "", "expected_salary": "-100"})
    assert response.status_code == 400
    assert "cannot be negative" in response.content.decode()
    assert not JobPreference.objects.exists()


def test_lookups_exist_for_the_forms() -> None:
    # The create form offers the plan's five target groups and the causes from the data migration.
    assert TargetGroup.objects.count() == 5
    assert HardshipCause.objects.filter(code="illness").exists()


def test_a_goal_without_a_track_is_refused_and_no_plan_is_written(
    client: Client, people: Any, household_a: Household
) -> None:
    client.force_login(people.hana)
    data = {
        "summary": "",
        "review_on": "",
        "goals-TOTAL_FORMS": "5",
        "goals-INITIAL_FORMS": "0",
        "goals-MIN_NUM_FORMS": "0",
        "goals-MAX_NUM_FORMS": "5",
        "goals-0-track": "",
        "goals-0-title": "就业",
    }
    response = client.post(reverse("households:plan_create", args=[household_a.pk]), data)
    assert response.status_code == 400
    assert "Choose the track of this goal." in response.content.decode()
    assert not household_a.plans.exists()
