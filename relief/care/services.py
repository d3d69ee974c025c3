"""Writes of care: the register of rest stations and nursing rooms, a member's care marks, free
health checks, and the women workers' rights-month events with their attendance."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import OrgUnit, User
from accounts.visibility import Action
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from households.models import Member
from jobs.models import Employer
from relief.care.models import Attendance, CareMark, HealthCheck, RightsEvent, Station


@transaction.atomic
def station_record(
    *,
    by: User,
    org_unit: OrgUnit,
    kind: str,
    name: str,
    place: str,
    opened_on: dt.date,
    inspected_on: dt.date | None = None,
) -> Station:
    if not visibility.may(by, Action.MANAGE_RELIEF):
        raise Forbidden(_("Your role does not allow this."))
    if not visibility.may(by, Action.MANAGE_RELIEF, org_unit):
        raise NotFound(_("No such union unit."))
    if kind not in Station.Kind.values:
        raise InvalidInput(_("Choose the kind."), field="kind")
    if not (name or "").strip() or not (place or "").strip():
        raise InvalidInput(_("Name the station and its place."), field="name")
    today = timezone.localdate()
    if opened_on > today:
        raise InvalidInput(_("The date cannot be in the future."), field="opened_on")
    if inspected_on is not None and (inspected_on < opened_on or inspected_on > today):
        raise InvalidInput(_("An inspection is between the opening and today."), field="inspected_on")
    return Station.objects.create(
        kind=kind,
        name=name.strip()[:100],
        place=place.strip()[:200],
        org_unit=org_unit,
        opened_on=opened_on,
        inspected_on=inspected_on,
        created_by=by,
    )


def _require_member(by: User, member: Member) -> None:
    if not visibility.may(by, Action.REVIEW_RELIEF):
        raise Forbidden(_("Your role does not allow this."))
    if not visibility.may(by, Action.REVIEW_RELIEF, member.household.org_unit):
        raise NotFound(_("No such member."))


@transaction.atomic
def mark_set(
    *,
    member: Member,
    by: User,
    sanitation_worker: bool,
    employer: Employer | None = None,
    employer_name: str = "",
    women_care_needs: str = "",
) -> CareMark:
    _require_member(by, member)
    if sanitation_worker and employer is None and not (employer_name or "").strip():
        raise InvalidInput(_("Name the sanitation worker's employer."), field="employer_name")
    mark, _created = CareMark.objects.update_or_create(
        member=member,
        defaults={
            "sanitation_worker": sanitation_worker,
            "employer": employer if sanitation_worker else None,
            "employer_name": (employer_name or "").strip()[:120] if sanitation_worker else "",
            "women_care_needs": (women_care_needs or "").strip()[:300],
            "updated_by": by,
            "updated_at": timezone.now(),
        },
    )
    return mark


@transaction.atomic
def health_check_record(
    *, member: Member, by: User, checked_on: dt.date, result: str, referral: str = ""
) -> HealthCheck:
    _require_member(by, member)
    if checked_on > timezone.localdate():
        raise InvalidInput(_("The date cannot be in the future."), field="checked_on")
    if member.birth_date and checked_on < member.birth_date:
        raise InvalidInput(_("A health check cannot be dated before the member was born."), field="checked_on")
    if not (result or "").strip():
        raise InvalidInput(_("Record the result."), field="result")
    return HealthCheck.objects.create(
        member=member,
        checked_on=checked_on,
        result=result.strip()[:300],
        referral=(referral or "").strip()[:200],
        recorded_by=by,
    )


@transaction.atomic
def event_create(*, by: User, org_unit: OrgUnit, name: str, held_on: dt.date, place: str = "") -> RightsEvent:
    if not visibility.may(by, Action.MANAGE_RELIEF):
        raise Forbidden(_("Your role does not allow this."))
    if not visibility.may(by, Action.MANAGE_RELIEF, org_unit):
        raise NotFound(_("No such union unit."))
    if not (name or "").strip():
        raise InvalidInput(_("Name the event."), field="name")
    return RightsEvent.objects.create(
        name=name.strip()[:120], org_unit=org_unit, held_on=held_on, place=(place or "").strip()[:200], created_by=by
    )


@transaction.atomic
def attendance_record(*, event: RightsEvent, member: Member, by: User) -> Attendance:
    """A member attended; recorded once (a second time is refused)."""
    _require_member(by, member)
    if not member.is_current:
        raise InvalidInput(_("%(name)s has left the household.") % {"name": member.name}, field="member")
    if not (member.household.org_unit.path or "").startswith(event.org_unit.path or "-"):
        raise NotFound(_("No such event."))  # the event is for another unit's members
    if Attendance.objects.filter(event=event, member=member).exists():
        raise Conflict(_("%(name)s is recorded as attending already.") % {"name": member.name}, code="twice")
    return Attendance.objects.create(event=event, member=member, recorded_by=by)
