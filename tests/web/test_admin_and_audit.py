"""The admin opens for superusers on every registered model; the access log page is scoped."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.urls import reverse

from core.models import SensitiveAccess
from households import services

pytestmark = pytest.mark.django_db


def test_every_admin_changelist_opens_for_a_superuser(client: Any, people: Any, household_a: Any) -> None:
    client.force_login(people.root)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_the_admin_never_shows_a_full_id_number(client: Any, people: Any, household_a: Any) -> None:
    member = household_a.members.get()
    client.force_login(people.root)
    page = client.get(reverse("admin:households_member_change", args=[member.pk])).content.decode()
    assert member.id_number not in page
    assert member.id_number_masked in page


def test_the_access_log_admin_is_read_only(client: Any, people: Any) -> None:
    client.force_login(people.root)
    assert client.get(reverse("admin:core_sensitiveaccess_add")).status_code == 403


def test_an_auditor_reads_the_access_log_of_the_county(client: Any, people: Any, household_a: Any) -> None:
    member = household_a.members.get()
    services.member_reveal_id_number(member=member, by=people.hana, purpose="verify_identity")
    client.force_login(people.aude)
    page = client.get(reverse("accounts:access_log"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # The record in words (the model's name), with its number; never the code's "households.Member".
    assert f'member <span class="mono">#{member.pk}</span>' in page
    assert "households.Member" not in page
    assert "哈娜" in page


def test_an_organizer_of_a_sibling_unit_does_not_see_reads_made_in_another_unit(
    client: Any, people: Any, household_a: Any
) -> None:
    services.member_reveal_id_number(member=household_a.members.get(), by=people.hana, purpose="verify_identity")
    client.force_login(people.bob)
    page = client.get(reverse("accounts:access_log"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "哈娜" not in page
    assert SensitiveAccess.objects.count() == 1


def test_a_worker_cannot_open_the_access_log(client: Any, people: Any) -> None:
    client.force_login(people.wang)
    assert client.get(reverse("accounts:access_log")).status_code == 403
