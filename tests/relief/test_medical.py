"""Medical aid: claims computed by the "费用+病种" rule from the bills, cover required where the rule
says so, and the households with the illness cause whose sick member is not in mutual aid."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.errors import InvalidInput
from households.models import HardshipCause
from relief import services
from relief.medical import selectors
from relief.medical.models import Band, Claim, Cover, DiseaseGroup
from relief.medical.rule import relief_by_bands, relief_for
from relief.medical.services import cover_update
from relief.models import Application
from tests.funds.conftest import yuan
from tests.relief.conftest import ReliefWorld, paid

pytestmark = pytest.mark.django_db


def _claim(**kwargs: Any) -> dict[str, Any]:
    data = {
        "disease_group": DiseaseGroup.objects.get(code="major").pk,
        "diagnosis": "肺癌",
        "bill_total": "60000",
        "insured_paid": "36000",
        "self_paid": "24000",
        "bill_numbers": "NO.2026-0012, NO.2026-0013",
    }
    data.update(kwargs)
    return data


def _covered(member: Any, people: Any, **kwargs: Any) -> Cover:
    values = {
        "basic": Cover.Basic.RESIDENT,
        "serious_illness": True,
        "mutual_aid_from": None,
        "mutual_aid_until": None,
        "seriously_ill": True,
    }
    values.update(kwargs)
    return cover_update(member=member, by=people.hana, **values)


def test_the_rule_pays_a_share_of_the_self_paid_amount_by_band() -> None:
    bands = list(Band.objects.all())
    # 30% of the first 5,000, 50% of 5,000-20,000, 70% above 20,000.
    assert relief_by_bands(yuan(24_000), bands) == yuan(1_500 + 7_500 + 2_800)
    assert relief_for(
        self_paid=yuan(24_000), bands=bands, yearly_cap=yuan(20_000), received_this_year=yuan(15_000)
    ) == yuan(5_000)


def test_a_claim_from_bills_is_computed_paid_and_capped_for_the_year(relief: ReliefWorld, people: Any) -> None:
    _covered(relief.wang, people)
    application = services.application_create(by=people.wang, track="medical", member=relief.wang, data=_claim())
    assert application.amount == yuan(11_800)
    paid(application, people)  # above ¥10,000: the county reviewed too
    assert application.decisions.count() == 3
    claim = Claim.objects.get(application=application)
    assert claim.self_paid == yuan(24_000) and claim.relief == yuan(11_800)
    second = services.application_create(
        by=people.wang,
        track="medical",
        member=relief.wang,
        data=_claim(bill_total="50000", insured_paid="20000", self_paid="30000"),
    )
    assert second.amount == yuan(20_000 - 11_800)  # what is left of the group's cap this year


def test_a_claim_whose_self_paid_share_exceeds_the_bill_is_refused(relief: ReliefWorld, people: Any) -> None:
    _covered(relief.wang, people)
    with pytest.raises(InvalidInput) as refused:
        services.application_create(
            by=people.wang,
            track="medical",
            member=relief.wang,
            data=_claim(bill_total="1000", insured_paid="0", self_paid="1500"),
        )
    assert refused.value.field == "self_paid" and "more than the bill" in refused.value.message
    assert not Application.objects.exists() and not Claim.objects.exists()


def test_a_claim_for_someone_without_the_required_cover_is_refused(relief: ReliefWorld, people: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.application_create(by=people.wang, track="medical", member=relief.wang, data=_claim())
    assert refused.value.code == "no_cover" and "basic medical insurance" in refused.value.message
    assert not Application.objects.exists() and not Claim.objects.exists()
    DiseaseGroup.objects.filter(code="major").update(requires=DiseaseGroup.Requires.MUTUAL_AID)
    _covered(relief.wang, people)
    with pytest.raises(InvalidInput) as no_mutual_aid:
        services.application_create(by=people.wang, track="medical", member=relief.wang, data=_claim())
    assert "mutual aid" in no_mutual_aid.value.message
    assert not Application.objects.exists()


def test_illness_households_whose_sick_member_is_not_in_mutual_aid_are_listed(relief: ReliefWorld, people: Any) -> None:
    relief.household.hardship_causes.set(HardshipCause.objects.filter(code="illness"))
    # Nobody marked sick yet: the head is listed so the household is not missed.
    assert list(selectors.mutual_aid_gap_for(people.hana)) == [relief.wang]
    _covered(relief.son, people, seriously_ill=True)
    assert list(selectors.mutual_aid_gap_for(people.hana)) == [relief.son]
    today = dt.date.today()
    _covered(
        relief.son,
        people,
        mutual_aid_from=today - dt.timedelta(days=30),
        mutual_aid_until=today + dt.timedelta(days=335),
    )
    assert not selectors.mutual_aid_gap_for(people.hana).exists()
    assert not selectors.mutual_aid_gap_for(people.bob).exists()
