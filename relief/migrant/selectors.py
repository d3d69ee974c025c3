"""Reads of the migrant-worker track: the households of the migrant target group in the user's
reach that have no case of the track, open or closed."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action
from households.models import Household, TargetGroup
from relief.migrant.relief import CODE
from relief.models import Case


def households_without_case_for(user: User) -> QuerySet[Household]:
    if not visibility.may(user, Action.VIEW_RELIEF):
        return Household.objects.none()
    cases = Case.objects.filter(track=CODE, household=OuterRef("pk"))
    return (
        visibility.scope(user, Household.objects.all(), unit="org_unit")
        .filter(state=Household.State.ACTIVE, target_groups__code=TargetGroup.MIGRANT)
        .exclude(Exists(cases))
        .select_related("org_unit")
        .distinct()
        .order_by("number", "pk")
    )
