"""技能培训促就业: providers, courses, cohorts and their sessions, enrolments with a waiting list,
attendance, completion with the assessment, and certificates.

Seats are guarded twice. The service locks the cohort row and counts before giving a seat; and a
seat is a number (1..seats) unique within its cohort, so that even a path that forgot the lock
could not give the same seat twice (``one_person_per_seat``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Provider(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", _("Training school")
        GOVERNMENT = "government", _("Government programme")
        ENTERPRISE = "enterprise", _("Enterprise")
        UNION = "union", _("Trade union")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SCHOOL)
    contact = models.CharField(_("contact"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("training provider")
        verbose_name_plural = _("training providers")

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    class Level(models.TextChoices):
        BASIC = "basic", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class Mode(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        ONLINE = "online", _("Online")
        MIXED = "mixed", _("Mixed")

    title = models.CharField(_("title"), max_length=100)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="courses", verbose_name=_("training provider")
    )
    # The unit that commissions and runs the course: its organizers manage it, its reach sees it.
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("union unit")
    )
    skills = models.ManyToManyField("skills.Skill", related_name="courses", verbose_name=_("skills taught"))
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.BASIC)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.ON_SITE)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    hours = models.PositiveSmallIntegerField(_("hours"))
    cost = models.PositiveIntegerField(_("cost (CNY)"), default=0)
    subsidised = models.BooleanField(
        _("subsidised"),
        default=True,
        help_text=_("Free for members of households in the archive."),
    )
    description = models.TextField(_("description"), blank=True)
    # Eligibility: no target group listed means every group.
    target_groups = models.ManyToManyField(
        "households.TargetGroup", blank=True, related_name="+", verbose_name=_("target groups")
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=16)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), default=60)
    partial_capacity_ok = models.BooleanField(_("open to people with partial work capacity"), default=True)
    is_active = models.BooleanField(_("in the catalogue"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                name="course_ages_in_order",
                condition=Q(min_age__lte=models.F("max_age")),
                violation_error_message=_("The minimum age must not be above the maximum age."),
            ),
            models.CheckConstraint(name="course_has_hours", condition=Q(hours__gt=0)),
        ]

    def __str__(self) -> str:
        return self.title

    def price_for_archived(self) -> int:
        """What a member of an archived household pays."""
        return 0 if self.subsidised else self.cost


class Cohort(models.Model):
    """One run of a course (班次): dates, seats and the last day to enrol."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("course"))
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    enrolment_deadline = models.DateField(_("enrolment deadline"))
    seats = models.PositiveSmallIntegerField(_("seats"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.CheckConstraint(name="cohort_has_seats", condition=Q(seats__gt=0)),
            models.CheckConstraint(
                name="cohort_dates_in_order",
                condition=Q(starts_on__lte=models.F("ends_on")),
                violation_error_message=_("A cohort cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["enrolment_deadline"])]

    def __str__(self) -> str:
        return f"{self.course} · {self.name}"

    def is_open_on(self, day: dt.date) -> bool:
        return not self.is_cancelled and day <= self.enrolment_deadline


class Session(models.Model):
    """One class meeting of a cohort: attendance is taken per session."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cohort"))
    starts_at = models.DateTimeField(_("starts at"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=4)
    topic = models.CharField(_("topic"), max_length=100, blank=True)

    class Meta:
        ordering = ["cohort", "starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.cohort} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class Enrolment(models.Model):
    class State(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")

    class Via(models.TextChoices):
        SELF = "self", _("By the worker")
        HELPER = "helper", _("By a helper")
        ORGANIZER = "organizer", _("By an organizer")

    HOLDS_SEAT = (State.ENROLLED, State.COMPLETED)
    LIVE = (State.ENROLLED, State.WAITING, State.COMPLETED)

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("cohort"))
    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("member")
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    seat = models.PositiveSmallIntegerField(_("seat"), null=True, blank=True)
    via = models.CharField(_("enrolled by"), max_length=16, choices=Via.choices, default=Via.SELF)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    seated_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    class Meta:
        ordering = ["cohort", "seat", "created_at", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            # The database's own guard against overselling (see the module doc).
            models.UniqueConstraint(fields=["cohort", "seat"], name="one_person_per_seat"),
            models.CheckConstraint(
                name="a_seat_exactly_when_holding_one",
                condition=(Q(state__in=["enrolled", "completed"], seat__isnull=False, seat__gt=0))
                | (Q(state__in=["waiting", "cancelled"], seat__isnull=True)),
            ),
            models.UniqueConstraint(
                fields=["cohort", "member"],
                condition=Q(state__in=["enrolled", "waiting", "completed"]),
                name="one_live_enrolment_per_member_and_cohort",
                violation_error_message=_("This person is already enrolled in this cohort."),
            ),
        ]
        indexes = [models.Index(fields=["cohort", "state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.cohort}"


class Attendance(models.Model):
    class Method(models.TextChoices):
        ROSTER = "roster", _("Roster")
        QR = "qr", _("QR code")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("session"))
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("enrolment")
    )
    method = models.CharField(_("recorded with"), max_length=8, choices=Method.choices, default=Method.ROSTER)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "enrolment"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="attended_once_per_session")]

    def __str__(self) -> str:
        return f"{self.enrolment} @ {self.session}"


class Completion(models.Model):
    """结业: the end of an enrolment, with the assessment's result."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="completion", verbose_name=_("enrolment")
    )
    completed_on = models.DateField(_("completed on"))
    passed = models.BooleanField(_("passed the assessment"))
    score = models.DecimalField(_("assessment score"), max_digits=5, decimal_places=1, null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        constraints = [
            models.CheckConstraint(
                name="score_between_0_and_100",
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} ({self.completed_on})"


class Certificate(models.Model):
    """证书: issued only on a passed completion; its skills become certified on the profile."""

    completion = models.OneToOneField(
        Completion, on_delete=models.PROTECT, related_name="certificate", verbose_name=_("completion")
    )
    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("member")
    )
    number = models.CharField(_("certificate number"), max_length=64, unique=True)
    issuer = models.CharField(_("issued by"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    scan = models.FileField(_("scan"), upload_to="certificates/%Y/%m/", blank=True)
    skills = models.ManyToManyField("skills.Skill", related_name="+", verbose_name=_("skills certified"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.number


class UnitReport(models.Model):
    """A unit's coverage or demand figures, computed in the background (``training.reports``) so
    that the pages read one row instead of counting a county's members on every view.

    Coverage keeps the unit's *own* counts (its households, not those below it): any reader's
    table is rolled up from them, whatever their reach. Demand keeps the unit's ranked skills over
    its whole subtree (it is not additive: a person's three best skills are counted once)."""

    class Kind(models.TextChoices):
        COVERAGE = "coverage", _("skills coverage")
        DEMAND = "demand", _("skills to commission")

    unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    payload = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("unit report")
        verbose_name_plural = _("unit reports")
        constraints = [models.UniqueConstraint(fields=["unit", "kind"], name="one_report_per_unit_and_kind")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} @ {self.computed_at:%Y-%m-%d %H:%M}"
