"""Every write of 阳光就业. Each function checks who is acting, validates, and saves in one
transaction; a refusal is a ``core.errors.DomainError`` with a message for the person acting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc as uscc_number
from stdnum.exceptions import ValidationError as NumberError

from accounts import visibility
from accounts.models import OrgUnit, Role, User
from accounts.phones import normalize_phone
from accounts.services import user_create
from accounts.visibility import Action
from core.db import retry_transient
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.models import Region
from core.tasks import enqueue_on_commit
from households import services as household_services
from households.models import Household, Member
from jobs import hired, notices
from jobs.models import (
    Application,
    ApplicationEvent,
    Employer,
    EmployerMembership,
    EmploymentService,
    Industry,
    JobPosting,
    PhysicalDemand,
    Placement,
    PostingSkill,
    RetentionCheck,
)
from notifications.services import NoticeAction, notify, resolve
from skills.understanding import occupation_understand, skill_understand

MAX_SALARY = 200_000
MAX_HEADCOUNT = 999
MAX_OPEN_DAYS = 366

# --- who acts ------------------------------------------------------------------------------------------


def employer_of(user: User) -> Employer | None:
    membership = EmployerMembership.objects.select_related("employer").filter(user=user).first()
    return membership.employer if membership else None


def _acts_for(user: User, employer: Employer) -> bool:
    """An employer user for their own company, or union staff whose reach covers the company."""
    if user.role == Role.EMPLOYER:
        return EmployerMembership.objects.filter(user=user, employer=employer).exists()
    return visibility.may(user, Action.REVIEW_POSTINGS, employer.org_unit)


def _require_employer_side(user: User, employer: Employer) -> None:
    if not _acts_for(user, employer):
        raise NotFound(_("No such posting."))  # never confirm that another company's records exist


def _today() -> dt.date:
    return timezone.localdate()


def _refresh_matches(*posting_ids: int) -> None:
    """Re-rank these postings against every seeker once the change is committed. Matching sits
    above this app: the task is enqueued by name."""
    for posting_id in dict.fromkeys(posting_ids):
        enqueue_on_commit("matching.refresh_posting", posting_id)


def _employer_users(employer: Employer) -> list[User]:
    return list(User.objects.filter(employer_membership__employer=employer, is_active=True))


def _tell_employer(application: Application, kind: str) -> None:
    """Every login of the posting's employer hears of the applicant."""
    posting = application.posting
    notify(
        _employer_users(posting.employer),
        kind,
        {"member": application.member.name, "posting": posting.title},
        reverse("jobs:pipeline", args=[posting.pk]),
        key=f"application:{application.pk}:{kind}",
        unit=posting.employer.org_unit,
    )


def _tell_worker(application: Application, kind: str = notices.APPLICATION_STATE.code, **extra: Any) -> None:
    """The applicant hears of a step of their application (when they have a login)."""
    member = application.member
    notify(
        [member.user_id],
        kind,
        {
            "posting": application.posting.title,
            "employer": application.posting.employer.name,
            "state": application.state,
            **extra,
        },
        reverse("jobs:my_applications"),
        key=f"application:{application.pk}:{application.state}",
        unit=member.household.org_unit,
    )


# --- employers -----------------------------------------------------------------------------------------


def _uscc(raw: str) -> str:
    try:
        return str(uscc_number.validate(raw))
    except NumberError as exc:
        raise InvalidInput(
            _("“%(value)s” is not a valid unified social credit code.") % {"value": raw}, field="uscc"
        ) from exc


def _responsible_unit(region: Region) -> OrgUnit:
    """The highest union unit for the employer's county (else its city), else the top of the tree."""
    codes = [region.code, region.parent_id] if region.parent_id else [region.code]
    for code in codes:
        unit = OrgUnit.objects.filter(region_id=code, is_active=True).order_by("depth", "pk").first()
        if unit is not None:
            return unit
    unit = OrgUnit.objects.filter(parent__isnull=True, is_active=True).order_by("pk").first()
    if unit is None:
        raise InvalidInput(_("The union has not set up its units yet."))
    return unit


@dataclass
class EmployerInput:
    name: str
    uscc: str
    contact_name: str
    contact_phone: str
    region_code: str
    industry: str
    address: str = ""
    description: str = ""


