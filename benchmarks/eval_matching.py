"""How well does the matching engine rank jobs for people? A labelled market beside three baselines.

    python benchmarks/eval_matching.py [--size small|default|large] [--seekers N --postings M]
        [--seed S] [--dump DIR] [--no-engine] [--examples K] [--taxonomy T.jsonl]

The market is generated, with a hidden ground truth. Latent people have true skills (ids of the
built-in taxonomy, ``skills/data/skills.jsonl``), a county, a work capacity, a salary wish; latent
jobs have true required and preferred skills, a county, whether they recruit from other counties,
a physical demand and a salary range. Both sides are then *written* the way workers and employers
write: synonyms and colloquial wrappers (会…, 干过…, 当过…), filler (熟练掌握…, 有三年…经验, 持…证),
misspellings (homophones picked as a pinyin input method offers them, fuzzy-pinyin neighbours,
a dropped character, pinyin typed in Latin letters), traditional characters, full-width forms,
short English names, several skills in one field, skills buried in sentences or only in the free
text or description, soft qualities that are no skill (吃苦耐劳), noisy titles (急招…（包吃住）).
No misspelling or wrapper names another skill of the taxonomy, so the truth stays unambiguous. Only
the surface forms go to the engine, in the ``rank_files`` JSON Lines formats (issue 5, ``matching``).

Truth, from the latent data only: a pair that breaks a hard constraint (capacity against physical
demand; location: same county, or the person relocates and the job recruits from other counties)
has grade 0. Otherwise, with c the share of the job's required skills the person has:
grade 3 when c = 1 (or c >= 1/2 and the person has every preferred skill), 2 when c >= 1/2, 1 when
the person has at least one required or preferred skill, else 0; a salary below the person's wish
costs one grade beyond 10% short and two beyond 35% short, but never takes a job that shares a skill
below grade 1. Relevant means grade >= 2.

Metrics, per seeker, averaged over seekers with at least one relevant job: nDCG@10 (gain 2^g - 1,
ideal over all postings) and precision@10 (relevant in the top 10, divided by 10, so a seeker with
fewer than 10 relevant jobs cannot reach 1: the "oracle" row shows the ceiling). "infeasible" is the
share of all returned top-10 pairs (every seeker) that break a hard constraint.

Methods: the engine through ``manage.py rank_files`` (a subprocess, timed end to end, Python
start-up included); exact phrase overlap (Jaccard of the raw skill phrase sets); character 1-3-gram
TF-IDF cosine over skills and text (after NFKC, case folding and traditional -> simplified);
the same TF-IDF with the hard constraints applied. Runs without Django; the figures are
reproducible for a given ``--seed`` and size.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ml import taxonomy  # noqa: E402
from ml.text import fold, has_cjk, is_cjk, normalize  # noqa: E402

SKILLS = ROOT / "skills" / "data" / "skills.jsonl"
REGIONS = ROOT / "core" / "data" / "regions.csv"
RANK_FILES = ROOT / "matching" / "management" / "commands" / "rank_files.py"

SIZES = {"small": (500, 250), "default": (2000, 1000), "large": (10000, 5000)}
TOP = 10
RELEVANT = 2  # grade at or above which a job counts as relevant (precision)

# --- the latent world ---------------------------------------------------------------------------------

# Ordos, Inner Mongolia: the county codes and how many people and jobs each has (a rough share).
COUNTIES = {
    "150602": 30,  # 东胜区
    "150622": 16,  # 准格尔旗
    "150627": 14,  # 伊金霍洛旗
    "150621": 12,  # 达拉特旗
    "150624": 8,  # 鄂托克旗
    "150626": 7,  # 乌审旗
    "150625": 5,  # 杭锦旗
    "150623": 4,  # 鄂托克前旗
}

# category: (share of the local labour market, median monthly wage in CNY, share of its jobs that are light work)
CATEGORIES: dict[str, tuple[float, int, float]] = {
    "mining": (12, 9000, 0.02),
    "construction": (12, 7500, 0.03),
    "logistics": (9, 6500, 0.15),
    "coal_chemical": (8, 8000, 0.05),
    "manufacturing": (8, 6000, 0.15),
    "agriculture": (7, 4500, 0.15),
    "catering": (7, 5000, 0.2),
    "services": (6, 4500, 0.4),
    "housekeeping": (5, 5500, 0.2),
    "retail": (5, 4000, 0.5),
    "security": (4, 4000, 0.3),
    "power": (4, 7000, 0.1),
    "auto": (4, 6500, 0.1),
    "office": (4, 4500, 0.85),
    "care": (3, 5500, 0.2),
    "health": (3, 5000, 0.3),
    "ecommerce": (3, 5000, 0.8),
    "textiles": (2, 4500, 0.4),
    "it": (2, 7000, 0.85),
    "education": (2, 5000, 0.7),
    "tourism": (2, 4000, 0.4),
    "other": (2, 4500, 0.4),
    "language": (1, 5500, 0.8),
}


@dataclass(frozen=True)
class Skill:
    id: str
    category: str
    name_zh: str
    name_en: str
    zh_forms: tuple[str, ...]  # Chinese names and synonyms (may carry Latin letters: A2驾照)
    latin_forms: tuple[str, ...]  # the English name and English synonyms


@dataclass
class Person:
    id: str
    category: str
    skills: tuple[str, ...]
    region: str
    relocate: bool
    capacity: str  # full | partial | none
    expected_salary: int | None
    style: str = ""  # how this person writes (the breakdown's rows)


@dataclass
class Job:
    id: str
    category: str
    required: tuple[str, ...]
    preferred: tuple[str, ...]
    region: str
    cross_region: bool
    capacity_required: str  # full | partial
    salary_min: int | None
    salary_max: int | None
    kind: str = ""  # listed | text_only | generic_title


@dataclass
class Market:
    skills: dict[str, Skill]
    people: list[Person]
    jobs: list[Job]
    seekers: list[dict] = field(default_factory=list)  # rank_files lines
    postings: list[dict] = field(default_factory=list)


def load_skills(path: Path = SKILLS) -> dict[str, Skill]:
    with path.open(encoding="utf-8") as handle:
        entries = taxonomy.parse(handle)
    skills = {}
    for entry in entries:
        zh = [f for f in (entry.name_zh, *entry.synonyms) if has_cjk(f)]
        latin = [f for f in (entry.name_en, *entry.synonyms) if not has_cjk(f)]
        skills[entry.id] = Skill(
            entry.id, entry.category or "other", entry.name_zh, entry.name_en, tuple(zh), tuple(latin)
        )
    return skills


def county_names(path: Path = REGIONS) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {row["id"]: row["name"] for row in csv.DictReader(handle) if row["id"] in COUNTIES}


def _round(value: float, step: int) -> int:
    return int(round(value / step) * step)


class World:
    """Draws latent people and jobs. Skill popularity within a category follows a Zipf-like law over
    a seeded order, the same on both sides of the market (common trades are common for both)."""

    def __init__(self, skills: dict[str, Skill], rng: random.Random) -> None:
        self.skills = skills
        self.rng = rng
        by_category: dict[str, list[str]] = defaultdict(list)
        for skill in skills.values():
            by_category[skill.category].append(skill.id)
        self.categories = [c for c in CATEGORIES if by_category.get(c)]
        self.pool: dict[str, tuple[list[str], list[float]]] = {}
        for category in self.categories:
            ids = sorted(by_category[category])
            rng.shuffle(ids)
            self.pool[category] = (ids, [1.0 / (rank + 1) ** 0.9 for rank in range(len(ids))])
        self.all_ids = sorted(skills)
        self.counties = list(COUNTIES)
        self.county_weights = list(COUNTIES.values())

    def _skills_from(self, category: str, k: int, exclude: Collection[str] = ()) -> list[str]:
        ids, weights = self.pool[category]
        chosen: list[str] = []
        for _ in range(k * 6):
            if len(chosen) == k:
                break
            skill = self.rng.choices(ids, weights)[0]
            if skill not in chosen and skill not in exclude:
                chosen.append(skill)
        return chosen

    def _category(self, light_bias: bool) -> str:
        weights = [CATEGORIES[c][0] * ((CATEGORIES[c][2] + 0.1) if light_bias else 1.0) for c in self.categories]
        return self.rng.choices(self.categories, weights)[0]

    def person(self, number: int) -> Person:
        rng = self.rng
        capacity = rng.choices(["full", "partial", "none"], [72, 24, 4])[0]
        category = self._category(light_bias=capacity != "full")
        k = rng.choices([1, 2, 3, 4, 5, 6], [10, 20, 25, 22, 13, 10])[0]
        if k >= 3 and rng.random() < 0.35:  # a second trade
            second = self._category(light_bias=capacity != "full")
            own = self._skills_from(category, k - k // 3)
            skills = own + self._skills_from(second, k // 3, set(own))
        else:
            skills = self._skills_from(category, k)
        wage = CATEGORIES[category][1] * (0.8 if capacity != "full" else 1.0)
        expected = None if rng.random() < 0.2 else _round(wage * rng.lognormvariate(0, 0.22), 500)
        return Person(
            id=f"s{number:06d}",
            category=category,
            skills=tuple(skills),
            region=rng.choices(self.counties, self.county_weights)[0],
            relocate=rng.random() < 0.35,
            capacity=capacity,
            expected_salary=expected,
        )

    def job(self, number: int) -> Job:
        rng = self.rng
        category = self._category(light_bias=False)
        required = self._skills_from(category, rng.choices([1, 2, 3, 4], [30, 38, 24, 8])[0])
        preferred: list[str] = []
        for _ in range(rng.choices([0, 1, 2], [35, 45, 20])[0]):
            if rng.random() < 0.85:
                preferred += self._skills_from(category, 1, set(required) | set(preferred))
            else:
                other = self._category(light_bias=False)
                preferred += self._skills_from(other, 1, set(required) | set(preferred))
        light = rng.random() < CATEGORIES[category][2]
        centre = CATEGORIES[category][1] * (0.85 if light else 1.0) * rng.lognormvariate(0, 0.2)
        negotiable = rng.random() < 0.12  # 面议
        return Job(
            id=f"p{number:06d}",
            category=category,
            required=tuple(required),
            preferred=tuple(preferred),
            region=rng.choices(self.counties, self.county_weights)[0],
            cross_region=rng.random() < 0.45,
            capacity_required="partial" if light else "full",
            salary_min=None if negotiable else _round(centre * 0.85, 100),
            salary_max=None if negotiable else _round(centre * 1.2, 100),
        )


# --- the truth ------------------------------------------------------------------------------------------


def feasible_matrix(people: Sequence[Person], jobs: Sequence[Job]) -> np.ndarray:
    """n x m booleans: the pair passes the hard constraints (capacity, location)."""
    capacity = np.array([p.capacity for p in people])
    light = np.array([j.capacity_required == "partial" for j in jobs])
    capacity_ok = (capacity == "full")[:, None] | (((capacity == "partial")[:, None]) & light[None, :])
    regions = {r: i for i, r in enumerate(COUNTIES)}
    home = np.array([regions.get(p.region, -1) for p in people])
    where = np.array([regions.get(j.region, -2) for j in jobs])
    relocate = np.array([p.relocate for p in people])
    cross = np.array([j.cross_region for j in jobs])
    location_ok = (home[:, None] == where[None, :]) | (relocate[:, None] & cross[None, :])
    return capacity_ok & location_ok


def _incidence(rows: Sequence[Sequence[str]], index: dict[str, int]) -> sparse.csr_matrix:
    data, cols, ptr = [], [], [0]
    for row in rows:
        for skill in row:
            cols.append(index[skill])
            data.append(1.0)
        ptr.append(len(cols))
    return sparse.csr_matrix((data, cols, ptr), shape=(len(rows), len(index)))


def truth_grades(people: Sequence[Person], jobs: Sequence[Job]) -> np.ndarray:
    """n x m grades 0..3 (int8) from the latent data only (the rules: module docstring)."""
    index = {
        s: i
        for i, s in enumerate(
            sorted({s for p in people for s in p.skills} | {s for j in jobs for s in (*j.required, *j.preferred)})
        )
    }
    has = _incidence([p.skills for p in people], index)
    required = _incidence([j.required for j in jobs], index)
    preferred = _incidence([j.preferred for j in jobs], index)
    n_required = np.maximum(np.array([len(j.required) for j in jobs], dtype=float), 1.0)
    n_preferred = np.array([len(j.preferred) for j in jobs], dtype=float)
    feasible = feasible_matrix(people, jobs)
    expected = np.array([p.expected_salary or 0 for p in people], dtype=float)
    top_pay = np.array([j.salary_max or 0 for j in jobs], dtype=float)
    grades = np.zeros((len(people), len(jobs)), dtype=np.int8)
    step = 2048
    for start in range(0, len(people), step):
        stop = min(start + step, len(people))
        chunk = has[start:stop]
        req_hits = (chunk @ required.T).toarray()
        pref_hits = (chunk @ preferred.T).toarray()
        coverage = req_hits / n_required[None, :]
        all_preferred = (n_preferred[None, :] > 0) & (pref_hits >= n_preferred[None, :])
        grade = np.where(
            (coverage >= 1.0) | ((coverage >= 0.5) & all_preferred),
            3,
            np.where(coverage >= 0.5, 2, np.where((req_hits + pref_hits) > 0, 1, 0)),
        )
        wish = expected[start:stop, None]
        known = (wish > 0) & (top_pay[None, :] > 0)
        short = np.where(known, wish / np.where(top_pay > 0, top_pay, 1.0)[None, :], 0.0)
        # Pay short of the wish costs grades, but a job sharing a skill stays at least weakly relevant.
        grade = np.maximum(grade - (short > 1.10) - (short > 1.35), np.minimum(grade, 1))
        grade = np.where(feasible[start:stop], np.maximum(grade, 0), 0)
        grades[start:stop] = grade.astype(np.int8)
    return grades


# --- writing it down the way people do ----------------------------------------------------------------

SOFT = [
    "吃苦耐劳", "服从安排", "能倒班", "身体健康", "有责任心", "能长期干", "不怕脏不怕累", "听从指挥", "为人老实",
    "踏实肯干", "能加班", "手脚麻利", "团队合作", "学习能力强", "无不良嗜好",
]  # fmt: skip
NOT_SKILLS = ["初中毕业", "高中学历", "会写毛笔字", "喜欢打篮球", "会唱歌", "退伍军人", "有低保", "党员"]
EMPLOYER_NOISE = ["男女不限", "年龄18-55岁", "吃苦耐劳", "服从管理", "身体健康", "无犯罪记录", "能适应倒班"]
PLACES = {
    "mining": "煤矿", "construction": "工地", "logistics": "物流园", "coal_chemical": "化工厂", "manufacturing": "厂里",
    "agriculture": "村里", "catering": "饭店", "services": "店里", "housekeeping": "家政公司", "retail": "超市",
    "security": "小区", "power": "电厂", "auto": "修理厂", "office": "公司", "care": "养老院", "health": "医院",
    "ecommerce": "网店", "textiles": "服装厂", "it": "公司", "education": "学校", "tourism": "景区",
}  # fmt: skip
YEARS = ["两", "三", "五", "七八", "十来", "2", "3", "5", "8"]
BENEFITS = ["五险一金", "包吃住", "月休4天", "有宿舍", "工资月结", "长期稳定", "节日福利", "满勤奖", "可预支"]
ROLE_ENDINGS = (
    "工",
    "员",
    "师",
    "司机",
    "手",
    "匠",
    "保姆",
    "嫂",
    "长",
    "医",
    "家",
    "生",
    "队",
    "士",
    "练",
    "厨",
    "保安",
)
PLACE_ENDINGS = ("院", "店", "公司", "厂", "部", "站", "场", "馆", "所", "房")
LICENSED_ENDINGS = ("操作", "驾驶", "作业", "焊", "车", "机")
VERB_STARTS = ("会", "懂", "能", "干", "做", "搞", "当", "有", "持")


def form_kind(form: str) -> str:
    """What a form names, which decides the words that can go around it: role (电焊工), place (美容院),
    licence (A2驾照, 电工证), verb (a form that already starts with 会/懂/干...), or task (电焊)."""
    key = fold(form).strip()
    if key.startswith(VERB_STARTS):
        return "verb"
    if key.endswith(("证", "照")):
        return "licence"
    if key.endswith(ROLE_ENDINGS):
        return "role"
    if key.endswith(PLACE_ENDINGS):
        return "place"
    return "task"


GENERIC_TITLES = ["普工", "操作工", "技术员", "杂工", "临时工", "储备干部", "学徒"]
# How a seeker writes (most of their phrases; the breakdown's rows): plain names and synonyms; colloquial
# wrappers and filler; homophone typos; traditional characters or full-width forms; English; skills
# buried in sentences (half of them only in the free text); every skill in one field.
SEEKER_STYLES = ["clean", "colloquial", "typo", "script", "english", "sentence", "joined"]
SEEKER_STYLE_WEIGHTS = [18, 24, 15, 10, 5, 18, 10]


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text)


@cache
def _s2t() -> Callable[[str], str]:
    from opencc import OpenCC

    return OpenCC("s2t").convert  # type: ignore[no-any-return]


def _in_gb2312(char: str) -> bool:
    """The 6,763 characters of GB 2312: what an input method offers first (no rare or odd forms)."""
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@cache
def homophones() -> dict[str, list[tuple[str, float]]]:
    """Toneless pinyin -> common characters with that reading, most frequent first (what an input
    method offers). Frequencies: the single-character entries of jieba's dictionary."""
    import jieba
    from pypinyin import Style, lazy_pinyin

    counts: dict[str, float] = {}
    with (Path(jieba.__file__).parent / "dict.txt").open(encoding="utf-8") as handle:
        for line in handle:
            word, frequency, *_ = line.split(" ")
            if len(word) == 1 and is_cjk(word) and _in_gb2312(word):
                counts[word] = float(frequency)
    common = sorted(counts, key=counts.__getitem__, reverse=True)[:4500]
    table: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for char in common:
        table[lazy_pinyin(char, style=Style.NORMAL)[0]].append((char, counts[char]))
    return dict(table)


