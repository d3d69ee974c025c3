"""The labelled market of benchmarks/eval_matching.py: its truth, its writing and its metrics."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from pypinyin import Style, lazy_pinyin

from ml.text import normalize

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "eval_matching.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_matching", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_matching"] = module
    spec.loader.exec_module(module)
    return module


em = _load()


@pytest.fixture(scope="module")
def market() -> object:
    return em.generate(120, 60, seed=3)


def person(**changes: object) -> object:
    values: dict[str, object] = {
        "id": "s1",
        "category": "logistics",
        "skills": ("logistics.forklift", "manufacturing.arc_welding"),
        "region": "150602",
        "relocate": False,
        "capacity": "full",
        "expected_salary": 6000,
    }
    values.update(changes)
    return em.Person(**values)


def job(**changes: object) -> object:
    values: dict[str, object] = {
        "id": "p1",
        "category": "logistics",
        "required": ("logistics.forklift",),
        "preferred": (),
        "region": "150602",
        "cross_region": False,
        "capacity_required": "full",
        "salary_min": 5000,
        "salary_max": 7000,
    }
    values.update(changes)
    return em.Job(**values)


def grade(p: object, j: object) -> int:
    return int(em.truth_grades([p], [j])[0, 0])


def test_the_same_seed_gives_the_same_market() -> None:
    first, second = em.generate(40, 20, seed=11), em.generate(40, 20, seed=11)
    assert first.seekers == second.seekers
    assert first.postings == second.postings
    assert em.generate(40, 20, seed=12).seekers != first.seekers


def test_lines_follow_the_rank_files_formats(market: object) -> None:
    seeker_keys = {"id", "skills", "text", "region", "willing_to_relocate", "capacity", "expected_salary"}
    posting_keys = {
        "id",
        "title",
        "skills",
        "text",
        "region",
        "cross_region",
        "capacity_required",
        "salary_min",
        "salary_max",
    }
    for row in market.seekers:
        assert set(row) == seeker_keys
        assert row["capacity"] in {"full", "partial", "none"}
        assert all(isinstance(p, str) and p for p in row["skills"])
        assert len(row["region"]) == 6
    for row in market.postings:
        assert set(row) == posting_keys
        assert row["capacity_required"] in {"full", "partial"}
        assert (row["salary_min"] is None) == (row["salary_max"] is None)


def test_surface_forms_never_carry_the_skill_ids(market: object) -> None:
    ids = set(market.skills)
    written = " ".join(" ".join([*r["skills"], r["text"]]) for r in market.seekers + market.postings)
    assert not any(skill_id in written for skill_id in ids)


def test_full_coverage_is_grade_three_and_partial_is_two() -> None:
    assert grade(person(), job()) == 3
    two = job(required=("logistics.forklift", "logistics.warehouse_keeping"))
    assert grade(person(), two) == 2
    three = job(required=("logistics.forklift", "manufacturing.arc_welding", "logistics.warehouse_keeping"))
    assert grade(person(), three) == 2  # two of three
    assert grade(person(skills=("logistics.warehouse_keeping",)), job(preferred=("logistics.warehouse_keeping",))) == 1
    assert grade(person(skills=("catering.chinese_cooking",)), job()) == 0


def test_infeasible_pairs_are_zero_whatever_the_skills() -> None:
    assert grade(person(capacity="none"), job()) == 0
    assert grade(person(capacity="partial"), job()) == 0
    assert grade(person(capacity="partial"), job(capacity_required="partial")) == 3
    assert grade(person(region="150621"), job()) == 0
    assert grade(person(region="150621", relocate=True), job()) == 0  # the job does not recruit elsewhere
    assert grade(person(region="150621", relocate=True), job(cross_region=True)) == 3


def test_a_salary_far_below_the_wish_costs_grades() -> None:
    assert grade(person(expected_salary=7500), job()) == 3  # within 10%
    assert grade(person(expected_salary=8000), job()) == 2
    assert grade(person(expected_salary=10000), job()) == 1
    assert grade(person(expected_salary=None), job()) == 3
    assert grade(person(expected_salary=10000), job(salary_min=None, salary_max=None)) == 3
    half = job(required=("logistics.forklift", "logistics.warehouse_keeping"))
    assert grade(person(expected_salary=10000), half) == 1  # still shares a skill


def test_typos_are_homophones() -> None:
    rng = random.Random(1)
    for text in ["电焊", "叉车司机", "保洁员", "挖掘机"]:
        typo = em.homophone_typo(text, rng)
        assert typo != text
        assert len(typo) == len(text)
        assert lazy_pinyin(typo, style=Style.NORMAL) == lazy_pinyin(text, style=Style.NORMAL)


def test_a_misspelling_never_names_another_skill(market: object) -> None:
    writer = em.Writer(market.skills, random.Random(9))
    for skill in list(market.skills.values())[:150]:
        for form in skill.zh_forms:
            text = writer.misspelt(skill, form)
            assert writer._named(text) <= writer._named(form) | {skill.id}


def test_a_rendering_never_names_another_skill(market: object) -> None:
    writer = em.Writer(market.skills, random.Random(5))
    for skill_id in list(market.skills)[:200]:
        for style in ("clean", "colloquial", "typo", "script", "english"):
            owner = writer.owner.get(normalize(writer.phrase(skill_id, style)))
            assert owner in (None, skill_id)


def test_ndcg_and_precision() -> None:
    grades = np.array([3, 0, 2, 0, 1], dtype=np.int8)
    assert em.ndcg_at([0, 2, 4], grades) == pytest.approx(1.0)
    assert em.ndcg_at([1, 3], grades) == 0.0
    assert 0 < em.ndcg_at([4, 2, 0], grades) < 1
    assert em.precision_at([0, 2, 4], grades) == pytest.approx(0.2)  # two relevant of the top 10


def test_evaluate_skips_seekers_without_relevant_jobs_and_counts_infeasible_pairs() -> None:
    grades = np.array([[3, 0, 0], [1, 0, 0]], dtype=np.int8)
    feasible = np.array([[True, False, True], [True, True, True]])
    scores = em.evaluate([[1, 0], [0]], grades, feasible)
    assert list(scores.per_seeker) == [0]
    assert scores.infeasible == pytest.approx(1 / 3)


def test_baselines_rank_every_seeker(market: object) -> None:
    feasible = em.feasible_matrix(market.people, market.jobs)
    constrained = em.tfidf_ranking(market.seekers, market.postings, feasible=feasible)
    assert len(constrained) == len(market.seekers)
    assert all(feasible[i, j] for i, ranked in enumerate(constrained) for j in ranked)
    assert all(len(r) == em.TOP for r in em.jaccard_ranking(market.seekers, market.postings))
