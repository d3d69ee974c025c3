"""Skill relatedness (``ml.relatedness``): the taxonomy's structure as the prior, co-occurrence moving
it, never as much as the skill itself; and what it does to matching and skill-gap advice."""

from __future__ import annotations

import pytest

from ml.matching import Market, Posting, Seeker
from ml.relatedness import CEILING, FLOOR, SAME_GROUP, SAME_OCCUPATION, SPECIALISATION, Relatedness
from ml.skill_gap import CLOSENESS_OTHER, CLOSENESS_SAME_CATEGORY, SkillGap
from ml.taxonomy import TaxonomyEntry


def entry(id: str, name: str, *occupations: str) -> TaxonomyEntry:
    return TaxonomyEntry(id=id, name_zh=name, name_en=id, occupations=occupations)


ENTRIES = [
    entry("gas_drainage", "瓦斯抽采", "6-16-01-10"),
    entry("gas_inspection", "瓦斯检查", "6-16-01-10"),
    entry("coal_mining", "采煤", "6-16-01-05"),
    entry("cleaning", "保洁", "4-10-05-01"),
    entry("deep_cleaning", "开荒保洁", "4-10-05-02"),
    entry("welding", "电焊", "6-18-02-04"),
    entry("driving", "汽车驾驶", "4-02-02-01"),
]


@pytest.fixture
def related() -> Relatedness:
    return Relatedness.build(ENTRIES)


def test_skills_of_one_occupation_are_close(related: Relatedness) -> None:
    assert related.between("gas_drainage", "gas_inspection") == SAME_OCCUPATION


def test_skills_of_one_minor_group_are_less_close(related: Relatedness) -> None:
    assert related.between("gas_drainage", "coal_mining") == SAME_GROUP


def test_a_specialisation_is_closest(related: Relatedness) -> None:
    assert related.between("cleaning", "deep_cleaning") == SPECIALISATION


def test_unrelated_skills_and_the_skill_itself(related: Relatedness) -> None:
    assert related.between("welding", "cleaning") == 0.0
    assert related.between("welding", "welding") == 1.0


def test_co_occurrence_brings_skills_closer_and_one_sighting_proves_nothing() -> None:
    once = Relatedness.build(ENTRIES, [["welding", "driving"]])
    assert once.between("welding", "driving") == 0.0
    often = Relatedness.build(ENTRIES, [["welding", "driving"]] * 40 + [["welding"]] * 5)
    assert FLOOR <= often.between("welding", "driving") <= CEILING


def test_credit_is_full_for_a_held_skill_and_partial_for_a_related_one(related: Relatedness) -> None:
    credit = related.credit(["gas_drainage"])
    assert credit["gas_drainage"] == 1.0
    assert credit["gas_inspection"] == SAME_OCCUPATION
    assert "welding" not in credit
    assert related.nearest_held("gas_inspection", ["welding", "gas_drainage"]) == ("gas_drainage", SAME_OCCUPATION)


def test_the_nearest_held_skill_of_every_skill_at_once_is_nearest_helds_answer() -> None:
    # Lopsided on purpose: "a" keeps only some neighbours, ties (b and c equally close to d) go to the
    # skill held first, a held skill's own entry is never its answer, values under the floor are none.
    related = Relatedness(
        {
            "a": {"a": 0.9, "d": 0.5, "e": 0.2},
            "b": {"d": 0.6, "f": 0.4},
            "c": {"d": 0.6, "f": 0.7, "b": 0.35},
            "d": {"a": 0.5},
        }
    )
    skills = ["a", "b", "c", "d", "e", "f", "g"]
    for held in (["a", "b", "c"], ["c", "b", "a"], ["b", "b", "d"], [], ["g"]):
        expected = {s: near for s in skills if (near := related.nearest_held(s, held)) is not None}
        assert related.nearest_of_each(held) == expected, held
    assert related.nearest_of_each(["a", "b", "c"])["d"] == ("b", 0.6)
    assert related.nearest_of_each(["c", "b"])["b"] == ("c", 0.35)


def test_matching_gives_a_related_skill_part_of_the_credit_and_explains_it(related: Relatedness) -> None:
    job = Posting("p", title="瓦斯检查工", required=("gas_inspection",), region="150624")
    exact = Seeker("exact", skills=("gas_inspection",), region="150624")
    close = Seeker("close", skills=("gas_drainage",), region="150624")
    far = Seeker("far", skills=("welding",), region="150624")
    market = Market([exact, close, far], [job], relatedness=related)
    scores = {s.id: market.score(s, job) for s in (exact, close, far)}
    assert scores["exact"] > scores["close"] > scores["far"]
    facts = market.explain(close, job)
    assert facts is not None
    assert facts.missing_required == ("gas_inspection",)
    assert facts.related_required == (("gas_inspection", "gas_drainage", SAME_OCCUPATION),)
    assert sum(facts.parts.values()) == pytest.approx(scores["close"], abs=1e-5)
    plain = Market([exact, close, far], [job]).explain(close, job)
    assert plain is not None and plain.parts["required"] == 0.0  # without relatedness: no credit
    assert facts.parts["required"] > 0.0


def test_skill_gap_advice_counts_a_related_skill_as_the_same_line_of_work(related: Relatedness) -> None:
    postings = [Posting(f"p{i}", required=("gas_inspection",), region="150624") for i in range(3)]
    postings += [Posting(f"q{i}", required=("welding",), region="150624") for i in range(3)]
    worker = Seeker("w", skills=("gas_drainage",), region="150624")
    gap = SkillGap(postings, relatedness=related)
    advice = {a.skill: a for a in gap.advise(worker)}
    assert advice["gas_inspection"].closeness == CLOSENESS_SAME_CATEGORY
    assert advice["gas_inspection"].near == "gas_drainage"
    assert advice["welding"].closeness == CLOSENESS_OTHER and advice["welding"].near is None
    assert gap.batch([worker]) == [gap.advise(worker)]
