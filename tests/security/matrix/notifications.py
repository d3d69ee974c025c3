"""Notifications: a notification is its recipient's alone (not even the admin opens another's);
the inbox, badge, preferences and "read all" act on the caller's own; the delivery log shows staff
their own reach."""

from __future__ import annotations

from tests.security.matrix import SIGNED_IN, api, page

ENTRIES = [
    api("POST /api/v1/notifications/{id}/read/", "notification", may=(), note="the recipient's own only"),
    api("POST /api/v1/notifications/read-all/", may=SIGNED_IN, note="the caller's own notifications"),
    api("PUT /api/v1/notifications/preferences/", may=SIGNED_IN, note="the caller's own preferences"),
    api("PATCH /api/v1/notifications/preferences/", may=SIGNED_IN, note="the caller's own preferences"),
    page("notifications:inbox", opens=SIGNED_IN),
    page("notifications:badge", opens=SIGNED_IN),
    page("notifications:read_all", opens=SIGNED_IN),
    page("notifications:preferences", opens=SIGNED_IN),
    page("notifications:log", opens=SIGNED_IN, note="staff see their own reach; others their own deliveries"),
    page("notifications:open", "notification", may=(), note="the recipient's own only"),
    page("notifications:read", "notification", may=(), note="the recipient's own only"),
]
