"""A realistic demo county: the union tree of 鄂托克旗, its staff, and a few thousand households.

Deterministic (a fixed random seed) and idempotent: running it again changes nothing that is
already there. Later features add their own demo data through ``DEMO_STEPS``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import OrgUnit, Role, User
from core import crypto
from core.maintenance import analyze_database
from households.id_numbers import make_id_number
from households.models import (
    ExitRequest,
    HardshipCause,
    Household,
    JobPreference,
    Member,
    MemberSkill,
    Pairing,
    PlanGoal,
    PlanMeasure,
    ReliefPlan,
    TargetGroup,
    Track,
    Visit,
)
from skills.models import Occupation, PhraseKind, Skill
from skills.understanding import OCCUPATION_CERTAIN, occupation_coder, review_record, skills_understand_many

DEMO_PASSWORD = "demo-pass-2026"
COUNTY_CODE = "150624"  # 鄂托克旗 since 2001
OLD_COUNTY_CODE = "152725"  # the same banner's code on ID cards issued for births before 2001

# (code, name, kind, parent code)
UNITS = [
    ("ETK", "鄂托克旗总工会", OrgUnit.Kind.FEDERATION, None),
    ("ETK-C", "鄂托克旗困难职工帮扶中心", OrgUnit.Kind.ASSISTANCE_CENTRE, "ETK"),
    ("ETK-EN", "旗能源化工产业工会", OrgUnit.Kind.INDUSTRY_UNION, "ETK"),
    ("ETK-CO", "旗建筑业工会", OrgUnit.Kind.INDUSTRY_UNION, "ETK"),
    ("ETK-TR", "旗商贸服务业工会", OrgUnit.Kind.INDUSTRY_UNION, "ETK"),
    ("ETK-WL", "乌兰镇总工会", OrgUnit.Kind.GRASSROOTS_UNION, "ETK"),
    ("ETK-QP", "棋盘井镇总工会", OrgUnit.Kind.GRASSROOTS_UNION, "ETK"),
    ("ETK-MX", "蒙西镇总工会", OrgUnit.Kind.GRASSROOTS_UNION, "ETK"),
    ("ETK-MK", "木凯淖尔镇工会", OrgUnit.Kind.GRASSROOTS_UNION, "ETK"),
    ("ETK-SM", "苏米图苏木工会", OrgUnit.Kind.GRASSROOTS_UNION, "ETK"),
    ("ETK-AB", "阿尔巴斯苏木工会", OrgUnit.Kind.GRASSROOTS_UNION, "ETK"),
    ("ETK-WL-1", "乌兰镇职工帮扶站", OrgUnit.Kind.STATION, "ETK-WL"),
    ("ETK-WL-2", "乌兰镇团结社区帮扶站", OrgUnit.Kind.STATION, "ETK-WL"),
    ("ETK-QP-1", "棋盘井镇职工帮扶站", OrgUnit.Kind.STATION, "ETK-QP"),
    ("ETK-QP-2", "棋盘井工业园区帮扶站", OrgUnit.Kind.STATION, "ETK-QP"),
    ("ETK-MX-1", "蒙西镇职工帮扶站", OrgUnit.Kind.STATION, "ETK-MX"),
    ("ETK-MK-1", "木凯淖尔镇帮扶站", OrgUnit.Kind.STATION, "ETK-MK"),
    ("ETK-SM-1", "苏米图苏木帮扶站", OrgUnit.Kind.STATION, "ETK-SM"),
    ("ETK-AB-1", "阿尔巴斯苏木帮扶站", OrgUnit.Kind.STATION, "ETK-AB"),
    ("ETK-EN-1", "棋盘井煤化工企业帮扶站", OrgUnit.Kind.STATION, "ETK-EN"),
    ("ETK-CO-1", "建筑业农牧民工服务站", OrgUnit.Kind.STATION, "ETK-CO"),
]
# Where households live: stations weighted by population.
STATION_WEIGHTS = {
    "ETK-WL-1": 18,
    "ETK-WL-2": 12,
    "ETK-QP-1": 16,
    "ETK-QP-2": 10,
    "ETK-MX-1": 12,
    "ETK-MK-1": 6,
    "ETK-SM-1": 5,
    "ETK-AB-1": 5,
    "ETK-EN-1": 9,
    "ETK-CO-1": 7,
}
STREETS = {
    "ETK-WL": ["乌兰镇团结路", "乌兰镇乌仁都西街", "乌兰镇拉僧庙路", "乌兰镇新华街", "乌兰镇阿尔寨路"],
    "ETK-QP": ["棋盘井镇沙井街", "棋盘井镇鄂尔多斯西街", "棋盘井镇新区", "棋盘井镇千里山路"],
    "ETK-MX": ["蒙西镇蒙西大街", "蒙西镇工业园区生活区", "蒙西镇碱柜村"],
    "ETK-MK": ["木凯淖尔镇巴音温都尔嘎查", "木凯淖尔镇查干淖尔嘎查"],
    "ETK-SM": ["苏米图苏木苏米图嘎查", "苏米图苏木包日塔拉嘎查"],
    "ETK-AB": ["阿尔巴斯苏木阿尔巴斯嘎查", "阿尔巴斯苏木赛乌素嘎查"],
    "ETK-EN": ["棋盘井镇焦化厂家属区", "棋盘井镇电厂生活区"],
    "ETK-CO": ["乌兰镇建筑工人公寓", "棋盘井镇外来务工人员小区"],
}
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_M = [
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "杰",
    "涛",
    "明",
    "超",
    "刚",
    "平",
    "辉",
    "鹏",
    "华",
    "飞",
    "鑫",
    "波",
    "斌",
    "宇",
    "浩",
    "凯",
    "健",
    "俊",
    "帆",
    "帅",
    "旭",
    "宁",
    "龙",
    "林",
    "文",
    "建国",
    "建军",
    "志强",
    "海龙",
    "永胜",
    "子豪",
    "浩然",
    "宇轩",
    "俊杰",
    "晓东",
]
GIVEN_F = [
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "艳",
    "娟",
    "霞",
    "燕",
    "玲",
    "桂英",
    "秀英",
    "丹",
    "萍",
    "红",
    "玉兰",
    "婷",
    "雪",
    "慧",
    "梅",
    "琳",
    "洁",
    "欣怡",
    "子涵",
    "雨萱",
    "佳琪",
    "晓燕",
    "春梅",
    "美玲",
    "海燕",
]
MONGOLIAN_M = [
    "巴特尔",
    "额尔敦",
    "苏和",
    "那仁",
    "朝鲁",
    "宝音",
    "巴图",
    "孟和",
    "乌力吉",
    "特木尔",
    "毕力格",
    "阿拉坦",
    "哈斯",
    "额日和木",
    "图雅其",
    "达来",
    "布和",
    "斯琴",
]
MONGOLIAN_F = [
    "其其格",
    "乌日娜",
    "萨仁",
    "娜仁花",
    "高娃",
    "乌云",
    "图雅",
    "斯琴高娃",
    "托娅",
    "阿拉坦其其格",
    "琪琪格",
    "塔娜",
    "萨日娜",
    "乌兰",
]
MAJORS = [
    "煤矿开采技术",
    "化学工程与工艺",
    "电气自动化",
    "会计",
    "护理",
    "学前教育",
    "计算机应用",
    "物流管理",
    "汽车检测与维修",
    "电子商务",
    "旅游管理",
    "畜牧兽医",
    "蒙汉翻译",
    "建筑工程技术",
    "市场营销",
]
HEALTH = [
    "良好",
    "良好",
    "良好",
    "高血压",
    "糖尿病",
    "腰椎间盘突出",
    "慢性肾病，需定期透析",
    "乳腺癌术后康复",
    "肢体残疾三级",
    "尘肺病一期",
    "心脏病",
    "视力残疾",
]
GOALS = {
    Track.JOB: ["{name}实现稳定就业，月收入不低于3000元", "{name}参加招聘会并获得录用", "{name}转岗再就业"],
    Track.TRAINING: ["{name}完成一项职业技能培训并取得证书", "{name}掌握一门就业技能"],
    Track.VENTURE: ["{name}开办小吃店并稳定经营", "{name}养殖项目获得无息贷款支持"],
    Track.INSURANCE: ["补缴社会保险，恢复养老保险关系", "全家参加城乡居民医疗保险"],
    Track.MEDICAL: ["{name}纳入大病保险和职工医疗互助", "申请医疗救助，减轻自付费用"],
    Track.ASSISTANCE: ["申请纳入低保", "申请临时救助"],
    Track.STUDENT_AID: ["{name}获得金秋助学资助完成学业"],
    Track.WARMTH: ["春节送温暖慰问"],
    Track.CARE: ["{name}参加免费体检"],
}
MEASURES = {
    Track.JOB: "推荐岗位并陪同面试",
    Track.TRAINING: "报名政府补贴培训班",
    Track.VENTURE: "开展创业指导",
    Track.INSURANCE: "协调企业补缴社保",
    Track.MEDICAL: "协助办理医疗互助报销",
    Track.ASSISTANCE: "协助向民政部门申请",
    Track.STUDENT_AID: "提交金秋助学申请",
    Track.WARMTH: "节日走访慰问",
    Track.CARE: "联系定点医院体检",
}
VISIT_NOTES = [
    "家中情况稳定，户主积极找工作。",
    "配偶病情好转，医疗费用压力仍大。",
    "孩子学习情况良好，申请助学。",
    "户主已参加叉车培训，下月考证。",
    "收入较上次走访有提高。",
    "家中老人需长期照护，难以外出务工。",
    "了解到企业拖欠工资，已转法律援助。",
    "冬季取暖困难，列入送温暖名单。",
]


class _PersonSpec(TypedDict):
    """A household member to create, as drawn before the households are saved."""

    relation: str
    male: bool
    age: int
    surname: str | None
    mongolian: bool


# Desired work as workers say it (coded to CSCO 2022 by the coder; the unsure ones are queued).
DESIRED_WORK = [
    "开叉车",
    "想进厂当电焊工",
    "跑货运开大车",
    "当保安",
    "在超市上班",
    "做月嫂",
    "饭店后厨",
    "开挖掘机",
    "煤矿井下",
    "家政保洁",
    "送快递",
    "当会计",
    "幼儿园老师",
    "直播带货",
    "离家近的活",
    "办公室文员",
    "修车",
    "化工厂操作工",
    "养殖场喂羊",
    "酒店前台",
    "啥活都行",
    "看大门",
    "电厂运行",
    "当导游",
]
# Skills as workers write them on the profile page.
WRITTEN_SKILLS = [
    "会开铲车",
    "电焊二保焊都会",
    "持A2驾照",
    "做过三年月嫂",
    "会用电脑打字",
    "熟练掌握Excel",
    "会剪羊毛",
    "接羔",
    "放羊",
    "会做手把肉",
    "蒙汉双语",
    "拉面",
    "开过出租车",
    "红白喜事吹唢呐",
    "会修理老式缝纫机和锁边机",
    "给羊驱虫打针",
    "会做奶豆腐奶皮子",
    "手工擀毡",
    "编织地毯",
    "修补渔网",
]


def _code_desired_work(preferences: list[JobPreference]) -> None:
    """Code each distinct desired-work phrase once, and queue the uncertain ones for organizers."""
    from collections import Counter

    coder = occupation_coder()
    occupations = dict(Occupation.objects.values_list("code", "id"))
    counts = Counter(p.desired_work for p in preferences if p.desired_work)
    coded = {text: coder.code(text) for text in counts}
    for preference in preferences:
        match = coded.get(preference.desired_work)
        if match is not None and match.code in occupations:
            preference.desired_occupation_id = occupations[match.code]
            preference.desired_occupation_score = round(match.score, 3)
    by_code = {o.code: o for o in Occupation.objects.filter(code__in={m.code for m in coded.values() if m.code})}
    for text, match in coded.items():
        if match.score < OCCUPATION_CERTAIN:
            review_record(
                kind=PhraseKind.OCCUPATION,
                text=text,
                score=match.score,
                guess_occupation=by_code.get(match.code or ""),
                times=counts[text],
            )


@dataclass
class DemoResult:
    created: bool
    units: int = 0
    households: int = 0
    members: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # role, username, what they see


def _name(rng: random.Random, male: bool, mongolian: bool, surname: str | None = None) -> str:
    if mongolian and rng.random() < 0.8:
        return rng.choice(MONGOLIAN_M if male else MONGOLIAN_F)
    return (surname or rng.choice(SURNAMES)) + rng.choice(GIVEN_M if male else GIVEN_F)


class _Ids:
    """Unique, valid ID numbers: the right county code for the birth year, sequence by sex."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, rng: random.Random, birth: dt.date, male: bool) -> str:
        region = COUNTY_CODE if birth.year >= 2001 else OLD_COUNTY_CODE
        while True:
            sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
            number = make_id_number(region, birth, sequence)
            if number not in self.used:
                self.used.add(number)
                return number


