"""Importing the archive from a spreadsheet (the union's records arrive as Excel files).

Two phases. *Checking* reads every row of both sheets and collects every problem as
(sheet, row, column, reason), without writing. *Writing* then creates the households, their
members, skills and pairings in one transaction. In the default mode a single bad row means
nothing is written; in the "good rows" mode a household is written when its own row and all of its
member rows are good, and everything else is reported.
"""

from __future__ import annotations

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

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from simple_history.utils import bulk_create_with_history

from accounts import visibility
from accounts.models import OrgUnit, Role, User
from accounts.phones import normalize_phone
from accounts.visibility import Action
from core.errors import DomainError, InvalidInput
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
    try:
        # Formulas are kept as formulas (data_only=False) so that they can be refused: a computed
        # value is not stored in files written by many tools, and an ID number must be typed.
        return load_workbook(BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(_("The file cannot be read as an Excel .xlsx spreadsheet."), field="file") from exc


def _rows(
    workbook: Any, name: str, columns: list[sheet.Column], problems: list[Problem]
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
    household_raw = list(_rows(workbook, sheet.HOUSEHOLD_SHEET, sheet.HOUSEHOLD_COLUMNS, problems))
    member_raw = list(_rows(workbook, sheet.MEMBER_SHEET, sheet.MEMBER_COLUMNS, problems))
    total = len(household_raw) + len(member_raw)
    if total == 0:
        raise ImportFileError(_("The spreadsheet has no rows to import."), field="file")
    if total > MAX_ROWS:
        raise ImportFileError(_("At most %(n)d rows per file; split the file.") % {"n": MAX_ROWS}, field="file")
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
            notes.append([name, column.header, "是" if column.required else "", column.note])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- the job: upload, check, write -----------------------------------------------------------------------


def import_start(*, by: User, org_unit: OrgUnit, upload: Any, mode: str) -> Any:
    """Store the upload and queue the import. A file that is not a spreadsheet is refused at once."""
    from django.core.files.base import ContentFile

    from households.models import ImportJob

    if not visibility.may(by, Action.IMPORT_ARCHIVE, org_unit):
        raise InvalidInput(_("You cannot import into this unit."), field="org_unit")
    if mode not in ImportJob.Mode.values:
        raise InvalidInput(_("Unknown import mode."), field="mode")
    data = upload.read()
    open_workbook(data)  # fails fast with a clear message when it is not an .xlsx file
    name = str(getattr(upload, "name", "import.xlsx"))[-200:]
    with transaction.atomic():
        job = ImportJob(uploaded_by=by, org_unit=org_unit, original_name=name, mode=mode)
        job.file.save("import.xlsx", ContentFile(data), save=False)
        job.save()
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from households.tasks import import_archive

    import_archive.delay(job_id)


def import_run(job_id: int) -> Any:
    """Run one import job to its end. Safe to call twice: a finished job is left alone."""
    from django.core.files.base import ContentFile

    from households.models import ImportJob

    job = ImportJob.objects.select_related("uploaded_by", "org_unit").get(pk=job_id)
    if job.is_finished or job.status == ImportJob.Status.WRITING:
        return job

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    job.status = ImportJob.Status.CHECKING
    job.save(update_fields=["status"])
    try:
        with job.file.open("rb") as handle:
            workbook = open_workbook(handle.read())
        result = check(workbook, user=job.uploaded_by, default_unit=job.org_unit, progress=progress)
    except DomainError as exc:
        job.status, job.message, job.finished_at = ImportJob.Status.REJECTED, exc.message, timezone.now()
        job.save(update_fields=["status", "message", "finished_at"])
        return job
    job.total_rows = job.processed_rows = result.total_rows
    job.error_count = len(result.problems)
    if result.problems:
        job.report.save("report.xlsx", ContentFile(report_workbook(result.problems)), save=False)
    if result.problems and job.mode == ImportJob.Mode.ALL_OR_NOTHING:
        job.status = ImportJob.Status.REJECTED
        job.message = _(
            "%(n)d problem(s) found; nothing was imported. Download the report, fix the rows and upload the file again."
        ) % {"n": len(result.problems)}
        job.finished_at = timezone.now()
        job.save()
        return job
    job.status = ImportJob.Status.WRITING
    job.save()
    try:
        written = write(result, user=job.uploaded_by)
    except Exception:  # the transaction rolled back; record it and keep the job visible
        logger.exception("archive import %s failed while writing", job.pk)
        job.status, job.finished_at = ImportJob.Status.FAILED, timezone.now()
        job.message = _("The import failed and nothing was written. The error was logged for the administrator.")
        job.save(update_fields=["status", "message", "finished_at"])
        return job
    if written.households > 1000:
        analyze_database()  # fresh statistics for the planner after a bulk load (core.maintenance)
    job.households_created, job.members_created = written.households, written.members
    job.status = ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.message = _("Imported %(h)d households and %(m)d members.") % {"h": written.households, "m": written.members}
    if result.problems:
        job.message += " " + _("%(n)d problem(s) were skipped; see the report.") % {"n": len(result.problems)}
    job.save()
    return job
