"""Coding job titles and desired work to the China Standard Classification of Occupations (CSCO 2022).

Employers write ``电焊工（包吃住）``, ``鄂托克旗急招叉车司机``, ``资深Java开发``; workers write
``想找个开车的活``. :class:`OccupationCoder` turns such a phrase into a CSCO code with a calibrated
score, answering a broader group (minor, middle or major group) when the phrase names no single
occupation. Pure Python: nothing here imports Django (see ``docs/code-occupations.md``).

The pipeline, in order (the first stage that finds something answers):

1. learned corrections: organizers' own mapping of a title to a code;
2. cleaning: brackets, place names, recruitment filler, seniority and honorific suffixes go;
3. exact: the cleaned title is an occupation name, an alias, a skill form or a known vague title;
4. containment: names, aliases and skill forms found inside the title, the head (rightmost) word
   of a Chinese compound winning, skills bridged to their occupations;
5. partial: a word of the title (jieba) found inside a name or alias (``钢筋`` -> ``钢筋工``);
6. character n-gram TF-IDF over names and aliases, definitions and tasks down-weighted.

Where the best candidates disagree but share a parent group, the parent is answered with a lower
score. Scores below :data:`UNCERTAIN_BELOW` are for an organizer to review.
"""

from __future__ import annotations

import csv
import gc
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ml.calibration import calibrated
from ml.centroids import CentroidModel, centroid_score
from ml.taxonomy import TaxonomyEntry
from ml.text import normalize

#: Codes scored below this are uncertain: organizers review them. On the project's evaluation set
#: (``benchmarks/eval_occupations.py``) codes at or above it are right far more often than not;
#: codes below it are right about half the time or less.
UNCERTAIN_BELOW = 0.6

#: Only the beginning of a title is read; a job title is short, anything longer is a description.
MAX_TITLE_CHARS = 200

#: How many pieces of a title (between punctuation) are read: the job is named early.
MAX_SEGMENTS = 16

#: How many cleaned titles the coder remembers.
CACHE_SIZE = 4096

# --- reading the CSCO table -----------------------------------------------------------------------

_ALIAS_SPLIT = re.compile(r"[,，;；]")
# A trailing S (digital), L (green) or L/S on a name or alias, right after a Chinese character or a
# closing bracket. "IOS" or "SQL" keep their last letter.
_MARK = re.compile(r"(?<=[\u3400-\u9fff）)])(?:L/S|S/L|[SL])$")


@dataclass(frozen=True)
class OccupationEntry:
    """One CSCO 2022 entry: a major (1), middle (2) or minor (3) group, or an occupation (4)."""

    code: str
    level: int
    name: str
    aliases: tuple[str, ...]
    definition: str
    tasks: str
    parent: str | None
    is_digital: bool
    is_green: bool


def ancestor_codes(code: str) -> list[str]:
    """2-02-09-04 -> [2-02-09-00, 2-02-00-00, 2-00-00-00]: zero the last non-zero part, repeatedly.

    Some middle groups have no minor groups (1-01-00-01 sits right under 1-01-00-00), so the parent
    of an entry is the nearest of these that exists.
    """
    parts = code.split("-")
    result = []
    for i in range(len(parts) - 1, 0, -1):
        if parts[i].strip("0"):
            parts = parts[:i] + ["0" * len(p) for p in parts[i:]]
            result.append("-".join(parts))
    return result


def _strip_mark(text: str) -> tuple[str, bool, bool]:
    match = _MARK.search(text)
    if not match:
        return text, False, False
    mark = match.group()
    return text[: match.start()].strip(), "S" in mark, "L" in mark


def read_csco(path: str | Path) -> list[OccupationEntry]:
    """Read the CSCO table (columns level, code, name, definition, tasks, alias; UTF-8, BOM or not).

    The digital/green marks come off names and aliases; aliases are split on , ， ; ； and 、 (the
    alias column repeats the name, which may itself contain 、, so the name is taken out first);
    a code given twice keeps its first row; ``parent`` is the nearest existing ancestor.
    """
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            code = (row.get("code") or "").strip()
            if not code or code in seen:
                continue
            seen.add(code)
            name, is_digital, is_green = _strip_mark((row.get("name") or "").strip())
            aliases: list[str] = []
            for piece in _ALIAS_SPLIT.split(row.get("alias") or ""):
                piece = _strip_mark(piece.strip())[0]
                if not piece or piece == name:
                    continue
                aliases.extend(p for p in (_strip_mark(x.strip())[0] for x in piece.split("、")) if p)
            rows.append(
                {
                    "code": code,
                    "level": int(row["level"]),
                    "name": name,
                    "aliases": tuple(a for a in dict.fromkeys(aliases) if a != name),
                    "definition": (row.get("definition") or "").strip(),
                    "tasks": (row.get("tasks") or "").strip(),
                    "is_digital": is_digital,
                    "is_green": is_green,
                }
            )
    return [
        OccupationEntry(parent=next((c for c in ancestor_codes(row["code"]) if c in seen), None), **row) for row in rows
    ]


# --- text ------------------------------------------------------------------------------------------

_converter: Any = None
_converter_lock = threading.Lock()


def _to_simplified(text: str) -> str:
    """Traditional characters to simplified (OpenCC t2s), only when the text has non-ASCII."""
    global _converter
    if text.isascii():
        return text
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                from opencc import OpenCC

                _converter = OpenCC("t2s")
    return str(_converter.convert(text))


_tokenizer_instance: Any = None
_tokenizer_lock = threading.Lock()


def _shared_tokenizer() -> Any:
    """A private ``jieba.Tokenizer`` (the global one is left alone), loaded once a process."""
    global _tokenizer_instance
    if _tokenizer_instance is None:
        with _tokenizer_lock:
            if _tokenizer_instance is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _tokenizer_instance = tokenizer
    return _tokenizer_instance


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = "a-z0-9+#"
_KEEP_SPACE = re.compile(rf" (?=[^{_LATIN}])|(?<=[^{_LATIN}]) ")
_SPACES = re.compile(r"\s+")
_LATIN_DOT = re.compile(r"(?<=[a-z])\.(?=[a-z])")


def _fold(text: str) -> str:
    """NFKC, lower case, simplified characters."""
    return _to_simplified(unicodedata.normalize("NFKC", text).casefold())


def _canon(text: str) -> str:
    """Comparison form of folded text: letters and digits of any script, ``+`` and ``#``; a space
    only between two Latin words (``java developer``, ``java开发``)."""
    text = _LATIN_DOT.sub("\x00", text)
    out = [ch if (ch.isalnum() or ch in "+#\x00") else " " for ch in text]
    collapsed = _SPACES.sub(" ", "".join(out).replace("\x00", ".")).strip()
    return _KEEP_SPACE.sub("", collapsed)


def _key(text: str, *, simplified: bool = False) -> str:
    """``simplified``: the text is known to be in simplified characters (the tables are)."""
    if simplified:
        return _canon(unicodedata.normalize("NFKC", text).casefold())
    return _canon(_fold(text))


def _char_ngrams(text: str) -> list[str]:
    """Character 1- to 3-grams (the TF-IDF analyzer)."""
    return [text[i : i + n] for n in (1, 2, 3) for i in range(len(text) - n + 1)]


def _char_bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)] or [text or "-"]


