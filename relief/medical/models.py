"""Medical aid (大病保险 and 职工医疗互助, 医疗救助): each member's cover, and claims from bills computed
by a configurable "费用+病种" rule: a share of the self-paid amount by band, capped per disease group
and year."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from funds.money import format_yuan


class Cover(models.Model):
    """What protects a member against medical costs: basic medical insurance (employees' or
    residents'), serious-illness insurance (大病保险) and the union's medical mutual aid (职工医疗互助,
    through 中国职工保险互助会) with its dates. ``seriously_ill`` marks the sick member the plan
    wants in mutual aid."""

    class Basic(models.TextChoices):
        NONE = "none", _("None")
        EMPLOYEE = "employee", _("Employees' basic medical insurance")
        RESIDENT = "resident", _("Residents' basic medical insurance")

    member = models.OneToOneField(
        "households.Member", on_delete=models.PROTECT, related_name="medical_cover", verbose_name=_("member")
    )
    basic = models.CharField(_("basic medical insurance"), max_length=10, choices=Basic.choices, default=Basic.NONE)
    serious_illness = models.BooleanField(_("serious-illness insurance (大病保险)"), default=False)
    mutual_aid_from = models.DateField(_("medical mutual aid from"), null=True, blank=True)
    mutual_aid_until = models.DateField(_("medical mutual aid until"), null=True, blank=True)
    seriously_ill = models.BooleanField(_("seriously ill"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("medical cover")
        verbose_name_plural = _("medical covers")
        constraints = [
            models.CheckConstraint(
                name="mutual_aid_dates_in_order",
                condition=Q(mutual_aid_from__isnull=True)
                | Q(mutual_aid_until__isnull=True)
                | Q(mutual_aid_until__gte=F("mutual_aid_from")),
            ),
        ]

    def __str__(self) -> str:
        return str(self.member)

    def in_mutual_aid(self, on: dt.date) -> bool:
        return (
            self.mutual_aid_from is not None
            and self.mutual_aid_from <= on
            and (self.mutual_aid_until is None or on <= self.mutual_aid_until)
        )


class DiseaseGroup(models.Model):
    """A disease group of the "费用+病种" rule: its yearly cap per person and what cover it requires."""

    class Requires(models.TextChoices):
        NOTHING = "nothing", _("No cover required")
        BASIC = "basic", _("Basic medical insurance")
        MUTUAL_AID = "mutual_aid", _("Medical mutual aid membership")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128)
    yearly_cap = models.BigIntegerField(_("most a year per person (fen)"))
    requires = models.CharField(_("cover required"), max_length=12, choices=Requires.choices, default=Requires.BASIC)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("disease group")
        verbose_name_plural = _("disease groups")
        constraints = [models.CheckConstraint(name="disease_group_cap_positive", condition=Q(yearly_cap__gt=0))]

    def __str__(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class Band(models.Model):
    """A band of the self-paid amount and the share of it the union pays: the parts of one bill in
    each band add up (a progressive rule, so a larger bill never gets less)."""

    lower = models.BigIntegerField(_("from (fen)"))
    upper = models.BigIntegerField(_("up to (fen)"), null=True, blank=True, help_text=_("empty: no upper end"))
    share_bp = models.PositiveIntegerField(_("share paid (basis points)"), help_text=_("5000 means 50%"))

    class Meta:
        ordering = ["lower"]
        verbose_name = _("relief band")
        verbose_name_plural = _("relief bands")
        constraints = [
            models.UniqueConstraint(fields=["lower"], name="one_band_per_lower_bound"),
            models.CheckConstraint(name="band_share_at_most_all", condition=Q(share_bp__lte=10_000)),
            models.CheckConstraint(
                name="band_bounds_in_order",
                condition=Q(lower__gte=0) & (Q(upper__isnull=True) | Q(upper__gt=F("lower"))),
            ),
        ]

    def __str__(self) -> str:
        upper = format_yuan(self.upper) if self.upper is not None else "…"
        return f"{format_yuan(self.lower)}–{upper}: {self.share_bp / 100:g}%"


class Claim(models.Model):
    """A claim from the bills of one illness episode: what the hospital billed, what insurance paid,
    what the family paid themselves, and the relief the rule computed."""

    application = models.OneToOneField("relief.Application", on_delete=models.PROTECT, related_name="medical_claim")
    member = models.ForeignKey("households.Member", on_delete=models.PROTECT, related_name="medical_claims")
    disease_group = models.ForeignKey(DiseaseGroup, on_delete=models.PROTECT, related_name="claims")
    diagnosis = models.CharField(_("diagnosis"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    bill_total = models.BigIntegerField(_("bill total (fen)"))
    insured_paid = models.BigIntegerField(_("paid by insurance (fen)"))
    self_paid = models.BigIntegerField(_("self-paid (fen)"))
    bill_numbers = models.CharField(_("bill numbers"), max_length=200)
    relief = models.BigIntegerField(_("relief (fen)"))
    is_void = models.BooleanField(_("void"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("medical claim")
        verbose_name_plural = _("medical claims")
        constraints = [
            models.CheckConstraint(
                name="claim_parts_within_bill",
                condition=Q(self_paid__gte=0, insured_paid__gte=0, bill_total__gt=0)
                & Q(self_paid__lte=F("bill_total") - F("insured_paid")),
            ),
            models.CheckConstraint(name="claim_relief_within_self_paid", condition=Q(relief__lte=F("self_paid"))),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.diagnosis} {format_yuan(self.self_paid)}"
