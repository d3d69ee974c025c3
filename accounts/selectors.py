"""Reads about users and units, scoped to the person asking."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts import visibility
from accounts.models import OrgUnit, Role, User


def org_unit_list_for(user: User) -> QuerySet[OrgUnit]:
    return visibility.visible_units(user).select_related("parent", "region").order_by("path")


def helper_list_for(user: User) -> QuerySet[User]:
    """Helpers the user may pair with households: those in units the user can see."""
    return (
        visibility.scope(user, User.objects.filter(role=Role.HELPER, is_active=True), unit="org_unit")
        .select_related("org_unit")
        .order_by("org_unit__path", "full_name")
    )
