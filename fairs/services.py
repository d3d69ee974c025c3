"""Every write of the job fairs. Each function checks who is acting, validates, and saves in one
transaction; a refusal is a ``core.errors.DomainError`` with a message for the person acting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import OrgUnit, Role, User
from accounts.visibility import Action
from core import qrcodes
from core.dates import check_date
from core.db import retry_transient
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.tasks import enqueue_on_commit
from fairs import notices
from fairs.models import Attendee, Booth, CheckIn, Interview, JobFair, ScheduleRun
from fairs.scoring import pair_scores
from households.models import Household, Member, TargetGroup
from jobs import services as job_services
from jobs.models import Application, EmployerMembership, JobPosting
from matching.models import Match
from ml import assignment
from notifications.services import Notice, notify, notify_each, staff_of

QR_SALT = "fairs.checkin"
MAX_BOOTH_CODES = 500
MAX_BOOTH_CODE_LENGTH = 16  # Booth.code
MAX_CAPACITY = 100_000  # the largest venue; also keeps the number inside the database's integer
MAX_URL_LENGTH = 200  # JobFair.stream_url
MAX_SLOTS = 48
MAX_SLOT_MINUTES = 240
MAX_SLOT_CAPACITY = 20
MAX_SCANS_PER_BATCH = 500
# A match score below this is no reason to meet; the pair is not scheduled.
SCORE_FLOOR = 0.05
# At graduate fairs, recent graduates from households in the archive come first: this bonus is
# added to their pairs' weight, larger than most differences between two scores.
PRIORITY_BONUS = 0.5
GRADUATE_YEARS = 2  # "a graduate" is someone who finished at most this many years ago


def _today() -> dt.date:
    return timezone.localdate()


# --- who acts ------------------------------------------------------------------------------------------


def fair_in_reach(user: User, fair: JobFair) -> bool:
    """Union staff reach the fairs of their unit, of the units below, and of the units above theirs
    (a county fair serves every station of the county)."""
    if visibility.is_admin(user):
        return True
    if not visibility.is_unit_staff(user) or user.org_unit is None:
        return False
    own = user.org_unit
    return own.contains(fair.org_unit) or fair.org_unit.contains(own)


def _require_manager(user: User, fair: JobFair) -> None:
    if not visibility.may(user, Action.MANAGE_FAIRS, fair.org_unit):
        if visibility.may(user, Action.MANAGE_FAIRS) or fair_in_reach(user, fair):
            raise Forbidden(_("Only organizers of the organizing unit (or above) manage this fair."))
        raise NotFound(_("No such job fair."))


def _employer_of(user: User) -> Any:
    membership = EmployerMembership.objects.select_related("employer").filter(user=user).first()
    return membership.employer if membership else None


def is_priority_graduate(member: Member, day: dt.date | None = None) -> bool:
    """A recent graduate (finished this year or in the two before) from a household in the archive."""
    year = (day or _today()).year
    return (
        member.graduation_year is not None
        and year - GRADUATE_YEARS <= member.graduation_year <= year
        and member.household.state == Household.State.ACTIVE
        and member.is_current
    )


# --- fairs ---------------------------------------------------------------------------------------------


@dataclass
class FairInput:
    name: str
    kind: str
    org_unit: OrgUnit
    starts_on: dt.date
    ends_on: dt.date
    registration_opens: dt.date
    registration_closes: dt.date
    capacity: int
    venue: str = ""
    stream_url: str = ""
    booth_codes: Sequence[str] = ()
    target_groups: Sequence[TargetGroup] = ()
    interviews_start: dt.time = dt.time(9, 0)
    max_interviews: int = 3
    gap_minutes: int = 10
    description: str = ""


def parse_booth_codes(text: str) -> list[str]:
    """ "A01-A12, B01 B02" -> the codes in order; a range expands its trailing number."""
    codes: list[str] = []
    for token in text.replace("，", ",").replace(",", " ").split():
        if "-" in token:
            first, _sep, last = token.partition("-")
            head = first.rstrip("0123456789")
            low, high = first[len(head) :], last[len(head) :] if last.startswith(head) else last
            if (
                not (low.isascii() and low.isdigit() and len(low) <= 6)
                or not (high.isascii() and high.isdigit() and len(high) <= 6)
                or int(high) < int(low)
                or int(high) - int(low) > MAX_BOOTH_CODES
            ):
                raise InvalidInput(
                    _("“%(range)s” is not a range of booth codes.") % {"range": token}, field="booth_codes"
                )
            codes.extend(f"{head}{n:0{len(low)}d}" for n in range(int(low), int(high) + 1))
        else:
            codes.append(token)
    return codes


def _clean_fair(data: FairInput) -> dict[str, Any]:
    name = data.name.strip()
    if not name:
        raise InvalidInput(_("Enter the name of the fair."), field="name")
    if data.kind not in JobFair.Kind.values:
        raise InvalidInput(_("Choose the kind of fair."), field="kind")
    for name_of_day in ("starts_on", "ends_on", "registration_opens", "registration_closes"):
        check_date(getattr(data, name_of_day), field=name_of_day)
    if data.ends_on < data.starts_on:
        raise InvalidInput(_("The last day is before the first day."), field="ends_on")
    if data.registration_closes < data.registration_opens:
        raise InvalidInput(_("Registration closes before it opens."), field="registration_closes")
    if data.registration_opens > data.ends_on:
        raise InvalidInput(_("Registration must open before the fair ends."), field="registration_opens")
    if int(data.capacity) < 1:
        raise InvalidInput(_("At least one attendee must fit."), field="capacity")
    if int(data.capacity) > MAX_CAPACITY:
        raise InvalidInput(_("At most %(n)d attendees.") % {"n": MAX_CAPACITY}, field="capacity")
    if len(data.stream_url.strip()) > MAX_URL_LENGTH:
        raise InvalidInput(
            _("The live-stream address is longer than %(n)d characters.") % {"n": MAX_URL_LENGTH}, field="stream_url"
        )
    if not 1 <= int(data.max_interviews) <= 20:
        raise InvalidInput(_("Between 1 and 20 interviews per attendee."), field="max_interviews")
    if not 0 <= int(data.gap_minutes) <= 240:
        raise InvalidInput(_("The gap between interviews is at most 240 minutes."), field="gap_minutes")
    codes = [c.strip()[:16] for c in data.booth_codes if c and c.strip()]
    if len(set(codes)) != len(codes):
        raise InvalidInput(_("A booth code appears twice on the booth map."), field="booth_codes")
    if len(codes) > MAX_BOOTH_CODES:
        raise InvalidInput(_("At most %(n)d booths.") % {"n": MAX_BOOTH_CODES}, field="booth_codes")
    if data.kind != JobFair.Kind.ONLINE and not data.venue.strip():
        raise InvalidInput(_("Enter the venue."), field="venue")
    return {
        "name": name[:120],
        "kind": data.kind,
        "org_unit": data.org_unit,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "registration_opens": data.registration_opens,
        "registration_closes": data.registration_closes,
        "capacity": int(data.capacity),
        "venue": data.venue.strip()[:200],
        "stream_url": data.stream_url.strip(),
        "booth_codes": codes,
        "interviews_start": data.interviews_start,
        "max_interviews": int(data.max_interviews),
        "gap_minutes": int(data.gap_minutes),
        "description": data.description.strip(),
    }


@transaction.atomic
def fair_create(*, by: User, data: FairInput) -> JobFair:
    if not visibility.may(by, Action.MANAGE_FAIRS, data.org_unit):
        if visibility.may(by, Action.MANAGE_FAIRS):
            raise InvalidInput(_("Choose a unit within your reach."), field="org_unit")
        raise Forbidden(_("Only organizers set up job fairs."))
    fair = JobFair.objects.create(created_by=by, **_clean_fair(data))
    fair.target_groups.set(data.target_groups)
    return fair


# --- booths --------------------------------------------------------------------------------------------


def _clean_slots(slot_count: int, slot_minutes: int, slot_capacity: int) -> tuple[int, int, int]:
    try:
        count, minutes, capacity = int(slot_count), int(slot_minutes), int(slot_capacity)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("Slots, minutes and people per slot are whole numbers."), field="slot_count") from exc
    if not 1 <= count <= MAX_SLOTS:
        raise InvalidInput(_("Between 1 and %(n)d interview slots.") % {"n": MAX_SLOTS}, field="slot_count")
    if not 5 <= minutes <= MAX_SLOT_MINUTES:
        raise InvalidInput(_("A slot lasts 5 to %(n)d minutes.") % {"n": MAX_SLOT_MINUTES}, field="slot_minutes")
    if not 1 <= capacity <= MAX_SLOT_CAPACITY:
        raise InvalidInput(_("1 to %(n)d people per slot.") % {"n": MAX_SLOT_CAPACITY}, field="slot_capacity")
    return count, minutes, capacity


@transaction.atomic
def booth_apply(
    *,
    fair: JobFair,
    by: User,
    postings: Iterable[JobPosting],
    slot_count: int = 8,
    slot_minutes: int = 15,
    slot_capacity: int = 1,
    note: str = "",
) -> Booth:
    """An employer applies for a booth with the postings it brings."""
    if by.role != Role.EMPLOYER:
        raise Forbidden(_("Only employers apply for booths."))
    employer = _employer_of(by)
    if employer is None:
        raise Forbidden(_("Your login is not linked to a company."))
    if not employer.is_verified:
        raise Conflict(_("Your company must be verified before it can take a booth."))
    if fair.state != JobFair.State.PUBLISHED or fair.ends_on < _today():
        raise Conflict(_("This fair does not take booth applications."))
    chosen = list(postings)
    if not chosen:
        raise InvalidInput(_("Choose the jobs you bring to the fair."), field="postings")
    for posting in chosen:
        if posting.employer_id != employer.pk:
            raise NotFound(_("No such posting."))
        if not posting.is_open:
            raise InvalidInput(
                _("“%(title)s” is not open for applications.") % {"title": posting.title}, field="postings"
            )
    count, minutes, capacity = _clean_slots(slot_count, slot_minutes, slot_capacity)
    if Booth.objects.filter(fair=fair, employer=employer).exists():
        raise Conflict(_("Your company has already applied for a booth at this fair."))
    try:
        with transaction.atomic():
            booth = Booth.objects.create(
                fair=fair,
                employer=employer,
                slot_count=count,
                slot_minutes=minutes,
                slot_capacity=capacity,
                note=note.strip()[:200],
                created_by=by,
            )
    except IntegrityError as exc:
        raise Conflict(_("Your company has already applied for a booth at this fair.")) from exc
    booth.postings.set(chosen)
    return booth


@transaction.atomic
def booth_decide(*, booth: Booth, by: User, approve: bool, code: str = "", note: str = "") -> Booth:
    """An organizer approves a booth and gives it a code from the booth map, or rejects it.

    Two organizers may give the same code at once: the ``one_booth_per_code`` constraint decides,
    and the second is told the booth is taken."""
    booth = Booth.objects.select_for_update(of=("self",)).select_related("fair__org_unit", "employer").get(pk=booth.pk)
    fair = booth.fair
    _require_manager(by, fair)
    if booth.status == Booth.Status.WITHDRAWN:
        raise Conflict(_("The employer withdrew this application."))
    if not approve:
        if not note.strip():
            raise InvalidInput(_("Say why the booth is not approved."), field="note")
        if booth.interviews.exclude(state=Interview.State.CANCELLED).exists():
            raise Conflict(_("This booth has interviews scheduled; cancel them first."))
        booth.status, booth.code = Booth.Status.REJECTED, None
    else:
        code = code.strip()
        if not code:
            raise InvalidInput(_("Choose the booth to give."), field="code")
        if len(code) > MAX_BOOTH_CODE_LENGTH:
            raise InvalidInput(
                _("A booth code has at most %(n)d characters.") % {"n": MAX_BOOTH_CODE_LENGTH}, field="code"
            )
        if fair.booth_codes and code not in fair.booth_codes:
            raise InvalidInput(_("There is no booth “%(code)s” on this fair's map.") % {"code": code}, field="code")
        holder = Booth.objects.filter(fair=fair, code=code).exclude(pk=booth.pk).select_related("employer").first()
        if holder is not None:
            raise Conflict(
                _("Booth %(code)s is already given to %(employer)s.")
                % {"code": code, "employer": holder.employer.name},
                field="code",
            )
        booth.status, booth.code = Booth.Status.APPROVED, code
    booth.note = note.strip()[:200] or booth.note
    booth.decided_by, booth.decided_at = by, timezone.now()
    try:
        with transaction.atomic():
            booth.save()
    except IntegrityError as exc:
        raise Conflict(
            _("Booth %(code)s is already given to another employer.") % {"code": code}, field="code"
        ) from exc
    notify(
        EmployerMembership.objects.filter(employer=booth.employer).values_list("user_id", flat=True),
        notices.BOOTH.code,
        {
            "fair": fair.name,
            "verdict": "approved" if approve else "refused",
            "code": booth.code or "",
            "note": booth.note,
        },
        reverse("fairs:booth", args=[booth.pk]),
        unit=fair.org_unit,
    )
    return booth


@transaction.atomic
def booth_set_slots(
    *, booth: Booth, by: User, slot_count: int, slot_minutes: int | None = None, slot_capacity: int | None = None
) -> Booth:
    """The booth's slots change (more people came to interview): re-optimise, keeping confirmed
    interviews where they are. Slots holding kept interviews cannot be removed."""
    booth = (
        Booth.objects.select_for_update(of=("self",), no_key=True)
        .select_related("fair__org_unit", "employer")
        .get(pk=booth.pk)
    )
    if by.role == Role.EMPLOYER:
        employer = _employer_of(by)
        if employer is None or employer.pk != booth.employer_id:
            raise NotFound(_("No such booth."))
    else:
        _require_manager(by, booth.fair)
    count, minutes, capacity = _clean_slots(
        slot_count,
        booth.slot_minutes if slot_minutes is None else slot_minutes,
        booth.slot_capacity if slot_capacity is None else slot_capacity,
    )
    kept = [i for i in booth.interviews.exclude(state=Interview.State.CANCELLED) if i.is_fixed]
    if minutes != booth.slot_minutes and kept:
        raise Conflict(_("Confirmed interviews hold their times: the slot length cannot change now."))
    if any(i.slot >= count or i.seat >= capacity for i in kept):
        raise Conflict(_("A confirmed interview sits in a slot or seat that would be removed."))
    booth.slot_count, booth.slot_minutes, booth.slot_capacity = count, minutes, capacity
    booth.save(update_fields=["slot_count", "slot_minutes", "slot_capacity"])
    if booth.status == Booth.Status.APPROVED and booth.fair.interviews.exists():
        _reschedule_on_commit(booth.fair, by, "booth slots changed")
    return booth


def _reschedule_on_commit(fair: JobFair, by: User, reason: str) -> None:
    """Re-optimise the fair's schedule once this change commits, in a Celery task (``fairs.reschedule``):
    on a large fair it takes seconds, which the person cancelling should not wait for."""
    enqueue_on_commit("fairs.reschedule", fair.pk, by.pk, reason)


# --- attendees -----------------------------------------------------------------------------------------


def _registrant_side(by: User, member: Member, walk_in: bool, fair: JobFair) -> str:
    if walk_in:
        if not (visibility.may(by, Action.CHECK_IN) and fair_in_reach(by, fair)):
            raise Forbidden(_("Only staff at the entrance register walk-ins."))
        # At the door, staff register people of the archive they can see, or anyone when they
        # manage the fair (the organizers of a county fair register walk-ins from every town).
        unit = member.household.org_unit
        if not (
            visibility.may(by, Action.VIEW_ARCHIVE, unit) or visibility.may(by, Action.MANAGE_FAIRS, fair.org_unit)
        ):
            raise NotFound(_("No such member."))
        return Attendee.Via.WALK_IN
    if by.role == Role.WORKER:
        if member.user_id != by.pk:
            raise NotFound(_("No such member."))
        return Attendee.Via.SELF
    unit = member.household.org_unit
    if not visibility.may(by, Action.REGISTER_OTHERS, unit):
        if visibility.may(by, Action.VIEW_ARCHIVE, unit) or not visibility.may(by, Action.REGISTER_OTHERS):
            raise Forbidden(_("Your role cannot register others for a fair."))
        raise NotFound(_("No such member."))
    return Attendee.Via.HELPER


@retry_transient
@transaction.atomic
def attendee_register(*, fair: JobFair, member: Member, by: User, walk_in: bool = False) -> Attendee:
    """Register a person for a fair: themselves, by a helper (within the window), or on the day.

    The fair row is locked so that the last place goes to one person only."""
    fair = JobFair.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=fair.pk)
    member = Member.objects.select_related("household__org_unit").get(pk=member.pk)
    via = _registrant_side(by, member, walk_in, fair)
    today = _today()
    if fair.state != JobFair.State.PUBLISHED:
        raise Conflict(_("This fair is not open for registration."))
    if via == Attendee.Via.WALK_IN:
        if not fair.runs_on(today):
            raise InvalidInput(_("Walk-ins register on the days of the fair only."))
    elif today < fair.registration_opens:
        raise InvalidInput(
            _("Registration opens on %(day)s.") % {"day": fair.registration_opens.isoformat()}, field="fair"
        )
    elif today > fair.registration_closes:
        raise InvalidInput(
            _("Registration for this fair closed on %(day)s.") % {"day": fair.registration_closes.isoformat()},
            field="fair",
        )
    if not member.is_current or member.household.state == Household.State.CLOSED:
        raise InvalidInput(_("%(name)s is no longer in the archive.") % {"name": member.name})
    existing = Attendee.objects.filter(fair=fair, member=member).first()
    if existing is not None:
        if existing.cancelled_at is None:
            raise Conflict(_("%(name)s is already registered for this fair.") % {"name": member.name})
        if fair.attendees.filter(cancelled_at__isnull=True).count() >= fair.capacity:
            raise Conflict(_("This fair is full."))
        existing.cancelled_at, existing.via, existing.registered_by = None, via, by
        existing.priority = fair.is_graduate_fair and is_priority_graduate(member, today)
        existing.save(update_fields=["cancelled_at", "via", "registered_by", "priority"])
        return existing
    if fair.attendees.filter(cancelled_at__isnull=True).count() >= fair.capacity:
        raise Conflict(_("This fair is full."))
    try:
        with transaction.atomic():
            return Attendee.objects.create(
                fair=fair,
                member=member,
                via=via,
                registered_by=by,
                priority=fair.is_graduate_fair and is_priority_graduate(member, today),
            )
    except IntegrityError as exc:
        raise Conflict(_("%(name)s is already registered for this fair.") % {"name": member.name}) from exc


def _attendee_side(by: User, attendee: Attendee) -> None:
    if by.role == Role.WORKER:
        if attendee.member.user_id != by.pk:
            raise NotFound(_("No such registration."))
        return
    if not visibility.may(by, Action.REGISTER_OTHERS, attendee.member.household.org_unit) and not visibility.may(
        by, Action.MANAGE_FAIRS, attendee.fair.org_unit
    ):
        raise NotFound(_("No such registration."))


@retry_transient
@transaction.atomic
def attendee_cancel(*, attendee: Attendee, by: User, reschedule: bool = True) -> Attendee:
    """Someone cannot come: their interviews are freed and the schedule re-optimised around the
    confirmed interviews of everyone else."""
    attendee = (
        Attendee.objects.select_for_update(of=("self",))
        .select_related("fair__org_unit", "member__household__org_unit")
        .get(pk=attendee.pk)
    )
    _attendee_side(by, attendee)
    if attendee.cancelled_at is not None:
        return attendee
    if attendee.interviews.exclude(outcome="").exists():
        raise Conflict(_("Outcomes are recorded for this person; the registration stays."))
    attendee.cancelled_at = timezone.now()
    attendee.save(update_fields=["cancelled_at"])
    attendee.interviews.exclude(state=Interview.State.CANCELLED).update(state=Interview.State.CANCELLED)
    if reschedule and Interview.objects.filter(fair=attendee.fair).exclude(state=Interview.State.CANCELLED).exists():
        _reschedule_on_commit(attendee.fair, by, "a registration was cancelled")
    return attendee


# --- the schedule --------------------------------------------------------------------------------------


def _slots(booth: Booth) -> list[assignment.Slot]:
    return [
        assignment.Slot(
            booth=booth.pk, index=i, start=booth.slot_start(i), length=booth.slot_minutes, capacity=booth.slot_capacity
        )
        for i in range(booth.slot_count)
    ]


@retry_transient
@transaction.atomic
def fair_schedule(*, fair: JobFair, by: User, reason: str = "scheduled", _authorised: bool = False) -> ScheduleRun:
    """Build (or rebuild) the interview schedule of a fair with ``ml.assignment``.

    Confirmed interviews and those with an outcome stay where they are; proposed ones are dropped
    and planned again. The fair row is locked: two organizers pressing "schedule" at once run one
    after the other."""
    fair = JobFair.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=fair.pk)
    if not _authorised:
        _require_manager(by, fair)
    # Then its booths, by id: a walk-in booked meanwhile (it locks its booth) waits for the new
    # schedule instead of taking a seat the schedule is placing someone in.
    booths = list(
        fair.booths.select_for_update(of=("self",), no_key=True)
        .filter(status=Booth.Status.APPROVED)
        .order_by("pk")
        .prefetch_related("postings")
    )
    if not booths:
        raise Conflict(_("This fair has no approved booths yet: approve booths before scheduling interviews."))
    attendees = list(fair.attendees.filter(cancelled_at__isnull=True).select_related("member__household"))
    live = Interview.objects.filter(fair=fair).exclude(state=Interview.State.CANCELLED)
    kept = [i for i in live.select_related("booth") if i.is_fixed and i.booth.status == Booth.Status.APPROVED]
    dropped = live.exclude(pk__in=[i.pk for i in kept])
    before = {(i.attendee_id, i.booth_id): i.slot for i in dropped}
    dropped.delete()
    booth_ids = {b.pk for b in booths}
    fixed = [
        assignment.Meeting(attendee=i.attendee_id, booth=i.booth_id, slot=i.slot, seat=i.seat, score=i.score)
        for i in kept
        if i.booth_id in booth_ids
    ]
    scores = pair_scores(attendees, booths)
    candidates = [assignment.Candidate(attendee=a, booth=b, score=s) for (a, b), s in scores.items()]
    slots = [slot for booth in booths for slot in _slots(booth)]
    try:
        solution = assignment.schedule(
            candidates,
            slots,
            max_per_attendee=fair.max_interviews,
            gap=fair.gap_minutes,
            priority={a.pk for a in attendees if a.priority},
            priority_bonus=PRIORITY_BONUS if fair.is_graduate_fair else 0.0,
            floor=SCORE_FLOOR,
            fixed=fixed,
        )
    except assignment.ScheduleError as exc:
        raise Conflict(_("The schedule cannot be built: %(why)s") % {"why": str(exc)}) from exc
    made = Interview.objects.bulk_create(
        [
            Interview(
                fair=fair,
                booth_id=cast(int, m.booth),
                attendee_id=cast(int, m.attendee),
                slot=m.slot,
                seat=m.seat,
                score=m.score,
            )
            for m in solution.meetings
        ]
    )
    _tell_schedule(fair, attendees, booths, made, before)
    return ScheduleRun.objects.create(
        fair=fair,
        reason=reason[:100],
        objective=solution.objective,
        greedy=solution.greedy,
        bound=solution.bound,
        interviews=len(solution.meetings) + len(kept),
        kept=len(kept),
        untimed=solution.untimed,
        seconds=round(solution.seconds, 3),
        by=by,
    )


def _times(fair: JobFair, rows: Iterable[tuple[Booth, int]]) -> str:
    """ "09:00 华星物流, 10:30 草原食品": an attendee's interviews in time order."""
    origin = dt.datetime.combine(fair.starts_on, fair.interviews_start)
    items = sorted((origin + dt.timedelta(minutes=booth.slot_start(slot)), booth.employer.name) for booth, slot in rows)
    return ", ".join(f"{at:%H:%M} {name}" for at, name in items)


