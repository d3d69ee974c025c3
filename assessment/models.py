"""考核: targets cascaded down the union's tree, the yearly scorecards (自评, 检查, 验收), monthly
snapshots of every indicator, units' work plans with tasks, and the yearly household review (复核).

The assessment only *reads* the other apps: the figures come from the indicators
(``assessment.indicators``); what is stored here is what the assessment itself decides (targets,
weights, notes, findings, decisions) and what must not change afterwards (the figures of an
accepted scorecard, a month's snapshot).

Indicator codes are stored as text: the registry lives in code, and a code that leaves the registry
keeps its history readable.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Target(models.Model):
    """A unit's yearly target for one indicator, set by a unit above it (下达). ``value`` is in the
    indicator's unit as people read it: a count, yuan, or a percent for a ratio."""

    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="assessment_targets", verbose_name=_("union unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.CharField(_("indicator"), max_length=48)
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    note = models.CharField(_("note"), max_length=200, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "org_unit__path", "indicator"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "year", "indicator"], name="one_target_per_unit_year_indicator"
            ),
            models.CheckConstraint(name="target_not_negative", condition=Q(value__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.year} {self.indicator} = {self.value}"


class ScoringRule(models.TextChoices):
    LINEAR = "linear", _("In proportion to the target, up to a cap")
    PASS_FAIL = "pass_fail", _("Full marks when the target is met, none otherwise")


class Scheme(models.Model):
    """考核办法: how a unit scores the units directly below it in a year: indicators, weights, rules."""

    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.PROTECT,
        related_name="assessment_schemes",
        verbose_name=_("assessing unit"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "org_unit__path"]
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        constraints = [models.UniqueConstraint(fields=["org_unit", "year"], name="one_scheme_per_unit_year")]

    def __str__(self) -> str:
        return self.title


class SchemeLine(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="lines", verbose_name=_("scheme"))
    indicator = models.CharField(_("indicator"), max_length=48)
    weight = models.DecimalField(
        _("weight (points)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(1000)],
    )
    rule = models.CharField(_("scoring rule"), max_length=16, choices=ScoringRule.choices, default=ScoringRule.LINEAR)
    # Linear scoring counts achievement up to this percent of the target (100: no extra credit).
    cap = models.DecimalField(
        _("achievement counted up to (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(100),
        validators=[MinValueValidator(1), MaxValueValidator(200)],
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "order", "id"]
        verbose_name = _("scheme line")
        verbose_name_plural = _("scheme lines")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator"], name="one_line_per_scheme_indicator"),
            models.CheckConstraint(name="scheme_weight_positive", condition=Q(weight__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} × {self.weight}"


class Scorecard(models.Model):
    """目标考核: a unit's yearly scorecard. The unit assesses itself (自评: notes and evidence) and
    submits; the unit above inspects (检查: dated findings) and accepts (验收) or returns it with a
    reason. Accepting freezes it: the figures are stored on its lines as they were that day and
    nothing about it changes afterwards (the services refuse, and ``frozen_at`` says so)."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Self-assessment submitted")
        RETURNED = "returned", _("Returned for rework")
        ACCEPTED = "accepted", _("Accepted")

    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="scorecards", verbose_name=_("union unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="scorecards", verbose_name=_("scheme"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(_("acceptance note or reason for returning"), blank=True)
    frozen_at = models.DateTimeField(_("figures frozen at"), null=True, blank=True)
    total_score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "org_unit__path"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "year"], name="one_scorecard_per_unit_year"),
            models.CheckConstraint(
                name="accepted_scorecards_are_frozen",
                condition=~Q(state="accepted") | Q(frozen_at__isnull=False, total_score__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.year}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def editable_by_unit(self) -> bool:
        return self.state in (self.State.IN_PROGRESS, self.State.RETURNED)


class ScorecardLine(models.Model):
    """One indicator of a scorecard: weight and rule copied from the scheme when the scorecard was
    opened; the unit's own note; and, once accepted, the frozen figures."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="lines")
    indicator = models.CharField(_("indicator"), max_length=48)
    weight = models.DecimalField(_("weight (points)"), max_digits=6, decimal_places=2)
    rule = models.CharField(_("scoring rule"), max_length=16, choices=ScoringRule.choices)
    cap = models.DecimalField(_("achievement counted up to (%)"), max_digits=6, decimal_places=2)
    note = models.TextField(_("self-assessment note"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    # Frozen on acceptance (null until then).
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.BigIntegerField(null=True, blank=True)
    denominator = models.BigIntegerField(null=True, blank=True)
    value = models.DecimalField(_("actual"), max_digits=16, decimal_places=2, null=True, blank=True)
    achieved = models.DecimalField(_("achieved (%)"), max_digits=8, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scorecard", "order", "id"]
        verbose_name = _("scorecard line")
        verbose_name_plural = _("scorecard lines")
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "indicator"], name="one_line_per_scorecard_indicator"),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard} {self.indicator}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name is ours (the original is kept in ``original_name``): nothing a user typed
    # reaches the file system.
    return f"assessment/evidence/{instance.scorecard_id}/{instance.token}{instance.extension}"


class Evidence(models.Model):
    """A file backing the self-assessment (a photo, a signed report, a spreadsheet). Kept under
    MEDIA_ROOT, which is never served publicly; downloaded through a page that checks who asks."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="evidence")
    line = models.ForeignKey(
        ScorecardLine,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("for indicator"),
    )
    file = models.FileField(upload_to=evidence_path, max_length=200)
    token = models.CharField(max_length=32, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("what it shows"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scorecard", "uploaded_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class Finding(models.Model):
    """检查: what the unit above found when it inspected, dated."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="findings")
    found_on = models.DateField(_("inspected on"))
    text = models.TextField(_("finding"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scorecard", "found_on", "id"]
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")

    def __str__(self) -> str:
        return f"{self.found_on}: {self.text[:40]}"


class Snapshot(models.Model):
    """An indicator's value for a unit at a month's end: over the unit's subtree and over its own
    records. Numerators and denominators are stored (a ratio over months or units is recomputed
    from them, never averaged). Written by ``services.snapshot_month``; re-running a month replaces
    its rows."""

    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.CASCADE, related_name="assessment_snapshots", verbose_name=_("union unit")
    )
    indicator = models.CharField(_("indicator"), max_length=48)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    numerator = models.BigIntegerField()
    denominator = models.BigIntegerField(null=True, blank=True)
    own_numerator = models.BigIntegerField()
    own_denominator = models.BigIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["month", "org_unit__path", "indicator"]
        verbose_name = _("monthly snapshot")
        verbose_name_plural = _("monthly snapshots")
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "indicator", "month"], name="one_snapshot_per_unit_month"),
            models.CheckConstraint(name="snapshot_month_first_day", condition=Q(month__day=1)),
        ]
        indexes = [models.Index(fields=["month", "indicator"], name="snapshot_month_indicator")]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.month:%Y-%m} {self.indicator}"


class WorkPlan(models.Model):
    """A unit's yearly work plan (帮扶项目、重点措施、专项计划): what it will do, as tasks."""

    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="work_plans", verbose_name=_("union unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "org_unit__path", "id"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        constraints = [models.UniqueConstraint(fields=["org_unit", "year"], name="one_work_plan_per_unit_year")]

    def __str__(self) -> str:
        return self.title


class WorkTask(models.Model):
    class Kind(models.TextChoices):
        PROJECT = "project", _("Relief project (帮扶项目)")
        MEASURE = "measure", _("Key measure (重点措施)")
        SPECIAL = "special", _("Special plan (专项计划)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN = (Status.PLANNED, Status.IN_PROGRESS)

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("work plan"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MEASURE)
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="work_tasks", verbose_name=_("owner")
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    progress_note = models.CharField(_("progress note"), max_length=200, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "deadline", "id"]
        verbose_name = _("work task")
        verbose_name_plural = _("work tasks")
        indexes = [models.Index(fields=["owner", "status", "deadline"], name="work_task_owner_due")]
        constraints = [
            models.CheckConstraint(name="task_progress_percent", condition=Q(progress__gte=0, progress__lte=100)),
            models.CheckConstraint(
                name="done_tasks_have_a_date", condition=~Q(status="done") | Q(done_on__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue_on(self, day: object) -> bool:
        return self.status in self.OPEN and self.deadline < day  # type: ignore[operator]


class HouseholdReview(models.Model):
    """复核: the yearly check of an active household: still eligible? causes, income and plan looked
    at again. One per household and year; its completion is the indicator ``reviews_done``."""

    class Outcome(models.TextChoices):
        CONTINUE = "continue", _("Still eligible: help continues")
        UPDATE = "update", _("Still eligible: archive or plan updated")
        PROPOSE_EXIT = "propose_exit", _("Goals met: propose the exit")
        NOT_ELIGIBLE = "not_eligible", _("No longer eligible: to be closed")

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="reviews", verbose_name=_("household")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    reviewed_on = models.DateField(_("reviewed on"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    causes_checked = models.BooleanField(_("causes of hardship checked"), default=False)
    income_checked = models.BooleanField(_("income checked"), default=False)
    plan_checked = models.BooleanField(_("relief plan checked"), default=False)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "household"]
        verbose_name = _("household review")
        verbose_name_plural = _("household reviews")
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="one_review_per_household_year")]

    def __str__(self) -> str:
        return f"{self.household} {self.year}"
