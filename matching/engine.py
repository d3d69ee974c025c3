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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import CharField, Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

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
    skills: dict[int, list[tuple[str | None, str, bool]]] = defaultdict(list)
    regions: dict[int, list[str]] = defaultdict(list)
    occupations: dict[int, list[str]] = defaultdict(list)
    strongest: dict[int, tuple[tuple[int, int], str]] = {}  # member -> ((level, years), skill code)
    if ids:
        in_scope = members.values("pk")
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
            PostingSkill.objects.filter(posting_id__in=postings.values("pk"))
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
    a ``Posting`` (``training.advice`` keys its cache on it; the matching market follows
    ``posting_totals`` and ``posting_changes``, below). The count of open postings also moves when an
    employer's verification changes, which touches no ``updated_at``."""
    postings = JobPosting.objects.aggregate(at=Max("updated_at"))
    skills = PostingSkill.objects.aggregate(n=Count("id"), last=Max("id"))
    hires = Placement.objects.aggregate(n=Count("id"))
    return (open_postings().count(), postings["at"], skills["n"], skills["last"], hires["n"])


# --- fingerprints a cached market can follow one row at a time ------------------------------------------
#
# A side's state is told by *totals* (counts and sums of ids, one aggregate each) and by the rows stamped
# (``updated_at``) after a *watermark*, the latest stamp when the market was built. Totals are sums over
# rows, so the change one row made to them is that row's *parts* now less its parts before: a cached
# market that took in that row's change (``matching.services``' overlay) knows the totals to expect,
# and any other change (another process's) makes the totals, or the rows stamped since, differ.


class Side(NamedTuple):
    totals: tuple[int, ...]
    watermarks: tuple[Any, ...]


def _totals(*tables: tuple[QuerySet[Any], bool]) -> tuple[int, ...]:
    """Per queryset its count, and the sum of its ids where asked, in one statement (one round trip
    however many tables: a check of a side costs the scans, not the queries)."""
    derived: list[str] = []
    params: list[Any] = []
    for i, (queryset, with_sum) in enumerate(tables):
        sql, found = queryset.order_by().values("id").query.sql_with_params()
        total = ", COALESCE(SUM(q.id), 0)" if with_sum else ""
        derived.append(f"(SELECT COUNT(*){total} FROM ({sql}) q) t{i}")
        params.extend(found)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {', '.join(derived)}", params)
        row = cursor.fetchone()
    return tuple(int(v) for v in row)


def _changes(*tables: tuple[str, QuerySet[Any], str, Any]) -> dict[tuple[str, int], Any]:
    """Rows stamped after each table's watermark, in one statement: (kind, key) -> stamp."""
    parts = []
    for kind, queryset, key, at in tables:
        rows = queryset.filter(updated_at__gt=at) if at is not None else queryset
        parts.append(rows.order_by().values_list(Value(kind, output_field=CharField()), key, "updated_at"))
    return {(kind, pk): stamp for kind, pk, stamp in parts[0].union(*parts[1:], all=True)}


def seeker_totals() -> tuple[int, ...]:
    """Members (count, sum of ids), job preferences (count), skills (count, sum of ids)."""
    return _totals(
        (Member.objects.all(), True), (JobPreference.objects.all(), False), (MemberSkill.objects.all(), True)
    )


def seeker_side() -> Side:
    """``seeker_totals`` and the watermarks of members, households and job preferences."""
    return Side(
        seeker_totals(),
        (
            Member.objects.aggregate(at=Max("updated_at"))["at"],
            Household.objects.aggregate(at=Max("updated_at"))["at"],
            JobPreference.objects.aggregate(at=Max("updated_at"))["at"],
        ),
    )


def seeker_parts(member_ids: Iterable[int] | None = None) -> dict[int, tuple[int, ...]]:
    """Each member's share of ``seeker_side``'s totals (every member when ``member_ids`` is None)."""
    members = Member.objects.all() if member_ids is None else Member.objects.filter(pk__in=list(member_ids))
    parts = {pk: [1, pk, 0, 0, 0] for pk in members.values_list("pk", flat=True)}
    scope = members.values("pk")
    for pk in JobPreference.objects.filter(member_id__in=scope).values_list("member_id", flat=True):
        parts[pk][2] += 1
    for pk, n, s in _counts_and_sums(MemberSkill, "member_id", scope):
        parts[pk][3:] = [n, s]
    return {pk: tuple(p) for pk, p in parts.items()}