def _tell_schedule(
    fair: JobFair,
    attendees: list[Attendee],
    booths: list[Booth],
    made: list[Interview],
    before: dict[tuple[int, int], int],
) -> None:
    """Each attendee whose interviews changed (new ones, or moved to another time) hears their
    whole list once; a re-run that changes nothing for them tells them nothing (the key is the list)."""
    by_booth = {b.pk: b for b in booths}
    members = {a.pk: a.member for a in attendees}
    changed: dict[int, list[str]] = {}
    for interview in made:
        previous = before.get((interview.attendee_id, interview.booth_id))
        if previous != interview.slot:
            changed.setdefault(interview.attendee_id, []).append("moved" if previous is not None else "new")
    if not changed:
        return
    live = (
        Interview.objects.filter(fair=fair, attendee_id__in=list(changed))
        .exclude(state=Interview.State.CANCELLED)
        .values_list("attendee_id", "booth_id", "slot")
    )
    mine: dict[int, list[tuple[Booth, int]]] = {}
    for attendee_id, booth_id, slot in live:
        if booth_id in by_booth:
            mine.setdefault(attendee_id, []).append((by_booth[booth_id], slot))
    link = reverse("fairs:mine", args=[fair.pk])
    notices_ = []
    for attendee_id, kinds in changed.items():
        member = members.get(attendee_id)
        if member is None or member.user_id is None:
            continue
        times = _times(fair, mine.get(attendee_id, []))
        moved = _("Some interviews have moved.") if "moved" in kinds else ""
        notices_.append(
            Notice(
                member.user_id,
                {"fair": fair.name, "day": fair.starts_on.isoformat(), "times": times, "changes": moved},
                link,
                key=f"fair:{fair.pk}:schedule:{times}"[:120],
            )
        )
    notify_each(notices.INTERVIEWS.code, notices_, unit=fair.org_unit)


