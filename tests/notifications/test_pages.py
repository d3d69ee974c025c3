"""The inbox pages, the badge the top bar refreshes with htmx, preferences, and the staff's
delivery log (masked numbers, each organizer their own reach)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from notifications import delivery
from notifications.models import Delivery, Notification, Preferences
from notifications.services import notify
from tests.notifications.helpers import TEST_KIND, local, throwaway_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def kind() -> Any:
    with throwaway_kind() as entry:
        yield entry


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_page_has_the_badge_that_htmx_fills(people: Any) -> None:
    page = browser(people.wang).get("/me/")
    html = page.content.decode()
    assert 'hx-get="/notifications/badge/"' in html
    assert "every 30s" in html


def test_the_badge_counts_unread_notifications(kind: Any, people: Any) -> None:
    client = browser(people.wang)
    assert "hidden" in client.get("/notifications/badge/").content.decode()
    notify([people.wang], TEST_KIND, {}, key="1")
    notify([people.wang], TEST_KIND, {}, key="2")
    html = client.get("/notifications/badge/").content.decode()
    assert '<span class="bell-count"' in html and ">2</span>" in html


def test_the_inbox_lists_only_ones_own(kind: Any, people: Any) -> None:
    notify([people.wang], TEST_KIND, {"employer": "利民", "time": "09:30"})
    notify([people.hana], TEST_KIND, {"employer": "别人家", "time": "09:30"})
    html = browser(people.wang).get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "利民" in html and "别人家" not in html
    assert "全部标为已读" in html  # in Chinese by default


def test_opening_a_notification_reads_it_and_goes_to_its_page(kind: Any, people: Any) -> None:
    [mine] = notify([people.wang], TEST_KIND, {}, "/jobs/applications/")
    answer = browser(people.wang).get(f"/notifications/{mine.pk}/")
    assert answer.status_code == 302 and answer["Location"] == "/jobs/applications/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_someone_elses_notification_is_not_found_on_the_pages(kind: Any, people: Any) -> None:
    [hers] = notify([people.hana], TEST_KIND, {}, "/households/")
    client = browser(people.wang)
    assert client.get(f"/notifications/{hers.pk}/").status_code == 404
    assert client.post(f"/notifications/{hers.pk}/read/").status_code == 404
    hers.refresh_from_db()
    assert hers.read_at is None


def test_mark_read_in_place_with_htmx_tells_the_badge(kind: Any, people: Any) -> None:
    [mine] = notify([people.wang], TEST_KIND, {"employer": "利民", "time": "9:30"})
    answer = browser(people.wang).post(f"/notifications/{mine.pk}/read/", HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert answer["HX-Trigger"] == "notifications-changed"
    assert f'id="notice-{mine.pk}"' in answer.content.decode()
    assert Notification.objects.get().read_at is not None


def test_mark_all_read(kind: Any, people: Any) -> None:
    notify([people.wang], TEST_KIND, {}, key="1")
    notify([people.wang], TEST_KIND, {}, key="2")
    notify([people.hana], TEST_KIND, {}, key="3")
    assert browser(people.wang).post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(recipient=people.wang, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=people.hana, read_at__isnull=True).exists()


def test_preferences_page_switches_a_channel_off(people: Any) -> None:
    client = browser(people.wang)
    page = client.get("/notifications/preferences/")
    assert page.status_code == 200 and 'name="application.invited:sms"' in page.content.decode()
    answer = client.post(
        "/notifications/preferences/",
        {"channel-email": "on", "channel-wechat": "on", "quiet_from": "21:30", "quiet_until": "07:30"},
    )
    assert answer.status_code == 302
    saved = Preferences.objects.get(user=people.wang)
    assert (saved.sms, saved.wechat, saved.email) == (False, True, True)
    assert saved.quiet_from.strftime("%H:%M") == "21:30"


def test_a_bad_time_on_the_preferences_page_says_so_and_saves_nothing(people: Any) -> None:
    answer = browser(people.wang).post("/notifications/preferences/", {"quiet_from": "nine"}, follow=True)
    assert "HH:MM" in answer.content.decode() or "时:分" in answer.content.decode()
    assert not Preferences.objects.exists()


def test_the_delivery_log_shows_masked_numbers_to_staff_in_reach_only(
    kind: Any, people: Any, tree: Any, settings: Any
) -> None:
    settings.NOTIFICATION_CHANNELS = {"sms": {"BACKEND": "notifications.channels.console.ConsoleBackend"}}
    [sent] = notify([people.wang], TEST_KIND, {"employer": "利民", "time": "9:30"}, unit=tree.station_a)
    delivery.deliver([d.pk for d in Delivery.objects.all()], now=local(1, 10))
    olga = browser(people.olga).get("/notifications/log/").content.decode()  # town A: above station A
    assert "138****0001" in olga and "13847700001" not in olga
    bob = browser(people.bob).get("/notifications/log/").content.decode()  # town B: beside it
    assert "138****0001" not in bob
    assert browser(people.wang).get("/notifications/log/").status_code == 404
    assert browser(people.root).get("/notifications/log/?channel=sms&state=sent").status_code == 200
    assert sent.deliveries.get().address == "138****0001"  # stored masked, too
