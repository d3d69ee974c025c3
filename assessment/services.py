"""Every write of the assessment. Each checks who is acting, validates, and saves in one transaction;
a refusal is a ``core.errors.DomainError`` with a message for the person asking.

Who does what, from the plan's 四(二) (目标考核责任制, 逐级检查验收):

* the level above sets a unit's targets and its assessment scheme, inspects its work and accepts or
  returns its scorecard; a unit never does any of that for itself or for a unit beside it
  (``accounts.visibility.may_act_from_above``);
* the unit assesses itself: notes, evidence, submit;
* an accepted scorecard is frozen: its figures are stored as they were, and nothing about it (its
  notes, evidence, findings, its unit's targets for that year) changes afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import OrgUnit, Role, User
from accounts.rollup import units_under
from accounts.visibility import Action
from assessment import engine, registry, scoring
from assessment.evidence import check_upload
from assessment.importing import Problem, TargetRow, column_label, parse_value, read_rows
from assessment.models import (
    Evidence,
    Finding,
    HouseholdReview,
    Scheme,
    SchemeLine,
    Scorecard,
    ScorecardLine,
    ScoringRule,
    Snapshot,
    Target,
    WorkPlan,
    WorkTask,
)
from assessment.periods import Period, parse_year
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from households.models import Household

# --- helpers ---------------------------------------------------------------------------------------


def _stamp(obj: Any, by: User | None) -> Any:
    """Tell django-simple-history who made the change, also outside a web request."""
    obj._history_user = by
    return obj


def _indicator(code: str, *, field: str = "indicator") -> registry.Indicator:
    indicator = registry.get(str(code or "").strip())
    if indicator is None:
        raise InvalidInput(_("No indicator has the code “%(code)s”.") % {"code": str(code)[:48]}, field=field)
    return indicator


def _in_reach(by: User, unit: OrgUnit) -> None:
    if not (visibility.is_admin(by) or (visibility.is_unit_staff(by) and by.org_unit and by.org_unit.contains(unit))):
        raise NotFound(_("No such union unit."))


def _from_above(by: User, action: Action, unit: OrgUnit, message: str) -> None:
    """``by`` acts for a unit strictly above ``unit``. A unit out of reach (beside or above) is not
    found; the unit itself is refused with ``message``."""
    if not visibility.may(by, action):
        raise Forbidden(_("Your role does not allow this."))
    _in_reach(by, unit)
    if not visibility.may_act_from_above(by, action, unit):
        raise Forbidden(message)


def _frozen_for(unit: OrgUnit, year: int) -> Scorecard | None:
    return Scorecard.objects.filter(org_unit=unit, year=year, state=Scorecard.State.ACCEPTED).first()


def _refuse_frozen(scorecard: Scorecard) -> None:
    if scorecard.is_frozen:
        raise Conflict(
            _("This scorecard was accepted on %(day)s; it is frozen and can no longer be changed.")
            % {"day": timezone.localtime(scorecard.frozen_at).date() if scorecard.frozen_at else ""}
        )


# --- targets ---------------------------------------------------------------------------------------


def _targets_from_above_message() -> str:
    return _("A unit's targets are set by a unit above it, never by the unit itself.")


@transaction.atomic
def target_set(*, by: User, unit: OrgUnit, year: Any, indicator: str, value: Any, note: str = "") -> Target:
    """Set (or change) ``unit``'s target for ``year``. Refused for the caller's own unit, for units
    out of reach, and once the unit's scorecard for that year is accepted."""
    year = parse_year(year)
    ind = _indicator(indicator)
    _from_above(by, Action.SET_TARGETS, unit, _targets_from_above_message())
    amount, problem = parse_value(value, ind)
    if amount is None:
        raise InvalidInput(problem, field="value")
    if _frozen_for(unit, year):
        raise Conflict(
            _("The %(year)s scorecard of %(unit)s is accepted; its targets are frozen.") % {"year": year, "unit": unit}
        )
    target = Target.objects.filter(org_unit=unit, year=year, indicator=ind.code).select_for_update().first()
    if target is None:
        target = Target(org_unit=unit, year=year, indicator=ind.code)
    target.value, target.note, target.set_by = amount, (note or "").strip()[:200], by
    _stamp(target, by).save()
    return target


