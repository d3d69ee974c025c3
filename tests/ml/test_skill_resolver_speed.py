"""ml.skill_resolver's execution shortcuts (memos, lazy steps, pruned loops) answer as the plain
computation would. Pure Python: no database."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import lazy_pinyin

from ml import calibration, taxonomy
from ml.centroids import CentroidModel
from ml.skill_resolver import (
    _INVERSIONS,
    _LRU,
    _SWAP_LAST,
    _SWAPS,
    SkillResolver,
    _Lazy,
    _phrase_pinyin,
    _pinyin_keys,
    _rewrites,
    _spaced,
    _units,
)
from ml.taxonomy import TaxonomyEntry
from skills.reference import BUILTIN_TAXONOMY

#: Characters pypinyin reads differently inside words (行 hang/xing, 长 chang/zhang, 重 chong/zhong,
#: 调 diao/tiao ...), ordinary ones, Latin letters, digits, spaces and punctuation.
CHARACTERS = "银行长大重庆调音师会计开叉车电焊工乐器得地了着还好种数角色单弹参差便宜 ab1２-，、"


@pytest.fixture(scope="module")
def entries() -> list[TaxonomyEntry]:
    with BUILTIN_TAXONOMY.open(encoding="utf-8") as handle:
        return taxonomy.parse(handle)


class _Everything:
    """A set that holds everything: a resolver whose index has it as the homophone heads tries
    every window, as before the pruning."""

    def __contains__(self, item: object) -> bool:
        return True


class TestPhrasePinyin:
    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=CHARACTERS, min_size=1, max_size=12))
    def test_reading_word_by_word_is_pypinyins_reading_of_the_whole(self, text):
        assert list(_phrase_pinyin(text)) == lazy_pinyin(text)

    @pytest.mark.parametrize(
        ("text", "reading"),
        [("银行行长", ("yin", "hang", "hang", "zhang")), ("调音师", ("tiao", "yin", "shi"))],
    )
    def test_a_word_read_by_its_context_keeps_that_reading(self, text, reading):
        assert _phrase_pinyin(text) == reading
        assert reading in _pinyin_keys(text)

    def test_the_same_word_in_another_phrase_is_read_again_in_context(self):
        assert _phrase_pinyin("行长") == ("hang", "zhang")
        assert _phrase_pinyin("长大") == ("zhang", "da")
        assert _phrase_pinyin("长度") == ("chang", "du")


class TestLazy:
    def test_nothing_is_made_until_asked_then_made_once(self):
        calls: list[int] = []

        def make() -> set[int]:
            calls.append(1)
            return {0, 2}

        lazy = _Lazy(make)
        assert calls == []
        assert 2 in lazy
        assert 1 not in lazy
        assert "2" not in lazy
        assert calls == [1]

    def test_an_empty_set_is_made_once_too(self):
        calls: list[int] = []

        def make() -> set[int]:
            calls.append(1)
            return set()

        lazy = _Lazy(make)
        assert 0 not in lazy
        assert 0 not in lazy
        assert calls == [1]


class TestPrunedHomophoneWindows:
    PHRASES = [
        "我会开茶车",  # 叉车 typed with a homophone
        "以前干过电汗和气割",
        "在工地开挖据机三年",
        "会做保姆也会当月扫",
        "家政保结",
        "在厂里当过保案",
        "吃苦耐劳会开叉车",
        "修里汽车发动机",
        "厨市，面点",
        "开大客车A1",
        "会电工也会电焊还会开铲车",
    ]

    def test_pruned_windows_answer_as_every_window_tried(self, entries):
        pruned = SkillResolver(entries)
        plain = SkillResolver(entries)
        plain._index = object.__new__(type(pruned._index))
        plain._index.__dict__.update(pruned._index.__dict__)
        plain._index.pinyin_heads = plain._index.loose_heads = _Everything()  # type: ignore[assignment]
        plain._index.tail = type(pruned._index.tail)(1024)  # its own memo of the core stages
        for phrase in self.PHRASES:
            assert plain.resolve_all(phrase) == pruned.resolve_all(phrase), phrase
            assert plain.resolve(phrase) == pruned.resolve(phrase), phrase

    @pytest.mark.parametrize(
        ("phrase", "form"), [("我会开茶车", "开叉车"), ("在厂里当过保案", "保安"), ("会做保姆也会当月扫", "月嫂")]
    )
    def test_a_homophone_inside_a_sentence_is_still_found(self, entries, phrase, form):
        scan = SkillResolver(entries)._scan(_spaced(phrase))
        assert any(hit.method == "pinyin" and hit.form == form for hit in scan.hits)


class TestMemo:
    def test_what_was_put_is_found_until_two_generations_later(self):
        memo = _LRU(4)  # generations of two
        memo.put("a", 1)
        assert memo.get("a") == 1
        memo.put("b", 2)  # the new generation is full: it becomes the old one
        assert memo.get("a") == 1  # found in the old one, copied to the new
        memo.put("c", 3)
        memo.put("d", 4)
        assert memo.get("b") is None  # not asked for two generations: gone
        assert memo.get("missing") is None

    def test_it_never_holds_more_than_its_size(self):
        memo = _LRU(10)
        for i in range(1000):
            memo.put(str(i), i)
            memo.get(str(i // 2))
        assert len(memo) <= 10
        assert memo.get("999") == 999


def _every_rewrite(phrases: list[str]) -> list[str]:
    """``_rewrites`` reading every table entry for every phrase (no first-character test)."""
    found: list[str] = []
    for phrase in phrases:
        for verb, endings in _INVERSIONS.items():
            if phrase.startswith(verb) and len(phrase) - len(verb) >= 2:
                found.extend(phrase[len(verb) :] + ending for ending in endings)
        for old, new in _SWAPS:
            if old in phrase:
                found.append(phrase.replace(old, new, 1))
        for old, new in _SWAP_LAST:
            if phrase.endswith(old) and len(phrase) >= 3:
                found.append(phrase[: -len(old)] + new)
    return list(dict.fromkeys(f for f in found if f not in phrases))


#: The tables' own words and characters, and a few others: phrases that hit every kind of rewrite.
REWRITE_PIECES = sorted(
    {*_INVERSIONS, *(e for es in _INVERSIONS.values() for e in es), *(w for pair in _SWAPS for w in pair)}
    | {w for pair in _SWAP_LAST for w in pair}
    | {"拖拉机", "空调", "电", "车", "a"}
)


class TestRewrites:
    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.lists(st.sampled_from(REWRITE_PIECES), max_size=4).map("".join), max_size=5))
    def test_the_first_character_tests_drop_no_rewrite(self, phrases):
        assert _rewrites(phrases) == _every_rewrite(phrases)

    def test_a_verb_before_its_object_and_a_role_word_are_rewritten(self):
        assert "拖拉机维修" in _rewrites(["修拖拉机"])
        assert "教师" in _rewrites(["老师"])


class TestNotASkillInsideASentence:
    @pytest.mark.parametrize(
        ("phrase", "form"),
        [
            ("我能吃苦耐劳会开叉车", "能吃苦耐劳"),
            ("吃苦耐劳", "吃苦耐劳"),
            ("ab吃苦耐劳", "吃苦耐劳"),
            ("我能吃苦", "能吃苦"),
        ],
    )
    def test_a_no_skill_phrase_inside_a_sentence_is_still_masked(self, entries, phrase, form):
        scan = SkillResolver(entries)._scan(_spaced(phrase))
        assert [hit.form for hit in scan.masks] == [form]


class TestCalibrationMemo:
    def test_a_remembered_answer_is_the_computed_one(self):
        calibration.forget()
        for kind in ("phrase_builtin", "phrase_external", "title", "nothing fitted"):
            for method in (None, "exact", "model", "guess:similar", "pinyin"):
                for score in (0.0, 0.3, 0.55, 0.62, 0.8, 0.9067, 1.0):
                    first = calibration.calibrated(kind, score, method)
                    assert first == calibration._calibrated(kind, score, method)
                    assert calibration.calibrated(kind, score, method) == first

    def test_it_stays_bounded(self, monkeypatch):
        monkeypatch.setattr(calibration, "GIVEN_AT_MOST", 10)
        calibration.forget()
        for i in range(100):
            calibration.calibrated("title", i / 100)
        assert len(calibration._given) <= 10
        calibration.forget()
        assert not calibration._given


class TestFuzzyChoices:
    PHRASES = [
        "电焊工",
        "叉车司己",
        "挖掘鸡司机",
        "育儿扫",
        "forklfit",
        "welder",
        "exkavator driver",
        "保洁",
        "叉车司机师傅",
    ]

    def test_forms_of_a_near_length_give_the_matches_of_all_forms(self, entries, monkeypatch):
        resolver = SkillResolver(entries)
        index = resolver._index
        near = {phrase: resolver._fuzzy(phrase) for phrase in self.PHRASES}
        with monkeypatch.context() as patch:  # every form offered, whatever its length
            patch.setattr(index, "fuzzy_choices", lambda latin, *_: index.fuzzy_latin if latin else index.fuzzy_cjk)
            every = {phrase: resolver._fuzzy(phrase) for phrase in self.PHRASES}
        assert near == every
        assert any(resolver._fuzzy(p) for p in self.PHRASES)

    def test_no_form_further_in_length_than_the_distance_is_offered(self, entries):
        index = SkillResolver(entries)._index
        offered = index.fuzzy_choices(False, 4, 2)
        assert offered and all(2 <= len(k) <= 6 and not k.isascii() for k in offered)
        assert [k for k in index.fuzzy_cjk if k in set(offered)] == offered  # in their order


class TestGatheredRows:
    def test_the_nearest_centroid_is_the_one_a_sparse_product_finds(self):
        # Characters shared by several skills (电, 车, 工, 洁): rows of different lengths gathered.
        docs = ["电焊", "电焊工", "氩弧焊", "叉车", "叉车司机", "开叉车", "保洁", "家政保洁", "月嫂", "育儿嫂"]
        docs += ["电工", "维修电工", "洗车工", "车辆清洁", "汽车维修工"]
        classes = ["weld", "weld", "weld", "fork", "fork", "fork", "clean", "clean", "baby", "baby"]
        classes += ["elec", "elec", "clean", "clean", "repair"]
        model = CentroidModel(docs, classes, [1.0] * len(docs))
        texts = ["电焊叉车", "会开叉车的司机", "保洁月嫂", "焊工", "育儿", "氩弧焊电焊", "无关", "修车电工", "洁车"]
        for text in texts:
            counts: dict[int, int] = {}
            for feature in model._features(text):
                j = model._vocabulary.get(feature)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            row = np.zeros(model._centroids.shape[0])
            for j, n in counts.items():
                row[j] = np.log1p(n) * model._icf_values[j]
            norm = np.sqrt(row @ row)
            found = model.nearest(text)
            if norm == 0:
                assert found is None
                continue
            similarities = (model._centroids.T @ row) / norm  # every centroid, one sparse product
            best = int(np.argmax(similarities))
            assert found is not None
            assert found[0] == model.classes[best]
            assert found[1] == pytest.approx(similarities[best])


class TestUnits:
    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet="ab1 -é电焊ｆ\x7f\x80", max_size=40))
    def test_counted_as_a_loop_over_the_characters_would(self, key):
        cjk = sum(1 for c in key if not c.isascii())
        latin = len(key) - cjk
        assert _units(key) == cjk + (min(4, math.ceil(latin / 3)) if latin else 0)
