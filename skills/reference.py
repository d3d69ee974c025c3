"""Loading the bundled reference tables (CSCO 2022 occupations, the built-in skill taxonomy).

Functions take the model classes as arguments so that migrations can pass their historical models.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ml.occupations import ancestor_codes, read_csco

DATA_DIR = Path(__file__).resolve().parent / "data"
OCCUPATIONS_CSV = DATA_DIR / "csco2022.csv"
BUILTIN_TAXONOMY = DATA_DIR / "skills.jsonl"


def read_occupations(path: Path = OCCUPATIONS_CSV) -> list[dict[str, Any]]:
    """The CSCO table as rows for the database (parsing: ``ml.occupations.read_csco``).

    ``ancestors`` lists every possible parent code, nearest first; the loader links the nearest
    that exists (some middle groups have no minor groups: 1-01-00-01 sits under 1-01-00-00).
    """
    return [
        {
            "code": entry.code,
            "level": entry.level,
            "name": entry.name,
            "definition": entry.definition,
            "tasks": entry.tasks,
            "aliases": list(entry.aliases),
            "is_digital": entry.is_digital,
            "is_green": entry.is_green,
            "ancestors": ancestor_codes(entry.code),
        }
        for entry in read_csco(path)
    ]


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
