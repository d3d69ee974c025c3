"""Issue 19, finding 8 (definition lists): on a phone (390 and 430 px wide) every value of a
definition list (``dl``) stays in its own column, right of its label, or wholly below it when the
list stacks; its second lines and its chips (tags, badges) never wrap into the label column, and
nothing makes the page scroll sideways. Checked on real pages holding chips in their lists: a job's
page (also in large text), the worker's own page, a household's page and a course, with long values
added the way real data grows them (a long company name, many skills)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 430)

# For every dt of every dl on the page: its dd(s) (up to the next dt) must start right of the dt's
# right edge, or below its bottom edge (stacked); the same for every chip and every line box of
# text inside the dd; and nothing may stick out right of the viewport. Returns the problems found.
CHECK = """
() => {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  const name = el => (el.textContent || '').trim().slice(0, 24);
  const lineRects = el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return Array.from(range.getClientRects()).filter(r => r.width > 0 && r.height > 0);
  };
  for (const dl of document.querySelectorAll('dl')) {
    if (!dl.getClientRects().length) continue;  // hidden
    let dt = null;
    for (const item of dl.querySelectorAll('dt, dd')) {
      if (item.closest('dl') !== dl) continue;  // a list inside a value has its own dts
      if (item.tagName === 'DT') { dt = item; continue; }
      if (!dt) continue;
      const label = dt.getBoundingClientRect();
      const beside = r => r.left >= label.right - 1;
      const below = r => r.top >= label.bottom - 1;
      const box = item.getBoundingClientRect();
      if (!beside(box) && !below(box)) problems.push(`dd "${name(item)}" overlaps its label "${name(dt)}"`);
      for (const r of lineRects(item)) {
        if (!beside(r) && !below(r)) {
          problems.push(`a line of "${name(item)}" wraps under its label "${name(dt)}"`);
          break;
        }
        if (r.right > vw + 1) { problems.push(`a line of "${name(item)}" runs off the screen`); break; }
      }
      for (const chip of item.querySelectorAll('.tag, .badge')) {
        const r = chip.getBoundingClientRect();
        if (!beside(r) && !below(r)) problems.push(`chip "${name(chip)}" sits in the label column of "${name(dt)}"`);
        if (r.right > vw + 1) problems.push(`chip "${name(chip)}" runs off the screen`);
      }
    }
  }
  const wide = document.documentElement.scrollWidth;
  if (wide > vw) problems.push(`the page scrolls sideways (${wide} > ${vw})`);
  return problems;
}
"""

LONG_NAME = "鄂托克旗棋盘井工业园区利民煤炭洗选与物流运输有限责任公司第二分公司"
# The last is a special-operations certificate as written on a skills profile: wider than a value's
# column at 430 px, where a chip that did not wrap pushed the page sideways. (It is longer than on a
# phone would be needed: the test machine's fallback font draws Chinese narrower than phones do.)
CHIPS = [
    "叉车驾驶",
    "电焊",
    "仓库管理",
    "保洁",
    "电工作业",
    "高处作业",
    "起重机械指挥（塔式起重机）信号司索工作业人员特种作业操作证（复审合格）",
]


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def narrow_page(request: Any, browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": request.param, "height": 900}, locale="zh-CN", base_url=live_server.url, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()
    from django.db import connections

    connections.close_all()


def _crowd(page: Any) -> None:
    """Grow every dd the way real data does: a long value, then a row of chips."""
    page.evaluate(
        """([name, chips]) => document.querySelectorAll('dl dd').forEach(dd => {
             dd.append(' ' + name + ' ');
             for (const c of chips) { const s = document.createElement('span'); s.className = 'tag';
               s.textContent = c; dd.append(s, ' '); }
           })""",
        [LONG_NAME, CHIPS],
    )


def _assert_facts_hold(page: Any, url: str) -> None:
    page.goto(url)
    assert page.locator("dl dd").count() > 0, f"{url}: no definition list to check"
    as_built = page.evaluate(CHECK)
    assert as_built == [], f"{url} as built: {as_built}"
    _crowd(page)
    crowded = page.evaluate(CHECK)
    assert crowded == [], f"{url} with long values: {crowded}"


@pytest.fixture
def posting(tree: Any, people: Any) -> Any:
    from jobs.models import PostingSkill
    from skills.models import Skill
    from tests.jobs.conftest import make_employer, make_posting

    employer = make_employer(people.eve, tree.county, name=LONG_NAME)
    posting = make_posting(employer, title="叉车司机", address="棋盘井工业园区东区三号路与五号路交叉口北二百米仓库")
    for skill in Skill.objects.all()[:6]:
        PostingSkill.objects.create(posting=posting, phrase=skill.name_zh, skill=skill)
    return posting


def test_a_jobs_facts_hold_on_a_phone(narrow_page: Any, people: Any, household_a: Any, posting: Any) -> None:
    log_in(narrow_page, "wang")
    _assert_facts_hold(narrow_page, f"/jobs/{posting.pk}/")


def test_the_workers_own_page_holds_on_a_phone(narrow_page: Any, people: Any, household_a: Any) -> None:
    log_in(narrow_page, "wang")
    _assert_facts_hold(narrow_page, "/me/")


def test_a_jobs_facts_hold_in_large_text(narrow_page: Any, people: Any, household_a: Any, posting: Any) -> None:
    people.wang.large_text = True  # 大字模式: larger letters, the same columns
    people.wang.save(update_fields=["large_text"])
    log_in(narrow_page, "wang")
    _assert_facts_hold(narrow_page, f"/jobs/{posting.pk}/")


def test_a_households_facts_hold_on_a_phone(narrow_page: Any, people: Any, household_a: Any) -> None:
    log_in(narrow_page, "hana")
    _assert_facts_hold(narrow_page, f"/households/{household_a.pk}/")


def test_a_courses_facts_hold_on_a_phone(narrow_page: Any, tree: Any, people: Any, household_a: Any) -> None:
    from skills.models import Skill
    from tests.training.conftest import make_course

    course = make_course(tree.county, list(Skill.objects.all()[:6]))
    log_in(narrow_page, "wang")
    _assert_facts_hold(narrow_page, f"/training/courses/{course.pk}/")
