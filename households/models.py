"""一户一档: the household archive, its members, relief plans, pairing with a helper, visits, exit.

Personal data (ID numbers, health, income) is encrypted at rest (``core.crypto``); ID numbers keep
a keyed hash beside them, which is what uniqueness and look-ups use. Every change to the archive
is kept by django-simple-history (who, what, when).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.crypto import EncryptedDecimalField, EncryptedTextField
from core.masking import mask_id_number, mask_phone


class TargetGroup(models.Model):
    """The plan's five target groups (目标任务); rows are fixed by a data migration."""

    DIBAO_ABLE = "dibao_able"
    BELOW_LINE = "below_line"
    SUDDEN_EXPENSE = "sudden_expense"
    MIGRANT = "migrant"
    RESTRUCTURING = "restructuring"

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class HardshipCause(models.Model):
    """A cause of hardship (致困原因): illness, disability, unemployment, disaster, ..."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("hardship cause")
        verbose_name_plural = _("hardship causes")

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class Household(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        EXITED = "exited", _("Exited hardship")
        CLOSED = "closed", _("Closed")

    class DibaoStatus(models.TextChoices):
        NONE = "none", _("Not on minimum living allowance")
        APPLYING = "applying", _("Applying for minimum living allowance")
        RECEIVING = "receiving", _("Receiving minimum living allowance")
        STOPPED = "stopped", _("Minimum living allowance stopped")

    number = models.CharField(_("archive number"), max_length=32, unique=True)
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="households", verbose_name=_("union unit")
    )
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    address = models.CharField(_("address"), max_length=200)
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="households", verbose_name=_("target groups")
    )
    hardship_causes = models.ManyToManyField(
        HardshipCause, blank=True, related_name="households", verbose_name=_("hardship causes")
    )
    hardship_note = models.TextField(_("hardship details"), blank=True)
    income_per_head = EncryptedDecimalField(_("monthly income per head (CNY)"), null=True, blank=True)
    dibao_status = models.CharField(
        _("minimum living allowance (低保)"), max_length=16, choices=DibaoStatus.choices, default=DibaoStatus.NONE
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    registered_on = models.DateField(_("registered on"), default=date.today)
    activated_on = models.DateField(_("activated on"), null=True, blank=True)
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    follow_up_until = models.DateField(_("followed up until"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=200, blank=True)
    reentered_on = models.DateField(_("returned to hardship on"), null=True, blank=True)
    reentry_count = models.PositiveSmallIntegerField(_("times returned to hardship"), default=0)
    # Denormalised from the latest visit so that "overdue visits" stays one indexed range over the
    # whole county. Set only while a visit is owed (active, or exited and still followed up); the
    # services clear it when the archive closes or the follow-up year ends.
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[target_groups, hardship_causes])

    class Meta:
        ordering = ["-id"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            models.Index(fields=["org_unit", "state"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_in_follow_up(self) -> bool:
        return (
            self.state == self.State.EXITED
            and self.follow_up_until is not None
            and self.follow_up_until >= timezone.localdate()
        )

    @property
    def visit_overdue(self) -> bool:
        return self.next_visit_due is not None and self.next_visit_due < timezone.localdate()


class Member(models.Model):
    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        PARENT_IN_LAW = "parent_in_law", _("Parent-in-law")
        SIBLING = "sibling", _("Sibling")
        GRANDCHILD = "grandchild", _("Grandchild")
        GRANDPARENT = "grandparent", _("Grandparent")
        OTHER = "other", _("Other")

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Education(models.TextChoices):
        NONE = "none", _("No schooling")
        PRIMARY = "primary", _("Primary school")
        JUNIOR = "junior", _("Junior secondary")
        SENIOR = "senior", _("Senior secondary")
        VOCATIONAL = "vocational", _("Secondary vocational")
        COLLEGE = "college", _("Junior college (大专)")
        BACHELOR = "bachelor", _("Bachelor")
        POSTGRADUATE = "postgraduate", _("Postgraduate")

    class WorkCapacity(models.TextChoices):
        FULL = "full", _("Full")
        PARTIAL = "partial", _("Partial")
        NONE = "none", _("None")

    class EmploymentStatus(models.TextChoices):
        EMPLOYED = "employed", _("Employed")
        FLEXIBLE = "flexible", _("Flexible or part-time work")
        SELF_EMPLOYED = "self_employed", _("Self-employed")
        UNEMPLOYED = "unemployed", _("Unemployed, seeking work")
        NOT_SEEKING = "not_seeking", _("Not working, not seeking")
        STUDENT = "student", _("Student")
        RETIRED = "retired", _("Retired")
        UNABLE = "unable", _("Unable to work")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    name = models.CharField(_("name"), max_length=64, db_index=True)
    relation = models.CharField(_("relation to the head"), max_length=16, choices=Relation.choices)
    id_number = EncryptedTextField(_("ID number"))
    # HMAC of the normalised ID number: uniqueness across the whole archive and look-ups.
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=16, blank=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    graduation_year = models.PositiveSmallIntegerField(_("graduation year"), null=True, blank=True)
    major = models.CharField(_("major"), max_length=64, blank=True)
    work_capacity = models.CharField(
        _("work capacity"), max_length=8, choices=WorkCapacity.choices, default=WorkCapacity.FULL
    )
    employment_status = models.CharField(
        _("employment status"), max_length=16, choices=EmploymentStatus.choices, default=EmploymentStatus.UNEMPLOYED
    )
    health = EncryptedTextField(_("health condition"), blank=True)
    monthly_income = EncryptedDecimalField(_("own monthly income (CNY)"), null=True, blank=True)
    consent_to_be_found = models.BooleanField(
        _("employers may find me"),
        default=False,
        help_text=_(
            "When on, employers can find this profile and see it ranked for their jobs, with the reasons "
            "(never the ID number or household details). Off: nobody is recommended to employers."
        ),
    )
    consent_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
        verbose_name=_("login account"),
    )
    is_current = models.BooleanField(_("lives in the household"), default=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relation="head", is_current=True),
                name="one_current_head_per_household",
                violation_error_message=_("A household has one head."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    def age_on(self, day: date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())


class MemberSkill(models.Model):
    """A skill on a member's profile: as written, and as understood by the taxonomy."""

    class Level(models.TextChoices):
        BASIC = "basic", _("Basic")
        INTERMEDIATE = "intermediate", _("Intermediate")
        SKILLED = "skilled", _("Skilled")
        EXPERT = "expert", _("Expert")

    class Source(models.TextChoices):
        SELF = "self", _("Stated by the worker")
        HELPER = "helper", _("Recorded by a helper")
        IMPORT = "import", _("Imported")
        TRAINING = "training", _("Training certificate")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="skills", verbose_name=_("member"))
    phrase = models.CharField(_("as written"), max_length=100)
    skill = models.ForeignKey(
        "skills.Skill",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="member_skills",
        verbose_name=_("skill"),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.BASIC)
    years = models.PositiveSmallIntegerField(_("years of experience"), null=True, blank=True)
    certified = models.BooleanField(_("certified"), default=False)
    certificate_number = models.CharField(_("certificate number"), max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.SELF)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "id"]
        verbose_name = _("member skill")
        verbose_name_plural = _("member skills")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "skill"],
                condition=Q(skill__isnull=False),
                name="one_entry_per_skill_per_member",
                violation_error_message=_("This skill is already on the profile."),
            ),
        ]

    def __str__(self) -> str:
        skill = self.skill if self.skill_id else None
        return skill.name_zh if skill is not None else self.phrase


