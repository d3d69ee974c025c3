"""Mapping what people write about their skills to the skill taxonomy.

Workers and employers write skills in their own words: colloquial, misspelt (mostly homophones
picked from the pinyin input method), traditional characters, full-width letters, English or mixed
Chinese/English, wrapped in filler ("熟练掌握…技术", "有5年…经验", "持…证") or buried in a
sentence. ``SkillResolver`` answers with one taxonomy id (``resolve``) or every skill it finds
(``resolve_all``), a calibrated score in [0, 1] and how it got there. Pure Python, no Django.

The pipeline (docs/resolve-skills.md has the details and the figures):

1. normalise (``ml.text``): NFKC, case folding, traditional -> simplified, punctuation, emoji and
   control characters dropped; inputs are cut to ``MAX_INPUT_CHARS``;
2. ``learned`` mappings (organizers' decisions) first, then exact forms (names, synonyms, English);
   then the curated "not a skill" phrases;
3. the same lookups after rewriting: filler stripped (熟练掌握, 有5年…经验, 持…证, levels, 的/活),
   the verb put after its object (修拖拉机 -> 拖拉机维修), interchangeable role words (老师/教师);
   licence classes (A2, C1) are kept because the taxonomy has them;
4. candidates, best score wins: the whole phrase read as pinyin (homophone typos, 电汗 -> 电焊), and a
   scan of the text for every known form, longest first, checked against a jieba segmentation (a
   short form straddling a real word scores low), plus homophone windows, English words
   (inflections, typos) and pinyin typed in Latin letters;
5. if none reaches ``ACCEPT``: "not a skill" when soft-quality words cover the phrase; else fuzzy
   matching (rapidfuzz Levenshtein, length-aware limits) and character n-gram similarity;
6. still nothing at ``ACCEPT``: ``skill=None``, with the best guess kept for review
   (``method="guess:<how>"``, ``guess`` = its id, ``score`` = its score).
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sp
from pypinyin import lazy_pinyin
from pypinyin.seg.simpleseg import seg as _pinyin_words
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from ml.calibration import calibrated
from ml.centroids import CentroidModel, centroid_score
from ml.occupations import _FILLER as _RECRUITMENT_FILLER
from ml.taxonomy import TaxonomyEntry
from ml.text import is_cjk, normalize, normalize_spaced

# An answer scoring below ACCEPT is not given as a skill (skill=None; the guess is kept for review).
# On the evaluation set 98.8% of the answers at or above it are right, and a third of the guesses
# just below it (benchmarks/eval_skills.py prints the table; docs/resolve-skills.md).
ACCEPT = 0.6
#: With an external taxonomy (``SkillResolver.linked``: a few hundred skills, not the built-in
#: thousands of forms) the nearest-form stages are right more often: their answers count from here
#: (set on the tuning half of the blind phrases, docs/evaluation.md).
ACCEPT_EXTERNAL = 0.55
#: The model's reading of a whole phrase overrules a known form explaining less than half of it from
#: this score (set on the tuning half of the blind phrases).
MODEL_OVER_PART = 0.45
# Only this much of the input is read; of that, the sentence scan reads the first MAX_SCAN_CHARS
# characters of the normalised text. A 10,000-character paste still answers, in bounded time.
MAX_INPUT_CHARS = 2000
MAX_SCAN_CHARS = 400
CACHE_SIZE = 65536

SCORE_NAME = 1.0
SCORE_SYNONYM = 0.98
SCORE_FILLER = 0.95
SCORE_REWRITE = 0.9
SCORE_NOT_A_SKILL = 0.95
SIMILAR_COSINE = 0.45  # character n-gram cosine that scores ACCEPT
#: Pinyin typed in Latin letters is read in groups of up to this many words (a syllable each, as
#: people type it: "dian qi she bei wei xiu" is 电气设备维修), longest first.
PINYIN_GROUP_MAX = 10
#: A word this frequent in jieba's general dictionary (服务, 普通, 老人: about the commonest 4,000
#: words) says little about which skill a phrase names when it is all it shares with a form.
COMMON_WORD = 1000
#: The score a reading that can only be a guess is held to (below any bar of acceptance).
GUESS_ONLY = 0.5
#: The least score of the wording model's reading that an n-gram neighbour's may agree with (``_agreed``).
AGREE_MODEL = 0.3


@dataclass(frozen=True)
class SkillMatch:
    skill: str | None  # taxonomy id, or None ("not a skill" / not understood)
    score: float  # confidence in [0, 1]; 0.0 when skill is None and nothing came close
    method: str  # exact learned filler pinyin sentence english fuzzy similar agreed not_a_skill none guess:<how>
    matched: str = ""  # the taxonomy form (or learned phrase) that matched; for not_a_skill the text
    guess: str | None = None  # below ACCEPT: the id of the best guess, for organizers to review
    raw_score: float | None = field(default=None, compare=False)  # before calibration (None: not calibrated)


NO_MATCH = SkillMatch(None, 0.0, "none")


# --- lexicons ---------------------------------------------------------------------------------------


def _words(block: str) -> list[str]:
    return [w for w in block.split() if w]


# Soft qualities and generic statements people write where a skill is asked: no skill.
# "会说普通话" is NOT here: the taxonomy has Standard Mandarin (tour guides, call centres, teachers).
_NOT_SKILL_PHRASES = """
吃苦耐劳 能吃苦 肯吃苦 吃得了苦 不怕吃苦 能吃苦耐劳 吃苦耐劳踏实肯干 能吃苦耐劳肯干 能吃苦耐劳服从管理
身体健康 身体好 身体素质好 身体棒 身强力壮 年轻力壮 有力气 力气大 身体好有力气
责任心强 有责任心 责任感强 工作认真负责 认真负责 做事认真 工作认真 细心 细心认真 有耐心 耐心细致
有爱心 细心有耐心 有耐心爱心
服从安排 服从分配 服从管理 服从公司安排 服从领导安排 听从指挥 听从安排 听从领导指挥 听话
有上进心 上进心强 积极上进 沟通能力强 善于沟通 表达能力强 团队合作 团队精神 有团队合作精神 团队意识强
踏实肯干 踏实能干 勤劳肯干 肯干 能干 勤快 手脚勤快 手脚麻利 勤劳 勤奋
无不良嗜好 不抽烟不喝酒 无犯罪记录 无违法犯罪记录
为人老实 为人诚实 诚实守信 为人诚恳 老实本分 人品好 品行端正 为人诚恳做事踏实
性格开朗 性格好 脾气好 性格温和 形象好 形象气质佳 形象好气质佳 气质佳 五官端正
学习能力强 肯学 好学 肯学肯干 能吃苦肯学习 适应能力强 抗压能力强 动手能力强 反应快 头脑灵活
能加班 能接受加班 可以加班 能倒班 能倒夜班 可以倒夜班 能上夜班 可以上夜班 能出差 能适应出差 能住宿舍
能长期干 长期稳定 能长期稳定工作 不怕脏不怕累 不怕苦不怕累 爱干净 讲卫生
普通劳动力 劳动力 待业 待业在家 在家待业 找工作 求职 想找份工作 想找工作 打零工
什么活都能干 什么都能干 啥活都干 啥都能干 什么都会 什么都会一点 什么都干 干啥都行
无 暂无 没有 不会 无技能 暂无技能 没有技能 没技术 没什么技术 没什么特长 无特长
无经验 没有经验 没有工作经验 无工作经验 应届毕业生 应届生
退伍军人 退役军人 复员军人 党员 中共党员 已婚 未婚 已婚已育
hardworking teamwork honest responsible reliable healthy punctual diligent none
"""
_NOT_SKILL_ENGLISH = (
    "hard working",
    "team player",
    "communication skills",
    "good communication skills",
    "fast learner",
    "quick learner",
    "good health",
    "no skills",
)

# Words such statements are made of; a phrase that is mostly these (and the glue characters below)
# is "not a skill" even in a wording never seen before.
_SOFT_STEMS = """
吃苦 耐劳 踏实 肯干 能干 实干 勤快 勤劳 勤奋 麻利 责任心 责任感 上进心 上进 沟通 表达 团队 合作精神
协作 健康 身体 体力 力气 力壮 年轻 诚实 诚信 守信 老实 本分 诚恳 人品 品行 品德 性格 脾气 开朗
外向 温和 稳重 形象 气质 五官 端正 细心 耐心 爱心 认真 负责 仔细 服从 听从 听话 安排 分配 指挥
学习能力 适应能力 抗压 动手能力 反应 灵活 聪明 加班 倒班 夜班 白班 出差 住宿 宿舍 长期 稳定 不怕
干净 劳动力 待业 求职 找工作 嗜好 抽烟 喝酒 犯罪 记录 违法 年龄 周岁 岁 身高 体重 公分 厘米 斤
学历 文化 毕业 初中 高中 中专 大专 本科 小学 研究生 硕士 博士 应届 党员 军人 退伍 退役 已婚 未婚
已育 离异 男 女 经验 技能 技术 特长 什么 啥 都 活 一点 肯学 好学 积极 热情 乐观 能力 意识 精神
优秀 良好 暂无 没有 不会 无 普通 一般 零工 临时工 工作 找 想 份 苦 累 脏 强 佳 棒 好
"""
_GLUE_CHARS = frozenset("的有能会很可以肯也都且并又和与及一点些较非常特别具备为人做事个本我是在够要还")
_SOFT_ENGLISH = frozenset(
    _words(
        "hard working hardworking team player teamwork communication honest responsible reliable healthy "
        "health fast quick learner punctual diligent none no strong motivated friendly"
    )
)
_STOP_ENGLISH = frozenset(
    _words(
        "i im am a an the and or of in at on for with to can could have has had be is are was were my me we "
        "you good very well years year yrs yr experience experienced skilled skill skills licence license "
        "licensed certified certificate professional senior junior job jobs do did know able also some as "
        "from by it this that any all more than over plus etc fluent speak use using"
    )
)
# Suffixes an English word and its relatives may differ by (driver / driving / drive).
_ENGLISH_SUFFIXES = frozenset(
    [
        "",
        "s",
        "es",
        "e",
        "ed",
        "er",
        "ers",
        "or",
        "ors",
        "ing",
        "ings",
        "ion",
        "ions",
        "ation",
        "ations",
        "ist",
        "ists",
        "y",
        "ies",
        "r",
        "rs",
        "al",
        "ment",
        "ments",
    ]
)


# Filler around a skill: what is taken off, one word at a time, before looking the phrase up again.
_NUM = r"(?:\d+|[一二两三四五六七八九十百几多数半]+)"
_YEARS = rf"(?:{_NUM}(?:多|余|来)?(?:个)?年(?:多|半)?(?:以上|左右)?|多年|数年|几年|好几年|年以上)"
_LEVEL = r"(?:[一二三四五]级|初级|中级|高级|特级|高级技师|技师)"
_PREFIX_WORDS = """
本人 我是 我会 我能 我 自己 个人 能够 能 会 可以 熟练掌握 熟练使用 熟练操作 熟练运用 熟练 掌握 精通 熟悉 了解
擅长 懂得 略懂 懂 从事过 从事 做过 干过 当过 学过 开过 有过 持有 持证 持 具有 具备 拥有 有丰富的 有丰富 丰富的
以前是 之前是 曾经是
有 取得 获得 考取 考过 拿到了 拿到 已取得 独立完成 独立 一直 主要 负责 曾经 曾 以前 之前 现在 目前 专业 资深
金牌 优秀 的 一点 一些 点
"""
_SUFFIX_WORDS = """
技术 技能 技艺 手艺 相关工作 工作 相关 人员 师傅 师父 熟手 老手 能手 高手 经验 经历 资格证书 资格证 资格 资质
上岗证 操作证 作业证 执业证书 执业证 从业证 证书 证件 证 本子 本 驾驶证 驾照 驾龄 持证上岗 持证 有证 带证 熟练工
优先 等等 等 行业 岗位 方面
专业 制作 的 活儿 活 这块 这一块 都行 均可 都会 也会 会一点 懂一点 会点 一点 丰富 熟练 精通 较熟练 很熟练 非常熟练
一般
"""


def _alternation(words: str, *extra: str) -> str:
    """Longest first, so that 熟练掌握 is taken before 熟练."""
    return "|".join([*extra, *sorted((re.escape(w) for w in _words(words)), key=len, reverse=True)])


# Where the person worked, before what they did there: 在厂里(看皮带), 在矿上(开车), 在饭店里(切菜).
_LOCATIVE = r"(?:在[\u4e00-\u9fff]{1,3}?[里上])"
_PREFIX = re.compile(r"^(?:" + _alternation(_PREFIX_WORDS, _YEARS, _LEVEL, _LOCATIVE) + ")")
_SUFFIX = re.compile(r"(?:" + _alternation(_SUFFIX_WORDS, _YEARS) + ")$")
_VERB = re.compile(r"^(?:开|驾驶|驾|操作|操控|做|干|搞|当|跑|学|说|讲|用|使用|会开|会用|会做)")
# Filler anywhere in a phrase, and whatever is not a letter, digit or character: ``core_key``.
_FILLER_WORDS = sorted((re.escape(w) for w in _words(_PREFIX_WORDS + _SUFFIX_WORDS)), key=len, reverse=True)
_FILLER_ANYWHERE = re.compile("|".join([_YEARS, _LEVEL, _NUM, *_FILLER_WORDS]) + r"|[\W_]+")


def core_key(phrase: str) -> str:
    """A cheap key (no resolver needed) under which the wrappers of one skill phrase mostly coincide:
    the phrase without filler words wherever they are, numbers, punctuation and spaces, then without
    a leading verb (有5年电焊经验, 电焊（熟练） and 熟练电焊 all give 电焊; 会开叉车 gives 叉车). It takes
    off more than the resolver does (会计 gives 计): it only says which phrases are likely to share
    the work the resolver remembers by a phrase's core (``_tail``), so that they can be sent to the
    same process."""
    return _VERB.sub("", _FILLER_ANYWHERE.sub("", phrase))


# A verb before its object names the skill the other way round: 修拖拉机 -> 拖拉机维修.
_INVERSIONS = {
    "维修": ("维修", "修理"),
    "修理": ("修理", "维修"),
    "修": ("维修", "修理"),
    "安装": ("安装",),
    "装": ("安装",),
    "清洗": ("清洗",),
    "洗": ("清洗",),
    "管理": ("管理",),
    "管": ("管理",),
    "驾驶": ("驾驶",),
    "开": ("驾驶",),
    "操作": ("操作",),
    "种植": ("种植",),
    "种": ("种植",),
    "养殖": ("养殖",),
    "养": ("养殖",),
    "拍摄": ("拍摄",),
    "拍": ("拍摄",),
    "制作": ("制作",),
    "做": ("制作",),
    "卖": ("销售",),
    "销售": ("销售",),
}
# Role words people use for one another.
_SWAPS = (
    ("老师", "教师"),
    ("教师", "老师"),
    ("司机", "驾驶员"),
    ("驾驶员", "司机"),
    ("维修", "修理"),
    ("修理", "维修"),
    ("师傅", "师"),
    ("师", "师傅"),
)
_SWAP_LAST = (("员", "工"), ("工", "员"), ("员", "师"), ("师", "员"))
#: What ``_rewrites`` looks for first: the first character of each verb and of each swapped word,
#: the last of each swapped ending.
_INVERSION_FIRSTS = frozenset(verb[0] for verb in _INVERSIONS)
_SWAP_FIRSTS = frozenset(old[0] for old, _new in _SWAPS)
_SWAP_LAST_ENDS = frozenset(old[-1] for old, _new in _SWAP_LAST)

# Forms so generic that a more specific neighbour wins ("驾驶挖掘机" is the excavator, not driving).
_GENERIC = frozenset(
    {
        "驾驶",
        "驾驶员",
        "司机",
        "老师",
        "修理工",
        "师傅",
        "工人",
        "开车",
        "会开车",
        "driving",
        "coach",
        # a licence without its class (A2驾驶证: the class says which), a keeper of what animals
        "驾驶证",
        "驾照",
        "驾驶执照",
        "饲养员",
    }
)
# A skill form right after one of these is negated ("不会开车").
_NEGATIONS = ("不会", "不能", "不懂", "没有", "没学过", "没干过", "没做过", "没", "未", "无", "不")
# Between a place and a role: "幼儿园当老师" -> 幼儿园老师.
_GAP_WORDS = ("当过", "做过", "干过", "当了", "做了", "干了", "当", "做", "干", "的", "是", "在")
_REPAIR_VERBS = ("维修", "修理", "修")
_REPAIR_FORMS = ("{}维修", "{}修理", "{}维修工", "{}修理工", "修{}")
_INSTALL_VERBS = ("安装", "装")
_INSTALL_FORMS = ("{}安装", "安装{}", "装{}")
# A form followed by one of these names a workplace, not what the person does ("快递公司干分拣").
_PLACE_WORDS = ("公司", "厂", "店", "站", "院", "馆", "中心", "企业", "单位", "集团")
# A form right after one of these is what the person does.
_WORK_VERBS = frozenset("干做当开会搞跑学")


_NOT_SKILL_KEYS = frozenset(normalize(w) for w in [*_words(_NOT_SKILL_PHRASES), *_NOT_SKILL_ENGLISH])
_NOT_SKILL_CJK = frozenset(k for k in _NOT_SKILL_KEYS if len(k) >= 2 and not k.isascii())
_NOT_SKILL_LONGEST = max(len(k) for k in _NOT_SKILL_CJK)
#: Their first two characters (not both Latin): where a sentence has none of these, none of them starts.
_NOT_SKILL_HEADS = frozenset(k[:2] for k in _NOT_SKILL_CJK if not k[:2].isascii())
_SOFT_PATTERN = re.compile(
    "|".join(re.escape(k) for k in sorted({normalize(w) for w in _words(_SOFT_STEMS)}, key=len, reverse=True))
)


# --- small helpers ----------------------------------------------------------------------------------


@cache
def _char_pinyin(char: str) -> str:
    return str(lazy_pinyin(char)[0])


@cache
def _loose_syllable(syllable: str) -> str:
    """Dialect- and typing-tolerant pinyin: zh/z, ch/c, sh/s, n/l and -ng/-n are not told apart."""
    for retroflex in ("zh", "ch", "sh"):
        if syllable.startswith(retroflex):
            syllable = syllable[0] + syllable[2:]
            break
    if syllable.startswith("n"):
        syllable = "l" + syllable[1:]
    if syllable.endswith("ng"):
        syllable = syllable[:-1]
    return syllable


def _all_cjk(text: str) -> bool:
    return bool(text) and all(is_cjk(c) for c in text)


@lru_cache(maxsize=1 << 16)
def _pinyin_keys(text: str) -> frozenset[tuple[str, ...]]:
    """Pinyin of a Chinese phrase: as pypinyin reads the phrase, and character by character.
    Remembered: the same cores (电焊, 叉车司机) come back inside many phrases, and reading a phrase
    whole is the costly part of pypinyin."""
    keys = {tuple(_char_pinyin(c) for c in text)}
    phrase = _phrase_pinyin(text)
    if len(phrase) == len(text):
        keys.add(phrase)
    return frozenset(keys)


def _phrase_pinyin(text: str) -> tuple[str, ...]:
    """``lazy_pinyin(text)``, word by word: pypinyin reads a text as the words ``seg`` cuts it into,
    each on its own (and a word it cut is cut again into itself), so reading each word once and
    remembering it gives the same syllables. A market's phrases are a few thousand words in many
    combinations, and turning a word's toned readings into plain ones is most of pypinyin's cost."""
    return tuple(syllable for word in _pinyin_words(text) for syllable in _word_pinyin(word))


@lru_cache(maxsize=1 << 16)
def _word_pinyin(word: str) -> tuple[str, ...]:
    return tuple(str(s) for s in lazy_pinyin(word))


_LICENCE_CLASS = re.compile(r"[abc][1-3]|[de]|n[12]|q[12]")


def _units(key: str) -> int:
    """How much a form says: a Chinese character counts one, Latin letters one per three (max 4)."""
    latin = len(key.encode("ascii", "ignore"))  # the ASCII characters, counted without a Python loop
    cjk = len(key) - latin
    return cjk + (min(4, math.ceil(latin / 3)) if latin else 0)


def _same_english_word(a: str, b: str) -> bool:
    if a == b:
        return True
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= 4 and a[common:] in _ENGLISH_SUFFIXES and b[common:] in _ENGLISH_SUFFIXES


def _strip_variants(compact: str) -> list[str]:
    """The phrase with filler taken off one word at a time from the front, and for each of those
    one word at a time from the back, then a leading verb: every step is a variant to look up, the
    least stripped first (so that 从事会计工作十年 gives 会计, not 计)."""
    fronts = [compact]
    current = compact
    while len(fronts) < 8:
        match = _PREFIX.match(current)
        if not match or match.end() >= len(current):
            break
        current = current[match.end() :]
        fronts.append(current)
    variants: list[str] = []
    for front in fronts:
        current = front
        while True:
            for candidate in (current, _VERB.sub("", current)):
                if candidate and candidate not in variants:
                    variants.append(candidate)
            match = _SUFFIX.search(current)
            if not match or match.start() == 0 or len(variants) > 48:
                break
            current = current[: match.start()]
    return [v for v in variants if v != compact]


def _rewrites(phrases: Sequence[str]) -> list[str]:
    """Verb after its object (修拖拉机 -> 拖拉机维修) and interchangeable role words (老师 -> 教师)."""
    found: list[str] = []
    for phrase in phrases:
        # (Each table is read only when the phrase has a character its entries start or end with.)
        if phrase[:1] in _INVERSION_FIRSTS:
            for verb, endings in _INVERSIONS.items():
                if phrase.startswith(verb) and len(phrase) - len(verb) >= 2:
                    found.extend(phrase[len(verb) :] + ending for ending in endings)
        if not _SWAP_FIRSTS.isdisjoint(phrase):
            for old, new in _SWAPS:
                if old in phrase:
                    found.append(phrase.replace(old, new, 1))
        if phrase[-1:] in _SWAP_LAST_ENDS:
            for old, new in _SWAP_LAST:
                if phrase.endswith(old) and len(phrase) >= 3:
                    found.append(phrase[: -len(old)] + new)
    return list(dict.fromkeys(f for f in found if f not in phrases))


class _LRU:
    """A bounded thread-safe memo that keeps what was used lately: two generations of at most half
    the size each; a full new generation becomes the old one (the old one is dropped), and a key
    found only in the old one is copied to the new. Reads take no lock (one ``dict.get`` each, atomic
    under the GIL): a resolver asks its memos about ten times a phrase, and an ordered dict moved
    under a lock cost about as much as some of the stages it remembers."""

    def __init__(self, size: int) -> None:
        self._half = max(1, size // 2)
        self._new: dict[str, Any] = {}
        self._old: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        value = self._new.get(key)
        if value is None:
            value = self._old.get(key)
            if value is not None:
                self.put(key, value)
        return value

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._new[key] = value
            if len(self._new) >= self._half:
                self._old, self._new = self._new, {}

    def __len__(self) -> int:
        return len(self._new) + len(self._old)


# --- jieba: one private tokenizer (the global one is left alone), loaded on first use ---------------

_jieba_lock = threading.Lock()
_jieba_base: Any = None


def _general_tokenizer() -> Any:
    """jieba's tokenizer with its general dictionary only (none of any taxonomy's forms added), read
    once per process. Never changed: each taxonomy's own is a copy (``_segmenter``)."""
    global _jieba_base
    if _jieba_base is None:
        with _jieba_lock:
            if _jieba_base is None:
                import jieba

                logging.getLogger("jieba").setLevel(logging.WARNING)
                base = jieba.Tokenizer()
                base.initialize()
                _jieba_base = base
    return _jieba_base


