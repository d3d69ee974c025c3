"""Every read of the job fairs that a user triggers, already scoped to what that user may see.

Who sees which fair: union staff see the fairs of their unit, of the units below and of the units
above (a county fair serves every station); workers and employers see the fairs that are open.
A fair a user may not see is "not found"."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rollup, visibility
from accounts.models import OrgUnit, Role, User
from accounts.visibility import Action
from core.errors import NotFound
from core.ids import int_pk
from fairs.models import Attendee, Booth, Interview, JobFair, ScheduleRun
from fairs.services import GRADUATE_YEARS, fair_in_reach
from households.models import Household, Member

LOCALITY_KINDS = (OrgUnit.Kind.FEDERATION, OrgUnit.Kind.INDUSTRY_UNION, OrgUnit.Kind.GRASSROOTS_UNION)


def _may_see_fairs(user: User) -> bool:
    return any(visibility.may(user, a) for a in (Action.VIEW_FAIRS, Action.ATTEND_FAIRS, Action.BOOK_BOOTHS))


def fair_list_for(user: User) -> QuerySet[JobFair]:
    fairs = JobFair.objects.select_related("org_unit")
    if not _may_see_fairs(user):
        return fairs.none()
    if visibility.is_admin(user):
        return fairs
    if visibility.is_unit_staff(user) and user.org_unit is not None:
        own = user.org_unit
        reach = list(own.subtree().values_list("pk", flat=True)) + list(own.ancestors().values_list("pk", flat=True))
        return fairs.filter(org_unit__in=reach)
    return fairs.exclude(state=JobFair.State.DRAFT)


def _as_pk(value: Any) -> int:
    """An id from a URL or a query string (``core.ids.int_pk``): anything else is 0, "not found"."""
    return int_pk(value)


def fair_get_for(user: User, pk: Any) -> JobFair:
    fair = fair_list_for(user).filter(pk=_as_pk(pk)).first()
    if fair is None:
        raise NotFound(_("No such job fair."))
    return fair


def may_manage(user: User, fair: JobFair) -> bool:
    return visibility.may(user, Action.MANAGE_FAIRS, fair.org_unit)


def may_check_in(user: User, fair: JobFair) -> bool:
    return visibility.may(user, Action.CHECK_IN) and fair_in_reach(user, fair)


def my_member(user: User) -> Member | None:
    if user.role != Role.WORKER:
        return None
    return Member.objects.filter(user=user, is_current=True).select_related("household").first()


def my_registration(user: User, fair: JobFair) -> Attendee | None:
    member = my_member(user)
    if member is None:
        return None
    return Attendee.objects.filter(fair=fair, member=member).first()


def my_registrations(user: User) -> QuerySet[Attendee]:
    """The worker's live registrations, each with its live interviews in ``schedule`` (one query
    for all of them, not one per registration)."""
    member = my_member(user)
    if member is None:
        return Attendee.objects.none()
    live = (
        Interview.objects.exclude(state=Interview.State.CANCELLED)
        .select_related("booth__employer", "fair", "attendee__member")
        .order_by("slot")
    )
    return (
        Attendee.objects.filter(member=member, cancelled_at__isnull=True)
        .select_related("fair", "member")
        .prefetch_related(Prefetch("interviews", queryset=live, to_attr="schedule"))
    )


def my_booth(user: User, fair: JobFair) -> Booth | None:
    if user.role != Role.EMPLOYER:
        return None
    return visibility.scope(user, Booth.objects.filter(fair=fair), employer="employer").first()


def booth_list_for(user: User, fair: JobFair) -> QuerySet[Booth]:
    booths = Booth.objects.filter(fair=fair).select_related("employer").prefetch_related("postings")
    if visibility.is_admin(user) or fair_in_reach(user, fair):
        return booths.annotate(
            live=Count("interviews", filter=~Q(interviews__state=Interview.State.CANCELLED))
        ).order_by("status", "code", "pk")
    if user.role == Role.EMPLOYER:
        return visibility.scope(user, booths, employer="employer")
    return booths.filter(status=Booth.Status.APPROVED).order_by("code")


def booth_get_for(user: User, pk: Any) -> Booth:
    """A booth of a fair the user may see (a draft fair's booths are no more visible than the fair)."""
    booth = Booth.objects.select_related("fair__org_unit", "employer").filter(pk=_as_pk(pk)).first()
    if (
        booth is None
        or not fair_list_for(user).filter(pk=booth.fair_id).exists()
        or not booth_list_for(user, booth.fair).filter(pk=booth.pk).exists()
    ):
        raise NotFound(_("No such booth."))
    return booth


def interviews_of_booth(user: User, booth: Booth) -> QuerySet[Interview]:
    """The employer's interview list (their own booth, while the company is verified: it names
    people) or the organizer's view of a booth."""
    own = visibility.sees_people(user) and my_booth(user, booth.fair) == booth
    if not (visibility.is_admin(user) or may_manage(user, booth.fair) or own):
        raise NotFound(_("No such booth."))
    return (
        Interview.objects.filter(booth=booth)
        .exclude(state=Interview.State.CANCELLED)
        .select_related("attendee__member", "posting")
        .order_by("slot", "seat")
    )


def interview_get_for_employer(user: User, pk: Any) -> Interview:
    interview = (
        Interview.objects.select_related("booth__fair", "booth__employer", "attendee__member")
        .filter(pk=_as_pk(pk))
        .first()
    )
    if interview is None or not visibility.sees_people(user) or my_booth(user, interview.booth.fair) != interview.booth:
        raise NotFound(_("You did not meet this person at your booth."))
    return interview


def schedule_of(attendee: Attendee) -> list[Interview]:
    return list(
        attendee.interviews.exclude(state=Interview.State.CANCELLED)
        .select_related("booth__employer", "fair")
        .prefetch_related("booth__postings")
        .order_by("slot")
    )


def attendee_get_for(user: User, pk: Any) -> Attendee:
    attendee = (
        Attendee.objects.select_related("fair__org_unit", "member__household__org_unit").filter(pk=_as_pk(pk)).first()
    )
    if attendee is None:
        raise NotFound(_("No such registration."))
    if user.role == Role.WORKER and attendee.member.user_id == user.pk:
        return attendee
    if visibility.may(user, Action.REGISTER_OTHERS, attendee.member.household.org_unit) or may_manage(
        user, attendee.fair
    ):
        return attendee
    raise NotFound(_("No such registration."))


def attendees_of(user: User, fair: JobFair) -> QuerySet[Attendee]:
    """Everyone, for those who manage the fair; otherwise the people of the user's own subtree (a
    station's helper at a county fair sees the people they look after, not the whole county)."""
    if not (visibility.is_admin(user) or fair_in_reach(user, fair)):
        return Attendee.objects.none()
    attendees = fair.attendees.select_related("member__household__org_unit").order_by("-registered_at")
    if may_manage(user, fair) or (visibility.may(user, Action.VIEW_FAIRS, fair.org_unit)):
        return attendees
    return visibility.scope(user, attendees, unit="member__household__org_unit")


def registrable_members(user: User, fair: JobFair, query: str = "") -> QuerySet[Member]:
    """Members a helper may register: current members of households in reach, not yet registered."""
    members = visibility.scope(user, Member.objects.all(), unit="household__org_unit")
    members = (
        members.filter(is_current=True)
        .exclude(household__state=Household.State.CLOSED)
        .exclude(fair_registrations__fair=fair, fair_registrations__cancelled_at__isnull=True)
    )
    if query.strip():
        members = members.filter(Q(name__contains=query.strip()) | Q(household__number__startswith=query.strip()))
    return members.select_related("household").order_by("household__number", "pk")


def registered_ids(fair: JobFair) -> set[int]:
    """The member ids of the fair's live registrations (the picker marks them)."""
    return set(fair.attendees.filter(cancelled_at__isnull=True).values_list("member_id", flat=True))


def last_run(fair: JobFair) -> ScheduleRun | None:
    return fair.schedule_runs.first()


# --- reports -------------------------------------------------------------------------------------------

METRICS = ("registrations", "check_ins", "interviews", "interviewed", "offers", "hires")


@dataclass
class Row:
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRICS, 0))
    # By union unit only: the unit, its depth in the table, and whether the line holds the unit's own
    # attendees (without the units below it).
    unit: OrgUnit | None = None
    depth: int = 0
    is_own: bool = False


