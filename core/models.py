"""Shared reference data and the privacy records every app writes to."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """An administrative division (province, city or county) by its 6-digit code."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        CITY = 2, _("City")
        COUNTY = 3, _("County")

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    full_name = models.CharField(_("full name"), max_length=128, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    pinyin = models.CharField(_("pinyin"), max_length=128, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.full_name.replace(",", " ") if self.full_name else self.name


class SensitiveAccess(models.Model):
    """One row each time someone sees or exports personal data unmasked (who, when, what, why)."""

    # Evidence: the application's database role may add rows, never change or remove them
    # (``manage.py db_roles``).
    APPEND_ONLY = True

    class Purpose(models.TextChoices):
        VERIFY_IDENTITY = "verify_identity", _("Verify identity")
        BENEFIT_PROCESSING = "benefit_processing", _("Process a benefit or payment")
        REFERRAL = "referral", _("Referral to another agency")
        EXPORT = "export", _("Export")
        AUDIT = "audit", _("Audit")
        CASEWORK = "casework", _("Casework (record opened)")
        OTHER = "other", _("Other")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="sensitive_accesses",
        verbose_name=_("user"),
    )
    record_type = models.CharField(_("record type"), max_length=64)
    record_id = models.CharField(_("record id"), max_length=64)
    field = models.CharField(_("field"), max_length=64)
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("sensitive data access")
        verbose_name_plural = _("sensitive data accesses")
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.record_type}#{self.record_id}.{self.field}"


class EncryptionCanary(models.Model):
    """A known value stored encrypted, so start-up can prove the configured keys still read the data."""

    KNOWN_PLAINTEXT = "relief-platform-canary"

    token = models.TextField()
    hashed = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("encryption canary")

    def __str__(self) -> str:
        return f"canary {self.pk}"


class OutboxMessage(models.Model):
    """A Celery task waiting to be handed to the broker (the transactional outbox, ``core.outbox``).

    Written in the same transaction as the change that needs the task, so the task exists exactly
    when the change does; the relay sends it after the commit and deletes the row. While the broker
    is away rows wait here and are sent when it is back. ``task_id`` is the Celery task id: a row
    sent twice (the relay stopped between sending and deleting) arrives with the same id, and the
    tasks are idempotent anyway."""

    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    task_id = models.UUIDField(_("task id"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Not sent before this (after a failed send the relay backs off).
    available_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [models.Index(fields=["available_at"], name="outbox_available")]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)}"
