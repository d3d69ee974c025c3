"""Reads of restructuring layoffs, limited to the user's reach (the batch's unit subtree): the
enterprises and batches, one batch with its workers, the batch report (laid off, re-employed within
3, 6 and 12 months, social security continued, still without work) by batch, enterprise and unit,
and the advice for a whole batch: the jobs within reach (``matching``) and what to learn
(``training``, wired by ``web`` into ``advice.py``).

Re-employment counts by itself: a worker is working again from the earlier of the date recorded
on their path (a transfer, a job found alone) and the start of their first ``jobs`` placement on
or after the layoff."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action
from core.errors import NotFound
from core.ids import int_pk
from jobs.models import Placement
from relief.restructuring import advice
from relief.restructuring.models import Enterprise, LaidOffWorker, LayoffBatch

WINDOWS = (3, 6, 12)  # months after the layoff


def _staff(user: User) -> bool:
    return visibility.may(user, Action.VIEW_RELIEF)


def enterprise_list_for(user: User) -> QuerySet[Enterprise]:
    if not _staff(user):
        return Enterprise.objects.none()
    return visibility.scope(user, Enterprise.objects.all(), unit="org_unit").select_related("org_unit", "employer")


def enterprise_get_for(user: User, pk: Any) -> Enterprise:
    found = enterprise_list_for(user).filter(pk=int_pk(pk)).first()
    if found is None:
        raise NotFound(_("No such enterprise."))
    return found


def batch_list_for(user: User, *, enterprise: Enterprise | None = None) -> QuerySet[LayoffBatch]:
    if not _staff(user):
        return LayoffBatch.objects.none()
    rows = visibility.scope(user, LayoffBatch.objects.all(), unit="org_unit")
    if enterprise is not None:
        rows = rows.filter(enterprise=enterprise)
    return rows.select_related("enterprise", "org_unit").order_by("-laid_off_on", "-id")


def batch_get_for(user: User, pk: Any) -> LayoffBatch:
    found = batch_list_for(user).filter(pk=int_pk(pk)).first()
    if found is None:
        raise NotFound(_("No such layoff batch."))
    return found


def worker_get_for(user: User, pk: Any) -> LaidOffWorker:
    if not _staff(user):
        raise NotFound(_("No such worker."))
    rows = visibility.scope(user, LaidOffWorker.objects.all(), unit="batch__org_unit") | visibility.scope(
        user, LaidOffWorker.objects.all(), unit="member__household__org_unit"
    )
    found = rows.select_related("batch", "member", "case").filter(pk=int_pk(pk)).first()
    if found is None:
        raise NotFound(_("No such worker."))
    return found


def _first_placement() -> Subquery:
    return Subquery(
        Placement.objects.filter(member_id=OuterRef("member_id"), start_date__gte=OuterRef("batch__laid_off_on"))
        .order_by()
        .values("member_id")
        .annotate(first=Min("start_date"))
        .values("first")[:1]
    )


def workers_of(batches: QuerySet[LayoffBatch] | list[LayoffBatch]) -> QuerySet[LaidOffWorker]:
    """The workers of these batches, each with ``placed_on`` (their first placement through jobs on
    or after the layoff, or None)."""
    return (
        LaidOffWorker.objects.filter(batch__in=batches)
        .annotate(placed_on=_first_placement())
        .select_related("member__household", "batch__enterprise", "batch__org_unit", "case")
        .order_by("batch_id", "member__household__number", "id")
    )


def working_since(worker: LaidOffWorker) -> dt.date | None:
    dates = [d for d in (worker.working_since, getattr(worker, "placed_on", None)) if d is not None]
    return min(dates) if dates else None


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


@dataclass
class ReportRow:
    """The figures of one batch (or of an enterprise, or a unit: the sum of its batches)."""

    label: str
    laid_off: int = 0
    reemployed: int = 0
    within: dict[int, int] = field(default_factory=lambda: dict.fromkeys(WINDOWS, 0))
    insurance_continued: int = 0
    left_work: int = 0  # internal retirement or retired
    without_work: int = 0
    batch: LayoffBatch | None = None

    @property
    def within_3(self) -> int:
        return self.within[3]

    @property
    def within_6(self) -> int:
        return self.within[6]

    @property
    def within_12(self) -> int:
        return self.within[12]

    def add(self, worker: LaidOffWorker) -> None:
        self.laid_off += 1
        since = working_since(worker)
        if worker.insurance_continued:
            self.insurance_continued += 1
        if since is not None:
            self.reemployed += 1
            for months in WINDOWS:
                if since <= add_months(worker.batch.laid_off_on, months):
                    self.within[months] += 1
        elif worker.outcome in LaidOffWorker.LEFT_WORK:
            self.left_work += 1
        else:
            self.without_work += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "batch": self.batch.pk if self.batch is not None else None,
            "laid_off": self.laid_off,
            "reemployed": self.reemployed,
            "reemployed_within_3_months": self.within[3],
            "reemployed_within_6_months": self.within[6],
            "reemployed_within_12_months": self.within[12],
            "insurance_continued": self.insurance_continued,
            "left_work": self.left_work,
            "still_without_work": self.without_work,
        }


@dataclass
class Report:
    batches: list[ReportRow]
    enterprises: list[ReportRow]
    units: list[ReportRow]
    total: ReportRow


def batch_report(user: User, *, batch: LayoffBatch | None = None, enterprise: Enterprise | None = None) -> Report:
    """The batch report of the user's reach (or of one batch, or one enterprise's batches): by
    batch, by enterprise and by union unit, and in total."""
    batches = batch_list_for(user, enterprise=enterprise)
    if batch is not None:
        batches = batches.filter(pk=batch.pk)
    by_batch: dict[int, ReportRow] = {}
    by_enterprise: dict[int, ReportRow] = {}
    by_unit: dict[int, ReportRow] = {}
    total = ReportRow(_("Total"))
    for b in batches:
        by_batch[b.pk] = ReportRow(str(b), batch=b)
        by_enterprise.setdefault(b.enterprise_id, ReportRow(b.enterprise.name))
        by_unit.setdefault(b.org_unit_id, ReportRow(b.org_unit.name))
    for worker in workers_of(batches):
        b = worker.batch
        for row in (by_batch[b.pk], by_enterprise[b.enterprise_id], by_unit[b.org_unit_id], total):
            row.add(worker)
    return Report(list(by_batch.values()), list(by_enterprise.values()), list(by_unit.values()), total)


def still_without_work_for(user: User) -> list[LaidOffWorker]:
    """Laid-off workers of the user's reach who are not working again and have not retired: the
    list the organizer works through (counted on the dashboard)."""
    rows = workers_of(batch_list_for(user)).exclude(outcome__in=LaidOffWorker.LEFT_WORK)
    return [w for w in rows if working_since(w) is None]


def without_work_count_for(user: User) -> int:
    return len(still_without_work_for(user))


# --- advice for the whole batch -------------------------------------------------------------------------


@dataclass
class BatchAdvice:
    batch: LayoffBatch
    people: list[Any]  # matching.selectors.MemberMatching for each worker not yet working
    reachable: int  # of them, how many have at least one open job within reach
    skills: list[tuple[Any, int, Any]]  # (Skill, people advised to learn it, nearest open cohort or None)
    learning_available: bool = True  # False: no "what to learn" provider is wired (``advice.py``)


def batch_advice(user: User, batch: LayoffBatch, *, per_member: int = 3) -> BatchAdvice:
    """For the batch's workers still without work: each one's best open jobs within reach (stored
    matches, ``matching``), and the skills most worth learning across the batch with the nearest
    open cohort teaching each (``training``, through the slot of ``advice.py`` that ``web`` fills:
    training is in relief's own layer)."""
    from matching import selectors as matching_selectors

    waiting = [w.member_id for w in workers_of([batch]) if working_since(w) is None]
    people = matching_selectors.members_matching(user, waiting, per_member=per_member)
    skills = advice.learning_advice(user, waiting)
    return BatchAdvice(
        batch, people, sum(1 for p in people if p.reachable), skills or [], learning_available=skills is not None
    )


def today() -> dt.date:
    return timezone.localdate()
