"""The outbox: a row per (notification, channel), claimed before the provider call, retried with
backoff, skipped with a reason where the person or the address says so, settled by the sweeper."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import delivery
from notifications.models import Channel, Delivery, Notification, Preferences
from notifications.services import notify, preferences_update
from tests.notifications.conftest import tencent_options
from tests.notifications.fakes import FakeProviders
from tests.notifications.helpers import TEST_KIND, local, states, throwaway_kind

pytestmark = pytest.mark.django_db

CONTEXT = {"employer": "利民物流", "time": "09:30"}


@pytest.fixture
def sms(settings: Any, providers: FakeProviders) -> FakeProviders:
    """SMS through the Tencent adapter to the local fake; no other outside channel."""
    settings.NOTIFICATION_CHANNELS = {
        "sms": {
            "BACKEND": "notifications.channels.tencent_sms.TencentSmsBackend",
            "OPTIONS": tencent_options(providers, templates={TEST_KIND: "200001"}),
        }
    }
    settings.NOTIFICATIONS_DAILY_CAP = 10
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    return providers


@pytest.fixture
def kind() -> Any:
    with throwaway_kind() as entry:
        yield entry


def one_delivery(user: Any) -> Delivery:
    notify([user], TEST_KIND, CONTEXT, "/jobs/applications/")
    return Delivery.objects.get(notification__recipient=user)


def test_a_notification_is_sent_once_to_the_persons_mobile(sms: FakeProviders, kind: Any, people: Any) -> None:
    row = one_delivery(people.wang)
    at = local(1, 10)
    delivery.deliver([row.pk], now=at)
    delivery.deliver([row.pk], now=at)  # the same task delivered twice: the row is claimed already
    assert sms.sms_keys() == [row.idempotency_key]
    row.refresh_from_db()
    assert (row.state, row.attempts, row.address) == (Delivery.State.SENT, 1, "138****0001")
    assert row.provider_id == "serial-1"


def test_a_phone_number_that_is_not_a_mobile_is_skipped_and_says_why(
    sms: FakeProviders, kind: Any, people: Any
) -> None:
    people.wang.phone = "04773212345"  # a landline in 鄂尔多斯: valid, but no SMS reaches it
    people.wang.save()
    row = one_delivery(people.wang)
    delivery.deliver([row.pk], now=local(1, 10))
    assert states(pk=row.pk) == [("sms", "skipped", "not_mobile")]
    assert sms.sms == []
    assert Notification.objects.filter(recipient=people.wang).count() == 1  # still in the inbox


def test_a_person_without_a_phone_number_is_skipped(sms: FakeProviders, kind: Any, people: Any) -> None:
    row = one_delivery(people.alice)
    delivery.deliver([row.pk], now=local(1, 10))
    assert states(pk=row.pk) == [("sms", "skipped", "no_address")]


def test_an_opted_out_channel_is_not_used_but_the_notification_stays_in_the_inbox(
    sms: FakeProviders, kind: Any, people: Any
) -> None:
    preferences_update(user=people.wang, channel_switches={"sms": False})
    row = one_delivery(people.wang)
    delivery.deliver([row.pk], now=local(1, 10))
    assert states(pk=row.pk) == [("sms", "skipped", "opted_out")]
    assert sms.sms == []
    assert Notification.objects.get(recipient=people.wang).read_at is None


def test_an_opt_out_counts_at_once_even_for_a_message_already_waiting(
    sms: FakeProviders, kind: Any, people: Any
) -> None:
    row = one_delivery(people.wang)  # queued while SMS was on
    preferences_update(user=people.wang, kind_choices=[{"kind": TEST_KIND, "channel": "sms", "enabled": False}])
    delivery.deliver([row.pk], now=local(1, 10))
    assert states(pk=row.pk) == [("sms", "skipped", "opted_out")]
    assert sms.sms == []


def test_a_kind_switched_off_makes_no_delivery_at_all(sms: FakeProviders, kind: Any, people: Any) -> None:
    preferences_update(user=people.wang, kind_choices=[{"kind": TEST_KIND, "channel": "sms", "enabled": False}])
    notify([people.wang], TEST_KIND, CONTEXT)
    assert Notification.objects.filter(recipient=people.wang).count() == 1
    assert not Delivery.objects.exists()


def test_no_sms_in_quiet_hours_it_waits_until_they_end(sms: FakeProviders, kind: Any, people: Any) -> None:
    row = one_delivery(people.wang)
    assert delivery.deliver([row.pk], now=local(1, 22, 30)) == {"deferred": 1}
    row.refresh_from_db()
    assert (row.state, row.attempts, row.reason) == ("pending", 0, "quiet_hours")
    assert row.next_attempt_at == local(2, 8)
    assert sms.sms == []
    assert delivery.deliver([row.pk], now=local(2, 7, 59)) == {"taken": 1}  # not yet
    assert delivery.deliver([row.pk], now=local(2, 8, 0)) == {"sent": 1}
    assert len(sms.sms) == 1


def test_an_urgent_kind_is_sent_in_quiet_hours(sms: FakeProviders, people: Any) -> None:
    with throwaway_kind(urgent=True):
        row = one_delivery(people.wang)
        assert delivery.deliver([row.pk], now=local(1, 23)) == {"sent": 1}


def test_personal_quiet_hours_are_honoured(sms: FakeProviders, kind: Any, people: Any) -> None:
    preferences_update(user=people.wang, quiet_from="12:00", quiet_until="14:00")
    row = one_delivery(people.wang)
    assert delivery.deliver([row.pk], now=local(1, 22, 30)) == {"sent": 1}  # 21:00 is no longer quiet for him


def test_the_daily_cap_holds_back_further_messages(sms: FakeProviders, kind: Any, people: Any, settings: Any) -> None:
    settings.NOTIFICATIONS_DAILY_CAP = 2
    rows = []
    for n in range(3):
        notify([people.wang], TEST_KIND, CONTEXT, key=f"event-{n}")
    rows = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
    outcome = delivery.deliver(rows, now=local(1, 10))
    assert outcome == {"sent": 2, "skipped": 1}
    assert states()[-1] == ("sms", "skipped", "daily_cap")


def test_a_provider_that_times_out_is_retried_with_backoff_then_marked_failed_never_lost(
    sms: FakeProviders, kind: Any, people: Any
) -> None:
    sms.sms_mode, sms.hang = "timeout", 1.5
    row = one_delivery(people.wang)
    at = local(1, 10)
    assert delivery.deliver([row.pk], now=at) == {"retry": 1}
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 1)
    assert dt.timedelta(seconds=24) <= row.next_attempt_at - at <= dt.timedelta(seconds=36)  # 30 s ± a fifth
    assert "ClientNetworkError" in row.error
    assert delivery.deliver([row.pk], now=at + dt.timedelta(seconds=10)) == {"taken": 1}  # not due yet
    first_retry = row.next_attempt_at
    assert delivery.deliver([row.pk], now=first_retry) == {"retry": 1}
    row.refresh_from_db()
    assert row.next_attempt_at - first_retry >= dt.timedelta(seconds=96)  # then 2 minutes ± a fifth
    assert delivery.deliver([row.pk], now=row.next_attempt_at) == {"failed": 1}
    row.refresh_from_db()
    assert (row.state, row.reason, row.attempts) == ("failed", "gave_up", 3)
    assert len(sms.sms) == 3  # three calls, each marked before the next


def test_a_refusal_by_the_provider_is_not_retried(sms: FakeProviders, kind: Any, people: Any) -> None:
    sms.sms_mode = "status:InvalidParameterValue.IncorrectPhoneNumber"
    row = one_delivery(people.wang)
    assert delivery.deliver([row.pk], now=local(1, 10)) == {"failed": 1}
    row.refresh_from_db()
    assert (row.state, row.reason) == ("failed", "rejected")


def test_the_sweeper_requeues_rows_whose_task_was_lost(
    sms: FakeProviders, people: Any, eager_tasks: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFICATIONS_REQUEUE_AFTER = 60
    with throwaway_kind(urgent=True):  # urgent: the task runs now, whatever the hour of the test run
        row = one_delivery(people.wang)  # in a test transaction: the on-commit task never ran
        later = row.queued_at + dt.timedelta(seconds=61)
        assert delivery.sweep(now=row.queued_at + dt.timedelta(seconds=30))["requeued"] == 0  # not yet
        with django_capture_on_commit_callbacks(execute=True):
            assert delivery.sweep(now=later)["requeued"] == 1
    row.refresh_from_db()
    assert row.state == "sent"  # the re-queued task ran (eagerly here)


def test_a_row_left_in_flight_is_confirmed_from_the_providers_reports_not_sent_again(
    sms: FakeProviders, kind: Any, people: Any, settings: Any
) -> None:
    row = one_delivery(people.wang)
    at = local(1, 10)
    delivery.deliver([row.pk], now=at)
    # The worker died after the provider took the message and before it marked the row.
    Delivery.objects.filter(pk=row.pk).update(state="sending", claimed_at=at, sent_at=None)
    assert delivery.sweep(now=at + dt.timedelta(seconds=settings.NOTIFICATIONS_LEASE + 1))["confirmed"] == 1
    row.refresh_from_db()
    assert row.state == "sent"
    assert len(sms.sms) == 1


def test_a_row_left_in_flight_that_never_reached_the_provider_is_sent_again(
    sms: FakeProviders, people: Any, settings: Any, eager_tasks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with throwaway_kind(urgent=True):
        row = one_delivery(people.wang)
        at = timezone.now() - dt.timedelta(seconds=settings.NOTIFICATIONS_LEASE + 1)
        Delivery.objects.filter(pk=row.pk).update(state="sending", claimed_at=at, attempts=1)
        with django_capture_on_commit_callbacks(execute=True):
            assert delivery.sweep()["resent"] == 1
    row.refresh_from_db()
    assert row.state == "sent"
    assert sms.sms_keys() == [row.idempotency_key]


def test_a_row_left_in_flight_on_a_channel_that_cannot_say_is_marked_unknown_never_resent(
    settings: Any, people: Any, capsys: Any
) -> None:
    settings.NOTIFICATION_CHANNELS = {"sms": {"BACKEND": "notifications.channels.console.ConsoleBackend"}}
    with throwaway_kind():
        row = one_delivery(people.wang)
        at = local(1, 10)
        Delivery.objects.filter(pk=row.pk).update(state="sending", claimed_at=at, attempts=1)
        assert delivery.sweep(now=at + dt.timedelta(seconds=settings.NOTIFICATIONS_LEASE + 1))["unknown"] == 1
    assert states(pk=row.pk) == [("sms", "unknown", "crashed")]
    assert "利民物流" not in capsys.readouterr().out


def test_deliveries_are_made_only_for_configured_channels(settings: Any, people: Any) -> None:
    settings.NOTIFICATION_CHANNELS = {"email": {"BACKEND": "notifications.channels.email.EmailBackend"}}
    with throwaway_kind(channels=(Channel.SMS, Channel.EMAIL)):
        notify([people.wang], TEST_KIND, CONTEXT)
    assert states() == [("email", "pending", "")]


def test_delivery_waits_for_the_commit_and_a_rollback_sends_nothing(
    settings: Any, people: Any, eager_tasks: Any, django_capture_on_commit_callbacks: Any, capsys: Any
) -> None:
    settings.NOTIFICATION_CHANNELS = {"sms": {"BACKEND": "notifications.channels.console.ConsoleBackend"}}
    with throwaway_kind(urgent=True):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            try:
                with transaction.atomic():
                    notify([people.wang], TEST_KIND, CONTEXT)
                    raise RuntimeError("the event failed")
            except RuntimeError:
                pass
        assert callbacks == []
        assert not Notification.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            notify([people.wang], TEST_KIND, CONTEXT)
            assert "利民物流" not in capsys.readouterr().out  # nothing before the commit
    out = capsys.readouterr().out
    assert "[sms → 138****0001] Interview at 利民物流 at 09:30" in out
    assert Delivery.objects.get().state == "sent"


def test_preferences_default_without_a_row() -> None:
    assert Preferences(user_id=1).is_quiet(dt.time(22, 0))
    assert not Preferences(user_id=1).is_quiet(dt.time(12, 0))
