"""Every write of 技能培训促就业. Each function checks who is acting, validates, and saves in one
transaction; a refusal is a ``core.errors.DomainError`` with a message for the person acting, and
nothing is written.

Seats: every path that gives or frees a seat first locks the cohort row (``select_for_update``), so
enrolments and cancellations of one cohort run one after the other; the seat number's unique
constraint is the database's second guard. On SQLite the whole database is locked by the first
write of the (IMMEDIATE) transaction, which serialises them just the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import OrgUnit, Role, User
from accounts.visibility import Action
from core import qrcodes
from core.dates import check_date
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.models import Region
from households import services as household_services
from households.models import Household, Member, TargetGroup, Track
from notifications.services import notify
from skills.models import Skill
from training import notices
from training.models import Attendance, Certificate, Cohort, Completion, Course, Enrolment, Provider, Session

# The QR code a trainee shows carries their enrolment, signed with this salt: a token made for
# anything else in the project does not open an attendance.
ATTENDANCE_SALT = "training.attendance"
MAX_BATCH = 200
# A certificate's scan is a photo or a PDF of one page or two; anything else is refused before it is
# written to the media store.
MAX_SCAN_BYTES = 10 * 1024 * 1024
SCAN_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png")


def _today() -> dt.date:
    return timezone.localdate()


def _require(by: User, action: Action, unit: OrgUnit | None = None) -> None:
    if not visibility.may(by, action, unit):
        raise Forbidden(_("Your role does not allow this."))


# --- eligibility ---------------------------------------------------------------------------------------


def eligibility_problem(
    course: Course,
    member: Member,
    *,
    on: dt.date,
    groups: set[str] | None = None,
    wanted: dict[str, Any] | None = None,
) -> str | None:
    """Why ``member`` may not take ``course`` (None when they may). ``groups``: the codes of the
    household's target groups, and ``wanted``: the course's target groups by code, when the caller
    has them already (many people against many courses: asking the course each time costs more than
    the check itself)."""
    household = member.household
    if not member.is_current or household.state not in (Household.State.ACTIVE, Household.State.EXITED):
        return _("%(name)s is not a current member of a household in the archive.") % {"name": member.name}
    if member.work_capacity == Member.WorkCapacity.NONE:
        return _("%(name)s is recorded as unable to work; this course is for people able to work.") % {
            "name": member.name
        }
    if member.work_capacity == Member.WorkCapacity.PARTIAL and not course.partial_capacity_ok:
        return _("This course needs full work capacity; %(name)s has partial capacity.") % {"name": member.name}
    age = member.age_on(on)
    if not course.min_age <= age <= course.max_age:
        return _("This course is for ages %(low)d to %(high)d; %(name)s will be %(age)d.") % {
            "low": course.min_age,
            "high": course.max_age,
            "name": member.name,
            "age": age,
        }
    if wanted is None:
        wanted = {g.code: g for g in course.target_groups.all()}
    if wanted:
        held = groups if groups is not None else set(household.target_groups.values_list("code", flat=True))
        if not held & set(wanted):
            names = "、".join(str(g) for g in wanted.values())
            return _("This course is for the target groups %(groups)s; %(name)s's household is in none of them.") % {
                "groups": names,
                "name": member.name,
            }
    return None


# --- the catalogue -------------------------------------------------------------------------------------


@transaction.atomic
def provider_create(*, by: User, name: str, kind: str = Provider.Kind.SCHOOL, contact: str = "") -> Provider:
    _require(by, Action.MANAGE_TRAINING)
    name = name.strip()
    if not name:
        raise InvalidInput(_("Name the provider."), field="name")
    if kind not in Provider.Kind.values:
        raise InvalidInput(_("Unknown kind of provider."), field="kind")
    if Provider.objects.filter(name=name).exists():
        raise Conflict(_("A provider with this name exists already."), field="name")
    return Provider.objects.create(name=name, kind=kind, contact=contact.strip())


@dataclass
class CourseInput:
    title: str
    provider: Provider | None  # None: ``new_provider`` names one to add with the course
    org_unit: OrgUnit
    skills: Sequence[Skill]
    region: str
    hours: int
    level: str = Course.Level.BASIC
    mode: str = Course.Mode.ON_SITE
    venue: str = ""
    cost: int = 0
    subsidised: bool = True
    description: str = ""
    target_groups: Sequence[str] = ()
    min_age: int = 16
    max_age: int = 60
    partial_capacity_ok: bool = True
    new_provider: str = ""
    new_provider_kind: str = Provider.Kind.SCHOOL


def _clean_course(data: CourseInput) -> dict[str, Any]:
    title = data.title.strip()
    if not title:
        raise InvalidInput(_("Give the course a title."), field="title")
    if not data.skills:
        raise InvalidInput(_("Name at least one skill the course teaches."), field="skills")
    if data.level not in Course.Level.values:
        raise InvalidInput(_("Unknown level."), field="level")
    if data.mode not in Course.Mode.values:
        raise InvalidInput(_("Unknown mode."), field="mode")
    if not 0 < int(data.hours) <= 2000:
        raise InvalidInput(_("Hours must be between 1 and 2000."), field="hours")
    if not 0 <= int(data.cost) <= 100_000:
        raise InvalidInput(_("The cost must be between 0 and 100,000 CNY."), field="cost")
    if not 0 <= data.min_age <= data.max_age <= 100:
        raise InvalidInput(_("Give an age range from a lower to a higher age."), field="min_age")
    region = Region.objects.filter(pk=data.region).first()
    if region is None:
        raise InvalidInput(_("Unknown region."), field="region")
    return {
        "title": title,
        "provider": data.provider,
        "org_unit": data.org_unit,
        "level": data.level,
        "mode": data.mode,
        "region": region,
        "venue": data.venue.strip(),
        "hours": int(data.hours),
        "cost": int(data.cost),
        "subsidised": data.subsidised,
        "description": data.description.strip(),
        "min_age": data.min_age,
        "max_age": data.max_age,
        "partial_capacity_ok": data.partial_capacity_ok,
    }


@transaction.atomic
def course_create(*, by: User, data: CourseInput) -> Course:
    """Add a course; with ``data.new_provider``, its provider too, in the same transaction (a course
    refused must not leave a provider behind, which would then block sending the form again)."""
    _require(by, Action.MANAGE_TRAINING, data.org_unit)
    values = _clean_course(data)
    if values["provider"] is None:
        values["provider"] = provider_create(by=by, name=data.new_provider, kind=data.new_provider_kind)
    course = Course.objects.create(**values)
    course.skills.set(data.skills)
    groups = list(TargetGroup.objects.filter(code__in=list(data.target_groups)))
    if len(groups) != len(set(data.target_groups)):
        raise InvalidInput(_("Unknown target group."), field="target_groups")
    course.target_groups.set(groups)
    return course


@transaction.atomic
def cohort_create(
    *,
    by: User,
    course: Course,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    enrolment_deadline: dt.date,
    seats: int,
    venue: str = "",
    sessions: Sequence[dt.datetime] = (),
) -> Cohort:
    _require(by, Action.MANAGE_TRAINING, course.org_unit)
    if not name.strip():
        raise InvalidInput(_("Name the cohort."), field="name")
    if not 0 < int(seats) <= 1000:
        raise InvalidInput(_("Seats must be between 1 and 1000."), field="seats")
    for day, field in ((starts_on, "starts_on"), (ends_on, "ends_on"), (enrolment_deadline, "enrolment_deadline")):
        check_date(day, field=field)
    if ends_on < starts_on:
        raise InvalidInput(_("A cohort cannot end before it starts."), field="ends_on")
    if enrolment_deadline > starts_on:
        raise InvalidInput(_("The enrolment deadline must be on or before the first day."), field="enrolment_deadline")
    if any(not starts_on <= timezone.localdate(at) <= ends_on for at in sessions):
        # More class days than the cohort has days would put attendance on days it does not run.
        raise InvalidInput(_("Every class day must fall between the first and the last day."), field="sessions")
    cohort = Cohort.objects.create(
        course=course,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        enrolment_deadline=enrolment_deadline,
        seats=int(seats),
        venue=venue.strip(),
    )
    for at in sessions:
        Session.objects.create(cohort=cohort, starts_at=at)
    return cohort


# --- enrolment -----------------------------------------------------------------------------------------


def _via(by: User, member: Member) -> str:
    """Who may enrol ``member``: the worker themselves, or staff whose reach holds the household."""
    if by.role == Role.WORKER:
        if member.user_id != by.pk or not visibility.may(by, Action.ENROL):
            raise NotFound(_("No such member."))
        return Enrolment.Via.SELF
    if not visibility.may(by, Action.ENROL_OTHERS, member.household.org_unit):
        raise NotFound(_("No such member."))
    return Enrolment.Via.HELPER if by.role == Role.HELPER else Enrolment.Via.ORGANIZER


def _lock(cohort: Cohort) -> Cohort:
    """The cohort row, locked until the transaction ends: seats are counted under this lock."""
    return Cohort.objects.select_for_update(of=("self",)).select_related("course").get(pk=cohort.pk)


def _free_seat(cohort: Cohort) -> int | None:
    taken = set(Enrolment.objects.filter(cohort=cohort, state__in=Enrolment.HOLDS_SEAT).values_list("seat", flat=True))
    if len(taken) >= cohort.seats:
        return None
    return next(n for n in range(1, cohort.seats + 1) if n not in taken)


def _check_open(cohort: Cohort) -> None:
    if cohort.is_cancelled:
        raise InvalidInput(_("This cohort is cancelled."), field="cohort")
    if not cohort.course.is_active:
        raise InvalidInput(_("This course is no longer in the catalogue."), field="cohort")
    if _today() > cohort.enrolment_deadline:
        raise InvalidInput(
            _("Enrolment for this cohort closed on %(day)s.") % {"day": cohort.enrolment_deadline.isoformat()},
            field="cohort",
            code="deadline",
        )


def _tell_seat(enrolment: Enrolment, how: str) -> None:
    """The trainee hears where they stand (a seat, the waiting list, promoted to a seat)."""
    cohort, member = enrolment.cohort, enrolment.member
    notify(
        [member.user_id],
        notices.SEAT.code,
        {"course": cohort.course.title, "starts": cohort.starts_on.isoformat(), "how": how},
        reverse("training:mine"),
        key=f"enrolment:{enrolment.pk}:{how}",
        unit=member.household.org_unit,
    )


def _enrol_one(cohort: Cohort, member: Member, by: User, via: str) -> Enrolment:
    if Enrolment.objects.filter(cohort=cohort, member=member, state__in=Enrolment.LIVE).exists():
        raise Conflict(_("%(name)s is already enrolled in this cohort.") % {"name": member.name}, field="member")
    problem = eligibility_problem(cohort.course, member, on=cohort.starts_on)
    if problem:
        raise InvalidInput(problem, field="member", code="ineligible")
    seat = _free_seat(cohort)
    enrolment = Enrolment.objects.create(
        cohort=cohort,
        member=member,
        state=Enrolment.State.ENROLLED if seat else Enrolment.State.WAITING,
        seat=seat,
        seated_at=timezone.now() if seat else None,
        via=via,
        enrolled_by=by,
    )
    if via != Enrolment.Via.SELF:  # someone else enrolled them: they need to know
        _tell_seat(enrolment, "enrolled" if seat else "waiting")
    return enrolment


@transaction.atomic
def enrolment_create(*, cohort: Cohort, member: Member, by: User) -> Enrolment:
    """Enrol ``member`` in ``cohort``: a seat while there is one, else a place on the waiting list."""
    via = _via(by, member)
    cohort = _lock(cohort)
    _check_open(cohort)
    return _enrol_one(cohort, member, by, via)


@transaction.atomic
def enrolment_create_many(*, cohort: Cohort, members: Sequence[Member], by: User) -> list[Enrolment]:
    """A helper or organizer enrols a list at once, in the order given: the first get the seats left,
    the others the waiting list. All or nothing: one person who may not enrol refuses the list,
    naming them and why."""
    if by.role == Role.WORKER:
        raise Forbidden(_("Your role does not allow this."))
    if not members:
        raise InvalidInput(_("Choose at least one person."), field="members")
    if len(members) > MAX_BATCH:
        raise InvalidInput(_("Enrol at most %(n)d people at once.") % {"n": MAX_BATCH}, field="members")
    if len({m.pk for m in members}) != len(members):
        raise InvalidInput(_("The list names someone twice."), field="members")
    vias = [_via(by, m) for m in members]
    cohort = _lock(cohort)
    _check_open(cohort)
    return [_enrol_one(cohort, member, by, via) for member, via in zip(members, vias, strict=True)]


def _may_cancel(by: User, enrolment: Enrolment) -> None:
    member = enrolment.member
    if by.role == Role.WORKER:
        if member.user_id != by.pk:
            raise NotFound(_("No such enrolment."))
        return
    if not visibility.may(by, Action.ENROL_OTHERS, member.household.org_unit) and not visibility.may(
        by, Action.MANAGE_TRAINING, enrolment.cohort.course.org_unit
    ):
        raise NotFound(_("No such enrolment."))


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, by: User, reason: str = "") -> tuple[Enrolment, Enrolment | None]:
    """Cancel an enrolment or a place on the waiting list. A seat freed goes, in the same
    transaction, to the first person waiting (who keeps the seat number); returns the cancelled
    enrolment and the one promoted (if any). Cancelling twice is refused."""
    _may_cancel(by, enrolment)
    cohort = _lock(enrolment.cohort)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.state == Enrolment.State.CANCELLED:
        raise Conflict(_("This enrolment was cancelled already."), code="cancelled")
    if enrolment.state == Enrolment.State.COMPLETED:
        raise Conflict(_("A completed course cannot be cancelled."))
    seat = enrolment.seat
    enrolment.state = Enrolment.State.CANCELLED
    enrolment.seat = None
    enrolment.cancelled_at = timezone.now()
    enrolment.cancel_reason = reason.strip()[:200]
    enrolment.save(update_fields=["state", "seat", "cancelled_at", "cancel_reason"])
    promoted = None
    if seat is not None:
        promoted = (
            Enrolment.objects.select_for_update()
            .filter(cohort=cohort, state=Enrolment.State.WAITING)
            .order_by("created_at", "id")
            .first()
        )
        if promoted is not None:
            promoted.state = Enrolment.State.ENROLLED
            promoted.seat = seat
            promoted.seated_at = timezone.now()
            promoted.save(update_fields=["state", "seat", "seated_at"])
            _tell_seat(promoted, "promoted")
    return enrolment, promoted


# --- attendance ----------------------------------------------------------------------------------------


def attendance_token(enrolment: Enrolment) -> str:
    """What the trainee's QR code holds: the enrolment, signed (it cannot be made up or altered)."""
    return qrcodes.sign({"e": enrolment.pk}, salt=ATTENDANCE_SALT)


