"""Social assistance on the relief registry: one track, seven schemes. Referrals to the civil-affairs
office for the schemes it runs; temporary relief paid by the union; the 应保尽保 worklist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import Conflict
from households.models import Household, Member, Track
from relief import rules
from relief.assistance.forms import AssistanceForm
from relief.assistance.models import PAID_BY_UNION, Referral, Scheme
from relief.models import Application
from relief.registry import Caps, Eligibility, Pays, Prepared, register
from relief.registry import Track as ReliefTrack
from relief.rules import LineTable

CODE = "assistance"


def eligibility(member: Member, on: dt.date) -> Eligibility:
    ok, why = rules.in_archive(member)
    if not ok:
        return Eligibility.no(why)
    return Eligibility.yes(_("%(name)s is a member of a household in the archive.") % {"name": member.name})


def prepare(member: Member, data: dict[str, Any], on: dt.date) -> Prepared:
    scheme = Scheme(data["scheme"])
    household = member.household
    if scheme == Scheme.DIBAO:
        if household.dibao_status == Household.DibaoStatus.RECEIVING:
            raise Conflict(_("The household receives 低保 already."), field="scheme", code="receiving_already")
        below, why = rules.below_line(household, on)
        if below is False:
            raise Conflict(
                _("%(why)s A 低保 referral needs income at or below the line.") % {"why": why},
                field="scheme",
                code="above_line",
            )
    if scheme == Scheme.TEKUN and not any(
        m.is_current and (m.age_on(on) >= 60 or m.work_capacity == Member.WorkCapacity.NONE)
        for m in household.members.all()
    ):
        raise Conflict(
            _("特困供养 is for people unable to work or aged 60 and over; no member of the household is."),
            field="scheme",
            code="not_tekun",
        )
    paid = scheme in PAID_BY_UNION
    summary = (
        _("Temporary relief: %(need)s") % {"need": data["need"][:120]}
        if paid
        else _("Referred to %(office)s for %(scheme)s") % {"office": data["office"], "scheme": scheme.label}
    )
    return Prepared(
        amount=data["amount"] if paid else 0,
        summary=summary,
        details={"scheme": scheme.value, "need": data["need"], "office": data.get("office", "")},
    )


def on_approved(application: Application) -> None:
    scheme = application.details.get("scheme")
    if scheme and scheme not in PAID_BY_UNION:
        Referral.objects.create(
            application=application,
            scheme=scheme,
            office=application.details.get("office", "")[:100],
            referred_on=application.decided_at.date() if application.decided_at else dt.date.today(),
        )


def dibao_gap(members: QuerySet[Member], on: dt.date) -> QuerySet[Member]:
    """应保尽保: heads of active households whose income per head is at or below their region's 低保
    line and with no member of working age fully able to work, who do not receive 低保. Income is
    encrypted, so it is compared here, household by household, for the households in reach."""
    candidates = (
        Household.objects.filter(pk__in=members.values("household_id"), state=Household.State.ACTIVE)
        .exclude(dibao_status=Household.DibaoStatus.RECEIVING)
        .only("id", "region_id", "income_per_head")
    )
    table = LineTable(on.year)
    below = [h.pk for h in candidates if rules.below_line(h, on, table=table)[0] is True]
    able = set(
        Member.objects.filter(
            household_id__in=below,
            is_current=True,
            work_capacity=Member.WorkCapacity.FULL,
            birth_date__lte=on.replace(year=on.year - 16),
            birth_date__gt=on.replace(year=on.year - 60),
        ).values_list("household_id", flat=True)
    )
    gap = [pk for pk in below if pk not in able]
    return members.filter(household_id__in=gap, relation=Member.Relation.HEAD, is_current=True).select_related(
        "household"
    )


TRACK = register(
    ReliefTrack(
        code=CODE,
        name_zh="社会救助",
        name_en="Social assistance",
        eligibility=eligibility,
        prepare=prepare,
        pays=Pays.CASH,
        purpose="assistance",
        goal_track=Track.ASSISTANCE,
        caps=Caps(per_household=300_000),  # temporary relief: ¥3,000 a household a year
        review_threshold=200_000,  # above ¥2,000 the unit above reviews too
        form=lambda: AssistanceForm,
        on_approved=on_approved,
        worklist=dibao_gap,
        worklist_title=gettext_lazy("应保尽保: eligible for 低保 by the line and work capacity, not receiving it"),
        rule_text=gettext_lazy(
            "社会救助兜底: 低保, 特困供养, disaster, education, housing and employment assistance are run by the "
            "civil-affairs office: the union refers the household and records the outcome. Temporary relief "
            "(临时救助) the union pays itself, up to ¥3,000 a household a year. 应保尽保: a household whose income "
            "per head is at or below its region's 低保 line and that has no member of working age fully able to "
            "work should receive 低保."
        ),
        order=40,
        extra={
            "urls": "relief.assistance.urls",
            "panel": "relief_assistance/_panel.html",
            "home": "relief:assistance:referrals",
            "home_label": gettext_lazy("Referrals"),
            # A referral is given when the office's answer is recorded, not by hand.
            "given_elsewhere": True,
        },
    )
)
