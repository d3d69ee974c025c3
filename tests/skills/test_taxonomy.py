"""The skill taxonomy: the JSON Lines format (ml.taxonomy), the built-in taxonomy, the import and export
commands and API, and the CSCO 2022 occupations."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from rest_framework.test import APIClient

from core.models import Region
from ml import taxonomy
from ml.text import normalize
from skills import reference, services
from skills.models import Occupation, Skill, SkillSynonym


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; the interface is Chinese by default."""
    with translation.override("en"):
        yield


def line(**data) -> str:
    base = {"id": "test.welding", "name_zh": "测试电焊", "name_en": "Test welding", "synonyms": ["测试焊工"]}
    base.update(data)
    return json.dumps({k: v for k, v in base.items() if v is not ...}, ensure_ascii=False)


def problems(lines: list[str]) -> list[tuple[int, str]]:
    with pytest.raises(taxonomy.TaxonomyFormatError) as error:
        taxonomy.parse(lines)
    return [(p.line, p.message) for p in error.value.problems]


# --- the format ---------------------------------------------------------------------------------------


class TestParse:
    def test_a_good_file_gives_one_entry_per_line(self):
        entries = taxonomy.parse(
            [
                line(),
                line(
                    id="test.crane",
                    name_zh="测试吊车",
                    name_en="Test crane",
                    synonyms=["测试起重"],
                    occupations=["6-30-05-01"],
                ),
            ]
        )
        assert [e.id for e in entries] == ["test.welding", "test.crane"]
        assert entries[1].occupations == ("6-30-05-01",)
        assert entries[0].forms() == ["测试电焊", "Test welding", "测试焊工"]

    def test_a_malformed_json_line_is_reported_with_its_line_number(self):
        [(number, message)] = problems(
            [line(), '{"id": "test.x", "name_zh": ', line(id="test.y", name_zh="乙", name_en="Y", synonyms=[])]
        )
        assert number == 2
        assert "not valid JSON" in message

    def test_the_error_message_names_the_line(self):
        with pytest.raises(taxonomy.TaxonomyFormatError, match="line 3"):
            taxonomy.parse([line(), "", "not json at all"])

    def test_a_line_that_is_not_an_object_is_reported(self):
        assert problems(['["叉车"]']) == [(1, "a line must be a JSON object")]

    def test_missing_keys_are_named(self):
        [(number, message)] = problems([line(name_en=..., synonyms=...)])
        assert number == 1
        assert "name_en" in message and "synonyms" in message

    def test_an_empty_name_counts_as_missing(self):
        [(_number, message)] = problems([line(name_zh="  ")])
        assert "name_zh" in message

    @pytest.mark.parametrize("synonyms", ["叉车", {"a": 1}, ["叉车", 3]])
    def test_synonyms_that_are_not_a_list_of_strings_are_reported(self, synonyms):
        assert problems([line(synonyms=synonyms)]) == [(1, "synonyms must be a list of strings")]

    def test_occupations_that_are_not_a_list_are_reported(self):
        [(number, message)] = problems([line(occupations="6-30-05-01")])
        assert number == 1 and "occupations" in message

    def test_a_duplicate_id_names_the_first_line(self):
        [(number, message)] = problems([line(), line(name_zh="另一个", name_en="Another", synonyms=[])])
        assert number == 2
        assert "line 1" in message and "test.welding" in message

    def test_two_skills_claiming_the_same_form_after_normalisation_are_reported_with_both_lines(self):
        found = problems(
            [
                line(id="test.a2", name_zh="测试A2", name_en="Test A2", synonyms=["A2驾照"]),
                "",
                line(id="test.truck", name_zh="测试货车", name_en="Test truck", synonyms=["a2 驾照"]),
            ]
        )
        [(number, message)] = found
        assert number == 3
        assert "'test.a2'" in message and "line 1" in message

    def test_a_name_repeated_among_the_skills_own_synonyms_is_not_a_clash(self):
        [entry] = taxonomy.parse([line(synonyms=["测试电焊", "测试 电焊", "测试焊工", "测试焊工"])])
        assert entry.synonyms == ("测试电焊", "测试 电焊", "测试焊工")

    def test_empty_lines_are_skipped_and_line_numbers_still_count_them(self):
        entries = taxonomy.parse(["", line(), "   ", "\n", line(id="test.b", name_zh="乙", name_en="B", synonyms=[])])
        assert [e.id for e in entries] == ["test.welding", "test.b"]
        assert problems(["", "", "{"])[0][0] == 3

    def test_every_problem_in_the_file_is_reported_at_once(self):
        found = problems(["{", line(synonyms="x"), line(), line()])
        assert [n for n, _m in found] == [1, 2, 4]

    def test_dump_writes_what_parse_reads(self):
        entries = taxonomy.parse([line(category="manufacturing", description="焊接", occupations=["6-18-02-04"])])
        assert taxonomy.parse(list(taxonomy.dump(entries))) == entries


# --- the built-in taxonomy ----------------------------------------------------------------------------