def tomorrow_reminders_send(*, today: dt.date | None = None) -> int:
    """Beat (daily): the day before a fair, each attendee with interviews gets their times, and each
    employer with a booth its booth. Idempotent: keyed by the fair."""
    tomorrow = (today or _today()) + dt.timedelta(days=1)
    sent = 0
    for fair in (
        JobFair.objects.filter(starts_on=tomorrow).exclude(state=JobFair.State.DRAFT).select_related("org_unit")
    ):
        booths = {b.pk: b for b in fair.booths.filter(status=Booth.Status.APPROVED).select_related("employer")}
        mine: dict[int, list[tuple[Booth, int]]] = {}
        rows = (
            Interview.objects.filter(
                fair=fair, attendee__cancelled_at__isnull=True, attendee__member__user__isnull=False
            )
            .exclude(state=Interview.State.CANCELLED)
            .values_list("attendee__member__user_id", "booth_id", "slot")
        )
        for user_id, booth_id, slot in rows.iterator(chunk_size=2000):
            if booth_id in booths:
                mine.setdefault(user_id, []).append((booths[booth_id], slot))
        venue = fair.venue or "-"
        link = reverse("fairs:mine", args=[fair.pk])
        with transaction.atomic():
            sent += len(
                notify_each(
                    notices.INTERVIEWS_TOMORROW.code,
                    [
                        Notice(
                            user_id,
                            {"fair": fair.name, "venue": venue, "times": _times(fair, slots)},
                            link,
                            f"fair:{fair.pk}:tomorrow",
                        )
                        for user_id, slots in mine.items()
                    ],
                    unit=fair.org_unit,
                )
            )
            for booth in booths.values():
                sent += len(
                    notify(
                        EmployerMembership.objects.filter(employer=booth.employer).values_list("user_id", flat=True),
                        notices.FAIR_TOMORROW.code,
                        {"fair": fair.name, "venue": venue, "code": booth.code or ""},
                        reverse("fairs:booth", args=[booth.pk]),
                        key=f"fair:{fair.pk}:tomorrow",
                        unit=fair.org_unit,
                    )
                )
    return sent


