"""Every write of the notifications app: telling people (``notify``), the inbox's read marks, and
each person's preferences. Delivery to the outside channels is in ``delivery.py``."""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import OrgUnit, Role, User
from core.errors import InvalidInput, NotFound
from core.ids import int_pk
from core.tasks import enqueue_on_commit
from notifications import channels, registry
from notifications.models import Channel, Delivery, KindPreference, Notification, Preferences

log = logging.getLogger(__name__)

# Delivery ids per Celery task: small enough that two workers share a burst evenly, large enough
# that a fair's 10,000 reminders are 200 tasks rather than 10,000.
TASK_CHUNK = 50

# The buttons a notification may carry, by label key (translated when shown).
ACTION_LABELS = {
    "accept": gettext_lazy("Accept"),
    "decline": gettext_lazy("Decline"),
    "confirm": gettext_lazy("Confirm"),
}


@dataclass(frozen=True)
class NoticeAction:
    """A button in the inbox: a POST of ``fields`` to ``url`` (a page of the app that sent it)."""

    label: str
    url: str
    fields: Mapping[str, str] = field(default_factory=dict)
    primary: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "url": self.url, "fields": dict(self.fields), "primary": self.primary}


def _recipients(recipients: Iterable[User | int | None]) -> list[User]:
    ids = list(dict.fromkeys(r.pk if isinstance(r, User) else r for r in recipients if r is not None))
    if not ids:
        return []
    found = {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True).only("pk", "role", "is_superuser")}
    return [found[pk] for pk in ids if pk in found]


def _check_link(link: str) -> str:
    # Only paths of this site: a notification must never send anyone elsewhere.
    if link and (not link.startswith("/") or link.startswith("//") or len(link) > 300):
        raise ValueError(f"a notification links to a path of this site, not {link!r}")
    return link


def _jsonable(context: Mapping[str, Any]) -> dict[str, Any]:
    value = json.loads(json.dumps(dict(context), cls=DjangoJSONEncoder))
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Notice:
    """One person's notification of a kind, for ``notify_each``: its own context, link and key."""

    recipient: User | int | None
    context: Mapping[str, Any] = field(default_factory=dict)
    link: str = ""
    key: str = ""
    actions: Sequence[NoticeAction] = ()
    unit: OrgUnit | int | None = None  # this person's event's unit, where it differs from the batch's


def notify(
    recipients: Iterable[User | int | None],
    kind: str,
    context: Mapping[str, Any] | None = None,
    link: str = "",
    *,
    key: str = "",
    unit: OrgUnit | None = None,
    actions: Sequence[NoticeAction] = (),
    urgent: bool | None = None,
) -> list[Notification]:
    """Tell ``recipients`` about an event of ``kind``: one notification each, written in the
    caller's transaction (so it exists exactly when the event does), delivered to the outside
    channels once that transaction commits.

    ``key`` names the event ("application:17:invited"): the same event notified twice gives one
    notification per person. Inactive accounts are left out; a recipient outside the kind's
    audience is a programming error. Returns the notifications written now."""
    return notify_each(
        kind,
        [Notice(r, context or {}, link, key, actions) for r in recipients],
        unit=unit,
        urgent=urgent,
    )


