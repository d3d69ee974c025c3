"""The 阳光就业 REST API under /api/v1/: every endpoint once, the lines it must not let anyone cross
(another company's postings and applicants, people who neither applied nor agreed to be found,
another worker's applications), what an employer may see of a person, and the error format."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from core.pagination import CappedPagination, CappedPaginator
from households.models import Member, MemberSkill
from jobs import services
from jobs.models import (
    Application,
    Employer,
    EmploymentService,
    JobPosting,
    PhysicalDemand,
    Placement,
    PostingSkill,
    RetentionCheck,
)
from skills.models import Skill
from tests.factories import UserFactory
from tests.jobs.conftest import fresh_uscc, make_posting
from tests.jobs.test_rules import World, build_world, offered

pytestmark = pytest.mark.django_db

API = "/api/v1"
# What an employer may see of a person, and nothing else (the issue: "they see what the job needs").
CANDIDATE_FIELDS = {
    "id",
    "name",
    "age",
    "sex",
    "education",
    "graduation_year",
    "major",
    "work_capacity",
    "skills",
    "desired_work",
    "desired_occupation",
    "desired_occupation_name",
}
NEVER_FOR_EMPLOYERS = {"id_number", "household", "monthly_income", "income_per_head", "health", "phone", "address"}


@pytest.fixture
def world(tree, people, household_a, household_b, employer, other_employer, frank, posting) -> World:
    return build_world(tree, people, household_a, household_b, employer, other_employer, frank, posting)


def api(user: User | None = None) -> APIClient:
    # Messages are asserted in English; the interface is Chinese by default.
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def items(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    data = response.json()
    return data["results"] if isinstance(data, dict) and "results" in data else data


def refused(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """The one error format: {"detail", "code", "field"}."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    if field is not None:
        assert body["field"] == field
    return body


def posting_body(**values: Any) -> dict[str, Any]:
    return {
        "title": "仓库管理员",
        "description": "负责园区仓库收发货、盘点。",
        "headcount": 2,
        "region": "150624",
        "address": "棋盘井工业园",
        "salary_min": 4000,
        "salary_max": 5500,
        "physical_demand": "light",
        "education": "senior",
        "accommodation": True,
        "for_graduates": True,
        "valid_until": (timezone.localdate() + dt.timedelta(days=45)).isoformat(),
        "required_skills": ["仓库管理", "熟练使用办公软件"],
        "preferred_skills": ["会开叉车", "吃苦耐劳"],
        **values,
    }


def employer_body(**values: Any) -> dict[str, Any]:
    return {
        "name": "鄂托克旗草原羊绒制品有限公司",
        "uscc": fresh_uscc(),
        "contact_name": "高娃",
        "contact_phone": "13947712345",
        "region": "150624",
        "industry": "textiles",
        "address": "乌兰镇工业园区",
        "description": "羊绒分梳与针织",
        **values,
    }


# --- employers ----------------------------------------------------------------------------------------


