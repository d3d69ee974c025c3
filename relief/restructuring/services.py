"""Writes of restructuring layoffs: record an enterprise in difficulty, a layoff batch with its
resettlement plan, add the batch's workers (each an archived member, each once), and record a
worker's outcome or the continuation of their social security. Each worker's path is a relief
case (``relief.case_services``) followed by the household's helper.

Bad input refused whole, nothing written: a worker who is in no archived household in reach (the
error lists them and offers to create their archive first: never silently dropped), and the same
worker twice in one batch (twice in the list, or already in the batch)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import OrgUnit, User
from accounts.visibility import Action
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from households.id_numbers import parse_id_number
from households.models import Member, PlanGoal, ReliefPlan, Track
from jobs.models import Employer, Placement
from relief import case_services
from relief.models import Case, Office
from relief.restructuring.models import Enterprise, LaidOffWorker, LayoffBatch, Measure

MAX_WORKERS = 2000

logger = logging.getLogger(__name__)


def _today() -> dt.date:
    return timezone.localdate()


def _require(by: User, unit: OrgUnit, action: Action = Action.REVIEW_RELIEF, what: str = "") -> None:
    if not visibility.may(by, action):
        raise Forbidden(_("Your role does not allow this."))
    if not visibility.may(by, action, unit):
        raise NotFound(what or _("No such enterprise."))


@transaction.atomic
def enterprise_create(
    *,
    by: User,
    name: str,
    org_unit: OrgUnit,
    reason: str,
    noted_on: dt.date,
    employer: Employer | None = None,
    industry: str = "",
    note: str = "",
) -> Enterprise:
    _require(by, org_unit, Action.MANAGE_RELIEF, _("No such union unit."))
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Name the enterprise."), field="name")
    if reason not in Enterprise.Reason.values:
        raise InvalidInput(_("Choose the difficulty."), field="reason")
    if noted_on > _today():
        raise InvalidInput(_("The date cannot be in the future."), field="noted_on")
    return Enterprise.objects.create(
        name=name[:120],
        org_unit=org_unit,
        reason=reason,
        noted_on=noted_on,
        employer=employer,
        industry=(industry or "").strip()[:60],
        note=(note or "").strip()[:300],
        created_by=by,
    )


@transaction.atomic
def batch_create(
    *,
    by: User,
    enterprise: Enterprise,
    name: str,
    laid_off_on: dt.date,
    measures: Iterable[str] = (),
    plan: str = "",
    workers: Iterable[Mapping[str, Any]] = (),
) -> LayoffBatch:
    """Record a layoff batch and (in the same transaction) its workers: all or nothing."""
    _require(by, enterprise.org_unit, Action.MANAGE_RELIEF)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Name the batch."), field="name")
    if laid_off_on > _today() + dt.timedelta(days=366):
        raise InvalidInput(_("A layoff more than a year ahead is not a plan yet."), field="laid_off_on")
    measures = list(dict.fromkeys(measures))
    unknown = [m for m in measures if m not in Measure.values]
    if unknown:
        raise InvalidInput(_("Unknown measure: %(m)s.") % {"m": ", ".join(unknown)}, field="measures")
    batch = LayoffBatch.objects.create(
        enterprise=enterprise,
        org_unit=enterprise.org_unit,
        name=name[:120],
        laid_off_on=laid_off_on,
        measures=measures,
        plan=(plan or "").strip()[:4000],
        created_by=by,
    )
    workers = list(workers)
    if workers:
        batch_add_workers(batch=batch, by=by, workers=workers)
    return batch


def _find_members(by: User, workers: list[Mapping[str, Any]]) -> list[tuple[Mapping[str, Any], Member]]:
    """Each row (``id_number`` and ``name``, or ``member``: an id) matched to an archived member in
    the caller's reach. Rows without a match are refused together, named, with the offer to create
    their archive; rows naming one person twice are refused."""
    reach = visibility.scope(by, Member.objects.all(), unit="household__org_unit").filter(is_current=True)
    found: list[tuple[Mapping[str, Any], Member]] = []
    missing: list[str] = []
    bad: list[str] = []
    for number, row in enumerate(workers, start=1):
        member = None
        label = str(row.get("name") or row.get("id_number") or row.get("member") or number)
        if row.get("member"):
            member = reach.filter(pk=row["member"]).select_related("household").first()
        else:
            try:
                parsed = parse_id_number(row.get("id_number") or "")
            except InvalidInput:
                bad.append(_("line %(n)s (%(who)s)") % {"n": number, "who": label})
                continue
            member = reach.filter(id_number_hash=parsed.lookup_hash).select_related("household").first()
        if member is None:
            missing.append(label)
        else:
            found.append((row, member))
    if bad:
        raise InvalidInput(
            _("These ID numbers are not valid: %(rows)s. Nothing was recorded.") % {"rows": "; ".join(bad)},
            field="workers",
            code="bad_id_number",
        )
    if missing:
        raise InvalidInput(
            _(
                "%(n)s of the workers are in no archived household in your reach: %(names)s. Create their "
                "household's archive first (一户一档), then add them; nothing was recorded."
            )
            % {"n": len(missing), "names": "、".join(missing[:50])},
            field="workers",
            code="not_in_archive",
            details={"missing": missing, "create": reverse("households:create")},
        )
    seen: dict[int, str] = {}
    twice = []
    for _row, member in found:
        if member.pk in seen:
            twice.append(member.name)
        seen[member.pk] = member.name
    if twice:
        raise InvalidInput(
            _("The same worker is listed twice: %(names)s. Nothing was recorded.") % {"names": "、".join(twice)},
            field="workers",
            code="twice",
        )
    return found


@transaction.atomic
def batch_add_workers(*, batch: LayoffBatch, by: User, workers: Iterable[Mapping[str, Any]]) -> list[LaidOffWorker]:
    """Add workers to the batch, each followed as a case (kind ``layoff_path``) by their
    household's helper. All or nothing."""
    _require(by, batch.org_unit)
    batch = LayoffBatch.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=batch.pk)
    rows = list(workers)
    if not rows:
        raise InvalidInput(_("List the laid-off workers."), field="workers")
    if len(rows) > MAX_WORKERS:
        raise InvalidInput(_("At most %(n)s workers at a time.") % {"n": MAX_WORKERS}, field="workers")
    found = _find_members(by, rows)
    already = set(batch.workers.filter(member__in=[m for _row, m in found]).values_list("member__name", flat=True))
    if already:
        raise Conflict(
            _("Already in this batch: %(names)s. Nothing was recorded.") % {"names": "、".join(sorted(already))},
            field="workers",
            code="twice",
        )
    made = []
    opened_on = min(max(batch.laid_off_on, dt.date(2000, 1, 1)), _today())
    for row, member in found:
        path = str(row.get("path") or Measure.REEMPLOYMENT)
        if path not in Measure.values:
            raise InvalidInput(_("Unknown path for %(name)s.") % {"name": member.name}, field="workers")
        case = case_services.case_open(
            by=by,
            track="restructuring",
            kind="layoff_path",
            member=member,
            summary=_("Laid off by %(enterprise)s (%(batch)s): %(path)s")
            % {"enterprise": batch.enterprise.name, "batch": batch.name, "path": Measure(path).label},
            employer=batch.enterprise.employer,
            office="" if batch.enterprise.employer_id else Office.HRSS,
            counterpart_name=batch.enterprise.name,
            opened_on=opened_on,
            next_action=_("First talk about the way back to work"),
            next_action_due=opened_on + dt.timedelta(days=14),
        )
        try:
            with transaction.atomic():
                made.append(LaidOffWorker.objects.create(batch=batch, member=member, path=path, case=case, added_by=by))
        except IntegrityError as exc:  # the same worker added at the same instant by someone else
            raise Conflict(_("Already in this batch: %(names)s.") % {"names": member.name}, code="twice") from exc
    return made


