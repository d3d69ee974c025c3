"""Reads of the relief cases that a user triggers, already limited to what that user may see (the
household's unit subtree for staff, the own household for a worker), as the other relief selectors.

Two lists matter to the people who follow cases: the helper's own list (their open cases, overdue
first) and the unit's overdue list (open cases of the unit's subtree past their next action)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import OrgUnit, User
from accounts.visibility import Action
from core.errors import NotFound
from core.ids import int_pk
from jobs import selectors as job_selectors
from jobs.models import Employer
from relief.models import Case, CaseDocument, CaseStep
from relief.selectors import unit_in_reach


def _cases(user: User) -> QuerySet[Case]:
    if not visibility.may(user, Action.VIEW_RELIEF) and not visibility.may(user, Action.APPLY_RELIEF):
        return Case.objects.none()
    return visibility.scope(user, Case.objects.all(), unit="org_unit", owner="household__members__user")


def case_list_for(
    user: User,
    *,
    track: str = "",
    state: str = "",
    kind: str = "",
    unit: OrgUnit | int | str | None = None,
    query: str = "",
) -> QuerySet[Case]:
    rows = _cases(user)
    if track:
        rows = rows.filter(track=track)
    if state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    if unit is not None:
        chosen = unit_in_reach(user, unit)
        if chosen is not None:
            rows = rows.filter(org_unit__path__startswith=chosen.path)
    if query:
        rows = rows.filter(Q(household__number__startswith=query) | Q(member__name__startswith=query))
    return rows.select_related("household", "member", "org_unit", "helper", "employer").order_by("-opened_on", "-id")


def case_get_for(user: User, pk: Any) -> Case:
    case = (
        _cases(user)
        .select_related("household", "member", "org_unit", "helper", "employer", "goal", "created_by", "closed_by")
        .prefetch_related(
            Prefetch("steps", queryset=CaseStep.objects.select_related("by").order_by("on", "id")),
            Prefetch("documents", queryset=CaseDocument.objects.select_related("uploaded_by")),
        )
        .filter(pk=int_pk(pk))
        .first()
    )
    if case is None:
        raise NotFound(_("No such case."))
    return case


def document_get_for(user: User, case_pk: Any, pk: Any) -> CaseDocument:
    case = case_get_for(user, case_pk)
    document = case.documents.filter(pk=int_pk(pk)).first()
    if document is None:
        raise NotFound(_("No such document."))
    return document


def _overdue(rows: QuerySet[Case], on: dt.date | None) -> QuerySet[Case]:
    return rows.filter(state=Case.State.OPEN, next_action_due__lt=on or timezone.localdate()).order_by(
        "next_action_due", "id"
    )


def helper_list_for(user: User) -> QuerySet[Case]:
    """The helper's own list: their open cases, the longest overdue first, then by next action."""
    return case_list_for(user, state=Case.State.OPEN).filter(helper=user).order_by("next_action_due", "id")


def helper_overdue_for(user: User, *, on: dt.date | None = None) -> QuerySet[Case]:
    """The helper's stalled cases: theirs, open, past the next-action date."""
    return _overdue(case_list_for(user).filter(helper=user), on)


def unit_overdue_for(
    user: User, *, unit: OrgUnit | int | str | None = None, on: dt.date | None = None
) -> QuerySet[Case]:
    """The unit's overdue list: open cases of ``unit``'s subtree (the user's own reach when none is
    given) past their next-action date."""
    if not visibility.may(user, Action.VIEW_RELIEF):
        return Case.objects.none()
    return _overdue(case_list_for(user, unit=unit), on)


def dashboard_counts_for(user: User) -> dict[str, int]:
    if not visibility.may(user, Action.VIEW_RELIEF):
        return {}
    return {
        "my_overdue_cases": helper_overdue_for(user).count(),
        "unit_overdue_cases": unit_overdue_for(user).count(),
    }


def counterpart_employers(user: User) -> QuerySet[Employer]:
    """Employers a case may name as its counterpart: any verified employer (they are public, as
    their postings are) and the employers in the user's own reach."""
    if not visibility.may(user, Action.REVIEW_RELIEF):
        return Employer.objects.none()
    own = job_selectors.employer_list_for(user).values("pk")
    return Employer.objects.filter(Q(status=Employer.Status.VERIFIED) | Q(pk__in=own)).order_by("name")
