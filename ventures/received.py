"""Venture aid given, for the household's list of what it received (``households.received``):
loans paid out (the union's, or the bank's the union subsidises), 贴息 refunds, goods in kind."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.money import format_yuan
from households.received import Received
from ventures.models import InKindSupport, Loan, SubsidyClaim


def venture_aid(household_ids: list[int]) -> Iterator[Received]:
    programme = _("Entrepreneurship aid (创业援助)")
    loans = Loan.objects.filter(
        venture__member__household_id__in=household_ids, disbursed_on__isnull=False
    ).select_related("venture__member")
    for loan in loans:
        venture = loan.venture
        yield Received(
            day=loan.disbursed_on or timezone.localdate(),
            programme=programme,
            what=(_("Interest-free loan for %(business)s") if loan.is_union_loan else _("Bank loan for %(business)s"))
            % {"business": venture.business_name},
            household_id=venture.member.household_id,
            member_name=venture.member.name,
            amount=loan.principal,
            url=reverse("ventures:detail", args=[venture.pk]),
        )
    claims = SubsidyClaim.objects.filter(
        loan__venture__member__household_id__in=household_ids, state=SubsidyClaim.State.PAID
    ).select_related("loan__venture__member", "payment_request__transaction")
    for claim in claims:
        venture = claim.loan.venture
        txn = claim.payment_request.transaction
        yield Received(
            day=timezone.localtime(txn.created_at).date() if txn else claim.created_at.date(),
            programme=programme,
            what=_("Interest subsidy %(period)s") % {"period": claim.period},
            household_id=venture.member.household_id,
            member_name=venture.member.name,
            amount=claim.refund,
            url=reverse("ventures:detail", args=[venture.pk]),
        )
    goods = InKindSupport.objects.filter(
        venture__member__household_id__in=household_ids, state=InKindSupport.State.PAID
    ).select_related("venture__member", "payment_request__transaction")
    for support in goods:
        venture = support.venture
        txn = support.payment_request.transaction
        yield Received(
            day=timezone.localtime(txn.created_at).date() if txn else support.created_at.date(),
            programme=programme,
            what=_("Goods from %(supplier)s (%(value)s)")
            % {"supplier": support.supplier, "value": format_yuan(support.value)},
            household_id=venture.member.household_id,
            member_name=venture.member.name,
            amount=support.value,
            url=reverse("ventures:detail", args=[venture.pk]),
        )
