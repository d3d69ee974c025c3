"""The Excel import of the archive (households.importing) and the export it round-trips with.

Workbooks are built here with openpyxl in the template layout. Jobs start through
``importing.import_start`` and, when Celery is not eager (a real broker is configured), the test runs
``importing.import_run`` itself instead of waiting for a worker; one test at the end runs a real
worker against Redis.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from accounts.models import Role
from core.errors import Forbidden, InvalidInput
from core.models import SensitiveAccess
from households import exporting, importing, selectors
from households import spreadsheet as sheet
from households.id_numbers import make_id_number
from households.models import (
    Household,
    ImportJob,
    Member,
    MemberSkill,
    Pairing,
)
from tests.factories import HouseholdFactory, MemberFactory, UserFactory, fresh_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; the interface is Chinese by default."""
    with translation.override("en"):
        yield


ALL_OR_NOTHING = ImportJob.Mode.ALL_OR_NOTHING
GOOD_ROWS = ImportJob.Mode.GOOD_ROWS


# --- building workbooks ------------------------------------------------------------------------------


def household_row(number: str, **values: Any) -> dict[str, Any]:
    row = {
        "number": number,
        "region": "150624",
        "address": "乌兰镇团结路12号",
        "target_groups": "低保且有劳动能力",
        "hardship_causes": "因病、失业下岗",
        "hardship_note": "户主下岗，配偶慢性病",
        "income_per_head": "620",
        "dibao_status": "享受中",
        "registered_on": "2026-03-01",
        "state": "在档",
        "helper": "",
    }
    row.update(values)
    return row


def member_row(number: str, **values: Any) -> dict[str, Any]:
    row = {
        "number": number,
        "name": "张三",
        "relation": "户主",
        "id_number": fresh_id_number(),
        "phone": "",
        "ethnicity": "汉族",
        "education": "高中",
        "work_capacity": "完全",
        "employment_status": "失业",
        "health": "良好",
        "skills": "",
    }
    row.update(values)
    return row