def _birth(rng: random.Random, today: dt.date, age: int) -> dt.date:
    return today - dt.timedelta(days=age * 365 + rng.randrange(0, 365))


def ensure_units() -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {u.code: u for u in OrgUnit.objects.filter(code__startswith="ETK") if u.code}
    for code, name, kind, parent in UNITS:
        if code not in units:
            units[code] = OrgUnit.objects.create(
                code=code, name=name, kind=kind, parent=units[parent] if parent else None, region_id=COUNTY_CODE
            )
    return units


def ensure_users(units: dict[str, OrgUnit], password_hash: str) -> dict[str, list[User]]:
    rng = random.Random(7)
    wanted: list[tuple[str, str, str, str | None, str]] = [
        ("admin", "系统管理员", Role.ADMIN, None, "13947700000"),
        ("org_county", "高建华", Role.ORGANIZER, "ETK", "13947700001"),
        ("org_centre", "王秀兰", Role.ORGANIZER, "ETK-C", "13947700002"),
        ("org_wulan", "巴特尔", Role.ORGANIZER, "ETK-WL", "13947700003"),
        ("org_qpj", "刘海燕", Role.ORGANIZER, "ETK-QP", "13947700004"),
        ("org_mengxi", "张志强", Role.ORGANIZER, "ETK-MX", "13947700005"),
        ("org_energy", "李建军", Role.ORGANIZER, "ETK-EN", "13947700006"),
        ("auditor", "赵敏", Role.AUDITOR, "ETK", "13947700007"),
        ("employer_demo", "鄂托克旗恒达物流有限公司", Role.EMPLOYER, None, "13947700008"),
    ]
    for index, station in enumerate(STATION_WEIGHTS):
        for k in range(4):
            male = rng.random() < 0.5
            wanted.append(
                (
                    f"helper_{station.lower().replace('-', '_')}_{k + 1}",
                    _name(rng, male, rng.random() < 0.3),
                    Role.HELPER,
                    station,
                    f"1394771{index:02d}{k:02d}",
                )
            )
    existing = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted])}
    for username, full_name, role, unit_code, phone in wanted:
        if username in existing:
            continue
        user = User(
            username=username,
            full_name=full_name,
            role=role,
            phone=phone,
            org_unit=units[unit_code] if unit_code else None,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        user.password = password_hash
        user.save()
        existing[username] = user
    by_role: dict[str, list[User]] = {}
    for user in existing.values():
        by_role.setdefault(user.role, []).append(user)
    return by_role


@transaction.atomic
def seed(*, households: int = 2100, seed_value: int = 2026, verbose: Callable[[str], None] = print) -> DemoResult:
    units = ensure_units()
    password_hash = make_password(DEMO_PASSWORD)
    users = ensure_users(units, password_hash)
    result = DemoResult(created=False, units=len(units))
    result.logins = [
        ("admin", "admin", "everything, and /admin/"),
        ("organizer", "org_county", "the whole county (旗总工会)"),
        ("organizer", "org_wulan", "乌兰镇总工会 and its stations"),
        ("helper", "helper_etk_wl_1_1", "乌兰镇职工帮扶站"),
        ("auditor", "auditor", "the whole county, read-only"),
        ("employer", "employer_demo", "an employer account"),
    ]
    if Household.objects.filter(org_unit__code__startswith="ETK").exists():
        worker = (
            Member.objects.filter(user__isnull=False, household__org_unit__code__startswith="ETK")
            .select_related("user")
            .first()
        )
        if worker and worker.user:
            result.logins.append(("worker", worker.user.username, "their own household and profile"))
        result.households = Household.objects.filter(org_unit__code__startswith="ETK").count()
        result.members = Member.objects.filter(household__org_unit__code__startswith="ETK").count()
        return result
    result.created = True
    rng = random.Random(seed_value)
    today = timezone.localdate()
    now = timezone.now()
    helpers_by_unit: dict[int, list[User]] = {}
    for helper in users.get(Role.HELPER, []):
        if helper.org_unit_id is not None:  # always: helpers belong to a unit
            helpers_by_unit.setdefault(helper.org_unit_id, []).append(helper)
    groups = {g.code: g for g in TargetGroup.objects.all()}
    causes = {c.code: c for c in HardshipCause.objects.all()}
    skills = list(Skill.objects.filter(is_active=True).only("id", "name_zh", "category"))
    stations = list(STATION_WEIGHTS)
    weights = [STATION_WEIGHTS[s] for s in stations]
    ids = _Ids()

    household_rows: list[Household] = []
    group_specs: list[list[str]] = []
    cause_specs: list[list[str]] = []
    member_specs: list[list[_PersonSpec]] = []
    for index in range(households):
        station = units[rng.choices(stations, weights)[0]]
        town = station.parent.code if station.parent and station.parent.code else "ETK-WL"
        group_codes = rng.sample(list(groups), k=rng.choice([1, 1, 1, 2]))
        cause_codes = rng.sample(list(causes), k=rng.choice([1, 1, 2, 2, 3]))
        state = rng.choices(
            [Household.State.ACTIVE, Household.State.DRAFT, Household.State.EXITED, Household.State.CLOSED],
            [78, 6, 13, 3],
        )[0]
        registered = today - dt.timedelta(days=rng.randrange(60, 5 * 365))
        year = registered.year
        household = Household(
            number=f"{COUNTY_CODE}-{year}-{index + 1:06d}",
            org_unit=station,
            region_id=COUNTY_CODE,
            address=f"{rng.choice(STREETS[town])}{rng.randrange(1, 300)}号",
            hardship_note="",
            income_per_head=Decimal(rng.randrange(280, 1600)),
            dibao_status=Household.DibaoStatus.RECEIVING
            if "dibao_able" in group_codes
            else rng.choice([Household.DibaoStatus.NONE, Household.DibaoStatus.NONE, Household.DibaoStatus.APPLYING]),
            state=state,
            registered_on=registered,
            activated_on=registered + dt.timedelta(days=14) if state != Household.State.DRAFT else None,
        )
        if state == Household.State.EXITED:
            household.exited_on = today - dt.timedelta(days=rng.randrange(10, 500))
            household.follow_up_until = household.exited_on + dt.timedelta(days=365)
        if state == Household.State.CLOSED:
            household.closed_on = today - dt.timedelta(days=rng.randrange(10, 300))
            household.close_reason = rng.choice(["迁出本旗", "户主去世，家庭成员并入其他户", "重复建档"])
        if state == Household.State.ACTIVE or household.is_in_follow_up:
            # Visits are owed while active and during the follow-up year. Most are on time; about
            # one household in eight is overdue.
            household.next_visit_due = today + dt.timedelta(
                days=rng.randrange(-60, 90) if rng.random() < 0.12 else rng.randrange(1, 90)
            )
        group_specs.append(group_codes)
        cause_specs.append(cause_codes)
        household_rows.append(household)

        mongolian = rng.random() < 0.22
        surname = rng.choice(SURNAMES)
        head_male = rng.random() < 0.7
        head_age = rng.randrange(28, 62)
        people: list[_PersonSpec] = [
            {
                "relation": Member.Relation.HEAD,
                "male": head_male,
                "age": head_age,
                "surname": surname,
                "mongolian": mongolian,
            }
        ]
        if rng.random() < 0.75:
            people.append(
                {
                    "relation": Member.Relation.SPOUSE,
                    "male": not head_male,
                    "age": max(22, head_age + rng.randrange(-5, 4)),
                    "surname": None,
                    "mongolian": mongolian,
                }
            )
        for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3])):
            child_age = rng.randrange(1, max(2, head_age - 20))
            people.append(
                {
                    "relation": Member.Relation.CHILD,
                    "male": rng.random() < 0.5,
                    "age": child_age,
                    "surname": surname,
                    "mongolian": mongolian,
                }
            )
        if rng.random() < 0.2:
            people.append(
                {
                    "relation": Member.Relation.PARENT,
                    "male": rng.random() < 0.4,
                    "age": head_age + rng.randrange(22, 32),
                    "surname": surname,
                    "mongolian": mongolian,
                }
            )
        member_specs.append(people)

    bulk_create_with_history(household_rows, Household, batch_size=500, default_date=now)
    household_rows = list(
        Household.objects.filter(org_unit__code__startswith="ETK").select_related("org_unit").order_by("id")
    )
    Household.target_groups.through.objects.bulk_create(
        [
            Household.target_groups.through(household_id=h.pk, targetgroup_id=groups[code].pk)
            for h, codes in zip(household_rows, group_specs, strict=True)
            for code in codes
        ],
        batch_size=1000,
    )
    Household.hardship_causes.through.objects.bulk_create(
        [
            Household.hardship_causes.through(household_id=h.pk, hardshipcause_id=causes[code].pk)
            for h, codes in zip(household_rows, cause_specs, strict=True)
            for code in codes
        ],
        batch_size=1000,
    )

    members: list[Member] = []
    member_skill_plan: list[tuple[int, list[Skill]]] = []
    for household, people in zip(household_rows, member_specs, strict=True):
        for person in people:
            age = person["age"]
            birth = _birth(rng, today, age)
            male = person["male"]
            number = ids.make(rng, birth, male)
            if age < 6:
                education, status, capacity = "", Member.EmploymentStatus.NOT_SEEKING, Member.WorkCapacity.NONE
            elif age < 18:
                education, status, capacity = (
                    rng.choice([Member.Education.PRIMARY, Member.Education.JUNIOR, Member.Education.SENIOR]),
                    Member.EmploymentStatus.STUDENT,
                    Member.WorkCapacity.NONE,
                )
            elif age < 24 and rng.random() < 0.5:
                education, status, capacity = (
                    rng.choice([Member.Education.COLLEGE, Member.Education.BACHELOR]),
                    rng.choice([Member.EmploymentStatus.STUDENT, Member.EmploymentStatus.UNEMPLOYED]),
                    Member.WorkCapacity.FULL,
                )
            elif age >= 60:
                education, status = (
                    rng.choice([Member.Education.NONE, Member.Education.PRIMARY]),
                    Member.EmploymentStatus.RETIRED,
                )
                capacity = rng.choice([Member.WorkCapacity.NONE, Member.WorkCapacity.PARTIAL])
            else:
                education = rng.choices(
                    [
                        Member.Education.PRIMARY,
                        Member.Education.JUNIOR,
                        Member.Education.SENIOR,
                        Member.Education.VOCATIONAL,
                        Member.Education.COLLEGE,
                        Member.Education.BACHELOR,
                    ],
                    [10, 35, 20, 15, 12, 8],
                )[0]
                capacity = rng.choices(
                    [Member.WorkCapacity.FULL, Member.WorkCapacity.PARTIAL, Member.WorkCapacity.NONE], [70, 22, 8]
                )[0]
                status = (
                    Member.EmploymentStatus.UNABLE
                    if capacity == Member.WorkCapacity.NONE
                    else rng.choices(
                        [
                            Member.EmploymentStatus.UNEMPLOYED,
                            Member.EmploymentStatus.FLEXIBLE,
                            Member.EmploymentStatus.EMPLOYED,
                            Member.EmploymentStatus.SELF_EMPLOYED,
                        ],
                        [40, 30, 22, 8],
                    )[0]
                )
            graduation_year = None
            major = ""
            if education in (Member.Education.COLLEGE, Member.Education.BACHELOR) and age < 30:
                graduation_year = birth.year + (21 if education == Member.Education.COLLEGE else 22)
                major = rng.choice(MAJORS)
            member = Member(
                household=household,
                name=_name(rng, male, person["mongolian"], person["surname"]),
                relation=person["relation"],
                id_number=number,
                id_number_hash=crypto.keyed_hash(number),
                sex="M" if male else "F",
                birth_date=birth,
                phone=f"1{rng.choice([3, 5, 8])}{rng.randrange(10**8, 10**9)}" if age >= 18 else "",
                ethnicity="蒙古族" if person["mongolian"] else "汉族",
                education=education,
                graduation_year=graduation_year,
                major=major,
                work_capacity=capacity,
                employment_status=status,
                health=rng.choice(HEALTH),
                monthly_income=Decimal(rng.randrange(0, 4200)) if age >= 18 else None,
                consent_to_be_found=age >= 18 and capacity != Member.WorkCapacity.NONE and rng.random() < 0.45,
            )
            members.append(member)
            if 18 <= age < 60 and capacity != Member.WorkCapacity.NONE and skills:
                member_skill_plan.append((len(members) - 1, rng.sample(skills, k=rng.choice([0, 1, 1, 2, 2, 3]))))
    bulk_create_with_history(members, Member, batch_size=500, default_date=now)
    member_ids = dict(
        Member.objects.filter(household__org_unit__code__startswith="ETK").values_list("id_number_hash", "id")
    )
    for member in members:
        member.pk = member_ids[member.id_number_hash]
    skill_rows = []
    preferences = []
    for position, chosen in member_skill_plan:
        member = members[position]
        for skill in chosen:
            skill_rows.append(
                MemberSkill(
                    member_id=member.pk,
                    phrase=skill.name_zh,
                    skill=skill,
                    level=rng.choice(list(MemberSkill.Level.values)),
                    years=rng.randrange(0, 15),
                    certified=rng.random() < 0.3,
                    source=MemberSkill.Source.HELPER,
                )
            )
        preferences.append(
            JobPreference(
                member_id=member.pk,
                expected_salary=rng.randrange(25, 70) * 100,
                willing_to_relocate=rng.random() < 0.25,
                # Half write what they want in their own words; the rest name their first skill.
                desired_work=rng.choice(DESIRED_WORK) if rng.random() < 0.5 or not chosen else chosen[0].name_zh,
            )
        )
    # A few skills written the way people write them: most resolve, some wait for organizers.
    written_by = rng.sample([members[p] for p, _c in member_skill_plan], k=min(60, len(member_skill_plan)))
    written = [(member, rng.choice(WRITTEN_SKILLS)) for member in written_by]
    understood = skills_understand_many([phrase for _m, phrase in written])
    taken = {(row.member_id, row.skill_id) for row in skill_rows}
    for member, phrase in written:
        skill_id = understood.get(phrase)
        if skill_id is not None and (member.pk, skill_id) in taken:
            continue
        taken.add((member.pk, skill_id))
        skill_rows.append(
            MemberSkill(member_id=member.pk, phrase=phrase, skill_id=skill_id, source=MemberSkill.Source.SELF)
        )
    _code_desired_work(preferences)
    for row in skill_rows:
        if row.certified:
            row.certificate_number = f"{rng.randrange(10**13, 10**14)}"
    bulk_create_with_history(skill_rows, MemberSkill, batch_size=1000, default_date=now)
    bulk_create_with_history(preferences, JobPreference, batch_size=1000, default_date=now)

    # Pairings: every active household but a few (the "no helper" list must have something in it).
    pairings, visits, plans = [], [], []
    heads_by_household: dict[int, list[Member]] = {}
    for member in members:
        heads_by_household.setdefault(member.household_id, []).append(member)
    for household in household_rows:
        if household.state == Household.State.DRAFT or (
            household.state == Household.State.ACTIVE and rng.random() < 0.03
        ):
            continue
        if household.state == Household.State.CLOSED:
            continue
        station_helpers = helpers_by_unit.get(household.org_unit_id) or users[Role.HELPER]
        helper = rng.choice(station_helpers)
        pairings.append(
            Pairing(
                household=household,
                helper=helper,
                helping_unit=helper.org_unit,
                started_on=household.activated_on or household.registered_on,
            )
        )
        for k in range(rng.randrange(1, 5)):
            visited = today - dt.timedelta(days=rng.randrange(20, 700))
            visits.append(
                Visit(
                    household=household,
                    visited_by=helper,
                    visited_on=visited,
                    kind=rng.choice(list(Visit.Kind.values)),
                    summary=rng.choice(VISIT_NOTES),
                    next_visit_due=(household.next_visit_due if k == 0 else None) or visited + dt.timedelta(days=90),
                )
            )
    bulk_create_with_history(pairings, Pairing, batch_size=1000, default_date=now)
    Visit.objects.bulk_create(visits, batch_size=1000)

    for household in household_rows:
        if household.state not in (Household.State.ACTIVE, Household.State.EXITED):
            continue
        plans.append(
            ReliefPlan(
                household=household,
                summary="根据致困原因制定的一户一策帮扶计划",
                starts_on=household.activated_on or household.registered_on,
                review_on=today + dt.timedelta(days=rng.randrange(30, 200)),
                status=ReliefPlan.Status.ACTIVE
                if household.state == Household.State.ACTIVE
                else ReliefPlan.Status.COMPLETED,
            )
        )
    bulk_create_with_history(plans, ReliefPlan, batch_size=1000, default_date=now)
    plans = list(ReliefPlan.objects.filter(household__org_unit__code__startswith="ETK").select_related("household"))
    goals, measures = [], []
    pending_exits = []
    for plan in plans:
        household_members = heads_by_household.get(plan.household_id, [])
        capable = [
            m for m in household_members if m.work_capacity != Member.WorkCapacity.NONE and 18 <= m.age_on(today) < 60
        ] or household_members[:1]
        tracks = rng.sample(
            [
                Track.JOB,
                Track.TRAINING,
                Track.MEDICAL,
                Track.INSURANCE,
                Track.ASSISTANCE,
                Track.STUDENT_AID,
                Track.VENTURE,
                Track.WARMTH,
                Track.CARE,
            ],
            k=rng.randrange(1, 4),
        )
        if Track.JOB not in tracks and capable:
            tracks[0] = Track.JOB
        exited = plan.status == ReliefPlan.Status.COMPLETED
        all_met = exited or rng.random() < 0.04
        for track in tracks:
            who = rng.choice(capable) if capable else None
            title = rng.choice(GOALS[track]).format(name=who.name if who else "户主")
            met = all_met or rng.random() < 0.25
            goals.append(
                PlanGoal(
                    plan=plan,
                    track=track,
                    member_id=who.pk if who else None,
                    title=title,
                    due_on=today + dt.timedelta(days=rng.randrange(-30, 300)),
                    status=PlanGoal.Status.MET
                    if met
                    else rng.choice([PlanGoal.Status.OPEN, PlanGoal.Status.IN_PROGRESS]),
                    met_on=(plan.household.exited_on or today) - dt.timedelta(days=rng.randrange(1, 60))
                    if met
                    else None,
                    evidence="走访核实" if met else "",
                )
            )
            measures.append(
                PlanMeasure(
                    plan=plan,
                    track=track,
                    description=MEASURES[track],
                    status=PlanMeasure.Status.DONE if met else PlanMeasure.Status.IN_PROGRESS,
                    done_on=today - dt.timedelta(days=5) if met else None,
                )
            )
        if all_met and not exited:
            pending_exits.append(plan.household)
    bulk_create_with_history(goals, PlanGoal, batch_size=1000, default_date=now)
    bulk_create_with_history(measures, PlanMeasure, batch_size=1000, default_date=now)
    pairing_helper = {p.household_id: p.helper for p in pairings}
    for household in pending_exits:
        requester = pairing_helper.get(household.pk)
        if requester is not None:
            ExitRequest.objects.create(
                household=household,
                requested_by=requester,
                reason="计划目标均已完成：户主已稳定就业，家庭人均收入超过低保线。",
            )

    # A worker login for the head of an active, paired household at 乌兰镇职工帮扶站.
    worker_user = None
    by_pk = {h.pk: h for h in household_rows}
    paired = set(pairing_helper)
    for member in members:
        household = by_pk[member.household_id]
        if (
            member.relation == Member.Relation.HEAD
            and member.phone
            and household.pk in paired
            and household.state == Household.State.ACTIVE
            and household.org_unit.code == "ETK-WL-1"
        ):
            worker_user = User(username="worker_demo", full_name=member.name, role=Role.WORKER, phone=member.phone)
            worker_user.password = password_hash
            worker_user.save()
            Member.objects.filter(pk=member.pk).update(user=worker_user)
            break
    if worker_user:
        result.logins.append(("worker", worker_user.username, "their own household and profile"))
    result.households = len(household_rows)
    result.members = len(members)
    transaction.on_commit(analyze_database)
    verbose(f"Created {result.households} households and {result.members} members.")
    return result
