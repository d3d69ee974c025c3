"""Reads of stored matches that a user triggers, limited to what that user may see.

* a worker sees their own matches (我的推荐岗位), open postings only;
* an employer sees, for a posting of their own company, the people who agreed to be found
  (``Member.consent_to_be_found``: the switch for being recommended to employers) or who applied
  to that posting, and of them only what a job needs (never the ID number, household, income,
  health, phone or address);
* union staff see a posting's candidates when the posting is in their reach (people in their reach,
  and those any employer could see), and each household of their reach with its members' matches.

Each function reads in a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import Role, User
from accounts.visibility import Action
from core.errors import NotFound
from households import selectors as household_selectors
from households.models import Household, Member, MemberSkill
from jobs import selectors as job_selectors
from jobs.models import Application, JobPosting
from matching import engine, explain
from matching.models import Match, PendingMatch
from skills.models import Skill

# Fields of a person never read for the employer side (nor decrypted): the archive's business.
PRIVATE_MEMBER_FIELDS = ("member__id_number", "member__id_number_hash", "member__health", "member__monthly_income")
# What lists of matches show of a posting, its employer and region: the rest is left unread (the
# worker's list is the hot path: 25 ms at p95).
# The ranked lists (a worker's jobs, a posting's people) reach this far; past it, people narrow the
# search instead of scrolling.
MATCHES_REACH = 200
POSTING_FIELDS = (
    "member_id",
    "score",
    "explanation",
    "engine_version",
    "computed_at",
    *(
        f"posting__{name}"
        for name in (
            "title",
            "employer",
            "region",
            "occupation",
            "headcount",
            "salary_min",
            "salary_max",
            "physical_demand",
            "education",
            "accommodation",
            "recruits_other_regions",
            "for_graduates",
            "valid_until",
            "state",
            "employer_verified",
            "published_at",
        )
    ),
    "posting__employer__name",
    "posting__employer__status",
    "posting__region__name",
)
# The organizer's skill gaps are counted over at most this many people (see ``blocking_skills``).
BLOCKING_SAMPLE = 2000
# How many best matches per person count when looking for the skills that block them.
BEST_FOR_GAPS = 5


@dataclass(frozen=True)
class MatchRow:
    posting: JobPosting | None  # set on the worker side
    member: Member | None  # set on the employer/organizer side
    score: float  # 0..1
    percent: int  # round(score * 100)
    reasons: list[str]  # plain-word sentences, translated
    matched: list[Skill]  # required and preferred skills the person has
    missing: list[Skill]  # required skills the person lacks
    applied: bool  # the person already applied to this posting
    engine_version: str
    computed_at: datetime
    application_state: str = ""  # where the person's application to this posting stands, if any

    @property
    def application_label(self) -> str:
        """The application's state in words ("Applied", "Hired", "Not selected"), for the badge."""
        return str(Application.State(self.application_state).label) if self.application_state else ""


@dataclass(frozen=True)
class MemberMatching:
    member: Member
    matches: list[MatchRow]  # the best few
    reachable: bool  # at least one feasible open posting
    blocking: list[Skill]  # missing required skills most often seen in their best matches


@dataclass(frozen=True)
class HouseholdMatching:
    household: Household
    members: list[MemberMatching]


def _open_match_q(prefix: str = "") -> Q:
    """The stored match's posting is open (the ``jobs.selectors.open_postings`` rule, as a join)."""
    return Q(
        **{
            f"{prefix}posting__state": JobPosting.State.PUBLISHED,
            f"{prefix}posting__valid_until__gte": timezone.localdate(),
            f"{prefix}posting__employer_verified": True,
        }
    )


def _skills(matches: Iterable[Match]) -> dict[str, Skill]:
    codes: set[str] = set()
    for match in matches:
        codes |= explain.skill_codes(match.explanation)
    if not codes:
        return {}
    return {s.code: s for s in Skill.objects.filter(code__in=codes).only("code", "name_zh", "name_en")}


def _row(match: Match, skills: dict[str, Skill], *, for_worker: bool, posting_side: bool) -> MatchRow:
    facts = match.explanation or {}

    def named(keys: Sequence[str]) -> list[Skill]:
        return [skills[c] for key in keys for c in facts.get(key) or () if c in skills]

    posting = match.posting if posting_side else None
    region = ""
    if for_worker and posting is not None:
        region = posting.region.name
    return MatchRow(
        posting=posting,
        member=None if posting_side else match.member,
        score=match.score,
        percent=round(match.score * 100),
        reasons=explain.reasons(facts, skills, for_worker=for_worker, posting_region=region),
        matched=named(("matched_required", "matched_preferred")),
        missing=named(("missing_required",)),
        applied=bool(getattr(match, "applied", False)),
        engine_version=match.engine_version,
        computed_at=match.computed_at,
        application_state=getattr(match, "application_state", None) or "",
    )


def _applied(member_ref: str = "member_id", posting_ref: str = "posting_id") -> Exists:
    return Exists(Application.objects.filter(member_id=OuterRef(member_ref), posting_id=OuterRef(posting_ref)))


