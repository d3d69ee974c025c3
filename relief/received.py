"""Relief benefits, for the household's list of what it received (``households.received``)."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from households.received import Received
from relief.models import Benefit


def benefits(household_ids: list[int]) -> Iterator[Received]:
    rows = Benefit.objects.filter(household_id__in=household_ids).select_related("member").order_by("-received_on")
    for benefit in rows:
        yield Received(
            day=benefit.received_on,
            programme=_track_name(benefit.track),
            what=benefit.summary,
            household_id=benefit.household_id,
            member_name=benefit.member.name,
            amount=benefit.total if benefit.total else None,
            url=reverse("relief:application", args=[benefit.application_id]),
        )


def _track_name(code: str) -> str:
    from relief.registry import tracks

    entry = tracks.get(code)
    return entry.name if entry is not None else code
