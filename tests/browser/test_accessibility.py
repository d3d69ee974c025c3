"""WCAG 2.1 AA in a real browser: axe-core on every page each demo role reaches from its home and menu.

The demo county is seeded once (``web.demo.seed`` with 30 households); each role (and a visitor who
is not signed in) logs in once in its own browser context at 390 px, the page size of a common phone,
and opens its home page, every link on it (the top bar's menu included, open or not) and every link
of the footer. On each page axe-core (vendored in ``tests/browser/vendor/axe-core``, no CDN) runs the
WCAG 2.0/2.1 A and AA rules; then the page is narrowed to 320 CSS px, where nothing may scroll
sideways (WCAG 1.4.10, reflow). The crawl runs once for the module; the tests read its findings and
fail naming the page, the rule and the element.

``AXE_REPORT=path.json`` writes the findings (violations by page and rule, counts by rule) to a file;
``AXE_ROLES=worker,employer`` crawls only those roles (while fixing; the crawl's own test then fails).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser.crawl import LINKS_JS, PHONE, ROLES, crawl_role, ledger_triggers, page_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_SOURCE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
EXTRA_RULES = ["heading-order"]
NARROWEST = {"width": 320, "height": 640}

# The WCAG rules (experimental ones left out, as axe does by default) and the best-practice rule that
# headings go down one level at a time (WCAG 1.3.1 asks for structure, axe files its check elsewhere).
AXE_JS = """([tags, extra]) => axe.run(document, {runOnly: {type: 'rule', values: axe.getRules(tags)
    .filter(r => !r.tags.includes('experimental')).map(r => r.ruleId).concat(extra)},
    resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160)}))})))"""
# What sticks out past the right edge at 320 px: the outermost such elements (their children are
# not listed again), as a short selector.
OVERFLOW_JS = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return [];
  const width = root.clientWidth, found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    if (found.some(f => f.contains(el))) continue;
    let clipped = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== 'visible' && p.getBoundingClientRect().right <= width + 1) { clipped = true; break; }
    }
    if (!clipped) found.push(el);
  }
  const named = found.map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
    ` in ${el.parentElement.tagName.toLowerCase()}.${el.parentElement.className}` +
    ` (right ${Math.round(el.getBoundingClientRect().right)})`);
  return [`scrollWidth ${root.scrollWidth} > ${width}`].concat([...new Set(named)].slice(0, 5));
}"""


@dataclass
class Finding:
    role: str
    page: str
    rule: str
    impact: str
    help: str
    nodes: list[dict[str, str]]


@dataclass
class Crawl:
    pages: dict[str, list[str]] = field(default_factory=dict)  # role -> paths checked
    violations: list[Finding] = field(default_factory=list)
    overflowing: dict[str, list[str]] = field(default_factory=dict)  # "role page" -> what sticks out
    seconds: float = 0.0  # the crawl
    seed_seconds: float = 0.0

    def by_rule(self) -> Counter[str]:
        return Counter(f.rule for f in self.violations)


def _check(page: Any, role: str, path: str, crawl: Crawl) -> list[str]:
    """Open one page, run axe on it at 390 px and the reflow check at 320 px; return its links."""
    from playwright.sync_api import TimeoutError as PageTimeout

    try:
        try:
            response = page.goto(path)
        except PageTimeout:
            # The live server shares two loaded cores with the rest of the suite: a page it was slow
            # to serve once is asked for again, with more time, before it counts as not opening.
            response = page.goto(path, timeout=45_000)
    except Exception as error:  # a download, a page that does not load
        crawl.overflowing[f"{role} {path}"] = [f"did not open: {error}"]
        return []
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return []
    if response.status >= 400:
        crawl.overflowing[f"{role} {path}"] = [f"answered {response.status}"]
        return []
    # htmx fills parts of some pages after the load (the bell's count): check what people see.
    page.wait_for_load_state("networkidle")
    shown = page_key(page.url)
    crawl.pages.setdefault(role, []).append(shown)
    for item in page.evaluate(AXE_JS, [AXE_TAGS, EXTRA_RULES]):
        crawl.violations.append(
            Finding(
                role=role,
                page=shown,
                rule=item["id"],
                impact=item["impact"] or "",
                help=item["help"],
                nodes=item["nodes"],
            )
        )
    page.set_viewport_size(NARROWEST)
    sticking_out = page.evaluate(OVERFLOW_JS)
    page.set_viewport_size(PHONE)
    if sticking_out:
        crawl.overflowing[f"{role} {shown}"] = sticking_out
    return page.evaluate(LINKS_JS)


@pytest.fixture(scope="module")
def crawl(browser: Any, live_server: Any, django_db_setup: Any, django_db_blocker: Any) -> Iterator[Crawl]:
    from django.db import connections

    from web import demo

    started = time.monotonic()
    result = Crawl()
    # Outside a test the database is blocked, for the live server's requests too.
    with django_db_blocker.unblock():
        demo.seed(households=30, verbose=lambda _text: None)
        seeded = time.monotonic()
        for role, login in ROLES.items():
            if os.environ.get("AXE_ROLES") and role not in os.environ["AXE_ROLES"].split(","):
                continue
            crawl_role(
                browser,
                live_server.url,
                role,
                login,
                demo.DEMO_PASSWORD,
                lambda page, role, path: _check(page, role, path, result),
                init_script=AXE_SOURCE.read_text(encoding="utf-8"),
            )
        connections.close_all()
    result.seconds = time.monotonic() - seeded
    result.seed_seconds = seeded - started
    report = os.environ.get("AXE_REPORT")
    if report:
        Path(report).write_text(
            json.dumps(
                {
                    "seconds": round(result.seconds, 1),
                    "seed_seconds": round(result.seed_seconds, 1),
                    "pages": result.pages,
                    "by_rule": dict(result.by_rule()),
                    "pages_with_violations": len({(f.role, f.page) for f in result.violations}),
                    "violations": [f.__dict__ for f in result.violations],
                    "overflowing": result.overflowing,
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    with django_db_blocker.unblock():
        ledger_triggers(install=False)
    yield result
    with django_db_blocker.unblock():
        ledger_triggers(install=True)


def test_the_crawl_reaches_every_role_s_pages(crawl: Crawl) -> None:
    # A crawl that silently checked nothing would pass everything below.
    assert set(crawl.pages) == set(ROLES)
    assert "/me/" in crawl.pages["worker"]
    assert "/accounts/password/" in " ".join(crawl.pages["worker"])
    assert sum(len(p) for p in crawl.pages.values()) >= 60


def test_no_page_violates_wcag_2_1_a_or_aa(crawl: Crawl) -> None:
    lines = [
        f"{f.role:<9} {f.page}  [{f.rule}, {f.impact}] {f.help}: "
        + "; ".join(f"{n['target']}  {n['html']}" for n in f.nodes[:4])
        + (f" (+{len(f.nodes) - 4} more)" if len(f.nodes) > 4 else "")
        for f in crawl.violations
    ]
    assert not lines, f"{len(lines)} axe violations ({dict(crawl.by_rule())}):\n" + "\n".join(lines)


def test_no_page_scrolls_sideways_at_320_px(crawl: Crawl) -> None:
    lines = [f"{page}: {', '.join(what)}" for page, what in crawl.overflowing.items()]
    assert not lines, "pages that scroll sideways at 320 CSS px (or did not open):\n" + "\n".join(lines)
