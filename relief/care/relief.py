"""Care on the relief registry: aid to single mothers and seriously ill women workers, a track of
applications that pays through ``funds`` (purpose ``care``) like 送温暖 or medical aid, and the
register of rest stations and nursing rooms (``relief/care/services.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import Conflict
from households.models import Member, Track
from relief import dashboard, rules
from relief.care.forms import CareAidForm
from relief.registry import Caps, Eligibility, Pays, Prepared, register
from relief.registry import Track as ReliefTrack

CODE = "care"
REASONS = {"single_mother": gettext_lazy("single mother"), "serious_illness": gettext_lazy("serious illness")}


def eligibility(member: Member, on: dt.date) -> Eligibility:
    ok, why = rules.in_archive(member)
    if not ok:
        return Eligibility.no(why)
    if member.sex != Member.Sex.FEMALE:
        return Eligibility.no(_("This aid is for women workers."))
    return Eligibility.yes(_("%(name)s is a woman worker of a household in the archive.") % {"name": member.name})


def prepare(member: Member, data: dict[str, Any], on: dt.date) -> Prepared:
    if member.sex != Member.Sex.FEMALE:
        raise Conflict(_("This aid is for women workers."), field="member", code="not_a_woman")
    reason = str(data["reason"])
    return Prepared(
        amount=int(data["amount"]),
        summary=_("Care aid (%(reason)s): %(need)s")
        % {"reason": REASONS.get(reason, reason), "need": data["need"][:100]},
        details={"reason": reason, "need": data["need"]},
    )


TRACK = register(
    ReliefTrack(
        code=CODE,
        name_zh="女职工关爱",
        name_en="Care for women workers",
        eligibility=eligibility,
        prepare=prepare,
        pays=Pays.CASH,
        purpose="care",
        goal_track=Track.CARE,
        caps=Caps(per_household=500_000),  # ¥5,000 a household a year
        review_threshold=300_000,
        form=lambda: CareAidForm,
        rule_text=gettext_lazy(
            "关爱女职工: aid to single mothers and seriously ill women workers of households in the archive, paid "
            "through the union's fund, up to ¥5,000 a household a year (above ¥3,000 the unit above reviews too). "
            "Rest stations (爱心驿站) and nursing rooms (爱心妈咪小屋) are kept in the register."
        ),
        order=80,
        extra={
            "urls": "relief.care.urls",
            "home": "relief:care:stations",
            "home_label": gettext_lazy("Rest stations and nursing rooms"),
            "api": "relief.care.api",
        },
    )
)


def _stations(user: Any) -> int:
    from relief.care import selectors

    return selectors.station_list_for(user).count()


def _sanitation(user: Any) -> int:
    from relief.care import selectors

    return selectors.sanitation_workers_for(user).count()


dashboard.register(
    dashboard.DashboardList(
        code="care_stations",
        label=gettext_lazy("Rest stations and nursing rooms"),
        count_for=_stations,
        url_name="relief:care:stations",
        tone="",
        order=80,
    )
)
dashboard.register(
    dashboard.DashboardList(
        code="sanitation_workers",
        label=gettext_lazy("Sanitation workers marked for care"),
        count_for=_sanitation,
        url_name="relief:care:events",
        tone="",
        order=81,
    )
)