def enrolment_from_token(token: str) -> int:
    payload = qrcodes.unsign(token, salt=ATTENDANCE_SALT)
    if payload is None or not isinstance(payload.get("e"), int):
        raise InvalidInput(_("This code is not a trainee's attendance code."), field="token")
    return int(payload["e"])


def _may_take_attendance(by: User, session: Session, enrolment: Enrolment) -> None:
    """Staff of the unit running the course (and above it) take the whole register; other staff
    (a station's helper who came with their people) only for the people of their own reach."""
    if not visibility.may(by, Action.RECORD_ATTENDANCE):
        raise Forbidden(_("Your role does not allow this."))
    if visibility.may(by, Action.RECORD_ATTENDANCE, session.cohort.course.org_unit):
        return
    if not visibility.may(by, Action.RECORD_ATTENDANCE, enrolment.member.household.org_unit):
        raise NotFound(_("No such enrolment."))


@transaction.atomic
def attendance_record(
    *, session: Session, enrolment: Enrolment, by: User, method: str = Attendance.Method.ROSTER
) -> tuple[Attendance, bool]:
    """Mark ``enrolment`` present at ``session``; a repeat changes nothing (returns created=False).
    Only people holding a seat in the session's cohort can attend."""
    enrolment = Enrolment.objects.select_related("member__household__org_unit").get(pk=enrolment.pk)
    _may_take_attendance(by, session, enrolment)
    if method not in Attendance.Method.values:
        raise InvalidInput(_("Unknown way of recording attendance."), field="method")
    if enrolment.cohort_id != session.cohort_id or enrolment.state not in Enrolment.HOLDS_SEAT:
        raise InvalidInput(
            _("%(name)s is not enrolled in this cohort.") % {"name": enrolment.member.name},
            field="enrolment",
            code="not_enrolled",
        )
    return Attendance.objects.get_or_create(
        session=session, enrolment=enrolment, defaults={"method": method, "recorded_by": by}
    )