class TestEmployers:
    def test_a_company_registers_itself_without_logging_in_and_waits_for_verification(self, world):
        body = employer_body()
        response = api().post(
            f"{API}/employers/register/", {**body, "username": "cashmere", "password": "Grass-land-2026"}, format="json"
        )
        assert response.status_code == 201, response.content
        payload = response.json()
        assert payload["username"] == "cashmere"
        assert payload["employer"]["status"] == Employer.Status.PENDING
        employer = Employer.objects.get(uscc=body["uscc"])
        login = get_user_model().objects.get(username="cashmere")
        assert login.role == Role.EMPLOYER
        assert login.employer_membership.employer == employer
        assert "password" not in payload

    def test_an_invalid_credit_code_is_refused_and_nothing_is_written(self, world):
        before = (Employer.objects.count(), get_user_model().objects.count())
        bad = fresh_uscc()[:-1] + ("0" if fresh_uscc()[-1] != "0" else "1")
        response = api().post(
            f"{API}/employers/register/",
            {**employer_body(uscc=bad), "username": "cashmere", "password": "Grass-land-2026"},
            format="json",
        )
        refused(response, 400, "invalid", "uscc")
        assert (Employer.objects.count(), get_user_model().objects.count()) == before

    def test_a_credit_code_already_registered_is_a_conflict(self, world):
        response = api().post(
            f"{API}/employers/register/",
            {**employer_body(uscc=world.company.uscc), "username": "copycat", "password": "Grass-land-2026"},
            format="json",
        )
        refused(response, 409, "conflict", "uscc")
        assert not get_user_model().objects.filter(username="copycat").exists()

    def test_an_employer_lists_and_reads_its_own_company_only(self, world):
        assert [e["id"] for e in items(api(world.people.eve).get(f"{API}/employers/"))] == [world.company.pk]
        assert api(world.people.eve).get(f"{API}/employers/{world.company.pk}/").status_code == 200
        refused(api(world.people.eve).get(f"{API}/employers/{world.rival.pk}/"), 404, "not_found")

    def test_the_county_organizer_lists_every_company_and_a_worker_none(self, world):
        ids = {e["id"] for e in items(api(world.people.alice).get(f"{API}/employers/"))}
        assert ids == {world.company.pk, world.rival.pk}
        assert items(api(world.people.wang).get(f"{API}/employers/")) == []
        refused(api(world.people.wang).get(f"{API}/employers/{world.company.pk}/"), 404, "not_found")

    def test_an_employer_edits_its_own_profile(self, world):
        response = api(world.people.eve).patch(
            f"{API}/employers/{world.company.pk}/", {"address": "棋盘井镇千里山路8号"}, format="json"
        )
        assert response.status_code == 200, response.content
        world.company.refresh_from_db()
        assert world.company.address == "棋盘井镇千里山路8号"
        assert world.company.status == Employer.Status.VERIFIED  # same credit code: still verified

    def test_an_employer_cannot_edit_another_company(self, world):
        response = api(world.people.eve).patch(
            f"{API}/employers/{world.rival.pk}/", {"name": "被改掉的名字"}, format="json"
        )
        refused(response, 404, "not_found")
        world.rival.refresh_from_db()
        assert world.rival.name == "棋盘井物流有限公司"

    def test_the_organizer_verifies_a_registered_company(self, world):
        registered = (
            api()
            .post(
                f"{API}/employers/register/",
                {**employer_body(), "username": "cashmere", "password": "Grass-land-2026"},
                format="json",
            )
            .json()["employer"]
        )
        queue = items(api(world.people.alice).get(f"{API}/employers/", {"to_verify": "1"}))
        assert [e["id"] for e in queue] == [registered["id"]]
        response = api(world.people.alice).post(
            f"{API}/employers/{registered['id']}/verify/", {"approve": True, "note": "营业执照已核验"}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == Employer.Status.VERIFIED
        assert Employer.objects.get(pk=registered["id"]).verified_by == world.people.alice

    def test_a_rejection_needs_a_reason(self, world):
        pending = Employer.objects.create(
            name="某劳务公司",
            uscc=fresh_uscc(),
            contact_name="李",
            contact_phone="13947700999",
            region_id="150624",
            industry="services",
            org_unit=world.tree.county,
        )
        refused(
            api(world.people.alice).post(f"{API}/employers/{pending.pk}/verify/", {"approve": False}, format="json"),
            400,
            "invalid",
            "note",
        )
        pending.refresh_from_db()
        assert pending.status == Employer.Status.PENDING

    def test_an_employer_cannot_verify_itself_and_a_sibling_unit_cannot_see_the_company(self, world):
        refused(
            api(world.people.eve).post(f"{API}/employers/{world.company.pk}/verify/", {"approve": True}, format="json"),
            403,
            "forbidden",
        )
        refused(
            api(world.people.bob).post(f"{API}/employers/{world.company.pk}/verify/", {"approve": True}, format="json"),
            404,
            "not_found",
        )


# --- postings -----------------------------------------------------------------------------------------


class TestPostingSearch:
    def test_a_worker_finds_open_postings_only(self, world):
        make_posting(world.company, title="草稿岗位", state=JobPosting.State.DRAFT, published_at=None)
        make_posting(world.company, title="过期岗位", valid_until=timezone.localdate() - dt.timedelta(days=1))
        pending = Employer.objects.create(
            name="未审核公司",
            uscc=fresh_uscc(),
            contact_name="李",
            contact_phone="13947700998",
            region_id="150624",
            industry="services",
            org_unit=world.tree.county,
        )
        make_posting(pending, title="未审核公司的岗位")
        rows = items(api(world.people.wang).get(f"{API}/postings/"))
        assert [r["id"] for r in rows] == [world.posting.pk]
        [row] = rows
        assert row["employer_name"] == world.company.name
        assert {(s["phrase"], s["skill"], s["required"]) for s in row["skills"]} == {
            ("开叉车", "logistics.forklift", True),
            ("会保洁", "housekeeping.cleaning", False),
            ("会开铲运机", None, True),
        }
        assert "review_note" not in row

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"q": "收银"}, {"cashier"}),
            ({"q": "利民煤业"}, {"forklift", "cashier"}),
            ({"region": "150602"}, {"cashier"}),
            ({"region": "150600"}, {"forklift", "cashier", "trucker"}),
            ({"region": "150000"}, {"forklift", "cashier", "trucker"}),
            ({"skill": "logistics.forklift"}, {"forklift"}),
            ({"min_salary": "8000"}, {"trucker"}),
            ({"light_work": "1", "for_graduates": "1"}, {"cashier"}),
            ({"light_work": "1", "for_graduates": "1", "region": "150624"}, set()),
        ],
    )
    def test_the_search_filters(self, world, params, expected):
        named = {
            "forklift": world.posting,
            "cashier": make_posting(
                world.company,
                title="超市收银员",
                region_id="150602",
                salary_min=3000,
                salary_max=3800,
                physical_demand=PhysicalDemand.LIGHT,
                for_graduates=True,
            ),
            "trucker": make_posting(
                world.rival,
                title="重型货车司机",
                salary_min=9000,
                salary_max=12000,
                physical_demand=PhysicalDemand.HEAVY,
            ),
        }
        by_id = {p.pk: name for name, p in named.items()}
        assert {by_id[r["id"]] for r in items(api(world.people.wang).get(f"{API}/postings/", params))} == expected

    def test_the_number_of_queries_does_not_grow_with_the_page(self, world):
        skill = Skill.objects.get(code="logistics.forklift")

        def count() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert api(world.people.wang).get(f"{API}/postings/").status_code == 200
            return len(captured)

        few = count()
        for n in range(12):
            extra = make_posting(world.rival if n % 2 else world.company, title=f"装卸工{n}")
            PostingSkill.objects.create(posting=extra, phrase="叉车", skill=skill)
        assert count() == few

    def test_an_english_keyword_ignores_case_and_a_chinese_one_matches_the_company_too(self, world):
        java = make_posting(world.rival, title="Java开发工程师", physical_demand=PhysicalDemand.LIGHT)
        wang = api(world.people.wang)
        assert [r["id"] for r in items(wang.get(f"{API}/postings/", {"q": "jAVA"}))] == [java.pk]
        assert {r["id"] for r in items(wang.get(f"{API}/postings/", {"q": "煤业"}))} == {world.posting.pk}

    def test_the_count_stops_at_the_cap_and_says_there_is_more(self, world, monkeypatch):
        monkeypatch.setattr(CappedPaginator, "cap", 3)
        for n in range(4):
            make_posting(world.rival, title=f"装卸工{n}")
        wang = api(world.people.wang)
        body = wang.get(f"{API}/postings/").json()
        assert (body["count"], body["more"], len(body["results"])) == (3, True, 3)
        narrowed = wang.get(f"{API}/postings/", {"q": "装卸工3"}).json()
        assert (narrowed["count"], narrowed["more"]) == (1, False)

    def test_pages_beyond_the_cap_are_not_found(self, world, monkeypatch):
        monkeypatch.setattr(CappedPaginator, "cap", 2)
        monkeypatch.setattr(CappedPagination, "page_size", 1)
        for n in range(4):
            make_posting(world.rival, title=f"装卸工{n}")
        wang = api(world.people.wang)
        first, second = (wang.get(f"{API}/postings/", {"page": n}).json() for n in (1, 2))
        assert first["next"] and not second["next"] and second["more"]
        assert wang.get(f"{API}/postings/", {"page": 3}).status_code == 404

    def test_a_company_that_loses_its_verification_drops_out_of_the_search_and_comes_back(self, world):
        wang = api(world.people.wang)
        company = world.company
        changed = services.EmployerInput(
            name=company.name,
            uscc=fresh_uscc(),  # a new credit code: a new legal entity, to verify again
            contact_name=company.contact_name,
            contact_phone=company.contact_phone,
            region_code=company.region_id,
            industry=company.industry,
        )
        services.employer_update(employer=world.company, by=world.people.eve, data=changed)
        assert items(wang.get(f"{API}/postings/")) == []
        services.employer_verify(employer=world.company, by=world.people.alice, approve=True)
        assert [r["id"] for r in items(wang.get(f"{API}/postings/"))] == [world.posting.pk]