@transaction.atomic
def target_clear(*, by: User, unit: OrgUnit, year: Any, indicator: str) -> None:
    year = parse_year(year)
    ind = _indicator(indicator)
    _from_above(by, Action.SET_TARGETS, unit, _targets_from_above_message())
    if _frozen_for(unit, year):
        raise Conflict(
            _("The %(year)s scorecard of %(unit)s is accepted; its targets are frozen.") % {"year": year, "unit": unit}
        )
    for target in Target.objects.filter(org_unit=unit, year=year, indicator=ind.code):
        _stamp(target, by).delete()


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def targets_import(*, by: User, year: Any, file: IO[bytes] | bytes) -> ImportResult:
    """Targets for the units below the caller's, from the template. All or nothing: any bad row
    and nothing is written; every problem comes back with its row, column and reason
    (``InvalidInput.details``)."""
    year = parse_year(year)
    if not visibility.may(by, Action.SET_TARGETS):
        raise Forbidden(_("Your role does not allow this."))
    header_row, columns, body = read_rows(file)
    reach = {u.code: u for u in _reach_units(by) if u.code}
    frozen = set(
        Scorecard.objects.filter(year=year, state=Scorecard.State.ACCEPTED).values_list("org_unit_id", flat=True)
    )
    problems: list[Problem] = []
    rows: list[TargetRow] = []
    seen: dict[tuple[int, str], int] = {}

    def cell(cells: tuple[Any, ...], key: str) -> Any:
        index = columns[key][0] if key in columns else None
        return cells[index] if index is not None and index < len(cells) else None

    def label(key: str) -> str:
        return column_label(*columns[key])

    for number, cells in body:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        raw_value = cell(cells, "value")
        if raw_value is None or str(raw_value).strip() == "":
            continue  # a row without a target leaves that target as it is (the template lists them all)
        bad = len(problems)
        code = str(cell(cells, "unit") or "").strip()
        unit = reach.get(code)
        if not code:
            problems.append(Problem(number, label("unit"), _("The unit code is empty.")))
        elif unit is None:
            problems.append(
                Problem(number, label("unit"), _("No unit below yours has the code “%(code)s”.") % {"code": code[:32]})
            )
        elif not visibility.may_act_from_above(by, Action.SET_TARGETS, unit):
            problems.append(Problem(number, label("unit"), _targets_from_above_message()))
        elif unit.pk in frozen:
            problems.append(
                Problem(
                    number,
                    label("unit"),
                    _("This unit's %(year)s scorecard is accepted; its targets are frozen.") % {"year": year},
                )
            )
        indicator_code = str(cell(cells, "indicator") or "").strip()
        indicator = registry.get(indicator_code)
        if indicator is None:
            reason = (
                _("The indicator code is empty.")
                if not indicator_code
                else _("No indicator has the code “%(code)s”.") % {"code": indicator_code[:48]}
            )
            problems.append(Problem(number, label("indicator"), reason))
        value = None
        if indicator is not None:
            value, reason = parse_value(cell(cells, "value"), indicator)
            if value is None:
                problems.append(Problem(number, label("value"), reason))
        if unit is not None and indicator is not None:
            first = seen.setdefault((unit.pk, indicator.code), number)
            if first != number:
                problems.append(
                    Problem(
                        number,
                        label("indicator"),
                        _("This unit and indicator are already on row %(row)s.") % {"row": first},
                    )
                )
        if len(problems) == bad and unit is not None and indicator is not None and value is not None:
            note = str(cell(cells, "note") or "").strip()[:200]
            rows.append(TargetRow(number, unit, indicator, value, note))
    if problems:
        raise InvalidInput(
            _("%(n)s problems in the file; nothing was imported. Correct them and upload it again.")
            % {"n": len(problems)},
            field="file",
            details=[p.as_dict() for p in problems],
        )
    if not rows:
        raise InvalidInput(
            _("The file holds no targets (row %(row)s is the header).") % {"row": header_row}, field="file"
        )
    return _write_targets(by=by, year=year, rows=rows)


