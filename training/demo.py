"""Demo data for training (called by web/demo.py after jobs, funds and ventures, before matches).

About 160 courses from the county's schools and programmes, teaching the skills the demo's
employers ask for most (and a few more); each with one to three cohorts: some already finished
(with attendance, completions and certificates), some running, most open for enrolment (a few
full, with a waiting list). Written through ``training.services`` (enrolment, cancelling,
attendance, completion, certificates), so the demo is a test of the rules too; a finished cohort is
enrolled while open and then moved into the past, as it would have happened.

Idempotent: creates nothing when the demo providers are already there.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import OrgUnit, Role, User
from households.models import Household, Member, TargetGroup
from jobs.models import PostingSkill
from matching.models import Match
from skills.models import Skill
from training import services
from training.models import Certificate, Cohort, Course, Enrolment, Provider, Session

COUNTY_CODE = "150624"
COURSES = 160

PROVIDERS = [
    ("鄂托克旗职业技能培训学校", Provider.Kind.SCHOOL),
    ("鄂尔多斯市技师学院鄂托克分校", Provider.Kind.SCHOOL),
    ("旗人社局职业技能提升行动", Provider.Kind.GOVERNMENT),
    ("旗总工会职工技能培训中心", Provider.Kind.UNION),
    ("棋盘井工业园区企业培训中心", Provider.Kind.ENTERPRISE),
    ("内蒙古阳光家政职业培训学校", Provider.Kind.SCHOOL),
    ("旗农牧局新型职业农牧民培训", Provider.Kind.GOVERNMENT),
    ("鄂托克旗电子商务公共服务中心", Provider.Kind.GOVERNMENT),
]
TITLES = ("{}培训班", "{}技能提升班", "{}初级工培训", "{}（订单式）培训", "{}上岗培训", "{}实操班")
VENUES = ("乌兰镇职业学校实训楼", "棋盘井镇职工之家", "蒙西镇社区培训室", "旗职教中心", "园区实训基地")
ISSUERS = ("鄂尔多斯市人力资源和社会保障局", "内蒙古自治区职业技能鉴定指导中心", "鄂托克旗人社局")
# Units that commission courses (the county, its centre and the towns).
RUNNING_UNITS = ("ETK", "ETK-C", "ETK-WL", "ETK-QP", "ETK-MX", "ETK-EN")


@dataclass
class SeedResult:
    created: int = 0


def _skills(rng: random.Random) -> list[Skill]:
    """The skills employers require most, then others of the same categories."""
    wanted = list(
        PostingSkill.objects.filter(required=True, skill__isnull=False)
        .values_list("skill_id")
        .annotate(n=Count("id"))
        .order_by("-n", "skill_id")
        .values_list("skill_id", flat=True)[:110]
    )
    skills = {s.pk: s for s in Skill.objects.filter(is_active=True)}
    chosen = [skills[pk] for pk in wanted if pk in skills]
    others = [s for s in skills.values() if s.pk not in set(wanted)]
    rng.shuffle(others)
    chosen += others[: max(0, COURSES - len(chosen))]
    return chosen[:COURSES]


def _capable(rng: random.Random) -> list[Member]:
    members = list(
        Member.objects.filter(
            is_current=True,
            household__state=Household.State.ACTIVE,
            work_capacity__in=[Member.WorkCapacity.FULL, Member.WorkCapacity.PARTIAL],
            birth_date__gt=timezone.localdate() - dt.timedelta(days=365 * 54),
            birth_date__lt=timezone.localdate() - dt.timedelta(days=365 * 18),
        )
        .select_related("household__org_unit")
        .order_by("pk")
    )
    rng.shuffle(members)
    return members


@transaction.atomic
def seed_training(*, seed_value: int = 2030, verbose: Callable[[str], None] = print) -> SeedResult:
    """Idempotent: creates nothing when the demo training data is already there."""
    if Provider.objects.filter(name=PROVIDERS[0][0]).exists():
        return SeedResult()
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=RUNNING_UNITS) if u.code}
    county = User.objects.filter(username="org_county", role=Role.ORGANIZER).first()
    if "ETK" not in units or county is None:
        verbose("training: the demo's units and staff are missing; run the archive demo first.")
        return SeedResult()
    rng = random.Random(seed_value)
    today = timezone.localdate()
    # web.demo runs seed_matches right after this, and it re-matches everybody unless matches are
    # stored already: a refresh per certificate after the commit would only repeat it (two minutes).
    refresh = Match.objects.exists()
    providers = [Provider.objects.create(name=name, kind=kind) for name, kind in PROVIDERS]
    groups = list(TargetGroup.objects.all())
    people = _capable(rng)
    cursor = 0
    counts = {"courses": 0, "cohorts": 0, "enrolments": 0, "completions": 0, "certificates": 0}
    worker = Member.objects.filter(user__username="worker_demo").select_related("household").first()
    for index, skill in enumerate(_skills(rng)):
        provider = rng.choice(providers)
        mode = rng.choices(list(Course.Mode.values), weights=(7, 2, 1))[0]
        extra = list(Skill.objects.filter(category=skill.category).exclude(pk=skill.pk)[:8])
        taught = [skill, *rng.sample(extra, min(len(extra), rng.choice((0, 0, 0, 1))))]
        data = services.CourseInput(
            title=rng.choice(TITLES).format(skill.name_zh),
            provider=provider,
            org_unit=units[rng.choice([c for c in RUNNING_UNITS if c in units])],
            skills=taught,
            region=COUNTY_CODE,
            hours=rng.choice((24, 40, 56, 80, 120)),
            level=rng.choices(list(Course.Level.values), weights=(6, 3, 1))[0],
            mode=mode,
            venue="" if mode == Course.Mode.ONLINE else rng.choice(VENUES),
            cost=rng.choice((0, 800, 1200, 1800, 2400)),
            subsidised=rng.random() < 0.85,
            target_groups=[g.code for g in rng.sample(groups, 1)] if rng.random() < 0.1 else [],
            min_age=16,
            max_age=rng.choice((55, 60, 60, 60)),
            partial_capacity_ok=rng.random() < 0.7,
        )
        course = services.course_create(by=county, data=data)
        counts["courses"] += 1
        # One finished cohort for a third of the courses; one or two open ones for all.
        plans = (["past"] if index % 3 == 0 else []) + ["open"] * rng.choice((1, 1, 2))
        for n, plan in enumerate(plans, start=1):
            seats = rng.choice((10, 15, 20, 30))
            starts = today + dt.timedelta(days=rng.randint(10, 60))
            cohort = services.cohort_create(
                by=county,
                course=course,
                name=f"{today.year}年第{n}期",
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=max(2, course.hours // 8)),
                enrolment_deadline=starts - dt.timedelta(days=rng.randint(0, 7)),
                seats=seats,
                venue=course.venue,
                sessions=[
                    timezone.make_aware(dt.datetime.combine(starts + dt.timedelta(days=d), dt.time(9)))
                    for d in range(rng.choice((2, 3, 4)))
                ],
            )
            counts["cohorts"] += 1
            # Fill: a finished cohort mostly full; open ones from empty to over-full (waiting list).
            share = rng.uniform(0.6, 1.0) if plan == "past" else rng.choice((0.0, 0.2, 0.4, 0.6, 1.1, 1.3))
            wanted = int(seats * share)
            chosen: list[Member] = []
            while len(chosen) < wanted and cursor < len(people) * 3:
                member = people[cursor % len(people)]
                cursor += 1
                if member in chosen or services.eligibility_problem(course, member, on=cohort.starts_on):
                    continue
                if Enrolment.objects.filter(cohort=cohort, member=member).exists():
                    continue
                chosen.append(member)
            if chosen:
                enrolments = services.enrolment_create_many(cohort=cohort, members=chosen, by=county)
                counts["enrolments"] += len(enrolments)
                for e in enrolments[:1] if rng.random() < 0.3 else []:
                    services.enrolment_cancel(enrolment=e, by=county, reason="时间冲突")
            if plan == "past":
                _finish(cohort, county, rng, counts, refresh=refresh)
    if worker is not None:
        _demo_worker(worker, county, counts)
    verbose(
        "training: {courses} courses, {cohorts} cohorts, {enrolments} enrolments, {completions} completions, "
        "{certificates} certificates.".format(**counts)
    )
    return SeedResult(created=sum(counts.values()))


def _finish(cohort: Cohort, by: User, rng: random.Random, counts: dict[str, int], *, refresh: bool) -> None:
    """Move a filled cohort into the past and record what happened: attendance, completion, certificates."""
    today = timezone.localdate()
    length = (cohort.ends_on - cohort.starts_on).days
    starts = today - dt.timedelta(days=length + rng.randint(5, 60))
    shift = starts - cohort.starts_on
    Cohort.objects.filter(pk=cohort.pk).update(
        starts_on=starts, ends_on=cohort.ends_on + shift, enrolment_deadline=cohort.enrolment_deadline + shift
    )
    for session in Session.objects.filter(cohort=cohort):
        Session.objects.filter(pk=session.pk).update(starts_at=session.starts_at + shift)
    cohort.refresh_from_db()
    sessions = list(cohort.sessions.all())
    for enrolment in Enrolment.objects.filter(cohort=cohort, state=Enrolment.State.ENROLLED).select_related("member"):
        for session in sessions:
            if rng.random() < 0.9:
                services.attendance_record(session=session, enrolment=enrolment, by=by)
        passed = rng.random() < 0.8
        services.completion_record(
            enrolment=enrolment,
            by=by,
            passed=passed,
            score=rng.randint(62, 98) if passed else rng.randint(30, 59),
            completed_on=min(today, cohort.ends_on),
        )
        counts["completions"] += 1
        if passed and rng.random() < 0.9:
            services.certificate_issue(
                enrolment=enrolment,
                by=by,
                number=f"ETK-{cohort.starts_on:%Y}-{cohort.pk:04d}-{enrolment.seat:03d}",
                issuer=rng.choice(ISSUERS),
                issued_on=min(today, cohort.ends_on + dt.timedelta(days=3)),
                refresh_matches=refresh,
            )
            counts["certificates"] += 1


def _demo_worker(member: Member, by: User, counts: dict[str, int]) -> None:
    """The demo worker holds a seat in one open cohort, so "my courses" shows an attendance code."""
    for cohort in Cohort.objects.filter(enrolment_deadline__gte=timezone.localdate()).select_related("course"):
        if Enrolment.objects.filter(cohort=cohort, member=member).exists():
            continue
        if services.eligibility_problem(cohort.course, member, on=cohort.starts_on):
            continue
        if Certificate.objects.filter(member=member).exists():
            break
        services.enrolment_create(cohort=cohort, member=member, by=by)
        counts["enrolments"] += 1
        break
