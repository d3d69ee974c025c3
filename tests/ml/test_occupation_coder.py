"""Coding job titles to CSCO 2022 (ml.occupations): pure Python, no database."""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass

import pytest

from core.reference import REGIONS_CSV
from ml import taxonomy
from ml.occupations import (
    CACHE_SIZE,
    UNCERTAIN_BELOW,
    OccupationCoder,
    OccupationEntry,
    OccupationMatch,
    read_csco,
)
from skills.reference import BUILTIN_TAXONOMY, OCCUPATIONS_CSV


@dataclass
class Built:
    coder: OccupationCoder
    seconds: float
    entries: list[OccupationEntry]


@pytest.fixture(scope="module")
def built() -> Built:
    started = time.perf_counter()
    entries = read_csco(OCCUPATIONS_CSV)
    with BUILTIN_TAXONOMY.open(encoding="utf-8") as handle:
        skills = taxonomy.parse(handle)
    with REGIONS_CSV.open(encoding="utf-8", newline="") as handle:
        places = [n for row in csv.DictReader(handle) for n in (row["name"], row["short_name"])]
    coder = OccupationCoder(entries, skills=skills, place_names=places)
    return Built(coder, time.perf_counter() - started, entries)


@pytest.fixture(scope="module")
def coder(built: Built) -> OccupationCoder:
    return built.coder


def entry(code: str, name: str, *, level: int = 4, parent: str | None = None, aliases: tuple[str, ...] = ()):
    return OccupationEntry(code, level, name, aliases, "", "", parent, False, False)


# --- reading the table ----------------------------------------------------------------------------


class TestReadCsco:
    def test_four_levels_and_a_code_given_twice_keeps_its_first_row(self, built):
        entries = built.entries
        assert {e.level for e in entries} == {1, 2, 3, 4}
        codes = [e.code for e in entries]
        assert len(codes) == len(set(codes)) >= 2000
        by_code = {e.code: e for e in entries}
        # 2-03-01-00 is listed as a minor group and again as an occupation: the first row wins.
        assert by_code["2-03-01-00"].level == 3

    def test_parents_are_the_nearest_existing_group(self, built):
        by_code = {e.code: e for e in built.entries}
        assert by_code["6-30-05-01"].parent == "6-30-05-00"
        assert by_code["6-30-05-00"].parent == "6-30-00-00"
        assert by_code["6-00-00-00"].parent is None
        # No minor group between them.
        assert by_code["1-01-00-01"].parent == "1-01-00-00"

    def test_digital_and_green_marks_come_off_names_and_aliases(self, built):
        by_code = {e.code: e for e in built.entries}
        software = by_code["2-02-10-03"]
        assert software.name == "计算机软件工程技术人员" and software.is_digital and not software.is_green
        assert "计算机软件工程技术人员S" not in software.aliases
        assert "IOS" in software.aliases  # a Latin S is part of the word
        both = by_code["2-02-01-02"]
        assert both.is_digital and both.is_green and not both.name.endswith(("S", "L", "/"))

    def test_a_name_with_enumeration_commas_is_not_cut_into_aliases(self, built):
        by_code = {e.code: e for e in built.entries}
        assert by_code["2-07-00-00"].name == "监察、法律、社会和宗教专业人员"
        assert not {"监察", "法律"} & set(by_code["2-07-00-00"].aliases)
        assert {"叉车工", "叉车司机"} <= set(by_code["6-30-05-01"].aliases)

    def test_a_file_with_a_byte_order_mark_reads_the_same(self, tmp_path):
        path = tmp_path / "csco.csv"
        path.write_text(
            "level,code,code_num,name,definition,tasks,csco_code_num,alias\n"
            "1,6-00-00-00,6000000,生产制造及有关人员,,,6000000,\n"
            "4,6-18-02-04,6180204,焊工,焊接的人员。,,6180204,焊工、氩弧焊工\n",
            encoding="utf-8-sig",
        )
        welder = read_csco(path)[1]
        assert (welder.code, welder.parent, welder.aliases, welder.definition) == (
            "6-18-02-04",
            "6-00-00-00",
            ("氩弧焊工",),
            "焊接的人员。",
        )