def _clean_employer(data: EmployerInput) -> dict[str, Any]:
    name = data.name.strip()
    if not name:
        raise InvalidInput(_("Enter the company name."), field="name")
    if not data.contact_name.strip():
        raise InvalidInput(_("Enter the contact person."), field="contact_name")
    if data.industry not in Industry.values:
        raise InvalidInput(_("Choose the industry."), field="industry")
    region = Region.objects.filter(code=data.region_code).first()
    if region is None:
        raise InvalidInput(_("Unknown region code “%(code)s”.") % {"code": data.region_code}, field="region")
    return {
        "name": name[:120],
        "uscc": _uscc(data.uscc),
        "contact_name": data.contact_name.strip()[:64],
        "contact_phone": normalize_phone(data.contact_phone, field="contact_phone"),
        "region": region,
        "industry": data.industry,
        "address": data.address.strip()[:200],
        "description": data.description.strip(),
    }


@transaction.atomic
def employer_sign_up(*, data: EmployerInput, username: str, password: str) -> tuple[Employer, User]:
    """Self-registration: the company (waiting for verification) and its first employer login.

    Anyone may call it, so it reveals no account: a username that reads as a phone number is
    refused whoever owns the number, and the contact phone is never checked against the logins
    (workers log in with their phones). The login is the username alone until the union verifies
    the company; then the contact phone logs in too, if no other account holds it
    (``employer_verify``)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from accounts.services import PHONE_USERNAME_MESSAGE, phone_in_username

    if phone_in_username(username.strip()):
        raise InvalidInput(str(PHONE_USERNAME_MESSAGE), field="username")
    values = _clean_employer(data)
    if Employer.objects.filter(uscc=values["uscc"]).exists():
        raise Conflict(
            _(
                "A company with this credit code is already registered. To get a login for it, "
                "contact the union federation."
            ),
            field="uscc",
        )
    try:
        validate_password(password)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from exc
    user = user_create(
        username=username.strip(),
        password=password,
        role=Role.EMPLOYER,
        full_name=values["contact_name"],
    )
    employer = Employer.objects.create(org_unit=_responsible_unit(values["region"]), **values)
    EmployerMembership.objects.create(user=user, employer=employer)
    return employer, user


def _contact_phone_logs_in(employer: Employer) -> None:
    """Once verified, the company's contact phone becomes a login of its first user, if that user
    has no phone yet and no other account holds the number (then nothing changes: the union knows
    who the company is, and the login stays the username)."""
    membership = employer.memberships.select_related("user").order_by("created_at", "pk").first()
    if membership is None or membership.user.phone or not employer.contact_phone:
        return
    if User.objects.filter(phone=employer.contact_phone).exists():
        return
    membership.user.phone = employer.contact_phone
    membership.user.save(update_fields=["phone"])


@transaction.atomic
def employer_update(*, employer: Employer, by: User, data: EmployerInput) -> Employer:
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    _require_employer_side(by, employer)
    values = _clean_employer(data)
    if values["uscc"] != employer.uscc:
        if Employer.objects.filter(uscc=values["uscc"]).exclude(pk=employer.pk).exists():
            raise Conflict(_("A company with this credit code is already registered."), field="uscc")
        if employer.is_verified:
            # A new credit code is a new legal entity as far as verification is concerned.
            employer.status = Employer.Status.PENDING
    if employer.is_verified or employer.pending_name:
        # The verified name stays until the union checks the new one (anyone could otherwise take
        # a famous company's name once verified); giving the verified name back withdraws the change.
        new_name = values.pop("name")
        employer.pending_name = "" if new_name == employer.name else new_name
    for key, value in values.items():
        setattr(employer, key, value)
    employer.save()
    return employer


@transaction.atomic
def employer_verify(*, employer: Employer, by: User, approve: bool, note: str = "") -> Employer:
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if not visibility.may(by, Action.VERIFY_EMPLOYERS, employer.org_unit):
        if visibility.may(by, Action.VERIFY_EMPLOYERS):
            raise NotFound(_("No such employer."))
        raise Forbidden(_("Only organizers verify employers."))
    if not approve and not note.strip():
        raise InvalidInput(_("Say why the employer is not verified."), field="note")
    renaming_only = employer.is_verified and bool(employer.pending_name)
    if approve and employer.pending_name:
        employer.name = employer.pending_name
    employer.pending_name = ""
    if not renaming_only:
        employer.status = Employer.Status.VERIFIED if approve else Employer.Status.REJECTED
    employer.status_note = note.strip()[:200]
    if approve or not renaming_only:
        employer.verified_by, employer.verified_at = by, timezone.now()
    employer.save()
    if approve:
        _contact_phone_logs_in(employer)
    notify(
        _employer_users(employer),
        notices.EMPLOYER_VERIFIED.code,
        {"employer": employer.name, "verdict": "approved" if approve else "refused", "note": employer.status_note},
        reverse("jobs:company"),
        unit=employer.org_unit,
    )
    # Its published postings open (or close) with the verification.
    _refresh_matches(*employer.postings.filter(state=JobPosting.State.PUBLISHED).values_list("pk", flat=True))
    return employer


# --- postings ------------------------------------------------------------------------------------------


@dataclass
class PostingInput:
    title: str
    headcount: int
    region_code: str
    salary_min: int
    salary_max: int
    valid_until: dt.date
    description: str = ""
    address: str = ""
    physical_demand: str = PhysicalDemand.MODERATE
    education: str = ""
    accommodation: bool = False
    recruits_other_regions: bool = False
    for_graduates: bool = False
    required_skills: Sequence[str] = ()
    preferred_skills: Sequence[str] = ()


def _clean_posting(data: PostingInput) -> dict[str, Any]:
    title = data.title.strip()
    if not title:
        raise InvalidInput(_("Enter the job title."), field="title")
    try:
        headcount, low, high = int(data.headcount), int(data.salary_min), int(data.salary_max)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("Headcount and salaries are whole numbers."), field="headcount") from exc
    if headcount < 1:
        raise InvalidInput(_("At least one person must be wanted."), field="headcount")
    if headcount > MAX_HEADCOUNT:
        raise InvalidInput(_("At most %(n)d people per posting.") % {"n": MAX_HEADCOUNT}, field="headcount")
    if low < 0 or high < 0:
        raise InvalidInput(_("Salaries cannot be negative."), field="salary_min")
    if low > high:
        raise InvalidInput(
            _("The minimum salary (%(low)d) is above the maximum (%(high)d).") % {"low": low, "high": high},
            field="salary_min",
        )
    if high > MAX_SALARY:
        raise InvalidInput(_("The monthly salary is implausibly high."), field="salary_max")
    if data.valid_until < _today():
        raise InvalidInput(_("The closing date has already passed."), field="valid_until")
    if data.valid_until > _today() + dt.timedelta(days=MAX_OPEN_DAYS):
        raise InvalidInput(_("A posting stays open for at most a year."), field="valid_until")
    if data.physical_demand not in PhysicalDemand.values:
        raise InvalidInput(_("Choose how physically demanding the work is."), field="physical_demand")
    if data.education and data.education not in Member.Education.values:
        raise InvalidInput(_("Unknown education level."), field="education")
    region = Region.objects.filter(code=data.region_code).first()
    if region is None:
        raise InvalidInput(_("Unknown region code “%(code)s”.") % {"code": data.region_code}, field="region")
    return {
        "title": title[:100],
        "description": data.description.strip(),
        "headcount": headcount,
        "region": region,
        "address": data.address.strip()[:200],
        "salary_min": low,
        "salary_max": high,
        "physical_demand": data.physical_demand,
        "education": data.education,
        "accommodation": data.accommodation,
        "recruits_other_regions": data.recruits_other_regions,
        "for_graduates": data.for_graduates,
        "valid_until": data.valid_until,
    }


def _set_skills(posting: JobPosting, data: PostingInput) -> None:
    """Store each skill as written and as understood; phrases that cannot be placed are queued."""
    posting.skills.all().delete()
    seen: set[int] = set()
    rows = []
    for required, phrases in ((True, data.required_skills), (False, data.preferred_skills)):
        for phrase in dict.fromkeys(p.strip()[:100] for p in phrases if p and p.strip()):
            understood = skill_understand(phrase)
            skill = understood.skill
            if understood.not_a_skill:
                continue  # 吃苦耐劳 and the like: a quality, not a skill to match on
            if skill is not None:
                if skill.pk in seen:
                    continue
                seen.add(skill.pk)
            rows.append(PostingSkill(posting=posting, phrase=phrase, skill=skill, required=required))
    if len(rows) > 30:
        raise InvalidInput(_("At most 30 skills per posting."), field="required_skills")
    PostingSkill.objects.bulk_create(rows)


def _code_title(posting: JobPosting) -> None:
    coded = occupation_understand(posting.title)
    posting.occupation = coded.occupation
    posting.occupation_score = round(coded.match.score, 3) if coded.occupation else None


@transaction.atomic
def posting_create(*, employer: Employer, by: User, data: PostingInput) -> JobPosting:
    _require_employer_side(by, employer)
    if employer.status in (Employer.Status.REJECTED, Employer.Status.SUSPENDED):
        raise Forbidden(_("This employer cannot post jobs: %(note)s") % {"note": employer.status_note or "-"})
    posting = JobPosting(employer=employer, created_by=by, **_clean_posting(data))
    _code_title(posting)
    posting._history_user = by  # type: ignore[attr-defined]
    posting.save()
    _set_skills(posting, data)
    return posting


EDITABLE = (JobPosting.State.DRAFT, JobPosting.State.REVIEW, JobPosting.State.PUBLISHED)


@transaction.atomic
def posting_update(*, posting: JobPosting, by: User, data: PostingInput) -> JobPosting:
    """Edit a posting. A published posting goes back under review, so organizers see the change."""
    posting = JobPosting.objects.select_for_update(of=("self",)).select_related("employer").get(pk=posting.pk)
    _require_employer_side(by, posting.employer)
    if posting.state not in EDITABLE:
        raise Conflict(_("A %(state)s posting cannot be edited.") % {"state": posting.get_state_display()})
    values = _clean_posting(data)
    if values["headcount"] < posting.placements.count():
        raise InvalidInput(_("More people are already hired than that."), field="headcount")
    title_changed = values["title"] != posting.title
    for key, value in values.items():
        setattr(posting, key, value)
    if title_changed:
        _code_title(posting)
    if posting.state == JobPosting.State.PUBLISHED and by.role == Role.EMPLOYER:
        posting.state, posting.submitted_at = JobPosting.State.REVIEW, timezone.now()
    posting._history_user = by  # type: ignore[attr-defined]
    posting.save()
    _set_skills(posting, data)
    _refresh_matches(posting.pk)
    return posting


@transaction.atomic
def posting_submit(*, posting: JobPosting, by: User) -> JobPosting:
    posting = JobPosting.objects.select_for_update(of=("self",)).select_related("employer").get(pk=posting.pk)
    _require_employer_side(by, posting.employer)
    if posting.state != JobPosting.State.DRAFT:
        raise Conflict(_("Only a draft can be sent for review."))
    if posting.valid_until < _today():
        raise InvalidInput(_("The closing date has already passed."), field="valid_until")
    posting.state, posting.submitted_at = JobPosting.State.REVIEW, timezone.now()
    posting.save(update_fields=["state", "submitted_at", "updated_at"])
    return posting


@transaction.atomic
def posting_review(*, posting: JobPosting, by: User, approve: bool, note: str = "") -> JobPosting:
    """An organizer publishes a posting, or sends it back to the employer with a note."""
    posting = JobPosting.objects.select_for_update(of=("self",)).select_related("employer__org_unit").get(pk=posting.pk)
    if not visibility.may(by, Action.REVIEW_POSTINGS, posting.employer.org_unit):
        if visibility.may(by, Action.REVIEW_POSTINGS):
            raise NotFound(_("No such posting."))
        raise Forbidden(_("Only organizers review postings."))
    if posting.state != JobPosting.State.REVIEW:
        raise Conflict(_("This posting is not waiting for review."))
    if approve:
        if not posting.employer.is_verified:
            raise Conflict(_("Verify the employer before publishing its postings."))
        if posting.valid_until < _today():
            raise Conflict(_("The closing date has already passed."))
        posting.state, posting.published_at = JobPosting.State.PUBLISHED, timezone.now()
    else:
        if not note.strip():
            raise InvalidInput(_("Tell the employer what to change."), field="note")
        posting.state = JobPosting.State.DRAFT
    posting.reviewed_by, posting.review_note = by, note.strip()[:200]
    posting.save()
    notify(
        _employer_users(posting.employer),
        notices.POSTING_REVIEWED.code,
        {"posting": posting.title, "verdict": "approved" if approve else "refused", "note": posting.review_note},
        reverse("jobs:detail", args=[posting.pk]),
        unit=posting.employer.org_unit,
    )
    _refresh_matches(posting.pk)
    return posting


@transaction.atomic
def posting_withdraw(*, posting: JobPosting, by: User) -> JobPosting:
    posting = JobPosting.objects.select_for_update(of=("self",)).select_related("employer").get(pk=posting.pk)
    _require_employer_side(by, posting.employer)
    if posting.state in (JobPosting.State.FILLED, JobPosting.State.EXPIRED, JobPosting.State.WITHDRAWN):
        raise Conflict(_("This posting is already closed."))
    posting.state = JobPosting.State.WITHDRAWN
    posting.save(update_fields=["state", "updated_at"])
    _close_open_applications(posting, by, _("The employer withdrew the posting."))
    _refresh_matches(posting.pk)
    return posting


def postings_expire(*, today: dt.date | None = None) -> int:
    """Celery beat: published postings past their closing date become expired. Idempotent."""
    today = today or _today()
    with transaction.atomic():
        expiring = JobPosting.objects.select_for_update().filter(
            state=JobPosting.State.PUBLISHED, valid_until__lt=today
        )
        ids = list(expiring.values_list("pk", flat=True))
        JobPosting.objects.filter(pk__in=ids).update(state=JobPosting.State.EXPIRED, updated_at=timezone.now())
        _refresh_matches(*ids)
    return len(ids)


# --- applications --------------------------------------------------------------------------------------

# An applicant not answered after this many days is brought to the employer's attention (weekly).
ANSWER_WITHIN_DAYS = 3


def waiting_applicants_remind(*, today: dt.date | None = None) -> int:
    """Beat (daily, sends weekly): each employer with applications nobody there has answered for
    three days hears how many, once a week (the key is the week)."""
    today = today or _today()
    cutoff = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=ANSWER_WITHIN_DAYS), dt.time.min))
    waiting = (
        # Still "applied": nobody at the company has moved it since it arrived.
        Application.objects.filter(state=Application.State.APPLIED, employer_touched_at__lt=cutoff)
        .values_list("posting__employer_id")
        .annotate(n=Count("pk"))
    )
    year, week, _day = today.isocalendar()
    sent = 0
    for employer in Employer.objects.filter(pk__in=[e for e, _n in waiting]).select_related("org_unit"):
        count = dict(waiting)[employer.pk]
        sent += len(
            notify(
                _employer_users(employer),
                notices.APPLICANTS_WAITING.code,
                {"count": count, "days": ANSWER_WITHIN_DAYS},
                reverse("jobs:postings"),
                key=f"applicants-waiting:{year}-W{week:02d}",
                unit=employer.org_unit,
            )
        )
    return sent


OPEN_STATES = (
    Application.State.INVITED,
    Application.State.APPLIED,
    Application.State.VIEWED,
    Application.State.INTERVIEW,
    Application.State.OFFERED,
)
S = Application.State
# Who may move an application where. "hired" only through application_hire (it needs the terms).
EMPLOYER_MOVES: dict[str, set[str]] = {
    S.APPLIED: {S.VIEWED, S.INTERVIEW, S.OFFERED, S.REJECTED},
    S.VIEWED: {S.INTERVIEW, S.OFFERED, S.REJECTED},
    S.INTERVIEW: {S.OFFERED, S.REJECTED},
    S.OFFERED: {S.REJECTED},
}
WORKER_MOVES: dict[str, set[str]] = {
    S.INVITED: {S.APPLIED, S.WITHDRAWN},
    S.APPLIED: {S.WITHDRAWN},
    S.VIEWED: {S.WITHDRAWN},
    S.INTERVIEW: {S.WITHDRAWN},
    S.OFFERED: {S.WITHDRAWN},
}


def _log(application: Application, by: User | None, from_state: str, note: str = "") -> None:
    ApplicationEvent.objects.create(
        application=application, from_state=from_state, to_state=application.state, actor=by, note=note[:200]
    )


def _may_capacity(member: Member, posting: JobPosting) -> str | None:
    """Heavy and moderate work need full work capacity; light work is open to partial capacity."""
    if member.work_capacity == Member.WorkCapacity.NONE:
        return _("The archive records no work capacity for %(name)s.") % {"name": member.name}
    if posting.physical_demand != PhysicalDemand.LIGHT and member.work_capacity != Member.WorkCapacity.FULL:
        return _("This job is physically demanding; it needs full work capacity.")
    return None


def _require_open(posting: JobPosting) -> None:
    if posting.state == JobPosting.State.FILLED:
        raise Conflict(_("All positions of this job are filled."))
    if posting.state == JobPosting.State.EXPIRED or (
        posting.state == JobPosting.State.PUBLISHED and posting.valid_until < _today()
    ):
        raise Conflict(_("This job closed on %(day)s.") % {"day": posting.valid_until.isoformat()})
    if posting.state != JobPosting.State.PUBLISHED or not posting.employer.is_verified:
        raise Conflict(_("This job is not open for applications."))


def _applicant_side(by: User, member: Member, consent_note: str) -> tuple[str, str]:
    """A worker applies for themselves; staff apply for someone in their reach, consent recorded."""
    if by.role == Role.WORKER:
        if member.user_id != by.pk:
            raise NotFound(_("No such member."))
        return Application.Via.SELF, ""
    household_unit = member.household.org_unit
    if not visibility.may(by, Action.APPLY_FOR_OTHERS, household_unit):
        if visibility.may(by, Action.VIEW_ARCHIVE, household_unit) or not visibility.may(by, Action.APPLY_FOR_OTHERS):
            raise Forbidden(_("Your role cannot apply on someone's behalf."))
        raise NotFound(_("No such member."))
    if not consent_note.strip():
        raise InvalidInput(
            _("Record how %(name)s agreed to this application.") % {"name": member.name}, field="consent_note"
        )
    return Application.Via.HELPER, consent_note.strip()[:200]


@transaction.atomic
def application_apply(
    *, posting: JobPosting, member: Member, by: User, message: str = "", consent_note: str = ""
) -> Application:
    posting = JobPosting.objects.select_related("employer").get(pk=posting.pk)
    member = Member.objects.select_related("household__org_unit").get(pk=member.pk)
    via, consent = _applicant_side(by, member, consent_note)
    _require_open(posting)
    if not member.is_current or member.household.state == Household.State.CLOSED:
        raise InvalidInput(_("%(name)s is no longer in the archive.") % {"name": member.name})
    problem = _may_capacity(member, posting)
    if problem:
        raise InvalidInput(problem)
    existing = Application.objects.filter(posting=posting, member=member).first()
    if existing is not None:
        if existing.state == Application.State.INVITED:
            return application_move(
                application=existing, by=by, to_state=Application.State.APPLIED, note=consent or message
            )
        raise Conflict(_("%(name)s has already applied for this job.") % {"name": member.name})
    try:
        with transaction.atomic():
            application = Application.objects.create(
                posting=posting,
                member=member,
                via=via,
                message=message.strip()[:2000],
                created_by=by,
                consent_recorded_at=timezone.now() if via == Application.Via.HELPER else None,
                consent_note=consent,
                state=Application.State.APPLIED,
            )
    except IntegrityError as exc:  # a double click, or two helpers at once: the constraint decides
        raise Conflict(_("%(name)s has already applied for this job.") % {"name": member.name}) from exc
    _log(application, by, "", consent)
    _tell_employer(application, notices.APPLICATION_NEW.code)
    return application


@transaction.atomic
def application_invite(*, posting: JobPosting, member: Member, by: User, message: str = "") -> Application:
    """An employer invites a worker who agreed to be found by employers."""
    posting = JobPosting.objects.select_related("employer").get(pk=posting.pk)
    if by.role != Role.EMPLOYER:
        raise Forbidden(_("Only the employer invites applicants."))
    _require_employer_side(by, posting.employer)
    member = Member.objects.select_related("household").get(pk=member.pk)
    if not visibility.may(by, Action.FIND_CANDIDATES) or not member.consent_to_be_found or not member.is_current:
        raise NotFound(_("No such candidate."))
    _require_open(posting)
    if Application.objects.filter(posting=posting, member=member).exists():
        raise Conflict(_("This person is already among the applicants."))
    application = Application.objects.create(
        posting=posting,
        member=member,
        via=Application.Via.INVITATION,
        state=Application.State.INVITED,
        message=message.strip()[:2000],
        created_by=by,
    )
    _log(application, by, "")
    move = reverse("jobs:application_move", args=[application.pk])
    notify(
        [member.user_id],
        notices.APPLICATION_INVITED.code,
        {"employer": posting.employer.name, "posting": posting.title, "message": application.message[:200]},
        reverse("jobs:detail", args=[posting.pk]),
        key=f"application:{application.pk}:invited",
        unit=member.household.org_unit,
        actions=[
            NoticeAction("accept", move, {"to_state": Application.State.APPLIED}, primary=True),
            NoticeAction("decline", move, {"to_state": Application.State.WITHDRAWN}),
        ],
    )
    return application


def _mover(by: User, application: Application) -> str:
    """Which side ``by`` acts for on this application: "employer" or "worker"."""
    if by.role == Role.WORKER:
        if application.member.user_id != by.pk:
            raise NotFound(_("No such application."))
        return "worker"
    if by.role == Role.EMPLOYER:
        _require_employer_side(by, application.posting.employer)
        return "employer"
    if visibility.may(by, Action.APPLY_FOR_OTHERS, application.member.household.org_unit):
        return "worker"  # a helper acts for the worker (withdraw, accept an invitation)
    raise NotFound(_("No such application."))


@transaction.atomic
def application_move(*, application: Application, by: User, to_state: str, note: str = "") -> Application:
    """One step of the state machine, logged with who and when."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("posting__employer", "member__household__org_unit")
        .get(pk=application.pk)
    )
    side = _mover(by, application)
    if to_state == Application.State.HIRED:
        raise InvalidInput(_("Record the hire with its start date and wage."), field="to_state")
    moves = EMPLOYER_MOVES if side == "employer" else WORKER_MOVES
    allowed: set[str] = moves.get(application.state, set())
    if to_state not in allowed:
        raise Conflict(
            _("An application that is “%(from)s” cannot become “%(to)s”.")
            % {"from": application.get_state_display(), "to": dict(Application.State.choices).get(to_state, to_state)}
        )
    if to_state == Application.State.APPLIED:  # accepting an invitation is applying: same rules
        _require_open(application.posting)
        problem = _may_capacity(application.member, application.posting)
        if problem:
            raise InvalidInput(problem)
    previous = application.state
    application.state = to_state
    if side == "employer":
        application.employer_touched_at = timezone.now()
    application.save(update_fields=["state", "employer_touched_at", "updated_at"])
    _log(application, by, previous, note)
    if side == "employer":
        if to_state == Application.State.VIEWED:
            _tell_worker(application, notices.APPLICATION_VIEWED.code)
        else:
            _tell_worker(application)
    elif previous == Application.State.INVITED:
        resolve(key=f"application:{application.pk}:invited")  # answered: the buttons go
        if to_state == Application.State.APPLIED:
            _tell_employer(application, notices.APPLICATION_NEW.code)
    return application