# The plan's rule asks for a graduate fair a year; from this month on, units still without one
# (by themselves or a unit below) are reminded monthly.
GRADUATE_FAIR_REMINDER_FROM_MONTH = 6


def graduate_fair_reminders_send(*, today: dt.date | None = None) -> int:
    today = today or _today()
    if today.month < GRADUATE_FAIR_REMINDER_FROM_MONTH:
        return 0
    from fairs.selectors import LOCALITY_KINDS

    paths = list(
        JobFair.objects.filter(kind=JobFair.Kind.GRADUATE, starts_on__year=today.year)
        .exclude(state=JobFair.State.DRAFT)
        .values_list("org_unit__path", flat=True)
    )
    sent = 0
    link = reverse("fairs:graduates")
    for unit in OrgUnit.objects.filter(kind__in=LOCALITY_KINDS, is_active=True).order_by("path"):
        if any(p.startswith(unit.path) for p in paths):
            continue
        sent += len(
            notify(
                staff_of(unit),
                notices.GRADUATE_FAIR_MISSING.code,
                {"unit": unit.name, "year": today.year},
                link,
                key=f"graduate-fair:{today.year}-{today.month:02d}",
                unit=unit,
            )
        )
    return sent


@transaction.atomic
def interview_confirm(*, interview: Interview, by: User) -> Interview:
    """The attendee (or their helper) confirms: the interview stays where it is from now on."""
    interview = (
        Interview.objects.select_for_update(of=("self",))
        .select_related("attendee__member__household__org_unit", "attendee__fair__org_unit")
        .get(pk=interview.pk)
    )
    _attendee_side(by, interview.attendee)
    if interview.state == Interview.State.CANCELLED:
        raise Conflict(_("This interview was cancelled."))
    if interview.attendee.fair.is_over_on(_today()):
        raise Conflict(_("The fair is over; there is nothing left to confirm."))
    interview.state = Interview.State.CONFIRMED
    interview.save(update_fields=["state"])
    return interview


