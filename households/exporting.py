"""Exporting the archive to the import template (so an export can be edited and imported again).

ID numbers are masked unless the exporting person's role may see them and they state a purpose;
then every member in the file gets an access-log row.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action
from core import spreadsheets
from core.errors import Forbidden, InvalidInput
from core.masking import mask_id_number
from households import services
from households import spreadsheet as sheet
from households.models import Household, Member, MemberSkill, Pairing

MAX_EXPORT_HOUSEHOLDS = 50_000


def export_workbook(
    *,
    by: User,
    households: QuerySet[Household],
    full_id_numbers: bool = False,
    note: str = "",
    ip_address: str | None = None,
) -> bytes:
    """``households`` must come from a selector (already scoped to ``by``)."""
    if not visibility.may(by, Action.EXPORT_ARCHIVE):
        raise Forbidden(_("Your role does not allow exporting the archive."))
    if full_id_numbers:
        if not visibility.may(by, Action.REVEAL_ID_NUMBER):
            raise Forbidden(_("Your role does not allow full ID numbers."))
        if not note.strip():
            raise InvalidInput(_("Say why the export needs full ID numbers."), field="note")
    count = households.count()
    if count > MAX_EXPORT_HOUSEHOLDS:
        raise InvalidInput(_("At most %(n)d households per export; narrow the filters.") % {"n": MAX_EXPORT_HOUSEHOLDS})
    households = households.prefetch_related(
        "target_groups",
        "hardship_causes",
        Prefetch(
            "members",
            queryset=Member.objects.filter(is_current=True)
            .prefetch_related(Prefetch("skills", queryset=MemberSkill.objects.select_related("skill")))
            .order_by("id"),
        ),
        Prefetch(
            "pairings",
            queryset=Pairing.objects.filter(ended_on__isnull=True).select_related("helper"),
            to_attr="export_pairings",
        ),
    ).select_related("org_unit")
    # Every cell through core.spreadsheets: what people typed stays text, never a formula.
    workbook = spreadsheets.new_workbook()
    household_sheet = workbook.create_sheet(sheet.HOUSEHOLD_SHEET)
    member_sheet = workbook.create_sheet(sheet.MEMBER_SHEET)
    spreadsheets.append_row(household_sheet, [c.header for c in sheet.HOUSEHOLD_COLUMNS])
    spreadsheets.append_row(member_sheet, [c.header for c in sheet.MEMBER_COLUMNS])
    exported: list[Member] = []
    for household in households.iterator(chunk_size=500):
        pairing = household.export_pairings[0] if household.export_pairings else None
        spreadsheets.append_row(
            household_sheet,
            [
                household.number,
                household.org_unit.code or "",
                household.region_id,
                household.address,
                "、".join(g.name_zh for g in household.target_groups.all()),
                "、".join(c.name_zh for c in household.hardship_causes.all()),
                household.hardship_note,
                _number(household.income_per_head),
                sheet.label_for(sheet.DIBAO_WORDS, household.dibao_status),
                household.registered_on.isoformat(),
                sheet.label_for(sheet.STATE_WORDS, household.state)
                if household.state in (Household.State.DRAFT, Household.State.ACTIVE)
                else household.get_state_display(),
                pairing.helper.username if pairing else "",
            ],
        )
        for member in household.members.all():
            spreadsheets.append_row(member_sheet, _member_row(household, member, full_id_numbers))
            exported.append(member)
    # Income and health are always in the file; full ID numbers only on request.
    fields = "id_number,health,income" if full_id_numbers else "health,income"
    services.sensitive_export_logged(by=by, members=exported, fields=fields, note=note, ip_address=ip_address)
    return spreadsheets.workbook_bytes(workbook)


def _number(value: Any) -> str:
    return "" if value is None else str(value)


def _member_row(household: Household, member: Member, full: bool) -> list[Any]:
    return [
        household.number,
        member.name,
        sheet.label_for(sheet.RELATION_WORDS, member.relation),
        member.id_number if full else mask_id_number(member.id_number),
        member.phone,
        member.ethnicity,
        sheet.label_for(sheet.EDUCATION_WORDS, member.education) if member.education else "",
        member.graduation_year or "",
        member.major,
        sheet.label_for(sheet.CAPACITY_WORDS, member.work_capacity),
        sheet.label_for(sheet.EMPLOYMENT_WORDS, member.employment_status),
        member.health,
        _number(member.monthly_income),
        "、".join(s.phrase for s in member.skills.all()),
    ]