class TestPostingsForEmployers:
    def test_an_employer_creates_a_draft_with_its_skills_understood(self, world):
        response = api(world.people.eve).post(f"{API}/postings/", posting_body(), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["state"] == JobPosting.State.DRAFT
        assert body["employer"] == world.company.pk
        assert body["occupation"]
        assert {(s["phrase"], s["skill"], s["required"]) for s in body["skills"]} == {
            ("仓库管理", "logistics.warehouse_keeping", True),
            ("熟练使用办公软件", "office.office_software", True),
            ("会开叉车", "logistics.forklift", False),
        }

    def test_an_employer_cannot_post_for_another_company(self, world):
        response = api(world.people.eve).post(
            f"{API}/postings/", posting_body(employer=world.rival.pk, title="冒名岗位"), format="json"
        )
        assert response.status_code == 201
        assert JobPosting.objects.get(title="冒名岗位").employer == world.company  # always its own company

    def test_a_salary_minimum_above_the_maximum_is_refused_and_nothing_is_written(self, world):
        before = JobPosting.objects.count()
        response = api(world.people.eve).post(
            f"{API}/postings/", posting_body(salary_min=6000, salary_max=5000), format="json"
        )
        body = refused(response, 400, "invalid", "salary_min")
        assert "6000" in body["detail"]
        assert JobPosting.objects.count() == before

    def test_a_headcount_of_zero_is_refused_and_nothing_is_written(self, world):
        before = JobPosting.objects.count()
        refused(
            api(world.people.eve).post(f"{API}/postings/", posting_body(headcount=0), format="json"),
            400,
            "invalid",
            "headcount",
        )
        assert JobPosting.objects.count() == before

    def test_a_worker_cannot_post(self, world):
        refused(api(world.people.wang).post(f"{API}/postings/", posting_body(), format="json"), 403, "forbidden")
        assert not JobPosting.objects.filter(title="仓库管理员").exists()

    def test_an_organizer_posts_for_a_company_in_reach(self, world):
        response = api(world.people.alice).post(
            f"{API}/postings/", posting_body(employer=world.company.pk), format="json"
        )
        assert response.status_code == 201, response.content
        refused(
            api(world.people.bob).post(f"{API}/postings/", posting_body(employer=world.company.pk), format="json"),
            404,
            "not_found",
        )

    def test_a_partial_update_keeps_the_skills_and_a_published_posting_goes_back_to_review(self, world):
        response = api(world.people.eve).patch(
            f"{API}/postings/{world.posting.pk}/", {"salary_max": 7000}, format="json"
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["salary_min"], body["salary_max"], body["state"]) == (4500, 7000, JobPosting.State.REVIEW)
        assert {s["phrase"] for s in body["skills"]} == {"开叉车", "会保洁", "会开铲运机"}

    def test_a_full_update_replaces_the_terms(self, world):
        response = api(world.people.eve).put(f"{API}/postings/{world.posting.pk}/", posting_body(), format="json")
        assert response.status_code == 200, response.content
        world.posting.refresh_from_db()
        assert (world.posting.title, world.posting.physical_demand) == ("仓库管理员", PhysicalDemand.LIGHT)

    def test_an_employer_cannot_read_or_edit_another_companys_posting(self, world):
        draft = make_posting(world.rival, title="弗兰克的草稿", state=JobPosting.State.DRAFT, published_at=None)
        eve = api(world.people.eve)
        refused(eve.get(f"{API}/postings/{draft.pk}/"), 404, "not_found")
        refused(eve.patch(f"{API}/postings/{draft.pk}/", {"title": "改掉"}, format="json"), 404, "not_found")
        # A published posting of another company is public to read, never to edit or manage.
        rivals = make_posting(world.rival, title="弗兰克的岗位")
        assert eve.get(f"{API}/postings/{rivals.pk}/").status_code == 200
        refused(eve.patch(f"{API}/postings/{rivals.pk}/", {"title": "改掉"}, format="json"), 404, "not_found")
        refused(eve.put(f"{API}/postings/{rivals.pk}/", posting_body(), format="json"), 404, "not_found")
        refused(eve.post(f"{API}/postings/{rivals.pk}/withdraw/"), 404, "not_found")
        refused(eve.get(f"{API}/postings/{rivals.pk}/applicants/"), 404, "not_found")
        draft.refresh_from_db()
        rivals.refresh_from_db()
        assert (draft.title, rivals.title, rivals.state) == ("弗兰克的草稿", "弗兰克的岗位", JobPosting.State.PUBLISHED)

    def test_the_employer_reads_its_own_draft_with_the_review_trail(self, world):
        draft = make_posting(
            world.company, state=JobPosting.State.DRAFT, published_at=None, review_note="请补充工作地点"
        )
        body = api(world.people.eve).get(f"{API}/postings/{draft.pk}/").json()
        assert body["review_note"] == "请补充工作地点"
        refused(api(world.people.wang).get(f"{API}/postings/{draft.pk}/"), 404, "not_found")

    def test_mine_lists_the_companys_postings_in_every_state_with_counts(self, world):
        draft = make_posting(world.company, state=JobPosting.State.DRAFT, published_at=None)
        make_posting(world.rival)
        services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        rows = {r["id"]: r for r in items(api(world.people.eve).get(f"{API}/postings/mine/"))}
        assert set(rows) == {world.posting.pk, draft.pk}
        assert (rows[world.posting.pk]["applicants"], rows[world.posting.pk]["hired"]) == (1, 0)

    def test_a_posting_is_submitted_reviewed_and_published(self, world):
        created = api(world.people.eve).post(f"{API}/postings/", posting_body(), format="json").json()
        url = f"{API}/postings/{created['id']}"
        assert api(world.people.eve).post(f"{url}/submit/").json()["state"] == JobPosting.State.REVIEW
        assert [p["id"] for p in items(api(world.people.alice).get(f"{API}/postings/to-review/"))] == [created["id"]]
        refused(api(world.people.eve).post(f"{url}/review/", {"approve": True}, format="json"), 403, "forbidden")
        refused(
            api(world.people.alice).post(f"{url}/review/", {"approve": False}, format="json"), 400, "invalid", "note"
        )
        response = api(world.people.alice).post(f"{url}/review/", {"approve": True}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["state"] == JobPosting.State.PUBLISHED
        assert created["id"] in {r["id"] for r in items(api(world.people.wang).get(f"{API}/postings/"))}

    def test_submitting_twice_is_a_conflict(self, world):
        draft = make_posting(world.company, state=JobPosting.State.DRAFT, published_at=None)
        assert api(world.people.eve).post(f"{API}/postings/{draft.pk}/submit/").status_code == 200
        refused(api(world.people.eve).post(f"{API}/postings/{draft.pk}/submit/"), 409, "conflict")

    def test_withdrawing_closes_the_open_applications(self, world):
        application = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        response = api(world.people.eve).post(f"{API}/postings/{world.posting.pk}/withdraw/")
        assert response.status_code == 200, response.content
        assert response.json()["state"] == JobPosting.State.WITHDRAWN
        application.refresh_from_db()
        assert application.state == Application.State.CLOSED


# --- applications -------------------------------------------------------------------------------------


class TestApplications:
    def test_a_worker_applies_for_themselves(self, world):
        response = api(world.people.wang).post(
            f"{API}/applications/", {"posting": world.posting.pk, "message": "我有叉车证"}, format="json"
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["member"], body["state"], body["via"]) == (world.wang.pk, "applied", "self")
        assert [(e["from_state"], e["to_state"], e["actor"]) for e in body["events"]] == [("", "applied", "王强")]

    def test_a_helper_applies_for_the_worker_with_consent(self, world):
        response = api(world.people.hana).post(
            f"{API}/applications/",
            {"posting": world.posting.pk, "member": world.wang.pk, "consent_note": "电话中本人同意"},
            format="json",
        )
        assert response.status_code == 201, response.content
        assert (response.json()["via"], response.json()["consent_note"]) == ("helper", "电话中本人同意")

    def test_a_helper_without_a_consent_note_is_refused_and_nothing_is_written(self, world):
        response = api(world.people.hana).post(
            f"{API}/applications/", {"posting": world.posting.pk, "member": world.wang.pk}, format="json"
        )
        refused(response, 400, "invalid", "consent_note")
        assert not Application.objects.exists()

    def test_a_helper_cannot_apply_for_someone_outside_their_reach(self, world):
        response = api(world.people.hana).post(
            f"{API}/applications/",
            {"posting": world.posting.pk, "member": world.li.pk, "consent_note": "同意"},
            format="json",
        )
        refused(response, 404, "not_found")
        assert not Application.objects.exists()

    def test_applying_twice_is_a_conflict(self, world):
        wang = api(world.people.wang)
        assert wang.post(f"{API}/applications/", {"posting": world.posting.pk}, format="json").status_code == 201
        refused(wang.post(f"{API}/applications/", {"posting": world.posting.pk}, format="json"), 409, "conflict")
        assert Application.objects.count() == 1

    def test_applying_to_a_posting_that_is_no_longer_open_is_refused(self, world):
        # Closed postings are no longer public: a worker is told there is no such posting.
        for state in (JobPosting.State.FILLED, JobPosting.State.EXPIRED, JobPosting.State.DRAFT):
            posting = make_posting(world.company, state=state)
            response = api(world.people.wang).post(f"{API}/applications/", {"posting": posting.pk}, format="json")
            refused(response, 404, "not_found")
        assert not Application.objects.exists()

    def test_heavy_work_is_refused_for_partial_capacity(self, world):
        heavy = make_posting(world.company, physical_demand=PhysicalDemand.HEAVY)
        response = api(world.people.hana).post(
            f"{API}/applications/",
            {"posting": heavy.pk, "member": world.spouse.pk, "consent_note": "同意"},
            format="json",
        )
        assert "full work capacity" in refused(response, 400, "invalid")["detail"]

    def test_a_login_without_an_archive_entry_must_name_the_member(self, world):
        stray = UserFactory(role=Role.WORKER)
        refused(
            api(stray).post(f"{API}/applications/", {"posting": world.posting.pk}, format="json"),
            400,
            "invalid",
            "member",
        )

    def test_a_worker_sees_their_own_applications_only(self, world):
        mine = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        theirs = services.application_apply(
            posting=world.posting, member=world.li, by=world.people.alice, consent_note="同意"
        )
        other_worker = UserFactory(role=Role.WORKER)
        Member.objects.filter(pk=world.li.pk).update(user=other_worker)
        assert [a["id"] for a in items(api(world.people.wang).get(f"{API}/applications/"))] == [mine.pk]
        refused(api(world.people.wang).get(f"{API}/applications/{theirs.pk}/"), 404, "not_found")
        refused(
            api(world.people.wang).post(
                f"{API}/applications/{theirs.pk}/move/", {"to_state": "withdrawn"}, format="json"
            ),
            404,
            "not_found",
        )
        assert [a["id"] for a in items(api(other_worker).get(f"{API}/applications/"))] == [theirs.pk]

    def test_the_employer_sees_its_applicants_and_another_company_does_not(self, world):
        application = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        assert [a["id"] for a in items(api(world.people.eve).get(f"{API}/applications/"))] == [application.pk]
        assert items(api(world.frank).get(f"{API}/applications/")) == []
        refused(api(world.frank).get(f"{API}/applications/{application.pk}/"), 404, "not_found")

    def test_the_employer_never_reads_a_helpers_consent_note(self, world):
        application = services.application_apply(
            posting=world.posting, member=world.wang, by=world.people.hana, consent_note="妻子生病，本人电话同意"
        )
        for url in (f"{API}/applications/{application.pk}/", f"{API}/postings/{world.posting.pk}/applicants/"):
            text = api(world.people.eve).get(url).content.decode()
            assert "妻子生病" not in text, url
        assert "妻子生病" in api(world.people.hana).get(f"{API}/applications/{application.pk}/").content.decode()

    def test_the_employer_moves_an_application_to_the_offer_and_hires(self, world):
        application = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        eve = api(world.people.eve)
        for state in ("viewed", "interview", "offered"):
            response = eve.post(f"{API}/applications/{application.pk}/move/", {"to_state": state}, format="json")
            assert response.status_code == 200, response.content
        assert [e["to_state"] for e in response.json()["events"]] == ["applied", "viewed", "interview", "offered"]
        start = timezone.localdate() + dt.timedelta(days=7)
        response = eve.post(
            f"{API}/applications/{application.pk}/hire/",
            {"start_date": start.isoformat(), "monthly_wage": 5600},
            format="json",
        )
        assert response.status_code == 201, response.content
        assert (response.json()["member"], response.json()["monthly_wage"]) == (world.wang.pk, 5600)
        member = Member.objects.get(pk=world.wang.pk)
        assert member.employment_status == Member.EmploymentStatus.EMPLOYED
        assert RetentionCheck.objects.filter(placement__member=member).count() == 3

    def test_a_transition_the_state_machine_does_not_allow_is_a_conflict(self, world):
        application = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        refused(
            api(world.people.wang).post(
                f"{API}/applications/{application.pk}/move/", {"to_state": "offered"}, format="json"
            ),
            409,
            "conflict",
        )
        refused(
            api(world.people.eve).post(
                f"{API}/applications/{application.pk}/hire/",
                {"start_date": timezone.localdate().isoformat(), "monthly_wage": 5000},
                format="json",
            ),
            409,
            "conflict",
        )
        application.refresh_from_db()
        assert application.state == Application.State.APPLIED
        assert not Placement.objects.exists()

    def test_hiring_beyond_the_headcount_is_a_conflict(self, world):
        posting = make_posting(world.company, headcount=1)
        first, second = offered(world, posting, world.wang), offered(world, posting, world.li)
        terms = {"start_date": timezone.localdate().isoformat(), "monthly_wage": 5000}
        assert (
            api(world.people.eve).post(f"{API}/applications/{first.pk}/hire/", terms, format="json").status_code == 201
        )
        refused(api(world.erin).post(f"{API}/applications/{second.pk}/hire/", terms, format="json"), 409, "conflict")
        assert Placement.objects.filter(posting=posting).count() == 1

    def test_the_pipeline_shows_the_applicants_profiles_and_nothing_of_the_archive(self, world):
        MemberSkill.objects.create(
            member=world.wang, phrase="会开叉车", skill=Skill.objects.get(code="logistics.forklift")
        )
        services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        [entry] = items(api(world.people.eve).get(f"{API}/postings/{world.posting.pk}/applicants/"))
        assert set(entry["candidate"]) == CANDIDATE_FIELDS
        assert entry["candidate"]["skills"][0]["skill"] == "logistics.forklift"
        assert world.wang.id_number not in json.dumps(entry, ensure_ascii=False)
        refused(api(world.frank).get(f"{API}/postings/{world.posting.pk}/applicants/"), 404, "not_found")

    def test_the_employer_invites_a_worker_who_agreed_to_be_found_and_the_worker_accepts(self, world):
        response = api(world.people.eve).post(
            f"{API}/postings/{world.posting.pk}/invite/",
            {"member": world.li.pk, "message": "欢迎来面试"},
            format="json",
        )
        assert response.status_code == 201, response.content
        invitation = response.json()
        assert (invitation["state"], invitation["via"]) == ("invited", "invitation")
        accepted = api(world.people.alice).post(
            f"{API}/applications/{invitation['id']}/move/", {"to_state": "applied", "note": "本人同意"}, format="json"
        )
        assert accepted.status_code == 200, accepted.content
        assert accepted.json()["state"] == "applied"

    def test_accepting_an_invitation_to_heavy_work_is_refused_for_partial_capacity(self, world):
        heavy = make_posting(world.company, physical_demand=PhysicalDemand.HEAVY)
        Member.objects.filter(pk=world.spouse.pk).update(consent_to_be_found=True)
        invitation = (
            api(world.people.eve)
            .post(f"{API}/postings/{heavy.pk}/invite/", {"member": world.spouse.pk}, format="json")
            .json()
        )
        response = api(world.people.hana).post(
            f"{API}/applications/{invitation['id']}/move/", {"to_state": "applied", "note": "同意"}, format="json"
        )
        refused(response, 400, "invalid")
        assert Application.objects.get(pk=invitation["id"]).state == Application.State.INVITED

    def test_an_employer_cannot_invite_someone_who_did_not_agree_or_to_another_companys_posting(self, world):
        refused(
            api(world.people.eve).post(
                f"{API}/postings/{world.posting.pk}/invite/", {"member": world.wang.pk}, format="json"
            ),
            404,
            "not_found",
        )
        rivals = make_posting(world.rival)
        refused(
            api(world.people.eve).post(f"{API}/postings/{rivals.pk}/invite/", {"member": world.li.pk}, format="json"),
            404,
            "not_found",
        )
        assert not Application.objects.exists()

    def test_stalled_applications_are_listed_for_the_households_unit_only(self, world):
        application = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        Application.objects.filter(pk=application.pk).update(employer_touched_at=timezone.now() - dt.timedelta(days=31))
        [row] = items(api(world.people.olga).get(f"{API}/applications/stalled/"))
        assert (row["id"], row["stalled"]) == (application.pk, True)
        assert items(api(world.people.bob).get(f"{API}/applications/stalled/")) == []
        assert items(api(world.people.eve).get(f"{API}/applications/stalled/")) == []


# --- candidates ---------------------------------------------------------------------------------------


class TestCandidates:
    def test_an_employer_finds_people_who_agreed_to_be_found_by_skill(self, world):
        MemberSkill.objects.create(member=world.li, phrase="收银", skill=Skill.objects.get(code="retail.cashier"))
        rows = items(api(world.people.eve).get(f"{API}/candidates/", {"skill": "retail.cashier"}))
        assert [r["id"] for r in rows] == [world.li.pk]
        assert set(rows[0]) == CANDIDATE_FIELDS
        assert items(api(world.people.eve).get(f"{API}/candidates/", {"skill": "logistics.forklift"})) == []

    def test_nobody_but_employers_searches_candidates(self, world):
        assert items(api(world.people.wang).get(f"{API}/candidates/")) == []
        assert items(api(world.people.alice).get(f"{API}/candidates/")) == []

    def test_a_candidate_who_agreed_to_be_found_is_shown_without_anything_of_the_archive(self, world):
        Member.objects.filter(pk=world.li.pk).update(
            health="慢性肾病", monthly_income="1200.00", graduation_year=2024, major="会计"
        )
        world.li.refresh_from_db()
        response = api(world.people.eve).get(f"{API}/candidates/{world.li.pk}/")
        assert response.status_code == 200
        body = response.json()
        assert set(body) == CANDIDATE_FIELDS
        assert not NEVER_FOR_EMPLOYERS & set(body)
        text = response.content.decode()
        for secret in (world.li.id_number, "慢性肾病", "1200", world.household_b.number, world.household_b.address):
            assert secret not in text
        assert (body["graduation_year"], body["major"]) == (2024, "会计")

    def test_an_employer_cannot_open_someone_who_neither_applied_nor_agreed(self, world):
        refused(api(world.people.eve).get(f"{API}/candidates/{world.wang.pk}/"), 404, "not_found")

    def test_an_applicant_is_visible_to_the_company_applied_to_and_no_other(self, world):
        services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        body = api(world.people.eve).get(f"{API}/candidates/{world.wang.pk}/").json()
        assert set(body) == CANDIDATE_FIELDS
        assert world.wang.id_number not in json.dumps(body, ensure_ascii=False)
        refused(api(world.frank).get(f"{API}/candidates/{world.wang.pk}/"), 404, "not_found")

    def test_staff_and_workers_do_not_use_the_candidate_view(self, world):
        refused(api(world.people.alice).get(f"{API}/candidates/{world.li.pk}/"), 404, "not_found")
        refused(api(world.people.wang).get(f"{API}/candidates/{world.li.pk}/"), 404, "not_found")


# --- placements, follow-ups, services -----------------------------------------------------------------


def _hire(world: World, posting: JobPosting | None = None, member: Member | None = None, days: int = 0) -> Placement:
    application = offered(world, posting or world.posting, member or world.wang)
    return services.application_hire(
        application=application,
        by=world.people.eve,
        start_date=timezone.localdate() + dt.timedelta(days=days),
        monthly_wage=5000,
    )


class TestPlacements:
    def test_placements_are_listed_for_the_employer_and_the_households_unit(self, world):
        placement = _hire(world)
        assert [p["id"] for p in items(api(world.people.eve).get(f"{API}/placements/"))] == [placement.pk]
        assert [p["id"] for p in items(api(world.people.olga).get(f"{API}/placements/"))] == [placement.pk]
        assert items(api(world.frank).get(f"{API}/placements/")) == []
        assert items(api(world.people.bob).get(f"{API}/placements/")) == []
        assert items(api(world.people.wang).get(f"{API}/placements/")) == []

    def test_counts_by_unit_and_plan(self, world):
        _hire(world)
        _hire(world, member=world.li)
        body = api(world.people.alice).get(f"{API}/placements/counts/").json()
        assert body["total"] == 2
        # Rolled up the tree: the county counts both hires, the town its station's.
        assert [(row["name"], row["depth"], row["count"], row["own"]) for row in body["by_unit"]] == [
            ("鄂托克旗总工会", 0, 2, False),
            ("乌兰镇工会", 1, 1, False),
            ("乌兰镇帮扶站", 2, 1, False),
            ("棋盘井镇工会", 1, 1, False),
        ]
        olga = api(world.people.olga).get(f"{API}/placements/counts/").json()
        assert olga["total"] == 1 and [(r["name"], r["count"]) for r in olga["by_unit"]] == [
            ("乌兰镇工会", 1),
            ("乌兰镇帮扶站", 1),
        ]
        assert api(world.people.alice).get(f"{API}/placements/counts/", {"year": "1999"}).json()["total"] == 0


class TestRetentionChecks:
    def test_the_helper_lists_the_follow_ups_due_and_records_one(self, world):
        _hire(world, days=-29)
        hana = api(world.people.hana)
        [due] = items(hana.get(f"{API}/retention-checks/"))
        assert (due["months"], due["member"], due["done_on"]) == (1, world.wang.pk, None)
        assert len(items(hana.get(f"{API}/retention-checks/", {"within_days": "200"}))) == 3
        response = hana.post(
            f"{API}/retention-checks/{due['id']}/record/",
            {"outcome": "still_employed", "note": "工作稳定"},
            format="json",
        )
        assert response.status_code == 200, response.content
        assert (response.json()["outcome"], response.json()["done_on"]) == (
            "still_employed",
            timezone.localdate().isoformat(),
        )
        assert items(hana.get(f"{API}/retention-checks/")) == []

    def test_a_follow_up_outside_ones_reach_is_not_found(self, world):
        placement = _hire(world, days=-29)
        check = placement.retention_checks.get(months=1)
        refused(
            api(world.people.bob).post(
                f"{API}/retention-checks/{check.pk}/record/", {"outcome": "left"}, format="json"
            ),
            404,
            "not_found",
        )
        refused(
            api(world.people.eve).post(
                f"{API}/retention-checks/{check.pk}/record/", {"outcome": "left"}, format="json"
            ),
            404,
            "not_found",
        )
        assert items(api(world.people.bob).get(f"{API}/retention-checks/")) == []
        check.refresh_from_db()
        assert check.done_on is None

    def test_a_left_job_ends_the_placement(self, world):
        placement = _hire(world, days=-29)
        check = placement.retention_checks.get(months=1)
        api(world.people.hana).post(f"{API}/retention-checks/{check.pk}/record/", {"outcome": "left"}, format="json")
        placement.refresh_from_db()
        assert placement.ended_on == timezone.localdate()


class TestEmploymentServices:
    def test_a_helper_records_a_service_and_lists_it(self, world):
        hana = api(world.people.hana)
        response = hana.post(
            f"{API}/employment-services/",
            {
                "member": world.wang.pk,
                "kind": "job_introduction",
                "held_on": timezone.localdate().isoformat(),
                "outcome": "推荐叉车司机岗位，已约面试",
                "posting": world.posting.pk,
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["posting_title"] == world.posting.title
        assert [s["member"] for s in items(hana.get(f"{API}/employment-services/"))] == [world.wang.pk]
        assert [s["id"] for s in items(api(world.people.wang).get(f"{API}/employment-services/"))] == [
            response.json()["id"]
        ]
        assert items(api(world.people.bob).get(f"{API}/employment-services/")) == []

    def test_a_service_in_the_future_or_without_an_outcome_is_refused(self, world):
        body = {"member": world.wang.pk, "kind": "counselling", "held_on": timezone.localdate().isoformat()}
        refused(
            api(world.people.hana).post(f"{API}/employment-services/", {**body, "outcome": " "}, format="json"),
            400,
            "invalid",
            "outcome",
        )
        tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
        refused(
            api(world.people.hana).post(
                f"{API}/employment-services/", {**body, "held_on": tomorrow, "outcome": "职业指导"}, format="json"
            ),
            400,
            "invalid",
            "held_on",
        )
        assert not EmploymentService.objects.exists()

    def test_staff_of_another_unit_and_workers_cannot_record_services(self, world):
        body = {
            "member": world.wang.pk,
            "kind": "legal_aid",
            "held_on": timezone.localdate().isoformat(),
            "outcome": "讨薪法律咨询",
        }
        refused(api(world.people.bob).post(f"{API}/employment-services/", body, format="json"), 404, "not_found")
        refused(api(world.people.wang).post(f"{API}/employment-services/", body, format="json"), 403, "forbidden")
        assert not EmploymentService.objects.exists()


# --- the schema ---------------------------------------------------------------------------------------


def test_the_schema_lists_the_jobs_endpoints(client, people):
    client.force_login(people.olga)
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    for path in (
        "/api/v1/employers/register/",
        "/api/v1/employers/{id}/verify/",
        "/api/v1/postings/{id}/applicants/",
        "/api/v1/postings/{id}/invite/",
        "/api/v1/applications/{id}/hire/",
        "/api/v1/candidates/{id}/",
        "/api/v1/placements/counts/",
        "/api/v1/retention-checks/{id}/record/",
        "/api/v1/employment-services/",
    ):
        assert path in schema["paths"], path
    candidate = schema["components"]["schemas"]["Candidate"]["properties"]
    assert set(candidate) == CANDIDATE_FIELDS


def test_anonymous_callers_reach_nothing_but_the_registration(db):
    for url in ("/postings/", "/applications/", "/candidates/", "/placements/", "/employers/"):
        assert api().get(f"{API}{url}").status_code in (401, 403), url
