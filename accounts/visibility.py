"""Who may see and do what. The one module that decides; selectors and services ask it.

The rules, from the plan and DOMAIN.md:

* organizers, helpers and auditors belong to one union unit and see that unit and the units below
  it, never beside or above;
* a worker sees their own household only; an employer sees nothing of the archive;
* auditors read everything in their subtree and change nothing;
* a household's exit is approved only by an organizer of a unit strictly above the household's;
* full ID numbers are shown only to roles whose work needs them, and every such read is logged
  (``households.services.member_reveal_id_number``); income and health are shown to organizers and
  helpers (casework needs them), masked for auditors, and every read is logged
  (``households.selectors.household_detail_for``).

Anything a user may not see is reported as "not found", never as "forbidden", so that probing
cannot confirm that a record exists.

Employers and people. Anyone may register a company, so an employer login is shown no person
(candidate search and profiles, ranked candidates, invitations, applicants, hires, fair interview
lists) until the union has verified its company, nor while the company waits for a new check, is
suspended or rejected (``sees_people``; ``scope(..., people=True)`` for rows that show a person).
What such a company may still see: its own company record and its own postings in every state,
the open postings of verified companies and the published job fairs (both shown to every
signed-in user), the skill and occupation catalogues, and who it is (``/api/v1/me/``). Nothing
of the archive, the funds, training or ventures, and no union unit.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, QuerySet

from accounts.models import OrgUnit, Role

if TYPE_CHECKING:
    from accounts.models import User

M = TypeVar("M", bound=Model)


class Action(StrEnum):
    VIEW_ARCHIVE = "view_archive"
    EDIT_ARCHIVE = "edit_archive"
    RECORD_VISIT = "record_visit"
    MANAGE_PAIRING = "manage_pairing"
    REQUEST_EXIT = "request_exit"
    APPROVE_EXIT = "approve_exit"
    IMPORT_ARCHIVE = "import_archive"
    EXPORT_ARCHIVE = "export_archive"
    REVEAL_ID_NUMBER = "reveal_id_number"
    VIEW_AUDIT_TRAIL = "view_audit_trail"
    MANAGE_TAXONOMY = "manage_taxonomy"
    EDIT_OWN_PROFILE = "edit_own_profile"
    VIEW_PERSONAL_DETAIL = "view_personal_detail"  # income and health, logged on every read
    # Jobs (阳光就业)
    VERIFY_EMPLOYERS = "verify_employers"
    REVIEW_POSTINGS = "review_postings"
    VIEW_JOBS = "view_jobs"  # employers, postings, applications and placements in the unit's reach
    APPLY_FOR_OTHERS = "apply_for_others"  # with the worker's consent recorded
    RECORD_SERVICES = "record_services"
    MANAGE_POSTINGS = "manage_postings"  # an employer's own company and postings
    FIND_CANDIDATES = "find_candidates"
    APPLY = "apply"  # a worker, for themselves
    # Funds (帮扶资金): the ledger, budgets, payments (approval limits: settings.FUNDS_APPROVAL_LIMITS)
    VIEW_FUNDS = "view_funds"  # ledger, budgets, reconciliation and flags in the unit's reach
    MANAGE_FUNDS = "manage_funds"  # funds, budgets, money in, reversals, resolving flags
    REQUEST_PAYMENT = "request_payment"  # the maker
    APPROVE_PAYMENT = "approve_payment"  # the checker: never the maker, within the limit of the unit's level
    PAY_OUT = "pay_out"  # post an approved payment to the ledger
    RECORD_RECEIPT = "record_receipt"  # loan repayments into a fund
    # Ventures (创业援助)
    VIEW_VENTURES = "view_ventures"  # applications, loans and the portfolio in the unit's reach
    REVIEW_VENTURES = "review_ventures"  # the helper's, the organizer's and the unit above's review
    MANAGE_VENTURES = "manage_ventures"  # products, disbursement, 贴息 claims, write-offs
    APPLY_VENTURE = "apply_venture"  # a worker, for their own business
    # Training (技能培训促就业)
    VIEW_TRAINING = "view_training"  # courses, cohorts, rosters and coverage in the unit's reach
    MANAGE_TRAINING = "manage_training"  # the catalogue, cohorts, completion and certificates
    ENROL_OTHERS = "enrol_others"  # a helper or organizer enrols one person or a list
    RECORD_ATTENDANCE = "record_attendance"
    ENROL = "enrol"  # a worker, for themselves
    # Job fairs (招聘会)
    VIEW_FAIRS = "view_fairs"
    MANAGE_FAIRS = "manage_fairs"  # set up, approve booths, schedule, reports
    CHECK_IN = "check_in"  # staff at the entrance on the day
    REGISTER_OTHERS = "register_others"  # a helper registers a worker for a fair
    ATTEND_FAIRS = "attend_fairs"  # a worker: register, my schedule, my QR
    BOOK_BOOTHS = "book_booths"  # an employer: apply for a booth, interview list, outcomes
    # Relief tracks (送温暖, 金秋助学, medical aid, social assistance...)
    VIEW_RELIEF = "view_relief"  # applications, benefits and worklists in the unit's reach
    REVIEW_RELIEF = "review_relief"  # apply for a worker (with consent) and review: helper, organizer, unit above
    MANAGE_RELIEF = "manage_relief"  # campaigns, school-year rates, medical rules, 低保 lines, batch lists
    APPLY_RELIEF = "apply_relief"  # a worker, for their own household
    # Assessment (考核): figures, targets, scorecards, work plans, the yearly household review
    VIEW_ASSESSMENT = "view_assessment"  # indicators, reports, charts, scorecards in the unit's reach
    SET_TARGETS = "set_targets"  # targets and assessment schemes for the units below (never its own)
    SELF_ASSESS = "self_assess"  # the unit's own scorecard: notes, evidence, submit
    INSPECT = "inspect"  # findings, accept or return the scorecards of units below (never its own)
    MANAGE_WORK_PLANS = "manage_work_plans"  # the unit's yearly work plan and its tasks
    REVIEW_HOUSEHOLDS = "review_households"  # the yearly review (复核) of active households
    # A person entered twice, in units the helper cannot both see (households.IdNumberReferral)
    SETTLE_ID_REFERRALS = "settle_id_referrals"


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.ORGANIZER: frozenset(
        {
            Action.VIEW_ARCHIVE,
            Action.EDIT_ARCHIVE,
            Action.RECORD_VISIT,
            Action.MANAGE_PAIRING,
            Action.REQUEST_EXIT,
            Action.APPROVE_EXIT,
            Action.IMPORT_ARCHIVE,
            Action.EXPORT_ARCHIVE,
            Action.REVEAL_ID_NUMBER,
            Action.VIEW_AUDIT_TRAIL,
            Action.MANAGE_TAXONOMY,
            Action.VIEW_PERSONAL_DETAIL,
            Action.VERIFY_EMPLOYERS,
            Action.REVIEW_POSTINGS,
            Action.VIEW_JOBS,
            Action.APPLY_FOR_OTHERS,
            Action.RECORD_SERVICES,
            Action.VIEW_FUNDS,
            Action.MANAGE_FUNDS,
            Action.REQUEST_PAYMENT,
            Action.APPROVE_PAYMENT,
            Action.PAY_OUT,
            Action.RECORD_RECEIPT,
            Action.VIEW_VENTURES,
            Action.REVIEW_VENTURES,
            Action.MANAGE_VENTURES,
            Action.VIEW_TRAINING,
            Action.MANAGE_TRAINING,
            Action.ENROL_OTHERS,
            Action.RECORD_ATTENDANCE,
            Action.VIEW_FAIRS,
            Action.MANAGE_FAIRS,
            Action.CHECK_IN,
            Action.REGISTER_OTHERS,
            Action.VIEW_RELIEF,
            Action.REVIEW_RELIEF,
            Action.MANAGE_RELIEF,
            Action.VIEW_ASSESSMENT,
            Action.SET_TARGETS,
            Action.SELF_ASSESS,
            Action.INSPECT,
            Action.MANAGE_WORK_PLANS,
            Action.REVIEW_HOUSEHOLDS,
            Action.SETTLE_ID_REFERRALS,
        }
    ),
    Role.HELPER: frozenset(
        {
            Action.VIEW_ARCHIVE,
            Action.EDIT_ARCHIVE,
            Action.RECORD_VISIT,
            Action.REQUEST_EXIT,
            Action.REVEAL_ID_NUMBER,
            Action.VIEW_PERSONAL_DETAIL,
            Action.VIEW_JOBS,
            Action.APPLY_FOR_OTHERS,
            Action.RECORD_SERVICES,
            Action.VIEW_FUNDS,
            Action.REQUEST_PAYMENT,
            Action.RECORD_RECEIPT,
            Action.VIEW_VENTURES,
            Action.REVIEW_VENTURES,
            Action.VIEW_TRAINING,
            Action.ENROL_OTHERS,
            Action.RECORD_ATTENDANCE,
            Action.VIEW_FAIRS,
            Action.CHECK_IN,
            Action.REGISTER_OTHERS,
            Action.VIEW_RELIEF,
            Action.REVIEW_RELIEF,
            Action.VIEW_ASSESSMENT,
            Action.REVIEW_HOUSEHOLDS,
        }
    ),
    Role.AUDITOR: frozenset(
        {
            Action.VIEW_ARCHIVE,
            Action.VIEW_AUDIT_TRAIL,
            Action.VIEW_JOBS,
            Action.VIEW_FUNDS,
            Action.VIEW_VENTURES,
            Action.VIEW_TRAINING,
            Action.VIEW_FAIRS,
            Action.VIEW_RELIEF,
            Action.VIEW_ASSESSMENT,
        }
    ),
    Role.WORKER: frozenset(
        {
            Action.EDIT_OWN_PROFILE,
            Action.APPLY,
            Action.APPLY_VENTURE,
            Action.ENROL,
            Action.ATTEND_FAIRS,
            Action.APPLY_RELIEF,
        }
    ),
    Role.EMPLOYER: frozenset({Action.MANAGE_POSTINGS, Action.FIND_CANDIDATES, Action.BOOK_BOOTHS}),
}


# Actions that show people to an employer: only while the company is verified (``sees_people``).
PEOPLE_ACTIONS = frozenset({Action.FIND_CANDIDATES})

# How to tell whether an employer login acts for a verified company. Companies belong to jobs/,
# which sits above this module and registers the answer at start-up (``jobs.apps``). Until it has,
# no employer is shown anyone.
_company_verified: Callable[[User], bool] | None = None


def register_company_check(check: Callable[[User], bool]) -> None:
    global _company_verified
    _company_verified = check


def sees_people(user: User) -> bool:
    """May ``user`` be shown people at all? Everyone signed in and active, except an employer whose
    company the union has not verified (or no longer holds verified)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.EMPLOYER and not is_admin(user):
        return _company_verified is not None and _company_verified(user)
    return True


