"""Import of 10,000 household rows (with their members) from a spreadsheet.

    python benchmarks/bench_import.py [--households 10000]

Target (issue 2): under 60 s on the embedded default (SQLite). Prints the time to build the file
(not counted), the checking and writing phases together, and rows per second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from io import BytesIO

from _setup import start


def build_workbook(households: int) -> tuple[bytes, int]:
    from openpyxl import Workbook

    from households import spreadsheet as sheet
    from households.id_numbers import make_id_number

    rng = random.Random(11)
    workbook = Workbook(write_only=True)
    hs = workbook.create_sheet(sheet.HOUSEHOLD_SHEET)
    ms = workbook.create_sheet(sheet.MEMBER_SHEET)
    hs.append([c.header for c in sheet.HOUSEHOLD_COLUMNS])
    ms.append([c.header for c in sheet.MEMBER_COLUMNS])
    used: set[str] = set()
    members = 0

    def id_for(birth: dt.date, male: bool) -> str:
        region = "150624" if birth.year >= 2001 else "152725"
        while True:
            number = make_id_number(region, birth, rng.randrange(0, 500) * 2 + (1 if male else 0))
            if number not in used:
                used.add(number)
                return number

    for i in range(households):
        number = f"B-{i:06d}"
        hs.append(
            [
                number,
                "",
                "150624",
                f"乌兰镇团结路{i}号",
                "低保且有劳动能力、农牧民工",
                "因病、失业下岗",
                "",
                str(rng.randrange(300, 1500)),
                "享受中",
                "2025-03-01",
                "在档",
                "",
            ]
        )
        head_birth = dt.date(1970 + rng.randrange(0, 25), rng.randrange(1, 13), rng.randrange(1, 28))
        ms.append(
            [
                number,
                f"户主{i}",
                "户主",
                id_for(head_birth, True),
                "13800000000",
                "汉族",
                "初中",
                "",
                "",
                "完全",
                "失业",
                "良好",
                "",
                "电焊、叉车、开出租",
            ]
        )
        members += 1
        for k in range(rng.choice([0, 1, 1, 2, 2, 3])):
            birth = dt.date(1995 + rng.randrange(0, 25), rng.randrange(1, 13), rng.randrange(1, 28))
            ms.append(
                [
                    number,
                    f"成员{i}-{k}",
                    "子女",
                    id_for(birth, k % 2 == 0),
                    "",
                    "汉族",
                    "高中",
                    "",
                    "",
                    "完全",
                    "在校",
                    "良好",
                    "",
                    "",
                ]
            )
            members += 1
    out = BytesIO()
    workbook.save(out)
    return out.getvalue(), members


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=10_000)
    args = parser.parse_args()
    start()
    from accounts.models import OrgUnit, Role, User
    from households import importing
    from households.models import Household, ImportJob, Member

    unit = OrgUnit.objects.create(name="鄂托克旗总工会", kind=OrgUnit.Kind.FEDERATION, code="ETK")
    user = User.objects.create(username="bench", role=Role.ORGANIZER, org_unit=unit)

    t0 = time.perf_counter()
    data, members = build_workbook(args.households)
    built = time.perf_counter() - t0

    class Upload(BytesIO):
        name = "bench.xlsx"

    t0 = time.perf_counter()
    job = importing.import_start(by=user, org_unit=unit, upload=Upload(data), mode=ImportJob.Mode.ALL_OR_NOTHING)
    job = importing.import_run(job.pk) if not ImportJob.objects.get(pk=job.pk).is_finished else job
    elapsed = time.perf_counter() - t0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    rows = args.households + members
    print(
        f"file: {args.households} household rows + {members} member rows, {len(data) / 1e6:.1f} MB "
        f"(built in {built:.1f} s, not counted)"
    )
    print(
        f"import (check + write): {elapsed:.1f} s  -> {rows / elapsed:,.0f} rows/s  "
        f"[target: 10,000 households under 60 s]"
    )
    print(f"in the database: {Household.objects.count()} households, {Member.objects.count()} members")


if __name__ == "__main__":
    main()
