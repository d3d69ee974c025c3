"""Care for sanitation workers and women workers: the register of rest stations (爱心驿站) and
nursing rooms (爱心妈咪小屋). Aid to single mothers and seriously ill women workers is an
application of the relief core that pays through ``funds`` (``relief/care/relief.py``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Station(models.Model):
    class Kind(models.TextChoices):
        REST_STATION = "rest_station", _("Rest station (爱心驿站)")
        NURSING_ROOM = "nursing_room", _("Nursing room (爱心妈咪小屋)")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    place = models.CharField(_("place"), max_length=200)
    employer = models.ForeignKey(
        "jobs.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("employer")
    )
    org_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("opened on"))
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["kind", "name", "id"]
        verbose_name = _("care station")
        verbose_name_plural = _("care stations")
        constraints = [
            models.CheckConstraint(
                name="care_station_inspected_after_opening",
                condition=Q(inspected_on__isnull=True) | Q(inspected_on__gte=F("opened_on")),
            )
        ]

    def __str__(self) -> str:
        return self.name


class CareMark(models.Model):
    """A member marked for care: a sanitation worker (with their employer), a woman worker's care
    needs (pregnancy, nursing, a serious illness...)."""

    member = models.OneToOneField("households.Member", on_delete=models.CASCADE, related_name="care_mark")
    sanitation_worker = models.BooleanField(_("sanitation worker (环卫工人)"), default=False)
    employer = models.ForeignKey(
        "jobs.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("employer")
    )
    employer_name = models.CharField(_("employer (not registered)"), max_length=120, blank=True)
    women_care_needs = models.CharField(_("women worker's care needs"), max_length=300, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("care mark")
        verbose_name_plural = _("care marks")

    def __str__(self) -> str:
        return str(self.member)


class HealthCheck(models.Model):
    """A free health check given to a member, its result and where it was referred."""

    member = models.ForeignKey("households.Member", on_delete=models.CASCADE, related_name="health_checks")
    checked_on = models.DateField(_("checked on"))
    result = models.CharField(_("result"), max_length=300)
    referral = models.CharField(_("referred to"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-checked_on", "-id"]
        verbose_name = _("health check")
        verbose_name_plural = _("health checks")

    def __str__(self) -> str:
        return f"{self.member} · {self.checked_on}"


class RightsEvent(models.Model):
    """An event of the women workers' rights month (女职工维权行动月), with who attended."""

    name = models.CharField(_("event"), max_length=120)
    org_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("rights-month event")
        verbose_name_plural = _("rights-month events")

    def __str__(self) -> str:
        return self.name


class Attendance(models.Model):
    event = models.ForeignKey(RightsEvent, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("households.Member", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["event", "member"], name="attends_a_rights_event_once")]

    def __str__(self) -> str:
        return f"{self.event} · {self.member}"