def is_admin(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


def is_unit_staff(user: User) -> bool:
    return bool(user.is_authenticated and user.role in (Role.ORGANIZER, Role.HELPER, Role.AUDITOR) and user.org_unit_id)


def may(user: User, action: Action, unit: OrgUnit | None = None) -> bool:
    """May ``user`` do ``action`` (on something held by ``unit``, when given)?"""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_admin(user):
        return True
    if action not in ROLE_ACTIONS.get(user.role, frozenset()):
        return False
    if action in PEOPLE_ACTIONS and not sees_people(user):
        return False
    if unit is None:
        return True
    if not is_unit_staff(user):
        return False
    own_unit = user.org_unit
    return own_unit is not None and own_unit.contains(unit)


def may_approve_exit_for(user: User, unit: OrgUnit) -> bool:
    """Exit approval comes from above: the approver's unit must be strictly higher than ``unit``."""
    if not may(user, Action.APPROVE_EXIT):
        return False
    if is_admin(user):
        return True
    own_unit = user.org_unit  # organizers always have one (the ``unit_roles_have_a_unit`` constraint)
    return own_unit is not None and own_unit.is_ancestor_of(unit)


def may_act_from_above(user: User, action: Action, unit: OrgUnit) -> bool:
    """May ``user`` do ``action`` on ``unit`` as a unit strictly above it? The level above sets a
    unit's targets and inspects and accepts its scorecard; a unit never does it for itself or for
    a unit beside it. Administrators act for the level above the top unit (the city federation)."""
    if not may(user, action):
        return False
    if is_admin(user):
        return True
    own_unit = user.org_unit if is_unit_staff(user) else None
    return own_unit is not None and own_unit.is_ancestor_of(unit)


def lowest_common_unit(first: OrgUnit, second: OrgUnit) -> OrgUnit:
    """The lowest unit that holds both (itself or above): its organizers, and those of the units
    above it, see both."""
    a, b = first.path.split(".")[:-1], second.path.split(".")[:-1]
    shared = 0
    while shared < min(len(a), len(b)) and a[shared] == b[shared]:
        shared += 1
    if shared == 0:  # two trees: only an administrator sees both; hand it to the first one's top
        return OrgUnit.objects.get(path=a[0] + ".")
    return OrgUnit.objects.get(path=".".join(a[:shared]) + ".")


def visible_units(user: User) -> QuerySet[OrgUnit]:
    if is_admin(user):
        return OrgUnit.objects.all()
    own_unit = user.org_unit if is_unit_staff(user) else None
    if own_unit is not None:
        return OrgUnit.objects.filter(path__startswith=own_unit.path)
    return OrgUnit.objects.none()


def scope(
    user: User,
    queryset: QuerySet[M],
    *,
    unit: str | None = None,
    owner: str | None = None,
    employer: str | None = None,
    people: bool = False,
) -> QuerySet[M]:
    """Restrict ``queryset`` to the rows ``user`` may see.

    ``unit`` is the lookup path from the model to its ``OrgUnit`` ("org_unit", "household__org_unit");
    ``owner`` is the lookup path to the worker ``User`` the row belongs to
    ("members__user", "household__members__user"); ``employer`` is the lookup path to the company
    an employer user acts for ("", "employer", "posting__employer"; "" for the company itself).
    A model without one of them is invisible to the roles that need it. ``people`` marks rows that
    show a person (applications, hires): an employer sees them only while ``sees_people``.
    """
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if is_admin(user):
        return queryset
    if is_unit_staff(user):
        if unit is None:
            return queryset.none()
        # An id list from the (small) unit table, not a join on the path: the database can then use
        # its index on the row's unit column, which matters on lists of 100,000 households.
        return queryset.filter(**{f"{unit}__in": _subtree_ids(user)})
    if user.role == Role.WORKER and owner is not None:
        # A worker's household has several members; filter through a subquery to avoid duplicates.
        model = queryset.model
        own_ids = model._default_manager.filter(**{owner: user}).values("pk")
        return queryset.filter(pk__in=own_ids)
    if user.role == Role.EMPLOYER and employer is not None:
        if people and not sees_people(user):
            return queryset.none()
        path = f"{employer}__memberships__user" if employer else "memberships__user"
        return queryset.filter(**{path: user})
    return queryset.none()


def _subtree_ids(user: User) -> list[int]:
    """Ids of the user's unit and every unit below it, read from the (small) unit table and passed
    to the database as a literal list: PostgreSQL then counts a county's households with an
    index-only scan, which a subquery on the path prevents."""
    own_unit = user.org_unit  # unit staff always have one (``is_unit_staff``)
    if own_unit is None:
        return []
    return list(OrgUnit.objects.filter(path__startswith=own_unit.path).values_list("pk", flat=True))


def describe(user: User) -> dict[str, Any]:
    """What the navigation needs to know about a user's reach, computed once per request."""
    return {
        "role": user.role if user.is_authenticated else None,
        "unit": user.org_unit if is_unit_staff(user) else None,
        "actions": {a.value for a in Action if may(user, a)} if user.is_authenticated else set(),
    }