def _close_open_applications(
    posting: JobPosting, by: User | None, note: str, exclude: Application | None = None
) -> int:
    closed = 0
    others = posting.applications.filter(state__in=OPEN_STATES)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    for other in others.select_related("member__household"):
        previous, other.state = other.state, Application.State.CLOSED
        other.save(update_fields=["state", "updated_at"])
        _log(other, by, previous, note)
        _tell_worker(other)
        closed += 1
    return closed


@retry_transient
@transaction.atomic
def application_hire(*, application: Application, by: User, start_date: dt.date, monthly_wage: int) -> Placement:
    """The hire: a placement, the household's archive updated, the worker's other applications
    closed, retention checks on the helper's list, and the posting filled at its headcount.

    Locks, in the project's one order (``core.db``): the worker's household and member, the posting,
    then the applications. Two employers hiring the same worker at once therefore queue on the
    member: the second finds its application closed ("hired elsewhere") instead of the two waiting
    on each other's applications in a circle. Two hires for the last seat queue on the posting: the
    second finds no seat left."""
    application = Application.objects.select_related("posting__employer", "member__household__org_unit").get(
        pk=application.pk
    )
    if _mover(by, application) != "employer":
        raise Forbidden(_("Only the employer records a hire."))
    Household.objects.select_for_update().filter(pk=application.member.household_id).first()
    Member.objects.select_for_update().filter(pk=application.member_id).first()
    posting = (
        JobPosting.objects.select_for_update(of=("self",)).select_related("employer").get(pk=application.posting_id)
    )
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.state != Application.State.OFFERED:
        raise Conflict(
            _("Only an offered application can become a hire (this one is “%(state)s”).")
            % {"state": application.get_state_display()}
        )
    if posting.placements.count() >= posting.headcount:
        raise Conflict(_("All %(n)d positions of this job are already filled.") % {"n": posting.headcount})
    try:
        wage = int(monthly_wage)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("Enter the monthly wage."), field="monthly_wage") from exc
    if wage <= 0 or wage > MAX_SALARY:
        raise InvalidInput(_("Enter a plausible monthly wage."), field="monthly_wage")
    if start_date < _today() - dt.timedelta(days=90) or start_date > _today() + dt.timedelta(days=180):
        raise InvalidInput(
            _("The start date must be within three months back or six months ahead."), field="start_date"
        )
    member = application.member
    placement = Placement.objects.create(
        application=application,
        member=member,
        employer=posting.employer,
        posting=posting,
        start_date=start_date,
        monthly_wage=wage,
        created_by=by,
    )
    previous, application.state = application.state, Application.State.HIRED
    application.employer_touched_at = timezone.now()
    application.save(update_fields=["state", "employer_touched_at", "updated_at"])
    _log(application, by, previous)
    _tell_worker(application)
    others = Application.objects.select_for_update().filter(member=member, state__in=OPEN_STATES)
    for other in others.exclude(pk=application.pk).order_by("pk"):
        prior, other.state = other.state, Application.State.CLOSED
        other.save(update_fields=["state", "updated_at"])
        _log(other, by, prior, _("Hired elsewhere"))
        if prior == Application.State.INVITED:
            resolve(key=f"application:{other.pk}:invited")
    RetentionCheck.objects.bulk_create(
        [
            RetentionCheck(placement=placement, months=months, due_on=_add_months(start_date, months))
            for months in settings.RETENTION_CHECK_MONTHS
        ]
    )
    household_services.member_hired(
        member=member, by=by, employer_name=posting.employer.name, start_date=start_date, monthly_wage=wage
    )
    if posting.placements.count() >= posting.headcount:
        posting.state = JobPosting.State.FILLED
        posting.save(update_fields=["state", "updated_at"])
        _close_open_applications(posting, by, _("All positions are filled."), exclude=application)
    _refresh_matches(posting.pk)  # a seat fewer, or none left
    hired.announce(placement.pk)  # the higher layers' follow-ups, on commit (``jobs/hired.py``)
    return placement


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