FUZZY_INITIALS = {"zh": "z", "ch": "c", "sh": "s", "z": "zh", "c": "ch", "s": "sh", "n": "l", "l": "n"}
FUZZY_FINALS = {"ang": "an", "eng": "en", "ing": "in", "an": "ang", "en": "eng", "in": "ing"}


def fuzzy_readings(reading: str) -> list[str]:
    """Readings a fuzzy-pinyin input method (or a northern accent) confuses with this one: zh/z, ch/c,
    sh/s, n/l, and -ang/-an, -eng/-en, -ing/-in."""
    found = []
    for initial in sorted(FUZZY_INITIALS, key=len, reverse=True):
        if reading.startswith(initial):
            found.append(FUZZY_INITIALS[initial] + reading[len(initial) :])
            break
    for final in sorted(FUZZY_FINALS, key=len, reverse=True):
        if reading.endswith(final):
            found.append(reading[: -len(final)] + FUZZY_FINALS[final])
            break
    return found


def homophone_typo(text: str, rng: random.Random, changes: int = 1, *, fuzzy: bool = False) -> str:
    """Replace ``changes`` Chinese characters by another common character read the same (toneless),
    or with ``fuzzy`` read as a fuzzy-pinyin neighbour (收银 -> 收音: yin/ying)."""
    from pypinyin import Style, lazy_pinyin

    table = homophones()
    chars = list(text)
    positions = [i for i, c in enumerate(chars) if is_cjk(c)]
    rng.shuffle(positions)
    done = 0
    for i in positions:
        if done == changes:
            break
        reading = lazy_pinyin(chars[i], style=Style.NORMAL)[0]
        readings = fuzzy_readings(reading) if fuzzy else [reading]
        options = [(c, f) for r in readings for c, f in table.get(r, [])[:10] if c != chars[i]]
        if options:
            chars[i] = rng.choices([c for c, _f in options], [math.sqrt(f) for _c, f in options])[0]
            done += 1
    return "".join(chars)