@transaction.atomic
def _write_targets(*, by: User, year: int, rows: Sequence[TargetRow]) -> ImportResult:
    existing = {
        (t.org_unit_id, t.indicator): t
        for t in Target.objects.select_for_update().filter(year=year, org_unit__in=[r.unit for r in rows])
    }
    created = updated = 0
    for row in rows:
        target = existing.get((row.unit.pk, row.indicator.code))
        if target is None:
            target = Target(org_unit=row.unit, year=year, indicator=row.indicator.code)
            created += 1
        else:
            updated += 1
        target.value, target.note, target.set_by = row.value, row.note, by
        _stamp(target, by).save()
    return ImportResult(created=created, updated=updated)


def _reach_units(by: User) -> list[OrgUnit]:
    if visibility.is_admin(by):
        return units_under(None)
    if visibility.is_unit_staff(by) and by.org_unit is not None:
        return units_under([by.org_unit])
    return []


# --- the scheme (考核办法) and opening scorecards -----------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    indicator: str
    weight: Any
    rule: str = ScoringRule.LINEAR
    cap: Any = 100


def _assessing_unit(by: User, unit: OrgUnit | None) -> OrgUnit:
    if not visibility.may(by, Action.SET_TARGETS):
        raise Forbidden(_("Your role does not allow this."))
    if unit is None:
        if by.org_unit is None:
            raise InvalidInput(_("Choose the assessing unit."), field="unit")
        unit = by.org_unit
    _in_reach(by, unit)
    return unit


def _clean_lines(lines: Sequence[LineInput]) -> list[SchemeLine]:
    if not lines:
        raise InvalidInput(_("Add at least one indicator to the scheme."), field="lines")
    cleaned, seen = [], set()
    for index, line in enumerate(lines):
        indicator = _indicator(line.indicator, field=f"lines[{index}].indicator")
        if indicator.code in seen:
            raise InvalidInput(
                _("%(name)s is in the scheme twice.") % {"name": indicator.name}, field=f"lines[{index}].indicator"
            )
        seen.add(indicator.code)
        try:
            weight = Decimal(str(line.weight).strip())
            cap = Decimal(str(line.cap).strip())
        except ArithmeticError:
            raise InvalidInput(_("Weights and caps are numbers."), field=f"lines[{index}].weight") from None
        if not weight.is_finite() or not Decimal("0.01") <= weight <= 1000:
            raise InvalidInput(_("A weight is between 0.01 and 1000 points."), field=f"lines[{index}].weight")
        if not cap.is_finite() or not 1 <= cap <= 200:
            raise InvalidInput(_("The cap is a percent of the target from 1 to 200."), field=f"lines[{index}].cap")
        if line.rule not in ScoringRule.values:
            raise InvalidInput(_("Choose a scoring rule."), field=f"lines[{index}].rule")
        cleaned.append(
            SchemeLine(
                indicator=indicator.code,
                weight=weight.quantize(Decimal("0.01")),
                rule=line.rule,
                cap=cap.quantize(Decimal("0.01")),
                order=index,
            )
        )
    return cleaned


@transaction.atomic
def scheme_save(
    *, by: User, year: Any, title: str, lines: Sequence[LineInput], note: str = "", unit: OrgUnit | None = None
) -> Scheme:
    """The assessing unit's scheme for the year (created or replaced). Scorecards already opened
    under it and still with their unit (in progress or returned) follow the new lines; their notes
    on indicators that stay are kept. Submitted and accepted scorecards keep theirs."""
    year = parse_year(year)
    unit = _assessing_unit(by, unit)
    if not (title or "").strip():
        raise InvalidInput(_("Give the scheme a title."), field="title")
    cleaned = _clean_lines(lines)
    scheme = Scheme.objects.select_for_update().filter(org_unit=unit, year=year).first()
    if scheme is None:
        scheme = Scheme(org_unit=unit, year=year, created_by=by)
    scheme.title, scheme.note = title.strip()[:120], (note or "").strip()
    _stamp(scheme, by).save()
    scheme.lines.all().delete()
    for line in cleaned:
        line.scheme = scheme
    SchemeLine.objects.bulk_create(cleaned)
    for scorecard in scheme.scorecards.select_for_update().filter(
        state__in=[Scorecard.State.IN_PROGRESS, Scorecard.State.RETURNED]
    ):
        _sync_lines(scorecard, cleaned)
    return scheme