def notify_each(
    kind: str, notices: Iterable[Notice], *, unit: OrgUnit | None = None, urgent: bool | None = None
) -> list[Notification]:
    """``notify`` for many people, each with their own context, link and key, in a few queries
    (a fair's reminders to thousands of attendees)."""
    entry = registry.get(kind)
    wanted: dict[int, Notice] = {}
    for notice in notices:
        recipient = notice.recipient.pk if isinstance(notice.recipient, User) else notice.recipient
        if recipient is not None and recipient not in wanted:
            wanted[recipient] = notice
    people = _recipients(wanted)
    wrong = [u.pk for u in people if not (u.is_superuser or entry.allows(u.role))]
    if wrong:
        raise ValueError(f"{kind} is not for users {wrong} (audience: {sorted(entry.audience)})")
    if not people:
        return []
    now = timezone.now()
    rows = []
    for person in people:
        notice = wanted[person.pk]
        rows.append(
            Notification(
                recipient_id=person.pk,
                kind=kind,
                context=_jsonable(notice.context),
                link=_check_link(notice.link),
                key=notice.key[:120],
                unit_id=_unit_id(notice.unit) or _unit_id(unit),
                urgent=entry.urgent if urgent is None else urgent,
                actions=[a.as_dict() for a in notice.actions],
                created_at=now,
            )
        )
    with transaction.atomic():
        keyed = [r for r in rows if r.key]
        if keyed:
            done = set(
                Notification.objects.filter(
                    kind=kind, key__in={r.key for r in keyed}, recipient_id__in=[r.recipient_id for r in keyed]
                ).values_list("recipient_id", "key")
            )
            rows = [r for r in rows if not r.key or (r.recipient_id, r.key) not in done]
        created = _insert(rows)
        _outbox(created, entry)
    return created


def _unit_id(unit: OrgUnit | int | None) -> int | None:
    return unit.pk if isinstance(unit, OrgUnit) else unit


def _insert(rows: list[Notification]) -> list[Notification]:
    """All at once; when the same event is being notified at this very moment by someone else (the
    unique constraint fires), one by one, keeping the rows that are not duplicates."""
    if not rows:
        return []
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.pk = None
                    row.save(force_insert=True)
                created.append(row)
            except IntegrityError:
                continue
        return created


def _outbox(created: list[Notification], entry: registry.Kind) -> None:
    """One delivery row per outside channel the kind (or the person's own choice) sends on, then
    the delivery tasks once the event commits. Whether a row is finally sent (opt-outs, quiet
    hours, the cap, the address) is decided when it is sent, so a change of mind counts at once."""
    if entry.digest or not created:
        return
    on = channels.configured()
    if not on:
        return
    user_ids = [n.recipient_id for n in created]
    choices = {
        (c.user_id, c.channel): c.enabled
        for c in KindPreference.objects.filter(user_id__in=user_ids, kind=entry.code, channel__in=on)
    }
    rows = [
        Delivery(notification=n, channel=channel, idempotency_key=uuid.uuid4().hex, next_attempt_at=n.created_at)
        for n in created
        for channel in on
        if choices.get((n.recipient_id, channel), channel in entry.channels)
    ]
    if not rows:
        return
    Delivery.objects.bulk_create(rows, batch_size=1000)
    queue([d.pk for d in rows])


def queue(delivery_ids: Sequence[int]) -> None:
    """Hand deliveries to the workers once the transaction commits (at once outside one). Losing
    this hand-over loses nothing: the sweeper re-queues every row still waiting."""
    for start in range(0, len(delivery_ids), TASK_CHUNK):
        enqueue_on_commit("notifications.deliver", list(delivery_ids[start : start + TASK_CHUNK]))


def resolve(*, key: str, kind: str = "") -> int:
    """The event's follow-up happened (the invitation was answered): its buttons go, and it reads
    as read."""
    if not key:
        return 0
    rows = Notification.objects.filter(key=key, resolved_at__isnull=True)
    if kind:
        rows = rows.filter(kind=kind)
    now = timezone.now()
    rows.filter(read_at__isnull=True).update(read_at=now)
    return rows.update(resolved_at=now)


# --- the inbox --------------------------------------------------------------------------------------


def _own(user: User, notification_id: Any) -> Notification:
    found = Notification.objects.filter(pk=int_pk(notification_id), recipient_id=user.pk).first()
    if found is None:
        raise NotFound(_("No such notification."))  # someone else's reads as missing, never forbidden
    return found


def notification_mark_read(*, user: User, notification_id: Any) -> Notification:
    notification = _own(user, notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())


# --- preferences ------------------------------------------------------------------------------------


