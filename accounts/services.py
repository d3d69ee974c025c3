"""Writes for users and units."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import UNIT_ROLES, OrgUnit, Role, User
from accounts.phones import normalize_phone
from core.audit import sensitive_read_logged
from core.errors import Conflict, InvalidInput
from core.models import SensitiveAccess

PHONE_USERNAME_MESSAGE = gettext_lazy(
    "A username cannot be a mobile number: choose another one. You can log in with your own mobile number anyway."
)


def phone_in_username(username: str) -> str:
    """The mobile or landline number a username reads as (national digits), or "" if none."""
    try:
        return normalize_phone(username)
    except InvalidInput:
        return ""


@transaction.atomic
def org_unit_create(
    *, name: str, kind: str, parent: OrgUnit | None = None, region_id: str | None = None, code: str | None = None
) -> OrgUnit:
    if kind not in OrgUnit.Kind.values:
        raise InvalidInput(_("Unknown unit kind “%(kind)s”.") % {"kind": kind}, field="kind")
    if parent is None and kind != OrgUnit.Kind.FEDERATION:
        raise InvalidInput(_("Only the county federation sits at the top of the tree."), field="parent")
    if code and OrgUnit.objects.filter(code=code).exists():
        raise Conflict(_("Unit code %(code)s is already used.") % {"code": code}, field="code")
    return OrgUnit.objects.create(name=name, kind=kind, parent=parent, region_id=region_id, code=code)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    full_name: str = "",
    phone: str | None = None,
    org_unit: OrgUnit | None = None,
    email: str = "",
) -> User:
    if role not in Role.values:
        raise InvalidInput(_("Unknown role “%(role)s”.") % {"role": role}, field="role")
    if role in UNIT_ROLES and org_unit is None:
        raise InvalidInput(_("Organizers, helpers and auditors belong to a union unit."), field="org_unit")
    normalized = normalize_phone(phone) if phone else None
    reserved = phone_in_username(username)
    if reserved and reserved != normalized:
        # A username that reads as a mobile number belongs to the owner of that number, who logs in
        # with it (``accounts.selectors.user_for_login``).
        raise InvalidInput(str(PHONE_USERNAME_MESSAGE), field="username")
    if User.objects.filter(username=username).exists():
        raise Conflict(_("The username “%(name)s” is taken.") % {"name": username}, field="username")
    if normalized and User.objects.filter(phone=normalized).exists():
        raise Conflict(_("The mobile number is already registered."), field="phone")
    user = User(
        username=username,
        role=role,
        full_name=full_name,
        phone=normalized,
        org_unit=org_unit if role in UNIT_ROLES else None,
        email=email,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def user_text_size_set(*, user: User, large: bool) -> User:
    """大字模式 on or off for this person, on every device they use."""
    if user.large_text != large:
        user.large_text = large
        user.save(update_fields=["large_text"])
    return user


# Letters and digits that cannot be mistaken for one another when read out on the phone
# (no 0/o, 1/l/i, no upper case); ten of them are about 49 bits, and the password lives only
# until the person logs in and must choose their own.
TEMPORARY_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TEMPORARY_PASSWORD_LENGTH = 10


@transaction.atomic
def user_temporary_password_set(*, user: User, by: User, ip_address: str | None = None) -> str:
    """A helper resets a worker's forgotten password by phone: a one-time temporary password,
    returned once to be read out (it is stored only as a hash); at the next login the worker must
    choose their own. The reset is written to the access log. Staff accounts are never reset this
    way: their passwords are changed by themselves or by an administrator."""
    from accounts import throttle

    user = User.objects.select_for_update().get(pk=user.pk)
    if user.role != Role.WORKER or user.is_staff or user.is_superuser:
        raise Conflict(_("Only a worker's password can be reset by phone."))
    if not user.is_active:
        raise Conflict(_("This login is switched off."))
    password = "".join(secrets.choice(TEMPORARY_PASSWORD_ALPHABET) for _i in range(TEMPORARY_PASSWORD_LENGTH))
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    throttle.unlock(user)
    sensitive_read_logged(
        user=by,
        record_type="accounts.User",
        record_ids=[user.pk],
        field="password",
        purpose=SensitiveAccess.Purpose.VERIFY_IDENTITY,
        note=str(TEMPORARY_PASSWORD_NOTE),
        ip_address=ip_address,
    )
    return password


TEMPORARY_PASSWORD_NOTE = gettext_lazy("Temporary password given by phone")


@transaction.atomic
def user_password_changed(*, user: User) -> User:
    """The person chose their own password: the temporary one's restrictions end."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    return user