def _sync_lines(scorecard: Scorecard, lines: Sequence[SchemeLine]) -> None:
    notes = dict(scorecard.lines.values_list("indicator", "note"))
    wanted = {line.indicator for line in lines}
    for gone in scorecard.lines.exclude(indicator__in=wanted):
        if gone.evidence.exists():
            gone.evidence.update(line=None)  # the file stays with the scorecard
        gone.delete()
    for line in lines:
        ScorecardLine.objects.update_or_create(
            scorecard=scorecard,
            indicator=line.indicator,
            defaults={
                "weight": line.weight,
                "rule": line.rule,
                "cap": line.cap,
                "order": line.order,
                "note": notes.get(line.indicator, ""),
            },
        )


@transaction.atomic
def scorecards_open(*, by: User, scheme: Scheme) -> int:
    """A scorecard for every active unit directly below the scheme's unit (those it has not yet).
    Returns how many were opened."""
    _in_reach(by, scheme.org_unit)
    if not visibility.may(by, Action.SET_TARGETS, scheme.org_unit):
        raise Forbidden(_("Your role does not allow this."))
    lines = list(scheme.lines.all())
    if not lines:
        raise InvalidInput(_("Add at least one indicator to the scheme."), field="lines")
    opened = 0
    have = set(Scorecard.objects.filter(year=scheme.year).values_list("org_unit_id", flat=True))
    for child in scheme.org_unit.children.filter(is_active=True).order_by("path"):
        if child.pk in have:
            continue
        scorecard = _stamp(Scorecard(org_unit=child, year=scheme.year, scheme=scheme), by)
        scorecard.save()
        _sync_lines(scorecard, lines)
        opened += 1
    return opened


# --- the unit's self-assessment (自评) ---------------------------------------------------------------


def _own_unit_acts(by: User, scorecard: Scorecard) -> None:
    """The unit assesses itself: its own organizers (administrators may act for anyone)."""
    _in_reach(by, scorecard.org_unit)
    if not visibility.may(by, Action.SELF_ASSESS):
        raise Forbidden(_("Your role does not allow this."))
    if not visibility.is_admin(by) and by.org_unit_id != scorecard.org_unit_id:
        raise Forbidden(_("A unit's self-assessment is written by that unit's own organizers."))
    _refuse_frozen(scorecard)
    if not scorecard.editable_by_unit:
        raise Conflict(_("The self-assessment was submitted; it can be changed again if the unit above returns it."))


def _locked(scorecard: Scorecard) -> Scorecard:
    return Scorecard.objects.select_for_update().select_related("org_unit").get(pk=scorecard.pk)


@transaction.atomic
def scorecard_write(
    *, by: User, scorecard: Scorecard, self_assessment: str, line_notes: dict[str, str] | None = None
) -> Scorecard:
    scorecard = _locked(scorecard)
    _own_unit_acts(by, scorecard)
    scorecard.self_assessment = (self_assessment or "").strip()
    _stamp(scorecard, by).save()
    for line in scorecard.lines.all():
        if line_notes and line.indicator in line_notes:
            line.note = (line_notes[line.indicator] or "").strip()[:2000]
            _stamp(line, by).save()
    return scorecard


@transaction.atomic
def evidence_add(
    *,
    by: User,
    scorecard: Scorecard,
    file: UploadedFile | None,
    line: ScorecardLine | None = None,
    description: str = "",
) -> Evidence:
    """Attach a file to the self-assessment (checked: ``assessment.evidence``)."""
    scorecard = _locked(scorecard)
    _own_unit_acts(by, scorecard)
    checked = check_upload(file)
    if line is not None and line.scorecard_id != scorecard.pk:
        raise InvalidInput(_("That indicator is not on this scorecard."), field="line")
    evidence = Evidence(
        scorecard=scorecard,
        line=line,
        token=checked.token,
        extension=checked.extension,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        description=(description or "").strip()[:200],
        uploaded_by=by,
    )
    assert file is not None  # check_upload refuses None
    evidence.file.save(checked.original_name, file, save=False)
    try:
        evidence.save()
    except BaseException:
        # The file reached the disk before the row; without its row it must not stay behind.
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def evidence_remove(*, by: User, evidence: Evidence) -> None:
    scorecard = _locked(evidence.scorecard)
    _own_unit_acts(by, scorecard)
    name, storage = evidence.file.name, evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name) if name and storage.exists(name) else None)