def misspell(text: str, rng: random.Random) -> str:
    """One misspelling as people make them: mostly a homophone picked from the input method's list,
    sometimes a fuzzy-pinyin neighbour, a dropped character (挖掘机司机 -> 挖机司机), or pinyin typed
    in Latin letters when the input method was not switched on (chache, DIAN HAN)."""
    from pypinyin import Style, lazy_pinyin

    roll = rng.random()
    cjk = [i for i, c in enumerate(text) if is_cjk(c)]
    if roll < 0.08 and len(cjk) >= 4:
        drop = rng.choice(cjk[1:-1])
        return text[:drop] + text[drop + 1 :]
    if roll < 0.15 and cjk and len(text) <= 6:
        syllables = lazy_pinyin(text, style=Style.NORMAL)
        shape = rng.random()
        return (
            " ".join(syllables) if shape < 0.3 else ("".join(syllables).upper() if shape < 0.4 else "".join(syllables))
        )
    if roll < 0.3:
        typo = homophone_typo(text, rng, fuzzy=True)
        if typo != text:
            return typo
    return homophone_typo(text, rng, changes=2 if len(text) >= 5 and rng.random() < 0.4 else 1)


class Writer:
    """Renders latent skills as surface phrases. A rendering never collides with a form of another
    skill (the truth would be ambiguous); when it would, the plain name is used instead."""

    def __init__(self, skills: dict[str, Skill], rng: random.Random) -> None:
        self.skills = skills
        self.rng = rng
        self.owner: dict[str, str] = {}
        for skill in skills.values():
            for form in (*skill.zh_forms, *skill.latin_forms):
                self.owner.setdefault(normalize(form), skill.id)

    def _safe(self, skill: Skill, text: str) -> str:
        owner = self.owner.get(normalize(text))
        return text if owner in (None, skill.id) else skill.name_zh

    def _named(self, text: str) -> set[str]:
        """Skills whose Chinese forms (two characters or more) occur in the text."""
        key = normalize(text)
        return {
            self.owner[key[i : i + n]]
            for n in range(2, 9)
            for i in range(len(key) - n + 1)
            if key[i : i + n] in self.owner and has_cjk(key[i : i + n])
        }

    def misspelt(self, skill: Skill, form: str) -> str:
        """A misspelling of the form that does not name some other skill (装载机 -> 转载机 would)."""
        allowed = self._named(form) | {skill.id}
        for _ in range(6):
            text = misspell(form, self.rng)
            if text != form and self._named(text) <= allowed and self.owner.get(normalize(text)) in (None, skill.id):
                return text
        return form

    def zh(self, skill: Skill, *, synonym_share: float = 0.6) -> str:
        """A Chinese form: a synonym (colloquial, often a trade name) or the standard name."""
        synonyms = [f for f in skill.zh_forms if f != skill.name_zh]
        if synonyms and self.rng.random() < synonym_share:
            return self.rng.choice(synonyms)
        return skill.name_zh

    def colloquial(self, form: str) -> str:
        """A colloquial wrapper that suits the form: a trade (电焊工), a workplace (美容院), a licence, a task."""
        years = self.rng.choice(YEARS)
        kind = form_kind(form)
        if kind == "verb":
            return form
        templates = {
            "role": ["当过{x}", "干过{x}", "做了{y}年{x}", "{x}干了{y}年", "{x}（老手）", "干{x}的"],
            "place": ["在{x}干过", "{x}上过班", "在{x}干了{y}年"],
            "licence": ["有{x}", "{x}已考", "考了{x}"],
            "task": [
                "会{x}", "干过{x}", "做过{x}", "{x}都会", "懂点{x}", "{x}这块比较熟", "能干{x}", "{x}会一些", "学过{x}",
                "搞{x}的", "干{x}的活",
            ],
        }[kind]  # fmt: skip
        return self.rng.choice(templates).format(x=form, y=years)

    def filler(self, form: str) -> str:
        """Filler around the form: years of experience, mastery, a certificate where one exists."""
        years = self.rng.choice(YEARS)
        kind = form_kind(form)
        if kind == "verb":
            return self.rng.choice(["{x}", "{x}（{y}年）"]).format(x=form, y=years)
        if kind == "licence":
            return self.rng.choice(["持{x}", "有{x}", "{x}（{y}年）", "{x}（已考）"]).format(x=form, y=years)
        templates = ["有{y}年{x}经验", "{x}（{y}年）", "{y}年{x}工作经验", "从事{x}{y}年"]
        if kind == "role" or fold(form).endswith(LICENSED_ENDINGS):
            templates += ["持{x}证", "{x}有证", "考过{x}证", "{x}上岗证", "{x}（中级）"]
        if kind == "task":
            templates += ["熟练掌握{x}", "精通{x}", "{x}熟练工", "{x}熟练"]
        return self.rng.choice(templates).format(x=form, y=years)

    def employer_filler(self, form: str) -> str:
        kind = form_kind(form)
        if kind in ("verb", "licence"):
            return form if kind == "verb" else self.rng.choice(["持{x}", "有{x}", "{x}（必须）"]).format(x=form)
        templates = ["{x}经验2年以上", "有{x}经验"]
        if kind == "role" or fold(form).endswith(LICENSED_ENDINGS):
            templates += ["持{x}证上岗", "{x}（持证）"]
        if kind == "task":
            templates += ["熟练{x}", "会{x}"]
        return self.rng.choice(templates).format(x=form)

    def preferred(self, form: str) -> str:
        """A preferred skill in a posting's description."""
        kind = form_kind(form)
        templates = {
            "role": ["有{x}经验者优先", "当过{x}的优先"],
            "place": ["在{x}干过的优先", "有{x}工作经验者优先"],
            "licence": ["有{x}者优先", "持{x}优先"],
            "verb": ["{x}的优先"],
            "task": ["有{x}经验者优先", "懂{x}的优先", "会{x}者优先考虑"],
        }[kind]
        return self.rng.choice(templates).format(x=form)

    def clause(self, form: str) -> str:
        """A form as a piece of a sentence."""
        years = self.rng.choice(YEARS)
        templates = {
            "role": ["当过{x}", "干了{y}年{x}", "做过{x}"],
            "place": ["在{x}干过", "在{x}上了{y}年班"],
            "licence": ["有{x}", "考了{x}"],
            "verb": ["{x}"],
            "task": ["干过{y}年{x}", "会{x}", "做过{x}", "干过{x}"],
        }[form_kind(form)]
        return self.rng.choice(templates).format(x=form, y=years)

    def english(self, skill: Skill) -> str | None:
        """A short English or Latin form (CAD, TIG, welder, A2); None when the skill has none."""
        short = [f for f in skill.latin_forms if len(f) <= 14]
        if not short:
            return None
        form = self.rng.choice(short)
        shape = self.rng.random()
        if shape < 0.4:
            return form.lower()
        if shape < 0.55:
            return form.upper()
        if shape < 0.7 and len(form) <= 5:
            return f"会{form}"
        return form

    def bare(self, skill_id: str, style: str) -> str:
        """A form without any wrapper (for sentences and lists), in a writing style."""
        skill = self.skills[skill_id]
        form = self.zh(skill)
        if style == "typo":
            text = self.misspelt(skill, form)
        elif style == "script":
            text = _s2t()(form)
        elif style == "english":
            text = self.english(skill) or form
        else:
            text = form
        return self._safe(skill, text)

    def phrase(self, skill_id: str, style: str) -> str:
        skill = self.skills[skill_id]
        rng = self.rng
        if style == "clean":
            text = self.zh(skill, synonym_share=0.4)
        elif style == "colloquial":
            form = self.zh(skill, synonym_share=0.8)
            text = self.colloquial(form) if rng.random() < 0.6 else self.filler(form)
        elif style == "typo":
            form = self.zh(skill)
            text = self.misspelt(skill, form)
            if text == form:
                text = self.misspelt(skill, skill.name_zh)
            if rng.random() < 0.3:
                text = self.colloquial(text) if rng.random() < 0.5 else self.filler(text)
        elif style == "script":
            form = self.zh(skill)
            if rng.random() < 0.35:
                form = self.filler(form)
            if rng.random() < 0.65:
                text = _s2t()(form)
            else:  # full-width letters and digits, an ideographic space, full-width brackets
                text = fullwidth(form) if any(c.isascii() and c.isalnum() for c in form) else fullwidth(f"{form} ")
                if rng.random() < 0.5:
                    text = f"（{text.strip()}）"
        elif style == "english":
            text = self.english(skill) or self.zh(skill, synonym_share=0.4)
        else:
            raise ValueError(style)
        return self._safe(skill, text)

    def sentence(self, skill_ids: Sequence[str], category: str) -> str:
        """Several skills buried in one sentence, with the odd soft quality."""
        rng = self.rng
        clauses = [
            self.clause(self.bare(s, rng.choice(["clean", "clean", "clean", "typo", "script"]))) for s in skill_ids
        ]
        place = PLACES.get(category, "外面")
        opening = rng.choice([f"以前在{place}", f"在{place}", "前些年", "农闲时出去", "", ""])
        links = ["，", "，也", "，后来又", "，还"]
        text = opening + clauses[0] + "".join(rng.choice(links) + c for c in clauses[1:])
        if rng.random() < 0.4:
            text += "，" + rng.choice(SOFT)
        return text


