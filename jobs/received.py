"""Jobs found, for the household's list of what it received (``households.received``)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from households.received import Received
from jobs.models import Placement


def placements(household_ids: list[int]) -> Iterator[Received]:
    rows = (
        Placement.objects.filter(member__household_id__in=household_ids)
        .select_related("member", "employer", "posting")
        .only("start_date", "member__name", "member__household_id", "employer__name", "posting__title")
    )
    for placement in rows:
        yield Received(
            day=placement.start_date,
            programme=_("Sunshine Employment (阳光就业)"),
            what=_("Job: %(title)s at %(employer)s")
            % {"title": placement.posting.title, "employer": placement.employer.name},
            household_id=placement.member.household_id,
            member_name=placement.member.name,
        )