# --- after the hire ------------------------------------------------------------------------------------


@transaction.atomic
def retention_check_record(
    *, check: RetentionCheck, by: User, outcome: str, note: str = "", done_on: dt.date | None = None
) -> RetentionCheck:
    check = (
        RetentionCheck.objects.select_for_update()
        .select_related("placement__member__household__org_unit")
        .get(pk=check.pk)
    )
    if not visibility.may(by, Action.RECORD_VISIT, check.placement.member.household.org_unit):
        raise NotFound(_("No such follow-up."))
    if outcome not in RetentionCheck.Outcome.values:
        raise InvalidInput(_("Choose the outcome."), field="outcome")
    done_on = done_on or _today()
    if done_on > _today():
        raise InvalidInput(_("A follow-up cannot be recorded before it happens."), field="done_on")
    check.outcome, check.note, check.done_on, check.done_by = outcome, note.strip()[:200], done_on, by
    check.save()
    if outcome in (RetentionCheck.Outcome.LEFT, RetentionCheck.Outcome.CHANGED_JOB) and not check.placement.ended_on:
        check.placement.ended_on = done_on
        check.placement.save(update_fields=["ended_on"])
    return check


@transaction.atomic
def employment_service_record(
    *, member: Member, by: User, kind: str, held_on: dt.date, outcome: str, posting: JobPosting | None = None
) -> EmploymentService:
    member = Member.objects.select_related("household__org_unit").get(pk=member.pk)
    if not visibility.may(by, Action.RECORD_SERVICES, member.household.org_unit):
        if visibility.may(by, Action.RECORD_SERVICES):
            raise NotFound(_("No such member."))
        raise Forbidden(_("Your role does not record employment services."))
    if kind not in EmploymentService.Kind.values:
        raise InvalidInput(_("Choose the service."), field="kind")
    if held_on > _today():
        raise InvalidInput(_("A service cannot be recorded before it happens."), field="held_on")
    if not outcome.strip():
        raise InvalidInput(_("Write down what came of it."), field="outcome")
    return EmploymentService.objects.create(
        member=member, kind=kind, held_on=held_on, provided_by=by, outcome=outcome.strip(), posting=posting
    )


