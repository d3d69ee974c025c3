"""The archive's rules, exercised through the services: each bad input gets a clear error and
nothing is written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from households import selectors, services
from households.models import Household, Member, Pairing, PlanGoal, ReliefPlan
from tests.factories import (
    HouseholdFactory,
    MemberFactory,
    PairingFactory,
    PlanGoalFactory,
    UserFactory,
    fresh_id_number,
)

pytestmark = pytest.mark.django_db


def _create(people, unit, **overrides):
    values = {
        "by": people.alice,
        "org_unit": unit,
        "region_code": "150624",
        "address": "乌兰镇团结路5号",
        "target_groups": ["dibao_able"],
        "hardship_causes": ["illness"],
        "income_per_head": "420.50",
    }
    values.update(overrides)
    return services.household_create(**values)


class TestHouseholds:
    def test_an_organizer_creates_a_draft_household_with_an_archive_number(self, tree, people):
        household = _create(people, tree.station_a)
        assert household.state == Household.State.DRAFT
        assert household.number.startswith(f"150624-{dt.date.today().year}-")
        assert household.income_per_head == Decimal("420.50")
        assert [g.code for g in household.target_groups.all()] == ["dibao_able"]

    def test_negative_income_is_refused_and_nothing_is_written(self, tree, people):
        with pytest.raises(InvalidInput, match="cannot be negative") as error:
            _create(people, tree.station_a, income_per_head="-1")
        assert error.value.field == "income_per_head"
        assert Household.objects.count() == 0

    def test_an_unknown_region_code_is_refused(self, tree, people):
        with pytest.raises(InvalidInput, match="region"):
            _create(people, tree.station_a, region_code="999999")
        assert Household.objects.count() == 0

    def test_an_organizer_cannot_create_a_household_in_a_sibling_unit(self, tree, people):
        with pytest.raises(NotFound):
            _create(people, tree.town_b, by=people.olga)
        assert Household.objects.count() == 0

    def test_an_auditor_cannot_create_households(self, tree, people):
        with pytest.raises(Forbidden):
            _create(people, tree.station_a, by=people.aude)

    def test_activation_needs_a_head_and_a_helper(self, tree, people):
        household = _create(people, tree.station_a)
        with pytest.raises(InvalidInput, match="head"):
            services.household_activate(household=household, by=people.alice)
        services.member_add(
            household=household, by=people.alice, name="张三", relation="head", id_number=fresh_id_number()
        )
        with pytest.raises(InvalidInput, match="helper"):
            services.household_activate(household=household, by=people.alice)
        services.pairing_assign(household=household, by=people.alice, helper=people.hana)
        household = services.household_activate(household=household, by=people.alice)
        assert household.state == Household.State.ACTIVE
        assert household.activated_on == dt.date.today()

    def test_changes_are_kept_in_the_history_with_who_made_them(self, tree, people, household_a):
        services.household_update(household=household_a, by=people.olga, address="乌兰镇新华街8号")
        record = household_a.history.latest()
        assert record.history_user == people.olga
        assert record.address == "乌兰镇新华街8号"
        entries = selectors.household_history_for(people.alice, household_a)
        assert any(c["field"] == "address" for e in entries for c in e["changes"])


class TestMembers:
    def test_an_id_already_in_another_household_names_the_unit_holding_it(self, tree, people, household_a, household_b):
        taken = household_b.members.get().id_number
        with pytest.raises(Conflict) as error:
            services.member_add(household=household_a, by=people.alice, name="李四", relation="spouse", id_number=taken)
        assert "棋盘井镇工会" in error.value.message
        assert household_b.number in error.value.message
        assert taken not in error.value.message  # only the masked number appears
        assert household_a.members.count() == 1

    def test_an_invalid_check_digit_writes_nothing(self, people, household_a):
        number = fresh_id_number()
        wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
        with pytest.raises(InvalidInput, match="check digit"):
            services.member_add(household=household_a, by=people.alice, name="李四", relation="spouse", id_number=wrong)
        assert household_a.members.count() == 1

    def test_a_future_birth_date_writes_nothing(self, people, household_a):
        from households.id_numbers import make_id_number

        future = make_id_number("150624", dt.date.today() + dt.timedelta(days=30), 2)
        with pytest.raises(InvalidInput, match="future"):
            services.member_add(household=household_a, by=people.alice, name="小宝", relation="child", id_number=future)
        assert household_a.members.count() == 1

    def test_sex_and_birth_date_come_from_the_id_number(self, people, household_a):
        number = fresh_id_number(birth=dt.date(1990, 6, 1), male=False)
        member = services.member_add(
            household=household_a,
            by=people.alice,
            name="刘芳",
            relation="spouse",
            id_number=number,
            phone="139 4770 1234",
        )
        assert member.sex == "F"
        assert member.birth_date.year == 1990
        assert member.phone == "13947701234"

    def test_an_invalid_phone_number_is_refused(self, people, household_a):
        with pytest.raises(InvalidInput, match="phone"):
            services.member_add(
                household=household_a,
                by=people.alice,
                name="刘芳",
                relation="spouse",
                id_number=fresh_id_number(),
                phone="12345",
            )
        assert household_a.members.count() == 1

    def test_a_household_has_one_head(self, people, household_a):
        with pytest.raises(Conflict, match="head"):
            services.member_add(
                household=household_a, by=people.alice, name="赵六", relation="head", id_number=fresh_id_number()
            )

    def test_id_numbers_are_encrypted_at_rest_and_looked_up_by_keyed_hash(self, household_a):
        member = household_a.members.get()
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number, id_number_hash, health FROM households_member WHERE id = %s", [member.pk])
            stored, hashed, _health = cursor.fetchone()
        assert member.id_number not in stored
        assert stored.startswith("gAAAA")  # a Fernet token
        assert hashed != member.id_number and len(hashed) == 64
        assert member.id_number_masked == member.id_number[:6] + "********" + member.id_number[-4:]

    def test_income_is_encrypted_at_rest(self, household_a):
        with connection.cursor() as cursor:
            cursor.execute("SELECT income_per_head FROM households_household WHERE id = %s", [household_a.pk])
            (stored,) = cursor.fetchone()
        assert "650" not in stored


class TestVisibility:
    def test_an_organizer_of_a_sibling_unit_gets_not_found(self, people, household_a):
        with pytest.raises(NotFound):
            selectors.household_get_for(people.bob, household_a.pk)
        with pytest.raises(NotFound):
            services.household_update(household=household_a, by=people.bob, address="x")

    def test_an_organizer_sees_the_subtree_below_the_unit(self, people, household_a, household_b):
        assert set(selectors.household_list_for(people.alice)) == {household_a, household_b}
        assert list(selectors.household_list_for(people.olga)) == [household_a]
        assert list(selectors.household_list_for(people.bob)) == [household_b]

    def test_a_worker_sees_only_their_own_household(self, people, household_a, household_b):
        assert list(selectors.household_list_for(people.wang)) == [household_a]
        with pytest.raises(NotFound):
            selectors.household_get_for(people.wang, household_b.pk)

    def test_an_employer_sees_no_household(self, people, household_a):
        assert list(selectors.household_list_for(people.eve)) == []

    def test_the_list_filters_overdue_visits_and_missing_helpers(self, tree, people, household_a):
        lonely = HouseholdFactory(org_unit=tree.station_a, next_visit_due=dt.date.today() - dt.timedelta(days=3))
        flags = selectors.HouseholdFilters(no_helper=True)
        assert list(selectors.household_list_for(people.alice, flags)) == [lonely]
        overdue = selectors.HouseholdFilters(overdue_visit=True)
        assert list(selectors.household_list_for(people.alice, overdue)) == [lonely]


class TestPairingAndVisits:
    def test_assigning_a_new_helper_ends_the_current_pairing(self, tree, people, household_a):
        other = UserFactory(role="helper", org_unit=tree.station_a)
        services.pairing_assign(household=household_a, by=people.olga, helper=other)
        current = household_a.pairings.get(ended_on__isnull=True)
        assert current.helper == other
        assert household_a.pairings.filter(ended_on__isnull=False, helper=people.hana).exists()

    def test_a_helper_from_a_sibling_unit_cannot_be_assigned(self, tree, people, household_a):
        stranger = UserFactory(role="helper", org_unit=tree.town_b)
        with pytest.raises(InvalidInput):
            services.pairing_assign(household=household_a, by=people.olga, helper=stranger)
        assert household_a.pairings.get(ended_on__isnull=True).helper == people.hana

    def test_a_visit_moves_the_next_visit_date(self, people, household_a):
        today = dt.date.today()
        services.visit_record(
            household=household_a,
            by=people.hana,
            visited_on=today,
            summary="情况稳定",
            next_visit_due=today + dt.timedelta(days=45),
        )
        household_a.refresh_from_db()
        assert household_a.next_visit_due == today + dt.timedelta(days=45)

    def test_a_visit_in_the_future_is_refused(self, people, household_a):
        with pytest.raises(InvalidInput, match="before it happens"):
            services.visit_record(
                household=household_a, by=people.hana, visited_on=dt.date.today() + dt.timedelta(days=1), summary="x"
            )
        assert household_a.visits.count() == 0


@pytest.fixture
def plan_a(people, household_a):
    plan = services.plan_create(
        household=household_a,
        by=people.hana,
        summary="就业脱困",
        goals=[services.GoalInput(track="job", title="户主稳定就业")],
    )
    return plan


class TestExit:
    def test_exit_cannot_be_requested_while_a_goal_is_open(self, people, household_a, plan_a):
        with pytest.raises(Conflict, match="Not every goal is met"):
            services.exit_request(household=household_a, by=people.hana, reason="已就业")
        assert household_a.exit_requests.count() == 0

    def test_exit_needs_a_plan_with_goals(self, people, household_a):
        with pytest.raises(Conflict, match="no plan"):
            services.exit_request(household=household_a, by=people.hana, reason="已就业")

    def _request(self, people, household, plan):
        goal = plan.goals.get()
        services.goal_set_status(goal=goal, by=people.hana, status=PlanGoal.Status.MET, evidence="劳动合同")
        return services.exit_request(household=household, by=people.hana, reason="户主已签订劳动合同")

    def test_exit_approved_by_the_same_unit_is_refused(self, tree, people, household_a, plan_a):
        request = self._request(people, household_a, plan_a)
        same = UserFactory(role="organizer", org_unit=tree.station_a)
        with pytest.raises(Forbidden, match="unit above"):
            services.exit_decide(request=request, by=same, approve=True)
        household_a.refresh_from_db()
        assert household_a.state == Household.State.ACTIVE

    def test_exit_approved_by_a_lower_unit_is_refused(self, tree, people, household_a, plan_a):
        household_a.org_unit = tree.town_a
        household_a.save()
        services.goal_set_status(goal=plan_a.goals.get(), by=people.olga, status=PlanGoal.Status.MET, evidence="合同")
        request = services.exit_request(household=household_a, by=people.olga, reason="目标达成")
        lower = UserFactory(role="organizer", org_unit=tree.station_a)
        # A lower unit cannot even see the household: it is told the request does not exist.
        with pytest.raises((Forbidden, NotFound)):
            services.exit_decide(request=request, by=lower, approve=True)
        household_a.refresh_from_db()
        assert household_a.state == Household.State.ACTIVE

    def test_the_requester_cannot_approve_their_own_request(self, tree, people, household_a, plan_a):
        household_a.pairings.update(ended_on=dt.date.today())
        PairingFactory(household=household_a, helper=people.hana)
        goal = plan_a.goals.get()
        services.goal_set_status(goal=goal, by=people.alice, status=PlanGoal.Status.MET, evidence="合同")
        request = services.exit_request(household=household_a, by=people.alice, reason="目标达成")
        with pytest.raises(Forbidden, match="requested"):
            services.exit_decide(request=request, by=people.alice, approve=True)

    def test_an_organizer_above_approves_and_follow_up_runs_twelve_months(self, people, household_a, plan_a):
        request = self._request(people, household_a, plan_a)
        services.exit_decide(request=request, by=people.olga, approve=True, note="核实无误")
        household_a.refresh_from_db()
        assert household_a.state == Household.State.EXITED
        assert household_a.exited_on == dt.date.today()
        months = (
            (household_a.follow_up_until.year - household_a.exited_on.year) * 12
            + household_a.follow_up_until.month
            - household_a.exited_on.month
        )
        assert months == 12
        assert ReliefPlan.objects.get(pk=plan_a.pk).status == ReliefPlan.Status.COMPLETED
        # The helper stays paired through the follow-up year.
        assert household_a.pairings.filter(ended_on__isnull=True).exists()

    def test_a_goal_reopened_after_the_request_blocks_approval(self, people, household_a, plan_a):
        request = self._request(people, household_a, plan_a)
        services.goal_set_status(goal=plan_a.goals.get(), by=people.hana, status=PlanGoal.Status.IN_PROGRESS)
        with pytest.raises(Conflict, match="Not every goal"):
            services.exit_decide(request=request, by=people.olga, approve=True)

    def test_a_household_can_return_to_hardship_after_exit(self, people, household_a, plan_a):
        request = self._request(people, household_a, plan_a)
        services.exit_decide(request=request, by=people.olga, approve=True)
        household = services.household_reenter(household=household_a, by=people.olga, reason="户主再次失业")
        assert household.state == Household.State.ACTIVE
        assert household.reentry_count == 1

    def test_a_helper_who_is_not_paired_cannot_request_exit(self, tree, people, household_a, plan_a):
        services.goal_set_status(goal=plan_a.goals.get(), by=people.hana, status=PlanGoal.Status.MET, evidence="x")
        other = UserFactory(role="helper", org_unit=tree.station_a)
        with pytest.raises(Forbidden):
            services.exit_request(household=household_a, by=other, reason="x")

    def test_follow_up_ends_the_pairing_after_twelve_months(self, people, household_a):
        household_a.state = Household.State.EXITED
        household_a.follow_up_until = dt.date.today() - dt.timedelta(days=1)
        household_a.save()
        assert services.follow_up_end() == 1
        assert not Pairing.objects.filter(household=household_a, ended_on__isnull=True).exists()


def test_a_met_goal_needs_evidence(people, household_a):
    goal = PlanGoalFactory(plan__household=household_a)
    with pytest.raises(InvalidInput, match="how the goal was met"):
        services.goal_set_status(goal=goal, by=people.hana, status=PlanGoal.Status.MET)
    goal.refresh_from_db()
    assert goal.status == PlanGoal.Status.OPEN


def test_members_factory_builds_valid_ids():
    from households.id_numbers import parse_id_number

    member = MemberFactory.build()
    assert parse_id_number(member.id_number).number == member.id_number
    assert Member  # imported for type reference


class TestMemberLogins:
    def test_a_helper_opens_a_login_with_the_members_mobile_number(self, client, people, household_a):
        member = services.member_add(
            household=household_a,
            by=people.hana,
            name="王小红",
            relation="spouse",
            id_number=fresh_id_number(male=False),
            phone="13947706666",
        )
        user = services.member_account_create(member=member, by=people.hana, password="Grassland-2026")
        assert (user.username, user.phone, user.role) == ("13947706666", "13947706666", "worker")
        assert client.login(username="13947706666", password="Grassland-2026")

    def test_a_member_without_a_mobile_number_gets_no_login(self, people, household_a):
        member = services.member_add(
            household=household_a,
            by=people.hana,
            name="王小红",
            relation="spouse",
            id_number=fresh_id_number(male=False),
        )
        with pytest.raises(InvalidInput, match="mobile number"):
            services.member_account_create(member=member, by=people.hana, password="Grassland-2026")

    def test_a_weak_password_is_refused(self, people, household_a):
        member = services.member_add(
            household=household_a,
            by=people.hana,
            name="王小红",
            relation="spouse",
            id_number=fresh_id_number(male=False),
            phone="13947706666",
        )
        with pytest.raises(InvalidInput):
            services.member_account_create(member=member, by=people.hana, password="123")
        member.refresh_from_db()
        assert member.user_id is None

    def test_a_helper_resets_a_forgotten_password_and_lifts_the_lock(self, client, people, household_a):
        from accounts import throttle

        for _ in range(5):
            throttle.record_failure(login="wang", user=people.wang)
        member = household_a.members.get(user=people.wang)
        services.member_account_reset_password(member=member, by=people.hana, password="New-Grassland-7")
        assert client.login(username="wang", password="New-Grassland-7")

    def test_a_helper_of_a_sibling_unit_cannot_reset_a_password(self, tree, people, household_a):
        stranger = UserFactory(role="helper", org_unit=tree.town_b)
        with pytest.raises(NotFound):
            services.member_account_reset_password(
                member=household_a.members.get(), by=stranger, password="New-Grassland-7"
            )


class TestMembersLeaving:
    def test_a_member_who_moved_out_stays_on_record_but_not_current(self, people, household_a):
        member = services.member_add(
            household=household_a,
            by=people.hana,
            name="王小红",
            relation="child",
            id_number=fresh_id_number(male=False),
        )
        services.member_leave(member=member, by=people.hana, reason="出嫁")
        member.refresh_from_db()
        assert (member.is_current, member.left_reason) == (False, "出嫁")

    def test_the_head_cannot_leave_before_another_member_is_head(self, people, household_a):
        with pytest.raises(Conflict, match="head"):
            services.member_leave(member=household_a.members.get(), by=people.hana, reason="迁出")
