"""What a new user found on the demo (issue 16), each fixed and held by a test: people imported from a
spreadsheet are matched at the end of the import (and told meanwhile that it is being computed), the
job search box understands colloquial skill words and occupations as the skill box does, the
explanation states work capacity truthfully, and a 10-year expert's best matches are in his trade,
with related skills earning part of the credit and said so in plain words."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from households import importing
from households.models import Household, ImportJob, Member, MemberSkill
from jobs.models import Employer, PhysicalDemand
from jobs.selectors import PostingFilters, posting_search
from matching import explain, services
from matching.models import Match, PendingMatch
from skills.models import Occupation, Skill
from tests.factories import MemberFactory
from tests.households.test_import import household_row, member_row, upload, workbook_bytes
from tests.jobs.conftest import make_employer, make_posting
from tests.matching.world import CLEANING, FORKLIFT, WELDING, ask_skills, fresh_market, give_skills

pytestmark = pytest.mark.django_db
__all__ = ["fresh_market"]

GAS_DRAINAGE = "mining.gas_drainage"
GAS_INSPECTION = "mining.gas_inspection"
LOADER = "construction.loader"


@pytest.fixture
def employer(tree: Any, people: Any) -> Employer:
    return make_employer(people.eve, tree.county, name="鄂托克旗利民煤业有限公司")


def names(*codes: str) -> dict[str, Skill]:
    return {s.code: s for s in Skill.objects.filter(code__in=codes)}


# --- people imported from a spreadsheet -------------------------------------------------------------------


def test_people_imported_are_matched_when_the_import_ends(
    tree: Any, people: Any, employer: Employer, django_capture_on_commit_callbacks: Any, eager_tasks: Any
) -> None:
    welding_job = ask_skills(make_posting(employer, title="电焊工"), WELDING)
    data = workbook_bytes([household_row("H-101")], [member_row("H-101", name="张三", skills="电焊、叉车")])
    with django_capture_on_commit_callbacks(execute=True):
        job = importing.import_start(
            by=people.alice, org_unit=tree.station_a, upload=upload(data), mode=ImportJob.Mode.ALL_OR_NOTHING
        )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE

    zhang = Member.objects.get(household__number="H-101")
    assert Match.objects.filter(member=zhang, posting=welding_job).exists()  # nobody saved the record again
    assert not PendingMatch.objects.filter(member=zhang).exists()


def test_while_the_matches_are_computed_the_worker_is_told_so(
    client: Client, people: Any, household_a: Household
) -> None:
    wang = household_a.members.get(user=people.wang)
    PendingMatch.objects.create(member=wang)
    client.force_login(people.wang)
    with translation.override("zh-hans"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        page = client.get(reverse("matching:mine")).content.decode()
    assert "正在计算推荐" in page
    assert "暂时没有为您推荐的岗位" not in page

    services.refresh_member(wang.pk)  # the computation ends: the page no longer says so
    assert not PendingMatch.objects.filter(member=wang).exists()


def test_a_large_import_is_matched_in_chunks_of_seekers(
    employer: Employer, household_a: Household, settings: Any, eager_tasks: Any
) -> None:
    settings.MATCHING_CHUNK_SIZE = 1
    ask_skills(make_posting(employer, title="叉车司机"), FORKLIFT)
    members = [give_skills(m, FORKLIFT) for m in household_a.members.all()]
    services.IMPORT_ONE_BY_ONE, before = 0, services.IMPORT_ONE_BY_ONE
    try:
        chunks = services.match_imported([m.pk for m in members])
    finally:
        services.IMPORT_ONE_BY_ONE = before
    assert chunks == len(members)
    seekers = [m for m in members if Match.objects.filter(member=m).exists()]
    assert seekers  # the chunks ran (eagerly here) and stored their rows
    assert not PendingMatch.objects.exists()


# --- the job search box ---------------------------------------------------------------------------------


def test_the_search_box_reads_a_colloquial_skill_word(employer: Employer) -> None:
    loader_job = ask_skills(make_posting(employer, title="装载机司机", description="矿区装车"), LOADER)
    make_posting(employer, title="保洁员", description="办公楼保洁")
    found = list(posting_search(PostingFilters(query="铲车")))
    assert found == [loader_job]  # 铲车 is nowhere in the title: the loader skill is


def test_the_search_box_reads_an_occupation(employer: Employer) -> None:
    welder = make_posting(employer, title="钢结构车间招工", description="包吃住")
    welder.occupation = Occupation.objects.filter(skills__code=WELDING).first()
    welder.save(update_fields=["occupation"])
    make_posting(employer, title="保洁员", description="办公楼保洁")
    assert list(posting_search(PostingFilters(query="电焊工"))) == [welder]


def test_a_plain_word_search_still_finds_titles(employer: Employer) -> None:
    job = make_posting(employer, title="仓库理货员")
    assert list(posting_search(PostingFilters(query="理货"))) == [job]


# --- the explanation and work capacity ------------------------------------------------------------------


def test_full_capacity_is_never_told_it_has_partial_capacity(employer: Employer, household_a: Household) -> None:
    head = give_skills(household_a.members.get(relation=Member.Relation.HEAD), CLEANING)
    assert head.work_capacity == Member.WorkCapacity.FULL
    light = ask_skills(make_posting(employer, title="保洁员", physical_demand=PhysicalDemand.LIGHT), CLEANING)
    services.refresh_member(head.pk)
    facts = Match.objects.get(member=head, posting=light).explanation
    assert facts["capacity"] == "light_work"
    with translation.override("en"):
        for_worker = " ".join(explain.reasons(facts, names(CLEANING)))
        for_employer = " ".join(explain.reasons(facts, names(CLEANING), for_worker=False))
    assert "partial" not in for_worker and "partial" not in for_employer
    assert "light physical work" in for_worker


def test_partial_capacity_is_told_the_light_work_suits_it(employer: Employer, household_a: Household) -> None:
    head = give_skills(household_a.members.get(relation=Member.Relation.HEAD), CLEANING)
    Member.objects.filter(pk=head.pk).update(work_capacity=Member.WorkCapacity.PARTIAL)
    light = ask_skills(make_posting(employer, title="保洁员", physical_demand=PhysicalDemand.LIGHT), CLEANING)
    services.refresh_member(head.pk)
    facts = Match.objects.get(member=head, posting=light).explanation
    assert facts["capacity"] == "light_work_ok"
    with translation.override("zh-hans"):
        assert "部分劳动能力" in " ".join(explain.reasons(facts, names(CLEANING)))


# --- a 10-year expert in his trade ------------------------------------------------------------------------


def test_a_ten_year_expert_is_matched_in_his_trade_first(employer: Employer, household_a: Household) -> None:
    head = household_a.members.get(relation=Member.Relation.HEAD)
    MemberSkill.objects.create(
        member=head,
        phrase="瓦斯抽采",
        skill=Skill.objects.get(code=GAS_DRAINAGE),
        level=MemberSkill.Level.EXPERT,
        years=10,
    )
    inspection = ask_skills(
        make_posting(employer, title="瓦斯检查工", description="井下巡检瓦斯浓度", salary_min=7000, salary_max=9500),
        GAS_INSPECTION,
    )
    inspection.occupation = Occupation.objects.get(code="6-16-01-10")
    inspection.save(update_fields=["occupation"])
    for title, code in (("保洁员", CLEANING), ("叉车司机", FORKLIFT), ("电焊工", WELDING)):
        ask_skills(make_posting(employer, title=title, description="包吃住"), code)
    make_posting(employer, title="普工", description="包吃住，长白班")

    services.refresh_member(head.pk)
    best = Match.objects.filter(member=head).order_by("-score").first()
    assert best is not None and best.posting_id == inspection.pk
    facts = best.explanation
    assert facts["missing_required"] == [GAS_INSPECTION]  # the truth: he has not got it ...
    assert [row[:2] for row in facts["related_required"]] == [[GAS_INSPECTION, GAS_DRAINAGE]]  # ... but close
    assert facts["occupation"] == "same" and facts["occupation_from_skills"] is True
    with translation.override("zh-hans"):
        words = " ".join(explain.reasons(facts, names(GAS_DRAINAGE, GAS_INSPECTION)))
    assert "您的瓦斯抽采经验与瓦斯检查相近" in words
    assert "想要的" not in words  # he never said what work he wants: not "the kind of work you want"


def test_a_related_skill_earns_part_of_the_credit_never_all(employer: Employer, household_a: Household) -> None:
    related = household_a.members.get(relation=Member.Relation.HEAD)
    exact = MemberFactory(
        household=household_a, relation=Member.Relation.SPOUSE, employment_status=Member.EmploymentStatus.UNEMPLOYED
    )
    give_skills(related, GAS_DRAINAGE)
    give_skills(exact, GAS_INSPECTION)
    posting = ask_skills(make_posting(employer, title="瓦斯检查工"), GAS_INSPECTION)
    services.refresh_posting(posting.pk)
    scores = dict(Match.objects.filter(posting=posting).values_list("member_id", "score"))
    assert scores[exact.pk] > scores[related.pk] > 0


def test_only_skills_of_one_trade_are_called_close() -> None:
    skills = names(GAS_DRAINAGE, GAS_INSPECTION, "mining.coal_mining")
    close = {"related_required": [[GAS_INSPECTION, GAS_DRAINAGE, 0.6]]}
    weaker = {"related_required": [["mining.coal_mining", GAS_DRAINAGE, 0.35]]}
    with translation.override("zh-hans"):
        assert "您的瓦斯抽采经验与瓦斯检查相近。" in explain.reasons(close, skills)
        assert "您的瓦斯抽采经验与采煤有关联。" in explain.reasons(weaker, skills)
        assert "相近" not in " ".join(explain.reasons(weaker, skills))