# --- job fairs (appended for fairs/: a meeting at a booth becomes an application) ----------------------


@transaction.atomic
def application_at_fair(*, posting: JobPosting, member: Member, by: User, note: str = "") -> Application:
    """The employer met ``member`` at its booth of a job fair: that meeting is the application.

    The worker registered for the fair and was scheduled at (or came to) the booth; ``fairs.services``
    checks that before calling. An existing application for the posting is reused (an invitation
    becomes an application, as the worker came); otherwise one is made in the "applied" state, from
    where ``application_move`` and ``application_hire`` take it on."""
    posting = JobPosting.objects.select_related("employer").get(pk=posting.pk)
    if by.role != Role.EMPLOYER:
        raise Forbidden(_("Only the employer records what came of a meeting at its booth."))
    _require_employer_side(by, posting.employer)
    member = Member.objects.select_related("household").get(pk=member.pk)
    existing = Application.objects.select_for_update().filter(posting=posting, member=member).first()
    if existing is not None:
        if existing.state == Application.State.INVITED:
            existing.state = Application.State.APPLIED
            existing.save(update_fields=["state", "updated_at"])
            _log(existing, by, Application.State.INVITED, note)
            resolve(key=f"application:{existing.pk}:invited")
        return existing
    _require_open(posting)
    problem = _may_capacity(member, posting)
    if problem:
        raise InvalidInput(problem)
    application = Application.objects.create(
        posting=posting,
        member=member,
        via=Application.Via.FAIR,
        state=Application.State.APPLIED,
        message=note.strip()[:2000],
        created_by=by,
    )
    _log(application, by, "", note)
    return application
