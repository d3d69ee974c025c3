"""Reads of the archive that a user triggers, already limited to what that user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import OrgUnit, User
from accounts.visibility import Action
from core import params as core_params
from core.audit import sensitive_read_logged
from core.errors import NotFound
from core.ids import int_pk
from core.models import SensitiveAccess
from households.archive_flags import flags_for
from households.models import (
    ExitRequest,
    Household,
    IdNumberReferral,
    ImportJob,
    Member,
    MemberSkill,
    Pairing,
    PlanGoal,
    PlanMeasure,
    ReliefPlan,
    Visit,
)
from households.received import format_fen, received_for, total_amount


def _households(user: User) -> QuerySet[Household]:
    return visibility.scope(user, Household.objects.all(), unit="org_unit", owner="members__user")


@dataclass
class HouseholdFilters:
    unit: int | None = None  # a unit of the user's subtree; its whole subtree is shown
    target_group: str = ""
    state: str = ""
    cause: str = ""
    no_helper: bool = False
    overdue_visit: bool = False
    query: str = ""  # archive number or a member's name
    dibao_status: str = ""
    # A current member with this work capacity and/or sex (both given: the same member, so "a woman
    # able to work" is one filter, not two that different members satisfy).
    work_capacity: str = ""
    sex: str = ""

    @classmethod
    def from_params(cls, params: Any) -> HouseholdFilters:
        return cls(
            unit=core_params.int_pk(params.get("unit")) or None,
            target_group=core_params.text(params.get("target_group"), max_length=32),
            state=core_params.text(params.get("state"), max_length=32),
            cause=core_params.text(params.get("cause"), max_length=32),
            no_helper=core_params.flag(params.get("no_helper")),
            overdue_visit=core_params.flag(params.get("overdue_visit")),
            query=core_params.text(params.get("q"), max_length=50),
            dibao_status=core_params.text(params.get("dibao_status"), max_length=32),
            work_capacity=core_params.text(params.get("work_capacity"), max_length=32),
            sex=core_params.text(params.get("sex"), max_length=8),
        )


def current_pairing_exists() -> Exists:
    return Exists(Pairing.objects.filter(household=OuterRef("pk"), ended_on__isnull=True))


def household_list_for(user: User, filters: HouseholdFilters | None = None) -> QuerySet[Household]:
    """The archive list: one query for the page, one for the count, one per prefetched relation,
    whatever the number of rows."""
    filters = filters or HouseholdFilters()
    households = _households(user)
    if filters.unit:
        unit = visibility.visible_units(user).filter(pk=filters.unit).first()
        if unit is None:
            return households.none()
        households = households.filter(org_unit__in=unit.subtree().values("pk"))
    if filters.state:
        households = households.filter(state=filters.state)
    # Membership as "id IN (...)" rather than a join: the planner can then walk the households
    # newest first and stop at the page, instead of sorting every match.
    if filters.target_group:
        households = households.filter(
            pk__in=Household.target_groups.through.objects.filter(targetgroup__code=filters.target_group).values(
                "household_id"
            )
        )
    if filters.cause:
        households = households.filter(
            pk__in=Household.hardship_causes.through.objects.filter(hardshipcause__code=filters.cause).values(
                "household_id"
            )
        )
    if filters.no_helper:
        # NOT EXISTS: PostgreSQL runs it as a hash anti-join (twice as fast as NOT IN there); SQLite
        # probes the partial unique index on current pairings. Measured in benchmarks/.
        households = households.filter(state=Household.State.ACTIVE).exclude(current_pairing_exists())
    if filters.overdue_visit:
        households = households.filter(overdue_visit_q())
    if filters.dibao_status:
        households = households.filter(dibao_status=filters.dibao_status)
    if filters.work_capacity or filters.sex:
        wanted = Q(is_current=True)
        if filters.work_capacity:
            wanted &= Q(work_capacity=filters.work_capacity)
        if filters.sex:
            wanted &= Q(sex=filters.sex)
        households = households.filter(pk__in=Member.objects.filter(wanted).values("household_id"))
    if filters.query:
        households = households.filter(search_q(filters.query))
    # The list shows neither income nor notes: leave them (and their decryption) out.
    return (
        households.select_related("org_unit")
        .defer("income_per_head", "hardship_note", "close_reason", "org_unit__path")
        .prefetch_related(
            "target_groups",
            "hardship_causes",
            Prefetch(
                "members",
                queryset=Member.objects.filter(relation=Member.Relation.HEAD, is_current=True).only(
                    "id", "household_id", "name", "relation"
                ),
                to_attr="heads",
            ),
            Prefetch(
                "pairings",
                queryset=Pairing.objects.filter(ended_on__isnull=True).select_related("helper"),
                to_attr="current_pairings",
            ),
        )
        .order_by(*(("next_visit_due", "-id") if filters.overdue_visit else ("-id",)))
    )


def _prefix(field: str, text: str) -> Q:
    """``field`` starts with ``text``, as an index range (LIKE cannot use an index on SQLite)."""
    return Q(**{f"{field}__gte": text, f"{field}__lt": text + "\U0010ffff"})


def search_q(query: str) -> Q:
    """Search the archive by the start of the archive number or of a member's name, or by a full ID
    number (through its keyed hash: the number itself is encrypted)."""
    from core.crypto import keyed_hash
    from households.id_numbers import normalize_id_number

    text = query.strip()
    members = Member.objects.filter(_prefix("name", text))
    candidate = normalize_id_number(text)
    if len(candidate) == 18:
        members = Member.objects.filter(_prefix("name", text) | Q(id_number_hash=keyed_hash(candidate)))
    return _prefix("number", text) | Q(pk__in=members.values("household_id"))


def overdue_visit_q(today: dt.date | None = None) -> Q:
    """Households owed a visit whose date has passed. ``next_visit_due`` is only set while a visit is
    owed (active households, and exited ones in their follow-up year), so this is one index range."""
    return Q(next_visit_due__lt=today or timezone.localdate())


def household_get_for(user: User, pk: Any) -> Household:
    household = _households(user).select_related("org_unit", "region").filter(pk=int_pk(pk)).first()
    if household is None:
        raise NotFound(_("No such household."))
    return household


def household_detail_for(user: User, pk: Any, *, ip_address: str | None = None) -> dict[str, Any]:
    """Everything the household page shows, read in a fixed number of queries.

    For roles that see income and health (casework), the read itself is recorded in the access log:
    this is the one door to those values, so the log cannot be forgotten by a page or the API."""
    household = household_get_for(user, pk)
    personal = visibility.may(user, Action.VIEW_PERSONAL_DETAIL, household.org_unit)
    if personal:
        sensitive_read_logged(
            user=user,
            record_type="households.Household",
            record_ids=[household.pk],
            field="income,health",
            purpose=SensitiveAccess.Purpose.CASEWORK,
            ip_address=ip_address,
        )
    members = list(
        household.members.select_related("job_preference")
        .prefetch_related(Prefetch("skills", queryset=MemberSkill.objects.select_related("skill")))
        .order_by("-is_current", "id")
    )
    plan = (
        household.plans.filter(status=ReliefPlan.Status.ACTIVE)
        .prefetch_related(Prefetch("goals", queryset=PlanGoal.objects.select_related("member")), "measures")
        .first()
    )
    target_groups = list(household.target_groups.all())
    hardship_causes = list(household.hardship_causes.all())
    received = received_for([household])
    return {
        "household": household,
        "members": members,
        "plan": plan,
        "received": received,
        "received_total_display": format_fen(total_amount(received)),
        "archive_flags": flags_for(
            household,
            members=members,
            target_groups=target_groups,
            cause_codes=[c.code for c in hardship_causes],
            today=timezone.localdate(),
        ),
        "past_plans": list(household.plans.exclude(status=ReliefPlan.Status.ACTIVE).order_by("-starts_on")[:10]),
        "pairing": household.pairings.filter(ended_on__isnull=True).select_related("helper", "helping_unit").first(),
        "past_pairings": list(household.pairings.filter(ended_on__isnull=False).select_related("helper")[:10]),
        "visits": list(household.visits.select_related("visited_by")[:20]),
        "exit_request": household.exit_requests.filter(status=ExitRequest.Status.PENDING)
        .select_related("requested_by")
        .first(),
        "target_groups": target_groups,
        "hardship_causes": hardship_causes,
        "show_personal": personal,
    }


def member_get_for(user: User, pk: Any) -> Member:
    member = (
        visibility.scope(user, Member.objects.all(), unit="household__org_unit", owner="user")
        .select_related("household__org_unit")
        .filter(pk=int_pk(pk))
        .first()
    )
    if member is None:
        raise NotFound(_("No such member."))
    return member


def member_list_for(user: User) -> QuerySet[Member]:
    return visibility.scope(
        user, Member.objects.all(), unit="household__org_unit", owner="household__members__user"
    ).select_related("household")


def my_member(user: User) -> Member | None:
    """The worker's own archive entry, if their login is linked to one."""
    return Member.objects.select_related("household__org_unit", "household__region").filter(user=user).first()


