"""Do right answers stay right when a phrase is wrapped the way people wrap skills?

    python benchmarks/wrap_phrases.py [--code DIR] [--family checked|all] [--show]

Every phrase of the blind TUNING half (``benchmarks/data/blind/skill_phrases.tune.jsonl``; the held
half is never read) that is labelled with a skill and resolved right as written is wrapped in each
wrapper of a family (a trait beside it, pay or a place, an age, a licence word …) and resolved again
(``SkillResolver.linked`` with the blind taxonomy, as ``resolve_skills --taxonomy`` builds it). A
wrapper adds nothing about the skill, so a right answer that turns wrong under it shows a reading
that holds only for the words as the tuner saw them: the count of such breaks is a measure of
generality that needs no held line.

The ``checked`` family was written after the fourth pass's rules (docs/evaluation.md) and never used
to choose one; ``all`` adds the wrappers whose breaks those rules were made for. ``--code DIR``
resolves with another checkout's code (say the main branch's), for an A/B.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLIND = ROOT / "benchmarks" / "data" / "blind"

#: Wrappers the fourth pass's rules were made for (their breaks were looked at).
SEEN = (
    "有五年{}经验",
    "{}（熟练）",
    "以前干过{}",
    "{}，能吃苦",
    "熟悉{}",
    "我会{}",
    "{}三年",
    "{} 持证",
    "在厂里{}",
    "{}等工作",
    "{}都会",
    "本人{}，男，40岁",
    "{}（有证）",
    "{} 急找工作",
    "擅长{}",
    "{}，有经验",
    "{}，服从安排",
    "{}，身体健康",
    "干了十年{}",
    "{}/熟练工",
    "{}（三年以上）",
    "以前在工地上{}",
    "会点{}",
    "{}，想找个活",
    "{}，离家近的",
    "我以前是{}",
    "{}，能长期干",
    "{}会一点",
    "{} 日结",
    "{}，工资面议",
    "{}。",
    "本人从事{}多年",
)
#: Wrappers written afterwards, to check the rules on wrappings they were not made for.
CHECKED = (
    "{}师傅",
    "{}，能倒班",
    "{}（女）",
    "找{}的活",
    "{}，退伍军人",
    "{}工作经验丰富",
    "45岁 {}",
    "{}，包吃住优先",
    "{}，初中文化",
    "{}，有上进心",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose resolver answers")
    parser.add_argument("--family", choices=["checked", "all"], default="checked")
    parser.add_argument("--show", action="store_true", help="print each wrapped phrase that turned wrong")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))

    from ml import taxonomy
    from ml.skill_resolver import SkillResolver

    with (ROOT / "skills" / "data" / "skills.jsonl").open(encoding="utf-8") as handle:
        builtin = taxonomy.parse(handle)
    with (BLIND / "external_taxonomy.jsonl").open(encoding="utf-8-sig") as handle:
        external, _warnings = taxonomy.parse_lenient(handle)
    resolver = SkillResolver.linked(external, builtin)
    with (BLIND / "skill_phrases.tune.jsonl").open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    right = [r for r in rows if r["skill"] is not None and resolver.resolve(r["text"]).skill == r["skill"]]
    wrappers = CHECKED if args.family == "checked" else (*SEEN, *CHECKED)
    broken_total = 0
    print(f"code: {args.code.resolve()}; {len(right)} tuning phrases right as written")
    for wrapper in wrappers:
        broken = 0
        for row in right:
            wrapped = wrapper.format(row["text"])
            found = resolver.resolve(wrapped)
            if found.skill != row["skill"]:
                broken += 1
                if args.show:
                    print(f"    {wrapped!r}: {found.skill} {found.method} {found.matched!r}, labelled {row['skill']}")
        broken_total += broken
        print(f"  {wrapper:<16} {broken:>4} turned wrong")
    total = len(right) * len(wrappers)
    print(f"all: {broken_total} of {total} wrapped phrases turned wrong ({broken_total / max(1, total):.3%})")


if __name__ == "__main__":
    main()
