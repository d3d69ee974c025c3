"""阳光就业: employers, their postings, applications with a logged state machine, placements and
the retention checks that follow them, and employment services for household members."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.models import Member


class Industry(models.TextChoices):
    MINING = "mining", _("Coal mining")
    CHEMICALS = "chemicals", _("Coal chemicals and chemicals")
    ENERGY = "energy", _("Power and energy")
    CONSTRUCTION = "construction", _("Construction")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    TEXTILES = "textiles", _("Cashmere and textiles")
    LOGISTICS = "logistics", _("Logistics and transport")
    RETAIL = "retail", _("Retail and trade")
    CATERING = "catering", _("Catering and hotels")
    SERVICES = "services", _("Household and personal services")
    CARE = "care", _("Care and health")
    AGRICULTURE = "agriculture", _("Herding and farming")
    TOURISM = "tourism", _("Tourism")
    IT = "it", _("Internet and e-commerce")
    EDUCATION = "education", _("Education")
    PUBLIC = "public", _("Public sector and property management")
    OTHER = "other", _("Other")


class Employer(models.Model):
    """A company that recruits through the platform (用人单位). Its postings go live only once an
    organizer has verified it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    name = models.CharField(_("company name"), max_length=120)
    # A verified company's new name waits here for the union's check; ``name`` stays the verified
    # one (postings, searches and pages show it) until an organizer approves the change.
    pending_name = models.CharField(_("new name waiting for verification"), max_length=120, blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    contact_name = models.CharField(_("contact person"), max_length=64)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    address = models.CharField(_("company address"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=16, choices=Industry.choices)
    description = models.TextField(_("about the company"), blank=True)
    # The union unit that verifies the employer and watches its postings.
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="employers", verbose_name=_("responsible union unit")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    status_note = models.CharField(_("verification note"), max_length=200, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        indexes = [models.Index(fields=["status", "org_unit"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        # Keep the copy the posting search filters on in step, whoever changed the status.
        self.postings.exclude(employer_verified=self.is_verified).update(employer_verified=self.is_verified)

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class EmployerMembership(models.Model):
    """A login that acts for an employer. A user acts for one employer."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer_membership")
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("employer user")
        verbose_name_plural = _("employer users")

    def __str__(self) -> str:
        return f"{self.user} @ {self.employer}"


class PhysicalDemand(models.TextChoices):
    """Heavy work needs full work capacity; light work is open to people with partial capacity."""

    LIGHT = "light", _("Light work")
    MODERATE = "moderate", _("Moderate work")
    HEAVY = "heavy", _("Heavy work")


class JobPosting(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("Under review")
        PUBLISHED = "published", _("Published")
        FILLED = "filled", _("Filled")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="postings", verbose_name=_("employer")
    )
    title = models.CharField(_("job title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    occupation = models.ForeignKey(
        "skills.Occupation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("occupation (CSCO 2022)"),
    )
    occupation_score = models.FloatField(_("coding confidence"), null=True, blank=True)
    headcount = models.PositiveSmallIntegerField(_("people wanted"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    address = models.CharField(_("workplace address"), max_length=200, blank=True)
    salary_min = models.PositiveIntegerField(_("monthly salary from (CNY)"))
    salary_max = models.PositiveIntegerField(_("monthly salary up to (CNY)"))
    physical_demand = models.CharField(
        _("physical demand"), max_length=10, choices=PhysicalDemand.choices, default=PhysicalDemand.MODERATE
    )
    education = models.CharField(
        _("minimum education"),
        max_length=16,
        blank=True,
        choices=[("", _("No requirement")), *Member.Education.choices],
    )
    accommodation = models.BooleanField(_("board and lodging provided"), default=False)
    recruits_other_regions = models.BooleanField(_("recruits from other regions"), default=False)
    for_graduates = models.BooleanField(_("suitable for graduates"), default=False)
    valid_until = models.DateField(_("open until"))
    state = models.CharField(_("posting state"), max_length=12, choices=State.choices, default=State.DRAFT)
    # A copy of ``employer.is_verified`` kept by ``save`` here and in ``Employer``: the search over
    # open postings filters and orders on one table, with no join, so that one index serves it.
    employer_verified = models.BooleanField(default=False, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        constraints = [
            models.CheckConstraint(
                name="salary_range_is_ordered",
                condition=Q(salary_min__lte=models.F("salary_max")),
                violation_error_message=_("The minimum salary is above the maximum."),
            ),
            models.CheckConstraint(
                name="someone_is_wanted",
                condition=Q(headcount__gte=1),
                violation_error_message=_("At least one person must be wanted."),
            ),
        ]
        indexes = [
            # The count of open postings reads this index alone; the newest-first order walks the next.
            models.Index(fields=["state", "valid_until", "employer_verified"], name="posting_open"),
            models.Index(fields=["state", "-published_at", "-id"], name="posting_newest"),
            models.Index(fields=["state", "region"], name="posting_region"),
            models.Index(fields=["state", "salary_max"], name="posting_salary"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.employer_verified = (
            Employer.objects.filter(pk=self.employer_id, status=Employer.Status.VERIFIED).exists()
            if "employer" not in self._state.fields_cache
            else self.employer.is_verified
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "employer_verified"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.state == self.State.PUBLISHED and self.valid_until >= timezone.localdate()


class PostingSkill(models.Model):
    """A skill a posting asks for, as the employer wrote it and as the taxonomy understood it."""

    posting = models.ForeignKey(JobPosting, on_delete=models.CASCADE, related_name="skills")
    phrase = models.CharField(_("as written"), max_length=100)
    skill = models.ForeignKey(
        "skills.Skill", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("skill")
    )
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["posting", "-required", "id"]
        verbose_name = _("posting skill")
        verbose_name_plural = _("posting skills")
        constraints = [
            models.UniqueConstraint(
                fields=["posting", "skill"], condition=Q(skill__isnull=False), name="one_entry_per_skill_per_posting"
            ),
        ]
        indexes = [models.Index(fields=["skill", "posting"], name="posting_skill_lookup")]

    def __str__(self) -> str:
        return self.phrase


class Application(models.Model):
    """求职申请. Every change of state goes through ``jobs.services`` and is logged as an event."""

    class State(models.TextChoices):
        INVITED = "invited", _("Invited by the employer")
        APPLIED = "applied", _("Applied")
        VIEWED = "viewed", _("Viewed by the employer")
        INTERVIEW = "interview", _("Interview")
        OFFERED = "offered", _("Offered")
        HIRED = "hired", _("Hired")
        REJECTED = "rejected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CLOSED = "closed", _("Closed: hired elsewhere or position filled")

    class Via(models.TextChoices):
        SELF = "self", _("The worker applied")
        HELPER = "helper", _("A helper applied with the worker's consent")
        INVITATION = "invitation", _("The employer invited the worker")
        FAIR = "fair", _("They met at the employer's booth at a job fair")

    posting = models.ForeignKey(
        JobPosting, on_delete=models.PROTECT, related_name="applications", verbose_name=_("posting")
    )
    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant")
    )
    state = models.CharField(_("application state"), max_length=12, choices=State.choices, default=State.APPLIED)
    via = models.CharField(_("how"), max_length=12, choices=Via.choices, default=Via.SELF)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    consent_recorded_at = models.DateTimeField(_("worker's consent recorded at"), null=True, blank=True)
    consent_note = models.CharField(_("how the worker consented"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the employer last moved it (or when it arrived): the 30-day "stalled" flag reads this.
    employer_touched_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["posting", "member"],
                name="one_application_per_posting_and_person",
                violation_error_message=_("This person has already applied for this job."),
            ),
            models.CheckConstraint(
                name="helpers_record_consent", condition=~Q(via="helper") | Q(consent_recorded_at__isnull=False)
            ),
        ]
        indexes = [models.Index(fields=["state", "employer_touched_at"], name="application_stalled")]

    def __str__(self) -> str:
        return f"{self.member} → {self.posting}"


class ApplicationEvent(models.Model):
    """One transition of an application: from, to, who, when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["application", "at", "id"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self) -> str:
        return f"{self.from_state or '-'} → {self.to_state}"


class Placement(models.Model):
    """就业安置: a hire, and what it changed for the household."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="placement")
    member = models.ForeignKey("households.Member", on_delete=models.PROTECT, related_name="placements")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="placements")
    posting = models.ForeignKey(JobPosting, on_delete=models.PROTECT, related_name="placements")
    start_date = models.DateField(_("start date"))
    monthly_wage = models.PositiveIntegerField(_("monthly wage (CNY)"))
    ended_on = models.DateField(_("left the job on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")

    def __str__(self) -> str:
        return f"{self.member} @ {self.employer}"


class RetentionCheck(models.Model):
    """A follow-up on the helper's task list: is the person still in the job after 1, 3, 6 months?"""

    class Outcome(models.TextChoices):
        STILL_EMPLOYED = "still_employed", _("Still in the job")
        CHANGED_JOB = "changed_job", _("Working elsewhere")
        LEFT = "left", _("Left work")
        UNREACHABLE = "unreachable", _("Could not be reached")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="retention_checks")
    months = models.PositiveSmallIntegerField(_("months after the start"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("retention check")
        verbose_name_plural = _("retention checks")
        constraints = [models.UniqueConstraint(fields=["placement", "months"], name="one_check_per_milestone")]
        indexes = [models.Index(fields=["done_on", "due_on"], name="retention_due")]

    def __str__(self) -> str:
        return f"{self.placement} +{self.months}m"


class EmploymentService(models.Model):
    """阳光就业 services for household members, graduates above all: who, when, what came of it."""

    class Kind(models.TextChoices):
        COUNSELLING = "counselling", _("Career counselling")
        JOB_INTRODUCTION = "job_introduction", _("Job introduction")
        LEGAL_AID = "legal_aid", _("Legal aid")
        TRAINING_REFERRAL = "training_referral", _("Referral to training")

    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, related_name="employment_services", verbose_name=_("member")
    )
    kind = models.CharField(_("service"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    provided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("provided by")
    )
    posting = models.ForeignKey(
        JobPosting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("job introduced")
    )
    outcome = models.TextField(_("outcome"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("employment service")
        verbose_name_plural = _("employment services")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.member} {self.held_on}"