@transaction.atomic
def attendance_scan(*, session: Session, token: str, by: User) -> tuple[Attendance, bool]:
    """A staff member scans (or types) the trainee's code at the door."""
    pk = enrolment_from_token(token)
    enrolment = Enrolment.objects.filter(pk=pk).first()
    if enrolment is None:
        raise InvalidInput(_("This code is not a trainee's attendance code."), field="token")
    return attendance_record(session=session, enrolment=enrolment, by=by, method=Attendance.Method.QR)


@transaction.atomic
def attendance_remove(*, session: Session, enrolment: Enrolment, by: User) -> bool:
    """Untick a box on the roster; True when there was a mark to remove."""
    enrolment = Enrolment.objects.select_related("member__household__org_unit").get(pk=enrolment.pk)
    _may_take_attendance(by, session, enrolment)
    deleted, _rows = Attendance.objects.filter(session=session, enrolment=enrolment).delete()
    return deleted > 0


# --- completion and certificates -----------------------------------------------------------------------


def _require_manager(by: User, enrolment: Enrolment) -> None:
    if not visibility.may(by, Action.MANAGE_TRAINING):
        raise Forbidden(_("Your role does not allow this."))
    if not visibility.may(by, Action.MANAGE_TRAINING, enrolment.cohort.course.org_unit):
        raise NotFound(_("No such enrolment."))