def _segmenter(words: Iterable[str]) -> tuple[Any, dict[str, int]]:
    """A private ``jieba.Tokenizer`` (the global one is left alone) that also knows ``words``, and the
    general frequency of those words (before they were added). jieba's dictionary is read once per
    process; each taxonomy gets a cheap copy (about 20 ms), so that what one taxonomy teaches the
    segmenter never changes the answers of another."""
    base = _general_tokenizer()
    with _jieba_lock:
        import jieba

        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ = dict(base.FREQ)
        tokenizer.total = base.total
        tokenizer.initialized = True
    general: dict[str, int] = {}
    for word in words:
        if word not in general:
            general[word] = int(tokenizer.FREQ.get(word, 0))
            tokenizer.add_word(word)
    return tokenizer, general


# --- the index: everything known about one taxonomy, built once, shared by copies -------------------


@dataclass
class _Hit:
    start: int
    end: int
    skill: str | None  # None: a span that is no skill (a not-a-skill phrase, negated, learned as none)
    form: str  # the taxonomy form as written (or the learned phrase)
    score: float
    method: str


class _English:
    """English forms as bags of words, each word weighted by how rare it is among the skills."""

    def __init__(self, forms: Iterable[tuple[str, str]]) -> None:
        self.forms: list[tuple[frozenset[str], str, str]] = []  # (words, skill, form as written)
        skills_of: dict[str, set[str]] = {}
        for skill, written in forms:
            words = frozenset(w for w in re.findall(r"[a-z]+", written.casefold()) if w not in _STOP_ENGLISH)
            if not words:
                continue
            self.forms.append((words, skill, written))
            for word in words:
                skills_of.setdefault(word, set()).add(skill)
        count = len({skill for _w, skill, _f in self.forms}) or 1
        self.idf = {w: math.log((count + 1) / (len(s) + 1)) + 1.0 for w, s in skills_of.items()}
        self.vocabulary = sorted(self.idf)
        self.by_word: dict[str, list[int]] = {}
        for number, (words, _skill, _form) in enumerate(self.forms):
            for word in words:
                self.by_word.setdefault(word, []).append(number)
        self._by_prefix: dict[str, list[str]] = {}
        for v in self.vocabulary:
            self._by_prefix.setdefault(v[:4], []).append(v)
        self._relatives: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def relatives(self, word: str) -> tuple[str, ...]:
        """Vocabulary words that are this word, inflected (drive/driver/driving) or misspelt."""
        found = self._relatives.get(word)
        if found is None:
            # Relatives share the first four letters (or are the word itself): only those are compared.
            candidates = self._by_prefix.get(word[:4], ()) if len(word) >= 4 else ((word,) if word in self.idf else ())
            found = tuple(v for v in candidates if _same_english_word(word, v))
            if not found and len(word) >= 4:
                best = process.extractOne(word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=85)
                found = (best[0],) if best else ()
            with self._lock:
                if len(self._relatives) < 100_000:
                    self._relatives[word] = found
        return found

    def _weight(self, word: str) -> float:
        relatives = self.relatives(word)
        return min(self.idf[v] for v in relatives) if relatives else 1.5

    def match(self, words: Sequence[str], context: Sequence[str] = ()) -> list[tuple[float, str, str, set[int]]]:
        """Candidate skills for these words, best first: (score, skill, form, positions of the words used).

        precision: how much of the form (by word weight) the words cover; recall: how much of the
        words the form explains (unknown words weigh 1.5). The score grows with their harmonic mean.
        """
        query = [(i, w) for i, w in enumerate(words) if w and w not in _STOP_ENGLISH and not w.isdigit()]
        if not query:
            return []
        mapped = {i: self.relatives(w) for i, w in query}
        weight = {i: self._weight(w) for i, w in query}
        total = sum(weight.values())
        if context:
            total = max(
                total, sum(self._weight(w) for w in context if w and w not in _STOP_ENGLISH and not w.isdigit())
            )
        candidates: set[int] = set()
        for rel in mapped.values():
            for v in rel:
                candidates.update(self.by_word.get(v, ()))
        results = []
        for number in candidates:
            form_words, skill, written = self.forms[number]
            used = {i for i, rel in mapped.items() if any(v in form_words for v in rel)}
            matched = {v for i in used for v in mapped[i] if v in form_words}
            precision = sum(self.idf[w] for w in matched) / sum(self.idf[w] for w in form_words)
            recall = sum(weight[i] for i in used) / total
            if precision < 0.45:
                continue
            f1 = 2 * precision * recall / (precision + recall)
            results.append((0.45 + 0.47 * f1 + 0.01 * precision, skill, written, used))
        results.sort(key=lambda r: (-r[0], len(r[2])))
        return results