class JobPreference(models.Model):
    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, related_name="job_preference", verbose_name=_("member")
    )
    occupations = models.ManyToManyField(
        "skills.Occupation", blank=True, related_name="+", verbose_name=_("desired occupations")
    )
    desired_work = models.CharField(_("desired work, as written"), max_length=200, blank=True)
    # What ``desired_work`` was coded to (CSCO 2022) and how sure the coder was; an organizer's
    # correction of the phrase re-codes every preference written the same way.
    desired_occupation = models.ForeignKey(
        "skills.Occupation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("desired work, as understood"),
    )
    desired_occupation_score = models.FloatField(_("coding confidence"), null=True, blank=True)
    regions = models.ManyToManyField(
        "core.Region", blank=True, related_name="+", verbose_name=_("where I want to work")
    )
    willing_to_relocate = models.BooleanField(_("willing to work in another region"), default=False)
    expected_salary = models.PositiveIntegerField(_("expected monthly salary (CNY)"), null=True, blank=True)
    full_time = models.BooleanField(_("full-time"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[occupations, regions])

    class Meta:
        verbose_name = _("job preference")
        verbose_name_plural = _("job preferences")

    def __str__(self) -> str:
        return f"{self.member}"


class Track(models.TextChoices):
    """The relief tracks a plan's goals and measures belong to."""

    JOB = "job", _("Employment")
    TRAINING = "training", _("Skills training")
    VENTURE = "venture", _("Entrepreneurship")
    INSURANCE = "insurance", _("Social insurance")
    MEDICAL = "medical", _("Medical aid")
    ASSISTANCE = "assistance", _("Social assistance")
    WARMTH = "warmth", _("Send warmth")
    STUDENT_AID = "student_aid", _("Student aid")
    CARE = "care", _("Care (sanitation and women workers)")
    MIGRANT = "migrant", _("Migrant workers' public services")


class ReliefPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("In effect")
        COMPLETED = "completed", _("Completed")
        SUPERSEDED = "superseded", _("Superseded")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="plans", verbose_name=_("household")
    )
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    starts_on = models.DateField(_("starts on"), default=date.today)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["household", "-starts_on", "-id"]
        verbose_name = _("relief plan")
        verbose_name_plural = _("relief plans")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="active"),
                name="one_plan_in_effect_per_household",
                violation_error_message=_("A household has one plan in effect."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.starts_on}"


