"""Reads of medical aid: the mutual-aid cover gap (for the pages and the assessment app), covers."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from accounts.models import OrgUnit, User
from households.models import Member
from relief import selectors as relief_selectors
from relief.medical.relief import TRACK


def mutual_aid_gap_for(user: User, *, unit: OrgUnit | int | None = None, on: dt.date | None = None) -> QuerySet[Member]:
    """Members of illness households in the user's reach (of ``unit``'s subtree) who should be in
    medical mutual aid and are not today."""
    return relief_selectors.worklist_for(user, TRACK, unit=unit, on=on)