def workbook_bytes(
    households: list[dict[str, Any]],
    members: list[dict[str, Any]],
    *,
    household_columns: list[sheet.Column] | None = None,
    member_columns: list[sheet.Column] | None = None,
    sheets: tuple[str, ...] = (sheet.HOUSEHOLD_SHEET, sheet.MEMBER_SHEET),
) -> bytes:
    """A workbook in the template layout; each row is a dict keyed by column key."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    layout = {
        sheet.HOUSEHOLD_SHEET: (household_columns or sheet.HOUSEHOLD_COLUMNS, households),
        sheet.MEMBER_SHEET: (member_columns or sheet.MEMBER_COLUMNS, members),
    }
    for name in sheets:
        columns, rows = layout[name]
        ws = workbook.create_sheet(name)
        ws.append([c.header for c in columns])
        for row in rows:
            ws.append([row.get(c.key) for c in columns])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "archive.xlsx") -> ContentFile:
    return ContentFile(data, name=name)


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """Start an import and see it to its end, eager Celery or not."""

    def run(by, unit, data: bytes, mode: str = ALL_OR_NOTHING) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = importing.import_start(by=by, org_unit=unit, upload=upload(data), mode=mode)
        job.refresh_from_db()
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            # The task went to the broker and no worker listens here: run it in this process.
            assert job.status == ImportJob.Status.QUEUED
            job = importing.import_run(job.pk)
        assert job.is_finished
        return job

    return run


def report_rows(job: ImportJob) -> list[dict[str, Any]]:
    """The problem report as a list of dicts (sheet, row, column, reason, value)."""
    assert job.report, "the job has no report"
    with job.report.open("rb") as handle:
        workbook = load_workbook(BytesIO(handle.read()))
    ws = workbook["问题清单"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("工作表 sheet", "行 row", "列 column", "原因 reason")
    return [dict(zip(("sheet", "row", "column", "reason", "value"), r, strict=False)) for r in rows[1:]]


def problems_of(job: ImportJob) -> list[tuple[str, int, str, str]]:
    return [(p["sheet"], p["row"], p["column"], p["reason"]) for p in report_rows(job)]


def archive_counts() -> dict[str, int]:
    return {
        "households": Household.objects.count(),
        "members": Member.objects.count(),
        "skills": MemberSkill.objects.count(),
        "pairings": Pairing.objects.count(),
    }


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def id_number_ending_in_x() -> str:
    return next(
        n for n in (make_id_number("150624", dt.date(2003, 7, 1), s) for s in range(0, 400, 2)) if n.endswith("X")
    )


# --- a good file ---------------------------------------------------------------------------------------


@dataclass
class Imported:
    job: ImportJob
    head_id: str
    spouse_id: str


class TestAGoodFile:
    @pytest.fixture
    def imported(self, tree, people, run_import) -> Imported:
        head_id, spouse_id = fresh_id_number(), fresh_id_number(male=False)
        data = workbook_bytes(
            [
                household_row("H-001", helper="hana", income_per_head="620.5"),
                household_row(
                    "H-002",
                    target_groups="农牧民工",
                    hardship_causes="因学",
                    dibao_status="无",
                    state="草稿",
                    registered_on=dt.datetime(2026, 2, 1),
                ),
            ],
            [
                member_row(
                    "H-001", name="张三", id_number=head_id, phone="138 4770 0123", skills="叉车、电焊、会吹唢呐"
                ),
                member_row(
                    "H-001",
                    name="李芳",
                    relation="妻子",
                    id_number=spouse_id,
                    education="大专",
                    employment_status="灵活就业",
                    skills="保母",
                ),
                member_row("H-002", name="赵六", skills=""),
            ],
        )
        return Imported(run_import(people.alice, tree.station_a, data), head_id, spouse_id)

    @pytest.fixture
    def job(self, imported) -> ImportJob:
        return imported.job

    def test_it_is_done_and_counts_what_it_wrote(self, job):
        assert job.status == ImportJob.Status.DONE
        assert (job.households_created, job.members_created, job.error_count) == (2, 3, 0)
        assert not job.report

    def test_households_get_the_unit_region_groups_causes_and_income(self, job, tree):
        household = Household.objects.get(number="H-001")
        assert household.org_unit == tree.station_a
        assert household.region_id == "150624"
        assert household.state == Household.State.ACTIVE
        assert household.dibao_status == Household.DibaoStatus.RECEIVING
        assert household.income_per_head == Decimal("620.50")
        assert household.registered_on == dt.date(2026, 3, 1)
        assert [g.code for g in household.target_groups.all()] == ["dibao_able"]
        assert sorted(c.code for c in household.hardship_causes.all()) == ["illness", "unemployment"]

    def test_a_draft_household_and_a_real_date_cell_are_read(self, job):
        household = Household.objects.get(number="H-002")
        assert household.state == Household.State.DRAFT
        assert household.registered_on == dt.date(2026, 2, 1)
        assert household.dibao_status == Household.DibaoStatus.NONE
        assert [g.code for g in household.target_groups.all()] == ["migrant"]

    def test_members_are_stored_with_encrypted_and_hashed_id_numbers(self, imported):
        from django.db import connection

        from core import crypto

        number = imported.head_id
        head = Member.objects.get(name="张三")
        assert head.id_number == number
        assert head.id_number_hash == crypto.keyed_hash(number)
        assert head.relation == Member.Relation.HEAD
        assert head.phone == "13847700123"
        assert head.birth_date == dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number FROM households_member WHERE id = %s", [head.pk])
            (stored,) = cursor.fetchone()
        assert number not in stored

    def test_member_choice_words_become_codes(self, imported):
        spouse = Member.objects.get(name="李芳")
        assert spouse.id_number == imported.spouse_id
        assert spouse.relation == Member.Relation.SPOUSE
        assert spouse.sex == "F"
        assert spouse.education == Member.Education.COLLEGE
        assert spouse.employment_status == Member.EmploymentStatus.FLEXIBLE

    def test_skills_are_resolved_through_synonyms_and_unknown_phrases_are_kept(self, job):
        skills = {s.phrase: s for s in MemberSkill.objects.filter(member__name="张三").select_related("skill")}
        assert skills["叉车"].skill.code == "logistics.forklift"
        assert skills["电焊"].skill is not None
        assert skills["会吹唢呐"].skill is None  # kept as written, for an organizer to map later
        assert {s.source for s in skills.values()} == {MemberSkill.Source.IMPORT}
        nanny = MemberSkill.objects.get(member__name="李芳")
        assert nanny.skill.name_zh == "保姆"

    def test_the_named_helper_is_paired_with_the_household(self, job, people, tree):
        pairing = Pairing.objects.get(household__number="H-001")
        assert pairing.helper == people.hana
        assert pairing.helping_unit == tree.station_a
        assert pairing.ended_on is None
        assert not Pairing.objects.filter(household__number="H-002").exists()

    def test_the_history_records_who_imported(self, job, people):
        household = Household.objects.get(number="H-001")
        assert household.history.latest().history_user == people.alice
        assert household.created_by == people.alice


# --- files that are not spreadsheets -------------------------------------------------------------------


class TestFilesThatAreNotSpreadsheets:
    @pytest.mark.parametrize(
        "data",
        [
            pytest.param("户编号,姓名\nH-001,张三\n".encode(), id="plain-text-csv"),
            pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, id="png-header"),
            pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, id="old-xls"),
            pytest.param(b"", id="empty-file"),
        ],
    )
    def test_a_file_without_the_xlsx_signature_is_refused_at_once(self, tree, people, data):
        with pytest.raises(InvalidInput, match=r"not an Excel \.xlsx") as error:
            importing.import_start(by=people.alice, org_unit=tree.station_a, upload=upload(data), mode=ALL_OR_NOTHING)
        assert error.value.field == "file"
        assert ImportJob.objects.count() == 0
        assert Household.objects.count() == 0

    def test_a_corrupt_zip_is_refused_at_once(self, tree, people):
        data = b"PK\x03\x04" + b"\x14\x00\x00\x00garbage" * 20
        with pytest.raises(InvalidInput, match="cannot be read"):
            importing.import_start(by=people.alice, org_unit=tree.station_a, upload=upload(data), mode=ALL_OR_NOTHING)
        assert ImportJob.objects.count() == 0

    def test_a_zip_that_is_not_a_workbook_is_refused_at_once(self, tree, people):
        import zipfile

        out = BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("readme.txt", "不是表格")
        with pytest.raises(InvalidInput, match="cannot be read"):
            importing.import_start(
                by=people.alice, org_unit=tree.station_a, upload=upload(out.getvalue()), mode=ALL_OR_NOTHING
            )
        assert ImportJob.objects.count() == 0

    def test_a_truncated_workbook_is_refused_at_once(self, tree, people):
        data = workbook_bytes([household_row("H-001")], [member_row("H-001")])
        with pytest.raises(InvalidInput, match="cannot be read"):
            importing.import_start(
                by=people.alice, org_unit=tree.station_a, upload=upload(data[: len(data) // 2]), mode=ALL_OR_NOTHING
            )
        assert ImportJob.objects.count() == 0

    def test_an_unknown_mode_is_refused(self, tree, people):
        data = workbook_bytes([household_row("H-001")], [member_row("H-001")])
        with pytest.raises(InvalidInput, match="mode"):
            importing.import_start(by=people.alice, org_unit=tree.station_a, upload=upload(data), mode="yolo")
        assert ImportJob.objects.count() == 0


# --- the layout ----------------------------------------------------------------------------------------


class TestTheLayout:
    def test_a_missing_member_sheet_rejects_the_job_naming_the_sheet(self, tree, people, run_import):
        data = workbook_bytes([household_row("H-001")], [], sheets=(sheet.HOUSEHOLD_SHEET,))
        job = run_import(people.alice, tree.station_a, data)
        assert job.status == ImportJob.Status.REJECTED
        assert sheet.MEMBER_SHEET in job.message
        assert Household.objects.count() == 0

    def test_a_missing_required_column_rejects_the_job_naming_the_column(self, tree, people, run_import):
        columns = [c for c in sheet.MEMBER_COLUMNS if c.key != "id_number"]
        data = workbook_bytes([household_row("H-001")], [member_row("H-001")], member_columns=columns)
        job = run_import(people.alice, tree.station_a, data)
        assert job.status == ImportJob.Status.REJECTED
        assert "身份证号" in job.message
        assert archive_counts() == {"households": 0, "members": 0, "skills": 0, "pairings": 0}

    def test_optional_columns_may_be_left_out(self, tree, people, run_import):
        households = [c for c in sheet.HOUSEHOLD_COLUMNS if c.required]
        members = [c for c in sheet.MEMBER_COLUMNS if c.required]
        data = workbook_bytes(
            [household_row("H-001")], [member_row("H-001")], household_columns=households, member_columns=members
        )
        job = run_import(people.alice, tree.station_a, data)
        assert job.status == ImportJob.Status.DONE
        household = Household.objects.get(number="H-001")
        assert household.state == Household.State.ACTIVE  # the documented default
        assert household.members.get().work_capacity == Member.WorkCapacity.FULL

    def test_a_sheet_with_headers_only_is_rejected_as_empty(self, tree, people, run_import):
        job = run_import(people.alice, tree.station_a, workbook_bytes([], []))
        assert job.status == ImportJob.Status.REJECTED
        assert "no rows" in job.message

    def test_blank_rows_between_data_rows_are_ignored(self, tree, people, run_import):
        data = workbook_bytes(
            [household_row("H-001"), {}, household_row("H-002")], [member_row("H-001"), {}, member_row("H-002")]
        )
        job = run_import(people.alice, tree.station_a, data)
        assert job.status == ImportJob.Status.DONE
        assert job.households_created == 2


# --- bad cells -----------------------------------------------------------------------------------------


class TestBadCells:
    def test_formulas_are_reported_by_row_and_column_and_nothing_is_written(self, tree, people, run_import):
        data = workbook_bytes(
            [household_row("H-001", income_per_head="=300*2")], [member_row("H-001", id_number="=1+1")]
        )
        job = run_import(people.alice, tree.station_a, data)
        assert job.status == ImportJob.Status.REJECTED
        problems = report_rows(job)
        formula = [(p["sheet"], p["row"], p["column"]) for p in problems if "formula" in p["reason"]]
        assert (sheet.HOUSEHOLD_SHEET, 2, "人均月收入") in formula
        assert (sheet.MEMBER_SHEET, 2, "身份证号") in formula
        assert archive_counts() == {"households": 0, "members": 0, "skills": 0, "pairings": 0}

    def test_full_width_digits_and_a_lower_case_x_are_accepted_and_normalised(self, tree, people, run_import):
        with_x = id_number_ending_in_x()
        plain = fresh_id_number()
        data = workbook_bytes(
            [household_row("H-001")],
            [
                member_row("H-001", name="甲", id_number=full_width(plain)),
                member_row("H-001", name="乙", relation="子女", id_number=with_x.lower()),
            ],
        )
        job = run_import(people.alice, tree.station_a, data)
        assert job.status == ImportJob.Status.DONE, job.message
        assert Member.objects.get(name="甲").id_number == plain
        assert Member.objects.get(name="乙").id_number == with_x

    def test_a_normalised_id_number_clashes_with_the_same_number_typed_plainly(self, tree, people, run_import):
        number = id_number_ending_in_x()
        data = workbook_bytes(
            [household_row("H-001")],
            [
                member_row("H-001", name="甲", id_number=number),
                member_row("H-001", name="乙", relation="子女", id_number=full_width(number.lower())),
            ],
        )
        job = run_import(people.alice, tree.station_a, data)
        assert job.status == ImportJob.Status.REJECTED
        assert (sheet.MEMBER_SHEET, 3, "身份证号", "The same ID number is on row 2.") in problems_of(job)

    def test_an_impossible_registration_date_is_reported(self, tree, people, run_import):
        data = workbook_bytes([household_row("H-001", registered_on="2023-02-30")], [member_row("H-001")])
        job = run_import(people.alice, tree.station_a, data)
        assert job.status == ImportJob.Status.REJECTED
        [problem] = report_rows(job)
        assert (problem["sheet"], problem["row"], problem["column"]) == (sheet.HOUSEHOLD_SHEET, 2, "建档日期")
        assert "not a real date" in problem["reason"]
        assert Household.objects.count() == 0

    def test_a_registration_date_in_the_future_is_reported(self, tree, people, run_import):
        data = workbook_bytes([household_row("H-001", registered_on="2999-01-01")], [member_row("H-001")])
        job = run_import(people.alice, tree.station_a, data)
        assert (sheet.HOUSEHOLD_SHEET, 2, "建档日期", "The date is in the future.") in problems_of(job)

    def test_the_same_id_number_twice_in_the_file_names_the_other_row(self, tree, people, run_import):
        number = fresh_id_number()
        data = workbook_bytes(
            [household_row("H-001"), household_row("H-002")],
            [member_row("H-001", id_number=number), member_row("H-002", id_number=number)],
        )
        job = run_import(people.alice, tree.station_a, data)
        problems = report_rows(job)
        [duplicate] = [p for p in problems if p["column"] == "身份证号"]
        assert (duplicate["sheet"], duplicate["row"]) == (sheet.MEMBER_SHEET, 3)
        assert "row 2" in duplicate["reason"]
        assert number not in duplicate["value"]  # the report shows the number masked
        assert Member.objects.count() == 0

    def test_an_id_number_already_in_the_archive_names_the_unit_holding_it(self, tree, people, household_b, run_import):
        taken = household_b.members.get().id_number
        data = workbook_bytes([household_row("H-001")], [member_row("H-001", id_number=taken)])
        job = run_import(people.alice, tree.station_a, data)
        [problem] = report_rows(job)
        assert (problem["sheet"], problem["row"], problem["column"]) == (sheet.MEMBER_SHEET, 2, "身份证号")
        assert "棋盘井镇工会" in problem["reason"]
        assert household_b.number in problem["reason"]
        assert taken not in problem["value"]
        assert Household.objects.filter(number="H-001").count() == 0

    def test_a_check_digit_error_is_reported_on_the_id_cell(self, tree, people, run_import):
        number = fresh_id_number()
        wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
        data = workbook_bytes([household_row("H-001")], [member_row("H-001", id_number=wrong)])
        job = run_import(people.alice, tree.station_a, data)
        [problem] = report_rows(job)
        assert problem["column"] == "身份证号"
        assert "check digit" in problem["reason"]

    def test_negative_income_is_reported(self, tree, people, run_import):
        data = workbook_bytes(
            [household_row("H-001", income_per_head="-120")], [member_row("H-001", monthly_income="-1")]
        )
        job = run_import(people.alice, tree.station_a, data)
        problems = problems_of(job)
        assert (sheet.HOUSEHOLD_SHEET, 2, "人均月收入", "Cannot be negative.") in problems
        assert (sheet.MEMBER_SHEET, 2, "个人月收入", "Cannot be negative.") in problems

    def test_an_unknown_region_is_reported(self, tree, people, run_import):
        data = workbook_bytes([household_row("H-001", region="999999")], [member_row("H-001")])
        job = run_import(people.alice, tree.station_a, data)
        assert (sheet.HOUSEHOLD_SHEET, 2, "行政区划代码", "Unknown region code.") in problems_of(job)

    def test_unknown_words_in_choice_and_list_cells_are_reported(self, tree, people, run_import):
        data = workbook_bytes(
            [household_row("H-001", target_groups="外星人", dibao_status="也许")],
            [member_row("H-001", relation="邻居", education="幼儿园")],
        )
        job = run_import(people.alice, tree.station_a, data)
        columns = {(p[0], p[2]) for p in problems_of(job)}
        assert {
            (sheet.HOUSEHOLD_SHEET, "目标群体"),
            (sheet.HOUSEHOLD_SHEET, "低保状态"),
            (sheet.MEMBER_SHEET, "与户主关系"),
            (sheet.MEMBER_SHEET, "文化程度"),
        } <= columns

    def test_an_unknown_helper_is_reported(self, tree, people, run_import):
        data = workbook_bytes([household_row("H-001", helper="nobody")], [member_row("H-001")])
        job = run_import(people.alice, tree.station_a, data)
        assert [p[2] for p in problems_of(job)] == ["帮扶责任人"]

    def test_a_helper_outside_the_importers_units_is_reported(self, tree, people, run_import):
        UserFactory(username="helper_b", role=Role.HELPER, org_unit=tree.town_b)
        data = workbook_bytes([household_row("H-001", helper="helper_b")], [member_row("H-001")])
        job = run_import(people.olga, tree.town_a, data)
        assert [p[2] for p in problems_of(job)] == ["帮扶责任人"]
        assert Pairing.objects.count() == 0

    def test_a_member_row_for_a_household_number_that_does_not_exist_is_reported(self, tree, people, run_import):
        data = workbook_bytes([household_row("H-001")], [member_row("H-001"), member_row("H-404", name="孤儿行")])
        job = run_import(people.alice, tree.station_a, data)
        [problem] = report_rows(job)
        assert (problem["sheet"], problem["row"], problem["column"]) == (sheet.MEMBER_SHEET, 3, "户编号")
        assert "H-404" in problem["reason"]

    def test_two_heads_in_one_household_are_reported_on_the_second(self, tree, people, run_import):
        data = workbook_bytes(
            [household_row("H-001")], [member_row("H-001", name="甲"), member_row("H-001", name="乙")]
        )
        job = run_import(people.alice, tree.station_a, data)
        [problem] = report_rows(job)
        assert (problem["sheet"], problem["row"], problem["column"]) == (sheet.MEMBER_SHEET, 3, "与户主关系")
        assert "row 2" in problem["reason"]

    def test_an_active_household_without_a_head_is_reported(self, tree, people, run_import):
        data = workbook_bytes([household_row("H-001")], [member_row("H-001", relation="配偶")])
        job = run_import(people.alice, tree.station_a, data)
        assert [(p[0], p[2]) for p in problems_of(job)] == [(sheet.HOUSEHOLD_SHEET, "户编号")]

    def test_the_same_archive_number_twice_in_the_file_names_the_other_row(self, tree, people, run_import):
        data = workbook_bytes([household_row("H-001"), household_row("H-001")], [member_row("H-001")])
        job = run_import(people.alice, tree.station_a, data)
        assert (sheet.HOUSEHOLD_SHEET, 3, "户编号", "The same archive number is on row 2.") in problems_of(job)

    def test_a_household_row_whose_number_is_already_archived_is_reported(self, tree, people, household_a, run_import):
        data = workbook_bytes([household_row(household_a.number)], [])
        job = run_import(people.alice, tree.station_a, data)
        [problem] = report_rows(job)
        assert (problem["sheet"], problem["column"]) == (sheet.HOUSEHOLD_SHEET, "户编号")
        assert "already in the archive" in problem["reason"]


# --- all or nothing, good rows ------------------------------------------------------------------------


class TestModes:
    @pytest.fixture
    def mixed_file(self, tree):
        """Two good households, and a third whose spouse row has a negative income."""
        tree.station_a.code = "ETK-WL-ZH"
        tree.station_a.save()
        return workbook_bytes(
            [
                household_row("H-001", helper="hana"),
                household_row("H-002", unit_code="ETK-WL-ZH"),
                household_row("H-003", helper="hana"),
            ],
            [
                member_row("H-001", skills="叉车"),
                member_row("H-002", skills="电焊"),
                member_row("H-003", skills="开出租"),
                member_row("H-003", name="钱七", relation="配偶", monthly_income="-5", skills="保母"),
            ],
        )

    def test_all_or_nothing_writes_nothing_when_one_row_is_bad(self, tree, people, mixed_file, run_import):
        job = run_import(people.alice, tree.town_a, mixed_file, ALL_OR_NOTHING)
        assert job.status == ImportJob.Status.REJECTED
        assert "nothing was imported" in job.message
        assert archive_counts() == {"households": 0, "members": 0, "skills": 0, "pairings": 0}
        assert (job.households_created, job.members_created, job.error_count) == (0, 0, 1)

    def test_the_rejected_job_has_a_report_listing_sheet_row_column_and_reason(
        self, tree, people, mixed_file, run_import
    ):
        job = run_import(people.alice, tree.town_a, mixed_file, ALL_OR_NOTHING)
        assert problems_of(job) == [(sheet.MEMBER_SHEET, 5, "个人月收入", "Cannot be negative.")]

    def test_good_rows_mode_imports_the_good_households_and_reports_the_rest(
        self, tree, people, mixed_file, run_import
    ):
        job = run_import(people.alice, tree.town_a, mixed_file, GOOD_ROWS)
        assert job.status == ImportJob.Status.DONE
        assert (job.households_created, job.members_created, job.error_count) == (2, 2, 1)
        assert sorted(Household.objects.values_list("number", flat=True)) == ["H-001", "H-002"]
        assert Household.objects.get(number="H-002").org_unit == tree.station_a  # from its unit code
        assert Household.objects.get(number="H-001").org_unit == tree.town_a  # the import's unit
        assert archive_counts() == {"households": 2, "members": 2, "skills": 2, "pairings": 1}
        assert problems_of(job) == [(sheet.MEMBER_SHEET, 5, "个人月收入", "Cannot be negative.")]
        assert "see the report" in job.message

    def test_good_rows_mode_with_only_bad_rows_writes_nothing(self, tree, people, run_import):
        data = workbook_bytes([household_row("H-001", region="999999")], [member_row("H-001")])
        job = run_import(people.alice, tree.station_a, data, GOOD_ROWS)
        assert job.households_created == 0
        assert archive_counts() == {"households": 0, "members": 0, "skills": 0, "pairings": 0}
        # Not one row was good: a failure, not "imported 0 households".
        assert job.status == ImportJob.Status.REJECTED and job.outcome == "failure"
        assert "No row could be imported" in job.message
        assert [(p["sheet"], p["column"]) for p in job.first_problems][:1] == [(sheet.HOUSEHOLD_SHEET, "行政区划代码")]

    def test_the_page_of_a_failed_import_says_so_and_lists_the_first_reasons(self, tree, people, client, run_import):
        rows = [household_row(f"H-{i:03d}", region="999999") for i in range(15)]
        data = workbook_bytes(rows, [member_row(f"H-{i:03d}") for i in range(15)])
        job = run_import(people.alice, tree.station_a, data, GOOD_ROWS)
        assert len(job.first_problems) == importing.FIRST_PROBLEMS and job.error_count >= 15
        client.force_login(people.alice)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        html = client.get(reverse("households:import_job", args=[job.pk])).content.decode()
        assert "message message-error" in html and "Import failed" in html
        assert "message-success" not in html and "<progress" not in html
        assert "were added to the archive" not in html
        assert html.count("Unknown region code.") == importing.FIRST_PROBLEMS
        assert f"The first 10 of {job.error_count} problems" in html

    def test_the_page_of_a_partly_imported_file_warns(self, tree, people, client, mixed_file, run_import):
        job = run_import(people.alice, tree.town_a, mixed_file, GOOD_ROWS)
        assert job.outcome == "partial"
        client.force_login(people.alice)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        html = client.get(reverse("households:import_job", args=[job.pk])).content.decode()
        assert "message message-warning" in html and "Imported in part" in html
        assert "Cannot be negative." in html

    def test_running_a_finished_job_again_writes_nothing_more(self, tree, people, run_import):
        data = workbook_bytes([household_row("H-001")], [member_row("H-001")])
        job = run_import(people.alice, tree.station_a, data)
        again = importing.import_run(job.pk)
        assert again.status == ImportJob.Status.DONE
        assert Household.objects.count() == 1


# --- adding to the archive, and who may --------------------------------------------------------------


class TestAddingAndReach:
    def test_a_member_row_may_add_to_a_household_already_in_the_archive(self, tree, people, household_a, run_import):
        number = fresh_id_number(male=False)
        data = workbook_bytes(
            [], [member_row(household_a.number, name="刘芳", relation="配偶", id_number=number, skills="叉车")]
        )
        job = run_import(people.olga, tree.town_a, data)
        assert job.status == ImportJob.Status.DONE, job.message
        spouse = household_a.members.get(name="刘芳")
        assert spouse.id_number == number
        assert spouse.skills.get().skill.code == "logistics.forklift"
        assert Household.objects.count() == 1

    def test_a_second_head_for_a_household_already_in_the_archive_is_reported(
        self, tree, people, household_a, run_import
    ):
        data = workbook_bytes([], [member_row(household_a.number, name="赵六", relation="户主")])
        job = run_import(people.olga, tree.town_a, data)
        assert job.status == ImportJob.Status.REJECTED
        assert [p[2] for p in problems_of(job)] == ["与户主关系"]
        assert household_a.members.count() == 1

    def test_two_heads_added_to_an_archived_household_without_one_are_reported(self, tree, people, run_import):
        household = HouseholdFactory(org_unit=tree.station_a, state=Household.State.DRAFT)
        data = workbook_bytes([], [member_row(household.number, name="甲"), member_row(household.number, name="乙")])
        job = run_import(people.olga, tree.town_a, data)
        assert job.status == ImportJob.Status.REJECTED
        assert [(p[1], p[2]) for p in problems_of(job)] == [(3, "与户主关系")]

    def test_an_organizer_cannot_import_into_a_unit_outside_their_subtree(self, tree, people):
        data = workbook_bytes([household_row("H-001")], [member_row("H-001")])
        with pytest.raises(InvalidInput, match="cannot import into this unit"):
            importing.import_start(by=people.bob, org_unit=tree.town_a, upload=upload(data), mode=ALL_OR_NOTHING)
        assert ImportJob.objects.count() == 0
        assert Household.objects.count() == 0

    def test_an_organizer_cannot_import_into_the_unit_above_their_own(self, tree, people):
        data = workbook_bytes([household_row("H-001")], [member_row("H-001")])
        with pytest.raises(InvalidInput):
            importing.import_start(by=people.olga, org_unit=tree.county, upload=upload(data), mode=ALL_OR_NOTHING)
        assert ImportJob.objects.count() == 0

    @pytest.mark.parametrize("persona", ["hana", "aude", "wang", "eve"])
    def test_roles_without_the_import_right_cannot_start_an_import(self, tree, people, persona):
        data = workbook_bytes([household_row("H-001")], [member_row("H-001")])
        with pytest.raises(InvalidInput):
            importing.import_start(
                by=getattr(people, persona), org_unit=tree.station_a, upload=upload(data), mode=ALL_OR_NOTHING
            )
        assert ImportJob.objects.count() == 0

    def test_a_unit_code_of_a_sibling_unit_is_reported_as_unknown(self, tree, people, run_import):
        tree.town_b.code = "ETK-QPJ"
        tree.town_b.save()
        data = workbook_bytes([household_row("H-001", unit_code="ETK-QPJ")], [member_row("H-001")])
        job = run_import(people.olga, tree.town_a, data)
        assert [(p[0], p[2]) for p in problems_of(job)] == [(sheet.HOUSEHOLD_SHEET, "所属单位编码")]
        assert Household.objects.count() == 0

    def test_a_member_row_cannot_add_to_a_household_of_a_sibling_unit(self, tree, people, household_b, run_import):
        data = workbook_bytes([], [member_row(household_b.number, name="钱七", relation="配偶")])
        job = run_import(people.olga, tree.town_a, data, GOOD_ROWS)
        assert [(p[0], p[2]) for p in problems_of(job)] == [(sheet.MEMBER_SHEET, "户编号")]
        assert household_b.members.count() == 1


# --- export and round trip ----------------------------------------------------------------------------


def exported_rows(data: bytes, name: str) -> list[dict[str, Any]]:
    ws = load_workbook(BytesIO(data), read_only=True)[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


class TestExport:
    @pytest.fixture
    def archive(self, tree, household_a, household_b):
        MemberFactory(
            household=household_a,
            name="刘芳",
            relation=Member.Relation.SPOUSE,
            id_number=fresh_id_number(male=False),
            phone="13947701234",
        )
        return [household_a, household_b]

    def test_id_numbers_are_masked_by_default(self, people, archive):
        data = exporting.export_workbook(by=people.alice, households=selectors.household_list_for(people.alice))
        members = exported_rows(data, sheet.MEMBER_SHEET)
        stored = {m.name: m.id_number for m in Member.objects.all()}
        assert len(members) == 3
        for row in members:
            assert row["身份证号"] == stored[row["姓名"]][:6] + "********" + stored[row["姓名"]][-4:]
        # Health and income are in every export, so each member's row is logged, but not as an ID number.
        assert SensitiveAccess.objects.count() == 3
        assert not any("id_number" in a.field for a in SensitiveAccess.objects.all())

    def test_the_export_is_limited_to_what_the_exporter_sees(self, people, archive, household_a):
        data = exporting.export_workbook(by=people.olga, households=selectors.household_list_for(people.olga))
        assert [r["户编号"] for r in exported_rows(data, sheet.HOUSEHOLD_SHEET)] == [household_a.number]

    def test_full_id_numbers_need_a_note(self, people, archive):
        with pytest.raises(InvalidInput, match="Say why") as error:
            exporting.export_workbook(
                by=people.alice, households=selectors.household_list_for(people.alice), full_id_numbers=True, note="  "
            )
        assert error.value.field == "note"
        assert SensitiveAccess.objects.count() == 0

    def test_full_id_numbers_are_written_with_one_access_row_per_member(self, people, archive):
        data = exporting.export_workbook(
            by=people.alice,
            households=selectors.household_list_for(people.alice),
            full_id_numbers=True,
            note="报送市总工会核对",
            ip_address="10.0.0.7",
        )
        members = exported_rows(data, sheet.MEMBER_SHEET)
        assert sorted(r["身份证号"] for r in members) == sorted(m.id_number for m in Member.objects.all())
        log = SensitiveAccess.objects.all()
        assert sorted(int(a.record_id) for a in log) == sorted(Member.objects.values_list("pk", flat=True))
        assert {(a.user_id, a.purpose, a.note, a.ip_address) for a in log} == {
            (people.alice.pk, SensitiveAccess.Purpose.EXPORT, "报送市总工会核对", "10.0.0.7")
        }
        assert all("id_number" in a.field.split(",") for a in log)

    def test_an_auditor_is_refused_and_nothing_is_logged(self, people, archive):
        with pytest.raises(Forbidden):
            exporting.export_workbook(by=people.aude, households=selectors.household_list_for(people.aude))
        assert SensitiveAccess.objects.count() == 0

    def test_a_helper_cannot_export_full_numbers_either(self, people, archive):
        with pytest.raises(Forbidden):
            exporting.export_workbook(
                by=people.hana, households=selectors.household_list_for(people.hana), full_id_numbers=True, note="核对"
            )
        assert SensitiveAccess.objects.count() == 0

    def test_an_export_imports_again_into_an_empty_archive(self, tree, people, archive, household_a, run_import):
        tree.station_a.code = "ETK-WL-ZH"
        tree.station_a.save()
        MemberSkill.objects.create(
            member=household_a.members.get(name="王强"),
            phrase="开叉车",
            skill_id=None,
            source=MemberSkill.Source.HELPER,
        )
        household_a.target_groups.set(household_a.target_groups.model.objects.filter(code="migrant"))

        def snapshot() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]], set[tuple[Any, ...]]]:
            households = {
                (
                    h.number,
                    h.org_unit_id,
                    h.region_id,
                    h.address,
                    h.income_per_head,
                    h.dibao_status,
                    h.state,
                    h.registered_on,
                    tuple(g.code for g in h.target_groups.all()),
                )
                for h in Household.objects.all()
            }
            members = {
                (
                    m.household.number,
                    m.name,
                    m.relation,
                    m.id_number,
                    m.phone,
                    m.work_capacity,
                    m.employment_status,
                    tuple(s.phrase for s in m.skills.all()),
                )
                for m in Member.objects.select_related("household")
            }
            pairings = {(p.household.number, p.helper_id) for p in Pairing.objects.filter(ended_on__isnull=True)}
            return households, members, pairings

        before = snapshot()
        data = exporting.export_workbook(
            by=people.alice,
            households=selectors.household_list_for(people.alice),
            full_id_numbers=True,
            note="迁移到新系统",
        )
        MemberSkill.objects.all().delete()
        Pairing.objects.all().delete()
        Member.objects.all().delete()
        Household.objects.all().delete()

        job = run_import(people.alice, tree.town_b, data)

        assert job.status == ImportJob.Status.DONE, (job.message, job.report and problems_of(job))
        households, members, pairings = snapshot()
        # household_b's unit has no code, so it comes back in the import's unit; the rest is identical.
        town_b_number = next(h[0] for h in before[0] if h[1] == tree.town_b.pk)
        assert {h for h in households if h[0] != town_b_number} == {h for h in before[0] if h[0] != town_b_number}
        assert members == before[1]
        assert pairings == before[2]


# --- a real worker ------------------------------------------------------------------------------------


@pytest.mark.skipif(
    settings.CELERY_TASK_ALWAYS_EAGER,
    reason="no Celery broker configured (CELERY_BROKER_URL is empty; tasks run eagerly)",
)
@pytest.mark.django_db(transaction=True)
def test_an_import_runs_on_a_real_celery_worker_through_the_broker(tree, people):
    from celery.contrib.testing.worker import start_worker

    from web.celery import app

    # Messages left by earlier tests point at jobs of rolled-back transactions; drop them.
    app.control.purge()
    data = workbook_bytes([household_row("H-001", helper="hana")], [member_row("H-001", skills="叉车")])
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
        job = importing.import_start(by=people.alice, org_unit=tree.station_a, upload=upload(data), mode=ALL_OR_NOTHING)
        deadline = time.monotonic() + 30
        while not job.is_finished and time.monotonic() < deadline:
            time.sleep(0.2)
            job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    assert archive_counts() == {"households": 1, "members": 1, "skills": 1, "pairings": 1}
    assert MemberSkill.objects.get().skill.code == "logistics.forklift"
    assert Household.objects.get().target_groups.get().code == "dibao_able"


def test_the_templates_instructions_are_in_the_language_of_the_download() -> None:
    from openpyxl import load_workbook

    with translation.override("zh-hans"):
        book = load_workbook(BytesIO(importing.template_workbook()))
    notes = [row[3] for row in book["填写说明"].iter_rows(min_row=2, values_only=True) if row[3]]
    assert len(notes) > 10
    latin = [n for n in notes if re.search(r"[A-Za-z]{2,}", n)]
    assert latin == []
    with translation.override("en"):
        book = load_workbook(BytesIO(importing.template_workbook()))
    assert "6-digit region code, e.g. 150624" in [r[3] for r in book["填写说明"].iter_rows(values_only=True)]