def _counts_and_sums(model: Any, key: str, scope: QuerySet[Any]) -> Iterator[tuple[int, int, int]]:
    """Per owner in ``scope`` (``key`` naming it on ``model``): (owner id, count, sum of ids) of its
    rows, in one grouped query; owners without rows do not appear."""
    rows = (
        model.objects.filter(**{f"{key}__in": scope})
        .values(key)
        .annotate(n=Count("id"), s=Sum("id"))
        .values_list(key, "n", "s")
        .order_by()
    )
    for pk, n, s in rows:
        yield pk, int(n), int(s)


def seeker_changes(watermarks: tuple[Any, ...]) -> dict[tuple[str, int], Any]:
    """Rows stamped after the watermarks: ("member", id), ("household", id), ("preference", member id)
    -> stamp."""
    return _changes(
        ("member", Member.objects.all(), "pk", watermarks[0]),
        ("household", Household.objects.all(), "pk", watermarks[1]),
        ("preference", JobPreference.objects.all(), "member_id", watermarks[2]),
    )


def posting_totals() -> tuple[int, ...]:
    """Open postings (count), skills (count, sum of ids), hires (count, sum of ids)."""
    return _totals((open_postings(), False), (PostingSkill.objects.all(), True), (Placement.objects.all(), True))


def posting_side() -> Side:
    """``posting_totals`` and the watermark of postings."""
    return Side(posting_totals(), (JobPosting.objects.aggregate(at=Max("updated_at"))["at"],))


def posting_parts(posting_ids: Iterable[int] | None = None) -> dict[int, tuple[int, ...]]:
    """Each posting's share of ``posting_side``'s totals (every posting when ``posting_ids`` is None)."""
    postings = JobPosting.objects.all() if posting_ids is None else JobPosting.objects.filter(pk__in=list(posting_ids))
    parts = {pk: [0, 0, 0, 0, 0] for pk in postings.values_list("pk", flat=True)}
    for pk in open_postings().filter(pk__in=postings.values("pk")).values_list("pk", flat=True):
        parts[pk][0] = 1
    scope = postings.values("pk")
    for model, at in ((PostingSkill, 1), (Placement, 3)):
        for pk, n, s in _counts_and_sums(model, "posting_id", scope):
            parts[pk][at : at + 2] = [n, s]
    return {pk: tuple(p) for pk, p in parts.items()}


def posting_changes(watermarks: tuple[Any, ...]) -> dict[tuple[str, int], Any]:
    """Postings stamped after the watermark: ("posting", id) -> stamp."""
    return _changes(("posting", JobPosting.objects.all(), "pk", watermarks[0]))


def _count_and_sum(model: Any, key: str) -> tuple[Any, Any]:
    """Subqueries: the count and the sum of ids of ``model``'s rows whose ``key`` is the outer row."""
    rows = model.objects.filter(**{key: OuterRef("pk")}).order_by().values(key)
    return (
        Coalesce(Subquery(rows.annotate(n=Count("id")).values("n")), 0),
        Coalesce(Subquery(rows.annotate(s=Sum("id")).values("s")), 0),
    )


def posting_now(posting_id: int) -> tuple[tuple[int, ...], Any]:
    """One posting's ``posting_parts`` and its stamp (None: no such posting), in one query."""
    skills, skill_ids = _count_and_sum(PostingSkill, "posting_id")
    hires, hire_ids = _count_and_sum(Placement, "posting_id")
    found = (
        JobPosting.objects.filter(pk=posting_id)
        .annotate(
            open_now=Exists(open_postings().filter(pk=OuterRef("pk"))),
            skills_n=skills,
            skill_ids=skill_ids,
            hires_n=hires,
            hire_ids=hire_ids,
        )
        .values_list("updated_at", "open_now", "skills_n", "skill_ids", "hires_n", "hire_ids")
        .first()
    )
    if found is None:
        return (0, 0, 0, 0, 0), None
    at, *parts = found
    return (int(parts[0]), *(int(v) for v in parts[1:])), at


def member_now(member_id: int) -> tuple[tuple[int, ...], Any, Any]:
    """One member's ``seeker_parts``, their stamp and their job preference's (None: none), in one
    query."""
    skills, skill_ids = _count_and_sum(MemberSkill, "member_id")
    found = (
        Member.objects.filter(pk=member_id)
        .annotate(skills_n=skills, skill_ids=skill_ids)
        .values_list("updated_at", "job_preference__updated_at", "skills_n", "skill_ids")
        .first()
    )
    if found is None:
        return (0, 0, 0, 0, 0), None, None
    at, preference_at, n, ids = found
    return (1, member_id, int(preference_at is not None), int(n), int(ids)), at, preference_at
