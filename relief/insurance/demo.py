"""Demo data of social insurance (called by ``relief.demo``): pension and medical insurance recorded
for most working-age members (the rest are the plan's worklist), and arrears cases of a few
employers, one settled in full."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from accounts.models import User
from households.models import Household, Member
from jobs.models import Employer
from relief.insurance import services
from relief.insurance.models import Arrears, InsuranceKind, InsuranceStatus

ARREARS = 5


def seed_insurance(*, rng: random.Random, verbose: Callable[[str], None] = print) -> int:
    """Skipped when any status is recorded. Returns the arrears cases opened."""
    if InsuranceStatus.objects.exists() or Arrears.objects.exists():
        return 0
    organizer = User.objects.filter(username="org_county").first()
    if organizer is None:
        return 0
    today = timezone.localdate()
    members = list(
        Member.objects.filter(
            is_current=True,
            household__state=Household.State.ACTIVE,
            birth_date__lte=today.replace(year=today.year - 16),
            birth_date__gt=today.replace(year=today.year - 60),
        ).order_by("pk")
    )
    # Statuses are bulk-written (thousands of members): the demo's one shortcut past the service,
    # which holds no rule beyond the row's own constraints for a plain "insured since".
    rows = []
    for member in members:
        for kind in (InsuranceKind.PENSION, InsuranceKind.MEDICAL):
            if rng.random() < 0.7:
                since = today - dt.timedelta(days=rng.randint(200, 4000))
                rows.append(
                    InsuranceStatus(
                        member=member, kind=kind, insured=True, since=since, flexible=True, updated_by=organizer
                    )
                )
    InsuranceStatus.objects.bulk_create(rows, batch_size=2000)
    employers = list(Employer.objects.filter(status=Employer.Status.VERIFIED).order_by("pk")[:3])
    made = 0
    for member in rng.sample(members, min(ARREARS, len(members))) if employers else []:
        employer = employers[made % len(employers)]
        months = rng.randint(3, 24)
        arrears = services.arrears_open(
            member=member,
            by=organizer,
            employer=employer,
            kind=InsuranceKind.PENSION,
            months=months,
            amount=months * 85_000,
            opened_on=today - dt.timedelta(days=rng.randint(30, 120)),
            next_action="约谈单位，商定补缴计划",
            next_action_due=today + dt.timedelta(days=rng.randint(-10, 20)),
        )
        if made == 0:
            services.arrears_settle(
                arrears=arrears,
                by=organizer,
                agreed_amount=arrears.amount,
                agreed_on=arrears.case.opened_on,
                paid_amount=arrears.amount,
                paid_on=today,
            )
        made += 1
    verbose(f"Social insurance: {len(rows)} statuses, {made} arrears cases.")
    return made