@dataclass
class FairReport:
    fair: JobFair
    total: Row
    by_group: list[Row]
    by_unit: list[Row]
    booths: list[tuple[str, str, int, int, int]]  # code, employer, interviews, offers, hires
    run: ScheduleRun | None


def fair_report(user: User, fair: JobFair) -> FairReport:
    if not (visibility.is_admin(user) or (visibility.may(user, Action.VIEW_FAIRS) and fair_in_reach(user, fair))):
        raise NotFound(_("No such job fair."))
    attendees = list(
        fair.attendees.filter(cancelled_at__isnull=True)
        .select_related("member__household__org_unit")
        .prefetch_related("member__household__target_groups")
    )
    interviews = list(fair.interviews.exclude(state=Interview.State.CANCELLED).select_related("booth__employer"))
    per_attendee: dict[int, Counter[str]] = defaultdict(Counter)
    for i in interviews:
        c = per_attendee[i.attendee_id]
        c["interviews"] += 1
        if i.outcome in (
            Interview.Outcome.INTERVIEWED,
            Interview.Outcome.OFFER,
            Interview.Outcome.HIRED,
            Interview.Outcome.NOT_SELECTED,
        ):
            c["interviewed"] += 1
        if i.outcome in (Interview.Outcome.OFFER, Interview.Outcome.HIRED):
            c["offers"] += 1
        if i.outcome == Interview.Outcome.HIRED:
            c["hires"] += 1
    total = Row("")
    groups: dict[str, Row] = {}
    for a in attendees:
        counts = Counter({"registrations": 1, "check_ins": int(a.checked_in_at is not None)}) + per_attendee[a.pk]
        household = a.member.household
        rows = [total]
        for group in household.target_groups.all():
            rows.append(groups.setdefault(str(group), Row(str(group))))
        for row in rows:
            for key in METRICS:
                row.counts[key] += counts[key]
    booth_rows: dict[int, list[Any]] = {}
    for booth in fair.booths.filter(status=Booth.Status.APPROVED).select_related("employer"):
        booth_rows[booth.pk] = [booth.code or "", booth.employer.name, 0, 0, 0]
    for i in interviews:
        if i.booth_id in booth_rows:
            r = booth_rows[i.booth_id]
            r[2] += 1
            r[3] += int(i.outcome in (Interview.Outcome.OFFER, Interview.Outcome.HIRED))
            r[4] += int(i.outcome == Interview.Outcome.HIRED)
    return FairReport(
        fair=fair,
        total=total,
        by_group=sorted(groups.values(), key=lambda r: r.label),
        by_unit=_report_by_unit(fair),
        booths=[tuple(r) for r in sorted(booth_rows.values(), key=lambda r: r[0])],  # type: ignore[misc]
        run=last_run(fair),
    )


