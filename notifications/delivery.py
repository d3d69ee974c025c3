"""Delivering the outbox: each row claimed, checked against the person's wishes, sent once.

The rules that make it lose nothing and send nothing twice:

* A row is claimed (``pending`` → ``sending``, one more attempt) by a conditional UPDATE that is
  committed before the provider is called: the same task delivered twice, or two workers given the
  same row, find it claimed and leave it. Rows are claimed one at a time, right before their own
  call, so a killed worker leaves at most the row it was sending in ``sending``.
* After the call the row is marked ``sent``, ``failed`` or back to ``pending`` with a later time
  (backoff), in the commit that claims the next row (or at once when it is the last).
* The sweeper (every minute on beat) re-queues rows still ``pending`` after their time (a lost task
  message, a retry that is due) and settles rows left ``sending`` past the lease: it asks the
  provider whether the message went out where the provider can say (Tencent SMS status reports,
  by the idempotency key); where it cannot, the row is marked ``unknown`` rather than sent again.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from accounts.models import User
from core.masking import mask_phone
from notifications import channels, registry
from notifications.channels.base import Message, ProviderError, Skip
from notifications.models import Channel, Delivery, KindPreference, Preferences
from notifications.services import queue

log = logging.getLogger(__name__)
State, Reason = Delivery.State, Delivery.Reason

# Seconds before the next try after the n-th failed attempt (a random fifth either way, so that a
# provider's outage does not end in one burst of every retry at once).
BACKOFF = (30, 120, 600, 1800, 3600)
PHONE_CHANNELS = (Channel.SMS, Channel.WECHAT)  # the ones that buzz a phone: quiet hours apply


def max_attempts() -> int:
    return int(settings.NOTIFICATIONS_MAX_ATTEMPTS)


def backoff(attempt: int) -> dt.timedelta:
    base = BACKOFF[min(max(attempt, 1), len(BACKOFF)) - 1]
    return dt.timedelta(seconds=base * random.uniform(0.8, 1.2))


def site_url(link: str) -> str:
    return urljoin(settings.SITE_URL.rstrip("/") + "/", link.lstrip("/")) if link else ""


def mask(channel: str, address: str) -> str:
    if channel == Channel.SMS:
        return mask_phone(address)
    if channel == Channel.EMAIL:
        name, _at, domain = address.partition("@")
        return f"{name[:1]}***@{domain}"
    return f"{address[:4]}…" if address else ""


def is_mobile(phone: str) -> bool:
    try:
        number = phonenumbers.parse(phone, "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


@dataclass(frozen=True)
class Send:
    address: str


@dataclass(frozen=True)
class Hold:
    reason: str


@dataclass(frozen=True)
class Defer:
    until: dt.datetime


def _address(channel: str, user: User, preferences: Preferences) -> Send | Hold:
    if channel == Channel.SMS:
        if not user.phone:
            return Hold(Reason.NO_ADDRESS)
        return Send(user.phone) if is_mobile(user.phone) else Hold(Reason.NOT_MOBILE)
    if channel == Channel.WECHAT:
        return Send(preferences.wechat_openid) if preferences.wechat_openid else Hold(Reason.NO_ADDRESS)
    return Send(user.email) if user.email else Hold(Reason.NO_ADDRESS)


def _quiet_end(preferences: Preferences, now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    end = local.replace(
        hour=preferences.quiet_until.hour, minute=preferences.quiet_until.minute, second=0, microsecond=0
    )
    return end if end > local else end + dt.timedelta(days=1)


@dataclass
class Batch:
    """What deciding a batch of rows needs, read in a handful of queries."""

    preferences: dict[int, Preferences]
    choices: dict[tuple[int, str, str], bool]
    sent_today: Counter[int]


def _load(rows: Sequence[Delivery], now: dt.datetime) -> Batch:
    user_ids = {d.notification.recipient_id for d in rows}
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    counts = (
        Delivery.objects.filter(
            notification__recipient_id__in=user_ids, state__in=[State.SENT, State.SENDING], claimed_at__gte=midnight
        )
        .values_list("notification__recipient_id")
        .annotate(n=Count("pk"))
    )
    return Batch(
        preferences={p.user_id: p for p in Preferences.objects.filter(user_id__in=user_ids)},
        choices={
            (c.user_id, c.kind, c.channel): c.enabled
            for c in KindPreference.objects.filter(user_id__in=user_ids, kind__in={d.notification.kind for d in rows})
        },
        sent_today=Counter(dict(counts.values_list("notification__recipient_id", "n"))),
    )


def _decide(delivery: Delivery, batch: Batch, now: dt.datetime) -> Send | Hold | Defer:
    notification = delivery.notification
    user = notification.recipient
    preferences = batch.preferences.get(user.pk) or Preferences(user_id=user.pk)
    kind = registry.find(notification.kind)
    if not user.is_active:
        return Hold(Reason.INACTIVE)
    if kind is None:
        return Hold(Reason.NO_TEMPLATE)
    chosen = batch.choices.get((user.pk, kind.code, delivery.channel), delivery.channel in kind.channels)
    if not preferences.channel_on(delivery.channel) or not chosen:
        return Hold(Reason.OPTED_OUT)
    where = _address(delivery.channel, user, preferences)
    if isinstance(where, Hold):
        return where
    if not notification.urgent:
        if delivery.channel in PHONE_CHANNELS and preferences.is_quiet(timezone.localtime(now).time()):
            return Defer(_quiet_end(preferences, now))
        if batch.sent_today[user.pk] >= settings.NOTIFICATIONS_DAILY_CAP:
            return Hold(Reason.DAILY_CAP)
    return where


def message_for(delivery: Delivery, address: str) -> Message:
    notification = delivery.notification
    user = notification.recipient
    preferences = getattr(user, "_notification_preferences", None) or Preferences(user_id=user.pk)
    language = preferences.language
    kind = registry.get(notification.kind)
    title, body = kind.render(notification.context, language)
    return Message(
        key=delivery.idempotency_key,
        channel=delivery.channel,
        kind=notification.kind,
        address=address,
        title=title,
        body=body,
        link=site_url(notification.link),
        language=language,
        params=tuple(str(notification.context.get(name, "")) for name in kind.params),
        context=dict(notification.context),
        claimed_at=delivery.claimed_at,
    )


def _finish(delivery: Delivery, **changes: Any) -> bool:
    """Write the outcome of the row this worker holds (still ``sending`` under its claim time)."""
    return bool(
        Delivery.objects.filter(pk=delivery.pk, state=State.SENDING, claimed_at=delivery.claimed_at).update(**changes)
    )


Outcome = tuple[Delivery, dict[str, Any]]


def deliver(delivery_ids: Sequence[int], *, now: dt.datetime | None = None) -> Counter[str]:
    """Deliver these rows, those of them still waiting and due. Returns how many ended how.

    Each row's outcome is written in the same transaction as the next row's claim: one commit per
    message instead of two (a commit is what a delivery costs), and still at most one row in flight
    when a worker dies (the outcome of the row before is either committed with the next claim or
    the row is still ``sending``, which the sweeper settles)."""
    outcome: Counter[str] = Counter()
    rows = list(
        Delivery.objects.filter(pk__in=list(delivery_ids), state=State.PENDING)
        .select_related("notification__recipient")
        .order_by("pk")
    )
    if not rows:
        return outcome
    batch = _load(rows, now or timezone.now())
    held: Outcome | None = None
    try:
        for delivery in rows:
            label, held = attempt(delivery, batch, now=now, previous=held)
            outcome[label] += 1
    finally:
        if held is not None:
            _finish(held[0], **held[1])
    return outcome


def attempt(
    delivery: Delivery, batch: Batch, *, now: dt.datetime | None = None, previous: Outcome | None = None
) -> tuple[str, Outcome | None]:
    """Claim ``delivery`` (writing the ``previous`` row's outcome in the same commit), decide, send.
    Returns what happened and the outcome still to be written."""
    moment = now or timezone.now()
    with transaction.atomic():  # committed before anything is sent
        if previous is not None:
            _finish(previous[0], **previous[1])
        claimed = Delivery.objects.filter(pk=delivery.pk, state=State.PENDING, next_attempt_at__lte=moment).update(
            state=State.SENDING, claimed_at=moment, attempts=F("attempts") + 1
        )
    if not claimed:
        return "taken", None
    delivery.claimed_at, delivery.attempts = moment, delivery.attempts + 1
    decision = _decide(delivery, batch, moment)
    user = delivery.notification.recipient
    if isinstance(decision, Defer):
        return "deferred", (
            delivery,
            {
                "state": State.PENDING,
                "attempts": F("attempts") - 1,
                "next_attempt_at": decision.until,
                "queued_at": decision.until,
                "reason": Reason.QUIET_HOURS,
            },
        )
    if isinstance(decision, Hold):
        return "skipped", (delivery, {"state": State.SKIPPED, "reason": decision.reason})
    user._notification_preferences = batch.preferences.get(user.pk)  # type: ignore[attr-defined]
    message = message_for(delivery, decision.address)
    masked = mask(delivery.channel, decision.address)
    try:
        provider_id = channels.backend_for(delivery.channel).send(message)
    except Skip as skip:
        reason = skip.reason if skip.reason in Reason.values else Reason.REJECTED
        return "skipped", (
            delivery,
            {"state": State.SKIPPED, "reason": reason, "address": masked, "error": skip.detail[:300]},
        )
    except Exception as exc:
        transient = not isinstance(exc, ProviderError) or exc.transient
        if not isinstance(exc, ProviderError):
            log.exception("delivery %s: the %s backend failed", delivery.pk, delivery.channel)
        text = (str(exc) or type(exc).__name__)[:300]
        if transient and delivery.attempts < max_attempts():
            due = moment + backoff(delivery.attempts)
            changes = {"state": State.PENDING, "next_attempt_at": due, "address": masked, "error": text, "reason": ""}
            return "retry", (delivery, changes)
        reason = Reason.GAVE_UP if transient else Reason.REJECTED
        return "failed", (delivery, {"state": State.FAILED, "reason": reason, "address": masked, "error": text})
    batch.sent_today[user.pk] += 1
    sent = {"state": State.SENT, "sent_at": timezone.now(), "provider_id": provider_id[:128], "address": masked}
    return "sent", (delivery, sent)


# --- the sweeper ----------------------------------------------------------------------------------


def sweep(*, now: dt.datetime | None = None, limit: int = 5000) -> dict[str, int]:
    """Re-queue what waits past its time; settle what a killed worker left in flight."""
    now = now or timezone.now()
    requeue_after = dt.timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER)
    due = list(
        Delivery.objects.filter(state=State.PENDING, next_attempt_at__lte=now, queued_at__lte=now - requeue_after)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    if due:
        Delivery.objects.filter(pk__in=due, state=State.PENDING).update(queued_at=now)
        queue(due)
    lease = dt.timedelta(seconds=settings.NOTIFICATIONS_LEASE)
    stuck = list(
        Delivery.objects.filter(state=State.SENDING, claimed_at__lte=now - lease)
        .select_related("notification__recipient")
        .order_by("claimed_at")[:limit]
    )
    settled: Counter[str] = Counter()
    for delivery in stuck:
        settled[_settle(delivery, now)] += 1
    return {"requeued": len(due), **settled}


def _settle(delivery: Delivery, now: dt.datetime) -> str:
    """A row a worker claimed and never finished: did its message go out?"""
    user = delivery.notification.recipient
    preferences = Preferences.objects.filter(user_id=user.pk).first() or Preferences(user_id=user.pk)
    where = _address(delivery.channel, user, preferences)
    went: bool | None = None
    if isinstance(where, Send) and registry.find(delivery.notification.kind):
        user._notification_preferences = preferences  # type: ignore[attr-defined]
        try:
            went = channels.backend_for(delivery.channel).reconcile(message_for(delivery, where.address))
        except Exception:
            log.exception("delivery %s: asking the provider failed", delivery.pk)
            went = None
    if went is True:
        _finish(delivery, state=State.SENT, sent_at=now, error="confirmed by the provider after the worker stopped")
        return "confirmed"
    if went is False:
        if delivery.attempts >= max_attempts():
            _finish(delivery, state=State.FAILED, reason=Reason.GAVE_UP)
            return "failed"
        if _finish(delivery, state=State.PENDING, next_attempt_at=now, queued_at=now):
            queue([delivery.pk])
        return "resent"
    _finish(delivery, state=State.UNKNOWN, reason=Reason.CRASHED)
    return "unknown"