def _is_latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "+#.")


# Brackets hold asides: （包吃住） (长期) 【急聘】 [夜班] 〔…〕 {…} <…> 《…》 「…」 『…』
_BRACKETS = re.compile(
    r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕|\{[^{}]*\}|<[^<>]*>|《[^《》]*》|「[^「」]*」|『[^『』]*』"
)
_STRAY_BRACKETS = re.compile(r"[()\[\]【】〔〕{}<>《》「」『』]")
# Segment separators: punctuation, and spaces next to a non-Latin character. A space between two
# Latin words (Java Developer) is kept inside the segment.
_SEPARATORS = re.compile(r"[,;!?。，；！？、|/\\:：·•~～\-—_=*★☆◆●■▲►→✓✔\n\r\t]+| +")
_LATIN_SPACE = re.compile(r"(?<=[a-z0-9+#.]) +(?=[a-z0-9+#.])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def _words(text: str) -> list[str]:
    """A word list written as whitespace-separated text; ``|`` separates words with spaces."""
    return [w.strip() for w in (text.split("|") if "|" in text else text.split()) if w.strip()]


def _longest_first(*groups: str) -> list[str]:
    return sorted({w for group in groups for w in _words(group)}, key=len, reverse=True)


# Recruitment filler and worker phrasing, removed anywhere (unless part of a longer known word:
# 招聘专员 stays). Longest alternatives first.
_FILLER_WORDS = _longest_first(
    # recruiting
    """
    急招 急聘 诚聘 诚招 高薪诚聘 高薪急聘 高薪聘请 高薪招聘 招聘 招募 聘请 直招 热招 火热招聘 急需 急缺
    紧缺 长期招聘 常年招聘 大量招聘 现招 正在招聘 诚邀 招工 招人 直聘 内推 社招 校招 岗位 职位 名额
    若干名 若干人 若干 数名 多名 一名 两名 二名 几名 一位 两位
    """,
    # pay and conditions
    """
    高薪 月薪 日薪 年薪 时薪 底薪 提成 保底 薪资 薪酬 工资 待遇 面议 薪资面议 计件 按件计费 多劳多得
    包吃住 包吃 包住 包食宿 管吃住 管吃 管住 提供食宿 提供住宿 食宿 住宿 五险一金 六险一金 五险 社保
    缴纳社保 交社保 双休 单休 做六休一 长白班 白班 夜班 倒班 两班倒 三班倒 轮班 长期 短期 日结 周结
    月结 现结 工资日结 当天结 有补贴 补贴 奖金 年终奖 待遇优厚 待遇好 工资高 收入高 高收入 过万 上万
    周末双休 双休日 不加班 少加班 带薪年假 年假 有提成 高提成 提成高 包三餐 包工作餐 工作餐 员工宿舍 节日福利
    福利好 朝九晚五 做五休二 大小周 年底双薪 十三薪 餐补 房补 交通补贴 全勤奖 绩效奖金
    稳定 正式工 合同工 直签 全职 兼职 包吃包住 包教包会 带薪培训 可培训 可带学徒 带学徒 零基础 无经验
    经验不限 学历不限 年龄不限 有经验者优先 有经验优先 经验优先 优先 不限 以上 以下 左右 男女不限 限男
    限女 男女 男士 女士 男性 女性 男工 女工 宝妈 能吃苦 吃苦耐劳 肯吃苦 踏实肯干 身体健康 无不良嗜好
    人品好 手脚麻利
    """,
    # places, vaguely
    """
    本地 当地 外地 市区 县城 城区 旗里 镇上 工业园区 工业园 园区 厂区 周边 附近 就近 离家近 家附近
    在家附近 一带 地区
    """,
    # employers
    "有限责任公司 有限公司 股份公司 分公司 公司 集团 我公司 本公司 我司 某公司 某 xx xxx",
    # workers' phrasing
    """
    想找个 想找份 想找一份 想找一个 找个 找份 找一份 找一个 想找 想干 想做 想当 想去 想进 想学 想在
    想要 想跑 希望 打算 愿意 求职 应聘 找工作 工作 上班 的活儿 的活 活儿 的工作 的岗位 的事 找活儿
    找活干 找活 干活 打工 挣钱 干过 做过 当过 开过 学过 以前在 以前 之前 曾经 本人 我想 会用 熟悉
    擅长 精通 懂得 有证 持证 带证 持证上岗 证书 驾照 执业证 资格证
    """,
)
_FILLER = re.compile(
    "|".join(
        [
            # numbers with units: 月薪8000+, 2名, 3000-5000元/月, 25吨, 4天, 18-45岁, 12000, 3000起
            r"(?<![a-z0-9])\d+(?:\.\d+)?(?:k|w|千|万)?(?:元|块)?"
            r"(?:[-~至到]\d+(?:\.\d+)?(?:k|w|千|万)?(?:元|块)?)?"
            r"(?:(?:/|每)?(?:名|人|位|个|岁|周岁|天|日|月|年|小时|吨|米|元|块)(?:\+|起)?|(?:\+|起)?(?![a-z]))",
            # pay in words: 年薪15万, 日结200, 底薪+提成 (the numbers go above)
            r"(?:年薪|月薪|日薪|时薪|日结|底薪)\+?",
            *(re.escape(w) for w in _FILLER_WORDS),
        ]
    )
)
# Single characters that are filler before a known word: at the start of a segment (招保洁员,
# 会电焊, 想干保洁), and 招/聘 anywhere (养老院招护理员).
_LEADING = re.compile(r"(?:^| )(?:招|聘|急|求|寻|找|想|会|能|有|懂|做|干|当|去|进|学|在|跑|要|我)|招|聘")

# Seniority and grade, then honorific and colloquial suffixes (full cleaning only).
_SENIORITY = _longest_first(
    """
    资深 高级 中级 初级 实习生 实习 见习 学徒 储备 熟练 熟手 老手 新手 正式 优秀 金牌 星级 首席 特级
    专业 技术好 技术过硬 经验丰富 有经验 熟练工
    """
)
_SUFFIXES = _longest_first("阿姨 老师傅 大师傅 师傅 大姐 大哥 大叔 大妈 大爷 小妹 小伙 小哥 技师")
_SENIOR = re.compile("|".join(re.escape(w) for w in [*_SENIORITY, *_SUFFIXES]))
# An employer's name before the job: up to the first company word, when a job follows it.
_EMPLOYER = re.compile(
    r"^[^ ]{2,18}?(?:有限责任公司|股份有限公司|有限公司|分公司|集团公司|集团|公司|工作室|事务所|商行|门市部)(?=[^ ])"
)
_DESIRE = re.compile(r"想|希望|打算|愿意|求职|应聘|找")

#: Local place names beyond the region table: towns and industrial parks of 鄂托克旗 and the short
#: forms people use around Ordos.
LOCAL_PLACES = tuple(
    _words(
        """
        乌兰镇 棋盘井镇 棋盘井 蒙西镇 蒙西 木凯淖尔镇 木凯淖尔 苏米图苏木 苏米图 阿尔巴斯苏木 阿尔巴斯
        包乐浩晓 查布 乌兰 蒙西工业园区 棋盘井工业园区 鄂托克经济开发区 鄂托克工业园区 蒙西高新技术工业园区
        蒙西高新区 鄂托克 鄂旗 鄂前旗 上海庙 敖勒召其 城川 康巴什 康巴什区 伊旗 达旗 准旗 杭锦 乌审 鄂市
        呼市 包市 内蒙古 内蒙 海勃湾 乌达 海南区 嘎查 苏木
        """
    )
)

# A head of an alias part, to share between parts: 行政经理/主管 -> 行政经理, 行政主管.
_HEADS = _longest_first(
    """
    工程师 技术员 技师 经理 主管 专员 助理 总监 主任 组长 专家 部长 顾问 经纪人 设计师 分析师 研究员
    负责人 学徒 老师 教师 司机 师 员 工
    """
)


def _vague(words: str, code: str, score: float) -> dict[str, tuple[str, float]]:
    return dict.fromkeys(_words(words), (code, score))


#: Vague titles and what they are coded to: a broad group, with how sure that is.
GENERIC_TITLES: dict[str, tuple[str, float]] = {
    # factory work without a trade
    **_vague(
        "普工 操作工 普通工人 生产工人 车间工人 工厂工人 技工 学徒工 流水线工人 流水线 组装工 装配工 操作员"
        " 进厂 进厂上班",
        "6-00-00-00",
        0.7,
    ),
    **_vague("工人 工厂 学徒 车间", "6-00-00-00", 0.55),
    # building sites
    **_vague("小工 力工 壮工 建筑小工 工地小工 工地杂工 建筑工人 工地 工地上 工地活 建筑工地", "6-29-00-00", 0.65),
    **_vague("杂工 勤杂工 打杂", "6-31-00-00", 0.65),
    # casual work: anything
    **_vague("临时工 零工 打零工 短工 日结工 散工", "8-00-00-00", 0.3),
    # a driver of what?
    **_vague("司机 驾驶员 开车 会开车 驾驶 开车司机 driver", "4-02-02-00", 0.6),
    **_vague("挡车工", "6-04-00-00", 0.55),
    **_vague("护士 护士长", "2-05-08-00", 0.75),
    **_vague("医生 大夫 医师", "2-05-01-00", 0.55),
    **_vague("老师 教师 任课老师", "2-08-00-00", 0.6),
    **_vague("工程师 engineer", "2-02-00-00", 0.45),
    **_vague("技术员", "2-00-00-00", 0.35),
    **_vague("维修工 维修 维修人员 检修工 设备维修", "6-31-01-00", 0.5),
    **_vague("经理 总经理", "1-06-01-02", 0.55),
    **_vague("文职 办公室 坐办公室", "3-01-00-00", 0.55),
}

_BACKEND_LANGUAGES = _words(
    "java python php golang go c c++ c# net node.js nodejs ruby rust scala perl delphi 后端 后台 服务端 全栈 软件"
)
_FRONTEND_LANGUAGES = _words("前端 web前端 web h5 html5 vue react angular 小程序 安卓 android ios flutter 移动端 app")
_DEVELOPER = [
    *_words("开发 工程师 开发工程师 程序员 编程 研发 开发人员"),
    " developer",
    " engineer",
    " programmer",
    " dev",
]

#: English and mixed forms the table lacks (its aliases already have Java, Python, PHP, DBA …):
#: a language or platform with or without 开发/工程师/developer: back end 2-02-10-03, front end
#: and mobile 4-04-05-01 (as the table's own aliases Java开发 and 前端开发 have it).
ENGLISH_FORMS: dict[str, str] = {
    **{lang + suffix: "2-02-10-03" for lang in _BACKEND_LANGUAGES for suffix in _DEVELOPER},
    **{lang + suffix: "4-04-05-01" for lang in _FRONTEND_LANGUAGES for suffix in _DEVELOPER},
    **dict.fromkeys(
        _words(
            "码农|go语言|developer|programmer|software engineer|software developer|backend|full stack|fullstack|"
            "软件开发|开发工程师|程序员|java|python|php|golang|c++|c#|node.js|nodejs|ruby|rust|scala|perl|delphi"
        ),
        "2-02-10-03",
    ),
    **dict.fromkeys(
        _words("frontend|front end|小程序开发|web前端|h5|html5|vue|react|angular|android|flutter|安卓|小程序"),
        "4-04-05-01",
    ),
    **dict.fromkeys(_words("ui|ux|ui设计|ue设计|交互设计|ui designer"), "2-09-06-07"),
    **dict.fromkeys(_words("hr hrbp hr专员 人事 人力资源"), "4-07-03-04"),
    **dict.fromkeys(_words("cad cad制图 autocad cad绘图 画图员"), "3-01-02-07"),
    **dict.fromkeys(_words("qa|测试|tester|test engineer|测试工程师|软件测试工程师"), "4-04-05-02"),
    **dict.fromkeys(_words("运维 devops it运维 sre it"), "2-02-10-08"),
    **dict.fromkeys(_words("数据分析 bi"), "4-07-02-05"),
    # The table has 美工 under 装饰美工 but 美工/电商设计师 under 电子商务师.
    **dict.fromkeys(_words("淘宝美工 电商美工 网店美工 天猫美工 拼多多美工"), "4-01-06-01"),
    **dict.fromkeys(_words("dba 数据库管理员 数据库"), "4-04-05-04"),
}

# A leftover modifier that narrows a group: 小学 + 教学人员 -> 小学教师.
_REFINE_SYNONYMS = {
    "初中": "初级中学",
    "高中": "高级中学",
    "中专": "中等职业学校",
    "职高": "中等职业学校",
    "大学": "高等学校",
    "高校": "高等学校",
}

# A vague title gives way to TF-IDF inside its group from this score (similarity about 0.45);
# the words left beside the vague one (电解铝 in 电解铝操作工) from a lower one.
_SIMILAR_OVER_GENERIC = 0.37
_SIMILAR_REST = 0.2
# Words that name a workplace rather than a trade: 铝厂, 车间, 煤矿井下, 工地.
_WORKPLACE = re.compile(r"厂|矿|场|车间|公司|井下|工地|基地|园区")

# Two-character pieces too common in names to narrow a group by.
_GENERIC_PIECES = ("人员", "工人", "技术", "工程", "管理", "服务", "生产", "操作", "专业", "其他", "制造", "加工")

# Base scores by the kind of evidence (containment scales them by coverage).
_KIND_RANK = {"learned": 0, "generic": 1, "name": 2, "alias": 3, "english": 4, "skill": 5, "derived": 6}
_KIND_SCORE = {
    "learned": 0.98,
    "name": 0.95,
    "alias": 0.92,
    "english": 0.88,
    "skill": 0.86,
    "derived": 0.84,
}


@dataclass(frozen=True)
class OccupationMatch:
    """The answer for one title: ``code`` None when nothing sensible was found.

    ``level`` is the CSCO level of the code (1 major group … 4 occupation; 0 without a code),
    ``method`` the stage that decided (learned, exact, generic, contains, aside, narrowed (a vague
    title read inside its group), partial, tfidf, model (the table's usage: ``ml.centroids``),
    parent-of-… for a fallback to the shared parent, none).
    """

    code: str | None
    score: float
    level: int
    method: str
    name: str = ""
    raw_score: float | None = field(default=None, compare=False)  # the score before calibration

    @property
    def uncertain(self) -> bool:
        return self.code is None or self.score < UNCERTAIN_BELOW


@dataclass(frozen=True)
class _Form:
    """What a known written form means: one code (or a skill's ordered codes) and the evidence kind."""

    kind: str
    codes: tuple[str, ...]
    score: float = 0.0  # generic titles carry their own


@dataclass
class _Span:
    start: int
    end: int
    key: str
    form: _Form
    code: str = ""

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class _Cleaned:
    segments: list[str]  # cleaned, in order, empty ones dropped
    desire: list[bool]  # segment had a worker's "想…" phrasing
    aside: str  # cleaned bracket contents

    @property
    def key(self) -> str:
        flags = "".join("1" if d else "0" for d in self.desire)
        return "|".join(self.segments) + "#" + self.aside + "#" + flags


@dataclass
class _Index:
    """Everything built from the table and the skills, shared by coders made with ``with_learned``."""

    entries: dict[str, OccupationEntry]
    forms: dict[str, list[_Form]]
    max_form: int
    places: frozenset[str]
    max_place: int
    children: dict[str, list[str]]
    tfidf: Any = None
    model: Any = None
    skills: tuple[TaxonomyEntry, ...] = ()
    tokenizer: Any = None
    bigrams: dict[str, list[str]] = field(default_factory=dict)
    entry_bigrams: dict[str, frozenset[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _find(
    text: str, vocabulary: Mapping[str, Any] | AbstractSet[str], longest: int, shortest: int = 2
) -> list[tuple[int, int]]:
    """Every (start, end) where a vocabulary key occurs; Latin keys only on word boundaries."""
    found = []
    n = len(text)
    for i in range(n):
        if text[i] == " ":
            continue
        for j in range(min(n, i + longest), i + shortest - 1, -1):
            piece = text[i:j]
            if piece in vocabulary:
                if _is_latin(piece[0]) and i > 0 and _is_latin(text[i - 1]):
                    continue
                if _is_latin(piece[-1]) and j < n and _is_latin(text[j]):
                    continue
                found.append((i, j))
    return found


def _alias_variants(alias: str) -> tuple[list[str], list[str]]:
    """(direct, derived) forms of one alias: the alias itself is direct; without its bracketed
    aside, and the parts of ``A/B/C`` sharing a head (行政经理/主管 -> 行政主管), derived."""
    direct = [alias]
    derived: list[str] = []
    bare = re.sub(r"[(（][^()（）]*[)）]", "", alias).strip()
    if bare and bare != alias:
        derived.append(bare)
    if "/" in bare:
        parts = [p.strip() for p in bare.split("/") if p.strip()]
        first_head = next((h for h in _HEADS if parts[0].endswith(h) and len(parts[0]) > len(h)), None)
        stem = parts[0][: -len(first_head)] if first_head else ""
        last_head = next((h for h in _HEADS if parts[-1].endswith(h) and len(h) > 1), None)
        for part in parts:
            if part in _HEADS:
                if stem:
                    derived.append(stem + part)
                continue
            has_head = any(part.endswith(h) for h in _HEADS)
            if not has_head and last_head and not part.isascii():
                derived.append(part + last_head)
            elif len(part) >= 3 or (part.isascii() and len(part) >= 2) or has_head:
                derived.append(part)
    return direct, derived


#: A name, alias, English or skill form found in the title (exact or inside it) decides from this
#: raw score; below it the model overrules it from ``MODEL_OVERRULES_FROM``. Where the rules only
#: found a vague word with more beside it (法务经理), a partial word or n-gram similarity, the model
#: answers. Both set on the tuning half of the outside titles (docs/evaluation.md).
RULES_SURE_FROM = 0.8
MODEL_OVERRULES_FROM = 0.5


def _model_docs(
    entries: Iterable[OccupationEntry], skills: Sequence[TaxonomyEntry]
) -> tuple[list[str], list[str], list[float]]:
    """The documents of the occupation model: each occupation's name, aliases and their parts
    (``_alias_variants``), the start of its definition (weighted 0.5), and the forms of the skills
    that list it first."""
    docs: list[str] = []
    classes: list[str] = []
    weights: list[float] = []
    occupations = [e for e in entries if e.level == 4]
    known = {e.code for e in occupations}
    for entry in occupations:
        forms = [entry.name]
        for alias in entry.aliases:
            direct, derived = _alias_variants(alias)
            forms.extend([*direct, *derived])
        for form in dict.fromkeys(forms):
            docs.append(_key(form, simplified=True))
            classes.append(entry.code)
            weights.append(1.0)
        if entry.definition:
            docs.append(_key(entry.definition[:60], simplified=True))
            classes.append(entry.code)
            weights.append(0.5)
    for skill in skills:
        first = next((c for c in skill.occupations if c in known), None)
        if first is not None:
            for form in skill.forms():
                docs.append(_key(form))
                classes.append(first)
                weights.append(1.0)
    return docs, classes, weights


class OccupationCoder:
    """Codes titles to CSCO 2022. Build once (about 1-2 s, most of it importing scikit-learn for
    the TF-IDF), then well under a millisecond a typical title; safe to share between threads.

    ``skills`` bridge colloquial forms to occupations (叉车 -> forklift -> 6-30-05-01);
    ``place_names`` are stripped from titles (with :data:`LOCAL_PLACES`); ``learned`` maps titles
    to codes an organizer chose and wins over everything else. jieba's dictionary is loaded on the
    first title that needs it (about a second, once a process); :meth:`warm_up` loads it ahead.
    """

    def __init__(
        self,
        occupations: Sequence[OccupationEntry],
        *,
        skills: Sequence[TaxonomyEntry] = (),
        place_names: Iterable[str] = (),
        learned: Mapping[str, str] | None = None,
    ) -> None:
        self._index = self._build(occupations, skills, place_names)
        self._learned_exact: dict[str, str] = {}
        self._learned_forms: dict[str, list[_Form]] = {}
        self._cache: OrderedDict[str, OccupationMatch] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._tfidf()  # built now: the first title that needs it should not wait
        if learned:
            self._learn(learned)
        gc.collect()  # age what was just built (see warm_up)

    # -- public ----------------------------------------------------------------------------------

    def with_learned(self, learned: Mapping[str, str]) -> OccupationCoder:
        """A coder that also knows these corrections (title -> code); this one is unchanged.

        The heavy indexes are shared, so this is cheap. A code not in the table is a ValueError.
        """
        other = object.__new__(OccupationCoder)
        other._index = self._index
        other._learned_exact = dict(self._learned_exact)
        other._learned_forms = {k: list(v) for k, v in self._learned_forms.items()}
        other._cache = OrderedDict()
        other._cache_lock = threading.Lock()
        other._learn(learned)
        return other

    def warm_up(self) -> None:
        """Load what is otherwise loaded on first need: jieba's dictionary (about a second, once a
        process) and its word model, so that every title afterwards takes milliseconds."""
        self._tokenizer().lcut("驻唱歌手试用期")
        # One title through each stage, so that nothing is loaded or compiled on a real one.
        for title in ("急招电焊工（包吃住）", "想找个开车的活", "铝厂普工", "居家养老上门服务", "脱硫运行工", "钢筋"):
            self._decide(self._clean(title))
        # The dictionaries just built are long-lived: let the collector age them now rather than
        # pause a later title for a full collection.
        gc.collect()

    def code(self, title: str) -> OccupationMatch:
        """The CSCO code for a job title or a desired-work phrase."""
        if not isinstance(title, str):
            title = "" if title is None else str(title)
        raw = title[: MAX_TITLE_CHARS * 5]
        if self._learned_exact and len(raw) <= MAX_TITLE_CHARS:
            learned = self._learned_exact.get(normalize(_to_simplified(raw)))
            if learned:
                return self._answer(learned, 1.0, "learned")
        cleaned = self._clean(raw)
        key = cleaned.key
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        result = self._decide(cleaned)
        with self._cache_lock:
            self._cache[key] = result
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result

    def cleaned(self, title: str) -> str:
        """The title as the coder reads it (for explanations and tests)."""
        cleaned = self._clean(title[: MAX_TITLE_CHARS * 5])
        return " ".join(cleaned.segments) or cleaned.aside

    # -- building ----------------------------------------------------------------------------------

    @staticmethod
    def _build(
        occupations: Sequence[OccupationEntry], skills: Sequence[TaxonomyEntry], place_names: Iterable[str]
    ) -> _Index:
        entries: dict[str, OccupationEntry] = {}
        for entry in occupations:
            entries.setdefault(entry.code, entry)
        children: dict[str, list[str]] = {}
        for entry in entries.values():
            if entry.parent:
                children.setdefault(entry.parent, []).append(entry.code)
        forms: dict[str, list[_Form]] = {}

        def add(text: str, form: _Form) -> None:
            key = _key(text, simplified=True)
            if len(key) < 2 or key.isdigit():
                return
            bucket = forms.setdefault(key, [])
            if form not in bucket:
                bucket.append(form)

        for entry in entries.values():
            add(entry.name, _Form("name", (entry.code,)))
            bare = re.sub(r"[(（][^()（）]*[)）]", "", entry.name)
            if bare != entry.name:
                add(bare, _Form("name", (entry.code,)))
            for alias in entry.aliases:
                direct, derived = _alias_variants(alias)
                for text in direct:
                    add(text, _Form("alias", (entry.code,)))
                for text in derived:
                    add(text, _Form("derived", (entry.code,)))
        for text, (code, score) in GENERIC_TITLES.items():
            if code in entries:
                add(text, _Form("generic", (code,), score))
        for text, code in ENGLISH_FORMS.items():
            if code in entries:
                add(text, _Form("english", (code,)))
        # Skills bridge to the occupations they list (the first is the usual one). Where a written
        # form is also a CSCO name or alias, the table's own code ranks first (see _KIND_RANK).
        for skill in skills:
            codes = tuple(c for c in dict.fromkeys(skill.occupations) if c in entries)
            if codes:
                for text in skill.forms():
                    add(text, _Form("skill", codes))
        for bucket in forms.values():
            bucket.sort(key=lambda f: _KIND_RANK[f.kind])
        places = {p for p in (_key(n, simplified=True) for n in [*place_names, *LOCAL_PLACES]) if len(p) >= 2}
        return _Index(
            entries=entries,
            forms=forms,
            max_form=min(32, max((len(k) for k in forms), default=2)),
            places=frozenset(places),
            max_place=min(16, max((len(p) for p in places), default=2)),
            children=children,
            skills=tuple(skills),
        )

    def _learn(self, learned: Mapping[str, str]) -> None:
        entries = self._index.entries
        for title, code in learned.items():
            code = (code or "").strip()
            if code not in entries:
                raise ValueError(f"unknown CSCO code {code!r} for {title!r}")
            exact = normalize(_to_simplified(title or ""))
            if exact:
                self._learned_exact[exact] = code
            cleaned = self._clean(title or "")
            for key in {*cleaned.segments[:1], _key(title or "")}:
                if len(key) >= 2:
                    self._learned_forms[key] = [_Form("learned", (code,))]
        with self._cache_lock:
            self._cache.clear()

    def _forms(self, key: str) -> list[_Form]:
        learned = self._learned_forms.get(key)
        if learned:
            return learned
        return self._index.forms.get(key, [])

    def _has_form(self, key: str) -> bool:
        return key in self._learned_forms or key in self._index.forms

    # -- cleaning ----------------------------------------------------------------------------------

    def _clean(self, title: str) -> _Cleaned:
        text = _CONTROL.sub(" ", _fold(title))
        asides: list[str] = []
        for _ in range(3):  # nested brackets, innermost first
            found = _BRACKETS.findall(text)
            if not found:
                break
            asides.extend(f[1:-1] for f in found)
            text = _BRACKETS.sub(" ， ", text)
        text = _STRAY_BRACKETS.sub(" ， ", text)
        # Keep spaces between Latin words (Java Developer) inside one segment.
        text = _LATIN_SPACE.sub("\x1f", text)
        raw_segments = [s.replace("\x1f", " ") for s in _SEPARATORS.split(text) if s.strip()][:MAX_SEGMENTS]
        segments: list[str] = []
        desire: list[bool] = []
        for full in (True, False):
            segments, desire = [], []
            for raw in raw_segments:
                canon = _canon(raw)[:MAX_TITLE_CHARS]
                if not canon:
                    continue
                # 叉车司机兼仓管: the first trade named is the job.
                canon = canon.replace("兼职", " ").split("兼")[0].strip() or canon
                # 鸿睿思博信息有限公司cfo, 某某物业公司保安: the employer's name comes first.
                canon = _EMPLOYER.sub("", canon, count=1).strip() or canon
                cleaned = self._strip(canon, full=full)
                if cleaned:
                    segments.append(cleaned)
                    desire.append(bool(_DESIRE.search(raw)))
            if segments:
                break
        aside = ""
        for piece in asides[:MAX_SEGMENTS]:
            for full in (True, False):
                aside = self._strip(_canon(piece)[:MAX_TITLE_CHARS], full=full)
                if aside:
                    break
            if aside:
                break
        return _Cleaned(segments, desire, aside)

    def _strip(self, text: str, *, full: bool) -> str:
        """Remove filler, places (and with ``full`` seniority and honorifics) unless part of a
        longer known form: 招聘专员, 保洁阿姨, 阿尔巴斯白绒山羊 stay whole."""
        for _ in range(6):
            if not text:
                break
            known = _find(text, _Lookup(self), self._index.max_form)
            spans: list[tuple[int, int]] = []
            spans.extend(m.span() for m in _FILLER.finditer(text) if m.end() > m.start())
            starts = {s for s, _e in known}
            # 会电焊, 招保洁员: a leading 会/招 goes only before a known word (会展策划 stays).
            spans.extend((m.end() - 1, m.end()) for m in _LEADING.finditer(text) if m.end() in starts)
            for start, end in _find(text, self._index.places, self._index.max_place):
                # Two-character places (东胜, 乌海) only at the start of a segment.
                if end - start > 2 or start == 0 or text[start - 1] == " ":
                    spans.append((start, end))
            if full:
                spans.extend(m.span() for m in _SENIOR.finditer(text))
            # A strip span inside a longer known word stays (招聘专员), and so does one that would cut
            # a known word in two (想进|厂: 进厂 is known).
            removed = [
                (s, e)
                for s, e in spans
                if not any(
                    ks < e and s < ke and not (s <= ks and ke <= e) and ((ke - ks) > (e - s) or ks < s or ke > e)
                    for ks, ke in known
                )
            ]
            if not removed:
                break
            chars = list(text)
            for s, e in removed:
                for i in range(s, e):
                    chars[i] = " "
            new = _SPACES.sub(" ", "".join(chars)).strip()
            if new == text:
                break
            text = new
        text = _KEEP_SPACE.sub("", text).strip()
        # A lone character left over (急, 招) says nothing about the job; nor do symbols (底薪+提成).
        if (len(text) == 1 and not text.isascii() and not self._has_form(text)) or not text.strip("+#. "):
            return ""
        return text

    # -- deciding ----------------------------------------------------------------------------------

    def _decide(self, cleaned: _Cleaned) -> OccupationMatch:
        """The answer with its score calibrated (``ml.calibration``): the share of such answers
        that are right. Organizers' corrections keep 1.0."""
        found = self._decide_raw(cleaned)
        if found.code is None or found.method == "learned":
            return found
        return replace(found, score=calibrated("title", found.score, found.method), raw_score=found.score)

    def _decide_raw(self, cleaned: _Cleaned) -> OccupationMatch:
        """The rules' answer, unless the table's own usage (the model) reads the title better."""
        rule, text = self._decide_rules(cleaned)
        if rule.method == "learned":
            return rule
        if rule.method == "generic" and any(f.kind == "generic" for f in self._forms(text.replace(" ", ""))):
            return rule  # the title is a vague word and nothing more (普工, 司机): its group
        found = rule.method in ("exact", "contains", "aside", "narrowed")
        if found and rule.score >= RULES_SURE_FROM:
            return rule
        model = self._model_code(text or "".join(cleaned.segments) or cleaned.aside)
        if model is None or model.code is None:
            return rule
        if found and model.score < MODEL_OVERRULES_FROM:
            return rule
        return model

    def _decide_rules(self, cleaned: _Cleaned) -> tuple[OccupationMatch, str]:
        """The pipeline's stages; also the text of the piece that named the job."""
        if not cleaned.segments and not cleaned.aside:
            return OccupationMatch(None, 0.0, 0, "none"), ""
        # Which segment names the job: a worker's "想…" segment, else the first with a specific
        # match, else the first with any match.
        candidates: list[tuple[int, OccupationMatch, bool]] = []
        for i, segment in enumerate(cleaned.segments):
            found = self._known(segment)
            if found is not None:
                candidates.append((i, found[0], found[1]))
        chosen: OccupationMatch | None = None
        pick_text = ""
        if candidates:
            wished = [c for c in candidates if cleaned.desire[c[0]]]
            specific = [c for c in candidates if not c[2]]
            pick = (wished or specific or candidates)[-1 if wished else 0]
            chosen = pick[1]
            pick_text = cleaned.segments[pick[0]]
            if pick[2] and cleaned.aside:
                # 司机（A2）: the aside is more specific than a vague title.
                aside = self._known(cleaned.aside)
                if aside is not None and not aside[1]:
                    chosen = self._answer(aside[0].code, aside[0].score * 0.8, "aside")
        if chosen is None and cleaned.aside and not cleaned.segments:
            aside = self._known(cleaned.aside)
            if aside is not None:
                chosen = self._answer(aside[0].code, aside[0].score * 0.85, "aside")
        if chosen is not None and chosen.method == "generic" and pick_text:
            # 锅炉检修工, 电解铝操作工: a vague head word, but the whole title is close to one
            # occupation inside the vague group.
            similar = self._similar(pick_text, loose=True)
            if (
                similar is not None
                and similar.code is not None
                and similar.score >= _SIMILAR_OVER_GENERIC
                and chosen.code in [similar.code, *self._ancestors(similar.code)]
            ):
                return self._answer(similar.code, max(similar.score, chosen.score * 0.9), "narrowed"), pick_text
            narrowed = self._narrow(chosen, pick_text)
            if narrowed is not None:
                return narrowed, pick_text
        if chosen is not None:
            return chosen, pick_text
        text = "".join(cleaned.segments) or cleaned.aside
        return self._partial(text) or self._similar(text) or OccupationMatch(None, 0.0, 0, "none"), ""

    def _narrow(self, vague: OccupationMatch, text: str) -> OccupationMatch | None:
        """A vague title with more words: 电解铝操作工 -> 铝电解工; at a workplace, the minor
        group of its trade (铝厂工人 -> 轻有色金属冶炼人员, 煤矿井下普工 -> 矿物采选人员)."""
        if vague.code is None:
            return None
        chars = list(text)
        for start, end in _find(text, _Lookup(self), self._index.max_form):
            if any(f.kind == "generic" for f in self._forms(text[start:end])):
                for i in range(start, end):
                    chars[i] = " "
        rest = "".join(chars).replace(" ", "")
        if len(rest) < 2 or rest.isascii():
            return None
        similar = self._similar(rest, loose=True)
        if similar is None or similar.code is None or similar.score < _SIMILAR_REST:
            return None
        if vague.code not in [similar.code, *self._ancestors(similar.code)]:
            return None
        code = similar.code
        if _WORKPLACE.search(rest):
            code = next((c for c in [code, *self._ancestors(code)] if self._level(c) <= 3), code)
        return self._answer(code, min(0.55, similar.score + 0.15), "narrowed")

    def _known(self, text: str) -> tuple[OccupationMatch, bool] | None:
        """Exact or contained known forms: (match, is it only a vague title)."""
        forms = self._forms(text)
        if forms:
            return self._exact(text, forms)
        expanded = self._expand(text)
        if expanded is not None:
            return expanded
        return self._contains(text)

    def _exact(self, text: str, forms: list[_Form]) -> tuple[OccupationMatch, bool]:
        best = forms[0]
        if best.kind == "generic":
            return self._answer(best.codes[0], best.score, "generic"), True
        same = [f for f in forms if f.kind == best.kind]
        codes = list(dict.fromkeys(c for f in same for c in f.codes[:1]))
        score = best.score if best.kind == "learned" else _KIND_SCORE[best.kind]
        if best.kind == "skill":
            code, score = self._skill_code(best, text, score)
        elif len(codes) > 1:
            code, score = self._resolve(codes, score)
        else:
            code = codes[0]
        return self._answer(code, score, "learned" if best.kind == "learned" else "exact"), False

    def _expand(self, text: str) -> tuple[OccupationMatch, bool] | None:
        """Near-exact forms: 机械工程师 -> 机械工程技术人员, 钢筋 -> 钢筋工, 砌筑工人 -> 砌筑工."""
        variants = []
        for end, replacement in (("工程师", "工程技术人员"), ("技术员", "技术人员"), ("工人", "工"), ("人员", "员")):
            if text.endswith(end) and len(text) > len(end):
                variants.append(text[: -len(end)] + replacement)
        if len(text) >= 2 and not text.isascii():
            variants.extend(text + s for s in ("工", "员", "师"))
            if text[-1] in "工员师" and len(text) >= 3:
                variants.append(text[:-1])
        for variant in variants:
            forms = [f for f in self._forms(variant) if f.kind != "generic"]
            if forms:
                match, _vague = self._exact(variant, forms)
                return self._answer(match.code, match.score * 0.92, "exact"), False
        return None

    def _contains(self, text: str) -> tuple[OccupationMatch, bool] | None:
        found = _find(text, _Lookup(self), self._index.max_form)
        if not found:
            return None
        spans = [_Span(s, e, text[s:e], self._forms(text[s:e])[0]) for s, e in found]
        # Drop spans inside longer ones; vague titles only count when nothing specific is there.
        spans = [
            a
            for a in spans
            if not any(b is not a and b.start <= a.start and a.end <= b.end and b.length > a.length for b in spans)
        ]
        specific = [s for s in spans if s.form.kind != "generic"]
        vague_heads = [s for s in spans if s.form.kind == "generic"]
        if not specific:
            best = max(spans, key=lambda s: (s.length, s.end))
            coverage = best.length / len(text.replace(" ", ""))
            score = best.form.score * (0.75 + 0.25 * coverage)
            refined = self._refine(best.form.codes[0], text, [best])
            if refined:  # 大学老师 -> 高等学校教师
                return self._answer(refined, max(score, 0.7), "contains"), False
            return self._answer(best.form.codes[0], score, "generic"), True
        # Two known words overlapping: the one that starts first reads on (驾校教练|员, 铲车|工).
        spans = [
            a for a in specific if not any(b.start < a.start < b.end < a.end and b.length >= a.length for b in specific)
        ]
        for span in spans:
            span.code = self._skill_code(span.form, text, 1.0)[0] if span.form.kind == "skill" else span.form.codes[0]
        # The head of a Chinese compound is its last word (钢结构|焊工, 汽修厂|前台); a longer word
        # before it wins only by more than a character (化工检修|钳工).
        last = max(s.end for s in spans)
        head = max(spans, key=lambda s: (s.length + (1.0 if s.end == last else 0.0), s.end))
        code = head.code
        coverage = sum(s.length for s in spans if s.code == code) / max(1, len(text.replace(" ", "")))
        coverage = min(1.0, coverage)
        base = head.form.score if head.form.kind == "learned" else _KIND_SCORE[head.form.kind]
        score = base * (0.72 + 0.28 * coverage)
        others = [s for s in spans if s.code != code and not self._related(s.code, code)]
        if others:
            score -= 0.05
        if head.form.kind == "skill" and len(head.form.codes) > 1:
            score *= 0.95
        refined = self._refine(code, text, [s for s in spans if s.code == code])
        if refined:
            code = refined
        # A vague word after the specific ones is the real head: 挖掘机|维修工 is a mechanic, not an
        # excavator driver; 矿山测量|工程师 an engineer. Where the known words do not fall inside
        # the vague head's group, the whole title's nearest occupation inside that group answers.
        after = [v for v in vague_heads if v.end > head.end and v.start >= head.start]
        if after:
            group = after[-1].form.codes[0]
            if self._level(group) >= 2 and group not in [code, *self._ancestors(code)]:
                similar = self._similar(text, loose=True)
                if (
                    similar is not None
                    and similar.code is not None
                    and similar.score >= _SIMILAR_REST + 0.1
                    and group in [similar.code, *self._ancestors(similar.code)]
                ):
                    return self._answer(similar.code, min(0.65, similar.score + 0.15), "tfidf"), False
                score *= 0.85
        return self._answer(code, score, "contains"), False

    def _skill_code(self, form: _Form, text: str, score: float) -> tuple[str, float]:
        """A skill used in several occupations: the one whose name shares most with the title."""
        if len(form.codes) == 1:
            return form.codes[0], score
        chars = set(text) - set("工员师人")
        entries = self._index.entries

        def overlap(code: str) -> int:
            entry = entries[code]
            return len(chars & (set(entry.name) | set("".join(entry.aliases))))

        # The usual (first) occupation unless another shares clearly more: 铝电解 -> 铝电解工.
        ranked = sorted(form.codes, key=lambda c: -overlap(c))
        if overlap(ranked[0]) >= overlap(form.codes[0]) + 2:
            return ranked[0], score * 0.92
        return form.codes[0], score * 0.92

    def _resolve(self, codes: list[str], score: float) -> tuple[str, float]:
        """One written form, several codes: an ancestor among them, a shared parent, the deepest."""
        for code in codes:
            if all(code == other or code in self._ancestors(other) for other in codes):
                return code, score * 0.9
        shared = self._common(codes)
        if shared and self._level(shared) >= 2:
            return shared, score * 0.75
        deepest = max(codes, key=self._level)
        return deepest, score * 0.85

    def _refine(self, code: str, text: str, used: list[_Span]) -> str | None:
        """A group narrowed by a leftover word: 小学 + 教学人员 -> 小学教师."""
        if self._level(code) >= 4 or not used:
            return None
        left = text[: min(s.start for s in used)] + " " + text[max(s.end for s in used) :]
        words = [w for w in left.split() if len(w) >= 2]
        if not words:
            return None
        hits = []
        stack = list(self._index.children.get(code, []))
        while stack:
            child = stack.pop()
            stack.extend(self._index.children.get(child, []))
            entry = self._index.entries[child]
            for word in words:
                for probe in {word, _REFINE_SYNONYMS.get(word, word)}:
                    if probe in entry.name:
                        hits.append(child)
        if not hits:
            # 口腔诊所 + 护士: a two-character piece of the leftover (口腔 -> 口腔科护士).
            pieces = {w[i : i + 2] for w in words for i in range(len(w) - 1)} - set(_GENERIC_PIECES)
            stack = list(self._index.children.get(code, []))
            while stack:
                child = stack.pop()
                stack.extend(self._index.children.get(child, []))
                if any(piece in self._index.entries[child].name for piece in pieces):
                    hits.append(child)
        unique = set(hits)
        deepest = [h for h in unique if not any(h in self._ancestors(o) for o in unique)]
        if len(deepest) == 1:
            return deepest[0]
        # 高等学校 is in 高等学校教师 and both its occupations: the group.
        shared = [h for h in unique if all(h == o or h in self._ancestors(o) for o in unique)]
        return shared[0] if shared else None

    def _partial(self, text: str) -> OccupationMatch | None:
        """Words of the title inside known forms: 钢筋 -> 钢筋工, 锅炉 -> 锅炉工."""
        plain = text.replace(" ", "")
        if not _HAN.search(plain):  # the table is Chinese: Latin, Cyrillic or Mongolian cannot match
            return None
        words = [plain] if len(plain) <= 6 else []
        words += [w for w in self._tokenizer().lcut(plain) if len(w) >= 2 and not w.isascii() and w != plain]
        index = self._bigram_index()
        scored: list[tuple[float, str]] = []
        for word in dict.fromkeys(words):
            for key in index.get(word[:2], []):
                if word in key and len(key) > len(word):
                    forms = self._index.forms[key]
                    form = forms[0]
                    if form.kind == "generic":
                        continue
                    code = form.codes[0]
                    value = (len(word) / len(key)) * (len(word) / len(plain))
                    scored.append((value, code))
        if not scored:
            return None
        scored.sort(key=lambda x: -x[0])
        top_value, top_code = scored[0]
        if top_value < 0.2:
            return None
        rivals = [c for v, c in scored[1:6] if v >= top_value * 0.95 and c != top_code]
        score = min(0.6, 0.3 + 0.35 * top_value)
        if rivals:
            shared = self._common([top_code, *rivals])
            if shared and self._level(shared) >= 2:
                return self._answer(shared, score * 0.85, f"parent-of-{len(rivals) + 1}")
        return self._answer(top_code, score, "partial")

    def _similar(self, text: str, *, loose: bool = False) -> OccupationMatch | None:
        """Character n-gram TF-IDF over names and aliases (definitions and tasks down-weighted).

        ``loose``: inside a known group the best match need not share two characters with the text
        (铝厂 -> 铝电解工 shares only 铝); on its own it must (轻松点 is not 松香工)."""
        plain = text.replace(" ", "") if not text.isascii() else text
        if not plain or not (plain.isascii() or _HAN.search(plain)):
            return None
        built = self._tfidf()
        if not built:
            return None
        vectorizer, matrix, def_vectorizer, def_matrix, codes = built
        sims = (matrix @ vectorizer.transform([plain]).T).toarray().ravel() * 0.8
        sims += (def_matrix @ def_vectorizer.transform([plain]).T).toarray().ravel() * 0.2
        order = sims.argsort()[::-1][:5]
        if not loose and not plain.isascii() and len(plain) >= 2:
            # At least one two-character piece in common (轻松点 shares only 松 with 松香工).
            pieces = {plain[i : i + 2] for i in range(len(plain) - 1)}
            order = [i for i in order if pieces & self._index_bigrams_of(codes[i])]
            if not order:
                return None
        best = float(sims[order[0]])
        # Latin letters share few n-grams with the (Chinese) table: ask for more.
        if best < (0.3 if plain.isascii() else 0.12):
            return None
        score = min(0.65, 0.1 + 0.6 * best)
        top = codes[order[0]]
        rivals = [codes[i] for i in order[1:4] if sims[i] >= best * 0.92 and codes[i] != top]
        if rivals:
            shared = self._common([top, *rivals])
            if shared and self._level(shared) >= 2:
                return self._answer(shared, score * 0.85, f"parent-of-{len(rivals) + 1}")
        return self._answer(top, score, "tfidf")

    # -- lazily built parts ------------------------------------------------------------------------

    def _tfidf(self) -> Any:
        index = self._index
        if index.tfidf is None:
            with index.lock:
                if index.tfidf is None:
                    from sklearn.feature_extraction.text import TfidfVectorizer

                    entries = [e for e in index.entries.values() if e.level >= 2]
                    if not entries:
                        index.tfidf = ()
                        return index.tfidf
                    docs = [_key(" ".join([e.name, e.name, *e.aliases]), simplified=True) for e in entries]
                    vectorizer = TfidfVectorizer(analyzer=_char_ngrams, sublinear_tf=True)
                    matrix = vectorizer.fit_transform(docs)
                    # Definitions and tasks: a weaker signal (weighted 0.2 below), bigrams only.
                    notes = [_key(e.definition + e.tasks[:80], simplified=True) for e in entries]
                    def_vectorizer = TfidfVectorizer(analyzer=_char_bigrams, sublinear_tf=True)
                    def_matrix = def_vectorizer.fit_transform(notes)
                    index.tfidf = (vectorizer, matrix, def_vectorizer, def_matrix, [e.code for e in entries])
        return index.tfidf

    def _model(self) -> CentroidModel:
        """The table's usage as a nearest-centroid model (``ml.centroids``), built on first need."""
        index = self._index
        if index.model is None:
            with index.lock:
                if index.model is None:
                    docs, classes, weights = _model_docs(index.entries.values(), index.skills)
                    index.model = CentroidModel(docs, classes, weights, words=self._tokenizer_words)
        return index.model

    def _tokenizer_words(self, text: str) -> list[str]:
        return [w for w in _shared_tokenizer().lcut(text) if len(w) >= 2]

    def _model_code(self, text: str) -> OccupationMatch | None:
        if not (_HAN.search(text) or re.search(r"[a-z]{2,}", text)):
            return None  # digits, a stray letter: nothing to read
        model = self._model()
        found = model.nearest(_key(text, simplified=True))
        if found is None:
            return None
        code, similarity, margin = found
        return self._answer(code, centroid_score(similarity, margin), "model")

    def _index_bigrams_of(self, code: str) -> frozenset[str]:
        """The two-character pieces of an entry's name, aliases and definition (memoised)."""
        cache = self._index.entry_bigrams
        found = cache.get(code)
        if found is None:
            entry = self._index.entries[code]
            text = _key(" ".join([entry.name, *entry.aliases, entry.definition]), simplified=True)
            found = cache[code] = frozenset(text[i : i + 2] for i in range(len(text) - 1))
        return found

    def _tokenizer(self) -> Any:
        """jieba with the known forms as user words (a private tokenizer, shared in the process)."""
        index = self._index
        if index.tokenizer is None:
            tokenizer = _shared_tokenizer()
            with index.lock:
                if index.tokenizer is None:
                    with _tokenizer_lock:
                        for key in index.forms:
                            if not key.isascii() and " " not in key and len(key) <= 12:
                                tokenizer.add_word(key, freq=2000)
                    index.tokenizer = tokenizer
        return index.tokenizer

    def _bigram_index(self) -> dict[str, list[str]]:
        index = self._index
        if not index.bigrams:
            with index.lock:
                if not index.bigrams:
                    bigrams: dict[str, list[str]] = {}
                    for key in index.forms:
                        if key.isascii():
                            continue
                        for i in range(len(key) - 1):
                            bucket = bigrams.setdefault(key[i : i + 2], [])
                            if not bucket or bucket[-1] != key:
                                bucket.append(key)
                    index.bigrams = bigrams
        return index.bigrams

    # -- the tree ----------------------------------------------------------------------------------

    def _ancestors(self, code: str) -> list[str]:
        chain = []
        entry = self._index.entries.get(code)
        while entry is not None and entry.parent:
            chain.append(entry.parent)
            entry = self._index.entries.get(entry.parent)
        return chain

    def _common(self, codes: Sequence[str]) -> str | None:
        """The deepest group all codes are in (a code counts as in itself)."""
        chains = [[c, *self._ancestors(c)] for c in codes]
        for candidate in chains[0]:
            if all(candidate in chain for chain in chains[1:]):
                return candidate
        return None

    def _related(self, a: str, b: str) -> bool:
        return a == b or a in self._ancestors(b) or b in self._ancestors(a) or self._parent(a) == self._parent(b)

    def _parent(self, code: str) -> str | None:
        entry = self._index.entries.get(code)
        return entry.parent if entry else None

    def _level(self, code: str) -> int:
        entry = self._index.entries.get(code)
        return entry.level if entry else 0

    def _answer(self, code: str | None, score: float, method: str) -> OccupationMatch:
        entry = self._index.entries.get(code) if code else None
        if entry is None:
            return OccupationMatch(None, 0.0, 0, "none")
        return OccupationMatch(entry.code, round(max(0.0, min(1.0, score)), 4), entry.level, method, entry.name)


class _Lookup(Mapping[str, Any]):
    """The coder's known forms (built-in and learned) as one mapping for :func:`_find`."""

    def __init__(self, coder: OccupationCoder) -> None:
        self._coder = coder

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._coder._has_form(key)

    def __getitem__(self, key: str) -> Any:
        return self._coder._forms(key)

    def __iter__(self) -> Any:
        return iter(self._coder._index.forms)

    def __len__(self) -> int:
        return len(self._coder._index.forms)
