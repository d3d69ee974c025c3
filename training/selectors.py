"""Reads of 技能培训 that a user triggers, limited to what that user may see.

* The catalogue (courses and their open cohorts) is public to every signed-in role that trains or
  enrols people: workers choose from it.
* Enrolments, attendance and certificates are personal: a worker sees their own; union staff see
  the people of their reach, and the organizers of the unit running a course see its whole roster.
* Coverage and demand are counted over the households of the user's reach.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rollup, visibility
from accounts.models import OrgUnit, User
from accounts.visibility import Action
from core.errors import NotFound
from core.ids import int_pk
from households.models import Household, Member, MemberSkill
from matching import engine
from ml.skill_gap import postings_requiring
from skills.models import Skill
from training import advice
from training.models import Certificate, Cohort, Course, Enrolment, Session
from training.services import eligibility_problem

# Working age (the plan's "able to work"): 16 to 60 for men and 16 to 55 for women, the statutory
# retirement ages; and some capacity to work (full or partial).
WORKING_AGE = {Member.Sex.MALE: (16, 60), Member.Sex.FEMALE: (16, 55)}
# Demand per unit is counted over at most this many people (evenly spread by id), scaled to the unit.
DEMAND_SAMPLE = 20_000


def _id(pk: Any) -> int | None:
    """A record id from a URL or a query string; anything else names no record (not a 500)."""
    return int_pk(pk) or None


def reads_catalogue(user: User) -> bool:
    return any(visibility.may(user, a) for a in (Action.ENROL, Action.VIEW_TRAINING, Action.ENROL_OTHERS))


# --- the catalogue ------------------------------------------------------------------------------------


def course_list_for(user: User, *, query: str = "", skill: str = "") -> QuerySet[Course]:
    if not reads_catalogue(user):
        return Course.objects.none()
    courses = Course.objects.filter(is_active=True)
    if query.strip():
        q = query.strip()
        courses = courses.filter(
            Q(title__icontains=q) | Q(skills__name_zh__icontains=q) | Q(provider__name__icontains=q)
        ).distinct()
    if skill:
        courses = courses.filter(skills__code=skill)
    return courses.select_related("provider", "region").prefetch_related(
        "skills",
        # The API lists each course's target groups: one query for the page, not one per course.
        "target_groups",
        Prefetch("cohorts", queryset=advice.open_cohorts().order_by("starts_on"), to_attr="open"),
    )


def course_get_for(user: User, pk: Any) -> Course:
    pk = _id(pk)
    course = course_list_for(user).filter(pk=pk).first() if pk and reads_catalogue(user) else None
    if course is None:
        raise NotFound(_("No such course."))
    return course


def cohort_get_for(user: User, pk: Any) -> Cohort:
    cohort = None
    pk = _id(pk)
    if pk and reads_catalogue(user):
        cohort = (
            Cohort.objects.select_related("course__provider", "course__region", "course__org_unit")
            .filter(pk=pk)
            .first()
        )
    if cohort is None:
        raise NotFound(_("No such cohort."))
    return cohort


def seats_taken(cohort: Cohort) -> dict[str, int]:
    counts = dict(
        Enrolment.objects.filter(cohort=cohort).values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )
    held = counts.get(Enrolment.State.ENROLLED, 0) + counts.get(Enrolment.State.COMPLETED, 0)
    return {"held": held, "free": max(0, cohort.seats - held), "waiting": counts.get(Enrolment.State.WAITING, 0)}


def cohort_list_for(user: User) -> QuerySet[Cohort]:
    """For staff, newest first: the cohorts of courses run in their reach, every cohort still open
    for enrolment (to enrol their people), and those where people of their reach are enrolled."""
    if not visibility.may(user, Action.VIEW_TRAINING):
        return Cohort.objects.none()
    run_here = visibility.scope(user, Cohort.objects.all(), unit="course__org_unit").values("pk")
    theirs = visibility.scope(user, Enrolment.objects.all(), unit="member__household__org_unit").values("cohort_id")
    return (
        Cohort.objects.filter(Q(pk__in=run_here) | Q(pk__in=advice.open_cohorts().values("pk")) | Q(pk__in=theirs))
        .select_related("course__provider", "course__region")
        .annotate(
            held=Count("enrolments", filter=Q(enrolments__state__in=Enrolment.HOLDS_SEAT)),
            waiting=Count("enrolments", filter=Q(enrolments__state=Enrolment.State.WAITING)),
        )
        .order_by("-starts_on", "-id")
    )


def sees_whole_roster(user: User, cohort: Cohort) -> bool:
    return visibility.may(user, Action.VIEW_TRAINING, cohort.course.org_unit)


def roster_for(user: User, cohort: Cohort) -> QuerySet[Enrolment]:
    """The cohort's enrolments the user may see: all of them for the staff of the running unit (and
    above), the people of their own reach for other staff (a station's helper)."""
    enrolments = Enrolment.objects.filter(cohort=cohort)
    if not sees_whole_roster(user, cohort):
        if not visibility.may(user, Action.VIEW_TRAINING):
            return Enrolment.objects.none()
        enrolments = visibility.scope(user, enrolments, unit="member__household__org_unit")
    # Seats first (by number), then the waiting list in its order, then the cancelled.
    rank = Case(
        When(state__in=Enrolment.HOLDS_SEAT, then=Value(0)),
        When(state=Enrolment.State.WAITING, then=Value(1)),
        default=Value(2),
    )
    return (
        enrolments.select_related("member__household", "completion", "completion__certificate")
        .annotate(rank=rank)
        .order_by("rank", "seat", "created_at", "id")
    )


def session_get_for(user: User, pk: Any) -> Session:
    pk = _id(pk)
    session = Session.objects.select_related("cohort__course__org_unit").filter(pk=pk).first() if pk else None
    if session is None or not visibility.may(user, Action.RECORD_ATTENDANCE):
        raise NotFound(_("No such session."))
    return session


# --- people -------------------------------------------------------------------------------------------


def enrolment_list_for(user: User) -> QuerySet[Enrolment]:
    return visibility.scope(
        user, Enrolment.objects.all(), unit="member__household__org_unit", owner="member__user"
    ).select_related("cohort__course__provider", "cohort__course__region", "member")


def enrolment_get_for(user: User, pk: Any) -> Enrolment:
    pk = _id(pk)
    if pk is None:
        raise NotFound(_("No such enrolment."))
    enrolment = enrolment_list_for(user).filter(pk=pk).first()
    if enrolment is None:
        # The organizers running the course see its roster, wherever the trainee lives.
        found = Enrolment.objects.select_related("cohort__course__org_unit", "member__household").filter(pk=pk).first()
        if found is not None and sees_whole_roster(user, found.cohort):
            return found
        raise NotFound(_("No such enrolment."))
    return enrolment


def certificate_list_for(user: User) -> QuerySet[Certificate]:
    return (
        visibility.scope(user, Certificate.objects.all(), unit="member__household__org_unit", owner="member__user")
        .select_related("completion__enrolment__cohort__course", "member")
        .prefetch_related("skills")
    )


def enrollable_members_for(user: User, *, query: str = "", limit: int = 200) -> list[Member]:
    """People a helper or organizer may enrol: current members of active households in reach."""
    if not visibility.may(user, Action.ENROL_OTHERS):
        return []
    members = visibility.scope(user, Member.objects.all(), unit="household__org_unit").filter(
        is_current=True, household__state=Household.State.ACTIVE
    )
    if query.strip():
        members = members.filter(Q(name__icontains=query.strip()) | Q(household__number__icontains=query.strip()))
    return list(members.select_related("household").order_by("household__number", "id")[:limit])


def enrol_problems(cohort: Cohort, members: list[Member]) -> tuple[set[int], dict[int, str]]:
    """For the people picker: of ``members``, the ids enrolled in ``cohort`` already, and for the
    others whom the course's rules refuse (capacity to work, age, target group), why. A few queries,
    whatever the number of people."""
    ids = [m.pk for m in members]
    enrolled = set(
        Enrolment.objects.filter(cohort=cohort, member_id__in=ids, state__in=Enrolment.LIVE).values_list(
            "member_id", flat=True
        )
    )
    prefetch_related_objects([cohort.course], "target_groups")
    groups: dict[int, set[str]] = defaultdict(set)
    through = Household.target_groups.through
    pairs = through.objects.filter(household_id__in={m.household_id for m in members}).values_list(
        "household_id", "targetgroup__code"
    )
    for household_id, code in pairs:
        groups[household_id].add(code)
    refused: dict[int, str] = {}
    for member in members:
        if member.pk in enrolled:
            continue
        why = eligibility_problem(cohort.course, member, on=cohort.starts_on, groups=groups[member.household_id])
        if why:
            refused[member.pk] = why
    return enrolled, refused


# --- coverage: at least one certified skill -----------------------------------------------------------


def capable_q(today: dt.date | None = None, prefix: str = "", *, household: bool = True) -> Q:
    """Members the plan's target counts: current members of active households, of working age, with
    full or partial capacity to work. ``household=False`` leaves out the household's state, for a
    caller that picks the households itself."""
    day = today or timezone.localdate()
    p = prefix

    def born_between(low: int, high: int) -> Q:
        # Age in [low, high]: born after (day - (high + 1) years) and on or before (day - low years).
        latest = _years_before(day, low)
        earliest = _years_before(day, high + 1)
        return Q(**{f"{p}birth_date__lte": latest, f"{p}birth_date__gt": earliest})

    age = Q()
    for sex, (low, high) in WORKING_AGE.items():
        age |= Q(**{f"{p}sex": sex}) & born_between(low, high)
    active = Q(**{f"{p}household__state": Household.State.ACTIVE}) if household else Q()
    return (
        Q(**{f"{p}is_current": True})
        & active
        & Q(**{f"{p}work_capacity__in": [Member.WorkCapacity.FULL, Member.WorkCapacity.PARTIAL]})
        & age
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _certified() -> Exists:
    return Exists(MemberSkill.objects.filter(member=OuterRef("pk"), certified=True))


@dataclass
class CoverageRow:
    unit: OrgUnit | None  # None: the total
    capable: int = 0
    covered: int = 0
    households: int = 0  # households with at least one capable member
    households_covered: int = 0  # ... of which every capable member holds a certified skill
    households_some: int = 0  # ... of which at least one does
    depth: int = 0  # below the viewer's unit
    is_own: bool = False  # the unit's own households only, without the units below it

    @property
    def share(self) -> float:
        return self.covered / self.capable if self.capable else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)

    @property
    def household_percent(self) -> int:
        return round(self.households_covered / self.households * 100) if self.households else 0


@dataclass
class Coverage:
    total: CoverageRow
    units: list[CoverageRow] = field(default_factory=list)
    as_of: dt.datetime | None = None  # when the figures were counted (None: just now)


def capable_members_for(user: User) -> QuerySet[Member]:
    if not visibility.may(user, Action.VIEW_TRAINING):
        return Member.objects.none()
    return visibility.scope(user, Member.objects.all(), unit="household__org_unit").filter(capable_q())


COVERAGE_MEASURES = ("capable", "covered", "households", "households_covered", "households_some")


def coverage_sources(members: QuerySet[Member], households: QuerySet[Household]) -> list[rollup.Source]:
    """What coverage counts, per holding unit: capable members (and those certified) among
    ``members``, and the households of ``households`` with a capable member (fully, partly covered)."""
    capable_of_household = Member.objects.filter(capable_q(), household=OuterRef("pk"))
    return [
        rollup.Source(
            members.filter(capable_q()),
            "household__org_unit",
            {"capable": Count("pk"), "covered": Count("pk", filter=Q(_certified()))},
        ),
        rollup.Source(
            households.filter(Exists(capable_of_household)),
            "org_unit",
            {
                "households": Count("pk"),
                "households_covered": Count("pk", filter=~Q(Exists(capable_of_household.exclude(_certified())))),
                "households_some": Count("pk", filter=Q(Exists(capable_of_household.filter(_certified())))),
            },
        ),
    ]


def _coverage(table: rollup.Rollup, as_of: dt.datetime | None = None) -> Coverage:
    def row(unit: OrgUnit | None, values: dict[str, Any], depth: int = 0, is_own: bool = False) -> CoverageRow:
        counts = {name: int(values.get(name, 0)) for name in COVERAGE_MEASURES}
        return CoverageRow(unit=unit, depth=depth, is_own=is_own, **counts)

    return Coverage(
        total=row(None, table.grand_total),
        units=[row(line.unit, line.values, line.depth, line.is_own) for line in table.lines()],
        as_of=as_of,
    )


def coverage_for(user: User) -> Coverage:
    """Share of capable members with at least one certified skill, by unit and by household, counted
    now. Each unit's row covers its whole subtree (``accounts.rollup``), its own households on a line
    of their own; the counts are made by the database, not by loading every member. The page reads
    the same figures precomputed (``coverage_report_for``)."""
    if not visibility.may(user, Action.VIEW_TRAINING):
        return Coverage(total=CoverageRow(unit=None))
    table = rollup.rollup_sources(
        coverage_sources(
            visibility.scope(user, Member.objects.all(), unit="household__org_unit"),
            visibility.scope(user, Household.objects.all(), unit="org_unit"),
        ),
        tops=rollup.reach_tops(user),
        keep_empty=False,
    )
    return _coverage(table)


def coverage_report_for(user: User) -> Coverage:
    """``coverage_for`` from the units' stored figures (``training.reports``), as of when they were
    counted: the county's table without counting its members on every view."""
    from training import reports

    if not visibility.may(user, Action.VIEW_TRAINING):
        return Coverage(total=CoverageRow(unit=None))
    if visibility.is_unit_staff(user):
        if user.org_unit is None:
            return Coverage(total=CoverageRow(unit=None))
        tops: list[OrgUnit] | None = [user.org_unit]
    elif visibility.is_admin(user):
        tops = None
    else:  # a role that reads training but holds no unit's people
        return Coverage(total=CoverageRow(unit=None))
    units = rollup.units_under(tops)
    own, as_of = reports.coverage_figures(units)
    table = rollup.rollup_stored(own, COVERAGE_MEASURES, tops=tops, units=units, keep_empty=False)
    return _coverage(table, as_of)


def uncovered_for(user: User) -> QuerySet[Member]:
    """Capable members of the reach with no certified skill yet, household by household in the order
    the households were registered.

    The households are picked in a subquery rather than joined: the database then walks the
    members by their household index in household order and stops after a page, where a join (or
    an order by unit and household number) sorts every uncovered person of the county first (0.5 s
    at 100,000 households on SQLite, against 60 ms)."""
    if not visibility.may(user, Action.VIEW_TRAINING):
        return Member.objects.none()
    households = visibility.scope(user, Household.objects.filter(state=Household.State.ACTIVE), unit="org_unit")
    return (
        Member.objects.filter(capable_q(household=False), household_id__in=households.values("pk"))
        .annotate(ok=_certified())
        .filter(ok=False)
        .select_related("household__org_unit", "household__region")
        .order_by("household_id", "id")
    )


def nearest_cohorts(members: list[Member]) -> dict[int, Cohort | None]:
    """For each member, the nearest open cohort they are eligible for that still has a seat (or a
    waiting list): a course in their county first, then online, then elsewhere; soonest first."""
    from training.services import eligibility_problem

    cohorts = list(
        advice.open_cohorts()
        .select_related("course__region")
        .prefetch_related("course__target_groups")
        .annotate(held=Count("enrolments", filter=Q(enrolments__state__in=Enrolment.HOLDS_SEAT)))
        .order_by("starts_on", "id")
    )
    groups: dict[int, set[str]] = defaultdict(set)
    for household_id, code in Household.target_groups.through.objects.filter(
        household_id__in={m.household_id for m in members}
    ).values_list("household_id", "targetgroup__code"):
        groups[household_id].add(code)

    def distance(member: Member, cohort: Cohort) -> tuple[int, int, dt.date]:
        if cohort.course.mode == Course.Mode.ONLINE:
            place = 1
        elif cohort.course.region_id == member.household.region_id:
            place = 0
        else:
            place = 2
        return (place, 0 if cohort.held < cohort.seats else 1, cohort.starts_on)  # type: ignore[attr-defined]

    wanted = {c.pk: {g.code: g for g in c.course.target_groups.all()} for c in cohorts}
    result: dict[int, Cohort | None] = {}
    for member in members:
        fitting = [
            c
            for c in cohorts
            if not eligibility_problem(
                c.course, member, on=c.starts_on, groups=groups[member.household_id], wanted=wanted[c.pk]
            )
        ]
        result[member.pk] = min(fitting, key=lambda c: distance(member, c)) if fitting else None
    return result


# --- demand: what to commission -----------------------------------------------------------------------


@dataclass
class DemandRow:
    skill: Skill
    advised: int  # people of the unit for whom it is among their three best skills to learn
    holders: int  # people of the unit who have it already
    open_seats: int  # free seats of open cohorts teaching it (in the unit's county or online)
    posting_seats: int  # open seats of postings in the unit's county requiring it

    @property
    def gap(self) -> int:
        return self.advised - self.open_seats


def units_for(user: User) -> list[OrgUnit]:
    return list(visibility.visible_units(user).order_by("path")) if visibility.may(user, Action.VIEW_TRAINING) else []


def demand_for(user: User, unit: OrgUnit, *, limit: int = 20) -> list[DemandRow]:
    """The skills most demanded and least supplied among the people of ``unit`` (and below), counted
    now. The page reads the same rows precomputed (``demand_report_for``)."""
    if not visibility.may(user, Action.VIEW_TRAINING, unit):
        raise NotFound(_("No such unit."))
    return demand_rows(unit, limit=limit)


def demand_report_for(user: User, unit: OrgUnit) -> tuple[list[DemandRow], dt.datetime]:
    """``demand_for`` from the unit's stored rows (``training.reports``), and when they were counted."""
    from training import reports

    if not visibility.may(user, Action.VIEW_TRAINING, unit):
        raise NotFound(_("No such unit."))
    stored, as_of = reports.demand_figures(unit)
    skills = advice.skill_rows([row["skill"] for row in stored])
    rows = [
        DemandRow(
            skill=skills[row["skill"]],
            advised=row["advised"],
            holders=row["holders"],
            open_seats=row["open_seats"],
            posting_seats=row["posting_seats"],
        )
        for row in stored
        if row["skill"] in skills
    ]
    return rows, as_of


def demand_rows(unit: OrgUnit, *, limit: int = 20) -> list[DemandRow]:
    """The demand rows of ``unit`` for whoever may read them (see ``demand_for``)."""
    people = Member.objects.filter(engine.seeker_q(), household__org_unit__path__startswith=unit.path)
    ids = list(people.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return []
    step = max(1, -(-len(ids) // DEMAND_SAMPLE))
    sample = ids[::step]
    scale = len(ids) / len(sample)
    advised: Counter[str] = Counter()
    for advised_rows in advice.advice_many(Member.objects.filter(pk__in=sample)).values():
        for a in advised_rows[:3]:
            advised[a.skill] += 1
    if not advised:
        return []
    codes = [code for code, _n in advised.most_common(limit * 3)]
    skills = advice.skill_rows(codes)
    holders = dict(
        MemberSkill.objects.filter(member__in=people, skill__code__in=codes)
        .values_list("skill__code")
        .annotate(n=Count("member", distinct=True))
        .values_list("skill__code", "n")
    )
    region = unit.region_id
    seats: Counter[str] = Counter()
    for cohort in (
        advice.open_cohorts()
        .filter(Q(course__region_id=region) | Q(course__mode=Course.Mode.ONLINE))
        .filter(course__skills__code__in=codes)
        .annotate(held=Count("enrolments", filter=Q(enrolments__state__in=Enrolment.HOLDS_SEAT), distinct=True))
        .prefetch_related("course__skills")
        .distinct()
    ):
        free = max(0, cohort.seats - cohort.held)  # type: ignore[attr-defined]
        for s in cohort.course.skills.all():
            seats[s.code] += free
    in_county = [p for p in advice.index().postings if not region or p.region == region]
    market = postings_requiring(in_county)
    rows = [
        DemandRow(
            skill=skills[code],
            advised=round(advised[code] * scale),
            holders=holders.get(code, 0),
            open_seats=seats.get(code, 0),
            posting_seats=market.get(code, 0),
        )
        for code in codes
        if code in skills
    ]
    rows.sort(key=lambda r: (-r.gap, -r.advised, r.skill.code))
    return rows[:limit]


# --- what a group should learn (a layoff batch, a cohort's leavers) ------------------------------------


def group_learning_advice(
    user: User, member_ids: list[int], *, per_person: int = 3, limit: int = 10
) -> list[tuple[Skill, int, Cohort | None]]:
    """ "What to learn" for a group of people of the user's reach: the skills most often among each
    person's best few to learn (``advice.advice_many``), how many of the group are advised each,
    and the soonest open cohort teaching it (or None: a course to commission). Out-of-reach ids are
    left out."""
    if not visibility.may(user, Action.VIEW_ARCHIVE):
        return []
    people = visibility.scope(user, Member.objects.filter(pk__in=member_ids), unit="household__org_unit")
    counts: Counter[str] = Counter()
    offered: dict[str, set[str | int]] = defaultdict(set)
    for rows in advice.advice_many(people).values():
        for row in rows[:per_person]:
            counts[row.skill] += 1
            offered[row.skill].update(row.offers)
    ranked = counts.most_common(limit)
    skills = advice.skill_rows([code for code, _n in ranked])
    cohort_ids = {int(pk) for code, _n in ranked for pk in offered[code] if str(pk).isdigit()}
    cohorts = {c.pk: c for c in Cohort.objects.filter(pk__in=cohort_ids).select_related("course")}
    out: list[tuple[Skill, int, Cohort | None]] = []
    for code, n in ranked:
        if code not in skills:
            continue
        mine = sorted(
            (cohorts[int(pk)] for pk in offered[code] if str(pk).isdigit() and int(pk) in cohorts),
            key=lambda c: (c.starts_on, c.pk),
        )
        out.append((skills[code], n, mine[0] if mine else None))
    return out