def _application_state() -> Subquery:
    """The state of the person's (latest) application to the posting: an employer must not read
    "applied" on someone it already hired or turned down."""
    applications = Application.objects.filter(member_id=OuterRef("member_id"), posting_id=OuterRef("posting_id"))
    return Subquery(applications.order_by("-pk").values("state")[:1])


# --- the worker ----------------------------------------------------------------------------------------


def _my_matches_queryset(user: User) -> QuerySet[Match]:
    if user.role != Role.WORKER or not user.is_authenticated:
        return Match.objects.none()
    member_id = Member.objects.filter(user=user).values_list("pk", flat=True).first()
    if member_id is None:
        return Match.objects.none()
    return Match.objects.filter(_open_match_q(), member_id=member_id)


def my_matches(user: User, *, limit: int = 50, offset: int = 0) -> list[MatchRow]:
    """The worker's 我的推荐岗位: open postings that fit, best first; [] without an archive entry.
    ``offset`` and ``limit`` page through them (the page loads more as the worker asks)."""
    offset = max(0, min(offset, MATCHES_REACH))
    matches = list(
        _my_matches_queryset(user)
        .select_related("posting__employer", "posting__region")
        .only(*POSTING_FIELDS)
        .annotate(applied=_applied())
        .order_by("-score", "posting_id")[offset : min(offset + max(1, limit), MATCHES_REACH)]
    )
    skills = _skills(matches)
    return [_row(m, skills, for_worker=True, posting_side=True) for m in matches]


def my_matches_count(user: User) -> int:
    """How many open postings fit the worker, up to the reach of the list."""
    return int(_my_matches_queryset(user).order_by()[:MATCHES_REACH].count())


def my_matches_pending(user: User) -> bool:
    """Whether the worker's matches are still being computed (just imported)."""
    if user.role != Role.WORKER or not user.is_authenticated:
        return False
    return PendingMatch.objects.filter(member__user=user).exists()


MATCH_FIELDS = ("member_id", "posting_id", "score", "explanation", "engine_version", "computed_at")


def my_match_for_posting(user: User, posting: JobPosting) -> MatchRow | None:
    """The worker's own stored match with one posting (score and reasons), for the job's page; None
    for anyone but a worker with an archive entry, and when no match is stored (the posting does
    not fit them, or is not yet matched). Two queries."""
    if not user.is_authenticated or user.role != Role.WORKER:
        return None
    match = (
        Match.objects.filter(member__user=user, posting_id=posting.pk)
        .select_related("posting__region")
        .only(*MATCH_FIELDS, "posting__region__name")
        .annotate(applied=_applied())
        .first()
    )
    if match is None:
        return None
    return _row(match, _skills([match]), for_worker=True, posting_side=True)


# --- employers and organizers: a posting's candidates ----------------------------------------------------


def _candidates_queryset(user: User, posting_pk: Any) -> QuerySet[Match]:
    if not (visibility.may(user, Action.FIND_CANDIDATES) or visibility.may(user, Action.VIEW_JOBS)):
        raise NotFound(_("No such posting."))  # also an employer whose company is not verified
    posting = job_selectors.posting_manage_get_for(user, posting_pk)  # NotFound for another company's
    visible = Q(member__consent_to_be_found=True) | Q(applied=True)
    if visibility.is_unit_staff(user):
        visible |= Q(member__household__org_unit__in=visibility.visible_units(user).values("pk"))
    elif visibility.is_admin(user):
        visible = Q()
    return (
        Match.objects.filter(posting=posting, member__is_current=True)
        .annotate(applied=_applied(), application_state=_application_state())
        .filter(visible)
    )


def candidates_for_posting(user: User, posting_pk: Any, *, limit: int = 50, offset: int = 0) -> list[MatchRow]:
    """A posting's best people. For its employer: only those who agreed to be found or applied to
    it. For union staff in the posting's reach: also the people of their own reach. ``offset`` and
    ``limit`` page through them."""
    offset = max(0, min(offset, MATCHES_REACH))
    matches = list(
        _candidates_queryset(user, posting_pk)
        .select_related("member__job_preference__desired_occupation")
        .defer(*PRIVATE_MEMBER_FIELDS)
        .prefetch_related(Prefetch("member__skills", queryset=MemberSkill.objects.select_related("skill")))
        .order_by("-score", "member_id")[offset : min(offset + max(1, limit), MATCHES_REACH)]
    )
    skills = _skills(matches)
    return [_row(m, skills, for_worker=False, posting_side=False) for m in matches]


def candidates_count(user: User, posting_pk: Any) -> int:
    """How many people the posting's candidate list holds, up to the reach of the list."""
    return int(_candidates_queryset(user, posting_pk).order_by()[:MATCHES_REACH].count())


# --- organizers: households, gaps ----------------------------------------------------------------------


def _blocking(matches: Iterable[Match], skills: dict[str, Skill]) -> list[Skill]:
    counts: Counter[str] = Counter(c for m in matches for c in (m.explanation or {}).get("missing_required") or ())
    return [skills[c] for c, _n in counts.most_common() if c in skills]