def _score(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        score = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("The score must be a number from 0 to 100."), field="score") from exc
    if not score.is_finite() or not 0 <= score <= 100:
        raise InvalidInput(_("The score must be a number from 0 to 100."), field="score")
    return score.quantize(Decimal("0.1"))


@transaction.atomic
def completion_record(
    *,
    enrolment: Enrolment,
    by: User,
    passed: bool,
    score: Any = None,
    completed_on: dt.date | None = None,
    note: str = "",
) -> Completion:
    """结业: the trainee finished the cohort; the assessment's result and score."""
    _require_manager(by, enrolment)
    cohort = _lock(enrolment.cohort)
    enrolment = Enrolment.objects.select_for_update(of=("self",)).select_related("member").get(pk=enrolment.pk)
    if enrolment.state == Enrolment.State.COMPLETED:
        raise Conflict(_("The completion is recorded already."))
    if enrolment.state != Enrolment.State.ENROLLED:
        raise InvalidInput(
            _("%(name)s does not hold a seat in this cohort.") % {"name": enrolment.member.name}, field="enrolment"
        )
    day = completed_on or _today()
    if day < cohort.starts_on or day > _today():
        raise InvalidInput(_("The completion date must be between the first day and today."), field="completed_on")
    completion = Completion.objects.create(
        enrolment=enrolment,
        completed_on=day,
        passed=bool(passed),
        score=_score(score),
        note=note.strip()[:200],
        recorded_by=by,
    )
    enrolment.state = Enrolment.State.COMPLETED
    enrolment.save(update_fields=["state"])
    return completion


