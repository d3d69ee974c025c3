"""Demo data of the migrant-worker track (called by ``relief.demo``): cases for half the
migrant-group households (a residence permit granted, a school place waiting, an insurance transfer
under way), each a goal of the household's plan (met by the case closed achieved); the other half
stay on the list of households without a case."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from accounts.models import User
from households import services as household_services
from households.models import Household, Member, ReliefPlan, TargetGroup, Track
from relief import case_services
from relief.models import Case

KINDS = [
    ("residence_permit", "public_security", "办理居住证"),
    ("schooling", "school", "随迁子女就近入学"),
    ("insurance_transfer", "hrss", "养老保险关系转移接续"),
    ("housing", "housing", "申请公共租赁住房"),
]


def seed_migrant(*, rng: random.Random, verbose: Callable[[str], None] = print) -> int:
    if Case.objects.filter(track="migrant").exists():
        return 0
    organizer = User.objects.filter(username="org_county").first()
    if organizer is None:
        return 0
    today = timezone.localdate()
    households = list(
        Household.objects.filter(state=Household.State.ACTIVE, target_groups__code=TargetGroup.MIGRANT)
        .distinct()
        .order_by("pk")
    )
    made = 0
    for household in households[::2]:
        head = Member.objects.filter(household=household, is_current=True).order_by("pk").first()
        if head is None:
            continue
        kind, office, summary = KINDS[made % len(KINDS)]
        opened = today - dt.timedelta(days=rng.randint(20, 200))
        case = case_services.case_open(
            by=organizer,
            track="migrant",
            kind=kind,
            member=head,
            summary=summary,
            office=office,
            opened_on=opened,
            next_action="递交材料",
            next_action_due=opened + dt.timedelta(days=rng.choice([10, 30, 300])),
        )
        plan = ReliefPlan.objects.filter(household=household, status=ReliefPlan.Status.ACTIVE).first()
        if plan is not None and not plan.goals.filter(track=Track.MIGRANT).exists():
            # The plan's migrant goal, met when the case closes achieved (``Track.MIGRANT``).
            household_services.goal_add(plan=plan, by=organizer, track=Track.MIGRANT, title=summary, member_id=head.pk)
        if made % 3 == 0:
            case_services.case_close(case=case, by=organizer, outcome="achieved", note="已办结", on=today)
        made += 1
    verbose(f"Migrant workers: {made} cases.")
    return made
