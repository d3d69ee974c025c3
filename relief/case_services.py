"""Every write of the relief cases (issue 18), for every case track alike: open a case, add a
dated step with the next action due, keep a document, close it with an outcome. A case is
followed until something happens outside the union (an employer pays its arrears, a worker is
re-employed, a family gets a residence permit); closing it with a good outcome meets the matching
open goal of the household's plan (``households.services.plan_goals_meet``).

As in ``relief.services``: keyword-only functions that check who acts (a unit out of reach is
"not found"), validate, and write in one transaction; a refusal is a ``DomainError`` and nothing
is written. Locks: the case row, then (closing) the plan's goals in households' own order.

The stalled cases (next action overdue) reach their helper through ``cases_stalled_send``, run
daily by the notifications reminders (``relief/notices.py``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import Role, User
from accounts.visibility import Action
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from households import services as household_services
from households.models import Household, Member
from jobs.models import Employer
from notifications.services import Notice, notify_each
from relief import documents
from relief.models import Case, CaseDocument, CaseStep, Office
from relief.registry import Track, tracks
from relief.services import household_helper

MAX_TEXT = 300


def _today() -> dt.date:
    return timezone.localdate()


def _require(user: User, unit: Any, what: str) -> None:
    """Staff who work cases (helpers, organizers) within reach; out of reach is not found."""
    if not visibility.may(user, Action.REVIEW_RELIEF):
        raise Forbidden(_("Your role does not allow this."))
    if not visibility.may(user, Action.REVIEW_RELIEF, unit):
        raise NotFound(what)


def case_track(code: str | Track) -> Track:
    entry = code if isinstance(code, Track) else tracks.get(str(code))
    if entry is None or not entry.follows_cases:
        raise NotFound(_("No such case track."), field="track")
    return entry


def _text(value: str, field: str, message: str, limit: int = 200) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message, field=field)
    if len(value) > limit:
        raise InvalidInput(_("At most %(n)s characters.") % {"n": limit}, field=field)
    return value


def _check_due(due: dt.date | None, after: dt.date, field: str = "next_action_due") -> None:
    if due is not None and due < after:
        raise InvalidInput(_("The next action cannot be due before %(day)s.") % {"day": after.isoformat()}, field=field)


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("household", "org_unit").get(pk=case.pk)


@transaction.atomic
def case_open(
    *,
    by: User,
    track: str | Track,
    kind: str,
    household: Household | None = None,
    member: Member | None = None,
    summary: str,
    employer: Employer | None = None,
    office: str = "",
    counterpart_name: str = "",
    opened_on: dt.date | None = None,
    next_action: str = "",
    next_action_due: dt.date | None = None,
    details: dict[str, Any] | None = None,
    helper: User | None = None,
) -> Case:
    """Open a case of ``track`` for a member (or a whole household) in reach. The responsible
    helper is the household's paired helper (else whoever opens it)."""
    entry = case_track(track)
    if member is not None:
        if household is not None and member.household_id != household.pk:
            raise InvalidInput(_("That member is not of this household."), field="member")
        household = member.household
    if household is None:
        raise InvalidInput(_("Choose the member or household the case is for."), field="member")
    _require(by, household.org_unit, _("No such household."))
    if kind not in dict(entry.case_kinds):
        raise InvalidInput(
            _("%(track)s has no kind of case %(kind)r.") % {"track": entry.name, "kind": kind}, field="kind"
        )
    if office and office not in Office.values:
        raise InvalidInput(_("Unknown office."), field="office")
    counterpart_name = (counterpart_name or "").strip()[:100]
    if employer is None and not office and not counterpart_name:
        raise InvalidInput(
            _("Name the counterpart: an employer or the outside office the case waits on."), field="office"
        )
    day = opened_on or _today()
    if day > _today():
        raise InvalidInput(_("A case cannot be opened in the future."), field="opened_on")
    _check_due(next_action_due, day)
    responsible = helper or household_helper(household) or by
    if responsible.role not in (Role.HELPER, Role.ORGANIZER, Role.ADMIN):
        raise InvalidInput(_("The responsible person must be a helper or an organizer."), field="helper")
    case = Case.objects.create(
        track=entry.code,
        kind=kind,
        household=household,
        member=member,
        org_unit=household.org_unit,
        helper=responsible,
        employer=employer,
        office=office,
        counterpart_name=counterpart_name,
        summary=_text(summary, "summary", _("Say what the case is about.")),
        details=details or {},
        opened_on=day,
        next_action=(next_action or "").strip()[:200],
        next_action_due=next_action_due,
        created_by=by,
    )
    return case


