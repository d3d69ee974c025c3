"""New jobs that suit a worker are announced in one notification a day, never a posting they
applied for, never a weak match."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from households.models import Household, Member
from jobs import services as job_services
from matching import services
from matching.models import Match
from notifications.models import Notification
from tests.jobs.conftest import make_employer, make_posting

pytestmark = pytest.mark.django_db


def stored(member: Member, posting: Any, score: float) -> None:
    Match.objects.create(
        member=member, posting=posting, score=score, explanation={}, engine_version="t", computed_at=timezone.now()
    )


def test_new_suitable_jobs_are_announced_once_a_day_in_one_notification(
    people: Any, tree: Any, household_a: Household, settings: Any
) -> None:
    settings.MATCH_ALERT_MIN_SCORE = 0.6
    wang = household_a.members.get(user=people.wang)
    employer = make_employer(people.eve, tree.county, name="鄂托克旗利民物流有限公司")
    good = make_posting(employer, title="叉车司机")
    better = make_posting(employer, title="仓库管理员")
    weak = make_posting(employer, title="电焊工")
    old = make_posting(employer, title="保洁员", published_at=timezone.now() - dt.timedelta(days=5))
    applied = make_posting(employer, title="装卸工")
    for posting, score in ((good, 0.7), (better, 0.9), (weak, 0.3), (old, 0.95), (applied, 0.8)):
        stored(wang, posting, score)
    job_services.application_apply(posting=applied, member=wang, by=people.wang)

    today = timezone.localdate()
    assert services.new_match_alerts_send(today=today) == 1
    assert services.new_match_alerts_send(today=today) == 0  # at most daily
    [notice] = Notification.objects.filter(recipient=people.wang, kind="matches.new")
    assert notice.context == {"count": 2, "best": "仓库管理员"}
    assert notice.link == "/matching/"
