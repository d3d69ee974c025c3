"""How fast does the matching engine rank a market, end to end and one row at a time?

    python benchmarks/bench_matching.py [--seekers 100000] [--postings 20000] [--top 20] [--keep DIR]
        [--taxonomy renamed|csco|builtin|FILE]

1. Generates a market as JSON Lines (seeded, so every run sees the same files): skills drawn from
   the built-in taxonomy (names and synonyms) in messy surface forms (filler, years of experience,
   certificates, full-width letters, traditional characters, soft qualities that are no skill), about
   30 county codes of Inner Mongolia, work capacities, relocation, salaries, free text.
2. Runs ``manage.py rank_files`` on it in a subprocess: wall time and peak memory (RSS of the child,
   from ``resource.getrusage(RUSAGE_CHILDREN)``); targets 7 s and 1 GB (issue 5, item 7).
3. Builds a ``Market`` in-process from the same files and times ``seekers_for`` for 200 new postings
   and ``postings_for`` for 200 new seekers (compute only; target: ``seekers_for`` under 2 ms).

``--taxonomy`` (default ``renamed``) resolves the phrases against an external taxonomy, as
``rank_files --taxonomy`` does: ``renamed`` writes someone else's taxonomy of the same skills (ids of
its own, the names only, none of our synonyms: what the resolver knows comes through linking);
``csco`` one made from the CSCO 2022 table (each occupation a skill, its aliases the synonyms), whose
forms are not the ones the phrases were drawn from, so most phrases go through the slowest stages
(a stress case); ``builtin`` passes no ``--taxonomy``; or a file of your own.

No database is needed (``rank_files`` uses none; DATABASE_URL points at a throw-away SQLite path).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ml import taxonomy  # noqa: E402
from ml.matching import Market, phrase_memo, read_postings, read_seekers  # noqa: E402
from ml.skill_resolver import SkillResolver  # noqa: E402
from skills.reference import BUILTIN_TAXONOMY  # noqa: E402

TARGET_WALL_S = 7.0
TARGET_RSS_MB = 1024.0
TARGET_ONE_POSTING_MS = 2.0

# Inner Mongolia county-level codes: Hohhot, Baotou, Wuhai, Chifeng, Tongliao, Ordos, Hulunbuir,
# Bayannur, Ulanqab, Xilingol.
COUNTIES = [
    "150102",
    "150103",
    "150104",
    "150105",
    "150121",
    "150122",
    "150123",
    "150202",
    "150203",
    "150204",
    "150206",
    "150207",
    "150302",
    "150402",
    "150404",
    "150502",
    "150602",
    "150603",
    "150621",
    "150622",
    "150623",
    "150624",
    "150625",
    "150626",
    "150627",
    "150702",
    "150802",
    "150902",
    "152501",
    "152502",
]
COUNTY_WEIGHTS = [6 if c.startswith(("1501", "1502", "1506")) else 2 for c in COUNTIES]

FILLERS = (
    "{}",
    "{}",
    "{}",
    "{}",
    "会{}",
    "熟练{}",
    "熟练掌握{}",
    "有{n}年{}经验",
    "{}{n}年",
    "持{}证",
    "{}师傅",
    "做过{}",
    "干过{}",
    "懂{}",
    "{}（熟练）",
    "{} ",
    "本人会{}",
    "{}工作",
    "{}，能吃苦",
)
SOFT = ("吃苦耐劳", "身体健康", "服从安排", "能加班", "责任心强", "什么活都能干", "踏实肯干")
DESIRES = ("想找{}的工作", "希望从事{}", "{}相关", "找个{}的活", "想干{}", "", "", "离家近的工作", "长期稳定")
TITLES = ("{}", "{}工", "招{}", "{}师傅", "急招{}", "{}（包吃住）", "{}学徒", "高薪诚聘{}")
DESCRIPTIONS = ("", "包吃住，月休4天", "五险一金", "长期招聘，待遇从优", "有经验者优先", "工作地点在旗里", "可接受新手")
TRADITIONAL = str.maketrans("车电焊机养驾员证师经验会员厨饭货运维修", "車電銲機養駕員證師經驗會員廚飯貨運維修")


def messy(form: str, rng: random.Random) -> str:
    text = rng.choice(FILLERS).replace("{n}", str(rng.choice((1, 2, 3, 3, 5, 5, 8, 10)))).format(form)
    roll = rng.random()
    if roll < 0.05:
        text = text.translate(TRADITIONAL)
    elif roll < 0.08:
        text = text.upper().replace("A", "Ａ").replace("C", "Ｃ")
    return text


def generate(folder: Path, n_seekers: int, n_postings: int, seed: int) -> tuple[Path, Path, int]:
    """The two files; returns their paths and the number of distinct skill phrases in them."""
    rng = random.Random(seed)
    with BUILTIN_TAXONOMY.open(encoding="utf-8") as handle:
        entries = taxonomy.parse(handle)
    by_category: dict[str, list[list[str]]] = {}
    for e in entries:
        forms = [e.name_zh, *[s for s in e.synonyms if not s.isascii()]]
        by_category.setdefault(e.category or "other", []).append(forms)
    categories = sorted(by_category)
    # Some skills are much more common than others (Zipf-like within each category).
    skill_weights = {c: [1.0 / (i + 1) for i in range(len(by_category[c]))] for c in categories}

    def skills_of(category: str, count: int) -> list[list[str]]:
        return rng.choices(by_category[category], weights=skill_weights[category], k=count)

    phrases: set[str] = set()
    seekers = folder / "seekers.jsonl"
    with seekers.open("w", encoding="utf-8") as out:
        for i in range(n_seekers):
            category = rng.choice(categories)
            picked = skills_of(category, rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4)))
            if rng.random() < 0.2:
                picked += skills_of(rng.choice(categories), 1)
            skill_phrases = [messy(rng.choice(forms), rng) for forms in picked]
            if rng.random() < 0.2:
                skill_phrases.append(rng.choice(SOFT))
            phrases.update(skill_phrases)
            desire = rng.choice(DESIRES)
            record = {
                "id": f"s{i}",
                "skills": skill_phrases,
                "text": desire.format(rng.choice(picked)[0]) if "{}" in desire and picked else desire.replace("{}", ""),
                "region": rng.choices(COUNTIES, weights=COUNTY_WEIGHTS)[0],
                "willing_to_relocate": rng.random() < 0.25,
                "capacity": rng.choices(("full", "partial", "none"), weights=(80, 15, 5))[0],
                "expected_salary": None if rng.random() < 0.2 else rng.randrange(2500, 9000, 100),
            }
            if rng.random() < 0.15:
                record["regions"] = rng.sample(COUNTIES, rng.randint(1, 2))
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    postings = folder / "postings.jsonl"
    with postings.open("w", encoding="utf-8") as out:
        for j in range(n_postings):
            category = rng.choice(categories)
            picked = skills_of(category, rng.choice((0, 1, 1, 2, 2, 3, 3, 4)))
            skill_phrases = [messy(rng.choice(forms), rng) for forms in picked]
            phrases.update(skill_phrases)
            low = rng.randrange(2000, 8000, 100)
            salary = rng.random()
            record = {
                "id": f"p{j}",
                "title": rng.choice(TITLES).format(picked[0][0] if picked else rng.choice(("普工", "杂工", "服务员"))),
                "skills": skill_phrases,
                "text": rng.choice(DESCRIPTIONS),
                "region": rng.choices(COUNTIES, weights=COUNTY_WEIGHTS)[0],
                "cross_region": rng.random() < 0.25,
                "capacity_required": "partial" if rng.random() < 0.2 else "full",
                "salary_min": None if salary < 0.15 else low,
                "salary_max": None if salary < 0.25 else low + rng.randrange(0, 3000, 100),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return seekers, postings, len(phrases)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def renamed_taxonomy(folder: Path) -> Path:
    """The built-in skills as another organisation would list them: own ids, names, no synonyms."""
    path = folder / "renamed_taxonomy.jsonl"
    with BUILTIN_TAXONOMY.open(encoding="utf-8") as handle:
        entries = taxonomy.parse(handle)
    with path.open("w", encoding="utf-8") as out:
        for number, e in enumerate(entries, start=1):
            line = {"id": f"ext-{number:04d}", "name_zh": e.name_zh, "name_en": e.name_en, "synonyms": []}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path


def csco_taxonomy(folder: Path) -> Path:
    """The CSCO 2022 occupations as a skill taxonomy (JSON Lines): id the code, the name, the aliases."""
    from ml.occupations import read_csco

    path = folder / "csco_taxonomy.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for e in read_csco(ROOT / "skills" / "data" / "csco2022.csv"):
            if e.level == 4:
                line = {"id": e.code, "name_zh": e.name, "name_en": e.code, "synonyms": list(e.aliases)}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path


def run_command(
    seekers: Path, postings: Path, out: Path, top: int, taxonomy_path: Path | None = None
) -> tuple[float, float, float, str]:
    """Wall seconds, peak RSS (MB) of the child, its CPU seconds (user + system, with the processes
    it forked), and its stderr."""
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{out.parent / 'unused.sqlite3'}")
    env["DJANGO_SETTINGS_MODULE"] = "web.settings"
    command = [sys.executable, str(ROOT / "manage.py"), "rank_files"]
    command += ["--seekers", str(seekers), "--postings", str(postings), "--top", str(top), "--out", str(out)]
    command += ["--verbosity", "2"]  # each stage's time and the phrase workers' timings on stderr
    if taxonomy_path is not None:
        command += ["--taxonomy", str(taxonomy_path)]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    if done.returncode != 0:
        raise SystemExit(f"rank_files failed:\n{done.stderr}")
    if peak <= before:  # an earlier child was bigger: the figure is an upper bound
        print("(peak RSS: an earlier child process was larger; the figure is an upper bound)")
    return wall, peak / 1024.0, cpu, done.stderr.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seekers", type=int, default=100_000)
    parser.add_argument("--postings", type=int, default=20_000)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--queries", type=int, default=200, help="single rows timed for seekers_for/postings_for")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None, help="write the files here and keep them")
    parser.add_argument("--taxonomy", default="renamed", help="renamed (default), csco, builtin, or a file")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="relief-bench-matching-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    seekers, postings, distinct = generate(folder, args.seekers, args.postings, args.seed)
    print(
        f"generated {args.seekers:,} seekers x {args.postings:,} postings ({distinct:,} distinct skill phrases) "
        f"in {time.perf_counter() - started:.1f} s: {folder}"
    )
    out = folder / "ranked.jsonl"
    load = os.getloadavg()[0]
    if args.taxonomy == "builtin":
        taxonomy_path = None
    elif args.taxonomy == "csco":
        taxonomy_path = csco_taxonomy(folder)
    elif args.taxonomy == "renamed":
        taxonomy_path = renamed_taxonomy(folder)
    else:
        taxonomy_path = Path(args.taxonomy)
    print(f"taxonomy: {taxonomy_path or 'built-in'}")
    wall, rss, cpu, stderr = run_command(seekers, postings, out, args.top, taxonomy_path)
    print("rank_files: " + stderr.replace("\n", "\nrank_files: "))
    with out.open(encoding="utf-8") as handle:
        lengths = [len(json.loads(line)["postings"]) for line in handle]
    print(
        f"output: {len(lengths):,} lines, {sum(lengths):,} pairs, {lengths.count(0):,} seekers with no feasible posting"
    )

    # In-process: one row against the other side.
    with BUILTIN_TAXONOMY.open(encoding="utf-8") as handle:
        entries = taxonomy.parse(handle)
    resolver = SkillResolver(entries)
    memo = phrase_memo(resolver)
    with seekers.open(encoding="utf-8") as handle:
        seeker_rows = read_seekers(handle, resolver, memo=memo)
    with postings.open(encoding="utf-8") as handle:
        posting_rows = read_postings(handle, resolver, memo=memo)
    built = time.perf_counter()
    market = Market(seeker_rows, posting_rows, skill_names={e.id: e.name_zh for e in entries})
    build_s = time.perf_counter() - built
    rng = random.Random(args.seed)
    market.seekers_for(posting_rows[0])  # first call builds the column-major copy
    one_posting: list[float] = []
    for posting in rng.sample(posting_rows, min(args.queries, len(posting_rows))):
        t = time.perf_counter()
        market.seekers_for(posting, args.top)
        one_posting.append((time.perf_counter() - t) * 1000)
    one_seeker: list[float] = []
    for seeker in rng.sample(seeker_rows, min(args.queries, len(seeker_rows))):
        t = time.perf_counter()
        market.postings_for(seeker, args.top)
        one_seeker.append((time.perf_counter() - t) * 1000)

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    p50, p90, p95 = (percentile(one_posting, q) for q in (0.5, 0.9, 0.95))
    print(f"\n{'figure':<44}{'measured':>14}{'target':>12}  verdict")
    label = "rank_files wall time, end to end"
    print(f"{label:<44}{wall:>12.2f} s{TARGET_WALL_S:>10.1f} s  {verdict(wall < TARGET_WALL_S)}")
    print(f"{'rank_files CPU time (all its processes)':<44}{cpu:>12.2f} s")
    print(f"{'rank_files peak RSS':<44}{rss:>11.0f} MB{TARGET_RSS_MB:>9.0f} MB  {verdict(rss < TARGET_RSS_MB)}")
    print(f"{'Market build (in-process, phrases resolved)':<44}{build_s:>12.2f} s{'':>12}")
    print(
        f"{'seekers_for: 1 posting vs all, p50':<44}{p50:>11.2f} ms{TARGET_ONE_POSTING_MS:>9.1f} ms  "
        f"{verdict(p50 < TARGET_ONE_POSTING_MS)}"
    )
    print(f"{'seekers_for: 1 posting vs all, p90':<44}{p90:>11.2f} ms")
    print(
        f"{'seekers_for: 1 posting vs all, p95':<44}{p95:>11.2f} ms{TARGET_ONE_POSTING_MS:>9.1f} ms  "
        f"{verdict(p95 < TARGET_ONE_POSTING_MS)}"
    )
    print(f"{'postings_for: 1 seeker vs all, p50':<44}{percentile(one_seeker, 0.5):>11.2f} ms")
    print(f"{'postings_for: 1 seeker vs all, p95':<44}{percentile(one_seeker, 0.95):>11.2f} ms")
    print(
        f"\nmachine: {os.cpu_count()} cores, load average {load:.2f} before rank_files, "
        f"{os.getloadavg()[0]:.2f} at the end (other processes share the cores: wall times grow with it)"
    )


if __name__ == "__main__":
    main()
