"""Social insurance (issue 18): members' statuses, arrears cases with the 补缴 agreed and paid, the
list of working-age members without pension insurance and of employers with open arrears."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.errors import InvalidInput, NotFound
from households.models import Household, Member, PlanGoal
from jobs.models import Employer
from relief.insurance import selectors, services
from relief.insurance.models import Arrears, InsuranceStatus
from relief.models import Case
from tests.conftest import People, Tree
from tests.factories import MemberFactory, fresh_id_number
from tests.jobs.conftest import make_employer
from tests.relief.conftest import plan_goal

TODAY = timezone.localdate()


@pytest.fixture
def company(people: People, tree: Tree) -> Employer:
    return make_employer(people.eve, tree.town_a, name="乌兰煤业")


@pytest.fixture
def worker(household_a: Household) -> Member:
    return MemberFactory(
        household=household_a,
        name="欠缴工人",
        relation="other",
        id_number=fresh_id_number(birth=dt.date(TODAY.year - 40, 5, 1)),
    )


def test_working_age_members_without_pension_are_listed_until_insured(
    people: People, worker: Member, household_b: Household
) -> None:
    child = MemberFactory(
        household=worker.household, relation="child", id_number=fresh_id_number(birth=dt.date(TODAY.year - 10, 1, 1))
    )
    listed = set(selectors.without_pension_for(people.olga))
    assert worker in listed and child not in listed
    assert not set(selectors.without_pension_for(people.olga)) & set(household_b.members.all())
    services.status_set(member=worker, by=people.hana, kind="pension", insured=True, since=TODAY, flexible=True)
    assert worker not in set(selectors.without_pension_for(people.olga))


def test_an_arrears_case_is_settled_and_meets_the_insurance_goal(
    people: People, worker: Member, company: Employer
) -> None:
    goal = plan_goal(worker.household, "insurance", member=worker)
    arrears = services.arrears_open(
        member=worker, by=people.hana, employer=company, kind="pension", months=14, amount=2_100_000
    )
    rows = selectors.employers_in_arrears_for(people.olga)
    assert [(r.employer, r.cases, r.owed) for r in rows] == [(company, 1, 2_100_000)]
    assert selectors.employers_in_arrears_for(people.bob) == []
    services.arrears_settle(arrears=arrears, by=people.hana, agreed_amount=2_000_000, agreed_on=TODAY)
    assert Case.objects.get().is_open
    services.arrears_settle(
        arrears=arrears, by=people.hana, agreed_amount=2_000_000, paid_amount=2_000_000, paid_on=TODAY
    )
    goal.refresh_from_db()
    assert Case.objects.get().outcome == "achieved" and goal.status == PlanGoal.Status.MET
    assert selectors.employers_in_arrears_for(people.olga) == []


def test_bad_arrears_are_refused_and_nothing_written(people: People, worker: Member, company: Employer) -> None:
    for kwargs in ({"months": 0}, {"amount": 0}, {"kind": "car"}):
        values = {"months": 3, "amount": 300_000, "kind": "pension", **kwargs}
        with pytest.raises(InvalidInput):
            services.arrears_open(member=worker, by=people.hana, employer=company, **values)
    assert not Case.objects.exists() and not Arrears.objects.exists()
    arrears = services.arrears_open(
        member=worker, by=people.hana, employer=company, kind="pension", months=3, amount=300_000
    )
    with pytest.raises(InvalidInput) as over:
        services.arrears_settle(
            arrears=arrears, by=people.hana, agreed_amount=100_000, paid_amount=200_000, paid_on=TODAY
        )
    assert over.value.code == "over_agreed"
    arrears.refresh_from_db()
    assert arrears.paid_amount == 0 and arrears.agreed_amount == 0


def test_another_towns_organizer_cannot_touch_the_members_insurance(
    people: People, worker: Member, company: Employer
) -> None:
    with pytest.raises(NotFound):
        services.status_set(member=worker, by=people.bob, kind="pension", insured=True)
    with pytest.raises(NotFound):
        services.arrears_open(member=worker, by=people.bob, employer=company, kind="pension", months=1, amount=1)
    assert not InsuranceStatus.objects.exists() and not Case.objects.exists()
    api = APIClient()
    api.force_authenticate(people.bob)
    answer = api.post(
        "/api/v1/relief/insurance/statuses/", {"member": worker.pk, "kind": "pension", "insured": True}, format="json"
    )
    assert answer.status_code == 404 and not InsuranceStatus.objects.exists()


def test_the_pages_and_api_list_and_settle(people: People, worker: Member, company: Employer) -> None:
    api = APIClient()
    api.force_authenticate(people.hana)
    opened = api.post(
        "/api/v1/relief/insurance/arrears/",
        {"member": worker.pk, "employer": company.pk, "kind": "pension", "months": 6, "amount": 600_000},
        format="json",
    )
    assert opened.status_code == 201, opened.content
    case = opened.json()["case"]
    over = api.post(
        f"/api/v1/relief/insurance/arrears-cases/{case}/settle/",
        {"agreed_amount": 100, "paid_amount": 200, "paid_on": TODAY.isoformat()},
        format="json",
    )
    assert over.status_code == 400
    employers = api.get("/api/v1/relief/insurance/arrears-employers/").json()
    assert employers[0]["owed_fen"] == 600_000
    assert api.get("/api/v1/relief/insurance/uninsured/").json()["count"] >= 1
    client = Client()
    client.force_login(people.olga)
    for name in ("relief:insurance:uninsured", "relief:insurance:employers", "relief:insurance:arrears_open"):
        assert client.get(reverse(name)).status_code == 200
    assert "data-arrears" in client.get(reverse("relief:case", args=[case])).content.decode()
    assert client.get(reverse("relief:insurance:member", args=[worker.pk])).status_code == 200


def test_the_uninsured_list_comes_ten_a_page_with_the_total(people: People, household_a: Household) -> None:
    # Hundreds of members on one page were 25 phone screens (issue 19): ten a page, the total shown.
    for number in range(11):
        MemberFactory(
            household=household_a,
            name=f"未参保{number}",
            relation="other",
            id_number=fresh_id_number(birth=dt.date(TODAY.year - 30, 5, 1)),
        )
    client = Client()
    client.force_login(people.olga)
    url = reverse("relief:insurance:uninsured")
    first = client.get(url)
    total = first.context["count"]
    assert total >= 11 and first.context["page"].paginator.count == total
    assert first.content.decode().count("data-member=") == 10
    second = client.get(url, {"page": 2})
    assert second.content.decode().count("data-member=") == min(10, total - 10)
    # Not a number: the first page; past the end: the last page, as the other lists answer.
    assert client.get(url, {"page": "abc"}).context["page"].number == 1
    last = client.get(url, {"page": "999999"})
    assert last.status_code == 200 and last.context["page"].number == last.context["page"].paginator.num_pages
