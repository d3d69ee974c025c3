"""Skill-gap advice from the database: the open postings as the matching engine reads them
(``matching.engine.build_postings``), the open cohorts as offers, and ``ml.skill_gap.SkillGap`` over
them; the facts worded for people (translated).

The index is kept per process and rebuilt when the open postings change (the engine's own cheap
fingerprint) or the open cohorts change, and at least every ``MAX_AGE`` seconds (deadlines pass).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from households.models import Member
from matching import engine
from ml.matching import Seeker
from ml.relatedness import Relatedness
from ml.skill_gap import Advice, Offer, SkillGap
from skills.models import Skill
from skills.understanding import taxonomy_entries
from training.models import Cohort, Course

MAX_AGE = 300.0


def open_cohorts() -> QuerySet[Cohort]:
    """Cohorts one can still enrol in: not cancelled, the deadline not passed, the course listed."""
    return Cohort.objects.filter(
        is_cancelled=False, enrolment_deadline__gte=timezone.localdate(), course__is_active=True
    )


def _offers() -> list[Offer]:
    rows = open_cohorts().values_list("pk", "course_id", "course__region_id", "course__mode")
    taught: dict[int, list[str]] = {}
    through = Course.skills.through
    for course_id, code in through.objects.filter(course__cohorts__in=open_cohorts()).values_list(
        "course_id", "skill__code"
    ):
        taught.setdefault(course_id, [])
        if code not in taught[course_id]:
            taught[course_id].append(code)
    return [
        Offer(id=pk, skills=tuple(taught.get(course_id, ())), region=region or "", online=mode == Course.Mode.ONLINE)
        for pk, course_id, region, mode in rows
    ]


def _cohorts_fingerprint() -> tuple[Any, ...]:
    cohorts = open_cohorts().aggregate(n=Count("id"), last=Max("id"))
    courses = Course.objects.aggregate(n=Count("id"), last=Max("id"))
    return (timezone.localdate(), cohorts["n"], cohorts["last"], courses["n"], courses["last"])


@dataclass
class _Cached:
    gap: SkillGap
    fingerprint: tuple[Any, ...]
    built_at: float


_cached: _Cached | None = None
_lock = threading.Lock()


def forget() -> None:
    global _cached
    with _lock:
        _cached = None


def index() -> SkillGap:
    """The process's index of open postings and open cohorts, rebuilt when either changed."""
    global _cached
    with _lock:
        fingerprint = (engine.fingerprint_postings(), _cohorts_fingerprint())
        cached = _cached
        if cached is not None and cached.fingerprint == fingerprint and time.monotonic() - cached.built_at < MAX_AGE:
            return cached.gap
        categories = dict(Skill.objects.values_list("code", "category"))
        postings = engine.build_postings()
        related = Relatedness.build(taxonomy_entries(), [[*p.required, *p.preferred] for p in postings])
        gap = SkillGap(postings, _offers(), categories=categories, relatedness=related)
        _cached = _Cached(gap=gap, fingerprint=fingerprint, built_at=time.monotonic())
        return gap


def seekers_of(members: QuerySet[Member]) -> list[Seeker]:
    """The engine's view of these members (skills, counties, capacity, expected pay)."""
    return engine.build_seekers(members).seekers


# --- worded for people -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillAdvice:
    skill: Skill
    opens: int
    closeness: float
    cohorts: list[Cohort]
    sentence: str


def sentence(seeker: Seeker, skill: Skill, opens: int) -> str:
    """ "learning 叉车驾驶 opens 37 jobs in your region paying at least what you expect"."""
    wide = bool(seeker.regions) or seeker.willing_to_relocate
    paid = bool(seeker.expected_salary)
    name = skill.name_zh
    if paid and not wide:
        text = ngettext(
            "Learning %(skill)s opens %(count)d job in your region paying at least what you expect.",
            "Learning %(skill)s opens %(count)d jobs in your region paying at least what you expect.",
            opens,
        )
    elif paid:
        text = ngettext(
            "Learning %(skill)s opens %(count)d job in the regions you accept paying at least what you expect.",
            "Learning %(skill)s opens %(count)d jobs in the regions you accept paying at least what you expect.",
            opens,
        )
    elif not wide:
        text = ngettext(
            "Learning %(skill)s opens %(count)d job in your region.",
            "Learning %(skill)s opens %(count)d jobs in your region.",
            opens,
        )
    else:
        text = ngettext(
            "Learning %(skill)s opens %(count)d job in the regions you accept.",
            "Learning %(skill)s opens %(count)d jobs in the regions you accept.",
            opens,
        )
    return text % {"skill": name, "count": opens}


def _near(held: str | None, skill: Skill) -> str:
    """ " 您的瓦斯抽采经验与瓦斯检查相近。" when a held skill is related to the advised one."""
    found = Skill.objects.filter(code=held).first() if held else None
    if found is None:
        return ""
    return " " + _("Your experience in %(held)s is close to %(required)s.") % {
        "held": found.name_zh,
        "required": skill.name_zh,
    }


def closeness_label(closeness: float) -> str:
    from ml.skill_gap import CLOSENESS_ASKED_TOGETHER, CLOSENESS_SAME_CATEGORY

    if closeness >= CLOSENESS_SAME_CATEGORY:
        return _("Close to the work you already do.")
    if closeness >= CLOSENESS_ASKED_TOGETHER:
        return _("Employers often ask for it together with a skill you have.")
    return _("A new field for you.")


def worded(
    seeker: Seeker, advice: Sequence[Advice], *, member: Member | None = None, cohorts_each: int = 3
) -> list[SkillAdvice]:
    """Advice with its skills and cohorts as rows, and the sentence. With ``member``, only the
    cohorts they are eligible for are listed."""
    from training.services import eligibility_problem

    skills = {s.code: s for s in Skill.objects.filter(code__in=[a.skill for a in advice])}
    cohort_ids = [c for a in advice for c in a.offers]
    cohorts = {
        c.pk: c
        for c in Cohort.objects.filter(pk__in=cohort_ids)
        .select_related("course__provider", "course__region")
        .prefetch_related("course__target_groups")
    }
    groups = set(member.household.target_groups.values_list("code", flat=True)) if member is not None else None
    rows = []
    for a in advice:
        skill = skills.get(a.skill)
        if skill is None:
            continue
        listed = []
        for pk in a.offers:
            cohort = cohorts.get(int(pk))
            if cohort is None:
                continue
            if member is not None and eligibility_problem(cohort.course, member, on=cohort.starts_on, groups=groups):
                continue
            listed.append(cohort)
            if len(listed) >= cohorts_each:
                break
        rows.append(
            SkillAdvice(
                skill=skill,
                opens=a.opens,
                closeness=a.closeness,
                cohorts=listed,
                sentence=sentence(seeker, skill, a.opens) + _near(a.near, skill),
            )
        )
    return rows


def advice_for(member: Member) -> list[SkillAdvice]:
    """One worker's advice, on demand."""
    seekers = seekers_of(Member.objects.filter(pk=member.pk))
    if not seekers:
        return []
    seeker = seekers[0]
    return worded(seeker, index().advise(seeker), member=member)


def advice_many(members: QuerySet[Member]) -> dict[int, list[Advice]]:
    """Advice for many members at once (the batch path), by member id."""
    seekers = seekers_of(members)
    return {int(s.id): a for s, a in zip(seekers, index().batch(seekers), strict=True)}


def skill_rows(codes: Iterable[str]) -> dict[str, Skill]:
    return {s.code: s for s in Skill.objects.filter(code__in=list(codes))}
