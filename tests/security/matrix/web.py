"""The project's own pages."""

from __future__ import annotations

from tests.security.matrix import EVERYONE, page

ENTRIES = [
    page("home", opens=EVERYONE, note="the landing page for visitors"),
    page("health", opens=EVERYONE),
    page("ready", opens=EVERYONE, note="the readiness probe: says whether the database and broker answer"),
    page("set_language", opens=EVERYONE),
]
