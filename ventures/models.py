"""创业援助: loan products, ventures (the application), guidance, the review chain, loans with their
schedules and repayments, overdue alerts, write-offs, 贴息 claims and support in kind.

Money never moves here: every yuan goes through ``funds.services`` (a payment request for a loan
paid out, a 贴息 refund or goods in kind; ``repayment_record``; ``loan_write_off``), and the rows
here point at the payment request or ledger posting that moved it. Amounts are whole fen, as in
the ledger (``funds/money.py``).

A union loan (``interest_free``) is the fund's money: paid out, repaid and written off on the
ledger. A subsidised bank loan (``subsidised``) is the bank's money: the borrower repays the bank
(the schedule here follows it by the annuity formula) and the union refunds its share of the
interest (贴息) through a payment request. Support in kind is goods bought for the venture.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.review_chain import ReviewDecision
from funds.money import format_yuan


class LoanProduct(models.Model):
    """What the union offers: its cap, term and interest-free (grace) months.

    ``review_threshold``: an application asking more than this needs a third review, by an
    organizer of the unit above (the threshold is a product field, so each product sets its own)."""

    class Kind(models.TextChoices):
        INTEREST_FREE = "interest_free", _("Interest-free union loan")
        SUBSIDISED = "subsidised", _("Subsidised bank loan (interest subsidy)")
        IN_KIND = "in_kind", _("Support in kind")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    cap = models.BigIntegerField(_("most per venture (fen)"))
    term_months = models.PositiveSmallIntegerField(_("instalments (months)"), default=12)
    grace_months = models.PositiveSmallIntegerField(_("interest-free months before the first instalment"), default=0)
    annual_rate_bp = models.PositiveIntegerField(
        _("bank's yearly rate (basis points)"), default=0, help_text=_("435 means 4.35%; 0 for union loans")
    )
    subsidy_share_bp = models.PositiveIntegerField(
        _("share of the interest refunded (basis points)"), default=0, help_text=_("10000 means all of it")
    )
    subsidy_cap = models.BigIntegerField(_("most refunded per claim (fen)"), default=0)
    review_threshold = models.BigIntegerField(_("amounts above this are reviewed by the unit above (fen)"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("loan product")
        verbose_name_plural = _("loan products")
        constraints = [
            models.CheckConstraint(name="product_cap_positive", condition=Q(cap__gt=0)),
            models.CheckConstraint(name="product_term_positive", condition=Q(term_months__gt=0)),
            models.CheckConstraint(name="product_subsidy_share_at_most_all", condition=Q(subsidy_share_bp__lte=10_000)),
            models.CheckConstraint(
                name="union_loans_are_interest_free", condition=~Q(kind="interest_free") | Q(annual_rate_bp=0)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Venture(models.Model):
    """The application (创业援助申请) and, once approved, the venture it funds."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        HELPER_REVIEW = "helper_review", _("Waiting for the helper")
        ORGANIZER_REVIEW = "organizer_review", _("Waiting for the unit's organizer")
        UPPER_REVIEW = "upper_review", _("Waiting for the unit above")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, related_name="ventures", verbose_name=_("applicant")
    )
    # The household's unit when the application was made: the review chain and reach follow it.
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="ventures", verbose_name=_("union unit")
    )
    product = models.ForeignKey(
        LoanProduct, on_delete=models.PROTECT, related_name="ventures", verbose_name=_("product")
    )
    business_name = models.CharField(_("business name"), max_length=100)
    business = models.TextField(_("what the business does"))
    address = models.CharField(_("where"), max_length=200)
    total_cost = models.BigIntegerField(_("total cost (fen)"))
    own_funds = models.BigIntegerField(_("own funds (fen)"), default=0)
    amount = models.BigIntegerField(_("amount asked (fen)"))
    expected_monthly_income = models.BigIntegerField(_("expected monthly income (fen)"), default=0)
    jobs_expected = models.PositiveSmallIntegerField(_("jobs expected for others"), default=0)
    mentor = models.CharField(_("mentor"), max_length=64, blank=True)
    # Members the venture hires are ordinary jobs Placements at this employer.
    employer = models.ForeignKey(
        "jobs.Employer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ventures",
        verbose_name=_("employer record"),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("venture")
        verbose_name_plural = _("ventures")
        indexes = [models.Index(fields=["org_unit", "state"])]
        constraints = [
            models.CheckConstraint(name="venture_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="venture_cost_positive", condition=Q(total_cost__gt=0)),
            models.CheckConstraint(name="venture_own_funds_not_negative", condition=Q(own_funds__gte=0)),
            # An employer's placements are one venture's jobs created: linked twice, the portfolio
            # would count each hire twice. The service checks first; this holds under a race.
            models.UniqueConstraint(
                fields=["employer"], condition=Q(employer__isnull=False), name="one_venture_per_employer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business_name} ({self.member})"

    @property
    def needs_upper_review(self) -> bool:
        return self.amount > self.product.review_threshold

    @property
    def in_review(self) -> bool:
        return self.state in (self.State.HELPER_REVIEW, self.State.ORGANIZER_REVIEW, self.State.UPPER_REVIEW)


class ReviewStep(ReviewDecision):
    """One decision of the review chain (``accounts.review_chain``): who, when, what, why. One per
    step, one per reviewer."""

    venture = models.ForeignKey(Venture, on_delete=models.PROTECT, related_name="reviews")

    class Meta:
        ordering = ["venture", "decided_at", "id"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        constraints = [
            models.UniqueConstraint(fields=["venture", "step"], name="one_decision_per_review_step"),
            models.UniqueConstraint(fields=["venture", "reviewer"], name="one_review_per_reviewer"),
        ]


class GuidanceSession(models.Model):
    """创业指导: a mentor's session with the applicant."""

    venture = models.ForeignKey(Venture, on_delete=models.PROTECT, related_name="guidance")
    mentor = models.CharField(_("mentor"), max_length=64)
    held_on = models.DateField(_("held on"))
    notes = models.TextField(_("notes"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["venture", "-held_on", "-id"]
        verbose_name = _("guidance session")
        verbose_name_plural = _("guidance sessions")

    def __str__(self) -> str:
        return f"{self.mentor} {self.held_on}"


class Loan(models.Model):
    """The loan of an approved venture. A union loan waits for its payment (``awaiting_payment``)
    until the funds' payment request is paid; a bank loan is recorded as the bank paid it out."""

    class State(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Waiting to be paid out")
        ACTIVE = "active", _("Repaying")
        REPAID = "repaid", _("Repaid")
        WRITTEN_OFF = "written_off", _("Written off")

    venture = models.OneToOneField(Venture, on_delete=models.PROTECT, related_name="loan")
    kind = models.CharField(_("kind"), max_length=16, choices=LoanProduct.Kind.choices)
    principal = models.BigIntegerField(_("principal (fen)"))
    annual_rate_bp = models.PositiveIntegerField(_("yearly rate (basis points)"), default=0)
    term_months = models.PositiveSmallIntegerField(_("instalments (months)"))
    grace_months = models.PositiveSmallIntegerField(_("interest-free months"), default=0)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    payment_request = models.OneToOneField(
        "funds.PaymentRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="venture_loan",
        verbose_name=_("payment request"),
    )
    disbursed_on = models.DateField(_("paid out on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.AWAITING_PAYMENT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        constraints = [
            models.CheckConstraint(name="loan_principal_positive", condition=Q(principal__gt=0)),
            models.CheckConstraint(
                name="union_loan_has_a_payment_request",
                condition=~Q(kind="interest_free") | Q(payment_request__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venture.business_name} {format_yuan(self.principal)}"

    @property
    def reference(self) -> str:
        """How the ledger names this loan (``LedgerTransaction.reference``)."""
        return f"ventures.Loan:{self.pk}"

    @property
    def is_union_loan(self) -> bool:
        return self.kind == LoanProduct.Kind.INTEREST_FREE


class Instalment(models.Model):
    """One line of the schedule. ``paid`` grows as repayments are applied in order; ``state`` is
    kept by the services and by the ``ventures.mark_overdue`` task."""

    class State(models.TextChoices):
        DUE = "due", pgettext_lazy("instalment state", "Due")
        PARTLY_PAID = "partly_paid", _("Partly paid")
        PAID = "paid", _("Paid")
        OVERDUE = "overdue", _("Overdue")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("number"))
    due_on = models.DateField(_("due on"))
    principal = models.BigIntegerField(_("principal (fen)"))
    interest = models.BigIntegerField(_("interest (fen)"), default=0)
    amount = models.BigIntegerField(_("amount due (fen)"))
    paid = models.BigIntegerField(_("paid (fen)"), default=0)
    paid_on = models.DateField(_("paid in full on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DUE)

    class Meta:
        ordering = ["loan", "number"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        indexes = [models.Index(fields=["state", "due_on"])]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="one_instalment_per_number"),
            models.CheckConstraint(
                name="instalment_amount_is_its_parts", condition=Q(amount=F("principal") + F("interest"))
            ),
            models.CheckConstraint(
                name="instalment_paid_within_amount", condition=Q(paid__gte=0, paid__lte=F("amount"))
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.due_on} {format_yuan(self.amount)}"

    @property
    def left(self) -> int:
        return self.amount - self.paid


class Repayment(models.Model):
    """A repayment of a loan. For a union loan it is the ledger posting ``transaction``; for a bank
    loan it records what the bank confirmed (no union money moves). ``idempotency_key`` makes a
    retry or a double click record it once."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments")
    amount = models.BigIntegerField(_("amount (fen)"))
    paid_on = models.DateField(_("paid on"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    transaction = models.OneToOneField(
        "funds.LedgerTransaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="venture_repayment",
        verbose_name=_("ledger transaction"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["loan", "-paid_on", "-id"]
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        constraints = [models.CheckConstraint(name="repayment_amount_positive", condition=Q(amount__gt=0))]

    def __str__(self) -> str:
        return f"{format_yuan(self.amount)} {self.paid_on}"


class OverdueAlert(models.Model):
    """An overdue instalment on the helper's list: one per instalment, however often the task runs."""

    instalment = models.OneToOneField(Instalment, on_delete=models.PROTECT, related_name="alert")
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("overdue alert")
        verbose_name_plural = _("overdue alerts")

    def __str__(self) -> str:
        return str(self.instalment)


class WriteOff(models.Model):
    """Maker-checker: a reviewer proposes, another organizer approves (``funds.loan_write_off``)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        APPROVED = "approved", _("Approved and posted")
        REJECTED = "rejected", _("Rejected")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="write_offs")
    amount = models.BigIntegerField(_("amount (fen)"))
    reason = models.CharField(_("reason"), max_length=200)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    transaction = models.OneToOneField(
        "funds.LedgerTransaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="venture_write_off",
        verbose_name=_("ledger transaction"),
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("write-off")
        verbose_name_plural = _("write-offs")
        constraints = [
            models.CheckConstraint(name="write_off_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="write_off_approver_is_not_requester",
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
            ),
            models.UniqueConstraint(
                fields=["loan"], condition=Q(state="requested"), name="one_open_write_off_per_loan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan} − {format_yuan(self.amount)}"


class SubsidyClaim(models.Model):
    """贴息: the borrower shows the bank's interest statement for a period; the union refunds
    min(interest × the product's share, the product's cap per claim) through a payment request."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        PAID = "paid", _("Refunded")
        REJECTED = "rejected", _("Rejected")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="subsidy_claims")
    period = models.CharField(_("period"), max_length=7, help_text=_("2026, 2026-11 or 2026-Q4"))
    interest_paid = models.BigIntegerField(_("interest paid to the bank (fen)"))
    statement = models.CharField(_("bank statement number"), max_length=64)
    refund = models.BigIntegerField(_("refund (fen)"))
    payment_request = models.OneToOneField(
        "funds.PaymentRequest",
        on_delete=models.PROTECT,
        related_name="subsidy_claim",
        verbose_name=_("payment request"),
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.REQUESTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["loan", "-period"]
        verbose_name = _("interest subsidy claim")
        verbose_name_plural = _("interest subsidy claims")
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "period"],
                condition=~Q(state="rejected"),
                name="one_subsidy_claim_per_loan_and_period",
                violation_error_message=_("This loan already has a claim for that period."),
            ),
            models.CheckConstraint(name="subsidy_interest_positive", condition=Q(interest_paid__gt=0)),
            models.CheckConstraint(
                name="subsidy_refund_within_interest", condition=Q(refund__gt=0, refund__lte=F("interest_paid"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan} {self.period} {format_yuan(self.refund)}"


class InKindSupport(models.Model):
    """Means of production bought for the venture; its value is paid through a payment request
    (kind ``in_kind``) with the member as the payee and the supplier named in the memo."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        PAID = "paid", _("Bought and handed over")
        REJECTED = "rejected", _("Rejected")

    venture = models.ForeignKey(Venture, on_delete=models.PROTECT, related_name="in_kind")
    supplier = models.CharField(_("supplier"), max_length=100)
    value = models.BigIntegerField(_("value (fen)"))
    payment_request = models.OneToOneField(
        "funds.PaymentRequest",
        on_delete=models.PROTECT,
        related_name="in_kind_support",
        verbose_name=_("payment request"),
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.REQUESTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["venture", "-created_at"]
        verbose_name = _("support in kind")
        verbose_name_plural = _("support in kind")
        constraints = [models.CheckConstraint(name="in_kind_value_positive", condition=Q(value__gt=0))]

    def __str__(self) -> str:
        return f"{self.supplier} {format_yuan(self.value)}"


class InKindItem(models.Model):
    support = models.ForeignKey(InKindSupport, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("item"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_value = models.BigIntegerField(_("value each (fen)"))

    class Meta:
        ordering = ["support", "id"]
        verbose_name = _("item in kind")
        verbose_name_plural = _("items in kind")
        constraints = [
            models.CheckConstraint(name="in_kind_item_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(name="in_kind_item_value_positive", condition=Q(unit_value__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"

    @property
    def value(self) -> int:
        return self.quantity * self.unit_value
