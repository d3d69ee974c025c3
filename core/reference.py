"""Loading the bundled region table. Takes the model class so migrations can pass theirs."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions.csv"


def read_regions(path: Path = REGIONS_CSV) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    codes = {r["id"] for r in rows}
    result = []
    for row in rows:
        parent = row["parent_id"]
        if parent not in codes:
            # Municipalities list districts under a city code the table leaves out: hang them on
            # the province instead.
            province = row["id"][:2] + "0000"
            parent = province if province in codes and province != row["id"] else None
        result.append(
            {
                "code": row["id"],
                "name": row["name"],
                "short_name": row["short_name"],
                "full_name": row["nerge_name"],
                "level": int(row["deep"]),
                "pinyin": row["pinyin"],
                "parent_code": parent,
            }
        )
    return result


def load_regions(region_model: Any, path: Path = REGIONS_CSV) -> int:
    rows = read_regions(path)
    existing = set(region_model.objects.values_list("code", flat=True))
    fields = ["name", "short_name", "full_name", "level", "pinyin"]
    # Parents first, so foreign keys always point at a row that exists.
    rows.sort(key=lambda r: r["level"])
    new = [
        region_model(code=r["code"], parent_id=r["parent_code"], **{f: r[f] for f in fields})
        for r in rows
        if r["code"] not in existing
    ]
    region_model.objects.bulk_create(new, batch_size=1000)
    changed = [
        region_model(code=r["code"], parent_id=r["parent_code"], **{f: r[f] for f in fields})
        for r in rows
        if r["code"] in existing
    ]
    region_model.objects.bulk_update(changed, [*fields, "parent"], batch_size=1000)
    return len(rows)
