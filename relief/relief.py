"""The relief core's own entries (discovered like a track module's ``relief.py``): the case lists
counted on the staff dashboard."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from relief import case_selectors
from relief.dashboard import DashboardList, register

register(
    DashboardList(
        code="my_overdue_cases",
        label=_("My relief cases past their next action"),
        count_for=lambda u: case_selectors.helper_overdue_for(u).count(),
        url_name="relief:cases",
        query="mine=1&overdue=1",
        tone="alert",
        order=10,
    )
)
register(
    DashboardList(
        code="unit_overdue_cases",
        label=_("Overdue relief cases of the unit"),
        count_for=lambda u: case_selectors.unit_overdue_for(u).count(),
        url_name="relief:cases",
        query="overdue=1",
        tone="alert",
        order=11,
    )
)
