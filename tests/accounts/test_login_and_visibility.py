"""Logging in (username or mobile number), the unit tree, and who may see and do what."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts import services, visibility
from accounts.models import OrgUnit, Role, User
from accounts.phones import normalize_phone
from accounts.visibility import Action
from core.errors import Conflict, InvalidInput
from households.models import Household
from tests.factories import HouseholdFactory, OrgUnitFactory, UserFactory

PASSWORD = "pass-word-123"  # tests.factories.UserFactory
LOGIN = "/accounts/login/"


# --- logging in ---------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestLogin:
    def logged_in_as(self, client) -> int | None:
        value = client.session.get(SESSION_KEY)
        return int(value) if value is not None else None

    def test_a_user_logs_in_with_the_username(self, client, people):
        response = client.post(LOGIN, {"username": "olga", "password": PASSWORD})
        assert response.status_code == 302
        assert self.logged_in_as(client) == people.olga.pk

    @pytest.mark.parametrize(
        "typed",
        [
            "13847700001",
            "138 4770 0001",
            "+86 138 4770 0001",
            "+8613847700001",
            "  13847700001 ",
            "１３８４７７００００１",
            "138-4770-0001",
        ],
    )
    def test_a_user_logs_in_with_the_mobile_number_however_it_is_typed(self, client, people, typed):
        response = client.post(LOGIN, {"username": typed, "password": PASSWORD})
        assert response.status_code == 302
        assert self.logged_in_as(client) == people.wang.pk

    def test_a_wrong_password_is_rejected(self, client, people):
        response = client.post(LOGIN, {"username": "olga", "password": "wrong-password"})
        assert response.status_code == 200
        assert response.context["form"].errors
        assert self.logged_in_as(client) is None

    def test_a_wrong_password_with_the_mobile_number_is_rejected(self, client, people):
        client.post(LOGIN, {"username": "13847700001", "password": "wrong-password"})
        assert self.logged_in_as(client) is None

    def test_an_unknown_login_is_rejected(self, client, people):
        client.post(LOGIN, {"username": "13999999999", "password": PASSWORD})
        assert self.logged_in_as(client) is None

    def test_an_inactive_user_is_rejected_by_username_and_by_mobile_number(self, client, people):
        User.objects.filter(pk=people.wang.pk).update(is_active=False)
        for login in ("wang", "13847700001"):
            response = client.post(LOGIN, {"username": login, "password": PASSWORD})
            assert response.status_code == 200
            assert self.logged_in_as(client) is None

    def test_another_users_password_does_not_open_the_account(self, client, people):
        people.olga.set_password("olgas-own-secret")
        people.olga.save()
        client.post(LOGIN, {"username": "13847700001", "password": "olgas-own-secret"})
        assert self.logged_in_as(client) is None

    def test_a_user_without_a_usable_password_cannot_log_in(self, client, tree):
        user = services.user_create(username="nopass", password=None, role=Role.WORKER, phone="13947701111")
        assert not user.has_usable_password()
        client.post(LOGIN, {"username": "nopass", "password": ""})
        client.post(LOGIN, {"username": "13947701111", "password": "anything"})
        assert self.logged_in_as(client) is None


# --- the unit tree ------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestOrgUnitPaths:
    def test_a_path_is_the_parents_path_and_the_units_own_id(self, tree):
        assert tree.county.path == f"{tree.county.pk:04d}."
        assert tree.station_a.path == f"{tree.county.pk:04d}.{tree.town_a.pk:04d}.{tree.station_a.pk:04d}."
        assert (tree.county.depth, tree.town_a.depth, tree.station_a.depth) == (0, 1, 2)

    def test_a_path_survives_a_reload(self, tree):
        assert OrgUnit.objects.get(pk=tree.station_a.pk).path == tree.station_a.path

    def test_a_subtree_is_the_unit_and_everything_below_it(self, tree):
        assert set(tree.town_a.subtree()) == {tree.town_a, tree.station_a}
        assert set(tree.county.subtree()) == {tree.county, tree.town_a, tree.station_a, tree.town_b}
        assert set(tree.town_b.subtree()) == {tree.town_b}

    def test_ancestors_run_from_the_top_down_and_exclude_the_unit(self, tree):
        assert list(tree.station_a.ancestors()) == [tree.county, tree.town_a]
        assert list(tree.county.ancestors()) == []

    def test_is_ancestor_of_is_strict(self, tree):
        assert tree.county.is_ancestor_of(tree.station_a)
        assert tree.town_a.is_ancestor_of(tree.station_a)
        assert not tree.town_a.is_ancestor_of(tree.town_a)
        assert not tree.station_a.is_ancestor_of(tree.town_a)
        assert not tree.town_b.is_ancestor_of(tree.station_a)

    def test_contains_includes_the_unit_itself(self, tree):
        assert tree.town_a.contains(tree.town_a)
        assert tree.town_a.contains(tree.station_a)
        assert not tree.town_a.contains(tree.town_b)

    def test_a_unit_whose_id_is_a_prefix_of_another_is_not_its_ancestor(self, tree):
        # Unit ids 1 and 10 must not be confused: the dot closes each step of the path.
        one = OrgUnit(path="0001.")
        ten = OrgUnit(path="0001.0010.")
        hundred = OrgUnit(path="0010.")
        assert one.is_ancestor_of(ten)
        assert not OrgUnit(path="0001.0010.").is_ancestor_of(OrgUnit(path="0001.00100."))
        assert not one.is_ancestor_of(hundred)

    def test_ancestors_are_found_when_unit_ids_have_five_digits(self, tree):
        county = OrgUnitFactory(kind=OrgUnit.Kind.FEDERATION)
        town = OrgUnitFactory(kind=OrgUnit.Kind.GRASSROOTS_UNION, parent=county)
        station = OrgUnitFactory(kind=OrgUnit.Kind.STATION, parent=town)
        # The paths these units would have had with ids 12345, 12346 and 12347.
        OrgUnit.objects.filter(pk=county.pk).update(path="12345.")
        OrgUnit.objects.filter(pk=town.pk).update(path="12345.12346.")
        OrgUnit.objects.filter(pk=station.pk).update(path="12345.12346.12347.")
        station.refresh_from_db()
        assert list(station.ancestors()) == [county, town]


# --- may ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestMay:
    @pytest.mark.parametrize(
        ("persona", "action", "unit", "allowed"),
        [
            # organizers act in their unit and below
            ("alice", Action.EDIT_ARCHIVE, "station_a", True),
            ("alice", Action.APPROVE_EXIT, "town_b", True),
            ("olga", Action.EDIT_ARCHIVE, "town_a", True),
            ("olga", Action.IMPORT_ARCHIVE, "station_a", True),
            ("olga", Action.EDIT_ARCHIVE, "town_b", False),  # sibling unit
            ("olga", Action.VIEW_ARCHIVE, "county", False),  # the parent, seen from below
            ("bob", Action.VIEW_ARCHIVE, "station_a", False),  # a sibling's child
            # helpers record and edit, but neither pair nor approve nor export
            ("hana", Action.EDIT_ARCHIVE, "station_a", True),
            ("hana", Action.REVEAL_ID_NUMBER, "station_a", True),
            ("hana", Action.VIEW_ARCHIVE, "town_a", False),  # the unit above the helper's
            ("hana", Action.MANAGE_PAIRING, "station_a", False),
            ("hana", Action.APPROVE_EXIT, "station_a", False),
            ("hana", Action.EXPORT_ARCHIVE, "station_a", False),
            # auditors read everything in the county and change nothing
            ("aude", Action.VIEW_ARCHIVE, "station_a", True),
            ("aude", Action.VIEW_AUDIT_TRAIL, "town_b", True),
            ("aude", Action.EDIT_ARCHIVE, "station_a", False),
            ("aude", Action.REVEAL_ID_NUMBER, "station_a", False),
            ("aude", Action.EXPORT_ARCHIVE, "county", False),
            # workers and employers hold no unit
            ("wang", Action.VIEW_ARCHIVE, "station_a", False),
            ("wang", Action.EDIT_OWN_PROFILE, None, True),
            ("eve", Action.VIEW_ARCHIVE, None, False),
            ("eve", Action.EDIT_OWN_PROFILE, None, False),
            # the administrator may do everything anywhere
            ("root", Action.APPROVE_EXIT, "county", True),
            ("root", Action.MANAGE_TAXONOMY, None, True),
        ],
    )
    def test_may(self, tree, people, persona, action, unit, allowed):
        assert visibility.may(getattr(people, persona), action, getattr(tree, unit) if unit else None) is allowed

    def test_an_inactive_organizer_may_do_nothing(self, tree, people):
        people.olga.is_active = False
        assert not visibility.may(people.olga, Action.VIEW_ARCHIVE, tree.station_a)
        assert visibility.scope(people.olga, Household.objects.all(), unit="org_unit").count() == 0

    def test_an_anonymous_visitor_may_do_nothing(self, tree):
        assert not visibility.may(AnonymousUser(), Action.VIEW_ARCHIVE)
        assert not visibility.may(AnonymousUser(), Action.EDIT_OWN_PROFILE)


# --- scope --------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestScope:
    @pytest.fixture
    def archive(self, tree, household_a, household_b):
        county_household = HouseholdFactory(org_unit=tree.county)
        return {"a": household_a, "b": household_b, "county": county_household}

    @pytest.mark.parametrize(
        ("persona", "expected"),
        [
            ("alice", {"a", "b", "county"}),
            ("olga", {"a"}),
            ("bob", {"b"}),
            ("hana", {"a"}),
            ("aude", {"a", "b", "county"}),
            ("wang", {"a"}),
            ("eve", set()),
            ("root", {"a", "b", "county"}),
        ],
    )
    def test_each_persona_sees_the_households_of_their_reach(self, people, archive, persona, expected):
        seen = visibility.scope(
            getattr(people, persona), Household.objects.all(), unit="org_unit", owner="members__user"
        )
        assert {key for key, h in archive.items() if h in seen} == expected
        assert seen.count() == len(expected)  # no duplicates through the members join

    def test_a_worker_sees_nothing_where_no_owner_path_is_given(self, people, archive):
        assert visibility.scope(people.wang, Household.objects.all(), unit="org_unit").count() == 0

    def test_unit_staff_see_nothing_where_no_unit_path_is_given(self, people, archive):
        assert visibility.scope(people.alice, Household.objects.all(), owner="members__user").count() == 0

    def test_a_worker_not_linked_to_a_member_sees_nothing(self, people, archive):
        stranger = UserFactory(role=Role.WORKER)
        assert visibility.scope(stranger, Household.objects.all(), unit="org_unit", owner="members__user").count() == 0

    def test_visible_units_are_the_unit_and_below(self, tree, people):
        assert set(visibility.visible_units(people.olga)) == {tree.town_a, tree.station_a}
        assert set(visibility.visible_units(people.hana)) == {tree.station_a}
        assert set(visibility.visible_units(people.wang)) == set()
        assert set(visibility.visible_units(people.root)) == set(OrgUnit.objects.all())


# --- approving an exit comes from above ---------------------------------------------------------------


@pytest.mark.django_db
class TestMayApproveExit:
    @pytest.mark.parametrize(
        ("persona", "unit", "allowed"),
        [
            ("olga", "station_a", True),  # town A is above station A
            ("olga", "town_a", False),  # the same unit
            ("alice", "town_a", True),
            ("alice", "station_a", True),
            ("alice", "county", False),  # nobody is above the county but the administrator
            ("bob", "station_a", False),  # a sibling town
            ("hana", "station_a", False),  # helpers never approve
            ("aude", "station_a", False),  # auditors never approve
            ("wang", "station_a", False),
            ("eve", "station_a", False),
            ("root", "county", True),
        ],
    )
    def test_may_approve_exit_for(self, tree, people, persona, unit, allowed):
        assert visibility.may_approve_exit_for(getattr(people, persona), getattr(tree, unit)) is allowed

    def test_an_organizer_of_the_households_own_unit_cannot_approve(self, tree):
        station_organizer = UserFactory(role=Role.ORGANIZER, org_unit=tree.station_a)
        assert visibility.may(station_organizer, Action.APPROVE_EXIT, tree.station_a)
        assert not visibility.may_approve_exit_for(station_organizer, tree.station_a)


# --- the database constraint and user creation --------------------------------------------------------


@pytest.mark.django_db
class TestUsers:
    @pytest.mark.parametrize("role", [Role.ORGANIZER, Role.HELPER, Role.AUDITOR])
    def test_the_database_refuses_a_unit_role_without_a_unit(self, role):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(username="orphan", role=role, org_unit=None)
        assert not User.objects.filter(username="orphan").exists()

    def test_the_database_refuses_moving_an_organizer_out_of_their_unit(self, people):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.filter(pk=people.olga.pk).update(org_unit=None)
        people.olga.refresh_from_db()
        assert people.olga.org_unit_id is not None

    def test_workers_and_employers_need_no_unit(self):
        User.objects.create(username="w", role=Role.WORKER)
        User.objects.create(username="e", role=Role.EMPLOYER)
        assert User.objects.filter(org_unit__isnull=True).count() == 2

    def test_user_create_normalises_the_phone_and_hashes_the_password(self, tree):
        user = services.user_create(
            username="hu", password="s3cret-pass", role=Role.HELPER, phone="+86 139 4770 2222", org_unit=tree.station_a
        )
        assert user.phone == "13947702222"
        assert user.check_password("s3cret-pass")
        assert user.password != "s3cret-pass"

    def test_user_create_rejects_a_phone_already_registered_however_it_is_typed(self, people):
        with pytest.raises(Conflict) as error:
            services.user_create(username="twin", password="x-pass-123", role=Role.WORKER, phone="+86 138-4770-0001")
        assert error.value.field == "phone"
        assert not User.objects.filter(username="twin").exists()

    def test_user_create_rejects_an_unknown_role(self, tree):
        with pytest.raises(InvalidInput) as error:
            services.user_create(username="boss", password="x-pass-123", role="superhero")
        assert error.value.field == "role"
        assert not User.objects.filter(username="boss").exists()

    def test_user_create_rejects_a_unit_role_without_a_unit(self, tree):
        with pytest.raises(InvalidInput) as error:
            services.user_create(username="lost", password="x-pass-123", role=Role.ORGANIZER)
        assert error.value.field == "org_unit"

    def test_user_create_rejects_a_taken_username(self, people):
        with pytest.raises(Conflict) as error:
            services.user_create(username="olga", password="x-pass-123", role=Role.WORKER)
        assert error.value.field == "username"

    def test_user_create_rejects_an_invalid_phone(self, tree):
        with pytest.raises(InvalidInput) as error:
            services.user_create(username="x", password="x-pass-123", role=Role.WORKER, phone="12345")
        assert error.value.field == "phone"
        assert not User.objects.filter(username="x").exists()

    def test_a_worker_created_with_a_unit_is_kept_out_of_it(self, tree):
        user = services.user_create(username="w", password="x-pass-123", role=Role.WORKER, org_unit=tree.town_a)
        assert user.org_unit is None
        assert not visibility.may(user, Action.VIEW_ARCHIVE, tree.town_a)


# --- phone numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13847700001", "13847700001"),
        ("138 4770 0001", "13847700001"),
        ("138-4770-0001", "13847700001"),
        ("+86 138 4770 0001", "13847700001"),
        ("+8613847700001", "13847700001"),
        ("0086 13847700001", "13847700001"),
        ("１３８４７７００００１", "13847700001"),
        ("0477-3123456", "4773123456"),  # an Ordos landline, without the trunk 0
    ],
)
def test_normalize_phone_accepts_the_ways_people_type_numbers(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "   ", "abc", "12345", "1384770000", "138477000011", "+1 202 555 0143", "+852 9123 4567"]
)
def test_normalize_phone_refuses_what_cannot_be_a_chinese_number(typed):
    with pytest.raises(InvalidInput) as error:
        normalize_phone(typed, field="mobile")
    assert error.value.field == "mobile"


class TestLoginThrottle:
    def test_an_account_is_locked_after_five_failed_attempts_even_for_the_right_password(self, client, people):
        for _ in range(5):
            response = client.post(reverse("accounts:login"), {"username": "wang", "password": "wrong"})
            assert response.status_code == 200
        response = client.post(
            reverse("accounts:login"), {"username": "wang", "password": "pass-word-123"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "Too many failed attempts" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_the_lock_covers_the_phone_number_spelling_of_the_same_login(self, client, people):
        for _ in range(5):
            client.post(reverse("accounts:login"), {"username": "138 4770 0001", "password": "wrong"})
        client.post(reverse("accounts:login"), {"username": "13847700001", "password": "pass-word-123"})
        assert "_auth_user_id" not in client.session

    def test_the_api_basic_authentication_is_throttled_too(self, people):
        from rest_framework.test import APIClient

        api = APIClient()
        for _ in range(5):
            api.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"olga:wrong").decode())
            assert api.get("/api/v1/me/").status_code in (401, 403)
        api.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"olga:pass-word-123").decode())
        assert api.get("/api/v1/me/").status_code == 429  # too many requests, with Retry-After

    def test_a_successful_login_clears_the_count(self, client, people):
        for _ in range(4):
            client.post(reverse("accounts:login"), {"username": "wang", "password": "wrong"})
        client.post(reverse("accounts:login"), {"username": "wang", "password": "pass-word-123"})
        assert "_auth_user_id" in client.session
        client.logout()
        for _ in range(4):
            client.post(reverse("accounts:login"), {"username": "wang", "password": "wrong"})
        client.post(reverse("accounts:login"), {"username": "wang", "password": "pass-word-123"})
        assert "_auth_user_id" in client.session