def _clashes(attendee: Attendee, booth: Booth, slot: int, gap: int) -> bool:
    start = booth.slot_start(slot)
    end = start + booth.slot_minutes
    for other in attendee.interviews.exclude(state=Interview.State.CANCELLED).select_related("booth"):
        o_start = other.booth.slot_start(other.slot)
        o_end = o_start + other.booth.slot_minutes
        if not (start >= o_end + gap or end + gap <= o_start):
            return True
    return False


@retry_transient
@transaction.atomic
def interview_book(*, booth: Booth, attendee: Attendee, slot: int, by: User) -> Interview:
    """Put one attendee into a slot by hand (a walk-in at the booth, a change on the day).

    Bookings at one booth run one after the other: the booth row is locked (so two walk-ins never
    pick the same free seat, and the booth cannot lose the slot meanwhile), then the attendee's (one
    place at a time). The ``one_interview_per_seat`` constraint stays the last word: a loser is told
    the slot is full and nothing is written.

    The booth is locked ``FOR NO KEY UPDATE`` and only its own row (``of=``): bookings still queue
    on it, but the foreign-key checks of other writers that merely point at the booth (a schedule
    being committed) do not wait for it, and the fair row is never locked here."""
    booth = (
        Booth.objects.select_for_update(of=("self",), no_key=True)
        .select_related("fair__org_unit", "employer")
        .get(pk=booth.pk)
    )
    if by.role == Role.EMPLOYER:
        employer = _employer_of(by)
        # A walk-in is a person the company is shown: only while it is verified.
        if employer is None or employer.pk != booth.employer_id or not visibility.sees_people(by):
            raise NotFound(_("No such booth."))
    else:
        _require_manager(by, booth.fair)
    attendee = Attendee.objects.select_for_update(of=("self",)).select_related("fair").get(pk=attendee.pk)
    if attendee.fair_id != booth.fair_id or attendee.cancelled_at is not None:
        raise NotFound(_("No such registration."))
    if booth.status != Booth.Status.APPROVED:
        raise Conflict(_("This booth is not approved."))
    if not 0 <= int(slot) < booth.slot_count:
        raise InvalidInput(_("This booth has no slot %(n)s.") % {"n": int(slot) + 1}, field="slot")
    if attendee.interviews.filter(booth=booth).exclude(state=Interview.State.CANCELLED).exists():
        raise Conflict(_("This person already has an interview at this booth."))
    if _clashes(attendee, booth, int(slot), booth.fair.gap_minutes):
        raise Conflict(_("This person has another interview at that time."), field="slot")
    taken = set(
        Interview.objects.filter(booth=booth, slot=slot)
        .exclude(state=Interview.State.CANCELLED)
        .values_list("seat", flat=True)
    )
    free = [s for s in range(booth.slot_capacity) if s not in taken]
    if not free:
        raise Conflict(_("This interview slot is full."), field="slot")
    try:
        with transaction.atomic():
            return Interview.objects.create(
                fair=booth.fair,
                booth=booth,
                attendee=attendee,
                slot=slot,
                seat=free[0],
                state=Interview.State.CONFIRMED,
            )
    except IntegrityError as exc:
        raise Conflict(_("This interview slot is full."), field="slot") from exc