@transaction.atomic
def scorecard_submit(*, by: User, scorecard: Scorecard) -> Scorecard:
    scorecard = _locked(scorecard)
    _own_unit_acts(by, scorecard)
    if not scorecard.self_assessment.strip():
        raise InvalidInput(_("Write the self-assessment before submitting it."), field="self_assessment")
    scorecard.state = Scorecard.State.SUBMITTED
    scorecard.submitted_at, scorecard.submitted_by = timezone.now(), by
    _stamp(scorecard, by).save()
    return scorecard


# --- inspection and acceptance by the level above (检查, 验收) ---------------------------------------


def _acceptance_message() -> str:
    return _("A scorecard is inspected and accepted by a unit above it, never by the unit itself.")


@transaction.atomic
def finding_add(*, by: User, scorecard: Scorecard, found_on: dt.date | None, text: str) -> Finding:
    scorecard = _locked(scorecard)
    _from_above(by, Action.INSPECT, scorecard.org_unit, _acceptance_message())
    _refuse_frozen(scorecard)
    if not (text or "").strip():
        raise InvalidInput(_("Write what the inspection found."), field="text")
    if found_on is None:
        raise InvalidInput(_("Give the day of the inspection."), field="found_on")
    if found_on > timezone.localdate():
        raise InvalidInput(_("An inspection cannot be dated in the future."), field="found_on")
    if found_on.year < scorecard.year:
        raise InvalidInput(_("The inspection is dated before the year being assessed."), field="found_on")
    return Finding.objects.create(scorecard=scorecard, found_on=found_on, text=text.strip(), recorded_by=by)


@transaction.atomic
def scorecard_return(*, by: User, scorecard: Scorecard, reason: str) -> Scorecard:
    scorecard = _locked(scorecard)
    _from_above(by, Action.INSPECT, scorecard.org_unit, _acceptance_message())
    _refuse_frozen(scorecard)
    if scorecard.state != Scorecard.State.SUBMITTED:
        raise Conflict(_("Only a submitted self-assessment can be returned."))
    if not (reason or "").strip():
        raise InvalidInput(_("Say why the scorecard is returned and what to rework."), field="reason")
    scorecard.state = Scorecard.State.RETURNED
    scorecard.decided_at, scorecard.decided_by, scorecard.decision_note = timezone.now(), by, reason.strip()
    _stamp(scorecard, by).save()
    return scorecard


@dataclass(frozen=True)
class LineFigures:
    """A scorecard line's figures: live while the scorecard is open, frozen once accepted."""

    line: ScorecardLine
    indicator: registry.Indicator | None
    target: Decimal | None
    numerator: int | None
    denominator: int | None
    value: Decimal | None
    achieved: Decimal | None
    score: Decimal


def figures_for(
    scorecard: Scorecard, lines: Sequence[ScorecardLine], table: engine.Table | None, targets: dict[str, Decimal]
) -> list[LineFigures]:
    """Score ``lines``: from their frozen figures when the scorecard is accepted, else from
    ``table`` (the unit's live figures for the year) and ``targets``."""
    result = []
    for line in lines:
        indicator = registry.get(line.indicator)
        if scorecard.is_frozen or indicator is None or table is None:
            result.append(
                LineFigures(
                    line,
                    indicator,
                    line.target,
                    line.numerator,
                    line.denominator,
                    line.value,
                    line.achieved,
                    line.score if line.score is not None else Decimal("0.00"),
                )
            )
            continue
        figure = table.figure(scorecard.org_unit, indicator.code)
        target = targets.get(indicator.code)
        value = figure.value
        done = scoring.achieved(value, target, lower_is_better=indicator.lower_is_better)
        result.append(
            LineFigures(
                line,
                indicator,
                target,
                figure.numerator,
                figure.denominator,
                value,
                done,
                scoring.score(line.rule, line.weight, done, line.cap),
            )
        )
    return result


def scorecard_targets(scorecard: Scorecard) -> dict[str, Decimal]:
    return dict(
        Target.objects.filter(org_unit=scorecard.org_unit, year=scorecard.year).values_list("indicator", "value")
    )


