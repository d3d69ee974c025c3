"""Reading and writing a skill taxonomy as JSON Lines, one skill a line.

    {"id": "logistics.forklift", "name_zh": "叉车驾驶", "name_en": "Forklift operation",
     "synonyms": ["叉车", "开叉车"], "category": "logistics"}

``id``, ``name_zh``, ``name_en`` and ``synonyms`` are required; ``category``, ``description`` and
``occupations`` (CSCO codes) are optional. Every problem is reported with its line number, and a
form claimed by two skills is an error: the resolver must never have to guess between them.

``parse`` is strict (the database import uses it). ``parse_lenient`` reads someone else's file for
resolving only: a form two skills claim is reported as a warning and left out of both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from ml.text import normalize


@dataclass(frozen=True)
class TaxonomyEntry:
    id: str
    name_zh: str
    name_en: str
    synonyms: tuple[str, ...] = ()
    category: str = ""
    description: str = ""
    occupations: tuple[str, ...] = field(default=())

    def forms(self) -> list[str]:
        """Every written form of the skill: both names first, then the synonyms."""
        return [self.name_zh, self.name_en, *self.synonyms]

    def as_json(self) -> str:
        data: dict[str, object] = {
            "id": self.id,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "synonyms": list(self.synonyms),
        }
        if self.category:
            data["category"] = self.category
        if self.description:
            data["description"] = self.description
        if self.occupations:
            data["occupations"] = list(self.occupations)
        return json.dumps(data, ensure_ascii=False)


@dataclass
class TaxonomyProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class TaxonomyFormatError(ValueError):
    def __init__(self, problems: list[TaxonomyProblem]) -> None:
        self.problems = problems
        super().__init__(
            "; ".join(str(p) for p in problems[:20])
            + (f"; and {len(problems) - 20} more" if len(problems) > 20 else "")
        )


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _parse_line(number: int, raw: str) -> TaxonomyEntry | TaxonomyProblem:
    """One line of the file: an entry, or the problem that makes the line unusable."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return TaxonomyProblem(number, f"not valid JSON ({exc.msg})")
    if not isinstance(data, dict):
        return TaxonomyProblem(number, "a line must be a JSON object")
    missing = [key for key in ("id", "name_zh", "name_en") if not _text(data.get(key))]
    synonyms = data.get("synonyms")
    if synonyms is None:
        missing.append("synonyms")
    if missing:
        return TaxonomyProblem(number, f"missing or empty: {', '.join(missing)}")
    if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
        return TaxonomyProblem(number, "synonyms must be a list of strings")
    occupations = data.get("occupations") or []
    if not isinstance(occupations, list) or not all(isinstance(s, str) for s in occupations):
        return TaxonomyProblem(number, "occupations must be a list of CSCO codes")
    return TaxonomyEntry(
        id=data["id"].strip(),
        name_zh=data["name_zh"].strip(),
        name_en=data["name_en"].strip(),
        synonyms=tuple(dict.fromkeys(s.strip() for s in synonyms if s.strip())),
        category=(_text(data.get("category")) or ""),
        description=(_text(data.get("description")) or ""),
        occupations=tuple(occupations),
    )


def parse(lines: Iterable[str]) -> list[TaxonomyEntry]:
    """Parse and check a whole taxonomy; raise ``TaxonomyFormatError`` listing every problem."""
    entries: list[TaxonomyEntry] = []
    problems: list[TaxonomyProblem] = []
    seen_ids: dict[str, int] = {}
    owner_of_form: dict[str, tuple[str, int]] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        entry = _parse_line(number, raw)
        if isinstance(entry, TaxonomyProblem):
            problems.append(entry)
            continue
        if entry.id in seen_ids:
            problems.append(TaxonomyProblem(number, f"id {entry.id!r} already used on line {seen_ids[entry.id]}"))
            continue
        seen_ids[entry.id] = number
        for form in entry.forms():
            key = normalize(form)
            if not key:
                continue
            owner = owner_of_form.get(key)
            if owner and owner[0] != entry.id:
                problems.append(TaxonomyProblem(number, f"{form!r} is also claimed by {owner[0]!r} (line {owner[1]})"))
            else:
                owner_of_form[key] = (entry.id, number)
        entries.append(entry)
    if problems:
        raise TaxonomyFormatError(problems)
    return entries


def parse_lenient(lines: Iterable[str]) -> tuple[list[TaxonomyEntry], list[TaxonomyProblem]]:
    """Parse an external taxonomy (someone else's file, read only to resolve against it).

    Malformed lines and duplicate ids are still fatal (``TaxonomyFormatError`` naming every line at
    fault). A form that two or more skills claim is not: it is reported in the returned warnings
    (naming every claimant and its line) and dropped from the synonyms of all of them. A name stays
    the skill's name, but a resolver ignores a form several skills share, names included.
    """
    entries: list[TaxonomyEntry] = []
    lines_of: dict[str, int] = {}
    problems: list[TaxonomyProblem] = []
    claims: dict[str, list[tuple[str, int, str]]] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        entry = _parse_line(number, raw)
        if isinstance(entry, TaxonomyProblem):
            problems.append(entry)
            continue
        if entry.id in lines_of:
            problems.append(TaxonomyProblem(number, f"id {entry.id!r} already used on line {lines_of[entry.id]}"))
            continue
        lines_of[entry.id] = number
        for form in entry.forms():
            key = normalize(form)
            if key and all(claimant != entry.id for claimant, _n, _f in claims.get(key, ())):
                claims.setdefault(key, []).append((entry.id, number, form))
        entries.append(entry)
    if problems:
        raise TaxonomyFormatError(problems)
    warnings: list[TaxonomyProblem] = []
    ambiguous: set[str] = set()
    for key, claimants in claims.items():
        if len(claimants) < 2:
            continue
        ambiguous.add(key)
        first_id, first_line, form = claimants[0]
        others = ", ".join(f"{claimant!r} (line {line})" for claimant, line, _f in claimants[1:])
        warnings.append(
            TaxonomyProblem(
                claimants[1][1],
                f"{form!r} is claimed by {first_id!r} (line {first_line}) and by {others}; dropped from all of them",
            )
        )
    warnings.sort(key=lambda p: p.line)
    if ambiguous:
        entries = [replace(e, synonyms=tuple(s for s in e.synonyms if normalize(s) not in ambiguous)) for e in entries]
    return entries, warnings


def dump(entries: Iterable[TaxonomyEntry]) -> Iterator[str]:
    for entry in entries:
        yield entry.as_json() + "\n"
