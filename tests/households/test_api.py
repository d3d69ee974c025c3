"""The REST API under /api/v1/: the archive's endpoints, who may cross which line, the error format."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from core.models import SensitiveAccess
from households import services
from households.models import (
    ExitRequest,
    Household,
    JobPreference,
    Member,
    MemberSkill,
    Pairing,
    PlanGoal,
    ReliefPlan,
    Visit,
)
from tests.factories import (
    HouseholdFactory,
    MemberFactory,
    PairingFactory,
    PlanGoalFactory,
    ReliefPlanFactory,
    UserFactory,
    VisitFactory,
    fresh_id_number,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def client_for():
    def make(user) -> APIClient:
        # Messages are asserted in English; the interface is Chinese by default (tested below).
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def alice(client_for, people):
    return client_for(people.alice)


@pytest.fixture
def olga(client_for, people):
    return client_for(people.olga)


@pytest.fixture
def bob(client_for, people):
    return client_for(people.bob)


@pytest.fixture
def hana(client_for, people):
    return client_for(people.hana)


@pytest.fixture
def aude(client_for, people):
    return client_for(people.aude)


@pytest.fixture
def wang(client_for, people):
    return client_for(people.wang)


@pytest.fixture
def eve(client_for, people):
    return client_for(people.eve)


def head_of(household: Household) -> Member:
    return household.members.get(relation=Member.Relation.HEAD)


def ready_to_exit(household: Household) -> ReliefPlan:
    plan = ReliefPlanFactory(household=household)
    PlanGoalFactory(plan=plan, status=PlanGoal.Status.MET, met_on=timezone.localdate(), evidence="已在园区就业")
    return plan


def items(response) -> list[dict]:
    assert response.status_code == 200, response.content
    data = response.json()
    return data["results"] if isinstance(data, dict) and "results" in data else data


# --- households ---------------------------------------------------------------------------------------


class TestHouseholds:
    def test_the_list_shows_households_of_the_callers_subtree_with_head_and_helper(
        self, olga, household_a, household_b
    ):
        [row] = items(olga.get(f"{API}/households/"))
        assert row["number"] == household_a.number
        assert row["head"] == "王强"
        assert row["helper"] == "哈娜"

    def test_the_county_organizer_lists_both_towns(self, alice, household_a, household_b):
        numbers = {r["number"] for r in items(alice.get(f"{API}/households/"))}
        assert numbers == {household_a.number, household_b.number}

    def test_the_list_filters_by_unit_and_by_name(self, alice, tree, household_a, household_b):
        assert [r["number"] for r in items(alice.get(f"{API}/households/", {"unit": tree.town_b.pk}))] == [
            household_b.number
        ]
        assert [r["number"] for r in items(alice.get(f"{API}/households/", {"q": "王强"}))] == [household_a.number]

    def test_the_detail_includes_members_with_masked_id_numbers(self, olga, household_a):
        response = olga.get(f"{API}/households/{household_a.pk}/")
        assert response.status_code == 200
        [member] = response.json()["members"]
        full = head_of(household_a).id_number
        assert member["id_number"] == full[:6] + "********" + full[-4:]

    def test_an_organizer_creates_a_draft_household(self, olga, tree, people):
        response = olga.post(
            f"{API}/households/",
            {
                "org_unit": tree.station_a.pk,
                "region": "150624",
                "address": "乌兰镇团结路5号",
                "target_groups": ["dibao_able"],
                "hardship_causes": ["illness"],
                "income_per_head": "420.50",
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["state"] == Household.State.DRAFT
        assert body["target_groups"] == ["dibao_able"]
        household = Household.objects.get(pk=body["id"])
        assert household.created_by == people.olga
        assert str(household.income_per_head) == "420.50"

    def test_an_organizer_cannot_create_a_household_in_a_sibling_unit(self, olga, tree):
        response = olga.post(
            f"{API}/households/",
            {"org_unit": tree.town_b.pk, "region": "150624", "address": "棋盘井镇1号"},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["field"] == "org_unit"
        assert Household.objects.count() == 0

    def test_a_partial_update_changes_only_the_fields_sent(self, olga, household_a):
        response = olga.patch(
            f"{API}/households/{household_a.pk}/",
            {"address": "乌兰镇新华街8号", "hardship_causes": ["disability"]},
            format="json",
        )
        assert response.status_code == 200, response.content
        household_a.refresh_from_db()
        assert household_a.address == "乌兰镇新华街8号"
        assert household_a.region_id == "150624"
        assert [c.code for c in household_a.hardship_causes.all()] == ["disability"]

    def test_a_draft_is_activated_once_it_has_a_head_and_a_helper(self, olga, tree, people):
        household = olga.post(
            f"{API}/households/",
            {"org_unit": tree.station_a.pk, "region": "150624", "address": "乌兰镇团结路5号"},
            format="json",
        ).json()
        url = f"{API}/households/{household['id']}/activate/"
        refused = olga.post(url)
        assert refused.status_code == 400
        assert "head" in refused.json()["detail"]
        assert (
            olga.post(
                f"{API}/members/",
                {"household": household["id"], "name": "张三", "relation": "head", "id_number": fresh_id_number()},
                format="json",
            ).status_code
            == 201
        )
        assert (
            olga.post(
                f"{API}/pairings/", {"household": household["id"], "helper": people.hana.pk}, format="json"
            ).status_code
            == 201
        )
        response = olga.post(url)
        assert response.status_code == 200, response.content
        assert response.json()["state"] == Household.State.ACTIVE
        assert olga.post(url).status_code == 409  # only a draft can be activated

    def test_closing_needs_a_reason_and_ends_the_pairing(self, olga, household_a):
        url = f"{API}/households/{household_a.pk}/close/"
        assert olga.post(url, {"reason": " "}, format="json").status_code == 400
        response = olga.post(url, {"reason": "全家迁往外省"}, format="json")
        assert response.status_code == 200
        assert response.json()["state"] == Household.State.CLOSED
        assert not Pairing.objects.filter(household=household_a, ended_on__isnull=True).exists()

    def test_a_helper_cannot_close_an_archive(self, hana, household_a):
        response = hana.post(f"{API}/households/{household_a.pk}/close/", {"reason": "搬走了"}, format="json")
        assert response.status_code == 403
        household_a.refresh_from_db()
        assert household_a.state == Household.State.ACTIVE

    def test_an_exited_household_reenters_hardship(self, olga, household_a):
        Household.objects.filter(pk=household_a.pk).update(
            state=Household.State.EXITED,
            exited_on=timezone.localdate(),
            follow_up_until=timezone.localdate() + dt.timedelta(days=365),
        )
        response = olga.post(f"{API}/households/{household_a.pk}/reenter/", {"reason": "户主再次失业"}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["state"] == Household.State.ACTIVE
        assert response.json()["reentry_count"] == 1

    def test_an_active_household_cannot_reenter(self, olga, household_a):
        response = olga.post(f"{API}/households/{household_a.pk}/reenter/", {"reason": "x"}, format="json")
        assert response.status_code == 409
        assert response.json()["code"] == "conflict"

    def test_the_history_lists_changes_and_hides_sensitive_values(self, olga, people, household_a):
        member = head_of(household_a)
        old = member.id_number
        new = fresh_id_number()
        services.member_update(member=member, by=people.olga, id_number=new, name="王刚")
        response = olga.get(f"{API}/households/{household_a.pk}/history/")
        assert response.status_code == 200
        changes = [c for e in response.json() for c in e["changes"]]
        assert any((c["old"], c["new"]) == ("王强", "王刚") for c in changes)
        assert any((c["old"], c["new"]) == ("***", "***") for c in changes)  # the ID number changed, unshown
        assert old not in response.content.decode() and new not in response.content.decode()

    def test_a_helper_sees_an_empty_history(self, hana, household_a):
        response = hana.get(f"{API}/households/{household_a.pk}/history/")
        assert response.status_code == 200
        assert response.json() == []

    def test_the_list_takes_a_constant_number_of_queries(self, olga, tree, people):
        def add(n: int) -> None:
            for _ in range(n):
                household = HouseholdFactory(org_unit=tree.station_a)
                MemberFactory(household=household)
                PairingFactory(household=household, helper=people.hana, helping_unit=tree.station_a)
                household.target_groups.set(household.target_groups.model.objects.filter(code="migrant"))
                household.hardship_causes.set(household.hardship_causes.model.objects.filter(code="illness"))

        add(5)
        with CaptureQueriesContext(connection) as small:
            assert len(items(olga.get(f"{API}/households/"))) == 5
        add(35)
        with CaptureQueriesContext(connection) as large:
            rows = items(olga.get(f"{API}/households/"))
        assert len(rows) == 40
        assert all(r["hardship_causes"] == ["illness"] and r["head"] and r["helper"] for r in rows)
        assert len(large.captured_queries) == len(small.captured_queries), "\n".join(
            q["sql"] for q in large.captured_queries
        )


# --- members ------------------------------------------------------------------------------------------


class TestMembers:
    def test_an_organizer_reading_a_household_sees_income_and_health_and_the_read_is_logged(
        self, olga, people, household_a
    ):
        head = head_of(household_a)
        head.health = "慢性肾病"
        head.monthly_income = "1200.5"
        head.save()
        body = olga.get(f"{API}/households/{household_a.pk}/", REMOTE_ADDR="10.1.2.3").json()
        assert body["income_per_head"] == "650.00"
        assert (body["members"][0]["health"], body["members"][0]["monthly_income"]) == ("慢性肾病", "1200.50")
        [access] = SensitiveAccess.objects.all()
        assert (access.user, access.record_type, access.record_id, access.purpose, access.ip_address) == (
            people.olga,
            "households.Household",
            str(household_a.pk),
            SensitiveAccess.Purpose.CASEWORK,
            "10.1.2.3",
        )

    def test_an_auditor_reading_a_household_sees_neither_income_nor_health_and_nothing_is_logged(
        self, aude, household_a
    ):
        head = head_of(household_a)
        head.health = "慢性肾病"
        head.save()
        response = aude.get(f"{API}/households/{household_a.pk}/")
        assert response.status_code == 200
        assert response.json()["income_per_head"] is None
        assert "health" not in response.json()["members"][0]
        assert "慢性肾病" not in response.content.decode()
        assert SensitiveAccess.objects.count() == 0

    def test_the_household_list_shows_no_income(self, olga, household_a):
        [row] = items(olga.get(f"{API}/households/"))
        assert "income_per_head" not in row
        assert SensitiveAccess.objects.count() == 0

    def test_an_organizer_adds_a_member(self, olga, household_a):
        number = fresh_id_number(male=False)
        response = olga.post(
            f"{API}/members/",
            {
                "household": household_a.pk,
                "name": "刘芳",
                "relation": "spouse",
                "id_number": number,
                "phone": "139 4770 1234",
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["sex"] == "F"
        assert body["phone"] == "13947701234"
        assert body["id_number"] == number[:6] + "********" + number[-4:]
        assert number not in response.content.decode()
        assert household_a.members.get(name="刘芳").id_number == number

    def test_an_id_number_archived_out_of_reach_is_a_conflict_naming_no_unit(self, olga, household_a, household_b):
        taken = head_of(household_b).id_number
        response = olga.post(
            f"{API}/members/",
            {"household": household_a.pk, "name": "李四", "relation": "spouse", "id_number": taken},
            format="json",
        )
        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "conflict" and body["field"] == "id_number"
        # Town B is beyond Olga's reach: it is not named; the county's organizers are asked instead.
        assert "棋盘井镇工会" not in body["detail"] and household_b.number not in body["detail"]
        assert "another unit" in body["detail"]
        assert taken not in response.content.decode()
        assert household_a.members.count() == 1

    def test_a_helper_reading_a_member_sees_health_and_the_read_is_logged(self, hana, people, household_a):
        head = head_of(household_a)
        head.health = "腰椎间盘突出"
        head.save()
        body = hana.get(f"{API}/members/{head.pk}/").json()
        assert body["health"] == "腰椎间盘突出"
        [access] = SensitiveAccess.objects.all()
        assert (access.user, access.record_id, access.purpose) == (people.hana, str(head.pk), "casework")

    def test_the_member_list_never_shows_health_or_income(self, olga, household_a):
        head = head_of(household_a)
        head.health = "腰椎间盘突出"
        head.save()
        response = olga.get(f"{API}/members/")
        assert [m["id"] for m in items(response)] == [head.pk]
        assert "腰椎间盘突出" not in response.content.decode()
        assert SensitiveAccess.objects.count() == 0

    def test_a_partial_update_of_a_member(self, olga, household_a):
        member = head_of(household_a)
        response = olga.patch(
            f"{API}/members/{member.pk}/", {"employment_status": "employed", "monthly_income": "3200.00"}, format="json"
        )
        assert response.status_code == 200, response.content
        member.refresh_from_db()
        assert member.employment_status == Member.EmploymentStatus.EMPLOYED
        assert str(member.monthly_income) == "3200.00"
        assert member.name == "王强"

    def test_no_member_answer_contains_the_unmasked_id_number(self, olga, household_a):
        member = head_of(household_a)
        answers = [
            olga.get(f"{API}/members/"),
            olga.get(f"{API}/members/{member.pk}/"),
            olga.get(f"{API}/households/{household_a.pk}/"),
            olga.patch(f"{API}/members/{member.pk}/", {"major": "机电"}, format="json"),
        ]
        for response in answers:
            assert response.status_code == 200
            assert member.id_number not in response.content.decode()
            assert member.id_number[6:14] not in response.content.decode()  # not even the birth date part

    def test_revealing_an_id_number_returns_it_and_logs_one_access_with_its_purpose(self, hana, people, household_a):
        member = head_of(household_a)
        response = hana.post(
            f"{API}/members/{member.pk}/reveal-id-number/",
            {"purpose": "verify_identity"},
            format="json",
            REMOTE_ADDR="10.1.2.3",
        )
        assert response.status_code == 200
        assert response.json() == {"id_number": member.id_number}
        [access] = SensitiveAccess.objects.all()
        assert (access.user, access.record_type, access.record_id, access.field, access.purpose, access.ip_address) == (
            people.hana,
            "households.Member",
            str(member.pk),
            "id_number",
            "verify_identity",
            "10.1.2.3",
        )

    def test_revealing_without_a_purpose_is_refused_and_not_logged(self, hana, household_a):
        member = head_of(household_a)
        assert hana.post(f"{API}/members/{member.pk}/reveal-id-number/", {}, format="json").status_code == 400
        response = hana.post(f"{API}/members/{member.pk}/reveal-id-number/", {"purpose": "other"}, format="json")
        assert response.status_code == 400
        assert response.json()["field"] == "note"
        assert SensitiveAccess.objects.count() == 0

    @pytest.mark.parametrize("persona", ["aude", "wang"])
    def test_an_auditor_or_the_worker_cannot_reveal_an_id_number_and_nothing_is_logged(
        self, client_for, people, household_a, persona
    ):
        client = client_for(getattr(people, persona))
        member = head_of(household_a)  # Wang's own entry
        response = client.post(
            f"{API}/members/{member.pk}/reveal-id-number/", {"purpose": "verify_identity"}, format="json"
        )
        assert response.status_code == 403
        assert member.id_number not in response.content.decode()
        assert SensitiveAccess.objects.count() == 0

    def test_an_organizer_of_a_sibling_unit_cannot_reveal_and_is_told_not_found(self, bob, household_a):
        member = head_of(household_a)
        response = bob.post(
            f"{API}/members/{member.pk}/reveal-id-number/", {"purpose": "verify_identity"}, format="json"
        )
        assert response.status_code == 404
        assert SensitiveAccess.objects.count() == 0


# --- skills and preferences on a profile --------------------------------------------------------------


class TestProfiles:
    def test_a_helper_adds_a_skill_resolved_through_a_synonym(self, hana, household_a):
        member = head_of(household_a)
        response = hana.post(
            f"{API}/members/{member.pk}/skills/",
            {"phrase": "开叉车", "skill": None, "level": "skilled", "years": 4},
            format="json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["skill"], body["source"], body["phrase"]) == ("logistics.forklift", "helper", "开叉车")

    def test_a_skill_is_added_with_the_phrase_alone(self, hana, household_a):
        response = hana.post(f"{API}/members/{head_of(household_a).pk}/skills/", {"phrase": "开叉车"}, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["skill"] == "logistics.forklift"

    def test_the_same_skill_twice_is_a_conflict(self, hana, household_a):
        url = f"{API}/members/{head_of(household_a).pk}/skills/"
        assert hana.post(url, {"phrase": "叉车", "skill": None}, format="json").status_code == 201
        response = hana.post(url, {"phrase": "叉车司机", "skill": None}, format="json")
        assert response.status_code == 409
        assert MemberSkill.objects.count() == 1

    def test_a_worker_adds_a_skill_to_their_own_profile_but_cannot_certify_it(self, wang, household_a):
        response = wang.post(
            f"{API}/members/{head_of(household_a).pk}/skills/",
            {"phrase": "电焊", "skill": None, "certified": True, "certificate_number": "FAKE-1"},
            format="json",
        )
        assert response.status_code == 201, response.content
        entry = MemberSkill.objects.get()
        assert (entry.source, entry.certified, entry.certificate_number) == ("self", False, "")

    def test_a_worker_cannot_add_a_skill_to_another_members_profile(self, wang, household_a, household_b):
        spouse = MemberFactory(household=household_a, relation=Member.Relation.SPOUSE)
        for member in (spouse, head_of(household_b)):
            response = wang.post(f"{API}/members/{member.pk}/skills/", {"phrase": "电焊"}, format="json")
            assert response.status_code == 404
        assert MemberSkill.objects.count() == 0

    def test_a_skill_is_removed(self, hana, household_a):
        entry = MemberSkill.objects.create(member=head_of(household_a), phrase="电焊")
        assert hana.delete(f"{API}/member-skills/{entry.pk}/").status_code == 204
        assert not MemberSkill.objects.exists()

    def test_a_worker_cannot_remove_a_certified_skill_but_removes_an_uncertified_one(self, wang, household_a):
        certified = MemberSkill.objects.create(member=head_of(household_a), phrase="电焊", certified=True)
        stated = MemberSkill.objects.create(member=head_of(household_a), phrase="做饭")
        assert wang.delete(f"{API}/member-skills/{certified.pk}/").status_code == 403
        assert wang.delete(f"{API}/member-skills/{stated.pk}/").status_code == 204
        assert list(MemberSkill.objects.all()) == [certified]

    def test_an_organizer_of_a_sibling_unit_cannot_remove_a_skill(self, bob, household_a):
        entry = MemberSkill.objects.create(member=head_of(household_a), phrase="电焊")
        assert bob.delete(f"{API}/member-skills/{entry.pk}/").status_code == 404
        assert MemberSkill.objects.filter(pk=entry.pk).exists()

    def test_a_worker_sets_preferences_and_consent_on_their_own_profile(self, wang, household_a):
        member = head_of(household_a)
        response = wang.post(
            f"{API}/members/{member.pk}/preferences/",
            {
                "occupations": ["6-30-05-01"],
                "regions": ["150624"],
                "desired_work": "开叉车",
                "expected_salary": 4500,
                "consent_to_be_found": True,
            },
            format="json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["occupations"] == ["6-30-05-01"]
        member.refresh_from_db()
        assert member.consent_to_be_found is True
        assert member.consent_changed_at is not None
        assert JobPreference.objects.get(member=member).expected_salary == 4500

    def test_an_unknown_occupation_code_writes_nothing(self, wang, household_a):
        member = head_of(household_a)
        response = wang.post(
            f"{API}/members/{member.pk}/preferences/",
            {"occupations": ["9-99-99-99"], "consent_to_be_found": True},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["field"] == "occupations"
        member.refresh_from_db()
        assert member.consent_to_be_found is False
        assert not JobPreference.objects.exists()


# --- plans, pairing, visits ---------------------------------------------------------------------------


class TestPlansPairingVisits:
    def test_a_plan_is_created_with_its_goals(self, hana, household_a):
        member = head_of(household_a)
        response = hana.post(
            f"{API}/plans/",
            {
                "household": household_a.pk,
                "summary": "帮助户主稳定就业",
                "goals": [
                    {"track": "job", "title": "户主实现稳定就业", "member": member.pk},
                    {"track": "training", "title": "取得叉车证", "due_on": "2027-03-01"},
                ],
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["status"] == ReliefPlan.Status.ACTIVE
        assert [(g["track"], g["title"], g["status"]) for g in body["goals"]] == [
            ("job", "户主实现稳定就业", "open"),
            ("training", "取得叉车证", "open"),
        ]

    def test_a_new_plan_supersedes_the_one_in_effect(self, olga, household_a):
        old = ReliefPlanFactory(household=household_a)
        assert olga.post(f"{API}/plans/", {"household": household_a.pk}, format="json").status_code == 201
        old.refresh_from_db()
        assert old.status == ReliefPlan.Status.SUPERSEDED

    def test_a_goal_of_a_member_of_another_household_is_refused_and_no_plan_is_written(self, olga, household_a):
        stranger = MemberFactory(household=HouseholdFactory(org_unit=household_a.org_unit))
        response = olga.post(
            f"{API}/plans/",
            {"household": household_a.pk, "goals": [{"track": "job", "title": "就业", "member": stranger.pk}]},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["field"] == "member"
        assert not ReliefPlan.objects.filter(household=household_a).exists()

    def test_a_goal_is_met_with_evidence(self, hana, household_a):
        goal = PlanGoalFactory(plan=ReliefPlanFactory(household=household_a))
        url = f"{API}/goals/{goal.pk}/status/"
        refused = hana.post(url, {"status": "met"}, format="json")
        assert refused.status_code == 400
        assert refused.json()["field"] == "evidence"
        response = hana.post(url, {"status": "met", "evidence": "已与园区企业签订劳动合同"}, format="json")
        assert response.status_code == 200
        assert response.json()["status"] == "met"
        assert response.json()["met_on"] == timezone.localdate().isoformat()

    def test_an_organizer_of_a_sibling_unit_cannot_change_a_goal(self, bob, household_a):
        goal = PlanGoalFactory(plan=ReliefPlanFactory(household=household_a))
        response = bob.post(f"{API}/goals/{goal.pk}/status/", {"status": "in_progress"}, format="json")
        assert response.status_code == 404
        goal.refresh_from_db()
        assert goal.status == PlanGoal.Status.OPEN

    def test_a_pairing_replaces_the_current_one(self, olga, tree, people, household_a):
        other = UserFactory(role=Role.HELPER, org_unit=tree.town_a)
        response = olga.post(f"{API}/pairings/", {"household": household_a.pk, "helper": other.pk}, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["helping_unit"] == tree.town_a.pk
        current = Pairing.objects.get(household=household_a, ended_on__isnull=True)
        assert current.helper == other
        assert Pairing.objects.get(household=household_a, helper=people.hana).ended_on is not None

    def test_a_helper_of_a_sibling_unit_cannot_be_paired(self, olga, tree, household_a):
        stranger = UserFactory(role=Role.HELPER, org_unit=tree.town_b)
        response = olga.post(f"{API}/pairings/", {"household": household_a.pk, "helper": stranger.pk}, format="json")
        assert response.status_code == 400
        assert response.json()["field"] in {"helper", "helping_unit"}
        assert not Pairing.objects.filter(helper=stranger).exists()

    def test_a_helper_cannot_pair_households(self, hana, tree, household_a):
        other = UserFactory(role=Role.HELPER, org_unit=tree.station_a)
        response = hana.post(f"{API}/pairings/", {"household": household_a.pk, "helper": other.pk}, format="json")
        assert response.status_code == 403
        assert not Pairing.objects.filter(helper=other).exists()

    def test_a_visit_is_recorded_and_moves_the_next_visit_date(self, hana, people, household_a):
        today = timezone.localdate()
        response = hana.post(
            f"{API}/visits/",
            {
                "household": household_a.pk,
                "visited_on": today.isoformat(),
                "summary": "户主已参加叉车培训",
                "kind": "home",
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["visited_by"] == people.hana.pk
        household_a.refresh_from_db()
        assert household_a.next_visit_due == today + dt.timedelta(days=90)

    def test_a_visit_in_the_future_is_refused(self, hana, household_a):
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        response = hana.post(
            f"{API}/visits/",
            {"household": household_a.pk, "visited_on": tomorrow.isoformat(), "summary": "还没去"},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["field"] == "visited_on"
        assert Visit.objects.count() == 0

    def test_visits_are_listed_per_household_within_reach(self, olga, bob, household_a, household_b):
        mine = VisitFactory(household=household_a, visited_by=household_a.pairings.get().helper)
        VisitFactory(household=household_b)
        assert [v["id"] for v in items(olga.get(f"{API}/visits/", {"household": household_a.pk}))] == [mine.pk]
        assert [v["household"] for v in items(bob.get(f"{API}/visits/"))] == [household_b.pk]

    def test_an_auditor_cannot_record_a_visit(self, aude, household_a):
        response = aude.post(
            f"{API}/visits/",
            {"household": household_a.pk, "visited_on": timezone.localdate().isoformat(), "summary": "看看"},
            format="json",
        )
        assert response.status_code == 403
        assert Visit.objects.count() == 0


# --- exit ---------------------------------------------------------------------------------------------


class TestExit:
    def test_the_responsible_helper_requests_and_an_organizer_above_approves(self, hana, olga, people, household_a):
        ready_to_exit(household_a)
        response = hana.post(
            f"{API}/exit-requests/", {"household": household_a.pk, "reason": "户主稳定就业半年"}, format="json"
        )
        assert response.status_code == 201, response.content
        request_id = response.json()["id"]
        assert [r["id"] for r in items(olga.get(f"{API}/exit-requests/", {"to_decide": "1"}))] == [request_id]
        decided = olga.post(f"{API}/exit-requests/{request_id}/approve/", {"note": "同意"}, format="json")
        assert decided.status_code == 200, decided.content
        assert decided.json()["status"] == ExitRequest.Status.APPROVED
        assert decided.json()["decided_by"] == people.olga.pk
        household_a.refresh_from_db()
        assert household_a.state == Household.State.EXITED
        assert household_a.follow_up_until is not None

    def test_an_exit_with_open_goals_is_refused(self, hana, household_a):
        plan = ready_to_exit(household_a)
        PlanGoalFactory(plan=plan, title="配偶参加家政培训")
        response = hana.post(
            f"{API}/exit-requests/", {"household": household_a.pk, "reason": "差不多了"}, format="json"
        )
        assert response.status_code == 409
        assert "配偶参加家政培训" in response.json()["detail"]
        assert ExitRequest.objects.count() == 0

    def test_an_organizer_of_the_same_unit_cannot_approve(self, hana, client_for, tree, household_a):
        ready_to_exit(household_a)
        station_organizer = UserFactory(role=Role.ORGANIZER, org_unit=tree.station_a)
        request = hana.post(
            f"{API}/exit-requests/", {"household": household_a.pk, "reason": "已就业"}, format="json"
        ).json()
        response = client_for(station_organizer).post(
            f"{API}/exit-requests/{request['id']}/approve/", {}, format="json"
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert "above" in response.json()["detail"]
        assert ExitRequest.objects.get().status == ExitRequest.Status.PENDING
        household_a.refresh_from_db()
        assert household_a.state == Household.State.ACTIVE

    def test_the_requester_cannot_approve_their_own_request(self, alice, household_a):
        ready_to_exit(household_a)
        request = alice.post(
            f"{API}/exit-requests/", {"household": household_a.pk, "reason": "已就业"}, format="json"
        ).json()
        response = alice.post(f"{API}/exit-requests/{request['id']}/approve/", {}, format="json")
        assert response.status_code == 403
        assert "requested" in response.json()["detail"]
        assert ExitRequest.objects.get().status == ExitRequest.Status.PENDING

    def test_a_helper_who_is_not_responsible_cannot_request(self, client_for, tree, household_a):
        ready_to_exit(household_a)
        other = UserFactory(role=Role.HELPER, org_unit=tree.station_a)
        response = client_for(other).post(
            f"{API}/exit-requests/", {"household": household_a.pk, "reason": "x"}, format="json"
        )
        assert response.status_code == 403
        assert ExitRequest.objects.count() == 0

    def test_a_rejection_needs_a_note_and_keeps_the_household_active(self, hana, olga, household_a):
        ready_to_exit(household_a)
        request = hana.post(
            f"{API}/exit-requests/", {"household": household_a.pk, "reason": "已就业"}, format="json"
        ).json()
        url = f"{API}/exit-requests/{request['id']}/reject/"
        refused = olga.post(url, {}, format="json")
        assert refused.status_code == 400
        assert refused.json()["field"] == "note"
        response = olga.post(url, {"note": "收入尚不稳定"}, format="json")
        assert response.status_code == 200
        assert response.json()["status"] == ExitRequest.Status.REJECTED
        household_a.refresh_from_db()
        assert household_a.state == Household.State.ACTIVE
        assert olga.post(url, {"note": "再拒一次"}, format="json").status_code == 409

    def test_an_organizer_of_a_sibling_unit_cannot_see_or_decide_the_request(self, hana, bob, household_a):
        ready_to_exit(household_a)
        request = hana.post(
            f"{API}/exit-requests/", {"household": household_a.pk, "reason": "已就业"}, format="json"
        ).json()
        assert items(bob.get(f"{API}/exit-requests/")) == []
        assert bob.post(f"{API}/exit-requests/{request['id']}/approve/", {}, format="json").status_code == 404
        assert ExitRequest.objects.get().status == ExitRequest.Status.PENDING


# --- units and me -------------------------------------------------------------------------------------


class TestUnitsAndMe:
    def test_org_units_are_the_callers_unit_and_those_below(self, olga, bob, tree):
        assert {u["id"] for u in items(olga.get(f"{API}/org-units/"))} == {tree.town_a.pk, tree.station_a.pk}
        assert {u["id"] for u in items(bob.get(f"{API}/org-units/"))} == {tree.town_b.pk}

    def test_a_unit_above_is_not_found(self, olga, tree):
        assert olga.get(f"{API}/org-units/{tree.county.pk}/").status_code == 404

    def test_me_describes_the_caller(self, olga, tree):
        body = olga.get(f"{API}/me/").json()
        assert (body["username"], body["role"], body["org_unit"]["id"]) == ("olga", "organizer", tree.town_a.pk)
        assert "import_archive" in body["actions"]

    def test_me_for_a_worker_has_no_unit_and_only_their_own_profile(self, wang):
        body = wang.get(f"{API}/me/").json()
        assert (body["role"], body["org_unit"], body["actions"]) == (
            "worker",
            None,
            ["apply", "apply_relief", "apply_venture", "attend_fairs", "edit_own_profile", "enrol"],
        )

    def test_anonymous_callers_are_refused(self, household_a):
        response = APIClient().get(f"{API}/households/")
        assert response.status_code == 403  # session auth comes first, so no WWW-Authenticate challenge
        assert household_a.number not in response.content.decode()


# --- crossing the lines -------------------------------------------------------------------------------


class TestCrossings:
    def test_an_organizer_of_town_b_reading_a_town_a_household_gets_not_found(self, bob, household_a):
        response = bob.get(f"{API}/households/{household_a.pk}/")
        assert response.status_code == 404
        assert response.json() == {"detail": "No such household.", "code": "not_found"}

    def test_an_organizer_of_town_b_editing_a_town_a_household_gets_not_found(self, bob, household_a):
        for response in (
            bob.patch(f"{API}/households/{household_a.pk}/", {"address": "改掉"}, format="json"),
            bob.post(f"{API}/households/{household_a.pk}/close/", {"reason": "x"}, format="json"),
            bob.post(
                f"{API}/members/",
                {"household": household_a.pk, "name": "x", "relation": "child", "id_number": fresh_id_number()},
                format="json",
            ),
            bob.patch(f"{API}/members/{head_of(household_a).pk}/", {"name": "改掉"}, format="json"),
        ):
            assert response.status_code == 404
        household_a.refresh_from_db()
        assert household_a.address != "改掉"
        assert household_a.members.count() == 1
        assert head_of(household_a).name == "王强"

    def test_a_town_organizer_cannot_see_the_county_level_household(self, olga, tree):
        county_household = HouseholdFactory(org_unit=tree.county)
        assert olga.get(f"{API}/households/{county_household.pk}/").status_code == 404

    def test_a_workers_list_holds_only_their_own_household(self, wang, household_a, household_b):
        assert [h["id"] for h in items(wang.get(f"{API}/households/"))] == [household_a.pk]

    def test_a_worker_opening_another_household_or_member_gets_not_found(self, wang, household_a, household_b):
        assert wang.get(f"{API}/households/{household_b.pk}/").status_code == 404
        assert wang.get(f"{API}/members/{head_of(household_b).pk}/").status_code == 404

    def test_a_worker_cannot_edit_their_household(self, wang, household_a):
        response = wang.patch(f"{API}/households/{household_a.pk}/", {"address": "改掉"}, format="json")
        assert response.status_code == 403
        household_a.refresh_from_db()
        assert household_a.address != "改掉"

    def test_an_auditor_reads_a_household_of_the_county(self, aude, household_a):
        assert aude.get(f"{API}/households/{household_a.pk}/").status_code == 200

    def test_an_auditor_cannot_edit(self, aude, household_a):
        response = aude.patch(f"{API}/households/{household_a.pk}/", {"address": "改掉"}, format="json")
        assert response.status_code == 403
        household_a.refresh_from_db()
        assert household_a.address != "改掉"

    @pytest.mark.parametrize(
        "endpoint", ["households", "members", "plans", "pairings", "visits", "exit-requests", "org-units"]
    )
    def test_an_employer_gets_empty_lists(self, eve, household_a, household_b, endpoint):
        ReliefPlanFactory(household=household_a)
        VisitFactory(household=household_a)
        assert items(eve.get(f"{API}/{endpoint}/")) == []

    def test_an_employer_cannot_open_a_household(self, eve, household_a):
        assert eve.get(f"{API}/households/{household_a.pk}/").status_code == 404


# --- the error format ---------------------------------------------------------------------------------


class TestErrorFormat:
    def test_invalid_input_is_400_with_detail_code_and_field(self, olga, tree):
        response = olga.post(
            f"{API}/households/", {"org_unit": tree.station_a.pk, "region": "999999", "address": "某地"}, format="json"
        )
        assert response.status_code == 400
        body = response.json()
        assert set(body) == {"detail", "code", "field"}
        assert (body["code"], body["field"]) == ("invalid", "region")
        assert "999999" in body["detail"]

    def test_forbidden_is_403_with_detail_and_code(self, aude, household_a):
        response = aude.post(
            f"{API}/members/",
            {"household": household_a.pk, "name": "x", "relation": "child", "id_number": fresh_id_number()},
            format="json",
        )
        assert response.status_code == 403
        body = response.json()
        assert body["code"] == "forbidden" and body["detail"]
        assert household_a.members.count() == 1

    def test_messages_are_in_chinese_by_default(self, people, household_a):
        client = APIClient()
        client.force_authenticate(people.bob)
        response = client.get(f"{API}/households/{household_a.pk}/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert re.search(r"[\u4e00-\u9fff]", response.json()["detail"])

    def test_not_found_is_404_with_detail_and_code(self, olga):
        response = olga.get(f"{API}/households/999999/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_conflict_is_409_with_detail_code_and_field(self, olga, household_a):
        response = olga.post(
            f"{API}/members/",
            {"household": household_a.pk, "name": "赵六", "relation": "head", "id_number": fresh_id_number()},
            format="json",
        )
        assert response.status_code == 409
        assert response.json() == {"detail": response.json()["detail"], "code": "conflict", "field": "relation"}

    def test_a_shape_error_is_answered_by_drf_per_field(self, olga, tree):
        response = olga.post(f"{API}/households/", {"org_unit": tree.station_a.pk}, format="json")
        assert response.status_code == 400
        assert {"region", "address"} <= set(response.json())


# --- schema and docs ----------------------------------------------------------------------------------


class TestSchema:
    def test_the_schema_lists_the_household_endpoints(self, client, people):
        client.force_login(people.olga)
        response = client.get("/api/schema/")
        assert response.status_code == 200
        assert "/api/v1/households/" in response.content.decode()

    def test_the_schema_is_available_as_json(self, client, people):
        client.force_login(people.olga)
        response = client.get("/api/schema/", {"format": "json"})
        assert response.status_code == 200
        schema = json.loads(response.content)
        assert "/api/v1/households/{id}/activate/" in schema["paths"]
        assert "/api/v1/members/{id}/reveal-id-number/" in schema["paths"]

    def test_the_docs_page_is_served_to_a_logged_in_user(self, client, people):
        client.force_login(people.olga)
        response = client.get("/api/docs/")
        assert response.status_code == 200
        assert b"swagger" in response.content.lower()
        # Swagger UI's start-up script is a file of its own (the CSP allows no inline script).
        assert b"<script>" not in response.content
        assert b"/api/schema/" in client.get("/api/docs/?script=").content
