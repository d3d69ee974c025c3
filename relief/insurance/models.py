"""Social insurance: each member's status per kind of insurance (insured or not, since when,
through which employer or as flexible employment), and the arrears of an arrears case (the
employer is the case's counterpart): months, amount, the 补缴 agreed and paid. Amounts in fen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InsuranceKind(models.TextChoices):
    PENSION = "pension", _("Pension insurance (养老保险)")
    MEDICAL = "medical", _("Medical insurance (医疗保险)")
    UNEMPLOYMENT = "unemployment", _("Unemployment insurance (失业保险)")
    WORK_INJURY = "work_injury", _("Work-injury insurance (工伤保险)")


class InsuranceStatus(models.Model):
    member = models.ForeignKey("households.Member", on_delete=models.CASCADE, related_name="insurance")
    kind = models.CharField(_("insurance"), max_length=16, choices=InsuranceKind.choices)
    insured = models.BooleanField(_("insured"))
    since = models.DateField(_("since"), null=True, blank=True)
    employer = models.ForeignKey(
        "jobs.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("through")
    )
    flexible = models.BooleanField(_("as flexible employment (灵活就业)"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["member", "kind"]
        verbose_name = _("insurance status")
        verbose_name_plural = _("insurance statuses")
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="one_insurance_status_per_member_and_kind"),
            models.CheckConstraint(
                name="insurance_not_both_employer_and_flexible",
                condition=Q(employer__isnull=True) | Q(flexible=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_kind_display()}"


class Arrears(models.Model):
    """What an employer owes for a member's insurance (欠缴), and the 补缴 agreed and paid."""

    case = models.OneToOneField("relief.Case", on_delete=models.CASCADE, related_name="arrears")
    kind = models.CharField(_("insurance"), max_length=16, choices=InsuranceKind.choices)
    months = models.PositiveSmallIntegerField(_("months owed"))
    amount = models.BigIntegerField(_("amount owed (fen)"))
    agreed_amount = models.BigIntegerField(_("补缴 agreed (fen)"), default=0)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    paid_amount = models.BigIntegerField(_("补缴 paid (fen)"), default=0)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("insurance arrears")
        verbose_name_plural = _("insurance arrears")
        constraints = [
            models.CheckConstraint(name="arrears_positive", condition=Q(months__gt=0, amount__gt=0)),
            models.CheckConstraint(
                name="arrears_paid_within_agreed",
                condition=Q(agreed_amount__gte=0, paid_amount__gte=0, paid_amount__lte=F("agreed_amount")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.months}"
