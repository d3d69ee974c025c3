"""送温暖: campaigns (Spring Festival, winter, 中秋...) with a budget, a window and cash and/or goods
per household, and each household's place in a campaign with its distribution sign-off."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funds.money import format_yuan


class Campaign(models.Model):
    class Occasion(models.TextChoices):
        SPRING_FESTIVAL = "spring_festival", _("Spring Festival (春节)")
        WINTER = "winter", _("Winter (冬季)")
        MID_AUTUMN = "mid_autumn", _("Mid-Autumn (中秋)")
        OTHER = "other", _("Other occasion")

    name = models.CharField(_("name"), max_length=100)
    occasion = models.CharField(_("occasion"), max_length=16, choices=Occasion.choices)
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="warmth_campaigns", verbose_name=_("run by")
    )
    budget = models.ForeignKey(
        "funds.Budget", on_delete=models.PROTECT, related_name="warmth_campaigns", verbose_name=_("paid from")
    )
    limit = models.BigIntegerField(_("campaign budget (fen)"))
    cash_per_household = models.BigIntegerField(_("cash per household (fen)"), default=0)
    goods = models.JSONField(_("goods per household"), default=list, blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("warmth campaign")
        verbose_name_plural = _("warmth campaigns")
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "name"], name="warmth_campaign_name_unique_per_unit"),
            models.CheckConstraint(name="warmth_campaign_limit_positive", condition=Q(limit__gt=0)),
            models.CheckConstraint(name="warmth_campaign_cash_not_negative", condition=Q(cash_per_household__gte=0)),
            models.CheckConstraint(name="warmth_campaign_window_in_order", condition=Q(closes_on__gte=F("opens_on"))),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def goods_value(self) -> int:
        return sum(int(g["quantity"]) * int(g["unit_value"]) for g in self.goods or [])

    @property
    def per_household(self) -> int:
        return self.cash_per_household + self.goods_value

    def describe_gift(self) -> str:
        parts = []
        if self.cash_per_household:
            parts.append(format_yuan(self.cash_per_household))
        parts.extend(f"{g['name']}×{g['quantity']}" for g in self.goods or [])
        return " + ".join(parts)


class Delivery(models.Model):
    """A household on a campaign's list: its rank when listed, and who received the gift, when,
    handed over by whom (the distribution sign-off). ``released`` when the application was refused
    or withdrawn, so the household may be listed again."""

    application = models.OneToOneField("relief.Application", on_delete=models.PROTECT, related_name="warmth_delivery")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="deliveries")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="warmth_deliveries")
    score = models.PositiveSmallIntegerField(_("need score when listed"), default=0)
    received_by_name = models.CharField(_("received by"), max_length=64, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    released = models.BooleanField(default=False)

    class Meta:
        ordering = ["campaign", "-score", "id"]
        verbose_name = _("warmth delivery")
        verbose_name_plural = _("warmth deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "household"],
                condition=Q(released=False),
                name="one_warmth_delivery_per_campaign_and_household",
                violation_error_message=_("This household is on the campaign's list already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.household}"
