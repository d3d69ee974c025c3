"""ml.skill_resolver: messy skill phrases to taxonomy ids. Pure Python: no database."""

from __future__ import annotations

import dataclasses
import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ml import taxonomy
from ml.skill_resolver import (
    ACCEPT,
    ACCEPT_EXTERNAL,
    AGREE_MODEL,
    GUESS_ONLY,
    MODEL_OVER_PART,
    LinkedBuild,
    SkillMatch,
    SkillResolver,
    _agreed,
    _distinctive_forms,
    _linked_entries,
    core_key,
    link_taxonomies,
)
from ml.taxonomy import TaxonomyEntry
from ml.text import normalize, normalize_spaced
from skills.reference import BUILTIN_TAXONOMY

ROOT = Path(__file__).resolve().parents[2]

TYPO_SYNONYMS = {"驾使", "气修", "电汗", "电悍", "保母"}


@pytest.fixture(scope="module")
def entries() -> list[TaxonomyEntry]:
    with BUILTIN_TAXONOMY.open(encoding="utf-8") as handle:
        return taxonomy.parse(handle)


@pytest.fixture(scope="module")
def resolver(entries: list[TaxonomyEntry]) -> SkillResolver:
    built = SkillResolver(entries)
    built.warm_up()
    return built


@pytest.fixture(scope="module")
def without_typos(entries: list[TaxonomyEntry]) -> SkillResolver:
    """The built-in taxonomy with its typo synonyms taken out: typos must resolve by pinyin alone."""
    return SkillResolver(
        [dataclasses.replace(e, synonyms=tuple(s for s in e.synonyms if s not in TYPO_SYNONYMS)) for e in entries]
    )


def entry(id: str, name_zh: str, name_en: str, *synonyms: str) -> TaxonomyEntry:
    return TaxonomyEntry(id=id, name_zh=name_zh, name_en=name_en, synonyms=synonyms)


# --- normalisation ------------------------------------------------------------------------------------


