"""factory_boy factories. Rows that carry rules (ID numbers, pairings) are built through services
in the tests that care; these factories make plain valid data fast."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.utils import timezone

from accounts.models import OrgUnit, Role, User
from core import crypto
from households.id_numbers import make_id_number
from households.models import Household, Member, Pairing, PlanGoal, ReliefPlan, Visit

_id_sequence = itertools.count(1)
# The counties of 鄂尔多斯 as ID cards name them: from 2001 (鄂尔多斯市), and before (伊克昭盟). Each
# gives 500 numbers per birth date and sex, so a test's birth date holds for 4,000 numbers.
_REGIONS_FROM_2001 = ["150624", "150602", "150621", "150622", "150623", "150625", "150626", "150627"]
_REGIONS_BEFORE_2001 = ["152725", "152701", "152722", "152723", "152724", "152726", "152727", "152728"]


def fresh_id_number(*, birth: dt.date = dt.date(1985, 3, 14), male: bool = True) -> str:
    """A valid, never-repeated ID number. Region 150624 (鄂托克旗) is valid from 2001 in the
    national tables, 152725 before that, as on real cards."""
    n = next(_id_sequence)
    regions = _REGIONS_FROM_2001 if birth.year >= 2001 else _REGIONS_BEFORE_2001
    block, n = divmod(n, 500)
    region = regions[block % len(regions)]
    day = birth + dt.timedelta(days=block // len(regions))
    sequence = n * 2 + (1 if male else 0)
    return make_id_number(region, day, sequence)


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"单位{n}")
    kind = OrgUnit.Kind.FEDERATION
    parent = None
    region_id = "150624"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.WORKER
    password = factory.django.Password("pass-word-123")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    number = factory.Sequence(lambda n: f"150624-2026-{n:06d}")
    org_unit = factory.SubFactory(OrgUnitFactory)
    region_id = "150624"
    address = factory.Sequence(lambda n: f"乌兰镇团结路{n}号")
    income_per_head = "650.00"
    state = Household.State.ACTIVE
    activated_on = factory.LazyFunction(timezone.localdate)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"成员{n}")
    relation = Member.Relation.HEAD
    id_number = factory.LazyFunction(fresh_id_number)
    id_number_hash = factory.LazyAttribute(lambda o: crypto.keyed_hash(o.id_number))
    sex = factory.LazyAttribute(lambda o: "M" if int(o.id_number[16]) % 2 else "F")
    birth_date = factory.LazyAttribute(
        lambda o: dt.date(int(o.id_number[6:10]), int(o.id_number[10:12]), int(o.id_number[12:14]))
    )
    work_capacity = Member.WorkCapacity.FULL
    employment_status = Member.EmploymentStatus.UNEMPLOYED


class ReliefPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReliefPlan

    household = factory.SubFactory(HouseholdFactory)
    summary = "帮助户主实现稳定就业"
    status = ReliefPlan.Status.ACTIVE


class PlanGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanGoal

    plan = factory.SubFactory(ReliefPlanFactory)
    track = "job"
    title = "户主实现稳定就业"


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    household = factory.SubFactory(HouseholdFactory)
    helper = factory.SubFactory(UserFactory, role=Role.HELPER, org_unit=factory.SelfAttribute("..household.org_unit"))
    helping_unit = factory.SelfAttribute("household.org_unit")


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    household = factory.SubFactory(HouseholdFactory)
    visited_by = factory.SubFactory(
        UserFactory, role=Role.HELPER, org_unit=factory.SelfAttribute("..household.org_unit")
    )
    visited_on = factory.LazyFunction(timezone.localdate)
    summary = "家中情况稳定"
    next_visit_due = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=90))
