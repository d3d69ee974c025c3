"""Accounts and the union's units: a unit beyond one's own subtree is not seen."""

from __future__ import annotations

from tests.security.matrix import EVERYONE, SIGNED_IN, api, page, roles

ENTRIES = [
    api("GET /api/v1/org-units/{id}/", "org_unit"),
    page("accounts:login", opens=EVERYONE),
    page("accounts:logout", opens=EVERYONE, note="logging out is anyone's"),
    page("accounts:password_change", opens=SIGNED_IN),
    page("accounts:access_log", opens=roles("organizer", "auditor", "admin")),
    page("accounts:text_size", opens=EVERYONE, note="the large-text switch: one's own setting and cookie, POST only"),
]