class PlanGoal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        MET = "met", _("Met")

    plan = models.ForeignKey(ReliefPlan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan"))
    track = models.CharField(_("track"), max_length=16, choices=Track.choices)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="goals", verbose_name=_("for member")
    )
    title = models.CharField(_("goal"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    met_on = models.DateField(_("met on"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")
        constraints = [
            models.CheckConstraint(name="met_goals_have_a_date", condition=~Q(status="met") | Q(met_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title


class PlanMeasure(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(ReliefPlan, on_delete=models.CASCADE, related_name="measures", verbose_name=_("plan"))
    goal = models.ForeignKey(
        PlanGoal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
        verbose_name=_("serves goal"),
    )
    track = models.CharField(_("track"), max_length=16, choices=Track.choices)
    description = models.CharField(_("measure"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("plan measure")
        verbose_name_plural = _("plan measures")

    def __str__(self) -> str:
        return self.description


class Pairing(models.Model):
    """一帮一: the named helper and helping unit responsible for a household until it exits."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("household")
    )
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pairings",
        verbose_name=_("responsible helper"),
    )
    helping_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="pairings", verbose_name=_("helping unit")
    )
    started_on = models.DateField(_("started on"), default=date.today)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["household", "-started_on"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_on__isnull=True),
                name="one_current_pairing_per_household",
                violation_error_message=_("A household has one responsible helper at a time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} - {self.helper}"


class Visit(models.Model):
    class Kind(models.TextChoices):
        HOME = "home", _("Home visit")
        PHONE = "phone", _("Phone call")
        WORKPLACE = "workplace", _("Workplace visit")
        ONLINE = "online", _("Online")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="visits", verbose_name=_("household")
    )
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits", verbose_name=_("visited by")
    )
    visited_on = models.DateField(_("visited on"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.HOME)
    summary = models.TextField(_("what we found"))
    needs = models.TextField(_("needs raised"), blank=True)
    next_visit_due = models.DateField(_("next visit due"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["household", "-visited_on", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.household} {self.visited_on}"


class IdNumberReferral(models.Model):
    """Someone entered an ID number that is already archived in a household they cannot see. They
    are told only that the person is archived elsewhere (never which household or unit); the
    question waits here for the organizers who see both households: those of ``unit``, the lowest
    unit holding both, and of the units above it."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("archived as"))
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="+", verbose_name=_("entered again in")
    )
    unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    resolution = models.CharField(_("what was decided"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ID number archived twice")
        verbose_name_plural = _("ID numbers archived twice")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "household"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_referral_per_member_and_household",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} / {self.household_id}"


class ExitRequest(models.Model):
    """不达目标不脱钩: the helper asks, an organizer of a higher unit decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="exit_requests", verbose_name=_("household")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reason = models.TextField(_("why the household can exit"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("exit request")
        verbose_name_plural = _("exit requests")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="pending"),
                name="one_pending_exit_request_per_household",
                violation_error_message=_("An exit request is already pending."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} ({self.get_status_display()})"


class ImportJob(models.Model):
    """An uploaded spreadsheet of households and members, checked row by row and then written."""

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("Write nothing if any row is bad")
        GOOD_ROWS = "good_rows", _("Import the good rows, report the rest")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        CHECKING = "checking", _("Checking rows")
        WRITING = "writing", _("Writing")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected: bad rows")
        FAILED = "failed", _("Failed")

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("default unit")
    )
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=200)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    households_created = models.PositiveIntegerField(default=0)
    members_created = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    report = models.FileField(upload_to="imports/reports/%Y/%m/", blank=True)
    # The first few problems (sheet, row, column, reason, value as the report shows it, ID numbers
    # masked), so the page can say what went wrong without a download.
    first_problems = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Reliability (households.importing): how many runs started (a run whose worker died is run
    # again, a few times at most), when the running one last showed progress, and the file's
    # SHA-256 (an upload of a file imported before says so).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    checksum = models.CharField(_("file checksum"), max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("archive import")
        verbose_name_plural = _("archive imports")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if self.status in (self.Status.DONE, self.Status.REJECTED):
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(100 * self.processed_rows / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REJECTED, self.Status.FAILED)

    @property
    def outcome(self) -> str:
        """How a finished import went, as the page shows it: "success" (every row imported),
        "partial" (some imported, some skipped), "failure" (nothing imported); "" while running."""
        if not self.is_finished:
            return ""
        if self.status != self.Status.DONE or (not self.households_created and not self.members_created):
            return "failure"
        return "partial" if self.error_count else "success"

    @property
    def can_retry(self) -> bool:
        """A failed import can be queued again (nothing of it was written)."""
        return self.status == self.Status.FAILED
