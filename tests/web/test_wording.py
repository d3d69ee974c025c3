"""The words the walk in issue 19 found wrong in Chinese, each as it now reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext, pgettext

from accounts.views import _field_labels, _record_label
from fairs.models import JobFair
from ventures.models import Instalment


@pytest.fixture
def chinese() -> Any:
    with translation.override("zh-hans"):
        yield


def test_the_listed_words_read_as_people_say_them(chinese: Any) -> None:
    assert str(Instalment.State.DUE.label) == "待还"
    assert gettext("Apply for venture aid") == "申请创业援助"
    assert str(JobFair._meta.get_field("name").verbose_name) == "名称"
    assert pgettext("fair", "Register") == "报名"
    assert pgettext("anomaly flag", "Open") == "未处理"
    assert (pgettext("ledger debit", "Dr"), pgettext("ledger credit", "Cr")) == ("借", "贷")
    assert gettext("%(name)s · up to %(cap)s") % {"name": "创业贷", "cap": "¥50,000"} == "创业贷 · 最高 ¥50,000"


def test_durations_read_as_how_long_ago(chinese: Any) -> None:
    # A fixed day: calendar months have different lengths, so "280 days ago" reads as 9 months and
    # 1 week on some days and as 9 months on others.
    now = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
    text = Template("{% load durations %}{{ when|ago:now }}").render(
        Context({"when": now - dt.timedelta(days=280), "now": now})
    )
    assert text.replace("\u2060", "") == "9个月1周前"
    with translation.override("en"):
        english = Template("{% load durations %}{{ when|ago:now }}").render(
            Context({"when": now - dt.timedelta(days=280), "now": now})
        )
    assert english.replace("\xa0", " ") == "9 months, 1 week ago"


def test_the_access_log_names_records_and_fields_in_words(chinese: Any) -> None:
    assert "households" not in _record_label("households.Household")
    assert _field_labels("households.Household", "income,health") == "收入、健康"
    assert _field_labels("households.Member", "id_number") == "身份证号"
    assert _record_label("no.Such") == "no.Such"  # an unknown type is shown as stored