def plan_list_for(user: User) -> QuerySet[ReliefPlan]:
    return visibility.scope(
        user, ReliefPlan.objects.all(), unit="household__org_unit", owner="household__members__user"
    ).select_related("household")


def goal_get_for(user: User, pk: Any) -> PlanGoal:
    goal = (
        visibility.scope(user, PlanGoal.objects.all(), unit="plan__household__org_unit")
        .select_related("plan__household__org_unit")
        .filter(pk=int_pk(pk))
        .first()
    )
    if goal is None:
        raise NotFound(_("No such goal."))
    return goal


def pairing_list_for(user: User) -> QuerySet[Pairing]:
    return visibility.scope(user, Pairing.objects.all(), unit="household__org_unit").select_related(
        "household", "helper", "helping_unit"
    )


def visit_list_for(user: User) -> QuerySet[Visit]:
    return visibility.scope(user, Visit.objects.all(), unit="household__org_unit").select_related(
        "household", "visited_by"
    )


def id_referrals_for(user: User) -> QuerySet[IdNumberReferral]:
    """People entered twice, for the organizers who see both households: open ones first."""
    if not visibility.may(user, Action.SETTLE_ID_REFERRALS):
        return IdNumberReferral.objects.none()
    return (
        visibility.scope(user, IdNumberReferral.objects.all(), unit="unit")
        .select_related(
            "member__household__org_unit", "household__org_unit", "asked_by__org_unit", "unit", "resolved_by"
        )
        .order_by(F("resolved_at").desc(nulls_first=True), "-created_at")
    )


