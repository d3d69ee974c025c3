"""Migrant workers on the relief registry: equal public services for rural and herder migrant
workers living in town, each followed as a case with an outcome (a residence permit, a school
place, housing, an insurance transfer). Its list: the migrant-group households with no case yet.
The track keeps no rows of its own: a case's details say what was asked."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from households.models import Track
from relief import dashboard, rules
from relief.registry import Kind, Pays, register
from relief.registry import Track as ReliefTrack

CODE = "migrant"


TRACK = register(
    ReliefTrack(
        code=CODE,
        name_zh="农牧民工基本公共服务",
        name_en="Migrant workers' public services",
        kind=Kind.CASE,
        pays=Pays.NONE,
        case_kinds=(
            ("residence_permit", gettext_lazy("Residence permit (居住证)")),
            ("schooling", gettext_lazy("Children's schooling (随迁子女入学)")),
            ("housing", gettext_lazy("Housing (住房保障)")),
            ("insurance_transfer", gettext_lazy("Insurance transfer (社保转移接续)")),
        ),
        # A case closed achieved (a permit, a school place...) meets the plan's open migrant goal.
        goal_track=Track.MIGRANT,
        eligibility=rules.case_eligibility,
        prepare=rules.case_prepare,
        rule_text=gettext_lazy(
            "农牧民工: rural and herder migrant workers living in town have the same public services as "
            "residents: a residence permit, their children's school places, housing and the transfer of their "
            "insurance. Each request is followed as a case with the office that decides it until its outcome."
        ),
        order=70,
        extra={
            "urls": "relief.migrant.urls",
            "home": "relief:migrant:households",
            "home_label": gettext_lazy("Migrant households without a case"),
            "staff_only": True,
        },
    )
)


def _without_case(user: Any) -> int:
    from relief.migrant import selectors

    return selectors.households_without_case_for(user).count()


dashboard.register(
    dashboard.DashboardList(
        code="migrant_without_case",
        label=gettext_lazy("Migrant households without a case"),
        count_for=_without_case,
        url_name="relief:migrant:households",
        order=70,
    )
)
