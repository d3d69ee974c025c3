"""The crawl of the demo as each role sees it, shared by the browser tests that check every page
(accessibility, page height): log in as the role at 390×844 in Chinese, open the home page, every
link on it (the top bar's menu included, open or not) and every link of the footer, and hand each
page to the test's own check."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

# The demo's login of each role (``web.demo.seed`` prints the same list), password DEMO_PASSWORD.
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "worker": "worker_demo",
    "employer": "employer_demo",
    "helper": "helper_etk_wl_1_1",
    "organizer": "org_wulan",
    "auditor": "auditor",
}
# Links that are not pages to check: the admin and API (Django's and DRF's own pages), downloads,
# the language switch's target, and logging out (which would end the crawl's session).
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/i18n/", "/accounts/logout/")
SKIP_SUFFIXES = ("/export/", ".xlsx", ".csv", ".pdf", ".png", ".svg", ".json")
PHONE = {"width": 390, "height": 844}

# Every link on the page that stays on this site, as absolute paths with their query.
LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]'))
  .map(a => a.href).filter(h => h.startsWith(location.origin))"""

# A check opens ``path`` on ``page`` and returns the links to follow from it.
Check = Callable[[Any, str, str], list[str]]


def page_key(url: str) -> str:
    """The page a link opens, for de-duplication: path and query, without the fragment."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def page_shape(key: str) -> str:
    """A page's key with its record ids as ``<id>`` ("/households/<id>/"), stable across databases
    whose ids differ (PostgreSQL does not reset its sequences between tests)."""
    path, mark, query = key.partition("?")
    return re.sub(r"(?<=/)\d+(?=/|$)", "<id>", path) + mark + query


def worth_checking(path: str) -> bool:
    return not path.startswith(SKIP_PREFIXES) and not path.endswith(SKIP_SUFFIXES)


def crawl_role(
    browser: Any,
    base_url: str,
    role: str,
    login: str | None,
    password: str,
    check: Check,
    *,
    init_script: str = "",
) -> None:
    """Log in as ``login`` (a visitor when None) and run ``check(page, role, path)`` on home and on
    every page it links to (one level: the menu's pages, not theirs)."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=base_url, bypass_csp=True)
    context.set_default_timeout(15_000)
    if init_script:
        context.add_init_script(script=init_script)
    page = context.new_page()
    try:
        if login:
            page.goto("/accounts/login/")
            page.fill("[name=username]", login)
            page.fill("[name=password]", password)
            with page.expect_navigation():
                page.click("form[action$='/accounts/login/'] button[type=submit]")
            assert "/accounts/login/" not in page.url, f"{role} ({login}) could not log in: {page.inner_text('main')}"
        seen: set[str] = set()
        # A visitor's menu is the front page and the login page (which links to the company sign-up).
        queue = ["/"] if login else ["/", "/accounts/login/"]
        depth_of = dict.fromkeys(queue, 0)
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            links = check(page, role, path)
            if depth_of[path] >= 1:
                continue  # home (depth 0) and what it links to (its menu included): no further
            seen.add(page_key(page.url))  # where home redirected to (a worker's /me/)
            for href in links:
                key = page_key(urljoin(base_url, href))
                if key not in seen and key not in depth_of and worth_checking(urlsplit(key).path):
                    depth_of[key] = depth_of[path] + 1
                    queue.append(key)
    finally:
        context.close()


def ledger_triggers(*, install: bool) -> None:
    """Each test here ends with a flush (pytest-django makes every test that uses the live server
    transactional), which on SQLite is ``DELETE FROM`` every table: the ledger's append-only triggers
    refuse it for the demo's ledger rows (as they should). They are dropped once the crawl is done and
    put back at the end (as tests/funds/conftest.py does). PostgreSQL flushes with TRUNCATE, which
    fires no row trigger."""
    import importlib

    from django.db import connection, connections

    if connection.vendor == "sqlite":
        invariants = importlib.import_module("funds.migrations.0002_ledger_invariants")
        with connection.cursor() as cursor:
            for statement in invariants.SQLITE if install else invariants.SQLITE_DROP:
                cursor.execute(statement)
    connections.close_all()
