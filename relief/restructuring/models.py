"""Restructuring layoffs (化解过剩产能、企业兼并重组、事业单位改革中的职工安置): enterprises in
difficulty, their layoff batches with the resettlement plan, and each laid-off worker of a batch
with the path followed (a relief case) to an outcome. Re-employment through an ordinary ``jobs``
placement counts by itself: the batch report finds it (``selectors.batch_report``), and the hire
closes the worker's open path as re-employed (``services.worker_placed``, after ``jobs/hired.py``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Enterprise(models.Model):
    """An enterprise (or public institution) in difficulty whose workers the union follows."""

    class Reason(models.TextChoices):
        MERGER = "merger", _("Merger or reorganisation (兼并重组)")
        BANKRUPTCY = "bankruptcy", _("Bankruptcy (破产)")
        OVERCAPACITY = "overcapacity", _("Overcapacity cut (化解过剩产能)")
        INSTITUTION_REFORM = "institution_reform", _("Public-institution reform (事业单位改革)")
        OTHER = "other", _("Other difficulty")

    name = models.CharField(_("enterprise"), max_length=120)
    employer = models.ForeignKey(
        "jobs.Employer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("as an employer of 阳光就业"),
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("union unit following it")
    )
    reason = models.CharField(_("difficulty"), max_length=20, choices=Reason.choices)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    noted_on = models.DateField(_("in difficulty since"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("enterprise in difficulty")
        verbose_name_plural = _("enterprises in difficulty")

    def __str__(self) -> str:
        return self.name


class Measure(models.TextChoices):
    """The resettlement plan's measures (安置方案), and a worker's planned path."""

    TRANSFER = "transfer", _("Transfer to another post (转岗)")
    INTERNAL_RETIREMENT = "internal_retirement", _("Internal retirement (内部退养)")
    REEMPLOYMENT = "reemployment", _("Re-employment (再就业)")
    SELF_EMPLOYMENT = "self_employment", _("Self-employment (自主创业)")
    INSURANCE = "insurance", _("Social-security continuation (社保接续)")


class LayoffBatch(models.Model):
    """Workers laid off together, on one day, under one resettlement plan."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="batches")
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("union unit")
    )
    name = models.CharField(_("batch"), max_length=120)
    laid_off_on = models.DateField(_("laid off on"))
    measures = models.JSONField(_("resettlement measures"), default=list, blank=True)
    plan = models.TextField(_("resettlement plan"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-laid_off_on", "-id"]
        verbose_name = _("layoff batch")
        verbose_name_plural = _("layoff batches")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.name}"

    def measure_labels(self) -> list[str]:
        labels = dict(Measure.choices)
        return [str(labels.get(m, m)) for m in self.measures]


class LaidOffWorker(models.Model):
    """One worker of a batch, an archived member, with their path followed to an outcome. The
    re-employment date is recorded here when it happened outside 阳光就业 (a transfer, a job
    found alone); a placement through ``jobs`` after the layoff counts without being recorded."""

    class Outcome(models.TextChoices):
        FOLLOWED = "", _("Still followed")
        REEMPLOYED = "reemployed", _("Re-employed")
        TRANSFERRED = "transferred", _("Transferred to another post")
        INTERNAL_RETIREMENT = "internal_retirement", _("Internal retirement")
        SELF_EMPLOYED = "self_employed", _("Self-employed")
        RETIRED = "retired", _("Retired")

    # Outcomes that are work (with the date it started); the others leave the labour market.
    WORKING = (Outcome.REEMPLOYED, Outcome.TRANSFERRED, Outcome.SELF_EMPLOYED)
    LEFT_WORK = (Outcome.INTERNAL_RETIREMENT, Outcome.RETIRED)

    batch = models.ForeignKey(LayoffBatch, on_delete=models.CASCADE, related_name="workers")
    member = models.ForeignKey("households.Member", on_delete=models.PROTECT, related_name="layoffs")
    path = models.CharField(_("planned path"), max_length=20, choices=Measure.choices, default=Measure.REEMPLOYMENT)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True, default="")
    working_since = models.DateField(_("working again since"), null=True, blank=True)
    insurance_continued = models.BooleanField(_("social security continued"), default=False)
    insurance_continued_on = models.DateField(_("continued on"), null=True, blank=True)
    case = models.OneToOneField(
        "relief.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="laid_off_worker"
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["batch", "id"]
        verbose_name = _("laid-off worker")
        verbose_name_plural = _("laid-off workers")
        constraints = [
            models.UniqueConstraint(fields=["batch", "member"], name="one_worker_once_per_layoff_batch"),
            models.CheckConstraint(
                name="layoff_working_outcome_has_a_date",
                condition=~Q(outcome__in=["reemployed", "transferred", "self_employed"])
                | Q(working_since__isnull=False),
            ),
            models.CheckConstraint(
                name="layoff_insurance_continued_has_a_date",
                condition=Q(insurance_continued=False) | Q(insurance_continued_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch} · {self.member}"
