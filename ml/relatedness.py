"""How close two skills are: graded, so that 瓦斯抽采 earns part of the credit for 瓦斯检查.

The prior comes from the taxonomy's structure:

* one skill a specialisation of the other (a name inside the other's name: 保洁 / 开荒保洁): ``SPECIALISATION``;
* both used in the same CSCO occupation (瓦斯抽采 and 瓦斯检查 are both 6-16-01-10): ``SAME_OCCUPATION``;
* occupations in the same CSCO minor group (6-16-01-xx): ``SAME_GROUP``;
* otherwise nothing (one category, "mining", is too broad to say two skills are close).

Co-occurrence then moves the prior where data allows: two skills that postings ask for together,
or that people hold together, more often than chance (cosine of their occurrence vectors), are
closer; the evidence is shrunk towards the prior by ``SHRINK`` observations, so that one posting
asking for 电焊 and 驾驶 proves nothing. A related skill never counts as much as the skill itself:
relatedness is at most ``CEILING``. Pure Python with numpy and scipy; no Django.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations

from ml.taxonomy import TaxonomyEntry
from ml.text import normalize

SPECIALISATION = 0.7
SAME_OCCUPATION = 0.6
SAME_GROUP = 0.35
CEILING = 0.8
#: Pairs seen together fewer than this many times are ignored (noise), and the cosine counts as
#: ``n / (n + SHRINK)`` of the evidence.
MIN_TOGETHER = 3
SHRINK = 10.0
#: Relatedness below this is no relatedness (keeps the vectors sparse and the words honest).
FLOOR = 0.3
#: At most this many related skills per skill (the closest).
PER_SKILL = 8


def _group(code: str) -> str:
    parts = code.split("-")
    return "-".join(parts[:3]) if len(parts) >= 3 and parts[2].strip("0") else ""


class Relatedness:
    """Skill id -> {related skill id: closeness in (0, CEILING]}; a skill is not related to itself."""

    def __init__(self, related: Mapping[str, Mapping[str, float]] | None = None) -> None:
        self._related: dict[str, dict[str, float]] = {k: dict(v) for k, v in (related or {}).items()}

    @classmethod
    def build(
        cls,
        entries: Sequence[TaxonomyEntry],
        together: Iterable[Iterable[str]] = (),
    ) -> Relatedness:
        """The prior from ``entries`` moved by co-occurrence in ``together`` (each item the skill ids
        of one posting or one person)."""
        prior: dict[tuple[str, str], float] = {}

        def raise_to(a: str, b: str, value: float) -> None:
            if a != b:
                key = (a, b) if a < b else (b, a)
                if value > prior.get(key, 0.0):
                    prior[key] = value

        by_occupation: dict[str, list[str]] = {}
        by_group: dict[str, list[str]] = {}
        for e in entries:
            for code in dict.fromkeys(e.occupations):
                by_occupation.setdefault(code, []).append(e.id)
                group = _group(code)
                if group:
                    by_group.setdefault(group, []).append(e.id)
        for ids in by_group.values():
            if len(ids) <= 40:  # a group every skill of a trade sits in says little
                for a, b in combinations(dict.fromkeys(ids), 2):
                    raise_to(a, b, SAME_GROUP)
        for ids in by_occupation.values():
            if len(ids) <= 25:
                for a, b in combinations(dict.fromkeys(ids), 2):
                    raise_to(a, b, SAME_OCCUPATION)
        names = [(e.id, normalize(e.name_zh)) for e in entries]
        by_name: dict[str, str] = {}
        for skill, name in names:
            if len(name) >= 2:
                by_name.setdefault(name, skill)
        for skill, name in names:
            for size in range(2, len(name)):
                for start in range(len(name) - size + 1):
                    inner = by_name.get(name[start : start + size])
                    if inner is not None and inner != skill:
                        raise_to(skill, inner, SPECIALISATION)

        # Co-occurrence: how often each skill and each pair occur.
        single: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        for items in together:
            unique = sorted(set(items))
            if len(unique) > 30:
                continue  # a pasted list is no evidence of anything
            single.update(unique)
            pairs.update(combinations(unique, 2))
        related: dict[str, dict[str, float]] = {}
        keys = set(prior) | {k for k, n in pairs.items() if n >= MIN_TOGETHER}
        for a, b in keys:
            value = prior.get((a, b), 0.0)
            n = pairs.get((a, b), 0)
            if n >= MIN_TOGETHER:
                cosine = n / math.sqrt(single[a] * single[b])
                weight = n / (n + SHRINK)
                value = (1 - weight) * value + weight * max(value, min(CEILING, cosine))
            value = min(CEILING, value)
            if value >= FLOOR:
                related.setdefault(a, {})[b] = round(value, 3)
                related.setdefault(b, {})[a] = round(value, 3)
        for skill, others in related.items():
            if len(others) > PER_SKILL:
                kept = sorted(others.items(), key=lambda kv: (-kv[1], kv[0]))[:PER_SKILL]
                related[skill] = dict(kept)
        return cls(related)

    def of(self, skill: str) -> dict[str, float]:
        """The skills related to ``skill`` and how closely."""
        return self._related.get(skill, {})

    def between(self, a: str, b: str) -> float:
        """1 for the same skill, else the closeness (0 when unrelated)."""
        if a == b:
            return 1.0
        return self._related.get(a, {}).get(b, 0.0)

    def credit(self, held: Iterable[str]) -> dict[str, float]:
        """What a person holding ``held`` brings to each skill: 1 for a held skill, else the
        closeness of the nearest held skill."""
        out: dict[str, float] = {}
        held = list(dict.fromkeys(held))
        for skill in held:
            for other, value in self._related.get(skill, {}).items():
                if value > out.get(other, 0.0):
                    out[other] = value
        for skill in held:
            out[skill] = 1.0
        return out

    def nearest_held(self, skill: str, held: Iterable[str]) -> tuple[str, float] | None:
        """The held skill closest to ``skill`` (for the words: 您的瓦斯抽采经验与瓦斯检查相近)."""
        best: tuple[str, float] | None = None
        for h in held:
            value = self.between(h, skill) if h != skill else 0.0
            if value >= FLOOR and (best is None or value > best[1]):
                best = (h, value)
        return best

    def nearest_of_each(self, held: Iterable[str]) -> dict[str, tuple[str, float]]:
        """``nearest_held(skill, held)`` of every skill that has one, in one pass over the held
        skills' neighbours: a seeker explained against many postings asks about hundreds of skills,
        each of which ``nearest_held`` would answer by walking the held skills again. Ties go to the
        earlier held skill, as there."""
        best: dict[str, tuple[str, float]] = {}
        for h in held:
            for skill, value in self._related.get(h, {}).items():
                if value >= FLOOR and skill != h and (skill not in best or value > best[skill][1]):
                    best[skill] = (h, value)
        return best

    def __len__(self) -> int:
        return len(self._related)
