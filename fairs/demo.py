"""Demo data for fairs (called by web/demo.py after jobs, funds and matches).

Past and upcoming fairs of each kind, held by the county federation and the town unions: booths of
verified employers with their open postings, attendees picked among the people the stored matches
rank for those postings (recent graduates first at graduate fairs), schedules built by the
optimiser, and for past fairs check-ins and outcomes recorded through the services, so that the
outcomes show up as applications and placements."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import OrgUnit, Role, User
from core.errors import DomainError
from fairs import services
from fairs.models import Attendee, Booth, CheckIn, JobFair
from households.models import Member, TargetGroup
from jobs.models import Employer, EmployerMembership, JobPosting
from matching.models import Match


@dataclass
class SeedResult:
    created: int = 0


@dataclass(frozen=True)
class _Fair:
    name: str
    kind: str
    unit: str
    offset: int  # days from today to the first day
    days: int
    venue: str
    booths: int
    attendees: int


K = JobFair.Kind
FAIRS = [
    _Fair("2026年鄂托克旗高校毕业生专场招聘会", K.GRADUATE, "ETK", -60, 1, "鄂托克旗全民健身中心", 12, 120),
    _Fair("乌兰镇春风行动综合招聘会", K.GENERAL, "ETK-WL", -35, 1, "乌兰镇文化广场", 10, 90),
    _Fair("蒙宁跨区域劳务协作招聘会", K.CROSS_REGIONAL, "ETK-QP", -45, 2, "棋盘井镇会展中心", 10, 80),
    _Fair("“就业援助月”直播带岗招聘会", K.ONLINE, "ETK", -20, 1, "", 6, 50),
    _Fair("棋盘井镇高校毕业生专场双选会", K.GRADUATE, "ETK-QP", 14, 1, "棋盘井镇职工活动中心", 8, 60),
    _Fair("鄂托克旗秋冬季综合招聘会", K.GENERAL, "ETK", 21, 1, "鄂托克旗全民健身中心", 10, 70),
    _Fair("京蒙协作跨区域招聘会", K.CROSS_REGIONAL, "ETK", 30, 2, "鄂托克旗会展中心", 8, 40),
    _Fair("乌兰镇网络招聘直播间", K.ONLINE, "ETK-WL", 10, 1, "", 5, 30),
]
DEMO_EMPLOYER, DEMO_WORKER = "employer_demo", "worker_demo"
GROUPS: dict[str, list[str]] = {
    K.GRADUATE: ["dibao_able", "below_line"],
    K.CROSS_REGIONAL: ["migrant", "restructuring"],
}


def seed_fairs(*, verbose: Callable[[str], None] = print) -> SeedResult:
    """Idempotent: creates nothing when the demo fairs data is already there."""
    if JobFair.objects.filter(name__in=[f.name for f in FAIRS]).exists():
        return SeedResult()
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={f.unit for f in FAIRS})}
    organizers = {
        u.org_unit.code: u
        for u in User.objects.filter(role=Role.ORGANIZER, org_unit__in=units.values()).select_related("org_unit")
        if u.org_unit is not None
    }
    if not units or not organizers:
        return SeedResult()
    rng = random.Random(2026)
    employers = list(
        Employer.objects.filter(status=Employer.Status.VERIFIED, memberships__isnull=False).distinct().order_by("pk")
    )
    open_postings: dict[int, list[JobPosting]] = {}
    for posting in JobPosting.objects.filter(
        state=JobPosting.State.PUBLISHED, valid_until__gte=timezone.localdate(), employer__in=employers
    ).order_by("pk"):
        open_postings.setdefault(posting.employer_id, []).append(posting)
    employers = [e for e in employers if e.pk in open_postings]
    if not employers:
        return SeedResult()
    created = 0
    for spec in FAIRS:
        unit = units.get(spec.unit)
        organizer = organizers.get(spec.unit) or organizers.get("ETK")
        if unit is None or organizer is None:
            continue
        with transaction.atomic():
            created += _seed_one(spec, unit, organizer, employers, open_postings, rng)
    verbose(f"Created {len(FAIRS)} job fairs with booths, attendees, schedules and outcomes ({created} rows).")
    return SeedResult(created=created)


def _seed_one(
    spec: _Fair,
    unit: OrgUnit,
    organizer: User,
    employers: list[Employer],
    open_postings: dict[int, list[JobPosting]],
    rng: random.Random,
) -> int:
    today = timezone.localdate()
    start = today + dt.timedelta(days=spec.offset)
    past = spec.offset < 0
    codes = [f"{row}{n:02d}" for row in "AB" for n in range(1, 13)]
    fair = JobFair.objects.create(
        name=spec.name,
        kind=spec.kind,
        org_unit=unit,
        starts_on=start,
        ends_on=start + dt.timedelta(days=spec.days - 1),
        interviews_start=dt.time(9, 30),
        venue=spec.venue,
        stream_url="https://live.example.org/etk-jobs" if spec.kind == K.ONLINE else "",
        booth_codes=codes if spec.kind != K.ONLINE else [f"直播间{n}" for n in range(1, 9)],
        registration_opens=start - dt.timedelta(days=30),
        registration_closes=start - dt.timedelta(days=1),
        capacity=spec.attendees * 2,
        max_interviews=3,
        gap_minutes=10 if spec.kind != K.ONLINE else 0,
        description="",
        created_by=organizer,
    )
    fair.target_groups.set(TargetGroup.objects.filter(code__in=GROUPS.get(spec.kind, [])))
    rows = 1
    chosen = rng.sample(employers, k=min(spec.booths, len(employers)))
    # The demo logins find something of their own: the demo employer has a booth at every fair.
    demo_employer = next((e for e in employers if e.memberships.filter(user__username=DEMO_EMPLOYER).exists()), None)
    if demo_employer is not None and demo_employer not in chosen:
        chosen[0] = demo_employer
    booths = []
    for n, employer in enumerate(chosen):
        approved = past or n < len(chosen) - 2  # upcoming fairs still have applications to decide
        booth = Booth.objects.create(
            fair=fair,
            employer=employer,
            code=fair.booth_codes[n] if approved else None,
            status=Booth.Status.APPROVED if approved else Booth.Status.PENDING,
            slot_count=rng.choice([6, 8, 10]),
            slot_minutes=rng.choice([15, 20]),
            slot_capacity=rng.choice([1, 1, 2]),
            decided_by=organizer if approved else None,
            decided_at=timezone.now() if approved else None,
        )
        booth.postings.set(open_postings[employer.pk][:2])
        booths.append(booth)
        rows += 1
    posting_ids = [p.pk for b in booths for p in b.postings.all()]
    ranked = list(
        Match.objects.filter(posting_id__in=posting_ids, member__is_current=True)
        .order_by("-score")
        .values_list("member_id", flat=True)[: spec.attendees * 8]
    )
    people = list(dict.fromkeys(ranked))
    if spec.kind == K.GRADUATE:
        graduates = set(
            Member.objects.filter(pk__in=people, graduation_year__gte=today.year - 2).values_list("pk", flat=True)
        )
        people.sort(key=lambda pk: pk not in graduates)  # graduates first, then by score
    # Half the places to the best-ranked people, the rest to a random mix of the others ranked.
    head, tail = people[: spec.attendees // 2], people[spec.attendees // 2 :]
    rng.shuffle(tail)
    people = head + tail
    demo_worker = (
        Member.objects.filter(user__username=DEMO_WORKER, is_current=True).values_list("pk", flat=True).first()
    )
    picked = people[: spec.attendees]
    if demo_worker is not None and demo_worker not in picked:
        picked = [demo_worker, *picked[:-1]]  # the demo worker is registered for every fair
    members = Member.objects.select_related("household").in_bulk(picked)
    attendees = []
    for member in members.values():
        attendees.append(
            Attendee.objects.create(
                fair=fair,
                member=member,
                via=rng.choice([Attendee.Via.SELF, Attendee.Via.HELPER, Attendee.Via.HELPER]),
                priority=spec.kind == K.GRADUATE and services.is_priority_graduate(member, start),
                registered_by=member.user or organizer,
            )
        )
        rows += 1
    if not past and spec.offset > 20:
        return rows  # registration still open: no schedule yet
    run = services.fair_schedule(fair=fair, by=organizer, reason="demo", _authorised=True)
    rows += run.interviews
    if not past:
        return rows
    interviews = list(fair.interviews.select_related("attendee", "booth").order_by("pk"))
    checked = [a for a in attendees if rng.random() < 0.85]
    at = dt.datetime.combine(start, dt.time(9, 10), tzinfo=timezone.get_current_timezone())
    for n, attendee in enumerate(checked):
        attendee.checked_in_at = at + dt.timedelta(seconds=20 * n)
        attendee.save(update_fields=["checked_in_at"])
        CheckIn.objects.create(
            attendee=attendee, scan_id=f"demo-{fair.pk}-{attendee.pk}", scanned_at=attendee.checked_in_at
        )
        rows += 1
    present = {a.pk for a in checked}
    employer_users = {
        m.employer_id: m.user for m in EmployerMembership.objects.filter(employer__in=[b.employer_id for b in booths])
    }
    hires = 0
    for interview in interviews:
        if interview.attendee_id not in present or rng.random() < 0.35:
            continue
        user = employer_users.get(interview.booth.employer_id)
        if user is None:
            continue
        roll = rng.random()
        outcome = "interviewed" if roll < 0.5 else "offer" if roll < 0.8 else "not_selected"
        if outcome == "offer" and hires < 3 and rng.random() < 0.5:
            outcome = "hired"
        try:
            with transaction.atomic():
                services.interview_record_outcome(
                    interview=interview,
                    by=user,
                    outcome=outcome,
                    start_date=min(today, fair.ends_on + dt.timedelta(days=7)),
                    monthly_wage=rng.choice([3800, 4200, 4800, 5500]) if outcome == "hired" else None,
                )
        except DomainError:
            continue  # already hired elsewhere, a posting filled: the demo skips it as the service says
        hires += outcome == "hired"
        rows += 1
    return rows
