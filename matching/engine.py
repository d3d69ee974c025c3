"""Rows of the database as the matching engine's inputs (``ml.matching.Seeker`` / ``Posting``).

Everything is read in bulk, in a fixed number of queries whatever the number of people or
postings: ``values()`` rows (no model instances, no decryption of the archive's personal fields)
and one query per related table, joined here in Python.

Who is a seeker: a current member of a household that is not closed, with some work capacity, who
is looking for work: unemployed or in flexible work, or anyone who has stated job preferences
(except people recorded as unable to work).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet

from households.models import Household, JobPreference, Member, MemberSkill
from jobs.models import JobPosting, PhysicalDemand, Placement, PostingSkill
from jobs.selectors import open_postings
from ml.matching import Posting, Seeker
from skills.models import Skill

SEEKING_STATUSES = (Member.EmploymentStatus.UNEMPLOYED, Member.EmploymentStatus.FLEXIBLE)


def seeker_q(prefix: str = "") -> Q:
    """The members the engine matches, as a filter (``prefix`` e.g. "member__" from a related model)."""
    p = prefix
    # A reverse one-to-one: a LEFT JOIN that cannot duplicate a member.
    has_preference_q = Q(**{f"{p}job_preference__isnull": False})
    return (
        Q(**{f"{p}is_current": True})
        & ~Q(**{f"{p}household__state": Household.State.CLOSED})
        & ~Q(**{f"{p}work_capacity": Member.WorkCapacity.NONE})
        & ~Q(**{f"{p}employment_status": Member.EmploymentStatus.UNABLE})
        & (Q(**{f"{p}employment_status__in": SEEKING_STATUSES}) | has_preference_q)
    )


def seekers_queryset() -> QuerySet[Member]:
    return Member.objects.filter(seeker_q())


def is_seeker(member_id: int) -> bool:
    return seekers_queryset().filter(pk=member_id).exists()


@dataclass
class SeekerFacts:
    """What the Django side keeps beside each ``Seeker``: employers' visibility and the values the
    explanations quote."""

    consent: bool = False
    expected_salary: int | None = None
    regions: tuple[str, ...] = ()


@dataclass
class Built:
    seekers: list[Seeker] = field(default_factory=list)
    facts: dict[int, SeekerFacts] = field(default_factory=dict)


def build_seekers(members: QuerySet[Member] | None = None) -> Built:
    """Seekers from ``members`` (default: every seeker) in four queries."""
    members = seekers_queryset() if members is None else members
    rows = list(
        members.values(
            "id",
            "household__region_id",
            "work_capacity",
            "major",
            "consent_to_be_found",
            "job_preference__id",
            "job_preference__willing_to_relocate",
            "job_preference__expected_salary",
            "job_preference__desired_work",
            "job_preference__desired_occupation__code",
        ).order_by("id")
    )
    ids = [r["id"] for r in rows]
    in_scope = _in_scope(members, ids)
    skills: dict[int, list[tuple[str | None, str, bool]]] = defaultdict(list)
    regions: dict[int, list[str]] = defaultdict(list)
    occupations: dict[int, list[str]] = defaultdict(list)
    strongest: dict[int, tuple[tuple[int, int], str]] = {}  # member -> ((level, years), skill code)
    if ids:
        for member_id, code, phrase, is_certified, level, years in (
            MemberSkill.objects.filter(member_id__in=in_scope)
            .order_by("member_id", "id")
            .values_list("member_id", "skill__code", "phrase", "certified", "level", "years")
        ):
            skills[member_id].append((code, phrase, is_certified))
            strength = (_LEVELS.get(level, 0), years or 0)
            if code and (member_id not in strongest or strength > strongest[member_id][0]):
                strongest[member_id] = (strength, code)
        through = JobPreference.regions.through
        for member_id, region in through.objects.filter(jobpreference__member_id__in=in_scope).values_list(
            "jobpreference__member_id", "region_id"
        ):
            regions[member_id].append(region)
        wanted = JobPreference.occupations.through
        for member_id, code in (
            wanted.objects.filter(jobpreference__member_id__in=in_scope)
            .order_by("id")
            .values_list("jobpreference__member_id", "occupation__code")
        ):
            occupations[member_id].append(code)
    trade = _skill_occupations({code for _s, code in strongest.values()})
    built = Built()
    for r in rows:
        pk = r["id"]
        entries = skills.get(pk, [])
        codes = tuple(dict.fromkeys(code for code, _p, _c in entries if code))
        certified = frozenset(code for code, _p, c in entries if code and c)
        phrases = tuple(dict.fromkeys(p for code, p, _c in entries if not code and p))
        desired = r["job_preference__desired_work"] or ""
        occupation = r["job_preference__desired_occupation__code"] or next(iter(occupations.get(pk, [])), "")
        from_skills = False
        if not occupation and pk in strongest:
            # Nothing said about the work wanted: the trade of their strongest skill (most
            # expert, then most years), so that a 10-year 瓦斯抽采 expert is matched in mining.
            occupation = trade.get(strongest[pk][1], "")
            from_skills = bool(occupation)
        own_region = r["household__region_id"] or ""
        stated = tuple(dict.fromkeys(c for c in regions.get(pk, []) if c != own_region))
        built.seekers.append(
            Seeker(
                id=pk,
                skills=codes,
                certified=certified,
                phrases=phrases,
                text=" ".join(t for t in (desired, r["major"] or "") if t),
                region=own_region,
                regions=stated,
                willing_to_relocate=bool(r["job_preference__willing_to_relocate"]),
                capacity=r["work_capacity"],
                expected_salary=r["job_preference__expected_salary"],
                occupation=occupation,
                occupation_from_skills=from_skills,
            )
        )
        built.facts[pk] = SeekerFacts(
            consent=bool(r["consent_to_be_found"]),
            expected_salary=r["job_preference__expected_salary"],
            regions=stated,
        )
    return built


#: Up to this many rows read, the queries of their skills, regions and occupations name the ids
#: read; more (a market's build), they repeat the first query's filter as a subquery.
IDS_INLINE = 1000


def _in_scope(rows: QuerySet[Any], ids: list[int]) -> QuerySet[Any] | list[int]:
    """The rows the related queries read for: the ids just read when they are few (a refresh's row,
    the rows a catch-up reads), as a subquery of ``rows`` otherwise. The subquery repeats the
    seekers' or open postings' conditions (joins and all), which the ORM compiles again for each
    related query: a third of a small read's CPU (9 seekers: 6.9 ms against 4.3-4.7), where a list
    of a few ids is a plain index range. A row changed between the queries is read again either
    way: the change log lists it after the snapshot taken before the read."""
    return ids if len(ids) <= IDS_INLINE else rows.values("pk")


_LEVELS = {level: rank for rank, level in enumerate(MemberSkill.Level.values)}


def _skill_occupations(codes: set[str]) -> dict[str, str]:
    """Skill code -> the first CSCO occupation the taxonomy lists for it (one query)."""
    if not codes:
        return {}
    through = Skill.occupations.through
    found: dict[str, str] = {}
    for skill_code, occupation_code in (
        through.objects.filter(skill__code__in=codes).order_by("id").values_list("skill__code", "occupation__code")
    ):
        found.setdefault(skill_code, occupation_code)
    return found


def build_postings(postings: QuerySet[JobPosting] | None = None) -> list[Posting]:
    """Postings from ``postings`` (default: every open posting) in two queries; seats already
    filled by hires are not open."""
    postings = open_postings() if postings is None else postings
    hired = Placement.objects.filter(posting_id=OuterRef("pk")).values("posting_id").annotate(n=Count("id")).values("n")
    rows = list(
        postings.annotate(hired=hired)
        .values(
            "id",
            "title",
            "description",
            "region_id",
            "recruits_other_regions",
            "physical_demand",
            "salary_min",
            "salary_max",
            "occupation__code",
            "headcount",
            "hired",
        )
        .order_by("id")
    )
    skills: dict[int, list[tuple[str | None, str, bool]]] = defaultdict(list)
    if rows:
        for posting_id, code, phrase, required in (
            PostingSkill.objects.filter(posting_id__in=_in_scope(postings, [r["id"] for r in rows]))
            .order_by("posting_id", "-required", "id")
            .values_list("posting_id", "skill__code", "phrase", "required")
        ):
            skills[posting_id].append((code, phrase, required))
    return [_posting(r, skills.get(r["id"], [])) for r in rows]


def _posting(r: Mapping[str, Any], entries: Iterable[tuple[str | None, str, bool]]) -> Posting:
    entries = list(entries)
    required = tuple(dict.fromkeys(code for code, _p, req in entries if code and req))
    preferred = tuple(dict.fromkeys(code for code, _p, req in entries if code and not req and code not in required))
    return Posting(
        id=r["id"],
        title=r["title"],
        required=required,
        preferred=preferred,
        phrases=tuple(dict.fromkeys(p for code, p, _r in entries if not code and p)),
        text=r["description"] or "",
        region=r["region_id"] or "",
        cross_region=bool(r["recruits_other_regions"]),
        # Light work is open to people with partial capacity; moderate and heavy work need full
        # capacity (the rule of ``jobs.services._may_capacity``).
        capacity_required="partial" if r["physical_demand"] == PhysicalDemand.LIGHT else "full",
        salary_min=r["salary_min"],
        salary_max=r["salary_max"],
        occupation=r["occupation__code"] or "",
        open_seats=max(0, int(r["headcount"]) - int(r["hired"] or 0)),
    )


def fingerprint_postings() -> tuple[Any, ...]:
    """Cheap signs that the open postings changed: counts and the latest change of each table behind
    a ``Posting`` (``training.advice`` keys its cache on it; the matching market reads the change log that
    triggers write, ``matching.changes``). The count of open postings also moves when an
    employer's verification changes, which touches no ``updated_at``."""
    postings = JobPosting.objects.aggregate(at=Max("updated_at"))
    skills = PostingSkill.objects.aggregate(n=Count("id"), last=Max("id"))
    hires = Placement.objects.aggregate(n=Count("id"))
    return (open_postings().count(), postings["at"], skills["n"], skills["last"], hires["n"])
