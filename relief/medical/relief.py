"""Medical aid on the relief registry: claims from bills by the "费用+病种" rule, the members' cover,
and the households with the illness cause whose sick member is not in mutual aid."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import InvalidInput
from funds.money import format_yuan
from households.models import Household, Member, Track
from relief import rules
from relief.medical import defaults
from relief.medical.forms import ClaimForm
from relief.medical.models import Band, Claim, Cover, DiseaseGroup
from relief.medical.rule import relief_for
from relief.models import Application
from relief.registry import Caps, Eligibility, Pays, Prepared, register
from relief.registry import Track as ReliefTrack

CODE = "medical"


def eligibility(member: Member, on: dt.date) -> Eligibility:
    ok, why = rules.in_archive(member)
    if not ok:
        return Eligibility.no(why)
    return Eligibility.yes(_("%(name)s is a member of a household in the archive.") % {"name": member.name})


def _cover_check(member: Member, group: DiseaseGroup, on: dt.date) -> None:
    cover = Cover.objects.filter(member=member).first()
    if group.requires == DiseaseGroup.Requires.BASIC and (cover is None or cover.basic == Cover.Basic.NONE):
        raise InvalidInput(
            _("Relief for %(group)s requires basic medical insurance; %(name)s has none recorded.")
            % {"group": group, "name": member.name},
            field="disease_group",
            code="no_cover",
        )
    if group.requires == DiseaseGroup.Requires.MUTUAL_AID and (cover is None or not cover.in_mutual_aid(on)):
        raise InvalidInput(
            _("Relief for %(group)s requires medical mutual aid membership; %(name)s is not a member on %(day)s.")
            % {"group": group, "name": member.name, "day": on.isoformat()},
            field="disease_group",
            code="no_cover",
        )


def received_in_group(member: Member, group: DiseaseGroup, year: int) -> int:
    counted = Claim.objects.filter(
        member=member,
        disease_group=group,
        year=year,
        is_void=False,
        application__state__in=Application.COUNTED_STATES,
    )
    return int(counted.aggregate(total=Sum("relief"))["total"] or 0)


def prepare(member: Member, data: dict[str, Any], on: dt.date) -> Prepared:
    group: DiseaseGroup = data["disease_group"]
    _cover_check(member, group, on)
    received = received_in_group(member, group, on.year)
    relief = relief_for(
        self_paid=data["self_paid"], bands=Band.objects.all(), yearly_cap=group.yearly_cap, received_this_year=received
    )
    if relief <= 0:
        raise InvalidInput(
            _(
                "The rule gives nothing for this bill: %(name)s has received %(received)s of the %(cap)s a year "
                "for %(group)s."
            )
            % {
                "name": member.name,
                "received": format_yuan(received),
                "cap": format_yuan(group.yearly_cap),
                "group": group,
            },
            field="self_paid",
            code="nothing_to_give",
        )
    return Prepared(
        amount=relief,
        summary=_("Medical aid: %(diagnosis)s (%(group)s), self-paid %(own)s")
        % {"diagnosis": data["diagnosis"], "group": group, "own": format_yuan(data["self_paid"])},
        details={
            "disease_group": group.code,
            "diagnosis": data["diagnosis"],
            "bill_total": data["bill_total"],
            "insured_paid": data["insured_paid"],
            "self_paid": data["self_paid"],
            "bill_numbers": data["bill_numbers"],
            "received_before": received,
        },
    )


def on_created(application: Application, data: dict[str, Any]) -> None:
    Claim.objects.create(
        application=application,
        member=application.member,
        disease_group=data["disease_group"],
        diagnosis=data["diagnosis"][:100],
        year=application.created_at.year,
        bill_total=data["bill_total"],
        insured_paid=data["insured_paid"],
        self_paid=data["self_paid"],
        bill_numbers=data["bill_numbers"][:200],
        relief=application.amount,
    )


def on_refused(application: Application) -> None:
    Claim.objects.filter(application=application).update(is_void=True)


def mutual_aid_gap(members: QuerySet[Member], on: dt.date) -> QuerySet[Member]:
    """Households with the illness cause whose sick member is not in medical mutual aid today: the
    members marked seriously ill (or who claimed) without current membership, and, where nobody is
    marked, the head, so the household is not missed (the plan wants all of them in)."""
    covered_now = Q(medical_cover__mutual_aid_from__lte=on) & (
        Q(medical_cover__mutual_aid_until__isnull=True) | Q(medical_cover__mutual_aid_until__gte=on)
    )
    marked = Cover.objects.filter(member__household=OuterRef("household"), seriously_ill=True)
    claimed = Claim.objects.filter(member=OuterRef("pk"), is_void=False)
    in_illness = members.filter(
        is_current=True,
        household__state=Household.State.ACTIVE,
        household__hardship_causes__code="illness",
    )
    sick = Q(medical_cover__seriously_ill=True) | Exists(claimed)
    unmarked_head = Q(relation=Member.Relation.HEAD) & ~Exists(marked)
    return (
        in_illness.filter(sick | unmarked_head)
        .exclude(covered_now)
        .select_related("household", "medical_cover")
        .distinct()
    )


TRACK = register(
    ReliefTrack(
        code=CODE,
        name_zh="医疗救助",
        name_en="Medical aid",
        eligibility=eligibility,
        prepare=prepare,
        pays=Pays.CASH,
        purpose="medical",
        goal_track=Track.MEDICAL,
        caps=Caps(),  # capped per disease group and year by the rule itself
        review_threshold=1_000_000,  # above ¥10,000 the unit above reviews too
        form=lambda: ClaimForm,
        on_created=on_created,
        on_refused=on_refused,
        worklist=mutual_aid_gap,
        worklist_title=gettext_lazy("Illness households whose sick member is not in medical mutual aid"),
        rule_text=gettext_lazy(
            "“费用+病种”: from the bills (total, paid by insurance, paid by the family) the union pays a share of "
            "what the family paid, by band, up to a yearly cap per disease group and person. Some groups require "
            "basic medical insurance or mutual aid membership; the plan wants every household impoverished by "
            "illness in medical mutual aid."
        ),
        load_defaults=defaults.load,
        order=30,
        extra={
            "urls": "relief.medical.urls",
            "panel": "relief_medical/_panel.html",
            "worklist_link": "relief:medical:cover",
            "worklist_link_label": gettext_lazy("Cover"),
        },
    )
)
