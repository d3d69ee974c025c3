"""Demo data of restructuring layoffs (called by ``relief.demo``): a coking plant of 乌兰镇 cut in
the overcapacity reform, one layoff batch of up to 60 workers a year ago, followed over the year:
transfers in the first months, re-employment found alone or through 阳光就业 (placements count by
themselves), some self-employed, a few internal retirements, social security continued for most,
and the rest still without work, their cases followed with a next action (a few overdue)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from accounts.models import User
from households.models import Household, Member
from relief import case_services
from relief.restructuring import services
from relief.restructuring.models import Enterprise, LaidOffWorker

BATCH_SIZE = 60


def _workers(today: dt.date) -> list[Member]:
    """Working-age current members of active households, as a plant's workforce would be."""
    oldest = today.replace(year=today.year - 59)
    youngest = today.replace(year=today.year - 20)
    return list(
        Member.objects.filter(
            is_current=True,
            household__state=Household.State.ACTIVE,
            birth_date__gt=oldest,
            birth_date__lte=youngest,
        )
        .exclude(layoffs__isnull=False)
        .order_by("household_id", "pk")[:BATCH_SIZE]
    )


def seed_restructuring(*, rng: random.Random, verbose: Callable[[str], None] = print) -> int:
    """Skipped when an enterprise is recorded already. Returns the workers laid off."""
    if Enterprise.objects.exists():
        return 0
    organizer = User.objects.filter(username="org_county").select_related("org_unit").first()
    if organizer is None or organizer.org_unit is None:
        return 0
    today = timezone.localdate()
    laid_off = today - dt.timedelta(days=365)
    members = _workers(today)
    if not members:
        return 0
    enterprise = services.enterprise_create(
        by=organizer,
        name="鄂托克旗乌兰焦化有限责任公司",
        org_unit=organizer.org_unit,
        reason=Enterprise.Reason.OVERCAPACITY,
        industry="焦化",
        noted_on=laid_off - dt.timedelta(days=90),
        note="化解焦化过剩产能，关停两座焦炉",
    )
    paths = ["transfer"] * 10 + ["internal_retirement"] * 5 + ["self_employment"] * 5
    batch = services.batch_create(
        by=organizer,
        enterprise=enterprise,
        name="关停焦炉第一批分流职工",
        laid_off_on=laid_off,
        measures=["transfer", "internal_retirement", "reemployment", "self_employment", "insurance"],
        plan=(
            "企业内部转岗 10 人；距法定退休年龄不足 5 年的 5 人内部退养；其余职工由工会帮扶站一对一跟踪，"
            "推荐阳光就业岗位和技能培训，鼓励自主创业；全部职工社保关系接续。"
        ),
        workers=[
            {"member": m.pk, "path": paths[i] if i < len(paths) else "reemployment"} for i, m in enumerate(members)
        ],
    )
    workers = list(LaidOffWorker.objects.filter(batch=batch).select_related("case").order_by("pk"))
    for i, worker in enumerate(workers):
        insured = laid_off + dt.timedelta(days=rng.randint(10, 60)) if rng.random() < 0.75 else None
        if worker.path == "transfer":
            outcome, on = "transferred", laid_off + dt.timedelta(days=rng.randint(20, 80))
        elif worker.path == "internal_retirement":
            outcome, on = "internal_retirement", laid_off + dt.timedelta(days=rng.randint(5, 30))
        elif worker.path == "self_employment":
            outcome, on = "self_employed", laid_off + dt.timedelta(days=rng.randint(90, 250))
        elif i % 3 == 0:
            outcome, on = "reemployed", laid_off + dt.timedelta(days=rng.randint(40, 350))
        else:
            outcome, on = "", today
        services.worker_record_outcome(
            worker=worker, by=organizer, outcome=outcome, on=min(on, today), insurance_continued_on=insured
        )
        worker.refresh_from_db()
        case = worker.case
        if case is not None and case.is_open:
            # Still without work: followed all year, the last step recent (a few let slip past due).
            step_on = today - dt.timedelta(days=rng.randint(3, 40))
            due = step_on + dt.timedelta(days=rng.choice([7, 14, 30, 45]))
            case_services.case_add_step(
                case=case,
                by=organizer,
                on=step_on,
                action=rng.choice(
                    ["电话回访，推荐招聘会", "入户走访，了解求职意向", "推荐参加电工培训班", "陪同到人社局登记失业"]
                ),
                next_action=rng.choice(["跟进面试结果", "确认培训报名", "再次回访"]),
                next_action_due=due,
            )
    verbose(f"Restructuring: {enterprise.name}, a batch of {len(workers)} workers followed over a year.")
    return len(workers)
