"""How fast is skill-gap advice for a whole county, and for one worker on demand?

    python benchmarks/bench_skill_gap.py [--seekers 100000] [--postings 20000] [--cohorts 2000]

1. Generates the market with ``bench_matching.generate`` (the same seeded files: messy skill
   phrases from the built-in taxonomy, 30 counties, capacities, relocation, salaries) and reads it
   with the engine's own readers and resolver (``ml.matching.read_seekers`` / ``read_postings``), so
   that the skills are the ones the matcher would see. Cohorts: skills drawn from the postings'
   required skills, in random counties, one in ten online.
2. Times ``SkillGap`` (ml/skill_gap.py): the index build, ``batch`` over every seeker (target under
   30 s) and ``advise`` for single seekers (target under 50 ms; compute only, the page adds one
   query for the person's row).

No database is needed.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_matching import COUNTIES, generate  # noqa: E402

from ml import taxonomy  # noqa: E402
from ml.matching import phrase_memo, read_postings, read_seekers  # noqa: E402
from ml.skill_gap import Offer, SkillGap  # noqa: E402
from ml.skill_resolver import SkillResolver  # noqa: E402
from skills.reference import BUILTIN_TAXONOMY  # noqa: E402

TARGET_BATCH_S = 30.0
TARGET_ONE_MS = 50.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seekers", type=int, default=100_000)
    parser.add_argument("--postings", type=int, default=20_000)
    parser.add_argument("--cohorts", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=500, help="single seekers timed with advise")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="relief-bench-skill-gap-"))
    started = time.perf_counter()
    seekers_file, postings_file, _distinct = generate(folder, args.seekers, args.postings, args.seed)
    with BUILTIN_TAXONOMY.open(encoding="utf-8") as handle:
        entries = taxonomy.parse(handle)
    resolver = SkillResolver(entries)
    with phrase_memo(resolver, processes=2) as memo:
        with seekers_file.open(encoding="utf-8") as handle:
            seekers = read_seekers(handle, resolver, memo=memo)
        with postings_file.open(encoding="utf-8") as handle:
            postings = read_postings(handle, resolver, memo=memo)
    print(
        f"market: {len(seekers):,} seekers x {len(postings):,} postings read in "
        f"{time.perf_counter() - started:.1f} s ({folder})"
    )
    rng = random.Random(args.seed)
    taught = sorted({k for p in postings for k in p.required}) or [e.id for e in entries]
    offers = [
        Offer(
            id=n,
            skills=tuple(rng.sample(taught, rng.choice((1, 1, 2)))),
            region=rng.choice(COUNTIES),
            online=rng.random() < 0.1,
        )
        for n in range(args.cohorts)
    ]
    categories = {e.id: e.category or "other" for e in entries}

    t = time.perf_counter()
    gap = SkillGap(postings, offers, categories=categories)
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    advice = gap.batch(seekers)
    batch_s = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    advised = sum(1 for a in advice if a)
    opened = [a[0].opens for a in advice if a]

    one: list[float] = []
    for seeker in rng.sample(seekers, min(args.queries, len(seekers))):
        t = time.perf_counter()
        gap.advise(seeker)
        one.append((time.perf_counter() - t) * 1000)

    total = build_s + batch_s

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print(
        f"advice: {advised:,} of {len(seekers):,} seekers get at least one skill; the best skill opens "
        f"{percentile([float(x) for x in opened], 0.5):.0f} postings at the median"
        if opened
        else "advice: nobody was advised"
    )
    print(f"\n{'figure':<48}{'measured':>12}{'target':>12}  verdict")
    print(f"{'index build (postings, cohorts)':<48}{build_s:>10.2f} s")
    print(f"{'batch advice, every seeker':<48}{batch_s:>10.2f} s")
    print(f"{'build + batch':<48}{total:>10.2f} s{TARGET_BATCH_S:>10.1f} s  {verdict(total < TARGET_BATCH_S)}")
    print(f"{'peak RSS of this process':<48}{rss:>9.0f} MB")
    p50, p95, p99 = (percentile(one, q) for q in (0.5, 0.95, 0.99))
    print(f"{'one seeker on demand, p50':<48}{p50:>9.2f} ms{TARGET_ONE_MS:>9.1f} ms  {verdict(p50 < TARGET_ONE_MS)}")
    print(f"{'one seeker on demand, p95':<48}{p95:>9.2f} ms{TARGET_ONE_MS:>9.1f} ms  {verdict(p95 < TARGET_ONE_MS)}")
    print(f"{'one seeker on demand, p99':<48}{p99:>9.2f} ms")
    print(f"\nmachine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (shared with other work)")


if __name__ == "__main__":
    main()
