"""招聘会: job fairs, their booths, attendees, interview schedules, check-ins and outcomes.

The invariants the database itself keeps (services check them first, for a clear message; the
constraints decide races between two requests):

* a booth code is given once per fair (``one_booth_per_code``);
* an employer applies once per fair (``one_booth_application_per_employer``);
* a person registers once per fair (``one_registration_per_person``);
* a seat of a booth's slot holds one live interview (``one_interview_per_seat``), and an attendee
  has one live interview per booth (``one_live_interview_per_booth``); "one place at a time" spans
  booths, so the scheduler keeps it and the booking service checks it under a lock on the attendee;
* a scan id is counted once (``one_checkin_per_scan``): phones re-send queued scans freely.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: typed by staff on a phone


def new_checkin_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


class JobFair(models.Model):
    class Kind(models.TextChoices):
        GENERAL = "general", _("General recruitment fair")
        GRADUATE = "graduate", _("Graduate special fair (高校毕业生专场)")
        CROSS_REGIONAL = "cross_regional", _("Cross-regional fair (跨区域)")
        ONLINE = "online", _("Online or live-stream fair")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Open")
        CLOSED = "closed", _("Closed")

    name = models.CharField(pgettext_lazy("fair", "name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.GENERAL)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PUBLISHED)
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="job_fairs", verbose_name=_("organizing unit")
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    interviews_start = models.TimeField(_("interviews start at"), default=dt.time(9, 0))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    stream_url = models.URLField(_("live-stream address"), blank=True)
    # The booth map: the codes of the venue's booths in order ("A01", "A02", ...).
    booth_codes = models.JSONField(_("booth codes"), default=list, blank=True)
    target_groups = models.ManyToManyField(
        "households.TargetGroup", blank=True, related_name="+", verbose_name=_("target groups")
    )
    registration_opens = models.DateField(_("registration opens"))
    registration_closes = models.DateField(_("registration closes"))
    capacity = models.PositiveIntegerField(_("attendee capacity"))
    max_interviews = models.PositiveSmallIntegerField(_("interviews per attendee at most"), default=3)
    gap_minutes = models.PositiveSmallIntegerField(_("minutes between two interviews"), default=10)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("job fair")
        verbose_name_plural = _("job fairs")
        constraints = [
            models.CheckConstraint(
                name="fair_days_are_ordered",
                condition=Q(starts_on__lte=models.F("ends_on")),
                violation_error_message=_("The last day is before the first day."),
            ),
            models.CheckConstraint(
                name="fair_registration_is_ordered",
                condition=Q(registration_opens__lte=models.F("registration_closes")),
                violation_error_message=_("Registration closes before it opens."),
            ),
        ]
        indexes = [models.Index(fields=["org_unit", "starts_on"], name="fair_unit_day")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_graduate_fair(self) -> bool:
        return self.kind == self.Kind.GRADUATE

    def registration_open_on(self, day: dt.date) -> bool:
        return self.registration_opens <= day <= self.registration_closes

    def runs_on(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def is_over_on(self, day: dt.date) -> bool:
        """The fair's last day has passed: nothing about its interviews is asked any more."""
        return day > self.ends_on


class Booth(models.Model):
    """An employer's application for a booth, and, once approved, the booth with its code."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="booths", verbose_name=_("job fair"))
    employer = models.ForeignKey(
        "jobs.Employer", on_delete=models.PROTECT, related_name="fair_booths", verbose_name=_("employer")
    )
    postings = models.ManyToManyField("jobs.JobPosting", related_name="fair_booths", verbose_name=_("postings"))
    # NULL until approved: the unique constraint on (fair, code) must not see two empty codes.
    code = models.CharField(_("booth code"), max_length=16, null=True, blank=True)  # noqa: DJ001
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    slot_count = models.PositiveSmallIntegerField(_("interview slots"), default=8)
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per slot"), default=15)
    slot_capacity = models.PositiveSmallIntegerField(_("people per slot"), default=1)
    note = models.CharField(_("note"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fair", "code", "id"]
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "code"],
                condition=Q(code__isnull=False),
                name="one_booth_per_code",
                violation_error_message=_("This booth is already given to another employer."),
            ),
            models.UniqueConstraint(
                fields=["fair", "employer"],
                name="one_booth_application_per_employer",
                violation_error_message=_("This employer has already applied for a booth at this fair."),
            ),
            models.CheckConstraint(
                name="approved_booths_have_a_code", condition=~Q(status="approved") | Q(code__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code or '-'} {self.employer}"

    def slot_start(self, index: int) -> int:
        """Minutes from the fair's interview start to the start of slot ``index``."""
        return index * self.slot_minutes


