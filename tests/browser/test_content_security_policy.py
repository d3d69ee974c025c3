"""The Content-Security-Policy in a real browser: the pages people use, the htmx hints and the API
docs work under it, and the browser reports no violation (an inline script or style it blocked)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def strict_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A phone-sized page that keeps the pages' CSP (the journeys' ``phone_page`` bypasses it)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()
    from django.db import connections

    connections.close_all()


def _watch(page: Any) -> list[str]:
    """Collect what the browser refuses under the policy (console errors and violation events)."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return refused


def test_pages_htmx_and_the_api_docs_run_under_the_policy(strict_page: Any, people: Any, household_a: Any) -> None:
    page = strict_page
    refused = _watch(page)
    log_in(page, "olga")

    for url in ("/", "/households/", f"/households/{household_a.pk}/", "/jobs/", "/skills/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")

    # htmx still runs: "show full ID number" swaps the reveal form into the cell, in place.
    head = household_a.members.get()
    page.goto(f"/households/{household_a.pk}/")
    page.click(f"#idcell-{head.pk} a")
    page.wait_for_selector(f"#idcell-{head.pk} form.reveal-form")
    assert page.url.endswith(f"/households/{household_a.pk}/")  # in place, not a new page

    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=20_000)  # Swagger UI started from its script file

    assert refused == []
