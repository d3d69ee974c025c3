"""Plain words on the workers' pages: a short explanation of 匹配度, 贴息 and 结对帮扶 that opens by a tap
or the keyboard (web/templatetags/glossary.py), and dates written as people read them aloud."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse
from django.utils import translation

from tests.factories import PlanGoalFactory, ReliefPlanFactory
from web.templatetags.glossary import GLOSSARY

pytestmark = pytest.mark.django_db


def render(source: str) -> str:
    with translation.override("zh-hans"):
        return Template("{% load glossary %}" + source).render(Context({}))


def test_a_term_opens_its_explanation_by_a_button_not_by_hovering():
    html = render('{% term "interest_subsidy" %}')
    button = '<button type="button" class="term-button" popovertarget="term-interest_subsidy-1">贴息是什么？</button>'
    assert button in html
    assert 'id="term-interest_subsidy-1" popover role="note"' in html
    assert "利息由工会替您付" in html
    assert 'popovertargetaction="hide">知道了</button>' in html
    assert "title=" not in html and "mouseover" not in html


def test_each_use_on_a_page_has_its_own_popover():
    html = render('{% term "match_score" %}{% term "match_score" %}{% term "pairing" %}')
    assert 'id="term-match_score-1"' in html and 'id="term-match_score-2"' in html
    assert 'id="term-pairing-1"' in html


def test_an_unknown_term_fails_loudly():
    with pytest.raises((KeyError, TemplateSyntaxError)):
        render('{% term "no_such_term" %}')


def test_every_term_is_explained_in_chinese():
    for key, entry in GLOSSARY.items():
        with translation.override("en"):
            english = str(entry.meaning)
        with translation.override("zh-hans"):
            assert str(entry.meaning) != english, f"{key} has no Chinese explanation"
    with translation.override("zh-hans"):
        assert {str(t.label) for t in GLOSSARY.values()} == {"匹配度", "贴息", "结对帮扶"}


def test_the_worker_s_pages_explain_the_terms(client, people, household_a):
    client.force_login(people.wang)
    assert 'popovertarget="term-pairing-1"' in client.get(reverse("me:home")).content.decode()
    assert 'popovertarget="term-match_score-1"' in client.get(reverse("matching:mine")).content.decode()
    assert 'popovertarget="term-interest_subsidy-1"' in client.get(reverse("ventures:mine")).content.decode()


def test_dates_on_the_worker_s_home_are_written_out(client, people, household_a):
    plan = ReliefPlanFactory(household=household_a)
    PlanGoalFactory(plan=plan, title="户主实现稳定就业", due_on=dt.date(2027, 1, 27))
    client.force_login(people.wang)
    html = client.get(reverse("me:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2027年1月27日" in html
    assert "2027-01-27" not in html