@transaction.atomic
def worker_record_outcome(
    *,
    worker: LaidOffWorker,
    by: User,
    outcome: str,
    on: dt.date | None = None,
    insurance_continued_on: dt.date | None = None,
    note: str = "",
) -> LaidOffWorker:
    """Record where a worker's path led (a transfer, re-employment found outside 阳光就业,
    self-employment, retirement) and, when given, the day their social security was continued.
    A working outcome closes the worker's case as achieved (meeting the job goal of the plan)."""
    worker = (
        LaidOffWorker.objects.select_for_update(of=("self",))
        .select_related("batch", "case", "member__household")
        .get(pk=worker.pk)
    )
    # The batch's unit (the organizer who follows the enterprise) or the worker's household's unit
    # (their helper, who follows the case) may record it.
    if not visibility.may(by, Action.REVIEW_RELIEF, worker.member.household.org_unit):
        _require(by, worker.batch.org_unit, what=_("No such worker."))
    day = on or _today()
    if outcome and outcome not in LaidOffWorker.Outcome.values:
        raise InvalidInput(_("Unknown outcome."), field="outcome")
    if day < worker.batch.laid_off_on or day > _today():
        raise InvalidInput(_("The date is between the layoff and today."), field="on")
    if insurance_continued_on is not None:
        if insurance_continued_on < worker.batch.laid_off_on or insurance_continued_on > _today():
            raise InvalidInput(_("The date is between the layoff and today."), field="insurance_continued_on")
        worker.insurance_continued = True
        worker.insurance_continued_on = insurance_continued_on
    worker.outcome = outcome
    worker.working_since = day if outcome in LaidOffWorker.WORKING else None
    worker.save()
    case = worker.case
    if case is not None and case.is_open and outcome:
        achieved = outcome in LaidOffWorker.WORKING
        case_services.case_close(
            case=case,
            by=by,
            outcome=Case.Outcome.ACHIEVED if achieved else Case.Outcome.PARTLY,
            note=(note or LaidOffWorker.Outcome(outcome).label)[:300],
            on=max(day, case.opened_on),
        )
    return worker


