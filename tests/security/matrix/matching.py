"""Matching: a posting's ranked candidates are its company's and its union unit's; a household's
matches its unit's."""

from __future__ import annotations

from tests.security.matrix import api, page, roles

ENTRIES = [
    api("GET /api/v1/matches/for-posting/{posting_pk}/", "match_posting"),
    api("GET /api/v1/matches/household/{household_pk}/", "household"),
    page("matching:mine", opens=roles("worker", "admin")),
    page("matching:gaps", opens=roles("helper", "organizer", "auditor", "admin")),
    page("matching:candidates", "match_posting"),
    page("matching:household", "household"),
]
