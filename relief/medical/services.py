"""Medical aid's own write: a member's cover (basic insurance, 大病保险, mutual aid with its dates)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action
from core.errors import InvalidInput, NotFound
from households.models import Member
from relief.medical.models import Cover


@transaction.atomic
def cover_update(
    *,
    member: Member,
    by: User,
    basic: str,
    serious_illness: bool,
    mutual_aid_from: dt.date | None,
    mutual_aid_until: dt.date | None,
    seriously_ill: bool,
) -> Cover:
    if not visibility.may(by, Action.REVIEW_RELIEF, member.household.org_unit):
        raise NotFound(_("No such member."))
    if basic not in Cover.Basic.values:
        raise InvalidInput(_("Choose the basic medical insurance."), field="basic")
    if mutual_aid_until is not None and mutual_aid_from is None:
        raise InvalidInput(_("Enter when the mutual aid membership started."), field="mutual_aid_from")
    if mutual_aid_from and mutual_aid_until and mutual_aid_until < mutual_aid_from:
        raise InvalidInput(_("The membership ends after it starts."), field="mutual_aid_until")
    cover = Cover.objects.select_for_update().filter(member=member).first() or Cover(member=member)
    cover.basic, cover.serious_illness = basic, serious_illness
    cover.mutual_aid_from, cover.mutual_aid_until = mutual_aid_from, mutual_aid_until
    cover.seriously_ill, cover.updated_by = seriously_ill, by
    cover.save()
    return cover