def interview_book_by_code(*, booth: Booth, code: str, slot: int, by: User) -> Interview:
    """A person who came to the booth without an interview there: the employer types their
    check-in code (or scans their QR code) and books them into a free slot."""
    booth = Booth.objects.select_related("fair").get(pk=booth.pk)
    attendee = _attendee_from(booth.fair, code)
    return interview_book(booth=booth, attendee=attendee, slot=slot, by=by)


# --- check-in ------------------------------------------------------------------------------------------


def checkin_token(attendee: Attendee) -> str:
    """The signed content of the attendee's QR code: which fair, which registration."""
    return qrcodes.sign({"f": attendee.fair_id, "a": attendee.pk}, salt=QR_SALT)


def _attendee_from(fair: JobFair, text: str) -> Attendee:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Scan a QR code or type the check-in code."), field="code")
    if len(text) <= 12:  # a typed check-in code
        attendee = Attendee.objects.select_related("member").filter(fair=fair, code=text.upper()).first()
        if attendee is None:
            raise InvalidInput(
                _("No registration for this fair has the code “%(code)s”.") % {"code": text}, field="code"
            )
        return attendee
    payload = qrcodes.unsign(text, salt=QR_SALT)
    if payload is None:
        raise InvalidInput(
            _("This QR code is not valid: it was not issued by this platform, or it has been altered."), field="code"
        )
    if payload.get("f") != fair.pk:
        raise InvalidInput(_("This QR code is for another job fair."), field="code")
    attendee_id = payload.get("a")
    attendee = (
        Attendee.objects.select_related("member").filter(fair=fair, pk=attendee_id).first()
        if isinstance(attendee_id, int)
        else None
    )
    if attendee is None:
        raise InvalidInput(_("This registration no longer exists."), field="code")
    return attendee


