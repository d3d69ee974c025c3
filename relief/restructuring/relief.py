"""Restructuring layoffs on the relief registry: a case track. Each laid-off worker of a layoff
batch has a path followed as a case (kind ``layoff_path``) until an outcome: re-employed (an
ordinary ``jobs`` placement counts by itself), transferred, internal retirement, self-employed, or
still without work; social-security continuation is a case of its own kind."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from households.models import Track
from relief import dashboard, rules
from relief.registry import Kind, Pays, register
from relief.registry import Track as ReliefTrack

CODE = "restructuring"


TRACK = register(
    ReliefTrack(
        code=CODE,
        name_zh="化解过剩产能职工安置",
        name_en="Restructuring layoffs",
        kind=Kind.CASE,
        pays=Pays.NONE,
        case_kinds=(
            ("layoff_path", gettext_lazy("A laid-off worker's path to work")),
            ("insurance_continuation", gettext_lazy("Social-security continuation after the layoff")),
        ),
        goal_track=Track.JOB,
        eligibility=rules.case_eligibility,
        prepare=rules.case_prepare,
        rule_text=gettext_lazy(
            "化解过剩产能职工安置: workers laid off in a merger, bankruptcy, capacity cut or public-institution "
            "reform are followed one by one until they work again (transfer, internal retirement, re-employment, "
            "self-employment) with their social security continued. A placement through 阳光就业 counts by itself."
        ),
        order=60,
        extra={
            "urls": "relief.restructuring.urls",
            "home": "relief:restructuring:enterprises",
            "home_label": gettext_lazy("Enterprises and layoff batches"),
            "api": "relief.restructuring.api",
            "staff_only": True,
        },
    )
)


def _without_work(user: object) -> int:
    from relief.restructuring import selectors

    return selectors.without_work_count_for(user)  # type: ignore[arg-type]


dashboard.register(
    dashboard.DashboardList(
        code="laid_off_without_work",
        label=gettext_lazy("Laid-off workers still without work"),
        count_for=_without_work,
        url_name="relief:restructuring:enterprises",
        order=60,
    )
)
