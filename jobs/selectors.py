"""Reads of 阳光就业 that a user triggers, limited to what that user may see.

Published, open postings of verified employers are public to every signed-in user. Everything
else is scoped through ``accounts.visibility``: an employer user sees their own company, its
postings and the people who applied to them (or agreed to be found); union staff see what lies in
their unit's reach; a worker sees their own applications.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rollup, visibility
from accounts.models import Role, User
from accounts.visibility import Action
from core import params as core_params
from core.errors import Forbidden, NotFound
from core.ids import int_pk
from households.models import Household, Member, MemberSkill, PlanGoal, Track
from jobs.models import (
    Application,
    Employer,
    EmploymentService,
    JobPosting,
    PhysicalDemand,
    Placement,
    PostingSkill,
    RetentionCheck,
)
from jobs.services import OPEN_STATES

# --- postings ------------------------------------------------------------------------------------------

# A salary filter above this finds nothing anyway (services.MAX_SALARY); larger numbers are ignored.
MAX_SALARY_FILTER = 10_000_000


@dataclass
class PostingFilters:
    query: str = ""
    region: str = ""  # a county, or a city / province code covering its counties
    skill: str = ""  # taxonomy code
    min_salary: int | None = None
    light_work: bool = False
    for_graduates: bool = False
    occupation: str = ""  # CSCO code or code prefix ("6-30")

    @classmethod
    def from_params(cls, params: Any) -> PostingFilters:
        return cls(
            query=core_params.text(params.get("q"), max_length=50),
            region=core_params.text(params.get("region"), max_length=6),
            skill=core_params.text(params.get("skill"), max_length=64),
            min_salary=core_params.whole_number(params.get("min_salary"), maximum=MAX_SALARY_FILTER),
            light_work=core_params.flag(params.get("light_work")),
            for_graduates=core_params.flag(params.get("for_graduates")),
            occupation=core_params.text(params.get("occupation"), max_length=16),
        )


def open_postings() -> QuerySet[JobPosting]:
    return JobPosting.objects.filter(
        state=JobPosting.State.PUBLISHED,
        valid_until__gte=timezone.localdate(),
        employer_verified=True,
    )


def _region_q(code: str) -> Q:
    """A county code matches itself; a city or province code (ending in 00 / 0000) its counties."""
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        return Q(pk__in=[])
    if code.endswith("0000"):
        return Q(region__code__startswith=code[:2])
    if code.endswith("00"):
        return Q(region__code__startswith=code[:4])
    return Q(region_id=code)


def _understood_query(query: str) -> tuple[list[str], list[str]]:
    """The skills a search names (the resolver the skill box uses, organizers' answers included)
    and the occupations those skills are used in. Nothing is filed for review: a search is no
    profile."""
    from skills.models import Skill
    from skills.understanding import SKILL_ACCEPT, skill_resolver

    resolver = skill_resolver()
    found = [m for m in [resolver.resolve(query), *resolver.resolve_all(query)] if m.skill and m.score >= SKILL_ACCEPT]
    codes = list(dict.fromkeys(m.skill for m in found if m.skill))
    if not codes:
        return [], []
    through = Skill.occupations.through
    occupations = list(
        dict.fromkeys(
            through.objects.filter(skill__code__in=codes, skill__is_active=True).values_list(
                "occupation__code", flat=True
            )
        )
    )
    return codes, occupations


def posting_search(filters: PostingFilters | None = None) -> QuerySet[JobPosting]:
    """Open postings, newest first, in a fixed number of queries whatever the page."""
    filters = filters or PostingFilters()
    postings = open_postings()
    if filters.query:
        # The employers whose name matches are few: a list to test each posting against, not a join.
        # Chinese has no case: a plain substring test is cheaper than a case-folded one.
        lookup = "icontains" if any(c.isascii() and c.isalpha() for c in filters.query) else "contains"
        by_name = Employer.objects.filter(**{f"name__{lookup}": filters.query}).values("pk")
        wanted = Q(**{f"title__{lookup}": filters.query}) | Q(employer_id__in=by_name)
        # What the words mean, as the skill box reads them: 铲车 is the loader skill, 电焊工 the
        # welding skill; postings asking for those skills, or in their occupations, match too.
        skills, occupations = _understood_query(filters.query)
        if skills:
            wanted |= Q(pk__in=PostingSkill.objects.filter(skill__code__in=skills).values("posting_id"))
        if occupations:
            wanted |= Q(occupation__code__in=occupations)
        postings = postings.filter(wanted)
    if filters.region:
        postings = postings.filter(_region_q(filters.region))
    if filters.skill:
        postings = postings.filter(pk__in=PostingSkill.objects.filter(skill__code=filters.skill).values("posting_id"))
    if filters.min_salary is not None:
        postings = postings.filter(salary_max__gte=filters.min_salary)
    if filters.light_work:
        postings = postings.filter(physical_demand=PhysicalDemand.LIGHT)
    if filters.for_graduates:
        postings = postings.filter(for_graduates=True)
    if filters.occupation:
        postings = postings.filter(occupation__code__startswith=filters.occupation)
    return (
        postings.select_related("employer", "region")
        .prefetch_related(Prefetch("skills", queryset=PostingSkill.objects.select_related("skill")))
        .order_by("-published_at", "-id")
    )


def _postings_for(user: User) -> QuerySet[JobPosting]:
    """Postings in any state that ``user`` may see: their company's, or those in their unit's reach."""
    if user.role == Role.EMPLOYER:
        return visibility.scope(user, JobPosting.objects.all(), employer="employer")
    if visibility.may(user, Action.VIEW_JOBS):
        return visibility.scope(user, JobPosting.objects.all(), unit="employer__org_unit")
    return JobPosting.objects.none()


def posting_get_for(user: User, pk: Any) -> JobPosting:
    """An open posting for anyone signed in; any state for its employer, the organizers, and the
    people who applied to it (a worker can still read the job they applied for once it closes)."""
    applied = (
        JobPosting.objects.filter(applications__member__user=user)
        if user.role == Role.WORKER
        else JobPosting.objects.none()
    )
    posting = (
        (_postings_for(user) | open_postings() | applied)
        .distinct()
        .select_related("employer", "region", "occupation")
        .prefetch_related(Prefetch("skills", queryset=PostingSkill.objects.select_related("skill")))
        .filter(pk=int_pk(pk))
        .first()
    )
    if posting is None:
        raise NotFound(_("No such posting."))
    return posting


def posting_manage_get_for(user: User, pk: Any) -> JobPosting:
    """A posting the user may edit or move along: their company's (employers) or in reach (organizers)."""
    posting = _postings_for(user).select_related("employer", "region").filter(pk=int_pk(pk)).first()
    if posting is None:
        raise NotFound(_("No such posting."))
    return posting


def employer_postings_for(user: User) -> QuerySet[JobPosting]:
    return (
        _postings_for(user)
        .select_related("employer", "region")
        .annotate(applicants=Count("applications", distinct=True), hired=Count("placements", distinct=True))
        .order_by("-created_at")
    )


# How the organizer may order the review queue: the oldest first is the fair default (first come,
# first served); the others help to clear one employer's batch or the best-paid jobs first.
REVIEW_ORDERS = {
    "oldest": ("submitted_at", "pk"),
    "newest": ("-submitted_at", "-pk"),
    "employer": ("employer__name", "submitted_at", "pk"),
    "salary": ("-salary_max", "submitted_at", "pk"),
}
REVIEW_EMPLOYER_STATES = {"verified", "unverified"}


def postings_to_review_for(
    user: User, *, q: str = "", employer_state: str = "", order: str = "oldest"
) -> QuerySet[JobPosting]:
    """The postings waiting for the user's review, narrowed by a title or employer name (``q``)
    and by whether the employer is verified, in one of ``REVIEW_ORDERS``."""
    if not visibility.may(user, Action.REVIEW_POSTINGS):
        return JobPosting.objects.none()
    waiting = JobPosting.objects.filter(state=JobPosting.State.REVIEW)
    postings = visibility.scope(user, waiting, unit="employer__org_unit")
    if q:
        postings = postings.filter(Q(title__icontains=q) | Q(employer__name__icontains=q))
    if employer_state == "verified":
        postings = postings.filter(employer__status=Employer.Status.VERIFIED)
    elif employer_state == "unverified":
        postings = postings.exclude(employer__status=Employer.Status.VERIFIED)
    return (
        postings.select_related("employer", "region", "occupation")
        .prefetch_related(Prefetch("skills", queryset=PostingSkill.objects.select_related("skill")))
        .order_by(*REVIEW_ORDERS.get(order, REVIEW_ORDERS["oldest"]))
    )


def review_counts_for(user: User) -> dict[str, int]:
    """The queue at a glance: how many postings wait, and how many of them from unverified employers."""
    waiting = postings_to_review_for(user).order_by()
    unverified = waiting.exclude(employer__status=Employer.Status.VERIFIED)
    return {"waiting": waiting.count(), "unverified": unverified.count()}


# --- employers -----------------------------------------------------------------------------------------


def company_verified(user: User) -> bool:
    """Does this employer login act for a company the union has verified (and still holds so)?
    ``accounts.visibility.sees_people`` asks it: only such a company is shown people."""
    return Employer.objects.filter(memberships__user=user, status=Employer.Status.VERIFIED).exists()


def employer_get_for(user: User, pk: Any) -> Employer:
    employers = visibility.scope(user, Employer.objects.all(), unit="org_unit", employer="")
    employer = employers.select_related("region", "org_unit").filter(pk=int_pk(pk)).first()
    if employer is None:
        raise NotFound(_("No such employer."))
    return employer


def employers_to_verify_for(user: User) -> QuerySet[Employer]:
    if not visibility.may(user, Action.VERIFY_EMPLOYERS):
        return Employer.objects.none()
    return (
        visibility.scope(
            user,
            # New companies, and verified ones whose new name waits for the check.
            Employer.objects.filter(Q(status=Employer.Status.PENDING) | ~Q(pending_name="")),
            unit="org_unit",
        )
        .select_related("region", "org_unit")
        .annotate(postings_waiting=Count("postings", filter=Q(postings__state=JobPosting.State.REVIEW)))
        .order_by("created_at")
    )


def employer_list_for(user: User) -> QuerySet[Employer]:
    return (
        visibility.scope(user, Employer.objects.all(), unit="org_unit", employer="")
        .select_related("region")
        .annotate(open_postings=Count("postings", filter=Q(postings__state=JobPosting.State.PUBLISHED)))
        .order_by("name")
    )


# --- applications --------------------------------------------------------------------------------------


def _applications_for(user: User) -> QuerySet[Application]:
    if user.role == Role.EMPLOYER:
        return visibility.scope(user, Application.objects.all(), employer="posting__employer", people=True)
    if user.role == Role.WORKER:
        return visibility.scope(user, Application.objects.all(), owner="member__user")
    if visibility.may(user, Action.VIEW_JOBS):
        return visibility.scope(user, Application.objects.all(), unit="member__household__org_unit")
    return Application.objects.none()


def application_list_for(user: User, *, state: str = "") -> QuerySet[Application]:
    applications = _applications_for(user)
    if state:
        applications = applications.filter(state=state)
    return applications.select_related("posting__employer", "member").order_by("-created_at")


def application_get_for(user: User, pk: Any) -> Application:
    application = (
        _applications_for(user)
        .select_related("posting__employer", "member__household__org_unit")
        .prefetch_related("events__actor")
        .filter(pk=int_pk(pk))
        .first()
    )
    if application is None:
        raise NotFound(_("No such application."))
    return application


def pipeline_for(user: User, posting: JobPosting) -> QuerySet[Application]:
    """A posting's applicants, for its employer (and organizers): active ones first."""
    progress = Case(
        *(When(state=state, then=Value(rank)) for rank, state in enumerate(PIPELINE_ORDER)),
        default=Value(len(PIPELINE_ORDER)),
        output_field=IntegerField(),
    )
    return (
        _applications_for(user)
        .filter(posting=posting)
        .select_related("member")
        .prefetch_related(Prefetch("member__skills", queryset=MemberSkill.objects.select_related("skill")))
        .annotate(progress=progress)
        .order_by("progress", "-created_at")
    )


# Furthest along first: the people the employer is about to hire, then new applicants, then the closed.
PIPELINE_ORDER = [
    Application.State.OFFERED,
    Application.State.INTERVIEW,
    Application.State.VIEWED,
    Application.State.APPLIED,
    Application.State.INVITED,
    Application.State.HIRED,
    Application.State.REJECTED,
    Application.State.WITHDRAWN,
    Application.State.CLOSED,
]


def stalled_applications_for(user: User, *, days: int | None = None) -> QuerySet[Application]:
    """Applications the employer has not moved for 30 days (Les Emplois' stale flag), for organizers."""
    if not visibility.may(user, Action.VIEW_JOBS):
        return Application.objects.none()
    cutoff = timezone.now() - dt.timedelta(days=days or settings.STALLED_APPLICATION_DAYS)
    return (
        visibility.scope(
            user,
            Application.objects.filter(
                state__in=[s for s in OPEN_STATES if s != Application.State.INVITED], employer_touched_at__lt=cutoff
            ),
            unit="member__household__org_unit",
        )
        .select_related("posting__employer", "member")
        .order_by("employer_touched_at")
    )


# --- candidates (what employers may see of people) -----------------------------------------------------


def candidate_get_for(user: User, member_pk: Any) -> Member:
    """A person an employer may look at: one who applied to the company, or who agreed to be found.
    Anyone else is "not found". Never the ID number or the household: the pages show the profile."""
    if user.role != Role.EMPLOYER or not visibility.may(user, Action.FIND_CANDIDATES):
        raise NotFound(_("No such candidate."))
    applied = Application.objects.filter(member=OuterRef("pk"), posting__employer__memberships__user=user)
    member = (
        Member.objects.filter(pk=int_pk(member_pk), is_current=True)
        .filter(Q(consent_to_be_found=True) | Exists(applied))
        .select_related("job_preference")
        .prefetch_related("skills__skill")
        .first()
    )
    if member is None:
        raise NotFound(_("No such candidate."))
    return member


def require_candidate_search(user: User) -> None:
    """Refuse the candidate search to an employer whose company is not verified, saying why
    (other roles without the action are refused by the page or the API as usual)."""
    if user.role == Role.EMPLOYER and not visibility.may(user, Action.FIND_CANDIDATES):
        raise Forbidden(
            _("Candidates are shown once the union has verified your company. It is waiting for verification.")
        )


def candidate_search_for(user: User, *, skill: str = "", region: str = "") -> QuerySet[Member]:
    """People who agreed to be found by employers, who can work, in households still followed."""
    if not visibility.may(user, Action.FIND_CANDIDATES):
        return Member.objects.none()
    members = Member.objects.filter(
        consent_to_be_found=True,
        is_current=True,
        household__state__in=[Household.State.ACTIVE, Household.State.EXITED],
    ).exclude(work_capacity=Member.WorkCapacity.NONE)
    if skill:
        members = members.filter(skills__skill__code=skill)
    if region:
        members = members.filter(household__region_id=region)
    return members.select_related("job_preference").prefetch_related("skills__skill").order_by("-id").distinct()


# --- placements and what follows ----------------------------------------------------------------------


def placements_for(user: User) -> QuerySet[Placement]:
    if user.role == Role.EMPLOYER:
        placements = visibility.scope(user, Placement.objects.all(), employer="employer", people=True)
    elif visibility.may(user, Action.VIEW_JOBS):
        placements = visibility.scope(user, Placement.objects.all(), unit="member__household__org_unit")
    else:
        placements = Placement.objects.none()
    return placements.select_related("member__household__org_unit", "employer", "posting").order_by("-start_date")


@dataclass
class PlacementCounts:
    total: int
    by_unit: list[rollup.RollupLine]  # values["count"]: hires over each unit's subtree (and own lines)
    by_target_group: list[tuple[str, int]]
    met_plan_goal: int
    graduates: int


def placement_counts_for(user: User, *, year: int | None = None) -> PlacementCounts:
    """Hires counted by the household's union unit (rolled up the tree: a unit counts its whole
    subtree, ``accounts.rollup``), by target group, and how many met a job goal of the household's
    relief plan (the plan's 就业 track)."""
    placements = placements_for(user)
    if year:
        placements = placements.filter(start_date__year=year)
    rows = list(
        placements.select_related("member__household__org_unit").prefetch_related("member__household__target_groups")
    )
    by_unit = rollup.rollup(
        placements,
        unit="member__household__org_unit",
        measures={"count": Count("pk")},
        tops=rollup.reach_tops(user),
        keep_empty=False,
    )
    by_group: Counter[str] = Counter(str(g) for p in rows for g in p.member.household.target_groups.all())
    member_ids = {p.member_id for p in rows}
    met = (
        PlanGoal.objects.filter(track=Track.JOB, status=PlanGoal.Status.MET, plan__household__members__in=member_ids)
        .values("plan__household")
        .distinct()
    )
    graduates = sum(1 for p in rows if p.member.graduation_year and p.start_date.year - p.member.graduation_year <= 2)
    return PlacementCounts(
        total=len(rows),
        by_unit=list(by_unit.lines()),
        by_target_group=by_group.most_common(),
        met_plan_goal=met.count(),
        graduates=graduates,
    )


def retention_checks_due_for(user: User, *, within_days: int = 14) -> QuerySet[RetentionCheck]:
    """The helper's task list: follow-ups due soon or overdue, for households they are paired with
    (organizers: everything in their reach)."""
    due = RetentionCheck.objects.filter(
        done_on__isnull=True, due_on__lte=timezone.localdate() + dt.timedelta(days=within_days)
    )
    if user.role == Role.HELPER:
        due = due.filter(
            placement__member__household__pairings__helper=user,
            placement__member__household__pairings__ended_on__isnull=True,
        )
    elif visibility.may(user, Action.VIEW_JOBS):
        due = visibility.scope(user, due, unit="placement__member__household__org_unit")
    else:
        due = due.none()
    return due.select_related("placement__member__household", "placement__employer").order_by("due_on", "pk")


def retention_check_get_for(user: User, pk: Any) -> RetentionCheck:
    check = (
        visibility.scope(user, RetentionCheck.objects.all(), unit="placement__member__household__org_unit")
        .select_related("placement__member__household", "placement__employer")
        .filter(pk=int_pk(pk))
        .first()
    )
    if check is None:
        raise NotFound(_("No such follow-up."))
    return check


def services_for(user: User, *, member: Member | None = None) -> QuerySet[EmploymentService]:
    services = visibility.scope(
        user, EmploymentService.objects.all(), unit="member__household__org_unit", owner="member__user"
    )
    if member is not None:
        services = services.filter(member=member)
    return services.select_related("member__household", "provided_by", "posting").order_by("-held_on", "-id")


def jobs_dashboard_counts_for(user: User) -> dict[str, int]:
    return {
        "employers_to_verify": employers_to_verify_for(user).count(),
        "postings_to_review": postings_to_review_for(user).count(),
        "stalled_applications": stalled_applications_for(user).count(),
        "follow_ups_due": retention_checks_due_for(user).count(),
    }
