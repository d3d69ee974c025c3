"""Helpers the matching tests share: skills by code on people and postings, a fresh market per test.

Rows are made with the models (tests/jobs/conftest.py: ``make_employer``, ``make_posting``); matches
are always computed by ``matching.services``, as in production."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from households.models import JobPreference, Member, MemberSkill
from jobs.models import JobPosting, PostingSkill
from matching import services
from matching.models import Match
from skills.models import Skill

FORKLIFT = "logistics.forklift"
WELDING = "manufacturing.arc_welding"
CLEANING = "housekeeping.cleaning"


@pytest.fixture(autouse=True)
def fresh_market() -> Iterator[None]:
    """Each test builds its market from its own rows (the cache is per process)."""
    services.forget_market()
    yield
    services.forget_market()


def skill(code: str) -> Skill:
    return Skill.objects.get(code=code)


def give_skills(member: Member, *codes: str, certified: bool = False) -> Member:
    for code in codes:
        found = skill(code)
        MemberSkill.objects.create(member=member, phrase=found.name_zh, skill=found, certified=certified)
    return member


def ask_skills(posting: JobPosting, *codes: str, preferred: tuple[str, ...] = ()) -> JobPosting:
    for code in codes:
        PostingSkill.objects.create(posting=posting, phrase=skill(code).name_zh, skill=skill(code))
    for code in preferred:
        PostingSkill.objects.create(posting=posting, phrase=skill(code).name_zh, skill=skill(code), required=False)
    return posting


def prefer(member: Member, **values: Any) -> JobPreference:
    regions = values.pop("regions", None)
    preference, _created = JobPreference.objects.update_or_create(member=member, defaults=values)
    if regions is not None:
        preference.regions.set(regions)
    return preference


def stored(**filters: Any) -> set[tuple[int, int]]:
    return set(Match.objects.filter(**filters).values_list("member_id", "posting_id"))


def snapshot() -> list[tuple[Any, ...]]:
    return list(
        Match.objects.order_by("member_id", "posting_id").values_list(
            "member_id", "posting_id", "score", "explanation", "engine_version"
        )
    )
