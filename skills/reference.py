"""Loading the bundled reference tables (CSCO 2022 occupations, the built-in skill taxonomy).

Functions take the model classes as arguments so that migrations can pass their historical models.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
OCCUPATIONS_CSV = DATA_DIR / "csco2022.csv"
BUILTIN_TAXONOMY = DATA_DIR / "skills.jsonl"

_ALIAS_SPLIT = re.compile(r"[、,，;；]")


def _ancestor_codes(code: str) -> list[str]:
    """2-02-09-04 -> [2-02-09-00, 2-02-00-00, 2-00-00-00]: zero the last non-zero part, repeatedly.

    Some middle groups have no minor groups (1-01-00-01 sits right under 1-01-00-00), so the parent
    is the nearest of these that exists.
    """
    parts = code.split("-")
    result = []
    for i in range(len(parts) - 1, 0, -1):
        if parts[i].strip("0"):
            parts = parts[:i] + ["0" * len(p) for p in parts[i:]]
            result.append("-".join(parts))
    return result


def read_occupations(path: Path = OCCUPATIONS_CSV) -> list[dict[str, Any]]:
    rows = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            # The table repeats four codes (one of them once as a group and once as an
            # occupation); the first entry wins.
            if row["code"].strip() in seen:
                continue
            seen.add(row["code"].strip())
            level = int(row["level"])
            name = row["name"].strip()
            is_digital = is_green = False
            # The classification marks digital occupations with a trailing S and green ones with L.
            suffix = re.search(r"[SL/]+$", name)
            if suffix and suffix.start() > 0:
                is_digital = "S" in suffix.group()
                is_green = "L" in suffix.group()
                name = name[: suffix.start()]
            aliases = [a.strip() for a in _ALIAS_SPLIT.split(row.get("alias") or "") if a.strip()]
            aliases = [re.sub(r"[SL/]+$", "", a) or a for a in aliases]
            rows.append(
                {
                    "code": row["code"].strip(),
                    "level": level,
                    "name": name,
                    "definition": (row.get("definition") or "").strip(),
                    "tasks": (row.get("tasks") or "").strip(),
                    "aliases": [a for a in dict.fromkeys(aliases) if a != name],
                    "is_digital": is_digital,
                    "is_green": is_green,
                    "ancestors": _ancestor_codes(row["code"].strip()),
                }
            )
    return rows


def load_occupations(occupation_model: Any, path: Path = OCCUPATIONS_CSV) -> int:
    """Insert or update every occupation, then link parents. Returns the number of rows."""
    rows = read_occupations(path)
    existing = {o.code: o for o in occupation_model.objects.all()}
    fields = ["level", "name", "definition", "tasks", "aliases", "is_digital", "is_green"]
    new, changed = [], []
    for row in rows:
        values = {f: row[f] for f in fields}
        obj = existing.get(row["code"])
        if obj is None:
            new.append(occupation_model(code=row["code"], **values))
        else:
            for key, value in values.items():
                setattr(obj, key, value)
            changed.append(obj)
    occupation_model.objects.bulk_create(new, batch_size=500)
    occupation_model.objects.bulk_update(changed, fields, batch_size=500)
    by_code = {o.code: o for o in occupation_model.objects.all()}
    linked = []
    for row in rows:
        obj = by_code[row["code"]]
        parent = next((by_code[c] for c in row["ancestors"] if c in by_code), None)
        if obj.parent_id != (parent.pk if parent else None):
            obj.parent = parent
            linked.append(obj)
    occupation_model.objects.bulk_update(linked, ["parent"], batch_size=500)
    return len(rows)
