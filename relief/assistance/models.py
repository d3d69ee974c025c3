"""社会救助兜底: the schemes of social assistance as one track. Where the civil-affairs office
decides and pays (低保, 特困供养, disaster, education, housing and employment assistance) the union
refers the household and records the outcome; temporary relief (临时救助) the union pays itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scheme(models.TextChoices):
    DIBAO = "dibao", _("Minimum living allowance (低保)")
    TEKUN = "tekun", _("Support for the extremely poor (特困供养)")
    DISASTER = "disaster", _("Disaster relief (受灾救助)")
    EDUCATION = "education", _("Education assistance (教育救助)")
    HOUSING = "housing", _("Housing assistance (住房救助)")
    EMPLOYMENT = "employment", _("Employment assistance (就业救助)")
    TEMPORARY = "temporary", _("Temporary relief paid by the union (临时救助)")


PAID_BY_UNION = {Scheme.TEMPORARY}


class Referral(models.Model):
    """A household referred to the civil-affairs office for a scheme, and what came of it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Waiting for the office")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    application = models.OneToOneField("relief.Application", on_delete=models.PROTECT, related_name="referral")
    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme.choices)
    office = models.CharField(_("office referred to"), max_length=100)
    referred_on = models.DateField(_("referred on"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    outcome_note = models.CharField(_("what the office decided"), max_length=200, blank=True)
    monthly_amount = models.BigIntegerField(_("granted a month (fen)"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                name="referral_outcome_has_a_date", condition=Q(outcome="pending") | Q(outcome_on__isnull=False)
            ),
            models.CheckConstraint(
                name="referral_outcome_after_referral",
                condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=models.F("referred_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} · {self.application.member}"