class _Similar:
    """Character unigram and bigram TF-IDF over the Chinese forms: the nearest forms by cosine.
    The last resort, for wordings that share most characters with a form but not a whole one
    (陪老人看病 ~ 陪看病, 辅导小学生作业 ~ 辅导作业)."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = [k for k in keys if len(k) >= 2 and not k.isascii()]
        grams = [self._grams(k) for k in self.keys]
        document_frequency: dict[str, int] = {}
        for gs in grams:
            for g in set(gs):
                document_frequency[g] = document_frequency.get(g, 0) + 1
        n = len(self.keys) or 1
        self.idf = {g: math.log((n + 1) / (c + 1)) + 1.0 for g, c in document_frequency.items()}
        self.unknown = math.log(n + 1) + 1.0
        # Grams x forms, each form's weights divided by its norm: a query gathers the rows of its
        # grams (numpy), not a Python loop over every form sharing a character.
        self.gram_ids = {g: j for j, g in enumerate(self.idf)}
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        for number, gs in enumerate(grams):
            weights: dict[str, float] = {}
            for g in gs:
                weights[g] = weights.get(g, 0.0) + self.idf[g]
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for g, w in weights.items():
                rows.append(self.gram_ids[g])
                cols.append(number)
                values.append(w / norm)
        self.matrix = sp.csr_matrix(
            (np.asarray(values, dtype=np.float64), (rows, cols)), shape=(len(self.gram_ids), len(self.keys))
        )

    @staticmethod
    def _grams(text: str) -> list[str]:
        return [*text, *(text[i : i + 2] for i in range(len(text) - 1))]

    def nearest(self, text: str, limit: int = 3) -> list[tuple[float, str]]:
        query: dict[str, float] = {}
        for g in self._grams(text):
            query[g] = query.get(g, 0.0) + self.idf.get(g, self.unknown)
        norm = math.sqrt(sum(w * w for w in query.values()))
        if not norm or not self.keys:
            return []
        known = [(self.gram_ids[g], w) for g, w in query.items() if g in self.gram_ids]
        if not known:
            return []
        columns = np.fromiter((j for j, _w in known), dtype=np.int64, count=len(known))
        weights = np.fromiter((w for _j, w in known), dtype=np.float64, count=len(known)) / norm
        matrix = self.matrix
        starts, ends = matrix.indptr[columns], matrix.indptr[columns + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if not total:
            return []
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)  # as in ml.centroids
        cosines = np.bincount(
            matrix.indices[offsets],
            weights=matrix.data[offsets] * np.repeat(weights, lengths),
            minlength=len(self.keys),
        )
        hit = np.flatnonzero(cosines)
        chosen = hit[np.lexsort((-hit, -cosines[hit]))][:limit]  # best first; ties: the later form
        return [(float(cosines[i]), self.keys[int(i)]) for i in chosen]


class _Index:
    def __init__(self, entries: Sequence[TaxonomyEntry]) -> None:
        self.entries = {e.id: e for e in entries}
        owners: dict[str, set[str]] = {}
        written: dict[str, str] = {}
        names: set[str] = set()
        for entry in entries:
            for number, form in enumerate(entry.forms()):
                key = normalize(form)
                if not key:
                    continue
                owners.setdefault(key, set()).add(entry.id)
                written.setdefault(key, form)
                if number < 2:
                    names.add(key)
        # A form two skills claim is left out: the resolver never guesses between them.
        self.ambiguous = {k: tuple(sorted(v)) for k, v in owners.items() if len(v) > 1}
        self.forms: dict[str, str] = {k: next(iter(v)) for k, v in owners.items() if len(v) == 1}
        self.written = written
        self.names = frozenset(k for k in names if k in self.forms)
        self.prefixes = self.prefix_table(self.forms)
        # Homophones: Chinese forms by their pinyin (strict and loose), and typed in Latin letters.
        self.pinyin: dict[tuple[str, ...], dict[str, str]] = {}
        self.loose: dict[tuple[str, ...], dict[str, str]] = {}
        self.joined: dict[str, dict[str, str]] = {}
        for key, skill in self.forms.items():
            if len(key) < 2 or not _all_cjk(key):
                continue
            for syllables in _pinyin_keys(key):
                self.pinyin.setdefault(syllables, {}).setdefault(skill, key)
                self.loose.setdefault(tuple(_loose_syllable(s) for s in syllables), {}).setdefault(skill, key)
                self.joined.setdefault("".join(syllables), {}).setdefault(skill, key)
        self.pinyin_lengths = sorted({len(k) for k in self.pinyin}, reverse=True)
        # The first two syllables of every key, strict and loose: where a sentence's two syllables
        # are neither, no homophone window starts (``SkillResolver._pinyin_windows``).
        self.pinyin_heads = frozenset(k[:2] for k in self.pinyin)
        self.loose_heads = frozenset(k[:2] for k in self.loose)
        self.english = _English((skill, written[key]) for key, skill in self.forms.items() if written[key].isascii())
        self.fuzzy_latin = [k for k in self.forms if len(k) >= 2 and k.isascii()]
        self.fuzzy_cjk = [k for k in self.forms if len(k) >= 2 and not k.isascii()]
        self._fuzzy_near: dict[tuple[bool, int, int], list[str]] = {}
        self.similar = _Similar(self.forms)
        # Skills that are themselves about repairing something (a repair verb may precede them).
        self.repairs = frozenset(
            e.id
            for e in entries
            if any(w in e.name_zh for w in ("修", "维护", "保养"))
            or any(w in e.name_en.casefold() for w in ("repair", "maintenance", "mechanic"))
        )
        self._tokenizer: Any = None
        self._general: dict[str, int] = {}
        self._lock = threading.Lock()
        self._model: CentroidModel | None = None
        self._pairs: dict[str, frozenset[str]] = {}  # shares_pair
        self._containing: dict[str, list[tuple[str, str]]] | None = None  # containing
        self._context: tuple[re.Pattern[str] | None, dict[str, str], dict[str, list[tuple[str, str]]]] | None = None
        self.tail = _LRU(CACHE_SIZE)  # SkillResolver._tail

    def fuzzy_choices(self, latin: bool, length: int, distance: int) -> list[str]:
        """The Latin (or Chinese) forms whose length is within ``distance`` of ``length``, in their
        order: no other form can be that few edits away. Remembered per length."""
        key = (latin, length, distance)
        found = self._fuzzy_near.get(key)
        if found is None:
            forms = self.fuzzy_latin if latin else self.fuzzy_cjk
            found = [k for k in forms if abs(len(k) - length) <= distance]
            with self._lock:
                self._fuzzy_near[key] = found
        return found

    def model(self) -> CentroidModel:
        """How the taxonomy words each skill (``ml.centroids``): names, synonyms and the start of the
        description, built on first need (after the rules found nothing sure)."""
        if self._model is None:
            segmenter = self.segmenter()
            with self._lock:
                if self._model is None:
                    docs: list[str] = []
                    classes: list[str] = []
                    weights: list[float] = []
                    for entry in self.entries.values():
                        for form in entry.forms():
                            key = normalize(form)
                            if key and self.forms.get(key) == entry.id:
                                docs.append(key)
                                classes.append(entry.id)
                                weights.append(1.0)
                        if entry.description:
                            docs.append(normalize(entry.description[:60]))
                            classes.append(entry.id)
                            weights.append(0.5)
                    self._model = CentroidModel(docs, classes, weights, words=lambda t: segmenter.lcut(t, HMM=False))
        return self._model

    def containing(self, key: str) -> list[tuple[str, str]]:
        """(form, skill): the Chinese forms longer than ``key`` that hold it, remembered per key."""
        if self._containing is None:
            # Every Chinese form under each of its substrings that is a form too: one pass, on first need.
            table: dict[str, list[tuple[str, str]]] = {}
            for form, skill in self.forms.items():
                if form.isascii():
                    continue
                inside = {form[i:j] for i in range(len(form) - 1) for j in range(i + 2, len(form) + 1)} - {form}
                for part in inside:
                    if part in self.forms:
                        table.setdefault(part, []).append((form, skill))
            with self._lock:
                self._containing = table
        return self._containing.get(key, [])

    def shares_pair(self, phrase: str, skill: str) -> bool:
        """Whether the phrase and some wording of the skill (a form, the start of its description)
        have two consecutive characters in common."""
        pairs = self._pairs.get(skill)
        if pairs is None:
            entry = self.entries[skill]
            texts = [k for k, s in self.forms.items() if s == skill] + [normalize(entry.description[:60])]
            pairs = frozenset(t[i : i + 2] for t in texts for i in range(len(t) - 1))
            self._pairs[skill] = pairs
        return any(phrase[i : i + 2] in pairs for i in range(len(phrase) - 1))

    def context(self) -> tuple[re.Pattern[str] | None, dict[str, str], dict[str, list[tuple[str, str]]]]:
        """The words that place a phrase in one category of the taxonomy (煤矿, 井下, 矿井 for mining;
        服装 for garments): a word (``_general_words``) of the forms of at least two skills of the
        category and inside no form of another category; a pattern finding them, each word's
        category, and each category's Chinese forms (form, skill). Made on first need."""
        if self._context is None:
            category = {i: e.category for i, e in self.entries.items()}
            by_category: dict[str, list[tuple[str, str]]] = {}
            for key, skill in self.forms.items():
                if category[skill] and not key.isascii():
                    by_category.setdefault(category[skill], []).append((key, skill))
            seen: dict[str, dict[str, set[str]]] = {}
            for name, forms in by_category.items():
                for key, skill in forms:
                    for word in _general_words(key):
                        seen.setdefault(word, {}).setdefault(name, set()).add(skill)
            words: dict[str, str] = {}
            for word, found in seen.items():
                if len(found) != 1:
                    continue
                ((name, skills),) = found.items()
                if len(skills) >= 2 and all(
                    category[skill] == name for key, skill in self.forms.items() if word in key
                ):
                    words[word] = name
            pattern = (
                re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))) if words else None
            )
            with self._lock:
                self._context = (pattern, words, by_category)
        return self._context

    @staticmethod
    def prefix_table(keys: Iterable[str]) -> dict[str, tuple[int, ...]]:
        """First two characters -> the lengths of the keys starting with them, longest first."""
        table: dict[str, set[int]] = {}
        for key in keys:
            if len(key) >= 2:
                table.setdefault(key[:2], set()).add(len(key))
        return {p: tuple(sorted(lengths, reverse=True)) for p, lengths in table.items()}

    def segmenter(self) -> Any:
        """This taxonomy's jieba tokenizer (its Chinese forms added), made on first use."""
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    tokenizer, general = _segmenter(k for k in self.forms if not k.isascii())
                    self._general = general
                    self._tokenizer = tokenizer
        return self._tokenizer

    def frequency(self, word: str) -> int:
        """How common a word is in general Chinese (jieba's dictionary, before our forms were added):
        the prior among homophones, and the test of whether a window is a real word."""
        tokenizer = self.segmenter()
        general = self._general.get(word)
        return int(tokenizer.FREQ.get(word, 0)) if general is None else general