def household_matching(user: User, household_pk: Any, *, per_member: int = 5) -> HouseholdMatching:
    """One household of the user's reach: each member who can work and seeks it, their best open
    matches, whether any job is within reach, and the skills that most often stand in the way."""
    household = household_selectors.household_get_for(user, household_pk)
    if not visibility.may(user, Action.VIEW_ARCHIVE, household.org_unit):
        raise NotFound(_("No such household."))  # a worker's own household: not this page
    members = engine.seekers_queryset().filter(household=household)
    return HouseholdMatching(household=household, members=_members_matching(members, per_member))


def members_matching(user: User, member_ids: Sequence[int], *, per_member: int = 5) -> list[MemberMatching]:
    """People of the user's reach chosen by id (a layoff batch, a cohort's leavers): each one who can
    work and seeks it, with their best open matches ("jobs within reach"), whether any job is
    within reach, and the skills that most often stand in the way. Ids out of reach are left out."""
    if not visibility.may(user, Action.VIEW_ARCHIVE) or user.role in (Role.WORKER, Role.EMPLOYER):
        return []
    members = visibility.scope(
        user, engine.seekers_queryset().filter(pk__in=list(member_ids)), unit="household__org_unit"
    )
    return _members_matching(members.select_related("household"), per_member)


def _members_matching(members_qs: QuerySet[Member], per_member: int) -> list[MemberMatching]:
    members = list(
        members_qs.select_related("job_preference").defer("id_number", "health", "monthly_income").order_by("id")
    )
    best = list(
        Match.objects.filter(_open_match_q(), member__in=[m.pk for m in members])
        .annotate(
            rank=Window(RowNumber(), partition_by=F("member_id"), order_by=[F("score").desc(), F("posting_id")]),
            applied=_applied(),
        )
        .filter(rank__lte=max(per_member, BEST_FOR_GAPS))
        .select_related("posting__employer", "posting__region")
        .only(*POSTING_FIELDS)
        .order_by("member_id", "rank")
    )
    skills = _skills(best)
    by_member: dict[int, list[Match]] = {}
    for match in best:
        by_member.setdefault(match.member_id, []).append(match)
    entries = []
    for member in members:
        own = by_member.get(member.pk, [])
        entries.append(
            MemberMatching(
                member=member,
                matches=[_row(m, skills, for_worker=False, posting_side=True) for m in own[:per_member]],
                reachable=bool(own),
                blocking=_blocking(own[:BEST_FOR_GAPS], skills),
            )
        )
    return entries


def _seekers_in_reach(user: User) -> QuerySet[Member]:
    if not visibility.may(user, Action.VIEW_JOBS) or user.role in (Role.WORKER, Role.EMPLOYER):
        return Member.objects.none()
    return visibility.scope(user, engine.seekers_queryset(), unit="household__org_unit")


def unreachable_members(user: User) -> QuerySet[Member]:
    """People of the user's reach who can work and seek it, with no feasible open posting."""
    reachable = Match.objects.filter(_open_match_q(), member_id=OuterRef("pk"))
    return (
        _seekers_in_reach(user)
        .exclude(Exists(reachable))
        .select_related("household")
        .defer("id_number", "health", "monthly_income")
        .order_by("household_id", "id")
    )


def blocking_skills(user: User, *, limit: int = 20) -> list[tuple[Skill, int]]:
    """The missing required skills that block the most people of the user's reach: for each person,
    the required skills they lack in their best few open matches, counted once per person.

    A county holds 100,000 people and six million stored matches: reading everybody's best matches
    on every page view would take half a minute. Beyond ``BLOCKING_SAMPLE`` people the counts are
    estimated from that many people spread evenly over the reach (by id), scaled to its size: the
    ranking of skills is what the organizer acts on, and a sample of thousands keeps it (exact
    counts for a station or a town of up to that many people)."""
    ids = list(_seekers_in_reach(user).order_by("pk").values_list("pk", flat=True))
    if not ids:
        return []
    step = max(1, -(-len(ids) // BLOCKING_SAMPLE))  # ceiling division
    sample = ids[::step]
    best = (
        Match.objects.filter(_open_match_q(), member_id__in=sample)
        .annotate(
            rank=Window(RowNumber(), partition_by=F("member_id"), order_by=[F("score").desc(), F("posting_id")]),
        )
        .filter(rank__lte=BEST_FOR_GAPS)
        .values_list("member_id", "explanation")
    )
    people: dict[str, set[int]] = {}
    for member_id, explanation in best:
        for code in (explanation or {}).get("missing_required") or ():
            people.setdefault(code, set()).add(member_id)
    scale = len(ids) / len(sample)
    ranked = sorted(people.items(), key=lambda item: (-len(item[1]), item[0]))[:limit]
    named = {s.code: s for s in Skill.objects.filter(code__in=[code for code, _ids in ranked])}
    return [(named[code], round(len(members) * scale)) for code, members in ranked if code in named]
