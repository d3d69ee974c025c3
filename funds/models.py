"""帮扶资金: the fund ledger. Every yuan that moves on the platform moves here.

The shape (Hordak's double entry, kept small):

* ``FundSource`` is a fund: the union's own budget, a government grant, an enterprise warmth fund,
  donations, crowdfunding. It belongs to the union unit that manages it.
* ``Budget`` is what a fund may spend in a year, for one unit and one ``Purpose``. A budget is a
  limit, not money: nothing is posted when it is set.
* ``Account`` is a line of a fund's chart. Four kinds, each fund has its own:

  ============== ======= ================================================================
  kind           normal  what its balance means
  ============== ======= ================================================================
  cash           debit   the fund's money at the bank: what can still be paid out
  receivable     debit   loans out to members (per purpose), repaid into cash
  contributions  credit  what the fund's source put in (allocations, grants, gifts)
  expense        debit   relief given (per purpose): cash paid, or goods in kind
  ============== ======= ================================================================

* ``LedgerTransaction`` is a posting's header (who, why, for whom, against which budget) and
  ``LedgerEntry`` its legs. Amounts are signed whole fen: positive is a debit, negative a credit
  (``funds/money.py`` says why integers). A payment of ¥500 relief is ``expense +50000`` and
  ``cash -50000``.

What the database itself guarantees, on SQLite and PostgreSQL alike (the triggers are installed by
``migrations/0002_ledger_invariants.py``, which explains each one):

* the legs of a transaction sum to zero, there are at least two, and they all belong to the
  header's fund;
* ledger rows are never updated or deleted. A mistake is corrected by a reversal: a new
  transaction with the legs negated, pointing at the one it reverses (at most one reversal each);
* on a transaction and on a payment request, the approver is never the requester.

Balances are sums of entries, never stored. A fund's cash never goes below zero: the services
check it under a row lock on the fund, as they check a budget's remaining amount under a lock on
the budget (``funds/services.py``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funds.money import format_yuan


class Purpose(models.Model):
    """What money is for: one line per relief track (送温暖, 金秋助学, 创业援助...). Rows are added
    by data migrations, so a new track adds its purpose without touching this app's code.

    ``cap`` is the most one payment for this purpose should be (fen); a payment above it is paid
    if approved, but flagged for the auditor."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128)
    cap = models.BigIntegerField(_("cap per payment (fen)"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class FundSource(models.Model):
    """A fund, and where its money comes from (the plan's five sources)."""

    class Kind(models.TextChoices):
        UNION_BUDGET = "union_budget", _("Union budget")
        GOVERNMENT = "government", _("Government funds")
        ENTERPRISE_WARMTH = "enterprise_warmth", _("Enterprise warmth fund")
        DONATION = "donation", _("Donations")
        CROWDFUNDING = "crowdfunding", _("Crowdfunding")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="fund_sources", verbose_name=_("managed by")
    )
    note = models.TextField(_("note"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["org_unit__path", "name"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "name"], name="fund_name_unique_per_unit"),
        ]

    def __str__(self) -> str:
        return self.name


class Budget(models.Model):
    """What a fund may spend in one year, for one unit (and the units below it), for one purpose.
    What has been used is derived from the ledger (``selectors.budget_used``)."""

    source = models.ForeignKey(FundSource, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("fund"))
    year = models.PositiveSmallIntegerField(_("year"))
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="budgets", verbose_name=_("union unit")
    )
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("purpose"))
    amount = models.BigIntegerField(_("amount (fen)"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year", "org_unit__path", "purpose__order"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "year", "org_unit", "purpose"],
                name="one_budget_per_fund_year_unit_purpose",
                violation_error_message=_("This fund already has a budget for that unit, purpose and year."),
            ),
            models.CheckConstraint(name="budget_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.source} · {self.year} · {self.org_unit} · {self.purpose} · {format_yuan(self.amount)}"


class Account(models.Model):
    """A line of a fund's chart (see the table in the module docstring). Accounts are opened by the
    services the first time a posting needs them; ``purpose`` is set on expense and receivable
    accounts only."""

    class Kind(models.TextChoices):
        CASH = "cash", _("Cash at bank")
        RECEIVABLE = "receivable", _("Loans receivable")
        CONTRIBUTIONS = "contributions", _("Contributions received")
        EXPENSE = "expense", _("Relief given")

    PER_PURPOSE = (Kind.RECEIVABLE, Kind.EXPENSE)

    source = models.ForeignKey(FundSource, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("fund"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    purpose = models.ForeignKey(
        Purpose, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("purpose")
    )

    class Meta:
        ordering = ["source", "kind", "purpose"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind"], condition=Q(purpose__isnull=True), name="one_account_per_fund_kind"
            ),
            models.UniqueConstraint(
                fields=["source", "kind", "purpose"],
                condition=Q(purpose__isnull=False),
                name="one_account_per_fund_kind_purpose",
            ),
            models.CheckConstraint(
                name="purpose_on_expense_and_receivable_only",
                condition=Q(kind__in=["expense", "receivable"], purpose__isnull=False)
                | Q(kind__in=["cash", "contributions"], purpose__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        return f"{label} · {self.purpose}" if self.purpose_id else str(label)


class LedgerTransaction(models.Model):
    """A posting's header. Written once, after its legs, and never changed (see the module docstring).

    The primary key is a UUID chosen by the application: the legs are inserted first and name
    their header before it exists (the foreign key is checked at commit), so that the trigger on
    the header's insert can check the finished set of legs.
    """

    # Written once, never changed or removed: the application's database role may not UPDATE or
    # DELETE it (``manage.py db_roles``), on top of the triggers of 0002_ledger_invariants.
    APPEND_ONLY = True

    # Set on the instance a service returns when an idempotency key replayed an earlier posting
    # (nothing new was posted): the API answers 200 instead of 201. Not a column.
    replayed: bool = False

    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("Money into the fund")
        GRANT = "grant", _("Relief payment")
        IN_KIND = "in_kind", _("Support in kind")
        LOAN = "loan", _("Loan paid out")
        REPAYMENT = "repayment", _("Loan repayment")
        WRITE_OFF = "write_off", _("Loan written off")
        REVERSAL = "reversal", _("Reversal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.ForeignKey(
        FundSource, on_delete=models.PROTECT, related_name="transactions", verbose_name=_("fund")
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("union unit")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    purpose = models.ForeignKey(
        Purpose, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("purpose")
    )
    budget = models.ForeignKey(
        Budget, null=True, blank=True, on_delete=models.PROTECT, related_name="transactions", verbose_name=_("budget")
    )
    period = models.CharField(_("period"), max_length=7, blank=True, help_text=_("2026, 2026-11 or 2026-Q4"))
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    # A retry or a double click sends the same key: the second attempt finds the first posting.
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    payee = models.ForeignKey(
        "households.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_transactions",
        verbose_name=_("payee (archive)"),
    )
    payee_name = models.CharField(_("payee"), max_length=100, blank=True)
    # What the posting is for in the track that made it ("ventures.Loan:12"), for the audit trail.
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        indexes = [
            models.Index(fields=["source", "created_at"]),
            models.Index(fields=["payee", "purpose", "period"]),
            models.Index(fields=["org_unit", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="ledger_approver_is_not_requester",
                condition=Q(approved_by__isnull=True)
                | Q(requested_by__isnull=True)
                | ~Q(approved_by=F("requested_by")),
            ),
            models.CheckConstraint(
                name="reversal_points_at_what_it_reverses",
                condition=Q(kind="reversal", reverses__isnull=False) | (~Q(kind="reversal") & Q(reverses__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {str(self.pk)[:8]}"

    @property
    def short_id(self) -> str:
        """The voucher number people read out: the first eight hex digits of the id."""
        return str(self.pk)[:8]


class LedgerEntry(models.Model):
    """A leg: ``amount`` signed fen on one account (positive debit, negative credit, never zero)."""

    # Written once, never changed or removed: the application's database role may not UPDATE or
    # DELETE it (``manage.py db_roles``), on top of the triggers of 0002_ledger_invariants.
    APPEND_ONLY = True

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries", verbose_name=_("transaction")
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries", verbose_name=_("account"))
    amount = models.BigIntegerField(_("amount (fen, + debit / − credit)"))

    class Meta:
        ordering = ["transaction", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [models.CheckConstraint(name="ledger_entry_not_zero", condition=~Q(amount=0))]

    def __str__(self) -> str:
        return f"{self.account} {self.amount:+d}"

    @property
    def debit(self) -> int:
        return self.amount if self.amount > 0 else 0

    @property
    def credit(self) -> int:
        return -self.amount if self.amount < 0 else 0


class PaymentRequest(models.Model):
    """Maker-checker: a helper or organizer asks (maker), an organizer with the right limit approves
    (checker, never the maker), then the payment is posted once (``services.payment_request_pay``).

    ``org_unit`` is where the payee is served; the budget is that unit's or one above it."""

    class Kind(models.TextChoices):
        GRANT = "grant", _("Relief payment")
        IN_KIND = "in_kind", _("Support in kind")
        LOAN = "loan", _("Interest-free loan")

    class State(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        APPROVED = "approved", _("Approved, not paid yet")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", _("Paid")

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="requests", verbose_name=_("budget"))
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("union unit")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.GRANT)
    payee = models.ForeignKey(
        "households.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_requests",
        verbose_name=_("payee (archive)"),
    )
    payee_name = models.CharField(_("payee"), max_length=100)
    amount = models.BigIntegerField(_("amount (fen)"))
    period = models.CharField(_("period"), max_length=7)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    transaction = models.OneToOneField(
        LedgerTransaction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_request",
        verbose_name=_("ledger transaction"),
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        indexes = [models.Index(fields=["org_unit", "state"])]
        constraints = [
            models.CheckConstraint(name="payment_request_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="payment_approver_is_not_requester",
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                violation_error_message=_("The approver of a payment cannot be the person who requested it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payee_name} {format_yuan(self.amount)} ({self.get_state_display()})"


class AnomalyFlag(models.Model):
    """Something the auditor should look at, raised when a payment is posted. A flag does not stop
    the payment (the checker approved it knowingly; the queue shows the same warnings first)."""

    class Kind(models.TextChoices):
        DUPLICATE = "duplicate", _("Same person paid twice for the same purpose and period")
        OVER_CAP = "over_cap", _("Amount over the cap for the purpose")
        NOT_IN_ARCHIVE = "not_in_archive", _("Payee not in the archive")

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="flags", verbose_name=_("ledger transaction")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    detail = models.CharField(_("detail"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.CharField(_("resolution"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("anomaly flag")
        verbose_name_plural = _("anomaly flags")
        constraints = [
            models.UniqueConstraint(fields=["transaction", "kind"], name="one_flag_per_transaction_and_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.detail}"
