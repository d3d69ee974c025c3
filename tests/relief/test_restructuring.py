"""Restructuring layoffs (issue 18): an enterprise in difficulty, a layoff batch of archived
workers each followed as a case, re-employment through ordinary jobs placements counted by
itself, the batch report checked against the database, and the bad inputs of the issue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.errors import Conflict, InvalidInput
from households.models import Household, Member, PlanGoal
from jobs.models import Application, Employer, JobPosting, Placement
from relief.models import Case
from relief.restructuring import selectors, services
from relief.restructuring.models import Enterprise, LaidOffWorker, LayoffBatch
from relief.restructuring.selectors import add_months
from tests.conftest import People, Tree
from tests.factories import MemberFactory, fresh_id_number
from tests.jobs.conftest import make_employer, make_posting
from tests.relief.conftest import plan_goal

TODAY = timezone.localdate()
LAID_OFF = TODAY - dt.timedelta(days=300)


@pytest.fixture
def enterprise(people: People, tree: Tree) -> Enterprise:
    return services.enterprise_create(
        by=people.olga, name="乌兰焦化厂", org_unit=tree.town_a, reason="overcapacity", noted_on=LAID_OFF
    )


@pytest.fixture
def workers(household_a: Household) -> list[Member]:
    return [
        MemberFactory(household=household_a, name=f"工人{i}", id_number=fresh_id_number(), relation="other")
        for i in range(6)
    ]


@pytest.fixture
def posting(people: People, tree: Tree) -> JobPosting:
    return make_posting(make_employer(people.eve, tree.county, name="鄂托克旗利民煤业有限公司"), headcount=10)


def _rows(members: list[Member]) -> list[dict[str, Any]]:
    return [{"name": m.name, "id_number": m.id_number} for m in members]


def _batch(people: People, enterprise: Enterprise, members: list[Member], **kwargs: Any) -> LayoffBatch:
    return services.batch_create(
        by=people.olga,
        enterprise=enterprise,
        name="2025年第一批",
        laid_off_on=kwargs.pop("laid_off_on", LAID_OFF),
        measures=["transfer", "reemployment", "insurance"],
        plan="转岗 10 人，其余推荐再就业，社保接续",
        workers=_rows(members),
        **kwargs,
    )


def hire(posting: JobPosting, member: Member, by: Any, start: dt.date) -> Placement:
    from jobs import services as job_services

    application = Application.objects.create(posting=posting, member=member, state=Application.State.OFFERED)
    return job_services.application_hire(application=application, by=by, start_date=start, monthly_wage=5000)


def test_a_batch_follows_each_worker_as_a_case_of_their_helper(
    people: People, enterprise: Enterprise, workers: list[Member]
) -> None:
    batch = _batch(people, enterprise, workers)
    assert batch.workers.count() == 6
    cases = Case.objects.filter(track="restructuring", kind="layoff_path")
    assert cases.count() == 6 and set(cases.values_list("helper", flat=True)) == {people.hana.pk}
    assert all(c.opened_on == LAID_OFF for c in cases)


def test_a_worker_in_no_archived_household_refuses_the_batch_and_offers_to_create(
    people: People, enterprise: Enterprise, workers: list[Member]
) -> None:
    rows = [*_rows(workers[:2]), {"name": "赵无档", "id_number": fresh_id_number()}]
    with pytest.raises(InvalidInput) as refused:
        services.batch_create(by=people.olga, enterprise=enterprise, name="x", laid_off_on=LAID_OFF, workers=rows)
    assert refused.value.code == "not_in_archive"
    assert "赵无档" in refused.value.message and "Create their household's archive" in refused.value.message
    assert refused.value.details["missing"] == ["赵无档"]
    assert refused.value.details["create"] == reverse("households:create")
    assert not LayoffBatch.objects.exists() and not LaidOffWorker.objects.exists() and not Case.objects.exists()


def test_a_worker_of_another_unit_is_not_in_reach_so_not_silently_added(
    people: People, enterprise: Enterprise, household_b: Household
) -> None:
    stranger = MemberFactory(household=household_b, name="外镇人", id_number=fresh_id_number(), relation="other")
    with pytest.raises(InvalidInput) as refused:
        services.batch_create(
            by=people.olga, enterprise=enterprise, name="x", laid_off_on=LAID_OFF, workers=_rows([stranger])
        )
    assert refused.value.code == "not_in_archive" and not LayoffBatch.objects.exists()


def test_the_same_worker_twice_in_one_batch_is_refused(
    people: People, enterprise: Enterprise, workers: list[Member]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.batch_create(
            by=people.olga,
            enterprise=enterprise,
            name="x",
            laid_off_on=LAID_OFF,
            workers=_rows([workers[0], workers[1], workers[0]]),
        )
    assert refused.value.code == "twice" and workers[0].name in refused.value.message
    assert not LayoffBatch.objects.exists() and not Case.objects.exists()
    batch = _batch(people, enterprise, workers[:2])
    with pytest.raises(Conflict) as again:
        services.batch_add_workers(batch=batch, by=people.olga, workers=_rows([workers[1], workers[2]]))
    assert again.value.code == "twice"
    assert batch.workers.count() == 2 and Case.objects.count() == 2


def test_the_batch_report_matches_the_database(
    people: People, enterprise: Enterprise, workers: list[Member], posting: JobPosting
) -> None:
    goal = plan_goal(workers[0].household, "job", member=workers[0])
    batch = _batch(people, enterprise, workers)
    w = {lw.member_id: lw for lw in batch.workers.all()}
    hire(posting, workers[0], people.eve, TODAY - dt.timedelta(days=60))  # ~8 months after: within 12
    services.worker_record_outcome(
        worker=w[workers[1].pk], by=people.hana, outcome="transferred", on=LAID_OFF + dt.timedelta(days=50)
    )
    services.worker_record_outcome(
        worker=w[workers[2].pk],
        by=people.hana,
        outcome="self_employed",
        on=LAID_OFF + dt.timedelta(days=150),
        insurance_continued_on=LAID_OFF + dt.timedelta(days=20),
    )
    services.worker_record_outcome(worker=w[workers[3].pk], by=people.hana, outcome="internal_retirement")
    services.worker_record_outcome(
        worker=w[workers[4].pk], by=people.hana, outcome="", insurance_continued_on=LAID_OFF + dt.timedelta(days=30)
    )
    # A job held before the layoff is not re-employment.
    Placement.objects.create(
        application=Application.objects.create(posting=posting, member=workers[5], state=Application.State.HIRED),
        member=workers[5],
        employer=posting.employer,
        posting=posting,
        start_date=LAID_OFF - dt.timedelta(days=400),
        monthly_wage=4000,
    )
    report = selectors.batch_report(people.olga, batch=batch)
    row = report.batches[0]

    # The same figures, asked of the database directly.
    members = LaidOffWorker.objects.filter(batch=batch)
    placed = set(
        Placement.objects.filter(member__layoffs__batch=batch, start_date__gte=batch.laid_off_on).values_list(
            "member_id", flat=True
        )
    )
    recorded = dict(members.exclude(working_since=None).values_list("member_id", "working_since"))
    first = {
        m: min(
            [d for d in [recorded.get(m)] if d]
            + list(Placement.objects.filter(member_id=m, start_date__gte=LAID_OFF).values_list("start_date", flat=True))
        )
        for m in placed | set(recorded)
    }
    assert row.laid_off == members.count() == 6
    assert row.reemployed == len(first) == 3
    for months in (3, 6, 12):
        assert row.within[months] == sum(1 for d in first.values() if d <= add_months(LAID_OFF, months))
    assert (row.within_3, row.within_6, row.within_12) == (1, 2, 3)
    assert row.insurance_continued == members.filter(insurance_continued=True).count() == 2
    left = members.filter(outcome__in=["internal_retirement", "retired"]).exclude(member_id__in=first)
    assert row.left_work == left.count() == 1
    assert row.without_work == members.exclude(Q(member_id__in=first) | Q(pk__in=left)).count() == 2
    assert report.enterprises[0].laid_off == report.units[0].laid_off == report.total.laid_off == 6
    # The placement through jobs met the worker's job goal; the transfer closed that case as achieved.
    goal.refresh_from_db()
    assert goal.status == PlanGoal.Status.MET
    assert w[workers[1].pk].case.__class__.objects.get(pk=w[workers[1].pk].case_id).outcome == "achieved"
    assert [x.member_id for x in selectors.still_without_work_for(people.olga)] == [workers[4].pk, workers[5].pk]


def test_a_placement_through_jobs_updates_the_report_by_itself(
    people: People, enterprise: Enterprise, workers: list[Member], posting: JobPosting
) -> None:
    batch = _batch(people, enterprise, workers[:3], laid_off_on=TODAY - dt.timedelta(days=20))
    api = APIClient()
    api.force_authenticate(people.olga)
    before = api.get(f"/api/v1/relief/restructuring/batches/{batch.pk}/report/").json()["batches"][0]
    assert before["reemployed_within_3_months"] == 0 and before["still_without_work"] == 3
    hire(posting, workers[0], people.eve, TODAY)
    after = api.get(f"/api/v1/relief/restructuring/batches/{batch.pk}/report/").json()["batches"][0]
    assert after["reemployed_within_3_months"] == 1 and after["still_without_work"] == 2


def test_the_api_refuses_a_batch_with_a_worker_not_in_the_archive(
    people: People, enterprise: Enterprise, workers: list[Member]
) -> None:
    api = APIClient()
    api.force_authenticate(people.olga)
    answer = api.post(
        "/api/v1/relief/restructuring/batches/",
        {
            "enterprise": enterprise.pk,
            "name": "x",
            "laid_off_on": LAID_OFF.isoformat(),
            "workers": [*_rows(workers[:1]), {"name": "赵无档", "id_number": fresh_id_number()}],
        },
        format="json",
    )
    assert answer.status_code == 400 and "赵无档" in answer.content.decode()
    assert not LayoffBatch.objects.exists()
    twice = api.post(
        "/api/v1/relief/restructuring/batches/",
        {
            "enterprise": enterprise.pk,
            "name": "x",
            "laid_off_on": LAID_OFF.isoformat(),
            "workers": _rows([workers[0]] * 2),
        },
        format="json",
    )
    assert twice.status_code == 400 and not LayoffBatch.objects.exists()


def test_the_pages_record_a_batch_and_show_the_advice(
    people: People, enterprise: Enterprise, workers: list[Member]
) -> None:
    client = Client()
    client.force_login(people.olga)
    lines = "\n".join(f"{m.name} {m.id_number}" for m in workers[:3])
    missing = client.post(
        reverse("relief:restructuring:batch_create"),
        {
            "enterprise": enterprise.pk,
            "name": "第二批",
            "laid_off_on": TODAY.isoformat(),
            "workers": lines + f"\n赵无档 {fresh_id_number()}",
        },
    )
    page = missing.content.decode()
    assert missing.status_code == 400 and "赵无档" in page and reverse("households:create") in page
    assert not LayoffBatch.objects.exists()
    made = client.post(
        reverse("relief:restructuring:batch_create"),
        {"enterprise": enterprise.pk, "name": "第二批", "laid_off_on": TODAY.isoformat(), "workers": lines},
    )
    batch = LayoffBatch.objects.get()
    assert made.status_code == 302 and batch.workers.count() == 3
    advice = client.get(reverse("relief:restructuring:batch_advice", args=[batch.pk]))
    assert advice.status_code == 200 and "data-jobs" in advice.content.decode()
    assert client.get(reverse("relief:restructuring:enterprises")).status_code == 200
    client.force_login(people.bob)  # another town
    assert client.get(reverse("relief:restructuring:batch", args=[batch.pk])).status_code == 404


def test_employer_is_kept_as_the_counterpart(people: People, tree: Tree, workers: list[Member]) -> None:
    company: Employer = make_employer(people.eve, tree.county, name="乌兰煤矿")
    enterprise = services.enterprise_create(
        by=people.olga, name="乌兰煤矿", org_unit=tree.town_a, reason="bankruptcy", noted_on=LAID_OFF, employer=company
    )
    _batch(people, enterprise, workers[:1])
    assert Case.objects.get().employer == company