@transaction.atomic
def case_add_step(
    *,
    case: Case,
    by: User,
    on: dt.date | None = None,
    action: str,
    next_action: str = "",
    next_action_due: dt.date | None = None,
) -> CaseStep:
    """Record what was done on a day and what comes next; the case's next action follows."""
    _require(by, case.org_unit, _("No such case."))
    case = _lock(case)
    if not case.is_open:
        raise Conflict(_("The case is closed; open a new one to follow it further."), code="closed")
    day = on or _today()
    if day < case.opened_on:
        raise InvalidInput(
            _("A step cannot be dated before the case was opened (%(day)s).") % {"day": case.opened_on.isoformat()},
            field="on",
            code="before_opened",
        )
    if day > _today():
        raise InvalidInput(_("A step cannot be dated in the future."), field="on")
    _check_due(next_action_due, day)
    step = CaseStep.objects.create(
        case=case,
        on=day,
        action=_text(action, "action", _("Say what was done."), MAX_TEXT),
        next_action=(next_action or "").strip()[:200],
        next_action_due=next_action_due,
        by=by,
    )
    case.next_action = step.next_action
    case.next_action_due = next_action_due
    case.save(update_fields=["next_action", "next_action_due"])
    return step


@transaction.atomic
def case_add_document(*, case: Case, by: User, upload: Any, title: str = "") -> CaseDocument:
    """Keep a scan or photo with the case: PDF, JPEG or PNG by its content, at most 10 MB."""
    _require(by, case.org_unit, _("No such case."))
    content_type, extension = documents.check_upload(upload)
    name = (title or "").strip()[:100] or (getattr(upload, "name", "") or _("Document"))[:100]
    document = CaseDocument(case=case, title=name, content_type=content_type, size=upload.size, uploaded_by=by)
    document.file.save(f"document{extension}", upload, save=False)
    document.save()
    return document


@transaction.atomic
def case_close(*, case: Case, by: User, outcome: str, note: str = "", on: dt.date | None = None) -> Case:
    """Close the case with its outcome. A good outcome (achieved) meets the open plan goal of the
    track's goal track for the member (or the household); the track may react (``on_case_closed``)."""
    _require(by, case.org_unit, _("No such case."))
    case = _lock(case)
    if not case.is_open:
        raise Conflict(_("The case is closed already."), code="closed")
    if not outcome:
        raise InvalidInput(_("Choose the outcome to close the case."), field="outcome", code="no_outcome")
    if outcome not in Case.Outcome.values:
        raise InvalidInput(_("Unknown outcome."), field="outcome")
    day = on or _today()
    if day < case.opened_on or day > _today():
        raise InvalidInput(_("A case is closed between its opening and today."), field="on")
    case.state = Case.State.CLOSED
    case.outcome = outcome
    case.outcome_note = (note or "").strip()[:MAX_TEXT]
    case.closed_on = day
    case.closed_by = by
    case.next_action_due = None
    case.save()
    entry = case.track_entry
    if outcome in Case.GOOD_OUTCOMES and entry is not None and entry.goal_track:
        member = case.member or _head(case.household)
        if member is not None:
            goals = household_services.plan_goals_meet(
                member=member,
                track=entry.goal_track,
                on=day,
                evidence=_("%(track)s: %(summary)s (achieved)") % {"track": entry.name, "summary": case.summary},
                by=by,
            )
            if goals:
                case.goal = goals[0]
                case.save(update_fields=["goal"])
    if entry is not None:
        entry.on_case_closed(case)
    return case


def _head(household: Household) -> Member | None:
    current = Member.objects.filter(household=household, is_current=True).order_by("id")
    return current.filter(relation=Member.Relation.HEAD).first() or current.first()


# --- the stalled cases, to their helpers (daily) ------------------------------------------------------


def stalled(on: dt.date) -> Any:
    """Open cases whose next action was due before ``on``."""
    return Case.objects.filter(state=Case.State.OPEN, next_action_due__lt=on)


def cases_stalled_send(*, today: dt.date | None = None) -> int:
    """Each helper, once per stalled case and due date: which of their cases passed the next-action
    date. Idempotent (the key names the case and the date it fell due)."""
    from relief import notices

    today = today or _today()
    rows = list(
        stalled(today)
        .select_related("household")
        .order_by("helper_id", "next_action_due", "pk")
        .values_list("pk", "helper_id", "helper__org_unit_id", "household__number", "next_action", "next_action_due")
    )
    mine: dict[int, list[Notice]] = defaultdict(list)
    for pk, helper, unit, number, action, due in rows:
        mine[helper].append(
            Notice(
                helper,
                {"household": number, "action": action or "…", "due": due.isoformat()},
                reverse("relief:case", args=[pk]),
                f"case:{pk}:stalled:{due.isoformat()}",
                unit=unit,
            )
        )
    with transaction.atomic():
        made = notify_each(notices.CASE_STALLED.code, [n for notices_ in mine.values() for n in notices_])
    return len(made)