def id_referral_get_for(user: User, pk: Any) -> IdNumberReferral:
    referral = id_referrals_for(user).filter(pk=int_pk(pk)).first()
    if referral is None:
        raise NotFound(_("No such question."))
    return referral


def exit_requests_to_decide_for(user: User) -> QuerySet[ExitRequest]:
    """Pending requests the user may decide: households in units strictly below the user's unit."""
    pending = ExitRequest.objects.filter(status=ExitRequest.Status.PENDING).select_related(
        "household__org_unit", "requested_by"
    )
    if visibility.is_admin(user):
        return pending
    if not visibility.may(user, Action.APPROVE_EXIT):
        return pending.none()
    unit = user.org_unit
    if unit is None:
        return pending.none()
    # Not the user's own requests: whoever asks does not decide.
    return (
        pending.filter(household__org_unit__path__startswith=unit.path)
        .exclude(household__org_unit=unit)
        .exclude(requested_by=user)
    )


def exit_request_get_for(user: User, pk: Any) -> ExitRequest:
    request = (
        visibility.scope(user, ExitRequest.objects.all(), unit="household__org_unit")
        .select_related("household__org_unit", "requested_by")
        .filter(pk=int_pk(pk))
        .first()
    )
    if request is None:
        raise NotFound(_("No such exit request."))
    return request


def import_job_get_for(user: User, pk: Any) -> ImportJob:
    job = visibility.scope(user, ImportJob.objects.all(), unit="org_unit").filter(pk=int_pk(pk)).first()
    if job is None or not visibility.may(user, Action.IMPORT_ARCHIVE):
        raise NotFound(_("No such import."))
    return job


def import_job_list_for(user: User) -> QuerySet[ImportJob]:
    if not visibility.may(user, Action.IMPORT_ARCHIVE):
        return ImportJob.objects.none()
    return visibility.scope(user, ImportJob.objects.all(), unit="org_unit").select_related("uploaded_by")[:20]


def dashboard_counts_for(user: User) -> dict[str, int]:
    households = _households(user)
    today = timezone.localdate()
    return {
        "active": households.filter(state=Household.State.ACTIVE).count(),
        "draft": households.filter(state=Household.State.DRAFT).count(),
        "follow_up": households.filter(state=Household.State.EXITED, follow_up_until__gte=today).count(),
        "no_helper": households.filter(state=Household.State.ACTIVE).exclude(current_pairing_exists()).count(),
        "overdue_visit": households.filter(overdue_visit_q(today)).count(),
        "exit_pending": exit_requests_to_decide_for(user).count(),
    }


def unit_choices_for(user: User) -> list[OrgUnit]:
    return list(visibility.visible_units(user).order_by("path"))


SENSITIVE_HISTORY_FIELDS = {"id_number", "id_number_hash", "health", "monthly_income", "income_per_head"}
_HISTORY_SKIP = {"id", "updated_at", "created_at", "consent_changed_at"}