class Attendee(models.Model):
    """A person registered for a fair (报名): by themselves, by a helper, or on the day."""

    class Via(models.TextChoices):
        SELF = "self", _("Registered themselves")
        HELPER = "helper", _("Registered by a helper")
        WALK_IN = "walk_in", _("Walk-in on the day")

    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="attendees", verbose_name=_("job fair"))
    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, related_name="fair_registrations", verbose_name=_("attendee")
    )
    via = models.CharField(_("how"), max_length=10, choices=Via.choices, default=Via.SELF)
    # Recent graduates from households in the archive go first at graduate fairs (fixed at registration).
    priority = models.BooleanField(_("priority graduate"), default=False)
    code = models.CharField(_("check-in code"), max_length=8, unique=True, default=new_checkin_code)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    class Meta:
        ordering = ["fair", "registered_at", "id"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "member"],
                name="one_registration_per_person",
                violation_error_message=_("This person is already registered for this fair."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.fair}"

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None


class ScheduleRun(models.Model):
    """One run of the optimiser for a fair: what it achieved beside the greedy baseline and the bound."""

    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="schedule_runs")
    reason = models.CharField(_("reason"), max_length=100)
    objective = models.FloatField(_("objective"))
    greedy = models.FloatField(_("greedy baseline"))
    bound = models.FloatField(_("upper bound"))
    interviews = models.PositiveIntegerField(_("interviews scheduled"))
    kept = models.PositiveIntegerField(_("confirmed interviews kept"))
    untimed = models.PositiveIntegerField(_("chosen pairs not timed"))
    seconds = models.FloatField(_("seconds"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fair", "-at", "-id"]
        verbose_name = _("schedule run")
        verbose_name_plural = _("schedule runs")

    def __str__(self) -> str:
        return f"{self.fair} {self.at:%Y-%m-%d %H:%M}"

    @property
    def gap_percent(self) -> float:
        return 0.0 if self.bound <= 0 else max(0.0, 100.0 * (self.bound - self.objective) / self.bound)


class Interview(models.Model):
    """面试时段: one attendee in one seat of one booth's slot."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    class Outcome(models.TextChoices):
        NONE = "", _("Not recorded")
        INTERVIEWED = "interviewed", _("Interviewed")
        OFFER = "offer", _("Offer made")
        HIRED = "hired", _("Hired")
        NOT_SELECTED = "not_selected", _("Not selected")

    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="interviews")
    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="interviews", verbose_name=_("booth"))
    attendee = models.ForeignKey(
        Attendee, on_delete=models.CASCADE, related_name="interviews", verbose_name=_("attendee")
    )
    slot = models.PositiveSmallIntegerField(_("slot"))
    seat = models.PositiveSmallIntegerField(_("seat"), default=0)
    score = models.FloatField(_("match score"), default=0.0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PROPOSED)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True, default="")
    posting = models.ForeignKey(
        "jobs.JobPosting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("job")
    )
    application = models.ForeignKey(
        "jobs.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="fair_interviews"
    )
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["booth", "slot", "seat"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        constraints = [
            models.UniqueConstraint(
                fields=["booth", "slot", "seat"],
                condition=~Q(state="cancelled"),
                name="one_interview_per_seat",
                violation_error_message=_("This interview slot is already taken."),
            ),
            models.UniqueConstraint(
                fields=["booth", "attendee"],
                condition=~Q(state="cancelled"),
                name="one_live_interview_per_booth",
                violation_error_message=_("This person already has an interview at this booth."),
            ),
        ]
        indexes = [models.Index(fields=["attendee", "state"], name="interview_attendee")]

    def __str__(self) -> str:
        return f"{self.attendee} → {self.booth} #{self.slot}"

    @property
    def is_fixed(self) -> bool:
        """Kept in place when the schedule is re-optimised."""
        return self.state == self.State.CONFIRMED or bool(self.outcome)

    def starts_at(self) -> dt.datetime:
        fair = self.fair
        origin = dt.datetime.combine(fair.starts_on, fair.interviews_start)
        return origin + dt.timedelta(minutes=self.booth.slot_start(self.slot))


class CheckIn(models.Model):
    """One scan at the entrance. Phones queue scans offline and send them again until answered:
    the client's scan id makes a repeated sending harmless; a second scan of the same person is
    kept (``repeat``) but the person is counted once (``Attendee.checked_in_at``)."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="checkins")
    scan_id = models.CharField(_("scan id"), max_length=64, unique=True)
    scanned_at = models.DateTimeField(_("scanned at"))
    received_at = models.DateTimeField(auto_now_add=True)
    repeat = models.BooleanField(_("repeated scan"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-scanned_at", "-id"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self) -> str:
        return f"{self.attendee} {self.scanned_at:%H:%M}"