def _report_by_unit(fair: JobFair) -> list[Row]:
    """The fair's figures by the attendees' union units, each unit over its whole subtree (the units
    the attendees come from and the units above them: ``accounts.rollup``)."""
    done = (Interview.Outcome.INTERVIEWED, Interview.Outcome.OFFER, Interview.Outcome.HIRED)
    table = rollup.rollup_sources(
        [
            rollup.Source(
                fair.attendees.filter(cancelled_at__isnull=True),
                "member__household__org_unit",
                {"registrations": Count("pk"), "check_ins": Count("pk", filter=Q(checked_in_at__isnull=False))},
            ),
            rollup.Source(
                fair.interviews.exclude(state=Interview.State.CANCELLED).filter(attendee__cancelled_at__isnull=True),
                "attendee__member__household__org_unit",
                {
                    "interviews": Count("pk"),
                    "interviewed": Count("pk", filter=Q(outcome__in=[*done, Interview.Outcome.NOT_SELECTED])),
                    "offers": Count("pk", filter=Q(outcome__in=[Interview.Outcome.OFFER, Interview.Outcome.HIRED])),
                    "hires": Count("pk", filter=Q(outcome=Interview.Outcome.HIRED)),
                },
            ),
        ],
        keep_empty=False,
    )
    return [
        Row(
            label=_("%(name)s: own records") % {"name": line.unit.name} if line.is_own else line.unit.name,
            counts={m: int(line.values.get(m, 0)) for m in METRICS},
            unit=line.unit,
            depth=line.depth,
            is_own=line.is_own,
        )
        for line in table.lines()
    ]


@dataclass
class GraduateRule:
    year: int
    units_without: list[OrgUnit]
    graduates: QuerySet[Member]


def graduate_rule(user: User, year: int | None = None) -> GraduateRule:
    """The plan's rule: each locality holds at least one graduate fair a year. Units in reach that
    have none scheduled this year (by themselves or a unit below), and recent graduates from
    households in the archive who are registered for no fair this year."""
    if not visibility.may(user, Action.VIEW_FAIRS):
        raise NotFound(_("Not found."))
    year = year or timezone.localdate().year
    units = list(visibility.visible_units(user).filter(kind__in=LOCALITY_KINDS, is_active=True).order_by("path"))
    paths = list(
        JobFair.objects.filter(kind=JobFair.Kind.GRADUATE, starts_on__year=year)
        .exclude(state=JobFair.State.DRAFT)
        .values_list("org_unit__path", flat=True)
    )
    without = [u for u in units if not any(p.startswith(u.path) for p in paths)]
    invited = Attendee.objects.filter(fair__starts_on__year=year, cancelled_at__isnull=True).values("member_id")
    graduates = (
        visibility.scope(user, Member.objects.all(), unit="household__org_unit")
        .filter(
            is_current=True,
            household__state=Household.State.ACTIVE,
            graduation_year__gte=year - GRADUATE_YEARS,
            graduation_year__lte=year,
        )
        .exclude(pk__in=invited)
        .select_related("household__org_unit")
        .order_by("household__org_unit__path", "household__number", "pk")
    )
    return GraduateRule(year=year, units_without=without, graduates=graduates)


def upcoming(fairs: QuerySet[JobFair], day: dt.date | None = None) -> QuerySet[JobFair]:
    return fairs.filter(ends_on__gte=day or timezone.localdate()).order_by("starts_on", "pk")
