"""The project's own pages."""

from __future__ import annotations

from tests.security.matrix import EVERYONE, page

ENTRIES = [
    page("home", opens=EVERYONE, note="the landing page for visitors"),
    page("health", opens=EVERYONE),
    page("set_language", opens=EVERYONE),
]