class _Lazy:
    """A set of positions made on the first question asked of it. A sentence's word boundaries (a
    jieba segmentation, the costliest step of a scan) only matter when the scan finds a form or a
    two-character homophone in it, which most phrases that reach the scan do not."""

    __slots__ = ("_made", "_make")

    def __init__(self, make: Callable[[], set[int]]) -> None:
        self._make: Callable[[], set[int]] | None = make
        self._made: set[int] = set()

    def __contains__(self, position: object) -> bool:
        if self._make is not None:
            self._made, self._make = self._make(), None
        return position in self._made


@dataclass
class _Scan:
    compact: str
    spaced: str
    hits: list[_Hit] = field(default_factory=list)  # skills found, scored
    masks: list[_Hit] = field(default_factory=list)  # spans that are no skill


# --- the resolver -----------------------------------------------------------------------------------


class SkillResolver:
    """Resolves phrases to the skills of one taxonomy.

    Build it once (about a quarter of a second for the built-in taxonomy; the jieba dictionary
    loads on the first sentence, or at ``warm_up``), then call ``resolve`` / ``resolve_all`` as often
    as needed: answers are memoised by normalised text (bounded LRU). Thread-safe.
    """

    def __init__(self, entries: Sequence[TaxonomyEntry], *, learned: Mapping[str, str | None] | None = None) -> None:
        self._index = _Index(entries)
        self._learned: dict[str, tuple[str | None, str]] = {}
        self._learned_prefixes: dict[str, tuple[int, ...]] = {}
        self._best = _LRU(CACHE_SIZE)
        self._all = _LRU(CACHE_SIZE // 4)
        self._scans = _LRU(CACHE_SIZE // 16)
        #: Which calibration map its scores go through: the built-in taxonomy's, or an external one's.
        self.calibration = "phrase_builtin"
        #: The least raw score of an answer from the last, nearest-form stages.
        self.accept = ACCEPT
        if learned:
            self._add_learned(learned)

    # -- construction ----------------------------------------------------------------------------

    def _add_learned(self, learned: Mapping[str, str | None]) -> None:
        for phrase, skill in learned.items():
            key = normalize(phrase)
            if not key or (skill is not None and skill not in self._index.entries):
                continue  # an id this taxonomy does not know (say, an inactive skill) is ignored
            self._learned[key] = (skill, phrase)
        self._learned_prefixes = _Index.prefix_table(self._learned)

    def with_learned(self, learned: Mapping[str, str | None]) -> SkillResolver:
        """A copy that also knows these mappings (they win over earlier ones). Cheap: the index is
        shared, only the memo starts empty."""
        copy = object.__new__(SkillResolver)
        copy._index = self._index
        copy._learned = dict(self._learned)
        copy._learned_prefixes = {}
        copy._best = _LRU(CACHE_SIZE)
        copy._all = _LRU(CACHE_SIZE // 4)
        copy._scans = _LRU(CACHE_SIZE // 16)
        copy.calibration = self.calibration
        copy.accept = self.accept
        copy._add_learned(learned)
        return copy

    @classmethod
    def linked(cls, external: Sequence[TaxonomyEntry], builtin: Sequence[TaxonomyEntry]) -> SkillResolver:
        """A resolver answering with EXTERNAL ids that still knows what the built-in taxonomy knows.

        Each built-in skill is linked to at most one external skill by name (``link_taxonomies``);
        its forms are added to that skill unless the external taxonomy gives a form to another
        skill. Built-in skills that link to nothing are left out: their ids never appear.
        """
        return cls.from_linked(_linked_entries(external, builtin, {}))

    @classmethod
    def from_linked(cls, merged: Sequence[TaxonomyEntry]) -> SkillResolver:
        """The resolver ``linked`` makes, from the entries it made (``LinkedBuild``)."""
        resolver = cls(merged)
        resolver.calibration = "phrase_external"
        resolver.accept = ACCEPT_EXTERNAL
        return resolver

    def warm_up(self) -> None:
        """Load the jieba dictionary and build the model now rather than on the first phrase that needs
        them (about a second): a process forked afterwards shares them."""
        self._index.segmenter()
        self._index.model()
        self.resolve("会开叉车也会电焊")

    @property
    def ambiguous_forms(self) -> dict[str, tuple[str, ...]]:
        """Forms (normalised) that several skills claim; matching ignores them."""
        return dict(self._index.ambiguous)

    # -- public answers --------------------------------------------------------------------------

    def resolve(self, text: str) -> SkillMatch:
        """The best single skill for a phrase (its score calibrated: ``ml.calibration``)."""
        spaced = _spaced(text)
        if not spaced:
            return NO_MATCH
        return self._calibrated(self._resolve_memo(spaced))

    def resolve_all(self, text: str) -> list[SkillMatch]:
        """Every distinct skill found in the text, each once, best first; [] when there is none."""
        spaced = _spaced(text)
        if not spaced:
            return []
        found: tuple[SkillMatch, ...] | None = self._all.get(spaced)
        if found is None:
            found = self._resolve_all(spaced)
            self._all.put(spaced, found)
        return [self._calibrated(m) for m in found]

    def _resolve_memo(self, spaced: str) -> SkillMatch:
        found: SkillMatch | None = self._best.get(spaced)
        if found is None:
            found = self._resolve(spaced)
            self._best.put(spaced, found)
        return found

    def _calibrated(self, match: SkillMatch) -> SkillMatch:
        """The answer with its score mapped to the share of such answers that are right. Organizers'
        answers (learned) and "not a skill" keep theirs; whether a skill is named at all is still
        decided on the raw score (``ACCEPT``), so calibration never changes an answer."""
        if match.method in ("learned", "not_a_skill", "none") or (match.skill or match.guess) is None:
            return match
        score = calibrated(self.calibration, match.score, match.method)
        return SkillMatch(match.skill, score, match.method, match.matched, match.guess, raw_score=match.score)

    # -- the pipeline ----------------------------------------------------------------------------

    def _lookup(self, key: str, method: str, score: float) -> SkillMatch | None:
        learned = self._learned.get(key)
        if learned is not None:
            skill, phrase = learned
            if skill is None:
                return SkillMatch(None, 1.0, "not_a_skill", phrase)
            return SkillMatch(skill, 1.0, "learned", phrase)
        skill_id = self._index.forms.get(key)
        if skill_id is not None:
            if method == "exact":
                score = SCORE_NAME if key in self._index.names else SCORE_SYNONYM
            return SkillMatch(skill_id, score, method, self._index.written[key])
        if key in _NOT_SKILL_KEYS:
            return SkillMatch(None, SCORE_NOT_A_SKILL if method == "exact" else score - 0.03, "not_a_skill", key)
        return None

    def _resolve(self, spaced: str) -> SkillMatch:
        compact = spaced.replace(" ", "")
        found = self._lookup(compact, "exact", 1.0)
        if found:
            return found
        variants = _strip_variants(compact)
        for variant in variants:
            found = self._lookup(variant, "filler", SCORE_FILLER)
            if found:
                return found
        for rewritten in _rewrites([compact, *variants]):
            found = self._lookup(rewritten, "filler", SCORE_REWRITE)
            if found and found.skill:
                return found

        if compact.isascii():
            words = spaced.split()
            if any(w in _SOFT_ENGLISH for w in words) and all(w in _SOFT_ENGLISH or w in _STOP_ENGLISH for w in words):
                return SkillMatch(None, 0.85, "not_a_skill", spaced[:40])

        candidates: list[SkillMatch] = []
        for phrase in [compact, *variants]:
            candidates.extend(self._tail("pinyin", phrase, self._whole_pinyin))
        scan = self._scan_memo(spaced)
        candidates.extend(self._as_match(h) for h in self._rank(scan.hits))
        core = min([compact, *variants], key=len)
        masked = bool(scan.masks)
        if all(m.method == "not_a_skill" for m in scan.masks):
            # What is no skill (拣货员，能吃苦; 剪头发，有经验; 写字楼保洁 急找工作: a trait, a
            # circumstance or boilerplate beside the skill) is taken out of what the nearest-form
            # stages read: it would only dilute them. Not a negation (不会开车).
            rest = _without_soft(scan)
            if rest != compact:
                rest_core = min([rest, *_strip_variants(rest)], key=len) if rest else ""
                if len(rest_core) >= 2:
                    core, masked = rest_core, False
        if not any(c.score >= 0.9 for c in candidates) and not masked:
            # Not where a phrase negates a skill or is partly "no skill" (不会开车, 吃苦耐劳): the
            # model reads characters, not what they say about the skill.
            target = core if len(core) >= 2 else compact
            repair = "r" if _REPAIR_VERB.search(compact) else ""
            candidates.extend(self._tail("model" + repair, target, lambda t: self._modelled(t, compact)))
        best = max(candidates, key=lambda m: m.score, default=None)
        if best is not None and best.method == "sentence" and best.skill is not None:
            # A known form that explains less than half of the phrase (司机 in 出租车司机六年, 喷漆 in
            # 烤漆房喷漆会调色) yields to the model's reading of the whole phrase when that differs.
            modelled = next((c for c in candidates if c.method == "model"), None)
            if (
                modelled is not None
                and modelled.skill != best.skill
                and modelled.score >= MODEL_OVER_PART
                and _units(normalize(best.matched)) < 0.5 * _units(core)
            ):
                best = SkillMatch(
                    modelled.skill, round(max(modelled.score, best.score - 0.05), 3), "model", modelled.matched
                )
        if best is not None and best.score >= ACCEPT:
            return best

        condensed = _condense(spaced)
        if condensed != spaced:
            # "放了二十年羊" -> "放羊": aspect particles and durations between a verb and its object.
            again = self._resolve(condensed) if condensed else NO_MATCH
            if again.skill is not None and again.score - 0.02 >= self.accept:
                return SkillMatch(again.skill, round(again.score - 0.02, 3), again.method, again.matched)

        soft = self._soft_score(scan)
        if soft is not None and (best is None or soft >= best.score):
            return SkillMatch(None, soft, "not_a_skill", compact[:40])

        candidates.extend(self._tail("fuzzy", core if len(core) >= 2 else compact, self._fuzzy))
        candidates.extend(self._tail("similar", core if len(core) >= 2 else compact, self._similar))
        best = max(candidates, key=lambda m: m.score, default=None)
        if best is not None and best.score >= self.accept:
            return best
        agreed = _agreed(candidates, self.accept)
        if agreed is not None:
            return agreed
        if best is not None:
            return SkillMatch(None, max(0.0, best.score), f"guess:{best.method}", best.matched, guess=best.skill)
        return NO_MATCH

    def _resolve_all(self, spaced: str) -> tuple[SkillMatch, ...]:
        best = self._resolve_memo(spaced)
        found: dict[str, tuple[SkillMatch, int]] = {}
        for hit in self._rank(self._scan_memo(spaced).hits):
            if hit.score >= ACCEPT and hit.skill and hit.skill not in found:
                found[hit.skill] = (self._as_match(hit), hit.start)
        if best.skill is not None:
            earlier = found.get(best.skill)
            if earlier is None or earlier[0].score < best.score:
                found[best.skill] = (best, earlier[1] if earlier else -1)
        ordered = sorted(found.values(), key=lambda pair: (-pair[0].score, pair[1]))
        return tuple(match for match, _position in ordered)

    def _tail(self, stage: str, text: str, compute: Any) -> list[SkillMatch]:
        """A stage that reads only the phrase's core (homophones, the model, edit distance, n-gram
        similarity), remembered by core in the shared index: a market repeats the same few
        thousand cores inside tens of thousands of wrappers (有5年…经验, …（熟练）, 会…)."""
        key = stage + "\x00" + text
        found: list[SkillMatch] | None = self._index.tail.get(key)
        if found is None:
            found = compute(text)
            self._index.tail.put(key, found)
        return list(found)

    @staticmethod
    def _as_match(hit: _Hit) -> SkillMatch:
        return SkillMatch(hit.skill, round(max(0.0, min(hit.score, 0.99)), 3), hit.method, hit.form)

    @staticmethod
    def _rank(hits: list[_Hit]) -> list[_Hit]:
        """Best first: score, then the longer span, then the earlier one."""
        return sorted(hits, key=lambda h: (-h.score, -(h.end - h.start), h.start))

    # -- homophones of the whole phrase ----------------------------------------------------------

    def _whole_pinyin(self, phrase: str) -> list[SkillMatch]:
        if not (2 <= len(phrase) <= 12) or not _all_cjk(phrase):
            return []
        strict = _pinyin_keys(phrase)
        loose = {tuple(_loose_syllable(s) for s in k) for k in strict}
        for keys, table, base in ((strict, self._index.pinyin, 0.9), (loose, self._index.loose, 0.8)):
            options: dict[str, tuple[int, int, str]] = {}
            for syllables in keys:
                for skill, key in table.get(syllables, {}).items():
                    differ = sum(1 for a, b in zip(phrase, key, strict=True) if a != b)
                    if differ == len(phrase):
                        continue  # a typo keeps at least one character
                    option = (differ, -self._index.frequency(key), key)
                    if skill not in options or option < options[skill]:
                        options[skill] = option
            if not options:
                continue
            ranked = sorted(options.items(), key=lambda kv: kv[1])
            results = []
            for rank, (skill, (differ, _freq, key)) in enumerate(ranked):
                score = base - (0.05 if len(phrase) == 2 else 0.0) - 0.03 * max(0, differ - 1)
                score -= 0.05 if len(ranked) > 1 else 0.0  # homophones of several skills
                score -= 0.02 * min(rank, 1)
                results.append(SkillMatch(skill, round(score, 3), "pinyin", self._index.written[key]))
            return results
        return []

    # -- the scan of a sentence ------------------------------------------------------------------

    def _scan_memo(self, spaced: str) -> _Scan:
        """``_scan``, remembered: ``resolve_all`` reads the scan ``resolve`` just made (read only)."""
        found: _Scan | None = self._scans.get(spaced)
        if found is None:
            found = self._scan(spaced)
            self._scans.put(spaced, found)
        return found

    def _scan(self, spaced: str) -> _Scan:
        compact, bounds = _compact_with_bounds(spaced)
        compact = compact[:MAX_SCAN_CHARS]
        scan = _Scan(compact, spaced)
        n = len(compact)
        if not n:
            return scan
        chosen, taken = self._longest_forms(compact, bounds)
        token_bounds = _Lazy(lambda: self._token_bounds(compact)) if not compact.isascii() else None
        hits: list[_Hit] = []
        for hit in chosen:
            if hit.skill is None:
                scan.masks.append(hit)
                continue
            before = compact[max(0, hit.start - 3) : hit.start]
            if any(before.endswith(negation) for negation in _NEGATIONS):
                scan.masks.append(_Hit(hit.start - 1, hit.end, None, hit.form, 0.0, "negated"))
                continue
            hit = self._recompose(compact, hit)
            hit.score = self._hit_score(compact, hit, token_bounds)
            hits.append(hit)
        self._repair_scope(compact, spaced, hits)
        if hits:
            self._in_category(compact, hits)
            self._specialised(compact, spaced, hits)
        covered = list(taken)
        if token_bounds is not None:
            hits.extend(self._pinyin_windows(compact, covered, token_bounds))
        found = [h for h in hits if h.method == "sentence"]
        for hit in self._latin_words(spaced, covered):
            # English words inside a longer known form are that form's (cnc in cnc编程: programming).
            if not any(
                f.start <= hit.start and hit.end <= f.end and f.end - f.start > hit.end - hit.start for f in found
            ):
                hits.append(hit)
        scan.hits = self._in_context(compact, hits)
        return scan

    def _longest_forms(self, compact: str, bounds: set[int]) -> tuple[list[_Hit], list[bool]]:
        """Every known form in the text (learned phrases and not-a-skill phrases too), then the
        longest ones that do not overlap. A Latin form must start and end at a word boundary."""
        index = self._index
        n = len(compact)
        raw: list[_Hit] = []
        for i in range(n - 1):
            prefix = compact[i : i + 2]
            for table, source in ((self._learned_prefixes, "learned"), (index.prefixes, "sentence")):
                for length in table.get(prefix, ()):
                    end = i + length
                    if end > n:
                        continue
                    key = compact[i:end]
                    if (key[0].isascii() and i not in bounds) or (key[-1].isascii() and end not in bounds):
                        continue
                    if source == "learned":
                        if key in self._learned:
                            skill, phrase = self._learned[key]
                            raw.append(_Hit(i, end, skill, phrase, 0.0, "learned"))
                    elif key in index.forms:
                        raw.append(_Hit(i, end, index.forms[key], index.written[key], 0.0, "sentence"))
            if prefix in _NOT_SKILL_HEADS:
                for length in range(min(_NOT_SKILL_LONGEST, n - i), 1, -1):
                    if compact[i : i + length] in _NOT_SKILL_CJK:
                        raw.append(_Hit(i, i + length, None, compact[i : i + length], 0.0, "not_a_skill"))
                        break
        # Longest first; at equal length learned and not-a-skill phrases win, then the earlier.
        raw.sort(key=lambda h: (-(h.end - h.start), h.method == "sentence", h.start))
        taken = [False] * n
        chosen: list[_Hit] = []
        for hit in raw:
            if any(taken[hit.start : hit.end]):
                continue
            for p in range(hit.start, hit.end):
                taken[p] = True
            chosen.append(hit)
        chosen.sort(key=lambda h: h.start)
        return chosen, taken

    def _token_bounds(self, compact: str) -> set[int]:
        bounds = {0}
        position = 0
        for token in self._index.segmenter().cut(compact, HMM=False):
            position += len(token)
            bounds.add(position)
        return bounds

    def _recompose(self, compact: str, hit: _Hit) -> _Hit:
        """The words before a form may name a more specific skill: 修+拖拉机 is tractor repair,
        装+空调 air-conditioner installation, 幼儿园(当)老师 a kindergarten teacher."""
        forms = self._index.forms
        key = compact[hit.start : hit.end]
        start = hit.start
        for verbs, patterns in ((_REPAIR_VERBS, _REPAIR_FORMS), (_INSTALL_VERBS, _INSTALL_FORMS)):
            for verb in verbs:
                if compact[max(0, start - len(verb)) : start] == verb:
                    for pattern in patterns:
                        candidate = pattern.format(key)
                        if candidate in forms and forms[candidate] != hit.skill:
                            written = self._index.written[candidate]
                            return _Hit(start - len(verb), hit.end, forms[candidate], written, 0.0, "sentence")
                    break
        for gap in ("", *_GAP_WORDS):
            if gap and compact[max(0, start - len(gap)) : start] != gap:
                continue
            head_end = start - len(gap)
            for size in (4, 3, 2):
                joined = compact[max(0, head_end - size) : head_end] + key
                if len(joined) == size + len(key) and joined in forms and forms[joined] != hit.skill:
                    return _Hit(head_end - size, hit.end, forms[joined], self._index.written[joined], 0.0, "sentence")
            if gap:
                break
        return hit

    def _repair_scope(self, compact: str, spaced: str, hits: list[_Hit]) -> None:
        """After 修/维修/修理, up to the end of the clause (or a work verb: 修理厂当保安), a machine is
        what gets repaired: 会修理老式缝纫机和锁边机 is no sewing. Such a form, unless it is a repair
        skill, drops to a guess. A 修 inside a form (汽修, 维修电工) is no verb."""
        inside = {p for h in hits for p in range(h.start, h.end)}
        verbs = [m.end() for m in _REPAIR_VERB.finditer(compact) if m.start() not in inside]
        if not verbs:
            return
        clause_ends = sorted(_clause_ends(spaced))
        for verb_end in verbs:
            end = min([e for e in clause_ends if e > verb_end] + [len(compact), verb_end + 12])
            stop = next((p for p in range(verb_end, end) if compact[p] in _WORK_VERBS or compact[p] == "的"), end)
            for hit in hits:
                if verb_end <= hit.start < stop and hit.skill not in self._index.repairs:
                    hit.score -= 0.3

    def _in_category(self, compact: str, hits: list[_Hit]) -> None:
        """A generic form in a phrase placed in another category (``_Index.context``) is that
        category's skill whose forms hold it: 电工 in 煤矿机电队电工 is the mine electrician (井下电工),
        车工 in 车工（服装厂） the garment machinist (服装车工). Only when exactly one skill of that
        category has such a form."""
        pattern, words, by_category = self._index.context()
        if pattern is None:
            return
        places = [(m.start(), m.end(), words[m.group()]) for m in pattern.finditer(compact)]
        if not places:
            return
        entries = self._index.entries
        for hit in hits:
            if hit.method != "sentence" or hit.skill is None:
                continue
            key = compact[hit.start : hit.end]
            own = entries[hit.skill].category
            for start, end, name in places:
                if name == own or (start < hit.end and hit.start < end):
                    continue
                holders = {(skill, form) for form, skill in by_category[name] if key in form and form != key}
                if len({skill for skill, _form in holders}) == 1:
                    skill, form = min(holders, key=lambda sf: len(sf[1]))
                    hit.skill, hit.form = skill, self._index.written[form]
                    break

    def _specialised(self, compact: str, spaced: str, hits: list[_Hit]) -> None:
        """A known form with words before it that nothing explains names, with them, the skill of the
        longer form holding both (``_Index.containing``): 管道焊工 is pipe welding (压力管道焊工), not
        any welding; 卡车司机 truck driving (货车司机), not any driving. The words before the form, in its
        clause, are weighed character by character (rarer characters weigh more); the skill of the
        longer form sharing most with them wins, when no other skill's form shares as much."""
        idf = self._index.similar.idf
        starts = sorted({0, *_clause_ends(spaced), *(h.end for h in hits)})
        for hit in hits:
            if hit.method != "sentence" or hit.skill is None:
                continue
            start = max([p for p in starts if p <= hit.start], default=0)
            before = compact[start : hit.start]
            pairs = {before[i : i + 2] for i in range(len(before) - 1) if _all_cjk(before[i : i + 2])}
            if not pairs:
                continue
            key = compact[hit.start : hit.end]
            best: dict[str, tuple[float, str]] = {}
            for form, skill in self._index.containing(key):
                rest = form.replace(key, "", 1)
                weight = sum(idf.get(g, 0.0) for g in pairs if g in rest)
                if weight > best.get(skill, (0.0, ""))[0]:
                    best[skill] = (weight, form)
            if not best:
                continue
            ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
            skill, (weight, form) = ranked[0]
            if skill != hit.skill and (len(ranked) == 1 or ranked[1][1][0] < weight):
                hit.skill, hit.form = skill, self._index.written[form]

    def _hit_score(self, compact: str, hit: _Hit, token_bounds: Container[int] | None) -> float:
        """0.82 for two characters, 0.88 for three, 0.94 for four or more; less when the form cuts
        through a word of the segmentation (a two-character form most: down to 0.62)."""
        key = normalize(hit.form) if hit.method == "learned" else compact[hit.start : hit.end]
        # A driving-licence class (A2, B2, C1) names one licence exactly, however short it is.
        units = 4 if _LICENCE_CLASS.fullmatch(key) else _units(key)
        score = 0.70 + 0.06 * min(units, 4)
        if token_bounds is not None:
            starts_cjk = not compact[hit.start].isascii()
            ends_cjk = not compact[hit.end - 1].isascii()
            aligned = (not starts_cjk or hit.start in token_bounds) and (not ends_cjk or hit.end in token_bounds)
            if not aligned:
                score -= 0.20 if units <= 2 else 0.08 if units == 3 else 0.03
        if hit.method == "learned":
            score = min(0.97, score + 0.05)
        return score

    def _pinyin_windows(self, compact: str, covered: list[bool], token_bounds: Container[int]) -> list[_Hit]:
        """Homophone typos inside a sentence: runs of Chinese characters that nothing explains yet,
        read as pinyin. A window keeps at least half the characters of the form; a 2-character
        window must not be a real word, and scores low unless the segmentation agrees with it."""
        n = len(compact)
        free = [not covered[p] and is_cjk(compact[p]) for p in range(n)]
        if sum(free) < 2:
            return []
        syllables = [_char_pinyin(c) if free[p] else "" for p, c in enumerate(compact)]
        loose = [_loose_syllable(s) for s in syllables]
        # How many free characters run from each position: a window fits where its length does.
        run = [0] * (n + 1)
        for p in range(n - 1, -1, -1):
            run[p] = run[p + 1] + 1 if free[p] else 0
        heads, loose_heads = self._index.pinyin_heads, self._index.loose_heads
        found: list[_Hit] = []
        p = 0
        while p < n - 1:
            if not free[p] or (
                (syllables[p], syllables[p + 1]) not in heads and (loose[p], loose[p + 1]) not in loose_heads
            ):
                p += 1
                continue
            best: tuple[float, int, _Hit] | None = None
            for length in self._index.pinyin_lengths:
                end = p + length
                if length > run[p]:
                    continue
                window = compact[p:end]
                strict = tuple(syllables[p:end])
                for table, base, key_syllables in (
                    (self._index.pinyin, 0.82, strict),
                    (self._index.loose, 0.72, tuple(loose[p:end])),
                ):
                    for skill, key in table.get(key_syllables, {}).items():
                        differ = sum(1 for a, b in zip(window, key, strict=True) if a != b)
                        if differ == 0 or differ > max(1, length // 2):
                            continue
                        if length == 2 and self._index.frequency(window):
                            continue  # a real word, not a typo
                        score = base - (0.1 if length == 2 else 0.0) - 0.03 * (differ - 1)
                        if length == 2 and not (p in token_bounds and end in token_bounds):
                            score -= 0.2
                        option = (
                            score,
                            self._index.frequency(key),
                            _Hit(p, end, skill, self._index.written[key], score, "pinyin"),
                        )
                        if best is None or option[:2] > best[:2]:
                            best = option
                    if best is not None:
                        break
                if best is not None:
                    break
            if best is not None:
                found.append(best[2])
                p = best[2].end
            else:
                p += 1
        return found

    def _latin_words(self, spaced: str, covered: list[bool]) -> list[_Hit]:
        """Latin words: pinyin typed in letters ("chache", "cha che") where nothing matched yet, and
        English over all the words (the verb counts: "drive a forklift" is a forklift driver)."""
        words: list[tuple[int, int, str]] = []
        position = 0
        for match in re.finditer(r"[a-z0-9]+|[^a-z0-9 ]+", spaced):
            token = match.group()
            start, position = position, position + len(token)
            if start >= len(covered):
                break
            if token.isascii():
                words.append((start, position, token))
        if not words:
            return []
        hits: list[_Hit] = []
        used: set[int] = set()
        for size in range(min(len(words), PINYIN_GROUP_MAX), 0, -1):
            for i in range(len(words) - size + 1):
                group = words[i : i + size]
                if any(j in used for j in range(i, i + size)) or any(covered[s:e].count(True) for s, e, _w in group):
                    continue
                joined = "".join(w for _s, _e, w in group)
                if len(joined) < 4 or not joined.isalpha():
                    continue
                options = self._index.joined.get(joined)
                if options and not self._index.english.relatives(joined):
                    ranked = sorted(options.items(), key=lambda kv: -self._index.frequency(kv[1]))
                    skill, key = ranked[0]
                    score = 0.85 if len(ranked) == 1 else 0.78
                    hits.append(_Hit(group[0][0], group[-1][1], skill, self._index.written[key], score, "pinyin"))
                    used.update(range(i, i + size))
        rest = [w for i, w in enumerate(words) if i not in used]
        everything = [w for _s, _e, w in rest]
        tokens = list(everything)
        # In a phrase that is partly Chinese the English words are only part of what it says (PS in
        # PS修图, CNC in CNC操机): they score as a known form of their size would in a sentence, so that
        # a Chinese form beside them weighs as much (``_hit_score``).
        mixed = any(is_cjk(c) for c in spaced)
        for _round in range(4):
            results = self._index.english.match(tokens, everything)
            if not results:
                break
            score, skill, form, positions = results[0]
            if mixed:
                span = "".join(everything[i] for i in positions)
                score = min(score, 0.70 + 0.06 * min(_units(span), 4))
            hits.append(_Hit(rest[min(positions)][0], rest[max(positions)][1], skill, form, score, "english"))
            tokens = ["" if i in positions else t for i, t in enumerate(tokens)]
        return hits

    def _in_context(self, compact: str, hits: list[_Hit]) -> list[_Hit]:
        """Generic forms yield to specific neighbours; a form naming a workplace (快递公司) yields to
        one after a work verb (干分拣)."""
        if len({h.skill for h in hits}) <= 1:
            return hits

        def generic(hit: _Hit) -> bool:
            return compact[hit.start : hit.end] in _GENERIC or normalize(hit.form) in _GENERIC

        def touching(a: _Hit, b: _Hit) -> bool:
            gap = compact[a.end : b.start] if a.end <= b.start else compact[b.end : a.start]
            return (a.start < b.end and b.start < a.end) or gap in ("", "的")

        specific = [h for h in hits if not generic(h)]
        kept = []
        for hit in hits:
            if generic(hit):
                if any(h.skill != hit.skill and touching(h, hit) for h in specific):
                    continue
                hit.score -= 0.06
            if compact.startswith(_PLACE_WORDS, hit.end):
                hit.score -= 0.05
            if hit.start and compact[hit.start - 1] in _WORK_VERBS:
                hit.score += 0.02
            kept.append(hit)
        return kept

    # -- fuzzy and similar -----------------------------------------------------------------------

    def _fuzzy(self, phrase: str) -> list[SkillMatch]:
        """Edit-distance matches with length-aware limits. Short Chinese strings are where fuzzy
        matching goes wrong (电工 is one character away from 电焊工), so two characters only ever
        match a three-character form, at a score just above ACCEPT, and only when nothing else did."""
        if len(phrase) < 2:
            return []
        latin = phrase.isascii()
        cutoff = 3 if latin else 2
        choices = self._index.fuzzy_choices(latin, len(phrase), cutoff)
        found = process.extract(phrase, choices, scorer=Levenshtein.distance, limit=8, score_cutoff=cutoff)
        matches = []
        for key, distance, _number in found:
            longest = max(len(key), len(phrase))
            if latin:
                allowed = 1 if longest <= 6 else 2 if longest <= 12 else 3
                if distance > allowed or min(len(key), len(phrase)) < 4:
                    continue
                score = 0.86 - 0.08 * distance
            else:
                if (distance == 2 and longest < 6) or (distance == 1 and longest < 3):
                    continue
                score = 0.61 if len(phrase) == 2 else 0.62 + 0.03 * min(longest - 3, 4) - 0.08 * (distance - 1)
            skill = self._index.forms[key]
            score -= self._repair_penalty(phrase, skill, key)
            matches.append(SkillMatch(skill, round(score, 3), "fuzzy", self._index.written[key]))
        return matches

    def _repair_penalty(self, phrase: str, skill: str, key: str) -> float:
        """0.3 when the phrase repairs something and the form it resembles is that thing."""
        if skill in self._index.repairs or not _REPAIR_VERB.search(phrase) or _REPAIR_VERB.search(key):
            return 0.0
        return 0.3

    def _similar(self, phrase: str) -> list[SkillMatch]:
        if phrase.isascii() or len(phrase) < 2:
            return []
        results = []
        for cosine, key in self._index.similar.nearest(phrase):
            # Calibrated on the evaluation set: from a cosine of about 0.45 the nearest form is
            # usually right; unknown activities (开飞机 ~ 飞手) stay below that.
            score = min(0.8, ACCEPT + 0.5 * (cosine - SIMILAR_COSINE))
            if not self._shares_specific(phrase, key):
                # Alike only by a common word (服务 in 殡葬服务 ~ 服务员, 普通 in 会说普通话 ~ 普通车床):
                # a guess for review, never an answer.
                score = min(score, GUESS_ONLY)
            skill = self._index.forms[key]
            score -= self._repair_penalty(phrase, skill, key)
            results.append(SkillMatch(skill, round(score, 3), "similar", self._index.written[key]))
        return results

    def _shares_specific(self, phrase: str, key: str) -> bool:
        """Whether the phrase and a form share two consecutive characters that are not one of the
        common words of general Chinese (jieba's frequency below ``COMMON_WORD``; a pair that is no
        word at all, 拣货 or 控安, counts as specific)."""
        return any(
            phrase[i : i + 2] in key and self._index.frequency(phrase[i : i + 2]) < COMMON_WORD
            for i in range(len(phrase) - 1)
        )

    def _modelled(self, phrase: str, whole: str) -> list[SkillMatch]:
        """The nearest skill by how the taxonomy words its skills (``ml.centroids``); ``whole`` is
        the phrase before its filler was stripped (修老式缝纫机 repairs: it is no sewing)."""
        if len(phrase) < 2 or phrase.isdigit():
            return []
        found = self._index.model().nearest(phrase)
        if found is None:
            return []
        skill, similarity, margin = found
        name = normalize(self._index.entries[skill].name_zh)
        if self._repair_penalty(whole, skill, name):
            return []  # what is repaired is not the skill
        score = centroid_score(similarity, margin)
        if not phrase.isascii() and not self._index.shares_pair(phrase, skill):
            # Near by single characters only (游 in 会游泳 and 导游服务, 绣 in 纹绣 and 刺绣): a
            # character inside another word means something else. A guess for review.
            score = min(score, GUESS_ONLY)
        return [SkillMatch(skill, score, "model", self._index.entries[skill].name_zh)]

    # -- not a skill -----------------------------------------------------------------------------

    def _soft_score(self, scan: _Scan) -> float | None:
        """When no skill was found: how surely the phrase is a soft quality or a generic statement
        (None: it is not)."""
        compact = scan.compact
        if not compact or compact.isascii():
            return None
        spans = [(mask.start, mask.end) for mask in scan.masks]
        spans += [match.span() for match in _SOFT_PATTERN.finditer(compact)]
        if not spans:
            return None
        share = _covered_share(compact, spans)
        if share < 0.7:
            return None
        return round(0.7 + 0.25 * share, 3)


def _agreed(candidates: Sequence[SkillMatch], accept: float) -> SkillMatch | None:
    """Two nearest-form readings that know nothing of each other, each short of an answer alone,
    naming the same skill: the wording model's (by words, from ``AGREE_MODEL``) and an n-gram
    neighbour's (by characters, above ``GUESS_ONLY``: sharing a specific pair). The answer scores
    the resolver's bar (``accept``); its own calibration group (``agreed``) says how often it is right."""
    modelled = {c.skill: c for c in candidates if c.method.startswith("model") and c.score >= AGREE_MODEL}
    for c in sorted(candidates, key=lambda m: -m.score):
        if c.method == "similar" and c.score > GUESS_ONLY and c.skill in modelled:
            return SkillMatch(c.skill, accept, "agreed", c.matched)
    return None


def _soft_share(text: str) -> tuple[int, float]:
    """How many soft-quality stems and words of recruitment noise (pay, perks, places: the title
    coder's, ``ml.occupations``) a text holds, and the share of its characters they, the glue
    characters and digits cover."""
    spans = [
        m.span()
        for pattern in (_SOFT_PATTERN, _RECRUITMENT_FILLER)
        for m in pattern.finditer(text)
        if m.end() > m.start()
    ]
    return len(spans), _covered_share(text, spans)


def _covered_share(text: str, spans: Iterable[tuple[int, int]]) -> float:
    """The share of ``text``'s characters inside ``spans`` or that are glue characters or digits."""
    covered = [char in _GLUE_CHARS or char.isdigit() for char in text]
    for start, end in spans:
        for p in range(max(0, start), end):
            covered[p] = True
    return sum(covered) / len(text) if text else 0.0


def _without_soft(scan: _Scan) -> str:
    """The compact text without its "not a skill" spans and without its clauses that are soft
    qualities or generic statements (有经验, 男 40岁, 急找工作) and hold no skill found."""
    compact = scan.compact
    keep = [True] * len(compact)
    for mask in scan.masks:
        for p in range(max(0, mask.start), min(mask.end, len(compact))):
            keep[p] = False
    found = {p for h in scan.hits for p in range(h.start, h.end)}
    start = 0
    for end in sorted({*_clause_ends(scan.spaced), len(compact)}):
        if end <= start or end > len(compact):
            continue
        if not any(p in found for p in range(start, end)):
            # the clause's "not a skill" spans count as soft stems that cover their characters
            masked = sum(1 for m in scan.masks if start <= m.start < end)
            left = "".join(c for p, c in enumerate(compact[start:end], start) if keep[p])
            stems, share = _soft_share(left)
            share = (share * len(left) + (end - start - len(left))) / (end - start)
            if stems + masked and share >= 0.7:
                for p in range(start, end):
                    keep[p] = False
        start = end
    return "".join(c for p, c in enumerate(compact) if keep[p])


_INSERTED = re.compile(
    r"(?:[了过着])?(?:\d+|[一二两三四五六七八九十百千几多半]+)(?:多|余|来)?(?:个)?"
    r"(?:年|个月|月|天|只|头|匹|峰|亩|台|辆|吨|次|家|份)(?:多|半)?(?:的)?|(?<=[\u4e00-\u9fff])[了过着](?=[\u4e00-\u9fff])"
)


def _condense(spaced: str) -> str:
    """Take out aspect particles and quantities: 放了二十年羊 -> 放羊, 养了两百只羊 -> 养羊."""
    return _INSERTED.sub("", spaced)


# 修 as "repair"; not in 装修 (renovation), 修路 (road building), 修图, 修剪, 修脚, 修改, 修建 ...
_REPAIR_VERB = re.compile(r"维修|修理|(?<![装检])修(?![图路剪饰脚改建补养行订正])")


def _clause_ends(spaced: str) -> set[int]:
    """Positions in the compact text where a clause ends (punctuation or spaces were there)."""
    ends = set()
    position = 0
    for char in spaced:
        if char == " ":
            ends.add(position)
        else:
            position += 1
    return ends


def _spaced(text: str) -> str:
    return normalize_spaced(text[:MAX_INPUT_CHARS]) if text else ""


def _compact_with_bounds(spaced: str) -> tuple[str, set[int]]:
    """The text without spaces, and the positions where a Latin word may begin or end: at a space,
    and where letters meet digits or other scripts ("持a2驾照": a2 is a word; "ba2" has none)."""
    chars: list[str] = []
    bounds = {0}
    previous = ""
    for char in spaced:
        if char == " ":
            bounds.add(len(chars))
            previous = ""
            continue
        kind = "a" if char.isascii() and char.isalpha() else "d" if char.isascii() and char.isdigit() else "o"
        if previous and kind != previous:
            bounds.add(len(chars))
        chars.append(char)
        previous = kind
    bounds.add(len(chars))
    return "".join(chars), bounds


def _linked_entries(
    external: Sequence[TaxonomyEntry], builtin: Sequence[TaxonomyEntry], reads: Mapping[str, SkillMatch]
) -> list[TaxonomyEntry]:
    """The external entries with the forms ``SkillResolver.linked`` adds to them. ``reads``: reads
    already made (``LinkedBuild.reads``), keyed as they make them; the others are made here."""
    # One reader of the external taxonomy for linking and for the unreached skills' forms: the
    # second pass reads the same built-in forms again, from its memo.
    reader = SkillResolver(external)
    for key, match in reads.items():
        if key.startswith(_READ_BY_EXTERNAL):
            reader._best.put(key[len(_READ_BY_EXTERNAL) :], match)
    builtin_reads = {k[len(_READ_BY_BUILTIN) :]: m for k, m in reads.items() if k.startswith(_READ_BY_BUILTIN)}
    links = _link(external, builtin, read=True, external_reader=reader, builtin_reads=builtin_reads)
    owner: dict[str, str] = {}
    for entry in external:
        for form in entry.forms():
            owner.setdefault(normalize(form), entry.id)
    extra: dict[str, list[str]] = {e.id: [] for e in external}
    builtin_by_id = {b.id: b for b in builtin}
    for external_id, form in _unreached_forms(external, builtin, links, owner, reader):
        owner[normalize(form)] = external_id
        extra[external_id].append(form)
    for external_id, form in _distinctive_forms(external, builtin, links, owner):
        owner[normalize(form)] = external_id
        extra[external_id].append(form)
    for builtin_id, external_id in links.items():
        for form in builtin_by_id[builtin_id].forms():
            key = normalize(form)
            if key and owner.setdefault(key, external_id) == external_id:
                extra[external_id].append(form)
    merged = [
        TaxonomyEntry(
            id=e.id,
            name_zh=e.name_zh,
            name_en=e.name_en,
            synonyms=tuple(dict.fromkeys([*e.synonyms, *extra[e.id]])),
            category=e.category,
            description=e.description,
            occupations=e.occupations,
        )
        for e in external
    ]
    return merged


#: How ``LinkedBuild.reads`` keys a form read by each taxonomy's resolver (then the spaced form).
_READ_BY_EXTERNAL = "e\x00"
_READ_BY_BUILTIN = "b\x00"

#: The share of the built-in forms that the first of two processes reads (``LinkedBuild.reads``);
#: the second reads the rest and the external forms, for which it builds the built-in resolver.
LINK_FIRST_SHARE = 0.7


class LinkedBuild:
    """``SkillResolver.linked`` in steps two processes can share (``rank_files``' phrase workers):
    most of its cost is reading each taxonomy's forms with a resolver of the other (about 5,000
    forms). Each process makes its part of the reads (``reads``); the first links the taxonomies
    with both parts (``entries``) and gives the merged entries to the second; both make the same
    resolver from them (``SkillResolver.from_linked``)."""

    def __init__(self, external: Sequence[TaxonomyEntry], builtin: Sequence[TaxonomyEntry]) -> None:
        self.external = external
        self.builtin = builtin

    @staticmethod
    def load_segmenter() -> None:
        """Load jieba's dictionary now (once per process; a process forked afterwards shares it)."""
        _segmenter(())

    def reads(self, part: int) -> dict[str, SkillMatch]:
        """Part 0 or 1 of the reads linking makes, keyed as ``_linked_entries`` takes them."""
        builtin_forms = [form for b in self.builtin for form in b.forms() if form.strip()]
        cut = int(len(builtin_forms) * LINK_FIRST_SHARE)
        found: dict[str, SkillMatch] = {}
        external_reader = SkillResolver(self.external)
        for form in builtin_forms[:cut] if part == 0 else builtin_forms[cut:]:
            spaced = _spaced(form)
            found[_READ_BY_EXTERNAL + spaced] = external_reader._resolve_memo(spaced)
        if part == 1:
            builtin_reader = SkillResolver(self.builtin)
            for e in self.external:
                for form in e.forms():
                    if form.strip():
                        spaced = _spaced(form)
                        found[_READ_BY_BUILTIN + spaced] = builtin_reader._resolve_memo(spaced)
        return found

    def entries(self, reads: Mapping[str, SkillMatch]) -> list[TaxonomyEntry]:
        return _linked_entries(self.external, self.builtin, reads)

    @staticmethod
    def resolver(entries: Sequence[TaxonomyEntry]) -> SkillResolver:
        return SkillResolver.from_linked(entries)


def link_taxonomies(
    external: Sequence[TaxonomyEntry], builtin: Sequence[TaxonomyEntry], *, read: bool = True
) -> dict[str, str]:
    """Built-in id -> external id, for the built-in skills that an external skill names.

    Every pair of skills gathers evidence (``LINK_EVIDENCE``): a name equal to a name, a name equal
    to one of the other's synonyms, a synonym equal to a synonym, every word of one English name in
    the other (Taxi driving, Taxi and ride-hailing driving; two words at least), and (``read``) each form of one
    read as the other by a resolver of the other's taxonomy alone (煤矿井下采煤 is read as 采煤,
    牵引车驾驶(A2) as A2驾驶). A built-in skill links to the external skill with the most evidence,
    from ``LINK_FROM`` on; a tie links nothing. A built-in skill with no evidence at all may still link
    by a strict fuzzy match of the names (``_fuzzy_link``).
    """
    return _link(external, builtin, read=read, external_reader=None)


def _link(
    external: Sequence[TaxonomyEntry],
    builtin: Sequence[TaxonomyEntry],
    *,
    read: bool,
    external_reader: SkillResolver | None,
    builtin_reads: Mapping[str, SkillMatch] | None = None,
) -> dict[str, str]:
    """``link_taxonomies``, with the external taxonomy's resolver given (None: made here) and the
    built-in resolver's reads of external forms already made (by spaced form)."""
    ext_names: dict[str, set[str]] = {}
    ext_synonyms: dict[str, set[str]] = {}
    for e in external:
        for number, form in enumerate(e.forms()):
            key = normalize(form)
            if key:
                (ext_names if number < 2 else ext_synonyms).setdefault(key, set()).add(e.id)
    ext_zh = {e.id: normalize(e.name_zh) for e in external}
    ext_en = {e.id: e.name_en.casefold().strip() for e in external}
    evidence: dict[str, dict[str, float]] = {b.id: {} for b in builtin}
    ext_words = {e.id: words for e in external if len(words := _english_words(e.name_en)) >= 2}
    # Two words are the same English word only when their first four letters are (``_same_english_word``):
    # a name whose heads are not all among the other's cannot be within it (a set test, before the
    # word-by-word one; about 200,000 pairs of names).
    ext_heads = {external_id: _heads(words) for external_id, words in ext_words.items()}

    def add(builtin_id: str, external_ids: Iterable[str], weight: float) -> None:
        found = evidence[builtin_id]
        for external_id in external_ids:
            found[external_id] = found.get(external_id, 0.0) + weight

    for b in builtin:
        b_names = {normalize(b.name_zh), normalize(b.name_en)} - {""}
        b_synonyms = {normalize(f) for f in b.forms()} - {""} - b_names
        for key in b_names:
            add(b.id, ext_names.get(key, ()), LINK_EVIDENCE["name"])
            add(b.id, ext_synonyms.get(key, ()), LINK_EVIDENCE["name_synonym"])
        for key in b_synonyms:
            add(b.id, ext_names.get(key, ()), LINK_EVIDENCE["name_synonym"])
            add(b.id, ext_synonyms.get(key, ()), LINK_EVIDENCE["synonym"])
        b_words = _english_words(b.name_en)
        if len(b_words) >= 2:
            b_heads = _heads(b_words)
            for external_id, e_words in ext_words.items():
                e_heads = ext_heads[external_id]
                if (b_heads <= e_heads and _words_within(b_words, e_words)) or (
                    e_heads <= b_heads and _words_within(e_words, b_words)
                ):
                    add(b.id, (external_id,), LINK_EVIDENCE["name_words"])
    # Pairs with evidence other than the external taxonomy's resolver reading a built-in form: that
    # resolver knows only a few hundred skills and reads anything as the nearest of them (体育教练 as
    # 驾驶教练), so alone it links nothing.
    direct: set[tuple[str, str]] = {(b, e) for b, found in evidence.items() for e in found}
    if read:
        for builtin_id, external_id, weight, forward in _read_votes(external, builtin, external_reader, builtin_reads):
            add(builtin_id, (external_id,), weight)
            if forward:
                direct.add((builtin_id, external_id))
    links: dict[str, str] = {}
    for b in builtin:
        ranked = sorted(((e, w) for e, w in evidence[b.id].items() if (b.id, e) in direct), key=lambda kv: -kv[1])
        if not ranked:
            chosen = _fuzzy_link(b, ext_zh, ext_en)
            if chosen is not None:
                links[b.id] = chosen
            continue
        if ranked[0][1] >= LINK_FROM and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            links[b.id] = ranked[0][0]
    return links


#: The weight of each kind of evidence that a built-in and an external skill are the same.
LINK_EVIDENCE = {"name": 8.0, "name_synonym": 4.0, "synonym": 2.0, "name_words": 2.0, "read_name": 2.0, "read": 1.0}

#: The least evidence that links two skills: a synonym shared, or two forms read as the other.
LINK_FROM = 2.0

#: A built-in form read by the external taxonomy's resolver counts as evidence for a link from this
#: raw score (a rule answer: the form itself, its filler stripped, inside a longer form); an external
#: form read by the built-in resolver from ``ACCEPT`` (any answer it would give).
READ_LINK_FROM = 0.8


def _unreached_forms(
    external: Sequence[TaxonomyEntry],
    builtin: Sequence[TaxonomyEntry],
    links: Mapping[str, str],
    owner: Mapping[str, str],
    reader: SkillResolver,
) -> Iterator[tuple[str, str]]:
    """(external id, built-in form) for the external skills no built-in skill links to.

    A built-in skill links to one external skill, but its forms may name several (装修木工's 吊顶 is
    the external 吊顶隔墙安装; 保洁, claimed by 楼宇保洁 and 家庭保洁 alike, links nowhere). An external
    skill nothing links to takes the built-in forms that its own taxonomy's resolver reads as it by
    a rule (``READ_LINK_FROM``), unless the external taxonomy gives the form to a skill itself."""
    reached = set(links.values())
    if reached >= {e.id for e in external}:
        return
    for b in builtin:
        for form in b.forms():
            key = normalize(form)
            if not key or key in owner:
                continue
            match = reader._resolve_memo(_spaced(form))
            if (
                match.skill is not None
                and match.skill not in reached
                and match.score >= READ_LINK_FROM
                and match.method != "pinyin"  # a form is spelt right: no homophone of another (电器, 电气)
            ):
                yield match.skill, form


def _general_words(text: str) -> list[str]:
    """The Chinese words of two characters or more in a text, as jieba's general dictionary cuts it."""
    return [w for w in _general_tokenizer().lcut(normalize(text), HMM=False) if len(w) >= 2 and _all_cjk(w)]


def _distinctive_words(external: Sequence[TaxonomyEntry], *, rare: bool = True) -> dict[str, str]:
    """Word -> external id: the words (``_general_words``; with ``rare``, only those less common than
    ``COMMON_WORD`` in general Chinese) that the Chinese forms of exactly one external skill contain.
    What a taxonomy names with a word of its own (吊顶 only in 吊顶隔墙安装, 挤奶 only in 机械挤奶's
    forms) is that skill's."""
    tokenizer = _general_tokenizer()
    forms = {e.id: [k for f in e.forms() if (k := normalize(f)) and not k.isascii()] for e in external}
    found: dict[str, str] = {}
    for external_id, keys in forms.items():
        for key in keys:
            for word in _general_words(key):
                if word in found or (rare and int(tokenizer.FREQ.get(word, 0)) >= COMMON_WORD):
                    continue
                holders = {other for other, others in forms.items() if any(word in k for k in others)}
                if holders == {external_id}:
                    found[word] = external_id
    return found


def _distinctive_forms(
    external: Sequence[TaxonomyEntry],
    builtin: Sequence[TaxonomyEntry],
    links: Mapping[str, str],
    owner: Mapping[str, str],
) -> Iterator[tuple[str, str]]:
    """(external id, built-in form) for the external skills no built-in skill links to: the built-in
    forms holding a word only that skill's forms hold (``_distinctive_words``) and no such word of
    another skill. A built-in skill the external taxonomy splits in two (环卫: street sweeping and
    waste collection) or one whose forms name a narrower external skill (奶牛养殖's 挤奶 is 机械挤奶,
    装修木工's 吊顶 is 吊顶隔墙安装) links to at most one of them; the word says where each form goes."""
    reached = set(links.values())
    if reached >= {e.id for e in external}:
        return
    distinctive = _distinctive_words(external)
    # A common word of one skill's own still says where a form belongs (垃圾 in 垃圾分拣: waste, not
    # the 分拣 of order picking): a form that names two skills so goes to neither.
    exclusive = _distinctive_words(external, rare=False)
    for b in builtin:
        for form in b.forms():
            key = normalize(form)
            if not key or key in owner or key.isascii():
                continue
            words = _general_words(key)
            named = {exclusive[w] for w in words if w in exclusive}
            if len(named) == 1 and any(w in distinctive for w in words) and (external_id := named.pop()) not in reached:
                yield external_id, form


def _read_votes(
    external: Sequence[TaxonomyEntry],
    builtin: Sequence[TaxonomyEntry],
    external_reader: SkillResolver | None = None,
    builtin_reads: Mapping[str, SkillMatch] | None = None,
) -> Iterator[tuple[str, str, float, bool]]:
    """(built-in id, external id, weight, forward): each form of each taxonomy read by a resolver of the
    other alone; a form read as a skill names that pair (an external skill's Chinese name weighs
    more: it says what the skill is). ``forward``: an external form read by the built-in resolver
    (``builtin_reads``: such reads already made, by spaced form; the built-in resolver is made only
    for the others)."""
    readers: dict[str, SkillResolver] = {}
    if external_reader is not None:
        readers["external"] = external_reader
    known = builtin_reads or {}

    def reader_of(name: str) -> SkillResolver:
        found = readers.get(name)
        if found is None:
            found = readers[name] = SkillResolver(builtin if name == "builtin" else external)
        return found

    def read(name: str, form: str, least: float = READ_LINK_FROM) -> str | None:
        if not form.strip():
            return None
        spaced = _spaced(form)
        match = known.get(spaced) if name == "builtin" else None
        if match is None:
            match = reader_of(name)._resolve_memo(spaced)
        if match.skill is None or match.score < least or match.method == "learned":
            return None
        return match.skill

    for e in external:
        for number, form in enumerate(e.forms()):
            found = read("builtin", form, ACCEPT)
            if found is not None:
                yield found, e.id, LINK_EVIDENCE["read_name" if number == 0 else "read"], True
    for b in builtin:
        for form in b.forms():
            found = read("external", form)
            if found is not None:
                yield b.id, found, LINK_EVIDENCE["read"], False


def _english_words(name: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z]+", name.casefold()) if w not in _STOP_ENGLISH)


def _heads(words: frozenset[str]) -> frozenset[str]:
    return frozenset(w[:4] for w in words)


def _words_within(few: frozenset[str], many: frozenset[str]) -> bool:
    """Every word of one English name is in the other, inflected or not: "Taxi driving" names a kind of
    "Taxi and ride-hailing driving", "CNC machine operation" one of "CNC machining centre operation"."""
    return all(any(_same_english_word(a, b) for b in many) for a in few)


def _fuzzy_link(b: TaxonomyEntry, ext_zh: Mapping[str, str], ext_en: Mapping[str, str]) -> str | None:
    zh = normalize(b.name_zh)
    en = b.name_en.casefold().strip()
    scored: list[tuple[float, str]] = []
    for ext_id, other in ext_zh.items():
        if not zh or not other:
            continue
        short, long_ = sorted((zh, other), key=len)
        if len(short) >= 3 and short in long_ and len(long_) - len(short) <= 2:
            scored.append((95.0, ext_id))
        elif min(len(zh), len(other)) >= 4 and fuzz.ratio(zh, other) >= 88:
            scored.append((fuzz.ratio(zh, other), ext_id))
    for ext_id, other in ext_en.items():
        if en and other and min(len(en), len(other)) >= 6:
            similarity = fuzz.token_sort_ratio(en, other)
            if similarity >= 92:
                scored.append((similarity, ext_id))
    if not scored:
        return None
    scored.sort(reverse=True)
    best_score, best_id = scored[0]
    if any(other_id != best_id and s >= best_score - 2 for s, other_id in scored[1:]):
        return None
    return best_id