# --- the examples ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("电焊工（包吃住）", "6-18-02-04"),
        ("鄂托克旗急招叉车司机", "6-30-05-01"),
        ("资深Java开发", "2-02-10-03"),
        ("招聘保洁阿姨若干名", "4-09-08-01"),
        ("棋盘井镇诚聘电工3名，五险一金", "6-31-01-03"),
        ("【急聘】挖机司机 日结", "6-30-05-05"),
        ("乌兰镇养老院招护理员（男女不限）", "4-10-01-05"),
        ("高薪诚聘中餐厨师一名", "4-03-02-01"),
        ("蒙西工业园区化工厂DCS内操", "6-11-01-03"),
        ("东胜区超市收银员", "4-01-02-04"),
        ("想找个开叉车的活", "6-30-05-01"),
        ("会电焊想进厂", "6-18-02-04"),
        ("以前放过羊，想找个养牛的活", "5-03-02-01"),
        ("有A2驾照，想跑长途", "4-02-02-02"),
        ("電焊工（長期）", "6-18-02-04"),
        ("Python工程师", "2-02-10-03"),
        ("Java Developer", "2-02-10-03"),
        ("Web前端开发", "4-04-05-01"),
        ("UI设计", "2-09-06-07"),
        ("HR专员", "4-07-03-04"),
        ("CAD制图", "3-01-02-07"),
        ("forklift driver", "6-30-05-01"),
        ("小学语文老师", "2-08-02-04"),
        ("机械工程师", "2-02-07-00"),
        ("钢筋", "6-29-01-04"),
    ],
)
def test_titles_as_people_write_them(coder, title, code):
    match = coder.code(title)
    assert match.code == code, (title, match)
    assert match.level == next(e.level for e in coder._index.entries.values() if e.code == code)
    assert match.name


def test_a_known_title_is_confident(coder):
    for title in ("电焊工（包吃住）", "鄂托克旗急招叉车司机", "资深Java开发"):
        match = coder.code(title)
        assert match.score >= UNCERTAIN_BELOW and not match.uncertain


def test_cleaning_drops_asides_places_filler_seniority_and_honorifics(coder):
    assert coder.cleaned("电焊工（包吃住）") == "电焊工"
    assert coder.cleaned("鄂托克旗急招叉车司机") == "叉车司机"
    assert coder.cleaned("资深Java开发") == "java开发"
    assert coder.cleaned("招聘保洁阿姨若干名") == "保洁阿姨"  # a known form, kept whole
    assert coder.cleaned("炒锅师傅 月薪8000+ 包吃住") == "炒锅"
    assert coder.cleaned("想找个开车的活") == "开车"


def test_filler_inside_a_known_word_stays(coder):
    assert coder.code("招聘专员").code == "4-07-03-08"  # 招聘 is filler, 招聘专员 an occupation
    assert coder.code("会计").code == "2-06-03-00"  # 会 before a word is filler, not in 会计
    assert coder.code("学徒工").code == "6-00-00-00"


# --- vague titles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "code", "level"),
    [
        ("普工", "6-00-00-00", 1),
        ("急招男女普工，长白班", "6-00-00-00", 1),
        ("工地小工 日结", "6-29-00-00", 2),
        ("招聘司机若干名", "4-02-02-00", 3),
        ("护士（有证）", "2-05-08-00", 3),
        ("老师", "2-08-00-00", 2),
        ("编辑", "2-10-02-00", 3),  # a name of the group and an alias of one occupation in it
        ("煤矿井下普工", "6-16-01-00", 3),  # a workplace with a vague worker: the minor group
    ],
)
def test_vague_titles_fall_back_to_a_broader_group(coder, title, code, level):
    match = coder.code(title)
    assert (match.code, match.level) == (code, level), match


def test_casual_work_is_coded_but_left_for_review(coder):
    match = coder.code("临时工")
    assert match.code == "8-00-00-00" and match.uncertain


def test_candidates_that_disagree_inside_one_group_give_the_group():
    entries = [
        entry("6-00-00-00", "生产制造及有关人员", level=1),
        entry("6-18-00-00", "机械制造基础加工人员", level=2, parent="6-00-00-00"),
        entry("6-18-02-00", "机械热加工人员", level=3, parent="6-18-00-00"),
        entry("6-18-02-01", "铸造工", parent="6-18-02-00", aliases=("热加工工",)),
        entry("6-18-02-02", "锻造工", parent="6-18-02-00", aliases=("热加工工",)),
        entry("4-00-00-00", "社会生产服务和生活服务人员", level=1),
        entry("4-03-02-05", "餐厅服务员", parent="4-00-00-00", aliases=("热加工工",)),
    ]
    # Two siblings claim the alias: their shared minor group answers, less sure than either.
    small = OccupationCoder(entries[:5])
    match = small.code("热加工工")
    assert (match.code, match.level) == ("6-18-02-00", 3)
    assert match.score < small.code("铸造工").score
    # No shared group below the major groups: the most specific code answers.
    assert OccupationCoder(entries).code("热加工工").code in {"6-18-02-01", "6-18-02-02", "4-03-02-05"}