@transaction.atomic
def scorecard_accept(*, by: User, scorecard: Scorecard, note: str = "") -> Scorecard:
    """验收: freeze the figures as they are now and close the scorecard for good."""
    scorecard = _locked(scorecard)
    _from_above(by, Action.INSPECT, scorecard.org_unit, _acceptance_message())
    _refuse_frozen(scorecard)
    if scorecard.state != Scorecard.State.SUBMITTED:
        raise Conflict(_("Only a submitted self-assessment can be accepted."))
    lines = list(scorecard.lines.all())
    indicators = [i for i in (registry.get(line.indicator) for line in lines) if i is not None]
    table = engine.evaluate(indicators, Period.year(scorecard.year), tops=[scorecard.org_unit])
    total = Decimal(0)
    for figures in figures_for(scorecard, lines, table, scorecard_targets(scorecard)):
        line = figures.line
        line.target, line.numerator, line.denominator = figures.target, figures.numerator, figures.denominator
        line.value, line.achieved, line.score = figures.value, figures.achieved, figures.score
        _stamp(line, by).save()
        total += figures.score
    now = timezone.now()
    scorecard.state = Scorecard.State.ACCEPTED
    scorecard.decided_at, scorecard.decided_by, scorecard.decision_note = now, by, (note or "").strip()
    scorecard.frozen_at, scorecard.total_score = now, total.quantize(Decimal("0.01"))
    _stamp(scorecard, by).save()
    return scorecard


# --- monthly snapshots ------------------------------------------------------------------------------


@transaction.atomic
def snapshot_month(*, period: Period) -> int:
    """Store every indicator for every unit at the end of the month ``period``. Idempotent: running
    a month again replaces its rows with figures computed from the data as it is now (a past month
    is rebuilt from the records' dates). Refused for a month that has not ended."""
    if not period.is_month:
        raise InvalidInput(_("A snapshot is taken for one whole month."), field="month")
    if not period.has_ended:
        raise InvalidInput(_("%(month)s has not ended yet.") % {"month": period.key}, field="month")
    indicators = registry.indicators()
    units = units_under(None)
    table = engine.evaluate(indicators, period, units=units)
    now = timezone.now()
    rows = []
    for unit in units:
        for indicator in indicators:
            total = table.figure(unit, indicator.code)
            own = table.figure(unit, indicator.code, own=True)
            rows.append(
                Snapshot(
                    org_unit=unit,
                    indicator=indicator.code,
                    month=period.start,
                    numerator=total.numerator,
                    denominator=total.denominator,
                    own_numerator=own.numerator,
                    own_denominator=own.denominator,
                    computed_at=now,
                )
            )
    Snapshot.objects.filter(month=period.start).delete()
    Snapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# --- work plans and tasks --------------------------------------------------------------------------


@transaction.atomic
def work_plan_save(*, by: User, year: Any, title: str, summary: str = "", unit: OrgUnit | None = None) -> WorkPlan:
    year = parse_year(year)
    unit = unit or by.org_unit
    if unit is None:
        raise InvalidInput(_("Choose the union unit."), field="unit")
    _in_reach(by, unit)
    if not visibility.may(by, Action.MANAGE_WORK_PLANS, unit):
        raise Forbidden(_("Your role does not allow this."))
    if not (title or "").strip():
        raise InvalidInput(_("Give the work plan a title."), field="title")
    plan = WorkPlan.objects.select_for_update().filter(org_unit=unit, year=year).first()
    if plan is None:
        plan = WorkPlan(org_unit=unit, year=year, created_by=by)
    plan.title, plan.summary = title.strip()[:120], (summary or "").strip()
    _stamp(plan, by).save()
    return plan


def _task_owner(plan: WorkPlan, owner: User | None) -> User:
    if owner is None:
        raise InvalidInput(_("Choose who owns the task."), field="owner")
    staff = owner.role in (Role.ORGANIZER, Role.HELPER) and owner.is_active and owner.org_unit is not None
    if not staff or not plan.org_unit.contains(owner.org_unit):  # type: ignore[arg-type]
        raise InvalidInput(_("The owner is an organizer or helper of this unit or a unit below it."), field="owner")
    return owner


