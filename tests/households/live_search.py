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