def preferences_of(user: User) -> Preferences:
    """The person's preferences, or the defaults (unsaved) when they never changed any."""
    found = Preferences.objects.filter(user_id=user.pk).first()
    return found or Preferences(user_id=user.pk)


def _time(value: Any, field_name: str) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    try:
        return dt.time.fromisoformat(str(value).strip()).replace(second=0, microsecond=0)
    except ValueError:
        raise InvalidInput(_("Give the time as HH:MM, e.g. 21:00."), field=field_name) from None


@transaction.atomic
def preferences_update(
    *,
    user: User,
    channel_switches: Mapping[str, Any] | None = None,
    quiet_from: Any = None,
    quiet_until: Any = None,
    language: str | None = None,
    kind_choices: Iterable[Mapping[str, Any]] = (),
) -> Preferences:
    """Change what ``user`` receives where. Everything is checked before anything is written;
    an opt-out counts for the very next message, including those already waiting."""
    from django.conf import settings

    switches = dict(channel_switches or {})
    for name, value in switches.items():
        if name not in Channel.values:
            raise InvalidInput(_("Unknown channel “%(c)s”.") % {"c": name}, field="channels")
        if not isinstance(value, bool):
            raise InvalidInput(_("Say on or off (true or false) for each channel."), field="channels")
    start = _time(quiet_from, "quiet_from") if quiet_from not in (None, "") else None
    end = _time(quiet_until, "quiet_until") if quiet_until not in (None, "") else None
    if language is not None and language not in dict(settings.LANGUAGES):
        raise InvalidInput(_("Unknown language “%(l)s”.") % {"l": language}, field="language")
    allowed = (
        {k.code: k for k in registry.kinds_for(user.role)}
        if not user.is_superuser
        else {k.code: k for k in registry.kinds()}
    )
    wanted: dict[tuple[str, str], bool] = {}
    for choice in kind_choices:
        kind, channel, enabled = choice.get("kind"), choice.get("channel"), choice.get("enabled")
        if kind not in allowed:
            raise InvalidInput(_("Unknown kind of notification “%(k)s”.") % {"k": kind}, field="kinds")
        if channel not in Channel.values:
            raise InvalidInput(_("Unknown channel “%(c)s”.") % {"c": channel}, field="kinds")
        if not isinstance(enabled, bool):
            raise InvalidInput(_("Say on or off (true or false) for each channel."), field="kinds")
        wanted[(str(kind), str(channel))] = enabled

    preferences = Preferences.objects.select_for_update().filter(user_id=user.pk).first() or Preferences(
        user_id=user.pk
    )
    for name, value in switches.items():
        setattr(preferences, name, value)
    if start is not None:
        preferences.quiet_from = start
    if end is not None:
        preferences.quiet_until = end
    if language is not None:
        preferences.language = language
    preferences.save()
    for (kind, channel), enabled in wanted.items():
        if enabled == (channel in allowed[kind].channels):
            KindPreference.objects.filter(user_id=user.pk, kind=kind, channel=channel).delete()  # the default again
        else:
            KindPreference.objects.update_or_create(
                user_id=user.pk, kind=kind, channel=channel, defaults={"enabled": enabled}
            )
    return preferences


def kind_choices_of(user: User) -> dict[tuple[str, str], bool]:
    """(kind, channel) → on, for every kind the user may receive: the default unless they chose."""
    chosen = {(c.kind, c.channel): c.enabled for c in KindPreference.objects.filter(user_id=user.pk)}
    kinds = registry.kinds() if user.is_superuser else registry.kinds_for(user.role)
    return {
        (k.code, channel): chosen.get((k.code, channel), channel in k.channels)
        for k in kinds
        for channel in Channel.values
    }


# --- the staff digest and the reminders -------------------------------------------------------------


DIGEST = "digest.daily"