class TestBuiltInTaxonomy:
    def test_the_built_in_file_parses_without_problems(self):
        with reference.BUILTIN_TAXONOMY.open(encoding="utf-8") as handle:
            entries = taxonomy.parse(handle)
        assert len(entries) >= 300

    @pytest.mark.django_db
    def test_the_migrations_load_at_least_300_skills(self):
        assert Skill.objects.filter(is_active=True).count() >= 300
        assert SkillSynonym.objects.count() > Skill.objects.count()

    @pytest.mark.django_db
    @pytest.mark.parametrize(
        ("phrase", "name_zh"),
        [
            ("吊车", "起重机操作"),
            ("开出租", "出租车驾驶"),
            ("保母", "保姆"),
            ("叉车", "叉车驾驶"),
            ("  ＦＯＲＫＬＩＦＴ ", "叉车驾驶"),
        ],
    )
    def test_colloquial_forms_and_typos_resolve_to_their_skill(self, phrase, name_zh):
        skill = services.skill_resolve_exact(phrase)
        assert skill is not None
        assert skill.name_zh == name_zh

    @pytest.mark.django_db
    def test_a_typo_of_driving_resolves_to_a_driving_skill(self):
        skill = services.skill_resolve_exact("驾使")
        assert skill is not None
        assert skill.category == "logistics"
        assert "驾驶" in skill.name_zh

    @pytest.mark.django_db
    def test_an_unknown_phrase_resolves_to_nothing(self):
        assert services.skill_resolve_exact("会吹唢呐") is None
        assert services.skill_resolve_exact("   ") is None

    @pytest.mark.django_db
    def test_an_inactive_skill_is_not_resolved(self):
        Skill.objects.filter(code="logistics.forklift").update(is_active=False)
        assert services.skill_resolve_exact("叉车") is None


# --- import and export commands -----------------------------------------------------------------------


def taxonomy_state() -> dict[str, tuple[str, str, str, frozenset[str], frozenset[str]]]:
    return {
        s.code: (
            s.name_zh,
            s.name_en,
            s.category,
            frozenset(normalize(x.text) for x in s.synonyms.all()),
            frozenset(o.code for o in s.occupations.all()),
        )
        for s in Skill.objects.prefetch_related("synonyms", "occupations")
    }


@pytest.mark.django_db
class TestCommands:
    def test_a_bad_file_is_refused_naming_the_line_and_the_database_is_unchanged(self, tmp_path):
        before = taxonomy_state()
        path = tmp_path / "skills.jsonl"
        path.write_text(
            "\n".join(
                [
                    line(id="logistics.forklift", name_zh="改过的叉车", name_en="Changed", synonyms=["叉车"]),
                    line(id="test.new"),
                    '{"id": "test.broken"',
                ]
            )
            + "\n",
            encoding="utf-8",
        )
        with pytest.raises(CommandError, match="line 3"):
            call_command("import_skills", "--in", str(path), stdout=StringIO())
        assert taxonomy_state() == before

    def test_a_form_already_owned_by_another_skill_rolls_back_the_whole_file(self, tmp_path):
        before = taxonomy_state()
        path = tmp_path / "skills.jsonl"
        path.write_text(
            line(id="test.new")
            + "\n"
            + line(id="test.thief", name_zh="偷名字", name_en="Thief", synonyms=["叉车"])
            + "\n",
            encoding="utf-8",
        )
        with pytest.raises(CommandError, match="叉车"):
            call_command("import_skills", "--in", str(path), stdout=StringIO())
        assert taxonomy_state() == before
        assert not Skill.objects.filter(code="test.new").exists()

    def test_a_missing_file_is_a_command_error(self, tmp_path):
        with pytest.raises(CommandError, match="Cannot read"):
            call_command("import_skills", "--in", str(tmp_path / "nowhere.jsonl"), stdout=StringIO())

    def test_a_good_file_adds_and_updates_skills(self, tmp_path):
        path = tmp_path / "skills.jsonl"
        path.write_text(
            line(id="test.new", synonyms=["测试焊工", "焊个东西"])
            + "\n"
            + line(
                id="logistics.forklift",
                name_zh="叉车驾驶",
                name_en="Forklift driving",
                synonyms=["叉车", "叉车老师傅"],
                category="logistics",
            )
            + "\n",
            encoding="utf-8",
        )
        out = StringIO()
        call_command("import_skills", "--in", str(path), stdout=out)
        assert "1 skills created, 1 updated" in out.getvalue()
        assert services.skill_resolve_exact("焊个东西").code == "test.new"
        assert services.skill_resolve_exact("叉车老师傅").code == "logistics.forklift"
        assert services.skill_resolve_exact("开叉车") is None  # forms left out of the new line are gone
        assert Skill.objects.get(code="logistics.forklift").name_en == "Forklift driving"

    def test_export_then_import_round_trips_codes_and_synonyms(self, tmp_path):
        before = taxonomy_state()
        path = tmp_path / "export.jsonl"
        call_command("export_skills", "--out", str(path), stderr=StringIO())
        exported = path.read_text(encoding="utf-8").splitlines()
        assert len(exported) == Skill.objects.filter(is_active=True).count()
        SkillSynonym.objects.all().delete()
        Skill.objects.all().delete()
        call_command("import_skills", "--in", str(path), stdout=StringIO())
        assert taxonomy_state() == before


