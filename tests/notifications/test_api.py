"""The API of item 6: the signed-in user's notifications newest first, read marks, the unread
count and preferences; another user's notification is a 404 and stays untouched."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from notifications.models import KindPreference, Notification, Preferences
from notifications.services import notify
from tests.notifications.helpers import TEST_KIND, throwaway_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def kind() -> Any:
    with throwaway_kind() as entry:
        yield entry


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_list_is_the_users_own_newest_first_with_exactly_the_agreed_fields(kind: Any, people: Any) -> None:
    notify([people.wang], TEST_KIND, {"employer": "利民", "time": "09:30"}, "/jobs/applications/", key="1")
    notify([people.wang], TEST_KIND, {"employer": "草原", "time": "10:30"}, "/fairs/3/me/", key="2")
    notify([people.hana], TEST_KIND, {"employer": "别人", "time": "11:00"}, key="3")
    answer = client_for(people.wang).get("/api/v1/notifications/")
    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert [r["title"] for r in rows] == ["Interview at 草原 at 10:30", "Interview at 利民 at 09:30"]
    assert set(rows[0]) == {"id", "kind", "title", "read", "created_at", "link"}
    assert rows[0]["kind"] == TEST_KIND and rows[0]["read"] is False and rows[0]["link"] == "/fairs/3/me/"


def test_reading_one_marks_it_and_the_count_follows(kind: Any, people: Any) -> None:
    first, *_ = notify([people.wang], TEST_KIND, {}, key="1")
    notify([people.wang], TEST_KIND, {}, key="2")
    api = client_for(people.wang)
    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    answer = api.post(f"/api/v1/notifications/{first.pk}/read/")
    assert answer.status_code == 200 and answer.json()["read"] is True
    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


@pytest.mark.parametrize("pk", ["other", "999999", "abc", str(10**30)])
def test_reading_someone_elses_or_no_notification_is_a_404_and_changes_nothing(kind: Any, people: Any, pk: str) -> None:
    [hers] = notify([people.hana], TEST_KIND, {})
    target = hers.pk if pk == "other" else pk
    answer = client_for(people.wang).post(f"/api/v1/notifications/{target}/read/")
    assert answer.status_code == 404
    hers.refresh_from_db()
    assert hers.read_at is None


def test_anonymous_callers_get_nothing(kind: Any, people: Any) -> None:
    notify([people.wang], TEST_KIND, {})
    assert APIClient().get("/api/v1/notifications/").status_code in (401, 403)
    assert APIClient().get("/api/v1/notifications/unread-count/").status_code in (401, 403)


def test_preferences_are_read_and_changed(people: Any) -> None:
    api = client_for(people.wang)
    body = api.get("/api/v1/notifications/preferences/").json()
    assert body["channels"] == {"sms": True, "wechat": True, "email": True}
    assert (body["quiet_from"], body["quiet_until"]) == ("21:00", "08:00")
    invited = next(k for k in body["kinds"] if k["kind"] == "application.invited")
    assert invited["in_app"] is True and invited["sms"] is True and invited["email"] is False
    assert all(k["kind"] != "application.new" for k in body["kinds"])  # an employer's kind

    answer = api.patch(
        "/api/v1/notifications/preferences/",
        {
            "channels": {"wechat": False},
            "quiet_from": "22:00",
            "kinds": [{"kind": "application.invited", "channel": "sms", "enabled": False}],
        },
        format="json",
    )
    assert answer.status_code == 200
    assert answer.json()["channels"]["wechat"] is False
    assert answer.json()["quiet_from"] == "22:00"
    assert next(k for k in answer.json()["kinds"] if k["kind"] == "application.invited")["sms"] is False


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"quiet_from": "25:99"}, "quiet_from"),
        ({"kinds": [{"kind": "no.such", "channel": "sms", "enabled": False}]}, "kinds"),
        ({"kinds": [{"kind": "application.new", "channel": "sms", "enabled": False}]}, "kinds"),  # not his
        ({"channels": {"sms": False}, "language": "fr"}, "language"),
    ],
)
def test_bad_preferences_are_refused_and_nothing_is_written(people: Any, payload: dict[str, Any], field: str) -> None:
    answer = client_for(people.wang).patch("/api/v1/notifications/preferences/", payload, format="json")
    assert answer.status_code == 400
    assert answer.json().get("field") == field
    assert not Preferences.objects.exists()
    assert not KindPreference.objects.exists()


def test_an_unknown_channel_in_a_kind_choice_is_refused_by_its_shape(people: Any) -> None:
    answer = client_for(people.wang).patch(
        "/api/v1/notifications/preferences/",
        {"kinds": [{"kind": "application.invited", "channel": "fax", "enabled": False}]},
        format="json",
    )
    assert answer.status_code == 400
    assert not KindPreference.objects.exists()
    assert Notification.objects.count() == 0