def write_seeker(person: Person, writer: Writer, names: dict[str, str]) -> dict:
    rng = writer.rng
    style = rng.choices(SEEKER_STYLES, SEEKER_STYLE_WEIGHTS)[0]
    person.style = style
    skills = list(person.skills)
    rng.shuffle(skills)
    phrases: list[str] = []
    sentences: list[str] = []
    if style == "sentence":
        # Most skills only in sentences: one long phrase in the list, the rest in the text.
        half = max(1, len(skills) // 2)
        listed, told = skills[:half], skills[half:]
        if rng.random() < 0.5:
            phrases.append(writer.sentence(listed, person.category))
        else:
            sentences.append(writer.sentence(listed, person.category))
        if told:
            sentences.append(writer.sentence(told, person.category))
    elif style == "joined":
        # Every skill in one field, the way a paper form is copied: "电焊，气割 钳工"
        forms = [writer.bare(s, rng.choice(["clean", "clean", "typo", "script"])) for s in skills]
        phrases.append(rng.choice(["，", "、", " ", ",", "；", "/"]).join(forms))
    else:
        single = [s for s in SEEKER_STYLES if s not in ("sentence", "joined")]
        for skill in skills:
            own = style if rng.random() < 0.75 else rng.choice(single)
            phrases.append(writer.phrase(skill, own))
    if rng.random() < 0.45:
        phrases.append(rng.choice(SOFT))
    if rng.random() < 0.15:
        phrases.append(rng.choice(NOT_SKILLS))
    rng.shuffle(phrases)
    if rng.random() < 0.5:
        wish = writer.skills[skills[0]].name_zh
        opening = rng.choice([f"求职意向：{wish}", f"想找{wish}的工作", f"想干{wish}"])
    else:
        place = PLACES.get(person.category, "附近")
        opening = rng.choice([f"想找{place}的活", f"想在{place}上班", "什么活都能干"])
    parts = [opening, *sentences]
    if person.capacity == "partial":
        parts.append(rng.choice(["腿受过伤，干不了重活", "年纪大了，想找轻松点的", "身体不太好，只能干轻活"]))
    if rng.random() < 0.3:
        parts.append(rng.choice(["家里有老人要照顾，希望离家近", "住在" + names.get(person.region, "本地"), "能吃苦"]))
    return {
        "id": person.id,
        "skills": phrases,
        "text": "，".join(parts) + "。",
        "region": person.region,
        "willing_to_relocate": person.relocate,
        "capacity": person.capacity,
        "expected_salary": person.expected_salary,
    }


def _title(job: Job, writer: Writer) -> str:
    rng = writer.rng
    if job.kind == "generic_title":
        core = rng.choice(GENERIC_TITLES)
    else:
        skill = writer.skills[job.required[0]]
        trades = [f for f in skill.zh_forms if f.endswith(("工", "员", "师", "手", "司机"))]
        if trades and rng.random() < 0.7:
            core = rng.choice(trades)
        else:
            core = writer.zh(skill)
            core += "" if form_kind(core) != "task" else rng.choice(["", "工", "师傅"])
        if rng.random() < 0.08:
            core = writer.misspelt(skill, core)
    prefix = rng.choice(["", "", "急招", "诚聘", "高薪招聘", "【急聘】", "招"])
    suffix = rng.choice(
        ["", "", "（包吃住）", "（长期）", "+五险", f" 月薪{(job.salary_max or 6000) // 1000}k+", "若干名", "(可日结)"]
    )
    return f"{prefix}{core}{suffix}"


def write_posting(job: Job, writer: Writer, names: dict[str, str]) -> dict:
    rng = writer.rng
    job.kind = rng.choices(["listed", "text_only", "generic_title"], [78, 12, 10])[0]
    written: list[str] = []
    for skill in job.required:
        style = rng.choices(["clean", "typo", "script", "english"], [75, 12, 8, 5])[0]
        text = writer.bare(skill, style)
        if rng.random() < 0.4:
            text = writer._safe(writer.skills[skill], writer.employer_filler(text))
        written.append(text)
    phrases: list[str] = []
    requirement_text: list[str] = []
    if job.kind == "text_only":
        requirement_text = written
    elif len(written) >= 2 and rng.random() < 0.15:  # two requirements in one field: "电焊、气割"
        phrases = [rng.choice(["、", "/", "，"]).join(written[:2]), *written[2:]]
    else:
        phrases = written
    if job.kind != "text_only" and rng.random() < 0.4:
        phrases.append(rng.choice(EMPLOYER_NOISE))
    first = writer.zh(writer.skills[job.required[0]], synonym_share=0.3)
    duty = rng.choice([f"负责{first}相关工作", f"从事{first}作业", "服从班组长安排", "完成领导交办的工作"])
    parts = [f"岗位职责：{duty}"]
    if requirement_text:
        parts.append("任职要求：" + "，".join(requirement_text) + rng.choice(["", "，吃苦耐劳", "，年龄55岁以下"]))
    else:
        parts.append(
            "任职要求：" + rng.choice(["身体健康，吃苦耐劳", "年龄18-55岁，能适应倒班", "有相关经验优先", "无"])
        )
    for skill in job.preferred:
        parts.append(writer.preferred(writer.bare(skill, rng.choice(["clean", "clean", "typo", "script"]))))
    parts.append("待遇：" + "、".join(rng.sample(BENEFITS, 2)))
    if job.salary_min is None:
        parts.append("工资面议")
    parts.append("工作地点：" + names.get(job.region, ""))
    return {
        "id": job.id,
        "title": _title(job, writer),
        "skills": phrases,
        "text": "；".join(parts) + "。",
        "region": job.region,
        "cross_region": job.cross_region,
        "capacity_required": job.capacity_required,
        "salary_min": job.salary_min,
        "salary_max": job.salary_max,
    }


def generate(n_seekers: int, n_postings: int, seed: int, skills: dict[str, Skill] | None = None) -> Market:
    """The whole market, latent and written, reproducible for a seed."""
    skills = skills or load_skills()
    names = county_names()
    world_rng, text_rng = random.Random(seed), random.Random(seed * 7919 + 1)
    world = World(skills, world_rng)
    people = [world.person(i + 1) for i in range(n_seekers)]
    jobs = [world.job(i + 1) for i in range(n_postings)]
    writer = Writer(skills, text_rng)
    market = Market(skills, people, jobs)
    market.seekers = [write_seeker(p, writer, names) for p in people]
    market.postings = [write_posting(j, writer, names) for j in jobs]
    return market


def write_jsonl(path: Path, rows: Sequence[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


# --- metrics --------------------------------------------------------------------------------------------

Ranking = list[list[int]]  # per seeker, posting indices, best first


def ndcg_at(ranked: Sequence[int], grades: np.ndarray, k: int = TOP) -> float:
    """nDCG@k of one seeker's list against the grades of every posting (gain 2^g - 1)."""
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    gains = (2.0 ** grades.astype(float)) - 1.0
    dcg = float(sum(gains[j] * discounts[i] for i, j in enumerate(list(ranked)[:k])))
    ideal_gains = np.sort(gains)[::-1][:k]
    ideal = float((ideal_gains * discounts[: len(ideal_gains)]).sum())
    return dcg / ideal if ideal > 0 else 0.0


def precision_at(ranked: Sequence[int], grades: np.ndarray, k: int = TOP) -> float:
    return sum(int(grades[j]) >= RELEVANT for j in list(ranked)[:k]) / k


@dataclass
class Scores:
    ndcg: float
    precision: float
    infeasible: float
    per_seeker: dict[int, float]  # nDCG by seeker index (evaluated seekers only)


def evaluate(ranking: Ranking, grades: np.ndarray, feasible: np.ndarray, k: int = TOP) -> Scores:
    per_seeker: dict[int, float] = {}
    precisions = []
    returned = bad = 0
    for i, ranked in enumerate(ranking):
        top = list(ranked)[:k]
        returned += len(top)
        bad += sum(not feasible[i, j] for j in top)
        if (grades[i] >= RELEVANT).any():
            per_seeker[i] = ndcg_at(top, grades[i], k)
            precisions.append(precision_at(top, grades[i], k))
    return Scores(
        ndcg=float(np.mean(list(per_seeker.values()))) if per_seeker else 0.0,
        precision=float(np.mean(precisions)) if precisions else 0.0,
        infeasible=bad / returned if returned else 0.0,
        per_seeker=per_seeker,
    )


# --- baselines ------------------------------------------------------------------------------------------


def top_k(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> Ranking:
    """Rows of a score block to the k best column indices; ties go to the lower index; masked-out
    columns (False) never appear."""
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    ranking = []
    for row, picked in zip(scores, order, strict=True):
        ranking.append([int(j) for j in picked if row[j] > -np.inf])
    return ranking


def jaccard_ranking(seekers: Sequence[dict], postings: Sequence[dict], k: int = TOP) -> Ranking:
    """Exact phrase overlap: Jaccard of the raw skill phrase sets (stripped, nothing else)."""
    vocabulary: dict[str, int] = {}

    def phrase_set(row: dict) -> list[int]:
        return sorted({vocabulary.setdefault(p.strip(), len(vocabulary)) for p in row["skills"] if p.strip()})

    seeker_sets = [phrase_set(s) for s in seekers]
    posting_sets = [phrase_set(p) for p in postings]
    a = _incidence([[str(x) for x in s] for s in seeker_sets], {str(i): i for i in range(len(vocabulary))})
    b = _incidence([[str(x) for x in s] for s in posting_sets], {str(i): i for i in range(len(vocabulary))})
    size_b = np.array([len(s) for s in posting_sets], dtype=float)
    ranking: Ranking = []
    for start in range(0, len(seekers), 2048):
        chunk = a[start : start + 2048]
        overlap = (chunk @ b.T).toarray()
        size_a = np.array([len(s) for s in seeker_sets[start : start + 2048]], dtype=float)
        union = size_a[:, None] + size_b[None, :] - overlap
        ranking += top_k(np.divide(overlap, union, out=np.zeros_like(overlap), where=union > 0), k)
    return ranking


def seeker_document(row: dict) -> str:
    return fold(" ".join([*row["skills"], row.get("text") or ""]))


def posting_document(row: dict) -> str:
    return fold(" ".join([row.get("title") or "", *row["skills"], row.get("text") or ""]))


def tfidf_ranking(
    seekers: Sequence[dict], postings: Sequence[dict], k: int = TOP, feasible: np.ndarray | None = None
) -> Ranking:
    """Character 1-3-gram TF-IDF cosine over skills and text; with ``feasible``, infeasible pairs are
    dropped before ranking."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    seeker_docs = [seeker_document(s) for s in seekers]
    posting_docs = [posting_document(p) for p in postings]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
    vectorizer.fit(seeker_docs + posting_docs)
    a = vectorizer.transform(seeker_docs)
    b = vectorizer.transform(posting_docs)
    ranking: Ranking = []
    for start in range(0, len(seekers), 2048):
        scores = (a[start : start + 2048] @ b.T).toarray()
        mask = None if feasible is None else feasible[start : start + 2048]
        ranking += top_k(scores, k, mask)
    return ranking


def oracle_ranking(grades: np.ndarray, k: int = TOP) -> Ranking:
    return top_k(grades.astype(float), k, grades > 0)


# --- the engine -----------------------------------------------------------------------------------------


def engine_ranking(
    workdir: Path, seekers: Sequence[dict], postings: Sequence[dict], k: int, taxonomy_path: str | None
) -> tuple[Ranking | None, float, str]:
    """Run ``manage.py rank_files`` on the written market: (ranking, seconds, message)."""
    if not RANK_FILES.exists():
        return None, 0.0, f"the engine: {RANK_FILES.relative_to(ROOT)} does not exist yet; baselines only"
    seeker_path, posting_path, out = workdir / "seekers.jsonl", workdir / "postings.jsonl", workdir / "ranked.jsonl"
    command = [sys.executable, "manage.py", "rank_files", "--seekers", str(seeker_path)]
    command += ["--postings", str(posting_path), "--top", str(k), "--out", str(out)]
    if taxonomy_path:
        command += ["--taxonomy", taxonomy_path]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        return None, seconds, f"the engine: rank_files failed (exit {done.returncode}):\n{tail}"
    position = {p["id"]: j for j, p in enumerate(postings)}
    by_seeker: dict[str, list[int]] = {}
    with out.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                by_seeker[str(row["seeker"])] = [position[str(pid)] for pid, _score in row["postings"]]
    missing = [s["id"] for s in seekers if s["id"] not in by_seeker]
    note = f"; {len(missing)} seekers missing from the output" if missing else ""
    return [by_seeker.get(s["id"], []) for s in seekers], seconds, f"the engine: rank_files ran{note}"


# --- the report -----------------------------------------------------------------------------------------


def describe(market: Market, grades: np.ndarray, feasible: np.ndarray) -> None:
    relevant = (grades >= RELEVANT).sum(axis=1)
    with_relevant = int((relevant > 0).sum())
    print(
        f"{len(market.people)} seekers x {len(market.jobs)} postings, {len(market.skills)} skills in the taxonomy; "
        f"{feasible.mean():.1%} of pairs feasible; grades 1/2/3: "
        + "/".join(f"{int((grades == g).sum())}" for g in (1, 2, 3))
    )
    print(
        f"{with_relevant} seekers have a relevant job (grade >= {RELEVANT}); relevant jobs per such seeker: "
        f"median {int(np.median(relevant[relevant > 0])) if with_relevant else 0}, "
        f"mean {relevant[relevant > 0].mean() if with_relevant else 0:.1f}"
    )
    styles = Counter(p.style for p in market.people)
    kinds = Counter(j.kind for j in market.jobs)
    print("seekers by writing style: " + ", ".join(f"{s} {styles[s]}" for s in SEEKER_STYLES))
    print("postings: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + "\n")


def print_table(results: dict[str, tuple[Scores, float]]) -> None:
    print(f"{'method':<34}{'nDCG@10':>9}{'P@10':>8}{'infeasible':>12}{'seconds':>9}")
    for name, (scores, seconds) in results.items():
        print(f"{name:<34}{scores.ndcg:>9.3f}{scores.precision:>8.3f}{scores.infeasible:>12.1%}{seconds:>9.2f}")


def print_breakdown(market: Market, results: dict[str, tuple[Scores, float]]) -> None:
    print(f"\nnDCG@10 by how the seeker writes (evaluated seekers only)\n{'style':<12}{'n':>6}", end="")
    names = [n for n in results if n != "oracle (truth, the ceiling)"]
    print("".join(f"{n[:14]:>16}" for n in names))
    first = results[names[0]][0].per_seeker
    for style in SEEKER_STYLES:
        chosen = [i for i in first if market.people[i].style == style]
        line = f"{style:<12}{len(chosen):>6}"
        for name in names:
            values = [results[name][0].per_seeker[i] for i in chosen]
            line += f"{(np.mean(values) if values else float('nan')):>16.3f}"
        print(line)


def print_diagnostics(market: Market, rankings: dict[str, Ranking], grades: np.ndarray, feasible: np.ndarray) -> None:
    """What fills the top 10 when it is not a relevant job: feasible but no shared skill (grade 0),
    a weak match (grade 1), a good skill match paying more than 10% below the wish."""
    wish = np.array([p.expected_salary or 0 for p in market.people], dtype=float)
    pay = np.array([j.salary_max or 0 for j in market.jobs], dtype=float)
    print(f"\nwhat the top {TOP} holds (share of all returned pairs; every seeker)")
    print(f"{'method':<34}{'returned':>9}{'grade 0 ok':>12}{'grade 1':>9}{'grade>=2':>10}{'pay short':>11}")
    for name, ranking in rankings.items():
        pairs = [(i, j) for i, ranked in enumerate(ranking) for j in ranked[:TOP]]
        if not pairs:
            continue
        rows = np.array([i for i, _j in pairs])
        cols = np.array([j for _i, j in pairs])
        g = grades[rows, cols]
        ok = feasible[rows, cols]
        short = (wish[rows] > 0) & (pay[cols] > 0) & (wish[rows] > 1.1 * pay[cols])
        n = len(pairs)
        print(
            f"{name:<34}{n / len(ranking):>9.1f}{((g == 0) & ok).sum() / n:>12.1%}{(g == 1).sum() / n:>9.1%}"
            f"{(g >= RELEVANT).sum() / n:>10.1%}{(short & ok).sum() / n:>11.1%}"
        )


def print_posting_recall(market: Market, rankings: dict[str, Ranking], grades: np.ndarray) -> None:
    """Of the relevant pairs of seekers with at most 10 relevant jobs (all could fit in the top 10),
    the share found in the top 10, by how the posting is written."""
    print(
        f"\nrelevant pairs found in the top {TOP}, by how the posting is written (seekers with <= {TOP} relevant jobs)"
    )
    kinds = sorted({j.kind for j in market.jobs})
    print(f"{'posting':<16}{'pairs':>7}" + "".join(f"{n[:14]:>16}" for n in rankings))
    small = [i for i in range(len(market.people)) if 0 < (grades[i] >= RELEVANT).sum() <= TOP]
    for kind in kinds:
        pairs = [(i, j) for i in small for j in np.flatnonzero(grades[i] >= RELEVANT) if market.jobs[j].kind == kind]
        line = f"{kind:<16}{len(pairs):>7}"
        for ranking in rankings.values():
            sets = {}
            found = 0
            for i, j in pairs:
                if i not in sets:
                    sets[i] = set(ranking[i][:TOP])
                found += j in sets[i]
            line += f"{(found / len(pairs) if pairs else float('nan')):>16.3f}"
        print(line)


def print_examples(market: Market, ranking: Ranking, grades: np.ndarray, per_style: int) -> None:
    """For a few poorly served seekers of each style: what they wrote, the best job they should have
    got, and what the engine put first."""
    print("\nexamples of misses (engine nDCG@10 < 0.5)")
    for style in SEEKER_STYLES:
        shown = 0
        for i, person in enumerate(market.people):
            if shown == per_style:
                break
            if person.style != style or not (grades[i] >= RELEVANT).any():
                continue
            if ndcg_at(ranking[i], grades[i]) >= 0.5:
                continue
            shown += 1
            best = int(np.argmax(grades[i]))
            got = ranking[i][0] if ranking[i] else None
            seeker = market.seekers[i]
            print(f"  [{style}] {seeker['id']} skills={seeker['skills']} text={seeker['text']!r}")
            print(f"      truth: {list(person.skills)}")
            posting, job = market.postings[best], market.jobs[best]
            print(
                f"      best (grade {grades[i, best]}): {posting['title']!r} skills={posting['skills']} "
                f"truth={list(job.required)}"
            )
            if got is not None:
                posting, job = market.postings[got], market.jobs[got]
                print(
                    f"      engine #1 (grade {grades[i, got]}): {posting['title']!r} skills={posting['skills']} "
                    f"truth={list(job.required)}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="default", help="market size (seekers x postings)")
    parser.add_argument("--seekers", type=int, default=None, help="number of seekers (overrides --size)")
    parser.add_argument("--postings", type=int, default=None, help="number of postings (overrides --size)")
    parser.add_argument("--seed", type=int, default=5, help="random seed of the market")
    parser.add_argument("--dump", default=None, help="keep the files here (seekers, postings, truth, engine output)")
    parser.add_argument("--no-engine", action="store_true", help="baselines only")
    parser.add_argument("--taxonomy", default=None, help="passed on to rank_files as --taxonomy")
    parser.add_argument("--examples", type=int, default=0, help="print this many engine misses per writing style")
    args = parser.parse_args()

    n_seekers, n_postings = SIZES[args.size]
    n_seekers = args.seekers or n_seekers
    n_postings = args.postings or n_postings
    started = time.perf_counter()
    market = generate(n_seekers, n_postings, args.seed)
    grades = truth_grades(market.people, market.jobs)
    feasible = feasible_matrix(market.people, market.jobs)
    print(f"market generated with seed {args.seed} in {time.perf_counter() - started:.1f} s")
    describe(market, grades, feasible)

    workdir = Path(args.dump) if args.dump else Path(tempfile.mkdtemp(prefix="eval-matching-"))
    workdir.mkdir(parents=True, exist_ok=True)
    write_jsonl(workdir / "seekers.jsonl", market.seekers)
    write_jsonl(workdir / "postings.jsonl", market.postings)
    if args.dump:
        write_jsonl(workdir / "truth_people.jsonl", [vars(p) for p in market.people])
        write_jsonl(workdir / "truth_jobs.jsonl", [vars(j) for j in market.jobs])

    rankings: dict[str, Ranking] = {}
    seconds: dict[str, float] = {}
    message = "the engine: not run (--no-engine)"
    if not args.no_engine:
        ranking, took, message = engine_ranking(workdir, market.seekers, market.postings, TOP, args.taxonomy)
        if ranking is not None:
            rankings["engine (rank_files)"], seconds["engine (rank_files)"] = ranking, took
    baselines: list[tuple[str, Callable[[], Ranking]]] = [
        ("exact phrase Jaccard", lambda: jaccard_ranking(market.seekers, market.postings)),
        ("char 1-3gram TF-IDF", lambda: tfidf_ranking(market.seekers, market.postings)),
        ("char TF-IDF + hard constraints", lambda: tfidf_ranking(market.seekers, market.postings, feasible=feasible)),
    ]
    for name, run in baselines:
        started = time.perf_counter()
        rankings[name] = run()
        seconds[name] = time.perf_counter() - started
    rankings["oracle (truth, the ceiling)"] = oracle_ranking(grades)
    seconds["oracle (truth, the ceiling)"] = 0.0

    print(message)
    results = {name: (evaluate(r, grades, feasible), seconds[name]) for name, r in rankings.items()}
    print(
        f"relevant = grade >= {RELEVANT}; nDCG and P@10 averaged over the "
        f"{len(next(iter(results.values()))[0].per_seeker)} seekers with a relevant job\n"
    )
    print_table(results)
    print_breakdown(market, results)
    print_posting_recall(market, {n: r for n, r in rankings.items() if not n.startswith("oracle")}, grades)
    print_diagnostics(market, rankings, grades, feasible)
    if args.examples and "engine (rank_files)" in rankings:
        print_examples(market, rankings["engine (rank_files)"], grades, args.examples)
    if args.dump:
        print(f"\nfiles kept in {workdir}")


if __name__ == "__main__":
    main()
