"""Importing the archive from a spreadsheet (the union's records arrive as Excel files).

Two phases. *Checking* reads every row of both sheets and collects every problem as
(sheet, row, column, reason), without writing. *Writing* then creates the households, their
members, skills and pairings in one transaction. In the default mode a single bad row means
nothing is written; in the "good rows" mode a household is written when its own row and all of its
member rows are good, and everything else is reported.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import IO, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts import visibility
from accounts.models import OrgUnit, Role, User
from accounts.phones import normalize_phone
from accounts.visibility import Action
from core.db import is_transient, lease_is_free, session_lease
from core.errors import Conflict, DomainError, InvalidInput
from core.maintenance import analyze_database
from core.masking import mask_id_number
from core.models import Region
from core.tasks import enqueue_on_commit
from households import spreadsheet as sheet
from households.id_numbers import parse_id_number
from households.models import HardshipCause, Household, Member, MemberSkill, Pairing, TargetGroup
from skills.understanding import skills_understand_many

logger = logging.getLogger(__name__)
_LIST_SPLIT = re.compile(r"[、,，;；/\s]+")
MAX_ROWS = 200_000
# What the sheets of an upload may unpack to (a zip bomb is refused before any row is read).
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
# The import's page lists this many problems; the downloadable report holds them all.
FIRST_PROBLEMS = 10


@dataclass
class Problem:
    sheet: str
    row: int
    column: str
    reason: str
    value: str = ""


@dataclass
class HouseholdRow:
    row: int
    number: str
    values: dict[str, Any] = field(default_factory=dict)
    members: list[MemberRow] = field(default_factory=list)
    bad: bool = False


@dataclass
class MemberRow:
    row: int
    number: str
    values: dict[str, Any] = field(default_factory=dict)
    skills: list[str] = field(default_factory=list)
    bad: bool = False


@dataclass
class CheckResult:
    households: list[HouseholdRow]
    existing_targets: dict[str, Household]  # member rows that add to households already archived
    orphan_members: list[MemberRow]
    problems: list[Problem]
    total_rows: int

    def good_households(self) -> list[HouseholdRow]:
        return [h for h in self.households if not h.bad and not any(m.bad for m in h.members)]


class ImportFileError(InvalidInput):
    """The file as a whole cannot be read (not a spreadsheet, sheets or headers missing)."""


# --- reading -------------------------------------------------------------------------------------------


def open_workbook(handle: IO[bytes] | bytes) -> Any:
    data = handle if isinstance(handle, bytes) else handle.read()
    if not data.startswith(b"PK"):
        raise ImportFileError(
            _("The file is not an Excel .xlsx spreadsheet. Save it as .xlsx and try again."), field="file"
        )
    # openpyxl is imported where a workbook is opened or written, not at the top: every process
    # imports this module through the task registry, and rank_files never opens a workbook.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # Formulas are kept as formulas (data_only=False) so that they can be refused: a computed
        # value is not stored in files written by many tools, and an ID number must be typed.
        return load_workbook(BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(_("The file cannot be read as an Excel .xlsx spreadsheet."), field="file") from exc


class _RowBudget:
    """Counts the rows read from both sheets and stops the reading at ``MAX_ROWS``, so a file with a
    million rows costs the reading of ``MAX_ROWS`` of them, not of the million."""

    def __init__(self) -> None:
        self.read = 0

    def take(self) -> None:
        self.read += 1
        if self.read > MAX_ROWS:
            raise ImportFileError(_("At most %(n)d rows per file; split the file.") % {"n": MAX_ROWS}, field="file")


def _rows(
    workbook: Any, name: str, columns: list[sheet.Column], problems: list[Problem], budget: _RowBudget | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    if name not in workbook.sheetnames:
        raise ImportFileError(
            _("The sheet “%(name)s” is missing. Use the import template.") % {"name": name}, field="file"
        )
    rows = workbook[name].iter_rows()
    header_cells = next(rows, None)
    if header_cells is None:
        raise ImportFileError(_("The sheet “%(name)s” is empty.") % {"name": name}, field="file")
    headers = [unicodedata.normalize("NFKC", str(c.value or "")).strip() for c in header_cells]
    index: dict[str, int] = {}
    for column in columns:
        if column.header in headers:
            index[column.key] = headers.index(column.header)
        elif column.required:
            raise ImportFileError(
                _("The sheet “%(sheet)s” has no column “%(col)s”. Use the import template.")
                % {"sheet": name, "col": column.header},
                field="file",
            )
    headers_by_key = {c.key: c.header for c in columns}
    for number, cells in enumerate(rows, start=2):
        if budget is not None:
            budget.take()  # every row read counts, empty ones too
        values: dict[str, Any] = {}
        empty = True
        for key, position in index.items():
            cell = cells[position] if position < len(cells) else None
            if cell is None or cell.value is None:
                values[key] = None
                continue
            empty = False
            if getattr(cell, "data_type", None) == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                problems.append(
                    Problem(
                        name,
                        number,
                        headers_by_key[key],
                        _("The cell holds a formula; enter the value itself."),
                        str(cell.value)[:50],
                    )
                )
                values[key] = None
                values.setdefault("__bad__", True)
                continue
            values[key] = cell.value
        if not empty:
            yield number, values


# --- cell parsing --------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    if not match:
        raise ValueError(_("Write dates as YYYY-MM-DD."))
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise ValueError(_("%(text)s is not a real date.") % {"text": text}) from exc


def _decimal(value: Any) -> Decimal | None:
    text = _text(value).replace(",", "").replace("元", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(_("Enter a number.")) from exc
    if not amount.is_finite():
        raise ValueError(_("Enter a number."))
    if amount < 0:
        raise ValueError(_("Cannot be negative."))
    if amount >= 10_000_000:
        raise ValueError(_("Implausibly large."))
    return amount.quantize(Decimal("0.01"))


def _choice(value: Any, words: Mapping[str, str], codes: Iterable[str], default: str | None = None) -> str | None:
    text = _text(value)
    if not text:
        return default
    if text in codes:
        return text
    if text in words:
        return words[text]
    raise ValueError(_("Unknown value; use one of: %(words)s.") % {"words": " / ".join(dict.fromkeys(words))})


def _split(value: Any) -> list[str]:
    return [part for part in _LIST_SPLIT.split(_text(value)) if part]


def _in_chunks(queryset: Any, field_name: str, values: list[Any], size: int = 2000) -> Iterator[Any]:
    """``field__in`` over many values, a chunk at a time (SQLite caps the parameters of a query)."""
    for start in range(0, len(values), size):
        yield from queryset.filter(**{f"{field_name}__in": values[start : start + size]})


# --- checking ------------------------------------------------------------------------------------------


@dataclass
class _Context:
    user: User
    default_unit: OrgUnit
    units_by_code: dict[str, OrgUnit]
    regions: set[str]
    target_groups: dict[str, TargetGroup]
    causes: dict[str, HardshipCause]
    helpers: dict[str, User]


def _context(user: User, default_unit: OrgUnit) -> _Context:
    units = list(visibility.visible_units(user))
    groups = {}
    for group in TargetGroup.objects.all():
        groups[group.code] = groups[group.name_zh] = group
    causes = {}
    for cause in HardshipCause.objects.all():
        causes[cause.code] = causes[cause.name_zh] = cause
    helpers = {}
    for helper in visibility.scope(user, User.objects.filter(role=Role.HELPER, is_active=True), unit="org_unit"):
        helpers[helper.username] = helper
        if helper.phone:
            helpers[helper.phone] = helper
    return _Context(
        user=user,
        default_unit=default_unit,
        units_by_code={u.code: u for u in units if u.code},
        regions=set(Region.objects.values_list("code", flat=True)),
        target_groups=groups,
        causes=causes,
        helpers=helpers,
    )


def _check_household(number: int, raw: dict[str, Any], ctx: _Context, problems: list[Problem]) -> HouseholdRow:
    headers = {c.key: c.header for c in sheet.HOUSEHOLD_COLUMNS}
    row = HouseholdRow(row=number, number=_text(raw.get("number")), bad=bool(raw.get("__bad__")))

    def fail(key: str, reason: str) -> None:
        row.bad = True
        problems.append(Problem(sheet.HOUSEHOLD_SHEET, number, headers[key], reason, _text(raw.get(key))[:50]))

    def parse(key: str, function: Callable[[Any], Any]) -> Any:
        try:
            return function(raw.get(key))
        except (ValueError, DomainError) as exc:
            fail(key, getattr(exc, "message", None) or str(exc))
            return None

    if not row.number:
        fail("number", _("Enter the archive number."))
    elif len(row.number) > 32:
        fail("number", _("At most 32 characters."))
    unit_code = _text(raw.get("unit_code"))
    if unit_code:
        unit = ctx.units_by_code.get(unit_code)
        if unit is None:
            fail("unit_code", _("Unknown unit code, or a unit outside yours."))
        row.values["org_unit"] = unit
    else:
        row.values["org_unit"] = ctx.default_unit
    region = _text(raw.get("region"))
    if region not in ctx.regions:
        fail("region", _("Unknown region code."))
    row.values["region_id"] = region
    address = _text(raw.get("address"))
    if not address:
        fail("address", _("Enter the address."))
    row.values["address"] = address[:200]
    groups, causes = [], []
    for word in _split(raw.get("target_groups")):
        if word in ctx.target_groups:
            groups.append(ctx.target_groups[word])
        else:
            fail("target_groups", _("Unknown target group “%(w)s”.") % {"w": word})
    for word in _split(raw.get("hardship_causes")):
        if word in ctx.causes:
            causes.append(ctx.causes[word])
        else:
            fail("hardship_causes", _("Unknown hardship cause “%(w)s”.") % {"w": word})
    row.values["target_groups"] = groups
    row.values["hardship_causes"] = causes
    row.values["hardship_note"] = _text(raw.get("hardship_note"))
    row.values["income_per_head"] = parse("income_per_head", _decimal)
    row.values["dibao_status"] = parse(
        "dibao_status",
        lambda v: _choice(v, sheet.DIBAO_WORDS, Household.DibaoStatus.values, Household.DibaoStatus.NONE),
    )
    registered = parse("registered_on", _date)
    if registered and registered > timezone.localdate():
        fail("registered_on", _("The date is in the future."))
    row.values["registered_on"] = registered or timezone.localdate()
    row.values["state"] = parse(
        "state",
        lambda v: _choice(
            v, sheet.STATE_WORDS, [Household.State.DRAFT, Household.State.ACTIVE], Household.State.ACTIVE
        ),
    )
    helper_key = _text(raw.get("helper"))
    row.values["helper"] = None
    if helper_key:
        helper = ctx.helpers.get(helper_key)
        if helper is None:
            try:
                helper = ctx.helpers.get(normalize_phone(helper_key))
            except DomainError:
                helper = None
        if helper is None:
            fail("helper", _("No helper with this username or mobile number in your units."))
        row.values["helper"] = helper
    return row


def _check_member(number: int, raw: dict[str, Any], problems: list[Problem]) -> tuple[MemberRow, Any]:
    headers = {c.key: c.header for c in sheet.MEMBER_COLUMNS}
    row = MemberRow(row=number, number=_text(raw.get("number")), bad=bool(raw.get("__bad__")))

    def fail(key: str, reason: str, value: str | None = None) -> None:
        row.bad = True
        shown = value if value is not None else _text(raw.get(key))[:50]
        problems.append(Problem(sheet.MEMBER_SHEET, number, headers[key], reason, shown))

    def parse(key: str, function: Callable[[Any], Any]) -> Any:
        try:
            return function(raw.get(key))
        except (ValueError, DomainError) as exc:
            fail(key, getattr(exc, "message", None) or str(exc))
            return None

    if not row.number:
        fail("number", _("Enter the archive number of the member's household."))
    name = _text(raw.get("name"))
    if not name:
        fail("name", _("Enter the name."))
    row.values["name"] = name[:64]
    row.values["relation"] = parse("relation", lambda v: _choice(v, sheet.RELATION_WORDS, Member.Relation.values))
    if row.values["relation"] is None and not row.bad:
        fail("relation", _("Enter the relation to the head."))
    parsed = None
    try:
        parsed = parse_id_number(raw.get("id_number"))
    except DomainError as exc:
        fail("id_number", exc.message, mask_id_number(_text(raw.get("id_number"))))
    row.values["phone"] = parse("phone", lambda v: normalize_phone(_text(v)) if _text(v) else "")
    row.values["ethnicity"] = _text(raw.get("ethnicity"))[:16]
    row.values["education"] = (
        parse("education", lambda v: _choice(v, sheet.EDUCATION_WORDS, Member.Education.values, "")) or ""
    )
    year = _text(raw.get("graduation_year"))
    row.values["graduation_year"] = None
    if year:
        if not year.isdigit() or not 1950 <= int(year) <= timezone.localdate().year + 6:
            fail("graduation_year", _("Not a plausible year."))
        else:
            row.values["graduation_year"] = int(year)
    row.values["major"] = _text(raw.get("major"))[:64]
    row.values["work_capacity"] = parse(
        "work_capacity",
        lambda v: _choice(v, sheet.CAPACITY_WORDS, Member.WorkCapacity.values, Member.WorkCapacity.FULL),
    )
    row.values["employment_status"] = parse(
        "employment_status",
        lambda v: _choice(
            v, sheet.EMPLOYMENT_WORDS, Member.EmploymentStatus.values, Member.EmploymentStatus.UNEMPLOYED
        ),
    )
    row.values["health"] = _text(raw.get("health"))
    row.values["monthly_income"] = parse("monthly_income", _decimal)
    row.skills = [s[:100] for s in _split(raw.get("skills"))][:30]
    return row, parsed


def check(
    workbook: Any, *, user: User, default_unit: OrgUnit, progress: Callable[[int, int], None] | None = None
) -> CheckResult:
    problems: list[Problem] = []
    ctx = _context(user, default_unit)
    budget = _RowBudget()
    household_raw = list(_rows(workbook, sheet.HOUSEHOLD_SHEET, sheet.HOUSEHOLD_COLUMNS, problems, budget))
    member_raw = list(_rows(workbook, sheet.MEMBER_SHEET, sheet.MEMBER_COLUMNS, problems, budget))
    total = len(household_raw) + len(member_raw)
    if total == 0:
        raise ImportFileError(_("The spreadsheet has no rows to import."), field="file")
    done = 0
    step = 500

    row: HouseholdRow | MemberRow  # the loops below go over the rows of one sheet, then the other
    households: dict[str, HouseholdRow] = {}
    ordered: list[HouseholdRow] = []
    for number, raw in household_raw:
        row = _check_household(number, raw, ctx, problems)
        if row.number and row.number in households:
            row.bad = True
            problems.append(
                Problem(
                    sheet.HOUSEHOLD_SHEET,
                    number,
                    "户编号",
                    _("The same archive number is on row %(r)d.") % {"r": households[row.number].row},
                    row.number,
                )
            )
        elif row.number:
            households[row.number] = row
        ordered.append(row)
        done += 1
        if progress and done % step == 0:
            progress(done, total)

    # Archive numbers that already exist: a household row is refused; member rows may add to it.
    numbers = list(set(households) | {_text(raw.get("number")) for _n, raw in member_raw})
    existing = {h.number: h for h in _in_chunks(Household.objects.select_related("org_unit"), "number", numbers)}
    for row in ordered:
        if row.number in existing and households.get(row.number) is row:
            row.bad = True
            problems.append(
                Problem(
                    sheet.HOUSEHOLD_SHEET,
                    row.row,
                    "户编号",
                    _("Archive number %(n)s is already in the archive.") % {"n": row.number},
                    row.number,
                )
            )

    seen_ids: dict[str, int] = {}
    parsed_by_row: dict[int, Any] = {}
    member_rows: list[MemberRow] = []
    orphans: list[MemberRow] = []
    existing_targets: dict[str, Household] = {}
    for number, raw in member_raw:
        row, parsed = _check_member(number, raw, problems)
        if parsed is not None:
            if parsed.number in seen_ids:
                row.bad = True
                problems.append(
                    Problem(
                        sheet.MEMBER_SHEET,
                        number,
                        "身份证号",
                        _("The same ID number is on row %(r)d.") % {"r": seen_ids[parsed.number]},
                        mask_id_number(parsed.number),
                    )
                )
            else:
                seen_ids[parsed.number] = number
                parsed_by_row[number] = parsed
        target = households.get(row.number)
        if target is not None:
            target.members.append(row)
        elif row.number in existing:
            household = existing[row.number]
            if not visibility.may(user, Action.EDIT_ARCHIVE, household.org_unit):
                # Worded as for a number that does not exist: no confirming archives of other units.
                row.bad = True
                problems.append(
                    Problem(
                        sheet.MEMBER_SHEET,
                        number,
                        "户编号",
                        _("No household %(n)s on the household sheet or in the archive.") % {"n": row.number},
                        row.number,
                    )
                )
            existing_targets[row.number] = household
            orphans.append(row)
        elif row.number:
            row.bad = True
            problems.append(
                Problem(
                    sheet.MEMBER_SHEET,
                    number,
                    "户编号",
                    _("No household %(n)s on the household sheet or in the archive.") % {"n": row.number},
                    row.number,
                )
            )
            orphans.append(row)
        else:
            orphans.append(row)
        row.values["_parsed"] = parsed_by_row.get(number)
        member_rows.append(row)
        done += 1
        if progress and done % step == 0:
            progress(done, total)

    # One query per thousand ID numbers for people already in the archive.
    hashes = {p.lookup_hash: n for n, p in parsed_by_row.items()}
    clashes = {
        hashes[m.id_number_hash]: m
        for m in _in_chunks(Member.objects.select_related("household__org_unit"), "id_number_hash", list(hashes))
    }
    for row in member_rows:
        other = clashes.get(row.row)
        if other is not None:
            row.bad = True
            problems.append(
                Problem(
                    sheet.MEMBER_SHEET,
                    row.row,
                    "身份证号",
                    _("Already in the archive: household %(n)s, %(unit)s.")
                    % {"n": other.household.number, "unit": other.household.org_unit.name},
                    other.id_number_masked,
                )
            )

    # A household has one head.
    for household in ordered:
        heads = [m for m in household.members if m.values.get("relation") == Member.Relation.HEAD]
        if len(heads) > 1:
            for extra in heads[1:]:
                extra.bad = True
                problems.append(
                    Problem(
                        sheet.MEMBER_SHEET,
                        extra.row,
                        "与户主关系",
                        _("Household %(n)s already has a head on row %(r)d.")
                        % {"n": household.number, "r": heads[0].row},
                        "户主",
                    )
                )
        if household.values.get("state") == Household.State.ACTIVE and not heads and not household.bad:
            household.bad = True
            problems.append(
                Problem(
                    sheet.HOUSEHOLD_SHEET,
                    household.row,
                    "户编号",
                    _("An archive in use needs a head of household on the member sheet."),
                    household.number,
                )
            )
    # Rows adding a head to an archived household: it may have one already, or the file may bring two.
    new_heads: dict[str, MemberRow] = {}
    headed = set(
        Member.objects.filter(
            household__in=existing_targets.values(), relation=Member.Relation.HEAD, is_current=True
        ).values_list("household__number", flat=True)
    )
    for row in orphans:
        if row.values.get("relation") != Member.Relation.HEAD or row.number not in existing_targets:
            continue
        if row.number in headed:
            row.bad = True
            problems.append(
                Problem(
                    sheet.MEMBER_SHEET,
                    row.row,
                    "与户主关系",
                    _("Household %(n)s already has a head.") % {"n": row.number},
                    "户主",
                )
            )
        elif row.number in new_heads:
            row.bad = True
            problems.append(
                Problem(
                    sheet.MEMBER_SHEET,
                    row.row,
                    "与户主关系",
                    _("Household %(n)s already has a head on row %(r)d.")
                    % {"n": row.number, "r": new_heads[row.number].row},
                    "户主",
                )
            )
        else:
            new_heads[row.number] = row
    if progress:
        progress(total, total)
    problems.sort(key=lambda p: (p.sheet != sheet.HOUSEHOLD_SHEET, p.row))
    return CheckResult(
        households=ordered,
        existing_targets=existing_targets,
        orphan_members=orphans,
        problems=problems,
        total_rows=total,
    )


# --- writing -------------------------------------------------------------------------------------------


@dataclass
class WriteResult:
    households: int
    members: int


def _member(row: MemberRow, household: Household) -> Member:
    parsed = row.values["_parsed"]
    values = {k: v for k, v in row.values.items() if not k.startswith("_")}
    return Member(
        household=household,
        id_number=parsed.number,
        id_number_hash=parsed.lookup_hash,
        sex=parsed.sex,
        birth_date=parsed.birth_date,
        **values,
    )


@transaction.atomic
def write(result: CheckResult, *, user: User) -> WriteResult:
    """Create the good households (with their members) and the good member rows for households
    already archived. In all-or-nothing mode the caller only gets here when nothing is bad."""
    now = timezone.now()
    today = timezone.localdate()
    good = result.good_households()
    households = []
    for row in good:
        values = row.values
        households.append(
            Household(
                number=row.number,
                org_unit=values["org_unit"],
                region_id=values["region_id"],
                address=values["address"],
                hardship_note=values["hardship_note"],
                income_per_head=values["income_per_head"],
                dibao_status=values["dibao_status"],
                registered_on=values["registered_on"],
                state=values["state"],
                created_by=user,
                activated_on=today if values["state"] == Household.State.ACTIVE else None,
                next_visit_due=today + dt.timedelta(days=30) if values["state"] == Household.State.ACTIVE else None,
            )
        )
    created = bulk_create_with_history(households, Household, batch_size=500, default_user=user, default_date=now)
    # bulk_create_with_history re-reads rows on backends without RETURNING; map by number either way.
    by_number = {h.number: h for h in _in_chunks(Household.objects.all(), "number", [h.number for h in created])}
    group_links, cause_links, members, pairings = [], [], [], []
    for row in good:
        household = by_number[row.number]
        group_links += [
            Household.target_groups.through(household_id=household.pk, targetgroup_id=g.pk)
            for g in dict.fromkeys(row.values["target_groups"])
        ]
        cause_links += [
            Household.hardship_causes.through(household_id=household.pk, hardshipcause_id=c.pk)
            for c in dict.fromkeys(row.values["hardship_causes"])
        ]
        members += [(_member(m, household), m.skills) for m in row.members]
        if row.values["helper"] is not None:
            helper = row.values["helper"]
            pairings.append(Pairing(household=household, helper=helper, helping_unit=helper.org_unit, started_on=today))
    members += [
        (_member(m, result.existing_targets[m.number]), m.skills)
        for m in result.orphan_members
        if not m.bad and m.number in result.existing_targets
    ]
    Household.target_groups.through.objects.bulk_create(group_links, batch_size=1000)
    Household.hardship_causes.through.objects.bulk_create(cause_links, batch_size=1000)
    bulk_create_with_history([m for m, _skills in members], Member, batch_size=500, default_user=user, default_date=now)
    bulk_create_with_history(pairings, Pairing, batch_size=500, default_user=user, default_date=now)
    member_ids = {
        m.id_number_hash: m.pk
        for m in _in_chunks(
            Member.objects.only("id", "id_number_hash"), "id_number_hash", [m.id_number_hash for m, _s in members]
        )
    }
    # Each distinct phrase is resolved once; the ones that cannot be placed go to the review queue.
    understood = skills_understand_many([p for _m, phrases in members for p in phrases])
    skill_rows = []
    for member, phrases in members:
        seen: set[int] = set()
        for phrase in phrases:
            skill_id = understood.get(phrase)
            if skill_id in seen:
                continue
            if skill_id:
                seen.add(skill_id)
            skill_rows.append(
                MemberSkill(
                    member_id=member_ids[member.id_number_hash],
                    phrase=phrase,
                    skill_id=skill_id,
                    source=MemberSkill.Source.IMPORT,
                )
            )
    bulk_create_with_history(skill_rows, MemberSkill, batch_size=1000, default_user=user, default_date=now)
    # The people are matched with open jobs once this commits ("正在计算推荐" meanwhile).
    enqueue_on_commit("matching.match_imported", sorted(member_ids.values()))
    return WriteResult(households=len(good), members=len(members))


# --- the report and the template -----------------------------------------------------------------------


def report_workbook(problems: list[Problem]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("问题清单")
    ws.append(["工作表 sheet", "行 row", "列 column", "原因 reason", "内容 value"])
    for problem in problems:
        ws.append([problem.sheet, problem.row, problem.column, problem.reason, problem.value])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_workbook() -> bytes:
    """An empty template with both sheets, their headers, and one example row each."""
    from openpyxl import Workbook

    workbook = Workbook()
    households = workbook.active
    households.title = sheet.HOUSEHOLD_SHEET
    households.append([c.header for c in sheet.HOUSEHOLD_COLUMNS])
    households.append(
        [
            "150624-2026-000001",
            "",
            "150624",
            "乌兰镇团结路12号",
            "低保且有劳动能力",
            "因病、失业下岗",
            "户主下岗，配偶慢性病",
            "620",
            "享受中",
            "2026-03-01",
            "在档",
            "",
        ]
    )
    members = workbook.create_sheet(sheet.MEMBER_SHEET)
    members.append([c.header for c in sheet.MEMBER_COLUMNS])
    members.append(
        [
            "150624-2026-000001",
            "张三",
            "户主",
            "(18 位身份证号)",
            "13800000000",
            "汉族",
            "高中",
            "",
            "",
            "完全",
            "失业",
            "良好",
            "",
            "电焊、叉车",
        ]
    )
    notes = workbook.create_sheet("填写说明")
    notes.append(["工作表", "列", "必填", "说明"])
    for name, columns in ((sheet.HOUSEHOLD_SHEET, sheet.HOUSEHOLD_COLUMNS), (sheet.MEMBER_SHEET, sheet.MEMBER_COLUMNS)):
        for column in columns:
            notes.append([name, column.header, "是" if column.required else "", str(column.note)])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- the job: upload, check, write -----------------------------------------------------------------------
#
# Reliability. A job is run by the ``households.import_archive`` task and may be run again at any
# moment: its worker killed (the message comes back, ``task_reject_on_worker_lost``), the sweeper
# re-queueing a job nobody works on, an organizer pressing "retry". It is correct by construction:
#
# * one live run at a time: a run holds the job's lease (``core.db.session_lease``, a PostgreSQL
#   session lock that dies with its process); a second delivery finds it held and leaves;
# * the archive rows, the job's "done" and its counts commit in ONE transaction: a job that says
#   "done" has its rows, and a job that does not say "done" has none of them (a run killed while
#   writing rolled back), so the next run simply starts over;
# * every run counts as an attempt; a file that kills its worker every time fails after
#   ``IMPORT_MAX_ATTEMPTS`` with a reason the organizer sees, and can be retried by hand.

LEASE = "households.import"
RUNNING = ("checking", "writing")


def _upload_limit() -> int:
    from django.conf import settings

    return int(settings.IMPORT_MAX_UPLOAD_BYTES)


def _refuse_size() -> None:
    raise ImportFileError(
        _("The file is larger than %(mb)d MB; split it into smaller files.") % {"mb": _upload_limit() // (1024 * 1024)},
        field="file",
    )


def inspect_upload(data: bytes) -> None:
    """The cheap checks done in the request (the rows are read by the worker): an .xlsx file, not
    too large as uploaded nor once unpacked. Raises ``ImportFileError``."""
    if len(data) > _upload_limit():
        _refuse_size()
    if not data.startswith(b"PK"):
        raise ImportFileError(
            _("The file is not an Excel .xlsx spreadsheet. Save it as .xlsx and try again."), field="file"
        )
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(_("The file cannot be read as an Excel .xlsx spreadsheet."), field="file") from exc
    if not any(part.filename == "xl/workbook.xml" for part in parts):
        raise ImportFileError(_("The file cannot be read as an Excel .xlsx spreadsheet."), field="file")
    # A zip can unpack to far more than it weighs; openpyxl streams the sheets, but the work grows
    # with what is unpacked (the row cap below stops a long sheet; this stops a huge cell).
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise ImportFileError(_("The spreadsheet is too large once unpacked; split it."), field="file")


def import_start(*, by: User, org_unit: OrgUnit, upload: Any, mode: str) -> Any:
    """Store the upload and queue the import (through the outbox: the job and its task commit
    together). Only cheap checks run here; the rows are read by a worker, never in the request."""
    import hashlib

    from django.core.files.base import ContentFile

    from households.models import ImportJob

    if not visibility.may(by, Action.IMPORT_ARCHIVE, org_unit):
        raise InvalidInput(_("You cannot import into this unit."), field="org_unit")
    if mode not in ImportJob.Mode.values:
        raise InvalidInput(_("Unknown import mode."), field="mode")
    size = getattr(upload, "size", None)
    if size is not None and size > _upload_limit():
        _refuse_size()  # without reading it
    data = upload.read(_upload_limit() + 1)
    inspect_upload(data)
    name = str(getattr(upload, "name", "import.xlsx"))[-200:]
    with transaction.atomic():
        job = ImportJob(
            uploaded_by=by,
            org_unit=org_unit,
            original_name=name,
            mode=mode,
            checksum=hashlib.sha256(data).hexdigest(),
        )
        job.file.save("import.xlsx", ContentFile(data), save=False)
        job.save()
        enqueue_on_commit("households.import_archive", job.pk)
    return job


def import_run(job_id: int) -> Any:
    """Run one import job to its end; any number of times, at once or after a crash (see above).
    Returns the job as this call left it."""
    from households.models import ImportJob

    with session_lease(LEASE, job_id) as held:
        if not held:
            return ImportJob.objects.get(pk=job_id)  # a live run has it and will finish it
        job = _claim(job_id)
        if job.status != ImportJob.Status.CHECKING:
            return job  # finished, given up, or (SQLite) run by someone else
        try:
            return _run(job)
        except DatabaseError as exc:
            if is_transient(exc):
                raise  # the task runs again (core.tasks.ReliableTask); nothing was half-written
            return _crashed(job)
        except SoftTimeLimitExceeded:
            return _finish(
                job,
                ImportJob.Status.FAILED,
                _("The import took longer than the time allowed and was stopped; nothing was written. Split the file."),
            )
        except Exception:
            return _crashed(job)


def _claim(job_id: int) -> Any:
    """Start an attempt: the job's status, attempt count and heartbeat, in one short transaction."""
    from django.conf import settings

    from households.models import ImportJob

    with transaction.atomic():
        job = ImportJob.objects.select_for_update(of=("self",)).select_related("uploaded_by", "org_unit").get(pk=job_id)
        if job.is_finished:
            return job
        job.attempts += 1
        if job.attempts > settings.IMPORT_MAX_ATTEMPTS:
            job.status, job.finished_at = ImportJob.Status.FAILED, timezone.now()
            job.message = _gave_up(job.attempts - 1)
        else:
            job.status = ImportJob.Status.CHECKING
            job.processed_rows = 0
            job.heartbeat_at = timezone.now()
            if job.attempts > 1:
                job.message = _(
                    "The worker running this import stopped; it was started again (attempt %(n)d of %(max)d)."
                ) % {"n": job.attempts, "max": settings.IMPORT_MAX_ATTEMPTS}
        job.save()
        return job