@dataclass
class ScanResult:
    scan_id: str
    status: str  # "checked_in", "repeat", "already_synced", "invalid"
    message: str
    name: str = ""
    attendee: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.scan_id, "status": self.status, "message": self.message, "name": self.name}


def _require_checkin_staff(by: User, fair: JobFair) -> None:
    if not visibility.may(by, Action.CHECK_IN):
        raise Forbidden(_("Only staff at the entrance check people in."))
    if not fair_in_reach(by, fair):
        raise NotFound(_("No such job fair."))


def checkin_scan(
    *, fair: JobFair, by: User, scan_id: str, code: str, scanned_at: dt.datetime | None = None
) -> ScanResult:
    """One scan. Idempotent on ``scan_id``: the phone may send the same scan again and again."""
    _require_checkin_staff(by, fair)
    return _scan(fair, by, scan_id, code, scanned_at)


def _scan(fair: JobFair, by: User, scan_id: str, code: str, scanned_at: dt.datetime | None) -> ScanResult:
    scan_id = (scan_id or "").strip()[:64]
    if not scan_id:
        raise InvalidInput(_("Each scan needs its id."), field="id")
    done = CheckIn.objects.filter(scan_id=scan_id).select_related("attendee__member").first()
    if done is not None and done.attendee.fair_id != fair.pk:
        # Scan ids are unique across fairs: one already used at another fair must neither name that
        # fair's attendee nor pass for this fair's scan.
        return ScanResult(scan_id, "invalid", _("This scan id was already used at another job fair."))
    if done is not None:
        return ScanResult(
            scan_id, "already_synced", _("Already received."), done.attendee.member.name, done.attendee_id
        )
    try:
        attendee = _attendee_from(fair, code)
    except InvalidInput as exc:
        return ScanResult(scan_id, "invalid", exc.message)
    if attendee.cancelled_at is not None:
        return ScanResult(scan_id, "invalid", _("This registration was cancelled."), attendee.member.name, attendee.pk)
    if _today() < fair.starts_on:
        # A scan before the fair is no attendance: counted, it would swell the report's check-ins.
        return ScanResult(
            scan_id,
            "invalid",
            _("The fair has not begun: check-in opens on %(day)s.") % {"day": fair.starts_on.isoformat()},
            attendee.member.name,
            attendee.pk,
        )
    now = timezone.now()
    at = scanned_at if scanned_at is not None and scanned_at <= now else now
    try:
        with transaction.atomic():
            # Count the person once: only the first scan sets the time (a conditional update, so
            # two phones scanning the same person at once cannot both count them).
            first = Attendee.objects.filter(pk=attendee.pk, checked_in_at__isnull=True).update(checked_in_at=at)
            CheckIn.objects.create(attendee=attendee, scan_id=scan_id, scanned_at=at, repeat=not first, by=by)
    except IntegrityError:
        return ScanResult(scan_id, "already_synced", _("Already received."), attendee.member.name, attendee.pk)
    if first:
        return ScanResult(
            scan_id,
            "checked_in",
            _("Welcome, %(name)s.") % {"name": attendee.member.name},
            attendee.member.name,
            attendee.pk,
        )
    return ScanResult(
        scan_id,
        "repeat",
        _("%(name)s is already checked in.") % {"name": attendee.member.name},
        attendee.member.name,
        attendee.pk,
    )


def checkin_sync(*, fair: JobFair, by: User, scans: Sequence[dict[str, Any]]) -> list[ScanResult]:
    """A batch of queued scans from a phone that was offline. Each is answered on its own."""
    _require_checkin_staff(by, fair)
    if len(scans) > MAX_SCANS_PER_BATCH:
        raise InvalidInput(_("At most %(n)d scans at once.") % {"n": MAX_SCANS_PER_BATCH}, field="scans")
    results = []
    for scan in scans:
        if not isinstance(scan, dict):
            raise InvalidInput(_("Each scan is an object with an id and a code."), field="scans")
        at = parse_datetime(str(scan.get("at") or "")) if scan.get("at") else None
        if at is not None and timezone.is_naive(at):
            at = timezone.make_aware(at)
        results.append(_scan(fair, by, str(scan.get("id") or ""), str(scan.get("code") or ""), at))
    return results