def digests_send(*, now: dt.datetime | None = None) -> int:
    """Once a day: each staff member's items of digest kinds not yet in a digest become one
    message ("3 exit requests, 5 visits due this week") on their outside channels. Idempotent: the
    items are marked in the same transaction, and the digest carries the day as its key."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    digest_kinds = [k.code for k in registry.kinds() if k.digest]
    sent = 0
    waiting = (
        Notification.objects.filter(kind__in=digest_kinds, digested_at__isnull=True, created_at__lte=now)
        .values_list("recipient_id", "kind", "pk")
        .order_by("recipient_id")
    )
    per_person: dict[int, Counter[str]] = defaultdict(Counter)
    ids: dict[int, list[int]] = defaultdict(list)
    for recipient_id, kind, pk in waiting:
        per_person[recipient_id][kind] += 1
        ids[recipient_id].append(pk)
    languages = dict(Preferences.objects.filter(user_id__in=list(per_person)).values_list("user_id", "language"))
    link = reverse("notifications:inbox")
    for recipient_id, counts in per_person.items():
        language = languages.get(recipient_id, "zh-hans")
        summary = _summary(counts, language)
        with transaction.atomic():
            made = notify(
                [recipient_id],
                DIGEST,
                {"count": sum(counts.values()), "summary": summary},
                link,
                key=f"digest:{day.isoformat()}",
            )
            Notification.objects.filter(pk__in=ids[recipient_id]).update(digested_at=now)
        sent += len(made)
    return sent + delivery_report_send(now=now)


def delivery_report_send(*, now: dt.datetime | None = None) -> int:
    """Once a day, to the county's auditors and top organizers (and administrators): how the last
    day's messages went, linking to the delivery log. Keyed by the day."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=1)
    rows = Delivery.objects.filter(notification__created_at__gte=since, notification__created_at__lt=now)
    counts = Counter(rows.values_list("state", flat=True))
    readers = User.objects.filter(is_active=True).filter(
        Q(role=Role.ADMIN)
        | Q(is_superuser=True)
        | Q(role__in=[Role.AUDITOR, Role.ORGANIZER], org_unit__parent__isnull=True)
    )
    return len(
        notify(
            readers,
            "delivery.report",
            {
                "sent": counts[Delivery.State.SENT],
                "failed": counts[Delivery.State.FAILED] + counts[Delivery.State.UNKNOWN],
                "skipped": counts[Delivery.State.SKIPPED],
            },
            reverse("notifications:log"),
            key=f"delivery-report:{timezone.localdate(now).isoformat()}",
        )
    )


def _summary(counts: Counter[str], language: str) -> str:
    from django.utils import translation

    with translation.override(language):
        parts = [f"{registry.get(code).label} {n}" for code, n in counts.most_common() if registry.find(code)]
        return _("; ").join(parts)


def reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """Run every registered reminder for ``today``. Each is idempotent (its notifications carry
    keys); one that fails is logged and does not stop the others."""
    today = today or timezone.localdate()
    results: dict[str, int] = {}
    for code, function in registry.reminders():
        try:
            results[code] = function(today)
        except Exception:
            log.exception("reminder %s failed", code)
            results[code] = -1
    return results


def staff_of(unit: OrgUnit | None, *, roles: Sequence[str] = (Role.ORGANIZER,)) -> list[User]:
    """Active people of ``roles`` in exactly ``unit`` (an approver list for the apps above)."""
    if unit is None:
        return []
    return list(User.objects.filter(org_unit=unit, role__in=roles, is_active=True))


def nearest_staff_above(unit: OrgUnit, *, roles: Sequence[str] = (Role.ORGANIZER,)) -> list[User]:
    """The organizers of the nearest unit strictly above ``unit`` that has any (who approve what
    ``unit`` asks for, such as a household's exit)."""
    for ancestor in unit.ancestors().exclude(pk=unit.pk).order_by("-depth"):
        found = staff_of(ancestor, roles=roles)
        if found:
            return found
    return []