@transaction.atomic
def certificate_issue(
    *,
    enrolment: Enrolment,
    by: User,
    number: str,
    issuer: str,
    issued_on: dt.date | None = None,
    scan: UploadedFile | None = None,
    refresh_matches: bool = True,
) -> Certificate:
    """A certificate for a trainee who completed and passed: every skill the course teaches becomes a
    certified skill on their profile, and their matches refresh once this commits
    (``refresh_matches=False``: only for demo data, which is re-matched as a whole right after)."""
    _require_manager(by, enrolment)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("member", "cohort__course")
        .get(pk=enrolment.pk)
    )
    completion = Completion.objects.filter(enrolment=enrolment).first()
    if completion is None:
        raise InvalidInput(
            _("%(name)s has not completed this course: record the completion first.") % {"name": enrolment.member.name},
            field="enrolment",
            code="not_completed",
        )
    if not completion.passed:
        raise InvalidInput(
            _("%(name)s did not pass the assessment: no certificate.") % {"name": enrolment.member.name},
            field="enrolment",
            code="not_passed",
        )
    if Certificate.objects.filter(completion=completion).exists():
        raise Conflict(_("A certificate was issued for this completion already."))
    number = number.strip()
    if not number or len(number) > 64:
        raise InvalidInput(_("Give the certificate number (at most 64 characters)."), field="number")
    issuer = issuer.strip()
    if not issuer:
        raise InvalidInput(_("Name who issued the certificate."), field="issuer")
    day = issued_on or _today()
    if day < completion.completed_on or day > _today():
        raise InvalidInput(_("The issue date must be between the completion and today."), field="issued_on")
    if Certificate.objects.filter(number=number).exists():
        raise Conflict(_("Certificate number %(n)s is taken already.") % {"n": number}, field="number")
    if scan is not None and (
        (scan.size or 0) > MAX_SCAN_BYTES or not (scan.name or "").lower().endswith(SCAN_EXTENSIONS)
    ):
        raise InvalidInput(_("The scan must be a PDF, JPEG or PNG file of at most 10 MB."), field="scan")
    try:
        with transaction.atomic():  # a number taken at the same instant by someone else
            certificate = Certificate.objects.create(
                completion=completion,
                member=enrolment.member,
                number=number,
                issuer=issuer[:100],
                issued_on=day,
                recorded_by=by,
            )
    except IntegrityError as exc:
        raise Conflict(_("Certificate number %(n)s is taken already.") % {"n": number}, field="number") from exc
    if scan is not None:
        certificate.scan.save(scan.name or "scan", scan, save=True)
    skills = list(enrolment.cohort.course.skills.all())
    certificate.skills.set(skills)
    household_services.member_skill_certify(
        member=enrolment.member, skills=skills, certificate_number=number, by=by, refresh_matches=refresh_matches
    )
    notify(
        [enrolment.member.user_id],
        notices.CERTIFICATE.code,
        {"course": enrolment.cohort.course.title, "number": number},
        reverse("training:mine"),
        key=f"certificate:{certificate.pk}",
        unit=enrolment.member.household.org_unit,
    )
    # The plan's training goal ("masters at least one employable skill") is met by the certificate.
    household_services.plan_goals_meet(
        member=enrolment.member,
        track=Track.TRAINING,
        on=day,
        evidence=_("Certificate %(number)s: %(course)s") % {"number": number, "course": enrolment.cohort.course.title},
        by=by,
    )
    return certificate