class TestNormalize:
    def test_full_width_case_punctuation_and_spaces_go(self):
        assert normalize("  Forklift-驾驶（A2）") == "forklift驾驶a2"
        assert normalize("ＦＯＲＫＬＩＦＴ") == "forklift"

    def test_traditional_characters_become_simplified(self):
        assert normalize("駕駛 電焊") == "驾驶电焊"

    def test_emoji_control_and_zero_width_characters_go(self):
        assert normalize("保安\u200b员🚜\x00\x7f\ufeff") == "保安员"

    def test_simplified_text_is_left_as_it_is(self):
        assert normalize("乾隆年间的干部") == "乾隆年间的干部"

    def test_opencc_is_skipped_only_where_it_would_change_nothing(self):
        """``to_simplified`` calls OpenCC only on text with a character some table entry changes;
        on everything else (most of what people write) OpenCC gives the text back unchanged."""
        import opencc

        from ml import text

        converter = opencc.OpenCC("t2s")
        _converter, needs = text._load_t2s()
        rng = random.Random(5)
        common = "会开叉车电焊工作熟练掌握有年经验持证师傅做过干懂本人能吃苦乾隆著名后面发面头发里面皇后"
        traditional = "駕駛電銲機養員證師經驗會廚飯貨運維修髮麵後裡乾著"
        samples = ["乾隆年间的干部", "著名", "头发", "皇后", "后面", "有5年電焊經驗", "熟练掌握叉车"]
        samples += ["".join(rng.choice(common + traditional) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
        for sample in samples:
            assert text.to_simplified(sample) == converter.convert(sample), sample
            if not needs.search(sample):
                assert converter.convert(sample) == sample, sample
        assert not needs.search("会开叉车也会电焊") and not needs.search("有5年电焊工作经验")

    def test_the_spaced_form_keeps_word_boundaries(self):
        assert normalize_spaced("I drive a forklift!") == "i drive a forklift"
        assert normalize_spaced("I drive a forklift!").replace(" ", "") == normalize("I drive a forklift!")


# --- exact forms, filler, sentences -------------------------------------------------------------------


class TestExactAndFiller:
    def test_a_name_resolves_with_the_highest_confidence(self, resolver):
        # The rules' score is 1.0; calibrated, only an organizer's answer is certain.
        match = resolver.resolve("叉车驾驶")
        assert match == SkillMatch("logistics.forklift", 0.99, "exact", "叉车驾驶")
        assert match.raw_score == 1.0

    def test_a_colloquial_synonym_resolves_exactly(self, resolver):
        match = resolver.resolve("开叉车")
        assert (match.skill, match.method) == ("logistics.forklift", "exact")
        assert match.score >= 0.95

    @pytest.mark.parametrize(
        ("phrase", "skill"), [("駕駛", "logistics.car_driving"), ("電焊", "manufacturing.arc_welding")]
    )
    def test_traditional_characters_resolve_like_simplified_ones(self, resolver, phrase, skill):
        assert resolver.resolve(phrase).skill == skill

    def test_full_width_letters_resolve(self, resolver):
        assert resolver.resolve("ＥＸＣＥＬ表格").skill == "office.excel"

    @pytest.mark.parametrize(
        ("phrase", "skill"),
        [
            ("熟练掌握电焊技术", "manufacturing.arc_welding"),
            ("持A2驾照3年", "logistics.a2_driving"),
            ("有5年叉车经验", "logistics.forklift"),
            ("持叉车证", "logistics.forklift"),
            ("具有中级厨师资格证", "catering.chinese_cooking"),
            ("从事会计工作十年", "office.accounting"),
            ("高级育婴师", "care.infant_care"),
        ],
    )
    def test_filler_around_a_skill_is_stripped(self, resolver, phrase, skill):
        match = resolver.resolve(phrase)
        assert (match.skill, match.method) == (skill, "filler")
        assert match.score >= 0.9

    @pytest.mark.parametrize(
        ("phrase", "skill"),
        [
            ("有A1驾照", "logistics.a1_driving"),
            ("B2驾驶证", "logistics.b2_driving"),
            ("c1驾驶证", "logistics.car_driving"),
            # the class outweighs a longer form beside it
            ("A2驾驶证 跑长途十年", "logistics.a2_driving"),
        ],
    )
    def test_the_licence_class_picks_the_driving_skill(self, resolver, phrase, skill):
        assert resolver.resolve(phrase).skill == skill

    def test_a_level_after_a_skill_is_filler(self, resolver):
        match = resolver.resolve("环卫（熟练）")
        assert (match.skill, match.method) == ("other.sanitation", "filler")

    @pytest.mark.parametrize(
        ("phrase", "skill"),
        [("牛场饲养员", "agriculture.cattle_farming"), ("鸡场饲养员", "agriculture.poultry")],
    )
    def test_a_keeper_of_animals_keeps_the_animals_named(self, resolver, phrase, skill):
        assert resolver.resolve(phrase).skill == skill

    def test_a_verb_before_its_object_names_the_skill(self, resolver):
        assert resolver.resolve("修拖拉机").skill == "agriculture.farm_machinery_repair"
        assert resolver.resolve("种蔬菜").skill == "agriculture.vegetable_growing"

    def test_speaking_mandarin_is_a_skill_because_the_taxonomy_has_it(self, resolver):
        assert resolver.resolve("会说普通话").skill == "language.mandarin"


class TestSentences:
    def test_every_skill_in_a_sentence_is_found_once(self, resolver):
        found = resolver.resolve_all("本人会开叉车也会电焊，电焊干了五年")
        assert [m.skill for m in found] == ["logistics.forklift", "manufacturing.arc_welding"]

    def test_resolve_gives_the_best_single_skill_of_a_sentence(self, resolver):
        match = resolver.resolve("本人会开叉车也会电焊")
        assert (match.skill, match.method) == ("logistics.forklift", "sentence")

    def test_the_skill_is_found_among_soft_qualities(self, resolver):
        assert resolver.resolve("本人女，45岁，身体健康，干过五年保洁，能吃苦").skill == "housekeeping.cleaning"

    def test_a_workplace_yields_to_what_the_person_does_there(self, resolver):
        assert resolver.resolve("在快递公司干分拣").skill == "logistics.parcel_sorting"

    def test_a_generic_word_yields_to_the_specific_skill_beside_it(self, resolver):
        assert [m.skill for m in resolver.resolve_all("熟练驾驶挖掘机")] == ["construction.excavator"]

    def test_a_machine_being_repaired_is_not_the_skill_of_operating_it(self, resolver):
        match = resolver.resolve("会修理老式缝纫机和锁边机")
        assert match.skill is None
        assert match.guess == "textiles.sewing"
        assert resolver.resolve("在汽修厂当保安").skill == "security.security_guard"
        assert resolver.resolve("修理厂当保安").skill == "security.security_guard"

    def test_a_duration_between_verb_and_object_does_not_hide_the_skill(self, resolver):
        assert resolver.resolve("在牧区放了二十年羊").skill == "agriculture.herding"

    def test_a_negated_skill_is_not_taken(self, resolver):
        match = resolver.resolve("不会开车")
        assert match.skill is None
        assert resolver.resolve_all("不会开车") == []

    def test_a_phrase_without_any_skill_has_an_empty_list(self, resolver):
        assert resolver.resolve_all("吃苦耐劳") == []


# --- English, mixed, typos ----------------------------------------------------------------------------


class TestEnglishAndMixed:
    @pytest.mark.parametrize(
        ("phrase", "skill"),
        [
            ("forklift driver", "logistics.forklift"),
            ("Excel", "office.excel"),
            ("I can drive a forklift", "logistics.forklift"),
            ("drive excavator", "construction.excavator"),
            ("forklit", "logistics.forklift"),
        ],
    )
    def test_english_phrases_resolve(self, resolver, phrase, skill):
        assert resolver.resolve(phrase).skill == skill

    @pytest.mark.parametrize(
        ("phrase", "skill"),
        [
            ("excel表格", "office.excel"),
            ("PS修图", "it.graphic_design"),
            ("CAD制图", "construction.cad_drafting"),
            ("会用AutoCAD", "construction.cad_drafting"),
        ],
    )
    def test_mixed_chinese_and_english_resolve(self, resolver, phrase, skill):
        assert resolver.resolve(phrase).skill == skill

    @pytest.mark.parametrize(
        ("phrase", "skill"),
        [
            ("CNC编程 三轴四轴", "manufacturing.cnc_programming"),
            ("会CNC编程，三轴四轴都做过", "manufacturing.cnc_programming"),
        ],
    )
    def test_an_english_word_inside_a_longer_known_form_is_that_forms(self, resolver, phrase, skill):
        # CNC alone is machine operation; CNC编程 is programming.
        assert resolver.resolve(phrase).skill == skill

    def test_a_latin_form_only_matches_a_whole_word(self, resolver):
        # "ae" (After Effects) must not be found inside "aerial", nor "ps" inside "steps".
        assert resolver.resolve_all("aerial steps") == []


class TestTypos:
    @pytest.mark.parametrize(
        ("phrase", "form"), [("驾使", "驾驶"), ("气修", "汽修"), ("电汗", "电焊"), ("保母", "保姆")]
    )
    def test_homophone_typos_resolve_by_pinyin_without_typo_synonyms(self, without_typos, resolver, phrase, form):
        match = without_typos.resolve(phrase)
        assert match.method == "pinyin"
        assert match.matched == form
        assert match.skill == resolver.resolve(form).skill
        assert match.score >= ACCEPT

    def test_a_homophone_typo_inside_a_sentence_resolves(self, without_typos):
        assert without_typos.resolve("本人会电汗").skill == "manufacturing.arc_welding"
        found = without_typos.resolve_all("我会电汗，也会开车")
        assert {m.skill for m in found} == {"manufacturing.arc_welding", "logistics.car_driving"}

    def test_pinyin_typed_in_latin_letters_resolves(self, resolver):
        assert resolver.resolve("chache").skill == "logistics.forklift"
        assert resolver.resolve("cha che").skill == "logistics.forklift"

    @pytest.mark.parametrize(
        ("phrase", "skill"),
        [("dian qi she bei wei xiu", "E"), ("wo hui er yang hua tan qi ti bao hu han", "W"), ("cha che jia shi", "C")],
    )
    def test_pinyin_of_a_long_form_typed_a_syllable_a_word_resolves(self, phrase, skill):
        small = SkillResolver(
            [
                entry("E", "电气设备维修", "Electrical equipment repair"),
                entry("C", "叉车驾驶", "Forklift"),
                entry("W", "二氧化碳气体保护焊", "CO2 welding"),
            ]
        )
        assert small.resolve(phrase).skill == skill

    def test_a_short_form_is_not_turned_into_a_longer_one(self, resolver):
        assert resolver.resolve("电工").skill == "power.electrician"
        assert resolver.resolve("电焊工").skill == "manufacturing.arc_welding"

    def test_a_real_two_character_word_is_not_read_as_a_typo(self, resolver):
        # 种蔬 sounds like 种树 (afforestation), but 蔬菜 is a word: this is growing vegetables.
        assert resolver.resolve("种蔬菜").skill != "agriculture.afforestation"


# --- not a skill, unknown, guesses --------------------------------------------------------------------


class TestNotASkill:
    @pytest.mark.parametrize(
        "phrase", ["吃苦耐劳", "身体健康", "责任心强", "服从安排", "能吃苦", "无不良嗜好", "年龄45岁"]
    )
    def test_soft_qualities_are_not_skills(self, resolver, phrase):
        match = resolver.resolve(phrase)
        assert (match.skill, match.method) == (None, "not_a_skill")
        assert match.score >= ACCEPT

    @pytest.mark.parametrize(
        "phrase", ["为人诚恳，做事踏实", "男，50岁，初中文化", "能吃苦，肯学习", "hard working team player"]
    )
    def test_new_wordings_of_soft_qualities_are_not_skills(self, resolver, phrase):
        assert resolver.resolve(phrase).method == "not_a_skill"

    def test_an_activity_outside_the_taxonomy_is_not_forced_onto_a_skill(self, resolver):
        for phrase in ("会吹唢呐", "下象棋", "开飞机"):
            assert resolver.resolve(phrase).skill is None

    def test_a_weak_guess_is_kept_for_review_below_the_threshold(self, resolver):
        # (做实木家具 was the example here; the taxonomy's wording model now reads it as furniture
        # making, rightly. Repairing a machine is no skill of using it: a guess, for review.)
        match = resolver.resolve("修老式缝纫机")
        assert match.skill is None
        assert match.guess == "textiles.sewing"
        assert match.method.startswith("guess:")
        # Below the bar on the raw score (what decides); the calibrated score says how often such a
        # guess was right, which may be more.
        assert match.raw_score is not None
        assert 0 <= match.raw_score < ACCEPT


# --- bad input ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small() -> SkillResolver:
    return SkillResolver(
        [entry("L", "普通车床", "Lathe"), entry("W", "服务员", "Waiter"), entry("K", "拣货打包", "Picking")]
    )


class TestSimilarByACommonWord:
    """Character n-grams: a form that shares only a common word with the phrase (普通 in 会说普通话
    and 普通车床, 服务 in 殡葬服务 and 服务员) is a guess; a rarer shared pair (拣货) still answers."""

    @pytest.mark.parametrize("phrase", ["会说普通话", "殡葬服务", "普通人"])
    def test_a_common_word_alone_gives_only_a_guess(self, small, phrase):
        found = small._similar(normalize(phrase))
        assert found
        assert all(m.score < ACCEPT_EXTERNAL for m in found)

    def test_a_rarer_shared_pair_still_answers(self, small):
        best = max(small._similar(normalize("拣货员")), key=lambda m: m.score)
        assert (best.skill, best.method) == ("K", "similar")
        assert best.score >= ACCEPT


@pytest.fixture(scope="module")
def guides() -> SkillResolver:
    """A small taxonomy, read as an external one is (answers from ``ACCEPT_EXTERNAL``)."""
    built = SkillResolver(
        [entry("G", "导游服务", "Tour guiding", "导游", "景区讲解"), entry("C", "叉车驾驶", "Forklift", "叉车")]
    )
    built.accept = ACCEPT_EXTERNAL
    return built


class TestModelNearBySingleCharacters:
    """The wording model names a skill only when the phrase shares two consecutive characters with
    some wording of it: 游 in 会游泳 is part of 游泳, not of 导游."""

    @pytest.mark.parametrize("phrase", ["会游泳", "打游戏", "游泳"])
    def test_a_single_shared_character_gives_a_guess(self, guides, phrase):
        match = guides.resolve(phrase)
        assert match.skill is None
        assert match.method == "guess:model"
        assert match.guess == "G"
        assert all(m.score <= GUESS_ONLY for m in guides._modelled(normalize(phrase), normalize(phrase)))

    def test_a_shared_pair_still_answers(self, guides):
        assert guides.resolve("导游证").skill == "G"
        assert guides.resolve("开叉车的").skill == "C"


class TestBadInput:
    @pytest.mark.parametrize("phrase", ["", "   ", "！！！", "😀😀", "\x00\x01", "\ufeff"])
    def test_an_empty_or_blank_phrase_answers_nothing(self, resolver, phrase):
        assert resolver.resolve(phrase) == SkillMatch(None, 0.0, "none")
        assert resolver.resolve_all(phrase) == []

    @pytest.mark.parametrize("phrase", ["会开叉车🚜", "\x00开叉车\x7f", "开\u200b叉车", "开\t叉车\r\n"])
    def test_emoji_and_control_characters_are_ignored(self, resolver, phrase):
        assert resolver.resolve(phrase).skill == "logistics.forklift"

    def test_mixed_scripts_in_one_phrase_resolve(self, resolver):
        assert resolver.resolve("ᠮᠣᠩᠭᠣᠯ 会开forklift 🚜 ок").skill == "logistics.forklift"

    def test_a_10000_character_phrase_answers_quickly(self, resolver):
        text = "会开叉车，" + "".join(
            random.Random(1).choice("的一是在不了有和人这中大为上个国我") for _ in range(10_000)
        )
        started = time.perf_counter()
        match = resolver.resolve(text)
        assert time.perf_counter() - started < 0.5
        assert match.skill == "logistics.forklift"

    def test_a_10000_character_phrase_of_nothing_answers_quickly(self, resolver):
        started = time.perf_counter()
        match = resolver.resolve("啊" * 10_000)
        assert time.perf_counter() - started < 0.5
        assert match.skill is None

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        st.text(
            alphabet=st.one_of(
                st.characters(),
                st.sampled_from("叉车电焊驾驶会开有年经验证修了过的，。A2c1 excelforklift驾使電焊🚜\u200b\x00"),
            ),
            max_size=60,
        )
    )
    def test_any_text_gets_an_answer_in_range(self, resolver, text):
        match = resolver.resolve(text)
        assert 0.0 <= match.score <= 1.0
        assert match.skill is None or match.score >= ACCEPT
        found = resolver.resolve_all(text)
        assert len({m.skill for m in found}) == len(found)
        assert all(m.skill is not None and m.score >= ACCEPT for m in found)

    def test_every_score_is_between_zero_and_one(self, resolver):
        for phrase in ("叉车", "开叉车的活", "电汗", "吃苦耐劳", "会吹唢呐", "做实木家具", "forklift", "chache", ""):
            assert 0.0 <= resolver.resolve(phrase).score <= 1.0


# --- learned mappings ---------------------------------------------------------------------------------


class TestLearned:
    def test_a_learned_phrase_overrides_the_taxonomy(self, entries):
        learned = SkillResolver(entries, learned={"铲车": "logistics.forklift"})
        assert learned.resolve("铲车") == SkillMatch("logistics.forklift", 1.0, "learned", "铲车")

    def test_a_learned_phrase_is_normalised(self, entries):
        learned = SkillResolver(entries, learned={" 焊个东西！": "manufacturing.arc_welding"})
        assert learned.resolve("焊個東西").skill == "manufacturing.arc_welding"

    def test_a_learned_phrase_is_found_inside_a_sentence(self, entries):
        learned = SkillResolver(entries, learned={"焊个东西": "manufacturing.arc_welding"})
        assert learned.resolve("我平时会焊个东西，也会开车").skill == "manufacturing.arc_welding"

    def test_a_learned_phrase_sharing_its_start_with_the_text_does_not_get_in_the_way(self, entries):
        learned = SkillResolver(entries, learned={"会电脑": None, "叉车老": "logistics.forklift"})
        assert [m.skill for m in learned.resolve_all("本人会电焊也会开叉车")] == [
            "logistics.forklift",
            "manufacturing.arc_welding",
        ]

    def test_a_phrase_learned_as_no_skill_answers_not_a_skill(self, entries):
        learned = SkillResolver(entries, learned={"会电脑": None})
        match = learned.resolve("会电脑")
        assert (match.skill, match.method) == (None, "not_a_skill")

    def test_with_learned_makes_a_copy_and_leaves_the_original_alone(self, resolver):
        copy = resolver.with_learned({"铲车": "logistics.forklift"})
        assert copy.resolve("铲车").skill == "logistics.forklift"
        assert resolver.resolve("铲车").skill == "construction.loader"

    def test_later_learned_mappings_win(self, resolver):
        first = resolver.with_learned({"铲车": "logistics.forklift"})
        assert first.with_learned({"铲车": None}).resolve("铲车").skill is None

    def test_a_learned_id_the_taxonomy_does_not_know_is_ignored(self, entries):
        learned = SkillResolver(entries, learned={"叉车": "no.such.skill"})
        assert learned.resolve("叉车").skill == "logistics.forklift"


# --- taxonomies other than the built-in one ----------------------------------------------------------


@pytest.fixture(scope="module")
def external() -> list[TaxonomyEntry]:
    return [
        entry("X1", "叉车驾驶", "Forklift"),
        entry("X2", "焊工", "Welder"),
        entry("X3", "家政", "Housekeeping", "钟点工"),
        entry("X9", "仓储", "Storage", "叉车"),  # this file gives 叉车 to another skill
    ]


@pytest.fixture(scope="module")
def linked(external, entries) -> SkillResolver:
    return SkillResolver.linked(external, entries)


class TestLinked:
    def test_built_in_colloquial_forms_resolve_to_the_external_id(self, linked):
        assert linked.resolve("开叉车").skill == "X1"
        assert linked.resolve("熟练掌握电焊技术").skill == "X2"

    def test_a_form_the_external_file_gives_to_another_skill_stays_there(self, linked):
        assert linked.resolve("叉车").skill == "X9"

    def test_unlinked_built_in_skills_never_appear(self, linked, entries):
        builtin_ids = {e.id for e in entries}
        for phrase in ("开挖机", "会计", "厨师", "放羊", "本人会开叉车也会电焊，还会开挖机"):
            assert linked.resolve(phrase).skill not in builtin_ids
            assert not {m.skill for m in linked.resolve_all(phrase)} & builtin_ids

    def test_linking_shared_by_two_processes_makes_the_same_resolver(self, external, entries, linked):
        # rank_files' two phrase workers each make part of the reads (LinkedBuild.reads), the first
        # links with both parts: the same entries as linking alone, so the same answers.
        build = LinkedBuild(external, entries)
        first, second = build.reads(0), build.reads(1)
        assert first and second
        merged = build.entries({**first, **second})
        assert merged == _linked_entries(external, entries, {})
        shared = build.resolver(merged)
        for phrase in ("开叉车", "熟练掌握电焊技术", "叉车", "会计", "本人会开叉车也会电焊，还会开挖机"):
            assert shared.resolve(phrase) == linked.resolve(phrase)
            assert shared.resolve_all(phrase) == linked.resolve_all(phrase)

    def test_skills_link_by_name_then_by_synonym(self, entries):
        links = link_taxonomies([entry("E1", "电焊", "Welding"), entry("E2", "做饭阿姨", "Cook", "家常菜")], entries)
        assert links["manufacturing.arc_welding"] == "E1"
        assert links["housekeeping.home_cooking"] == "E2"
        assert "logistics.forklift" not in links

    def test_a_skill_named_otherwise_links_by_how_the_other_resolver_reads_its_forms(self, entries):
        # Neither name nor synonym is shared: the built-in resolver reads 煤矿井下采煤 as 采煤, and
        # 牵引车驾驶(A2) as the A2 licence.
        links = link_taxonomies(
            [entry("E1", "煤矿井下采煤", "Underground coal mining"), entry("E2", "牵引车驾驶(A2)", "Tractor-trailer")],
            entries,
        )
        assert links["mining.coal_mining"] == "E1"
        assert links["logistics.a2_driving"] == "E2"
        assert link_taxonomies([entry("E1", "煤矿井下采煤", "Coal")], entries, read=False) == {}

    def test_a_small_taxonomy_reading_a_built_in_form_as_its_nearest_skill_links_nothing(self, entries):
        # Its resolver reads 体育教练 or 健身教练 as the nearest of its few skills: no evidence.
        links = link_taxonomies([entry("E1", "机动车驾驶教练", "Driving instruction", "驾校教练")], entries)
        assert links.get("logistics.driving_instructor") == "E1"
        assert "education.sports_coaching" not in links
        assert "services.fitness_coach" not in links

    def test_skills_link_when_every_word_of_one_english_name_is_in_the_other(self, entries):
        # 出租车驾驶 "Taxi driving" is a kind of "Taxi and ride-hailing driving"; a single word, or a
        # word the other name lacks, is no evidence.
        taxi = entry("E1", "出租汽车及网约车驾驶", "Taxi and ride-hailing driving")
        assert link_taxonomies([taxi], entries, read=False).get("logistics.taxi") == "E1"
        for name_en in ("Taxi", "Taxi and ride-hailing service"):
            other = dataclasses.replace(taxi, name_en=name_en)
            assert "logistics.taxi" not in link_taxonomies([other], entries, read=False)

    def test_an_external_skill_nothing_links_to_takes_the_built_in_forms_its_resolver_reads_as_it(self, entries):
        # 装修木工 (built-in: 吊顶, 吊顶工, 轻钢龙骨 ...) links to E1 by name; no built-in skill links to E2,
        # whose own resolver reads 吊顶工 as 吊顶: that form goes to E2, the others stay with E1.
        carpentry = entry("E1", "装修木工", "Interior carpentry")
        ceilings = entry("E2", "吊顶隔墙", "Suspended ceilings", "吊顶")
        resolver = SkillResolver.linked([carpentry, ceilings], entries)
        assert resolver.resolve("吊顶工").skill == "E2"
        assert resolver.resolve("做柜子").skill == "E1"
        assert resolver.resolve("轻钢龙骨").skill == "E1"
        assert SkillResolver.linked([carpentry], entries).resolve("吊顶工").skill == "E1"

    def test_a_built_in_form_with_a_word_only_one_unreached_external_skill_uses_goes_there(self):
        # 挤奶 is a word of E2's forms only, 分拣 of E4's: the built-in forms holding them go there
        # (nothing links to E2 or E4). 垃圾分拣 also holds 垃圾, a word of E3's own: it names two
        # skills and goes to neither; 喂奶牛 holds no such word.
        external = [
            entry("E1", "奶牛饲养", "Dairy cattle"),
            entry("E2", "机械挤奶", "Machine milking", "挤奶作业"),
            entry("E3", "生活垃圾收运", "Waste collection", "垃圾清运"),
            entry("E4", "拣货打包", "Order picking", "分拣打包"),
        ]
        builtin = [
            entry("b1", "奶牛养殖", "Dairy farming", "挤奶", "挤奶工", "喂奶牛"),
            entry("b2", "垃圾分类", "Waste sorting", "垃圾分拣"),
            entry("b3", "快件分拣", "Parcel sorting", "分拣员"),
        ]
        owner = {normalize(f): e.id for e in external for f in e.forms()}
        found = set(_distinctive_forms(external, builtin, {"b1": "E1"}, owner))
        assert {("E2", "挤奶"), ("E2", "挤奶工"), ("E4", "分拣员")} <= found
        assert not {form for _id, form in found} & {"喂奶牛", "垃圾分拣"}
        # every external skill reached: nothing moves
        assert not set(_distinctive_forms(external, builtin, {"b1": "E1", "b2": "E3", "b3": "E4", "b4": "E2"}, owner))

    def test_with_an_external_taxonomy_nearest_forms_count_from_a_lower_score(self, linked, resolver):
        assert resolver.accept == ACCEPT
        assert linked.accept == ACCEPT_EXTERNAL < ACCEPT
        assert linked.with_learned({}).accept == ACCEPT_EXTERNAL


class TestAmbiguousForms:
    def test_a_form_two_skills_claim_is_ignored_rather_than_guessed(self):
        resolver = SkillResolver([entry("a", "叉车驾驶", "Forklift", "铲车"), entry("b", "装载机", "Loader", "铲车")])
        assert resolver.resolve("铲车").skill is None
        assert resolver.ambiguous_forms == {"铲车": ("a", "b")}
        assert resolver.resolve("装载机").skill == "b"


# --- speed --------------------------------------------------------------------------------------------


class TestLenientTaxonomy:
    def line(self, id: str, name_zh: str, *synonyms: str) -> str:
        return TaxonomyEntry(id=id, name_zh=name_zh, name_en=id.upper(), synonyms=synonyms).as_json()

    def test_a_synonym_two_entries_claim_is_reported_and_dropped_from_both(self):
        entries, warnings = taxonomy.parse_lenient(
            [self.line("a", "叉车驾驶", "叉车", "铲车"), "", self.line("b", "装载机", "铲车 ", "装载机司机")]
        )
        assert [e.synonyms for e in entries] == [("叉车",), ("装载机司机",)]
        [warning] = warnings
        assert warning.line == 3
        assert "'a' (line 1)" in warning.message and "'b' (line 3)" in warning.message

    def test_a_malformed_line_stays_fatal_and_names_its_line(self):
        with pytest.raises(taxonomy.TaxonomyFormatError, match="line 2"):
            taxonomy.parse_lenient([self.line("a", "叉车驾驶"), "{"])

    def test_a_duplicate_id_stays_fatal(self):
        with pytest.raises(taxonomy.TaxonomyFormatError, match="already used on line 1"):
            taxonomy.parse_lenient([self.line("a", "叉车驾驶"), self.line("a", "电焊")])

    def test_the_strict_parser_still_refuses_the_same_file(self):
        with pytest.raises(taxonomy.TaxonomyFormatError, match="also claimed by 'a'"):
            taxonomy.parse([self.line("a", "叉车驾驶", "铲车"), self.line("b", "装载机", "铲车")])


class TestModelOverAPart:
    """A known form explaining less than half of a phrase yields to the model's reading of the whole
    (出租车司机六年 is no bare 司机), when the model is sure enough and names another skill."""

    @staticmethod
    def _with_model(score: float) -> SkillResolver:
        resolver = SkillResolver([entry("P", "喷漆", "Spray painting"), entry("Q", "汽车钣喷", "Auto refinishing")])

        def modelled(phrase: str, whole: str) -> list[SkillMatch]:
            return [SkillMatch("Q", score, "model", "汽车钣喷")]

        resolver._modelled = modelled  # type: ignore[method-assign]
        return resolver

    def test_a_sure_model_reading_of_the_whole_wins(self):
        match = self._with_model(MODEL_OVER_PART + 0.05).resolve("烤漆房里喷漆会调色")
        assert (match.skill, match.method) == ("Q", "model")

    def test_an_unsure_one_does_not(self):
        assert self._with_model(MODEL_OVER_PART - 0.05).resolve("烤漆房里喷漆会调色").skill == "P"

    def test_a_form_that_is_most_of_the_phrase_stays(self):
        assert self._with_model(MODEL_OVER_PART + 0.05).resolve("喷漆工").skill == "P"


def test_core_key_puts_the_wrappers_of_one_phrase_together():
    # (Which phrases go to the same phrase worker in rank_files: ml.matching._by_worker.)
    assert {core_key(p) for p in ("有5年电焊经验", "电焊（熟练）", "熟练电焊", "电焊", "电焊3年")} == {"电焊"}
    assert core_key("会开叉车") == core_key("叉车")
    assert core_key("电焊") != core_key("叉车")


class TestWhatSurroundsASkill:
    """A trait, pay, a place or an age beside a skill says nothing about it: the reading of the skill
    must not change (benchmarks/wrap_phrases.py counts this on the blind tuning phrases)."""

    @pytest.mark.parametrize(
        "phrase",
        ["陪老人看病，能吃苦", "局扇管理，身体健康", "辅导小学生作业，工资面议", "局扇管理 急找工作", "在矿上局扇管理"],
    )
    def test_a_clause_that_is_no_skill_leaves_the_nearest_reading_alone(self, resolver, phrase):
        bare = {"陪老人看病": "care.medical_escort", "局扇管理": "mining.mine_ventilation"}
        expected = next((v for k, v in bare.items() if k in phrase), "education.tutoring")
        assert resolver.resolve(phrase).skill == expected

    def test_a_negation_still_keeps_the_model_out(self, resolver):
        assert resolver.resolve("不会开车").skill is None


def categorised(id: str, name_zh: str, name_en: str, category: str, *synonyms: str) -> TaxonomyEntry:
    return TaxonomyEntry(id=id, name_zh=name_zh, name_en=name_en, synonyms=synonyms, category=category)


@pytest.fixture(scope="module")
def trades() -> SkillResolver:
    return SkillResolver(
        [
            categorised("E1", "电工作业(低压)", "Low-voltage electrical work", "电气", "电工"),
            categorised("E2", "煤矿井下电气作业", "Mine electrical work", "矿山", "井下电工"),
            categorised("E3", "煤矿井下采煤", "Underground coal mining", "矿山", "采煤"),
            categorised("E4", "平面设计", "Graphic design", "设计", "PS"),
            categorised("E5", "图像处理", "Photo editing", "设计", "修图"),
        ]
    )


class TestContext:
    def test_a_generic_form_in_a_phrase_placed_in_another_category_is_that_categorys_skill(self, trades):
        # 煤矿 and 井下 are words of two mining skills and of nothing else: the phrase is placed in
        # mining, whose only form holding 电工 is 井下电工.
        assert trades.resolve("煤矿机电队电工").skill == "E2"
        assert trades.resolve("电工，井下").skill == "E2"
        assert trades.resolve("电工").skill == "E1"
        assert trades.resolve("会电工").skill == "E1"

    def test_english_in_a_partly_chinese_phrase_weighs_as_a_form_of_its_size(self, trades):
        assert trades.resolve("PS修图").skill == "E5"
        assert trades.resolve("会用PS").skill == "E4"
        assert trades.resolve("PS").skill == "E4"


@pytest.fixture(scope="module")
def drivers() -> SkillResolver:
    return SkillResolver(
        [
            entry("D1", "小型汽车驾驶", "Car driving", "司机"),
            entry("D2", "出租汽车驾驶", "Taxi driving", "出租车司机"),
            entry("D3", "井下机车运输", "Mine locomotive haulage", "电机车司机"),
            entry("D4", "货车驾驶", "Truck driving", "货车司机", "重型货车司机"),
            entry("W1", "焊条电弧焊", "Arc welding", "焊工"),
            entry("W2", "压力管道焊接", "Pressure pipe welding", "压力管道焊工"),
        ]
    )


class TestSpecialised:
    """A known form with unexplained words before it: the longer form holding both names the skill."""

    def test_the_words_before_a_form_pick_the_longer_form_that_holds_them(self, drivers):
        assert drivers.resolve("出租司机").skill == "D2"
        assert drivers.resolve("管道焊工").skill == "W2"
        assert drivers.resolve("蓄电池机车司机").skill == "D3"

    def test_a_form_alone_or_with_words_no_longer_form_holds_stays(self, drivers):
        assert drivers.resolve("司机").skill == "D1"
        assert drivers.resolve("焊工").skill == "W1"
        assert drivers.resolve("老焊工").skill == "W1"  # one character: no pair to go by
        assert drivers.resolve("公司司机").skill == "D1"

    def test_a_tie_between_two_skills_changes_nothing(self, drivers):
        # 车司 is in 电机车司机 and in 货车司机 alike; 机车 only in the first.
        assert drivers.resolve("机车司机").skill == "D3"
        assert drivers.resolve("车司机").skill == "D1"


class TestAgreed:
    """The wording model and an n-gram neighbour, each short of an answer, naming the same skill."""

    def test_two_unsure_readings_of_one_skill_answer_at_the_bar(self):
        found = _agreed([SkillMatch("A", 0.52, "similar", "拣货打包"), SkillMatch("A", 0.4, "model", "拣货")], 0.55)
        assert found is not None and (found.skill, found.score, found.method) == ("A", 0.55, "agreed")

    @pytest.mark.parametrize(
        "candidates",
        [
            [SkillMatch("A", 0.52, "similar", "x"), SkillMatch("B", 0.4, "model", "y")],  # two skills
            [SkillMatch("A", 0.52, "similar", "x"), SkillMatch("A", AGREE_MODEL - 0.01, "model", "y")],
            [SkillMatch("A", GUESS_ONLY, "similar", "x"), SkillMatch("A", 0.9, "model", "y")],  # a common word
            [SkillMatch("A", 0.52, "similar", "x"), SkillMatch("A", 0.58, "similar", "y")],  # one reading twice
        ],
    )
    def test_anything_less_is_no_answer(self, candidates):
        assert _agreed(candidates, 0.55) is None

    def test_a_blind_tuning_phrase_gets_its_answer_and_a_trait_still_none(self, entries):
        # Blind tuning-half phrases (benchmarks/data/blind): 拿PDA拣货 was a guess (order picking)
        # below the bar by both readings; a trait stays no skill.
        with (ROOT / "benchmarks" / "data" / "blind" / "external_taxonomy.jsonl").open(encoding="utf-8-sig") as h:
            external, _warnings = taxonomy.parse_lenient(h)
        blind = SkillResolver.linked(external, entries)
        found = blind.resolve("拿PDA拣货")
        assert (found.skill, found.method) == ("SK-0101", "agreed")
        assert blind.resolve("会说普通话").skill is None
