"""Helpers the matching tests share: skills by code on people and postings, a fresh market per test.

Rows are made with the models (tests/jobs/conftest.py: ``make_employer``, ``make_posting``); matches
are always computed by ``matching.services``, as in production."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any, cast

import pytest
from celery.canvas import Signature, group
from kombu.exceptions import OperationalError

from households.models import JobPreference, Member, MemberSkill
from jobs.models import JobPosting, PostingSkill
from matching import services
from matching.models import Match
from skills.models import Skill
from tests.factories import HouseholdFactory, MemberFactory
from tests.jobs.conftest import make_employer, make_posting

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


# --- a re-match's threshold parts ---------------------------------------------------------------------

COUNTIES = ("150624", "150602", "150621")


@pytest.fixture
def region(tree: Any, people: Any, settings: Any) -> list[Member]:
    """Three counties of people alike (equal scores: ties at every cut), every other one agreeing to
    be found (the others certified, so better), one who would move; two postings a county and two
    that recruit across counties. Two a side, so that the thresholds are the N-th of longer lists; a
    part scores a few pairs (many parts)."""
    settings.MATCHES_PER_SIDE = 2
    settings.REMATCH_THRESHOLD_PAIRS = 6
    employer = make_employer(people.eve, tree.county, name="本地物流")
    members = []
    for county in COUNTIES:
        for k in range(4):
            household = HouseholdFactory(org_unit=tree.station_a, region_id=county)
            member = cast(Member, MemberFactory(household=household, consent_to_be_found=k % 2 == 0))
            # Those who keep to themselves are certified: better, so the two best lists differ.
            members.append(give_skills(member, FORKLIFT, *((WELDING,) if k == 3 else ()), certified=k % 2 == 1))
        for salary in (5000, 7000):
            ask_skills(make_posting(employer, region_id=county, salary_max=salary), FORKLIFT)
    prefer(members[1], willing_to_relocate=True)
    ask_skills(make_posting(employer, region_id=COUNTIES[0], recruits_other_regions=True), FORKLIFT, WELDING)
    ask_skills(make_posting(employer, region_id=COUNTIES[2], title="电焊工", recruits_other_regions=True), WELDING)
    return members


class Broker:
    """What was sent, as (task, args) in order; ``down``: sending fails as with Redis away."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[int]]] = []
        self.down = False
        self.lock = threading.Lock()

    def send(self, signatures: list[Signature]) -> None:
        if self.down:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        with self.lock:
            self.sent.extend((s.task, list(s.args)) for s in signatures)

    def of(self, task: str) -> list[int]:
        return [args[0] for name, args in self.sent if name == task]


@pytest.fixture
def broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[Broker]:
    from web.celery import app

    recorded = Broker()
    monkeypatch.setattr(group, "apply_async", lambda self, *a, **k: recorded.send(list(self.tasks)))
    monkeypatch.setattr(Signature, "apply_async", lambda self, *a, **k: recorded.send([self]))
    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield recorded
    app.conf.task_always_eager = before


def whole() -> list[list[float]]:
    """The thresholds as the one planning process computed them before the parts."""
    return sorted(services.posting_thresholds(services.market(current="both")), key=lambda row: row[0])
