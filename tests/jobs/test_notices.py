"""Employers hear, once a week, of applicants nobody at the company has answered for three days."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jobs import services
from jobs.models import Application
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_applicants_waiting_three_days_are_brought_up_weekly(people: Any, posting: Any, wang: Any) -> None:
    application = services.application_apply(posting=posting, member=wang, by=people.wang)
    today = timezone.localdate()
    assert services.waiting_applicants_remind(today=today) == 0  # just applied
    Application.objects.filter(pk=application.pk).update(employer_touched_at=timezone.now() - dt.timedelta(days=4))
    assert services.waiting_applicants_remind(today=today) == 1
    assert services.waiting_applicants_remind(today=today) == 0  # once a week
    [notice] = Notification.objects.filter(recipient=people.eve, kind="application.waiting")
    assert notice.context == {"count": 1, "days": 3}
    services.application_move(application=application, by=people.eve, to_state=Application.State.VIEWED)
    assert services.waiting_applicants_remind(today=today + dt.timedelta(days=7)) == 0  # answered