def _gave_up(attempts: int) -> str:
    return _(
        "The worker running this import stopped %(n)d times, so it was given up; nothing was written. "
        "Retry it, or split the file if it is very large."
    ) % {"n": attempts}


def _finish(job: Any, status: str, message: str, **fields: Any) -> Any:
    """Record how this attempt ended, unless another attempt has taken the job over meanwhile."""
    from households.models import ImportJob

    ImportJob.objects.filter(pk=job.pk, attempts=job.attempts, status__in=RUNNING).update(
        status=status, message=message, finished_at=timezone.now(), **fields
    )
    return ImportJob.objects.get(pk=job.pk)


def _crashed(job: Any) -> Any:
    from households.models import ImportJob

    logger.exception("archive import %s failed", job.pk)
    return _finish(
        job,
        ImportJob.Status.FAILED,
        _("The import failed and nothing was written. The error was logged for the administrator."),
    )


def _run(job: Any) -> Any:
    from django.core.files.base import ContentFile

    from households.models import ImportJob

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk, attempts=job.attempts).update(
            processed_rows=done, total_rows=total, heartbeat_at=timezone.now()
        )

    try:
        with job.file.open("rb") as handle:
            workbook = open_workbook(handle.read())
        result = check(workbook, user=job.uploaded_by, default_unit=job.org_unit, progress=progress)
    except DomainError as exc:
        return _finish(job, ImportJob.Status.REJECTED, exc.message)
    earlier = _earlier_import(job)
    counts = {
        "total_rows": result.total_rows,
        "processed_rows": result.total_rows,
        "error_count": len(result.problems),
        "first_problems": [dataclasses.asdict(p) for p in result.problems[:FIRST_PROBLEMS]],
    }
    report_name = ""
    if result.problems:
        job.report.save("report.xlsx", ContentFile(report_workbook(result.problems)), save=False)
        report_name = job.report.name
    if result.problems and job.mode == ImportJob.Mode.ALL_OR_NOTHING:
        message = _(
            "%(n)d problem(s) found; nothing was imported. Download the report, fix the rows and upload the file again."
        ) % {"n": len(result.problems)}
        return _finish(job, ImportJob.Status.REJECTED, earlier + message, report=report_name, **counts)
    moved = ImportJob.objects.filter(pk=job.pk, attempts=job.attempts, status=ImportJob.Status.CHECKING).update(
        status=ImportJob.Status.WRITING, report=report_name, heartbeat_at=timezone.now(), **counts
    )
    if not moved:
        return ImportJob.objects.get(pk=job.pk)  # another attempt took over
    with transaction.atomic():
        # The job row stays locked until the rows are committed, and "done" commits with them.
        current = ImportJob.objects.select_for_update().get(pk=job.pk)
        if current.attempts != job.attempts or current.status != ImportJob.Status.WRITING:
            return current
        written = write(result, user=job.uploaded_by)
        # Follow-up work on the new rows belongs here, enqueued with ``enqueue_on_commit`` so that it
        # is recorded in this transaction: it exists exactly when the rows and the "done" do.
        current.households_created, current.members_created = written.households, written.members
        current.status, current.finished_at = ImportJob.Status.DONE, timezone.now()
        current.message = _("Imported %(h)d households and %(m)d members.") % {
            "h": written.households,
            "m": written.members,
        }
        if result.problems and not (written.households or written.members):
            # "Imported 0 households" is no success: not one row was good.
            current.status = ImportJob.Status.REJECTED
            current.message = _(
                "No row could be imported: %(n)d problem(s) found. Fix the rows and upload the file again."
            ) % {"n": len(result.problems)}
        elif result.problems:
            current.message += " " + _("%(n)d problem(s) were skipped; see the report.") % {"n": len(result.problems)}
        current.message = earlier + current.message
        current.save()
    if written.households > 1000:
        analyze_database()  # fresh statistics for the planner after a bulk load (core.maintenance)
    return current