# --- scores ---------------------------------------------------------------------------------------


def test_scores_are_between_zero_and_one_and_a_code_is_missing_only_when_nothing_fits(coder):
    for title in ("叉车司机", "想找个开车的活", "临时工", "帮厨", "储备干部", "会吹唢呐", "xyz"):
        match = coder.code(title)
        assert 0.0 <= match.score <= 1.0
        assert (match.code is None) == (match.level == 0)
    assert 0.0 < UNCERTAIN_BELOW < 1.0


def test_an_exact_name_scores_above_a_guess(coder):
    assert coder.code("焊工").score > coder.code("想找个开车的活").score > coder.code("临时工").score


# --- learned corrections --------------------------------------------------------------------------


def test_learned_corrections_override_and_teach(coder):
    before = coder.code("仪表工 化工厂")
    taught = coder.with_learned({"仪表工": "6-31-01-04", "驼奶加工": "6-02-04-01"})
    assert taught.code("仪表工").code == "6-31-01-04"
    assert taught.code("仪表工").method == "learned" and taught.code("仪表工").score >= 0.98
    # Also inside a longer title, and after cleaning.
    assert taught.code("急招仪表工（化工厂）").code == "6-31-01-04"
    assert taught.code("驼奶加工车间工人").code == "6-02-04-01"
    # The original coder is unchanged.
    assert coder.code("仪表工 化工厂") == before
    assert coder.code("仪表工").method != "learned"


def test_a_title_learned_exactly_wins_with_full_confidence(coder):
    taught = coder.with_learned({"搓澡的活": "4-10-03-04"})
    match = taught.code("  搓澡的活 ")
    assert (match.code, match.score, match.method) == ("4-10-03-04", 1.0, "learned")


def test_learned_corrections_can_be_given_at_construction(built):
    entries = built.entries
    coder = OccupationCoder(entries, learned={"看大门": "4-07-05-01"})
    assert coder.code("看大门").code == "4-07-05-01"


def test_a_learned_code_not_in_the_table_is_refused(coder):
    with pytest.raises(ValueError, match="9-99-99-99"):
        coder.with_learned({"神秘工种": "9-99-99-99"})


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["", "   ", "😀🔥👍", "\x00\x07\x1b[31m", "！！！？？？", "——", "\ufeff"])
def test_nothing_to_code_gives_no_code(coder, title):
    match = coder.code(title)
    assert match == OccupationMatch(None, 0.0, 0, "none")
    assert match.uncertain


def test_a_ten_thousand_character_title_is_read_quickly(coder):
    long = "叉车司机" + "包吃住长期招聘" * 1500
    assert len(long) > 10000
    started = time.perf_counter()
    match = coder.code(long)
    assert time.perf_counter() - started < 0.5
    assert match.code == "6-30-05-01"
    assert coder.code("字" * 10000).score <= 1.0


def test_emoji_control_characters_and_mixed_scripts_do_not_get_in_the_way(coder):
    assert coder.code("🔥🔥急招🔥叉车司机🚜").code == "6-30-05-01"
    assert coder.code("电焊工\x00\t\u200b（包住）").code == "6-18-02-04"
    assert coder.code("Водитель 叉车司机").code == "6-30-05-01"
    assert coder.code("ᠮᠣᠩᠭᠣᠯ 保安").code == "4-07-05-01"
    assert coder.code("Водитель").code is None


def test_a_non_string_is_read_as_text(coder):
    assert coder.code(None).code is None  # type: ignore[arg-type]


# --- memory and speed -----------------------------------------------------------------------------


def test_titles_that_clean_the_same_share_one_answer(coder):
    first = coder.code("叉车司机（包吃住）")
    assert coder.code("急招叉车司机") is first
    assert len(coder._cache) <= CACHE_SIZE


# Construction time and the time per title are measured by benchmarks/eval_occupations.py, not here:
# a timed unit test fails on a busy machine without anything being wrong.


def test_an_empty_table_codes_nothing_without_failing():
    assert OccupationCoder([]).code("叉车司机") == OccupationMatch(None, 0.0, 0, "none")
