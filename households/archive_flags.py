"""精准识别: where a household's declared target group contradicts its own data.

A target group is declared by whoever keeps the archive; the members, the 低保 status and the
causes are recorded separately. When they disagree, one of them is wrong, and relief decided on
the wrong one goes to the wrong door (a 低保 household "able to work" with nobody who can work is
sent to job fairs; a household "below the line" that already receives 低保 is counted twice).
These checks read only what the household page has loaded, so they cost no query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from households.models import Household, Member, TargetGroup

WORKING_AGE = (16, 60)
# Causes that make spending jump (the plan's third target group).
SUDDEN_CAUSES = {"illness", "disaster", "accident"}


@dataclass(frozen=True)
class ArchiveFlag:
    code: str
    message: str


def _able_to_work(member: Member, today: dt.date) -> bool:
    low, high = WORKING_AGE
    return (
        member.is_current
        and member.work_capacity in (Member.WorkCapacity.FULL, Member.WorkCapacity.PARTIAL)
        and low <= member.age_on(today) < high
    )


def flags_for(
    household: Household,
    *,
    members: Iterable[Member],
    target_groups: Iterable[TargetGroup | str],
    cause_codes: Iterable[str],
    today: dt.date,
) -> list[ArchiveFlag]:
    """The contradictions between the declared target groups and the archive's data."""
    groups = {getattr(g, "code", g) for g in target_groups}
    causes = set(cause_codes)
    members = list(members)
    dibao = household.dibao_status
    found: list[ArchiveFlag] = []
    if TargetGroup.DIBAO_ABLE in groups:
        if dibao != Household.DibaoStatus.RECEIVING:
            found.append(
                ArchiveFlag(
                    "dibao_able_without_dibao",
                    _("Declared “on 低保 and able to work”, but the household does not receive 低保 (%(status)s).")
                    % {"status": household.get_dibao_status_display()},
                )
            )
        if not any(_able_to_work(m, today) for m in members):
            found.append(
                ArchiveFlag(
                    "dibao_able_without_worker",
                    _("Declared “on 低保 and able to work”, but no current member of working age can work."),
                )
            )
    if TargetGroup.BELOW_LINE in groups and dibao == Household.DibaoStatus.RECEIVING:
        found.append(
            ArchiveFlag(
                "below_line_on_dibao",
                _("Declared “below the 低保 line, not on it”, but the household receives 低保."),
            )
        )
    if TargetGroup.SUDDEN_EXPENSE in groups and not causes & SUDDEN_CAUSES:
        found.append(
            ArchiveFlag(
                "sudden_expense_without_cause",
                _("Declared “sudden expense”, but no illness, disaster or accident is among the causes of hardship."),
            )
        )
    return found
