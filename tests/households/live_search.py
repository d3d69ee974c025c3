"""The live search of a staff form's people picker, as htmx sends it: a GET of the form's own page
with ``HX-Request`` and ``HX-Target`` naming the results list. Returns the page's picker URL and the
fragment answered, for the tests that check the search lists the page's own people."""

from __future__ import annotations

import re
from html import unescape
from typing import Any


def picker_url(page: str) -> str:
    """Where the page's search box asks (its ``hx-get``)."""
    found = re.search(r'<input type="search" id="member-q"[^>]*hx-get="([^"]+)"', page)
    assert found, "the page has no live people search"
    return unescape(found.group(1))


def live_search(client: Any, url: str, query: str) -> str:
    answer = client.get(
        url, {"q": query}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="member-results", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 200
    fragment = answer.content.decode()
    assert "<html" not in fragment, "the whole page came back, not the list of people found"
    return fragment


def assert_search_lists(client: Any, page_url: str, query: str, *, shown: Any, hidden: Any) -> None:
    """The page's search box asks the page itself, and its answer lists ``shown``, not ``hidden``."""
    url = picker_url(client.get(page_url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert url == page_url
    fragment = live_search(client, url, query)
    assert f'value="{shown.pk}"' in fragment and f'value="{hidden.pk}"' not in fragment


def assert_search_lists_only_active_households(client: Any, page_url: str, unit: Any) -> None:
    """Two namesakes in ``unit``, one in an active household, one in a draft: the page's search lists
    the active one only, as its form accepts (the general picker would list both)."""
    from households.models import Household
    from tests.factories import HouseholdFactory, MemberFactory

    active = MemberFactory(household=HouseholdFactory(org_unit=unit), name="乌日娜其其格")
    draft = MemberFactory(household=HouseholdFactory(org_unit=unit, state=Household.State.DRAFT), name="乌日娜图雅")
    assert_search_lists(client, page_url, "乌日娜", shown=active, hidden=draft)
