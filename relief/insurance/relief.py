"""Social insurance on the relief registry: a case track (arrears, retirement blocked by arrears,
transfer and continuation after a job ends, unpaid unemployment or work-injury benefits), and the
lists the plan wants worked through: members of working age without pension insurance, and the
employers with open arrears cases."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from households.models import Track
from relief import dashboard, rules
from relief.registry import Kind, Pays, register
from relief.registry import Track as ReliefTrack

CODE = "insurance"


TRACK = register(
    ReliefTrack(
        code=CODE,
        name_zh="社会保险",
        name_en="Social insurance",
        kind=Kind.CASE,
        pays=Pays.NONE,
        case_kinds=(
            ("arrears", gettext_lazy("Arrears (欠缴)")),
            ("retirement_blocked", gettext_lazy("Retirement blocked by arrears")),
            ("transfer", gettext_lazy("Transfer and continuation (接续、转移)")),
            ("unpaid_benefit", gettext_lazy("Unpaid unemployment or work-injury benefit")),
        ),
        goal_track=Track.INSURANCE,
        eligibility=rules.case_eligibility,
        prepare=rules.case_prepare,
        rule_text=gettext_lazy(
            "社会保险: each member's pension, medical, unemployment and work-injury insurance is recorded; an "
            "employer's arrears, a retirement blocked by arrears, a transfer after a job ends or an unpaid benefit "
            "is followed as a case with 人社 or 医保 until it is settled. Members of working age without pension "
            "insurance are to be enrolled."
        ),
        order=50,
        extra={
            "urls": "relief.insurance.urls",
            "home": "relief:insurance:uninsured",
            "home_label": gettext_lazy("Without pension insurance"),
            "api": "relief.insurance.api",
            "staff_only": True,
            "case_panel": "relief_insurance/_case_panel.html",
        },
    )
)


def _uninsured(user: Any) -> int:
    from relief.insurance import selectors

    return selectors.without_pension_for(user).count()


def _employers(user: Any) -> int:
    from relief.insurance import selectors

    return len(selectors.employers_in_arrears_for(user))


dashboard.register(
    dashboard.DashboardList(
        code="without_pension",
        label=gettext_lazy("Working-age members without pension insurance"),
        count_for=_uninsured,
        url_name="relief:insurance:uninsured",
        order=50,
    )
)
dashboard.register(
    dashboard.DashboardList(
        code="employers_in_arrears",
        label=gettext_lazy("Employers with open insurance arrears"),
        count_for=_employers,
        url_name="relief:insurance:employers",
        order=51,
    )
)
