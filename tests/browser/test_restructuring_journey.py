"""The restructuring-layoff journey in a real browser (in Chinese): the town's organizer Olga
records a layoff batch of three archived workers from the plant's list, opens the batch's advice
(jobs within reach, what to learn), one worker is placed through 阳光就业, and the batch report
shows them re-employed within three months without anyone recording it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from jobs import services as job_services
from jobs.models import Application
from relief.restructuring import services
from relief.restructuring.models import LayoffBatch
from tests.browser.conftest import log_in
from tests.factories import MemberFactory, fresh_id_number
from tests.jobs.conftest import make_employer, make_posting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _figure(page: Any, batch: int, name: str) -> str:
    return page.inner_text(f"tr[data-batch='{batch}'] td[data-figure='{name}']").strip()


def test_an_organizer_records_a_layoff_batch_and_a_placement_updates_its_report(
    phone_page: Any, people: Any, tree: Any, household_a: Any
) -> None:
    page = phone_page
    today = timezone.localdate()
    services.enterprise_create(
        by=people.olga,
        name="乌兰焦化厂",
        org_unit=tree.town_a,
        reason="overcapacity",
        noted_on=today - dt.timedelta(days=60),
    )
    workers = [
        MemberFactory(household=household_a, name=name, id_number=fresh_id_number(), relation="other")
        for name in ("李焦一", "李焦二", "李焦三")
    ]
    posting = make_posting(make_employer(people.eve, tree.county, name="鄂托克旗利民煤业有限公司"), headcount=5)

    log_in(page, "olga")
    page.goto("/relief/restructuring/")
    page.click("a[href='/relief/restructuring/batches/new/']")
    page.fill("[name=name]", "关停焦炉第一批")
    page.fill("[name=laid_off_on]", (today - dt.timedelta(days=10)).isoformat())
    page.check("[name=measures][value=reemployment]")
    page.check("[name=measures][value=insurance]")
    page.fill("[name=plan]", "一对一跟踪，推荐阳光就业岗位")
    page.fill("[name=workers]", "\n".join(f"{m.name} {m.id_number}" for m in workers))
    page.click("form button.button-primary")
    page.wait_for_url(re.compile(r"/relief/restructuring/batches/\d+/$"))
    batch = LayoffBatch.objects.get()
    assert batch.workers.count() == 3
    assert _figure(page, batch.pk, "laid_off") == "3" and _figure(page, batch.pk, "without_work") == "3"

    page.click("[data-advice]")
    page.wait_for_url(re.compile(r"/advice/$"))
    jobs = page.inner_text("[data-jobs]")
    assert all(m.name in jobs for m in workers)
    assert page.locator("[data-learn]").count() == 1

    # The plant's worker 李焦一 is hired through 阳光就业 by an ordinary employer.
    application = Application.objects.create(posting=posting, member=workers[0], state=Application.State.OFFERED)
    job_services.application_hire(application=application, by=people.eve, start_date=today, monthly_wage=5200)

    page.goto(f"/relief/restructuring/batches/{batch.pk}/")
    assert _figure(page, batch.pk, "within_3") == "1"
    assert _figure(page, batch.pk, "without_work") == "2"
    assert "阳光就业" in page.inner_text(f"tr[data-member='{workers[0].pk}']")
