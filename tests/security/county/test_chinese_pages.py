"""With Chinese chosen, the interface speaks Chinese: every page each demo role reaches from its
home page (following the links it is shown) is read, and a Latin word in the visible text that is
not on the allow-list (brand names, units, codes people use) fails the test, naming the page.

The text a person sees is read: tags, scripts, styles and attribute values are left out, and so
are the values people typed or that the demo seeded in Latin letters (usernames, codes), which the
allow-list names. Downloads, the admin, the API and logging out are not followed."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.security.county.world import ROLES, County

# A role reads at most this many pages (the demo county's lists are paged; a few of each kind
# cover every template).
PAGES_PER_ROLE = 160
# Where a link may lead but the walk does not follow: not pages of the interface in Chinese.
NOT_FOLLOWED = re.compile(
    r"^/(admin|api|static|media|i18n)/|/logout/|format=|\.xlsx|\.csv|/report/?\?|/export|/download|/qr|/reveal"
)
# Words that stay in Latin letters in a Chinese interface: brands and systems, units and standards,
# and what people type themselves.
ALLOWED = {
    # brands, systems, file formats
    "excel",
    "wps",
    "wechat",
    "sms",
    "qr",
    "xlsx",
    "csv",
    "pdf",
    "id",
    "api",
    "app",
    "ai",
    "cad",
    "office",
    "word",
    "ppt",
    "ok",
    "wifi",
    "led",
    "plc",
    "cnc",
    "pos",
    "it",
    "ps",
    "html",
    # units and standards, licence classes
    "kb",
    "mb",
    "gb",
    "km",
    "kg",
    "cm",
    "mm",
    "kw",
    "kv",
    "ic",
    "uscc",
    "csco",
    "cet",
    "vs",
    # skills and systems named in Latin letters in Chinese job ads
    "dcs",
    "ui",
    "jpeg",
    "png",
    "python",
    "java",
    "linux",
    "sql",
    # the languages switch names the language in its own script
    "english",
}
LATIN = re.compile(r"[A-Za-z][A-Za-z.']+")
# A run of letters and digits (a code, a reference, a licence class) is not a word.
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._'-]*")


class _Text(HTMLParser):
    """The text a person sees, and the same-site links to follow."""

    SKIP = {"script", "style", "svg", "code", "kbd", "samp", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._skipping = 0
        self._lang = [""]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in self.SKIP or "mono" in (found.get("class") or "").split() or found.get("lang") == "en":
            self._skipping += 1
            self._lang.append(tag)
            return
        self._lang.append("")
        href = found.get("href") or ""
        if tag == "a" and href.startswith("/") and not NOT_FOLLOWED.search(href):
            self.links.append(href.split("#")[0])

    def handle_endtag(self, tag: str) -> None:
        if len(self._lang) > 1 and self._lang[-1] == tag and self._lang[-1]:
            self._skipping -= 1
        if len(self._lang) > 1:
            self._lang.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.text.append(data)


def latin_words(html: str, exempt: set[str]) -> set[str]:
    parser = _Text()
    parser.feed(html)
    words = set()
    for token in TOKEN.findall(" ".join(parser.text)):
        if any(c.isdigit() for c in token) or re.fullmatch(r"[0-9a-f]{8}", token):
            continue  # a code or a ledger reference (eight hex digits that happen to be letters)
        word = token
        bare = word.strip(".'-").lower()
        if len(bare) < 2 or bare in ALLOWED or bare in exempt:
            continue
        words.add(word.strip(".'"))
    return words


def walk(client: Client, exempt: set[str]) -> dict[str, set[str]]:
    seen: set[str] = set()
    queue = deque(["/"])
    found: dict[str, set[str]] = {}
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        words = latin_words(html, exempt)
        if words:
            found[url] = words
        parser = _Text()
        parser.feed(html)
        # One page of each kind: a list's second page, a record's neighbours add nothing new.
        for link in parser.links:
            if "page=" in link or link in seen:
                continue
            queue.append(link)
    return found


def _typed_in_latin(county: County) -> set[str]:
    """What the demo's people are called or typed in Latin letters: usernames, unit codes."""
    from accounts.models import OrgUnit, User

    words: set[str] = set()
    for value in [*User.objects.values_list("username", flat=True), *OrgUnit.objects.values_list("code", flat=True)]:
        words.update(w.lower() for w in LATIN.findall(value or ""))
    return words


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("anonymous", "admin")])
def test_every_page_speaks_chinese(county: County, db: Any, role: str) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    user: Any = county.user(role)
    client.force_login(user)
    found = walk(client, _typed_in_latin(county))
    assert not found, "\n".join(f"{url}: {' '.join(sorted(words))}" for url, words in sorted(found.items()))