def household_history_for(user: User, household: Household, limit: int = 100) -> list[dict[str, Any]]:
    """Who changed what and when, for the household and everything in its archive: members,
    plans, goals, measures, pairings and exit requests. Sensitive values are never shown.

    One query per kind of record, whatever the length of the history: consecutive versions of each
    record are compared here rather than through ``prev_record`` (a query per row)."""
    if not visibility.may(user, Action.VIEW_AUDIT_TRAIL, household.org_unit):
        return []
    plan_ids = list(household.plans.values_list("pk", flat=True))
    sources = [
        (Household, Household.history.filter(id=household.pk)),
        (Member, Member.history.filter(household_id=household.pk)),
        (ReliefPlan, ReliefPlan.history.filter(household_id=household.pk)),
        (PlanGoal, PlanGoal.history.filter(plan_id__in=plan_ids)),
        (PlanMeasure, PlanMeasure.history.filter(plan_id__in=plan_ids)),
        (Pairing, Pairing.history.filter(household_id=household.pk)),
        (ExitRequest, ExitRequest.history.filter(household_id=household.pk)),
    ]
    entries = []
    for model, records in sources:
        fields = [f for f in model._meta.concrete_fields if f.name not in _HISTORY_SKIP]
        previous: dict[Any, Any] = {}
        for record in records.select_related("history_user").order_by("history_date", "history_id"):
            before = previous.get(record.id)
            changes = []
            if before is not None and record.history_type == "~":
                for field in fields:
                    old, new = getattr(before, field.attname), getattr(record, field.attname)
                    if old == new:
                        continue
                    hidden = field.name in SENSITIVE_HISTORY_FIELDS
                    changes.append(
                        {
                            "field": str(field.verbose_name),
                            "old": "***" if hidden else _shown(field, old),
                            "new": "***" if hidden else _shown(field, new),
                        }
                    )
                if not changes:
                    previous[record.id] = record
                    continue
            previous[record.id] = record
            entries.append(
                {
                    "at": record.history_date,
                    "user": record.history_user,
                    "type": record.history_type,
                    "model": model._meta.verbose_name,
                    "subject": _subject(model, record),
                    "changes": changes,
                }
            )
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries[:limit]


def _shown(field: Any, value: Any) -> Any:
    if value is None or value == "":
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value


def _subject(model: Any, record: Any) -> str:
    for name in ("number", "name", "title", "description"):
        if hasattr(record, name):
            return str(getattr(record, name))
    return str(model._meta.verbose_name)


def exit_request_list_for(user: User) -> QuerySet[ExitRequest]:
    return (
        visibility.scope(user, ExitRequest.objects.all(), unit="household__org_unit")
        .select_related("household", "requested_by", "decided_by")
        .order_by("-requested_at")
    )


def member_skill_get_for(user: User, pk: Any) -> MemberSkill:
    entry = (
        visibility.scope(user, MemberSkill.objects.all(), unit="member__household__org_unit", owner="member__user")
        .select_related("member__household__org_unit")
        .filter(pk=int_pk(pk))
        .first()
    )
    if entry is None:
        raise NotFound(_("No such skill entry."))
    return entry


def plan_in_effect_for(user: User, household_pk: Any) -> ReliefPlan:
    """The plan in effect of a household the user may see (goals and measures are added to it)."""
    household = household_get_for(user, household_pk)
    plan = household.plans.filter(status=ReliefPlan.Status.ACTIVE).first()
    if plan is None:
        raise NotFound(_("This household has no plan in effect."))
    plan.household = household  # already read with its unit; spares the services a query
    return plan


def measure_get_for(user: User, pk: Any) -> PlanMeasure:
    measure = (
        visibility.scope(user, PlanMeasure.objects.all(), unit="plan__household__org_unit")
        .select_related("plan__household__org_unit")
        .filter(pk=int_pk(pk))
        .first()
    )
    if measure is None:
        raise NotFound(_("No such measure."))
    return measure


def member_detail_for(user: User, pk: Any, *, ip_address: str | None = None) -> Member:
    """A member with health and income, for the roles that see them: the read goes into the access log."""
    member = member_get_for(user, pk)
    if visibility.may(user, Action.VIEW_PERSONAL_DETAIL, member.household.org_unit):
        sensitive_read_logged(
            user=user,
            record_type="households.Member",
            record_ids=[member.pk],
            field="health,income",
            purpose=SensitiveAccess.Purpose.CASEWORK,
            ip_address=ip_address,
        )
    return member