def _earlier_import(job: Any) -> str:
    """A note when the same file was imported before, so "0 imported, N problems" explains itself."""
    from households.models import ImportJob

    if not job.checksum:
        return ""
    earlier = (
        ImportJob.objects.filter(checksum=job.checksum, status=ImportJob.Status.DONE, created_at__lt=job.created_at)
        .order_by("-created_at")
        .first()
    )
    if earlier is None:
        return ""
    return _("This file was imported before (import %(id)d on %(day)s: %(h)d households, %(m)d members). ") % {
        "id": earlier.pk,
        "day": timezone.localtime(earlier.finished_at or earlier.created_at).date().isoformat(),
        "h": earlier.households_created,
        "m": earlier.members_created,
    }


# --- after a crash: the sweeper, and retrying by hand --------------------------------------------------------


@dataclass
class SweepResult:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def import_sweep(*, stale_after: int | None = None) -> SweepResult:
    """Find import jobs nobody is working on and queue them again, or give them up after
    ``IMPORT_MAX_ATTEMPTS`` runs (the Celery beat task ``households.sweep_imports``).

    A job is stuck when it is checking or writing and no live run holds its lease (PostgreSQL: the
    run's process died), or has shown no progress for ``IMPORT_STALE_SECONDS`` (SQLite); or when it
    has waited in the queue that long (its message was lost with the broker's data)."""
    from django.conf import settings

    from households.models import ImportJob

    stale = dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS if stale_after is None else stale_after)
    result = SweepResult()
    now = timezone.now()
    for job in ImportJob.objects.filter(status__in=[ImportJob.Status.QUEUED, *RUNNING]).order_by("pk"):
        last = job.heartbeat_at or job.created_at
        free = lease_is_free(LEASE, job.pk)
        if free is False:
            continue  # a live run holds it
        if (job.status == ImportJob.Status.QUEUED or free is None) and last > now - stale:
            continue  # waiting for a worker, or (SQLite) showed progress lately
        unchanged = ImportJob.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts)
        if job.attempts >= settings.IMPORT_MAX_ATTEMPTS:
            if unchanged.update(status=ImportJob.Status.FAILED, message=_gave_up(job.attempts), finished_at=now):
                result.failed.append(job.pk)
            continue
        with transaction.atomic():
            if unchanged.update(
                status=ImportJob.Status.QUEUED,
                heartbeat_at=now,
                message=_("The import was waiting without a worker; it was queued again."),
            ):
                enqueue_on_commit("households.import_archive", job.pk)
                result.requeued.append(job.pk)
    if result.requeued or result.failed:
        logger.warning("import sweep: re-queued %s, gave up %s", result.requeued, result.failed)
    return result


def import_retry(*, job: Any, by: User) -> Any:
    """An organizer queues a failed import again (nothing of it was written)."""
    from households.models import ImportJob

    if not visibility.may(by, Action.IMPORT_ARCHIVE, job.org_unit):
        raise InvalidInput(_("You cannot import into this unit."), field="org_unit")
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not job.can_retry:
            raise Conflict(_("Only a failed import can be retried."))
        job.status, job.attempts, job.processed_rows = ImportJob.Status.QUEUED, 0, 0
        job.finished_at, job.heartbeat_at = None, timezone.now()
        job.message = _("Queued again by %(name)s.") % {"name": by.get_full_name() or by.get_username()}
        job.save()
        enqueue_on_commit("households.import_archive", job.pk)
    return job