@transaction.atomic
def task_add(
    *, by: User, plan: WorkPlan, kind: str, title: str, owner: User | None, deadline: dt.date | None
) -> WorkTask:
    _in_reach(by, plan.org_unit)
    if not visibility.may(by, Action.MANAGE_WORK_PLANS, plan.org_unit):
        raise Forbidden(_("Your role does not allow this."))
    if kind not in WorkTask.Kind.values:
        raise InvalidInput(_("Choose the kind of task."), field="kind")
    if not (title or "").strip():
        raise InvalidInput(_("Describe the task."), field="title")
    if deadline is None:
        raise InvalidInput(_("Give the task a deadline."), field="deadline")
    if deadline.year != plan.year:
        raise InvalidInput(
            _("The deadline falls in the plan's year (%(year)s).") % {"year": plan.year}, field="deadline"
        )
    task = WorkTask(plan=plan, kind=kind, title=title.strip()[:200], owner=_task_owner(plan, owner), deadline=deadline)
    _stamp(task, by).save()
    return task


@transaction.atomic
def task_update(
    *, by: User, task: WorkTask, status: str, progress: Any, progress_note: str = "", deadline: dt.date | None = None
) -> WorkTask:
    """The owner reports progress; the plan's managers also move deadlines and cancel."""
    task = WorkTask.objects.select_for_update().select_related("plan__org_unit").get(pk=task.pk)
    _in_reach_or_owner(by, task)
    manager = visibility.may(by, Action.MANAGE_WORK_PLANS, task.plan.org_unit)
    if not manager and by.pk != task.owner_id:
        raise Forbidden(_("Only the task's owner or the plan's organizers update it."))
    if status not in WorkTask.Status.values:
        raise InvalidInput(_("Choose the task's status."), field="status")
    if status == WorkTask.Status.CANCELLED and not manager:
        raise Forbidden(_("Only the plan's organizers cancel a task."))
    try:
        percent = int(str(progress).strip())
    except (TypeError, ValueError):
        raise InvalidInput(_("Progress is a whole percent from 0 to 100."), field="progress") from None
    if not 0 <= percent <= 100:
        raise InvalidInput(_("Progress is a whole percent from 0 to 100."), field="progress")
    if deadline is not None and deadline != task.deadline:
        if not manager:
            raise Forbidden(_("Only the plan's organizers move a deadline."))
        task.deadline = deadline
    if status == WorkTask.Status.DONE:
        percent = 100
        task.done_on = task.done_on or timezone.localdate()
    else:
        task.done_on = None
    task.status, task.progress, task.progress_note = status, percent, (progress_note or "").strip()[:200]
    _stamp(task, by).save()
    return task


def _in_reach_or_owner(by: User, task: WorkTask) -> None:
    if by.pk == task.owner_id:
        return
    _in_reach(by, task.plan.org_unit)


# --- the yearly household review (复核) --------------------------------------------------------------


@transaction.atomic
def review_record(
    *,
    by: User,
    household: Household,
    outcome: str,
    causes_checked: bool,
    income_checked: bool,
    plan_checked: bool,
    note: str = "",
    reviewed_on: dt.date | None = None,
) -> HouseholdReview:
    """This year's review of an active household (recorded again, it replaces the year's answer;
    the history keeps the earlier one)."""
    household = Household.objects.select_for_update().select_related("org_unit").get(pk=household.pk)
    if not visibility.may(by, Action.REVIEW_HOUSEHOLDS):
        raise Forbidden(_("Your role does not allow this."))
    if not visibility.may(by, Action.REVIEW_HOUSEHOLDS, household.org_unit):
        raise NotFound(_("No such household."))
    if household.state != Household.State.ACTIVE:
        raise Conflict(_("Only an active household is reviewed."))
    if outcome not in HouseholdReview.Outcome.values:
        raise InvalidInput(_("Choose the review's outcome."), field="outcome")
    if not (causes_checked and income_checked and plan_checked):
        raise InvalidInput(
            _("A review looks at the causes of hardship, the income and the relief plan: tick all three."),
            field="causes_checked",
        )
    if outcome != HouseholdReview.Outcome.CONTINUE and not (note or "").strip():
        raise InvalidInput(_("Say what changed or why."), field="note")
    day = reviewed_on or timezone.localdate()
    if day > timezone.localdate():
        raise InvalidInput(_("A review cannot be dated in the future."), field="reviewed_on")
    review = HouseholdReview.objects.select_for_update().filter(household=household, year=day.year).first()
    if review is None:
        review = HouseholdReview(household=household, year=day.year)
    review.reviewed_on, review.reviewer, review.outcome = day, by, outcome
    review.causes_checked, review.income_checked, review.plan_checked = causes_checked, income_checked, plan_checked
    review.note = (note or "").strip()
    _stamp(review, by).save()
    return review
