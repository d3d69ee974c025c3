"""Notifications (the inbox), their deliveries to the outside channels (the outbox), and what
each person wants to receive where."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """The outside channels. The in-app inbox is not among them: every notification is in it."""

    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("E-mail")


class Notification(models.Model):
    """One thing one person is told. Written in the transaction of the event it reports."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=64)
    context = models.JSONField(_("context"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    # Buttons the inbox shows with it (accept / decline an invitation): [{"label", "url", "fields"}].
    actions = models.JSONField(_("actions"), default=list, blank=True)
    # The event's own key ("application:17:invited"): the same event processed twice gives one
    # notification (the partial unique constraint below). Empty for events that cannot repeat.
    key = models.CharField(_("event key"), max_length=120, blank=True)
    # The union unit the event belongs to: staff read the delivery log of their own reach.
    unit = models.ForeignKey(
        "accounts.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("unit")
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The actions were taken (the invitation answered): the buttons are no longer shown.
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    # A staff item went out in a daily digest (its kind sends no message of its own).
    digested_at = models.DateTimeField(_("in a digest at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"], condition=~Q(key=""), name="one_notification_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """The outbox: one row per (notification, channel), the source of truth for what was sent.

    A worker claims a row (``pending`` → ``sending``) and commits that before it calls the
    provider, so a second worker, or the same task delivered again after a crash, never sends it
    again. A row left ``sending`` by a killed worker is settled by the sweeper: the provider is asked
    whether it went out (where it can say), else the row is marked ``unknown`` rather than risk a
    second message."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")
        UNKNOWN = "unknown", _("Outcome unknown")

    class Reason(models.TextChoices):
        OPTED_OUT = "opted_out", _("The person switched this channel off")
        NO_ADDRESS = "no_address", _("No address for this channel")
        NOT_MOBILE = "not_mobile", _("The phone number is not a mobile number")
        DAILY_CAP = "daily_cap", _("Daily limit of messages reached")
        INACTIVE = "inactive", _("The account is inactive")
        NO_TEMPLATE = "no_template", _("No provider template for this kind")
        REJECTED = "rejected", _("The provider refused the message")
        GAVE_UP = "gave_up", _("The provider kept failing; retries used up")
        CRASHED = "crashed", _("The worker stopped during the provider call")
        QUIET_HOURS = "quiet_hours", _("Held until the quiet hours end")

    FINAL = (State.SENT, State.FAILED, State.SKIPPED, State.UNKNOWN)

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("notification")
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PENDING)
    # Sent to the provider where it takes one (Tencent SMS SessionContext, the e-mail's Message-ID)
    # and used to ask the provider afterwards whether the message went out.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Masked (138****5678): the log shows where a message went without holding the number.
    address = models.CharField(_("address"), max_length=64, blank=True)
    provider_id = models.CharField(_("provider message id"), max_length=128, blank=True)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices, blank=True)
    error = models.CharField(_("provider's answer"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="one_delivery_per_channel"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="delivery_due"),
            models.Index(fields=["claimed_at"], condition=Q(state="sending"), name="delivery_in_flight"),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id}/{self.channel}: {self.state}"


class Preferences(models.Model):
    """One person's switches: each outside channel on or off (an opt-out, honoured at once),
    quiet hours for the phone channels, and the language of the messages."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    sms = models.BooleanField(_("SMS"), default=True)
    wechat = models.BooleanField(_("WeChat"), default=True)
    email = models.BooleanField(_("e-mail"), default=True)
    quiet_from = models.TimeField(_("quiet from"), default=dt.time(21, 0))
    quiet_until = models.TimeField(_("quiet until"), default=dt.time(8, 0))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="zh-hans")
    # The person's openid for the union's WeChat mini program (bound when they log in there).
    wechat_openid = models.CharField(_("WeChat openid"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user_id)

    def channel_on(self, channel: str) -> bool:
        return bool(getattr(self, channel, False))

    def is_quiet(self, at: dt.time) -> bool:
        start, end = self.quiet_from, self.quiet_until
        if start == end:
            return False
        if start < end:
            return start <= at < end
        return at >= start or at < end  # over midnight: 21:00-08:00


class KindPreference(models.Model):
    """A person's choice for one kind on one channel, where it differs from the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choices", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=64)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        verbose_name = _("notification choice")
        verbose_name_plural = _("notification choices")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="one_choice_per_kind_and_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}/{self.channel}: {self.enabled}"