# Days ahead that trainees are reminded of their cohort's start.
START_REMINDER_DAYS = 2


def start_reminders_send(*, today: dt.date | None = None) -> int:
    """Beat (daily): everyone with a seat in a cohort starting within two days is reminded once
    (the key names the cohort: a second run, the same day or the next, sends nothing again)."""
    today = today or _today()
    seated = (
        Enrolment.objects.filter(
            state=Enrolment.State.ENROLLED,
            cohort__is_cancelled=False,
            cohort__starts_on__gte=today,
            cohort__starts_on__lte=today + dt.timedelta(days=START_REMINDER_DAYS),
            member__user__isnull=False,
        )
        .values_list("cohort_id", "member__user_id")
        .order_by("cohort_id")
    )
    people: dict[int, list[int]] = {}
    for cohort_id, user_id in seated:
        people.setdefault(cohort_id, []).append(user_id)
    sent = 0
    link = reverse("training:mine")
    for cohort in Cohort.objects.filter(pk__in=list(people)).select_related("course__org_unit"):
        with transaction.atomic():
            sent += len(
                notify(
                    people[cohort.pk],
                    notices.STARTS.code,
                    {
                        "course": cohort.course.title,
                        "starts": cohort.starts_on.isoformat(),
                        "venue": cohort.venue or "-",
                    },
                    link,
                    key=f"cohort:{cohort.pk}:starts",
                    unit=cohort.course.org_unit,
                )
            )
    return sent