# --- the API ------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestApi:
    def test_searching_for_a_colloquial_form_finds_the_forklift_skill(self, people):
        client = APIClient()
        client.force_authenticate(people.wang)
        response = client.get("/api/v1/skills/", {"q": "叉车"})
        assert response.status_code == 200
        codes = [s["code"] for s in response.json()["results"]]
        assert "logistics.forklift" in codes
        assert "construction.crane" not in codes

    def test_a_typo_in_the_search_finds_its_skill(self, people):
        client = APIClient()
        client.force_authenticate(people.eve)
        codes = [s["code"] for s in client.get("/api/v1/skills/", {"q": "保母"}).json()["results"]]
        assert "housekeeping.nanny" in codes

    @pytest.mark.parametrize("persona", ["wang", "hana", "aude", "eve"])
    def test_the_import_is_refused_for_roles_that_do_not_keep_the_taxonomy(self, people, persona):
        client = APIClient()
        client.force_authenticate(getattr(people, persona))
        response = client.post(
            "/api/v1/skills/import/",
            {"file": SimpleUploadedFile("skills.jsonl", (line(id="test.new") + "\n").encode())},
            format="multipart",
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert not Skill.objects.filter(code="test.new").exists()

    def test_an_organizer_imports_a_file(self, people):
        client = APIClient()
        client.force_authenticate(people.olga)
        response = client.post(
            "/api/v1/skills/import/",
            {"file": SimpleUploadedFile("skills.jsonl", ("\ufeff" + line(id="test.new") + "\n").encode())},
            format="multipart",
        )
        assert response.status_code == 200, response.content
        assert response.json()["created"] == 1
        assert services.skill_resolve_exact("测试焊工").code == "test.new"

    def test_a_bad_file_through_the_api_lists_the_lines_at_fault(self, people):
        client = APIClient()
        client.force_authenticate(people.olga)
        before = Skill.objects.count()
        response = client.post(
            "/api/v1/skills/import/",
            {"file": SimpleUploadedFile("skills.jsonl", (line(id="test.new") + "\n{\n").encode())},
            format="multipart",
        )
        assert response.status_code == 400
        assert [d["line"] for d in response.json()["details"]] == [2]
        assert Skill.objects.count() == before

    def test_a_file_that_is_not_utf8_is_refused(self, people):
        client = APIClient()
        client.force_authenticate(people.olga)
        response = client.post(
            "/api/v1/skills/import/",
            {"file": SimpleUploadedFile("skills.jsonl", line(id="test.new").encode("gbk"))},
            format="multipart",
        )
        assert response.status_code == 400
        assert response.json()["field"] == "file"


# --- occupations and reference data -------------------------------------------------------------------


@pytest.mark.django_db
class TestOccupations:
    def test_the_csco_2022_table_is_loaded(self):
        assert Occupation.objects.count() >= 2000
        assert set(Occupation.objects.values_list("level", flat=True).distinct()) == {1, 2, 3, 4}

    def test_an_occupation_has_its_chain_of_parents(self):
        occupation = Occupation.objects.get(code="6-30-05-01")
        chain = []
        while occupation.parent_id:
            occupation = occupation.parent
            chain.append(occupation.code)
        assert chain == ["6-30-05-00", "6-30-00-00", "6-00-00-00"]

    def test_only_major_groups_have_no_parent(self):
        assert set(Occupation.objects.filter(parent__isnull=True).values_list("level", flat=True)) == {1}

    def test_digital_and_green_markers_are_taken_off_the_names(self):
        assert Occupation.objects.filter(is_digital=True).exists()
        assert Occupation.objects.filter(is_green=True).exists()
        assert not Occupation.objects.filter(name__regex=r"[SL]$").filter(level=4).exists()

    def test_the_load_reference_data_command_is_idempotent(self):
        def counts() -> tuple[int, int, int, int]:
            return (
                Occupation.objects.count(),
                Occupation.objects.filter(parent__isnull=False).count(),
                Region.objects.count(),
                Region.objects.filter(parent__isnull=False).count(),
            )

        after_migrations = counts()
        call_command("load_reference_data", stdout=StringIO())
        assert counts() == after_migrations
        call_command("load_reference_data", stdout=StringIO())
        assert counts() == after_migrations

    def test_the_load_reference_data_command_restores_an_edited_row(self):
        Occupation.objects.filter(code="6-30-05-01").update(name="改坏了", parent=None)
        call_command("load_reference_data", stdout=StringIO())
        occupation = Occupation.objects.get(code="6-30-05-01")
        assert occupation.name != "改坏了"
        assert occupation.parent.code == "6-30-05-00"
