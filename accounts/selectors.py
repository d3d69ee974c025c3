"""Reads about users and units, scoped to the person asking."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts import visibility
from accounts.models import OrgUnit, Role, User
from accounts.phones import normalize_phone
from core.errors import InvalidInput
from core.models import SensitiveAccess


def org_unit_list_for(user: User) -> QuerySet[OrgUnit]:
    return visibility.visible_units(user).select_related("parent", "region").order_by("path")


def helper_list_for(user: User) -> QuerySet[User]:
    """Helpers the user may pair with households: those in units the user can see."""
    return (
        visibility.scope(user, User.objects.filter(role=Role.HELPER, is_active=True), unit="org_unit")
        .select_related("org_unit")
        .order_by("org_unit__path", "full_name")
    )


def access_log_for(user: User, *, purpose: str = "", username: str = "") -> QuerySet[SensitiveAccess]:
    """The personal-data access log, for auditors and organizers: reads made by people in the
    viewer's units (and by workers and administrators for an administrator)."""
    if not visibility.may(user, visibility.Action.VIEW_AUDIT_TRAIL):
        return SensitiveAccess.objects.none()
    rows = SensitiveAccess.objects.select_related("user__org_unit")
    if not visibility.is_admin(user):
        rows = rows.filter(user__org_unit__in=visibility.visible_units(user).values("pk"))
    if purpose:
        rows = rows.filter(purpose=purpose)
    if username:
        rows = rows.filter(user__username=username)
    return rows.order_by("-at", "-id")


def user_for_login(login: str) -> User | None:
    """The account a login string names: its mobile number, else its username.

    The number comes first: a username that looks like a mobile number is reserved for the owner of
    that number (``accounts.services.user_create``), so the two agree, and an older account that
    took someone's number as its name can no longer stand in front of that person's phone login."""
    text = (login or "").strip()
    if not text:
        return None
    try:
        phone = normalize_phone(text)
    except InvalidInput:
        phone = ""
    if phone:
        user = User.objects.filter(phone=phone).first()
        if user is not None:
            return user
    return User.objects.filter(username=text).first()