def worker_placed(*, placement_id: int) -> list[LaidOffWorker]:
    """A hire through 阳光就业 (``jobs/hired.py``, after it commits): each open path of the placed
    worker in a batch laid off on or before the start closes as re-employed, the case achieved
    (meeting the job goal of the plan, or linked to the goal the hire met already). Done by the
    case's responsible helper (else whoever recorded the batch), who is told by the case's
    history. Idempotent: a path already closed is left alone; a hire of someone without an open
    path does nothing."""
    placement = Placement.objects.select_related("employer").filter(pk=placement_id).first()
    if placement is None:
        return []
    paths = (
        LaidOffWorker.objects.filter(
            member_id=placement.member_id,
            outcome=LaidOffWorker.Outcome.FOLLOWED,
            case__state=Case.State.OPEN,
            batch__laid_off_on__lte=placement.start_date,
        )
        .select_related("batch", "case")
        .order_by("pk")
    )
    closed = []
    for path in paths:
        with transaction.atomic():
            closed_one = _close_placed(path.pk, placement)
        if closed_one is not None:
            closed.append(closed_one)
    return closed


def _close_placed(worker_pk: int, placement: Placement) -> LaidOffWorker | None:
    worker = (
        LaidOffWorker.objects.select_for_update(of=("self",))
        .select_related("batch", "case", "member__household")
        .get(pk=worker_pk)
    )
    case = worker.case
    if case is None or not case.is_open or worker.outcome:
        return None  # closed meanwhile by hand: what was recorded stands
    by = next(
        (
            u
            for u in (case.helper, worker.batch.created_by)
            if u.is_active and visibility.may(u, Action.REVIEW_RELIEF, case.org_unit)
        ),
        None,
    )
    if by is None:
        logger.warning("Placement %s: nobody may close the laid-off worker's case %s", placement.pk, case.pk)
        return None
    worker.outcome = LaidOffWorker.Outcome.REEMPLOYED
    worker.working_since = placement.start_date
    worker.save(update_fields=["outcome", "working_since"])
    day = min(max(placement.start_date, case.opened_on), _today())
    note = _("Re-employed: hired by %(employer)s from %(day)s (阳光就业)") % {
        "employer": placement.employer.name,
        "day": placement.start_date.isoformat(),
    }
    case = case_services.case_close(case=case, by=by, outcome=Case.Outcome.ACHIEVED, note=note, on=day)
    if case.goal_id is None:
        # The hire met the job goal itself (``households.services.member_hired``): the case points to it.
        met = (
            PlanGoal.objects.filter(
                plan__household_id=worker.member.household_id,
                plan__status=ReliefPlan.Status.ACTIVE,
                track=Track.JOB,
                status=PlanGoal.Status.MET,
            )
            .filter(Q(member_id=worker.member_id) | Q(member__isnull=True))
            .order_by("-met_on", "-pk")
            .first()
        )
        if met is not None:
            Case.objects.filter(pk=case.pk).update(goal=met)
    return worker
