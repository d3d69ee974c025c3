"""Skill-gap advice against the matching engine's own rules: a skill "opens" a posting exactly when
the engine finds the pair feasible, the pay meets the expectation and the skill is the one required
skill the worker lacks; the batch and the one-worker paths agree."""

from __future__ import annotations

import random

import pytest

from ml.matching import Posting, Seeker, infeasible_reason, posting_salary
from ml.skill_gap import (
    CLOSENESS_ASKED_TOGETHER,
    CLOSENESS_OTHER,
    CLOSENESS_SAME_CATEGORY,
    Offer,
    SkillGap,
)

SKILLS = [f"{c}.s{n}" for c in ("weld", "drive", "care", "cook") for n in range(4)]
CATEGORIES = {k: k.split(".")[0] for k in SKILLS}
COUNTIES = ["150624", "150602", "150603"]


def _brute(seeker: Seeker, postings: list[Posting]) -> dict[str, int]:
    opened: dict[str, int] = {}
    for p in postings:
        if not p.required or infeasible_reason(seeker, p) is not None:
            continue
        pay = posting_salary(p)
        if seeker.expected_salary and (pay is None or pay < seeker.expected_salary):
            continue
        missing = set(p.required) - set(seeker.skills)
        if len(missing) == 1:
            skill = missing.pop()
            opened[skill] = opened.get(skill, 0) + 1
    return opened


def _market(seed: int, n_seekers: int = 120, n_postings: int = 300) -> tuple[list[Seeker], list[Posting]]:
    rng = random.Random(seed)
    seekers = [
        Seeker(
            id=i,
            skills=tuple(rng.sample(SKILLS, rng.choice((0, 1, 2, 3)))),
            region=rng.choice(COUNTIES),
            regions=tuple(rng.sample(COUNTIES, rng.choice((0, 0, 1)))),
            willing_to_relocate=rng.random() < 0.3,
            capacity=rng.choice(("full", "full", "partial", "none")),
            expected_salary=rng.choice((None, 3000, 4500, 6000)),
        )
        for i in range(n_seekers)
    ]
    postings = []
    for j in range(n_postings):
        low = rng.choice((None, 2500, 4000, 5500))
        postings.append(
            Posting(
                id=f"p{j}",
                required=tuple(rng.sample(SKILLS, rng.choice((0, 1, 1, 2, 2, 3)))),
                region=rng.choice(COUNTIES),
                cross_region=rng.random() < 0.3,
                capacity_required=rng.choice(("full", "partial")),
                salary_min=low,
                salary_max=(low + rng.choice((0, 1500))) if low and rng.random() < 0.7 else None,
                open_seats=rng.choice((0, 1, 1, 3)),
            )
        )
    return seekers, postings


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_skill_opens_exactly_the_postings_the_engine_would_then_find_feasible_and_well_paid(seed: int) -> None:
    seekers, postings = _market(seed)
    gap = SkillGap(postings, categories=CATEGORIES, top=len(SKILLS))
    for seeker in seekers:
        expected = _brute(seeker, postings)
        got = {a.skill: a.opens for a in gap.advise(seeker)}
        assert got == expected, seeker


@pytest.mark.parametrize("seed", [4, 5])
def test_the_batch_gives_what_one_worker_at_a_time_gives(seed: int) -> None:
    seekers, postings = _market(seed, n_seekers=300)
    offers = [
        Offer(id=n, skills=(SKILLS[n % len(SKILLS)],), region=COUNTIES[n % 3], online=n % 5 == 0) for n in range(40)
    ]
    gap = SkillGap(postings, offers, categories=CATEGORIES)
    assert gap.batch(seekers, chunk=7) == [gap.advise(s) for s in seekers]
    assert any(gap.advise(s) for s in seekers)  # the market is not trivially empty


def test_learning_a_skill_opens_more_jobs_ranks_it_first_and_explains_with_counts() -> None:
    seeker = Seeker(id=1, skills=("weld.s0",), region="150624", expected_salary=5000)
    postings = [
        Posting(id="a", required=("weld.s0", "drive.s1"), region="150624", salary_max=6000),
        Posting(id="b", required=("drive.s1",), region="150624", salary_max=5000),
        Posting(id="c", required=("care.s2",), region="150624", salary_max=7000),
        Posting(id="d", required=("care.s2",), region="150602", salary_max=9000),  # another county
        Posting(id="e", required=("cook.s3",), region="150624", salary_max=4000),  # pays too little
        Posting(id="f", required=("weld.s0", "cook.s3", "care.s2"), region="150624", salary_max=9000),  # two short
    ]
    advice = SkillGap(postings).advise(seeker)
    assert [(a.skill, a.opens) for a in advice] == [("drive.s1", 2), ("care.s2", 1)]


def test_closeness_prefers_the_skill_near_what_the_worker_knows() -> None:
    seeker = Seeker(id=1, skills=("weld.s0",), region="150624")
    postings = [
        Posting(id="a", required=("weld.s1",), region="150624"),
        Posting(id="b", required=("care.s0",), region="150624"),
        Posting(id="c", required=("weld.s0", "drive.s0"), region="150624"),
    ]
    advice = {a.skill: a.closeness for a in SkillGap(postings, categories=CATEGORIES).advise(seeker)}
    assert advice == {
        "weld.s1": CLOSENESS_SAME_CATEGORY,
        "drive.s0": CLOSENESS_ASKED_TOGETHER,
        "care.s0": CLOSENESS_OTHER,
    }


def test_only_reachable_cohorts_are_offered() -> None:
    seeker = Seeker(id=1, region="150624", regions=("150602",))
    postings = [Posting(id="a", required=("drive.s0",), region="150624")]
    offers = [
        Offer(id="here", skills=("drive.s0",), region="150624"),
        Offer(id="named", skills=("drive.s0",), region="150602"),
        Offer(id="far", skills=("drive.s0",), region="150603"),
        Offer(id="online", skills=("drive.s0",), region="150603", online=True),
        Offer(id="other-skill", skills=("care.s0",), region="150624"),
    ]
    (advice,) = SkillGap(postings, offers).advise(seeker)
    assert advice.offers == ("here", "named", "online")


def test_nobody_unable_to_work_is_advised_and_closed_postings_open_nothing() -> None:
    postings = [
        Posting(id="a", required=("drive.s0",), region="150624"),
        Posting(id="b", required=("care.s0",), region="150624", open_seats=0),
    ]
    gap = SkillGap(postings)
    assert gap.advise(Seeker(id=1, region="150624", capacity="none")) == []
    assert [a.skill for a in gap.advise(Seeker(id=2, region="150624"))] == ["drive.s0"]
