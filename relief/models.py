"""The shared core of the relief tracks: the 低保 line, the application with its logged decisions,
the benefit received, and its goods in kind. Each track keeps only what is its own (a campaign, an
award, a claim, a referral) in its own app under ``relief/``, linked to these rows.

Money never moves here: a benefit that pays points at the ledger posting that paid it
(``funds.services`` did), and goods in kind are bought through a payment request of kind
``in_kind`` too, so every yuan of relief is on the ledger. Amounts are whole fen, as in the ledger.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.review_chain import ReviewDecision
from funds.money import format_yuan


class DibaoLine(models.Model):
    """The minimum living allowance line (低保标准) of a region for a year: monthly income per head.
    Set by the civil-affairs office each year; eligibility rules compare a household's income per
    head with the line of its region (or the nearest region above with one) for the year."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"))
    monthly_per_head = models.BigIntegerField(_("monthly line per head (fen)"))
    note = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year", "region"]
        verbose_name = _("低保 line")
        verbose_name_plural = _("低保 lines")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_dibao_line_per_region_and_year"),
            models.CheckConstraint(name="dibao_line_positive", condition=Q(monthly_per_head__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}: {format_yuan(self.monthly_per_head)}"


class Application(models.Model):
    """An application to a relief track, by the worker online (互联网+) or by staff on their behalf
    with the worker's consent recorded, and its way through the review chain to a benefit."""

    class State(models.TextChoices):
        HELPER_REVIEW = "helper_review", _("Waiting for the helper")
        ORGANIZER_REVIEW = "organizer_review", _("Waiting for the unit's organizer")
        UPPER_REVIEW = "upper_review", _("Waiting for the unit above")
        APPROVED = "approved", _("Approved, waiting to be given")
        GIVEN = "given", _("Received")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Channel(models.TextChoices):
        ONLINE = "online", _("By the worker online")
        STAFF = "staff", _("By staff, with the worker's consent")

    OPEN_STATES = (State.HELPER_REVIEW, State.ORGANIZER_REVIEW, State.UPPER_REVIEW, State.APPROVED)
    # What counts against caps and budgets: everything not refused or withdrawn.
    COUNTED_STATES = (*OPEN_STATES, State.GIVEN)

    track = models.CharField(_("track"), max_length=32, db_index=True)
    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, related_name="relief_applications", verbose_name=_("for")
    )
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="relief_applications")
    # The household's unit when the application was made: the review chain and reach follow it.
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="relief_applications", verbose_name=_("union unit")
    )
    period = models.CharField(_("period"), max_length=9, help_text=_("2026, or a school year 2026-2027"))
    amount = models.BigIntegerField(_("cash (fen)"), default=0)
    goods = models.JSONField(_("goods in kind"), default=list, blank=True)
    goods_value = models.BigIntegerField(_("value of goods (fen)"), default=0)
    summary = models.CharField(_("summary"), max_length=200)
    details = models.JSONField(_("details"), default=dict, blank=True)
    eligibility = models.JSONField(_("why eligible"), default=list, blank=True)
    channel = models.CharField(_("made"), max_length=8, choices=Channel.choices)
    consent_note = models.CharField(_("how the worker consented"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.HELPER_REVIEW)
    refusal_reason = models.CharField(_("reason for refusal"), max_length=300, blank=True)
    budget = models.ForeignKey(
        "funds.Budget", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("budget")
    )
    cash_request = models.OneToOneField(
        "funds.PaymentRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relief_cash",
        verbose_name=_("payment request (cash)"),
    )
    goods_request = models.OneToOneField(
        "funds.PaymentRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relief_goods",
        verbose_name=_("payment request (goods)"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("relief application")
        verbose_name_plural = _("relief applications")
        indexes = [
            models.Index(fields=["org_unit", "track", "state"]),
            models.Index(fields=["household", "track", "period"]),
        ]
        constraints = [
            models.CheckConstraint(name="relief_amounts_not_negative", condition=Q(amount__gte=0, goods_value__gte=0)),
            models.CheckConstraint(
                name="relief_refusal_has_a_reason", condition=~Q(state="refused") | ~Q(refusal_reason="")
            ),
            models.CheckConstraint(
                name="relief_staff_applications_record_consent", condition=~Q(channel="staff") | ~Q(consent_note="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track} · {self.member} · {self.period}"

    @property
    def total(self) -> int:
        return self.amount + self.goods_value

    @property
    def moves_money(self) -> bool:
        return self.total > 0

    @property
    def in_review(self) -> bool:
        return self.state in (self.State.HELPER_REVIEW, self.State.ORGANIZER_REVIEW, self.State.UPPER_REVIEW)

    @property
    def reference(self) -> str:
        """How the ledger names this application (``PaymentRequest.reference``)."""
        return f"relief.Application:{self.pk}"

    @property
    def track_entry(self):  # type: ignore[no-untyped-def]
        from relief.registry import tracks

        return tracks.get(self.track)

    @property
    def track_name(self) -> str:
        entry = self.track_entry
        return entry.name if entry is not None else self.track


class Decision(ReviewDecision):
    """One logged decision of the review chain (``accounts.review_chain``): who, when, which step,
    what, why."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")

    class Meta:
        ordering = ["application", "decided_at", "id"]
        verbose_name = _("relief decision")
        verbose_name_plural = _("relief decisions")
        constraints = [
            models.UniqueConstraint(fields=["application", "step"], name="relief_one_decision_per_step"),
            models.UniqueConstraint(fields=["application", "reviewer"], name="relief_one_decision_per_reviewer"),
        ]


class Benefit(models.Model):
    """What a household received from a relief track: cash, goods, or (paid by someone else, as
    the civil-affairs office's 低保) nothing through our ledger. One per application."""

    class Kind(models.TextChoices):
        CASH = "cash", _("Cash")
        GOODS = "goods", _("Goods in kind")
        CASH_AND_GOODS = "cash_and_goods", _("Cash and goods")
        NONE = "none", _("No money through the union")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="benefit")
    track = models.CharField(_("track"), max_length=32)
    member = models.ForeignKey("households.Member", on_delete=models.PROTECT, related_name="relief_benefits")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="relief_benefits")
    org_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.BigIntegerField(_("cash (fen)"), default=0)
    goods_value = models.BigIntegerField(_("value of goods (fen)"), default=0)
    period = models.CharField(_("period"), max_length=9)
    received_on = models.DateField(_("received on"))
    summary = models.CharField(_("what"), max_length=200)
    cash_transaction = models.OneToOneField(
        "funds.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="relief_cash_benefit"
    )
    goods_transaction = models.OneToOneField(
        "funds.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="relief_goods_benefit"
    )
    goal = models.ForeignKey(
        "households.PlanGoal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="relief_benefits",
        verbose_name=_("plan goal it met"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        indexes = [
            models.Index(fields=["household", "received_on"]),
            models.Index(fields=["track", "received_on", "org_unit"]),
        ]
        constraints = [
            models.CheckConstraint(name="benefit_amounts_not_negative", condition=Q(amount__gte=0, goods_value__gte=0)),
            models.CheckConstraint(
                name="paid_benefit_is_on_the_ledger",
                condition=Q(amount=0) | Q(cash_transaction__isnull=False),
            ),
            models.CheckConstraint(
                name="goods_benefit_is_on_the_ledger",
                condition=Q(goods_value=0) | Q(goods_transaction__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.summary} {format_yuan(self.total)}"

    @property
    def total(self) -> int:
        return self.amount + self.goods_value


class BenefitItem(models.Model):
    """A line of goods in kind handed over: what, how many, worth how much each."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("item"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_value = models.BigIntegerField(_("value each (fen)"))

    class Meta:
        ordering = ["benefit", "id"]
        verbose_name = _("item given")
        verbose_name_plural = _("items given")
        constraints = [
            models.CheckConstraint(name="benefit_item_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(name="benefit_item_value_positive", condition=Q(unit_value__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"

    @property
    def value(self) -> int:
        return self.quantity * self.unit_value


# --- cases: followed over time until something happens outside the union (issue 18) -------------------


class Office(models.TextChoices):
    """The outside offices a case waits on (besides an employer of ``jobs``)."""

    HRSS = "hrss", _("人社 (human resources and social security)")
    MEDICAL_INSURANCE = "medical_insurance", _("医保 (medical insurance bureau)")
    CIVIL_AFFAIRS = "civil_affairs", _("民政 (civil affairs)")
    HOUSING = "housing", _("住建 (housing and construction)")
    SCHOOL = "school", _("School")
    PUBLIC_SECURITY = "public_security", _("公安 (residence permits)")
    OTHER = "other", _("Other office")


class Case(models.Model):
    """A case a helper follows for a member or a household until something happens outside the
    union: an employer pays its insurance arrears, a laid-off worker is re-employed, a migrant
    family gets a residence permit. It has a track (one of the registry's case tracks) and a kind
    of that track, a counterpart (an employer or a named outside office), dated steps with the next
    action due, documents, and in the end an outcome. A case whose next action is overdue is on
    its helper's list and its unit's overdue list (``relief.selectors``)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", _("Achieved")
        PARTLY = "partly", _("Partly achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")
        WITHDRAWN = "withdrawn", _("Withdrawn by the worker")

    GOOD_OUTCOMES = (Outcome.ACHIEVED,)

    track = models.CharField(_("track"), max_length=32, db_index=True)
    kind = models.CharField(_("kind of case"), max_length=32)
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="relief_cases", verbose_name=_("household")
    )
    member = models.ForeignKey(
        "households.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relief_cases",
        verbose_name=_("member"),
    )
    # The household's unit when the case was opened: reach and the unit's overdue list follow it.
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="relief_cases", verbose_name=_("union unit")
    )
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="relief_cases",
        verbose_name=_("responsible helper"),
    )
    employer = models.ForeignKey(
        "jobs.Employer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relief_cases",
        verbose_name=_("counterpart employer"),
    )
    office = models.CharField(_("counterpart office"), max_length=20, choices=Office.choices, blank=True)
    counterpart_name = models.CharField(_("counterpart (name)"), max_length=100, blank=True)
    summary = models.CharField(_("what the case is about"), max_length=200)
    details = models.JSONField(_("details"), default=dict, blank=True)
    opened_on = models.DateField(_("opened on"))
    next_action = models.CharField(_("next action"), max_length=200, blank=True)
    next_action_due = models.DateField(_("next action due"), null=True, blank=True, db_index=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("outcome in words"), max_length=300, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    goal = models.ForeignKey(
        "households.PlanGoal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="relief_cases",
        verbose_name=_("plan goal it met"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("relief case")
        verbose_name_plural = _("relief cases")
        indexes = [
            models.Index(fields=["org_unit", "track", "state"]),
            models.Index(fields=["helper", "state", "next_action_due"]),
            models.Index(fields=["household", "track"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="relief_case_closed_has_outcome",
                condition=Q(state="open", outcome="", closed_on__isnull=True)
                | (Q(state="closed", closed_on__isnull=False) & ~Q(outcome="")),
            ),
            models.CheckConstraint(
                name="relief_case_closed_after_opened",
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
            ),
            models.CheckConstraint(
                name="relief_case_has_counterpart",
                condition=Q(employer__isnull=False) | ~Q(office="") | ~Q(counterpart_name=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track_name} · {self.summary}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def is_overdue(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.is_open and self.next_action_due is not None and self.next_action_due < on

    @property
    def track_entry(self):  # type: ignore[no-untyped-def]
        from relief.registry import tracks

        return tracks.get(self.track)

    @property
    def track_name(self) -> str:
        entry = self.track_entry
        return entry.name if entry is not None else self.track

    @property
    def kind_label(self) -> str:
        entry = self.track_entry
        return entry.case_kind_label(self.kind) if entry is not None else self.kind

    @property
    def counterpart(self) -> str:
        if self.employer is not None:
            return self.employer.name
        parts = [self.get_office_display() if self.office else "", self.counterpart_name]
        return " · ".join(p for p in parts if p)


class CaseStep(models.Model):
    """One dated step of a case: what was done (a call to the employer, a visit to 人社), and the
    next action it sets with its due date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    on = models.DateField(_("on"))
    action = models.CharField(_("what was done"), max_length=300)
    next_action = models.CharField(_("next action"), max_length=200, blank=True)
    next_action_due = models.DateField(_("next action due"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["case", "on", "id"]
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        constraints = [
            models.CheckConstraint(
                name="relief_case_step_due_after_step",
                condition=Q(next_action_due__isnull=True) | Q(next_action_due__gte=models.F("on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on}: {self.action}"


def _case_upload_to(instance: CaseDocument, filename: str) -> str:
    return f"relief/cases/{instance.case_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:8]}"


class CaseDocument(models.Model):
    """A scan or photo kept with a case (an arrears agreement, a permit): PDF, JPEG or PNG by its
    content, at most 10 MB (``relief.documents``). Served only through the case's page."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("document"), max_length=100)
    file = models.FileField(_("file"), upload_to=_case_upload_to, max_length=200)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["case", "uploaded_at", "id"]
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")

    def __str__(self) -> str:
        return self.title