# --- outcomes ------------------------------------------------------------------------------------------

OUTCOME_ORDER = ["", Interview.Outcome.INTERVIEWED, Interview.Outcome.OFFER, Interview.Outcome.HIRED]
APPLICATION_TARGET: dict[str, str] = {
    Interview.Outcome.INTERVIEWED: Application.State.INTERVIEW,
    Interview.Outcome.OFFER: Application.State.OFFERED,
    Interview.Outcome.NOT_SELECTED: Application.State.REJECTED,
}
# The employer's steps through the application's state machine to reach each state.
PATH: list[str] = [Application.State.APPLIED, Application.State.INTERVIEW, Application.State.OFFERED]


@transaction.atomic
def interview_record_outcome(
    *,
    interview: Interview,
    by: User,
    outcome: str,
    posting: JobPosting | None = None,
    start_date: dt.date | None = None,
    monthly_wage: int | None = None,
) -> Interview:
    """The employer records what came of a meeting at its booth: the person's application for the
    job moves with it (``jobs.services``), and a hire is a placement.

    Only for people the employer met: scheduled at its booth, not cancelled. Everything happens in
    one transaction: a refused hire leaves the application and the interview as they were."""
    interview = (
        Interview.objects.select_for_update(of=("self",))
        .select_related("booth__employer", "booth__fair", "attendee__member")
        .get(pk=interview.pk)
    )
    booth = interview.booth
    employer = _employer_of(by) if by.role == Role.EMPLOYER else None
    if employer is None or employer.pk != booth.employer_id or not visibility.sees_people(by):
        raise NotFound(_("You did not meet this person at your booth."))
    if interview.state == Interview.State.CANCELLED or interview.attendee.cancelled_at is not None:
        raise Conflict(_("You did not meet this person at your booth: the interview was cancelled."))
    if _today() < booth.fair.starts_on:
        # Before the fair nobody has met at the booth; an outcome now would be a placement by hand.
        raise Conflict(_("You did not meet this person at your booth: the fair has not begun."))
    if outcome not in Interview.Outcome.values or not outcome:
        raise InvalidInput(_("Choose the outcome."), field="outcome")
    if interview.outcome == Interview.Outcome.HIRED:
        raise Conflict(_("The hire is already recorded."))
    if (
        outcome in OUTCOME_ORDER
        and interview.outcome in OUTCOME_ORDER
        and OUTCOME_ORDER.index(outcome) < OUTCOME_ORDER.index(interview.outcome)
    ):
        # The application never moves back (``_move_to``): the interview's outcome, which the
        # report counts, must not either, or an offer would vanish from the counts.
        raise Conflict(
            _("“%(outcome)s” is already recorded for this interview.") % {"outcome": interview.get_outcome_display()}
        )
    if outcome == Interview.Outcome.HIRED and (start_date is None or monthly_wage is None):
        raise InvalidInput(_("Record the hire with its start date and wage."), field="start_date")
    booth_postings = list(booth.postings.all())
    if posting is None:
        posting = _best_posting(interview, booth_postings)
    if posting is None:
        raise InvalidInput(_("Choose the job."), field="posting")
    if posting.pk not in {p.pk for p in booth_postings}:
        raise InvalidInput(_("This job is not among those your booth brings."), field="posting")
    note = _("Met at the job fair “%(fair)s”, booth %(code)s.") % {"fair": booth.fair.name, "code": booth.code}
    application = job_services.application_at_fair(posting=posting, member=interview.attendee.member, by=by, note=note)
    if outcome == Interview.Outcome.HIRED:
        _move_to(application, Application.State.OFFERED, by)
        assert start_date is not None and monthly_wage is not None  # checked before anything was written
        job_services.application_hire(application=application, by=by, start_date=start_date, monthly_wage=monthly_wage)
    else:
        _move_to(application, APPLICATION_TARGET[outcome], by)
    application.refresh_from_db()
    interview.outcome, interview.posting, interview.application = outcome, posting, application
    interview.outcome_by, interview.outcome_at = by, timezone.now()
    if interview.state == Interview.State.PROPOSED:
        interview.state = Interview.State.CONFIRMED  # it happened: it stays where it is
    interview.save(update_fields=["outcome", "posting", "application", "outcome_by", "outcome_at", "state"])
    return interview


def _best_posting(interview: Interview, postings: list[JobPosting]) -> JobPosting | None:
    """The job the person was met for: the one recorded before, else the booth's best match."""
    for posting in postings:
        if posting.pk == interview.posting_id:
            return posting
    scores = dict(
        Match.objects.filter(member_id=interview.attendee.member_id, posting__in=postings).values_list(
            "posting_id", "score"
        )
    )
    return max(postings, key=lambda p: (scores.get(p.pk, -1.0), -p.pk), default=None)


def _move_to(application: Application, target: str, by: User) -> None:
    application.refresh_from_db()
    current = Application.State.APPLIED if application.state == Application.State.VIEWED else application.state
    if application.state == target:
        return
    if target == Application.State.REJECTED:
        job_services.application_move(application=application, by=by, to_state=target)
        return
    if current in PATH and PATH.index(current) >= PATH.index(target):
        return  # already further along: a fair never moves an application back
    if current not in PATH:
        raise Conflict(
            _("The application for this job is “%(state)s”; it cannot move on from the fair.")
            % {"state": application.get_state_display()}
        )
    for step in PATH[PATH.index(current) + 1 : PATH.index(target) + 1]:
        job_services.application_move(application=application, by=by, to_state=step)
